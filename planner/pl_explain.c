/* pl_explain.c: prints a physical plan the way Flink's EXPLAIN does (root first, indented). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* "TUMBLE(time_col=[bidtime], size=[10 min])" and the like. */
static void explain_window(sl_buf *b, const pl_window *w, const char *const *in) {
    static const char *const kinds[] = {"?", "TUMBLE", "HOP", "CUMULATE", "SESSION"};
    sl_buf_printf(b, "%s(time_col=[%s]", kinds[w->kind <= 4 ? w->kind : 0], w->proctime ? "PROCTIME" : in[w->time_col]);
    const char *names[] = {"size", "slide", "offset"};
    if (w->kind == SP_TVF_SESSION) names[0] = "gap";
    if (w->kind == SP_TVF_CUMULATE) names[0] = "max_size", names[1] = "step";
    int64_t v[3] = {w->size, w->slide, w->offset};
    for (int i = 0; i < 3; i++) {
        if (i > 0 && !v[i]) continue;
        int64_t ms = v[i] / 1000;
        if (ms % 3600000 == 0) sl_buf_printf(b, ", %s=[%lld h]", names[i], (long long)(ms / 3600000));
        else if (ms % 60000 == 0) sl_buf_printf(b, ", %s=[%lld min]", names[i], (long long)(ms / 60000));
        else if (ms % 1000 == 0) sl_buf_printf(b, ", %s=[%lld s]", names[i], (long long)(ms / 1000));
        else sl_buf_printf(b, ", %s=[%lld ms]", names[i], (long long)ms);
    }
    sl_buf_putc(b, ')');
}

void pl_explain_node(sl_buf *b, const pl_node *n) {
    switch (n->kind) {
    case PL_N_WINDOW_TVF: {
        const char **in = names_of(n->input);
        sl_buf_puts(b, "WindowTableFunction(window=[");
        explain_window(b, &n->win, in);
        sl_buf_puts(b, "])");
        free(in);
        break;
    }
    case PL_N_WINDOW_AGG: {
        const char **in = names_of(n->input);
        const char **out = names_of(n);
        sl_buf_puts(b, "WindowAggregate(");
        if (n->win.kind == SP_TVF_SESSION) {
            sl_buf_puts(b, "window=[");
            explain_window(b, &n->win, in);
            sl_buf_puts(b, "], ");
        }
        sl_buf_puts(b, "groupBy=");
        explain_keys(b, n->keys, n->nkeys, in);
        if (n->ngsets) {
            sl_buf_puts(b, ", groupingSets=[");
            for (int g = 0; g < n->ngsets; g++) {
                sl_buf_printf(b, "%s(", g ? ", " : "");
                for (int j = 0; j < n->gset_len[g]; j++) sl_buf_printf(b, "%s%s", j ? ", " : "", out[n->gsets[g][j]]);
                sl_buf_putc(b, ')');
            }
            sl_buf_putc(b, ']');
        }
        sl_buf_puts(b, ", select=[");
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
    case PL_N_WINDOW_RANK: {
        const char **in = names_of(n->input);
        static const char *const fns[] = {"ROW_NUMBER", "RANK", "DENSE_RANK"};
        sl_buf_printf(b, "WindowRank(rankType=[%s], rankRange=[rankStart=1, rankEnd=", fns[n->rank_fn <= 2 ? n->rank_fn : 0]);
        if (n->rank_limit == INT64_MAX) sl_buf_puts(b, "unbounded");
        else sl_buf_printf(b, "%lld", (long long)n->rank_limit);
        sl_buf_puts(b, "], partitionBy=");
        explain_keys(b, n->keys, n->nkeys, in);
        sl_buf_puts(b, ", orderBy=[");
        for (int i = 0; i < n->norder; i++)
            sl_buf_printf(b, "%s%s %s", i ? ", " : "", in[n->order_cols[i]], n->order_desc[i] ? "DESC" : "ASC");
        sl_buf_puts(b, "])");
        free(in);
        break;
    }
    case PL_N_WINDOW_JOIN: {
        const char **l = names_of(n->input), **r = names_of(n->input2);
        static const char *const kinds[] = {"?", "InnerJoin", "LeftOuterJoin", "RightOuterJoin", "FullOuterJoin"};
        sl_buf_printf(b, "WindowJoin(joinType=[%s], where=[", kinds[n->join_kind <= 4 ? n->join_kind : 0]);
        for (int k = 0; k < n->njoin_keys; k++)
            sl_buf_printf(b, "%s%s = %s", k ? " AND " : "", l[n->lkeys[k]], r[n->rkeys[k]]);
        sl_buf_putc(b, ']');
        if (n->filter) {
            const char **both = names_of(n);
            sl_buf_puts(b, ", filter=[");
            pl_expr_to_text(b, n->filter, both);
            sl_buf_putc(b, ']');
            free(both);
        }
        sl_buf_putc(b, ')');
        free(l);
        free(r);
        break;
    }
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

/* Prints n after `lead` and its inputs below it, as Flink draws trees: "+- " before the last
 * input, ":- " before the others, `indent` carrying the lines of the levels above. */
static void explain_tree(sl_buf *out, const pl_node *n, const char *lead, const char *indent) {
    sl_buf_printf(out, "%s%s", indent, lead);
    pl_explain_node(out, n);
    sl_buf_putc(out, '\n');
    if (!n->input) return;
    size_t len = strlen(indent) + 4;
    char *deeper = malloc(len);
    snprintf(deeper, len, "%s%s", indent, !*lead ? "" : !strcmp(lead, ":- ") ? ":  " : "   ");
    if (n->input2) {
        explain_tree(out, n->input, ":- ", deeper);
        explain_tree(out, n->input2, "+- ", deeper);
    } else {
        explain_tree(out, n->input, "+- ", deeper);
    }
    free(deeper);
}

void pl_explain(sl_buf *out, const pl_plan *p) {
    sl_buf_puts(out, "== Physical Plan ==\n");
    explain_tree(out, p->root, "", "");
}
