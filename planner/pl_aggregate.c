/* pl_aggregate.c: plans GROUP BY, HAVING, SELECT DISTINCT and aggregate calls.
 *
 * SELECT country, COUNT(*) AS n, SUM(amount) FILTER (WHERE amount > 0) FROM orders
 * WHERE x > 1 GROUP BY country HAVING COUNT(*) > 1 becomes
 *
 *   CALC(select=[country, n, sum])                      the select list over the AGG's output
 *   AGG(keys=[0], aggs=[COUNT(*), SUM($1) FILTER $2], having=[$1 > 1])
 *   CALC(select=[country, amount, amount > 0], where=[x > 1])   keys, arguments, filters
 *   input
 *
 * The select list and HAVING are bound in a scope whose resolve hook maps every GROUP BY
 * expression and every aggregate call to a column of the AGG's output, and rejects a column
 * that is neither grouped nor inside an aggregate ("Expression 'amount' is not being grouped"). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_buf.h"
#include "../common/sl_error.h"
#include "pl_bind.h"
#include "pl_functions.h"
#include "pl_plan.h"

/* An aggregate call found in the select list or HAVING, with its operands bound over the input. */
typedef struct agg_item {
    pl_agg_call call;
    pl_expr *arg;      /* or NULL (COUNT(*)) */
    pl_expr *filter;   /* or NULL */
} agg_item;

typedef struct agg_ctx {
    const pl_scope *in;      /* the input's columns */
    sl_arena *a;
    const char *src;
    pl_expr **keys;          /* GROUP BY expressions over the input */
    int nkeys;
    agg_item *items;
    int nitems, cap;
    pl_node *in_node;        /* the input (a legacy group window puts a WINDOW_TVF over it) */
    pl_scope gw_scope;       /* ... and then the scope of that TVF's output */
    int gw_key;              /* the key position of a legacy group window's window_start, or -1 */
    uint8_t gw_kind;         /* its kind (SP_TVF_*) */
    const sp_expr *gw_call;  /* the GROUP BY TUMBLE(...)/HOP(...)/SESSION(...) call */
} agg_ctx;

const char *pl_agg_name(int fn) {
    static const char *const names[] = {"COUNT", "COUNT", "SUM", "AVG", "MIN", "MAX",
                                        "FIRST_VALUE", "LAST_VALUE", "LISTAGG"};
    return fn >= 0 && fn <= PL_AGG_LISTAGG ? names[fn] : "?";
}

/* True if the expression tree contains an aggregate call. */
static bool has_aggregate(const sp_expr *e) {
    if (!e) return false;
    if (e->kind == SP_E_FUNC && pl_func_is_aggregate(e->name)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_aggregate(e->args[i])) return true;
    return has_aggregate(e->filter);
}

bool pl_select_is_aggregate(const sp_select *sel) {
    if (sel->ngroup_by > 0 || sel->having || sel->distinct) return true;
    for (int i = 0; i < sel->nitems; i++)
        if (has_aggregate(sel->items[i].expr)) return true;
    return false;
}

/* The aggregate function an SQL name and call shape denote, or -1. */
static int agg_fn_of(const sp_expr *e) {
    const char *n = e->name;
    if (!strcasecmp(n, "COUNT")) return e->star ? PL_AGG_COUNT_STAR : PL_AGG_COUNT;
    if (!strcasecmp(n, "SUM")) return PL_AGG_SUM;
    if (!strcasecmp(n, "AVG")) return PL_AGG_AVG;
    if (!strcasecmp(n, "MIN")) return PL_AGG_MIN;
    if (!strcasecmp(n, "MAX")) return PL_AGG_MAX;
    if (!strcasecmp(n, "FIRST_VALUE")) return PL_AGG_FIRST_VALUE;
    if (!strcasecmp(n, "LAST_VALUE")) return PL_AGG_LAST_VALUE;
    if (!strcasecmp(n, "LISTAGG")) return PL_AGG_LISTAGG;
    return -1;
}

