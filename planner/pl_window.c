/* pl_window.c: plans the window table functions in FROM (Flink's windowing TVFs):
 *
 *   TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
 *
 * becomes WINDOW_TVF over the input: its rows with window_start, window_end (TIMESTAMP(3)) and
 * window_time (the time attribute's type, precision 3; itself a time attribute, so windows can
 * cascade) appended, one row per window the row's time falls in. The descriptor must name a
 * time attribute (Flink's rule): the table's WATERMARK column, or a PROCTIME() column for
 * windows by the wall clock. SESSION windows cannot be assigned row by row: their TVF is only
 * planned under a window aggregation, which assigns them itself (pl_aggregate.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "pl_bind.h"
#include "pl_plan.h"

/* A window size, slide or offset: a constant day-time INTERVAL, as microseconds. Sizes and
 * slides must be positive; an offset may have either sign (Flink: it shifts the alignment). */
static int interval_us(const sp_expr *e, const char *what, bool any_sign, sl_arena *a, const char *src,
                       int64_t *out, char **err) {
    pl_scope none = {NULL, 0, NULL, NULL};
    pl_expr *x = pl_bind_expr(e, &none, a, src, err);
    if (!x) return -1;
    if (x->kind != PL_X_CONST || x->type.id != SL_T_INTERVAL || x->value.null) {
        *err = sl_error_at(src, e->line, e->col, "The window %s must be a constant INTERVAL, e.g. INTERVAL '10' MINUTES", what);
        return -1;
    }
    if (!any_sign && x->value.i <= 0) {
        *err = sl_error_at(src, e->line, e->col, "The window %s must be positive", what);
        return -1;
    }
    *out = x->value.i * 1000; /* INTERVAL values are milliseconds */
    return 0;
}

/* The window spec of a TVF: its time column in the input scope, sizes checked as Flink checks
 * them (HOP's size a multiple of its slide, CUMULATE's max size a multiple of its step). */
static int window_spec(const sp_window_tvf *t, const pl_scope *in, sl_arena *a, const char *src, pl_window *w,
                       char **err) {
    memset(w, 0, sizeof *w);
    w->kind = t->kind;
    w->line = t->line;
    w->col = t->col;
    int found = -1;
    for (int i = 0; i < in->ncols; i++)
        if (in->cols[i].name && strcasecmp(in->cols[i].name, t->time_col) == 0) found = i;
    if (found < 0) {
        *err = sl_error_at(src, t->time_line, t->time_col_pos, "Unknown column '%s' in DESCRIPTOR", t->time_col);
        return -1;
    }
    const pl_scope_col *c = &in->cols[found];
    if (c->time_attr == PL_TIME_NONE) {
        char tn[64];
        *err = sl_error_at(src, t->time_line, t->time_col_pos,
                           "The window function requires the timecol is a time attribute type, but is %s. Declare "
                           "WATERMARK FOR %s on the table (event time), or use a PROCTIME() column (processing time)",
                           sl_type_name(c->type, tn, sizeof tn), c->name);
        return -1;
    }
    w->time_col = c->index;
    w->proctime = c->time_attr == PL_TIME_PROCTIME;
    w->time_type = c->type;
    w->time_type.precision = 3;
    w->time_type.not_null = false;
    const char *size_name = t->kind == SP_TVF_SESSION ? "gap" : t->kind == SP_TVF_CUMULATE ? "max size" : "size";
    if (interval_us(t->size, size_name, false, a, src, &w->size, err) < 0) return -1;
    if (t->slide && interval_us(t->slide, t->kind == SP_TVF_CUMULATE ? "step" : "slide", false, a, src, &w->slide, err) < 0)
        return -1;
    if (t->offset && interval_us(t->offset, "offset", true, a, src, &w->offset, err) < 0) return -1;
    if ((t->kind == SP_TVF_HOP || t->kind == SP_TVF_CUMULATE) && w->size % w->slide != 0) {
        *err = sl_error_at(src, t->line, t->col, t->kind == SP_TVF_HOP
                                                     ? "HOP's size must be an integral multiple of its slide"
                                                     : "CUMULATE's max size must be an integral multiple of its step");
        return -1;
    }
    if (t->kind == SP_TVF_SESSION && t->npartition_by) {
        for (int k = 0; k < t->npartition_by; k++) {
            bool ok = false;
            for (int i = 0; i < in->ncols; i++) ok |= in->cols[i].name && !strcasecmp(in->cols[i].name, t->partition_by[k]);
            if (!ok) {
                *err = sl_error_at(src, t->line, t->col, "Unknown column '%s' in SESSION's PARTITION BY", t->partition_by[k]);
                return -1;
            }
        }
    }
    return 0;
}

