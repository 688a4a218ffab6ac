/* rt_fn_string.c: string functions (Flink semantics, positions and lengths in code points):
 * CONCAT, CONCAT_WS, UPPER, LOWER, CHAR_LENGTH, SUBSTRING, TRIM/LTRIM/RTRIM, REPLACE,
 * POSITION. Results that are part of an argument are returned as slices of it; new strings
 * are built in ctx->arena. */
#include "rt_internal.h"

static char *alloc(rt_eval_ctx *ctx, size_t n) { return sl_arena_alloc(ctx->arena, n ? n : 1); }

/* Upper case of a code point for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; the
 * mapped code point has the same UTF-8 length. */
static uint32_t upper_cp(uint32_t c) {
    if (c < 0x80) return c >= 'a' && c <= 'z' ? c - 32 : c;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;
    if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c & ~1u;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c & 1) ? c : c - 1;
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 0x20;
    if (c >= 0x430 && c <= 0x44F) return c - 0x20;
    if (c >= 0x450 && c <= 0x45F) return c - 0x50;
    return c;
}

static uint32_t lower_cp(uint32_t c) {
    if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
    if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c | 1u;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c & 1) ? c + 1 : c;
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
    if (c >= 0x410 && c <= 0x42F) return c + 0x20;
    if (c >= 0x400 && c <= 0x40F) return c + 0x50;
    return c;
}

/* UPPER/LOWER: ASCII bytes and two-byte sequences are mapped, everything else is copied. */
static sl_value change_case(sl_value s, bool upper, rt_eval_ctx *ctx) {
    const unsigned char *p = (const unsigned char *)s.s.ptr;
    uint32_t n = s.s.len;
    char *o = alloc(ctx, n);
    for (uint32_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c < 0x80) {
            o[i++] = (char)(upper ? upper_cp(c) : lower_cp(c));
        } else if ((c & 0xE0) == 0xC0 && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
            uint32_t cp = ((uint32_t)(c & 0x1F) << 6) | (p[i + 1] & 0x3F);
            uint32_t m = upper ? upper_cp(cp) : lower_cp(cp);
            o[i] = (char)(0xC0 | (m >> 6));
            o[i + 1] = (char)(0x80 | (m & 0x3F));
            i += 2;
        } else {
            o[i] = (char)c;
            i++;
        }
    }
    return sl_str(o, n);
}

/* Number of code points. */
static int64_t cp_count(const char *p, size_t n) {
    int64_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)p[i] & 0xC0) != 0x80;
    return k;
}

/* Byte offset of code point index `cp` (clamped to the end). */
static size_t cp_offset(const char *p, size_t n, int64_t cp) {
    size_t i = 0;
    for (; i < n && cp > 0; cp--) {
        i += rt_utf8_len((unsigned char)p[i]);
        if (i > n) i = n;
    }
    return i;
}

/* SUBSTRING(s, pos [, len]) as Flink: pos 1-based; pos 0 means 1; negative pos counts from
 * the end (before the start: empty); len < 0 gives NULL; past the end: empty. Only a
 * negative pos needs the length in code points. */
static sl_value substring(sl_value s, int64_t pos, bool has_len, int64_t len) {
    if (has_len && len < 0) return sl_null();
    int64_t start = 0;
    if (pos > 0) {
        start = pos - 1;
    } else if (pos < 0) {
        start = cp_count(s.s.ptr, s.s.len) + pos;
        if (start < 0) return sl_str("", 0);
    }
    size_t b0 = cp_offset(s.s.ptr, s.s.len, start);
    if (b0 >= s.s.len) return sl_str("", 0);
    size_t b1 = has_len ? b0 + cp_offset(s.s.ptr + b0, s.s.len - b0, len) : s.s.len;
    return sl_str(s.s.ptr + b0, (uint32_t)(b1 - b0));
}

/* True if the code point [cp, cp+n) occurs in the set of characters `set`. */
static bool in_set(const char *cp, size_t n, sl_value set) {
    return set.s.len >= n && memmem(set.s.ptr, set.s.len, cp, n) != NULL;
}

/* Strips characters of `set` from the start (lead) and/or the end (trail) of s. */
static sl_value trim(sl_value s, sl_value set, bool lead, bool trail) {
    const char *p = s.s.ptr;
    size_t i = 0, j = s.s.len;
    if (lead)
        while (i < j) {
            size_t cl = rt_utf8_len((unsigned char)p[i]);
            if (cl > j - i) cl = j - i;
            if (!in_set(p + i, cl, set)) break;
            i += cl;
        }
    if (trail)
        while (j > i) {
            size_t k = j - 1;
            while (k > i && ((unsigned char)p[k] & 0xC0) == 0x80) k--;
            if (!in_set(p + k, j - k, set)) break;
            j = k;
        }
    return sl_str(p + i, (uint32_t)(j - i));
}

/* CONCAT: NULL if any argument is NULL. */
static sl_value concat(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value small[8], *v = e->nargs <= 8 ? small : sl_arena_alloc(ctx->arena, sizeof(sl_value) * (size_t)e->nargs);
    size_t total = 0;
    for (int i = 0; i < e->nargs; i++) {
        v[i] = rt_arg(e->args[i], row, ctx);
        if (v[i].null) return sl_null();
        total += v[i].s.len;
    }
    char *o = alloc(ctx, total), *q = o;
    for (int i = 0; i < e->nargs; i++) {
        if (v[i].s.len) memcpy(q, v[i].s.ptr, v[i].s.len);
        q += v[i].s.len;
    }
    return sl_str(o, (uint32_t)total);
}

