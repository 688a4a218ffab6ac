/* sp_build_group.c: GROUP BY items and their grouping sets. The grammar builds each item as a
 * small tree (expressions, `()`, `(a, b)`, ROLLUP, CUBE, GROUPING SETS); sp_select_group_by
 * gives every distinct expression an index in sp_select.group_by (equal when their SQL text
 * is, ignoring case outside string literals), then expands the trees into sp_select.gsets in
 * Calcite's order (see sp_ast.h), bounded by SP_MAX_GROUPING_SETS sets and
 * SP_MAX_GROUPING_ENTRIES expressions in all. A GROUP BY of plain expressions has no sets. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_buf.h"
#include "sp_build.h"
#include "sp_parse.h"

/* A grouping set: ascending, distinct indexes into group_by. */
typedef struct iset {
    int *v;
    int n;
} iset;

/* A list of grouping sets. */
typedef struct isets {
    iset *s;
    int n;
} isets;

/* State of one GROUP BY's indexing and expansion. */
typedef struct group_ctx {
    sp_ctx *ctx;
    sp_list *exprs;          /* the distinct expressions, in order of appearance */
    const char **keys;       /* hash table of their SQL texts (NULL: free slot) ... */
    int *slots;              /* ... and their indexes */
    int cap, used;
    long entries;            /* set members built so far */
    bool failed;
} group_ctx;

/* A GROUP BY item node of `kind` at line/col (see sp_build.h). */
sp_gitem *sp_gitem_new(sp_ctx *ctx, int kind, int line, int col, sp_expr *e, sp_list *items) {
    sp_gitem *g = sl_arena_calloc(ctx->arena, sizeof *g);
    g->kind = kind;
    g->expr = e;
    g->items = items;
    g->line = line;
    g->col = col;
    return g;
}

/* (first, rest...): a tuple of expression items at its '('. */
sp_gitem *sp_gitem_tuple(sp_ctx *ctx, sp_token at, sp_expr *first, sp_list *rest) {
    sp_list *items = sp_list_add(ctx, NULL, sp_gitem_new(ctx, SP_GI_EXPR, first->line, first->col, first, NULL));
    for (int i = 0; rest && i < rest->n; i++) {
        sp_expr *e = rest->v[i];
        sp_list_add(ctx, items, sp_gitem_new(ctx, SP_GI_EXPR, e->line, e->col, e, NULL));
    }
    return sp_gitem_new(ctx, SP_GI_TUPLE, at.line, at.col, NULL, items);
}

/* ---------------------------------------------------------------- distinct expressions */

/* The comparison key of an expression: its SQL text with letters folded to lower case outside
 * string literals (identifiers compare case-insensitively, strings do not). */
static const char *expr_key(sp_ctx *ctx, const sp_expr *e) {
    sl_buf b = {0};
    sp_expr_to_sql(&b, e);
    char *k = sl_arena_strndup(ctx->arena, b.data ? b.data : "", b.len);
    sl_buf_free(&b);
    bool in_str = false, in_name = false;
    for (char *p = k; *p; p++) {
        if (*p == '\'' && !in_name) in_str = !in_str;
        else if (*p == '`' && !in_str) in_name = !in_name;
        else if (!in_str) *p = (char)tolower((unsigned char)*p);
    }
    return k;
}

