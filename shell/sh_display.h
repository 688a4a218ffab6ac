/* sh_display.h: how results look in the terminal: Flink SQL client's tableau boxes, changelog
 * rows with an op column, and plain `+I[...]` lines for pipes and files. */
#ifndef SH_DISPLAY_H
#define SH_DISPLAY_H

#include <stdio.h>
#include "../common/sl_batch.h"
#include "../planner/pl_plan.h"

typedef enum sh_mode { SH_MODE_PLAIN, SH_MODE_TABLEAU, SH_MODE_CHANGELOG } sh_mode;

/* Streaming result printer for one query. */
typedef struct sh_result {
    FILE *out;
    sh_mode mode;
    int *widths;
    int ncols;
    bool header_done;
    long long rows;
} sh_result;

/* Parses 'sql-client.execution.result-mode' (table, tableau, changelog, plain). */
sh_mode sh_mode_parse(const char *text, sh_mode dflt);
void sh_result_init(sh_result *r, FILE *out, sh_mode mode);
/* rt_rows_fn-compatible: prints a batch of rows. */
int sh_result_rows(void *ud, const pl_field *cols, int ncols, const sl_batch *b);
/* Prints the closing border and row count (tableau/changelog). */
void sh_result_end(sh_result *r, bool cancelled);
void sh_result_free(sh_result *r);

/* A static table (SHOW TABLES, DESCRIBE, SET): `ncols` headers, `nrows` rows of strings, printed
 * as a Flink-style box (right-aligned cells), followed by "N rows in set" when `count`. */
void sh_print_table(FILE *out, const char *const *headers, int ncols, const char *const *cells,
                    int nrows, bool count);

#endif
