/* rt_expr.h: evaluation of bound expressions over one row.
 * Called in a tight loop by operators over a batch; allocation only from ctx->arena (reset by
 * the caller per batch). Semantics follow Flink SQL (three-valued logic, NULL in -> NULL out
 * for most functions); runtime errors (integer division by zero, a bad CAST of a string)
 * are reported through ctx->error and the result is NULL. */
#ifndef RT_EXPR_H
#define RT_EXPR_H

#include "../common/sl_arena.h"
#include "../planner/pl_expr.h"

typedef struct rt_eval_ctx {
    sl_arena *arena;       /* for strings made by functions (UPPER, ||, CAST to STRING) */
    char *error;           /* first runtime error, malloc'd; the caller decides what to do */
    int64_t now_micros;    /* CURRENT_TIMESTAMP for this batch (UTC micros) */
    bool has_watermark;    /* CURRENT_WATERMARK(): the input has a watermark ... */
    int64_t watermark;     /* ... this one (micros) */
} rt_eval_ctx;

sl_value rt_eval(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx);

/* WHERE semantics: true only when the predicate is TRUE (not FALSE, not NULL). */
bool rt_eval_pred(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx);

/* Casts a value between types (used by CAST and by formats converting text). Returns false
 * and sets *err (malloc'd) on failure, e.g. "Cannot cast 'abc' to INT". String results are
 * allocated in arena. */
bool rt_cast_value(sl_value in, sl_type from, sl_type to, sl_arena *arena, sl_value *out, char **err);

#endif
