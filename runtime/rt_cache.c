/* rt_cache.c: write-back cache of one namespace's keyed state (see rt_cache.h).
 *
 * An open-addressing table of (hash, entry) slots with linear probing (doubled at 5/8 full,
 * deletes by backward shift). Slots keep the hash, so probing and growing never touch the
 * entries (a cache miss each when the table is large). Eviction is CLOCK: a hit sets the
 * entry's `ref` bit, and the trim's hand sweeps the slots, clearing bits and taking entries
 * whose bit was clear; so a hit is a probe and one store to the entry it compares anyway (a
 * linked LRU list costs two more cache misses per hit on a large table: measured 40% of a
 * 1M-key GROUP BY). Entries changed since their last write-back are on a dirty list, so a
 * checkpoint's cost follows what changed, not the cache's size. No allocation, no SQLite on a
 * hit.
 *
 * `all_in_memory` says that every key with state is in memory: true when the namespace was
 * empty as the cache was made, false from the first eviction of an entry the store holds. While
 * it holds a miss is a new key without state and the store is not asked, so a fresh job pays
 * no SQLite lookup per new key.
 *
 * A decoded object's size is not known until the operator reports it (rt_cache_dirty); until
 * then the encoded length stands in for it. */
#include "rt_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>
#include "../common/sl_error.h"
#include "rt_slab.h"

#define SLOTS_MMAP_MIN ((size_t)2 << 20)

typedef struct rt_slot {
    uint64_t hash;
    rt_centry *e; /* NULL: empty */
} rt_slot;

/* A dirty entry to write back, keyed for sorting. */
typedef struct rt_work {
    uint64_t key; /* hash with the top bit flipped: unsigned order = SQLite's signed order */
    rt_centry *e;
} rt_work;

struct rt_cache {
    rt_store *store;
    int ns;
    rt_cache_ops ops;
    void *ud;
    size_t max_bytes;
    rt_slot *slots;
    size_t mask;          /* slots - 1 (a power of two) */
    size_t n;             /* entries */
    size_t hand;          /* the eviction clock's position in slots */
    rt_centry **dirty;    /* entries with dirty set */
    size_t ndirty, capdirty;
    size_t bytes;
    int64_t misses;
    bool all_in_memory;
    sl_buf val;           /* scratch: bytes read from or written to the store */
    rt_work *work;        /* scratch: entries to write back (freed after a big write-back) */
    size_t work_cap;
    rt_slab *slabs[16];   /* entries of up to 256 bytes, by size in steps of 16 */
    size_t nmalloced;     /* entries too big for a slab */
};

/* calloc that never returns NULL. */
static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
    return p;
}

/* A zeroed slot array; a large one is mapped on its own and asked for huge pages, since every
 * probe of a big table is a TLB miss otherwise. */
static rt_slot *slots_alloc(size_t n) {
    size_t size = n * sizeof(rt_slot);
    if (size < SLOTS_MMAP_MIN) return xcalloc(n, sizeof(rt_slot));
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
    madvise(p, size, MADV_HUGEPAGE); /* a hint: refused where huge pages are off */
    return p;
}

/* Frees a slot array made by slots_alloc(n). */
static void slots_free(rt_slot *t, size_t n) {
    if (n * sizeof(rt_slot) < SLOTS_MMAP_MIN) free(t);
    else munmap(t, n * sizeof(rt_slot));
}

/* The accounted size of an entry. */
static size_t entry_bytes(const rt_centry *e) { return sizeof(rt_centry) + e->klen + e->bytes; }

uint64_t rt_cache_hash(const void *key, size_t klen) { return XXH3_64bits(key, klen); }

rt_cache *rt_cache_new(rt_store *store, int ns, const rt_cache_ops *ops, void *ud, size_t max_bytes) {
    rt_cache *c = xcalloc(1, sizeof *c);
    c->store = store;
    c->ns = ns;
    c->ops = *ops;
    c->ud = ud;
    c->max_bytes = max_bytes;
    c->mask = 1023;
    c->slots = slots_alloc(c->mask + 1);
    char *err = NULL;
    /* on a store error assume the worst: misses ask the store (which reports the error) */
    c->all_in_memory = rt_store_count(store, ns, &err) == 0;
    free(err);
    return c;
}

