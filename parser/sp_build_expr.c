/* sp_build_expr.c: expression nodes for the grammar actions. Each node takes the position of
 * its first token (a binary operator's is its left operand's). */
#include <ctype.h>
#include <string.h>
#include "sp_build.h"
#include "sp_grammar.h"

/* A zeroed node of `kind` at line/col. */
sp_expr *sp_e_new(sp_ctx *ctx, int kind, int line, int col) {
    sp_expr *e = sl_arena_calloc(ctx->arena, sizeof *e);
    e->kind = (uint8_t)kind;
    e->line = line;
    e->col = col;
    return e;
}

/* Sets e's arguments from a list (NULL: none). */
static void set_args(sp_ctx *ctx, sp_expr *e, sp_list *l) {
    if (!l || l->n == 0) return;
    e->args = sl_arena_alloc(ctx->arena, sizeof(sp_expr *) * (size_t)l->n);
    memcpy(e->args, l->v, sizeof(sp_expr *) * (size_t)l->n);
    e->nargs = l->n;
}

/* True when the digits of an integer literal fit in int64 (the sign is a separate operator). */
static bool int_fits(const char *z, int n) {
    while (n > 1 && *z == '0') z++, n--;
    if (n < 19) return true;
    if (n > 19) return false;
    return memcmp(z, "9223372036854775807", 19) <= 0;
}

/* Numbers (text as written), strings (unescaped), NULL, TRUE and FALSE. */
sp_expr *sp_e_literal(sp_ctx *ctx, int lit, sp_token t) {
    sp_expr *e = sp_e_new(ctx, SP_E_LITERAL, t.line, t.col);
    e->lit = (uint8_t)lit;
    switch (lit) {
    case SP_LIT_STRING: e->text = sp_unquote(ctx, t); break;
    case SP_LIT_NULL: e->text = "NULL"; break;
    case SP_LIT_BOOL:
        e->lit_bool = t.type == TK_TRUE;
        e->text = e->lit_bool ? "TRUE" : "FALSE";
        break;
    case SP_LIT_INT:
        e->text = sl_arena_strndup(ctx->arena, t.z, (size_t)t.n);
        if (!int_fits(t.z, t.n)) sp_ctx_error(ctx, t.line, t.col, "Integer literal %s is out of range", e->text);
        break;
    default: e->text = sl_arena_strndup(ctx->arena, t.z, (size_t)t.n); break;
    }
    return e;
}

/* TIMESTAMP '...' and DATE '...': the string is kept; the planner checks its format. */
sp_expr *sp_e_typed_literal(sp_ctx *ctx, int lit, sp_token kw, sp_token str) {
    sp_expr *e = sp_e_new(ctx, SP_E_LITERAL, kw.line, kw.col);
    e->lit = (uint8_t)lit;
    e->text = sp_unquote(ctx, str);
    return e;
}

/* INTERVAL 'text' unit [TO unit]: a range must go from a larger to a smaller unit within
 * year-month or within day-time. */
sp_expr *sp_e_interval(sp_ctx *ctx, sp_token kw, sp_token value, int unit, int to_unit) {
    sp_expr *e = sp_e_new(ctx, SP_E_INTERVAL, kw.line, kw.col);
    e->text = sp_unquote(ctx, value);
    e->unit = (uint8_t)unit;
    e->to_unit = (uint8_t)to_unit;
    if (to_unit != SP_IU_NONE) {
        bool ym = unit <= SP_IU_MONTH, ym_to = to_unit <= SP_IU_MONTH;
        if (to_unit <= unit || ym != ym_to)
            sp_ctx_error(ctx, kw.line, kw.col, "Invalid interval qualifier (use e.g. YEAR TO MONTH or DAY TO SECOND)");
    }
    return e;
}

/* [qual.]name */
sp_expr *sp_e_column(sp_ctx *ctx, const sp_ident *qual, sp_ident name) {
    const sp_ident *first = qual ? qual : &name;
    sp_expr *e = sp_e_new(ctx, SP_E_COLUMN, first->line, first->col);
    e->name = name.s;
    e->qual = qual ? qual->s : NULL;
    return e;
}

/* * or qual.* (the qualifier goes into name, as sp_ast.h says). */
sp_expr *sp_e_star(sp_ctx *ctx, const sp_ident *qual, sp_token star) {
    sp_expr *e = qual ? sp_e_new(ctx, SP_E_STAR, qual->line, qual->col) : sp_e_new(ctx, SP_E_STAR, star.line, star.col);
    e->name = qual ? qual->s : NULL;
    return e;
}

