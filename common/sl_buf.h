/* sl_buf.h: growable byte buffer (for encoders, messages, result text). */
#ifndef SL_BUF_H
#define SL_BUF_H

#include <stddef.h>

typedef struct sl_buf {
    char *data;   /* always NUL-terminated when data != NULL */
    size_t len;
    size_t cap;
} sl_buf;

void sl_buf_reserve(sl_buf *b, size_t extra);
void sl_buf_append(sl_buf *b, const char *p, size_t n);
void sl_buf_puts(sl_buf *b, const char *s);
void sl_buf_putc(sl_buf *b, char c);
void sl_buf_printf(sl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl_buf_clear(sl_buf *b);   /* len = 0, keeps memory */
void sl_buf_free(sl_buf *b);
char *sl_buf_steal(sl_buf *b);  /* returns malloc'd string (never NULL), leaves b empty */

#endif
