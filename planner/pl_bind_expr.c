/* pl_bind_expr.c: the expression binder: resolves columns, types every node, inserts the
 * implicit casts the evaluator needs and reports positioned errors. Literals live in
 * pl_bind_literal.c, function calls in pl_functions.c, the type rules in pl_coerce.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "pl_bind.h"
#include "pl_functions.h"

pl_expr *pl_bind_error(pl_binder *b, const sp_expr *at, const char *fmt, ...) {
    if (b->failed) return NULL;
    va_list ap;
    va_start(ap, fmt);
    *b->err = sl_verror_at(b->src, at ? at->line : 0, at ? at->col : 0, fmt, ap);
    va_end(ap);
    b->failed = true;
    return NULL;
}

static bool is_temporal(int id) {
    return id == SL_T_TIMESTAMP || id == SL_T_TIMESTAMP_LTZ || id == SL_T_DATE;
}

/* "Cannot apply 'op' to X and Y" for a binary operator. */
static pl_expr *type_error2(pl_binder *b, const sp_expr *at, const char *op, sl_type x, sl_type y) {
    char tx[64], ty[64];
    return pl_bind_error(b, at, "Cannot apply '%s' to %s and %s", op, pl_tname(x, tx, sizeof tx),
                         pl_tname(y, ty, sizeof ty));
}

/* ---- columns ---- */

/* Resolves [qual.]name in the scope (case-insensitive); errors for unknown (with a
 * suggestion of the closest name) and ambiguous names. */
static pl_expr *bind_column(pl_binder *b, const sp_expr *e) {
    const pl_scope *sc = b->scope;
    int found = -1, count = 0, nqual = 0;
    for (int i = 0; sc && i < sc->ncols; i++) {
        const pl_scope_col *c = &sc->cols[i];
        if (e->qual && (!c->qual || strcasecmp(c->qual, e->qual) != 0)) continue;
        nqual++;
        if (c->name && strcasecmp(c->name, e->name) == 0) {
            if (found < 0) found = i;
            count++;
        }
    }
    if (count > 1) return pl_bind_error(b, e, "Column '%s' is ambiguous", e->name);
    if (found < 0) {
        if (e->qual && nqual == 0)
            return pl_bind_error(b, e, "Unknown table or alias '%s' in '%s.%s'", e->qual, e->qual, e->name);
        const char *best = NULL;
        int bd = 1 << 20;
        for (int i = 0; sc && i < sc->ncols; i++) {
            const pl_scope_col *c = &sc->cols[i];
            if (!c->name || (e->qual && (!c->qual || strcasecmp(c->qual, e->qual) != 0))) continue;
            int d = sl_edit_distance(e->name, c->name);
            if (d < bd) bd = d, best = c->name;
        }
        int len = (int)strlen(e->name);
        if (best && bd <= 2 && bd * 2 <= len)
            return pl_bind_error(b, e, "Unknown column '%s'. Did you mean '%s'?", e->name, best);
        return pl_bind_error(b, e, "Unknown column '%s'", e->name);
    }
    const pl_scope_col *c = &sc->cols[found];
    pl_expr *x = pl_new_node(b->a, PL_X_COL, c->type, 0);
    x->col = c->index;
    x->flag = c->time_attr;
    return x;
}

/* ---- operators ---- */

static const char *op_symbol(int op) {
    switch (op) {
    case SP_OP_ADD: return "+";
    case SP_OP_SUB: return "-";
    case SP_OP_MUL: return "*";
    case SP_OP_DIV: return "/";
    case SP_OP_MOD: return "%";
    case SP_OP_EQ: return "=";
    case SP_OP_NE: return "<>";
    case SP_OP_LT: return "<";
    case SP_OP_LE: return "<=";
    case SP_OP_GT: return ">";
    case SP_OP_GE: return ">=";
    case SP_OP_AND: return "AND";
    case SP_OP_OR: return "OR";
    case SP_OP_CONCAT: return "||";
    case SP_OP_IS_DISTINCT: return "IS DISTINCT FROM";
    case SP_OP_IS_NOT_DISTINCT: return "IS NOT DISTINCT FROM";
    default: return "?";
    }
}

pl_expr *pl_want_bool(pl_binder *b, pl_expr *x, const sp_expr *at, const char *op) {
    if (x->type.id == SL_T_BOOLEAN) return x;
    if (x->type.id == SL_T_NULL) return pl_cast_node(x, sl_type_make(SL_T_BOOLEAN), false, b->a);
    char t[64];
    return pl_bind_error(b, at, "Cannot apply '%s' to %s (BOOLEAN expected)", op, pl_tname(x->type, t, sizeof t));
}