/* CONCAT_WS(sep, ...): NULL if sep is NULL; NULL arguments are skipped. */
static sl_value concat_ws(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    sl_value sep = rt_arg(e->args[0], row, ctx);
    if (sep.null) return sep;
    int n = e->nargs - 1;
    sl_value small[8], *v = n <= 8 ? small : sl_arena_alloc(ctx->arena, sizeof(sl_value) * (size_t)n);
    size_t total = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        sl_value x = rt_arg(e->args[i + 1], row, ctx);
        if (x.null) continue;
        total += x.s.len + (k ? sep.s.len : 0);
        v[k++] = x;
    }
    char *o = alloc(ctx, total), *q = o;
    for (int i = 0; i < k; i++) {
        if (i && sep.s.len) memcpy(q, sep.s.ptr, sep.s.len), q += sep.s.len;
        if (v[i].s.len) memcpy(q, v[i].s.ptr, v[i].s.len);
        q += v[i].s.len;
    }
    return sl_str(o, (uint32_t)total);
}

/* REPLACE(s, from, to) as Java's String.replace: every non-overlapping occurrence, left to
 * right; an empty `from` inserts `to` around every character. */
static sl_value replace(sl_value s, sl_value from, sl_value to, rt_eval_ctx *ctx) {
    const char *p = s.s.ptr;
    size_t n = s.s.len;
    if (from.s.len == 0) {
        int64_t nc = cp_count(p, n);
        size_t total = n + (size_t)(nc + 1) * to.s.len;
        char *o = alloc(ctx, total), *q = o;
        for (size_t i = 0;;) {
            if (to.s.len) memcpy(q, to.s.ptr, to.s.len), q += to.s.len;
            if (i >= n) break;
            size_t cl = rt_utf8_len((unsigned char)p[i]);
            if (cl > n - i) cl = n - i;
            memcpy(q, p + i, cl);
            q += cl;
            i += cl;
        }
        return sl_str(o, (uint32_t)(q - o));
    }
    size_t count = 0;
    for (const char *c = p; (c = memmem(c, n - (size_t)(c - p), from.s.ptr, from.s.len)); c += from.s.len) count++;
    if (count == 0) return s;
    size_t total = n - count * from.s.len + count * to.s.len;
    char *o = alloc(ctx, total), *q = o;
    const char *c = p;
    for (const char *m; (m = memmem(c, n - (size_t)(c - p), from.s.ptr, from.s.len)); c = m + from.s.len) {
        memcpy(q, c, (size_t)(m - c));
        q += m - c;
        if (to.s.len) memcpy(q, to.s.ptr, to.s.len);
        q += to.s.len;
    }
    memcpy(q, c, n - (size_t)(c - p));
    return sl_str(o, (uint32_t)total);
}

/* POSITION(needle IN haystack): 1-based code point index of the first occurrence, 0 if none,
 * 1 for an empty needle. */
static sl_value position(sl_value needle, sl_value hay) {
    if (needle.s.len == 0) return sl_int(1);
    const char *m = memmem(hay.s.ptr, hay.s.len, needle.s.ptr, needle.s.len);
    if (!m) return sl_int(0);
    return sl_int(cp_count(hay.s.ptr, (size_t)(m - hay.s.ptr)) + 1);
}

sl_value rt_fn_string(const pl_expr *e, const sl_value *row, rt_eval_ctx *ctx) {
    if (e->fn == PL_F_CONCAT) return concat(e, row, ctx);
    if (e->fn == PL_F_CONCAT_WS) return concat_ws(e, row, ctx);
    /* the rest: NULL in, NULL out, at most 3 arguments */
    sl_value a[3];
    for (int i = 0; i < e->nargs && i < 3; i++) {
        a[i] = rt_arg(e->args[i], row, ctx);
        if (a[i].null) return a[i];
    }
    switch (e->fn) {
    case PL_F_UPPER: return change_case(a[0], true, ctx);
    case PL_F_LOWER: return change_case(a[0], false, ctx);
    case PL_F_CHAR_LENGTH: return sl_int(cp_count(a[0].s.ptr, a[0].s.len));
    case PL_F_SUBSTRING: return substring(a[0], a[1].i, e->nargs > 2, e->nargs > 2 ? a[2].i : 0);
    case PL_F_TRIM:
        return trim(a[0], a[1], e->flag != SP_TRIM_TRAILING, e->flag != SP_TRIM_LEADING);
    case PL_F_LTRIM:
    case PL_F_RTRIM: {
        sl_value set = e->nargs > 1 ? a[1] : sl_str(" ", 1);
        return trim(a[0], set, e->fn == PL_F_LTRIM, e->fn == PL_F_RTRIM);
    }
    case PL_F_REPLACE: return replace(a[0], a[1], a[2], ctx);
    case PL_F_POSITION: return position(a[0], a[1]);
    default: return sl_null();
    }
}
