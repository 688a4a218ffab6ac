/* cn_print_sink.c: the 'print' sink (rows on stdout, as Flink's print connector) and the
 * 'blackhole' sink (discards rows; for benchmarks and dry runs). */
#include <stdio.h>
#include <stdlib.h>
#include "../common/sl_row.h"
#include "cn_internal.h"

typedef struct psink {
    cn_sink base;
    const cn_spec *spec;
    const char *prefix;
    sl_type *types;
    sl_value *vals;
    sl_buf line;
} psink;

static int psink_write(cn_sink *base, const sl_batch *b, char **err) {
    (void)err;
    psink *s = (psink *)base;
    for (int r = 0; r < b->nrows; r++) {
        const sl_value *row = sl_batch_row(b, r);
        for (int i = 0; i < s->spec->ncols; i++) s->vals[i] = row[s->spec->cols[i].out];
        sl_buf_clear(&s->line);
        if (s->prefix) sl_buf_printf(&s->line, "%s> ", s->prefix);
        sl_format_row(&s->line, b->ops[r], s->types, s->vals, s->spec->ncols);
        sl_buf_putc(&s->line, '\n');
        fwrite(s->line.data, 1, s->line.len, stdout);
    }
    fflush(stdout);
    return 0;
}

static void psink_close(cn_sink *base) {
    psink *s = (psink *)base;
    free(s->types);
    free(s->vals);
    sl_buf_free(&s->line);
    free(s);
}

static const cn_sink_vt PRINT_VT = {psink_write, NULL, psink_close};

cn_sink *cn_print_sink_open(const cn_spec *spec, char **err) {
    (void)err;
    psink *s = calloc(1, sizeof *s);
    s->base.vt = &PRINT_VT;
    s->spec = spec;
    s->prefix = sl_options_get(spec->opts, "print-identifier");
    s->types = calloc((size_t)spec->ncols + 1, sizeof(sl_type));
    s->vals = calloc((size_t)spec->ncols + 1, sizeof(sl_value));
    for (int i = 0; i < spec->ncols; i++) s->types[i] = spec->cols[i].type;
    return &s->base;
}

static int blackhole_write(cn_sink *s, const sl_batch *b, char **err) { (void)s, (void)b, (void)err; return 0; }
static void blackhole_close(cn_sink *s) { free(s); }
static const cn_sink_vt BLACKHOLE_VT = {blackhole_write, NULL, blackhole_close};

cn_sink *cn_blackhole_sink_open(const cn_spec *spec, char **err) {
    (void)spec, (void)err;
    cn_sink *s = calloc(1, sizeof *s);
    s->vt = &BLACKHOLE_VT;
    return s;
}
