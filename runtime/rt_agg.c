/* rt_agg.c: accumulators of the aggregate functions (see rt_agg.h for the semantics). */
#include "rt_agg.h"

#include <stdlib.h>
#include <string.h>

static const int64_t POW10[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                  100000000LL, 1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL,
                                  10000000000000LL, 100000000000000LL, 1000000000000000LL,
                                  10000000000000000LL, 100000000000000000LL, 1000000000000000000LL};

void rt_acc_init(rt_acc *a) { memset(a, 0, sizeof *a); a->v = sl_null(); }

/* A copy of v whose string (if any) is malloc'd and owned by the accumulator. */
static sl_value own(sl_type t, sl_value v) {
    if (t.id != SL_T_STRING || v.null) return v;
    char *p = malloc(v.s.len ? v.s.len : 1);
    if (!p) abort();
    if (v.s.len) memcpy(p, v.s.ptr, v.s.len);
    return sl_str(p, v.s.len);
}

/* Frees what own() allocated. */
static void disown(sl_type t, sl_value *v) {
    if (t.id == SL_T_STRING && !v->null) free((char *)v->s.ptr);
    *v = sl_null();
}

/* Releases the list and buffer memory (strings are freed by the caller's type knowledge). */
static void release(rt_acc *a) {
    free(a->items);
    sl_buf_free(&a->text);
    memset(a, 0, sizeof *a);
    a->v = sl_null();
}

/* Frees the owned strings of the value and the list. */
static void free_strings(const pl_agg_call *c, rt_acc *a) {
    disown(c->arg_type, &a->v);
    for (int i = 0; i < a->nitems; i++) disown(c->arg_type, &a->items[i].v);
}

void rt_acc_free(const pl_agg_call *c, rt_acc *a) {
    free_strings(c, a);
    release(a);
}

/* ---- lists and multisets of values ---- */

static void items_reserve(rt_acc *a, int more) {
    if (a->nitems + more <= a->capitems) return;
    int cap = a->capitems ? a->capitems * 2 : 4;
    while (cap < a->nitems + more) cap *= 2;
    a->items = realloc(a->items, sizeof *a->items * (size_t)cap);
    if (!a->items) abort();
    a->capitems = cap;
}

