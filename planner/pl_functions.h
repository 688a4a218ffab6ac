/* pl_functions.h: the scalar function catalog of the binder, and names the planner needs
 * (aggregate detection, EXPLAIN rendering). */
#ifndef PL_FUNCTIONS_H
#define PL_FUNCTIONS_H

#include <stdbool.h>

/* True for aggregate function names (COUNT, SUM, AVG, MIN, MAX, FIRST_VALUE, LAST_VALUE,
 * LISTAGG, ...; case-insensitive): the planner binds those itself. */
bool pl_func_is_aggregate(const char *name);
/* True for window (OVER) function names: ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD, ... */
bool pl_func_is_window(const char *name);
/* SQL name of a pl_func code, e.g. "UPPER"; operators give their symbol ("+", "="). */
const char *pl_func_name(int fn);

#endif
