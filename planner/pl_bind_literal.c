/* pl_bind_literal.c: typed constants from literal text: numbers (INT, BIGINT, exact DECIMAL,
 * DOUBLE), strings (copied into the plan arena), TIMESTAMP/DATE literals and day-time
 * INTERVAL literals (as milliseconds). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_format.h"
#include "pl_bind.h"

/* Integer literal: INT if it fits 32 bits, else BIGINT; error beyond 64 bits. */
static pl_expr *int_literal(pl_binder *b, const sp_expr *e) {
    const char *t = e->text ? e->text : "";
    uint64_t v = 0;
    for (const char *p = t; *p; p++) {
        if (*p < '0' || *p > '9') return pl_bind_error(b, e, "Invalid integer literal '%s'", t);
        if (v > (UINT64_MAX - 9) / 10 || v * 10 + (uint64_t)(*p - '0') > (uint64_t)INT64_MAX)
            return pl_bind_error(b, e, "Integer literal '%s' is out of range", t);
        v = v * 10 + (uint64_t)(*p - '0');
    }
    sl_type ty = sl_type_make(v <= INT32_MAX ? SL_T_INT : SL_T_BIGINT);
    ty.not_null = true;
    return pl_new_const(b->a, ty, sl_int((int64_t)v));
}

/* Exact numeric literal "12.50": DECIMAL(p, s) with s the digits after the point and p the
 * significant digits (at least s); more than 18 digits falls back to DOUBLE. */
static pl_expr *decimal_literal(pl_binder *b, const sp_expr *e) {
    const char *t = e->text ? e->text : "";
    const char *dot = strchr(t, '.');
    int s = dot ? (int)strlen(dot + 1) : 0;
    const char *p = t;
    while (*p == '0') p++;
    int intd = (int)((dot ? dot : t + strlen(t)) - p);
    if (intd < 0) intd = 0;
    int prec = intd + s;
    if (prec < 1) prec = 1;
    int64_t u;
    if (prec <= 18 && sl_parse_decimal(t, strlen(t), s, &u)) {
        sl_type ty = sl_type_make(SL_T_DECIMAL);
        ty.precision = (uint8_t)prec;
        ty.scale = (uint8_t)s;
        ty.not_null = true;
        return pl_new_const(b->a, ty, sl_int(u));
    }
    char *end;
    double d = strtod(t, &end);
    if (*end) return pl_bind_error(b, e, "Invalid numeric literal '%s'", t);
    sl_type ty = sl_type_make(SL_T_DOUBLE);
    ty.not_null = true;
    return pl_new_const(b->a, ty, sl_double(d));
}

/* TIMESTAMP 'text': precision = fraction digits written, 3 when there is no fraction. */
static pl_expr *timestamp_literal(pl_binder *b, const sp_expr *e) {
    const char *t = e->text ? e->text : "";
    int64_t us;
    if (!sl_parse_timestamp(t, strlen(t), &us)) return pl_bind_error(b, e, "Invalid TIMESTAMP literal '%s'", t);
    const char *dot = strchr(t, '.');
    int p = 0;
    if (dot)
        for (const char *q = dot + 1; *q >= '0' && *q <= '9'; q++) p++;
    sl_type ty = sl_type_make(SL_T_TIMESTAMP);
    ty.precision = (uint8_t)(p ? p : 3);
    ty.not_null = true;
    return pl_new_const(b->a, ty, sl_int(us));
}

