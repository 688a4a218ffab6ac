/* sp_build_tvf.c: window table-valued functions in FROM, as Flink writes them:
 * TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset])), HOP(.., slide, size [, offset]),
 * CUMULATE(.., step, size [, offset]) and SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts),
 * gap), with positional or named arguments (DATA => TABLE t, TIMECOL => ..., SIZE => ...) in
 * any order. The grammar collects the arguments as written; this file checks them against the
 * function's parameters and fills sp_window_tvf. */
#include <string.h>
#include <strings.h>
#include "sp_build.h"

/* One window TVF: its parameters in positional order (the optional ones last) and the usage
 * line that errors about its arguments quote. */
typedef struct tvf_shape {
    const char *name;
    int kind;
    const char *params[5];
    int nparams, nrequired;
    const char *usage;
} tvf_shape;

static const tvf_shape SHAPES[] = {
    {"TUMBLE", SP_TVF_TUMBLE, {"DATA", "TIMECOL", "SIZE", "OFFSET"}, 4, 3,
     "TUMBLE takes 3 or 4 arguments: TABLE, DESCRIPTOR(time column), size [, offset]"},
    {"HOP", SP_TVF_HOP, {"DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"}, 5, 4,
     "HOP takes 4 or 5 arguments: TABLE, DESCRIPTOR(time column), slide, size [, offset]"},
    {"CUMULATE", SP_TVF_CUMULATE, {"DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"}, 5, 4,
     "CUMULATE takes 4 or 5 arguments: TABLE, DESCRIPTOR(time column), step, size [, offset]"},
    {"SESSION", SP_TVF_SESSION, {"DATA", "TIMECOL", "GAP"}, 3, 3,
     "SESSION takes 3 arguments: TABLE [PARTITION BY columns], DESCRIPTOR(time column), gap"},
};

/* PARTITION BY a / PARTITION BY (a, b) after a TABLE argument. */
sp_tvf_part *sp_tvf_part_new(sp_ctx *ctx, sp_token at, sp_list *names, bool paren) {
    sp_tvf_part *p = sl_arena_calloc(ctx->arena, sizeof *p);
    p->names = names;
    p->paren = paren;
    p->line = at.line;
    p->col = at.col;
    return p;
}

/* A zeroed argument of `kind` at line/col. */
static sp_tvf_arg *arg_new(sp_ctx *ctx, int kind, int line, int col) {
    sp_tvf_arg *a = sl_arena_calloc(ctx->arena, sizeof *a);
    a->kind = kind;
    a->line = line;
    a->col = col;
    return a;
}

/* TABLE name or TABLE (query), with its PARTITION BY (or NULL). */
sp_tvf_arg *sp_tvf_table(sp_ctx *ctx, sp_token at, const sp_ident *name, sp_select *sub, sp_tvf_part *part) {
    sp_tvf_arg *a = arg_new(ctx, SP_TA_TABLE, at.line, at.col);
    if (name) a->table = sp_tref_new(ctx, name->s, NULL, NULL, name->line, name->col);
    else a->table = sp_tref_new(ctx, NULL, NULL, sub, sub->line, sub->col);
    a->part = part;
    return a;
}

/* DESCRIPTOR(cols); cols NULL for DESCRIPTOR(). */
sp_tvf_arg *sp_tvf_descriptor(sp_ctx *ctx, sp_token at, sp_list *cols) {
    sp_tvf_arg *a = arg_new(ctx, SP_TA_DESCRIPTOR, at.line, at.col);
    a->cols = cols;
    return a;
}

/* An expression argument (the size, slide, ...). */
sp_tvf_arg *sp_tvf_expr(sp_ctx *ctx, sp_expr *e) {
    sp_tvf_arg *a = arg_new(ctx, SP_TA_EXPR, e->line, e->col);
    a->expr = e;
    return a;
}

/* NAME => value. */
sp_tvf_arg *sp_tvf_named(sp_tvf_arg *arg, sp_ident name) {
    arg->name = name.s;
    arg->name_line = name.line;
    arg->name_col = name.col;
    return arg;
}

