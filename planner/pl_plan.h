/* pl_plan.h: the physical plan, a read-only tree of push operators.
 *
 * Operators (leaf first):
 *   SCAN    reads a table through its connector. Its output row has one slot per table
 *           column (declaration order); only the columns in `decode` are read from the record
 *           (projection pushdown: the format decodes only those fields), computed columns in
 *           `computed` are evaluated into their slots, then the pushed-down `filter` drops rows.
 *   VALUES  constant rows (INSERT INTO t VALUES ...).
 *   CALC    filter (optional) then projection to `nexprs` output columns.
 *   SINK    writes its input rows (already cast to the sink's column types) to a table.
 * A bare SELECT has no SINK: its root's rows go to the client. */
#ifndef PL_PLAN_H
#define PL_PLAN_H

#include "../common/sl_arena.h"
#include "../common/sl_options.h"
#include "pl_catalog.h"
#include "pl_expr.h"

typedef enum pl_node_kind { PL_N_SCAN, PL_N_VALUES, PL_N_CALC, PL_N_SINK } pl_node_kind;

typedef struct pl_field {
    const char *name;
    sl_type type;
} pl_field;

typedef struct pl_node {
    uint8_t kind;
    struct pl_node *input;
    pl_field *cols;            /* output schema */
    int ncols;

    /* SCAN */
    const pl_table *table;
    bool *decode;              /* [table->ncols]: physical/metadata columns to read */
    int *computed;             /* table column indexes of computed columns to evaluate */
    pl_expr **computed_exprs;  /* their bound expressions (over the scan row) */
    int ncomputed;
    pl_expr *filter;           /* SCAN: pushed-down filter; CALC: filter; or NULL */

    /* VALUES */
    pl_expr ***rows;           /* rows[r][c], constants */
    int nrows;

    /* CALC */
    pl_expr **exprs;
    int nexprs;

    /* SINK */
    const pl_table *sink;
    int *sink_cols;            /* sink table column index of each input column */
} pl_node;

typedef struct pl_plan {
    pl_node *root;
    bool is_insert;            /* root is a SINK */
    sl_arena *arena;           /* owns every node and expression */
    const char *sql;           /* normalized statement text (job identity) */
} pl_plan;

/* Plans a SELECT, INSERT ... SELECT or INSERT ... VALUES statement (EXPLAIN: its inner
 * statement). `src` is the text the statement's positions refer to. NULL + *err on error. */
pl_plan *pl_plan_statement(const pl_catalog *cat, const sp_stmt *stmt, const char *src, char **err);
void pl_plan_free(pl_plan *p);

/* Appends the Flink-style plan text (EXPLAIN). */
struct sl_buf;
void pl_explain(struct sl_buf *out, const pl_plan *p);

/* Internal planning steps (pl_select.c, pl_rewrite.c). */
pl_node *pl_plan_select(const pl_catalog *cat, const sp_select *sel, sl_arena *a, const char *src,
                        char **err);
pl_node *pl_optimize(pl_node *root, sl_arena *a);
pl_expr *pl_expr_substitute(const pl_expr *e, pl_expr *const *repl, sl_arena *a);
pl_node *pl_node_new(sl_arena *a, int kind, pl_node *input);

#endif
