/* rt_op_window_agg.c: WINDOW_AGG: aggregation over event-time (or processing-time) windows,
 * with results that are final: each window's rows are emitted once, as +I, when the watermark
 * reaches the window's window_time (window_end - 1 ms), and the window's state is deleted then,
 * so that the state of an endless input stays bounded by the open windows.
 *
 * TUMBLE, HOP and CUMULATE: the input rows come from WINDOW_TVF and carry their window's
 * window_start and window_end among the group keys; a group is (window, keys). SESSION: the
 * operator assigns the windows itself: per group key, a list of open sessions; a row at time t
 * opens [t, t + gap), and sessions that touch or overlap merge (accumulators merged). GROUPING
 * SETS: each row is accumulated once per set, the keys outside the set NULL.
 *
 * HOP and CUMULATE by slices (rt_window_sliced: mergeable aggregates, as Flink's slicing
 * windows): the TVF gives each row its one slice instead of its windows; a group is (keys) with
 * the accumulators of each of its slices; a window that fires merges the slices it covers, and
 * a slice goes once the last window holding it has fired.
 *
 * A row whose window has already fired is late: it is dropped and counted (job->late), as Flink
 * drops it. Timers (which groups each window end has) are kept in memory, sorted by end, and
 * written to the job's store at checkpoints with the groups themselves (rt_cache). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "rt_codec.h"
#include "rt_expr.h"
#include "rt_group.h"
#include "rt_spans.h"
#include "rt_op.h"
#include "rt_store.h"
#include "rt_timers.h"
#include "rt_window.h"

typedef struct wagg_state {
    const pl_node *n;
    bool session_mode;
    bool sliced;           /* HOP/CUMULATE computed by slices (see the top) */
    rt_win *wins;          /* sliced: scratch for a slice's windows */
    int maxwins;
    size_t group_bytes;    /* sliced: the bytes of every group when groups own no heap, else 0 */
    rt_groups gs;
    rt_cache *groups;      /* (set, keys) -> rt_group; SESSION, sliced: (set, keys) -> rt_spans */
    rt_timers *timers;
    int nsets;             /* grouping sets (1 without GROUPING SETS) */
    bool **in_set;         /* [set][key]: the key is grouped in this set */
    sl_buf key;
    sl_batch out;
    sl_value *row;         /* scratch result row */
    int64_t late;
} wagg_state;

/* ---- open / close ---- */

static int wagg_open(rt_op *op, char **err) {
    const pl_node *n = op->node;
    wagg_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->n = n;
    s->session_mode = n->win.kind == SP_TVF_SESSION;
    s->sliced = rt_window_sliced(n) != NULL;
    s->maxwins = rt_window_max(&n->win);
    s->wins = calloc((size_t)s->maxwins + 1, sizeof *s->wins);
    s->nsets = n->ngsets > 0 ? n->ngsets : 1;
    s->in_set = calloc((size_t)s->nsets, sizeof *s->in_set);
    for (int g = 0; g < s->nsets; g++) {
        s->in_set[g] = calloc((size_t)n->nkeys + 1, sizeof(bool));
        if (n->ngsets == 0)
            for (int k = 0; k < n->nkeys; k++) s->in_set[g][k] = true;
        else
            for (int j = 0; j < n->gset_len[g]; j++) s->in_set[g][n->gsets[g][j]] = true;
        int wk[3] = {n->wstart, n->wend, n->wtime}; /* the window is in every set */
        for (int j = 0; j < 3; j++)
            if (wk[j] >= 0) s->in_set[g][wk[j]] = true;
    }
    char name[64], dname[64];
    snprintf(name, sizeof name, "window-agg-%d", op->index);
    snprintf(dname, sizeof dname, "window-agg-%d-distinct", op->index);
    size_t budget = op->job->state_budget;
    if (rt_groups_init(&s->gs, n->aggs, n->naggs, false, op->job->store, dname, budget / 4, err) < 0) return -1;
    int ns = rt_store_namespace(op->job->store, name, err);
    if (ns < 0) return -1;
    rt_cache_ops ops = rt_groups_cache_ops(&s->gs);
    if (s->session_mode || s->sliced) {
        if (s->sliced && ops.bulk_free) s->group_bytes = sizeof(rt_group) + sizeof(rt_acc) * (size_t)s->gs.naggs;
        ops = rt_spans_cache_ops(); /* a key's sessions or slices */
    }
    s->groups = rt_cache_new(op->job->store, ns, &ops, &s->gs, s->gs.distinct ? budget / 4 * 3 : budget);
    snprintf(name, sizeof name, "window-agg-%d-timers", op->index);
    if (!(s->timers = rt_timers_open(op->job->store, name, op->job->durable, err))) return -1;
    op->timers = s->timers; /* for the diagnostics (rt_diag.c) */
    sl_batch_init(&s->out, n->ncols, op->job->batch_size);
    s->row = calloc((size_t)n->ncols + 1, sizeof(sl_value));
    return 0;
}

