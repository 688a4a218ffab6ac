/* rt_op_window_join.c: WINDOW_JOIN: two windowed inputs joined on their windows
 * (window_start, window_end) and keys, as Flink's window join: each side's rows are kept per
 * (window, key) until the watermark, the smaller of the two sides' watermarks, completes the
 * window; then the window's rows are joined once and its state deleted, so the result is
 * append-only and final. INNER emits the pairs whose remaining ON condition holds; LEFT, RIGHT
 * and FULL also emit the rows of their outer side(s) that matched nothing, padded with NULLs.
 * Late rows (their window fired) are dropped and counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "rt_cache.h"
#include "rt_codec.h"
#include "rt_expr.h"
#include "rt_op.h"
#include "rt_timers.h"
#include "rt_window.h"

/* One side's rows of one (window, key): their encodings, back to back (u32 length, bytes). */
typedef struct side_rows {
    int n;
    sl_buf enc;
} side_rows;

typedef struct join_state {
    const pl_node *n;
    int lcols, rcols;
    rt_cache *rows;          /* (side, window, key) -> side_rows */
    rt_timers *timers;       /* window end -> (window, key) */
    bool has_side_wm[2];
    int64_t side_wm[2];
    sl_buf key;
    sl_batch out;
    sl_value *row;           /* scratch joined row */
    sl_value **lvals, **rvals; /* scratch decoded rows of a window */
    int lcap, rcap;
    bool *lmatched, *rmatched;
} join_state;

static void rows_encode(void *ud, const void *obj, sl_buf *out) {
    (void)ud;
    const side_rows *r = obj;
    rt_put_varint(out, r->n);
    sl_buf_append(out, r->enc.data ? r->enc.data : "", r->enc.len);
}

static void *rows_decode(void *ud, const char *data, size_t len) {
    (void)ud;
    rt_reader r = rt_reader_of(data, len);
    int64_t n = rt_get_varint(&r);
    if (r.bad || n < 0) return NULL;
    side_rows *sr = calloc(1, sizeof *sr);
    if (!sr) abort();
    sr->n = (int)n;
    sl_buf_append(&sr->enc, r.p, (size_t)(r.end - r.p));
    return sr;
}

static void rows_free(void *ud, void *obj) {
    (void)ud;
    side_rows *r = obj;
    sl_buf_free(&r->enc);
    free(r);
}

static int join_open(rt_op *op, char **err) {
    const pl_node *n = op->node;
    join_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->n = n;
    s->lcols = n->input->ncols;
    s->rcols = n->input2->ncols;
    char name[64];
    snprintf(name, sizeof name, "window-join-%d", op->index);
    int ns = rt_store_namespace(op->job->store, name, err);
    if (ns < 0) return -1;
    rt_cache_ops ops = {rows_encode, rows_decode, rows_free, false};
    s->rows = rt_cache_new(op->job->store, ns, &ops, s, op->job->state_budget);
    snprintf(name, sizeof name, "window-join-%d-timers", op->index);
    if (!(s->timers = rt_timers_open(op->job->store, name, op->job->durable, err))) return -1;
    op->timers = s->timers; /* for the diagnostics (rt_diag.c) */
    sl_batch_init(&s->out, n->ncols, op->job->batch_size);
    s->row = calloc((size_t)n->ncols + 1, sizeof(sl_value));
    return 0;
}

static void join_close(rt_op *op) {
    join_state *s = op->state;
    if (!s) return;
    if (s->rows) rt_cache_free(s->rows);
    rt_timers_free(s->timers);
    sl_buf_free(&s->key);
    if (s->out.vals) sl_batch_free(&s->out);
    free(s->row);
    for (int i = 0; i < s->lcap; i++) free(s->lvals[i]);
    for (int i = 0; i < s->rcap; i++) free(s->rvals[i]);
    free(s->lvals);
    free(s->rvals);
    free(s->lmatched);
    free(s->rmatched);
    free(s);
    op->state = NULL;
}

/* The join key of a row of `side` into s->key (after the side byte, if with_side): the key
 * columns in order (the window's among them). */
static void encode_key(join_state *s, int side, const sl_value *row, bool with_side) {
    const pl_node *n = s->n;
    const int *cols = side ? n->rkeys : n->lkeys;
    const pl_node *in = side ? n->input2 : n->input;
    sl_buf_clear(&s->key);
    if (with_side) sl_buf_putc(&s->key, (char)side);
    for (int k = 0; k < n->njoin_keys; k++) rt_put_value(&s->key, in->cols[cols[k]].type, row[cols[k]]);
}

