/* sp_parse.c: the parser driver. It pulls tokens from the tokenizer, cuts the input into
 * statements at ';', feeds each statement's tokens to the lemon parser followed by an end
 * token, and fills in each statement's text, offset and position. It also bounds nesting
 * (parentheses here, expression trees in sp_depth.c) so no input can exhaust the C stack, and
 * turns the IN of POSITION(a IN b) into its own token so the grammar stays conflict-free. */
#include "sp_parse.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "sp_build.h"
#include "sp_grammar.h"

#define SP_MAX_INPUT ((size_t)INT_MAX / 2)

/* What the driver tracks while one statement's tokens go by. */
typedef struct stmt_state {
    int ntok;
    sp_token head[4];    /* first tokens: the statement's start, and EXPLAIN [PLAN FOR] */
    sp_token last;       /* last token fed */
    int depth;           /* open parentheses */
    int npos;            /* open POSITION( calls ... */
    int pos_depth[SP_MAX_PAREN_DEPTH + 1]; /* ... and the depth of each one's '(' */
    int prev_type;
} stmt_state;

/* The error for a token the tokenizer refused. */
static void lexer_error(sp_ctx *ctx, const sp_lexer *lx, const sp_token *t) {
    if (strcmp(lx->err, "Unexpected character") == 0) {
        unsigned char c = (unsigned char)*t->z;
        if (c > 0x20 && c < 0x7f) sp_ctx_error(ctx, t->line, t->col, "Unexpected character '%c'", c);
        else sp_ctx_error(ctx, t->line, t->col, "Unexpected byte 0x%02X", c);
    } else if (strcmp(lx->err, "Malformed number") == 0) {
        int n = t->n < 40 ? t->n : 40;
        sp_ctx_error(ctx, t->line, t->col, "Malformed number '%.*s'", n, t->z);
    } else {
        sp_ctx_error(ctx, t->line, t->col, "%s", lx->err);
    }
}

/* Words that are keywords only before a given next token, and names otherwise: ORDER, GROUP
 * and PARTITION before BY (so that `SELECT * FROM order` reaches the planner, which suggests
 * `orders`), LEFT and RIGHT before JOIN or OUTER (LEFT(s, 2) is a function, `left` a column),
 * ROLLUP and CUBE before '(', GROUPING before SETS (GROUPING(a) is a function). Looks one
 * token ahead on a copy of the tokenizer; other tokens are returned unchanged. */
static int contextual(const sp_lexer *lx, int type) {
    int want = 0, also = -1;
    switch (type) {
    case TK_ORDER: case TK_GROUP: case TK_PARTITION: want = TK_BY; break;
    case TK_LEFT: case TK_RIGHT: want = TK_JOIN; also = TK_OUTER; break;
    case TK_ROLLUP: case TK_CUBE: want = TK_LP; break;
    case TK_GROUPING: want = TK_SETS; break;
    default: return type;
    }
    sp_lexer ahead = *lx;
    sp_token next;
    int t = sp_lex_next(&ahead, &next);
    return t == want || t == also ? type : TK_ID;
}

/* Feeds one token of the current statement to the parser, after the driver's own checks. */
static void feed(sp_ctx *ctx, void *parser, stmt_state *s, sp_token t) {
    if (s->ntok < 4) s->head[s->ntok] = t;
    s->ntok++;
    if (t.type == TK_LP) {
        if (++s->depth > SP_MAX_PAREN_DEPTH) {
            sp_ctx_error(ctx, t.line, t.col, "Expression nested too deeply (more than %d nested parentheses)",
                         SP_MAX_PAREN_DEPTH);
            return;
        }
        if (s->prev_type == TK_POSITION) s->pos_depth[s->npos++] = s->depth;
    } else if (t.type == TK_RP) {
        if (s->npos > 0 && s->pos_depth[s->npos - 1] == s->depth) s->npos--;
        if (s->depth > 0) s->depth--;
    } else if (t.type == TK_IN && s->npos > 0 && s->pos_depth[s->npos - 1] == s->depth) {
        t.type = TK_POSIN;
    }
    s->prev_type = t.type;
    s->last = t;
    ctx->cur = t;
    sp_Lemon(parser, t.type, t, ctx);
}

