/* rt_op_sink.c: SINK: writes rows to a table's connector (Kafka, print, blackhole). */
#include <stdlib.h>
#include "../connectors/cn_connector.h"
#include "rt_op.h"

typedef struct sink_state {
    cn_sink *sink;
    cn_column *cols;
} sink_state;

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
    return s->sink ? 0 : -1;
}

static int sink_push(rt_op *op, sl_batch *in, char **err) {
    sink_state *s = op->state;
    if (cn_sink_write(s->sink, in, err) < 0) return -1;
    op->job->rows_out += in->nrows;
    return 0;
}

/* Waits until everything written so far is acknowledged (before offsets are committed). */
static int sink_checkpoint(rt_op *op, char **err) {
    sink_state *s = op->state;
    return cn_sink_flush(s->sink, 60000, err) < 0 ? -1 : 0;
}

static void sink_close(rt_op *op) {
    sink_state *s = op->state;
    if (!s) return;
    if (s->sink) cn_sink_close(s->sink);
    free(s->cols);
    free(s);
    op->state = NULL;
}

const rt_op_vt rt_sink_vt = {"sink", sink_open, NULL, sink_push, sink_checkpoint, sink_checkpoint, sink_close, NULL};
