/* rt_op_agg.c: AGG: continuous GROUP BY with incremental, keyed state (Flink's GroupAggregate).
 *
 * Per input row: the group's key is encoded (rt_codec) and looked up in the write-back cache
 * (rt_cache, SQLite behind it); its accumulators take the row in (+I/+U) or back out (-U/-D);
 * the group's result before and after is compared and the change emitted:
 *   new group (or HAVING starts to hold)      +I new
 *   result changed, HAVING holds before/after  -U old, +U new (nothing when equal)
 *   HAVING stops holding                       -D old
 *   the group's last row retracted             -D old, and its state is deleted
 * A retraction for a group without state is ignored (as Flink does). DISTINCT aggregates keep
 * a count per (group, aggregate, value) in a second keyed state, so a value counts once while
 * any row carries it. With 'table.exec.mini-batch.enabled' the changes of one input batch are
 * folded: each touched group emits once, after the whole batch, from its state before the
 * batch to its state after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "rt_agg.h"
#include "rt_cache.h"
#include "rt_expr.h"
#include "rt_op.h"
#include "rt_group.h"

/* A group touched in the current batch (mini-batch mode). */
typedef struct touched {
    rt_centry *e;
    bool was;          /* visible before the batch */
    sl_value *before;  /* its keys, and its result before the batch when `was` (scratch arena) */
} touched;

typedef struct agg_state {
    const pl_node *n;
    int naggs, width;     /* width: keys + aggregates */
    rt_groups gs;
    rt_cache *groups;
    sl_batch out;
    sl_value *before, *after;   /* scratch result rows */
    sl_value *keyvals;          /* scratch: the current row's key values */
    sl_buf keys;                /* the input batch's encoded group keys, back to back */
    size_t *koff;               /* row r's key: keys.data + koff[r], koff[r + 1] - koff[r] bytes */
    uint64_t *khash;            /* ... and its hash */
    const char *cur_key;        /* the key of the row being processed (for DISTINCT's keys) */
    size_t cur_klen;
    touched *touch;
    int ntouch, captouch;
    int64_t batch_no;
    sl_arena *scratch;          /* per batch: mini-batch's results before the batch */
} agg_state;

/* ---- open / close ---- */

static int agg_open(rt_op *op, char **err) {
    const pl_node *n = op->node;
    agg_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->n = n;
    s->naggs = n->naggs;
    s->width = n->ncols;
    char name[64], dname[64];
    snprintf(name, sizeof name, "agg-%d", op->index);
    snprintf(dname, sizeof dname, "agg-%d-distinct", op->index);
    size_t budget = op->job->state_budget;
    if (rt_groups_init(&s->gs, n->aggs, n->naggs, n->input->updating, op->job->store, dname, budget / 4, err) < 0)
        return -1;
    int ns = rt_store_namespace(op->job->store, name, err);
    if (ns < 0) return -1;
    rt_cache_ops group_ops = rt_groups_cache_ops(&s->gs);
    s->groups = rt_cache_new(op->job->store, ns, &group_ops, &s->gs, s->gs.distinct ? budget / 4 * 3 : budget);
    sl_batch_init(&s->out, s->width, op->job->batch_size);
    s->before = calloc((size_t)s->width + 1, sizeof(sl_value));
    s->after = calloc((size_t)s->width + 1, sizeof(sl_value));
    s->scratch = sl_arena_new(0);
    s->keyvals = calloc((size_t)n->nkeys + 1, sizeof(sl_value));
    s->koff = calloc((size_t)op->job->batch_size + 1, sizeof(size_t));
    s->khash = calloc((size_t)op->job->batch_size + 1, sizeof(uint64_t));
    return 0;
}

static void agg_close(rt_op *op) {
    agg_state *s = op->state;
    if (!s) return;
    if (s->groups) rt_cache_free(s->groups);
    rt_groups_free(&s->gs);
    if (s->out.vals) sl_batch_free(&s->out);
    free(s->before);
    free(s->after);
    free(s->touch);
    free(s->keyvals);
    free(s->koff);
    free(s->khash);
    sl_buf_free(&s->keys);
    if (s->scratch) sl_arena_free(s->scratch);
    free(s);
    op->state = NULL;
}

/* ---- results and emission ---- */

/* The group's result row (keys from `keys`, aggregates from g) into row; true when the row
 * is visible (HAVING holds). Strings go into `arena`. */
static bool result_row(agg_state *s, const rt_group *g, const sl_value *keys, sl_value *row, sl_arena *arena,
                       char **rt_err) {
    const pl_node *n = s->n;
    if (row != keys)
        for (int k = 0; k < n->nkeys; k++) row[k] = keys[k];
    rt_group_results(&s->gs, g, row + n->nkeys, arena);
    if (!n->having) return true;
    rt_eval_ctx ctx = {arena, NULL, 0};
    bool ok = rt_eval_pred(n->having, row, &ctx);
    if (ctx.error && !*rt_err) *rt_err = ctx.error;
    else free(ctx.error);
    return ok;
}

