/* rt_fn_math.c: ABS, ROUND, FLOOR, CEIL, POWER, SQRT (Flink semantics: ROUND rounds half up,
 * i.e. ties away from zero, on the decimal value; a DOUBLE is rounded through its shortest
 * decimal form as BigDecimal.valueOf does, so ROUND(0.285, 2) is 0.29). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "../common/sl_format.h"
#include "rt_internal.h"

static sl_value abs_value(sl_type t, sl_value v) {
    switch (t.id) {
    case SL_T_INT: return sl_int(v.i < 0 ? (int32_t)(0u - (uint32_t)(uint64_t)v.i) : v.i); /* MIN stays MIN */
    case SL_T_FLOAT:
    case SL_T_DOUBLE: return sl_double(fabs(v.d));
    default: return sl_int(v.i < 0 ? (int64_t)(0 - (uint64_t)v.i) : v.i);
    }
}

/* Rounds a double to d digits after the point (d < 0: before it), half up on its shortest
 * decimal digits. */
static double round_double(double x, int64_t d, bool as_float) {
    if (x == 0 || isnan(x) || isinf(x)) return x;
    char dg[24];
    int ex;
    int n = sl_double_digits(x, as_float, dg, &ex); /* |x| = 0.dg x 10^ex */
    if (d > 400) return x;
    if (d < -400) return 0;
    int64_t keep = ex + d; /* digits kept */
    if (keep >= n) return x;
    if (keep < 0) return 0;
    bool up = dg[keep] >= '5';
    dg[keep] = 0;
    int e2 = ex;
    if (up) { /* increment the kept digits, carrying */
        int64_t i = keep - 1;
        while (i >= 0 && dg[i] == '9') dg[i--] = '0';
        if (i >= 0) {
            dg[i]++;
        } else { /* all nines (or nothing kept): 1 followed by zeros, one more digit */
            memmove(dg + 1, dg, (size_t)keep + 1);
            dg[0] = '1';
            e2++;
        }
    } else if (keep == 0) {
        return 0;
    }
    char txt[64];
    snprintf(txt, sizeof txt, "%s0.%sE%d", x < 0 ? "-" : "", dg, e2);
    return strtod(txt, NULL);
}

/* Integer rounded to 10^-d (d < 0), half away from zero; wraps like Java. */
static int64_t round_int(int64_t x, int64_t d, bool is_int) {
    if (d >= 0) return x;
    if (d < -18) return 0;
    int64_t m = rt_pow10[-d], q = x / m, r = x % m;
    if ((r < 0 ? -r : r) * 2 >= m) q += x < 0 ? -1 : 1;
    uint64_t v = (uint64_t)q * (uint64_t)m;
    return is_int ? (int32_t)(uint32_t)v : (int64_t)v;
}

/* DECIMAL (scale s) rounded to d digits, result at scale rs / precision rp; NULL on overflow.
 * The value is first counted in units of 10^-d (rounded half up), then brought to rs. */
static sl_value round_dec(int64_t v, int s, int64_t d, int rs, int rp) {
    rt_i128 r = v;
    if (d < s) {
        int64_t drop = s - d;
        if (drop > 38) r = 0;
        else rt_dec_rescale(r, (int)drop, 0, &r);
        if (r != 0 && !rt_dec_rescale(r, (int)d, rs, &r)) return sl_null();
    } else if (!rt_dec_rescale(r, s, rs, &r)) {
        return sl_null();
    }
    if (!rt_dec_fits(r, rp)) return sl_null();
    return sl_int((int64_t)r);
}

/* FLOOR/CEIL of a DECIMAL(p, s) to scale 0. */
static sl_value floor_ceil_dec(int64_t v, int s, bool ceil_) {
    if (s == 0) return sl_int(v);
    int64_t m = rt_pow10[s], q = v / m, r = v % m;
    if (r != 0 && (r > 0) == ceil_) q += ceil_ ? 1 : -1;
    return sl_int(q);
}

sl_value rt_fn_math(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value a = rt_arg(e->args[0], row, ctx);
    if (a.null) return a;
    sl_type t = e->args[0]->type;
    switch (e->fn) {
    case PL_F_ABS: return abs_value(t, a);
    case PL_F_ROUND: {
        sl_value dv = rt_arg(e->args[1], row, ctx);
        if (dv.null) return dv;
        switch (t.id) {
        case SL_T_INT:
        case SL_T_BIGINT: return sl_int(round_int(a.i, dv.i, t.id == SL_T_INT));
        case SL_T_FLOAT: return sl_double((double)(float)round_double(a.d, dv.i, true));
        case SL_T_DOUBLE: return sl_double(round_double(a.d, dv.i, false));
        case SL_T_DECIMAL: return round_dec(a.i, t.scale, dv.i, e->type.scale, e->type.precision);
        default: return sl_null();
        }
    }
    case PL_F_FLOOR:
    case PL_F_CEIL: {
        bool c = e->fn == PL_F_CEIL;
        switch (t.id) {
        case SL_T_FLOAT: return sl_double((double)(c ? ceilf((float)a.d) : floorf((float)a.d)));
        case SL_T_DOUBLE: return sl_double(c ? ceil(a.d) : floor(a.d));
        case SL_T_DECIMAL: return floor_ceil_dec(a.i, t.scale, c);
        default: return a;
        }
    }
    case PL_F_POWER: {
        sl_value b = rt_arg(e->args[1], row, ctx);
        if (b.null) return b;
        return sl_double(pow(a.d, b.d));
    }
    case PL_F_SQRT: return sl_double(sqrt(a.d));
    default: return sl_null();
    }
}
