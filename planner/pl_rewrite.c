/* pl_rewrite.c: plan rewrites: merge stacked CALCs, push filters and projections into SCAN. */
#include <stdlib.h>
#include <string.h>
#include "pl_plan.h"

/* Deep copy of an expression tree. */
static pl_expr *copy_expr(const pl_expr *e, sl_arena *a) {
    pl_expr *c = sl_arena_alloc(a, sizeof *c);
    *c = *e;
    if (e->nargs) {
        c->args = sl_arena_alloc(a, sizeof(pl_expr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++) c->args[i] = e->args[i] ? copy_expr(e->args[i], a) : NULL;
    }
    return c;
}

/* Substitutes column references of e by copies of repl[col]. */
static pl_expr *subst(const pl_expr *e, pl_expr *const *repl, sl_arena *a) {
    if (e->kind == PL_X_COL) return copy_expr(repl[e->col], a);
    pl_expr *c = sl_arena_alloc(a, sizeof *c);
    *c = *e;
    if (e->nargs) {
        c->args = sl_arena_alloc(a, sizeof(pl_expr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++) c->args[i] = e->args[i] ? subst(e->args[i], repl, a) : NULL;
    }
    return c;
}

/* Copies e with column i replaced by a copy of repl[i] (repl NULL: plain copy). */
pl_expr *pl_expr_substitute(const pl_expr *e, pl_expr *const *repl, sl_arena *a) {
    return repl ? subst(e, repl, a) : copy_expr(e, a);
}

/* AND of two predicates, either may be NULL. */
static pl_expr *and_of(pl_expr *x, pl_expr *y, sl_arena *a) {
    if (!x) return y;
    if (!y) return x;
    pl_expr *e = sl_arena_calloc(a, sizeof *e);
    e->kind = PL_X_AND;
    e->type = sl_type_make(SL_T_BOOLEAN);
    e->nargs = 2;
    e->args = sl_arena_alloc(a, sizeof(pl_expr *) * 2);
    e->args[0] = x;
    e->args[1] = y;
    return e;
}

/* CALC(CALC(x)) -> CALC(x): the outer expressions read the inner ones directly. */
static pl_node *merge_calcs(pl_node *n, sl_arena *a) {
    while (n->kind == PL_N_CALC && n->input && n->input->kind == PL_N_CALC) {
        pl_node *in = n->input;
        for (int i = 0; i < n->nexprs; i++) n->exprs[i] = subst(n->exprs[i], in->exprs, a);
        pl_expr *f = n->filter ? subst(n->filter, in->exprs, a) : NULL;
        n->filter = and_of(in->filter, f, a);
        n->input = in->input;
    }
    return n;
}

/* Whether the plan being optimized uses watermarks: then scans generate them (set by
 * pl_optimize at the root, read while the scans' projections are pushed down). */
static bool g_needs_watermark;
static bool g_proctime_windows; /* ... and its windows are by processing time */

/* The table's WATERMARK expression bound over the scan row (every column, computed ones too:
 * the scan computes them first). */
static pl_expr *bind_watermark(const pl_table *t, sl_arena *a) {
    pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(t->ncols + 1));
    for (int i = 0; i < t->ncols; i++) sc[i] = (pl_scope_col){t->name, t->cols[i].name, t->cols[i].type, i, 0};
    pl_scope scope = {sc, t->ncols, NULL, NULL};
    char *err = NULL;
    pl_expr *e = pl_bind_expr(t->wm_expr, &scope, a, t->ddl, &err);
    free(err); /* checked at CREATE TABLE: cannot fail */
    return e;
}

/* Marks the scan columns in `reads` (NULL: all of them) as decoded; computed columns pull in
 * their inputs; so does the WATERMARK when the plan uses watermarks. */
static void push_columns(const bool *reads, pl_node *scan, sl_arena *a) {
    const pl_table *t = scan->table;
    bool *used = sl_arena_calloc(a, sizeof(bool) * (size_t)(t->ncols + 1));
    for (int i = 0; i < t->ncols; i++) used[i] = !reads || reads[i];
    scan->rowtime = t->rowtime;
    if (g_needs_watermark && g_proctime_windows && t->proctime >= 0) {
        scan->proctime_wm = true; /* processing-time windows close by the wall clock */
        used[t->proctime] = true;
    } else if (g_needs_watermark && t->wm_expr && (scan->wm_expr = bind_watermark(t, a))) {
        pl_expr_columns(scan->wm_expr, used);
        used[t->rowtime] = true;
    }
    if (scan->filter) pl_expr_columns(scan->filter, used);
    /* computed columns: bind their expression over the table and add what they read */
    pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(t->ncols + 1));
    int nsc = 0;
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].kind != SP_COL_COMPUTED)
            sc[nsc++] = (pl_scope_col){t->name, t->cols[i].name, t->cols[i].type, i};
    pl_scope scope = {sc, nsc};
    scan->computed = sl_arena_calloc(a, sizeof(int) * (size_t)(t->ncols + 1));
    scan->computed_exprs = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)(t->ncols + 1));
    scan->ncomputed = 0;
    for (int i = 0; i < t->ncols; i++) {
        if (t->cols[i].kind != SP_COL_COMPUTED || !used[i]) continue;
        char *err = NULL;
        pl_expr *e = pl_bind_expr(t->cols[i].expr, &scope, a, t->ddl, &err);
        free(err); /* validated at CREATE TABLE: cannot fail */
        if (!e) continue;
        pl_expr_columns(e, used);
        scan->computed[scan->ncomputed] = i;
        scan->computed_exprs[scan->ncomputed++] = e;
    }
    for (int i = 0; i < t->ncols; i++) scan->decode[i] = used[i] && t->cols[i].kind != SP_COL_COMPUTED;
}

