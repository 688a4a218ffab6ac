/* rt_op_calc.c: CALC: filter then projection, batch in, batch out. */
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "rt_expr.h"
#include "rt_op.h"

typedef struct calc_state {
    sl_batch out;
    bool identity;   /* no filter, and column i of the output is column i of the input */
} calc_state;

/* True when the CALC changes nothing: its input batch can be pushed on as it is. */
static bool is_identity(const pl_node *n) {
    if (n->filter || n->nexprs != n->input->ncols) return false;
    for (int c = 0; c < n->nexprs; c++)
        if (n->exprs[c]->kind != PL_X_COL || n->exprs[c]->col != c) return false;
    return true;
}

static int calc_open(rt_op *op, char **err) {
    (void)err;
    calc_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->identity = is_identity(op->node);
    sl_batch_init(&s->out, op->node->nexprs, op->job->batch_size);
    return 0;
}

/* Column references are copied straight (strings stay in the input batch, which outlives this
 * call); other expressions are evaluated with strings in the output batch's arena. */
static int calc_push(rt_op *op, sl_batch *in, char **err) {
    const pl_node *n = op->node;
    calc_state *s = op->state;
    if (s->identity) return rt_push_next(op, in, err); /* SELECT *: no copy */
    sl_batch *out = &s->out;
    sl_batch_clear(out);
    rt_eval_ctx ctx = {out->arena, NULL, 0, op->has_wm, op->wm};
    for (int r = 0; r < in->nrows; r++) {
        const sl_value *row = sl_batch_row(in, r);
        if (n->filter && !rt_eval_pred(n->filter, row, &ctx)) continue;
        sl_value *o = sl_batch_add_row(out);
        out->ops[out->nrows - 1] = in->ops[r];
        for (int c = 0; c < n->nexprs; c++) {
            const pl_expr *e = n->exprs[c];
            o[c] = e->kind == PL_X_COL ? row[e->col] : rt_eval(e, row, &ctx);
        }
    }
    if (ctx.error) {
        *err = sl_strdupf("Runtime error: %s", ctx.error);
        free(ctx.error);
        return -1;
    }
    if (out->nrows == 0) return 0;
    return rt_push_next(op, out, err);
}

static int calc_noop(rt_op *op, char **err) { (void)op; (void)err; return 0; }

static void calc_close(rt_op *op) {
    calc_state *s = op->state;
    if (!s) return;
    sl_batch_free(&s->out);
    free(s);
    op->state = NULL;
}

const rt_op_vt rt_calc_vt = {"calc", calc_open, NULL, calc_push, calc_noop, calc_noop, calc_close, NULL};