static void wagg_close(rt_op *op) {
    wagg_state *s = op->state;
    if (!s) return;
    if (s->groups) rt_cache_free(s->groups);
    rt_groups_free(&s->gs);
    rt_timers_free(s->timers);
    for (int g = 0; s->in_set && g < s->nsets; g++) free(s->in_set[g]);
    free(s->in_set);
    sl_buf_free(&s->key);
    free(s->wins);
    if (s->out.vals) sl_batch_free(&s->out);
    free(s->row);
    free(s);
    op->state = NULL;
}

/* ---- accumulating ---- */

/* The key of row under grouping set g into s->key: the set, then every key (NULL outside the
 * set; SESSION and sliced: the window's keys are NULL too, the sessions or slices are the
 * value). */
static void encode_key(wagg_state *s, int g, const sl_value *row) {
    const pl_node *n = s->n;
    sl_buf_clear(&s->key);
    sl_buf_putc(&s->key, (char)g);
    for (int k = 0; k < n->nkeys; k++) {
        bool window_key = k == n->wstart || k == n->wend || k == n->wtime;
        bool keep = s->in_set[g][k] && !((s->session_mode || s->sliced) && window_key);
        rt_put_value(&s->key, n->cols[k].type, keep ? row[n->keys[k]] : sl_null());
    }
}

/* TUMBLE/HOP/CUMULATE: row into its (window, keys) group of every grouping set. */
static int take_aligned(rt_op *op, wagg_state *s, const sl_value *row, char **err) {
    const pl_node *n = s->n;
    sl_value endv = row[n->keys[n->wend]];
    if (endv.null) return 0;
    if (op->has_wm && rt_window_fired(endv.i, op->wm)) {
        s->late++;
        op->job->late++;
        return 0;
    }
    for (int g = 0; g < s->nsets; g++) {
        encode_key(s, g, row);
        rt_centry *e = rt_cache_get(s->groups, s->key.data, s->key.len, err);
        if (!e) return -1;
        rt_group *grp = e->obj;
        if (!grp) {
            grp = rt_group_new(&s->gs);
            e->obj = grp;
            rt_timers_add(s->timers, endv.i, s->key.data, s->key.len);
        }
        if (rt_group_accumulate(&s->gs, grp, s->key.data, s->key.len, row, true, err) < 0) return -1;
        rt_cache_dirty(s->groups, e, rt_group_bytes(&s->gs, grp));
    }
    return 0;
}

/* Sliced HOP/CUMULATE: row (its slice's start and end in the window keys) into its keys'
 * group of that slice, in every grouping set. A row is late for each of its windows that has
 * fired (as if the TVF had given it once per window); it still counts in the others. A new
 * slice notes its key in the timers of every window of it that has not fired. */