/* Position of v in the sorted multiset, or where it would go (*found tells which). */
static int ms_find(const pl_agg_call *c, const rt_acc *a, sl_value v, bool *found) {
    int lo = 0, hi = a->nitems;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int cmp = rt_value_cmp(c->arg_type, a->items[mid].v, v);
        if (cmp == 0) {
            *found = true;
            return mid;
        }
        if (cmp < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = false;
    return lo;
}

static void ms_add(const pl_agg_call *c, rt_acc *a, sl_value v) {
    bool found;
    int at = ms_find(c, a, v, &found);
    if (found) {
        a->items[at].n++;
        return;
    }
    items_reserve(a, 1);
    memmove(&a->items[at + 1], &a->items[at], sizeof *a->items * (size_t)(a->nitems - at));
    a->items[at].v = own(c->arg_type, v);
    a->items[at].n = 1;
    a->nitems++;
}

static void ms_remove(const pl_agg_call *c, rt_acc *a, sl_value v) {
    bool found;
    int at = ms_find(c, a, v, &found);
    if (!found || --a->items[at].n > 0) return;
    disown(c->arg_type, &a->items[at].v);
    memmove(&a->items[at], &a->items[at + 1], sizeof *a->items * (size_t)(a->nitems - at - 1));
    a->nitems--;
}

static void list_add(const pl_agg_call *c, rt_acc *a, sl_value v, int64_t seq) {
    items_reserve(a, 1);
    a->items[a->nitems].v = own(c->arg_type, v);
    a->items[a->nitems].n = seq;
    a->nitems++;
}

/* Removes the oldest occurrence of v (as Flink's retracting FIRST_VALUE/LISTAGG do). */
static void list_remove(const pl_agg_call *c, rt_acc *a, sl_value v) {
    for (int i = 0; i < a->nitems; i++)
        if (rt_value_same(c->arg_type, a->items[i].v, v)) {
            disown(c->arg_type, &a->items[i].v);
            memmove(&a->items[i], &a->items[i + 1], sizeof *a->items * (size_t)(a->nitems - i - 1));
            a->nitems--;
            return;
        }
}

/* ---- add / remove ---- */

/* Adds sign * v to the sums. */
static void add_sum(const pl_agg_call *c, rt_acc *a, sl_value v, int sign) {
    switch (c->arg_type.id) {
    case SL_T_FLOAT:
        if (c->fn == PL_AGG_SUM) a->dsum = (double)((float)a->dsum + (float)(sign * v.d)); /* Flink adds floats */
        else a->dsum += sign * v.d;
        break;
    case SL_T_DOUBLE: a->dsum += sign * v.d; break;
    default: a->isum += sign > 0 ? (rt_acc_i128)v.i : -(rt_acc_i128)v.i;
    }
}

void rt_acc_add(const pl_agg_call *c, bool retractable, rt_acc *a, sl_value v, int64_t seq) {
    switch (c->fn) {
    case PL_AGG_SUM:
    case PL_AGG_AVG: add_sum(c, a, v, 1); break;
    case PL_AGG_MIN:
    case PL_AGG_MAX:
        if (retractable) ms_add(c, a, v);
        else if (a->n == 0 || (c->fn == PL_AGG_MIN ? rt_value_cmp(c->arg_type, v, a->v) < 0
                                                   : rt_value_cmp(c->arg_type, v, a->v) > 0)) {
            disown(c->arg_type, &a->v);
            a->v = own(c->arg_type, v);
        }
        break;
    case PL_AGG_FIRST_VALUE:
    case PL_AGG_LAST_VALUE:
        if (retractable) list_add(c, a, v, seq);
        else if (a->n == 0 || c->fn == PL_AGG_LAST_VALUE) {
            disown(c->arg_type, &a->v);
            a->v = own(c->arg_type, v);
        }
        break;
    case PL_AGG_LISTAGG:
        if (retractable) list_add(c, a, v, seq);
        else {
            if (a->n > 0) sl_buf_append(&a->text, c->sep.s.ptr, c->sep.s.len);
            sl_buf_append(&a->text, v.s.ptr, v.s.len);
        }
        break;
    default: break;
    }
    a->n++;
}

void rt_acc_remove(const pl_agg_call *c, rt_acc *a, sl_value v) {
    switch (c->fn) {
    case PL_AGG_SUM:
    case PL_AGG_AVG: add_sum(c, a, v, -1); break;
    case PL_AGG_MIN:
    case PL_AGG_MAX: ms_remove(c, a, v); break;
    case PL_AGG_FIRST_VALUE:
    case PL_AGG_LAST_VALUE:
    case PL_AGG_LISTAGG: list_remove(c, a, v); break;
    default: break;
    }
    a->n--;
    if (a->n <= 0) { /* nothing left: back to the empty accumulator (no float residue) */
        rt_acc_free(c, a);
        rt_acc_init(a);
    }
}

/* ---- results ---- */

/* A copy of v with its string in arena. */
static sl_value in_arena(sl_type t, sl_value v, sl_arena *arena) {
    if (t.id != SL_T_STRING || v.null) return v;
    char *p = sl_arena_alloc(arena, v.s.len ? v.s.len : 1);
    if (v.s.len) memcpy(p, v.s.ptr, v.s.len);
    return sl_str(p, v.s.len);
}

/* True if an unscaled decimal fits 18 digits. */
static bool dec_fits(rt_acc_i128 v) {
    rt_acc_i128 lim = (rt_acc_i128)POW10[18];
    return v < lim && v > -lim;
}

/* sum / n for DECIMALs: sum at scale `from`, result at scale `to`, rounded half up. */
static sl_value dec_avg(rt_acc_i128 sum, int64_t n, int from, int to) {
    rt_acc_i128 num = sum, den = n;
    if (to >= from) num *= POW10[to - from];
    else den *= POW10[from - to];
    rt_acc_i128 q = num / den, r = num % den;
    if (r < 0) r = -r;
    if (2 * r >= den) q += num < 0 ? -1 : 1;
    return dec_fits(q) ? sl_int((int64_t)q) : sl_null();
}

/* Joins the values of a retractable LISTAGG with the separator, in arena. */
static sl_value join_items(const pl_agg_call *c, const rt_acc *a, sl_arena *arena) {
    if (a->nitems == 0) return sl_null();
    size_t len = 0;
    for (int i = 0; i < a->nitems; i++) len += a->items[i].v.s.len + (i ? c->sep.s.len : 0);
    char *p = sl_arena_alloc(arena, len ? len : 1), *w = p;
    for (int i = 0; i < a->nitems; i++) {
        if (i) { memcpy(w, c->sep.s.ptr, c->sep.s.len); w += c->sep.s.len; }
        memcpy(w, a->items[i].v.s.ptr, a->items[i].v.s.len);
        w += a->items[i].v.s.len;
    }
    return sl_str(p, (uint32_t)len);
}

sl_value rt_acc_result(const pl_agg_call *c, bool retractable, const rt_acc *a, sl_arena *arena) {
    int at = c->arg_type.id;
    switch (c->fn) {
    case PL_AGG_COUNT_STAR:
    case PL_AGG_COUNT: return sl_int(a->n);
    case PL_AGG_SUM:
        if (a->n <= 0) return sl_null();
        if (at == SL_T_FLOAT || at == SL_T_DOUBLE) return sl_double(a->dsum);
        if (at == SL_T_INT) return sl_int((int32_t)(uint32_t)(uint64_t)a->isum);
        if (at == SL_T_DECIMAL) return dec_fits(a->isum) ? sl_int((int64_t)a->isum) : sl_null();
        return sl_int((int64_t)(uint64_t)a->isum);
    case PL_AGG_AVG: {
        if (a->n <= 0) return sl_null();
        if (at == SL_T_DOUBLE) return sl_double(a->dsum / (double)a->n);
        if (at == SL_T_FLOAT) return sl_double((float)(a->dsum / (double)a->n));
        if (at == SL_T_DECIMAL) return dec_avg(a->isum, a->n, c->arg_type.scale, c->type.scale);
        int64_t q = (int64_t)(uint64_t)a->isum / a->n; /* Java long division */
        return sl_int(at == SL_T_INT ? (int32_t)(uint32_t)(uint64_t)q : q);
    }
    case PL_AGG_MIN:
    case PL_AGG_MAX:
        if (retractable) {
            if (a->nitems == 0) return sl_null();
            return in_arena(c->arg_type, a->items[c->fn == PL_AGG_MIN ? 0 : a->nitems - 1].v, arena);
        }
        return a->n > 0 ? in_arena(c->arg_type, a->v, arena) : sl_null();
    case PL_AGG_FIRST_VALUE:
    case PL_AGG_LAST_VALUE:
        if (retractable) {
            if (a->nitems == 0) return sl_null();
            return in_arena(c->arg_type, a->items[c->fn == PL_AGG_FIRST_VALUE ? 0 : a->nitems - 1].v, arena);
        }
        return a->n > 0 ? in_arena(c->arg_type, a->v, arena) : sl_null();
    case PL_AGG_LISTAGG:
        if (retractable) return join_items(c, a, arena);
        if (a->n <= 0) return sl_null();
        return in_arena(c->type, sl_str(a->text.data ? a->text.data : "", (uint32_t)a->text.len), arena);
    }
    return sl_null();
}

/* ---- state bytes ---- */

void rt_acc_encode(const pl_agg_call *c, const rt_acc *a, sl_buf *out) {
    rt_put_i64(out, a->n);
    rt_put_i64(out, (int64_t)(uint64_t)a->isum);
    rt_put_i64(out, (int64_t)(uint64_t)((unsigned __int128)a->isum >> 64));
    int64_t bits;
    memcpy(&bits, &a->dsum, 8);
    rt_put_i64(out, bits);
    rt_put_value(out, c->arg_type, a->v);
    rt_put_u32(out, (uint32_t)a->nitems);
    for (int i = 0; i < a->nitems; i++) {
        rt_put_value(out, c->arg_type, a->items[i].v);
        rt_put_i64(out, a->items[i].n);
    }
    rt_put_bytes(out, a->text.data, (uint32_t)a->text.len);
}

bool rt_acc_decode(const pl_agg_call *c, rt_acc *a, rt_reader *r) {
    rt_acc_init(a);
    a->n = rt_get_i64(r);
    uint64_t lo = (uint64_t)rt_get_i64(r), hi = (uint64_t)rt_get_i64(r);
    a->isum = (rt_acc_i128)(((unsigned __int128)hi << 64) | lo);
    int64_t bits = rt_get_i64(r);
    memcpy(&a->dsum, &bits, 8);
    a->v = own(c->arg_type, rt_get_value(r, c->arg_type));
    uint32_t n = rt_get_u32(r);
    if (r->bad || n > (uint32_t)(r->end - r->p)) { /* each item takes at least one byte */
        rt_acc_free(c, a);
        return false;
    }
    items_reserve(a, (int)n);
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        a->items[i].v = own(c->arg_type, rt_get_value(r, c->arg_type));
        a->items[i].n = rt_get_i64(r);
        a->nitems++;
    }
    uint32_t tl;
    const char *t = rt_get_bytes(r, &tl);
    if (tl) sl_buf_append(&a->text, t, tl);
    if (r->bad) {
        rt_acc_free(c, a);
        return false;
    }
    return true;
}

size_t rt_acc_heap_bytes(const pl_agg_call *c, const rt_acc *a) {
    size_t n = sizeof(rt_vcount) * (size_t)a->capitems + a->text.cap;
    if (c->arg_type.id == SL_T_STRING) {
        if (!a->v.null) n += a->v.s.len;
        for (int i = 0; i < a->nitems; i++) n += a->items[i].v.null ? 0 : a->items[i].v.s.len;
    }
    return n;
}
