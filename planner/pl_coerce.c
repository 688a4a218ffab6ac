/* pl_coerce.c: type rules of expressions: result types of arithmetic, common types of
 * comparisons and CASE-like constructs, which casts exist, and the cast nodes the binder
 * inserts (pl_coerce, pl_assignable for INSERT INTO).
 *
 * Numeric promotion (Flink): INT op INT = INT; INT op BIGINT = BIGINT; an integer with a
 * DECIMAL is that DECIMAL rule with the integer as DECIMAL(10,0) (INT) or DECIMAL(18,0)
 * (BIGINT; Flink uses 19 digits, we stop at 18); FLOAT op FLOAT/integer = FLOAT; DOUBLE with
 * anything numeric, and FLOAT with DECIMAL, = DOUBLE.
 * DECIMAL results (Flink's LogicalTypeMerging, with 18 instead of 38 as the maximum):
 *   + -  scale max(s1, s2), precision max(p1-s1, p2-s2) + scale + 1
 *   *    scale s1 + s2, precision p1 + p2 + 1
 *   /    scale max(6, s1 + p2 + 1), precision p1 - s1 + s2 + scale
 *   %    scale max(s1, s2), precision min(p1-s1, p2-s2) + scale
 * then precision > 18 is brought to 18 keeping the integer digits and a scale of at least
 * min(s, 6). Values that do not fit the result type become NULL (as in Flink). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "../common/sl_format.h"
#include "pl_bind.h"

static bool is_int(int id) { return id == SL_T_INT || id == SL_T_BIGINT; }
static bool is_ts(int id) { return id == SL_T_TIMESTAMP || id == SL_T_TIMESTAMP_LTZ; }
static bool is_temporal(int id) { return is_ts(id) || id == SL_T_DATE; }

static const int64_t POW10[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                  100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
                                  1000000000000LL, 10000000000000LL, 100000000000000LL,
                                  1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
                                  1000000000000000000LL};

const char *pl_tname(sl_type t, char *buf, size_t n) {
    t.not_null = false;
    return sl_type_name(t, buf, n);
}

sl_type pl_decimal_type(int p, int s) {
    if (p > 18) {
        int intd = p - s;
        int mins = s < 6 ? s : 6;
        s = 18 - intd;
        if (s < mins) s = mins;
        p = 18;
    }
    if (s < 0) s = 0;
    if (p < 1) p = 1;
    if (s > p) p = s > 18 ? 18 : s;
    if (s > p) s = p;
    sl_type t = sl_type_make(SL_T_DECIMAL);
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)s;
    return t;
}

sl_type pl_decimal_of(sl_type t) {
    if (t.id == SL_T_INT) return pl_decimal_type(10, 0);
    if (t.id == SL_T_BIGINT) return pl_decimal_type(18, 0);
    return t;
}

/* Common numeric type of two numeric types (value and comparison contexts). */
static sl_type numeric_common(sl_type x, sl_type y) {
    if (x.id == SL_T_DOUBLE || y.id == SL_T_DOUBLE) return sl_type_make(SL_T_DOUBLE);
    if (x.id == SL_T_FLOAT || y.id == SL_T_FLOAT)
        return sl_type_make(x.id == SL_T_DECIMAL || y.id == SL_T_DECIMAL ? SL_T_DOUBLE : SL_T_FLOAT);
    if (x.id == SL_T_DECIMAL || y.id == SL_T_DECIMAL) {
        x = pl_decimal_of(x);
        y = pl_decimal_of(y);
        int s = x.scale > y.scale ? x.scale : y.scale;
        int i1 = x.precision - x.scale, i2 = y.precision - y.scale;
        return pl_decimal_type((i1 > i2 ? i1 : i2) + s, s);
    }
    return sl_type_make(x.id == SL_T_BIGINT || y.id == SL_T_BIGINT ? SL_T_BIGINT : SL_T_INT);
}

