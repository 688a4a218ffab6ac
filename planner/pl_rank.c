/* pl_rank.c: plans window Top-N and window deduplication (Flink's forms):
 *
 *   SELECT * FROM (
 *     SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rownum
 *     FROM <a window TVF, or a window aggregation>
 *   ) WHERE rownum <= 3
 *
 * The inner SELECT becomes CALC(the input's columns, then any PARTITION BY / ORDER BY
 * expression that is not a plain column) -> WINDOW_RANK -> CALC(the select list, the rank as a
 * column). The outer WHERE on the rank (rownum <= N, rownum < N, rownum = 1) then sets how many
 * rows a partition keeps (pl_rank_push_limit), so that state holds only the top N. The
 * partition must include the input's window_start and window_end: each window ranks once, when
 * it is complete. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "pl_bind.h"
#include "pl_plan.h"

/* True if e holds an OVER window. */
static bool has_over(const sp_expr *e) {
    if (!e) return false;
    if (e->kind == SP_E_OVER) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_over(e->args[i])) return true;
    return has_over(e->filter);
}

bool pl_select_has_rank(const sp_select *sel) {
    for (int i = 0; i < sel->nitems; i++)
        if (has_over(sel->items[i].expr)) return true;
    return has_over(sel->where) || has_over(sel->having);
}

/* The usage message for what this planner supports. */
static char *usage_error(const char *src, const sp_expr *at, const char *why) {
    return sl_error_at(src, at->line, at->col,
                       "%s: OVER is supported as ROW_NUMBER(), RANK() or DENSE_RANK() OVER (PARTITION BY window_start, "
                       "window_end[, ...] ORDER BY ...) over a windowed input (window Top-N and deduplication)",
                       why);
}

/* The rank function of an OVER item: 0 ROW_NUMBER, 1 RANK, 2 DENSE_RANK, -1 otherwise. */
static int rank_fn_of(const sp_expr *over) {
    const sp_expr *f = over->args[0];
    if (!f || f->kind != SP_E_FUNC || f->nargs != 0 || f->star) return -1;
    if (!strcasecmp(f->name, "ROW_NUMBER")) return 0;
    if (!strcasecmp(f->name, "RANK")) return 1;
    if (!strcasecmp(f->name, "DENSE_RANK")) return 2;
    return -1;
}

/* The position of column expression x among the pre-CALC's outputs: the input's columns pass
 * through at their own positions; any other expression is added. */
static int operand_col(pl_node *pre, pl_expr *x, sl_arena *a) {
    if (x->kind == PL_X_COL) return x->col;
    for (int i = pre->input->ncols; i < pre->nexprs; i++)
        if (pl_expr_equal(pre->exprs[i], x)) return i;
    int i = pre->nexprs++;
    pre->exprs[i] = x;
    pre->cols[i] = (pl_field){sl_arena_printf(a, "$f%d", i), x->type, PL_TIME_NONE, PL_WIN_NONE};
    pre->ncols = pre->nexprs;
    return i;
}

