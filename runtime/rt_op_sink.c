/* rt_op_sink.c: SINK: writes rows to a table's connector (Kafka, print, blackhole), with the
 * table's 'sink.delivery-guarantee' (as Flink's option; the session's value is the default):
 *   'exactly-once'  (the default for a job with durable state) rows become records in the
 *                   job's outbox and are produced after the checkpoint holding them commits
 *                   (rt_outbox.c, docs/exactly-once.md); a sink without an outbox (print,
 *                   blackhole) and a job without durable state fall back to at-least-once;
 *   'at-least-once' (the default otherwise) rows are produced at once and every checkpoint
 *                   waits for their acknowledgement before it commits;
 *   'none'          rows are produced at once and never waited for.
 *
 * As Flink's sink constraint enforcer, a NULL in a NOT NULL column (declared, or part of the
 * PRIMARY KEY) fails the job ('table.exec.sink.not-null-enforcer' = 'ERROR', the default) or
 * drops the row ('DROP'). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "../connectors/cn_connector.h"
#include "rt_op.h"
#include "rt_outbox.h"
#include "rt_store.h"

enum { DELIVER_EXACTLY_ONCE, DELIVER_AT_LEAST_ONCE, DELIVER_NONE };

typedef struct sink_state {
    cn_sink *sink;
    int guarantee;
    rt_outbox *outbox;   /* exactly-once only */
    cn_column *cols;
    int *not_null;     /* sink row positions that must not be NULL */
    int nnot_null;
    bool drop_nulls;
} sink_state;

/* The columns the sink must not receive NULL in. */
static void find_not_null(const pl_node *n, sink_state *s) {
    s->not_null = calloc((size_t)n->ncols + 1, sizeof(int));
    for (int i = 0; i < n->ncols; i++) {
        bool pk = false;
        for (int k = 0; k < n->sink->npk; k++) pk |= strcasecmp(n->sink->pk[k], n->cols[i].name) == 0;
        if (pk || n->cols[i].type.not_null) s->not_null[s->nnot_null++] = i;
    }
}

/* Applies the NOT NULL constraint to a batch: drops offending rows (DROP), or keeps the rows
 * before the first offending one (they are written, as Flink writes them before failing) and
 * fails with *err. */
static int enforce_not_null(rt_op *op, sink_state *s, sl_batch *in, char **err) {
    int keep = 0;
    for (int r = 0; r < in->nrows; r++) {
        const sl_value *row = sl_batch_row(in, r);
        int bad = -1;
        for (int k = 0; k < s->nnot_null && bad < 0; k++)
            if (row[s->not_null[k]].null) bad = s->not_null[k];
        if (bad >= 0 && !s->drop_nulls) {
            *err = sl_strdupf("Column '%s' is NOT NULL, however, a null value is being written into it. You can set "
                              "job configuration 'table.exec.sink.not-null-enforcer'='DROP' to suppress this "
                              "exception and drop such records silently.", op->node->cols[bad].name);
            in->nrows = keep;
            return -1;
        }
        if (bad >= 0) continue;
        if (keep != r) {
            memcpy(sl_batch_row(in, keep), row, sizeof(sl_value) * (size_t)in->ncols);
            in->ops[keep] = in->ops[r];
        }
        keep++;
    }
    in->nrows = keep;
    return 0;
}