/* FNV-1a of a key. */
static uint32_t key_hash(const char *k) {
    uint32_t h = 2166136261u;
    for (; *k; k++) h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

/* Inserts key -> index into the open-addressing table (which has a free slot). */
static void table_put(group_ctx *g, const char *key, int index) {
    uint32_t i = key_hash(key) & (uint32_t)(g->cap - 1);
    while (g->keys[i]) i = (i + 1) & (uint32_t)(g->cap - 1);
    g->keys[i] = key;
    g->slots[i] = index;
    g->used++;
}

/* Doubles the table when it is half full. */
static void table_grow(group_ctx *g) {
    if (g->used * 2 < g->cap) return;
    const char **keys = g->keys;
    int *slots = g->slots, cap = g->cap;
    g->cap = cap ? cap * 2 : 64;
    g->keys = sl_arena_calloc(g->ctx->arena, sizeof(char *) * (size_t)g->cap);
    g->slots = sl_arena_calloc(g->ctx->arena, sizeof(int) * (size_t)g->cap);
    g->used = 0;
    for (int i = 0; i < cap; i++)
        if (keys[i]) table_put(g, keys[i], slots[i]);
}

/* The index of e in group_by, adding it when no equal expression is there yet. An expression
 * too deep to render safely is kept apart (the statement's depth check then rejects it). */
static int expr_index(group_ctx *g, sp_expr *e) {
    if (!sp_expr_within_depth(e, SP_MAX_EXPR_DEPTH)) {
        g->exprs = sp_list_add(g->ctx, g->exprs, e);
        return g->exprs->n - 1;
    }
    const char *key = expr_key(g->ctx, e);
    table_grow(g);
    for (uint32_t i = key_hash(key) & (uint32_t)(g->cap - 1); g->keys[i]; i = (i + 1) & (uint32_t)(g->cap - 1))
        if (strcmp(g->keys[i], key) == 0) return g->slots[i];
    g->exprs = sp_list_add(g->ctx, g->exprs, e);
    table_put(g, key, g->exprs->n - 1);
    return g->exprs->n - 1;
}

/* Gives every expression of an item tree its index, in source order. */
static void index_item(group_ctx *g, sp_gitem *it) {
    if (it->kind == SP_GI_EXPR) it->index = expr_index(g, it->expr);
    for (int i = 0; it->items && i < it->items->n; i++) index_item(g, it->items->v[i]);
}

/* ---------------------------------------------------------------- counting */

/* An upper bound of the number of sets an item expands to, or -1 (with an error at the item)
 * past SP_MAX_GROUPING_SETS. */
static long count_sets(group_ctx *g, const sp_gitem *it) {
    long n = 1;
    int k = it->items ? it->items->n : 0;
    switch (it->kind) {
    case SP_GI_ROLLUP: n = k + 1; break;
    case SP_GI_CUBE: n = k > 30 ? SP_MAX_GROUPING_SETS + 1 : 1L << k; break;
    case SP_GI_SETS:
        n = 0;
        for (int i = 0; i < k; i++) {
            long c = count_sets(g, it->items->v[i]);
            if (c < 0) return -1;
            n += c;
        }
        break;
    default: break;
    }
    if (n > SP_MAX_GROUPING_SETS) {
        sp_ctx_error(g->ctx, it->line, it->col, "GROUP BY expands to more than %d grouping sets",
                     SP_MAX_GROUPING_SETS);
        return -1;
    }
    return n;
}

/* ---------------------------------------------------------------- sets */

/* The error for grouping sets with more than SP_MAX_GROUPING_ENTRIES members in all. */
static void too_large(group_ctx *g, const sp_gitem *at) {
    if (!g->failed)
        sp_ctx_error(g->ctx, at->line, at->col, "GROUP BY grouping sets are too large (more than %d expressions in all)",
                     SP_MAX_GROUPING_ENTRIES);
    g->failed = true;
}

/* Counts n more set members built on the way (intermediate sets included); false (with the
 * error at `at`) past a generous bound on that work, 32 times the limit of the result: the
 * steps' sets are mostly subsets of distinct result sets, and there are few steps (at most 12
 * items of two or more sets expand and multiply). This bounds memory and time on any input;
 * the result itself is checked exactly against SP_MAX_GROUPING_ENTRIES in
 * sp_select_group_by. */
static bool charge(group_ctx *g, const sp_gitem *at, int n) {
    g->entries += n;
    if (g->entries <= 32L * SP_MAX_GROUPING_ENTRIES) return true;
    too_large(g, at);
    return false;
}

/* a ∪ b of two ascending sets. */
static iset set_union(group_ctx *g, iset a, iset b) {
    iset u = {sl_arena_alloc(g->ctx->arena, sizeof(int) * (size_t)(a.n + b.n + 1)), 0};
    int i = 0, j = 0;
    while (i < a.n || j < b.n) {
        if (j >= b.n || (i < a.n && a.v[i] < b.v[j])) u.v[u.n++] = a.v[i++];
        else if (i >= a.n || b.v[j] < a.v[i]) u.v[u.n++] = b.v[j++];
        else u.v[u.n++] = a.v[i++], j++;
    }
    return u;
}

/* True when two ascending sets hold the same indexes. */
static bool set_equal(iset a, iset b) {
    return a.n == b.n && (a.n == 0 || memcmp(a.v, b.v, sizeof(int) * (size_t)a.n) == 0);
}

/* Appends s to the list (room for `cap` sets was allocated); with `distinct`, not when an
 * equal set is there already. */
static void sets_add(isets *l, iset s, bool distinct) {
    if (distinct)
        for (int i = 0; i < l->n; i++)
            if (set_equal(l->s[i], s)) return;
    l->s[l->n++] = s;
}

/* An empty list with room for `cap` sets. */
static isets sets_alloc(group_ctx *g, long cap) {
    isets l = {sl_arena_alloc(g->ctx->arena, sizeof(iset) * (size_t)(cap + 1)), 0};
    return l;
}

/* qsort order of indexes. */
static int int_cmp(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The one set of an EXPR, `()` or TUPLE node (a tuple's indexes sorted, repeats dropped). */
static iset single_set(group_ctx *g, const sp_gitem *it) {
    int n = it->kind == SP_GI_TUPLE ? it->items->n : 1;
    iset s = {sl_arena_alloc(g->ctx->arena, sizeof(int) * (size_t)n), 0};
    if (it->kind == SP_GI_EXPR) s.v[s.n++] = it->index;
    if (it->kind != SP_GI_TUPLE) return s;
    for (int i = 0; i < n; i++) s.v[i] = ((const sp_gitem *)it->items->v[i])->index;
    qsort(s.v, (size_t)n, sizeof(int), int_cmp);
    for (int i = 0; i < n; i++)
        if (s.n == 0 || s.v[s.n - 1] != s.v[i]) s.v[s.n++] = s.v[i];
    return s;
}

static isets expand(group_ctx *g, const sp_gitem *it, long count);

/* ROLLUP(t1, .., tn): t1 ∪ .. ∪ tn, .., t1, (); equal neighbours once. The prefixes are
 * charged as they are built, so a long ROLLUP stops before its quadratic size. */
static isets expand_rollup(group_ctx *g, const sp_gitem *it) {
    int k = it->items->n;
    isets l = sets_alloc(g, k + 1);
    iset *prefix = sl_arena_alloc(g->ctx->arena, sizeof(iset) * (size_t)(k + 1));
    prefix[0] = (iset){NULL, 0};
    for (int i = 0; i < k; i++) {
        prefix[i + 1] = set_union(g, prefix[i], single_set(g, it->items->v[i]));
        if (!charge(g, it, prefix[i + 1].n)) return l;
    }
    for (int i = k; i >= 0; i--)
        if (l.n == 0 || !set_equal(l.s[l.n - 1], prefix[i])) l.s[l.n++] = prefix[i];
    return l;
}

/* CUBE(t1, .., tn): the union of every choice of each ti in or out, t1 varying slowest and
 * "in" first; a set equal to an earlier one once. */
static isets expand_cube(group_ctx *g, const sp_gitem *it, long count) {
    int k = it->items->n;
    iset *elem = sl_arena_alloc(g->ctx->arena, sizeof(iset) * (size_t)k);
    for (int i = 0; i < k; i++) elem[i] = single_set(g, it->items->v[i]);
    isets l = sets_alloc(g, count);
    for (long m = 0; m < count && !g->failed; m++) {
        iset s = {NULL, 0};
        for (int i = 0; i < k; i++)
            if (!(m >> (k - 1 - i) & 1)) s = set_union(g, s, elem[i]);
        if (charge(g, it, s.n)) sets_add(&l, s, true);
    }
    return l;
}

/* The product of two lists of sets: each union of one of a with one of b, a varying slowest. */
static isets sets_product(group_ctx *g, isets a, isets b, const sp_gitem *at) {
    isets out = sets_alloc(g, (long)a.n * b.n);
    for (int i = 0; i < a.n && !g->failed; i++)
        for (int j = 0; j < b.n && !g->failed; j++) {
            iset s = set_union(g, a.s[i], b.s[j]);
            if (charge(g, at, s.n)) out.s[out.n++] = s;
        }
    return out;
}

/* The cross product of the GROUP BY items: unions of one set of each, the first item varying
 * slowest. An item of one set (an expression, a tuple, ...) only adds its indexes to every
 * set, so those are gathered into one base set and added last: that leaves at most
 * log2(SP_MAX_GROUPING_SETS) items to multiply, and keeps a long list of plain expressions
 * from building ever longer intermediate sets. */
static isets expand_product(group_ctx *g, sp_gitem *const *items, int k, const sp_gitem *at) {
    iset *singles = sl_arena_alloc(g->ctx->arena, sizeof(iset) * (size_t)k);
    int nsingles = 0;
    long nbase = 0;
    isets acc = sets_alloc(g, 1);
    acc.s[acc.n++] = (iset){NULL, 0};
    for (int i = 0; i < k && !g->failed; i++) {
        long count = count_sets(g, items[i]);
        isets part = expand(g, items[i], count);
        if (g->failed) break;
        if (count == 1) {
            singles[nsingles++] = part.s[0];
            nbase += part.s[0].n;
        } else {
            acc = acc.n == 1 && acc.s[0].n == 0 ? part : sets_product(g, acc, part, items[i]);
        }
    }
    iset base = {sl_arena_alloc(g->ctx->arena, sizeof(int) * (size_t)(nbase + 1)), 0};
    for (int i = 0; i < nsingles; i++)
        for (int j = 0; j < singles[i].n; j++) base.v[base.n++] = singles[i].v[j];
    qsort(base.v, (size_t)base.n, sizeof(int), int_cmp);
    int n = 0;
    for (int i = 0; i < base.n; i++)
        if (n == 0 || base.v[n - 1] != base.v[i]) base.v[n++] = base.v[i];
    base.n = n;
    isets one = {&base, 1};
    return g->failed || base.n == 0 ? acc : sets_product(g, acc, one, at);
}

/* The sets of one item node (count: its bound from count_sets). */
static isets expand(group_ctx *g, const sp_gitem *it, long count) {
    switch (it->kind) {
    case SP_GI_ROLLUP: return expand_rollup(g, it);
    case SP_GI_CUBE: return expand_cube(g, it, count);
    case SP_GI_SETS: {
        isets l = sets_alloc(g, count);
        for (int i = 0; i < it->items->n && !g->failed; i++) {
            const sp_gitem *x = it->items->v[i];
            isets part = expand(g, x, count_sets(g, x));
            for (int j = 0; j < part.n; j++) l.s[l.n++] = part.s[j];
        }
        return l;
    }
    default: { /* one set, as long as the item's text: nothing to charge */
        isets l = sets_alloc(g, 1);
        l.s[l.n++] = single_set(g, it);
        return l;
    }
    }
}

/* ---------------------------------------------------------------- the clause */

/* Fills s->group_by, and s->gsets when an item is more than an expression (see sp_ast.h). */
void sp_select_group_by(sp_ctx *ctx, sp_select *s, sp_list *items) {
    if (!items || items->n == 0) return;
    group_ctx g;
    memset(&g, 0, sizeof g);
    g.ctx = ctx;
    const sp_gitem *first_set = NULL;
    for (int i = 0; i < items->n; i++) {
        sp_gitem *it = items->v[i];
        index_item(&g, it);
        if (it->kind != SP_GI_EXPR && !first_set) first_set = it;
    }
    if (g.exprs) {
        s->group_by = (sp_expr **)g.exprs->v;
        s->ngroup_by = g.exprs->n;
    }
    if (!first_set) return;
    s->gsets_line = first_set->line;
    s->gsets_col = first_set->col;
    long total = 1;
    for (int i = 0; i < items->n; i++) {
        const sp_gitem *it = items->v[i];
        long c = count_sets(&g, it);
        if (c < 0) return;
        total *= c;
        if (total > SP_MAX_GROUPING_SETS) {
            sp_ctx_error(ctx, it->line, it->col, "GROUP BY expands to more than %d grouping sets",
                         SP_MAX_GROUPING_SETS);
            return;
        }
    }
    isets all = expand_product(&g, (sp_gitem *const *)items->v, items->n, first_set);
    long entries = 0;
    for (int i = 0; i < all.n; i++) entries += all.s[i].n;
    if (entries > SP_MAX_GROUPING_ENTRIES) too_large(&g, first_set);
    if (g.failed) return;
    s->ngsets = all.n;
    s->gsets = sl_arena_alloc(ctx->arena, sizeof(int *) * (size_t)(all.n + 1));
    s->gset_len = sl_arena_alloc(ctx->arena, sizeof(int) * (size_t)(all.n + 1));
    for (int i = 0; i < all.n; i++) {
        s->gsets[i] = all.s[i].v ? all.s[i].v : sl_arena_alloc(ctx->arena, sizeof(int));
        s->gset_len[i] = all.s[i].n;
    }
}
