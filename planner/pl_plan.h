/* pl_plan.h: the physical plan, a read-only tree of push operators.
 *
 * Operators (leaf first):
 *   SCAN    reads a table through its connector. Its output row has one slot per table
 *           column (declaration order); only the columns in `decode` are read from the record
 *           (projection pushdown: the format decodes only those fields), computed columns in
 *           `computed` are evaluated into their slots, then the pushed-down `filter` drops rows.
 *   VALUES  constant rows (INSERT INTO t VALUES ...).
 *   CALC    filter (optional) then projection to `nexprs` output columns.
 *   AGG     GROUP BY: input columns `keys` are the group key; `aggs` are computed per group
 *           incrementally (keyed state); HAVING (`having`, over the output row) decides which
 *           groups are visible. Output: the key columns, then one column per aggregate. Its
 *           output is updating: +I for a new group, -U/+U when a group's result changes, -D
 *           when a group disappears (its rows all retracted, or HAVING stops holding).
 *   NORMALIZE  turns an upsert stream (+U per key, -D tombstones; upsert-kafka) into a
 *           changelog with retractions, keeping the last row per key (`keys`) in state: +I for
 *           a new key, -U old/+U new for a changed one (nothing when unchanged), -D old.
 *   SINK    writes its input rows (already cast to the sink's column types) to a table.
 * A bare SELECT has no SINK: its root's rows go to the client.
 *
 * Every node knows whether its output is `updating` (carries -U/+U/-D rows) or append-only;
 * the planner refuses to write an updating result into an append-only sink. */
#ifndef PL_PLAN_H
#define PL_PLAN_H

#include "../common/sl_arena.h"
#include "../common/sl_options.h"
#include "pl_catalog.h"
#include "pl_expr.h"

typedef enum pl_node_kind {
    PL_N_SCAN, PL_N_VALUES, PL_N_CALC, PL_N_AGG, PL_N_NORMALIZE, PL_N_SINK,
    PL_N_WINDOW_TVF,     /* assigns TUMBLE/HOP/CUMULATE windows (stateless) */
    /* the watermark-driven operators (keep these last: kind >= PL_N_WINDOW_AGG) */
    PL_N_WINDOW_AGG,     /* GROUP BY window_start, window_end, ...: one final row per window and key */
    PL_N_WINDOW_RANK,    /* window Top-N and deduplication */
    PL_N_WINDOW_JOIN     /* two windowed inputs joined on their windows and keys */
} pl_node_kind;

/* Window columns, as a window TVF outputs them and plain projections pass them on. */
enum { PL_WIN_NONE = 0, PL_WIN_START, PL_WIN_END, PL_WIN_TIME };

typedef struct pl_field {
    const char *name;
    sl_type type;
    uint8_t time_attr;         /* PL_TIME_* */
    uint8_t window_col;        /* PL_WIN_* */
} pl_field;

typedef enum pl_agg_fn {
    PL_AGG_COUNT_STAR, PL_AGG_COUNT, PL_AGG_SUM, PL_AGG_AVG, PL_AGG_MIN, PL_AGG_MAX,
    PL_AGG_FIRST_VALUE, PL_AGG_LAST_VALUE, PL_AGG_LISTAGG
} pl_agg_fn;

/* A window assignment (window TVFs and group windows). Times are microseconds. */
typedef struct pl_window {
    uint8_t kind;              /* SP_TVF_TUMBLE, SP_TVF_HOP, SP_TVF_CUMULATE, SP_TVF_SESSION */
    int time_col;              /* the input column with the time attribute */
    bool proctime;             /* processing time: windows by the wall clock at arrival */
    int64_t size;              /* TUMBLE/HOP size, CUMULATE max size, SESSION gap */
    int64_t slide;             /* HOP slide, CUMULATE step */
    int64_t offset;            /* TUMBLE/HOP/CUMULATE offset (0: windows aligned to the epoch) */
    sl_type time_type;         /* TIMESTAMP(3) or TIMESTAMP_LTZ(3): the window columns' type */
    int line, col;             /* where the window function is written (errors) */
} pl_window;

/* One aggregate call of an AGG node. */
typedef struct pl_agg_call {
    uint8_t fn;            /* pl_agg_fn */
    bool distinct;         /* fn(DISTINCT arg): each distinct value counts once */
    int arg;               /* input column of the argument; -1 for COUNT(*) */
    int filter;            /* input column of FILTER (WHERE ...) (BOOLEAN); -1 without */
    sl_type arg_type;
    sl_type type;          /* result type */
    sl_value sep;          /* LISTAGG separator (string in the plan arena) */
} pl_agg_call;

