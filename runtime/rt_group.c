/* rt_group.c: groups of aggregate state (see rt_group.h). */
#include "rt_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rt_group *rt_group_new(rt_groups *gs) {
    rt_group *g = rt_slab_alloc(gs->slab);
    memset(g, 0, sizeof *g);
    for (int i = 0; i < gs->naggs; i++) rt_acc_init(&g->acc[i]);
    return g;
}

void rt_group_free(rt_groups *gs, rt_group *g) {
    for (int i = 0; i < gs->naggs; i++) rt_acc_free(&gs->aggs[i], &g->acc[i]);
    rt_slab_free(gs->slab, g);
}

size_t rt_group_bytes(const rt_groups *gs, const rt_group *g) {
    size_t n = sizeof *g + sizeof(rt_acc) * (size_t)gs->naggs;
    for (int i = 0; i < gs->naggs; i++) n += rt_acc_heap_bytes(&gs->aggs[i], &g->acc[i]);
    return n;
}

/* ---- the cache's callbacks ---- */

static void group_free_cb(void *ud, void *obj) { rt_group_free(ud, obj); }

static void group_encode(void *ud, const void *obj, sl_buf *out) {
    const rt_groups *gs = ud;
    const rt_group *g = obj;
    rt_put_varint(out, g->count);
    rt_put_varint(out, g->seq);
    for (int i = 0; i < gs->naggs; i++) rt_acc_encode(&gs->aggs[i], &g->acc[i], out);
}

static void *group_decode(void *ud, const char *data, size_t len) {
    rt_groups *gs = ud;
    rt_group *g = rt_group_new(gs);
    rt_reader r = rt_reader_of(data, len);
    g->count = rt_get_varint(&r);
    g->seq = rt_get_varint(&r);
    int i = 0;
    for (; i < gs->naggs; i++)
        if (!rt_acc_decode(&gs->aggs[i], &g->acc[i], &r)) break;
    if (i < gs->naggs || !rt_reader_done(&r)) {
        for (int k = 0; k < i; k++) rt_acc_free(&gs->aggs[k], &g->acc[k]);
        rt_slab_free(gs->slab, g);
        return NULL;
    }
    return g;
}

/* True when a group owns memory beyond its slab object: strings kept by MIN/MAX/FIRST_VALUE/
 * LAST_VALUE, LISTAGG's text, the value lists of retractable aggregates. */
static bool groups_own_heap(const rt_groups *gs) {
    for (int i = 0; i < gs->naggs; i++) {
        int fn = gs->aggs[i].fn;
        bool keeps = fn == PL_AGG_MIN || fn == PL_AGG_MAX || fn == PL_AGG_FIRST_VALUE || fn == PL_AGG_LAST_VALUE;
        if (fn == PL_AGG_LISTAGG || (keeps && (gs->retract || gs->aggs[i].arg_type.id == SL_T_STRING))) return true;
    }
    return false;
}

rt_cache_ops rt_groups_cache_ops(const rt_groups *gs) {
    rt_cache_ops ops = {group_encode, group_decode, group_free_cb, !groups_own_heap(gs)};
    return ops;
}

/* DISTINCT counts: an int64 per (group, aggregate, value). */
static void count_encode(void *ud, const void *obj, sl_buf *out) {
    (void)ud;
    rt_put_varint(out, *(const int64_t *)obj);
}

static void *count_decode(void *ud, const char *data, size_t len) {
    (void)ud;
    rt_reader r = rt_reader_of(data, len);
    int64_t v = rt_get_varint(&r);
    if (!rt_reader_done(&r)) return NULL;
    int64_t *p = malloc(sizeof *p);
    if (!p) abort();
    *p = v;
    return p;
}

static void count_free(void *ud, void *obj) {
    (void)ud;
    free(obj);
}

static const rt_cache_ops count_ops = {count_encode, count_decode, count_free, false};

