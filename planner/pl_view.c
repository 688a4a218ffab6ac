/* pl_view.c: views (CREATE [TEMPORARY] VIEW v [(cols)] AS query), as Flink's SQL has them.
 *
 * A view is its query, kept as a private re-parse of its CREATE VIEW text (as a table keeps its
 * DDL) and planned again, inline, wherever a FROM item or a window TVF names it: a view holds no
 * state and runs nothing of its own. Its query is planned once at creation, against the caller's
 * text so that errors point into it, which also fixes its column names. A view cannot reach
 * itself: at creation every name it reads exists already, and a view dropped and defined again
 * over one that reads it is refused when planned (the `expanding` mark). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "pl_plan.h"

const pl_view *pl_catalog_find_view(const pl_catalog *c, const char *name) {
    for (int i = 0; i < c->nviews; i++)
        if (strcasecmp(c->views[i]->name, name) == 0) return c->views[i];
    return NULL;
}

void pl_view_free(pl_view *v) {
    if (!v) return;
    free(v->columns);
    sp_parse_result_free(&v->parsed);
    free(v);
}

/* The view's column names: the given list (its length must match the query's columns, and no
 * name twice), else the query's own names. 0, or -1 with *err at the statement. */
static int view_columns(pl_view *v, const sp_create_view *cv, const pl_node *q, const char *src, int line, int col,
                        char **err) {
    if (cv->ncolumns && cv->ncolumns != q->ncols) {
        *err = sl_error_at(src, line, col, "View '%s' names %d columns but its query gives %d", cv->name,
                           cv->ncolumns, q->ncols);
        return -1;
    }
    v->ncolumns = q->ncols;
    v->renamed = cv->ncolumns > 0;
    v->columns = calloc((size_t)q->ncols + 1, sizeof(char *));
    for (int i = 0; i < q->ncols; i++) {
        v->columns[i] = cv->ncolumns ? cv->columns[i] : q->cols[i].name;
        for (int j = 0; j < i; j++)
            if (v->columns[j] && v->columns[i] && strcasecmp(v->columns[j], v->columns[i]) == 0) {
                *err = sl_error_at(src, line, col, "View '%s' has the column name '%s' twice", cv->name,
                                   v->columns[i]);
                return -1;
            }
    }
    return 0;
}

int pl_catalog_create_view(pl_catalog *c, const sp_stmt *stmt, const char *src, char **err) {
    const sp_create_view *cv0 = &stmt->view;
    int taken = pl_catalog_name_taken(c, cv0->name, cv0->if_not_exists, stmt, src, err);
    if (taken) return taken;
    /* plan the query against the caller's text first, so errors point into it */
    sl_arena *a = sl_arena_new(0);
    pl_node *q = pl_plan_select(c, cv0->query, a, src, err);
    pl_view *v = calloc(1, sizeof *v);
    int rc = q ? view_columns(v, cv0, q, src, stmt->line, stmt->col, err) : -1;
    if (rc == 0 && (sp_parse(stmt->text, &v->parsed) < 0 || v->parsed.nstmts != 1)) {
        *err = sl_strdupf("internal error: cannot re-parse CREATE VIEW");
        rc = -1;
    }
    if (rc == 0) {
        const sp_create_view *cv = &v->parsed.stmts[0]->view;
        v->name = cv->name;
        v->query = cv->query;
        v->text = v->parsed.stmts[0]->text;
        /* the names must outlive the statement and the plan: take them from the re-parse */
        for (int i = 0; i < v->ncolumns; i++)
            v->columns[i] = v->renamed ? cv->columns[i] : sl_arena_strdup(v->parsed.arena, v->columns[i]);
    }
    sl_arena_free(a);
    if (rc < 0) {
        pl_view_free(v);
        return -1;
    }
    if (c->nviews == c->capviews) {
        c->capviews = c->capviews ? c->capviews * 2 : 8;
        c->views = realloc(c->views, sizeof(pl_view *) * (size_t)c->capviews);
    }
    c->views[c->nviews++] = v;
    return 0;
}

int pl_catalog_drop_view(pl_catalog *c, const char *name) {
    for (int i = 0; i < c->nviews; i++)
        if (strcasecmp(c->views[i]->name, name) == 0) {
            pl_view_free(c->views[i]);
            memmove(&c->views[i], &c->views[i + 1], sizeof(pl_view *) * (size_t)(c->nviews - i - 1));
            c->nviews--;
            return 0;
        }
    return -1;
}

pl_node *pl_plan_view(const pl_catalog *cat, const pl_view *v, const char *qual, sl_arena *a, pl_scope *scope,
                      char **err) {
    pl_view *mv = (pl_view *)v; /* only the planning mark changes */
    if (mv->expanding) {
        *err = sl_strdupf("View '%s' reads itself (through the views it names)", v->name);
        return NULL;
    }
    mv->expanding++;
    char *inner = NULL;
    pl_node *q = pl_plan_select(cat, v->query, a, v->text, &inner);
    mv->expanding--;
    if (!q) {
        *err = sl_strdupf("%s\n(in view '%s', which may no longer match the tables it reads)", inner, v->name);
        free(inner);
        return NULL;
    }
    if (q->ncols != v->ncolumns) {
        *err = sl_strdupf("View '%s' now gives %d columns instead of %d: the tables it reads have changed; "
                          "define it again", v->name, q->ncols, v->ncolumns);
        return NULL;
    }
    pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(q->ncols + 1));
    for (int i = 0; i < q->ncols; i++)
        sc[i] = (pl_scope_col){qual, sl_arena_strdup(a, v->columns[i]), q->cols[i].type, i, q->cols[i].time_attr};
    *scope = (pl_scope){sc, q->ncols, NULL, NULL};
    return q;
}
