/* sh_display.h: how results look in the terminal: Flink SQL client's tableau boxes, changelog
 * rows with an op column, plain `+I[...]` lines for pipes and files, and the table mode, which
 * materializes an updating result (+I/+U add a row, -U/-D remove one) and shows it redrawn in
 * place on a terminal, then prints the final table. */
#ifndef SH_DISPLAY_H
#define SH_DISPLAY_H

#include <stdio.h>
#include "../common/sl_batch.h"
#include "../planner/pl_plan.h"

typedef enum sh_mode { SH_MODE_PLAIN, SH_MODE_TABLEAU, SH_MODE_CHANGELOG, SH_MODE_TABLE } sh_mode;

struct sh_table; /* table mode's materialized rows and live view (sh_display.c) */

/* Streaming result printer for one query. */
typedef struct sh_result {
    FILE *out;
    sh_mode mode;
    int *widths;
    int ncols;
    bool header_done;
    long long rows;          /* changelog rows received */
    struct sh_table *table;  /* SH_MODE_TABLE only; created by the first batch */
} sh_result;

/* Parses 'sql-client.execution.result-mode' (table, tableau, changelog, plain). */
sh_mode sh_mode_parse(const char *text, sh_mode dflt);
/* The mode a query gets when the session sets none: in the interactive shell an updating query
 * (one whose rows can be -U/-D) a table, an append-only one tableau; elsewhere plain lines. */
sh_mode sh_mode_default(bool interactive, bool updating);
void sh_result_init(sh_result *r, FILE *out, sh_mode mode);
/* rt_rows_fn-compatible: prints a batch of rows (table mode: applies them to the table and,
 * when `out` is a terminal, redraws it at most every 200 ms on the alternate screen). */
int sh_result_rows(void *ud, const pl_field *cols, int ncols, const sl_batch *b);
/* Prints the closing border and row count (tableau/changelog); table mode leaves the alternate
 * screen and prints the final table and "N rows in result" ("Empty set" when none). */
void sh_result_end(sh_result *r, bool cancelled);
void sh_result_free(sh_result *r);
/* Table mode's live view: whether it is on the screen; a text shown under its rows until the
 * next one (the watermark report); the late rows dropped so far, shown in its status line. */
bool sh_result_live(const sh_result *r);
void sh_result_note(sh_result *r, const char *text);
void sh_result_late(sh_result *r, long long late);

/* A static table (SHOW TABLES, DESCRIBE, SET): `ncols` headers, `nrows` rows of strings, printed
 * as a Flink-style box (right-aligned cells), followed by "N rows in set" when `count`. */
void sh_print_table(FILE *out, const char *const *headers, int ncols, const char *const *cells,
                    int nrows, bool count);

#endif
