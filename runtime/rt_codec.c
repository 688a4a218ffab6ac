/* rt_codec.c: the byte encoding of values for keyed state (see rt_codec.h). */
#include "rt_codec.h"

void rt_put_i64(sl_buf *out, int64_t x) {
    uint64_t u = (uint64_t)x;
    char b[8];
    for (int i = 0; i < 8; i++) b[i] = (char)(u >> (8 * i));
    sl_buf_append(out, b, 8);
}

void rt_put_varint(sl_buf *out, int64_t x) {
    uint64_t u = ((uint64_t)x << 1) ^ (uint64_t)(x >> 63);
    char b[10];
    int n = 0;
    while (u >= 0x80) {
        b[n++] = (char)(u | 0x80);
        u >>= 7;
    }
    b[n++] = (char)u;
    sl_buf_append(out, b, (size_t)n);
}

void rt_put_u32(sl_buf *out, uint32_t x) {
    char b[4];
    for (int i = 0; i < 4; i++) b[i] = (char)(x >> (8 * i));
    sl_buf_append(out, b, 4);
}

void rt_put_bytes(sl_buf *out, const void *p, uint32_t n) {
    rt_put_u32(out, n);
    if (n) sl_buf_append(out, p, n);
}

void rt_put_value(sl_buf *out, sl_type t, sl_value v) {
    sl_buf_putc(out, v.null ? 0 : 1);
    if (v.null) return;
    if (t.id == SL_T_STRING) {
        rt_put_bytes(out, v.s.ptr, v.s.len);
        return;
    }
    int64_t bits;
    if (t.id == SL_T_FLOAT || t.id == SL_T_DOUBLE) memcpy(&bits, &v.d, 8);
    else bits = v.i;
    rt_put_i64(out, bits);
}

/* Takes n bytes or marks the reader bad. */
static const char *take(rt_reader *r, size_t n) {
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const char *p = r->p;
    r->p += n;
    return p;
}

int64_t rt_get_i64(rt_reader *r) {
    const unsigned char *b = (const unsigned char *)take(r, 8);
    if (!b) return 0;
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) u = (u << 8) | b[i];
    return (int64_t)u;
}

int64_t rt_get_varint(rt_reader *r) {
    uint64_t u = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (r->bad || r->p >= r->end) {
            r->bad = true;
            return 0;
        }
        unsigned char c = (unsigned char)*r->p++;
        u |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    }
    r->bad = true;
    return 0;
}

uint32_t rt_get_u32(rt_reader *r) {
    const unsigned char *b = (const unsigned char *)take(r, 4);
    if (!b) return 0;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

const char *rt_get_bytes(rt_reader *r, uint32_t *n) {
    *n = rt_get_u32(r);
    const char *p = take(r, *n);
    if (!p) *n = 0;
    return p ? p : "";
}

sl_value rt_get_value(rt_reader *r, sl_type t) {
    const char *tag = take(r, 1);
    if (!tag || *tag == 0) return sl_null();
    if (t.id == SL_T_STRING) {
        uint32_t n;
        const char *p = rt_get_bytes(r, &n);
        return sl_str(p, n);
    }
    int64_t bits = rt_get_i64(r);
    sl_value v = sl_int(bits);
    if (t.id == SL_T_FLOAT || t.id == SL_T_DOUBLE) memcpy(&v.d, &bits, 8);
    return v;
}

bool rt_value_same(sl_type t, sl_value a, sl_value b) {
    if (a.null || b.null) return a.null == b.null;
    if (t.id == SL_T_STRING) return a.s.len == b.s.len && (a.s.len == 0 || memcmp(a.s.ptr, b.s.ptr, a.s.len) == 0);
    if (t.id == SL_T_FLOAT || t.id == SL_T_DOUBLE) return memcmp(&a.d, &b.d, 8) == 0;
    return a.i == b.i;
}

int rt_value_cmp(sl_type t, sl_value a, sl_value b) {
    switch (t.id) {
    case SL_T_STRING: {
        uint32_t n = a.s.len < b.s.len ? a.s.len : b.s.len;
        int c = n ? memcmp(a.s.ptr, b.s.ptr, n) : 0;
        if (c) return c;
        return a.s.len < b.s.len ? -1 : a.s.len > b.s.len;
    }
    case SL_T_FLOAT:
    case SL_T_DOUBLE: return a.d < b.d ? -1 : a.d > b.d;
    default: return a.i < b.i ? -1 : a.i > b.i;
    }
}