/* Result type of SUM and AVG over `t` as Flink derives it (DECIMAL widened to 38 digits, which
 * pl_decimal_type caps at 18: DECIMAL(18, s) for SUM, DECIMAL(18, max(s, 6)) for AVG); integer
 * and floating types keep their type. */
static sl_type sum_avg_type(int fn, sl_type t) {
    sl_type r = t;
    if (t.id == SL_T_DECIMAL) r = pl_decimal_type(38, fn == PL_AGG_AVG ? (t.scale > 6 ? t.scale : 6) : t.scale);
    r.not_null = false;
    return r;
}

/* An error at e, returned through the resolve hook. */
static int fail_at(agg_ctx *c, const sp_expr *e, char **err, const char *fmt, const char *arg) {
    *err = sl_error_at(c->src, e->line, e->col, fmt, arg);
    return -1;
}

/* Binds an aggregate's operand over the input; nested aggregates are refused. */
static pl_expr *bind_operand(agg_ctx *c, const sp_expr *e, char **err) {
    if (has_aggregate(e)) {
        *err = sl_error_at(c->src, e->line, e->col, "Aggregate function calls cannot be nested");
        return NULL;
    }
    return pl_bind_expr(e, c->in, c->a, c->src, err);
}

/* Checks the argument of an aggregate against what its function accepts. */
static int check_arg_type(agg_ctx *c, const sp_expr *e, int fn, sl_type t, char **err) {
    char tn[64];
    bool ok = true;
    if (fn == PL_AGG_SUM || fn == PL_AGG_AVG) ok = sl_type_is_numeric(t.id);
    else if (fn == PL_AGG_LISTAGG) ok = t.id == SL_T_STRING;
    else if (fn != PL_AGG_COUNT) ok = t.id != SL_T_NULL && t.id != SL_T_INTERVAL;
    if (ok) return 0;
    char up[32];
    snprintf(up, sizeof up, "%s", pl_agg_name(fn));
    *err = sl_error_at(c->src, e->line, e->col, "Cannot apply '%s' to %s", up, pl_tname(t, tn, sizeof tn));
    return -1;
}

/* Index of an equal aggregate already collected, or -1. */
static int find_item(const agg_ctx *c, const agg_item *it) {
    for (int i = 0; i < c->nitems; i++) {
        const agg_item *o = &c->items[i];
        if (o->call.fn != it->call.fn || o->call.distinct != it->call.distinct) continue;
        if (!pl_expr_equal(o->arg, it->arg) || !pl_expr_equal(o->filter, it->filter)) continue;
        if (it->call.fn == PL_AGG_LISTAGG &&
            (o->call.sep.s.len != it->call.sep.s.len || memcmp(o->call.sep.s.ptr, it->call.sep.s.ptr, it->call.sep.s.len)))
            continue;
        return i;
    }
    return -1;
}

