/* rt_group.h: one group's aggregate state (the accumulators of a key), shared by GROUP BY
 * (rt_op_agg.c) and window aggregation (rt_op_window_agg.c): groups live in a slab; the cache
 * stores them through the callbacks here; rows are accumulated with DISTINCT's per-value
 * counts kept in a second cache; results come out per aggregate. */
#ifndef RT_GROUP_H
#define RT_GROUP_H

#include "../planner/pl_plan.h"
#include "rt_agg.h"
#include "rt_cache.h"
#include "rt_slab.h"

typedef struct rt_group {
    int64_t count;     /* rows accumulated minus retracted */
    int64_t seq;       /* arrival counter for lists */
    int64_t mark;      /* for the operator (mini-batch: the batch that last touched it); not stored */
    rt_acc acc[];
} rt_group;

/* What the groups of one operator share. */
typedef struct rt_groups {
    const pl_agg_call *aggs;
    int naggs;
    bool retract;      /* the input is updating: accumulators support retraction */
    rt_slab *slab;
    rt_cache *distinct;/* DISTINCT aggregates' counts per (group, aggregate, value), or NULL */
    sl_buf dkey;
} rt_groups;

/* Sets up gs for these aggregates; with a DISTINCT among them, its counts get namespace
 * `distinct_ns` of `store` and `distinct_budget` bytes of cache. 0 or -1. */
int rt_groups_init(rt_groups *gs, const pl_agg_call *aggs, int naggs, bool retract, rt_store *store,
                   const char *distinct_ns, size_t distinct_budget, char **err);
/* Frees the slab and the DISTINCT cache; the caller frees its group cache first. */
void rt_groups_free(rt_groups *gs);
/* The callbacks of a cache of groups (its ud must be gs). */
rt_cache_ops rt_groups_cache_ops(const rt_groups *gs);

rt_group *rt_group_new(rt_groups *gs);
void rt_group_free(rt_groups *gs, rt_group *g);
size_t rt_group_bytes(const rt_groups *gs, const rt_group *g);

/* Takes a row into (add) or out of g; `key` identifies the group (DISTINCT counts are kept
 * under it). Aggregate arguments and FILTERs are the row's columns the calls name. 0 or -1. */
int rt_group_accumulate(rt_groups *gs, rt_group *g, const char *key, size_t klen, const sl_value *row, bool add,
                        char **err);
/* The aggregates' results into out[0..naggs) (strings in arena). */
void rt_group_results(const rt_groups *gs, const rt_group *g, sl_value *out, sl_arena *arena);
/* Writes the DISTINCT counts back at a checkpoint; trims them between batches. 0 or -1. */
int rt_groups_flush(rt_groups *gs, char **err);
int rt_groups_trim(rt_groups *gs, char **err);

#endif