/* Marks which scan columns the CALC above reads (calc NULL: all of them). */
static void push_projection(pl_node *calc, pl_node *scan, sl_arena *a) {
    if (!calc) {
        push_columns(NULL, scan, a);
        return;
    }
    bool *used = sl_arena_calloc(a, sizeof(bool) * (size_t)(scan->ncols + 1));
    for (int i = 0; i < calc->nexprs; i++) pl_expr_columns(calc->exprs[i], used);
    if (calc->filter) pl_expr_columns(calc->filter, used);
    push_columns(used, scan, a);
}

/* CALC over WINDOW_TVF over SCAN: the TVF passes its input columns through and appends the
 * window's, so the scan need decode only the columns the CALC reads below the window columns,
 * and the TVF's time column (without this, a window aggregation decoded every field). */
static void push_projection_through_tvf(pl_node *calc, pl_node *tvf, sl_arena *a) {
    pl_node *scan = tvf->input;
    bool *used = sl_arena_calloc(a, sizeof(bool) * (size_t)(tvf->ncols + 1));
    for (int i = 0; i < calc->nexprs; i++) pl_expr_columns(calc->exprs[i], used);
    if (calc->filter) pl_expr_columns(calc->filter, used);
    if (tvf->win.time_col >= 0 && tvf->win.time_col < scan->ncols) used[tvf->win.time_col] = true;
    push_columns(used, scan, a); /* entries past the scan's columns (the window's) are not read */
}


/* CALC over NORMALIZE over SCAN: the scan decodes what the CALC reads and the key, as Flink
 * pushes the projection into an upsert source below its ChangelogNormalize. NORMALIZE then
 * keeps and compares only those columns (the others are NULL), so an upsert that changes none
 * of them is no change at all, as in Flink; no filter moves below it (a filtered-out update
 * must still retract the key's old row). A NORMALIZE without a CALC above reads every column
 * (project_remaining_scans). */
static void push_projection_through_normalize(pl_node *calc, pl_node *norm, sl_arena *a) {
    pl_node *scan = norm->input;
    bool *used = sl_arena_calloc(a, sizeof(bool) * (size_t)(scan->ncols + 1));
    for (int i = 0; i < calc->nexprs; i++) pl_expr_columns(calc->exprs[i], used);
    if (calc->filter) pl_expr_columns(calc->filter, used);
    for (int k = 0; k < norm->nkeys; k++)
        if (norm->keys[k] >= 0 && norm->keys[k] < scan->ncols) used[norm->keys[k]] = true;
    push_columns(used, scan, a);
}

/* True if an expression reads the watermark (CURRENT_WATERMARK). */
static bool reads_watermark(const pl_expr *e) {
    if (!e) return false;
    if (e->kind == PL_X_CALL && e->fn == PL_F_CURRENT_WATERMARK) return true;
    for (int i = 0; i < e->nargs; i++)
        if (reads_watermark(e->args[i])) return true;
    return false;
}

bool pl_plan_needs_watermark(const pl_node *root) {
    for (const pl_node *n = root; n; n = n->input) {
        if (n->kind >= PL_N_WINDOW_AGG) return true; /* the window operators */
        if (reads_watermark(n->filter)) return true;
        for (int i = 0; i < n->nexprs; i++)
            if (reads_watermark(n->exprs[i])) return true;
        if (n->input2 && pl_plan_needs_watermark(n->input2)) return true;
    }
    return false;
}

/* Applies the rewrites below every node, bottom-up along the input chains. */
static pl_node *optimize(pl_node *root, sl_arena *a) {
    if (!root) return root;
    if (root->input) root->input = optimize(root->input, a);
    if (root->input2) root->input2 = optimize(root->input2, a);
    if (root->kind == PL_N_CALC) {
        root = merge_calcs(root, a);
        pl_node *in = root->input;
        if (in && in->kind == PL_N_SCAN) {
            if (root->filter) { /* filter pushdown: evaluated right after decoding */
                in->filter = and_of(in->filter, root->filter, a);
                root->filter = NULL;
            }
            push_projection(root, in, a);
        } else if (in && in->kind == PL_N_WINDOW_TVF && in->input && in->input->kind == PL_N_SCAN &&
                   !in->input->computed) {
            push_projection_through_tvf(root, in, a);
        } else if (in && in->kind == PL_N_NORMALIZE && in->input && in->input->kind == PL_N_SCAN) {
            push_projection_through_normalize(root, in, a);
        }
    }
    return root;
}

/* Scans no projection was pushed into (under a window function, a join, ...) read every
 * column; this also binds their computed columns and their WATERMARK. */
static void project_remaining_scans(pl_node *n, sl_arena *a) {
    for (; n; n = n->input) {
        if (n->kind == PL_N_SCAN && !n->computed) push_projection(NULL, n, a);
        if (n->input2) project_remaining_scans(n->input2, a);
    }
}

/* True if a window operator of the plan windows by processing time. */
static bool has_proctime_windows(const pl_node *n) {
    for (; n; n = n->input) {
        if ((n->kind == PL_N_WINDOW_TVF || n->kind >= PL_N_WINDOW_AGG) && n->win.proctime) return true;
        if (n->input2 && has_proctime_windows(n->input2)) return true;
    }
    return false;
}

pl_node *pl_optimize(pl_node *root, sl_arena *a) {
    g_needs_watermark = pl_plan_needs_watermark(root);
    g_proctime_windows = has_proctime_windows(root);
    root = optimize(root, a);
    project_remaining_scans(root, a);
    return root;
}
