/* sp_build.c: the parse context's basics: error recording (first error wins), arena lists,
 * identifiers and the unquoting of string literals and backtick identifiers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "sp_build.h"

/* Records an error at line/col of the whole input unless one is already recorded. */
void sp_ctx_error(sp_ctx *ctx, int line, int col, const char *fmt, ...) {
    if (ctx->error) return;
    va_list ap;
    va_start(ap, fmt);
    ctx->error = sl_verror_at(ctx->src, line, col, fmt, ap);
    va_end(ap);
    ctx->err_line = line;
    ctx->err_col = col;
}

/* lemon's %syntax_error: the token the grammar could not take. Token 0 is the end of the
 * statement, whose position the driver put just after the statement's last token. */
void sp_syntax_error(sp_ctx *ctx, int major, const sp_token *tok) {
    if (major == 0) {
        sp_ctx_error(ctx, tok->line, tok->col, "Unexpected end of input");
        return;
    }
    /* Quote at most one line and 40 bytes of the token. */
    int n = 0;
    while (n < tok->n && n < 40 && tok->z[n] != '\n' && tok->z[n] != '\r') n++;
    const char *more = n < tok->n ? "..." : "";
    sp_ctx_error(ctx, tok->line, tok->col, "Syntax error near '%.*s%s'", n, tok->z, more);
}

/* lemon's %stack_overflow: the statement nests deeper than the parser stack allows. */
void sp_stack_overflow(sp_ctx *ctx) {
    sp_ctx_error(ctx, ctx->cur.line, ctx->cur.col, "Expression nested too deeply");
}

/* Appends item to l (a new list when l is NULL); storage doubles, so appends are cheap. */
sp_list *sp_list_add(sp_ctx *ctx, sp_list *l, void *item) {
    if (!l) l = sl_arena_calloc(ctx->arena, sizeof *l);
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        void **v = sl_arena_alloc(ctx->arena, sizeof(void *) * (size_t)cap);
        if (l->n) memcpy(v, l->v, sizeof(void *) * (size_t)l->n);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = item;
    return l;
}

/* Copies the text of a quoted token without its quotes, turning doubled quotes into one. */
static char *unquote_run(sp_ctx *ctx, const char *z, int n, char q) {
    char *out = sl_arena_alloc(ctx->arena, (size_t)n + 1);
    int k = 0;
    for (int i = 1; i < n - 1; i++) {
        out[k++] = z[i];
        if (z[i] == q && i + 1 < n - 1 && z[i + 1] == q) i++;
    }
    out[k] = 0;
    return out;
}

/* The value of a string literal token ('it''s' -> it's). */
char *sp_unquote(sp_ctx *ctx, sp_token t) {
    if (t.n >= 2 && t.z[0] == '\'') return unquote_run(ctx, t.z, t.n, '\'');
    return sl_arena_strndup(ctx->arena, t.z, (size_t)t.n);
}

/* An identifier from a token: backticks removed, otherwise the text as written. */
sp_ident sp_ident_of(sp_ctx *ctx, sp_token t) {
    sp_ident id;
    if (t.n >= 2 && t.z[0] == '`') id.s = unquote_run(ctx, t.z, t.n, '`');
    else id.s = sl_arena_strndup(ctx->arena, t.z, (size_t)t.n);
    id.line = t.line;
    id.col = t.col;
    return id;
}

/* a.b as one dotted name at a's position. */
sp_ident sp_ident_join(sp_ctx *ctx, sp_ident a, sp_ident b) {
    sp_ident id = a;
    id.s = sl_arena_printf(ctx->arena, "%s.%s", a.s, b.s);
    return id;
}

/* An identifier copied into the arena, for lists. */
sp_ident *sp_ident_box(sp_ctx *ctx, sp_ident id) {
    sp_ident *p = sl_arena_alloc(ctx->arena, sizeof *p);
    *p = id;
    return p;
}