/* The window end of a row of `side` (its window_end column is among the keys: the planner puts
 * window_start then window_end first). */
static bool row_end(const join_state *s, int side, const sl_value *row, int64_t *end) {
    const int *cols = side ? s->n->rkeys : s->n->lkeys;
    sl_value v = row[cols[1]];
    if (v.null) return false;
    *end = v.i;
    return true;
}

static int join_push(rt_op *op, sl_batch *in, char **err) {
    join_state *s = op->state;
    int side = op->in_side;
    const pl_node *inp = side ? s->n->input2 : s->n->input;
    int width = side ? s->rcols : s->lcols;
    for (int r = 0; r < in->nrows; r++) {
        if (in->ops[r] != SL_OP_INSERT && in->ops[r] != SL_OP_UPDATE_AFTER) continue;
        const sl_value *row = sl_batch_row(in, r);
        int64_t end;
        if (!row_end(s, side, row, &end)) continue;
        if (op->has_wm && rt_window_fired(end, op->wm)) {
            op->job->late++;
            continue;
        }
        encode_key(s, side, row, true);
        rt_centry *e = rt_cache_get(s->rows, s->key.data, s->key.len, err);
        if (!e) return -1;
        side_rows *sr = e->obj;
        if (!sr) {
            sr = calloc(1, sizeof *sr);
            if (!sr) abort();
            e->obj = sr;
            rt_timers_add(s->timers, end, s->key.data + 1, s->key.len - 1);
        }
        sl_buf enc = {0};
        for (int c = 0; c < width; c++) rt_put_value(&enc, inp->cols[c].type, row[c]);
        rt_put_bytes(&sr->enc, enc.data, (uint32_t)enc.len);
        sl_buf_free(&enc);
        sr->n++;
        rt_cache_dirty(s->rows, e, sizeof *sr + sr->enc.cap);
    }
    return rt_cache_trim(s->rows, err);
}

/* Decodes one side's rows of a window into vals (grown as needed); returns their count. */
static int decode_side(join_state *s, int side, const side_rows *sr, sl_value ***vals, int *cap, bool **matched) {
    if (!sr) return 0;
    const pl_node *inp = side ? s->n->input2 : s->n->input;
    int width = side ? s->rcols : s->lcols;
    if (sr->n > *cap) {
        *vals = realloc(*vals, sizeof **vals * (size_t)sr->n);
        for (int i = *cap; i < sr->n; i++) (*vals)[i] = malloc(sizeof(sl_value) * (size_t)(width + 1));
        *cap = sr->n;
        *matched = realloc(*matched, sizeof **matched * (size_t)sr->n);
    }
    rt_reader r = rt_reader_of(sr->enc.data ? sr->enc.data : "", sr->enc.len);
    int n = 0;
    for (; n < sr->n && !r.bad; n++) {
        uint32_t len;
        const char *p = rt_get_bytes(&r, &len);
        rt_reader rr = rt_reader_of(p, len);
        for (int c = 0; c < width; c++) /* strings point into sr's bytes, valid while the key fires */
            (*vals)[n][c] = rt_get_value(&rr, inp->cols[c].type);
        (*matched)[n] = false;
    }
    return n;
}

/* Appends the joined row of l and r (either may be NULL: padded), pushing the batch when full;
 * strings are copied into the batch (after the push, which clears the batch's memory). */
static int emit_pair(rt_op *op, join_state *s, const sl_value *l, const sl_value *r, char **err) {
    if (sl_batch_full(&s->out)) {
        if (rt_push_next(op, &s->out, err) < 0) return -1;
        sl_batch_clear(&s->out);
    }
    sl_value *o = sl_batch_add_row(&s->out);
    for (int c = 0; c < s->lcols + s->rcols; c++) {
        const sl_value *side = c < s->lcols ? l : r;
        sl_value v = side ? side[c < s->lcols ? c : c - s->lcols] : sl_null();
        if (s->n->cols[c].type.id == SL_T_STRING && !v.null) v = sl_batch_str(&s->out, v.s.ptr, v.s.len);
        o[c] = v;
    }
    return 0;
}

typedef struct fire_ctx {
    rt_op *op;
    join_state *s;
    char *rt_err;
} fire_ctx;

