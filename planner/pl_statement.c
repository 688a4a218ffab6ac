/* pl_statement.c: plans query statements: SELECT, INSERT ... SELECT, INSERT ... VALUES. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_buf.h"
#include "../common/sl_error.h"
#include "pl_plan.h"

/* Sink columns of table t that an INSERT writes: physical columns, or those listed. Fills
 * idx (table column indexes) and returns the count, or -1 with *err. */
static int sink_targets(const pl_table *t, const sp_insert *ins, int *idx, const char *src,
                        const sp_stmt *st, char **err) {
    int n = 0;
    if (!ins->columns) {
        for (int i = 0; i < t->ncols; i++)
            if (t->cols[i].kind == SP_COL_PHYSICAL) idx[n++] = i;
        return n;
    }
    for (int k = 0; k < ins->ncolumns; k++) {
        int found = -1;
        for (int i = 0; i < t->ncols; i++)
            if (strcasecmp(t->cols[i].name, ins->columns[k]) == 0) found = i;
        if (found < 0 || t->cols[found].kind != SP_COL_PHYSICAL) {
            *err = sl_error_at(src, st->line, st->col, "Unknown column '%s' in target table '%s'",
                               ins->columns[k], t->name);
            return -1;
        }
        idx[n++] = found;
    }
    return n;
}

/* Describes a list of fields as "[a INT, b STRING]" for mismatch errors. */
static void describe_fields(sl_buf *b, const pl_field *f, int n) {
    char tn[64];
    sl_buf_putc(b, '[');
    for (int i = 0; i < n; i++)
        sl_buf_printf(b, "%s%s %s", i ? ", " : "", f[i].name, sl_type_name(f[i].type, tn, sizeof tn));
    sl_buf_putc(b, ']');
}

/* Casts each expression to the sink column's type, or fails naming the column. */
static int coerce_to_sink(pl_expr **exprs, int n, const pl_table *t, const int *idx, sl_arena *a,
                          const char *src, const sp_stmt *st, char **err) {
    for (int i = 0; i < n; i++) {
        sl_type to = t->cols[idx[i]].type;
        to.not_null = false;
        if (!pl_assignable(exprs[i]->type, to)) {
            char f[64], tt[64];
            *err = sl_error_at(src, st->line, st->col,
                               "Cannot write %s to column '%s' of type %s in table '%s'",
                               sl_type_name(exprs[i]->type, f, sizeof f), t->cols[idx[i]].name,
                               sl_type_name(to, tt, sizeof tt), t->name);
            return -1;
        }
        pl_expr *c = pl_coerce(exprs[i], to, a, err);
        if (!c) return -1;
        exprs[i] = c;
    }
    return 0;
}

/* SINK node over `in` writing columns idx of table t. */
static pl_node *sink_node(const pl_table *t, pl_node *in, const int *idx, int n, sl_arena *a) {
    pl_node *s = pl_node_new(a, PL_N_SINK, in);
    s->updating = in->updating;
    s->sink = t;
    s->sink_cols = sl_arena_alloc(a, sizeof(int) * (size_t)(n + 1));
    memcpy(s->sink_cols, idx, sizeof(int) * (size_t)n);
    s->ncols = n;
    s->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        s->cols[i].name = t->cols[idx[i]].name;
        s->cols[i].type = t->cols[idx[i]].type;
    }
    return s;
}

/* INSERT with a column list: a projection that writes NULL into every physical column the list
 * leaves out (as Flink does), so the sink always receives whole rows. */
static pl_node *pad_unlisted(const pl_table *t, pl_node *q, const int *idx, int n, int *full, int *nfull,
                             sl_arena *a) {
    pl_node *c = pl_node_new(a, PL_N_CALC, q);
    c->updating = q->updating;
    c->exprs = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)(t->ncols + 1));
    c->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(t->ncols + 1));
    int m = 0;
    for (int i = 0; i < t->ncols; i++) {
        if (t->cols[i].kind != SP_COL_PHYSICAL) continue;
        int pos = -1;
        for (int k = 0; k < n; k++)
            if (idx[k] == i) pos = k;
        pl_expr *e = sl_arena_calloc(a, sizeof *e);
        e->type = t->cols[i].type;
        e->type.not_null = false;
        if (pos >= 0) {
            e->kind = PL_X_COL;
            e->col = pos;
            e->type = q->cols[pos].type;
        } else {
            e->kind = PL_X_CONST;
            e->value = sl_null();
        }
        full[m] = i;
        c->exprs[m] = e;
        c->cols[m].name = t->cols[i].name;
        c->cols[m].type = e->type;
        m++;
    }
    c->nexprs = c->ncols = m;
    *nfull = m;
    return c;
}

