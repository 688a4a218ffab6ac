/* pl_select.c: binds a SELECT into a logical tree SCAN/VALUES -> CALC. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_buf.h"
#include "../common/sl_error.h"
#include "pl_plan.h"

pl_node *pl_node_new(sl_arena *a, int kind, pl_node *input) {
    pl_node *n = sl_arena_calloc(a, sizeof *n);
    n->kind = (uint8_t)kind;
    n->input = input;
    return n;
}

/* A SCAN node over table t: one output slot per table column. */
static pl_node *scan_node(const pl_table *t, sl_arena *a) {
    pl_node *n = pl_node_new(a, PL_N_SCAN, NULL);
    n->table = t;
    n->ncols = t->ncols;
    n->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(t->ncols + 1));
    n->decode = sl_arena_calloc(a, sizeof(bool) * (size_t)(t->ncols + 1));
    for (int i = 0; i < t->ncols; i++) {
        n->cols[i].name = t->cols[i].name;
        n->cols[i].type = t->cols[i].type;
        n->decode[i] = t->cols[i].kind != SP_COL_COMPUTED;
    }
    return n;
}

/* The first OVER window in e, or NULL. */
static const sp_expr *find_over(const sp_expr *e) {
    if (!e) return NULL;
    if (e->kind == SP_E_OVER) return e;
    for (int i = 0; i < e->nargs; i++) {
        const sp_expr *o = find_over(e->args[i]);
        if (o) return o;
    }
    return find_over(e->filter);
}

/* The first OVER window of a SELECT block's expressions, or NULL. */
static const sp_expr *select_over(const sp_select *sel) {
    const sp_expr *o = NULL;
    for (int i = 0; i < sel->nitems && !o; i++) o = find_over(sel->items[i].expr);
    for (int i = 0; i < sel->ngroup_by && !o; i++) o = find_over(sel->group_by[i]);
    if (!o) o = find_over(sel->where);
    if (!o) o = find_over(sel->having);
    return o;
}

/* Rejects the parts of SELECT that later issues bring (ordering, OVER windows, grouping
 * sets), pointing at them. */
static int reject_unsupported(const sp_select *sel, const char *src, char **err) {
    if (sel->norder_by > 0) {
        *err = sl_error_at(src, sel->order_by[0].expr->line, sel->order_by[0].expr->col,
                           "ORDER BY is not supported yet");
        return -1;
    }
    if (sel->limit >= 0) {
        *err = sl_error_at(src, sel->line, sel->col, "LIMIT is not supported yet");
        return -1;
    }
    const sp_expr *over = select_over(sel);
    if (over) {
        *err = sl_error_at(src, over->line, over->col, "OVER is not supported yet");
        return -1;
    }
    if (sel->ngsets > 0) {
        *err = sl_error_at(src, sel->gsets_line, sel->gsets_col,
                           "GROUPING SETS (and ROLLUP, CUBE, ()) are not supported yet");
        return -1;
    }
    return 0;
}

/* An upsert source (upsert-kafka) reads as a changelog through NORMALIZE, keyed by the
 * table's PRIMARY KEY (indexes in the scan row). */
static pl_node *normalize_upserts(const pl_table *t, pl_node *scan, sl_arena *a) {
    scan->updating = pl_table_changelog(t) != PL_CL_APPEND;
    if (pl_table_changelog(t) != PL_CL_UPSERT) return scan;
    pl_node *n = pl_node_new(a, PL_N_NORMALIZE, scan);
    n->ncols = scan->ncols;
    n->cols = scan->cols;
    n->keys = sl_arena_calloc(a, sizeof(int) * (size_t)(t->npk + 1));
    for (int k = 0; k < t->npk; k++)
        for (int i = 0; i < t->ncols; i++)
            if (strcasecmp(t->cols[i].name, t->pk[k]) == 0) n->keys[n->nkeys++] = i;
    n->updating = true;
    return n;
}

