/* cn_decode.c: record decoders of the Kafka source: 'json' (simdjson shim + cn_json_value.c),
 * 'raw' (the whole record as one STRING column) and 'csv' (positional fields); 'debezium-json'
 * shares the set-up and the field conversion (its envelope is read in cn_debezium.c). A decoder
 * is set up once per source for the columns it must produce and then reused for every record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "../common/sl_format.h"
#include "cn_internal.h"

const char *cn_format_opt(const cn_spec *spec, const char *prefix, const char *fmt, const char *key) {
    char k[256];
    if (prefix) {
        snprintf(k, sizeof k, "%s%s.%s", prefix, fmt, key);
        const char *v = sl_options_get(spec->opts, k);
        if (v) return v;
    }
    snprintf(k, sizeof k, "%s.%s", fmt, key);
    return sl_options_get(spec->opts, k);
}

int cn_decoder_init(cn_decoder *d, const cn_spec *spec, const char *format, int from,
                    const char *prefix, char **err) {
    memset(d, 0, sizeof *d);
    if (!strcmp(format, "json")) d->format = CN_FMT_JSON;
    else if (!strcmp(format, "raw")) d->format = CN_FMT_RAW;
    else if (!strcmp(format, "csv")) d->format = CN_FMT_CSV;
    else if (!strcmp(format, "debezium-json")) d->format = CN_FMT_DEBEZIUM;
    else {
        *err = sl_strdupf("Unsupported format '%s' for table '%s' (supported: json, raw, csv, debezium-json)", format,
                          spec->table);
        return -1;
    }
    d->cols = calloc((size_t)spec->ncols + 1, sizeof *d->cols);
    d->names = calloc((size_t)spec->ncols + 1, sizeof *d->names);
    d->lens = calloc((size_t)spec->ncols + 1, sizeof *d->lens);
    d->vals = calloc(4 * ((size_t)spec->ncols + 1), sizeof *d->vals); /* debezium: one image per envelope field */
    d->csv_pos = calloc((size_t)spec->ncols + 1, sizeof *d->csv_pos);
    for (int i = 0; i < spec->ncols; i++) {
        if (spec->cols[i].from != from) continue;
        d->cols[d->n] = &spec->cols[i];
        d->names[d->n] = spec->cols[i].name;
        d->lens[d->n] = strlen(spec->cols[i].name);
        d->csv_pos[d->n] = spec->cols[i].out;
        d->n++;
    }
    const char *fm = cn_format_opt(spec, prefix, format, "fail-on-missing-field");
    d->fail_on_missing = fm && !strcasecmp(fm, "true");
    const char *ipe = cn_format_opt(spec, prefix, format, "ignore-parse-errors");
    d->null_bad_fields = ipe && !strcasecmp(ipe, "true");
    if (d->format == CN_FMT_JSON || d->format == CN_FMT_DEBEZIUM) d->jp = cn_json_parser_new();
    if (d->format == CN_FMT_DEBEZIUM) d->top = calloc(4, sizeof *d->top);
    if (d->format == CN_FMT_RAW) {
        if (d->n > 1) {
            *err = sl_strdupf("The 'raw' format of table '%s' produces a single column, but %d are read", spec->table, d->n);
            cn_decoder_free(d);
            return -1;
        }
        if (d->n == 1 && d->cols[0]->type.id != SL_T_STRING) {
            *err = sl_strdupf("The 'raw' format of table '%s' needs a STRING column ('%s')", spec->table, d->names[0]);
            cn_decoder_free(d);
            return -1;
        }
    }
    if (d->format == CN_FMT_CSV) {
        const char *delim = cn_format_opt(spec, prefix, "csv", "field-delimiter");
        d->csv_delim = delim && *delim ? delim[0] : ',';
    }
    return 0;
}

