/* rt_like.c: SQL LIKE matching: '%' matches any sequence, '_' one character (a UTF-8 code
 * point), the escape sequence makes the next character literal (an escape at the end of the
 * pattern stands for itself). Iterative, with backtracking to the last '%' only, so a pattern
 * costs O(len(s) * len(pattern)) at worst and no allocation. */
#include "rt_internal.h"

/* Length of the code point at p (not past end). */
static size_t cp_len(const char *p, const char *end) {
    size_t n = rt_utf8_len((unsigned char)*p);
    return n > (size_t)(end - p) ? (size_t)(end - p) : n;
}

/* Patterns without '_' or escapes whose '%' are only at the ends ('abc', 'abc%', '%abc',
 * '%abc%') are a comparison, a prefix, a suffix or a substring search: sets *done and
 * returns the answer. */
static bool like_simple(const char *s, size_t sn, const char *p, size_t pn, const char *esc, size_t esc_len,
                        bool *done) {
    bool lead = pn > 0 && p[0] == '%';
    bool trail = pn > (size_t)lead && p[pn - 1] == '%';
    const char *lit = p + lead;
    size_t ln = pn - lead - trail;
    *done = false;
    for (size_t i = 0; i < ln; i++)
        if (lit[i] == '%' || lit[i] == '_' || (esc_len && lit[i] == esc[0])) return false;
    if (esc_len && ((lead && p[0] == esc[0]) || (trail && p[pn - 1] == esc[0]))) return false;
    *done = true;
    if (ln > sn) return false;
    if (lead && trail) return ln == 0 || memmem(s, sn, lit, ln) != NULL;
    if (trail) return memcmp(s, lit, ln) == 0;
    if (lead) return memcmp(s + sn - ln, lit, ln) == 0;
    return ln == sn && memcmp(s, lit, ln) == 0;
}

bool rt_like(const char *s, size_t sn, const char *p, size_t pn, const char *esc, size_t esc_len) {
    bool done;
    bool r = like_simple(s, sn, p, pn, esc, esc_len, &done);
    if (done) return r;
    const char *se = s + sn, *pe = p + pn;
    const char *star_p = NULL, *star_s = NULL;
    while (s < se) {
        if (p < pe) {
            if (esc_len && *p == *esc && (size_t)(pe - p) >= esc_len && memcmp(p, esc, esc_len) == 0) {
                const char *lit = p + esc_len;
                size_t ll;
                const char *next;
                if (lit >= pe) { /* trailing escape: literal itself */
                    lit = p;
                    ll = esc_len;
                    next = pe;
                } else {
                    ll = cp_len(lit, pe);
                    next = lit + ll;
                }
                if ((size_t)(se - s) >= ll && memcmp(s, lit, ll) == 0) {
                    s += ll;
                    p = next;
                    continue;
                }
            } else if (*p == '%') {
                star_p = ++p;
                star_s = s;
                continue;
            } else if (*p == '_') {
                s += cp_len(s, se);
                p++;
                continue;
            } else {
                size_t ll = cp_len(p, pe);
                if ((size_t)(se - s) >= ll && memcmp(s, p, ll) == 0) {
                    s += ll;
                    p += ll;
                    continue;
                }
            }
        }
        if (!star_p) return false;
        /* let the last '%' absorb one more character and retry after it */
        star_s += cp_len(star_s, se);
        s = star_s;
        p = star_p;
    }
    while (p < pe && *p == '%' && !(esc_len && esc_len == 1 && *esc == '%')) p++;
    return p == pe;
}
