/* rt_op_window_tvf.c: WINDOW_TVF: TUMBLE, HOP and CUMULATE as table functions: every input row
 * comes out once per window its time falls in, with window_start, window_end and window_time
 * appended (a row whose time is NULL belongs to no window and is dropped, as in Flink). The
 * window is computed from the row's time attribute, or from the wall clock for a
 * processing-time attribute. A SESSION TVF passes rows on with NULL windows: the window
 * aggregation above it assigns sessions. Stateless: aggregating, ranking or joining the windows is the
 * next operator's job. Under a window aggregation computed by slices (rt_window_sliced) a HOP
 * or CUMULATE row comes out once, with its slice as window_start and window_end. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt_op.h"
#include "rt_window.h"

typedef struct tvf_state {
    sl_batch out;
    rt_win *wins;
    int maxwins;
    int in_cols;
    bool sliced;   /* the aggregation above takes slices, not windows */
} tvf_state;

/* True when the operator's output reaches, through CALCs only, a window aggregation that is
 * computed by slices of this TVF's windows. */
static bool feeds_sliced_agg(const rt_op *op) {
    const rt_op *n = op->next;
    while (n && n->vt == &rt_calc_vt) n = n->next;
    return n && n->vt == &rt_window_agg_vt && rt_window_sliced(n->node) == op->node;
}

static int tvf_open(rt_op *op, char **err) {
    (void)err;
    tvf_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->in_cols = op->node->input->ncols;
    s->maxwins = rt_window_max(&op->node->win);
    s->sliced = feeds_sliced_agg(op);
    s->wins = calloc((size_t)s->maxwins + 1, sizeof *s->wins);
    sl_batch_init(&s->out, op->node->ncols, op->job->batch_size);
    return 0;
}

/* The wall clock in microseconds (processing-time windows). */
static int64_t wall_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int tvf_push(rt_op *op, sl_batch *in, char **err) {
    tvf_state *s = op->state;
    const pl_window *w = &op->node->win;
    sl_batch_clear(&s->out);
    int64_t now = w->proctime ? wall_us() : 0;
    for (int r = 0; r < in->nrows; r++) {
        const sl_value *row = sl_batch_row(in, r);
        sl_value tv = row[w->time_col];
        if (!w->proctime && tv.null) continue;
        int64_t t = w->proctime ? now : tv.i;
        int n = 1;
        if (s->sliced) s->wins[0] = rt_window_slice(w, t);
        else n = rt_window_assign(w, t, s->wins, s->maxwins);
        bool session = w->kind == SP_TVF_SESSION; /* assigned by the window aggregation: NULLs here */
        if (session) n = 1;
        for (int k = 0; k < n; k++) {
            if (sl_batch_full(&s->out)) {
                if (rt_push_next(op, &s->out, err) < 0) return -1;
                sl_batch_clear(&s->out);
            }
            sl_value *o = sl_batch_add_row(&s->out);
            memcpy(o, row, sizeof(sl_value) * (size_t)s->in_cols);
            o[s->in_cols] = session ? sl_null() : sl_int(s->wins[k].start);
            o[s->in_cols + 1] = session ? sl_null() : sl_int(s->wins[k].end);
            o[s->in_cols + 2] = session ? sl_null() : sl_int(rt_window_time(s->wins[k].end));
            s->out.ops[s->out.nrows - 1] = in->ops[r];
        }
    }
    return s->out.nrows ? rt_push_next(op, &s->out, err) : 0;
}

static int tvf_noop(rt_op *op, char **err) { (void)op; (void)err; return 0; }

static void tvf_close(rt_op *op) {
    tvf_state *s = op->state;
    if (!s) return;
    sl_batch_free(&s->out);
    free(s->wins);
    free(s);
    op->state = NULL;
}

const rt_op_vt rt_window_tvf_vt = {"window_tvf", tvf_open, NULL, tvf_push, tvf_noop, tvf_noop, tvf_close, NULL, NULL};