static int sink_open(rt_op *op, char **err) {
    const pl_node *n = op->node;
    sink_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->cols = calloc((size_t)n->ncols + 1, sizeof(cn_column));
    for (int i = 0; i < n->ncols; i++) {
        s->cols[i].name = n->cols[i].name;
        s->cols[i].type = n->cols[i].type;
        s->cols[i].out = i;
        s->cols[i].from = CN_FROM_VALUE;
    }
    cn_spec spec = {n->sink->name, &n->sink->opts, op->job->session, s->cols, n->ncols, n->ncols,
                    n->sink->pk, n->sink->npk, NULL, 0};
    s->sink = cn_sink_open(&spec, err);
    find_not_null(n, s);
    const char *mode = sl_options_get(op->job->session, "table.exec.sink.not-null-enforcer");
    s->drop_nulls = mode && !strcasecmp(mode, "DROP");
    if (!s->sink) return -1;
    const char *g = sl_options_get(&n->sink->opts, "sink.delivery-guarantee");
    if (!g) g = sl_options_get(op->job->session, "sink.delivery-guarantee");
    if (!g) s->guarantee = op->job->durable ? DELIVER_EXACTLY_ONCE : DELIVER_AT_LEAST_ONCE;
    else if (!strcasecmp(g, "exactly-once")) s->guarantee = DELIVER_EXACTLY_ONCE;
    else if (!strcasecmp(g, "at-least-once")) s->guarantee = DELIVER_AT_LEAST_ONCE;
    else if (!strcasecmp(g, "none")) s->guarantee = DELIVER_NONE;
    else {
        *err = sl_strdupf("Invalid value '%s' for option 'sink.delivery-guarantee' of table '%s' (exactly-once, "
                          "at-least-once, none)", g, n->sink->name);
        return -1;
    }
    if (s->guarantee == DELIVER_EXACTLY_ONCE && (!op->job->durable || !cn_sink_has_outbox(s->sink)))
        s->guarantee = DELIVER_AT_LEAST_ONCE;
    if (s->guarantee != DELIVER_EXACTLY_ONCE) return 0;
    /* what an earlier run of the job left undelivered goes out first (the job commits after) */
    s->outbox = rt_outbox_open(op->job->store, s->sink, op->job->name, op->index, op->job->session, err);
    return s->outbox && rt_outbox_recover(s->outbox, err) == 0 ? 0 : -1;
}

/* Exactly-once: one encoded record into the outbox. */
static int to_outbox(void *ud, const cn_record *r, char **err) { return rt_outbox_add(ud, r, err); }

/* Writes a batch: produced at once, or into the outbox. */
static int write_rows(sink_state *s, const sl_batch *in, char **err) {
    if (s->outbox) return cn_sink_encode(s->sink, in, to_outbox, s->outbox, err);
    return cn_sink_write(s->sink, in, err);
}

static int sink_push(rt_op *op, sl_batch *in, char **err) {
    sink_state *s = op->state;
    if (s->nnot_null && enforce_not_null(op, s, in, err) < 0) {
        char *ignored = NULL;
        if (in->nrows && write_rows(s, in, &ignored) == 0) op->job->rows_out += in->nrows;
        free(ignored);
        return -1;
    }
    if (write_rows(s, in, err) < 0) return -1;
    op->job->rows_out += in->nrows;
    return 0;
}

/* A checkpoint: exactly-once confirms the previous epoch's delivery into the transaction;
 * at-least-once waits for the acknowledgement of everything written; none does nothing. */
static int sink_checkpoint(rt_op *op, char **err) {
    sink_state *s = op->state;
    if (s->outbox) return rt_outbox_prepare(s->outbox, err);
    if (s->guarantee == DELIVER_NONE) return 0;
    return cn_sink_flush(s->sink, 60000, err) < 0 ? -1 : 0;
}

/* The checkpoint committed: exactly-once produces what it made durable. */
static int sink_committed(rt_op *op, char **err) {
    sink_state *s = op->state;
    return s->outbox ? rt_outbox_deliver(s->outbox, err) : 0;
}

static int sink_finish(rt_op *op, char **err) {
    sink_state *s = op->state;
    if (s->outbox) return 0; /* the job's last checkpoints deliver and confirm */
    return cn_sink_flush(s->sink, 60000, err) < 0 ? -1 : 0;
}

static void sink_close(rt_op *op) {
    sink_state *s = op->state;
    if (!s) return;
    rt_outbox_close(s->outbox);
    if (s->sink) cn_sink_close(s->sink);
    free(s->cols);
    free(s->not_null);
    free(s);
    op->state = NULL;
}

const rt_op_vt rt_sink_vt = {"sink", sink_open, NULL, sink_push, sink_checkpoint, sink_finish, sink_close,
                             sink_committed};