/* The slab class of an entry with a klen-byte key, or -1 for a malloc'd one. */
static int entry_class(size_t klen) {
    size_t size = sizeof(rt_centry) + klen;
    return size <= 256 ? (int)((size + 15) / 16) - 1 : -1;
}

/* Memory for an entry with a klen-byte key. */
static rt_centry *entry_alloc(rt_cache *c, size_t klen) {
    int k = entry_class(klen);
    if (k < 0) {
        rt_centry *e = malloc(sizeof(rt_centry) + klen);
        if (!e) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
        c->nmalloced++;
        return e;
    }
    if (!c->slabs[k]) c->slabs[k] = rt_slab_new((size_t)(k + 1) * 16);
    return rt_slab_alloc(c->slabs[k]);
}

/* Frees one entry and its object (unlinked by the caller or going away with the table). */
static void entry_free(rt_cache *c, rt_centry *e) {
    if (e->obj) c->ops.free(c->ud, e->obj);
    int k = entry_class(e->klen);
    if (k < 0) {
        free(e);
        c->nmalloced--;
    } else {
        rt_slab_free(c->slabs[k], e);
    }
}

/* Frees every entry and object, then the entries' slabs. */
void rt_cache_free(rt_cache *c) {
    if (!c) return;
    if (!c->ops.bulk_free || c->nmalloced) /* else slabs hold everything: no entry need be visited */
        for (size_t i = 0; i <= c->mask; i++)
            if (c->slots[i].e) entry_free(c, c->slots[i].e);
    for (int k = 0; k < 16; k++) rt_slab_destroy(c->slabs[k]);
    slots_free(c->slots, c->mask + 1);
    free(c->dirty);
    free(c->work);
    sl_buf_free(&c->val);
    free(c);
}

/* Doubles the slot array when it is more than 5/8 full. */
static void maybe_grow(rt_cache *c) {
    if (c->n * 8 <= (c->mask + 1) * 5) return;
    size_t nmask = (c->mask + 1) * 2 - 1;
    rt_slot *t = slots_alloc(nmask + 1);
    for (size_t i = 0; i <= c->mask; i++) {
        if (!c->slots[i].e) continue;
        size_t j = c->slots[i].hash & nmask;
        while (t[j].e) j = (j + 1) & nmask;
        t[j] = c->slots[i];
    }
    slots_free(c->slots, c->mask + 1);
    c->slots = t;
    c->mask = nmask;
}

/* Removes e from the table (backward-shift delete) and frees it. */
static void entry_drop(rt_cache *c, rt_centry *e) {
    size_t i = e->hash & c->mask;
    while (c->slots[i].e != e) i = (i + 1) & c->mask;
    for (size_t j = (i + 1) & c->mask; c->slots[j].e; j = (j + 1) & c->mask) {
        size_t home = c->slots[j].hash & c->mask;
        /* slot j may move into the hole at i unless its home lies cyclically in (i, j] */
        if (((j - home) & c->mask) >= ((j - i) & c->mask)) {
            c->slots[i] = c->slots[j];
            i = j;
        }
    }
    c->slots[i].e = NULL;
    c->bytes -= entry_bytes(e);
    c->n--;
    entry_free(c, e);
}

rt_centry *rt_cache_get(rt_cache *c, const void *key, size_t klen, char **err) {
    return rt_cache_get_hashed(c, rt_cache_hash(key, klen), key, klen, err);
}

