/* rt_arith.c: + - * / % and unary minus, and the DECIMAL helpers they share with CAST and
 * the math functions.
 * Integers wrap around like Java (Flink does not check overflow): computed on uint64_t, INT
 * results truncated to 32 bits, so there is no undefined behaviour; integer division or
 * modulo by zero is the runtime error "Division by zero". DOUBLE/FLOAT follow IEEE (x/0 is
 * Infinity or NaN). DECIMAL uses 128-bit intermediates; a result that does not fit its
 * precision is NULL (as Flink), and division rounds half up. */
#include <stdio.h>
#include <stdlib.h>
#include "../common/sl_format.h"
#include "rt_internal.h"

const int64_t rt_pow10[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                              100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
                              1000000000000LL, 10000000000000LL, 100000000000000LL,
                              1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
                              1000000000000000000LL};

/* 10^n as a 128-bit integer, n <= 38. */
static rt_i128 pow10_128(int n) {
    rt_i128 p = 1;
    for (int i = 0; i < n; i++) p *= 10;
    return p;
}

bool rt_dec_fits(rt_i128 v, int precision) {
    rt_i128 lim = precision <= 18 ? (rt_i128)rt_pow10[precision] : pow10_128(precision);
    return v < lim && v > -lim;
}

bool rt_dec_rescale(rt_i128 v, int from, int to, rt_i128 *out) {
    if (to == from) {
        *out = v;
        return true;
    }
    if (to > from) {
        int d = to - from;
        if (d > 38) return v == 0 ? (*out = 0, true) : false;
        rt_i128 m = pow10_128(d);
        rt_i128 lim = (((rt_i128)1 << 126) / m);
        if (v > lim || v < -lim) return false;
        *out = v * m;
        return true;
    }
    int d = from - to;
    if (d > 38) {
        *out = 0;
        return true;
    }
    rt_i128 m = pow10_128(d);
    rt_i128 q = v / m, r = v % m;
    if (r < 0) r = -r;
    if (r * 2 >= m) q += v < 0 ? -1 : 1;
    *out = q;
    return true;
}

