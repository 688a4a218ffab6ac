/* rt_op_window_rank.c: WINDOW_RANK: window Top-N and window deduplication, as Flink's
 *   SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k
 *                                                ORDER BY price DESC) AS rownum
 *                  FROM <windowed input>) WHERE rownum <= 3
 * Each (window, partition key) keeps, as rows arrive, only the rows that can still be in its
 * top N (ROW_NUMBER: the first N in the order, ties in arrival order; RANK and DENSE_RANK: every
 * row whose rank is at most N); when the watermark completes the window they are emitted once,
 * in order, with their rank, and the state is deleted. Deduplication is ROW_NUMBER with N = 1
 * over the time column (ASC: the first row, DESC: the last). NULLs sort first ascending and
 * last descending. Late rows (their window fired) are dropped and counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "rt_cache.h"
#include "rt_codec.h"
#include "rt_op.h"
#include "rt_timers.h"
#include "rt_window.h"

/* One kept row: its bytes and its values (strings pointing into the bytes). */
typedef struct kept {
    char *enc;
    size_t len;
    sl_value *vals;
} kept;

/* A partition's kept rows, in rank order. */
typedef struct ranked {
    int n, cap;
    kept *r;
} ranked;

typedef struct rank_state {
    const pl_node *n;
    int in_cols;           /* the input's width */
    rt_cache *parts;       /* (window, partition key) -> ranked */
    rt_timers *timers;
    sl_buf key, enc;
    sl_batch out;
} rank_state;

/* ---- kept rows ---- */

/* A kept row from a row's encoding (copied). */
static kept kept_of(const rank_state *s, const char *data, size_t len, bool *ok) {
    kept k = {malloc(len ? len : 1), len, malloc(sizeof(sl_value) * (size_t)s->in_cols)};
    if (!k.enc || !k.vals) abort();
    memcpy(k.enc, data, len);
    rt_reader r = rt_reader_of(k.enc, len);
    for (int c = 0; c < s->in_cols; c++) k.vals[c] = rt_get_value(&r, s->n->input->cols[c].type);
    *ok = rt_reader_done(&r);
    return k;
}

static void kept_free(kept *k) {
    free(k->enc);
    free(k->vals);
}

static void ranked_free_cb(void *ud, void *obj) {
    (void)ud;
    ranked *rk = obj;
    for (int i = 0; i < rk->n; i++) kept_free(&rk->r[i]);
    free(rk->r);
    free(rk);
}

static void ranked_encode(void *ud, const void *obj, sl_buf *out) {
    (void)ud;
    const ranked *rk = obj;
    rt_put_varint(out, rk->n);
    for (int i = 0; i < rk->n; i++) rt_put_bytes(out, rk->r[i].enc, (uint32_t)rk->r[i].len);
}

static void *ranked_decode(void *ud, const char *data, size_t len) {
    rank_state *s = ud;
    rt_reader r = rt_reader_of(data, len);
    int64_t n = rt_get_varint(&r);
    if (r.bad || n < 0 || n > (int64_t)len) return NULL;
    ranked *rk = calloc(1, sizeof *rk);
    rk->cap = (int)n + 1;
    rk->r = calloc((size_t)rk->cap, sizeof *rk->r);
    bool ok = true;
    for (int64_t i = 0; i < n && ok; i++) {
        uint32_t kl;
        const char *kp = rt_get_bytes(&r, &kl);
        if (r.bad) break;
        rk->r[rk->n++] = kept_of(s, kp, kl, &ok);
    }
    if (!ok || rk->n != n || !rt_reader_done(&r)) {
        ranked_free_cb(s, rk);
        return NULL;
    }
    return rk;
}

static size_t ranked_bytes(const rank_state *s, const ranked *rk) {
    size_t b = sizeof *rk + sizeof(kept) * (size_t)rk->cap;
    for (int i = 0; i < rk->n; i++) b += rk->r[i].len + sizeof(sl_value) * (size_t)s->in_cols;
    return b;
}