pl_node *pl_plan_tvf(const sp_window_tvf *t, pl_node *in, const pl_scope *in_scope, const char *qual, sl_arena *a,
                     const char *src, pl_scope *out, char **err) {
    if (in->updating) {
        *err = sl_error_at(src, t->line, t->col, "Window table functions need an append-only input, and this one is "
                                                 "updating");
        return NULL;
    }
    pl_node *n = pl_node_new(a, PL_N_WINDOW_TVF, in);
    if (window_spec(t, in_scope, a, src, &n->win, err) < 0) return NULL;
    int w = in->ncols;
    n->ncols = w + 3;
    n->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(n->ncols + 1));
    memcpy(n->cols, in->cols, sizeof(pl_field) * (size_t)w);
    sl_type ts = sl_type_make(SL_T_TIMESTAMP);
    ts.precision = 3;
    n->cols[w] = (pl_field){"window_start", ts, PL_TIME_NONE, PL_WIN_START};
    n->cols[w + 1] = (pl_field){"window_end", ts, PL_TIME_NONE, PL_WIN_END};
    n->cols[w + 2] = (pl_field){"window_time", n->win.time_type, n->win.proctime ? PL_TIME_PROCTIME : PL_TIME_ROWTIME,
                                PL_WIN_TIME};
    n->wstart = w;
    n->wend = w + 1;
    n->wtime = w + 2;
    pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(n->ncols + 1));
    for (int i = 0; i < in_scope->ncols; i++) {
        sc[i] = in_scope->cols[i];
        if (qual) sc[i].qual = qual; /* a legacy group window keeps the input's qualifiers */
    }
    int k = in_scope->ncols;
    for (int j = 0; j < 3; j++)
        sc[k + j] = (pl_scope_col){qual, n->cols[w + j].name, n->cols[w + j].type, w + j, n->cols[w + j].time_attr};
    out->cols = sc;
    out->ncols = k + 3;
    out->resolve = NULL;
    out->resolve_ud = NULL;
    return n;
}

const pl_node *pl_window_source(const pl_node *n) {
    for (; n; n = n->input) {
        if (n->kind == PL_N_WINDOW_TVF) return n;
        if (n->kind != PL_N_CALC) return NULL;
    }
    return NULL;
}

/* Walks the plan; `under_agg` says the nodes from here up to a WINDOW_AGG are Calcs only. */
static int check_sessions(const pl_node *n, bool under_agg, const char *src, char **err) {
    for (; n; n = n->input) {
        if (n->kind == PL_N_WINDOW_TVF && n->win.kind == SP_TVF_SESSION && !under_agg) {
            *err = sl_error_at(src, n->win.line, n->win.col,
                               "SESSION windows are supported under a window aggregation only: GROUP BY "
                               "window_start, window_end[, keys] over the SESSION table function");
            return -1;
        }
        if (n->input2 && check_sessions(n->input2, false, src, err) < 0) return -1;
        if (n->kind == PL_N_WINDOW_AGG) under_agg = true;
        else if (n->kind != PL_N_CALC) under_agg = false;
    }
    return 0;
}

int pl_check_session_windows(const pl_node *root, const char *src, char **err) {
    return check_sessions(root, false, src, err);
}
