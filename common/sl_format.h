/* sl_format.h: text forms of values, and parsing of date/time text.
 * Text forms follow Flink SQL's CAST(x AS STRING) and its SQL client:
 *   TIMESTAMP(3)  "2024-01-02 03:04:05.678"   (exactly p fractional digits)
 *   DATE          "2024-01-02"
 *   DECIMAL(10,2) "12.50"
 *   DOUBLE        Java's Double.toString-like shortest form: "1.0", "0.92", "1.0E10"
 *   BOOLEAN       "TRUE" / "FALSE" in CAST; "true"/"false" in JSON
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

/* Parses "YYYY-MM-DD[ T]HH:MM[:SS[.fffffffff]][Z]" into microseconds; false on bad text. */
bool sl_parse_timestamp(const char *p, size_t n, int64_t *micros);
bool sl_parse_date(const char *p, size_t n, int64_t *days);
/* Parses a decimal literal text ("-12.345") into an unscaled value at `scale` (rounds half up);
 * false on bad text or overflow of 18 digits. */
bool sl_parse_decimal(const char *p, size_t n, int scale, int64_t *unscaled);

/* Civil date helpers (proleptic Gregorian). */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d);
void sl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