/* An aggregate call: binds its operands, types it and returns the AGG output column for it. */
static int resolve_aggregate(agg_ctx *c, const sp_expr *e, pl_expr **out, char **err) {
    int fn = agg_fn_of(e);
    char up[64];
    size_t k = 0;
    for (; e->name[k] && k + 1 < sizeof up; k++) up[k] = (char)toupper((unsigned char)e->name[k]);
    up[k] = 0;
    if (fn < 0) return fail_at(c, e, err, "Aggregate function %s is not supported yet", up);
    if (e->star && fn != PL_AGG_COUNT_STAR) return fail_at(c, e, err, "'*' is only allowed in COUNT(*)", NULL);
    if (fn == PL_AGG_COUNT_STAR && e->distinct) return fail_at(c, e, err, "COUNT(DISTINCT *) is not allowed", NULL);
    int want = fn == PL_AGG_COUNT_STAR ? 0 : 1;
    if (e->nargs != want && !(fn == PL_AGG_LISTAGG && e->nargs == 2))
        return fail_at(c, e, err, fn == PL_AGG_LISTAGG ? "%s takes one or two arguments (value [, separator])"
                                                       : "%s takes exactly one argument", up);
    agg_item it;
    memset(&it, 0, sizeof it);
    it.call.fn = (uint8_t)fn;
    it.call.distinct = e->distinct;
    it.call.arg = it.call.filter = -1;
    if (want) {
        if (!(it.arg = bind_operand(c, e->args[0], err))) return -1;
        if (check_arg_type(c, e->args[0], fn, it.arg->type, err) < 0) return -1;
        it.call.arg_type = it.arg->type;
    }
    if (fn == PL_AGG_LISTAGG) {
        const sp_expr *s = e->nargs == 2 ? e->args[1] : NULL;
        if (s && !(s->kind == SP_E_LITERAL && s->lit == SP_LIT_STRING))
            return fail_at(c, s, err, "The separator of LISTAGG must be a string literal", NULL);
        const char *t = s ? s->text : ",";
        it.call.sep = sl_str(sl_arena_strdup(c->a, t), (uint32_t)strlen(t));
    }
    if (e->filter) {
        if (!(it.filter = bind_operand(c, e->filter, err))) return -1;
        if (it.filter->type.id != SL_T_BOOLEAN && it.filter->type.id != SL_T_NULL) {
            *err = sl_error_at(c->src, e->filter->line, e->filter->col, "FILTER condition must be a BOOLEAN expression");
            return -1;
        }
    }
    switch (fn) {
    case PL_AGG_COUNT_STAR:
    case PL_AGG_COUNT:
        it.call.type = sl_type_make(SL_T_BIGINT);
        it.call.type.not_null = true;
        break;
    case PL_AGG_SUM:
    case PL_AGG_AVG: it.call.type = sum_avg_type(fn, it.arg->type); break;
    case PL_AGG_LISTAGG: it.call.type = sl_type_make(SL_T_STRING); break;
    default:
        it.call.type = it.arg->type;
        it.call.type.not_null = false;
    }
    int idx = find_item(c, &it);
    if (idx < 0) {
        if (c->nitems == c->cap) {
            int ncap = c->cap ? c->cap * 2 : 8;
            agg_item *n = sl_arena_calloc(c->a, sizeof *n * (size_t)ncap);
            if (c->nitems) memcpy(n, c->items, sizeof *n * (size_t)c->nitems);
            c->items = n;
            c->cap = ncap;
        }
        idx = c->nitems++;
        c->items[idx] = it;
    }
    pl_expr *x = pl_new_node(c->a, PL_X_COL, c->items[idx].call.type, 0);
    x->col = c->nkeys + idx;
    *out = x;
    return 1;
}

/* The resolve hook of the aggregate's output scope (see pl_scope in pl_expr.h). */
/* TUMBLE_START(...), HOP_END(...), SESSION_ROWTIME(...) and the like: which of a legacy group
 * window's keys the call names (0 start, 1 end, 2 window_time), or -1. */
static int group_window_aux(const agg_ctx *c, const sp_expr *e) {
    if (e->kind != SP_E_FUNC || c->gw_key < 0) return -1;
    static const char *const pre[] = {"", "TUMBLE_", "HOP_", "", "SESSION_"};
    const char *p = pre[c->gw_kind];
    size_t n = strlen(p);
    if (strncasecmp(e->name, p, n) != 0) return -1;
    const char *rest = e->name + n;
    if (!strcasecmp(rest, "START")) return 0;
    if (!strcasecmp(rest, "END")) return 1;
    if (!strcasecmp(rest, "ROWTIME") || !strcasecmp(rest, "PROCTIME")) return 2;
    return -1;
}

/* True if an auxiliary call (TUMBLE_END(ts, INTERVAL ...)) has the same arguments as the
 * group window call, compared as SQL text. */
static bool same_window_args(const sp_expr *aux, const sp_expr *win) {
    if (aux->nargs != win->nargs) return false;
    bool same = true;
    for (int i = 0; same && i < aux->nargs; i++) {
        sl_buf x = {0}, y = {0};
        sp_expr_to_sql(&x, aux->args[i]);
        sp_expr_to_sql(&y, win->args[i]);
        same = x.len == y.len && (!x.len || strcasecmp(x.data, y.data) == 0);
        sl_buf_free(&x);
        sl_buf_free(&y);
    }
    return same;
}