pl_expr *pl_bind_arith(pl_binder *b, const sp_expr *at, int fn, const char *op, pl_expr *x, pl_expr *y) {
    int xi = x->type.id, yi = y->type.id;
    sl_type iv = sl_type_make(SL_T_INTERVAL);
    bool addsub = fn == PL_F_ADD || fn == PL_F_SUB;
    /* temporal +/- interval (and interval + temporal), interval +/- interval */
    if (fn == PL_F_ADD && (xi == SL_T_INTERVAL || xi == SL_T_NULL) && is_temporal(yi)) {
        pl_expr *t = x;
        x = y, y = t;
        xi = x->type.id, yi = y->type.id;
    }
    if (addsub && (is_temporal(xi) || xi == SL_T_INTERVAL) && (yi == SL_T_INTERVAL || yi == SL_T_NULL)) {
        if (yi == SL_T_NULL) y = pl_new_const(b->a, iv, sl_null());
        sl_type rt = x->type;
        rt.not_null = x->type.not_null && y->type.not_null;
        pl_expr *c = pl_new_call(b->a, fn, rt, 2);
        c->args[0] = x;
        c->args[1] = y;
        return c;
    }
    if (addsub && xi == SL_T_NULL && yi == SL_T_INTERVAL) {
        x = pl_new_const(b->a, iv, sl_null());
        return pl_bind_arith(b, at, fn, op, x, y);
    }
    sl_type rt;
    if (!pl_arith_type(fn, x->type, y->type, &rt)) return type_error2(b, at, op, x->type, y->type);
    if (rt.id == SL_T_DECIMAL) {
        sl_type dx = xi == SL_T_NULL ? rt : pl_decimal_of(x->type);
        sl_type dy = yi == SL_T_NULL ? rt : pl_decimal_of(y->type);
        x = pl_implicit(b, x, dx, at, op);
        y = x ? pl_implicit(b, y, dy, at, op) : NULL;
    } else if (rt.id != SL_T_NULL) {
        x = pl_implicit(b, x, rt, at, op);
        y = x ? pl_implicit(b, y, rt, at, op) : NULL;
    }
    if (!x || !y) return NULL;
    pl_expr *c = pl_new_call(b->a, fn, rt, 2);
    c->args[0] = x;
    c->args[1] = y;
    return c;
}

/* Converts comparison operand x to the common class ct, except an integer against a DECIMAL,
 * which stays as it is: the comparison scales both in 128 bits (rt_expr.c), where a cast to the
 * common DECIMAL would overflow (BIGINT has 19 digits, DECIMAL <= 18). NULL on error. */
static pl_expr *compare_operand(pl_binder *b, pl_expr *x, sl_type ct, const sp_expr *at, const char *op) {
    if (ct.id == SL_T_DECIMAL && (x->type.id == SL_T_INT || x->type.id == SL_T_BIGINT)) return x;
    return pl_to_class(b, x, ct, at, op);
}

pl_expr *pl_bind_compare(pl_binder *b, const sp_expr *at, int fn, const char *op, pl_expr *x, pl_expr *y) {
    sl_type ct;
    if (!pl_common_type(x->type, y->type, PL_CT_COMPARE, &ct)) return type_error2(b, at, op, x->type, y->type);
    x = compare_operand(b, x, ct, at, op);
    y = x ? compare_operand(b, y, ct, at, op) : NULL;
    if (!x || !y) return NULL;
    sl_type bt = sl_type_make(SL_T_BOOLEAN);
    bt.not_null = x->type.not_null && y->type.not_null;
    pl_expr *c = pl_new_call(b->a, fn, bt, 2);
    c->args[0] = x;
    c->args[1] = y;
    return c;
}

/* Appends the operands of an n-ary AND/OR/CONCAT, flattening nested nodes of the same kind. */
static void flatten(pl_expr *x, int kind, int fn, pl_expr **out, int *n, int cap) {
    bool same = x->kind == kind && (kind != PL_X_CALL || (x->fn == fn && x->flag == 1));
    if (same) {
        for (int i = 0; i < x->nargs; i++) flatten(x->args[i], kind, fn, out, n, cap);
    } else if (*n < cap) {
        out[(*n)++] = x;
    }
}

