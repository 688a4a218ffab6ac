/* rt_cast.c: CAST between types, with Flink 1.20's semantics:
 *   - text that is not a valid value of the target type is an error ("Cannot cast 'abc' to
 *     INT"); TRY_CAST (err == NULL here) gives NULL instead;
 *   - a number that does not fit a DECIMAL gives NULL; integer narrowing wraps (Java);
 *     DOUBLE/FLOAT to an integer truncates toward zero and saturates (Java's (int) cast);
 *   - DECIMAL rescaling and DOUBLE -> DECIMAL round half up (DOUBLE through its shortest
 *     decimal form, like BigDecimal.valueOf);
 *   - VARCHAR(n) targets keep the whole string (Flink 1.20 neither pads nor truncates);
 *   - TIMESTAMP <-> TIMESTAMP_LTZ keep the instant (the session time zone is UTC);
 *   - strings to BOOLEAN accept true/false/t/f/yes/no/y/n/1/0 in any case. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "../common/sl_format.h"
#include "rt_internal.h"

#define MICROS_PER_DAY 86400000000LL

/* Sets *err (when wanted) to "Cannot cast 'text' to T" and returns false. */
static bool bad_text(sl_value in, sl_type to, char **err) {
    if (err) {
        char t[64];
        to.not_null = false;
        int n = in.s.len > 100 ? 100 : (int)in.s.len;
        *err = sl_strdupf("Cannot cast '%.*s%s' to %s", n, in.s.ptr, in.s.len > 100 ? "..." : "",
                          sl_type_name(to, t, sizeof t));
    }
    return false;
}

static bool bad_types(sl_type from, sl_type to, char **err) {
    if (err) {
        char f[64], t[64];
        from.not_null = to.not_null = false;
        *err = sl_strdupf("Cannot cast %s to %s", sl_type_name(from, f, sizeof f), sl_type_name(to, t, sizeof t));
    }
    return false;
}