bool pl_arith_type(int fn, sl_type x, sl_type y, sl_type *out) {
    if (x.id == SL_T_NULL) x = y;
    if (y.id == SL_T_NULL) y = x;
    bool nn = x.not_null && y.not_null;
    if (x.id == SL_T_NULL) {
        *out = sl_type_make(SL_T_NULL);
        return true;
    }
    if (!sl_type_is_numeric((sl_type_id)x.id) || !sl_type_is_numeric((sl_type_id)y.id)) return false;
    /* MOD and % take exact numerics only, as in Flink (Calcite's EXACT_NUMERIC % EXACT_NUMERIC) */
    if (fn == PL_F_MOD && (x.id == SL_T_FLOAT || x.id == SL_T_DOUBLE || y.id == SL_T_FLOAT || y.id == SL_T_DOUBLE))
        return false;
    if (x.id != SL_T_DECIMAL && y.id != SL_T_DECIMAL) {
        *out = numeric_common(x, y);
        out->not_null = nn;
        return true;
    }
    if (x.id == SL_T_FLOAT || x.id == SL_T_DOUBLE || y.id == SL_T_FLOAT || y.id == SL_T_DOUBLE) {
        *out = sl_type_make(SL_T_DOUBLE);
        out->not_null = nn;
        return true;
    }
    x = pl_decimal_of(x);
    y = pl_decimal_of(y);
    int p1 = x.precision, s1 = x.scale, p2 = y.precision, s2 = y.scale;
    int p, s;
    switch (fn) {
    case PL_F_ADD:
    case PL_F_SUB: {
        s = s1 > s2 ? s1 : s2;
        int i = p1 - s1 > p2 - s2 ? p1 - s1 : p2 - s2;
        p = i + s + 1;
        break;
    }
    case PL_F_MUL:
        s = s1 + s2;
        p = p1 + p2 + 1;
        break;
    case PL_F_DIV:
        s = s1 + p2 + 1 > 6 ? s1 + p2 + 1 : 6;
        p = p1 - s1 + s2 + s;
        if (p > 18) {
            s = 18 - (p - s) > 6 ? 18 - (p - s) : 6;
            p = 18;
        }
        break;
    default: { /* MOD */
        s = s1 > s2 ? s1 : s2;
        int i = p1 - s1 < p2 - s2 ? p1 - s1 : p2 - s2;
        p = i + s;
        break;
    }
    }
    *out = pl_decimal_type(p, s);
    return true; /* decimal results may overflow to NULL: nullable */
}

bool pl_common_type(sl_type x, sl_type y, int mode, sl_type *out) {
    bool nn = x.not_null && y.not_null;
    if (x.id == SL_T_NULL) { *out = y; out->not_null = false; return true; }
    if (y.id == SL_T_NULL) { *out = x; out->not_null = false; return true; }
    bool nx = sl_type_is_numeric((sl_type_id)x.id), ny = sl_type_is_numeric((sl_type_id)y.id);
    if (nx && ny) {
        *out = numeric_common(x, y);
    } else if (x.id == y.id && !is_ts(x.id)) {
        *out = x;
        if (x.id == SL_T_STRING && x.length != y.length) out->length = -1;
    } else if (is_temporal(x.id) && is_temporal(y.id)) {
        int id = x.id == SL_T_TIMESTAMP_LTZ || y.id == SL_T_TIMESTAMP_LTZ ? SL_T_TIMESTAMP_LTZ : SL_T_TIMESTAMP;
        int p = 0;
        if (is_ts(x.id)) p = x.precision;
        if (is_ts(y.id) && y.precision > p) p = y.precision;
        *out = sl_type_make((sl_type_id)id);
        out->precision = (uint8_t)p;
    } else if (mode == PL_CT_COMPARE && x.id == SL_T_STRING &&
               (ny || is_temporal(y.id) || y.id == SL_T_BOOLEAN)) {
        *out = y;
    } else if (mode == PL_CT_COMPARE && y.id == SL_T_STRING &&
               (nx || is_temporal(x.id) || x.id == SL_T_BOOLEAN)) {
        *out = x;
    } else {
        return false;
    }
    out->not_null = nn;
    return true;
}

