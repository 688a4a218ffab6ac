/* sl_format.c: text forms of values (Flink's CAST(x AS STRING)) and parsing of date/time and
 * decimal text. See sl_format.h for the forms. */
#include "sl_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MICROS_PER_DAY 86400000000LL

/* Floor division and modulo for a positive divisor (dates before 1970 round down). */
static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}
static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

/* ---- civil dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date. Counts in 400-year eras that start on
 * March 1st, so the leap day is the last day of an era-year. */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;          /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;             /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* Inverse of sl_days_from_civil. */
void sl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Days in month m of year y. */
static unsigned month_days(int64_t y, unsigned m) {
    static const unsigned dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

/* ---- doubles ---- */

int sl_double_digits(double d, bool as_float, char *digits, int *exp10) {
    if (d == 0 || isnan(d) || isinf(d)) {
        digits[0] = 0;
        *exp10 = 0;
        return 0;
    }
    double a = fabs(d);
    char buf[40];
    /* The nearest P-digit decimal reads back whenever any P-digit decimal does, so the first
     * P that round-trips gives the shortest form. Starting at 15 digits (6 for float) is
     * enough: decimals of up to 15 digits are far enough apart that a shorter form that reads
     * back is also the nearest 15-digit one, padded with zeros (stripped below). */
    int lo = as_float ? 6 : 15, hi = as_float ? 9 : 17;
    for (int p = lo; p <= hi; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, a);
        bool ok = as_float ? strtof(buf, NULL) == (float)a : strtod(buf, NULL) == a;
        if (ok || p == hi) break;
    }
    /* buf is "D.DDDDe+XX" */
    int n = 0;
    const char *s = buf;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9') digits[n++] = *s;
    int e = atoi(s + 1);
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = 0;
    *exp10 = e + 1;
    return n;
}

/* Java's Double.toString / Float.toString layout over the shortest digits: plain decimal for
 * 1e-3 <= |x| < 1e7 (always with a '.'), else D.DDDE[-]X. */
static int fmt_java(char *buf, double d, bool as_float) {
    if (isnan(d)) {
        strcpy(buf, "NaN");
        return 3;
    }
    if (isinf(d)) {
        strcpy(buf, d < 0 ? "-Infinity" : "Infinity");
        return (int)strlen(buf);
    }
    char *o = buf;
    if (signbit(d)) *o++ = '-';
    if (d == 0) {
        strcpy(o, "0.0");
        return (int)(o - buf) + 3;
    }
    char dg[24];
    int e;
    int n = sl_double_digits(d, as_float, dg, &e);
    int x = e - 1; /* scientific exponent */
    if (x >= -3 && x < 7) {
        if (x >= 0) {
            for (int i = 0; i <= x; i++) *o++ = i < n ? dg[i] : '0';
            *o++ = '.';
            if (n > x + 1)
                for (int i = x + 1; i < n; i++) *o++ = dg[i];
            else
                *o++ = '0';
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -x - 1; i++) *o++ = '0';
            for (int i = 0; i < n; i++) *o++ = dg[i];
        }
        *o = 0;
        return (int)(o - buf);
    }
    *o++ = dg[0];
    *o++ = '.';
    if (n > 1)
        for (int i = 1; i < n; i++) *o++ = dg[i];
    else
        *o++ = '0';
    o += sprintf(o, "E%d", x);
    return (int)(o - buf);
}

int sl_fmt_double(char *buf, double d) { return fmt_java(buf, d, false); }
int sl_fmt_float(char *buf, float f) { return fmt_java(buf, (double)f, true); }

void sl_format_double(sl_buf *out, double d) {
    char b[SL_FMT_BUFSZ];
    sl_buf_append(out, b, (size_t)sl_fmt_double(b, d));
}

void sl_format_float(sl_buf *out, float f) {
    char b[SL_FMT_BUFSZ];
    sl_buf_append(out, b, (size_t)sl_fmt_float(b, f));
}

/* ---- decimals, dates, timestamps, intervals ---- */

