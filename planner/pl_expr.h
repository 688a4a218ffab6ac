/* pl_expr.h: bound, typed expressions (read-only once planned) and their binder.
 *
 * The binder turns an sp_expr into a pl_expr: names resolve to input column indexes through a
 * pl_scope, every node gets its result type, implicit casts are made explicit (PL_X_CAST
 * nodes), and function names resolve to PL_F_* codes. The runtime evaluates pl_expr trees
 * (runtime/rt_expr.h) without looking at names or doing type dispatch beyond a switch. */
#ifndef PL_EXPR_H
#define PL_EXPR_H

#include <stdbool.h>
#include "../common/sl_arena.h"
#include "../common/sl_value.h"
#include "../parser/sp_ast.h"

typedef enum pl_expr_kind {
    PL_X_CONST,     /* value (strings in the plan arena) */
    PL_X_COL,       /* input column `col`; flag = its time attribute (PL_TIME_*) */
    PL_X_CALL,      /* operator or scalar function `fn` over args */
    PL_X_AND,       /* n-ary, three-valued */
    PL_X_OR,        /* n-ary, three-valued */
    PL_X_NOT,
    PL_X_IS_NULL,   /* negated: IS NOT NULL */
    PL_X_IS_BOOL,   /* IS [NOT] TRUE/FALSE; value.i = 1 for TRUE; negated */
    PL_X_CASE,      /* searched CASE: args = when1, then1, ..., [else] ; has_else in flag */
    PL_X_CAST,      /* CAST(args[0] AS type); flag = 1 for TRY_CAST (NULL on failure) */
    PL_X_IN,        /* args[0] IN (args[1..]); negated; all args already coerced to one type */
    PL_X_LIKE,      /* args[0] LIKE args[1] [ESCAPE args[2]]; negated */
    PL_X_BETWEEN,   /* args[0] BETWEEN args[1] AND args[2]; negated */
    PL_X_DISTINCT   /* args[0] IS DISTINCT FROM args[1] (NULL-safe <>); negated: IS NOT DISTINCT FROM */
} pl_expr_kind;

typedef enum pl_func {
    PL_F_NONE = 0,
    /* arithmetic (args coerced to the result type, except timestamp +/- interval) */
    PL_F_ADD, PL_F_SUB, PL_F_MUL, PL_F_DIV, PL_F_MOD, PL_F_NEG,
    /* comparison (args coerced to a common type) */
    PL_F_EQ, PL_F_NE, PL_F_LT, PL_F_LE, PL_F_GT, PL_F_GE,
    PL_F_CONCAT,        /* || and CONCAT(...) */
    PL_F_CONCAT_WS,
    PL_F_UPPER, PL_F_LOWER, PL_F_CHAR_LENGTH, PL_F_SUBSTRING, PL_F_TRIM, PL_F_LTRIM, PL_F_RTRIM,
    PL_F_REPLACE, PL_F_POSITION, PL_F_COALESCE, PL_F_NULLIF, PL_F_IF,
    PL_F_ABS, PL_F_ROUND, PL_F_FLOOR, PL_F_CEIL, PL_F_POWER, PL_F_SQRT,
    PL_F_DATE_FORMAT, PL_F_TO_TIMESTAMP, PL_F_CURRENT_TIMESTAMP,
    PL_F_PROCTIME,          /* PROCTIME(): the wall clock, as a processing-time attribute */
    PL_F_CURRENT_WATERMARK, /* CURRENT_WATERMARK(rowtime): the input's watermark, NULL before one */
    PL_F__COUNT
} pl_func;

typedef struct pl_expr {
    uint8_t kind;          /* pl_expr_kind */
    uint8_t fn;            /* pl_func for PL_X_CALL */
    uint8_t flag;          /* kind-specific (see above; TRIM mode for PL_F_TRIM) */
    bool negated;
    sl_type type;          /* result type */
    int col;               /* PL_X_COL */
    sl_value value;        /* PL_X_CONST */
    int nargs;
    struct pl_expr **args;
} pl_expr;

/* Time attributes (Flink's): a rowtime column is the one a table's WATERMARK is declared on (or
 * a window's window_time); a proctime column is computed by PROCTIME(). Only a plain reference
 * keeps the attribute: an expression over it is an ordinary timestamp. */
enum { PL_TIME_NONE = 0, PL_TIME_ROWTIME = 1, PL_TIME_PROCTIME = 2 };

/* A column visible to an expression: its qualifier (table name or alias, may be NULL), name,
 * type, index in the input row and time attribute (PL_TIME_*). */
typedef struct pl_scope_col {
    const char *qual;
    const char *name;
    sl_type type;
    int index;
    uint8_t time_attr;
} pl_scope_col;

typedef struct pl_scope {
    const pl_scope_col *cols;
    int ncols;
    /* Optional, for expressions over an aggregate (select list, HAVING): asked before each
     * node is bound. Returns 1 with *out set when the node stands for a column of the
     * aggregate's output (a GROUP BY expression or an aggregate call), 0 to bind the node as
     * usual, -1 with *err set (a column that is not grouped, a misused aggregate). */
    int (*resolve)(void *ud, const sp_expr *e, pl_expr **out, char **err);
    void *resolve_ud;
} pl_scope;

/* Binds `e` in `scope`. Nodes are allocated in `arena`. On error returns NULL and sets *err to
 * a malloc'd message made by sl_error_at(src, e->line, e->col, ...) naming the problem
 * ("Unknown column 'amout'. Did you mean 'amount'?", "Cannot apply '>' to STRING and INT",
 * "Unknown function 'UPPR'. Did you mean 'UPPER'?"). Aggregate function names are an error
 * here ("Aggregate function COUNT is not supported in this position"). `src` is the text the
 * positions refer to. */
pl_expr *pl_bind_expr(const sp_expr *e, const pl_scope *scope, sl_arena *arena,
                      const char *src, char **err);

/* Wraps `e` in a cast to `to` if its type differs (for assignments to sink columns, and
 * for coercion). Returns NULL and sets *err when the cast is not allowed (e.g. BOOLEAN to
 * TIMESTAMP). */
pl_expr *pl_coerce(pl_expr *e, sl_type to, sl_arena *arena, char **err);

/* True if a value of type `from` may be assigned to a column of type `to` (INSERT INTO):
 * same family or a widening numeric cast, or anything to STRING. */
bool pl_assignable(sl_type from, sl_type to);

/* Appends a readable rendering of a bound expression, naming columns through `names`
 * (index -> name); used by EXPLAIN. */
struct sl_buf;
void pl_expr_to_text(struct sl_buf *out, const pl_expr *e, const char *const *names);

/* Collects the input column indexes `e` reads into used[] (used[i] = true). */
void pl_expr_columns(const pl_expr *e, bool *used);

/* Rewrites column indexes through map (new = map[old]). */
void pl_expr_remap(pl_expr *e, const int *map);

/* True if a and b are the same expression (same tree, types, constants and columns). */
bool pl_expr_equal(const pl_expr *a, const pl_expr *b);

/* True if the expression is deterministic and reads no columns (can be folded). */
bool pl_expr_is_constant(const pl_expr *e);

#endif
