/* pl_types.c: type rules: common types, numeric promotion, casts and assignability (Flink's). */
#include <string.h>
#include "../common/sl_error.h"
#include "pl_expr.h"
#include "pl_types.h"

static bool is_int(int id) { return id == SL_T_INT || id == SL_T_BIGINT; }
static bool is_time(int id) { return id == SL_T_TIMESTAMP || id == SL_T_TIMESTAMP_LTZ || id == SL_T_DATE; }

/* DECIMAL that holds every value of an integer type. */
static sl_type int_as_decimal(sl_type t) {
    sl_type d = sl_type_make(SL_T_DECIMAL);
    d.precision = t.id == SL_T_INT ? 10 : 18;
    d.scale = 0;
    return d;
}

sl_type pl_numeric_result(sl_type a, sl_type b) {
    if (a.id == SL_T_DOUBLE || b.id == SL_T_DOUBLE) return sl_type_make(SL_T_DOUBLE);
    if (a.id == SL_T_FLOAT || b.id == SL_T_FLOAT) {
        if (a.id == SL_T_DECIMAL || b.id == SL_T_DECIMAL) return sl_type_make(SL_T_DOUBLE);
        return sl_type_make(SL_T_FLOAT);
    }
    if (a.id == SL_T_DECIMAL || b.id == SL_T_DECIMAL) {
        sl_type x = a.id == SL_T_DECIMAL ? a : int_as_decimal(a);
        sl_type y = b.id == SL_T_DECIMAL ? b : int_as_decimal(b);
        sl_type r = sl_type_make(SL_T_DECIMAL);
        r.scale = x.scale > y.scale ? x.scale : y.scale;
        int ip = (x.precision - x.scale) > (y.precision - y.scale) ? x.precision - x.scale : y.precision - y.scale;
        int p = ip + r.scale;
        r.precision = (uint8_t)(p > 18 ? 18 : p);
        return r;
    }
    if (a.id == SL_T_BIGINT || b.id == SL_T_BIGINT) return sl_type_make(SL_T_BIGINT);
    return sl_type_make(SL_T_INT);
}

bool pl_common_type(sl_type a, sl_type b, sl_type *out) {
    if (a.id == SL_T_NULL) { *out = b; out->not_null = false; return true; }
    if (b.id == SL_T_NULL) { *out = a; out->not_null = false; return true; }
    if (sl_type_is_numeric(a.id) && sl_type_is_numeric(b.id)) { *out = pl_numeric_result(a, b); return true; }
    if (a.id == b.id) {
        *out = a;
        out->not_null = a.not_null && b.not_null;
        if (a.id == SL_T_STRING && a.length != b.length) out->length = -1;
        if (a.id == SL_T_TIMESTAMP || a.id == SL_T_TIMESTAMP_LTZ)
            out->precision = a.precision > b.precision ? a.precision : b.precision;
        return true;
    }
    if (a.id == SL_T_STRING && b.id != SL_T_INTERVAL) { *out = b; out->not_null = false; return true; }
    if (b.id == SL_T_STRING && a.id != SL_T_INTERVAL) { *out = a; out->not_null = false; return true; }
    if (is_time(a.id) && is_time(b.id)) {
        *out = a.id == SL_T_DATE ? b : a;
        out->not_null = false;
        return true;
    }
    return false;
}

bool pl_castable(sl_type from, sl_type to) {
    int f = from.id, t = to.id;
    if (f == SL_T_NULL || f == t || f == SL_T_STRING || t == SL_T_STRING) return f != SL_T_INTERVAL || t == SL_T_STRING || t == f;
    if (sl_type_is_numeric(f) && sl_type_is_numeric(t)) return true;
    if ((f == SL_T_BOOLEAN && sl_type_is_numeric(t)) || (t == SL_T_BOOLEAN && sl_type_is_numeric(f))) return true;
    if (is_time(f) && is_time(t)) return true;
    return false;
}

bool pl_assignable(sl_type from, sl_type to) {
    int f = from.id, t = to.id;
    if (f == SL_T_NULL || f == t) return true;
    if (sl_type_is_numeric(f) && sl_type_is_numeric(t)) return true;
    if (t == SL_T_STRING) return f != SL_T_INTERVAL;
    if (is_time(f) && is_time(t)) return true;
    if (f == SL_T_STRING) return pl_castable(from, to);
    return false;
}

/* Same representation: a cast between them would change nothing. */
static bool same_type(sl_type a, sl_type b) {
    if (a.id != b.id) return false;
    if (a.id == SL_T_DECIMAL) return a.scale == b.scale;
    return true;
}

pl_expr *pl_coerce(pl_expr *e, sl_type to, sl_arena *arena, char **err) {
    if (same_type(e->type, to)) return e;
    if (!pl_castable(e->type, to)) {
        char a[64], b[64];
        *err = sl_strdupf("Cannot cast %s to %s", sl_type_name(e->type, a, sizeof a), sl_type_name(to, b, sizeof b));
        return NULL;
    }
    if (e->kind == PL_X_CONST && e->value.null) { /* a typed NULL */
        pl_expr *c = sl_arena_alloc(arena, sizeof *c);
        *c = *e;
        c->type = to;
        c->type.not_null = false;
        return c;
    }
    pl_expr *c = sl_arena_calloc(arena, sizeof *c);
    c->kind = PL_X_CAST;
    c->type = to;
    c->type.not_null = false;
    c->nargs = 1;
    c->args = sl_arena_alloc(arena, sizeof(pl_expr *));
    c->args[0] = e;
    (void)is_int;
    return c;
}