/* Where an argument starts: its name, or its value when positional. */
static void arg_pos(const sp_tvf_arg *a, int *line, int *col) {
    *line = a->name ? a->name_line : a->line;
    *col = a->name ? a->name_col : a->col;
}

/* Moves the plain column names that follow `TABLE t PARTITION BY a,` into that PARTITION BY:
 * with one token of lookahead the grammar cannot tell `b` in `PARTITION BY a, b, DESCRIPTOR(ts)`
 * from the next argument, and no argument of a window TVF is a bare column. */
static sp_list *absorb_partition(sp_ctx *ctx, sp_list *args) {
    sp_list *out = NULL;
    sp_tvf_part *open = NULL;
    for (int i = 0; i < args->n; i++) {
        sp_tvf_arg *a = args->v[i];
        if (open && !a->name && a->kind == SP_TA_EXPR && a->expr->kind == SP_E_COLUMN && !a->expr->qual) {
            sp_ident id = {a->expr->name, a->expr->line, a->expr->col};
            sp_list_add(ctx, open->names, sp_ident_box(ctx, id));
            continue;
        }
        open = a->kind == SP_TA_TABLE && a->part && !a->part->paren ? a->part : NULL;
        out = sp_list_add(ctx, out, a);
    }
    return out;
}

/* Checks that each filled slot holds the right kind of value: TABLE, DESCRIPTOR, then
 * expressions. */
static bool check_kinds(sp_ctx *ctx, const tvf_shape *sh, sp_tvf_arg **slot) {
    for (int p = 0; p < sh->nparams; p++) {
        const sp_tvf_arg *a = slot[p];
        if (!a) continue;
        int want = p == 0 ? SP_TA_TABLE : p == 1 ? SP_TA_DESCRIPTOR : SP_TA_EXPR;
        if (a->kind != want) {
            const char *what = p == 0   ? "a table: TABLE name"
                               : p == 1 ? "the time column: DESCRIPTOR(column)"
                                        : "an expression such as INTERVAL '10' MINUTES";
            sp_ctx_error(ctx, a->line, a->col, "The %s argument of %s must be %s", sh->params[p], sh->name, what);
            return false;
        }
    }
    return true;
}

/* Puts each argument into its parameter's slot: all positional, or all named. Returns false
 * (with an error) on a mix, a misplaced kind of value (checked before the count, as it says
 * more), a wrong count, or an unknown, repeated or missing name. */
static bool assign(sp_ctx *ctx, const tvf_shape *sh, sp_ident fn, const sp_list *args, sp_tvf_arg **slot) {
    int n = args ? args->n : 0, line, col;
    for (int i = 1; i < n; i++) {
        const sp_tvf_arg *a = args->v[i], *first = args->v[0];
        if ((a->name == NULL) != (first->name == NULL)) {
            arg_pos(a, &line, &col);
            sp_ctx_error(ctx, line, col, "The arguments of %s must be all named (NAME => value) or all positional",
                         sh->name);
            return false;
        }
    }
    if (n == 0 || !((sp_tvf_arg *)args->v[0])->name) {
        for (int i = 0; i < n && i < sh->nparams; i++) slot[i] = args->v[i];
        if (!check_kinds(ctx, sh, slot)) return false;
        if (n > sh->nparams) {
            arg_pos(args->v[sh->nparams], &line, &col);
            sp_ctx_error(ctx, line, col, "%s", sh->usage);
            return false;
        }
        if (n < sh->nrequired) {
            sp_ctx_error(ctx, fn.line, fn.col, "%s", sh->usage);
            return false;
        }
        return true;
    }
    for (int i = 0; i < n; i++) {
        sp_tvf_arg *a = args->v[i];
        int p = 0;
        while (p < sh->nparams && strcasecmp(a->name, sh->params[p]) != 0) p++;
        if (p == sh->nparams) {
            sp_ctx_error(ctx, a->name_line, a->name_col, "%s has no argument named '%s' (%s)", sh->name, a->name,
                         sh->usage);
            return false;
        }
        if (slot[p]) {
            sp_ctx_error(ctx, a->name_line, a->name_col, "The %s argument of %s is given twice", sh->params[p],
                         sh->name);
            return false;
        }
        slot[p] = a;
    }
    if (!check_kinds(ctx, sh, slot)) return false;
    for (int p = 0; p < sh->nrequired; p++) {
        if (!slot[p]) {
            sp_ctx_error(ctx, fn.line, fn.col, "%s is missing its %s argument (%s)", sh->name, sh->params[p],
                         sh->usage);
            return false;
        }
    }
    return true;
}

