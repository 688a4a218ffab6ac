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

/* One value in JSON. */
static void json_value(sl_buf *out, sl_type t, sl_value v, bool iso) {
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
    case SL_T_FLOAT:
    case SL_T_DOUBLE:
    case SL_T_DECIMAL:
        if ((t.id != SL_T_DECIMAL) && (v.d != v.d || v.d == 1.0 / 0.0 || v.d == -1.0 / 0.0)) {
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
        sl_format_timestamp(out, v.i, t.precision, iso ? 'T' : ' ');
        if (t.id == SL_T_TIMESTAMP_LTZ) sl_buf_putc(out, 'Z');
        sl_buf_putc(out, '"');
        return;
    default:
        sl_buf_putc(out, '"');
        sl_format_value(out, t, v);
        sl_buf_putc(out, '"');
    }
}

void cn_json_encode(sl_buf *out, const cn_column *cols, const int *which, int n, const sl_value *row, bool iso) {
    sl_buf_putc(out, '{');
    for (int k = 0; k < n; k++) {
        const cn_column *c = &cols[which ? which[k] : k];
        if (k) sl_buf_putc(out, ',');
        cn_json_string(out, c->name, strlen(c->name));
        sl_buf_putc(out, ':');
        json_value(out, c->type, row[c->out], iso);
    }
    sl_buf_putc(out, '}');
}