static int take_sliced(rt_op *op, wagg_state *s, const sl_value *row, char **err) {
    const pl_node *n = s->n;
    sl_value endv = row[n->keys[n->wend]];
    if (endv.null) return 0;
    int64_t end = endv.i;
    int nw = rt_window_slice_windows(&n->win, end, s->wins, s->maxwins);
    int late = 0; /* the fired windows come first (ascending ends) */
    while (op->has_wm && late < nw && rt_window_fired(s->wins[late].end, op->wm)) late++;
    if (late) {
        s->late += late;
        op->job->late += late;
        if (late == nw) return 0;
    }
    for (int g = 0; g < s->nsets; g++) {
        encode_key(s, g, row);
        rt_centry *e = rt_cache_get(s->groups, s->key.data, s->key.len, err);
        if (!e) return -1;
        rt_spans *ss = e->obj;
        if (!ss) e->obj = ss = rt_spans_new();
        int at = ss->n; /* rows mostly go to the newest slice: search from the end */
        while (at > 0 && ss->s[at - 1].end > end) at--;
        rt_span *x = at > 0 && ss->s[at - 1].end == end ? &ss->s[at - 1] : NULL;
        if (!x) {
            x = rt_spans_insert(ss, at, (rt_span){0, end, rt_group_new(&s->gs)});
            for (int w = late; w < nw; w++) rt_timers_add(s->timers, s->wins[w].end, s->key.data, s->key.len);
        }
        if (rt_group_accumulate(&s->gs, x->g, s->key.data, s->key.len, row, true, err) < 0) return -1;
        rt_cache_dirty(s->groups, e, rt_spans_bytes(&s->gs, ss, s->group_bytes));
    }
    return 0;
}

/* SESSION: row into its key's sessions, merging those its window [t, t + gap) touches. */
static int take_session(rt_op *op, wagg_state *s, const sl_value *row, char **err) {
    const pl_node *n = s->n;
    sl_value tv = row[n->win.time_col];
    if (tv.null) return 0;
    int64_t start = tv.i, end = tv.i + n->win.size;
    for (int g = 0; g < s->nsets; g++) {
        encode_key(s, g, row);
        rt_centry *e = rt_cache_get(s->groups, s->key.data, s->key.len, err);
        if (!e) return -1;
        rt_spans *ss = e->obj;
        /* the merged window first: a row whose merged session has fired is late */
        int64_t ms = start, me = end;
        for (int i = 0; ss && i < ss->n; i++)
            if (ss->s[i].start <= me && ss->s[i].end >= ms) {
                if (ss->s[i].start < ms) ms = ss->s[i].start;
                if (ss->s[i].end > me) me = ss->s[i].end;
            }
        if (op->has_wm && rt_window_fired(me, op->wm)) {
            if (g == 0) {
                s->late++;
                op->job->late++;
            }
            continue;
        }
        if (!ss) e->obj = ss = rt_spans_new();
        /* merge the touched sessions, in time order, into one */
        rt_group *merged = rt_group_new(&s->gs);
        int keep = 0;
        for (int i = 0; i < ss->n; i++) {
            rt_span *x = &ss->s[i];
            if (x->start <= me && x->end >= ms) {
                for (int a = 0; a < s->gs.naggs; a++) rt_acc_merge(&s->gs.aggs[a], &merged->acc[a], &x->g->acc[a]);
                merged->count += x->g->count;
                merged->seq += x->g->seq;
                rt_group_free(&s->gs, x->g);
            } else {
                ss->s[keep++] = *x;
            }
        }
        ss->n = keep;
        int at = ss->n;
        while (at > 0 && ss->s[at - 1].start > ms) at--;
        rt_spans_insert(ss, at, (rt_span){ms, me, merged});
        if (rt_group_accumulate(&s->gs, merged, s->key.data, s->key.len, row, true, err) < 0) return -1;
        rt_timers_add(s->timers, me, s->key.data, s->key.len);
        rt_cache_dirty(s->groups, e, rt_spans_bytes(&s->gs, ss, 0));
    }
    return 0;
}

static int wagg_push(rt_op *op, sl_batch *in, char **err) {
    wagg_state *s = op->state;
    for (int r = 0; r < in->nrows; r++) {
        const sl_value *row = sl_batch_row(in, r);
        if (in->ops[r] != SL_OP_INSERT && in->ops[r] != SL_OP_UPDATE_AFTER) continue; /* append-only input */
        int rc = s->session_mode ? take_session(op, s, row, err)
                 : s->sliced     ? take_sliced(op, s, row, err)
                                 : take_aligned(op, s, row, err);
        if (rc < 0) return -1;
    }
    if (rt_cache_trim(s->groups, err) < 0) return -1;
    return rt_groups_trim(&s->gs, err);
}