/* ---- order ---- */

/* Compares two rows by the ORDER BY columns (NULL first ascending, last descending). */
static int order_cmp(const rank_state *s, const sl_value *a, const sl_value *b) {
    const pl_node *n = s->n;
    for (int i = 0; i < n->norder; i++) {
        int c = n->order_cols[i];
        const sl_value *x = &a[c], *y = &b[c];
        int r;
        if (x->null || y->null) r = x->null == y->null ? 0 : x->null ? -1 : 1;
        else r = rt_value_cmp(n->input->cols[c].type, *x, *y);
        if (r) return n->order_desc[i] ? -r : r;
    }
    return 0;
}

/* The ranks of the kept rows (ROW_NUMBER: position; RANK: 1 + rows before the first equal one;
 * DENSE_RANK: 1 + distinct values before) into out. */
static void ranks_of(const rank_state *s, const ranked *rk, int64_t *out) {
    int64_t dense = 0;
    for (int i = 0; i < rk->n; i++) {
        bool tie = i > 0 && order_cmp(s, rk->r[i - 1].vals, rk->r[i].vals) == 0;
        if (!tie) dense++;
        switch (s->n->rank_fn) {
        case 1: out[i] = tie ? out[i - 1] : i + 1; break;
        case 2: out[i] = dense; break;
        default: out[i] = i + 1;
        }
    }
}

/* Inserts a row after the rows that sort before or equal to it, then drops what ranks past N. */
static void insert_ranked(rank_state *s, ranked *rk, kept k) {
    int at = rk->n;
    while (at > 0 && order_cmp(s, rk->r[at - 1].vals, k.vals) > 0) at--;
    if (rk->n == rk->cap) {
        rk->cap = rk->cap ? rk->cap * 2 : 4;
        rk->r = realloc(rk->r, sizeof *rk->r * (size_t)rk->cap);
        if (!rk->r) abort();
    }
    memmove(&rk->r[at + 1], &rk->r[at], sizeof *rk->r * (size_t)(rk->n - at));
    rk->r[at] = k;
    rk->n++;
    int64_t *ranks = malloc(sizeof *ranks * (size_t)rk->n);
    if (!ranks) abort();
    ranks_of(s, rk, ranks);
    while (rk->n > 0 && ranks[rk->n - 1] > s->n->rank_limit) kept_free(&rk->r[--rk->n]);
    free(ranks);
}

/* ---- operator ---- */

static int rank_open(rt_op *op, char **err) {
    const pl_node *n = op->node;
    rank_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->n = n;
    s->in_cols = n->input->ncols;
    char name[64];
    snprintf(name, sizeof name, "window-rank-%d", op->index);
    int ns = rt_store_namespace(op->job->store, name, err);
    if (ns < 0) return -1;
    rt_cache_ops ops = {ranked_encode, ranked_decode, ranked_free_cb, false};
    s->parts = rt_cache_new(op->job->store, ns, &ops, s, op->job->state_budget);
    snprintf(name, sizeof name, "window-rank-%d-timers", op->index);
    if (!(s->timers = rt_timers_open(op->job->store, name, op->job->durable, err))) return -1;
    op->timers = s->timers; /* for the diagnostics (rt_diag.c) */
    sl_batch_init(&s->out, n->ncols, op->job->batch_size);
    return 0;
}

static void rank_close(rt_op *op) {
    rank_state *s = op->state;
    if (!s) return;
    if (s->parts) rt_cache_free(s->parts);
    rt_timers_free(s->timers);
    sl_buf_free(&s->key);
    sl_buf_free(&s->enc);
    if (s->out.vals) sl_batch_free(&s->out);
    free(s);
    op->state = NULL;
}

