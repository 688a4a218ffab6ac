/* Placeholder until the evaluator lands. */
#include "rt_expr.h"
sl_value rt_eval(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) { (void)e; (void)row; (void)ctx; return sl_null(); }
bool rt_eval_pred(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) { (void)e; (void)row; (void)ctx; return false; }
bool rt_cast_value(sl_value in, sl_type from, sl_type to, sl_arena *arena, sl_value *out, char **err) { (void)from; (void)to; (void)arena; (void)err; *out = in; return true; }
