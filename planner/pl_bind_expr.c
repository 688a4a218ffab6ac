/* pl_bind_expr.c: binds AST expressions to typed pl_expr trees (names, types, casts). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "../common/sl_format.h"
#include "pl_expr.h"
#include "pl_types.h"

typedef struct binder {
    const pl_scope *scope;
    sl_arena *a;
    const char *src;
    char **err;
} binder;

static pl_expr *bind(binder *b, const sp_expr *e);

/* Sets the error at e's position (first error wins) and returns NULL. */
static pl_expr *fail(binder *b, const sp_expr *e, const char *fmt, ...) {
    if (*b->err) return NULL;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    *b->err = sl_error_at(b->src, e->line, e->col, "%s", msg);
    return NULL;
}

static pl_expr *node(binder *b, int kind, sl_type t, int nargs) {
    pl_expr *x = sl_arena_calloc(b->a, sizeof *x);
    x->kind = (uint8_t)kind;
    x->type = t;
    x->nargs = nargs;
    if (nargs) x->args = sl_arena_calloc(b->a, sizeof(pl_expr *) * (size_t)nargs);
    return x;
}

static pl_expr *call(binder *b, int fn, sl_type t, int nargs) {
    pl_expr *x = node(b, PL_X_CALL, t, nargs);
    x->fn = (uint8_t)fn;
    return x;
}

/* Casts x to t, reporting a failure at e. */
static pl_expr *coerce(binder *b, const sp_expr *e, pl_expr *x, sl_type t) {
    char *err = NULL;
    pl_expr *c = pl_coerce(x, t, b->a, &err);
    if (!c) {
        fail(b, e, "%s", err);
        free(err);
    }
    return c;
}

static const char *tname(sl_type t, char *buf) { return sl_type_name(t, buf, 64); }

/* ---- names ---- */

static pl_expr *bind_column(binder *b, const sp_expr *e) {
    const pl_scope *s = b->scope;
    int found = -1;
    for (int i = 0; i < s->ncols; i++) {
        if (strcasecmp(s->cols[i].name, e->name) != 0) continue;
        if (e->qual && (!s->cols[i].qual || strcasecmp(s->cols[i].qual, e->qual) != 0)) continue;
        if (found >= 0) return fail(b, e, "Column '%s' is ambiguous", e->name);
        found = i;
    }
    if (found < 0) {
        if (e->qual) {
            bool qual_known = false;
            for (int i = 0; i < s->ncols; i++)
                if (s->cols[i].qual && !strcasecmp(s->cols[i].qual, e->qual)) qual_known = true;
            if (!qual_known) return fail(b, e, "Unknown table or alias '%s'", e->qual);
        }
        const char *best = NULL;
        int bestd = 3;
        for (int i = 0; i < s->ncols; i++) {
            int d = sl_edit_distance(e->name, s->cols[i].name);
            if (d < bestd) { bestd = d; best = s->cols[i].name; }
        }
        if (best) return fail(b, e, "Unknown column '%s'. Did you mean '%s'?", e->name, best);
        return fail(b, e, "Unknown column '%s'", e->name);
    }
    pl_expr *x = node(b, PL_X_COL, s->cols[found].type, 0);
    x->col = s->cols[found].index;
    return x;
}

/* ---- literals ---- */

