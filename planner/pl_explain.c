/* pl_explain.c: prints a physical plan the way Flink's EXPLAIN does (root first, indented). */
#include <stdlib.h>
#include "../common/sl_buf.h"
#include "pl_plan.h"

/* Column names of a node's output, for rendering expressions of the node above it. */
static const char **names_of(const pl_node *n) {
    const char **names = calloc((size_t)n->ncols + 1, sizeof(char *));
    for (int i = 0; i < n->ncols; i++) names[i] = n->cols[i].name;
    return names;
}

/* "COUNT(DISTINCT customer) FILTER (WHERE $f3)" for an aggregate call over input names. */
static void explain_agg(sl_buf *b, const pl_agg_call *c, const char *const *in) {
    sl_buf_printf(b, "%s(%s", pl_agg_name(c->fn), c->distinct ? "DISTINCT " : "");
    if (c->fn == PL_AGG_COUNT_STAR) sl_buf_putc(b, '*');
    else sl_buf_puts(b, in[c->arg] ? in[c->arg] : "?");
    if (c->fn == PL_AGG_LISTAGG) sl_buf_printf(b, ", '%.*s'", (int)c->sep.s.len, c->sep.s.ptr);
    sl_buf_putc(b, ')');
    if (c->filter >= 0) sl_buf_printf(b, " FILTER (WHERE %s)", in[c->filter] ? in[c->filter] : "?");
}

/* "[a, b]" of the named input columns. */
static void explain_keys(sl_buf *b, const int *keys, int n, const char *const *in) {
    sl_buf_putc(b, '[');
    for (int k = 0; k < n; k++) sl_buf_printf(b, "%s%s", k ? ", " : "", in[keys[k]] ? in[keys[k]] : "?");
    sl_buf_putc(b, ']');
}

void pl_explain_node(sl_buf *b, const pl_node *n) {
    switch (n->kind) {
    case PL_N_AGG: {
        const char **in = names_of(n->input);
        const char **out = names_of(n);
        sl_buf_puts(b, "GroupAggregate(");
        if (n->nkeys) {
            sl_buf_puts(b, "groupBy=");
            explain_keys(b, n->keys, n->nkeys, in);
            sl_buf_puts(b, ", ");
        }
        sl_buf_puts(b, "select=[");
        for (int k = 0; k < n->nkeys; k++) sl_buf_printf(b, "%s%s", k ? ", " : "", out[k]);
        for (int i = 0; i < n->naggs; i++) {
            if (i || n->nkeys) sl_buf_puts(b, ", ");
            explain_agg(b, &n->aggs[i], in);
            sl_buf_printf(b, " AS %s", out[n->nkeys + i]);
        }
        sl_buf_putc(b, ']');
        if (n->having) {
            sl_buf_puts(b, ", having=[");
            pl_expr_to_text(b, n->having, out);
            sl_buf_putc(b, ']');
        }
        sl_buf_putc(b, ')');
        free(in);
        free(out);
        break;
    }
    case PL_N_NORMALIZE: {
        const char **in = names_of(n->input);
        sl_buf_puts(b, "ChangelogNormalize(key=");
        explain_keys(b, n->keys, n->nkeys, in);
        sl_buf_putc(b, ')');
        free(in);
        break;
    }
    case PL_N_SINK:
        sl_buf_printf(b, "Sink(table=[%s], fields=[", n->sink->name);
        for (int i = 0; i < n->ncols; i++) sl_buf_printf(b, "%s%s", i ? ", " : "", n->cols[i].name);
        sl_buf_puts(b, "])");
        break;
    case PL_N_CALC: {
        const char **in = names_of(n->input);
        sl_buf_puts(b, "Calc(select=[");
        for (int i = 0; i < n->nexprs; i++) {
            if (i) sl_buf_puts(b, ", ");
            pl_expr_to_text(b, n->exprs[i], in);
            const pl_expr *e = n->exprs[i];
            if (!(e->kind == PL_X_COL && in[e->col] && n->cols[i].name &&
                  __builtin_strcmp(in[e->col], n->cols[i].name) == 0))
                sl_buf_printf(b, " AS %s", n->cols[i].name);
        }
        sl_buf_putc(b, ']');
        if (n->filter) {
            sl_buf_puts(b, ", where=[");
            pl_expr_to_text(b, n->filter, in);
            sl_buf_putc(b, ']');
        }
        sl_buf_putc(b, ')');
        free(in);
        break;
    }
    case PL_N_SCAN: {
        const char **names = names_of(n);
        sl_buf_printf(b, "TableSourceScan(table=[%s], fields=[", n->table->name);
        int k = 0;
        for (int i = 0; i < n->ncols; i++)
            if (n->decode[i]) sl_buf_printf(b, "%s%s", k++ ? ", " : "", n->cols[i].name);
        sl_buf_putc(b, ']');
        if (n->ncomputed) {
            sl_buf_puts(b, ", computed=[");
            for (int i = 0; i < n->ncomputed; i++) {
                if (i) sl_buf_puts(b, ", ");
                pl_expr_to_text(b, n->computed_exprs[i], names);
                sl_buf_printf(b, " AS %s", n->cols[n->computed[i]].name);
            }
            sl_buf_putc(b, ']');
        }
        if (n->filter) {
            sl_buf_puts(b, ", filter=[");
            pl_expr_to_text(b, n->filter, names);
            sl_buf_putc(b, ']');
        }
        sl_buf_putc(b, ')');
        free(names);
        break;
    }
    case PL_N_VALUES:
        sl_buf_printf(b, "Values(tuples=[%d row%s])", n->nrows, n->nrows == 1 ? "" : "s");
        break;
    }
}

void pl_explain(sl_buf *out, const pl_plan *p) {
    sl_buf_puts(out, "== Physical Plan ==\n");
    int depth = 0;
    for (const pl_node *n = p->root; n; n = n->input, depth++) {
        for (int i = 0; i < depth - 1; i++) sl_buf_puts(out, "   ");
        if (depth) sl_buf_puts(out, "+- ");
        pl_explain_node(out, n);
        sl_buf_putc(out, '\n');
    }
}
