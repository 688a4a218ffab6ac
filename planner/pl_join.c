/* pl_join.c: plans joins. Supported: window joins, as Flink's:
 *
 *   SELECT ... FROM (SELECT * FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '5' MINUTES))) L
 *   [LEFT | RIGHT | FULL] JOIN (SELECT * FROM TABLE(TUMBLE(TABLE r, ...))) R
 *   ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.id = R.id
 *
 * Both inputs are windowed (their window_start and window_end come from window TVFs) and
 * append-only; ON holds the equalities of both sides' window_start and window_end, any other
 * equalities between a left and a right column (more join keys), and anything else (a residual
 * condition, evaluated on each pair). The result has the left columns, then the right ones
 * (nullable where an outer join pads). Joins that are not window joins are not supported yet. */
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "pl_bind.h"
#include "pl_plan.h"

/* Collects the conjuncts of e (flattening AND) into out. */
static void conjuncts(pl_expr *e, pl_expr **out, int *n) {
    if (e->kind == PL_X_AND) {
        for (int i = 0; i < e->nargs; i++) conjuncts(e->args[i], out, n);
        return;
    }
    out[(*n)++] = e;
}

/* The number of conjuncts in e. */
static int count_conjuncts(const pl_expr *e) {
    if (e->kind != PL_X_AND) return 1;
    int n = 0;
    for (int i = 0; i < e->nargs; i++) n += count_conjuncts(e->args[i]);
    return n;
}

/* AND of the given predicates (NULL when none). */
static pl_expr *and_of(pl_expr **p, int n, sl_arena *a) {
    if (n == 0) return NULL;
    if (n == 1) return p[0];
    pl_expr *e = pl_new_node(a, PL_X_AND, sl_type_make(SL_T_BOOLEAN), n);
    memcpy(e->args, p, sizeof(pl_expr *) * (size_t)n);
    return e;
}

/* True when two columns' equal values have equal bytes, so that their equality can be a join
 * key: a DECIMAL against an integer, or DECIMALs of two scales, compare equal with different
 * bytes, so they stay conditions. */
static bool stored_alike(const sl_type *a, const sl_type *b) {
    return (a->id == SL_T_DECIMAL) == (b->id == SL_T_DECIMAL) && (a->id != SL_T_DECIMAL || a->scale == b->scale);
}

pl_node *pl_plan_join(const sp_table_ref *f, pl_node *l, const pl_scope *ls, pl_node *r, const pl_scope *rs,
                      sl_arena *a, const char *src, pl_scope *out, char **err) {
    int lw = l->ncols;
    /* the joined scope: left columns, then right ones shifted past them */
    pl_scope_col *sc = sl_arena_calloc(a, sizeof *sc * (size_t)(ls->ncols + rs->ncols + 1));
    for (int i = 0; i < ls->ncols; i++) sc[i] = ls->cols[i];
    for (int i = 0; i < rs->ncols; i++) {
        sc[ls->ncols + i] = rs->cols[i];
        sc[ls->ncols + i].index += lw;
    }
    *out = (pl_scope){sc, ls->ncols + rs->ncols, NULL, NULL};
    pl_expr *on = pl_bind_expr(f->on, out, a, src, err);
    if (!on) return NULL;
    if (on->type.id != SL_T_BOOLEAN) {
        *err = sl_error_at(src, f->on->line, f->on->col, "The ON condition of a JOIN must be a BOOLEAN expression");
        return NULL;
    }
    if (l->updating || r->updating) {
        *err = sl_error_at(src, f->join_line, f->join_col, "Joins of updating inputs are not supported yet");
        return NULL;
    }
    int n = count_conjuncts(on), nres = 0, nkeys = 2;
    pl_expr **cs = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)(n + 1));
    pl_expr **res = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)(n + 1));
    int *lk = sl_arena_calloc(a, sizeof(int) * (size_t)(n + 2)), *rk = sl_arena_calloc(a, sizeof(int) * (size_t)(n + 2));
    lk[0] = lk[1] = -1;
    n = 0;
    conjuncts(on, cs, &n);
    for (int i = 0; i < n; i++) {
        pl_expr *c = cs[i];
        if (c->kind == PL_X_CALL && c->fn == PL_F_EQ && c->args[0]->kind == PL_X_COL && c->args[1]->kind == PL_X_COL &&
            stored_alike(&c->args[0]->type, &c->args[1]->type)) {
            int x = c->args[0]->col, y = c->args[1]->col;
            if (x >= lw && y < lw) {
                int t = x;
                x = y;
                y = t;
            }
            if (x < lw && y >= lw) {
                int wl = l->cols[x].window_col, wr = r->cols[y - lw].window_col;
                if (wl == wr && (wl == PL_WIN_START || wl == PL_WIN_END) && lk[wl - 1] < 0) {
                    lk[wl - 1] = x; /* window_start at 0, window_end at 1 */
                    rk[wl - 1] = y - lw;
                } else {
                    lk[nkeys] = x;
                    rk[nkeys++] = y - lw;
                }
                continue;
            }
        }
        res[nres++] = c;
    }
    if (lk[0] < 0 || lk[1] < 0) {
        *err = sl_error_at(src, f->join_line, f->join_col,
                           "Only window joins are supported yet: join two windowed inputs (window TVFs) with ON "
                           "L.window_start = R.window_start AND L.window_end = R.window_end [AND other keys]");
        return NULL;
    }
    pl_node *j = pl_node_new(a, PL_N_WINDOW_JOIN, l);
    j->input2 = r;
    j->lkeys = lk;
    j->rkeys = rk;
    j->njoin_keys = nkeys;
    j->join_kind = f->join;
    j->filter = and_of(res, nres, a);
    j->ncols = lw + r->ncols;
    j->cols = sl_arena_calloc(a, sizeof(pl_field) * (size_t)(j->ncols + 1));
    bool lnull = f->join == SP_JOIN_RIGHT || f->join == SP_JOIN_FULL, rnull = f->join == SP_JOIN_LEFT || f->join == SP_JOIN_FULL;
    for (int i = 0; i < j->ncols; i++) {
        pl_field c = i < lw ? l->cols[i] : r->cols[i - lw];
        c.time_attr = PL_TIME_NONE;
        c.window_col = PL_WIN_NONE;
        if ((i < lw && lnull) || (i >= lw && rnull)) c.type.not_null = false;
        j->cols[i] = c;
    }
    for (int i = 0; i < out->ncols; i++) sc[i].time_attr = PL_TIME_NONE;
    return j;
}