static pl_expr *bind_literal(binder *b, const sp_expr *e) {
    pl_expr *x = node(b, PL_X_CONST, sl_type_make(SL_T_NULL), 0);
    x->value = sl_null();
    x->type.not_null = true;
    switch (e->lit) {
    case SP_LIT_NULL: x->type.not_null = false; return x;
    case SP_LIT_BOOL: x->type.id = SL_T_BOOLEAN; x->value = sl_int(e->lit_bool); return x;
    case SP_LIT_INT: {
        errno = 0;
        char *end;
        long long v = strtoll(e->text, &end, 10);
        if (errno || *end) return fail(b, e, "Integer literal %s is out of range", e->text);
        x->type = sl_type_make(v >= INT32_MIN && v <= INT32_MAX ? SL_T_INT : SL_T_BIGINT);
        x->type.not_null = true;
        x->value = sl_int(v);
        return x;
    }
    case SP_LIT_DECIMAL: {
        const char *dot = strchr(e->text, '.');
        int scale = dot ? (int)strlen(dot + 1) : 0;
        int digits = 0;
        for (const char *p = e->text; *p; p++) digits += isdigit((unsigned char)*p) != 0;
        int64_t u;
        if (scale > 18 || !sl_parse_decimal(e->text, strlen(e->text), scale, &u)) {
            x->type = sl_type_make(SL_T_DOUBLE); /* too long for DECIMAL(18): approximate */
            x->value = sl_double(strtod(e->text, NULL));
        } else {
            x->type = sl_type_make(SL_T_DECIMAL);
            x->type.precision = (uint8_t)(digits < scale ? scale : digits > 18 ? 18 : digits);
            if (x->type.precision == 0) x->type.precision = 1;
            x->type.scale = (uint8_t)scale;
            x->value = sl_int(u);
        }
        x->type.not_null = true;
        return x;
    }
    case SP_LIT_DOUBLE:
        x->type = sl_type_make(SL_T_DOUBLE);
        x->type.not_null = true;
        x->value = sl_double(strtod(e->text, NULL));
        return x;
    case SP_LIT_STRING: {
        size_t n = strlen(e->text);
        x->type = sl_type_make(SL_T_STRING);
        x->type.not_null = true;
        x->value = sl_str(sl_arena_strndup(b->a, e->text, n), (uint32_t)n);
        return x;
    }
    case SP_LIT_TIMESTAMP: {
        int64_t us;
        if (!sl_parse_timestamp(e->text, strlen(e->text), &us)) return fail(b, e, "Invalid TIMESTAMP literal '%s'", e->text);
        x->type = sl_type_make(SL_T_TIMESTAMP);
        const char *dot = strchr(e->text, '.');
        x->type.precision = (uint8_t)(dot ? (strlen(dot + 1) > 9 ? 9 : strlen(dot + 1)) : 0);
        if (x->type.precision < 3) x->type.precision = 3; /* nothing narrower is ever useful */
        x->type.not_null = true;
        x->value = sl_int(us);
        return x;
    }
    case SP_LIT_DATE: {
        int64_t d;
        if (!sl_parse_date(e->text, strlen(e->text), &d)) return fail(b, e, "Invalid DATE literal '%s'", e->text);
        x->type = sl_type_make(SL_T_DATE);
        x->type.not_null = true;
        x->value = sl_int(d);
        return x;
    }
    }
    return fail(b, e, "Unsupported literal");
}

/* INTERVAL 'n' unit [TO unit] as milliseconds. */
static pl_expr *bind_interval(binder *b, const sp_expr *e) {
    if (e->unit == SP_IU_YEAR || e->unit == SP_IU_MONTH)
        return fail(b, e, "Year-month intervals are not supported yet");
    static const int64_t ms[] = {0, 0, 0, 86400000LL, 3600000LL, 60000LL, 1000LL};
    const char *t = e->text;
    bool neg = false;
    while (*t == ' ') t++;
    if (*t == '-') { neg = true; t++; }
    double total = 0;
    if (!e->to_unit) {
        char *end;
        double v = strtod(t, &end);
        while (*end == ' ') end++;
        if (end == t || *end) return fail(b, e, "Invalid interval value '%s'", e->text);
        total = v * (double)ms[e->unit];
    } else { /* e.g. '1 02:30:00' DAY TO SECOND: fields from `unit` down to `to_unit` */
        int u = e->unit;
        const char *p = t;
        while (*p && u <= e->to_unit) {
            char *end;
            double v = strtod(p, &end);
            if (end == p) return fail(b, e, "Invalid interval value '%s'", e->text);
            total += v * (double)ms[u];
            p = end;
            if (*p == ' ' || *p == ':') p++;
            u++;
        }
    }
    pl_expr *x = node(b, PL_X_CONST, sl_type_make(SL_T_INTERVAL), 0);
    x->type.not_null = true;
    x->value = sl_int((int64_t)(neg ? -total : total));
    return x;
}