/* -x, +x, NOT x at the operator's position. */
sp_expr *sp_e_unary(sp_ctx *ctx, int op, sp_token at, sp_expr *x) {
    sp_expr *e = sp_e_nary(ctx, SP_E_UNARY, at.line, at.col, 1, x, NULL, NULL);
    e->op = (uint8_t)op;
    return e;
}

/* l op r at l's position. */
sp_expr *sp_e_binary(sp_ctx *ctx, int op, sp_expr *l, sp_expr *r) {
    sp_expr *e = sp_e_nary(ctx, SP_E_BINARY, l->line, l->col, 2, l, r, NULL);
    e->op = (uint8_t)op;
    return e;
}

/* A node with n (1..3) arguments a, b, c. */
sp_expr *sp_e_nary(sp_ctx *ctx, int kind, int line, int col, int n, sp_expr *a, sp_expr *b, sp_expr *c) {
    sp_expr *e = sp_e_new(ctx, kind, line, col);
    sp_expr *all[3] = {a, b, c};
    e->args = sl_arena_alloc(ctx->arena, sizeof(sp_expr *) * (size_t)n);
    memcpy(e->args, all, sizeof(sp_expr *) * (size_t)n);
    e->nargs = n;
    return e;
}

/* x IS [NOT] NULL and x IS [NOT] TRUE/FALSE (truth: 1 TRUE, 0 FALSE). */
sp_expr *sp_e_is(sp_ctx *ctx, int kind, sp_expr *x, bool negated, int truth) {
    sp_expr *e = sp_e_nary(ctx, kind, x->line, x->col, 1, x, NULL, NULL);
    e->negated = negated;
    if (kind == SP_E_IS_BOOL) {
        e->lit_bool = truth != 0;
        e->lit = (uint8_t)truth;
    }
    return e;
}

/* x [NOT] IN (items): args[0] = x, then the items. */
sp_expr *sp_e_in(sp_ctx *ctx, sp_expr *x, sp_list *items, bool negated) {
    sp_list *all = sp_list_add(ctx, NULL, x);
    for (int i = 0; items && i < items->n; i++) sp_list_add(ctx, all, items->v[i]);
    sp_expr *e = sp_e_new(ctx, SP_E_IN, x->line, x->col);
    set_args(ctx, e, all);
    e->negated = negated;
    return e;
}

/* name(args) [FILTER (WHERE filter)]; the name is kept as written. */
sp_expr *sp_e_func(sp_ctx *ctx, const char *name, int line, int col, sp_list *args, sp_expr *filter) {
    sp_expr *e = sp_e_new(ctx, SP_E_FUNC, line, col);
    e->name = name;
    e->filter = filter;
    set_args(ctx, e, args);
    return e;
}

/* CURRENT_TIMESTAMP and friends: a function of no arguments named in upper case. */
sp_expr *sp_e_niladic(sp_ctx *ctx, sp_token t) {
    char *name = sl_arena_strndup(ctx->arena, t.z, (size_t)t.n);
    for (char *p = name; *p; p++) *p = (char)toupper((unsigned char)*p);
    return sp_e_func(ctx, name, t.line, t.col, NULL, NULL);
}

/* CASE [operand] WHEN c THEN r ... [ELSE e] END: args = operand|NULL, pairs, else|NULL. */
sp_expr *sp_e_case(sp_ctx *ctx, sp_token at, sp_expr *operand, sp_list *whens, sp_expr *els) {
    sp_list *all = sp_list_add(ctx, NULL, operand);
    for (int i = 0; whens && i < whens->n; i++) sp_list_add(ctx, all, whens->v[i]);
    sp_list_add(ctx, all, els);
    sp_expr *e = sp_e_new(ctx, SP_E_CASE, at.line, at.col);
    set_args(ctx, e, all);
    return e;
}

/* CAST(x AS type) / TRY_CAST(x AS type). */
sp_expr *sp_e_cast(sp_ctx *ctx, sp_token at, sp_expr *x, sl_type type, bool try_cast) {
    sp_expr *e = sp_e_nary(ctx, SP_E_CAST, at.line, at.col, 1, x, NULL, NULL);
    e->cast_type = type;
    e->try_cast = try_cast;
    return e;
}

/* TRIM([mode] [chars] FROM x): args[0] = x, args[1] = chars or NULL. */
sp_expr *sp_e_trim(sp_ctx *ctx, sp_token at, int mode, sp_expr *chars, sp_expr *x) {
    sp_expr *e = sp_e_nary(ctx, SP_E_TRIM, at.line, at.col, 2, x, chars, NULL);
    e->trim_mode = (uint8_t)mode;
    return e;
}
