/* sp_parse.c: the parser driver: tokenizes the input, splits it into statements at ';', runs
 * the lemon parser over each statement, and records each statement's text and position. */
#include "sp_parse.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_buf.h"
#include "sp_grammar.h"
#include "sp_internal.h"

/* lemon's entry points (generated without prototypes). */
void *spLemonAlloc(void *(*mallocProc)(size_t));
void spLemon(void *p, int major, sp_token minor, sp_ctx *ctx);
void spLemonFree(void *p, void (*freeProc)(void *));

/* Text after EXPLAIN [PLAN FOR] (the explained statement's own text). */
static const char *skip_explain(const char *text) {
    const char *p = text + 7;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (!strncasecmp(p, "PLAN", 4) && (p[4] == ' ' || p[4] == '\n' || p[4] == '\t')) {
        p += 4;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!strncasecmp(p, "FOR", 3)) p += 3;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    }
    return p;
}

/* Parses the tokens toks[0..n) as one statement; appends it to out on success. */
static int parse_one(sp_ctx *ctx, const sp_token *toks, int n, const sp_token *end, sp_parse_result *out,
                     sp_list *stmts) {
    void *p = spLemonAlloc(malloc);
    ctx->stmt = NULL;
    for (int i = 0; i < n && !ctx->error; i++) spLemon(p, toks[i].type, toks[i], ctx);
    if (!ctx->error) spLemon(p, 0, *end, ctx);
    spLemonFree(p, free);
    if (ctx->error) return -1;
    sp_stmt *st = ctx->stmt;
    if (!st) return -1;
    const sp_token *first = &toks[0], *last = &toks[n - 1];
    st->line = first->line;
    st->col = first->col;
    st->offset = first->offset;
    st->text = sl_arena_strndup(ctx->a, first->z, (size_t)(last->offset + last->n - first->offset));
    for (sp_stmt *in = st; in->kind == SP_S_EXPLAIN && in->explained; in = in->explained) {
        in->explained->text = skip_explain(in->text);
        in->explained->line = st->line;
        in->explained->col = st->col;
    }
    sp_list_add(ctx, stmts, st);
    (void)out;
    return 0;
}

int sp_parse(const char *sql, sp_parse_result *out) {
    memset(out, 0, sizeof *out);
    out->arena = sl_arena_new(0);
    sp_ctx ctx = {0};
    ctx.a = out->arena;
    ctx.src = sl_arena_strdup(out->arena, sql ? sql : "");
    sp_list *stmts = sp_list_new(&ctx);
    int pos = 0, line = 1, col = 1;
    int cap = 64, n = 0;
    sp_token *toks = malloc(sizeof(sp_token) * (size_t)cap);
    for (;;) {
        sp_token t = sp_next_token(&ctx, ctx.src, &pos, &line, &col);
        if (t.type < 0) break;
        if (t.type == 0 || t.type == SP_TOK_SEMI) {
            if (n > 0) {
                sp_token end = t;
                end.type = 0;
                if (parse_one(&ctx, toks, n, &end, out, stmts) < 0) {
                    if (!ctx.error) sp_error(&ctx, toks[0].line, toks[0].col, "Cannot parse statement");
                    break;
                }
            }
            n = 0;
            if (t.type == 0) break;
            continue;
        }
        if (n == cap) toks = realloc(toks, sizeof(sp_token) * (size_t)(cap *= 2));
        toks[n++] = t;
    }
    free(toks);
    out->stmts = (sp_stmt **)stmts->items;
    out->nstmts = stmts->n;
    if (ctx.error) {
        out->error = ctx.error;
        out->err_line = ctx.err_line;
        out->err_col = ctx.err_col;
        return -1;
    }
    return 0;
}

void sp_parse_result_free(sp_parse_result *r) {
    free(r->error);
    sl_arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

bool sp_statement_complete(const char *text) {
    sp_ctx ctx = {0};
    ctx.a = sl_arena_new(4096);
    ctx.src = text;
    int pos = 0, line = 1, col = 1, last = 0;
    bool complete = false;
    for (;;) {
        sp_token t = sp_next_token(&ctx, text, &pos, &line, &col);
        if (t.type < 0) {
            bool unterminated = ctx.error && strstr(ctx.error, "Unterminated");
            free(ctx.error);
            ctx.error = NULL;
            if (unterminated) break;
            last = -1;
            continue;
        }
        if (t.type == 0) {
            complete = last == SP_TOK_SEMI;
            break;
        }
        last = t.type;
    }
    free(ctx.error);
    sl_arena_free(ctx.a);
    return complete;
}