/* The SINK over a query's node, padding columns an INSERT's column list left out. */
static pl_node *finish_insert(const pl_table *t, const sp_stmt *st, pl_node *q, const int *idx, int n, sl_arena *a) {
    if (!st->insert.columns) return sink_node(t, q, idx, n, a);
    int *full = sl_arena_alloc(a, sizeof(int) * (size_t)(t->ncols + 1));
    int nfull = 0;
    pl_node *padded = pad_unlisted(t, q, idx, n, full, &nfull, a);
    return sink_node(t, padded, full, nfull, a);
}

/* INSERT INTO t [(cols)] VALUES (...), ...: constant rows cast to the sink's types. */
static pl_node *plan_values(const pl_table *t, const sp_stmt *st, const int *idx, int n, sl_arena *a,
                            const char *src, char **err) {
    const sp_insert *ins = &st->insert;
    pl_node *v = pl_node_new(a, PL_N_VALUES, NULL);
    v->nrows = ins->nrows;
    v->rows = sl_arena_calloc(a, sizeof(pl_expr **) * (size_t)(ins->nrows + 1));
    pl_scope empty = {NULL, 0};
    for (int r = 0; r < ins->nrows; r++) {
        if (ins->nvalues != n) {
            *err = sl_error_at(src, ins->rows[r][0]->line, ins->rows[r][0]->col,
                               "Row has %d values but table '%s' has %d target columns",
                               ins->nvalues, t->name, n);
            return NULL;
        }
        v->rows[r] = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)(n + 1));
        for (int c = 0; c < n; c++) {
            pl_expr *e = pl_bind_expr(ins->rows[r][c], &empty, a, src, err);
            if (!e) return NULL;
            v->rows[r][c] = e;
        }
        if (coerce_to_sink(v->rows[r], n, t, idx, a, src, st, err) < 0) return NULL;
    }
    v->ncols = n;
    v->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(n + 1));
    for (int c = 0; c < n; c++) {
        v->cols[c].name = t->cols[idx[c]].name;
        v->cols[c].type = t->cols[idx[c]].type;
    }
    return finish_insert(t, st, v, idx, n, a);
}

/* A sink takes at most one rowtime attribute, as in Flink: with two, which one stamps the
 * output is ambiguous, so the user casts the others to a plain TIMESTAMP (a bare SELECT may
 * show several). */
static int check_one_rowtime(const pl_node *q, const pl_table *t, const char *src, const sp_stmt *st, char **err) {
    int n = 0;
    for (int i = 0; i < q->ncols; i++) n += q->cols[i].time_attr == PL_TIME_ROWTIME;
    if (n <= 1) return 0;
    sl_buf b = {0};
    for (int i = 0, k = 0; i < q->ncols; i++)
        if (q->cols[i].time_attr == PL_TIME_ROWTIME) sl_buf_printf(&b, "%s%s", k++ ? ", " : "", q->cols[i].name);
    *err = sl_error_at(src, st->line, st->col,
                       "The query contains more than one rowtime attribute column [%s] for writing into table '%s'. "
                       "Please select the column that should be used as the event-time timestamp for the table sink "
                       "by casting all other columns to regular TIMESTAMP or TIMESTAMP_LTZ.",
                       b.data, t->name);
    sl_buf_free(&b);
    return -1;
}

