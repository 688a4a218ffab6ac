/* cn_json_encode.c: rows to JSON text, as Flink's json format writes them. Hand-written into a
 * reused buffer: no allocation per row once the buffer has grown. */
#include <stdio.h>
#include <string.h>
#include "../common/sl_format.h"
#include "cn_internal.h"

/* A JSON string literal with the required escapes (UTF-8 passes through). */
void cn_json_string(sl_buf *out, const char *p, size_t n) {
    static const char hex[] = "0123456789abcdef";
    sl_buf_reserve(out, n + 2);
    sl_buf_putc(out, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        sl_buf_append(out, p + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': sl_buf_puts(out, "\\\""); break;
        case '\\': sl_buf_puts(out, "\\\\"); break;
        case '\n': sl_buf_puts(out, "\\n"); break;
        case '\r': sl_buf_puts(out, "\\r"); break;
        case '\t': sl_buf_puts(out, "\\t"); break;
        case '\b': sl_buf_puts(out, "\\b"); break;
        case '\f': sl_buf_puts(out, "\\f"); break;
        default: {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            sl_buf_puts(out, u);
        }
        }
    }
    sl_buf_append(out, p + start, n - start);
    sl_buf_putc(out, '"');
}

/* A timestamp as Flink's JSON format writes it: the fraction of a second with its trailing
 * zeros dropped ('10:00:00.25', '10:00:00'), whatever the column's precision. */
static void json_timestamp(sl_buf *out, int64_t micros, int precision, char sep) {
    size_t start = out->len;
    sl_format_timestamp(out, micros, precision, sep);
    char *dot = memchr(out->data + start, '.', out->len - start);
    if (!dot) return;
    while (out->len > start && out->data[out->len - 1] == '0') out->len--;
    if (out->data + out->len - 1 == dot) out->len--;
    out->data[out->len] = 0;
}

/* A DECIMAL as Flink's JSON format writes it (Jackson's number node of the BigDecimal, which
 * strips trailing zeros, then BigDecimal.toString): 0.70 -> 0.7, 30.75 -> 30.75, 10.00 -> 1E+1;
 * with 'json.encode.decimal-as-plain-number' = 'true' plain digits: 10.00 -> 10. */
static void json_decimal(sl_buf *out, int64_t unscaled, int scale, bool plain) {
    if (unscaled == 0) { sl_buf_putc(out, '0'); return; }
    while (unscaled % 10 == 0) { unscaled /= 10; scale--; }
    if (scale >= 0) { sl_format_decimal(out, unscaled, scale); return; }
    char digits[24];
    uint64_t u = unscaled < 0 ? (uint64_t)0 - (uint64_t)unscaled : (uint64_t)unscaled;
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)u);
    if (unscaled < 0) sl_buf_putc(out, '-');
    if (plain) {
        sl_buf_append(out, digits, (size_t)n);
        for (int i = 0; i < -scale; i++) sl_buf_putc(out, '0');
        return;
    }
    /* scientific: one digit, the rest after a point, E+exponent */
    sl_buf_putc(out, digits[0]);
    if (n > 1) {
        sl_buf_putc(out, '.');
        sl_buf_append(out, digits + 1, (size_t)(n - 1));
    }
    sl_buf_printf(out, "E+%d", n - 1 - scale);
}

/* One value in JSON. */
static void json_value(sl_buf *out, sl_type t, sl_value v, bool iso, bool plain) {
    if (v.null) { sl_buf_puts(out, "null"); return; }
    switch (t.id) {
    case SL_T_BOOLEAN: sl_buf_puts(out, v.i ? "true" : "false"); return;
    case SL_T_INT:
    case SL_T_BIGINT: {
        char d[24];
        int n = snprintf(d, sizeof d, "%lld", (long long)v.i);
        sl_buf_append(out, d, (size_t)n);
        return;
    }
    case SL_T_DECIMAL: json_decimal(out, v.i, t.scale, plain); return;
    case SL_T_FLOAT:
    case SL_T_DOUBLE:
        if ((v.d != v.d || v.d == 1.0 / 0.0 || v.d == -1.0 / 0.0)) {
            sl_buf_putc(out, '"');
            sl_format_value(out, t, v);
            sl_buf_putc(out, '"');
            return;
        }
        sl_format_value(out, t, v);
        return;
    case SL_T_STRING: cn_json_string(out, v.s.ptr, v.s.len); return;
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ:
        sl_buf_putc(out, '"');
        json_timestamp(out, v.i, t.precision, iso ? 'T' : ' ');
        if (t.id == SL_T_TIMESTAMP_LTZ) sl_buf_putc(out, 'Z');
        sl_buf_putc(out, '"');
        return;
    default:
        sl_buf_putc(out, '"');
        sl_format_value(out, t, v);
        sl_buf_putc(out, '"');
    }
}

void cn_json_encode(sl_buf *out, const cn_column *cols, const int *which, int n, const sl_value *row, bool iso,
                    bool plain_decimals) {
    sl_buf_putc(out, '{');
    for (int k = 0; k < n; k++) {
        const cn_column *c = &cols[which ? which[k] : k];
        if (k) sl_buf_putc(out, ',');
        cn_json_string(out, c->name, strlen(c->name));
        sl_buf_putc(out, ':');
        json_value(out, c->type, row[c->out], iso, plain_decimals);
    }
    sl_buf_putc(out, '}');
}
