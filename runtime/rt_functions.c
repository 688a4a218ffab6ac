/* rt_functions.c: dispatch of scalar function calls, and the functions that are not
 * NULL-in/NULL-out (COALESCE, IF, NULLIF, CONCAT_WS, CURRENT_TIMESTAMP). String, math and
 * date/time functions live in rt_fn_string.c, rt_fn_math.c and rt_fn_time.c. */
#include "rt_internal.h"

/* COALESCE: the first non-NULL argument; later arguments are not evaluated. */
static sl_value coalesce(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    for (int i = 0; i < e->nargs; i++) {
        sl_value v = rt_arg(e->args[i], row, ctx);
        if (!v.null) return v;
    }
    return sl_null();
}

/* NULLIF(a, b): NULL when a = b, else a; compared as args[2] (a in b's common type) when the
 * planner gave one. */
static sl_value nullif(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value a = rt_arg(e->args[0], row, ctx);
    if (a.null) return a;
    sl_value b = rt_arg(e->args[1], row, ctx);
    if (b.null) return a;
    const pl_expr *x = e->args[e->nargs == 3 ? 2 : 0];
    sl_value ax = e->nargs == 3 ? rt_arg(x, row, ctx) : a;
    if (!ax.null && rt_compare(PL_F_EQ, &x->type, &ax, &e->args[1]->type, &b)) return sl_null();
    return a;
}

sl_value rt_function(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    switch (e->fn) {
    case PL_F_COALESCE: return coalesce(e, row, ctx);
    case PL_F_NULLIF: return nullif(e, row, ctx);
    case PL_F_IF: return rt_arg(e->args[rt_eval_pred(e->args[0], row, ctx) ? 1 : 2], row, ctx);
    case PL_F_CONCAT:
    case PL_F_CONCAT_WS:
    case PL_F_UPPER:
    case PL_F_LOWER:
    case PL_F_CHAR_LENGTH:
    case PL_F_SUBSTRING:
    case PL_F_TRIM:
    case PL_F_LTRIM:
    case PL_F_RTRIM:
    case PL_F_REPLACE:
    case PL_F_POSITION: return rt_fn_string(e, row, ctx);
    case PL_F_ABS:
    case PL_F_ROUND:
    case PL_F_FLOOR:
    case PL_F_CEIL:
    case PL_F_POWER:
    case PL_F_SQRT: return rt_fn_math(e, row, ctx);
    case PL_F_DATE_FORMAT:
    case PL_F_TO_TIMESTAMP:
    case PL_F_CURRENT_TIMESTAMP:
    case PL_F_PROCTIME:
    case PL_F_CURRENT_WATERMARK: return rt_fn_time(e, row, ctx);
    default: rt_fail(ctx, "Unsupported function %d", e->fn); return sl_null();
    }
}