/* ---- operators ---- */

static bool boolish(sl_type t) { return t.id == SL_T_BOOLEAN || t.id == SL_T_NULL; }

static pl_expr *as_bool(binder *b, const sp_expr *e, pl_expr *x, const char *what) {
    if (!x) return NULL;
    if (!boolish(x->type)) {
        char t[64];
        return fail(b, e, "%s expects a BOOLEAN operand, not %s", what, tname(x->type, t));
    }
    return coerce(b, e, x, sl_type_make(SL_T_BOOLEAN));
}

static const char *op_name(int op) {
    static const char *n[] = {"", "-", "+", "NOT", "+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "AND", "OR", "||"};
    return op < (int)(sizeof n / sizeof n[0]) ? n[op] : "?";
}

/* Arithmetic: numeric promotion, or TIMESTAMP/DATE +- INTERVAL. */
static pl_expr *bind_arith(binder *b, const sp_expr *e, int fn, pl_expr *l, pl_expr *r) {
    char t1[64], t2[64];
    sl_type lt = l->type, rt = r->type;
    if (lt.id == SL_T_NULL) lt = rt.id == SL_T_NULL ? sl_type_make(SL_T_INT) : rt;
    if (rt.id == SL_T_NULL) rt = lt;
    bool ltime = lt.id == SL_T_TIMESTAMP || lt.id == SL_T_TIMESTAMP_LTZ || lt.id == SL_T_DATE;
    if ((fn == PL_F_ADD || fn == PL_F_SUB) && ltime && rt.id == SL_T_INTERVAL) {
        sl_type res = lt.id == SL_T_DATE ? sl_type_make(SL_T_TIMESTAMP) : lt;
        pl_expr *x = call(b, fn, res, 2);
        x->args[0] = coerce(b, e, l, res);
        x->args[1] = coerce(b, e, r, rt);
        return x->args[0] && x->args[1] ? x : NULL;
    }
    if (fn == PL_F_ADD && lt.id == SL_T_INTERVAL && (rt.id == SL_T_TIMESTAMP || rt.id == SL_T_TIMESTAMP_LTZ))
        return bind_arith(b, e, fn, r, l);
    if (!sl_type_is_numeric(lt.id) || !sl_type_is_numeric(rt.id))
        return fail(b, e, "Cannot apply '%s' to arguments of type %s and %s", op_name(e->op), tname(l->type, t1), tname(r->type, t2));
    sl_type res = pl_numeric_result(lt, rt);
    pl_expr *x = call(b, fn, res, 2);
    if (res.id == SL_T_DECIMAL) {
        /* decimals keep their own scales; the evaluator rescales (integers become DECIMAL(p, 0)) */
        sl_type dl = lt.id == SL_T_DECIMAL ? lt : pl_numeric_result(lt, (sl_type){SL_T_DECIMAL, 1, 0, false, -1});
        sl_type dr = rt.id == SL_T_DECIMAL ? rt : pl_numeric_result(rt, (sl_type){SL_T_DECIMAL, 1, 0, false, -1});
        dl.scale = lt.id == SL_T_DECIMAL ? lt.scale : 0;
        dr.scale = rt.id == SL_T_DECIMAL ? rt.scale : 0;
        if (fn == PL_F_MUL) res.scale = (uint8_t)(dl.scale + dr.scale > 18 ? 18 : dl.scale + dr.scale);
        if (fn == PL_F_DIV) res.scale = (uint8_t)(dl.scale > 6 ? dl.scale : 6);
        res.precision = 18;
        x->type = res;
        x->args[0] = coerce(b, e, l, dl);
        x->args[1] = coerce(b, e, r, dr);
    } else {
        x->args[0] = coerce(b, e, l, res);
        x->args[1] = coerce(b, e, r, res);
    }
    return x->args[0] && x->args[1] ? x : NULL;
}

/* Coerces all of args[0..n) to one common type; false (with error) if there is none. */
static bool unify(binder *b, const sp_expr *e, pl_expr **args, int n, sl_type *out, const char *what) {
    sl_type t = args[0]->type;
    for (int i = 1; i < n; i++) {
        sl_type c;
        if (!pl_common_type(t, args[i]->type, &c)) {
            char t1[64], t2[64];
            fail(b, e, "Cannot %s %s and %s", what, tname(t, t1), tname(args[i]->type, t2));
            return false;
        }
        t = c;
    }
    if (t.id == SL_T_NULL) t = sl_type_make(SL_T_STRING);
    for (int i = 0; i < n; i++)
        if (!(args[i] = coerce(b, e, args[i], t))) return false;
    *out = t;
    return true;
}

static pl_expr *bind_compare(binder *b, const sp_expr *e, int fn, pl_expr *l, pl_expr *r) {
    pl_expr *args[2] = {l, r};
    sl_type t;
    if (!unify(b, e, args, 2, &t, "compare")) return NULL;
    if (t.id == SL_T_INTERVAL) return fail(b, e, "Cannot compare intervals");
    pl_expr *x = call(b, fn, sl_type_make(SL_T_BOOLEAN), 2);
    x->args[0] = args[0];
    x->args[1] = args[1];
    return x;
}

static pl_expr *bind_binary(binder *b, const sp_expr *e) {
    pl_expr *l = bind(b, e->args[0]);
    pl_expr *r = l ? bind(b, e->args[1]) : NULL;
    if (!l || !r) return NULL;
    switch (e->op) {
    case SP_OP_AND:
    case SP_OP_OR: {
        pl_expr *x = node(b, e->op == SP_OP_AND ? PL_X_AND : PL_X_OR, sl_type_make(SL_T_BOOLEAN), 2);
        x->args[0] = as_bool(b, e->args[0], l, op_name(e->op));
        x->args[1] = as_bool(b, e->args[1], r, op_name(e->op));
        return x->args[0] && x->args[1] ? x : NULL;
    }
    case SP_OP_ADD: return bind_arith(b, e, PL_F_ADD, l, r);
    case SP_OP_SUB: return bind_arith(b, e, PL_F_SUB, l, r);
    case SP_OP_MUL: return bind_arith(b, e, PL_F_MUL, l, r);
    case SP_OP_DIV: return bind_arith(b, e, PL_F_DIV, l, r);
    case SP_OP_MOD: return bind_arith(b, e, PL_F_MOD, l, r);
    case SP_OP_EQ: return bind_compare(b, e, PL_F_EQ, l, r);
    case SP_OP_NE: return bind_compare(b, e, PL_F_NE, l, r);
    case SP_OP_LT: return bind_compare(b, e, PL_F_LT, l, r);
    case SP_OP_LE: return bind_compare(b, e, PL_F_LE, l, r);
    case SP_OP_GT: return bind_compare(b, e, PL_F_GT, l, r);
    case SP_OP_GE: return bind_compare(b, e, PL_F_GE, l, r);
    case SP_OP_CONCAT: {
        pl_expr *x = call(b, PL_F_CONCAT, sl_type_make(SL_T_STRING), 2);
        x->args[0] = coerce(b, e, l, sl_type_make(SL_T_STRING));
        x->args[1] = coerce(b, e, r, sl_type_make(SL_T_STRING));
        return x->args[0] && x->args[1] ? x : NULL;
    }
    }
    return fail(b, e, "Unsupported operator");
}

static pl_expr *bind_unary(binder *b, const sp_expr *e) {
    pl_expr *x = bind(b, e->args[0]);
    if (!x) return NULL;
    if (e->op == SP_OP_NOT) {
        pl_expr *n = node(b, PL_X_NOT, sl_type_make(SL_T_BOOLEAN), 1);
        n->args[0] = as_bool(b, e, x, "NOT");
        return n->args[0] ? n : NULL;
    }
    if (x->type.id == SL_T_NULL) x = coerce(b, e, x, sl_type_make(SL_T_INT));
    if (!sl_type_is_numeric(x->type.id) && x->type.id != SL_T_INTERVAL) {
        char t[64];
        return fail(b, e, "Cannot apply unary '%s' to %s", op_name(e->op), tname(x->type, t));
    }
    if (e->op == SP_OP_PLUS) return x;
    if (x->kind == PL_X_CONST && !x->value.null) { /* fold -literal */
        pl_expr *c = node(b, PL_X_CONST, x->type, 0);
        c->value = x->value;
        if (x->type.id == SL_T_DOUBLE || x->type.id == SL_T_FLOAT) c->value.d = -x->value.d;
        else c->value.i = (int64_t)(0 - (uint64_t)x->value.i);
        return c;
    }
    pl_expr *n = call(b, PL_F_NEG, x->type, 1);
    n->args[0] = x;
    return n;
}

/* ---- other expression kinds ---- */

static pl_expr *bind_case(binder *b, const sp_expr *e) {
    int npairs = (e->nargs - 2) / 2;
    bool has_else = e->args[e->nargs - 1] != NULL;
    pl_expr *operand = e->args[0] ? bind(b, e->args[0]) : NULL;
    if (e->args[0] && !operand) return NULL;
    pl_expr *x = node(b, PL_X_CASE, sl_type_make(SL_T_NULL), npairs * 2 + (has_else ? 1 : 0));
    x->flag = has_else;
    pl_expr **vals = sl_arena_calloc(b->a, sizeof(pl_expr *) * (size_t)(npairs + 1));
    int nv = 0;
    for (int i = 0; i < npairs; i++) {
        const sp_expr *w = e->args[1 + 2 * i];
        pl_expr *cond = bind(b, w);
        if (!cond) return NULL;
        if (operand) cond = bind_compare(b, w, PL_F_EQ, operand, cond);
        else cond = as_bool(b, w, cond, "WHEN");
        if (!cond) return NULL;
        x->args[2 * i] = cond;
        if (!(vals[nv++] = bind(b, e->args[2 + 2 * i]))) return NULL;
    }
    if (has_else && !(vals[nv++] = bind(b, e->args[e->nargs - 1]))) return NULL;
    sl_type t;
    if (!unify(b, e, vals, nv, &t, "unify CASE results of types")) return NULL;
    for (int i = 0; i < npairs; i++) x->args[2 * i + 1] = vals[i];
    if (has_else) x->args[npairs * 2] = vals[npairs];
    x->type = t;
    x->type.not_null = false;
    return x;
}

static pl_expr *bind_cast(binder *b, const sp_expr *e) {
    pl_expr *a = bind(b, e->args[0]);
    if (!a) return NULL;
    if (!pl_castable(a->type, e->cast_type)) {
        char t1[64], t2[64];
        return fail(b, e, "Cannot cast %s to %s", tname(a->type, t1), tname(e->cast_type, t2));
    }
    pl_expr *x = node(b, PL_X_CAST, e->cast_type, 1);
    x->type.not_null = false;
    x->flag = e->try_cast;
    x->args[0] = a;
    return x;
}

/* BETWEEN, IN: all operands in one common type. */
static pl_expr *bind_list_pred(binder *b, const sp_expr *e, int kind) {
    pl_expr *x = node(b, kind, sl_type_make(SL_T_BOOLEAN), e->nargs);
    x->negated = e->negated;
    for (int i = 0; i < e->nargs; i++)
        if (!(x->args[i] = bind(b, e->args[i]))) return NULL;
    sl_type t;
    if (!unify(b, e, x->args, x->nargs, &t, "compare")) return NULL;
    return x;
}

static pl_expr *bind_like(binder *b, const sp_expr *e) {
    pl_expr *x = node(b, PL_X_LIKE, sl_type_make(SL_T_BOOLEAN), e->nargs);
    x->negated = e->negated;
    for (int i = 0; i < e->nargs; i++) {
        pl_expr *a = bind(b, e->args[i]);
        if (!a) return NULL;
        if (a->type.id != SL_T_STRING && a->type.id != SL_T_NULL) {
            char t[64];
            return fail(b, e->args[i], "LIKE expects STRING operands, not %s", tname(a->type, t));
        }
        if (!(x->args[i] = coerce(b, e, a, sl_type_make(SL_T_STRING)))) return NULL;
    }
    return x;
}

static pl_expr *bind(binder *b, const sp_expr *e) {
    if (*b->err) return NULL;
    switch (e->kind) {
    case SP_E_LITERAL: return bind_literal(b, e);
    case SP_E_COLUMN: return bind_column(b, e);
    case SP_E_STAR: return fail(b, e, "'*' is not allowed here");
    case SP_E_UNARY: return bind_unary(b, e);
    case SP_E_BINARY: return bind_binary(b, e);
    case SP_E_FUNC: {
        pl_expr **args = sl_arena_calloc(b->a, sizeof(pl_expr *) * (size_t)(e->nargs + 1));
        if (pl_is_aggregate(e->name))
            return fail(b, e, "Aggregate function %s is not supported here yet", e->name);
        for (int i = 0; i < e->nargs; i++)
            if (!(args[i] = bind(b, e->args[i]))) return NULL;
        char *err = NULL;
        pl_expr *x = pl_bind_function(e->name, args, e->nargs, b->a, &err);
        if (!x) {
            fail(b, e, "%s", err);
            free(err);
        }
        return x;
    }
    case SP_E_TRIM: {
        pl_expr *args[2];
        if (!(args[0] = bind(b, e->args[0]))) return NULL;
        int n = 1;
        if (e->args[1] && !(args[n++] = bind(b, e->args[1]))) return NULL;
        char *err = NULL;
        pl_expr *x = pl_bind_function("TRIM", args, n, b->a, &err);
        if (!x) {
            fail(b, e, "%s", err);
            free(err);
            return NULL;
        }
        x->flag = e->trim_mode;
        return x;
    }
    case SP_E_CASE: return bind_case(b, e);
    case SP_E_CAST: return bind_cast(b, e);
    case SP_E_IS_NULL: {
        pl_expr *x = node(b, PL_X_IS_NULL, sl_type_make(SL_T_BOOLEAN), 1);
        x->negated = e->negated;
        x->type.not_null = true;
        return (x->args[0] = bind(b, e->args[0])) ? x : NULL;
    }
    case SP_E_IS_BOOL: {
        pl_expr *x = node(b, PL_X_IS_BOOL, sl_type_make(SL_T_BOOLEAN), 1);
        x->negated = e->negated;
        x->value = sl_int(e->lit_bool);
        x->type.not_null = true;
        x->args[0] = as_bool(b, e, bind(b, e->args[0]), "IS TRUE/FALSE");
        return x->args[0] ? x : NULL;
    }
    case SP_E_BETWEEN: return bind_list_pred(b, e, PL_X_BETWEEN);
    case SP_E_IN: return bind_list_pred(b, e, PL_X_IN);
    case SP_E_LIKE: return bind_like(b, e);
    case SP_E_INTERVAL: return bind_interval(b, e);
    }
    return fail(b, e, "Unsupported expression");
}

pl_expr *pl_bind_expr(const sp_expr *e, const pl_scope *scope, sl_arena *arena, const char *src, char **err) {
    *err = NULL;
    binder b = {scope, arena, src, err};
    pl_expr *x = bind(&b, e);
    return *err ? NULL : x;
}
