/* rt_cache.h: the in-memory write-back cache in front of an operator's keyed state.
 *
 * Operators look keys up here on the per-record path; only a miss goes to SQLite (rt_store),
 * and only dirty entries are written back: all of them, sorted by key hash, at a checkpoint
 * (rt_cache_flush), and the least recently used ones when the cache holds more than its byte
 * budget (rt_cache_trim, between batches). So a hot key costs a hash lookup, and memory is
 * bounded by the budget, not by the number of keys. (../shared/notes/building-blocks.md:
 * random per-record SQLite upserts run at ~0.1 M/s; sorted write-back at ~1-1.7 M/s.)
 *
 * An entry's object is the operator's own live representation of the key's state (an
 * aggregate's accumulators, a row); the cache turns it into bytes and back through the
 * operator's encode/decode callbacks. */
#ifndef RT_CACHE_H
#define RT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../common/sl_buf.h"
#include "rt_store.h"

typedef struct rt_cache_ops {
    /* Appends the bytes of obj to out. */
    void (*encode)(void *ud, const void *obj, sl_buf *out);
    /* Rebuilds an object from bytes written by encode; NULL when the bytes are corrupt. */
    void *(*decode)(void *ud, const char *data, size_t len);
    /* Frees an object. */
    void (*free)(void *ud, void *obj);
    /* True when the operator frees all its objects at once after rt_cache_free (they live in
     * its slab and own nothing else): the cache then drops a million entries without visiting
     * each one. */
    bool bulk_free;
} rt_cache_ops;

/* One key's entry. `obj` is the operator's: NULL means the key has no state (never had, or
 * deleted). After changing obj (in place, or by assigning a new one) call rt_cache_dirty. */
typedef struct rt_centry {
    void *obj;
    uint64_t hash;
    uint32_t klen;
    uint8_t dirty;                         /* changed since last written back (on the dirty list) */
    uint8_t stored;                        /* private: the store holds a value for the key */
    uint8_t ref;                           /* private: used since the eviction clock last passed */
    uint8_t evict;                         /* private: chosen by the running trim */
    size_t bytes;                          /* private: accounted size of obj */
    char key[];                            /* klen bytes */
} rt_centry;

typedef struct rt_cache rt_cache;

/* A cache over namespace `ns` of `store`, holding at most about max_bytes (entries, keys and
 * the sizes the operator reports for its objects). */
rt_cache *rt_cache_new(rt_store *store, int ns, const rt_cache_ops *ops, void *ud, size_t max_bytes);
/* Frees every entry (without writing anything back). */
void rt_cache_free(rt_cache *c);

/* 64-bit hash of key bytes (XXH3). */
uint64_t rt_cache_hash(const void *key, size_t klen);

/* The entry of `key`, from memory or else loaded from the store (obj NULL when the key has no
 * state; the entry is created either way). Marks it most recently used. NULL + *err on a store
 * error or undecodable bytes. Entries stay valid until the next rt_cache_trim or _free. */
rt_centry *rt_cache_get(rt_cache *c, const void *key, size_t klen, char **err);
/* The same with the hash already computed by the caller. */
rt_centry *rt_cache_get_hashed(rt_cache *c, uint64_t hash, const void *key, size_t klen, char **err);

/* Asks the CPU to bring what a later rt_cache_get_hashed(hash) reads into its cache, in three
 * steps a few rows apart (0: the table slot; 1: the entry, found through the slot fetched by
 * step 0; 2: the entry's object). Batch loops call it ahead of the rows they process, so that
 * a large table's cache misses overlap instead of stalling one by one. Never blocks, changes
 * nothing. */
void rt_cache_prefetch(const rt_cache *c, uint64_t hash, int step);

/* Marks e changed: its object (e->obj, possibly new) now takes obj_bytes of memory. */
void rt_cache_dirty(rt_cache *c, rt_centry *e, size_t obj_bytes);
/* Deletes the key's state: frees e->obj, sets it NULL, marks the entry dirty. */
void rt_cache_delete(rt_cache *c, rt_centry *e);

/* Keeps memory within the budget: when over it, writes back (sorted by hash) and drops entries
 * not used lately (the CLOCK approximation of least recently used: a hit only sets a bit, so
 * the per-record path touches no other entry) until usage is below 3/4 of the budget. Writes go into the store's open
 * transaction, so they become durable only with the next checkpoint. Call between batches:
 * entries returned earlier may be freed. 0 or -1 + *err. */
int rt_cache_trim(rt_cache *c, char **err);
/* Writes every dirty entry back into the store's open transaction, sorted by hash, and marks
 * them clean (entries stay cached). Its cost follows the number of dirty entries, not of all
 * entries. Call at a checkpoint before rt_store_commit. 0 or -1. */
int rt_cache_flush(rt_cache *c, char **err);

/* Calls fn for every entry in memory with a non-NULL object (any order). */
void rt_cache_each(rt_cache *c, void (*fn)(void *arg, rt_centry *e), void *arg);

/* Bytes accounted now, entries in memory, and misses that went to the store so far. */
size_t rt_cache_bytes(const rt_cache *c);
size_t rt_cache_entries(const rt_cache *c);
int64_t rt_cache_misses(const rt_cache *c);

#endif
