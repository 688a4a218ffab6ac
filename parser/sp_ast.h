/* sp_ast.h: the abstract syntax tree the parser produces.
 *
 * All nodes, strings and arrays of one sp_parse call live in that call's arena and die with
 * sp_parse_result_free. Identifiers are kept as written (unquoted; backticks removed); the
 * planner compares them case-insensitively. Every node keeps the line and column (1-based) of
 * its first token so later phases can point errors at it. */
#ifndef SP_AST_H
#define SP_AST_H

#include <stdbool.h>
#include <stdint.h>
#include "../common/sl_arena.h"
#include "../common/sl_value.h"

typedef enum sp_expr_kind {
    SP_E_LITERAL,   /* lit, text */
    SP_E_COLUMN,    /* [qual.]name */
    SP_E_STAR,      /* * or qual.* (select list, COUNT(*)) */
    SP_E_UNARY,     /* op: SP_OP_NEG, SP_OP_PLUS, SP_OP_NOT; args[0] */
    SP_E_BINARY,    /* op: arithmetic, comparison, AND, OR, CONCAT; args[0], args[1] */
    SP_E_FUNC,      /* name(args...); distinct; star for COUNT(*); filter: FILTER (WHERE ..) */
    SP_E_CASE,      /* args: [0]=operand or NULL, then when,then pairs, then else or NULL
                       (nargs = 1 + 2*k + 1) */
    SP_E_CAST,      /* CAST(args[0] AS cast_type); try_cast for TRY_CAST */
    SP_E_IS_NULL,   /* args[0] IS [NOT] NULL (negated) */
    SP_E_IS_BOOL,   /* args[0] IS [NOT] TRUE/FALSE: lit.i = 1 for TRUE, 0 for FALSE; negated */
    SP_E_BETWEEN,   /* args[0] [NOT] BETWEEN args[1] AND args[2] */
    SP_E_IN,        /* args[0] [NOT] IN (args[1..]) */
    SP_E_LIKE,      /* args[0] [NOT] LIKE args[1] [ESCAPE args[2]] */
    SP_E_INTERVAL,  /* INTERVAL 'text' unit: text, unit (and to_unit for e.g. DAY TO SECOND) */
    SP_E_TRIM,      /* TRIM([BOTH|LEADING|TRAILING] [chars] FROM x): args[0]=x, args[1]=chars or
                       NULL; trim_mode */
    SP_E_SUBSTRING, /* SUBSTRING(x FROM a [FOR b]) is parsed as SP_E_FUNC "SUBSTRING" instead;
                       this kind is unused (kept so the enum numbering is stable) */
    SP_E_OVER       /* f(args) OVER (PARTITION BY ... ORDER BY ...): args[0] is the call (an
                       SP_E_FUNC, e.g. ROW_NUMBER()), `over` the window specification */
} sp_expr_kind;

typedef enum sp_op {
    SP_OP_NONE = 0,
    SP_OP_NEG, SP_OP_PLUS, SP_OP_NOT,
    SP_OP_ADD, SP_OP_SUB, SP_OP_MUL, SP_OP_DIV, SP_OP_MOD,
    SP_OP_EQ, SP_OP_NE, SP_OP_LT, SP_OP_LE, SP_OP_GT, SP_OP_GE,
    SP_OP_AND, SP_OP_OR, SP_OP_CONCAT,
    SP_OP_IS_DISTINCT, SP_OP_IS_NOT_DISTINCT /* a IS [NOT] DISTINCT FROM b: NULL-safe (in)equality */
} sp_op;

