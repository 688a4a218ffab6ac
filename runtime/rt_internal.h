/* rt_internal.h: helpers shared by the evaluator's files (rt_expr.c, rt_arith.c, rt_cast.c,
 * rt_functions.c, rt_fn_string.c, rt_fn_math.c, rt_fn_time.c, rt_like.c). Not for other
 * modules. See planner/pl_bind.h for the shapes of bound trees the evaluator relies on. */
#ifndef RT_INTERNAL_H
#define RT_INTERNAL_H

#include <string.h>
#include "rt_expr.h"

__extension__ typedef __int128 rt_i128;

/* Records the first runtime error of the batch in ctx->error (later ones are dropped). */
void rt_fail(rt_eval_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Evaluates an argument, reading columns and constants without a call. */
static inline sl_value rt_arg(const pl_expr *a, const sl_value *row, rt_eval_ctx *ctx) {
    if (a->kind == PL_X_COL) return row[a->col];
    if (a->kind == PL_X_CONST) return a->value;
    return rt_eval(a, row, ctx);
}

/* ---- decimals (rt_arith.c) ---- */
extern const int64_t rt_pow10[19];
/* True if |v| < 10^precision. */
bool rt_dec_fits(rt_i128 v, int precision);
/* v at scale `from` brought to scale `to`: exact when scaling up (false on 128-bit overflow),
 * rounded half up (ties away from zero) when scaling down. */
bool rt_dec_rescale(rt_i128 v, int from, int to, rt_i128 *out);
/* Nearest double to unscaled x 10^-scale. */
double rt_dec_to_double(int64_t unscaled, int scale);

/* The value of a column or constant argument in place (no copy), or NULL when the argument
 * must be evaluated. Comparisons read through pointers: passing 24-byte values by value
 * costs store-forwarding stalls on the hot path. */
static inline const sl_value *rt_ref(const pl_expr *a, const sl_value *row) {
    if (a->kind == PL_X_COL) return &row[a->col];
    if (a->kind == PL_X_CONST) return &a->value;
    return NULL;
}

/* ---- comparison (rt_expr.c) ---- */
/* a fn b for non-NULL a (type ta) and b (type tb) of one comparison class; fn is PL_F_EQ ..
 * PL_F_GE. */
bool rt_compare(int fn, const sl_type *ta, const sl_value *a, const sl_type *tb, const sl_value *b);

/* ---- operators and functions ---- */
sl_value rt_arith(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx);     /* rt_arith.c */
sl_value rt_function(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx);  /* rt_functions.c */
sl_value rt_fn_string(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx); /* rt_fn_string.c */
sl_value rt_fn_math(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx);   /* rt_fn_math.c */
sl_value rt_fn_time(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx);   /* rt_fn_time.c */
/* s LIKE pattern with an escape sequence (esc_len 0: none). */
bool rt_like(const char *s, size_t sn, const char *p, size_t pn, const char *esc, size_t esc_len);

/* ---- UTF-8 ---- */
/* Byte length of the code point starting with byte c (1 for stray continuation bytes). */
static inline size_t rt_utf8_len(unsigned char c) {
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Floor division for a positive divisor. */
static inline int64_t rt_floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

#endif
