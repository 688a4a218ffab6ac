/* rt_op.h: the push operators' common shape.
 *
 * Every operator has the same entry points (as PostgreSQL's executor nodes do): the plan node it
 * runs is read-only; its state lives in the operator. A leaf operator (scan, values) is polled
 * by the job and pushes the batches it produces downstream; others receive a batch through
 * `push`, process it whole, and push their own output batch to `next` before returning, so the
 * input batch (and every string it points to) stays valid for the whole downstream call. */
#ifndef RT_OP_H
#define RT_OP_H

#include "../common/sl_batch.h"
#include "../common/sl_options.h"
#include "../planner/pl_plan.h"

typedef struct rt_op rt_op;
typedef struct rt_job rt_job;

typedef struct rt_op_vt {
    const char *name;
    int (*open)(rt_op *op, char **err);
    /* leaf operators only: produce and push one batch; rows produced, 0, CN_EOF or CN_ERROR */
    int (*poll)(rt_op *op, int timeout_ms, char **err);
    int (*push)(rt_op *op, sl_batch *in, char **err);       /* 0 or -1 */
    /* A checkpoint, downstream first: sinks make what they were given durable (flush), stateful
     * operators write their dirty state into the job's store transaction, sources record their
     * positions there. The job then commits the store. 0 or -1. */
    int (*checkpoint)(rt_op *op, char **err);
    int (*finish)(rt_op *op, char **err);                   /* end of input: 0 or -1 */
    void (*close)(rt_op *op);
    /* Optional: the checkpoint is committed (sources commit Kafka group offsets, for
     * visibility only). 0 or -1. */
    int (*committed)(rt_op *op, char **err);
    /* Optional: the input's watermark advanced to wm (op->wm already holds it). Window
     * operators fire what it completes; then (like the operators without this entry) they
     * pass it on with rt_push_watermark. 0 or -1. */
    int (*watermark)(rt_op *op, int64_t wm, char **err);
} rt_op_vt;

struct rt_op {
    const rt_op_vt *vt;
    const pl_node *node;
    rt_op *next;       /* downstream operator, NULL at the root */
    rt_job *job;
    void *state;
    int index;         /* position in the job's chain (0 = leaf): names its state */
    bool has_wm;       /* a watermark has reached this operator ... */
    int64_t wm;        /* ... this one (microseconds; never goes back) */
    int side;          /* which input of `next` this operator feeds (0; WINDOW_JOIN's right: 1) */
    int in_side;       /* the input the batch or watermark being pushed to it comes from */
    int ninputs;       /* 2 for WINDOW_JOIN: it tracks each input's watermark itself */
    /* read by the diagnostics (rt_diag.c), owned by the operator's state: */
    struct rt_wmgen *wmgen;   /* a scan's watermark generator, or NULL */
    struct rt_timers *timers; /* a window operator's pending windows, or NULL */
};

/* Called with each batch of result rows of a query without a sink (a bare SELECT). */
typedef int (*rt_rows_fn)(void *ud, const pl_field *cols, int ncols, const sl_batch *b);

struct rt_job {
    const pl_plan *plan;
    const sl_options *session;
    int batch_size;
    rt_rows_fn on_rows;
    void *on_rows_ud;
    struct rt_store *store;  /* the job's state (SQLite); every job has one */
    const char *name;        /* the job's name (tags its delivered records) */
    bool durable;            /* the store survives the job: checkpoints write state into it */
    size_t state_budget;     /* bytes of cached state each stateful operator may keep */
    bool mini_batch;         /* 'table.exec.mini-batch.enabled': fold a batch's changes per key */
    int64_t rows_in;       /* rows read by sources */
    int64_t rows_out;      /* rows written by sinks / delivered to the client */
    int64_t skipped;       /* malformed records skipped */
    int64_t dead_lettered; /* malformed records sent to a dead-letter topic */
    int64_t late;          /* rows dropped by window operators: their window had fired */
};

/* Passes a watermark to op->next: it records it (watermarks only go forward) and handles it
 * or passes it on. 0 or -1. */
static inline int rt_push_watermark(rt_op *op, int64_t wm, char **err) {
    for (rt_op *from = op, *n = op->next; n; from = n, n = n->next) {
        n->in_side = from->side;
        if (n->ninputs > 1) return n->vt->watermark(n, wm, err);
        if (n->has_wm && wm <= n->wm) return 0;
        n->has_wm = true;
        n->wm = wm;
        if (n->vt->watermark) return n->vt->watermark(n, wm, err);
    }
    return 0;
}

/* Pushes b to op->next (if any); 0 or -1. */
static inline int rt_push_next(rt_op *op, sl_batch *b, char **err) {
    if (!op->next) return 0;
    op->next->in_side = op->side;
    return op->next->vt->push(op->next, b, err);
}

/* Operator constructors: one per file. */
extern const rt_op_vt rt_scan_vt;     /* rt_op_scan.c */
extern const rt_op_vt rt_values_vt;   /* rt_op_values.c */
extern const rt_op_vt rt_calc_vt;     /* rt_op_calc.c */
extern const rt_op_vt rt_sink_vt;     /* rt_op_sink.c */
extern const rt_op_vt rt_collect_vt;  /* rt_op_collect.c */
extern const rt_op_vt rt_agg_vt;      /* rt_op_agg.c */
extern const rt_op_vt rt_normalize_vt;/* rt_op_normalize.c */
extern const rt_op_vt rt_window_tvf_vt; /* rt_op_window_tvf.c */
extern const rt_op_vt rt_window_agg_vt; /* rt_op_window_agg.c */
extern const rt_op_vt rt_window_rank_vt;/* rt_op_window_rank.c */
extern const rt_op_vt rt_window_join_vt;/* rt_op_window_join.c */

#endif