typedef enum sp_lit_kind {
    SP_LIT_NULL,
    SP_LIT_BOOL,       /* lit_bool */
    SP_LIT_INT,        /* integer text without '.', e.g. "42" (fits int64 or error) */
    SP_LIT_DECIMAL,    /* "12.50": exact numeric (Flink: DECIMAL) */
    SP_LIT_DOUBLE,     /* "1.5E3": approximate numeric */
    SP_LIT_STRING,     /* text is the unescaped string ('' -> ') */
    SP_LIT_TIMESTAMP,  /* TIMESTAMP '2024-01-01 00:00:00': text */
    SP_LIT_DATE        /* DATE '2024-01-01': text */
} sp_lit_kind;

typedef enum sp_interval_unit {
    SP_IU_NONE, SP_IU_YEAR, SP_IU_MONTH, SP_IU_DAY, SP_IU_HOUR, SP_IU_MINUTE, SP_IU_SECOND
} sp_interval_unit;

typedef enum sp_trim_mode { SP_TRIM_BOTH, SP_TRIM_LEADING, SP_TRIM_TRAILING } sp_trim_mode;

struct sp_order_item;

/* The frame of an OVER window: ROWS or RANGE, and its two bounds. */
typedef enum sp_frame_kind { SP_FRAME_NONE, SP_FRAME_ROWS, SP_FRAME_RANGE } sp_frame_kind;

typedef enum sp_bound_kind {
    SP_BOUND_NONE,                /* no frame */
    SP_BOUND_UNBOUNDED_PRECEDING,
    SP_BOUND_PRECEDING,           /* <offset> PRECEDING: the offset expression is set */
    SP_BOUND_CURRENT_ROW,
    SP_BOUND_FOLLOWING,           /* <offset> FOLLOWING: the offset expression is set */
    SP_BOUND_UNBOUNDED_FOLLOWING
} sp_bound_kind;

/* OVER (PARTITION BY p1, p2 ORDER BY o1 [ASC|DESC], ... [frame]) where the frame is
 * ROWS|RANGE BETWEEN start AND end, or ROWS|RANGE start (which means BETWEEN start AND
 * CURRENT ROW, and is stored that way). */
typedef struct sp_window_spec {
    struct sp_expr **partition_by;
    int npartition_by;
    struct sp_order_item *order_by;
    int norder_by;
    uint8_t frame;                 /* sp_frame_kind; SP_FRAME_NONE: no ROWS/RANGE clause */
    uint8_t start_kind, end_kind;  /* sp_bound_kind (SP_BOUND_NONE without a frame) */
    struct sp_expr *start, *end;   /* offsets of PRECEDING/FOLLOWING bounds, else NULL */
    int frame_line, frame_col;     /* the ROWS / RANGE keyword */
} sp_window_spec;

typedef struct sp_expr {
    uint8_t kind;          /* sp_expr_kind */
    uint8_t op;            /* sp_op for UNARY/BINARY */
    uint8_t lit;           /* sp_lit_kind for LITERAL */
    bool negated;          /* NOT IN, NOT LIKE, NOT BETWEEN, IS NOT NULL, IS NOT TRUE */
    bool distinct;         /* FUNC: COUNT(DISTINCT x) */
    bool star;             /* FUNC: COUNT(*) */
    bool try_cast;         /* CAST: TRY_CAST */
    bool lit_bool;         /* LITERAL BOOL value */
    uint8_t unit, to_unit; /* INTERVAL units (sp_interval_unit) */
    uint8_t trim_mode;     /* TRIM */
    int line, col;         /* position of the first token */
    const char *text;      /* LITERAL text (numbers, strings unescaped), INTERVAL text */
    const char *name;      /* COLUMN name, FUNC name (as written), STAR qualifier or NULL */
    const char *qual;      /* COLUMN table qualifier or NULL */
    sl_type cast_type;     /* CAST target */
    struct sp_expr *filter;/* FUNC: aggregate FILTER (WHERE ...) or NULL */
    struct sp_expr **args;
    int nargs;
    sp_window_spec *over;  /* OVER: the window specification */
} sp_expr;

typedef struct sp_select_item {
    sp_expr *expr;
    const char *alias;     /* AS alias or NULL */
} sp_select_item;

