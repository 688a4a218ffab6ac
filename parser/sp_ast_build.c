/* sp_ast_build.c: constructors the grammar actions use to build the AST in the arena. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "sp_internal.h"

void sp_error(sp_ctx *ctx, int line, int col, const char *fmt, ...) {
    if (ctx->error) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctx->error = sl_error_at(ctx->src, line, col, "%s", msg);
    ctx->err_line = line;
    ctx->err_col = col;
}

/* Identifier text: a backtick-quoted name loses its quotes and doubled backticks. */
char *sp_tok_str(sp_ctx *ctx, sp_token t) {
    if (t.n >= 2 && t.z[0] == '`') {
        char *s = sl_arena_alloc(ctx->a, (size_t)t.n);
        int k = 0;
        for (int i = 1; i < t.n - 1; i++) {
            s[k++] = t.z[i];
            if (t.z[i] == '`') i++;
        }
        s[k] = 0;
        return s;
    }
    return sl_arena_strndup(ctx->a, t.z, (size_t)t.n);
}

/* String literal text without quotes, '' unescaped. */
char *sp_tok_string_lit(sp_ctx *ctx, sp_token t) {
    char *s = sl_arena_alloc(ctx->a, (size_t)t.n + 1);
    int k = 0;
    for (int i = 1; i < t.n - 1; i++) {
        s[k++] = t.z[i];
        if (t.z[i] == '\'') i++;
    }
    s[k] = 0;
    return s;
}

sp_expr *sp_expr_new(sp_ctx *ctx, int kind, sp_token at) {
    sp_expr *e = sl_arena_calloc(ctx->a, sizeof *e);
    e->kind = (uint8_t)kind;
    e->line = at.line;
    e->col = at.col;
    return e;
}

sp_expr *sp_expr_at(sp_ctx *ctx, int kind, const sp_expr *at) {
    sp_expr *e = sl_arena_calloc(ctx->a, sizeof *e);
    e->kind = (uint8_t)kind;
    e->line = at->line;
    e->col = at->col;
    return e;
}

sp_expr *sp_expr_binary(sp_ctx *ctx, int op, sp_expr *l, sp_expr *r) {
    sp_expr *e = sp_expr_at(ctx, SP_E_BINARY, l);
    e->op = (uint8_t)op;
    sp_expr_add_arg(ctx, e, l);
    sp_expr_add_arg(ctx, e, r);
    return e;
}

sp_expr *sp_expr_unary(sp_ctx *ctx, int op, sp_token at, sp_expr *x) {
    sp_expr *e = sp_expr_new(ctx, SP_E_UNARY, at);
    e->op = (uint8_t)op;
    sp_expr_add_arg(ctx, e, x);
    return e;
}

void sp_expr_add_arg(sp_ctx *ctx, sp_expr *e, sp_expr *arg) {
    sp_expr **args = sl_arena_alloc(ctx->a, sizeof(sp_expr *) * (size_t)(e->nargs + 1));
    if (e->nargs) memcpy(args, e->args, sizeof(sp_expr *) * (size_t)e->nargs);
    args[e->nargs++] = arg;
    e->args = args;
}

void sp_expr_set_args(sp_ctx *ctx, sp_expr *e, sp_list *args) {
    (void)ctx;
    e->args = (sp_expr **)args->items;
    e->nargs = args->n;
}

sp_list *sp_list_new(sp_ctx *ctx) { return sl_arena_calloc(ctx->a, sizeof(sp_list)); }

sp_list *sp_list_add(sp_ctx *ctx, sp_list *l, void *item) {
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        void **items = sl_arena_alloc(ctx->a, sizeof(void *) * (size_t)cap);
        if (l->n) memcpy(items, l->items, sizeof(void *) * (size_t)l->n);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = item;
    return l;
}

sp_stmt *sp_stmt_new(sp_ctx *ctx, int kind) {
    sp_stmt *s = sl_arena_calloc(ctx->a, sizeof *s);
    s->kind = (uint8_t)kind;
    return s;
}

int sp_tok_int(sp_token t) {
    long v = 0;
    for (int i = 0; i < t.n && v < 100000; i++) v = v * 10 + (t.z[i] - '0');
    return (int)v;
}

/* The SQL type a type name (and optional precision/scale) denotes. */
sl_type sp_make_type(sp_ctx *ctx, sp_token name, int p, int s, bool has_p, bool has_s) {
    char w[32];
    int n = name.n < 31 ? name.n : 31;
    for (int i = 0; i < n; i++) w[i] = (char)toupper((unsigned char)name.z[i]);
    w[n] = 0;
    sl_type t = sl_type_make(SL_T_STRING);
    if (!strcmp(w, "BOOLEAN")) t = sl_type_make(SL_T_BOOLEAN);
    else if (!strcmp(w, "TINYINT") || !strcmp(w, "SMALLINT") || !strcmp(w, "INT") || !strcmp(w, "INTEGER"))
        t = sl_type_make(SL_T_INT);
    else if (!strcmp(w, "BIGINT")) t = sl_type_make(SL_T_BIGINT);
    else if (!strcmp(w, "FLOAT") || !strcmp(w, "REAL")) t = sl_type_make(SL_T_FLOAT);
    else if (!strcmp(w, "DOUBLE")) t = sl_type_make(SL_T_DOUBLE);
    else if (!strcmp(w, "DECIMAL") || !strcmp(w, "DEC") || !strcmp(w, "NUMERIC")) {
        t = sl_type_make(SL_T_DECIMAL);
        if (has_p) t.precision = (uint8_t)(p > 255 ? 255 : p);
        t.scale = has_s ? (uint8_t)(s > 255 ? 255 : s) : 0;
        if (has_p && (p < 1 || p > 18))
            sp_error(ctx, name.line, name.col, "DECIMAL precision %d is not supported (1 to 18)", p);
        else if (t.scale > t.precision)
            sp_error(ctx, name.line, name.col, "DECIMAL scale %d exceeds precision %d", s, p);
        return t;
    } else if (!strcmp(w, "STRING")) t = sl_type_make(SL_T_STRING);
    else if (!strcmp(w, "VARCHAR") || !strcmp(w, "CHAR")) {
        t = sl_type_make(SL_T_STRING);
        if (has_p) t.length = p;
    } else if (!strcmp(w, "TIMESTAMP") || !strcmp(w, "TIMESTAMP_LTZ")) {
        t = sl_type_make(!strcmp(w, "TIMESTAMP") ? SL_T_TIMESTAMP : SL_T_TIMESTAMP_LTZ);
        if (has_p) {
            if (p > 9) sp_error(ctx, name.line, name.col, "TIMESTAMP precision must be between 0 and 9");
            t.precision = (uint8_t)(p > 9 ? 9 : p);
        }
    } else if (!strcmp(w, "DATE")) t = sl_type_make(SL_T_DATE);
    if (has_s && t.id != SL_T_DECIMAL) sp_error(ctx, name.line, name.col, "Type %s takes no scale", w);
    return t;
}
