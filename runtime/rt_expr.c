/* rt_expr.c: the expression evaluator's core: a recursive switch over the bound tree for
 * constants, columns, comparisons, three-valued logic, CASE, CAST, IN, BETWEEN and LIKE;
 * arithmetic and functions are dispatched to their own files. No allocation except strings
 * in ctx->arena; the first runtime error is kept in ctx->error and the value is NULL. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "../common/sl_error.h"
#include "rt_internal.h"

void rt_fail(rt_eval_ctx *ctx, const char *fmt, ...) {
    if (ctx->error) return;
    va_list ap;
    va_start(ap, fmt);
    ctx->error = sl_vstrdupf(fmt, ap);
    va_end(ap);
}

static inline sl_value rt_bool(bool b) { return sl_int(b ? 1 : 0); }

/* Three-way comparison of decimals at different scales. */
static int dec_cmp(int64_t a, int sa, int64_t b, int sb) {
    if (sa == sb) return (a > b) - (a < b);
    rt_i128 x = a, y = b;
    if (sa < sb) x *= rt_pow10[sb - sa];
    else y *= rt_pow10[sa - sb];
    return (x > y) - (x < y);
}

/* a fn b for non-NULL values (see rt_compare). */
static inline bool compare(int fn, const sl_type *ta, const sl_value *a, const sl_type *tb, const sl_value *b) {
    int c;
    switch (ta->id) {
    case SL_T_FLOAT:
    case SL_T_DOUBLE: /* primitive comparisons, as Java: NaN is unequal to everything */
        switch (fn) {
        case PL_F_EQ: return a->d == b->d;
        case PL_F_NE: return a->d != b->d;
        case PL_F_LT: return a->d < b->d;
        case PL_F_LE: return a->d <= b->d;
        case PL_F_GT: return a->d > b->d;
        default: return a->d >= b->d;
        }
    case SL_T_DECIMAL: /* against a DECIMAL of any scale, or an integer (scale 0) */
        c = dec_cmp(a->i, ta->scale, b->i, tb->id == SL_T_DECIMAL ? tb->scale : 0);
        break;
    case SL_T_STRING: {
        if (fn == PL_F_EQ || fn == PL_F_NE) { /* equality: lengths first */
            bool eq = a->s.len == b->s.len && (a->s.len == 0 || memcmp(a->s.ptr, b->s.ptr, a->s.len) == 0);
            return eq == (fn == PL_F_EQ);
        }
        uint32_t n = a->s.len < b->s.len ? a->s.len : b->s.len;
        c = n ? memcmp(a->s.ptr, b->s.ptr, n) : 0;
        if (c == 0) c = (a->s.len > b->s.len) - (a->s.len < b->s.len);
        break;
    }
    default:
        if (tb->id == SL_T_DECIMAL) c = dec_cmp(a->i, 0, b->i, tb->scale); /* an integer against a DECIMAL */
        else c = (a->i > b->i) - (a->i < b->i);
        break;
    }
    switch (fn) {
    case PL_F_EQ: return c == 0;
    case PL_F_NE: return c != 0;
    case PL_F_LT: return c < 0;
    case PL_F_LE: return c <= 0;
    case PL_F_GT: return c > 0;
    default: return c >= 0;
    }
}

bool rt_compare(int fn, const sl_type *ta, const sl_value *a, const sl_type *tb, const sl_value *b) {
    return compare(fn, ta, a, tb, b);
}

/* Comparison call e: 1 true, 0 false, -1 NULL. Column and constant operands are read in
 * place. */
static inline int compare_call(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    const pl_expr *x = e->args[0], *y = e->args[1];
    sl_value va, vb;
    const sl_value *a = rt_ref(x, row);
    if (!a) va = rt_eval(x, row, ctx), a = &va;
    if (a->null) return -1;
    const sl_value *b = rt_ref(y, row);
    if (!b) vb = rt_eval(y, row, ctx), b = &vb;
    if (b->null) return -1;
    return compare(e->fn, &x->type, a, &y->type, b);
}