/* Checks what the slots' kinds leave: PARTITION BY only for SESSION, DESCRIPTOR with exactly
 * one column. */
static bool check_slots(sp_ctx *ctx, const tvf_shape *sh, sp_tvf_arg **slot) {
    const sp_tvf_part *part = slot[0]->part;
    if (part && sh->kind != SP_TVF_SESSION) {
        sp_ctx_error(ctx, part->line, part->col, "PARTITION BY is only allowed in SESSION windows, not in %s",
                     sh->name);
        return false;
    }
    const sp_list *cols = slot[1]->cols;
    if (!cols) {
        sp_ctx_error(ctx, slot[1]->line, slot[1]->col, "DESCRIPTOR needs the time column: DESCRIPTOR(column)");
        return false;
    }
    if (cols->n > 1) {
        const sp_ident *second = cols->v[1];
        sp_ctx_error(ctx, second->line, second->col, "DESCRIPTOR of %s takes exactly one time column", sh->name);
        return false;
    }
    return true;
}

/* Copies a list of sp_ident * into an array of names. */
static const char **names_of(sp_ctx *ctx, const sp_list *l, int *n) {
    *n = l ? l->n : 0;
    if (!l) return NULL;
    const char **v = sl_arena_alloc(ctx->arena, sizeof(char *) * (size_t)l->n);
    for (int i = 0; i < l->n; i++) v[i] = ((const sp_ident *)l->v[i])->s;
    return v;
}

/* TABLE(fn(args)) [AS] alias: the FROM item of a window TVF. On an error the item is still
 * returned (with what could be filled), the error recorded. */
sp_table_ref *sp_tref_tvf(sp_ctx *ctx, sp_token at, sp_ident fn, sp_list *args, const char *alias) {
    sp_table_ref *r = sp_tref_new(ctx, NULL, alias, NULL, at.line, at.col);
    sp_window_tvf *w = sl_arena_calloc(ctx->arena, sizeof *w);
    r->tvf = w;
    w->line = fn.line;
    w->col = fn.col;
    const tvf_shape *sh = NULL;
    for (size_t i = 0; i < sizeof SHAPES / sizeof SHAPES[0]; i++)
        if (strcasecmp(fn.s, SHAPES[i].name) == 0) sh = &SHAPES[i];
    if (!sh) {
        sp_ctx_error(ctx, fn.line, fn.col,
                     "Unknown window table function '%s' (expected TUMBLE, HOP, CUMULATE or SESSION)", fn.s);
        return r;
    }
    w->kind = (uint8_t)sh->kind;
    if (args) args = absorb_partition(ctx, args);
    sp_tvf_arg *slot[5] = {NULL, NULL, NULL, NULL, NULL};
    if (!assign(ctx, sh, fn, args, slot) || !check_slots(ctx, sh, slot)) return r;
    w->input = slot[0]->table;
    if (slot[0]->part) w->partition_by = names_of(ctx, slot[0]->part->names, &w->npartition_by);
    const sp_ident *tc = slot[1]->cols->v[0];
    w->time_col = tc->s;
    w->time_line = tc->line;
    w->time_col_pos = tc->col;
    if (sh->kind == SP_TVF_TUMBLE || sh->kind == SP_TVF_SESSION) {
        w->size = slot[2]->expr;
        w->offset = slot[3] ? slot[3]->expr : NULL;
    } else {
        w->slide = slot[2]->expr;
        w->size = slot[3]->expr;
        w->offset = slot[4] ? slot[4]->expr : NULL;
    }
    return r;
}
