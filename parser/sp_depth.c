/* sp_depth.c: rejects statements whose expression trees nest deeper than SP_MAX_EXPR_DEPTH.
 * Parentheses are limited while tokens are fed, but a long chain such as 1+1+1+... builds a
 * deep tree without any (and so does a JOIN chain); the planner and sp_expr_to_sql recurse
 * over trees, so the parser refuses them here. The walk itself stops descending at the limit,
 * so it cannot overflow. OVER windows, window TVFs and joins are walked like the rest. */
#include "sp_build.h"

static bool select_too_deep(sp_ctx *ctx, const sp_select *s, int depth);

static bool expr_too_deep(sp_ctx *ctx, const sp_expr *e, int depth);

/* The window of an OVER node: its expressions sit one level below the node. */
static bool window_too_deep(sp_ctx *ctx, const sp_window_spec *w, int depth) {
    if (!w) return false;
    for (int i = 0; i < w->npartition_by; i++)
        if (expr_too_deep(ctx, w->partition_by[i], depth)) return true;
    for (int i = 0; i < w->norder_by; i++)
        if (expr_too_deep(ctx, w->order_by[i].expr, depth)) return true;
    return expr_too_deep(ctx, w->start, depth) || expr_too_deep(ctx, w->end, depth);
}

/* True (with an error recorded) when e or a node below it lies deeper than the limit. */
static bool expr_too_deep(sp_ctx *ctx, const sp_expr *e, int depth) {
    if (!e) return false;
    if (depth > SP_MAX_EXPR_DEPTH) {
        sp_ctx_error(ctx, e->line, e->col, "Expression nested too deeply (more than %d levels)",
                     SP_MAX_EXPR_DEPTH);
        return true;
    }
    for (int i = 0; i < e->nargs; i++)
        if (expr_too_deep(ctx, e->args[i], depth + 1)) return true;
    if (window_too_deep(ctx, e->over, depth + 1)) return true;
    return expr_too_deep(ctx, e->filter, depth + 1);
}

/* The bounded walk of sp_expr_within_depth (sp_build.h). */
static bool within(const sp_expr *e, int depth, int limit) {
    if (!e) return true;
    if (depth > limit) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!within(e->args[i], depth + 1, limit)) return false;
    const sp_window_spec *w = e->over;
    for (int i = 0; w && i < w->npartition_by; i++)
        if (!within(w->partition_by[i], depth + 1, limit)) return false;
    for (int i = 0; w && i < w->norder_by; i++)
        if (!within(w->order_by[i].expr, depth + 1, limit)) return false;
    if (w && (!within(w->start, depth + 1, limit) || !within(w->end, depth + 1, limit))) return false;
    return within(e->filter, depth + 1, limit);
}

/* See sp_build.h: lets sp_build_group.c render GROUP BY expressions before the depth check. */
bool sp_expr_within_depth(const sp_expr *e, int limit) {
    return within(e, 1, limit);
}

/* A FROM item: subqueries (also a window TVF's input), a TVF's size expressions, and both
 * sides and the condition of a join; `depth` counts nested queries and joins alike, since a
 * chain a JOIN b JOIN c ... nests to the left without parentheses. */
static bool from_too_deep(sp_ctx *ctx, const sp_table_ref *f, int depth) {
    if (!f) return false;
    if (depth > SP_MAX_EXPR_DEPTH) {
        sp_ctx_error(ctx, f->line, f->col, "FROM clause nested too deeply (more than %d joins and subqueries)",
                     SP_MAX_EXPR_DEPTH);
        return true;
    }
    if (select_too_deep(ctx, f->subquery, depth + 1)) return true;
    const sp_window_tvf *w = f->tvf;
    if (w) {
        if (from_too_deep(ctx, w->input, depth + 1)) return true;
        if (expr_too_deep(ctx, w->size, 1) || expr_too_deep(ctx, w->slide, 1) || expr_too_deep(ctx, w->offset, 1))
            return true;
    }
    if (from_too_deep(ctx, f->left, depth + 1) || from_too_deep(ctx, f->right, depth + 1)) return true;
    return expr_too_deep(ctx, f->on, 1);
}

/* Checks every expression of a SELECT block, subqueries in FROM included. */
static bool select_too_deep(sp_ctx *ctx, const sp_select *s, int depth) {
    if (!s) return false;
    if (depth > SP_MAX_EXPR_DEPTH) {
        sp_ctx_error(ctx, s->line, s->col, "Query is nested too deeply");
        return true;
    }
    for (int i = 0; i < s->nitems; i++)
        if (expr_too_deep(ctx, s->items[i].expr, 1)) return true;
    if (from_too_deep(ctx, s->from, depth)) return true;
    if (expr_too_deep(ctx, s->where, 1) || expr_too_deep(ctx, s->having, 1)) return true;
    for (int i = 0; i < s->ngroup_by; i++)
        if (expr_too_deep(ctx, s->group_by[i], 1)) return true;
    for (int i = 0; i < s->norder_by; i++)
        if (expr_too_deep(ctx, s->order_by[i].expr, 1)) return true;
    return false;
}

/* Checks every expression a statement holds (see sp_build.h). */
int sp_check_depth(sp_ctx *ctx, const sp_stmt *st) {
    bool bad = false;
    switch (st->kind) {
    case SP_S_CREATE_TABLE:
        for (int i = 0; i < st->create.ncols && !bad; i++) bad = expr_too_deep(ctx, st->create.cols[i].expr, 1);
        if (!bad) bad = expr_too_deep(ctx, st->create.wm_expr, 1);
        break;
    case SP_S_INSERT_SELECT: bad = select_too_deep(ctx, st->insert.select, 1); break;
    case SP_S_INSERT_VALUES:
        for (int r = 0; r < st->insert.nrows && !bad; r++)
            for (int c = 0; c < st->insert.nvalues && !bad; c++) bad = expr_too_deep(ctx, st->insert.rows[r][c], 1);
        break;
    case SP_S_SELECT: bad = select_too_deep(ctx, st->select, 1); break;
    case SP_S_CREATE_VIEW: bad = select_too_deep(ctx, st->view.query, 1); break;
    case SP_S_EXPLAIN: return st->explained ? sp_check_depth(ctx, st->explained) : 0;
    default: break;
    }
    return bad ? -1 : 0;
}
