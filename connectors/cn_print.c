/* cn_print.c: the 'print' sink (one line per row on stdout, as Flink's print connector:
 * `+I[1, ALICE, 92.0]`, with 'print-identifier' as `id> ` prefix, 'standard-error' = 'true'
 * for stderr) and the 'blackhole' sink (discards everything). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_row.h"
#include "cn_internal.h"

typedef struct psink {
    cn_sink base;
    FILE *out;
    char *prefix;      /* "id> " or "" */
    sl_type *types;    /* by row position */
    int width;
    sl_buf line;
} psink;

/* Writes the batch as text lines and flushes the stream once. */
static int print_write(cn_sink *s, const sl_batch *b, char **err) {
    (void)err;
    psink *p = (psink *)s;
    sl_buf_clear(&p->line);
    for (int r = 0; r < b->nrows; r++) {
        sl_buf_puts(&p->line, p->prefix);
        sl_format_row(&p->line, b->ops[r], p->types, sl_batch_row(b, r), p->width);
        sl_buf_putc(&p->line, '\n');
    }
    if (p->line.len) fwrite(p->line.data, 1, p->line.len, p->out);
    fflush(p->out);
    return 0;
}

static void print_close(cn_sink *s) {
    psink *p = (psink *)s;
    sl_buf_free(&p->line);
    free(p->prefix);
    free(p->types);
    free(p);
}

static const cn_sink_vt print_vt = {print_write, NULL, print_close};

cn_sink *cn_print_sink_open(const cn_spec *spec, char **err) {
    (void)err;
    psink *p = calloc(1, sizeof *p);
    p->base.vt = &print_vt;
    p->out = sl_options_get_bool(spec->opts, "standard-error", false) ? stderr : stdout;
    const char *id = sl_options_get(spec->opts, "print-identifier");
    size_t n = id ? strlen(id) + 3 : 1;
    p->prefix = malloc(n);
    snprintf(p->prefix, n, "%s%s", id ? id : "", id ? "> " : "");
    p->width = spec->row_width;
    p->types = calloc((size_t)p->width + 1, sizeof *p->types);
    for (int i = 0; i < p->width; i++) p->types[i] = sl_type_make(SL_T_STRING);
    for (int i = 0; i < spec->ncols; i++)
        if (spec->cols[i].out >= 0 && spec->cols[i].out < p->width) p->types[spec->cols[i].out] = spec->cols[i].type;
    return &p->base;
}

static int blackhole_write(cn_sink *s, const sl_batch *b, char **err) {
    (void)s, (void)b, (void)err;
    return 0;
}

static void blackhole_close(cn_sink *s) { free(s); }

static const cn_sink_vt blackhole_vt = {blackhole_write, NULL, blackhole_close};

cn_sink *cn_blackhole_sink_open(const cn_spec *spec, char **err) {
    (void)spec, (void)err;
    cn_sink *s = calloc(1, sizeof *s);
    s->vt = &blackhole_vt;
    return s;
}