static int resolve(void *ud, const sp_expr *e, pl_expr **out, char **err) {
    agg_ctx *c = ud;
    if (e->kind == SP_E_FUNC && pl_func_is_aggregate(e->name)) return resolve_aggregate(c, e, out, err);
    int aux = group_window_aux(c, e);
    if (aux >= 0 && !same_window_args(e, c->gw_call)) {
        sl_buf want = {0};
        sp_expr_to_sql(&want, c->gw_call);
        *err = sl_error_at(c->src, e->line, e->col, "%s must name the GROUP BY's group window: give it the arguments of %s",
                           e->name, want.data ? want.data : "it");
        sl_buf_free(&want);
        return -1;
    }
    if (aux >= 0) {
        pl_expr *k = c->keys[c->gw_key + aux];
        pl_expr *col = pl_new_node(c->a, PL_X_COL, k->type, 0);
        col->col = c->gw_key + aux;
        col->flag = k->flag;
        *out = col;
        return 1;
    }
    if (e->kind == SP_E_LITERAL || e->kind == SP_E_INTERVAL || e->kind == SP_E_STAR || has_aggregate(e)) return 0;
    char *msg = NULL;
    pl_expr *x = pl_bind_expr(e, c->in, c->a, c->src, &msg);
    if (!x) {
        if (e->kind == SP_E_COLUMN) { /* an unknown column: say so */
            *err = msg;
            return -1;
        }
        free(msg);
        return 0;
    }
    for (int k = 0; k < c->nkeys; k++)
        if (pl_expr_equal(x, c->keys[k])) {
            pl_expr *col = pl_new_node(c->a, PL_X_COL, c->keys[k]->type, 0);
            col->col = k;
            *out = col;
            return 1;
        }
    if (e->kind == SP_E_COLUMN) return fail_at(c, e, err, "Expression '%s' is not being grouped", e->name);
    return 0;
}

/* Index of an expression equal to x among exprs[0..n), or -1. */
static int find_expr(pl_expr **exprs, int n, const pl_expr *x) {
    for (int i = 0; i < n; i++)
        if (pl_expr_equal(exprs[i], x)) return i;
    return -1;
}

/* Name of a pre-aggregation column: the input column's name, or $f<i> for an expression. */
static const char *operand_name(const pl_expr *x, const pl_scope *in, int i, sl_arena *a) {
    if (x->kind == PL_X_COL)
        for (int c = 0; c < in->ncols; c++)
            if (in->cols[c].index == x->col) return in->cols[c].name;
    return sl_arena_printf(a, "$f%d", i);
}

/* CALC below the AGG: key expressions, then each distinct argument and filter expression. */
static pl_node *pre_calc(agg_ctx *c, pl_node *in, pl_expr *where) {
    int cap = c->nkeys + 2 * c->nitems + 1;
    pl_node *calc = pl_node_new(c->a, PL_N_CALC, in);
    calc->filter = where;
    calc->updating = in->updating;
    calc->exprs = sl_arena_calloc(c->a, sizeof(pl_expr *) * (size_t)cap);
    calc->cols = sl_arena_calloc(c->a, sizeof(pl_field) * (size_t)cap);
    int n = 0;
    for (int k = 0; k < c->nkeys; k++) calc->exprs[n++] = c->keys[k];
    for (int i = 0; i < c->nitems; i++) {
        agg_item *it = &c->items[i];
        pl_expr *ops[2] = {it->arg, it->filter};
        int *slot[2] = {&it->call.arg, &it->call.filter};
        for (int j = 0; j < 2; j++) {
            if (!ops[j]) continue;
            int at = find_expr(calc->exprs + c->nkeys, n - c->nkeys, ops[j]);
            if (at < 0) {
                at = n - c->nkeys;
                calc->exprs[n++] = ops[j];
            }
            *slot[j] = c->nkeys + at;
        }
    }
    for (int i = 0; i < n; i++) {
        const pl_expr *x = calc->exprs[i];
        calc->cols[i].name = operand_name(x, c->in, i, c->a);
        calc->cols[i].type = x->type;
        if (x->kind == PL_X_COL && x->col < in->ncols) {
            calc->cols[i].time_attr = x->flag;
            calc->cols[i].window_col = in->cols[x->col].window_col;
        }
    }
    calc->nexprs = calc->ncols = n;
    return calc;
}

