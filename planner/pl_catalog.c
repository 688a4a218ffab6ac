/* pl_catalog.c: session catalog of tables created by DDL. */
#include "pl_catalog.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"

const pl_table *pl_catalog_find(const pl_catalog *c, const char *name) {
    for (int i = 0; i < c->n; i++)
        if (strcasecmp(c->tables[i]->name, name) == 0) return c->tables[i];
    return NULL;
}

char *pl_catalog_unknown(const pl_catalog *c, const char *name, const char *src, int line, int col) {
    const char *best = NULL;
    int bestd = 3;
    for (int i = 0; i < c->n; i++) {
        int d = sl_edit_distance(name, c->tables[i]->name);
        if (d < bestd) { bestd = d; best = c->tables[i]->name; }
    }
    for (int i = 0; i < c->nviews; i++) {
        int d = sl_edit_distance(name, c->views[i]->name);
        if (d < bestd) { bestd = d; best = c->views[i]->name; }
    }
    if (best)
        return sl_error_at(src, line, col, "Table '%s' not found. Did you mean '%s'?", name, best);
    return sl_error_at(src, line, col, "Table '%s' not found", name);
}

pl_scope pl_table_scope(const pl_table *t, const char *qual, pl_scope_col *cols) {
    for (int i = 0; i < t->ncols; i++) {
        cols[i].qual = qual;
        cols[i].name = t->cols[i].name;
        cols[i].type = t->cols[i].type;
        cols[i].index = i;
        cols[i].time_attr = i == t->rowtime ? PL_TIME_ROWTIME : i == t->proctime ? PL_TIME_PROCTIME : PL_TIME_NONE;
    }
    pl_scope s = {cols, t->ncols, NULL, NULL};
    return s;
}

/* The WATERMARK expression must bind over the table's columns (computed ones included, as the
 * scan computes them first) and give the rowtime column's type (e.g. ts - INTERVAL '5' SECOND). */
static int check_watermark_expr(const pl_table *t, const sp_create_table *ct, const char *src, sl_arena *a, char **err) {
    pl_scope_col *sc = calloc((size_t)t->ncols + 1, sizeof *sc);
    for (int i = 0; i < t->ncols; i++) sc[i] = (pl_scope_col){t->name, t->cols[i].name, t->cols[i].type, i, 0};
    pl_scope scope = {sc, t->ncols, NULL, NULL};
    pl_expr *e = pl_bind_expr(ct->wm_expr, &scope, a, src, err);
    free(sc);
    if (!e) return -1;
    sl_type rt = t->cols[t->rowtime].type;
    if (e->type.id != rt.id) {
        char tn[64], rn[64];
        *err = sl_error_at(src, ct->wm_expr->line, ct->wm_expr->col,
                           "The WATERMARK expression must be of the rowtime column's type %s, not %s",
                           sl_type_name(rt, rn, sizeof rn), sl_type_name(e->type, tn, sizeof tn));
        return -1;
    }
    return 0;
}

/* Frees one table and everything it owns. */
static void table_free(pl_table *t) {
    free(t->cols);
    sl_options_free(&t->opts);
    sp_parse_result_free(&t->parsed);
    free(t);
}

/* Checks the definition and resolves column types; computed columns are bound against the
 * columns before them... in Flink against all physical+metadata columns, which we follow. */
static int resolve_columns(pl_table *t, const sp_create_table *ct, const char *src, char **err) {
    t->ncols = ct->ncols;
    t->cols = calloc((size_t)ct->ncols + 1, sizeof(pl_table_col));
    for (int i = 0; i < ct->ncols; i++) {
        const sp_column_def *d = &ct->cols[i];
        for (int j = 0; j < i; j++)
            if (strcasecmp(ct->cols[j].name, d->name) == 0) {
                *err = sl_error_at(src, d->line, d->col, "Duplicate column '%s'", d->name);
                return -1;
            }
        pl_table_col *c = &t->cols[i];
        c->name = d->name;
        c->type = d->type;
        c->kind = d->kind;
        c->is_virtual = d->is_virtual;
        c->expr = d->expr;
        c->metadata_key = d->kind == SP_COL_METADATA ? (d->metadata_key ? d->metadata_key : d->name) : NULL;
    }
    /* computed columns may read physical and metadata columns */
    pl_scope_col *sc = calloc((size_t)ct->ncols + 1, sizeof *sc);
    int n = 0;
    for (int i = 0; i < ct->ncols; i++)
        if (t->cols[i].kind != SP_COL_COMPUTED)
            sc[n++] = (pl_scope_col){t->name, t->cols[i].name, t->cols[i].type, i};
    pl_scope scope = {sc, n};
    sl_arena *tmp = sl_arena_new(0);
    int rc = 0;
    t->rowtime = t->proctime = -1;
    for (int i = 0; i < ct->ncols && rc == 0; i++) {
        if (t->cols[i].kind != SP_COL_COMPUTED) continue;
        pl_expr *e = pl_bind_expr(ct->cols[i].expr, &scope, tmp, src, err);
        if (!e) rc = -1;
        else t->cols[i].type = e->type;
        if (e && e->kind == PL_X_CALL && e->fn == PL_F_PROCTIME) {
            if (t->proctime >= 0) {
                *err = sl_error_at(src, ct->cols[i].line, ct->cols[i].col, "A table can have only one PROCTIME() column");
                rc = -1;
            }
            t->proctime = i;
        }
    }
    if (rc == 0 && ct->wm_column) {
        int found = -1;
        for (int i = 0; i < ct->ncols; i++)
            if (strcasecmp(t->cols[i].name, ct->wm_column) == 0) found = i;
        if (found < 0) {
            *err = sl_error_at(src, ct->wm_line, ct->wm_col,
                               "Watermark column '%s' is not a column of table '%s'", ct->wm_column, t->name);
            rc = -1;
        } else if (t->cols[found].type.id != SL_T_TIMESTAMP && t->cols[found].type.id != SL_T_TIMESTAMP_LTZ) {
            *err = sl_error_at(src, ct->wm_line, ct->wm_col,
                               "Watermark column '%s' must be TIMESTAMP or TIMESTAMP_LTZ", ct->wm_column);
            rc = -1;
        } else {
            t->rowtime = found;
            rc = check_watermark_expr(t, ct, src, tmp, err);
        }
    }
    for (int k = 0; k < ct->npk && rc == 0; k++) {
        bool ok = false;
        for (int i = 0; i < ct->ncols; i++)
            if (strcasecmp(t->cols[i].name, ct->pk[k]) == 0 && t->cols[i].kind == SP_COL_PHYSICAL) ok = true;
        if (!ok) {
            *err = sl_strdupf("Primary key column '%s' is not a physical column of table '%s'", ct->pk[k], t->name);
            rc = -1;
        }
    }
    sl_arena_free(tmp);
    free(sc);
    return rc;
}