/* Number of leaves flatten() would produce. */
static int flat_count(const pl_expr *x, int kind, int fn) {
    bool same = x->kind == kind && (kind != PL_X_CALL || (x->fn == fn && x->flag == 1));
    if (!same) return 1;
    int n = 0;
    for (int i = 0; i < x->nargs; i++) n += flat_count(x->args[i], kind, fn);
    return n;
}

/* Builds an n-ary node of `kind` over x and y, flattened. */
static pl_expr *nary(pl_binder *b, int kind, int fn, sl_type t, pl_expr *x, pl_expr *y) {
    int cap = flat_count(x, kind, fn) + flat_count(y, kind, fn);
    pl_expr *e = kind == PL_X_CALL ? pl_new_call(b->a, fn, t, cap) : pl_new_node(b->a, kind, t, cap);
    int n = 0;
    flatten(x, kind, fn, e->args, &n, cap);
    flatten(y, kind, fn, e->args, &n, cap);
    e->type.not_null = true;
    for (int i = 0; i < n; i++) e->type.not_null &= e->args[i]->type.not_null;
    return e;
}

/* Operand of || : any type, converted to STRING. */
static pl_expr *want_string(pl_binder *b, pl_expr *x, const sp_expr *at, const char *op) {
    return pl_implicit(b, x, sl_type_make(SL_T_STRING), at, op);
}

static pl_expr *bind_binary(pl_binder *b, const sp_expr *e) {
    pl_expr *x = pl_bind_node(b, e->args[0]);
    pl_expr *y = x ? pl_bind_node(b, e->args[1]) : NULL;
    if (!y) return NULL;
    const char *op = op_symbol(e->op);
    switch (e->op) {
    case SP_OP_AND:
    case SP_OP_OR: {
        if (x->type.id != SL_T_BOOLEAN && x->type.id != SL_T_NULL) return type_error2(b, e, op, x->type, y->type);
        if (y->type.id != SL_T_BOOLEAN && y->type.id != SL_T_NULL) return type_error2(b, e, op, x->type, y->type);
        x = pl_want_bool(b, x, e->args[0], op);
        y = pl_want_bool(b, y, e->args[1], op);
        int kind = e->op == SP_OP_AND ? PL_X_AND : PL_X_OR;
        return nary(b, kind, 0, sl_type_make(SL_T_BOOLEAN), x, y);
    }
    case SP_OP_CONCAT: {
        x = want_string(b, x, e->args[0], op);
        y = x ? want_string(b, y, e->args[1], op) : NULL;
        if (!y) return NULL;
        pl_expr *c = nary(b, PL_X_CALL, PL_F_CONCAT, sl_type_make(SL_T_STRING), x, y);
        c->flag = 1; /* operator form, for EXPLAIN */
        return c;
    }
    case SP_OP_EQ: return pl_bind_compare(b, e, PL_F_EQ, op, x, y);
    case SP_OP_IS_DISTINCT:
    case SP_OP_IS_NOT_DISTINCT: { /* operands coerced as for '=', the result is never NULL */
        pl_expr *c = pl_bind_compare(b, e, PL_F_EQ, op, x, y);
        if (!c) return NULL;
        c->kind = PL_X_DISTINCT;
        c->negated = e->op == SP_OP_IS_NOT_DISTINCT;
        c->type.not_null = true;
        return c;
    }
    case SP_OP_NE: return pl_bind_compare(b, e, PL_F_NE, op, x, y);
    case SP_OP_LT: return pl_bind_compare(b, e, PL_F_LT, op, x, y);
    case SP_OP_LE: return pl_bind_compare(b, e, PL_F_LE, op, x, y);
    case SP_OP_GT: return pl_bind_compare(b, e, PL_F_GT, op, x, y);
    case SP_OP_GE: return pl_bind_compare(b, e, PL_F_GE, op, x, y);
    case SP_OP_ADD: return pl_bind_arith(b, e, PL_F_ADD, op, x, y);
    case SP_OP_SUB: return pl_bind_arith(b, e, PL_F_SUB, op, x, y);
    case SP_OP_MUL: return pl_bind_arith(b, e, PL_F_MUL, op, x, y);
    case SP_OP_DIV: return pl_bind_arith(b, e, PL_F_DIV, op, x, y);
    case SP_OP_MOD: return pl_bind_arith(b, e, PL_F_MOD, op, x, y);
    default: return pl_bind_error(b, e, "Unsupported operator");
    }
}