/* The kind of a legacy group window call in GROUP BY (TUMBLE(ts, size), HOP(ts, slide, size),
 * SESSION(ts, gap)), or 0. */
static int group_window_kind(const sp_expr *e) {
    if (e->kind != SP_E_FUNC) return 0;
    if (!strcasecmp(e->name, "TUMBLE") && e->nargs == 2) return SP_TVF_TUMBLE;
    if (!strcasecmp(e->name, "HOP") && e->nargs == 3) return SP_TVF_HOP;
    if (!strcasecmp(e->name, "SESSION") && e->nargs == 2) return SP_TVF_SESSION;
    return 0;
}

/* GROUP BY TUMBLE(ts, INTERVAL '1' HOUR) (Flink's legacy group windows): a window TVF over the
 * input, whose window_start, window_end and window_time become three keys (key positions
 * c->gw_key..+2); TUMBLE_START(...) and friends then name them. */
static int group_window_keys(agg_ctx *c, const sp_expr *e, int at, char **err) {
    if (c->gw_key >= 0) {
        *err = sl_error_at(c->src, e->line, e->col, "Only one group window per GROUP BY");
        return -1;
    }
    if (e->args[0]->kind != SP_E_COLUMN) {
        *err = sl_error_at(c->src, e->line, e->col, "The first argument of a group window is its time column");
        return -1;
    }
    sp_window_tvf t;
    memset(&t, 0, sizeof t);
    t.kind = (uint8_t)group_window_kind(e);
    t.time_col = e->args[0]->name;
    t.time_line = e->args[0]->line;
    t.time_col_pos = e->args[0]->col;
    t.size = e->args[e->nargs - 1];
    t.slide = e->nargs == 3 ? e->args[1] : NULL;
    t.line = e->line;
    t.col = e->col;
    pl_node *tvf = pl_plan_tvf(&t, c->in_node, c->in, NULL, c->a, c->src, &c->gw_scope, err);
    if (!tvf) return -1;
    c->in_node = tvf;
    c->in = &c->gw_scope;
    c->gw_key = at;
    c->gw_kind = t.kind;
    c->gw_call = e;
    for (int j = 0; j < 3; j++) {
        pl_expr *x = pl_new_node(c->a, PL_X_COL, tvf->cols[tvf->ncols - 3 + j].type, 0);
        x->col = tvf->ncols - 3 + j;
        x->flag = tvf->cols[x->col].time_attr;
        c->keys[at + j] = x;
    }
    return 0;
}

/* The GROUP BY keys: GROUP BY expressions, or for SELECT DISTINCT the select list. */
static int bind_keys(agg_ctx *c, const sp_select *sel, char **err) {
    bool distinct_only = sel->distinct && sel->ngroup_by == 0;
    int n = distinct_only ? sel->nitems : sel->ngroup_by;
    c->keys = sl_arena_calloc(c->a, sizeof(pl_expr *) * (size_t)(n + 3));
    int nk = 0;
    for (int i = 0; i < n; i++) {
        const sp_expr *e = distinct_only ? sel->items[i].expr : sel->group_by[i];
        if (!distinct_only && group_window_kind(e)) {
            if (sel->ngsets) {
                *err = sl_error_at(c->src, e->line, e->col, "Group windows with GROUPING SETS are not supported; use "
                                                            "a window TVF");
                return -1;
            }
            if (group_window_keys(c, e, nk, err) < 0) return -1;
            nk += 3;
            continue;
        }
        if (e->kind == SP_E_STAR) {
            *err = sl_error_at(c->src, e->line, e->col, "SELECT DISTINCT * is not supported; list the columns");
            return -1;
        }
        if (has_aggregate(e)) {
            *err = sl_error_at(c->src, e->line, e->col, distinct_only ? "SELECT DISTINCT with aggregate functions is not supported yet"
                                                                     : "Aggregate functions are not allowed in GROUP BY");
            return -1;
        }
        if (!(c->keys[nk++] = pl_bind_expr(e, c->in, c->a, c->src, err))) return -1;
    }
    c->nkeys = nk;
    return 0;
}

