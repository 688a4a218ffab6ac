/* rt_op_collect.c: COLLECT: hands result rows of a bare SELECT to the client callback. */
#include "rt_op.h"

static int collect_open(rt_op *op, char **err) { (void)op; (void)err; return 0; }

static int collect_push(rt_op *op, sl_batch *in, char **err) {
    (void)err;
    rt_job *j = op->job;
    j->rows_out += in->nrows;
    return j->on_rows ? j->on_rows(j->on_rows_ud, op->node->cols, op->node->ncols, in) : 0;
}

static int collect_noop(rt_op *op, char **err) { (void)op; (void)err; return 0; }
static void collect_close(rt_op *op) { (void)op; }

const rt_op_vt rt_collect_vt = {"collect", collect_open, NULL, collect_push, collect_noop, collect_noop, collect_close, NULL};