/* Comparison call: NULL if either side is NULL. */
static sl_value eval_compare(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    int r = compare_call(e, row, ctx);
    return r < 0 ? sl_null() : rt_bool(r);
}

/* AND: FALSE wins, then NULL; OR: TRUE wins, then NULL. Stops at the deciding operand. */
static sl_value eval_andor(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    int64_t decisive = e->kind == PL_X_OR;
    bool saw_null = false;
    for (int i = 0; i < e->nargs; i++) {
        sl_value v = rt_arg(e->args[i], row, ctx);
        if (v.null) saw_null = true;
        else if (v.i == decisive) return rt_bool(decisive);
    }
    return saw_null ? sl_null() : rt_bool(!decisive);
}

/* x [NOT] IN (...): TRUE on a match; else NULL if x or a list item is NULL; else FALSE. */
static sl_value eval_in(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value x = rt_arg(e->args[0], row, ctx);
    if (x.null) return sl_null();
    const sl_type *tx = &e->args[0]->type;
    bool saw_null = false;
    for (int i = 1; i < e->nargs; i++) {
        sl_value tmp;
        const sl_value *v = rt_ref(e->args[i], row);
        if (!v) tmp = rt_eval(e->args[i], row, ctx), v = &tmp;
        if (v->null) saw_null = true;
        else if (compare(PL_F_EQ, tx, &x, &e->args[i]->type, v)) return rt_bool(!e->negated);
    }
    return saw_null ? sl_null() : rt_bool(e->negated);
}

/* x [NOT] BETWEEN lo AND hi = [NOT] (x >= lo AND x <= hi), three-valued. */
static sl_value eval_between(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value x = rt_arg(e->args[0], row, ctx);
    sl_value lo = rt_arg(e->args[1], row, ctx);
    sl_value hi = rt_arg(e->args[2], row, ctx);
    const sl_type *tx = &e->args[0]->type;
    int ge = x.null || lo.null ? -1 : compare(PL_F_GE, tx, &x, &e->args[1]->type, &lo);
    int le = x.null || hi.null ? -1 : compare(PL_F_LE, tx, &x, &e->args[2]->type, &hi);
    int r = ge == 0 || le == 0 ? 0 : ge < 0 || le < 0 ? -1 : 1;
    if (r < 0) return sl_null();
    return rt_bool((r == 1) != e->negated);
}

/* s [NOT] LIKE pattern [ESCAPE esc]; without ESCAPE the backslash escapes (Flink). */
static sl_value eval_like(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value s = rt_arg(e->args[0], row, ctx);
    if (s.null) return sl_null();
    sl_value p = rt_arg(e->args[1], row, ctx);
    if (p.null) return sl_null();
    const char *esc = "\\";
    size_t esc_len = 1;
    if (e->nargs > 2) {
        sl_value v = rt_arg(e->args[2], row, ctx);
        if (v.null) return sl_null();
        if (v.s.len == 0 || rt_utf8_len((unsigned char)v.s.ptr[0]) != v.s.len) {
            rt_fail(ctx, "Invalid escape character '%.*s'", (int)v.s.len, v.s.ptr);
            return sl_null();
        }
        esc = v.s.ptr;
        esc_len = v.s.len;
    }
    return rt_bool(rt_like(s.s.ptr, s.s.len, p.s.ptr, p.s.len, esc, esc_len) != e->negated);
}

static sl_value eval_cast(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value v = rt_arg(e->args[0], row, ctx);
    if (v.null) return v;
    sl_value out;
    char *err = NULL;
    if (!rt_cast_value(v, e->args[0]->type, e->type, ctx->arena, &out, e->flag ? NULL : &err)) {
        if (err) {
            if (!ctx->error) ctx->error = err;
            else free(err);
        }
        return sl_null();
    }
    return out;
}

static sl_value eval_case(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    int pairs = e->flag ? (e->nargs - 1) / 2 : e->nargs / 2;
    for (int i = 0; i < pairs; i++)
        if (rt_eval_pred(e->args[2 * i], row, ctx)) return rt_arg(e->args[2 * i + 1], row, ctx);
    return e->flag ? rt_arg(e->args[e->nargs - 1], row, ctx) : sl_null();
}