bool pl_cast_allowed(sl_type from, sl_type to) {
    int f = from.id, t = to.id;
    if (f == SL_T_NULL || f == t) return true;
    if (t == SL_T_NULL) return false;
    if (t == SL_T_STRING) return true;
    if (f == SL_T_STRING) return t != SL_T_INTERVAL;
    bool fn = sl_type_is_numeric((sl_type_id)f) || f == SL_T_BOOLEAN;
    bool tn = sl_type_is_numeric((sl_type_id)t) || t == SL_T_BOOLEAN;
    if (fn && tn) return true;
    return is_temporal(f) && is_temporal(t);
}

bool pl_same_repr(sl_type from, sl_type to) {
    if (from.id != to.id || from.id == SL_T_NULL) return false;
    if (from.id == SL_T_DECIMAL) return from.scale == to.scale && from.precision <= to.precision;
    if (is_ts(from.id)) return from.precision <= to.precision;
    return true;
}

/* Representation class for comparisons (see pl_bind.h). */
static int cmp_class(int id) {
    switch (id) {
    case SL_T_INT:
    case SL_T_BIGINT: return 1;
    case SL_T_FLOAT:
    case SL_T_DOUBLE: return 3;
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ: return 6;
    default: return 10 + id;
    }
}

bool pl_same_class(sl_type a, sl_type b) {
    if (a.id == SL_T_NULL || b.id == SL_T_NULL) return false;
    return cmp_class(a.id) == cmp_class(b.id);
}

/* Folds CAST(constant AS to) for the cases whose result is obvious here (NULL, numeric
 * widening, date/time text); false leaves the cast to the runtime. */
static bool fold_cast(const pl_expr *e, sl_type to, sl_value *out) {
    sl_value v = e->value;
    int f = e->type.id, t = to.id;
    if (v.null) { *out = sl_null(); return true; }
    if (is_int(f) || f == SL_T_BOOLEAN) {
        if (t == SL_T_BIGINT) { *out = sl_int(v.i); return true; }
        if (t == SL_T_INT) { *out = sl_int((int32_t)(uint32_t)(uint64_t)v.i); return true; }
        if (t == SL_T_DOUBLE) { *out = sl_double((double)v.i); return true; }
        if (t == SL_T_FLOAT) { *out = sl_double((double)(float)v.i); return true; }
        if (t == SL_T_BOOLEAN) { *out = sl_int(v.i != 0); return true; }
        if (t == SL_T_DECIMAL) {
            int64_t lim = POW10[to.precision - to.scale]; /* |v| < 10^(p-s) */
            if (v.i >= lim || v.i <= -lim) return false;
            *out = sl_int(v.i * POW10[to.scale]);
            return true;
        }
        return false;
    }
    if (f == SL_T_DECIMAL) {
        if (t == SL_T_DECIMAL && to.scale >= e->type.scale) {
            int64_t m = POW10[to.scale - e->type.scale];
            int64_t lim = POW10[to.precision] / m;
            if (v.i >= lim || v.i <= -lim) return false;
            *out = sl_int(v.i * m);
            return true;
        }
        if (t == SL_T_DOUBLE || t == SL_T_FLOAT) {
            char b[SL_FMT_BUFSZ];
            sl_fmt_decimal(b, v.i, e->type.scale);
            *out = t == SL_T_DOUBLE ? sl_double(strtod(b, NULL)) : sl_double((double)strtof(b, NULL));
            return true;
        }
        return false;
    }
    if (f == SL_T_FLOAT && t == SL_T_DOUBLE) { *out = v; return true; }
    if (f == SL_T_DOUBLE && t == SL_T_FLOAT) { *out = sl_double((double)(float)v.d); return true; }
    if (f == SL_T_STRING && is_ts(t)) {
        int64_t us;
        if (!sl_parse_timestamp(v.s.ptr, v.s.len, &us)) return false;
        int64_t unit = to.precision >= 6 ? 1 : POW10[6 - to.precision];
        int64_t q = us / unit;
        if (us % unit != 0 && us < 0) q--;
        *out = sl_int(q * unit);
        return true;
    }
    if (f == SL_T_STRING && t == SL_T_DATE) {
        int64_t d;
        if (!sl_parse_date(v.s.ptr, v.s.len, &d)) return false;
        *out = sl_int(d);
        return true;
    }
    if (f == SL_T_STRING && t == SL_T_STRING) { *out = v; return true; }
    if (is_ts(f) && is_ts(t) && to.precision >= e->type.precision) { *out = v; return true; }
    return false;
}

