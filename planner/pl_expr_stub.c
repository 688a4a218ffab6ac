/* Placeholder until the expression binder lands. */
#include "pl_expr.h"
#include "../common/sl_error.h"
pl_expr *pl_bind_expr(const sp_expr *e, const pl_scope *scope, sl_arena *arena, const char *src, char **err) {
    (void)e; (void)scope; (void)arena; (void)src; *err = sl_strdupf("binder not built yet"); return NULL;
}
pl_expr *pl_coerce(pl_expr *e, sl_type to, sl_arena *arena, char **err) { (void)to; (void)arena; (void)err; return e; }
bool pl_assignable(sl_type from, sl_type to) { (void)from; (void)to; return true; }
void pl_expr_to_text(struct sl_buf *out, const pl_expr *e, const char *const *names) { (void)out; (void)e; (void)names; }
void pl_expr_columns(const pl_expr *e, bool *used) { (void)e; (void)used; }
void pl_expr_remap(pl_expr *e, const int *map) { (void)e; (void)map; }
bool pl_expr_is_constant(const pl_expr *e) { (void)e; return false; }