/* The statement that EXPLAIN [PLAN FOR] wraps starts at the token after those words. */
static const sp_token *explained_start(const stmt_state *s) {
    if (s->ntok >= 4 && s->head[1].type == TK_PLAN && s->head[2].type == TK_FOR) return &s->head[3];
    return s->ntok >= 2 ? &s->head[1] : &s->head[0];
}

/* Gives st the source text from token `from` to the statement's last token. */
static void set_text(sp_ctx *ctx, sp_stmt *st, const sp_token *from, const sp_token *last) {
    st->offset = from->offset;
    st->line = from->line;
    st->col = from->col;
    st->text = sl_arena_strndup(ctx->arena, ctx->src + from->offset,
                                (size_t)(last->offset + last->n - from->offset));
}

/* Ends the current statement: feeds the end token, then completes and keeps the result. */
static void finish(sp_ctx *ctx, void *parser, stmt_state *s, sp_list **stmts) {
    sp_token end;
    memset(&end, 0, sizeof end);
    sp_token_end(&s->last, &end.line, &end.col);
    end.z = s->last.z + s->last.n;
    end.offset = s->last.offset + s->last.n;
    ctx->cur = end;
    ctx->stmt = NULL;
    sp_Lemon(parser, 0, end, ctx);
    if (ctx->error) return;
    sp_stmt *st = ctx->stmt;
    if (!st) {
        sp_ctx_error(ctx, s->head[0].line, s->head[0].col, "Cannot parse this statement");
        return;
    }
    set_text(ctx, st, &s->head[0], &s->last);
    if (st->kind == SP_S_EXPLAIN && st->explained) set_text(ctx, st->explained, explained_start(s), &s->last);
    if (sp_check_depth(ctx, st) < 0) return;
    *stmts = sp_list_add(ctx, *stmts, st);
}

/* Splits and parses the whole input (see sp_parse.h). On error, stmts still holds the
 * statements before the failing one. */
int sp_parse(const char *sql, sp_parse_result *out) {
    memset(out, 0, sizeof *out);
    out->arena = sl_arena_new(0);
    if (!sql) sql = "";
    size_t len = strlen(sql);
    sp_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = out->arena;
    if (len > SP_MAX_INPUT) {
        ctx.src = NULL;
        sp_ctx_error(&ctx, 1, 1, "The input is too large (%zu bytes)", len);
    } else {
        ctx.src = sl_arena_strndup(out->arena, sql, len);
    }
    void *parser = sp_LemonAlloc(malloc);
    if (!parser) abort();
    sp_list *stmts = NULL;
    stmt_state *s = calloc(1, sizeof *s);
    if (!s) abort();
    sp_lexer lx;
    sp_lex_init(&lx, ctx.src ? ctx.src : "", ctx.src ? len : 0);
    while (!ctx.error) {
        sp_token t;
        int type = sp_lex_next(&lx, &t);
        if (type == SP_TK_ERROR) {
            lexer_error(&ctx, &lx, &t);
            break;
        }
        if (type == TK_SEMI || type == SP_TK_EOF) {
            if (s->ntok > 0) finish(&ctx, parser, s, &stmts);
            memset(s, 0, sizeof *s);
            if (type == SP_TK_EOF) break;
            continue;
        }
        t.type = contextual(&lx, t.type);
        feed(&ctx, parser, s, t);
    }
    free(s);
    sp_LemonFree(parser, free);
    if (stmts) {
        out->stmts = (sp_stmt **)stmts->v;
        out->nstmts = stmts->n;
    }
    if (ctx.error) {
        out->error = ctx.error;
        out->err_line = ctx.err_line;
        out->err_col = ctx.err_col;
        return -1;
    }
    return 0;
}

/* Frees the error message and the arena with every node and text of the parse. */
void sp_parse_result_free(sp_parse_result *r) {
    if (!r) return;
    free(r->error);
    if (r->arena) sl_arena_free(r->arena);
    memset(r, 0, sizeof *r);
}
