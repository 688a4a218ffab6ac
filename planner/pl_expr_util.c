/* pl_expr_util.c: small helpers over bound expressions: constructors, deep copy, the columns
 * an expression reads, column remapping, constant detection. */
#include <string.h>
#include "pl_bind.h"

pl_expr *pl_new_node(sl_arena *a, int kind, sl_type t, int nargs) {
    pl_expr *e = sl_arena_calloc(a, sizeof *e);
    e->kind = (uint8_t)kind;
    e->type = t;
    e->nargs = nargs;
    e->args = nargs ? sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)nargs) : NULL;
    return e;
}

pl_expr *pl_new_call(sl_arena *a, int fn, sl_type t, int nargs) {
    pl_expr *e = pl_new_node(a, PL_X_CALL, t, nargs);
    e->fn = (uint8_t)fn;
    return e;
}

pl_expr *pl_new_const(sl_arena *a, sl_type t, sl_value v) {
    pl_expr *e = pl_new_node(a, PL_X_CONST, t, 0);
    e->value = v;
    return e;
}

/* Deep copy, so that a subtree used twice (simple CASE operand) is never shared: remapping
 * rewrites column indexes in place and must see each node once. */
pl_expr *pl_copy_tree(const pl_expr *e, sl_arena *a) {
    pl_expr *c = sl_arena_alloc(a, sizeof *c);
    *c = *e;
    if (e->nargs) {
        c->args = sl_arena_alloc(a, sizeof(pl_expr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++) c->args[i] = e->args[i] ? pl_copy_tree(e->args[i], a) : NULL;
    }
    return c;
}

void pl_expr_columns(const pl_expr *e, bool *used) {
    if (!e) return;
    if (e->kind == PL_X_COL) {
        used[e->col] = true;
        return;
    }
    for (int i = 0; i < e->nargs; i++) pl_expr_columns(e->args[i], used);
}

void pl_expr_remap(pl_expr *e, const int *map) {
    if (!e) return;
    if (e->kind == PL_X_COL) {
        e->col = map[e->col];
        return;
    }
    for (int i = 0; i < e->nargs; i++) pl_expr_remap(e->args[i], map);
}

/* Two values of type t are identical (strings by bytes; NULL equals NULL). */
static bool same_value(sl_type t, sl_value a, sl_value b) {
    if (a.null || b.null) return a.null == b.null;
    if (t.id == SL_T_STRING) return a.s.len == b.s.len && memcmp(a.s.ptr, b.s.ptr, a.s.len) == 0;
    if (t.id == SL_T_FLOAT || t.id == SL_T_DOUBLE) return memcmp(&a.d, &b.d, sizeof a.d) == 0;
    return a.i == b.i;
}

bool pl_expr_equal(const pl_expr *a, const pl_expr *b) {
    if (!a || !b) return a == b;
    if (a->kind != b->kind || a->fn != b->fn || a->flag != b->flag || a->negated != b->negated ||
        a->nargs != b->nargs || memcmp(&a->type, &b->type, sizeof a->type) != 0)
        return false;
    if (a->kind == PL_X_COL && a->col != b->col) return false;
    if (a->kind == PL_X_CONST && !same_value(a->type, a->value, b->value)) return false;
    for (int i = 0; i < a->nargs; i++)
        if (!pl_expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

/* CURRENT_TIMESTAMP changes per batch, so it is not a constant even though it reads nothing. */
bool pl_expr_is_constant(const pl_expr *e) {
    if (!e) return true;
    if (e->kind == PL_X_COL) return false;
    if (e->kind == PL_X_CALL && (e->fn == PL_F_CURRENT_TIMESTAMP || e->fn == PL_F_PROCTIME ||
                                 e->fn == PL_F_CURRENT_WATERMARK))
        return false;
    for (int i = 0; i < e->nargs; i++)
        if (!pl_expr_is_constant(e->args[i])) return false;
    return true;
}