/* True if key k is the input column named `name` (a SESSION PARTITION BY column). */
static bool key_is_column(const agg_ctx *c, const pl_node *in, int k, const char *name) {
    const pl_expr *x = c->keys[k];
    return x->kind == PL_X_COL && x->col < in->ncols && !in->cols[x->col].window_col && in->cols[x->col].name &&
           !strcasecmp(in->cols[x->col].name, name);
}

/* SESSION windows are per PARTITION BY key (global without it), and the window aggregation
 * keeps them apart by its GROUP BY keys: the two agree only when the keys besides the window's
 * are exactly the PARTITION BY columns. Flink plans any other grouping (other keys, GROUPING
 * SETS) as an updating aggregate over the sessions, which is not supported here: rejected
 * rather than sessions per GROUP BY key. Legacy GROUP BY SESSION(...) windows are per key. */
static int check_session_keys(const agg_ctx *c, const sp_select *sel, const pl_node *in, const pl_node *agg,
                              char **err) {
    const sp_window_tvf *t = sel->from ? sel->from->tvf : NULL;
    if (c->gw_call || !t) return 0;
    if (sel->ngsets) {
        *err = sl_error_at(c->src, sel->gsets_line, sel->gsets_col,
                           "GROUPING SETS, ROLLUP and CUBE over SESSION windows are not supported yet");
        return -1;
    }
    for (int k = 0; k < c->nkeys; k++) {
        if (k == agg->wstart || k == agg->wend || k == agg->wtime) continue;
        bool named = false;
        for (int j = 0; j < t->npartition_by && !named; j++) named = key_is_column(c, in, k, t->partition_by[j]);
        if (!named) {
            const sp_expr *e = sel->group_by[k];
            *err = sl_error_at(c->src, e->line, e->col, "A SESSION window aggregation groups by window_start, "
                               "window_end and exactly the SESSION's PARTITION BY columns; other GROUP BY keys are "
                               "not supported yet");
            return -1;
        }
    }
    for (int j = 0; j < t->npartition_by; j++) {
        bool grouped = false;
        for (int k = 0; k < c->nkeys && !grouped; k++) grouped = key_is_column(c, in, k, t->partition_by[j]);
        if (!grouped) {
            *err = sl_error_at(c->src, t->line, t->col, "A SESSION window aggregation groups by window_start, "
                               "window_end and exactly the SESSION's PARTITION BY columns; add '%s' to the GROUP BY",
                               t->partition_by[j]);
            return -1;
        }
    }
    return 0;
}

/* Makes `agg` a WINDOW_AGG: the window of the TVF it groups, its key positions, the grouping
 * sets (each must keep the window), SESSION's time column (added to the pre-CALC); the result
 * is append-only, with window_time a time attribute again. */