int pl_catalog_name_taken(const pl_catalog *c, const char *name, bool if_not_exists, const sp_stmt *stmt,
                          const char *src, char **err) {
    bool table = pl_catalog_find(c, name) != NULL;
    if (!table && !pl_catalog_find_view(c, name)) return 0;
    if (if_not_exists) return 1;
    *err = sl_error_at(src, stmt->line, stmt->col, "%s '%s' already exists", table ? "Table" : "View", name);
    return -1;
}

int pl_catalog_create(pl_catalog *c, const sp_stmt *stmt, const char *src, char **err) {
    const sp_create_table *ct0 = &stmt->create;
    int taken = pl_catalog_name_taken(c, ct0->name, ct0->if_not_exists, stmt, src, err);
    if (taken) return taken;
    /* Validate against the caller's text first, so errors point into it. */
    pl_table probe = {0};
    probe.name = ct0->name;
    if (resolve_columns(&probe, ct0, src, err) < 0) {
        free(probe.cols);
        return -1;
    }
    free(probe.cols);

    pl_table *t = calloc(1, sizeof *t);
    if (sp_parse(stmt->text, &t->parsed) < 0 || t->parsed.nstmts != 1) {
        *err = sl_strdupf("internal error: cannot re-parse CREATE TABLE");
        table_free(t);
        return -1;
    }
    const sp_create_table *ct = &t->parsed.stmts[0]->create;
    t->name = ct->name;
    t->ddl = t->parsed.stmts[0]->text;
    if (resolve_columns(t, ct, t->ddl, err) < 0) {
        table_free(t);
        return -1;
    }
    for (int i = 0; i < ct->nopts; i++) sl_options_set(&t->opts, ct->opts[i].key, ct->opts[i].value);
    const char *conn = sl_options_get(&t->opts, "connector");
    if (conn && !strcmp(conn, "upsert-kafka") && ct->npk == 0) {
        *err = sl_error_at(src, stmt->line, stmt->col,
                           "'upsert-kafka' tables require to define a PRIMARY KEY constraint. The PRIMARY KEY "
                           "specifies which columns should be read from or write to the Kafka message key.");
        table_free(t);
        return -1;
    }
    t->wm_column = ct->wm_column;
    t->wm_expr = ct->wm_expr;
    /* rowtime and proctime were found by resolve_columns */
    t->pk = ct->pk;
    t->npk = ct->npk;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->tables = realloc(c->tables, sizeof(pl_table *) * (size_t)c->cap);
    }
    c->tables[c->n++] = t;
    return 0;
}

int pl_catalog_drop(pl_catalog *c, const char *name) {
    for (int i = 0; i < c->n; i++)
        if (strcasecmp(c->tables[i]->name, name) == 0) {
            table_free(c->tables[i]);
            memmove(&c->tables[i], &c->tables[i + 1], sizeof(pl_table *) * (size_t)(c->n - i - 1));
            c->n--;
            return 0;
        }
    return -1;
}

void pl_catalog_free(pl_catalog *c) {
    for (int i = 0; i < c->n; i++) table_free(c->tables[i]);
    free(c->tables);
    for (int i = 0; i < c->nviews; i++) pl_view_free(c->views[i]);
    free(c->views);
    memset(c, 0, sizeof *c);
}

/* The value format of a table: 'value.format', else 'format' (NULL if neither). */
static const char *value_format(const pl_table *t) {
    const char *f = sl_options_get(&t->opts, "value.format");
    return f ? f : sl_options_get(&t->opts, "format");
}

int pl_table_changelog(const pl_table *t) {
    const char *c = sl_options_get(&t->opts, "connector");
    if (c && !strcmp(c, "upsert-kafka")) return PL_CL_UPSERT;
    const char *f = value_format(t);
    if (c && !strcmp(c, "kafka") && f && !strcmp(f, "debezium-json")) return PL_CL_RETRACT;
    return PL_CL_APPEND;
}

bool pl_table_accepts_updates(const pl_table *t) {
    const char *c = sl_options_get(&t->opts, "connector");
    if (!c) return false;
    if (!strcmp(c, "upsert-kafka") || !strcmp(c, "print") || !strcmp(c, "blackhole")) return true;
    const char *f = value_format(t);
    return !strcmp(c, "kafka") && f && !strcmp(f, "debezium-json");
}