void cn_decoder_free(cn_decoder *d) {
    if (d->jp) cn_json_parser_free(d->jp);
    free(d->cols);
    free(d->names);
    free(d->lens);
    free(d->vals);
    free(d->top);
    free(d->csv_pos);
    memset(d, 0, sizeof *d);
}

/* CSV: field number pos of a line (quotes with "" escapes); unescaped text into scratch. */
static bool csv_field(const char *p, size_t n, char delim, int pos, sl_batch *b, cn_json_val *v) {
    size_t i = 0;
    int f = 0;
    while (f < pos) {
        bool q = false;
        while (i < n && (q || p[i] != delim)) {
            if (p[i] == '"') q = !q;
            i++;
        }
        if (i >= n) return false;
        i++;
        f++;
    }
    size_t e = i;
    if (i < n && p[i] == '"') {
        /* quoted: copy with "" -> " */
        char *out = sl_arena_alloc(b->arena, n - i + 1);
        size_t k = 0;
        for (e = i + 1; e < n; e++) {
            if (p[e] == '"') {
                if (e + 1 < n && p[e + 1] == '"') { out[k++] = '"'; e++; continue; }
                break;
            }
            out[k++] = p[e];
        }
        v->kind = CN_JSON_STRING;
        v->p = out;
        v->n = k;
        return true;
    }
    while (e < n && p[e] != delim && p[e] != '\n' && p[e] != '\r') e++;
    v->kind = e == i ? CN_JSON_NULL : CN_JSON_STRING;  /* empty field: NULL, as Flink's csv */
    v->p = p + i;
    v->n = e - i;
    return true;
}

bool cn_decode(cn_decoder *d, const char *data, size_t len, sl_batch *b, sl_value *row, char *msg,
               size_t msgn) {
    switch (d->format) {
    case CN_FMT_RAW:
        if (d->n == 1) row[d->cols[0]->out] = sl_batch_str(b, data, (uint32_t)len);
        return true;
    case CN_FMT_CSV:
        for (int i = 0; i < d->n; i++) {
            cn_json_val v = {0};
            if (!csv_field(data, len, d->csv_delim, d->csv_pos[i], b, &v)) {
                if (d->fail_on_missing) {
                    snprintf(msg, msgn, "field '%s' is missing", d->names[i]);
                    return false;
                }
                row[d->cols[i]->out] = sl_null();
                continue;
            }
            if (!cn_json_to_value(&v, d->cols[i]->type, b, &row[d->cols[i]->out], msg, msgn)) return false;
        }
        return true;
    case CN_FMT_DEBEZIUM:
        snprintf(msg, msgn, "debezium-json records are read as change events");
        return false;
    default: {
        const char *why = NULL;
        if (cn_json_extract(d->jp, data, len, d->names, d->lens, d->n, d->vals, &why) < 0) {
            snprintf(msg, msgn, "malformed JSON (%s): '%.*s%s'", why, (int)(len > 60 ? 60 : len), data,
                     len > 60 ? "..." : "");
            return false;
        }
        return cn_decode_fields(d, d->vals, b, row, msg, msgn);
    }
    }
}

bool cn_decode_fields(cn_decoder *d, const cn_json_val *vals, sl_batch *b, sl_value *row, char *msg,
                      size_t msgn) {
    for (int i = 0; i < d->n; i++) {
        const cn_json_val *v = &vals[i];
        if (v->kind == CN_JSON_MISSING && d->fail_on_missing) {
            snprintf(msg, msgn, "field '%s' is missing", d->names[i]);
            return false;
        }
        char why2[160];
        if (!cn_json_to_value(v, d->cols[i]->type, b, &row[d->cols[i]->out], why2, sizeof why2)) {
            if (d->null_bad_fields) { /* as Flink: the field is NULL, the record is kept */
                row[d->cols[i]->out] = sl_null();
                continue;
            }
            snprintf(msg, msgn, "field '%s': %s", d->names[i], why2);
            return false;
        }
    }
    return true;
}