/* Joins one (window, key) of both sides and deletes it. */
static int fire_key(void *ud, const char *key, size_t klen, int64_t end, char **err) {
    fire_ctx *c = ud;
    join_state *s = c->s;
    (void)end;
    rt_centry *e[2];
    for (int side = 0; side < 2; side++) {
        sl_buf_clear(&s->key);
        sl_buf_putc(&s->key, (char)side);
        sl_buf_append(&s->key, key, klen);
        /* both entries stay valid: the cache frees entries only at a trim */
        if (!(e[side] = rt_cache_get(s->rows, s->key.data, s->key.len, err))) return -1;
    }
    int nl = decode_side(s, 0, e[0]->obj, &s->lvals, &s->lcap, &s->lmatched);
    int nr = decode_side(s, 1, e[1]->obj, &s->rvals, &s->rcap, &s->rmatched);
    int kind = s->n->join_kind;
    /* a NULL in an equality key matches nothing (NULL = NULL is not true): the rows of such a
     * key, which all share it, only pad in an outer join */
    bool null_key = false;
    for (int k = 2; nl > 0 && k < s->n->njoin_keys; k++) null_key |= s->lvals[0][s->n->lkeys[k]].null;
    for (int i = 0; i < nl && !null_key; i++)
        for (int j = 0; j < nr; j++) {
            if (s->n->filter) {
                for (int col = 0; col < s->lcols; col++) s->row[col] = s->lvals[i][col];
                for (int col = 0; col < s->rcols; col++) s->row[s->lcols + col] = s->rvals[j][col];
                rt_eval_ctx ctx = {s->out.arena, NULL, 0, false, 0};
                bool ok = rt_eval_pred(s->n->filter, s->row, &ctx);
                if (ctx.error && !c->rt_err) c->rt_err = ctx.error;
                else free(ctx.error);
                if (!ok) continue;
            }
            s->lmatched[i] = s->rmatched[j] = true;
            if (emit_pair(c->op, s, s->lvals[i], s->rvals[j], err) < 0) return -1;
        }
    if (kind == SP_JOIN_LEFT || kind == SP_JOIN_FULL)
        for (int i = 0; i < nl; i++)
            if (!s->lmatched[i] && emit_pair(c->op, s, s->lvals[i], NULL, err) < 0) return -1;
    if (kind == SP_JOIN_RIGHT || kind == SP_JOIN_FULL)
        for (int j = 0; j < nr; j++)
            if (!s->rmatched[j] && emit_pair(c->op, s, NULL, s->rvals[j], err) < 0) return -1;
    for (int side = 0; side < 2; side++)
        if (e[side]->obj) rt_cache_delete(s->rows, e[side]);
    return 0;
}

/* A watermark from one side: the join's is the smaller of the two; windows it completes fire. */
static int join_watermark(rt_op *op, int64_t wm, char **err) {
    join_state *s = op->state;
    int side = op->in_side;
    if (s->has_side_wm[side] && wm <= s->side_wm[side]) return 0;
    s->has_side_wm[side] = true;
    s->side_wm[side] = wm;
    if (!s->has_side_wm[0] || !s->has_side_wm[1]) return 0;
    int64_t m = s->side_wm[0] < s->side_wm[1] ? s->side_wm[0] : s->side_wm[1];
    if (op->has_wm && m <= op->wm) return 0;
    op->has_wm = true;
    op->wm = m;
    fire_ctx c = {op, s, NULL};
    sl_batch_clear(&s->out);
    int rc = rt_timers_fire(s->timers, m, fire_key, &c, err);
    if (rc == 0 && c.rt_err) {
        *err = sl_strdupf("Runtime error in window join: %s", c.rt_err);
        rc = -1;
    }
    free(c.rt_err);
    if (rc < 0) return -1;
    if (s->out.nrows && rt_push_next(op, &s->out, err) < 0) return -1;
    sl_batch_clear(&s->out);
    if (rt_cache_trim(s->rows, err) < 0) return -1;
    return rt_push_watermark(op, m, err);
}

static int join_checkpoint(rt_op *op, char **err) {
    join_state *s = op->state;
    if (rt_timers_checkpoint(s->timers, err) < 0) return -1;
    return op->job->durable ? rt_cache_flush(s->rows, err) : 0;
}

static int join_finish(rt_op *op, char **err) { (void)op; (void)err; return 0; }

const rt_op_vt rt_window_join_vt = {"window_join", join_open, NULL, join_push, join_checkpoint, join_finish,
                                    join_close, NULL, join_watermark};
