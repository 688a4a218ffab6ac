/* sp_build_stmt.c: statements, SELECT blocks and their parts for the grammar actions. Lists
 * collected during the parse become the plain arrays of sp_ast.h here. */
#include <string.h>
#include "sp_build.h"

/* A zeroed statement of `kind` at line/col; the driver fills in text and offset. */
sp_stmt *sp_s_new(sp_ctx *ctx, int kind, int line, int col) {
    sp_stmt *st = sl_arena_calloc(ctx->arena, sizeof *st);
    st->kind = (uint8_t)kind;
    st->line = line;
    st->col = col;
    return st;
}

/* Copies a list of sp_ident * into an array of names. */
static const char **names_of(sp_ctx *ctx, sp_list *l, int *n) {
    *n = 0;
    if (!l) return NULL;
    const char **v = sl_arena_alloc(ctx->arena, sizeof(char *) * (size_t)l->n);
    for (int i = 0; i < l->n; i++) v[i] = ((sp_ident *)l->v[i])->s;
    *n = l->n;
    return v;
}

/* CREATE VIEW name [(cols)] AS query. */
sp_stmt *sp_s_create_view(sp_ctx *ctx, sp_token at, sp_ident name, bool if_not_exists, sp_list *cols, sp_select *q) {
    sp_stmt *st = sp_s_new(ctx, SP_S_CREATE_VIEW, at.line, at.col);
    st->view.name = name.s;
    st->view.if_not_exists = if_not_exists;
    st->view.columns = names_of(ctx, cols, &st->view.ncolumns);
    st->view.query = q;
    return st;
}

/* INSERT INTO table [(cols)] query. */
sp_stmt *sp_s_insert_select(sp_ctx *ctx, sp_token at, sp_ident table, sp_list *cols, sp_select *q) {
    sp_stmt *st = sp_s_new(ctx, SP_S_INSERT_SELECT, at.line, at.col);
    st->insert.table = table.s;
    st->insert.columns = names_of(ctx, cols, &st->insert.ncolumns);
    st->insert.select = q;
    return st;
}

/* INSERT INTO table [(cols)] VALUES (..), (..): every row must have the same width. */
sp_stmt *sp_s_insert_values(sp_ctx *ctx, sp_token at, sp_ident table, sp_list *cols, sp_list *rows) {
    sp_stmt *st = sp_s_new(ctx, SP_S_INSERT_VALUES, at.line, at.col);
    sp_insert *ins = &st->insert;
    ins->table = table.s;
    ins->columns = names_of(ctx, cols, &ins->ncolumns);
    ins->nrows = rows->n;
    ins->rows = sl_arena_alloc(ctx->arena, sizeof(sp_expr **) * (size_t)rows->n);
    for (int r = 0; r < rows->n; r++) {
        sp_list *row = rows->v[r];
        if (r == 0) ins->nvalues = row->n;
        if (row->n != ins->nvalues) {
            sp_expr *first = row->v[0];
            sp_ctx_error(ctx, first->line, first->col,
                         "Row %d of VALUES has %d values but the first row has %d", r + 1, row->n, ins->nvalues);
        }
        ins->rows[r] = (sp_expr **)row->v;
    }
    return st;
}

/* One SELECT block from its clauses (each may be NULL/-1 when absent); group_by holds the
 * GROUP BY items (sp_gitem *). */
sp_select *sp_select_new(sp_ctx *ctx, sp_token at, bool distinct, sp_list *items, sp_table_ref *from,
                         sp_expr *where, sp_list *group_by, sp_expr *having, sp_list *order_by,
                         int64_t limit) {
    sp_select *s = sl_arena_calloc(ctx->arena, sizeof *s);
    s->line = at.line;
    s->col = at.col;
    s->distinct = distinct;
    s->nitems = items->n;
    s->items = sl_arena_alloc(ctx->arena, sizeof(sp_select_item) * (size_t)items->n);
    for (int i = 0; i < items->n; i++) s->items[i] = *(sp_select_item *)items->v[i];
    s->from = from;
    s->where = where;
    sp_select_group_by(ctx, s, group_by);
    s->having = having;
    if (order_by) {
        s->norder_by = order_by->n;
        s->order_by = sl_arena_alloc(ctx->arena, sizeof(sp_order_item) * (size_t)order_by->n);
        for (int i = 0; i < order_by->n; i++) s->order_by[i] = *(sp_order_item *)order_by->v[i];
    }
    s->limit = limit;
    return s;
}

/* expr [AS alias] in a select list. */
sp_select_item *sp_item_new(sp_ctx *ctx, sp_expr *e, const char *alias) {
    sp_select_item *it = sl_arena_alloc(ctx->arena, sizeof *it);
    it->expr = e;
    it->alias = alias;
    return it;
}

/* A table or a (subquery) in FROM, with its alias (also the base of the other FROM items). */
sp_table_ref *sp_tref_new(sp_ctx *ctx, const char *name, const char *alias, sp_select *sub, int line,
                          int col) {
    sp_table_ref *r = sl_arena_calloc(ctx->arena, sizeof *r);
    r->name = name;
    r->alias = alias;
    r->subquery = sub;
    r->line = line;
    r->col = col;
    return r;
}

/* expr [ASC|DESC] in ORDER BY. */
sp_order_item *sp_order_new(sp_ctx *ctx, sp_expr *e, bool desc) {
    sp_order_item *o = sl_arena_alloc(ctx->arena, sizeof *o);
    o->expr = e;
    o->desc = desc;
    return o;
}

/* LIMIT n: a non-negative int64. */
int64_t sp_limit_value(sp_ctx *ctx, sp_token n) {
    int64_t v = 0;
    for (int i = 0; i < n.n; i++) {
        int d = n.z[i] - '0';
        if (v > (INT64_MAX - d) / 10) {
            sp_ctx_error(ctx, n.line, n.col, "LIMIT value is out of range");
            return 0;
        }
        v = v * 10 + d;
    }
    return v;
}
