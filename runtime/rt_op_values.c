/* rt_op_values.c: VALUES: evaluates its constant rows once, pushes them, then ends. */
#include <stdlib.h>
#include "../common/sl_error.h"
#include "../connectors/cn_connector.h"
#include "rt_expr.h"
#include "rt_op.h"

typedef struct values_state {
    sl_batch batch;
    int next_row;
} values_state;

static int values_open(rt_op *op, char **err) {
    (void)err;
    values_state *s = calloc(1, sizeof *s);
    op->state = s;
    sl_batch_init(&s->batch, op->node->ncols, op->job->batch_size);
    return 0;
}

/* Emits up to one batch of rows per poll; CN_EOF once all are out. */
static int values_poll(rt_op *op, int timeout_ms, char **err) {
    (void)timeout_ms;
    values_state *s = op->state;
    const pl_node *n = op->node;
    if (s->next_row >= n->nrows) return CN_EOF;
    sl_batch_clear(&s->batch);
    rt_eval_ctx ctx = {s->batch.arena, NULL, 0};
    while (s->next_row < n->nrows && !sl_batch_full(&s->batch)) {
        sl_value *row = sl_batch_add_row(&s->batch);
        for (int c = 0; c < n->ncols; c++) row[c] = rt_eval(n->rows[s->next_row][c], NULL, &ctx);
        s->next_row++;
    }
    if (ctx.error) {
        *err = sl_strdupf("Runtime error in VALUES: %s", ctx.error);
        free(ctx.error);
        return CN_ERROR;
    }
    op->job->rows_in += s->batch.nrows;
    if (rt_push_next(op, &s->batch, err) < 0) return CN_ERROR;
    return s->batch.nrows;
}

static int values_noop(rt_op *op, char **err) { (void)op; (void)err; return 0; }

static void values_close(rt_op *op) {
    values_state *s = op->state;
    if (!s) return;
    sl_batch_free(&s->batch);
    free(s);
    op->state = NULL;
}

const rt_op_vt rt_values_vt = {"values", values_open, values_poll, NULL, values_noop, values_noop, values_close, NULL};