/* + - * on BIGINT and DOUBLE inline (the common cases); the rest in rt_arith.c. */
static inline sl_value eval_arith(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    int fn = e->fn;
    if (fn <= PL_F_MUL && (e->type.id == SL_T_BIGINT || e->type.id == SL_T_DOUBLE)) {
        sl_value va, vb;
        const sl_value *a = rt_ref(e->args[0], row);
        if (!a) va = rt_eval(e->args[0], row, ctx), a = &va;
        if (a->null) return sl_null();
        const sl_value *b = rt_ref(e->args[1], row);
        if (!b) vb = rt_eval(e->args[1], row, ctx), b = &vb;
        if (b->null) return sl_null();
        if (e->type.id == SL_T_DOUBLE)
            return sl_double(fn == PL_F_ADD ? a->d + b->d : fn == PL_F_SUB ? a->d - b->d : a->d * b->d);
        uint64_t x = (uint64_t)a->i, y = (uint64_t)b->i;
        return sl_int((int64_t)(fn == PL_F_ADD ? x + y : fn == PL_F_SUB ? x - y : x * y));
    }
    return rt_arith(e, row, ctx);
}

sl_value rt_eval(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    switch (e->kind) {
    case PL_X_CONST: return e->value;
    case PL_X_COL: return row[e->col];
    case PL_X_CALL:
        if (e->fn >= PL_F_EQ && e->fn <= PL_F_GE) return eval_compare(e, row, ctx);
        if (e->fn >= PL_F_ADD && e->fn <= PL_F_NEG) return eval_arith(e, row, ctx);
        return rt_function(e, row, ctx);
    case PL_X_AND:
    case PL_X_OR: return eval_andor(e, row, ctx);
    case PL_X_NOT: {
        sl_value v = rt_arg(e->args[0], row, ctx);
        return v.null ? v : rt_bool(!v.i);
    }
    case PL_X_IS_NULL: return rt_bool(rt_arg(e->args[0], row, ctx).null != e->negated);
    case PL_X_IS_BOOL: {
        sl_value v = rt_arg(e->args[0], row, ctx);
        bool is = !v.null && (v.i != 0) == (e->value.i != 0);
        return rt_bool(is != e->negated);
    }
    case PL_X_CASE: return eval_case(e, row, ctx);
    case PL_X_CAST: return eval_cast(e, row, ctx);
    case PL_X_IN: return eval_in(e, row, ctx);
    case PL_X_LIKE: return eval_like(e, row, ctx);
    case PL_X_BETWEEN: return eval_between(e, row, ctx);
    case PL_X_DISTINCT: { /* two NULLs are not distinct, a NULL and a value are */
        sl_value a = rt_arg(e->args[0], row, ctx), b = rt_arg(e->args[1], row, ctx);
        bool distinct = a.null || b.null ? a.null != b.null
                                         : !compare(PL_F_EQ, &e->args[0]->type, &a, &e->args[1]->type, &b);
        return rt_bool(distinct != e->negated);
    }
    default: return sl_null();
    }
}

/* Predicates decide without building three-valued results where they can: an AND holds only
 * if every operand holds, an OR if one does, a comparison if both sides are non-NULL. */
bool rt_eval_pred(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    switch (e->kind) {
    case PL_X_AND:
        for (int i = 0; i < e->nargs; i++)
            if (!rt_eval_pred(e->args[i], row, ctx)) return false;
        return true;
    case PL_X_OR:
        for (int i = 0; i < e->nargs; i++)
            if (rt_eval_pred(e->args[i], row, ctx)) return true;
        return false;
    case PL_X_CALL:
        if (e->fn >= PL_F_EQ && e->fn <= PL_F_GE) return compare_call(e, row, ctx) > 0;
        break;
    case PL_X_IS_NULL: return rt_arg(e->args[0], row, ctx).null != e->negated;
    default: break;
    }
    sl_value v = rt_eval(e, row, ctx);
    return !v.null && v.i != 0;
}
