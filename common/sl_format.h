/* sl_format.h: text forms of values, and parsing of date/time text.
 * Text forms follow Flink SQL's CAST(x AS STRING) and its SQL client:
 *   TIMESTAMP(3)  "2024-01-02 03:04:05.678"   (exactly p fractional digits)
 *   DATE          "2024-01-02"
 *   DECIMAL(10,2) "12.50"
 *   DOUBLE        Java's Double.toString-like shortest form: "1.0", "0.92", "1.0E10"
 *   BOOLEAN       "TRUE" / "FALSE" in CAST and in sl_format_value (Flink's CAST(TRUE AS STRING)
 *                 gives 'TRUE'); the print connector and JSON write "true"/"false" themselves
 *                 (see sl_row.c)
 *   INTERVAL      "+0 00:00:05.000" (day-time, as Flink's SQL client prints it)
 */
#ifndef SL_FORMAT_H
#define SL_FORMAT_H

#include <stdbool.h>
#include "sl_buf.h"
#include "sl_value.h"

/* Appends the text form of v (type t) to out; NULL appends "null" (as Flink prints a Row). */
void sl_format_value(sl_buf *out, sl_type t, sl_value v);
/* Appends a double the way Java's Double.toString prints it (Flink's text form). */
void sl_format_double(sl_buf *out, double d);
/* Appends a timestamp in microseconds with `precision` fractional digits, separator ' ' or 'T'. */
void sl_format_timestamp(sl_buf *out, int64_t micros, int precision, char sep);
void sl_format_date(sl_buf *out, int64_t days);
void sl_format_decimal(sl_buf *out, int64_t unscaled, int scale);

/* Parses "YYYY-MM-DD[ T]HH:MM[:SS[.fffffffff]][Z]" into microseconds; false on bad text.
 * A bare date means midnight; surrounding blanks are ignored; digits beyond microseconds are
 * truncated. sl_parse_date takes "YYYY-MM-DD" (month and day may have one digit). */
bool sl_parse_timestamp(const char *p, size_t n, int64_t *micros);
bool sl_parse_date(const char *p, size_t n, int64_t *days);
/* Parses a decimal literal text ("-12.345", "1.5E3") into an unscaled value at `scale` (rounds
 * half up, i.e. ties away from zero); false on bad text or overflow of 18 digits. The caller
 * checks the precision. */
bool sl_parse_decimal(const char *p, size_t n, int scale, int64_t *unscaled);

/* Civil date helpers (proleptic Gregorian). */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d);
void sl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* ---- additions (expression work): allocation-free variants and helpers ---- */

/* Buffer variants of the formatters above: write the text into buf (at least SL_FMT_BUFSZ
 * bytes), NUL-terminate it and return its length. For hot paths (CAST to STRING). */
#define SL_FMT_BUFSZ 64
int sl_fmt_double(char *buf, double d);
int sl_fmt_float(char *buf, float f);   /* Java's Float.toString */
int sl_fmt_timestamp(char *buf, int64_t micros, int precision, char sep);
int sl_fmt_date(char *buf, int64_t days);
int sl_fmt_decimal(char *buf, int64_t unscaled, int scale);
int sl_fmt_interval(char *buf, int64_t millis);
void sl_format_float(sl_buf *out, float f);

/* Shortest decimal digits that read back as d (as float when as_float): writes the digits
 * (no leading or trailing zeros, NUL-terminated; digits needs 20 bytes) and sets *exp10 so
 * that |d| = 0.DIGITS x 10^exp10. Returns the digit count; 0 for zero, NaN and infinities. */
int sl_double_digits(double d, bool as_float, char *digits, int *exp10);

#endif
