/* Placeholder until the real parser lands. */
#include <stdlib.h>
#include <string.h>
#include "sp_parse.h"
#include "../common/sl_error.h"
int sp_parse(const char *sql, sp_parse_result *out) {
    (void)sql; memset(out, 0, sizeof *out); out->error = sl_strdupf("parser not built yet"); return -1;
}
void sp_parse_result_free(sp_parse_result *r) { free(r->error); sl_arena_free(r->arena); memset(r, 0, sizeof *r); }
bool sp_statement_complete(const char *text) { return strchr(text, ';') != NULL; }
void sp_expr_to_sql(struct sl_buf *out, const sp_expr *e) { (void)out; (void)e; }