/* ---- firing ---- */

/* The output row of a group: its keys decoded from `key`, then `win` for the window keys
 * (SESSION), then the aggregates. False when HAVING rejects it. */
static bool result_row(wagg_state *s, const char *key, size_t klen, const rt_group *g, const rt_span *win,
                       char **rt_err) {
    const pl_node *n = s->n;
    rt_reader r = rt_reader_of(key + 1, klen - 1); /* the set byte first */
    for (int k = 0; k < n->nkeys; k++) {
        sl_value v = rt_get_value(&r, n->cols[k].type);
        if (n->cols[k].type.id == SL_T_STRING && !v.null) v = sl_batch_str(&s->out, v.s.ptr, v.s.len);
        s->row[k] = v;
    }
    if (win) {
        if (n->wstart >= 0) s->row[n->wstart] = sl_int(win->start);
        if (n->wend >= 0) s->row[n->wend] = sl_int(win->end);
        if (n->wtime >= 0) s->row[n->wtime] = sl_int(rt_window_time(win->end));
    }
    rt_group_results(&s->gs, g, s->row + n->nkeys, s->out.arena);
    if (!n->having) return true;
    rt_eval_ctx ctx = {s->out.arena, NULL, 0, false, 0};
    bool ok = rt_eval_pred(n->having, s->row, &ctx);
    if (ctx.error && !*rt_err) *rt_err = ctx.error;
    else free(ctx.error);
    return ok;
}

/* Appends s->row as +I, pushing the batch on once it is full. Not before appending: s->row's
 * strings are in the batch's arena already, and clearing the batch would free them. */
static int emit(rt_op *op, wagg_state *s, char **err) {
    sl_value *o = sl_batch_add_row(&s->out);
    memcpy(o, s->row, sizeof(sl_value) * (size_t)s->n->ncols);
    if (sl_batch_full(&s->out)) {
        if (rt_push_next(op, &s->out, err) < 0) return -1;
        sl_batch_clear(&s->out);
    }
    return 0;
}

/* What a firing needs besides the key. */
typedef struct fire_ctx {
    rt_op *op;
    wagg_state *s;
    int64_t wm;
    char *rt_err;
} fire_ctx;

/* Adds src's accumulators into dst, leaving src as it is (a slice counts in several
 * windows). rt_acc_merge empties its source, so it is given a copy: the struct itself when the
 * accumulator owns no memory, else a copy through the state encoding (MIN/MAX of strings). */
static void merge_copy(wagg_state *s, rt_group *dst, const rt_group *src) {
    for (int a = 0; a < s->gs.naggs; a++) {
        const pl_agg_call *c = &s->gs.aggs[a];
        rt_acc copy = src->acc[a];
        if (src->acc[a].ext || c->arg_type.id == SL_T_STRING) {
            sl_buf b = {0};
            rt_acc_encode(c, &src->acc[a], &b);
            rt_reader r = rt_reader_of(b.data ? b.data : "", b.len);
            rt_acc_init(&copy);
            if (!rt_acc_decode(c, &copy, &r)) abort(); /* our own bytes */
            sl_buf_free(&b);
        }
        rt_acc_merge(c, &dst->acc[a], &copy);
    }
    dst->count += src->count;
    dst->seq += src->seq;
}

/* Sliced mode: fires the window ending at `end` of one key: the merge of the slices it covers
 * out as its row, then the slices no later window holds are gone (the key's state with them
 * when none is left). A key is noted once per slice of the window: the later notes find
 * `fired` at the window and do nothing. */