double rt_dec_to_double(int64_t unscaled, int scale) {
    static const double P[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /* both operands exact: the one division rounds correctly */
    if (unscaled > -(1LL << 53) && unscaled < (1LL << 53) && scale <= 22) return (double)unscaled / P[scale];
    char b[SL_FMT_BUFSZ];
    sl_fmt_decimal(b, unscaled, scale);
    return strtod(b, NULL);
}

/* Java-style wrapping integer arithmetic; INT results keep 32 bits. */
static sl_value int_op(int fn, int64_t a, int64_t b, bool is_int, rt_eval_ctx *ctx) {
    uint64_t r;
    switch (fn) {
    case PL_F_ADD: r = (uint64_t)a + (uint64_t)b; break;
    case PL_F_SUB: r = (uint64_t)a - (uint64_t)b; break;
    case PL_F_MUL: r = (uint64_t)a * (uint64_t)b; break;
    case PL_F_DIV:
    case PL_F_MOD:
        if (b == 0) {
            rt_fail(ctx, "Division by zero");
            return sl_null();
        }
        if (b == -1) r = fn == PL_F_DIV ? 0 - (uint64_t)a : 0; /* MIN / -1 wraps to MIN */
        else r = (uint64_t)(fn == PL_F_DIV ? a / b : a % b);
        break;
    default: return sl_null();
    }
    return sl_int(is_int ? (int64_t)(int32_t)(uint32_t)r : (int64_t)r);
}

/* round_half_up(|n| * 10^k / |d|) for k >= 0, or false when it exceeds 10^18. */
static bool div_scaled(rt_i128 n, rt_i128 d, int k, rt_i128 *q_out) {
    const rt_i128 big = (rt_i128)rt_pow10[18] * 10;
    rt_i128 q, r;
    if (k <= 19) {
        rt_i128 num = n * pow10_128(k); /* |n| < 10^19 (scaled DECIMAL(18)), product < 10^38 */
        q = num / d;
        r = num % d;
    } else {
        q = n / d;
        r = n % d;
        for (int i = 0; i < k; i++) {
            q = q * 10 + (r * 10) / d;
            r = (r * 10) % d;
            if (q > big) return false;
        }
    }
    if (r * 2 >= d) q++;
    *q_out = q;
    return true;
}

/* DECIMAL a fn b: args at their own scales, result at e->type's precision and scale. */
static sl_value dec_op(const pl_expr *e, int64_t a, int64_t b, rt_eval_ctx *ctx) {
    int sa = e->args[0]->type.scale, sb = e->args[1]->type.scale;
    int sr = e->type.scale, pr = e->type.precision;
    rt_i128 x = a, y = b, r;
    int rs; /* scale of r before the final rescale */
    switch (e->fn) {
    case PL_F_ADD:
    case PL_F_SUB:
    case PL_F_MOD:
        rs = sa > sb ? sa : sb;
        x *= rt_pow10[rs - sa];
        y *= rt_pow10[rs - sb];
        if (e->fn == PL_F_MOD) {
            if (y == 0) {
                rt_fail(ctx, "Division by zero");
                return sl_null();
            }
            r = x % y;
        } else {
            r = e->fn == PL_F_ADD ? x + y : x - y;
        }
        break;
    case PL_F_MUL:
        r = x * y;
        rs = sa + sb;
        break;
    case PL_F_DIV: {
        if (y == 0) {
            rt_fail(ctx, "Division by zero");
            return sl_null();
        }
        bool neg = (x < 0) != (y < 0);
        rt_i128 n = x < 0 ? -x : x, d = y < 0 ? -y : y, q;
        int k = sr - sa + sb; /* q = n * 10^k / d is the result at scale sr */
        if (k >= 0) {
            if (!div_scaled(n, d, k, &q)) return sl_null();
        } else {
            rt_i128 den = d * pow10_128(-k);
            q = n / den;
            if ((n % den) * 2 >= den) q++;
        }
        r = neg ? -q : q;
        rs = sr;
        break;
    }
    default: return sl_null();
    }
    if (!rt_dec_rescale(r, rs, sr, &r) || !rt_dec_fits(r, pr)) return sl_null();
    return sl_int((int64_t)r);
}

/* Unary minus. */
static sl_value neg_op(const pl_expr *e, sl_value a) {
    switch (e->type.id) {
    case SL_T_INT: return sl_int((int32_t)(0u - (uint32_t)(uint64_t)a.i));
    case SL_T_FLOAT:
    case SL_T_DOUBLE: return sl_double(-a.d);
    default: return sl_int((int64_t)(0 - (uint64_t)a.i));
    }
}

sl_value rt_arith(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value a = rt_arg(e->args[0], row, ctx);
    if (a.null) return a;
    if (e->fn == PL_F_NEG) return neg_op(e, a);
    sl_value b = rt_arg(e->args[1], row, ctx);
    if (b.null) return b;
    switch (e->type.id) {
    case SL_T_INT: return int_op(e->fn, a.i, b.i, true, ctx);
    case SL_T_BIGINT: return int_op(e->fn, a.i, b.i, false, ctx);
    case SL_T_DOUBLE:
        switch (e->fn) {
        case PL_F_ADD: return sl_double(a.d + b.d);
        case PL_F_SUB: return sl_double(a.d - b.d);
        case PL_F_MUL: return sl_double(a.d * b.d);
        default: return sl_double(a.d / b.d); /* DIV: MOD takes exact numerics only (pl_arith_type) */
        }
    case SL_T_FLOAT: {
        float x = (float)a.d, y = (float)b.d, r;
        switch (e->fn) {
        case PL_F_ADD: r = x + y; break;
        case PL_F_SUB: r = x - y; break;
        case PL_F_MUL: r = x * y; break;
        default: r = x / y; break; /* DIV, as above */
        }
        return sl_double((double)r);
    }
    case SL_T_DECIMAL: return dec_op(e, a.i, b.i, ctx);
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ: { /* timestamp +/- interval (ms) */
        uint64_t d = (uint64_t)b.i * 1000u;
        return sl_int((int64_t)(e->fn == PL_F_ADD ? (uint64_t)a.i + d : (uint64_t)a.i - d));
    }
    case SL_T_DATE: { /* whole days of the interval */
        int64_t days = rt_floor_div(b.i, 86400000LL);
        return sl_int((int64_t)(e->fn == PL_F_ADD ? (uint64_t)a.i + (uint64_t)days : (uint64_t)a.i - (uint64_t)days));
    }
    case SL_T_INTERVAL:
        return sl_int((int64_t)(e->fn == PL_F_ADD ? (uint64_t)a.i + (uint64_t)b.i : (uint64_t)a.i - (uint64_t)b.i));
    default: return sl_null();
    }
}
