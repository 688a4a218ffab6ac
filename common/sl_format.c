/* sl_format.c: text forms of values (Flink's), and parsing of date/time/decimal text. */
#include "sl_format.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (the era-based civil algorithm). */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Inverse of sl_days_from_civil. */
void sl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

/* Floor division for negative timestamps. */
static int64_t floordiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void sl_format_date(sl_buf *out, int64_t days) {
    int64_t y;
    unsigned m, d;
    sl_civil_from_days(days, &y, &m, &d);
    sl_buf_printf(out, "%04lld-%02u-%02u", (long long)y, m, d);
}

void sl_format_timestamp(sl_buf *out, int64_t micros, int precision, char sep) {
    int64_t days = floordiv(micros, 86400000000LL);
    int64_t rem = micros - days * 86400000000LL;
    sl_format_date(out, days);
    int64_t secs = rem / 1000000, frac = rem % 1000000;
    sl_buf_printf(out, "%c%02d:%02d:%02d", sep, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    if (precision > 0) {
        char f[16];
        snprintf(f, sizeof f, "%06lld000", (long long)frac);
        sl_buf_putc(out, '.');
        sl_buf_append(out, f, (size_t)(precision > 9 ? 9 : precision));
    }
}

void sl_format_decimal(sl_buf *out, int64_t unscaled, int scale) {
    char digits[32];
    uint64_t u = unscaled < 0 ? (uint64_t)0 - (uint64_t)unscaled : (uint64_t)unscaled;
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)u);
    if (unscaled < 0) sl_buf_putc(out, '-');
    if (scale <= 0) { sl_buf_append(out, digits, (size_t)n); return; }
    if (n <= scale) {
        sl_buf_puts(out, "0.");
        for (int i = n; i < scale; i++) sl_buf_putc(out, '0');
        sl_buf_append(out, digits, (size_t)n);
        return;
    }
    sl_buf_append(out, digits, (size_t)(n - scale));
    sl_buf_putc(out, '.');
    sl_buf_append(out, digits + n - scale, (size_t)scale);
}

/* Shortest "%.*e" digits that read back as d (or as the float f when is_float). */
static int shortest(double d, bool is_float, char *buf, size_t n) {
    for (int p = 0; p <= 17; p++) {
        snprintf(buf, n, "%.*e", p, d);
        if (is_float ? (float)strtod(buf, NULL) == (float)d : strtod(buf, NULL) == d) return p;
    }
    return 17;
}

/* Java's Double.toString/Float.toString form from the shortest round-trip digits. */
static void format_java(sl_buf *out, double d, bool is_float) {
    if (isnan(d)) { sl_buf_puts(out, "NaN"); return; }
    if (isinf(d)) { sl_buf_puts(out, d < 0 ? "-Infinity" : "Infinity"); return; }
    if (d == 0) { sl_buf_puts(out, signbit(d) ? "-0.0" : "0.0"); return; }
    char buf[64];
    shortest(d, is_float, buf, sizeof buf);
    /* buf: [-]D[.DDD]e[+-]XX */
    const char *p = buf;
    if (*p == '-') { sl_buf_putc(out, '-'); p++; }
    char digits[32];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (isdigit((unsigned char)*p)) digits[nd++] = *p;
    int exp = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    if (exp >= 7 || exp < -3) { /* scientific: D.DDDE[-]X */
        sl_buf_putc(out, digits[0]);
        sl_buf_putc(out, '.');
        if (nd > 1) sl_buf_append(out, digits + 1, (size_t)(nd - 1));
        else sl_buf_putc(out, '0');
        sl_buf_printf(out, "E%d", exp);
        return;
    }
    if (exp < 0) {
        sl_buf_puts(out, "0.");
        for (int i = -1; i > exp; i--) sl_buf_putc(out, '0');
        sl_buf_append(out, digits, (size_t)nd);
        return;
    }
    for (int i = 0; i <= exp; i++) sl_buf_putc(out, i < nd ? digits[i] : '0');
    sl_buf_putc(out, '.');
    if (nd > exp + 1) sl_buf_append(out, digits + exp + 1, (size_t)(nd - exp - 1));
    else sl_buf_putc(out, '0');
}

void sl_format_double(sl_buf *out, double d) { format_java(out, d, false); }