static bool rows_same(const agg_state *s, const sl_value *a, const sl_value *b) {
    for (int c = s->n->nkeys; c < s->width; c++)
        if (!rt_value_same(s->n->cols[c].type, a[c], b[c])) return false;
    return true;
}

/* Appends one output row (room is ensured by the caller). */
static void emit(agg_state *s, int opkind, const sl_value *row) {
    sl_value *o = sl_batch_add_row(&s->out);
    memcpy(o, row, sizeof(sl_value) * (size_t)s->width);
    s->out.ops[s->out.nrows - 1] = (uint8_t)opkind;
}

/* The changelog rows from a group's result before to after (either may be invisible). */
static void emit_change(agg_state *s, bool was, const sl_value *before, bool is, const sl_value *after) {
    if (was && is) {
        if (rows_same(s, before, after)) return;
        emit(s, SL_OP_UPDATE_BEFORE, before);
        emit(s, SL_OP_UPDATE_AFTER, after);
    } else if (was) {
        emit(s, SL_OP_DELETE, before);
    } else if (is) {
        emit(s, SL_OP_INSERT, after);
    }
}

/* Pushes the output batch on when it has no room for two more rows (an update's pair is
 * never split across batches: upsert sinks rely on it). */
static int make_room(rt_op *op, agg_state *s, char **err) {
    if (s->out.nrows + 2 <= s->out.cap) return 0;
    int rc = s->out.nrows ? rt_push_next(op, &s->out, err) : 0;
    sl_batch_clear(&s->out);
    return rc;
}

/* ---- accumulation ---- */

/* Encodes every row's group key and hashes it, before the rows are processed: the hashes let
 * the loop prefetch the state of rows a few ahead (rt_cache_prefetch). */
static void encode_keys(agg_state *s, const sl_batch *in) {
    sl_buf_clear(&s->keys);
    for (int r = 0; r < in->nrows; r++) {
        const sl_value *row = sl_batch_row(in, r);
        s->koff[r] = s->keys.len;
        for (int k = 0; k < s->n->nkeys; k++) rt_put_value(&s->keys, s->n->cols[k].type, row[s->n->keys[k]]);
    }
    s->koff[in->nrows] = s->keys.len;
    const char *base = s->keys.data ? s->keys.data : "";
    for (int r = 0; r < in->nrows; r++) s->khash[r] = rt_cache_hash(base + s->koff[r], s->koff[r + 1] - s->koff[r]);
}

/* Row r's group entry (prefetching the rows ahead of it). */
static rt_centry *group_entry(agg_state *s, int r, int nrows, char **err) {
    if (r + 12 < nrows) rt_cache_prefetch(s->groups, s->khash[r + 12], 0);
    if (r + 6 < nrows) rt_cache_prefetch(s->groups, s->khash[r + 6], 1);
    if (r + 3 < nrows) rt_cache_prefetch(s->groups, s->khash[r + 3], 2);
    s->cur_key = (s->keys.data ? s->keys.data : "") + s->koff[r];
    s->cur_klen = s->koff[r + 1] - s->koff[r];
    return rt_cache_get_hashed(s->groups, s->khash[r], s->cur_key, s->cur_klen, err);
}

/* Per-record mode: row r in, its group's change out. */
static int process_row(rt_op *op, agg_state *s, const sl_batch *in, int r, char **err, char **rt_err) {
    if (make_room(op, s, err) < 0) return -1;
    const sl_value *row = sl_batch_row(in, r);
    int opkind = in->ops[r];
    bool add = opkind == SL_OP_INSERT || opkind == SL_OP_UPDATE_AFTER;
    rt_centry *e = group_entry(s, r, in->nrows, err);
    if (!e) return -1;
    rt_group *g = e->obj;
    if (!g && !add) return 0;
    sl_value *kv = s->keyvals;
    for (int k = 0; k < s->n->nkeys; k++) kv[k] = row[s->n->keys[k]];
    bool was = g && g->count > 0 && result_row(s, g, kv, s->before, s->out.arena, rt_err);
    if (!g) {
        g = rt_group_new(&s->gs);
        e->obj = g;
    }
    int rc = rt_group_accumulate(&s->gs, g, s->cur_key, s->cur_klen, row, add, err);
    if (rc == 0) {
        if (g->count <= 0) {
            if (was) emit(s, SL_OP_DELETE, s->before);
            rt_cache_delete(s->groups, e);
        } else {
            bool is = result_row(s, g, kv, s->after, s->out.arena, rt_err);
            emit_change(s, was, s->before, is, s->after);
            rt_cache_dirty(s->groups, e, rt_group_bytes(&s->gs, g));
        }
    }
    return rc;
}