struct sp_select;
struct sp_table_ref;

/* Window table-valued functions: FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset])),
 * HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]), CUMULATE(TABLE t, DESCRIPTOR(ts), step,
 * size [, offset]), SESSION(TABLE t [PARTITION BY k1, k2], DESCRIPTOR(ts), gap), with positional
 * or named arguments (DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SIZE => ..., SLIDE =>,
 * STEP =>, GAP =>, OFFSET =>), normalized here into fields. */
typedef enum sp_tvf_kind { SP_TVF_TUMBLE = 1, SP_TVF_HOP, SP_TVF_CUMULATE, SP_TVF_SESSION } sp_tvf_kind;

typedef struct sp_window_tvf {
    uint8_t kind;                  /* sp_tvf_kind */
    struct sp_table_ref *input;    /* TABLE t or TABLE (query): a table_ref with name or
                                      subquery set (no alias) */
    const char **partition_by;     /* SESSION(TABLE t PARTITION BY a, b ...) column names */
    int npartition_by;
    const char *time_col;          /* DESCRIPTOR(ts) */
    int time_line, time_col_pos;   /* position of the descriptor's column name */
    struct sp_expr *size;          /* TUMBLE/HOP size, CUMULATE max size, SESSION gap */
    struct sp_expr *slide;         /* HOP slide, CUMULATE step; NULL otherwise */
    struct sp_expr *offset;        /* optional OFFSET; NULL when absent */
    int line, col;                 /* of the function name */
} sp_window_tvf;

typedef enum sp_join_kind { SP_JOIN_INNER = 1, SP_JOIN_LEFT, SP_JOIN_RIGHT, SP_JOIN_FULL } sp_join_kind;

/* A FROM item: a table, a subquery, a window TVF, or a join of two items. */
typedef struct sp_table_ref {
    const char *name;          /* table name, or NULL for a subquery / TVF / join */
    const char *alias;         /* or NULL */
    struct sp_select *subquery;
    sp_window_tvf *tvf;        /* FROM TABLE(TUMBLE(...)) [alias] */
    uint8_t join;              /* sp_join_kind when this item is `left JOIN right ON cond` */
    struct sp_table_ref *left, *right;
    struct sp_expr *on;        /* the join condition */
    int line, col;             /* first token (of a join: its left side's) */
    int join_line, join_col;   /* JOIN: the first word of the join (JOIN, INNER, LEFT, ...) */
} sp_table_ref;

typedef struct sp_order_item {
    sp_expr *expr;
    bool desc;
} sp_order_item;

typedef struct sp_select {
    bool distinct;
    sp_select_item *items;
    int nitems;
    sp_table_ref *from;        /* NULL: SELECT without FROM */
    sp_expr *where;            /* or NULL */
    sp_expr **group_by;        /* every distinct grouping expression, in order of appearance
                                  (the same when their SQL text is, ignoring case outside
                                  string literals: GROUP BY a, A has one) */
    int ngroup_by;
    /* GROUPING SETS / ROLLUP / CUBE: the grouping sets, each a list of indexes into group_by
     * (ROLLUP and CUBE expanded, several GROUP BY items combined as their cross product, as SQL
     * defines it; `()` is the empty set). ngsets == 0: one set of every group_by expression
     * (a plain GROUP BY: every item is an expression). Indexes within a set are ascending and
     * distinct. Order, as Calcite expands them: ROLLUP(a, b) = (a, b), (a), (); CUBE(a, b, c) =
     * (a, b, c), (a, b), (a, c), (a), (b, c), (b), (c), () (each element in, then out, the
     * first varying slowest); GROUPING SETS lists its elements' sets in turn; the cross product
     * of GROUP BY items varies the first item slowest. ROLLUP and CUBE drop a set equal to an
     * earlier one of theirs (as Calcite); GROUPING SETS and cross products keep repeats. */
    int **gsets;
    int *gset_len;
    int ngsets;
    int gsets_line, gsets_col; /* ngsets > 0: the first ROLLUP/CUBE/GROUPING SETS/()/(a, b) */
    sp_expr *having;           /* or NULL */
    sp_order_item *order_by;
    int norder_by;
    int64_t limit;             /* -1 when absent */
    int line, col;
} sp_select;