pl_expr *pl_bind_literal(pl_binder *b, const sp_expr *e) {
    sl_type ty;
    switch (e->lit) {
    case SP_LIT_NULL: return pl_new_const(b->a, sl_type_make(SL_T_NULL), sl_null());
    case SP_LIT_BOOL:
        ty = sl_type_make(SL_T_BOOLEAN);
        ty.not_null = true;
        return pl_new_const(b->a, ty, sl_int(e->lit_bool ? 1 : 0));
    case SP_LIT_INT: return int_literal(b, e);
    case SP_LIT_DECIMAL: return decimal_literal(b, e);
    case SP_LIT_DOUBLE: {
        char *end;
        errno = 0;
        double d = strtod(e->text ? e->text : "", &end);
        if (!e->text || *end) return pl_bind_error(b, e, "Invalid numeric literal '%s'", e->text ? e->text : "");
        ty = sl_type_make(SL_T_DOUBLE);
        ty.not_null = true;
        return pl_new_const(b->a, ty, sl_double(d));
    }
    case SP_LIT_STRING: {
        const char *t = e->text ? e->text : "";
        size_t n = strlen(t);
        ty = sl_type_make(SL_T_STRING);
        ty.not_null = true;
        return pl_new_const(b->a, ty, sl_str(sl_arena_strndup(b->a, t, n), (uint32_t)n));
    }
    case SP_LIT_TIMESTAMP: return timestamp_literal(b, e);
    case SP_LIT_DATE: {
        const char *t = e->text ? e->text : "";
        int64_t d;
        if (!sl_parse_date(t, strlen(t), &d)) return pl_bind_error(b, e, "Invalid DATE literal '%s'", t);
        ty = sl_type_make(SL_T_DATE);
        ty.not_null = true;
        return pl_new_const(b->a, ty, sl_int(d));
    }
    default: return pl_bind_error(b, e, "Unsupported literal");
    }
}

/* Milliseconds of one unit. */
static int64_t unit_ms(int u) {
    switch (u) {
    case SP_IU_DAY: return 86400000LL;
    case SP_IU_HOUR: return 3600000LL;
    case SP_IU_MINUTE: return 60000LL;
    default: return 1000LL;
    }
}

/* INTERVAL 'text' unit [TO unit]: day-time intervals only. The fields from the leading unit
 * to the trailing one are separated by ' ' after DAY and ':' otherwise ('1 02:03:04.5' DAY TO
 * SECOND); seconds may have a fraction (kept to milliseconds); the leading field has no
 * upper bound, the others must be in range. */
pl_expr *pl_bind_interval(pl_binder *b, const sp_expr *e) {
    int u0 = e->unit, u1 = e->to_unit ? e->to_unit : e->unit;
    if (u0 == SP_IU_YEAR || u0 == SP_IU_MONTH || u1 == SP_IU_YEAR || u1 == SP_IU_MONTH)
        return pl_bind_error(b, e, "year-month intervals are not supported yet");
    if (u0 < SP_IU_DAY || u1 < u0) return pl_bind_error(b, e, "Invalid interval qualifier");
    const char *t = e->text ? e->text : "";
    const char *p = t;
    while (*p == ' ') p++;
    bool neg = false;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    int64_t total = 0;
    for (int u = u0; u <= u1; u++) {
        if (u > u0) {
            char sep = u - 1 == SP_IU_DAY ? ' ' : ':';
            if (*p != sep) goto bad;
            p++;
        }
        const char *d0 = p;
        int64_t v = 0;
        while (*p >= '0' && *p <= '9') {
            if (v > 100000000LL) goto bad; /* keeps v * unit_ms in range */
            v = v * 10 + (*p++ - '0');
        }
        if (p == d0) goto bad;
        if (u > u0 && ((u == SP_IU_HOUR && v > 23) || (u != SP_IU_HOUR && v > 59))) goto bad;
        total += v * unit_ms(u);
        if (u == SP_IU_SECOND && *p == '.') {
            p++;
            int64_t ms = 0;
            int nd = 0;
            while (*p >= '0' && *p <= '9') {
                if (nd < 3) ms = ms * 10 + (*p - '0');
                nd++;
                p++;
            }
            if (nd == 0 || nd > 9) goto bad;
            for (; nd < 3; nd++) ms *= 10;
            total += ms;
        }
    }
    while (*p == ' ') p++;
    if (*p) goto bad;
    sl_type ty = sl_type_make(SL_T_INTERVAL);
    ty.not_null = true;
    return pl_new_const(b->a, ty, sl_int(neg ? -total : total));
bad:
    return pl_bind_error(b, e, "Invalid INTERVAL literal '%s'", t);
}
