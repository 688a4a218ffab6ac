/* rt_op_sink.c: SINK: writes rows to a table's connector (Kafka, print, blackhole).
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

typedef struct sink_state {
    cn_sink *sink;
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
    return s->sink ? 0 : -1;
}

static int sink_push(rt_op *op, sl_batch *in, char **err) {
    sink_state *s = op->state;
    if (s->nnot_null && enforce_not_null(op, s, in, err) < 0) {
        char *ignored = NULL;
        if (in->nrows && cn_sink_write(s->sink, in, &ignored) == 0) op->job->rows_out += in->nrows;
        free(ignored);
        return -1;
    }
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
    free(s->not_null);
    free(s);
    op->state = NULL;
}

const rt_op_vt rt_sink_vt = {"sink", sink_open, NULL, sink_push, sink_checkpoint, sink_checkpoint, sink_close, NULL};