/* Mini-batch mode, first pass: the first time a group is touched in this batch its visible
 * result before the batch is kept (in the scratch arena); then the row is accumulated. Groups
 * stay in state until the batch is over, even when their count drops to zero. */
static int fold_row(agg_state *s, const sl_batch *in, int r, char **err, char **rt_err) {
    const sl_value *row = sl_batch_row(in, r);
    int opkind = in->ops[r];
    bool add = opkind == SL_OP_INSERT || opkind == SL_OP_UPDATE_AFTER;
    rt_centry *e = group_entry(s, r, in->nrows, err);
    if (!e) return -1;
    rt_group *g = e->obj;
    if (!add && (!g || g->count <= 0)) return 0;
    if (!g || g->mark != s->batch_no) {
        if (s->ntouch == s->captouch) {
            s->captouch = s->captouch ? s->captouch * 2 : 256;
            s->touch = realloc(s->touch, sizeof *s->touch * (size_t)s->captouch);
            if (!s->touch) abort();
        }
        touched *t = &s->touch[s->ntouch++];
        t->e = e;
        t->before = sl_arena_alloc(s->scratch, sizeof(sl_value) * (size_t)s->width);
        for (int k = 0; k < s->n->nkeys; k++) {
            sl_value v = row[s->n->keys[k]];
            if (s->n->cols[k].type.id == SL_T_STRING && !v.null) {
                char *p = sl_arena_alloc(s->scratch, v.s.len ? v.s.len : 1);
                memcpy(p, v.s.ptr, v.s.len);
                v.s.ptr = p;
            }
            t->before[k] = v;
        }
        t->was = g && g->count > 0 && result_row(s, g, t->before, t->before, s->scratch, rt_err);
        if (!g) {
            g = rt_group_new(&s->gs);
            e->obj = g;
        }
        g->mark = s->batch_no;
    }
    return rt_group_accumulate(&s->gs, g, s->cur_key, s->cur_klen, row, add, err);
}

/* Mini-batch mode, second pass: each touched group's change, from before the batch to now. */
static int emit_folded(rt_op *op, agg_state *s, char **err, char **rt_err) {
    for (int i = 0; i < s->ntouch; i++) {
        if (make_room(op, s, err) < 0) return -1;
        touched *t = &s->touch[i];
        rt_group *g = t->e->obj;
        bool is = g->count > 0 && result_row(s, g, t->before, s->after, s->out.arena, rt_err);
        emit_change(s, t->was, t->before, is, s->after);
        if (g->count <= 0) rt_cache_delete(s->groups, t->e);
        else rt_cache_dirty(s->groups, t->e, rt_group_bytes(&s->gs, g));
    }
    s->ntouch = 0;
    return 0;
}

static int agg_push(rt_op *op, sl_batch *in, char **err) {
    agg_state *s = op->state;
    char *rt_err = NULL;
    int rc = 0;
    encode_keys(s, in);
    if (op->job->mini_batch) {
        s->batch_no++;
        for (int r = 0; r < in->nrows && rc == 0; r++) rc = fold_row(s, in, r, err, &rt_err);
        if (rc == 0) rc = emit_folded(op, s, err, &rt_err);
    } else {
        for (int r = 0; r < in->nrows && rc == 0; r++) rc = process_row(op, s, in, r, err, &rt_err);
    }
    if (rc == 0 && rt_err) {
        *err = sl_strdupf("Runtime error in aggregate: %s", rt_err);
        rc = -1;
    }
    free(rt_err);
    if (rc == 0 && s->out.nrows) {
        rc = rt_push_next(op, &s->out, err);
        sl_batch_clear(&s->out);
    }
    sl_arena_reset(s->scratch);
    s->ntouch = 0;
    if (rc == 0) rc = rt_cache_trim(s->groups, err);
    if (rc == 0) rc = rt_groups_trim(&s->gs, err);
    return rc;
}

/* A checkpoint: every dirty group (and distinct count) into the store's transaction. */
static int agg_checkpoint(rt_op *op, char **err) {
    agg_state *s = op->state;
    if (!op->job->durable) return 0; /* nothing to resume from: state only in memory */
    if (rt_cache_flush(s->groups, err) < 0) return -1;
    return rt_groups_flush(&s->gs, err);
}

static int agg_finish(rt_op *op, char **err) { (void)op; (void)err; return 0; }

const rt_op_vt rt_agg_vt = {"agg", agg_open, NULL, agg_push, agg_checkpoint, agg_finish, agg_close, NULL};