static int window_agg(agg_ctx *c, const sp_select *sel, pl_node *in, pl_node *pre, pl_node *agg, const int *wkey,
                      char **err) {
    const char *src = c->src;
    const pl_node *tvf = pl_window_source(in);
    if (!tvf || in->updating) {
        *err = sl_error_at(src, sel->line, sel->col, in->updating ? "Window aggregation needs an append-only input"
                                                                  : "window_start and window_end must come from a window TVF");
        return -1;
    }
    /* Flink's tumbling window aggregate refuses such an offset (its slice assigner's rule); the
     * TVF alone and HOP/CUMULATE accept any offset */
    if (tvf->win.kind == SP_TVF_TUMBLE && llabs(tvf->win.offset) >= tvf->win.size) {
        *err = sl_error_at(src, tvf->win.line, tvf->win.col,
                           "A TUMBLE window aggregation needs abs(offset) < size, but the offset is %lld ms and the "
                           "size %lld ms",
                           (long long)(tvf->win.offset / 1000), (long long)(tvf->win.size / 1000));
        return -1;
    }
    agg->win = tvf->win;
    agg->wstart = wkey[PL_WIN_START];
    agg->wend = wkey[PL_WIN_END];
    agg->wtime = wkey[PL_WIN_TIME];
    agg->updating = false;
    if (sel->ngsets) {
        agg->gsets = sel->gsets;
        agg->gset_len = sel->gset_len;
        agg->ngsets = sel->ngsets;
        for (int g = 0; g < sel->ngsets; g++) {
            bool s = false, e = false;
            for (int j = 0; j < sel->gset_len[g]; j++) {
                s |= sel->gsets[g][j] == agg->wstart;
                e |= sel->gsets[g][j] == agg->wend;
            }
            if (!s || !e) {
                *err = sl_error_at(src, sel->gsets_line, sel->gsets_col,
                                   "Every grouping set of a window aggregation must hold window_start and window_end");
                return -1;
            }
        }
        for (int k = 0; k < agg->nkeys; k++) agg->cols[k].type.not_null = false; /* NULL outside a set */
    }
    if (agg->win.kind == SP_TVF_SESSION) {
        if (tvf != in) {
            *err = sl_error_at(src, sel->line, sel->col, "A SESSION window aggregation must read the SESSION TVF directly");
            return -1;
        }
        if (check_session_keys(c, sel, in, agg, err) < 0) return -1;
        for (int i = 0; i < agg->naggs; i++)
            if (agg->aggs[i].distinct) {
                *err = sl_error_at(src, sel->line, sel->col, "DISTINCT aggregates over SESSION windows are not supported yet");
                return -1;
            }
        /* the time column, for the operator to assign sessions */
        pl_expr *t = pl_new_node(c->a, PL_X_COL, in->cols[tvf->win.time_col].type, 0);
        t->col = tvf->win.time_col;
        int at = pre->nexprs++;
        pre->exprs[at] = t;
        pre->cols[at] = (pl_field){"$time", t->type, PL_TIME_NONE, PL_WIN_NONE};
        pre->ncols = pre->nexprs;
        agg->win.time_col = at;
    }
    int roles[3] = {PL_WIN_START, PL_WIN_END, PL_WIN_TIME};
    int pos[3] = {agg->wstart, agg->wend, agg->wtime};
    for (int j = 0; j < 3; j++)
        if (pos[j] >= 0) {
            agg->cols[pos[j]].window_col = (uint8_t)roles[j];
            agg->cols[pos[j]].time_attr = j == 2 ? (tvf->win.proctime ? PL_TIME_PROCTIME : PL_TIME_ROWTIME) : PL_TIME_NONE;
        }
    return 0;
}

/* The name Flink gives a select item (as pl_select.c does). */
static const char *item_name(const sp_select_item *it, int pos, sl_arena *a) {
    if (it->alias) return sl_arena_strdup(a, it->alias);
    if (it->expr->kind == SP_E_COLUMN) return sl_arena_strdup(a, it->expr->name);
    return sl_arena_printf(a, "EXPR$%d", pos);
}

