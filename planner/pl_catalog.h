/* pl_catalog.h: the tables a session has created (CREATE TABLE), with their resolved schema.
 *
 * A table owns a private re-parse of its CREATE TABLE text, so its AST (computed column
 * expressions, watermark) outlives the statement that created it. */
#ifndef PL_CATALOG_H
#define PL_CATALOG_H

#include "../common/sl_options.h"
#include "../parser/sp_parse.h"
#include "pl_expr.h"

typedef struct pl_table_col {
    const char *name;
    sl_type type;              /* computed columns: the type of their expression */
    uint8_t kind;              /* sp_column_kind */
    const char *metadata_key;  /* METADATA: the key ('partition', 'offset', ...) */
    bool is_virtual;
    const sp_expr *expr;       /* COMPUTED */
} pl_table_col;

typedef struct pl_table {
    const char *name;
    pl_table_col *cols;
    int ncols;
    sl_options opts;           /* WITH (...) */
    const char *wm_column;     /* WATERMARK FOR col AS expr */
    const sp_expr *wm_expr;
    int rowtime;               /* index of the WATERMARK's column (a rowtime attribute), or -1 */
    int proctime;              /* index of a computed column `AS PROCTIME()`, or -1 */
    const char **pk;
    int npk;
    const char *ddl;           /* the CREATE TABLE text */
    sp_parse_result parsed;    /* owns everything above that points into an AST */
} pl_table;

/* A view (CREATE VIEW): a named query, planned again wherever a FROM names it. It owns a
 * private re-parse of its CREATE VIEW text, as a table does. */
typedef struct pl_view {
    const char *name;
    const char **columns;      /* the view's column names (the given list, else the query's) */
    int ncolumns;
    bool renamed;              /* a column list was given */
    const sp_select *query;
    const char *text;          /* the CREATE VIEW text: positions in query refer to it */
    sp_parse_result parsed;    /* owns query and text */
    int expanding;             /* > 0 while being planned: a view that reaches itself is refused */
} pl_view;

typedef struct pl_catalog {
    pl_table **tables;
    int n, cap;
    pl_view **views;
    int nviews, capviews;
} pl_catalog;

/* Adds the table a CREATE TABLE statement defines; `src` is the text positions refer to.
 * Returns 0, 1 when IF NOT EXISTS skipped an existing table, or -1 with *err. */
int pl_catalog_create(pl_catalog *c, const sp_stmt *stmt, const char *src, char **err);
/* Whether a CREATE of `name` may go on: 0 when no table or view has the name, 1 when one has
 * and IF NOT EXISTS was given (skip it), else -1 with *err ("Table 'x' already exists"). */
int pl_catalog_name_taken(const pl_catalog *c, const char *name, bool if_not_exists, const sp_stmt *stmt,
                          const char *src, char **err);
/* Finds a table by name (case-insensitive); NULL if absent. */
const pl_table *pl_catalog_find(const pl_catalog *c, const char *name);
/* Error text for an unknown table, with the closest name as a suggestion (malloc'd). */
char *pl_catalog_unknown(const pl_catalog *c, const char *name, const char *src, int line, int col);
/* Removes a table; 0, or -1 when it does not exist. */
int pl_catalog_drop(pl_catalog *c, const char *name);
void pl_catalog_free(pl_catalog *c);

/* Views (pl_view.c). Adds the view a CREATE VIEW defines, after planning its query once (errors
 * point into `src`); 0, 1 when IF NOT EXISTS skipped an existing one, or -1 with *err. */
int pl_catalog_create_view(pl_catalog *c, const sp_stmt *stmt, const char *src, char **err);
/* Finds a view by name (case-insensitive); NULL if absent. */
const pl_view *pl_catalog_find_view(const pl_catalog *c, const char *name);
/* Removes a view; 0, or -1 when it does not exist. */
int pl_catalog_drop_view(pl_catalog *c, const char *name);
void pl_view_free(pl_view *v);

/* How a table reads as a source: append-only rows, a changelog with retractions
 * ('format' = 'debezium-json'), or upserts by PRIMARY KEY ('connector' = 'upsert-kafka'). */
enum { PL_CL_APPEND, PL_CL_RETRACT, PL_CL_UPSERT };
int pl_table_changelog(const pl_table *t);
/* True when the table, as a sink, accepts update and delete rows (upsert-kafka, debezium-json,
 * print, blackhole). */
bool pl_table_accepts_updates(const pl_table *t);

/* The pl_scope of a table's columns (all kinds, declaration order, index = column number),
 * qualified by `qual` (table name or alias). cols must hold t->ncols entries. */
pl_scope pl_table_scope(const pl_table *t, const char *qual, pl_scope_col *cols);

#endif