/* Binds the FROM clause: returns the input node and fills the scope the rest binds against. */
static pl_node *plan_from(const pl_catalog *cat, const sp_select *sel, sl_arena *a, const char *src,
                          pl_scope *scope, char **err) {
    const sp_table_ref *f = sel->from;
    if (!f) { /* SELECT without FROM: one empty row */
        pl_node *v = pl_node_new(a, PL_N_VALUES, NULL);
        v->nrows = 1;
        v->rows = sl_arena_calloc(a, sizeof(pl_expr **));
        v->rows[0] = sl_arena_calloc(a, sizeof(pl_expr *));
        scope->cols = NULL;
        scope->ncols = 0;
        return v;
    }
    if (f->join) {
        *err = sl_error_at(src, f->join_line, f->join_col, "JOIN is not supported yet");
        return NULL;
    }
    if (f->tvf) {
        *err = sl_error_at(src, f->tvf->line, f->tvf->col, "Window table functions are not supported yet");
        return NULL;
    }
    if (f->subquery) {
        pl_node *in = pl_plan_select(cat, f->subquery, a, src, err);
        if (!in) return NULL;
        pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(in->ncols + 1));
        for (int i = 0; i < in->ncols; i++)
            sc[i] = (pl_scope_col){f->alias, in->cols[i].name, in->cols[i].type, i};
        scope->cols = sc;
        scope->ncols = in->ncols;
        return in;
    }
    const pl_table *t = pl_catalog_find(cat, f->name);
    if (!t) {
        *err = pl_catalog_unknown(cat, f->name, src, f->line, f->col);
        return NULL;
    }
    pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(t->ncols + 1));
    *scope = pl_table_scope(t, f->alias ? f->alias : t->name, sc);
    return normalize_upserts(t, scan_node(t, a), a);
}

/* The name Flink gives a select item: its alias, the column name, or EXPR$<position>. */
static const char *item_name(const sp_select_item *it, int pos, sl_arena *a) {
    if (it->alias) return sl_arena_strdup(a, it->alias); /* the plan outlives the AST */
    if (it->expr->kind == SP_E_COLUMN) return sl_arena_strdup(a, it->expr->name);
    return sl_arena_printf(a, "EXPR$%d", pos);
}

pl_node *pl_plan_select(const pl_catalog *cat, const sp_select *sel, sl_arena *a, const char *src,
                        char **err) {
    if (reject_unsupported(sel, src, err) < 0) return NULL;
    pl_scope scope = {NULL, 0, NULL, NULL};
    pl_node *in = plan_from(cat, sel, a, src, &scope, err);
    if (!in) return NULL;
    pl_node *calc = pl_node_new(a, PL_N_CALC, in);
    calc->updating = in->updating;
    if (sel->where) {
        calc->filter = pl_bind_expr(sel->where, &scope, a, src, err);
        if (!calc->filter) return NULL;
        if (calc->filter->type.id != SL_T_BOOLEAN && calc->filter->type.id != SL_T_NULL) {
            char tn[64];
            *err = sl_error_at(src, sel->where->line, sel->where->col,
                               "WHERE clause must be a BOOLEAN expression, not %s",
                               sl_type_name(calc->filter->type, tn, sizeof tn));
            return NULL;
        }
    }
    if (pl_select_is_aggregate(sel)) return pl_plan_aggregate(sel, in, &scope, calc->filter, a, src, err);
    /* count output columns (stars expand) */
    int cap = 0;
    for (int i = 0; i < sel->nitems; i++) cap += sel->items[i].expr->kind == SP_E_STAR ? scope.ncols : 1;
    calc->exprs = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)(cap + 1));
    calc->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(cap + 1));
    int n = 0;
    for (int i = 0; i < sel->nitems; i++) {
        const sp_select_item *it = &sel->items[i];
        if (it->expr->kind == SP_E_STAR) {
            const char *q = it->expr->name;
            int matched = 0;
            for (int c = 0; c < scope.ncols; c++) {
                if (q && (!scope.cols[c].qual || strcasecmp(q, scope.cols[c].qual) != 0)) continue;
                pl_expr *e = sl_arena_calloc(a, sizeof *e);
                e->kind = PL_X_COL;
                e->col = scope.cols[c].index;
                e->type = scope.cols[c].type;
                calc->exprs[n] = e;
                calc->cols[n].name = scope.cols[c].name;
                calc->cols[n].type = e->type;
                n++;
                matched++;
            }
            if (q && !matched) {
                *err = sl_error_at(src, it->expr->line, it->expr->col, "Unknown table '%s' in '%s.*'", q, q);
                return NULL;
            }
            continue;
        }
        pl_expr *e = pl_bind_expr(it->expr, &scope, a, src, err);
        if (!e) return NULL;
        calc->exprs[n] = e;
        calc->cols[n].name = item_name(it, n, a);
        calc->cols[n].type = e->type;
        n++;
    }
    calc->nexprs = n;
    calc->ncols = n;
    return calc;
}
