/* cn_json_value.c: JSON values to column values, as Flink's json format reads them. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_format.h"
#include "cn_internal.h"

/* NUL-terminated copy of a short token for strtoll/strtod. */
static const char *tok(const cn_json_val *v, char *buf, size_t n) {
    size_t k = v->n < n - 1 ? v->n : n - 1;
    memcpy(buf, v->p, k);
    buf[k] = 0;
    return buf;
}

/* Integer text (optional sign, digits; surrounding blanks allowed for JSON strings, as Flink
 * trims them) without copying; false on anything else or overflow. */
static bool parse_int(const char *p, size_t n, int64_t *out) {
    while (n && (*p == ' ' || *p == '\t')) p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    bool neg = n && *p == '-';
    if (n && (*p == '-' || *p == '+')) p++, n--;
    if (!n || n > 19) return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        if (d > 9) return false;
        x = x * 10 + d;
    }
    if (x > (uint64_t)INT64_MAX + neg) return false;
    *out = neg ? (int64_t)(0 - x) : (int64_t)x;
    return true;
}

/* A decimal number ("-12.5", "3e2") as a double without strtod when that is exact (Clinger's
 * fast path: at most 2^53 as integer digits and a power of ten up to 22 are both exact doubles,
 * so one multiplication or division rounds correctly). False when the text needs strtod. */
static bool fast_double(const char *p, size_t n, double *out) {
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *e = p + n;
    bool neg = p < e && *p == '-';
    if (p < e && (*p == '-' || *p == '+')) p++;
    uint64_t m = 0;
    int digits = 0, exp10 = 0;
    const char *d0 = p;
    for (; p < e && *p >= '0' && *p <= '9'; p++, digits++) m = m * 10 + (uint64_t)(*p - '0');
    bool any = p > d0;
    if (p < e && *p == '.') {
        const char *f0 = ++p;
        for (; p < e && *p >= '0' && *p <= '9'; p++, digits++, exp10--) m = m * 10 + (uint64_t)(*p - '0');
        any |= p > f0;
    }
    if (!any || digits > 19) return false;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = p < e && *p == '-';
        if (p < e && (*p == '-' || *p == '+')) p++;
        int x = 0;
        const char *x0 = p;
        for (; p < e && *p >= '0' && *p <= '9' && x < 1000; p++) x = x * 10 + (*p - '0');
        if (p == x0) return false;
        exp10 += eneg ? -x : x;
    }
    if (p != e || m > (1ULL << 53) || exp10 < -22 || exp10 > 22) return false;
    double d = (double)m;
    d = exp10 < 0 ? d / pow10[-exp10] : d * pow10[exp10];
    *out = neg ? -d : d;
    return true;
}

/* INT/BIGINT from a JSON number or string, as Flink's canConvertToInt/parseInt: a number with a
 * fraction or exponent is truncated when in range; a string must hold an integer. */
static bool int_of(const cn_json_val *v, bool num, sl_type t, sl_value *out) {
    int64_t x;
    if (!parse_int(v->p, v->n, &x)) {
        if (!num) return false;
        char buf[128];
        double d = strtod(tok(v, buf, sizeof buf), NULL);
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;
        x = (int64_t)d;
    }
    if (t.id == SL_T_INT && (x < INT32_MIN || x > INT32_MAX)) return false;
    *out = sl_int(x);
    return true;
}

/* A decimal beyond its precision becomes NULL, as Flink's DecimalData.fromBigDecimal. */
static bool decimal_fits(sl_type t, sl_value *v) {
    int64_t lim = 1;
    for (int i = 0; i < t.precision && i < 18; i++) lim *= 10;
    if (t.precision < 19 && (v->i >= lim || v->i <= -lim)) *v = sl_null();
    return true;
}

bool cn_json_to_value(const cn_json_val *v, sl_type t, sl_batch *b, sl_value *out, char *msg, size_t msgn) {
    char buf[128];
    *out = sl_null();
    if (v->kind == CN_JSON_NULL || v->kind == CN_JSON_MISSING) return true;
    bool text = v->kind == CN_JSON_STRING, num = v->kind == CN_JSON_NUMBER;
    switch (t.id) {
    case SL_T_STRING:
        if (text) { *out = sl_batch_str(b, v->p, (uint32_t)v->n); return true; }
        if (num) { *out = sl_batch_str(b, v->p, (uint32_t)v->n); return true; }
        if (v->kind == CN_JSON_BOOL) { *out = v->b ? sl_batch_str(b, "true", 4) : sl_batch_str(b, "false", 5); return true; }
        if (v->kind == CN_JSON_OTHER && v->n) { *out = sl_batch_str(b, v->p, (uint32_t)v->n); return true; }
        break;
    case SL_T_BOOLEAN:
        if (v->kind == CN_JSON_BOOL) { *out = sl_int(v->b); return true; }
        if (text || num) { /* Flink: Boolean.parseBoolean(text.trim()): "true" in any case, else false */
            const char *p = v->p;
            size_t n = v->n;
            while (n && *p == ' ') p++, n--;
            while (n && p[n - 1] == ' ') n--;
            *out = sl_int(n == 4 && !strncasecmp(p, "true", 4));
            return true;
        }
        break;
    case SL_T_INT:
    case SL_T_BIGINT:
        if ((num || text) && int_of(v, num, t, out)) return true;
        break;
    case SL_T_FLOAT:
    case SL_T_DOUBLE:
        if (num || text) {
            double d;
            if (num && fast_double(v->p, v->n, &d)) {
                *out = sl_double(t.id == SL_T_FLOAT ? (float)d : d);
                return true;
            }
            char *end;
            /* long texts (rare) are copied whole into the arena, not cut at the buffer's size */
            const char *s = v->n < sizeof buf ? tok(v, buf, sizeof buf) : sl_arena_strndup(b->arena, v->p, v->n);
            d = strtod(s, &end);
            bool converted = end != s;
            while (text && (*end == ' ' || *end == '\t')) end++; /* Flink trims strings */
            if (!*end && converted) {
                *out = sl_double(t.id == SL_T_FLOAT ? (float)d : d);
                return true;
            }
        }
        break;
    case SL_T_DECIMAL:
        if ((num || text) && sl_parse_decimal(v->p, v->n, t.scale, &out->i)) {
            out->null = false;
            return decimal_fits(t, out);
        }
        if (num) { /* beyond 18 digits: through double */
            double d = strtod(tok(v, buf, sizeof buf), NULL) * pow(10, t.scale);
            if (fabs(d) < 9e18) { *out = sl_int((int64_t)llround(d)); return decimal_fits(t, out); }
            *out = sl_null(); /* does not fit DECIMAL(p, s): NULL, as Flink */
            return true;
        }
        break;
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ:
        if (text && sl_parse_timestamp(v->p, v->n, &out->i)) { out->null = false; return true; }
        break;
    case SL_T_DATE:
        if (text && sl_parse_date(v->p, v->n, &out->i)) { out->null = false; return true; }
        break;
    }
    char tn[64];
    if (v->kind == CN_JSON_OTHER) snprintf(msg, msgn, "an object or array cannot be read as %s", sl_type_name(t, tn, sizeof tn));
    else if (v->kind == CN_JSON_BOOL) snprintf(msg, msgn, "%s cannot be read as %s", v->b ? "true" : "false", sl_type_name(t, tn, sizeof tn));
    else snprintf(msg, msgn, "'%.*s' cannot be read as %s", (int)(v->n > 40 ? 40 : v->n), v->p, sl_type_name(t, tn, sizeof tn));
    *out = sl_null();
    return false;
}