pl_expr *pl_cast_node(pl_expr *e, sl_type to, bool try_cast, sl_arena *a) {
    to.not_null = false;
    if (e->kind == PL_X_CONST) {
        sl_value v;
        if (fold_cast(e, to, &v)) {
            to.not_null = !v.null;
            pl_expr *c = pl_new_const(a, to, v);
            /* an integer shown as written by EXPLAIN: (amount > 100), not 100.0 */
            c->flag = (uint8_t)(e->flag || ((e->type.id == SL_T_INT || e->type.id == SL_T_BIGINT) &&
                                            to.id != SL_T_BOOLEAN && to.id != SL_T_STRING));
            return c;
        }
    }
    pl_expr *c = pl_new_node(a, PL_X_CAST, to, 1);
    c->args[0] = e;
    c->flag = try_cast ? 1 : 0;
    c->type.not_null = e->type.not_null && !try_cast && to.id != SL_T_DECIMAL;
    return c;
}

pl_expr *pl_implicit(pl_binder *b, pl_expr *e, sl_type to, const sp_expr *at, const char *what) {
    if (pl_same_repr(e->type, to)) return e;
    if (!pl_cast_allowed(e->type, to)) {
        char f[64], t[64];
        return pl_bind_error(b, at, "Cannot convert %s to %s in %s", pl_tname(e->type, f, sizeof f),
                             pl_tname(to, t, sizeof t), what);
    }
    return pl_cast_node(e, to, false, b->a);
}

pl_expr *pl_to_class(pl_binder *b, pl_expr *e, sl_type common, const sp_expr *at, const char *what) {
    if (pl_same_class(e->type, common)) return e;
    return pl_implicit(b, e, common, at, what);
}

pl_expr *pl_coerce(pl_expr *e, sl_type to, sl_arena *arena, char **err) {
    if (pl_same_repr(e->type, to)) return e;
    if (!pl_cast_allowed(e->type, to)) {
        char f[64], t[64];
        *err = sl_strdupf("Cannot cast %s to %s", pl_tname(e->type, f, sizeof f), pl_tname(to, t, sizeof t));
        return NULL;
    }
    return pl_cast_node(e, to, false, arena);
}

/* Numeric widening order for INSERT: INT < BIGINT < DECIMAL < FLOAT < DOUBLE. */
static int num_rank(int id) {
    switch (id) {
    case SL_T_INT: return 1;
    case SL_T_BIGINT: return 2;
    case SL_T_DECIMAL: return 3;
    case SL_T_FLOAT: return 4;
    case SL_T_DOUBLE: return 5;
    default: return 0;
    }
}

bool pl_assignable(sl_type from, sl_type to) {
    int f = from.id, t = to.id;
    if (f == SL_T_NULL || f == t || t == SL_T_STRING) return true;
    if (num_rank(f) && num_rank(t)) return num_rank(f) <= num_rank(t);
    if (is_ts(f) && is_ts(t)) return true;
    if (f == SL_T_DATE && is_ts(t)) return true;
    return false;
}