/* Negation of a constant, folded so that "-5" is a literal (wraps like Java for integers). */
static pl_expr *fold_neg(pl_binder *b, pl_expr *x) {
    sl_value v = x->value;
    switch (x->type.id) {
    case SL_T_INT: v.i = (int32_t)(0u - (uint32_t)(uint64_t)v.i); break;
    case SL_T_BIGINT:
    case SL_T_DECIMAL:
    case SL_T_INTERVAL: v.i = (int64_t)(0 - (uint64_t)v.i); break;
    case SL_T_FLOAT:
    case SL_T_DOUBLE: v.d = -v.d; break;
    default: break;
    }
    return pl_new_const(b->a, x->type, v);
}

static pl_expr *bind_unary(pl_binder *b, const sp_expr *e) {
    const sp_expr *a = e->args[0];
    if (e->op == SP_OP_NEG && a->kind == SP_E_LITERAL && a->lit == SP_LIT_INT && a->text) {
        /* -2147483648 is an INT and -9223372036854775808 a BIGINT, as written */
        bool i32 = strcmp(a->text, "2147483648") == 0, i64 = strcmp(a->text, "9223372036854775808") == 0;
        if (i32 || i64) {
            sl_type t = sl_type_make(i32 ? SL_T_INT : SL_T_BIGINT);
            t.not_null = true;
            return pl_new_const(b->a, t, sl_int(i32 ? INT32_MIN : INT64_MIN));
        }
    }
    pl_expr *x = pl_bind_node(b, a);
    if (!x) return NULL;
    if (e->op == SP_OP_NOT) {
        x = pl_want_bool(b, x, e->args[0], "NOT");
        if (!x) return NULL;
        pl_expr *n = pl_new_node(b->a, PL_X_NOT, x->type, 1);
        n->args[0] = x;
        return n;
    }
    int id = x->type.id;
    if (!sl_type_is_numeric((sl_type_id)id) && id != SL_T_INTERVAL && id != SL_T_NULL) {
        char t[64];
        return pl_bind_error(b, e, "Cannot apply '%s' to %s", e->op == SP_OP_NEG ? "-" : "+",
                             pl_tname(x->type, t, sizeof t));
    }
    if (e->op == SP_OP_PLUS) return x;
    if (x->kind == PL_X_CONST) return x->value.null ? x : fold_neg(b, x);
    pl_expr *n = pl_new_call(b->a, PL_F_NEG, x->type, 1);
    n->args[0] = x;
    return n;
}

/* ---- predicates ---- */

static pl_expr *bind_is(pl_binder *b, const sp_expr *e) {
    pl_expr *x = pl_bind_node(b, e->args[0]);
    if (!x) return NULL;
    sl_type bt = sl_type_make(SL_T_BOOLEAN);
    bt.not_null = true;
    pl_expr *n;
    if (e->kind == SP_E_IS_NULL) {
        n = pl_new_node(b->a, PL_X_IS_NULL, bt, 1);
    } else {
        x = pl_want_bool(b, x, e->args[0], e->lit_bool ? "IS TRUE" : "IS FALSE");
        if (!x) return NULL;
        n = pl_new_node(b->a, PL_X_IS_BOOL, bt, 1);
        n->value = sl_int(e->lit_bool ? 1 : 0);
    }
    n->negated = e->negated;
    n->args[0] = x;
    return n;
}

/* Describes the types of args as "A, B and C" for messages. */
static void describe_types(char *out, size_t n, pl_expr **args, int nargs) {
    size_t len = 0;
    out[0] = 0;
    for (int i = 0; i < nargs && len + 1 < n; i++) {
        char t[64];
        const char *sep = i == 0 ? "" : i == nargs - 1 ? " and " : ", ";
        int k = snprintf(out + len, n - len, "%s%s", sep, pl_tname(args[i]->type, t, sizeof t));
        if (k < 0) break;
        len += (size_t)k;
    }
}