pl_node *pl_plan_rank(const sp_select *sel, pl_node *in, const pl_scope *scope, pl_expr *where, sl_arena *a,
                      const char *src, char **err) {
    const sp_expr *over = NULL;
    int over_item = -1;
    for (int i = 0; i < sel->nitems; i++) {
        const sp_expr *e = sel->items[i].expr;
        if (e->kind == SP_E_OVER) {
            if (over) {
                *err = usage_error(src, e, "Only one OVER window per query");
                return NULL;
            }
            over = e;
            over_item = i;
        } else if (has_over(e)) {
            *err = usage_error(src, e, "OVER inside an expression is not supported");
            return NULL;
        }
    }
    if (!over) {
        *err = usage_error(src, sel->where ? sel->where : sel->items[0].expr, "OVER outside the select list");
        return NULL;
    }
    int fn = rank_fn_of(over);
    const sp_window_spec *w = over->over;
    if (fn < 0) {
        *err = usage_error(src, over, "Not supported");
        return NULL;
    }
    if (w->frame) {
        *err = usage_error(src, over, "A ROWS/RANGE frame is not allowed with a ranking function");
        return NULL;
    }
    if (w->norder_by == 0) {
        *err = sl_error_at(src, over->line, over->col, "%s() OVER needs an ORDER BY", over->args[0]->name);
        return NULL;
    }
    if (in->updating) {
        *err = usage_error(src, over, "The input is updating (window Top-N needs an append-only, windowed input)");
        return NULL;
    }
    /* the pre-CALC: the input's columns, then extra operands */
    int cap = in->ncols + w->npartition_by + w->norder_by + 1;
    pl_node *pre = pl_node_new(a, PL_N_CALC, in);
    pre->filter = where;
    pre->exprs = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)cap);
    pre->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)cap);
    for (int i = 0; i < in->ncols; i++) {
        pl_expr *x = pl_new_node(a, PL_X_COL, in->cols[i].type, 0);
        x->col = i;
        x->flag = in->cols[i].time_attr;
        pre->exprs[i] = x;
        pre->cols[i] = in->cols[i];
    }
    pre->nexprs = pre->ncols = in->ncols;
    pl_node *rk = pl_node_new(a, PL_N_WINDOW_RANK, pre);
    rk->keys = sl_arena_calloc(a, sizeof(int) * (size_t)(w->npartition_by + 1));
    rk->wend = -1;
    bool has_start = false;
    for (int k = 0; k < w->npartition_by; k++) {
        pl_expr *x = pl_bind_expr(w->partition_by[k], scope, a, src, err);
        if (!x) return NULL;
        int col = operand_col(pre, x, a);
        rk->keys[rk->nkeys++] = col;
        if (col < in->ncols && in->cols[col].window_col == PL_WIN_END) rk->wend = col;
        if (col < in->ncols && in->cols[col].window_col == PL_WIN_START) has_start = true;
    }
    if (rk->wend < 0 || !has_start) {
        *err = usage_error(src, over, "PARTITION BY must include the input's window_start and window_end");
        return NULL;
    }
    rk->order_cols = sl_arena_calloc(a, sizeof(int) * (size_t)(w->norder_by + 1));
    rk->order_desc = sl_arena_calloc(a, sizeof(bool) * (size_t)(w->norder_by + 1));
    for (int k = 0; k < w->norder_by; k++) {
        pl_expr *x = pl_bind_expr(w->order_by[k].expr, scope, a, src, err);
        if (!x) return NULL;
        rk->order_cols[k] = operand_col(pre, x, a);
        rk->order_desc[k] = w->order_by[k].desc;
    }
    rk->norder = w->norder_by;
    rk->rank_fn = (uint8_t)fn;
    rk->rank_limit = INT64_MAX;
    rk->ncols = pre->ncols + 1;
    rk->rank_out = pre->ncols;
    rk->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(rk->ncols + 1));
    memcpy(rk->cols, pre->cols, sizeof(pl_field) * (size_t)pre->ncols);
    sl_type bt = sl_type_make(SL_T_BIGINT);
    bt.not_null = true;
    const char *rname = sel->items[over_item].alias ? sl_arena_strdup(a, sel->items[over_item].alias) : "rownum";
    rk->cols[rk->rank_out] = (pl_field){rname, bt, PL_TIME_NONE, PL_WIN_NONE};

    /* the select list over the ranked rows: the input's columns keep their positions */
    int n = 0, ncap = 1;
    for (int i = 0; i < sel->nitems; i++) ncap += sel->items[i].expr->kind == SP_E_STAR ? scope->ncols : 1;
    pl_node *out = pl_node_new(a, PL_N_CALC, rk);
    out->exprs = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)ncap);
    out->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)ncap);
    for (int i = 0; i < sel->nitems; i++) {
        const sp_select_item *it = &sel->items[i];
        if (i == over_item) {
            pl_expr *x = pl_new_node(a, PL_X_COL, bt, 0);
            x->col = rk->rank_out;
            out->exprs[n] = x;
            out->cols[n++] = rk->cols[rk->rank_out];
            continue;
        }
        if (it->expr->kind == SP_E_STAR) {
            for (int c = 0; c < scope->ncols; c++) {
                if (it->expr->name && (!scope->cols[c].qual || strcasecmp(it->expr->name, scope->cols[c].qual))) continue;
                pl_expr *x = pl_new_node(a, PL_X_COL, scope->cols[c].type, 0);
                x->col = scope->cols[c].index;
                x->flag = scope->cols[c].time_attr;
                out->exprs[n] = x;
                out->cols[n] = in->cols[x->col];
                out->cols[n++].name = scope->cols[c].name;
            }
            continue;
        }
        pl_expr *x = pl_bind_expr(it->expr, scope, a, src, err);
        if (!x) return NULL;
        out->exprs[n] = x;
        pl_field f = {it->alias ? sl_arena_strdup(a, it->alias)
                                : it->expr->kind == SP_E_COLUMN ? sl_arena_strdup(a, it->expr->name)
                                                                : sl_arena_printf(a, "EXPR$%d", n),
                      x->type, PL_TIME_NONE, PL_WIN_NONE};
        if (x->kind == PL_X_COL) {
            f.time_attr = x->flag;
            f.window_col = in->cols[x->col].window_col;
        }
        out->cols[n++] = f;
    }
    out->nexprs = out->ncols = n;
    return out;
}