static int fire_sliced(fire_ctx *c, const char *key, size_t klen, int64_t end, char **err) {
    wagg_state *s = c->s;
    const pl_window *w = &s->n->win;
    rt_centry *e = rt_cache_get(s->groups, key, klen, err);
    if (!e) return -1;
    rt_spans *ss = e->obj;
    if (!ss || ss->fired >= end) return 0;
    rt_win win = rt_window_ending(w, end);
    rt_group *sum = rt_group_new(&s->gs);
    for (int i = 0; i < ss->n; i++)
        if (ss->s[i].end > win.start && ss->s[i].end <= end) merge_copy(s, sum, ss->s[i].g);
    ss->fired = end;
    rt_span as = {win.start, win.end, NULL};
    int rc = 0;
    if (sum->count > 0 && result_row(s, key, klen, sum, &as, &c->rt_err)) rc = emit(c->op, s, err);
    rt_group_free(&s->gs, sum);
    if (rc < 0) return -1;
    int keep = 0;
    for (int i = 0; i < ss->n; i++) {
        if (rt_window_slice_last_end(w, ss->s[i].end) <= end) rt_group_free(&s->gs, ss->s[i].g);
        else ss->s[keep++] = ss->s[i];
    }
    ss->n = keep;
    if (keep == 0) rt_cache_delete(s->groups, e);
    else rt_cache_dirty(s->groups, e, rt_spans_bytes(&s->gs, ss, s->group_bytes));
    return 0;
}

/* Fires one group of the window ending at `end`: its row(s) out, its state gone. */
static int fire_key(void *ud, const char *key, size_t klen, int64_t end, char **err) {
    fire_ctx *c = ud;
    wagg_state *s = c->s;
    if (s->sliced) return fire_sliced(c, key, klen, end, err);
    rt_centry *e = rt_cache_get(s->groups, key, klen, err);
    if (!e) return -1;
    if (!e->obj) return 0; /* already fired (a key noted twice) */
    if (!s->session_mode) {
        if (result_row(s, key, klen, e->obj, NULL, &c->rt_err) && emit(c->op, s, err) < 0) return -1;
        rt_cache_delete(s->groups, e);
        return 0;
    }
    rt_spans *ss = e->obj;
    int keep = 0;
    for (int i = 0; i < ss->n; i++) {
        rt_span *x = &ss->s[i];
        if (!rt_window_fired(x->end, c->wm)) {
            ss->s[keep++] = *x;
            continue;
        }
        if (result_row(s, key, klen, x->g, x, &c->rt_err) && emit(c->op, s, err) < 0) return -1;
        rt_group_free(&s->gs, x->g);
    }
    ss->n = keep;
    if (keep == 0) rt_cache_delete(s->groups, e);
    else rt_cache_dirty(s->groups, e, rt_spans_bytes(&s->gs, ss, 0));
    return 0;
}

/* Fires every window the watermark completes, oldest first, then passes the watermark on. */
static int wagg_watermark(rt_op *op, int64_t wm, char **err) {
    wagg_state *s = op->state;
    fire_ctx c = {op, s, wm, NULL};
    sl_batch_clear(&s->out);
    int rc = rt_timers_fire(s->timers, wm, fire_key, &c, err);
    if (rc == 0 && c.rt_err) {
        *err = sl_strdupf("Runtime error in window aggregate: %s", c.rt_err);
        rc = -1;
    }
    free(c.rt_err);
    if (rc < 0) return -1;
    if (s->out.nrows && rt_push_next(op, &s->out, err) < 0) return -1;
    sl_batch_clear(&s->out);
    if (rt_cache_trim(s->groups, err) < 0) return -1;
    return rt_push_watermark(op, wm, err);
}

/* ---- checkpoints ---- */

/* The groups and the timers that changed, into the transaction. */
static int wagg_checkpoint(rt_op *op, char **err) {
    wagg_state *s = op->state;
    if (rt_timers_checkpoint(s->timers, err) < 0) return -1;
    if (!op->job->durable) return 0;
    if (rt_cache_flush(s->groups, err) < 0) return -1;
    return rt_groups_flush(&s->gs, err);
}

static int wagg_finish(rt_op *op, char **err) { (void)op; (void)err; return 0; }

const rt_op_vt rt_window_agg_vt = {"window_agg", wagg_open, NULL, wagg_push, wagg_checkpoint, wagg_finish,
                                   wagg_close, NULL, wagg_watermark};
