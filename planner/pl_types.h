/* pl_types.h: type rules shared by the binder and the planner. */
#ifndef PL_TYPES_H
#define PL_TYPES_H

#include "../common/sl_arena.h"
#include "../common/sl_value.h"

/* Result type of arithmetic on two numeric types (Flink's promotion). */
sl_type pl_numeric_result(sl_type a, sl_type b);
/* The type two operands are compared (or unified) in; false if there is none. */
bool pl_common_type(sl_type a, sl_type b, sl_type *out);
/* True if CAST(from AS to) is allowed. */
bool pl_castable(sl_type from, sl_type to);


struct pl_expr;
/* True for aggregate function names (COUNT, SUM, ...), handled by the aggregation planner. */
bool pl_is_aggregate(const char *name);
/* Resolves a scalar function call over bound arguments: checks arity and types, inserts casts,
 * returns the call node; NULL with *err ("Unknown function 'UPPR'. Did you mean 'UPPER'?"). */
struct pl_expr *pl_bind_function(const char *name, struct pl_expr **args, int nargs, sl_arena *a, char **err);
const char *pl_func_name(int fn);

#endif
