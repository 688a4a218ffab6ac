/* sp_build_ddl.c: CREATE TABLE. The grammar reduces the table's head first, then each column
 * (its constraints one by one), watermark and primary key, then the options; the table being
 * built lives in the parse context meanwhile. */
#include <string.h>
#include "sp_build.h"

/* CREATE TABLE [IF NOT EXISTS] name: starts the statement the following rules fill. */
sp_stmt *sp_ct_begin(sp_ctx *ctx, sp_token at, sp_ident name, bool if_not_exists) {
    sp_stmt *st = sp_s_new(ctx, SP_S_CREATE_TABLE, at.line, at.col);
    ctx->ct = &st->create;
    ctx->ct->name = name.s;
    ctx->ct->if_not_exists = if_not_exists;
    ctx->ct_cols = NULL;
    ctx->col = NULL;
    return st;
}

/* A new column definition appended to the table. */
static sp_column_def *add_column(sp_ctx *ctx, sp_ident name, int kind) {
    sp_column_def *c = sl_arena_calloc(ctx->arena, sizeof *c);
    c->name = name.s;
    c->line = name.line;
    c->col = name.col;
    c->kind = (uint8_t)kind;
    ctx->ct_cols = sp_list_add(ctx, ctx->ct_cols, c);
    return c;
}

/* name TYPE [NOT NULL]: constraints that follow (METADATA, COMMENT, ...) modify it. */
void sp_ct_physical(sp_ctx *ctx, sp_ident name, sl_type type) {
    sp_column_def *c = add_column(ctx, name, SP_COL_PHYSICAL);
    c->type = type;
    ctx->col = c;
    ctx->col_virtual_seen = false;
}

/* name AS expr [COMMENT '...']. */
void sp_ct_computed(sp_ctx *ctx, sp_ident name, sp_expr *e, const char *comment) {
    sp_column_def *c = add_column(ctx, name, SP_COL_COMPUTED);
    c->expr = e;
    c->comment = comment;
    ctx->col = NULL;
}

/* METADATA [FROM 'key'] on the current column. */
void sp_ct_metadata(sp_ctx *ctx, sp_token at, const sp_token *key) {
    sp_column_def *c = ctx->col;
    if (c->kind == SP_COL_METADATA) {
        sp_ctx_error(ctx, at.line, at.col, "METADATA is given twice for column '%s'", c->name);
        return;
    }
    c->kind = SP_COL_METADATA;
    c->metadata_key = key ? sp_unquote(ctx, *key) : NULL;
}

/* VIRTUAL: checked when the column ends, since it needs METADATA. */
void sp_ct_virtual(sp_ctx *ctx, sp_token at) {
    ctx->col->is_virtual = true;
    ctx->col_virtual_seen = true;
    ctx->col_meta_line = at.line;
    ctx->col_meta_col = at.col;
}

/* COMMENT '...' on the current column. */
void sp_ct_comment(sp_ctx *ctx, sp_token comment) {
    ctx->col->comment = sp_unquote(ctx, comment);
}

/* Sets the primary key once. */
static void set_pk(sp_ctx *ctx, sp_token at, const char **names, int n) {
    if (ctx->ct->npk > 0) {
        sp_ctx_error(ctx, at.line, at.col, "Duplicate PRIMARY KEY definition");
        return;
    }
    ctx->ct->pk = names;
    ctx->ct->npk = n;
}

/* id TYPE PRIMARY KEY NOT ENFORCED: a one-column key. */
void sp_ct_column_pk(sp_ctx *ctx, sp_token at) {
    const char **names = sl_arena_alloc(ctx->arena, sizeof(char *));
    names[0] = ctx->col->name;
    set_pk(ctx, at, names, 1);
}

/* End of a physical or metadata column: VIRTUAL only makes sense on metadata. */
void sp_ct_column_done(sp_ctx *ctx) {
    if (ctx->col_virtual_seen && ctx->col->kind != SP_COL_METADATA)
        sp_ctx_error(ctx, ctx->col_meta_line, ctx->col_meta_col, "VIRTUAL is only allowed on METADATA columns");
    ctx->col = NULL;
    ctx->col_virtual_seen = false;
}

/* WATERMARK FOR column AS expr; its position is the column name's. */
void sp_ct_watermark(sp_ctx *ctx, sp_token at, sp_ident column, sp_expr *e) {
    sp_create_table *ct = ctx->ct;
    if (ct->wm_column) {
        sp_ctx_error(ctx, at.line, at.col, "A table can have only one WATERMARK");
        return;
    }
    ct->wm_column = column.s;
    ct->wm_expr = e;
    ct->wm_line = column.line;
    ct->wm_col = column.col;
}

/* PRIMARY KEY (a, b) NOT ENFORCED. */
void sp_ct_primary_key(sp_ctx *ctx, sp_token at, sp_list *names) {
    const char **v = sl_arena_alloc(ctx->arena, sizeof(char *) * (size_t)names->n);
    for (int i = 0; i < names->n; i++) v[i] = ((sp_ident *)names->v[i])->s;
    set_pk(ctx, at, v, names->n);
}

/* PRIMARY KEY without NOT ENFORCED (as Flink, the only mode is NOT ENFORCED). */
void sp_pk_not_enforced_error(sp_ctx *ctx, sp_token at) {
    sp_ctx_error(ctx, at.line, at.col,
                 "PRIMARY KEY must be declared NOT ENFORCED (the data is not owned by Sluice, so the key "
                 "cannot be enforced)");
}

/* 'key' = 'value' in WITH (...). */
sp_option *sp_option_new(sp_ctx *ctx, sp_token key, sp_token value) {
    sp_option *o = sl_arena_alloc(ctx->arena, sizeof *o);
    o->key = sp_unquote(ctx, key);
    o->value = sp_unquote(ctx, value);
    o->line = key.line;
    o->col = key.col;
    return o;
}

/* Closes the table: columns and options become arrays. */
void sp_ct_finish(sp_ctx *ctx, sp_list *opts) {
    sp_create_table *ct = ctx->ct;
    sp_list *cols = ctx->ct_cols;
    if (cols) {
        ct->cols = sl_arena_alloc(ctx->arena, sizeof(sp_column_def) * (size_t)cols->n);
        for (int i = 0; i < cols->n; i++) ct->cols[i] = *(sp_column_def *)cols->v[i];
        ct->ncols = cols->n;
    }
    if (opts) {
        ct->opts = sl_arena_alloc(ctx->arena, sizeof(sp_option) * (size_t)opts->n);
        for (int i = 0; i < opts->n; i++) ct->opts[i] = *(sp_option *)opts->v[i];
        ct->nopts = opts->n;
    }
    ctx->ct = NULL;
    ctx->ct_cols = NULL;
}