typedef struct pl_node {
    uint8_t kind;
    struct pl_node *input;
    struct pl_node *input2;    /* WINDOW_JOIN: the right input */
    pl_field *cols;            /* output schema */
    int ncols;

    /* SCAN */
    const pl_table *table;
    bool *decode;              /* [table->ncols]: physical/metadata columns to read */
    int *computed;             /* table column indexes of computed columns to evaluate */
    pl_expr **computed_exprs;  /* their bound expressions (over the scan row) */
    int ncomputed;
    pl_expr *filter;           /* SCAN: pushed-down filter; CALC: filter; or NULL */
    pl_expr *wm_expr;          /* SCAN: the table's WATERMARK expression over the scan row, set
                                  when the plan uses watermarks (windows, CURRENT_WATERMARK) */
    int rowtime;               /* SCAN: the rowtime column's index, or -1 */
    bool proctime_wm;          /* SCAN: the wall clock is the watermark (processing-time windows) */

    /* VALUES */
    pl_expr ***rows;           /* rows[r][c], constants */
    int nrows;

    /* CALC */
    pl_expr **exprs;
    int nexprs;

    /* AGG and NORMALIZE: key columns of the input */
    int *keys;
    int nkeys;
    /* AGG and WINDOW_AGG */
    pl_agg_call *aggs;
    int naggs;
    pl_expr *having;           /* over the output row, or NULL */
    int **gsets;               /* GROUPING SETS: each a list of positions in keys (the others
                                  are NULL in its rows); ngsets 0: one set of every key */
    int *gset_len;
    int ngsets;

    /* WINDOW_TVF: appends window_start, window_end, window_time to each input row (one row per
     * window it falls in). WINDOW_AGG: keys at positions wstart/wend/wtime (or -1) are the
     * window's; SESSION windows are assigned by the operator itself (win.time_col is then the
     * input column of the time, and the window keys' input values are ignored). WINDOW_RANK:
     * wend is the input column of window_end. */
    pl_window win;
    int wstart, wend, wtime;

    /* WINDOW_RANK (Top-N over windows; deduplication when rank_limit is 1): partition by
     * `keys` (input columns, the window's among them), order by order_cols (order_desc), keep
     * the first rank_limit rows of each partition; the rank is output in column rank_out
     * (-1: not output); rank_fn is ROW_NUMBER (0), RANK (1) or DENSE_RANK (2). */
    int *order_cols;
    bool *order_desc;
    int norder;
    int64_t rank_limit;
    int rank_out;
    uint8_t rank_fn;

    /* WINDOW_JOIN: input (left) and input2 (right) joined where left column lkeys[i] equals
     * right column rkeys[i] (the window_start/window_end pair among them); join kind
     * (sp_join_kind); output: left columns then right columns; filter: the rest of ON. */
    int *lkeys, *rkeys;
    int njoin_keys;
    uint8_t join_kind;

    bool updating;             /* output carries -U/+U/-D rows */

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
/* Appends one node's line of that text, e.g. "GroupAggregate(groupBy=[country], ...)". */
void pl_explain_node(struct sl_buf *out, const pl_node *n);

/* Internal planning steps (pl_select.c, pl_rewrite.c). */
/* Plans the query of view `v` for a FROM item (pl_view.c) and gives the scope of its columns,
 * qualified by `qual`. */
pl_node *pl_plan_view(const pl_catalog *cat, const pl_view *v, const char *qual, sl_arena *a, pl_scope *scope,
                      char **err);
pl_node *pl_plan_select(const pl_catalog *cat, const sp_select *sel, sl_arena *a, const char *src,
                        char **err);
/* True when a SELECT needs an AGG node: GROUP BY, HAVING, DISTINCT or an aggregate call. */
bool pl_select_is_aggregate(const sp_select *sel);
/* Plans the aggregate part of `sel` over `in` (scope: its columns; where: the bound WHERE or
 * NULL): CALC(keys, arguments, filters) -> AGG -> CALC(select list). NULL + *err. */
pl_node *pl_plan_aggregate(const sp_select *sel, pl_node *in, const pl_scope *scope, pl_expr *where, sl_arena *a,
                           const char *src, char **err);
/* SELECT with ROW_NUMBER/RANK/DENSE_RANK() OVER (PARTITION BY window_start, window_end, ...
 * ORDER BY ...): window Top-N (pl_rank.c). */
bool pl_select_has_rank(const sp_select *sel);
pl_node *pl_plan_rank(const sp_select *sel, pl_node *in, const pl_scope *scope, pl_expr *where, sl_arena *a,
                      const char *src, char **err);
/* Limits the WINDOW_RANK under `in` (through plain CALCs) to the N its rank is filtered by
 * (rownum <= N, rownum < N, rownum = 1 among filter's conjuncts). */
void pl_rank_push_limit(pl_node *in, const pl_expr *filter);
/* `left JOIN right ON ...` of two windowed inputs: WINDOW_JOIN (pl_join.c); fills the joined
 * scope. */
struct sp_table_ref;
pl_node *pl_plan_join(const struct sp_table_ref *f, pl_node *l, const pl_scope *ls, pl_node *r, const pl_scope *rs,
                      sl_arena *a, const char *src, pl_scope *out, char **err);
/* A window TVF over `in` (scope in_scope), its columns qualified by `qual`; fills *out with the
 * scope of its output (pl_window.c). NULL + *err. */
/* SESSION window TVFs are only planned under a window aggregation (which assigns them): an
 * error at the first one elsewhere. 0 or -1 + *err. */
int pl_check_session_windows(const pl_node *root, const char *src, char **err);
struct sp_window_tvf;
pl_node *pl_plan_tvf(const struct sp_window_tvf *t, pl_node *in, const pl_scope *in_scope, const char *qual,
                     sl_arena *a, const char *src, pl_scope *out, char **err);
/* The WINDOW_TVF under n through plain CALCs (n itself may be it), or NULL. */
const pl_node *pl_window_source(const pl_node *n);
/* SQL name of an aggregate function ("COUNT", "SUM", ...). */
const char *pl_agg_name(int fn);
pl_node *pl_optimize(pl_node *root, sl_arena *a);
/* True when some operator of the plan uses watermarks (a window operator, CURRENT_WATERMARK):
 * then its scans generate them. */
bool pl_plan_needs_watermark(const pl_node *root);
pl_expr *pl_expr_substitute(const pl_expr *e, pl_expr *const *repl, sl_arena *a);
pl_node *pl_node_new(sl_arena *a, int kind, pl_node *input);

#endif