/* Trims blanks off a string value. */
static void trim_blanks(const char **p, size_t *n) {
    while (*n && ((*p)[0] == ' ' || (*p)[0] == '\t' || (*p)[0] == '\n' || (*p)[0] == '\r')) (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' || (*p)[*n - 1] == '\n' || (*p)[*n - 1] == '\r')) (*n)--;
}

/* Integer text: [+-]digits[.digits] (the fraction is dropped, as Flink does); false on bad
 * text or when it does not fit 64 bits. */
static bool parse_int(const char *p, size_t n, int64_t *out) {
    trim_blanks(&p, &n);
    size_t i = 0;
    bool neg = false;
    if (i < n && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
    size_t d0 = i;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        uint64_t d = (uint64_t)(p[i] - '0');
        if (v > (lim - d) / 10) return false;
        v = v * 10 + d;
    }
    if (i == d0) return false;
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
    }
    if (i != n) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Floating text as Java's Double.parseDouble reads it (decimal or scientific, NaN, Infinity). */
static bool parse_double(const char *p, size_t n, double *out) {
    trim_blanks(&p, &n);
    char buf[128];
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, p, n);
    buf[n] = 0;
    const char *s = buf + (buf[0] == '+' || buf[0] == '-');
    if (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0) {
        *out = strcmp(s, "NaN") == 0 ? NAN : buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    for (const char *c = s; *c; c++)
        if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E' || *c == '+' || *c == '-')) return false;
    char *end;
    *out = strtod(buf, &end);
    return end != buf && *end == 0;
}

/* Decimal text syntax check ([+-]digits[.digits][e[+-]digits]), to tell bad text from an
 * overflow when sl_parse_decimal refuses. */
static bool decimal_syntax(const char *p, size_t n) {
    int64_t dummy;
    return sl_parse_decimal(p, n, 0, &dummy) || parse_double(p, n, &(double){0});
}

/* Unscaled DECIMAL at `scale` from a double: its shortest decimal digits rounded half up;
 * false if NaN, infinite or too large. */
static bool double_to_dec(double d, bool as_float, int scale, int64_t *out) {
    if (isnan(d) || isinf(d)) return false;
    if (d == 0) {
        *out = 0;
        return true;
    }
    char dg[24], txt[64];
    int ex;
    sl_double_digits(d, as_float, dg, &ex);
    int n = snprintf(txt, sizeof txt, "%s0.%sE%d", d < 0 ? "-" : "", dg, ex);
    return sl_parse_decimal(txt, (size_t)n, scale, out);
}

/* Text form of v (type from) into the arena. */
static sl_value to_string(sl_value v, sl_type from, sl_arena *arena) {
    char b[SL_FMT_BUFSZ];
    int n;
    switch (from.id) {
    case SL_T_STRING: return v;
    case SL_T_BOOLEAN: return v.i ? sl_str("TRUE", 4) : sl_str("FALSE", 5);
    case SL_T_INT:
    case SL_T_BIGINT: { /* digits backwards, without printf */
        uint64_t u = v.i < 0 ? 0 - (uint64_t)v.i : (uint64_t)v.i;
        char *q = b + sizeof b;
        do *--q = (char)('0' + u % 10);
        while (u /= 10);
        if (v.i < 0) *--q = '-';
        n = (int)(b + sizeof b - q);
        char *p = sl_arena_alloc(arena, (size_t)n);
        memcpy(p, q, (size_t)n);
        return sl_str(p, (uint32_t)n);
    }
    case SL_T_FLOAT: n = sl_fmt_float(b, (float)v.d); break;
    case SL_T_DOUBLE: n = sl_fmt_double(b, v.d); break;
    case SL_T_DECIMAL: n = sl_fmt_decimal(b, v.i, from.scale); break;
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ: n = sl_fmt_timestamp(b, v.i, from.precision, ' '); break;
    case SL_T_DATE: n = sl_fmt_date(b, v.i); break;
    case SL_T_INTERVAL: n = sl_fmt_interval(b, v.i); break;
    default: n = 0; break;
    }
    char *p = sl_arena_alloc(arena, (size_t)n + 1);
    memcpy(p, b, (size_t)n + 1);
    return sl_str(p, (uint32_t)n);
}

/* Java's (int)/(long) of a double: truncation toward zero, saturating, NaN -> 0. */
static int64_t double_to_int(double d, bool is_int) {
    if (isnan(d)) return 0;
    double lo = is_int ? -2147483648.0 : -9223372036854775808.0;
    double hi = is_int ? 2147483647.0 : 9223372036854775807.0;
    if (d <= lo) return is_int ? INT32_MIN : INT64_MIN;
    if (d >= hi) return is_int ? INT32_MAX : INT64_MAX;
    return (int64_t)d;
}

/* Truncates microseconds to `precision` fractional digits (toward the past). */
static int64_t trunc_ts(int64_t us, int precision) {
    if (precision >= 6) return us;
    int64_t unit = rt_pow10[6 - precision];
    return rt_floor_div(us, unit) * unit;
}

static bool parse_bool(const char *p, size_t n, bool *out) {
    static const char *const T[] = {"true", "t", "yes", "y", "1"}, *const F[] = {"false", "f", "no", "n", "0"};
    trim_blanks(&p, &n);
    for (int i = 0; i < 5; i++) {
        if (strlen(T[i]) == n && strncasecmp(p, T[i], n) == 0) return *out = true, true;
        if (strlen(F[i]) == n && strncasecmp(p, F[i], n) == 0) return *out = false, true;
    }
    return false;
}

bool rt_cast_value(sl_value in, sl_type from, sl_type to, sl_arena *arena, sl_value *out, char **err) {
    *out = sl_null();
    if (in.null) return true;
    int f = from.id;
    switch (to.id) {
    case SL_T_STRING: *out = to_string(in, from, arena); return true;
    case SL_T_BOOLEAN:
        switch (f) {
        case SL_T_BOOLEAN:
        case SL_T_INT:
        case SL_T_BIGINT:
        case SL_T_DECIMAL: *out = sl_int(in.i != 0); return true;
        case SL_T_FLOAT:
        case SL_T_DOUBLE: *out = sl_int(in.d != 0); return true;
        case SL_T_STRING: {
            bool b;
            if (!parse_bool(in.s.ptr, in.s.len, &b)) return bad_text(in, to, err);
            *out = sl_int(b);
            return true;
        }
        default: return bad_types(from, to, err);
        }
    case SL_T_INT:
    case SL_T_BIGINT: {
        bool is_int = to.id == SL_T_INT;
        int64_t v;
        switch (f) {
        case SL_T_BOOLEAN:
        case SL_T_INT:
        case SL_T_BIGINT: v = in.i; break;
        case SL_T_FLOAT:
        case SL_T_DOUBLE: v = double_to_int(in.d, is_int); break;
        case SL_T_DECIMAL: v = in.i / rt_pow10[from.scale]; break;
        case SL_T_STRING:
            if (!parse_int(in.s.ptr, in.s.len, &v) || (is_int && (v < INT32_MIN || v > INT32_MAX)))
                return bad_text(in, to, err);
            break;
        default: return bad_types(from, to, err);
        }
        *out = sl_int(is_int ? (int64_t)(int32_t)(uint32_t)(uint64_t)v : v);
        return true;
    }
    case SL_T_FLOAT:
    case SL_T_DOUBLE: {
        double d;
        switch (f) {
        case SL_T_BOOLEAN:
        case SL_T_INT:
        case SL_T_BIGINT: d = (double)in.i; break;
        case SL_T_FLOAT:
        case SL_T_DOUBLE: d = in.d; break;
        case SL_T_DECIMAL:
            if (to.id == SL_T_FLOAT) {
                char b[SL_FMT_BUFSZ];
                sl_fmt_decimal(b, in.i, from.scale);
                d = (double)strtof(b, NULL);
            } else {
                d = rt_dec_to_double(in.i, from.scale);
            }
            break;
        case SL_T_STRING:
            if (!parse_double(in.s.ptr, in.s.len, &d)) return bad_text(in, to, err);
            break;
        default: return bad_types(from, to, err);
        }
        if (to.id == SL_T_FLOAT) /* integers round once, straight to float */
            d = f == SL_T_INT || f == SL_T_BIGINT ? (double)(float)in.i : (double)(float)d;
        *out = sl_double(d);
        return true;
    }
    case SL_T_DECIMAL: {
        rt_i128 v;
        int64_t u;
        switch (f) {
        case SL_T_BOOLEAN:
        case SL_T_INT:
        case SL_T_BIGINT:
            if (!rt_dec_rescale(in.i, 0, to.scale, &v)) return true;
            break;
        case SL_T_DECIMAL:
            if (!rt_dec_rescale(in.i, from.scale, to.scale, &v)) return true;
            break;
        case SL_T_FLOAT:
        case SL_T_DOUBLE:
            if (!double_to_dec(in.d, f == SL_T_FLOAT, to.scale, &u)) return true;
            v = u;
            break;
        case SL_T_STRING: {
            const char *p = in.s.ptr;
            size_t n = in.s.len;
            trim_blanks(&p, &n);
            if (!sl_parse_decimal(p, n, to.scale, &u)) {
                if (!decimal_syntax(p, n)) return bad_text(in, to, err);
                return true; /* too large: NULL */
            }
            v = u;
            break;
        }
        default: return bad_types(from, to, err);
        }
        if (rt_dec_fits(v, to.precision)) *out = sl_int((int64_t)v);
        return true;
    }
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ: {
        int64_t us;
        switch (f) {
        case SL_T_TIMESTAMP:
        case SL_T_TIMESTAMP_LTZ: us = in.i; break;
        case SL_T_DATE: us = (int64_t)((uint64_t)in.i * (uint64_t)MICROS_PER_DAY); break; /* wraps, no UB */
        case SL_T_STRING:
            if (!sl_parse_timestamp(in.s.ptr, in.s.len, &us)) return bad_text(in, to, err);
            break;
        default: return bad_types(from, to, err);
        }
        *out = sl_int(trunc_ts(us, to.precision));
        return true;
    }
    case SL_T_DATE: {
        int64_t d;
        switch (f) {
        case SL_T_DATE: d = in.i; break;
        case SL_T_TIMESTAMP:
        case SL_T_TIMESTAMP_LTZ: d = rt_floor_div(in.i, MICROS_PER_DAY); break;
        case SL_T_STRING: {
            int64_t us;
            if (sl_parse_date(in.s.ptr, in.s.len, &d)) break;
            if (!sl_parse_timestamp(in.s.ptr, in.s.len, &us)) return bad_text(in, to, err);
            d = rt_floor_div(us, MICROS_PER_DAY);
            break;
        }
        default: return bad_types(from, to, err);
        }
        *out = sl_int(d);
        return true;
    }
    case SL_T_INTERVAL:
        if (f != SL_T_INTERVAL) return bad_types(from, to, err);
        *out = in;
        return true;
    default: return bad_types(from, to, err);
    }
}
