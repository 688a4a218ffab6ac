/* sl_error.h: user-facing error messages that point into SQL text. */
#ifndef SL_ERROR_H
#define SL_ERROR_H

#include <stdarg.h>

/* Formats (malloc'd) an error that names line and column and shows the offending line of
 * `src` with a caret under `col`:
 *     SQL error at line 2, column 8: Unknown column 'amout'. Did you mean 'amount'?
 *       WHERE amout > 100
 *             ^
 * line and col are 1-based; src may be NULL (then no excerpt is shown). */
char *sl_error_at(const char *src, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same with a va_list, for functions that take printf-style arguments themselves. */
char *sl_verror_at(const char *src, int line, int col, const char *fmt, va_list ap);

/* malloc'd printf (and its va_list form). */
char *sl_vstrdupf(const char *fmt, va_list ap);
char *sl_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Levenshtein distance, for "did you mean" suggestions (case-insensitive). */
int sl_edit_distance(const char *a, const char *b);

#endif