/* The rank column's position in `n`'s output when it reads a WINDOW_RANK's rank through plain
 * CALCs, else -1; *rank is that WINDOW_RANK. */
static int rank_col(pl_node *n, int col, pl_node **rank) {
    while (n && n->kind == PL_N_CALC) {
        if (col < 0 || col >= n->nexprs || n->exprs[col]->kind != PL_X_COL) return -1;
        col = n->exprs[col]->col;
        n = n->input;
    }
    if (!n || n->kind != PL_N_WINDOW_RANK || col != n->rank_out) return -1;
    *rank = n;
    return col;
}

void pl_rank_push_limit(pl_node *in, const pl_expr *filter) {
    if (!filter) return;
    if (filter->kind == PL_X_AND) {
        for (int i = 0; i < filter->nargs; i++) pl_rank_push_limit(in, filter->args[i]);
        return;
    }
    if (filter->kind != PL_X_CALL || filter->nargs != 2) return;
    const pl_expr *l = filter->args[0], *r = filter->args[1];
    int fn = filter->fn;
    if (l->kind == PL_X_CONST && r->kind == PL_X_COL) { /* 3 >= rownum */
        const pl_expr *t = l;
        l = r;
        r = t;
        fn = fn == PL_F_GE ? PL_F_LE : fn == PL_F_GT ? PL_F_LT : fn == PL_F_LE ? PL_F_GE : fn == PL_F_LT ? PL_F_GT : fn;
    }
    if (l->kind != PL_X_COL || r->kind != PL_X_CONST || r->value.null) return;
    pl_node *rank = NULL;
    if (rank_col(in, l->col, &rank) < 0) return;
    int64_t v = r->type.id == SL_T_DECIMAL ? INT64_MAX : r->value.i;
    if (r->type.id != SL_T_INT && r->type.id != SL_T_BIGINT) return;
    int64_t limit = fn == PL_F_LE ? v : fn == PL_F_LT ? v - 1 : fn == PL_F_EQ && v == 1 ? 1 : INT64_MAX;
    if (limit < 1) limit = 1; /* a window keeps nothing: the filter drops all; keep one, cheaply */
    if (limit < rank->rank_limit) rank->rank_limit = limit;
}