void sl_format_value(sl_buf *out, sl_type t, sl_value v) {
    if (v.null) { sl_buf_puts(out, "null"); return; }
    switch (t.id) {
    case SL_T_BOOLEAN: sl_buf_puts(out, v.i ? "TRUE" : "FALSE"); break;
    case SL_T_INT:
    case SL_T_BIGINT: sl_buf_printf(out, "%lld", (long long)v.i); break;
    case SL_T_FLOAT: format_java(out, v.d, true); break;
    case SL_T_DOUBLE: format_java(out, v.d, false); break;
    case SL_T_DECIMAL: sl_format_decimal(out, v.i, t.scale); break;
    case SL_T_STRING: sl_buf_append(out, v.s.ptr, v.s.len); break;
    case SL_T_TIMESTAMP: sl_format_timestamp(out, v.i, t.precision, ' '); break;
    case SL_T_TIMESTAMP_LTZ: sl_format_timestamp(out, v.i, t.precision, ' '); break;
    case SL_T_DATE: sl_format_date(out, v.i); break;
    case SL_T_INTERVAL: sl_buf_printf(out, "INTERVAL '%lld' MILLISECOND", (long long)v.i); break;
    default: sl_buf_puts(out, "?"); break;
    }
}

/* Reads exactly `n` digits at *p into *v; false if any is not a digit. */
static bool digits_n(const char **p, const char *end, int n, int *v) {
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || !isdigit((unsigned char)**p)) return false;
        *v = *v * 10 + (**p - '0');
        (*p)++;
    }
    return true;
}

bool sl_parse_date(const char *p, size_t n, int64_t *days) {
    const char *end = p + n;
    while (p < end && isspace((unsigned char)*p)) p++;
    while (end > p && isspace((unsigned char)end[-1])) end--;
    int y, m, d;
    if (!digits_n(&p, end, 4, &y) || p >= end || *p++ != '-') return false;
    if (!digits_n(&p, end, 2, &m) || p >= end || *p++ != '-') return false;
    if (!digits_n(&p, end, 2, &d) || p != end) return false;
    if (m < 1 || m > 12 || d < 1 || d > 31) return false;
    *days = sl_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

bool sl_parse_timestamp(const char *p, size_t n, int64_t *micros) {
    const char *end = p + n;
    while (p < end && isspace((unsigned char)*p)) p++;
    while (end > p && isspace((unsigned char)end[-1])) end--;
    if (end > p && (end[-1] == 'Z' || end[-1] == 'z')) end--;
    const char *q = p;
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (!digits_n(&q, end, 4, &y) || q >= end || *q++ != '-') return false;
    if (!digits_n(&q, end, 2, &mo) || q >= end || *q++ != '-') return false;
    if (!digits_n(&q, end, 2, &d)) return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
    int64_t frac = 0;
    if (q < end) {
        if (*q != ' ' && *q != 'T') return false;
        q++;
        if (!digits_n(&q, end, 2, &h) || q >= end || *q++ != ':') return false;
        if (!digits_n(&q, end, 2, &mi)) return false;
        if (q < end && *q == ':') {
            q++;
            if (!digits_n(&q, end, 2, &s)) return false;
            if (q < end && *q == '.') {
                q++;
                int nd = 0;
                while (q < end && isdigit((unsigned char)*q)) {
                    if (nd < 6) frac = frac * 10 + (*q - '0');
                    nd++;
                    q++;
                }
                if (nd == 0) return false;
                for (; nd < 6; nd++) frac *= 10;
            }
        }
        if (q != end || h > 23 || mi > 59 || s > 59) return false;
    }
    *micros = sl_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400000000LL +
              ((int64_t)h * 3600 + mi * 60 + s) * 1000000LL + frac;
    return true;
}

bool sl_parse_decimal(const char *p, size_t n, int scale, int64_t *unscaled) {
    const char *end = p + n;
    while (p < end && isspace((unsigned char)*p)) p++;
    while (end > p && isspace((unsigned char)end[-1])) end--;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
    if (p >= end) return false;
    uint64_t v = 0;
    int frac_digits = 0, total = 0;
    bool dot = false, any = false, round_up = false;
    for (; p < end; p++) {
        if (*p == '.' && !dot) { dot = true; continue; }
        if (!isdigit((unsigned char)*p)) return false;
        any = true;
        if (dot && frac_digits >= scale) { /* beyond the scale: round half up on the first */
            if (frac_digits == scale && *p >= '5') round_up = true;
            frac_digits++;
            continue;
        }
        v = v * 10 + (uint64_t)(*p - '0');
        if (v || total) total++;
        if (total > 18) return false;
        if (dot) frac_digits++;
    }
    if (!any) return false;
    for (int i = frac_digits < scale ? frac_digits : scale; i < scale; i++) {
        v *= 10;
        if (v > 999999999999999999ULL) return false;
    }
    if (round_up) v++;
    *unscaled = neg ? -(int64_t)v : (int64_t)v;
    return true;
}
