/* pl_bind.h: private interface between the expression binder's files (pl_bind_expr.c,
 * pl_bind_literal.c, pl_functions.c, pl_coerce.c, pl_expr_util.c). Not for other modules.
 *
 * Invariants of bound trees (what the evaluator may rely on):
 *   - arithmetic calls have args of the result type, except: DECIMAL args keep their own
 *     precision/scale (the evaluator rescales), and temporal +/- INTERVAL has args
 *     (TIMESTAMP|TIMESTAMP_LTZ|DATE, INTERVAL) in that order;
 *   - comparison args (EQ..GE, BETWEEN, IN, NULLIF) share one representation class:
 *     INT/BIGINT, DECIMAL (any scale), FLOAT/DOUBLE (one of them), STRING, BOOLEAN,
 *     TIMESTAMP/TIMESTAMP_LTZ (any precision), DATE, INTERVAL;
 *   - an arg of type SL_T_NULL is always a NULL constant. */
#ifndef PL_BIND_H
#define PL_BIND_H

#include "pl_expr.h"

typedef struct pl_binder {
    const pl_scope *scope;
    sl_arena *a;
    const char *src;
    char **err;
    bool failed;        /* an error has been reported (the first one is kept) */
} pl_binder;

/* Sets *b->err (first error wins) to a positioned message at `at` and returns NULL. */
pl_expr *pl_bind_error(pl_binder *b, const sp_expr *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Recursive binding of any node (pl_bind_expr.c). */
pl_expr *pl_bind_node(pl_binder *b, const sp_expr *e);
/* Literals and INTERVAL literals (pl_bind_literal.c). */
pl_expr *pl_bind_literal(pl_binder *b, const sp_expr *e);
pl_expr *pl_bind_interval(pl_binder *b, const sp_expr *e);
/* Function calls: SP_E_FUNC and SP_E_TRIM (pl_functions.c). */
pl_expr *pl_bind_func(pl_binder *b, const sp_expr *e);
/* Arithmetic x fn y over bound operands (PL_F_ADD..PL_F_MOD), shared with MOD(a, b);
 * `op` names the operator in messages. */
pl_expr *pl_bind_arith(pl_binder *b, const sp_expr *at, int fn, const char *op, pl_expr *x, pl_expr *y);
/* Comparison x fn y (PL_F_EQ..PL_F_GE) over bound operands. */
pl_expr *pl_bind_compare(pl_binder *b, const sp_expr *at, int fn, const char *op, pl_expr *x, pl_expr *y);
/* x converted to BOOLEAN (NULL allowed), or an error naming `op`. */
pl_expr *pl_want_bool(pl_binder *b, pl_expr *x, const sp_expr *at, const char *op);

/* Node constructors (pl_expr_util.c). */
pl_expr *pl_new_node(sl_arena *a, int kind, sl_type t, int nargs);
pl_expr *pl_new_call(sl_arena *a, int fn, sl_type t, int nargs);
pl_expr *pl_new_const(sl_arena *a, sl_type t, sl_value v);
pl_expr *pl_copy_tree(const pl_expr *e, sl_arena *a);

/* ---- type rules (pl_coerce.c) ---- */
enum { PL_CT_COMPARE, PL_CT_VALUE };
/* Common type of two operands. PL_CT_COMPARE also allows STRING against a numeric, temporal
 * or BOOLEAN type (the string side is cast); PL_CT_VALUE (CASE, COALESCE, IF) needs one
 * family. False when there is none. */
bool pl_common_type(sl_type x, sl_type y, int mode, sl_type *out);
/* Result type of + - * / % over numeric (or NULL) operands; false if not numeric. */
bool pl_arith_type(int fn, sl_type x, sl_type y, sl_type *out);
/* The DECIMAL that holds every value of an integer type (INT: (10,0); BIGINT: (18,0)). */
sl_type pl_decimal_of(sl_type t);
/* DECIMAL(p, s) with p capped at 18 the way Flink caps at 38 (keeps integer digits, gives up
 * scale down to min(s, 6)). */
sl_type pl_decimal_type(int p, int s);
/* Whether an explicit CAST from -> to is allowed. */
bool pl_cast_allowed(sl_type from, sl_type to);
/* True if a value of `from` is already a valid value of `to` (no cast node needed). */
bool pl_same_repr(sl_type from, sl_type to);
/* True if comparisons may read a and b without converting either (same class, see above). */
bool pl_same_class(sl_type a, sl_type b);
/* Wraps e in CAST(e AS to) (TRY_CAST if try_cast); folds NULL and simple constants. */
pl_expr *pl_cast_node(pl_expr *e, sl_type to, bool try_cast, sl_arena *a);
/* Implicit conversion of a bound operand: e itself if it already fits, else a cast; error
 * (positioned at `at`, naming `what`) when no cast exists. */
pl_expr *pl_implicit(pl_binder *b, pl_expr *e, sl_type to, const sp_expr *at, const char *what);
/* Converts a comparison operand to the common type's class (no cast within a class). */
pl_expr *pl_to_class(pl_binder *b, pl_expr *e, sl_type common, const sp_expr *at, const char *what);

/* SQL name of a type for messages, without NOT NULL. */
const char *pl_tname(sl_type t, char *buf, size_t n);

#endif
