/* sp_parse.h: the parser's entry points. */
#ifndef SP_PARSE_H
#define SP_PARSE_H

#include "sp_ast.h"

typedef struct sp_parse_result {
    sp_stmt **stmts;     /* in source order */
    int nstmts;
    char *error;         /* NULL on success; else malloc'd message with line, column and caret
                            (made by sl_error_at over the whole input) */
    int err_line, err_col;
    sl_arena *arena;     /* owns the statements and a copy of the input text */
} sp_parse_result;

/* Parses zero or more ';'-separated statements (a final ';' is optional). Returns 0, or -1
 * with out->error set; out must be freed with sp_parse_result_free either way. Positions in
 * errors are relative to `sql` (line 1, column 1 is its first byte). Never crashes on any input. */
int sp_parse(const char *sql, sp_parse_result *out);
void sp_parse_result_free(sp_parse_result *r);

/* For the shell: true when `text` holds at least one complete statement, i.e. a ';' outside
 * string literals, quoted identifiers and comments, with only whitespace/comments after it. */
bool sp_statement_complete(const char *text);

/* The normalized text of statements (malloc'd): tokens separated by single spaces, comments
 * and ';' dropped, keywords and unquoted names upper-cased, literals and `quoted` names kept. */
char *sp_normalize(const char *text);

/* Renders an expression back as SQL text (for EXPLAIN and column names), e.g.
 * "UPPER(customer)", "(amount > 100)". Appends to out. */
struct sl_buf;
void sp_expr_to_sql(struct sl_buf *out, const sp_expr *e);

#endif
