/* sh_display.c: result printing in the styles of Flink's SQL client. */
#include "sh_display.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_buf.h"
#include "../common/sl_format.h"
#include "../common/sl_row.h"

sh_mode sh_mode_parse(const char *text, sh_mode dflt) {
    if (!text) return dflt;
    if (!strcasecmp(text, "tableau") || !strcasecmp(text, "table")) return SH_MODE_TABLEAU;
    if (!strcasecmp(text, "changelog")) return SH_MODE_CHANGELOG;
    if (!strcasecmp(text, "plain")) return SH_MODE_PLAIN;
    return dflt;
}

void sh_result_init(sh_result *r, FILE *out, sh_mode mode) {
    memset(r, 0, sizeof *r);
    r->out = out;
    r->mode = mode;
}

/* Column width of a streaming result, from its type (the rows are not known in advance). */
static int type_width(sl_type t) {
    switch (t.id) {
    case SL_T_BOOLEAN: return 7;
    case SL_T_INT: return 11;
    case SL_T_BIGINT: return 20;
    case SL_T_FLOAT: case SL_T_DOUBLE: return 22;
    case SL_T_DECIMAL: return t.precision + 2 > 6 ? t.precision + 2 : 6;
    case SL_T_STRING: return t.length > 0 && t.length < 30 ? (t.length > 6 ? t.length : 6) : 30;
    case SL_T_TIMESTAMP: case SL_T_TIMESTAMP_LTZ: return 20 + t.precision;
    case SL_T_DATE: return 10;
    default: return 20;
    }
}

/* "+----+-----+" border for the given widths. */
static void border(FILE *out, const int *w, int n) {
    fputc('+', out);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < w[i] + 2; k++) fputc('-', out);
        fputc('+', out);
    }
    fputc('\n', out);
}

/* One "| a | b |" line, right-aligned, cut with "..." where a cell is wider than its column. */
static void cells_line(FILE *out, const int *w, const char *const *cells, int n) {
    fputc('|', out);
    for (int i = 0; i < n; i++) {
        int len = (int)strlen(cells[i]);
        if (len > w[i]) fprintf(out, " %.*s... |", w[i] - 3 > 0 ? w[i] - 3 : 0, cells[i]);
        else fprintf(out, " %*s |", w[i], cells[i]);
    }
    fputc('\n', out);
}

int sh_result_rows(void *ud, const pl_field *cols, int ncols, const sl_batch *b) {
    sh_result *r = ud;
    bool op_col = r->mode == SH_MODE_CHANGELOG || r->mode == SH_MODE_TABLEAU;
    int n = ncols + (op_col ? 1 : 0);
    if (r->mode != SH_MODE_PLAIN && !r->header_done) {
        r->ncols = n;
        r->widths = calloc((size_t)n, sizeof(int));
        const char **h = calloc((size_t)n, sizeof(char *));
        int k = 0;
        if (op_col) { r->widths[k] = 2; h[k++] = "op"; }
        for (int c = 0; c < ncols; c++, k++) {
            int w = type_width(cols[c].type), nl = (int)strlen(cols[c].name);
            r->widths[k] = w > nl ? w : nl;
            h[k] = cols[c].name;
        }
        border(r->out, r->widths, n);
        cells_line(r->out, r->widths, h, n);
        border(r->out, r->widths, n);
        free(h);
    }
    r->header_done = true;
    sl_buf line = {0};
    sl_type *types = calloc((size_t)ncols + 1, sizeof(sl_type));
    for (int c = 0; c < ncols; c++) types[c] = cols[c].type;
    for (int i = 0; i < b->nrows; i++) {
        const sl_value *row = sl_batch_row(b, i);
        if (r->mode == SH_MODE_PLAIN) {
            sl_buf_clear(&line);
            sl_format_row(&line, b->ops[i], types, row, ncols);
            fprintf(r->out, "%s\n", line.data);
            continue;
        }
        /* cells: each value formatted into one buffer, NUL-separated */
        sl_buf cellbuf = {0};
        size_t *off = calloc((size_t)n, sizeof(size_t));
        int k = 0;
        if (op_col) { off[k++] = cellbuf.len; sl_buf_puts(&cellbuf, sl_op_name(b->ops[i])); sl_buf_putc(&cellbuf, 0); }
        for (int c = 0; c < ncols; c++, k++) {
            off[k] = cellbuf.len;
            if (row[c].null) sl_buf_puts(&cellbuf, "<NULL>");
            else sl_format_value(&cellbuf, types[c], row[c]);
            sl_buf_putc(&cellbuf, 0);
        }
        const char **cells = calloc((size_t)n, sizeof(char *));
        for (k = 0; k < n; k++) cells[k] = cellbuf.data + off[k];
        cells_line(r->out, r->widths, cells, n);
        free(cells);
        free(off);
        sl_buf_free(&cellbuf);
    }
    r->rows += b->nrows;
    free(types);
    sl_buf_free(&line);
    fflush(r->out);
    return 0;
}

void sh_result_end(sh_result *r, bool cancelled) {
    if (r->mode == SH_MODE_PLAIN) return;
    if (!r->header_done) {
        fprintf(r->out, "Empty set\n");
        return;
    }
    border(r->out, r->widths, r->ncols);
    if (cancelled) fprintf(r->out, "Query cancelled. ");
    fprintf(r->out, "Received a total of %lld row%s\n", r->rows, r->rows == 1 ? "" : "s");
    fflush(r->out);
}

void sh_result_free(sh_result *r) {
    free(r->widths);
    r->widths = NULL;
}

void sh_print_table(FILE *out, const char *const *headers, int ncols, const char *const *cells,
                    int nrows, bool count) {
    if (nrows == 0 && count) {
        fprintf(out, "Empty set\n");
        return;
    }
    int *w = calloc((size_t)ncols, sizeof(int));
    for (int c = 0; c < ncols; c++) {
        w[c] = (int)strlen(headers[c]);
        for (int r = 0; r < nrows; r++) {
            int l = (int)strlen(cells[r * ncols + c]);
            if (l > w[c]) w[c] = l;
        }
    }
    border(out, w, ncols);
    cells_line(out, w, headers, ncols);
    border(out, w, ncols);
    for (int r = 0; r < nrows; r++) cells_line(out, w, cells + r * ncols, ncols);
    border(out, w, ncols);
    if (count) fprintf(out, "%d row%s in set\n", nrows, nrows == 1 ? "" : "s");
    free(w);
}
