/* sp_build_type.c: SQL data types with parameters (DECIMAL(p, s), VARCHAR(n), TIMESTAMP(p))
 * and their range checks. */
#include <string.h>
#include "sp_build.h"

/* The value of an integer parameter token, or -1 when it has more than 9 digits. */
static long type_param(sp_token t) {
    if (t.n > 9) return -1;
    long v = 0;
    for (int i = 0; i < t.n; i++) v = v * 10 + (t.z[i] - '0');
    return v;
}

/* DECIMAL, DECIMAL(p), DECIMAL(p, s); DECIMAL values are int64, hence p <= 18. */
sl_type sp_type_decimal(sp_ctx *ctx, sp_token at, const sp_token *p, const sp_token *s) {
    sl_type t = sl_type_make(SL_T_DECIMAL);
    if (!p) return t;
    long pv = type_param(*p);
    long sv = s ? type_param(*s) : 0;
    if (pv < 1 || pv > 18) {
        if (pv > 18 || pv < 0)
            sp_ctx_error(ctx, p->line, p->col, "DECIMAL precision above 18 is not supported");
        else
            sp_ctx_error(ctx, p->line, p->col, "DECIMAL precision must be at least 1");
        return t;
    }
    if (sv < 0 || sv > pv) {
        sp_ctx_error(ctx, s->line, s->col, "DECIMAL scale %ld is larger than its precision %ld", sv, pv);
        return t;
    }
    (void)at;
    t.precision = (uint8_t)pv;
    t.scale = (uint8_t)sv;
    return t;
}

/* CHAR, CHAR(n), VARCHAR(n): a string type with a length (CHAR alone is CHAR(1)). */
sl_type sp_type_char(sp_ctx *ctx, sp_token at, const sp_token *n) {
    sl_type t = sl_type_make(SL_T_STRING);
    (void)at;
    t.length = 1;
    if (!n) return t;
    long v = type_param(*n);
    if (v < 1) {
        sp_ctx_error(ctx, n->line, n->col, "String length must be between 1 and 999999999");
        return t;
    }
    t.length = (int32_t)v;
    return t;
}

/* TIMESTAMP[(p)] [WITHOUT TIME ZONE | WITH LOCAL TIME ZONE] and TIMESTAMP_LTZ[(p)]; a
 * precision token of type 0 means none was written (Flink's default 6). */
sl_type sp_type_timestamp(sp_ctx *ctx, sp_token at, sp_token precision, bool ltz) {
    sl_type t = sl_type_make(ltz ? SL_T_TIMESTAMP_LTZ : SL_T_TIMESTAMP);
    (void)at;
    if (precision.type == 0) return t;
    long v = type_param(precision);
    if (v < 0 || v > 9) {
        sp_ctx_error(ctx, precision.line, precision.col, "TIMESTAMP precision must be between 0 and 9");
        return t;
    }
    t.precision = (uint8_t)v;
    return t;
}

/* A type name the engine does not know (BYTES, ARRAY, ...). */
sl_type sp_type_unsupported(sp_ctx *ctx, sp_ident name) {
    sp_ctx_error(ctx, name.line, name.col, "Unsupported data type '%s'", name.s);
    return sl_type_make(SL_T_STRING);
}
