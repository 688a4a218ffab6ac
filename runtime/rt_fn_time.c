/* rt_fn_time.c: DATE_FORMAT, TO_TIMESTAMP and CURRENT_TIMESTAMP. Patterns use Java's
 * date-time letters: y M d H h k K m s S (fraction of second) a E D, with '...' quoting text
 * ('' is a quote); other characters stand for themselves. The session time zone is UTC. */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>
#include "../common/sl_format.h"
#include "rt_internal.h"

#define MICROS_PER_DAY 86400000000LL

static const char *const MONTHS[12] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
static const char *const DAYS[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

/* Broken-down UTC time of a timestamp. */
typedef struct tfields {
    int64_t y;
    unsigned mo, d;
    int h, mi, s, dow, doy;
    int64_t frac; /* microseconds */
} tfields;

static void split(int64_t us, tfields *t) {
    int64_t days = rt_floor_div(us, MICROS_PER_DAY), tod = us - days * MICROS_PER_DAY;
    sl_civil_from_days(days, &t->y, &t->mo, &t->d);
    t->h = (int)(tod / 3600000000LL);
    t->mi = (int)(tod / 60000000LL % 60);
    t->s = (int)(tod / 1000000 % 60);
    t->frac = tod % 1000000;
    t->dow = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    t->doy = (int)(days - sl_days_from_civil(t->y, 1, 1) + 1);
}

/* Bounded output buffer. */
typedef struct wbuf {
    char *p;
    size_t n, cap;
} wbuf;

static void put(wbuf *w, const char *s, size_t n) {
    if (n > w->cap - w->n) n = w->cap - w->n;
    memcpy(w->p + w->n, s, n);
    w->n += n;
}

static void put_num(wbuf *w, int64_t v, int width) {
    char b[48];
    if (width > 20) width = 20;
    int n = snprintf(b, sizeof b, "%0*lld", width, (long long)v);
    put(w, b, (size_t)n);
}

/* Length of the run of letter c at f[i..n). */
static size_t run(const char *f, size_t i, size_t n) {
    size_t j = i;
    while (j < n && f[j] == f[i]) j++;
    return j - i;
}

/* DATE_FORMAT(ts, fmt). */
static sl_value date_format(int64_t us, sl_value fmt, rt_eval_ctx *ctx) {
    tfields t;
    split(us, &t);
    const char *f = fmt.s.ptr;
    size_t n = fmt.s.len;
    wbuf w = {NULL, 0, n * 12 + 64};
    w.p = sl_arena_alloc(ctx->arena, w.cap);
    for (size_t i = 0; i < n;) {
        char c = f[i];
        if (c == '\'') { /* quoted text; '' is a quote */
            if (i + 1 < n && f[i + 1] == '\'') {
                put(&w, "'", 1);
                i += 2;
                continue;
            }
            size_t j = i + 1;
            while (j < n) {
                if (f[j] == '\'' && j + 1 < n && f[j + 1] == '\'') put(&w, "'", 1), j += 2;
                else if (f[j] == '\'') break;
                else put(&w, f + j, 1), j++;
            }
            i = j + 1;
            continue;
        }
        if (!isalpha((unsigned char)c)) {
            put(&w, f + i, 1);
            i++;
            continue;
        }
        int k = (int)run(f, i, n);
        i += (size_t)k;
        switch (c) {
        case 'y': if (k == 2) put_num(&w, ((t.y % 100) + 100) % 100, 2); else put_num(&w, t.y, k); break;
        case 'M':
            if (k >= 4) put(&w, MONTHS[t.mo - 1], strlen(MONTHS[t.mo - 1]));
            else if (k == 3) put(&w, MONTHS[t.mo - 1], 3);
            else put_num(&w, t.mo, k);
            break;
        case 'd': put_num(&w, t.d, k); break;
        case 'D': put_num(&w, t.doy, k); break;
        case 'H': put_num(&w, t.h, k); break;
        case 'k': put_num(&w, t.h ? t.h : 24, k); break;
        case 'K': put_num(&w, t.h % 12, k); break;
        case 'h': put_num(&w, t.h % 12 ? t.h % 12 : 12, k); break;
        case 'm': put_num(&w, t.mi, k); break;
        case 's': put_num(&w, t.s, k); break;
        case 'S': {
            char fr[8];
            snprintf(fr, sizeof fr, "%06lld", (long long)t.frac);
            for (int q = 0; q < k; q++) put(&w, q < 6 ? fr + q : "0", 1);
            break;
        }
        case 'a': put(&w, t.h < 12 ? "AM" : "PM", 2); break;
        case 'E':
            if (k >= 4) put(&w, DAYS[t.dow], strlen(DAYS[t.dow]));
            else put(&w, DAYS[t.dow], 3);
            break;
        default:
            for (int q = 0; q < k; q++) put(&w, &c, 1);
            break;
        }
    }
    return sl_str(w.p, (uint32_t)w.n);
}

static bool is_numeric_letter(char c) { return c && strchr("yMdDHhkKmsS", c) != NULL; }

/* Reads digits: exactly `exact` of them when > 0, else 1..9; false if none. */
static bool read_digits(const char **p, const char *end, int exact, int64_t *v, int *nd) {
    int max = exact > 0 ? exact : 9, k = 0;
    int64_t x = 0;
    while (*p < end && k < max && **p >= '0' && **p <= '9') x = x * 10 + (*(*p)++ - '0'), k++;
    if (k == 0 || (exact > 0 && k != exact)) return false;
    *v = x;
    *nd = k;
    return true;
}

/* Matches one of names (prefix of length len, or whole when len 0) case-insensitively. */
static int read_name(const char **p, const char *end, const char *const *names, int count, size_t len) {
    for (int i = 0; i < count; i++) {
        size_t l = len ? len : strlen(names[i]);
        if ((size_t)(end - *p) >= l && strncasecmp(*p, names[i], l) == 0) {
            *p += l;
            return i;
        }
    }
    return -1;
}

/* Parses text with a pattern into microseconds; false when the text does not match. Fields
 * not in the pattern default to 1970-01-01 00:00:00. */
static bool parse_with(sl_value text, sl_value fmt, int64_t *us) {
    const char *p = text.s.ptr, *end = p + text.s.len, *f = fmt.s.ptr;
    size_t n = fmt.s.len;
    int64_t y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, frac = 0;
    int pm = -1;
    bool h12 = false;
    for (size_t i = 0; i < n;) {
        char c = f[i];
        if (c == '\'') {
            size_t j = i + 1;
            if (j < n && f[j] == '\'') {
                if (p >= end || *p != '\'') return false;
                p++;
                i += 2;
                continue;
            }
            for (; j < n && f[j] != '\''; j++) {
                if (p >= end || *p != f[j]) return false;
                p++;
            }
            i = j + 1;
            continue;
        }
        if (!isalpha((unsigned char)c)) {
            if (p >= end || *p != c) return false;
            p++;
            i++;
            continue;
        }
        int k = (int)run(f, i, n);
        i += (size_t)k;
        int exact = i < n && is_numeric_letter(f[i]) ? k : 0; /* adjacent numeric fields: fixed width */
        int64_t v;
        int nd;
        if (c == 'M' && k >= 3) {
            int m = read_name(&p, end, MONTHS, 12, k == 3 ? 3 : 0);
            if (m < 0) return false;
            mo = m + 1;
            continue;
        }
        if (c == 'E') {
            if (read_name(&p, end, DAYS, 7, k <= 3 ? 3 : 0) < 0) return false;
            continue;
        }
        if (c == 'a') {
            const char *const ap[2] = {"AM", "PM"};
            if ((pm = read_name(&p, end, ap, 2, 0)) < 0) return false;
            continue;
        }
        if (!is_numeric_letter(c)) return false;
        if (!read_digits(&p, end, exact, &v, &nd)) return false;
        switch (c) {
        case 'y': y = v; break;
        case 'M': mo = v; break;
        case 'd': d = v; break;
        case 'H':
        case 'k': h = c == 'k' && v == 24 ? 0 : v; break;
        case 'h':
        case 'K': h = c == 'h' && v == 12 ? 0 : v; h12 = true; break;
        case 'm': mi = v; break;
        case 's': s = v; break;
        case 'S':
            frac = v;
            for (; nd < 6; nd++) frac *= 10;
            for (; nd > 6; nd--) frac /= 10;
            break;
        default: break; /* D: day of year, not used */
        }
    }
    if (p != end) return false;
    if (pm >= 0 || h12) {
        if (h > 11) return false;
        if (pm == 1) h += 12;
    }
    if (y > 99999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return false;
    int64_t days = sl_days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t y2;
    unsigned m2, d2;
    sl_civil_from_days(days, &y2, &m2, &d2);
    if (m2 != mo) return false; /* e.g. February 30 */
    *us = days * MICROS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000000 + frac;
    return true;
}

sl_value rt_fn_time(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    if (e->fn == PL_F_CURRENT_WATERMARK) return ctx->has_watermark ? sl_int(ctx->watermark) : sl_null();
    if (e->fn == PL_F_CURRENT_TIMESTAMP || e->fn == PL_F_PROCTIME) {
        int64_t now = ctx->now_micros;
        if (now == 0) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
        }
        return sl_int(rt_floor_div(now, 1000) * 1000);
    }
    sl_value a = rt_arg(e->args[0], row, ctx);
    if (a.null) return a;
    sl_value b = sl_null();
    if (e->nargs > 1) {
        b = rt_arg(e->args[1], row, ctx);
        if (b.null) return b;
    }
    if (e->fn == PL_F_DATE_FORMAT) return date_format(a.i, b, ctx);
    /* TO_TIMESTAMP: TIMESTAMP(3), NULL when the text does not parse */
    int64_t us;
    bool ok = e->nargs > 1 ? parse_with(a, b, &us) : sl_parse_timestamp(a.s.ptr, a.s.len, &us);
    if (!ok) return sl_null();
    return sl_int(rt_floor_div(us, 1000) * 1000);
}
