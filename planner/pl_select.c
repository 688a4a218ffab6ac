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
        n->cols[i].time_attr = i == t->rowtime ? PL_TIME_ROWTIME : i == t->proctime ? PL_TIME_PROCTIME : PL_TIME_NONE;
        n->decode[i] = t->cols[i].kind != SP_COL_COMPUTED;
    }
    n->rowtime = -1;
    return n;
}

/* Rejects the parts of SELECT that are not supported yet (ordering), pointing at them. */
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

/* The scope of a node's output columns, qualified by `qual`. */
static pl_scope node_scope(const pl_node *in, const char *qual, sl_arena *a) {
    pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(in->ncols + 1));
    for (int i = 0; i < in->ncols; i++)
        sc[i] = (pl_scope_col){qual, in->cols[i].name, in->cols[i].type, i, in->cols[i].time_attr};
    pl_scope s = {sc, in->ncols, NULL, NULL};
    return s;
}

/* Plans one FROM item (a table, a subquery, a window TVF or a join) and fills the scope the
 * rest of the query binds against. */
static pl_node *plan_ref(const pl_catalog *cat, const sp_table_ref *f, sl_arena *a, const char *src, pl_scope *scope,
                         char **err) {
    if (f->join) {
        pl_scope ls, rs;
        pl_node *l = plan_ref(cat, f->left, a, src, &ls, err);
        pl_node *r = l ? plan_ref(cat, f->right, a, src, &rs, err) : NULL;
        if (!r) return NULL;
        return pl_plan_join(f, l, &ls, r, &rs, a, src, scope, err);
    }
    if (f->tvf) {
        pl_scope in_scope;
        pl_node *in = plan_ref(cat, f->tvf->input, a, src, &in_scope, err);
        if (!in) return NULL;
        const char *qual = f->alias ? f->alias : f->tvf->input->name;
        return pl_plan_tvf(f->tvf, in, &in_scope, qual, a, src, scope, err);
    }
    if (f->subquery) {
        pl_node *in = pl_plan_select(cat, f->subquery, a, src, err);
        if (!in) return NULL;
        *scope = node_scope(in, f->alias, a);
        return in;
    }
    const pl_table *t = pl_catalog_find(cat, f->name);
    const pl_view *v = t ? NULL : pl_catalog_find_view(cat, f->name);
    if (v) return pl_plan_view(cat, v, f->alias ? f->alias : v->name, a, scope, err);
    if (!t) {
        *err = pl_catalog_unknown(cat, f->name, src, f->line, f->col);
        return NULL;
    }
    pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(t->ncols + 1));
    *scope = pl_table_scope(t, f->alias ? f->alias : t->name, sc);
    return normalize_upserts(t, scan_node(t, a), a);
}

/* Binds the FROM clause: returns the input node and fills the scope the rest binds against. */
static pl_node *plan_from(const pl_catalog *cat, const sp_select *sel, sl_arena *a, const char *src,
                          pl_scope *scope, char **err) {
    if (!sel->from) { /* SELECT without FROM: one empty row */
        pl_node *v = pl_node_new(a, PL_N_VALUES, NULL);
        v->nrows = 1;
        v->rows = sl_arena_calloc(a, sizeof(pl_expr **));
        v->rows[0] = sl_arena_calloc(a, sizeof(pl_expr *));
        scope->cols = NULL;
        scope->ncols = 0;
        return v;
    }
    return plan_ref(cat, sel->from, a, src, scope, err);
}

/* The output field of a projected expression: a plain column reference keeps the column's time
 * attribute and window role. */
static pl_field field_of(const pl_expr *e, const char *name, const pl_node *in) {
    pl_field f = {name, e->type, PL_TIME_NONE, PL_WIN_NONE};
    if (e->kind == PL_X_COL) {
        f.time_attr = e->flag;
        if (in && e->col < in->ncols) f.window_col = in->cols[e->col].window_col;
    }
    return f;
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
    pl_rank_push_limit(in, calc->filter);
    if (pl_select_is_aggregate(sel)) return pl_plan_aggregate(sel, in, &scope, calc->filter, a, src, err);
    if (pl_select_has_rank(sel)) return pl_plan_rank(sel, in, &scope, calc->filter, a, src, err);
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
                e->flag = scope.cols[c].time_attr;
                calc->exprs[n] = e;
                calc->cols[n] = field_of(e, scope.cols[c].name, in);
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
        calc->cols[n] = field_of(e, item_name(it, n, a), in);
        n++;
    }
    calc->nexprs = n;
    calc->ncols = n;
    return calc;
}