static int rank_push(rt_op *op, sl_batch *in, char **err) {
    rank_state *s = op->state;
    const pl_node *n = s->n;
    for (int r = 0; r < in->nrows; r++) {
        if (in->ops[r] != SL_OP_INSERT && in->ops[r] != SL_OP_UPDATE_AFTER) continue;
        const sl_value *row = sl_batch_row(in, r);
        sl_value endv = row[n->wend];
        if (endv.null) continue;
        if (op->has_wm && rt_window_fired(endv.i, op->wm)) {
            op->job->late++;
            continue;
        }
        sl_buf_clear(&s->key);
        for (int k = 0; k < n->nkeys; k++) rt_put_value(&s->key, n->input->cols[n->keys[k]].type, row[n->keys[k]]);
        rt_centry *e = rt_cache_get(s->parts, s->key.data, s->key.len, err);
        if (!e) return -1;
        ranked *rk = e->obj;
        if (!rk) {
            rk = calloc(1, sizeof *rk);
            if (!rk) abort();
            e->obj = rk;
            rt_timers_add(s->timers, endv.i, s->key.data, s->key.len);
        }
        sl_buf_clear(&s->enc);
        for (int c = 0; c < s->in_cols; c++) rt_put_value(&s->enc, n->input->cols[c].type, row[c]);
        bool ok;
        insert_ranked(s, rk, kept_of(s, s->enc.data, s->enc.len, &ok));
        rt_cache_dirty(s->parts, e, ranked_bytes(s, rk));
    }
    return rt_cache_trim(s->parts, err);
}

/* What a firing needs. */
typedef struct fire_ctx {
    rt_op *op;
    rank_state *s;
} fire_ctx;

/* Emits one partition's kept rows with their ranks and deletes them. */
static int fire_part(void *ud, const char *key, size_t klen, int64_t end, char **err) {
    fire_ctx *c = ud;
    rank_state *s = c->s;
    (void)end;
    rt_centry *e = rt_cache_get(s->parts, key, klen, err);
    if (!e) return -1;
    ranked *rk = e->obj;
    if (!rk) return 0;
    int64_t *ranks = malloc(sizeof *ranks * (size_t)(rk->n + 1));
    if (!ranks) abort();
    ranks_of(s, rk, ranks);
    for (int i = 0; i < rk->n; i++) {
        if (sl_batch_full(&s->out)) {
            if (rt_push_next(c->op, &s->out, err) < 0) {
                free(ranks);
                return -1;
            }
            sl_batch_clear(&s->out);
        }
        sl_value *o = sl_batch_add_row(&s->out);
        for (int col = 0; col < s->in_cols; col++) {
            sl_value v = rk->r[i].vals[col];
            if (s->n->input->cols[col].type.id == SL_T_STRING && !v.null) v = sl_batch_str(&s->out, v.s.ptr, v.s.len);
            o[col] = v;
        }
        if (s->n->rank_out >= 0) o[s->n->rank_out] = sl_int(ranks[i]);
    }
    free(ranks);
    rt_cache_delete(s->parts, e);
    return 0;
}

static int rank_watermark(rt_op *op, int64_t wm, char **err) {
    rank_state *s = op->state;
    fire_ctx c = {op, s};
    sl_batch_clear(&s->out);
    if (rt_timers_fire(s->timers, wm, fire_part, &c, err) < 0) return -1;
    if (s->out.nrows && rt_push_next(op, &s->out, err) < 0) return -1;
    sl_batch_clear(&s->out);
    if (rt_cache_trim(s->parts, err) < 0) return -1;
    return rt_push_watermark(op, wm, err);
}

static int rank_checkpoint(rt_op *op, char **err) {
    rank_state *s = op->state;
    if (rt_timers_checkpoint(s->timers, err) < 0) return -1;
    return op->job->durable ? rt_cache_flush(s->parts, err) : 0;
}

static int rank_finish(rt_op *op, char **err) { (void)op; (void)err; return 0; }

const rt_op_vt rt_window_rank_vt = {"window_rank", rank_open, NULL, rank_push, rank_checkpoint, rank_finish,
                                    rank_close, NULL, rank_watermark};
