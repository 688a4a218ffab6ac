/* rt_window.c: window assignment as Flink's TumblingWindowAssigner, SlidingWindowAssigner and
 * CumulativeWindowAssigner compute it, and the slices of HOP and CUMULATE windows (see
 * rt_window.h). */
#include "rt_window.h"

#include <stdlib.h>

/* The start of the window of length `size` (shifted by offset) containing t, for any sign. */
static int64_t start_of(int64_t t, int64_t offset, int64_t size) {
    int64_t r = (t - offset) % size;
    if (r < 0) r += size;
    return t - r;
}

int rt_window_max(const pl_window *w) {
    switch (w->kind) {
    case SP_TVF_TUMBLE: return 1;
    case SP_TVF_HOP:
    case SP_TVF_CUMULATE: return w->slide > 0 ? (int)((w->size + w->slide - 1) / w->slide) : 1;
    default: return 1;
    }
}

int rt_window_assign(const pl_window *w, int64_t t, rt_win *out, int cap) {
    int n = 0;
    switch (w->kind) {
    case SP_TVF_TUMBLE: {
        int64_t s = start_of(t, w->offset, w->size);
        if (cap > 0) out[n++] = (rt_win){s, s + w->size};
        break;
    }
    case SP_TVF_HOP: {
        for (int64_t s = start_of(t, w->offset, w->slide); s > t - w->size && n < cap; s -= w->slide)
            out[n++] = (rt_win){s, s + w->size};
        break;
    }
    case SP_TVF_CUMULATE: {
        int64_t s = start_of(t, w->offset, w->size), last = s + w->size;
        for (int64_t e = start_of(t, w->offset, w->slide) + w->slide; e <= last && n < cap; e += w->slide)
            out[n++] = (rt_win){s, e};
        break;
    }
    default: break;
    }
    return n;
}

/* ---- slicing ---- */

rt_win rt_window_slice(const pl_window *w, int64_t t) {
    int64_t s = start_of(t, w->offset, w->slide);
    return (rt_win){s, s + w->slide};
}

rt_win rt_window_ending(const pl_window *w, int64_t end) {
    if (w->kind == SP_TVF_CUMULATE) return (rt_win){start_of(end - 1, w->offset, w->size), end};
    return (rt_win){end - w->size, end};
}

int64_t rt_window_slice_last_end(const pl_window *w, int64_t slice_end) {
    if (w->kind == SP_TVF_CUMULATE) return start_of(slice_end - 1, w->offset, w->size) + w->size;
    return slice_end + w->size - w->slide;
}

int rt_window_slice_windows(const pl_window *w, int64_t slice_end, rt_win *out, int cap) {
    int n = 0;
    int64_t last = rt_window_slice_last_end(w, slice_end);
    for (int64_t e = slice_end; e <= last && n < cap; e += w->slide) out[n++] = rt_window_ending(w, e);
    return n;
}

/* What a column of one node in the chain between the TVF and the aggregation is: a window
 * column (PL_WIN_START/END/TIME, a plain reference to the TVF's) or anything else. */
typedef struct col_roles {
    uint8_t *role;
    int n;
} col_roles;

/* True if e reads a window column of `in` anywhere. */
static bool reads_window(const pl_expr *e, const col_roles *in) {
    if (!e) return false;
    if (e->kind == PL_X_COL) return e->col >= 0 && e->col < in->n && in->role[e->col] != PL_WIN_NONE;
    for (int i = 0; i < e->nargs; i++)
        if (reads_window(e->args[i], in)) return true;
    return false;
}

/* The roles of a node's output columns, from the TVF up through CALCs; false when a CALC
 * reads a window column other than by passing it on. */
static bool roles_of(const pl_node *n, col_roles *out) {
    if (n->kind == PL_N_WINDOW_TVF) {
        out->n = n->ncols;
        out->role = calloc((size_t)n->ncols + 1, 1);
        if (!out->role) abort();
        out->role[n->wstart] = PL_WIN_START;
        out->role[n->wend] = PL_WIN_END;
        out->role[n->wtime] = PL_WIN_TIME;
        return true;
    }
    if (n->kind != PL_N_CALC || !n->input) return false;
    col_roles in = {0};
    bool ok = roles_of(n->input, &in) && !reads_window(n->filter, &in);
    if (ok) {
        out->n = n->nexprs;
        out->role = calloc((size_t)n->nexprs + 1, 1);
        if (!out->role) abort();
        for (int i = 0; i < n->nexprs && ok; i++) {
            const pl_expr *e = n->exprs[i];
            if (e->kind == PL_X_COL && e->col >= 0 && e->col < in.n) out->role[i] = in.role[e->col];
            else ok = !reads_window(e, &in);
        }
    }
    free(in.role);
    return ok;
}

const pl_node *rt_window_sliced(const pl_node *agg) {
    if (!agg || agg->kind != PL_N_WINDOW_AGG || agg->win.proctime) return NULL;
    if (agg->win.kind != SP_TVF_HOP && agg->win.kind != SP_TVF_CUMULATE) return NULL;
    if (rt_window_max(&agg->win) < 2 || agg->wstart < 0 || agg->wend < 0) return NULL;
    for (int i = 0; i < agg->naggs; i++) {
        int fn = agg->aggs[i].fn;
        bool mergeable = fn == PL_AGG_COUNT_STAR || fn == PL_AGG_COUNT || fn == PL_AGG_SUM || fn == PL_AGG_AVG ||
                         fn == PL_AGG_MIN || fn == PL_AGG_MAX;
        if (!mergeable || agg->aggs[i].distinct) return NULL;
    }
    const pl_node *tvf = agg->input;
    while (tvf && tvf->kind == PL_N_CALC) tvf = tvf->input;
    if (!tvf || tvf->kind != PL_N_WINDOW_TVF || tvf->win.kind != agg->win.kind) return NULL;
    col_roles in = {0};
    bool ok = roles_of(agg->input, &in);
    /* the window keys are the window's columns, in their roles; nothing else reads one */
    int want[3] = {PL_WIN_START, PL_WIN_END, PL_WIN_TIME};
    int pos[3] = {agg->wstart, agg->wend, agg->wtime};
    for (int k = 0; ok && k < agg->nkeys; k++) {
        int c = agg->keys[k], role = c >= 0 && c < in.n ? in.role[c] : PL_WIN_NONE;
        int expect = PL_WIN_NONE;
        for (int j = 0; j < 3; j++)
            if (pos[j] == k) expect = want[j];
        ok = role == expect;
    }
    for (int i = 0; ok && i < agg->naggs; i++) {
        int a = agg->aggs[i].arg, f = agg->aggs[i].filter;
        ok = !(a >= 0 && a < in.n && in.role[a]) && !(f >= 0 && f < in.n && in.role[f]);
    }
    free(in.role);
    return ok ? tvf : NULL;
}