int rt_groups_init(rt_groups *gs, const pl_agg_call *aggs, int naggs, bool retract, rt_store *store,
                   const char *distinct_ns, size_t distinct_budget, char **err) {
    memset(gs, 0, sizeof *gs);
    gs->aggs = aggs;
    gs->naggs = naggs;
    gs->retract = retract;
    gs->slab = rt_slab_new(sizeof(rt_group) + sizeof(rt_acc) * (size_t)naggs);
    bool distinct = false;
    for (int i = 0; i < naggs; i++) distinct |= aggs[i].distinct;
    if (!distinct) return 0;
    int ns = rt_store_namespace(store, distinct_ns, err);
    if (ns < 0) return -1;
    gs->distinct = rt_cache_new(store, ns, &count_ops, gs, distinct_budget);
    return 0;
}

void rt_groups_free(rt_groups *gs) {
    if (gs->distinct) rt_cache_free(gs->distinct);
    rt_slab_destroy(gs->slab);
    sl_buf_free(&gs->dkey);
    memset(gs, 0, sizeof *gs);
}

int rt_groups_flush(rt_groups *gs, char **err) { return gs->distinct ? rt_cache_flush(gs->distinct, err) : 0; }
int rt_groups_trim(rt_groups *gs, char **err) { return gs->distinct ? rt_cache_trim(gs->distinct, err) : 0; }

/* ---- accumulation ---- */

/* For a DISTINCT aggregate: counts the value in or out of the group; *apply when the aggregate
 * itself must take the value in (first occurrence) or out (the last one went). */
static int distinct_step(rt_groups *gs, const char *key, size_t klen, int i, sl_value v, bool add, bool *apply,
                         char **err) {
    sl_buf_clear(&gs->dkey);
    sl_buf_append(&gs->dkey, key, klen);
    rt_put_u32(&gs->dkey, (uint32_t)i);
    rt_put_value(&gs->dkey, gs->aggs[i].arg_type, v);
    rt_centry *e = rt_cache_get(gs->distinct, gs->dkey.data, gs->dkey.len, err);
    if (!e) return -1;
    int64_t *cnt = e->obj;
    *apply = false;
    if (add) {
        if (!cnt) {
            cnt = calloc(1, sizeof *cnt);
            if (!cnt) abort();
            e->obj = cnt;
        }
        *apply = ++*cnt == 1;
        rt_cache_dirty(gs->distinct, e, sizeof *cnt);
    } else if (cnt) {
        if (--*cnt <= 0) {
            *apply = true;
            rt_cache_delete(gs->distinct, e);
        } else {
            rt_cache_dirty(gs->distinct, e, sizeof *cnt);
        }
    }
    return 0;
}

int rt_group_accumulate(rt_groups *gs, rt_group *g, const char *key, size_t klen, const sl_value *row, bool add,
                        char **err) {
    g->count += add ? 1 : -1;
    if (add) g->seq++;
    for (int i = 0; i < gs->naggs; i++) {
        const pl_agg_call *c = &gs->aggs[i];
        if (c->filter >= 0 && (row[c->filter].null || !row[c->filter].i)) continue;
        static const sl_value one = {false, {1}};
        const sl_value *v = c->arg >= 0 ? &row[c->arg] : &one;
        if (v->null) continue;
        if (c->distinct) {
            bool apply;
            if (distinct_step(gs, key, klen, i, *v, add, &apply, err) < 0) return -1;
            if (!apply) continue;
        }
        if (add) rt_acc_add(c, gs->retract, &g->acc[i], v, g->seq);
        else if (g->acc[i].n > 0) rt_acc_remove(c, &g->acc[i], v);
    }
    return 0;
}

void rt_group_results(const rt_groups *gs, const rt_group *g, sl_value *out, sl_arena *arena) {
    for (int i = 0; i < gs->naggs; i++) rt_acc_result(&gs->aggs[i], gs->retract, &g->acc[i], arena, &out[i]);
}
