/* rt_timers.c: window timers (see rt_timers.h). */
#include "rt_timers.h"

#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "rt_cache.h"
#include "rt_codec.h"
#include "rt_window.h"

typedef struct bucket {
    int64_t end;
    sl_buf keys;     /* each key: u32 length, bytes */
    bool dirty;
} bucket;

struct rt_timers {
    rt_store *store;
    int ns;
    bool durable;
    bucket *b;       /* sorted by end */
    int n, cap;
    int64_t *gone;   /* fired ends, to delete from the store at the next checkpoint */
    int ngone, capgone;
};

/* The bucket of `end`, created in order when absent. */
static bucket *bucket_at(rt_timers *t, int64_t end) {
    int lo = 0, hi = t->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (t->b[mid].end == end) return &t->b[mid];
        if (t->b[mid].end < end) lo = mid + 1;
        else hi = mid;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->b = realloc(t->b, sizeof *t->b * (size_t)t->cap);
        if (!t->b) abort();
    }
    memmove(&t->b[lo + 1], &t->b[lo], sizeof *t->b * (size_t)(t->n - lo));
    memset(&t->b[lo], 0, sizeof t->b[lo]);
    t->b[lo].end = end;
    t->n++;
    return &t->b[lo];
}

/* Restores one end's bucket from the store. */
static int load(void *ud, const void *k, size_t klen, const void *v, size_t vlen, char **err) {
    rt_timers *t = ud;
    if (klen != 8) {
        *err = sl_strdupf("The saved window timers are corrupt");
        return -1;
    }
    rt_reader r = rt_reader_of(k, klen);
    sl_buf_append(&bucket_at(t, rt_get_i64(&r))->keys, v, vlen);
    return 0;
}

rt_timers *rt_timers_open(rt_store *store, const char *ns_name, bool durable, char **err) {
    rt_timers *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->store = store;
    t->durable = durable;
    if ((t->ns = rt_store_namespace(store, ns_name, err)) < 0 ||
        (durable && rt_store_each(store, t->ns, load, t, err) < 0)) {
        rt_timers_free(t);
        return NULL;
    }
    return t;
}

void rt_timers_free(rt_timers *t) {
    if (!t) return;
    for (int i = 0; i < t->n; i++) sl_buf_free(&t->b[i].keys);
    free(t->b);
    free(t->gone);
    free(t);
}

void rt_timers_add(rt_timers *t, int64_t end, const char *key, size_t klen) {
    bucket *b = bucket_at(t, end);
    rt_put_bytes(&b->keys, key, (uint32_t)klen);
    b->dirty = true;
}

int rt_timers_fire(rt_timers *t, int64_t wm, int (*fn)(void *ud, const char *key, size_t klen, int64_t end,
                                                       char **err),
                   void *ud, char **err) {
    int fired = 0, rc = 0;
    while (rc == 0 && fired < t->n && rt_window_fired(t->b[fired].end, wm)) {
        bucket *b = &t->b[fired];
        rt_reader r = rt_reader_of(b->keys.data ? b->keys.data : "", b->keys.len);
        while (rc == 0 && r.p < r.end && !r.bad) {
            uint32_t kl;
            const char *k = rt_get_bytes(&r, &kl);
            if (!r.bad) rc = fn(ud, k, kl, b->end, err);
        }
        if (rc < 0) break;
        if (t->ngone == t->capgone) {
            t->capgone = t->capgone ? t->capgone * 2 : 16;
            t->gone = realloc(t->gone, sizeof *t->gone * (size_t)t->capgone);
            if (!t->gone) abort();
        }
        t->gone[t->ngone++] = b->end;
        sl_buf_free(&b->keys);
        fired++;
    }
    if (fired) { /* t->b is NULL before the first timer, and memmove(NULL, ...) is undefined */
        memmove(t->b, t->b + fired, sizeof *t->b * (size_t)(t->n - fired));
        t->n -= fired;
    }
    return rc;
}

/* Puts or deletes one end's row. */
static int store_end(rt_timers *t, int64_t end, const sl_buf *keys, char **err) {
    char k[8];
    sl_buf kb = {0};
    rt_put_i64(&kb, end);
    memcpy(k, kb.data, 8);
    sl_buf_free(&kb);
    uint64_t h = rt_cache_hash(k, 8);
    if (!keys) return rt_store_del(t->store, t->ns, h, k, 8, err);
    return rt_store_put(t->store, t->ns, h, k, 8, keys->data, keys->len, err);
}

int rt_timers_checkpoint(rt_timers *t, char **err) {
    if (!t->durable) {
        t->ngone = 0;
        return 0;
    }
    for (int i = 0; i < t->ngone; i++)
        if (store_end(t, t->gone[i], NULL, err) < 0) return -1;
    t->ngone = 0;
    for (int i = 0; i < t->n; i++) {
        if (!t->b[i].dirty) continue;
        if (store_end(t, t->b[i].end, &t->b[i].keys, err) < 0) return -1;
        t->b[i].dirty = false;
    }
    return 0;
}

int64_t rt_timers_earliest(const rt_timers *t) { return t->n ? t->b[0].end : INT64_MAX; }
int rt_timers_pending(const rt_timers *t) { return t->n; }