rt_centry *rt_cache_get_hashed(rt_cache *c, uint64_t hash, const void *key, size_t klen, char **err) {
    size_t i = hash & c->mask;
    for (; c->slots[i].e; i = (i + 1) & c->mask) {
        rt_centry *e = c->slots[i].e;
        if (c->slots[i].hash == hash && e->klen == klen && memcmp(e->key, key, klen) == 0) {
            e->ref = 1;
            return e;
        }
    }
    if (klen > UINT32_MAX) {
        *err = sl_strdupf("A state key of %zu bytes is too long", klen);
        return NULL;
    }
    void *obj = NULL;
    size_t obj_bytes = 0;
    bool stored = false;
    if (!c->all_in_memory) {
        c->misses++;
        int rc = rt_store_get(c->store, c->ns, hash, key, klen, &c->val, err);
        if (rc < 0) return NULL;
        if (rc == 1) {
            obj = c->ops.decode(c->ud, c->val.data ? c->val.data : "", c->val.len);
            if (!obj) {
                const char *path = rt_store_path(c->store);
                *err = sl_strdupf("The saved state in %s is corrupt: a value of %zu bytes in namespace %d "
                                  "cannot be decoded",
                                  path ? path : "a temporary database", c->val.len, c->ns);
                return NULL;
            }
            obj_bytes = c->val.len;
            stored = true;
        }
    }
    rt_centry *e = entry_alloc(c, klen);
    e->obj = obj;
    e->hash = hash;
    e->klen = (uint32_t)klen;
    e->dirty = 0;
    e->stored = stored;
    e->ref = 1;
    e->evict = 0;
    e->bytes = obj_bytes;
    if (klen) memcpy(e->key, key, klen);
    c->slots[i].hash = hash; /* i: the empty slot that ended the probe */
    c->slots[i].e = e;
    c->n++;
    c->bytes += entry_bytes(e);
    maybe_grow(c);
    return e;
}

void rt_cache_prefetch(const rt_cache *c, uint64_t hash, int step) {
    size_t i = hash & c->mask;
    if (step == 0) {
        __builtin_prefetch(&c->slots[i]);
        return;
    }
    for (int probes = 0; probes < 4 && c->slots[i].e; probes++, i = (i + 1) & c->mask)
        if (c->slots[i].hash == hash) {
            if (step == 1) __builtin_prefetch(c->slots[i].e);
            else if (c->slots[i].e->obj) __builtin_prefetch(c->slots[i].e->obj);
            return;
        }
}

void rt_cache_dirty(rt_cache *c, rt_centry *e, size_t obj_bytes) {
    c->bytes = c->bytes - e->bytes + obj_bytes;
    e->bytes = obj_bytes;
    if (e->dirty) return;
    e->dirty = 1;
    if (c->ndirty == c->capdirty) {
        c->capdirty = c->capdirty ? c->capdirty * 2 : 1024;
        rt_centry **grown = realloc(c->dirty, c->capdirty * sizeof *grown);
        if (!grown) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
        c->dirty = grown;
    }
    c->dirty[c->ndirty++] = e;
}

void rt_cache_delete(rt_cache *c, rt_centry *e) {
    if (e->obj) c->ops.free(c->ud, e->obj);
    e->obj = NULL;
    rt_cache_dirty(c, e, 0);
}

/* Sorts work[0..n) by key: insertion sort for a few, else LSD radix sort by bytes (a million
 * keys in a few milliseconds; qsort through the entry pointers took several times longer). */
static void sort_work(rt_cache *c, size_t n) {
    rt_work *a = c->work;
    if (n < 64) {
        for (size_t i = 1; i < n; i++) {
            rt_work w = a[i];
            size_t j = i;
            for (; j > 0 && a[j - 1].key > w.key; j--) a[j] = a[j - 1];
            a[j] = w;
        }
        return;
    }
    rt_work *b = malloc(n * sizeof *b), *spare = b;
    if (!b) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
    size_t count[8][256] = {{0}};
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 8; d++) count[d][(a[i].key >> (8 * d)) & 0xff]++;
    for (int d = 0; d < 8; d++) {
        if (count[d][(a[0].key >> (8 * d)) & 0xff] == n) continue; /* one value: nothing to do */
        size_t pos = 0;
        for (int v = 0; v < 256; v++) {
            size_t k = count[d][v];
            count[d][v] = pos;
            pos += k;
        }
        for (size_t i = 0; i < n; i++) b[count[d][(a[i].key >> (8 * d)) & 0xff]++] = a[i];
        rt_work *t = a;
        a = b;
        b = t;
    }
    if (a != c->work) memcpy(c->work, a, n * sizeof *a);
    free(spare);
}

/* Adds e to the write-back list when dirty; the list's new length. */
static size_t work_add(rt_cache *c, size_t n, rt_centry *e) {
    if (!e->dirty) return n;
    if (n == c->work_cap) {
        c->work_cap = c->work_cap ? c->work_cap * 2 : 256;
        rt_work *grown = realloc(c->work, c->work_cap * sizeof *grown);
        if (!grown) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
        c->work = grown;
    }
    c->work[n++] = (rt_work){e->hash ^ (UINT64_C(1) << 63), e};
    return n;
}