/* x [NOT] BETWEEN lo AND hi and x [NOT] IN (...): every operand in one comparison class. */
static pl_expr *bind_between_in(pl_binder *b, const sp_expr *e) {
    bool in = e->kind == SP_E_IN;
    const char *op = in ? "IN" : "BETWEEN";
    pl_expr *n = pl_new_node(b->a, in ? PL_X_IN : PL_X_BETWEEN, sl_type_make(SL_T_BOOLEAN), e->nargs);
    n->negated = e->negated;
    for (int i = 0; i < e->nargs; i++)
        if (!(n->args[i] = pl_bind_node(b, e->args[i]))) return NULL;
    sl_type ct = n->args[0]->type;
    for (int i = 1; i < e->nargs; i++) {
        if (!pl_common_type(ct, n->args[i]->type, PL_CT_COMPARE, &ct)) {
            char d[256];
            describe_types(d, sizeof d, n->args, e->nargs);
            return pl_bind_error(b, in ? e->args[i] : e, "Cannot apply '%s' to %s", op, d);
        }
    }
    bool nn = true;
    for (int i = 0; i < e->nargs; i++) {
        if (!(n->args[i] = compare_operand(b, n->args[i], ct, e->args[i], op))) return NULL;
        nn &= n->args[i]->type.not_null;
    }
    n->type.not_null = nn;
    return n;
}

/* s [NOT] LIKE pattern [ESCAPE esc]: STRING operands; a constant escape must be one
 * character. */
static pl_expr *bind_like(pl_binder *b, const sp_expr *e) {
    pl_expr *n = pl_new_node(b->a, PL_X_LIKE, sl_type_make(SL_T_BOOLEAN), e->nargs);
    n->negated = e->negated;
    for (int i = 0; i < e->nargs; i++)
        if (!(n->args[i] = pl_bind_node(b, e->args[i]))) return NULL;
    bool nn = true;
    for (int i = 0; i < e->nargs; i++) {
        pl_expr *x = n->args[i];
        if (x->type.id == SL_T_NULL) x = n->args[i] = pl_cast_node(x, sl_type_make(SL_T_STRING), false, b->a);
        if (x->type.id != SL_T_STRING) {
            char d[256];
            describe_types(d, sizeof d, n->args, e->nargs);
            return pl_bind_error(b, e->args[i], "Cannot apply 'LIKE' to %s", d);
        }
        nn &= x->type.not_null;
    }
    if (e->nargs > 2 && n->args[2]->kind == PL_X_CONST && !n->args[2]->value.null) {
        sl_value v = n->args[2]->value;
        int cps = 0;
        for (uint32_t i = 0; i < v.s.len; i++) cps += ((unsigned char)v.s.ptr[i] & 0xC0) != 0x80;
        if (cps != 1)
            return pl_bind_error(b, e->args[2], "Invalid escape character '%.*s'", (int)v.s.len, v.s.ptr);
    }
    n->type.not_null = nn;
    return n;
}

/* ---- CAST, CASE ---- */

static pl_expr *bind_cast(pl_binder *b, const sp_expr *e) {
    pl_expr *x = pl_bind_node(b, e->args[0]);
    if (!x) return NULL;
    sl_type to = e->cast_type;
    to.not_null = false;
    char f[64], t[64];
    if (to.id == SL_T_DECIMAL && (to.precision > 18 || to.precision < 1 || to.scale > to.precision))
        return pl_bind_error(b, e, "%s is not supported (DECIMAL precision is at most 18)", pl_tname(to, t, sizeof t));
    if ((to.id == SL_T_TIMESTAMP || to.id == SL_T_TIMESTAMP_LTZ) && to.precision > 9)
        return pl_bind_error(b, e, "%s is not supported (precision is at most 9)", pl_tname(to, t, sizeof t));
    if (to.id == SL_T_NULL || !pl_cast_allowed(x->type, to))
        return pl_bind_error(b, e, "Cannot cast %s to %s", pl_tname(x->type, f, sizeof f), pl_tname(to, t, sizeof t));
    sl_type xt = x->type;
    xt.not_null = false;
    if (memcmp(&xt, &to, sizeof to) == 0) {
        if (x->kind != PL_X_COL || x->flag == PL_TIME_NONE) return x;
        /* a cast of a time attribute, even to its own type, is a plain timestamp (as in Flink:
         * the way to write a second rowtime column into a sink) */
        pl_expr *plain = sl_arena_alloc(b->a, sizeof *plain);
        *plain = *x;
        plain->flag = PL_TIME_NONE;
        return plain;
    }
    return pl_cast_node(x, to, e->try_cast, b->a);
}

/* CASE: a simple CASE (with an operand) becomes a searched one comparing a copy of the
 * operand with each WHEN value; the THEN/ELSE values are cast to their common type. */
