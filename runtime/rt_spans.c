/* rt_spans.c: a key's list of windows in flight (see rt_spans.h). */
#include "rt_spans.h"

#include <stdlib.h>
#include <string.h>
#include "rt_codec.h"

rt_spans *rt_spans_new(void) {
    rt_spans *ss = calloc(1, sizeof *ss);
    if (!ss) abort();
    ss->fired = INT64_MIN;
    return ss;
}

rt_span *rt_spans_insert(rt_spans *ss, int at, rt_span sp) {
    if (ss->n == ss->cap) {
        ss->cap = ss->cap ? ss->cap * 2 : 4;
        ss->s = realloc(ss->s, sizeof *ss->s * (size_t)ss->cap);
        if (!ss->s) abort();
    }
    memmove(&ss->s[at + 1], &ss->s[at], sizeof *ss->s * (size_t)(ss->n - at));
    ss->s[at] = sp;
    ss->n++;
    return &ss->s[at];
}

size_t rt_spans_bytes(const rt_groups *gs, const rt_spans *ss, size_t group_bytes) {
    size_t b = sizeof *ss + sizeof(rt_span) * (size_t)ss->cap;
    if (group_bytes) return b + group_bytes * (size_t)ss->n;
    for (int i = 0; i < ss->n; i++) b += rt_group_bytes(gs, ss->s[i].g);
    return b;
}

/* Frees a list and its groups. */
static void spans_free(void *ud, void *obj) {
    rt_groups *gs = ud;
    rt_spans *ss = obj;
    for (int i = 0; i < ss->n; i++) rt_group_free(gs, ss->s[i].g);
    free(ss->s);
    free(ss);
}

/* Count, fired, then per span its start, end and the group's bytes. */
static void spans_encode(void *ud, const void *obj, sl_buf *out) {
    rt_groups *gs = ud;
    const rt_spans *ss = obj;
    rt_cache_ops gops = rt_groups_cache_ops(gs);
    rt_put_varint(out, ss->n);
    rt_put_i64(out, ss->fired);
    sl_buf g = {0};
    for (int i = 0; i < ss->n; i++) {
        rt_put_i64(out, ss->s[i].start);
        rt_put_i64(out, ss->s[i].end);
        sl_buf_clear(&g);
        gops.encode(gs, ss->s[i].g, &g);
        rt_put_bytes(out, g.data, (uint32_t)g.len);
    }
    sl_buf_free(&g);
}

/* The list back from spans_encode's bytes; NULL when they are corrupt. */
static void *spans_decode(void *ud, const char *data, size_t len) {
    rt_groups *gs = ud;
    rt_cache_ops gops = rt_groups_cache_ops(gs);
    rt_reader r = rt_reader_of(data, len);
    int64_t n = rt_get_varint(&r);
    if (r.bad || n < 0 || n > (int64_t)len) return NULL;
    rt_spans *ss = rt_spans_new();
    ss->fired = rt_get_i64(&r);
    ss->s = calloc((size_t)n + 1, sizeof *ss->s);
    if (!ss->s) abort();
    ss->cap = (int)n + 1;
    for (int64_t i = 0; i < n && !r.bad; i++) {
        rt_span *x = &ss->s[ss->n];
        x->start = rt_get_i64(&r);
        x->end = rt_get_i64(&r);
        uint32_t gl;
        const char *gp = rt_get_bytes(&r, &gl);
        if (r.bad || !(x->g = gops.decode(gs, gp, gl))) break;
        ss->n++;
    }
    if (ss->n != n || !rt_reader_done(&r)) {
        spans_free(gs, ss);
        return NULL;
    }
    return ss;
}

rt_cache_ops rt_spans_cache_ops(void) { return (rt_cache_ops){spans_encode, spans_decode, spans_free, false}; }