typedef enum sp_column_kind { SP_COL_PHYSICAL, SP_COL_COMPUTED, SP_COL_METADATA } sp_column_kind;

typedef struct sp_column_def {
    const char *name;
    int line, col;
    uint8_t kind;              /* sp_column_kind */
    sl_type type;              /* PHYSICAL and METADATA */
    sp_expr *expr;             /* COMPUTED: name AS expr */
    const char *metadata_key;  /* METADATA FROM 'key'; NULL means the column name */
    bool is_virtual;           /* METADATA ... VIRTUAL */
    const char *comment;       /* COMMENT '...' or NULL */
} sp_column_def;

typedef struct sp_option {
    const char *key;
    const char *value;
    int line, col;
} sp_option;

typedef struct sp_create_table {
    const char *name;
    bool if_not_exists;
    sp_column_def *cols;
    int ncols;
    const char *wm_column;     /* WATERMARK FOR col AS expr, or NULL */
    sp_expr *wm_expr;
    int wm_line, wm_col;
    const char **pk;           /* PRIMARY KEY (a, b) NOT ENFORCED */
    int npk;
    sp_option *opts;
    int nopts;
} sp_create_table;

typedef enum sp_stmt_kind {
    SP_S_CREATE_TABLE,
    SP_S_DROP_TABLE,
    SP_S_SHOW_TABLES,
    SP_S_DESCRIBE,
    SP_S_SET,            /* SET 'k' = 'v'; SET (no key) lists settings */
    SP_S_RESET,          /* RESET ['k'] */
    SP_S_INSERT_SELECT,
    SP_S_INSERT_VALUES,
    SP_S_SELECT,
    SP_S_EXPLAIN,        /* EXPLAIN <select> or EXPLAIN <insert ... select> (explained) */
    SP_S_CREATE_VIEW,    /* CREATE [TEMPORARY] VIEW [IF NOT EXISTS] v [(cols)] AS query */
    SP_S_DROP_VIEW,      /* DROP [TEMPORARY] VIEW [IF EXISTS] v (drop) */
    SP_S_SHOW_VIEWS
} sp_stmt_kind;

typedef struct sp_create_view {
    const char *name;
    bool if_not_exists;
    const char **columns;      /* the optional column names, or NULL */
    int ncolumns;
    sp_select *query;
} sp_create_view;

typedef struct sp_insert {
    const char *table;
    const char **columns;      /* optional column list, or NULL */
    int ncolumns;
    sp_select *select;         /* INSERT_SELECT */
    sp_expr ***rows;           /* INSERT_VALUES: rows[r][c] */
    int nrows;
    int nvalues;               /* values per row (every row has the same count, or parse error) */
} sp_insert;

typedef struct sp_stmt {
    uint8_t kind;              /* sp_stmt_kind */
    int line, col;             /* first token */
    const char *text;          /* the statement's source text without the trailing ';' */
    int offset;                /* byte offset of text within the whole parsed input */
    union {
        sp_create_table create;                              /* CREATE_TABLE */
        struct { const char *name; bool if_exists; } drop;  /* DROP_TABLE */
        struct { const char *name; } describe;              /* DESCRIBE */
        struct { const char *key; const char *value; } set; /* SET / RESET (key may be NULL) */
        sp_insert insert;                                    /* INSERT_* */
        sp_select *select;                                   /* SELECT */
        struct sp_stmt *explained;                           /* EXPLAIN */
        sp_create_view view;                                 /* CREATE_VIEW */
    };
} sp_stmt;

#endif