static pl_expr *bind_case(pl_binder *b, const sp_expr *e) {
    if (e->nargs < 4) return pl_bind_error(b, e, "CASE needs at least one WHEN");
    int k = (e->nargs - 2) / 2;
    bool has_else = e->args[e->nargs - 1] != NULL;
    pl_expr *operand = NULL;
    if (e->args[0] && !(operand = pl_bind_node(b, e->args[0]))) return NULL;
    pl_expr *n = pl_new_node(b->a, PL_X_CASE, sl_type_make(SL_T_NULL), 2 * k + (has_else ? 1 : 0));
    n->flag = has_else;
    for (int i = 0; i < k; i++) {
        const sp_expr *w = e->args[1 + 2 * i], *t = e->args[2 + 2 * i];
        pl_expr *c = pl_bind_node(b, w);
        if (!c) return NULL;
        if (operand) c = pl_bind_compare(b, w, PL_F_EQ, "=", i ? pl_copy_tree(operand, b->a) : operand, c);
        else c = pl_want_bool(b, c, w, "WHEN");
        if (!c) return NULL;
        n->args[2 * i] = c;
        if (!(n->args[2 * i + 1] = pl_bind_node(b, t))) return NULL;
    }
    if (has_else && !(n->args[2 * k] = pl_bind_node(b, e->args[e->nargs - 1]))) return NULL;
    /* result type: common type of the THEN values and ELSE (at n->args[1], [3], ..., [2k]) */
    int nv = k + (has_else ? 1 : 0);
    sl_type rt = sl_type_make(SL_T_NULL);
    for (int j = 0; j < nv; j++) {
        int i = j < k ? 2 * j + 1 : 2 * k;
        const sp_expr *at = j < k ? e->args[2 + 2 * j] : e->args[e->nargs - 1];
        sl_type vt = n->args[i]->type;
        if (j == 0) rt = vt;
        else if (!pl_common_type(rt, vt, PL_CT_VALUE, &rt)) {
            char x[64], y[64];
            return pl_bind_error(b, at, "Cannot mix %s and %s in CASE", pl_tname(rt, x, sizeof x),
                                 pl_tname(vt, y, sizeof y));
        }
    }
    bool nn = has_else;
    for (int j = 0; j < nv; j++) {
        int i = j < k ? 2 * j + 1 : 2 * k;
        const sp_expr *at = j < k ? e->args[2 + 2 * j] : e->args[e->nargs - 1];
        if (rt.id != SL_T_NULL && !(n->args[i] = pl_implicit(b, n->args[i], rt, at, "CASE"))) return NULL;
        nn &= n->args[i]->type.not_null;
    }
    rt.not_null = nn;
    n->type = rt;
    return n;
}

pl_expr *pl_bind_node(pl_binder *b, const sp_expr *e) {
    if (!e) return pl_bind_error(b, NULL, "Missing expression");
    if (b->scope && b->scope->resolve && !b->failed) {
        pl_expr *x = NULL;
        char *msg = NULL;
        int r = b->scope->resolve(b->scope->resolve_ud, e, &x, &msg);
        if (r < 0) {
            *b->err = msg;
            b->failed = true;
            return NULL;
        }
        if (r > 0) return x;
    }
    switch (e->kind) {
    case SP_E_LITERAL: return pl_bind_literal(b, e);
    case SP_E_COLUMN: return bind_column(b, e);
    case SP_E_STAR: return pl_bind_error(b, e, "'*' is not allowed here");
    case SP_E_UNARY: return bind_unary(b, e);
    case SP_E_BINARY: return bind_binary(b, e);
    case SP_E_FUNC:
    case SP_E_TRIM: return pl_bind_func(b, e);
    case SP_E_CASE: return bind_case(b, e);
    case SP_E_CAST: return bind_cast(b, e);
    case SP_E_IS_NULL:
    case SP_E_IS_BOOL: return bind_is(b, e);
    case SP_E_BETWEEN:
    case SP_E_IN: return bind_between_in(b, e);
    case SP_E_LIKE: return bind_like(b, e);
    case SP_E_INTERVAL: return pl_bind_interval(b, e);
    default: return pl_bind_error(b, e, "Unsupported expression");
    }
}

pl_expr *pl_bind_expr(const sp_expr *e, const pl_scope *scope, sl_arena *arena, const char *src, char **err) {
    pl_binder b = {scope, arena, src, err, false};
    pl_expr *x = pl_bind_node(&b, e);
    return b.failed ? NULL : x;
}