int sl_fmt_decimal(char *buf, int64_t unscaled, int scale) {
    uint64_t u = unscaled < 0 ? 0 - (uint64_t)unscaled : (uint64_t)unscaled;
    char dg[24];
    int n = 0;
    do {
        dg[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n <= scale) dg[n++] = '0'; /* at least one digit before the point */
    char *o = buf;
    if (unscaled < 0) *o++ = '-';
    for (int i = n - 1; i >= 0; i--) {
        *o++ = dg[i];
        if (i == scale && scale > 0) *o++ = '.';
    }
    *o = 0;
    return (int)(o - buf);
}

void sl_format_decimal(sl_buf *out, int64_t unscaled, int scale) {
    char b[SL_FMT_BUFSZ];
    sl_buf_append(out, b, (size_t)sl_fmt_decimal(b, unscaled, scale));
}

int sl_fmt_date(char *buf, int64_t days) {
    int64_t y;
    unsigned m, d;
    sl_civil_from_days(days, &y, &m, &d);
    return snprintf(buf, SL_FMT_BUFSZ, "%04lld-%02u-%02u", (long long)y, m, d);
}

void sl_format_date(sl_buf *out, int64_t days) {
    char b[SL_FMT_BUFSZ];
    sl_buf_append(out, b, (size_t)sl_fmt_date(b, days));
}

int sl_fmt_timestamp(char *buf, int64_t micros, int precision, char sep) {
    int64_t days = floor_div(micros, MICROS_PER_DAY);
    int64_t tod = floor_mod(micros, MICROS_PER_DAY);
    int n = sl_fmt_date(buf, days);
    int64_t secs = tod / 1000000, frac = tod % 1000000;
    n += snprintf(buf + n, (size_t)(SL_FMT_BUFSZ - n), "%c%02d:%02d:%02d", sep, (int)(secs / 3600),
                  (int)(secs / 60 % 60), (int)(secs % 60));
    if (precision > 9) precision = 9;
    if (precision > 0) {
        char f[8];
        snprintf(f, sizeof f, "%06d", (int)frac);
        buf[n++] = '.';
        for (int i = 0; i < precision; i++) buf[n++] = i < 6 ? f[i] : '0';
        buf[n] = 0;
    }
    return n;
}

void sl_format_timestamp(sl_buf *out, int64_t micros, int precision, char sep) {
    char b[SL_FMT_BUFSZ];
    sl_buf_append(out, b, (size_t)sl_fmt_timestamp(b, micros, precision, sep));
}

int sl_fmt_interval(char *buf, int64_t millis) {
    uint64_t u = millis < 0 ? 0 - (uint64_t)millis : (uint64_t)millis;
    uint64_t ms = u % 1000, s = u / 1000;
    return snprintf(buf, SL_FMT_BUFSZ, "%c%llu %02u:%02u:%02u.%03u", millis < 0 ? '-' : '+',
                    (unsigned long long)(s / 86400), (unsigned)(s / 3600 % 24), (unsigned)(s / 60 % 60),
                    (unsigned)(s % 60), (unsigned)ms);
}

void sl_format_value(sl_buf *out, sl_type t, sl_value v) {
    if (v.null) {
        sl_buf_puts(out, "null");
        return;
    }
    char b[SL_FMT_BUFSZ];
    int n = 0;
    switch ((sl_type_id)t.id) {
    case SL_T_NULL: sl_buf_puts(out, "null"); return;
    case SL_T_BOOLEAN: sl_buf_puts(out, v.i ? "TRUE" : "FALSE"); return;
    case SL_T_INT:
    case SL_T_BIGINT: n = snprintf(b, sizeof b, "%lld", (long long)v.i); break;
    case SL_T_FLOAT: n = sl_fmt_float(b, (float)v.d); break;
    case SL_T_DOUBLE: n = sl_fmt_double(b, v.d); break;
    case SL_T_DECIMAL: n = sl_fmt_decimal(b, v.i, t.scale); break;
    case SL_T_STRING: sl_buf_append(out, v.s.ptr, v.s.len); return;
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ: n = sl_fmt_timestamp(b, v.i, t.precision, ' '); break;
    case SL_T_DATE: n = sl_fmt_date(b, v.i); break;
    case SL_T_INTERVAL: n = sl_fmt_interval(b, v.i); break;
    default: sl_buf_puts(out, "?"); return;
    }
    sl_buf_append(out, b, (size_t)n);
}

/* ---- parsing ---- */

/* Reads 1..maxd digits at *p (before end) into *v; false if there is no digit. */
static bool read_num(const char **p, const char *end, int maxd, int64_t *v) {
    int n = 0;
    int64_t x = 0;
    while (*p < end && n < maxd && **p >= '0' && **p <= '9') {
        x = x * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *v = x;
    return n > 0;
}

/* Trims blanks from both ends of [*p, *end). */
static void trim(const char **p, const char **end) {
    while (*p < *end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')) (*p)++;
    while (*end > *p && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\n' || (*end)[-1] == '\r'))
        (*end)--;
}

/* Parses "YYYY-M[M]-D[D]" at *p and advances past it. */
static bool read_date(const char **p, const char *end, int64_t *days) {
    int64_t y, m, d;
    const char *s = *p;
    if (!read_num(&s, end, 4, &y) || s - *p != 4) return false;
    if (s >= end || *s++ != '-' || !read_num(&s, end, 2, &m)) return false;
    if (s >= end || *s++ != '-' || !read_num(&s, end, 2, &d)) return false;
    if (m < 1 || m > 12 || d < 1 || d > month_days(y, (unsigned)m)) return false;
    *days = sl_days_from_civil(y, (unsigned)m, (unsigned)d);
    *p = s;
    return true;
}

bool sl_parse_date(const char *p, size_t n, int64_t *days) {
    const char *end = p + n;
    trim(&p, &end);
    return read_date(&p, end, days) && p == end;
}

bool sl_parse_timestamp(const char *p, size_t n, int64_t *micros) {
    const char *end = p + n;
    trim(&p, &end);
    int64_t days, h = 0, mi = 0, s = 0, frac = 0;
    if (!read_date(&p, end, &days)) return false;
    if (p < end) {
        if (*p != ' ' && *p != 'T') return false;
        p++;
        if (!read_num(&p, end, 2, &h) || p >= end || *p++ != ':' || !read_num(&p, end, 2, &mi)) return false;
        if (p < end && *p == ':') {
            p++;
            if (!read_num(&p, end, 2, &s)) return false;
            if (p < end && *p == '.') {
                p++;
                int nd = 0;
                while (p < end && *p >= '0' && *p <= '9') {
                    if (nd < 6) frac = frac * 10 + (*p - '0');
                    nd++;
                    p++;
                }
                if (nd == 0 || nd > 9) return false;
                for (; nd < 6; nd++) frac *= 10;
            }
        }
        if (p < end && *p == 'Z') p++;
        if (p != end || h > 23 || mi > 59 || s > 59) return false;
    }
    *micros = days * MICROS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000000 + frac;
    return true;
}

bool sl_parse_decimal(const char *p, size_t n, int scale, int64_t *unscaled) {
    const char *end = p + n;
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-')) neg = *p++ == '-';
    const char *i0 = p;
    while (p < end && *p >= '0' && *p <= '9') p++;
    const char *i1 = p, *f0 = p, *f1 = p;
    if (p < end && *p == '.') {
        f0 = ++p;
        while (p < end && *p >= '0' && *p <= '9') p++;
        f1 = p;
    }
    int nint = (int)(i1 - i0), nfrac = (int)(f1 - f0);
    if (nint + nfrac == 0) return false;
    int64_t ex = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        const char *e0 = p;
        while (p < end && *p >= '0' && *p <= '9') {
            if (ex < 100000) ex = ex * 10 + (*p - '0');
            p++;
        }
        if (p == e0) return false;
        if (eneg) ex = -ex;
    }
    if (p != end) return false;
    /* value = SEQ x 10^(ex - nfrac), SEQ = integer digits then fraction digits */
    int nseq = nint + nfrac;
    int64_t k = ex - nfrac + scale;           /* unscaled = SEQ x 10^k */
    int64_t keep = k < 0 ? nseq + k : nseq;   /* digits of SEQ kept before rounding */
    const uint64_t max18 = 999999999999999999ULL;
    uint64_t acc = 0;
    for (int64_t i = 0; i < keep && i < nseq; i++) {
        char c = i < nint ? i0[i] : f0[i - nint];
        acc = acc * 10 + (uint64_t)(c - '0');
        if (acc > max18) return false;
    }
    if (k > 0 && acc) {
        for (int64_t j = 0; j < k; j++) {
            acc *= 10;
            if (acc > max18) return false;
        }
    }
    if (keep >= 0 && keep < nseq) {
        char c = keep < nint ? i0[keep] : f0[keep - nint];
        if (c >= '5') acc++;
        if (acc > max18) return false;
    }
    *unscaled = neg ? -(int64_t)acc : (int64_t)acc;
    return true;
}