/* Writes back work[0..n) (dirty entries) in hash order, marking them clean: put when an object
 * exists, delete when the store holds a key that lost its state. 0 or -1 + *err. */
static int write_back(rt_cache *c, size_t n, char **err) {
    sort_work(c, n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i + 16 < n) __builtin_prefetch(c->work[i + 16].e);
        if (i + 8 < n) __builtin_prefetch(c->work[i + 8].e->obj);
        rt_centry *e = c->work[i].e;
        if (e->obj) {
            sl_buf_clear(&c->val);
            c->ops.encode(c->ud, e->obj, &c->val);
            if ((rc = rt_store_put(c->store, c->ns, e->hash, e->key, e->klen, c->val.data, c->val.len, err)) < 0)
                break;
            e->stored = 1;
        } else if (e->stored) {
            if ((rc = rt_store_del(c->store, c->ns, e->hash, e->key, e->klen, err)) < 0) break;
            e->stored = 0;
        }
        e->dirty = 0;
    }
    if (c->work_cap > 65536) { /* a checkpoint's worth of scratch is not kept between them */
        free(c->work);
        c->work = NULL;
        c->work_cap = 0;
    }
    return rc;
}

int rt_cache_flush(rt_cache *c, char **err) {
    *err = NULL;
    size_t n = 0;
    for (size_t i = 0; i < c->ndirty; i++) n = work_add(c, n, c->dirty[i]);
    c->ndirty = 0;
    if (c->capdirty > 65536) { /* a checkpoint's worth of list is not kept between them */
        free(c->dirty);
        c->dirty = NULL;
        c->capdirty = 0;
    }
    return write_back(c, n, err);
}

/* Drops the trim's victims from the dirty list (they are written back and about to go). */
static void dirty_forget_victims(rt_cache *c) {
    size_t k = 0;
    for (size_t i = 0; i < c->ndirty; i++)
        if (!c->dirty[i]->evict) c->dirty[k++] = c->dirty[i];
    c->ndirty = k;
}

int rt_cache_trim(rt_cache *c, char **err) {
    *err = NULL;
    if (c->bytes <= c->max_bytes) return 0;
    size_t target = c->max_bytes / 4 * 3, freed = 0, n = 0, nvictims = 0, cap = 0;
    rt_centry **victims = NULL;
    /* the clock: at most two sweeps (the first may only clear reference bits) */
    for (size_t steps = 0; steps < 2 * (c->mask + 1) && c->bytes - freed >= target; steps++) {
        rt_centry *e = c->slots[c->hand].e;
        c->hand = (c->hand + 1) & c->mask;
        if (!e || e->evict) continue;
        if (e->ref) {
            e->ref = 0;
            continue;
        }
        if (nvictims == cap) {
            cap = cap ? cap * 2 : 1024;
            rt_centry **grown = realloc(victims, cap * sizeof *grown);
            if (!grown) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
            victims = grown;
        }
        e->evict = 1;
        victims[nvictims++] = e;
        n = work_add(c, n, e);
        freed += entry_bytes(e);
    }
    if (write_back(c, n, err) < 0) { /* nothing is freed: the entries stay valid */
        for (size_t i = 0; i < nvictims; i++) victims[i]->evict = 0;
        free(victims);
        return -1;
    }
    dirty_forget_victims(c);
    for (size_t i = 0; i < nvictims; i++) {
        if (victims[i]->stored) c->all_in_memory = false;
        entry_drop(c, victims[i]);
    }
    free(victims);
    return 0;
}

void rt_cache_each(rt_cache *c, void (*fn)(void *arg, rt_centry *e), void *arg) {
    for (size_t i = 0; i <= c->mask; i++)
        if (c->slots[i].e && c->slots[i].e->obj) fn(arg, c->slots[i].e);
}

size_t rt_cache_bytes(const rt_cache *c) { return c->bytes; }

size_t rt_cache_entries(const rt_cache *c) { return c->n; }

int64_t rt_cache_misses(const rt_cache *c) { return c->misses; }
