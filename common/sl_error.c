/* sl_error.c: error messages with line, column and a caret under the SQL text. */
#include "sl_error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sl_buf.h"

char *sl_vstrdupf(const char *fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *p = malloc((size_t)n + 1);
    if (!p) abort();
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *sl_strdupf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = sl_vstrdupf(fmt, ap);
    va_end(ap);
    return p;
}

char *sl_error_at(const char *src, int line, int col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *e = sl_verror_at(src, line, col, fmt, ap);
    va_end(ap);
    return e;
}

char *sl_verror_at(const char *src, int line, int col, const char *fmt, va_list ap) {
    sl_buf b = {0};
    sl_buf_printf(&b, "SQL error at line %d, column %d: ", line, col);
    char *msg = sl_vstrdupf(fmt, ap);
    sl_buf_puts(&b, msg);
    free(msg);
    if (src && line >= 1) {
        const char *p = src;
        for (int l = 1; l < line && *p; p++)
            if (*p == '\n') l++;
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        sl_buf_puts(&b, "\n  ");
        sl_buf_append(&b, p, n);
        sl_buf_puts(&b, "\n  ");
        for (int i = 1; i < col && (size_t)(i - 1) < n; i++)
            sl_buf_putc(&b, p[i - 1] == '\t' ? '\t' : ' ');
        sl_buf_putc(&b, '^');
    }
    return sl_buf_steal(&b);
}

int sl_edit_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return 99;
    int prev[65], cur[65];
    for (size_t j = 0; j <= m; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            cur[j] = v;
        }
        memcpy(prev, cur, sizeof(int) * (m + 1));
    }
    return prev[m];
}
