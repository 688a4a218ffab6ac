/* sl_buf.c: growable byte buffer. */
#include "sl_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sl_buf_reserve(sl_buf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
    b->data = d;
    b->cap = cap;
}

void sl_buf_append(sl_buf *b, const char *p, size_t n) {
    sl_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void sl_buf_puts(sl_buf *b, const char *s) { sl_buf_append(b, s, strlen(s)); }

void sl_buf_putc(sl_buf *b, char c) {
    sl_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

void sl_buf_printf(sl_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) { sl_buf_append(b, tmp, (size_t)n); return; }
    sl_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sl_buf_clear(sl_buf *b) {
    b->len = 0;
    if (b->data) b->data[0] = 0;
}

void sl_buf_free(sl_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *sl_buf_steal(sl_buf *b) {
    if (!b->data) sl_buf_reserve(b, 0), b->data[0] = 0;
    char *d = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}