pl_node *pl_plan_aggregate(const sp_select *sel, pl_node *in, const pl_scope *scope, pl_expr *where, sl_arena *a,
                           const char *src, char **err) {
    agg_ctx c;
    memset(&c, 0, sizeof c);
    c.in = scope;
    c.a = a;
    c.src = src;
    c.in_node = in;
    c.gw_key = -1;
    if (sel->distinct && sel->ngroup_by > 0) {
        *err = sl_error_at(src, sel->line, sel->col, "SELECT DISTINCT with GROUP BY is not supported yet");
        return NULL;
    }
    if (bind_keys(&c, sel, err) < 0) return NULL;
    in = c.in_node; /* a legacy group window's TVF */
    pl_scope post = {NULL, 0, resolve, &c};

    /* the select list over the AGG's output */
    pl_node *out = pl_node_new(a, PL_N_CALC, NULL);
    out->exprs = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)(sel->nitems + 1));
    out->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(sel->nitems + 1));
    for (int i = 0; i < sel->nitems; i++) {
        const sp_select_item *it = &sel->items[i];
        if (it->expr->kind == SP_E_STAR) {
            *err = sl_error_at(src, it->expr->line, it->expr->col, "'*' is not allowed in a query with GROUP BY or aggregates");
            return NULL;
        }
        pl_expr *e = pl_bind_expr(it->expr, &post, a, src, err);
        if (!e) return NULL;
        out->exprs[i] = e;
        out->cols[i].name = item_name(it, i, a);
        out->cols[i].type = e->type;
    }
    out->nexprs = out->ncols = sel->nitems;
    int wkey[4] = {-1, -1, -1, -1}; /* by PL_WIN_*: key positions of the window's columns */
    for (int k = 0; k < c.nkeys; k++) {
        const pl_expr *x = c.keys[k];
        if (x->kind == PL_X_COL && x->col < in->ncols && in->cols[x->col].window_col && wkey[in->cols[x->col].window_col] < 0)
            wkey[in->cols[x->col].window_col] = k;
    }
    bool windowed = wkey[PL_WIN_START] >= 0 && wkey[PL_WIN_END] >= 0;
    if (sel->ngsets && !windowed) {
        *err = sl_error_at(src, sel->gsets_line, sel->gsets_col,
                           "GROUPING SETS, ROLLUP and CUBE are supported over windows: GROUP BY window_start, "
                           "window_end, GROUPING SETS (...)");
        return NULL;
    }

    pl_expr *having = NULL;
    if (sel->having) {
        if (!(having = pl_bind_expr(sel->having, &post, a, src, err))) return NULL;
        if (having->type.id != SL_T_BOOLEAN && having->type.id != SL_T_NULL) {
            *err = sl_error_at(src, sel->having->line, sel->having->col, "HAVING clause must be a BOOLEAN expression");
            return NULL;
        }
    }

    pl_node *pre = pre_calc(&c, in, where);
    pl_node *agg = pl_node_new(a, windowed ? PL_N_WINDOW_AGG : PL_N_AGG, pre);
    agg->nkeys = c.nkeys;
    agg->keys = sl_arena_calloc(a, sizeof(int) * (size_t)(c.nkeys + 1));
    for (int k = 0; k < c.nkeys; k++) agg->keys[k] = k;
    agg->naggs = c.nitems;
    agg->aggs = sl_arena_calloc(a, sizeof(pl_agg_call) * (size_t)(c.nitems + 1));
    for (int i = 0; i < c.nitems; i++) agg->aggs[i] = c.items[i].call;
    agg->having = having;
    agg->ncols = c.nkeys + c.nitems;
    agg->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(agg->ncols + 1));
    for (int k = 0; k < c.nkeys; k++) agg->cols[k] = pre->cols[k];
    for (int i = 0; i < c.nitems; i++) {
        agg->cols[c.nkeys + i].name = sl_arena_printf(a, "EXPR$%d", c.nkeys + i);
        agg->cols[c.nkeys + i].type = c.items[i].call.type;
    }
    /* a select item that is a plain output column takes the item's name there too */
    for (int i = 0; i < out->nexprs; i++)
        if (out->exprs[i]->kind == PL_X_COL && out->exprs[i]->col >= c.nkeys && sel->items[i].alias)
            agg->cols[out->exprs[i]->col].name = out->cols[i].name;
    agg->updating = true;
    if (windowed && window_agg(&c, sel, in, pre, agg, wkey, err) < 0) return NULL;
    for (int i = 0; i < out->nexprs; i++) /* plain keys keep their time attribute and window role */
        if (out->exprs[i]->kind == PL_X_COL) {
            out->cols[i].time_attr = agg->cols[out->exprs[i]->col].time_attr;
            out->cols[i].window_col = agg->cols[out->exprs[i]->col].window_col;
            out->exprs[i]->flag = out->cols[i].time_attr;
        }
    out->input = agg;
    out->updating = agg->updating;
    return out;
}