/* INSERT INTO t [(cols)] SELECT ...: the query's columns, by position, cast to the sink's. */
static pl_node *plan_insert_select(const pl_catalog *cat, const pl_table *t, const sp_stmt *st,
                                   const int *idx, int n, sl_arena *a, const char *src, char **err) {
    pl_node *q = pl_plan_select(cat, st->insert.select, a, src, err);
    if (!q) return NULL;
    if (q->ncols != n) {
        sl_buf b = {0};
        sl_buf_printf(&b, "Column count of query (%d) and sink '%s' (%d) do not match. Query schema: ",
                      q->ncols, t->name, n);
        describe_fields(&b, q->cols, q->ncols);
        sl_buf_puts(&b, ", sink schema: ");
        pl_field *sf = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) sf[i] = (pl_field){t->cols[idx[i]].name, t->cols[idx[i]].type};
        describe_fields(&b, sf, n);
        *err = sl_error_at(src, st->line, st->col, "%s", b.data);
        sl_buf_free(&b);
        return NULL;
    }
    if (check_one_rowtime(q, t, src, st, err) < 0) return NULL;
    /* q is a CALC (pl_plan_select always ends in one): cast its outputs in place */
    if (coerce_to_sink(q->exprs, n, t, idx, a, src, st, err) < 0) return NULL;
    for (int i = 0; i < n; i++) q->cols[i].type = q->exprs[i]->type;
    return finish_insert(t, st, q, idx, n, a);
}

/* Refuses an updating result into an append-only sink, naming the node that produces the
 * updates and what to use instead (Flink's message, plus the way out). */
static int check_changelog(const pl_node *root, const char *src, const sp_stmt *st, char **err) {
    if (root->kind != PL_N_SINK || !root->updating || pl_table_accepts_updates(root->sink)) return 0;
    const pl_node *n = root->input;
    while (n && n->kind == PL_N_CALC && n->input && n->input->updating) n = n->input;
    sl_buf b = {0};
    pl_explain_node(&b, n);
    *err = sl_error_at(src, st->line, st->col,
                       "Table sink '%s' doesn't support consuming update changes which is produced by node %s. "
                       "Write the result to a table with 'connector' = 'upsert-kafka' and a PRIMARY KEY, or with "
                       "'connector' = 'kafka' and 'format' = 'debezium-json'.",
                       root->sink->name, b.data ? b.data : "?");
    sl_buf_free(&b);
    return -1;
}

pl_plan *pl_plan_statement(const pl_catalog *cat, const sp_stmt *stmt, const char *src, char **err) {
    if (stmt->kind == SP_S_EXPLAIN) stmt = stmt->explained;
    pl_plan *p = calloc(1, sizeof *p);
    p->arena = sl_arena_new(0);
    p->sql = sl_arena_strdup(p->arena, stmt->text ? stmt->text : "");
    pl_node *root = NULL;
    if (stmt->kind == SP_S_SELECT) {
        root = pl_plan_select(cat, stmt->select, p->arena, src, err);
    } else if (stmt->kind == SP_S_INSERT_SELECT || stmt->kind == SP_S_INSERT_VALUES) {
        const pl_table *t = pl_catalog_find(cat, stmt->insert.table);
        if (!t && pl_catalog_find_view(cat, stmt->insert.table)) {
            *err = sl_error_at(src, stmt->line, stmt->col, "'%s' is a view: INSERT INTO needs a table",
                               stmt->insert.table);
        } else if (!t) {
            *err = pl_catalog_unknown(cat, stmt->insert.table, src, stmt->line, stmt->col);
        } else {
            int *idx = sl_arena_alloc(p->arena, sizeof(int) * (size_t)(t->ncols + 1));
            int n = sink_targets(t, &stmt->insert, idx, src, stmt, err);
            if (n >= 0)
                root = stmt->kind == SP_S_INSERT_VALUES
                           ? plan_values(t, stmt, idx, n, p->arena, src, err)
                           : plan_insert_select(cat, t, stmt, idx, n, p->arena, src, err);
        }
        p->is_insert = true;
    } else {
        *err = sl_error_at(src, stmt->line, stmt->col, "This statement cannot be planned");
    }
    if (!root) {
        pl_plan_free(p);
        return NULL;
    }
    p->root = pl_optimize(root, p->arena);
    const sp_stmt *st = stmt;
    if (pl_check_session_windows(p->root, src, err) < 0 || check_changelog(p->root, src, st, err) < 0) {
        pl_plan_free(p);
        return NULL;
    }
    return p;
}

void pl_plan_free(pl_plan *p) {
    if (!p) return;
    sl_arena_free(p->arena);
    free(p);
}
