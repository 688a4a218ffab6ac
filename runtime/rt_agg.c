/* rt_agg.c: accumulators of the aggregate functions (see rt_agg.h for the semantics). */
#include "rt_agg.h"

#include <stdlib.h>
#include <string.h>

static const int64_t POW10[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                  100000000LL, 1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL,
                                  10000000000000LL, 100000000000000LL, 1000000000000000LL,
                                  10000000000000000LL, 100000000000000000LL, 1000000000000000000LL};

void rt_acc_init(rt_acc *a) { memset(a, 0, sizeof *a); }

/* ---- the two words ---- */

static rt_acc_i128 get_isum(const rt_acc *a) {
    return (rt_acc_i128)(((unsigned __int128)a->w[1] << 64) | a->w[0]);
}
static void set_isum(rt_acc *a, rt_acc_i128 v) {
    a->w[0] = (uint64_t)(unsigned __int128)v;
    a->w[1] = (uint64_t)((unsigned __int128)v >> 64);
}
static double get_d(const rt_acc *a) {
    double d;
    memcpy(&d, &a->w[0], sizeof d);
    return d;
}
static void set_d(rt_acc *a, double d) { memcpy(&a->w[0], &d, sizeof d); }

/* The floating SUM plus x. An accumulator that holds +0.0 (as every fresh one does) takes x
 * itself, as Flink's SUM starts from its first value rather than from 0: the first value -0.0
 * stays -0.0 (0.0 + -0.0 is +0.0); any other x gives the same either way. (Flink's AVG starts
 * from 0: plain addition.) */
static double plus_d(const rt_acc *a, double x) { return a->w[0] == 0 ? x : get_d(a) + x; }

/* True for the functions whose non-retractable accumulator keeps one value in w. */
static bool keeps_value(const pl_agg_call *c) {
    return c->fn == PL_AGG_MIN || c->fn == PL_AGG_MAX || c->fn == PL_AGG_FIRST_VALUE || c->fn == PL_AGG_LAST_VALUE;
}

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

/* The value kept in w (n > 0). */
static sl_value get_v(const pl_agg_call *c, const rt_acc *a) {
    if (c->arg_type.id == SL_T_STRING) return sl_str((const char *)(uintptr_t)a->w[0], (uint32_t)a->w[1]);
    if (c->arg_type.id == SL_T_FLOAT || c->arg_type.id == SL_T_DOUBLE) return sl_double(get_d(a));
    return sl_int((int64_t)a->w[0]);
}

/* Replaces the value kept in w (freeing an owned string it had). */
static void set_v(const pl_agg_call *c, rt_acc *a, sl_value v) {
    if (c->arg_type.id == SL_T_STRING) {
        free((char *)(uintptr_t)a->w[0]);
        sl_value o = own(c->arg_type, v);
        a->w[0] = (uint64_t)(uintptr_t)o.s.ptr;
        a->w[1] = o.s.len;
    } else if (c->arg_type.id == SL_T_FLOAT || c->arg_type.id == SL_T_DOUBLE) {
        set_d(a, v.d);
    } else {
        a->w[0] = (uint64_t)v.i;
    }
}

static rt_acc_ext *ext_of(rt_acc *a) {
    if (!a->ext) {
        a->ext = calloc(1, sizeof *a->ext);
        if (!a->ext) abort();
    }
    return a->ext;
}

void rt_acc_free(const pl_agg_call *c, rt_acc *a) {
    if (keeps_value(c) && c->arg_type.id == SL_T_STRING) free((char *)(uintptr_t)a->w[0]);
    if (a->ext) {
        for (int i = 0; i < a->ext->nitems; i++) disown(c->arg_type, &a->ext->items[i].v);
        free(a->ext->items);
        sl_buf_free(&a->ext->text);
        free(a->ext);
    }
    rt_acc_init(a);
}

/* ---- lists and multisets of values ---- */

static void items_reserve(rt_acc_ext *x, int more) {
    if (x->nitems + more <= x->capitems) return;
    int cap = x->capitems ? x->capitems * 2 : 4;
    while (cap < x->nitems + more) cap *= 2;
    x->items = realloc(x->items, sizeof *x->items * (size_t)cap);
    if (!x->items) abort();
    x->capitems = cap;
}

/* Position of v in the sorted multiset, or where it would go (*found tells which). */
static int ms_find(const pl_agg_call *c, const rt_acc_ext *x, sl_value v, bool *found) {
    int lo = 0, hi = x->nitems;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int cmp = rt_value_cmp(c->arg_type, x->items[mid].v, v);
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

static void ms_add(const pl_agg_call *c, rt_acc_ext *x, sl_value v) {
    bool found;
    int at = ms_find(c, x, v, &found);
    if (found) {
        x->items[at].n++;
        return;
    }
    items_reserve(x, 1);
    memmove(&x->items[at + 1], &x->items[at], sizeof *x->items * (size_t)(x->nitems - at));
    x->items[at].v = own(c->arg_type, v);
    x->items[at].n = 1;
    x->nitems++;
}

static void ms_remove(const pl_agg_call *c, rt_acc_ext *x, sl_value v) {
    bool found;
    int at = ms_find(c, x, v, &found);
    if (!found || --x->items[at].n > 0) return;
    disown(c->arg_type, &x->items[at].v);
    memmove(&x->items[at], &x->items[at + 1], sizeof *x->items * (size_t)(x->nitems - at - 1));
    x->nitems--;
}

static void list_add(const pl_agg_call *c, rt_acc_ext *x, sl_value v, int64_t seq) {
    items_reserve(x, 1);
    x->items[x->nitems].v = own(c->arg_type, v);
    x->items[x->nitems].n = seq;
    x->nitems++;
}

/* Removes the oldest occurrence of v (as Flink's retracting FIRST_VALUE/LISTAGG do). */
static void list_remove(const pl_agg_call *c, rt_acc_ext *x, sl_value v) {
    for (int i = 0; i < x->nitems; i++)
        if (rt_value_same(c->arg_type, x->items[i].v, v)) {
            disown(c->arg_type, &x->items[i].v);
            memmove(&x->items[i], &x->items[i + 1], sizeof *x->items * (size_t)(x->nitems - i - 1));
            x->nitems--;
            return;
        }
}

/* ---- add / remove ---- */

/* Adds sign * v to the sum. */
static void add_sum(const pl_agg_call *c, rt_acc *a, sl_value v, int sign) {
    switch (c->arg_type.id) {
    case SL_T_FLOAT:
        if (c->fn == PL_AGG_SUM) /* Flink adds floats */
            set_d(a, a->w[0] == 0 ? (double)(float)(sign * v.d) : (double)((float)get_d(a) + (float)(sign * v.d)));
        else set_d(a, get_d(a) + sign * v.d);
        break;
    case SL_T_DOUBLE: set_d(a, c->fn == PL_AGG_SUM ? plus_d(a, sign * v.d) : get_d(a) + sign * v.d); break;
    default: set_isum(a, get_isum(a) + (sign > 0 ? (rt_acc_i128)v.i : -(rt_acc_i128)v.i));
    }
}

void rt_acc_add(const pl_agg_call *c, bool retractable, rt_acc *a, const sl_value *vp, int64_t seq) {
    switch (c->fn) {
    case PL_AGG_COUNT_STAR:
    case PL_AGG_COUNT:
        a->n++;
        return;
    case PL_AGG_SUM: /* the common sums, without copying the value */
        if (c->arg_type.id == SL_T_DOUBLE) {
            set_d(a, plus_d(a, vp->d));
            a->n++;
            return;
        }
        break;
    case PL_AGG_MAX:
    case PL_AGG_MIN:
        if (!retractable && c->arg_type.id == SL_T_DOUBLE) {
            double cur = get_d(a);
            if (a->n == 0 || (c->fn == PL_AGG_MAX ? vp->d > cur : vp->d < cur)) set_d(a, vp->d);
            a->n++;
            return;
        }
        break;
    default: break;
    }
    sl_value v = *vp;
    switch (c->fn) {
    case PL_AGG_SUM:
    case PL_AGG_AVG: add_sum(c, a, v, 1); break;
    case PL_AGG_MIN:
    case PL_AGG_MAX:
        if (retractable) ms_add(c, ext_of(a), v);
        else if (a->n == 0 || (c->fn == PL_AGG_MIN ? rt_value_cmp(c->arg_type, v, get_v(c, a)) < 0
                                                   : rt_value_cmp(c->arg_type, v, get_v(c, a)) > 0))
            set_v(c, a, v);
        break;
    case PL_AGG_FIRST_VALUE:
    case PL_AGG_LAST_VALUE:
        if (retractable) list_add(c, ext_of(a), v, seq);
        else if (a->n == 0 || c->fn == PL_AGG_LAST_VALUE) set_v(c, a, v);
        break;
    case PL_AGG_LISTAGG:
        if (retractable) {
            list_add(c, ext_of(a), v, seq);
        } else {
            rt_acc_ext *x = ext_of(a);
            if (a->n > 0) sl_buf_append(&x->text, c->sep.s.ptr, c->sep.s.len);
            sl_buf_append(&x->text, v.s.ptr, v.s.len);
        }
        break;
    default: break;
    }
    a->n++;
}

void rt_acc_remove(const pl_agg_call *c, rt_acc *a, const sl_value *vp) {
    sl_value v = *vp;
    switch (c->fn) {
    case PL_AGG_SUM:
    case PL_AGG_AVG: add_sum(c, a, v, -1); break;
    case PL_AGG_MIN:
    case PL_AGG_MAX:
        if (a->ext) ms_remove(c, a->ext, v);
        break;
    case PL_AGG_FIRST_VALUE:
    case PL_AGG_LAST_VALUE:
    case PL_AGG_LISTAGG:
        if (a->ext) list_remove(c, a->ext, v);
        break;
    default: break;
    }
    a->n--;
    if (a->n <= 0) rt_acc_free(c, a); /* nothing left: back to the empty accumulator (no float residue) */
}

void rt_acc_merge(const pl_agg_call *c, rt_acc *dst, rt_acc *src) {
    if (src->n <= 0) {
        rt_acc_free(c, src);
        return;
    }
    if (dst->n <= 0) { /* nothing to merge into: take src over */
        rt_acc_free(c, dst);
        *dst = *src;
        rt_acc_init(src);
        return;
    }
    int at = c->arg_type.id;
    bool dbl = at == SL_T_FLOAT || at == SL_T_DOUBLE;
    switch (c->fn) {
    case PL_AGG_SUM:
    case PL_AGG_AVG:
        if (dbl && c->fn == PL_AGG_SUM && dst->w[0] == 0) set_d(dst, get_d(src)); /* as plus_d */
        else if (dbl) set_d(dst, at == SL_T_FLOAT && c->fn == PL_AGG_SUM ? (double)((float)get_d(dst) + (float)get_d(src))
                                                                         : get_d(dst) + get_d(src));
        else set_isum(dst, get_isum(dst) + get_isum(src));
        break;
    case PL_AGG_MIN:
    case PL_AGG_MAX: {
        int cmp = rt_value_cmp(c->arg_type, get_v(c, src), get_v(c, dst));
        if (c->fn == PL_AGG_MIN ? cmp < 0 : cmp > 0) set_v(c, dst, get_v(c, src));
        break;
    }
    case PL_AGG_LAST_VALUE: set_v(c, dst, get_v(c, src)); break;
    case PL_AGG_LISTAGG:
        if (src->ext && src->ext->text.len) {
            rt_acc_ext *x = ext_of(dst);
            sl_buf_append(&x->text, c->sep.s.ptr, c->sep.s.len);
            sl_buf_append(&x->text, src->ext->text.data, src->ext->text.len);
        }
        break;
    default: break; /* COUNT: the counts below; FIRST_VALUE: dst's stays */
    }
    dst->n += src->n;
    rt_acc_free(c, src);
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
static sl_value join_items(const pl_agg_call *c, const rt_acc_ext *x, sl_arena *arena) {
    if (!x || x->nitems == 0) return sl_null();
    size_t len = 0;
    for (int i = 0; i < x->nitems; i++) len += x->items[i].v.s.len + (i ? c->sep.s.len : 0);
    char *p = sl_arena_alloc(arena, len ? len : 1), *w = p;
    for (int i = 0; i < x->nitems; i++) {
        if (i) {
            memcpy(w, c->sep.s.ptr, c->sep.s.len);
            w += c->sep.s.len;
        }
        memcpy(w, x->items[i].v.s.ptr, x->items[i].v.s.len);
        w += x->items[i].v.s.len;
    }
    return sl_str(p, (uint32_t)len);
}

/* The first or last value of a retractable accumulator's list, or NULL. */
static sl_value list_end(const pl_agg_call *c, const rt_acc *a, bool first, sl_arena *arena) {
    if (!a->ext || a->ext->nitems == 0) return sl_null();
    return in_arena(c->arg_type, a->ext->items[first ? 0 : a->ext->nitems - 1].v, arena);
}

/* The result as a value (see rt_acc_result). */
static sl_value result_value(const pl_agg_call *c, bool retractable, const rt_acc *a, sl_arena *arena) {
    int at = c->arg_type.id;
    switch (c->fn) {
    case PL_AGG_COUNT_STAR:
    case PL_AGG_COUNT: return sl_int(a->n);
    case PL_AGG_SUM: {
        if (a->n <= 0) return sl_null();
        if (at == SL_T_FLOAT || at == SL_T_DOUBLE) return sl_double(get_d(a));
        rt_acc_i128 s = get_isum(a);
        if (at == SL_T_INT) return sl_int((int32_t)(uint32_t)(uint64_t)s);
        if (at == SL_T_DECIMAL) return dec_fits(s) ? sl_int((int64_t)s) : sl_null();
        return sl_int((int64_t)(uint64_t)s);
    }
    case PL_AGG_AVG: {
        if (a->n <= 0) return sl_null();
        if (at == SL_T_DOUBLE) return sl_double(get_d(a) / (double)a->n);
        if (at == SL_T_FLOAT) return sl_double((float)(get_d(a) / (double)a->n));
        if (at == SL_T_DECIMAL) return dec_avg(get_isum(a), a->n, c->arg_type.scale, c->type.scale);
        int64_t q = (int64_t)(uint64_t)get_isum(a) / a->n; /* Java long division */
        return sl_int(at == SL_T_INT ? (int32_t)(uint32_t)(uint64_t)q : q);
    }
    case PL_AGG_MIN:
    case PL_AGG_MAX:
    case PL_AGG_FIRST_VALUE:
    case PL_AGG_LAST_VALUE:
        if (retractable) return list_end(c, a, c->fn == PL_AGG_MIN || c->fn == PL_AGG_FIRST_VALUE, arena);
        return a->n > 0 ? in_arena(c->arg_type, get_v(c, a), arena) : sl_null();
    case PL_AGG_LISTAGG:
        if (retractable) return join_items(c, a->ext, arena);
        if (a->n <= 0 || !a->ext) return sl_null();
        return in_arena(c->type, sl_str(a->ext->text.data ? a->ext->text.data : "", (uint32_t)a->ext->text.len), arena);
    }
    return sl_null();
}

void rt_acc_result(const pl_agg_call *c, bool retractable, const rt_acc *a, sl_arena *arena, sl_value *out) {
    /* the common cases field by field, so that nothing goes through a returned struct */
    switch (c->fn) {
    case PL_AGG_COUNT_STAR:
    case PL_AGG_COUNT:
        out->null = false;
        out->i = a->n;
        return;
    case PL_AGG_SUM:
        if (a->n <= 0) break;
        if (c->arg_type.id == SL_T_DOUBLE) {
            out->null = false;
            out->d = get_d(a);
            return;
        }
        if (c->arg_type.id == SL_T_BIGINT) {
            out->null = false;
            out->i = (int64_t)a->w[0];
            return;
        }
        break;
    case PL_AGG_MIN:
    case PL_AGG_MAX:
        if (retractable || a->n <= 0 || c->arg_type.id == SL_T_STRING) break;
        out->null = false;
        out->i = (int64_t)a->w[0];
        return;
    default: break;
    }
    sl_value v = result_value(c, retractable, a, arena);
    out->null = v.null;
    out->s.ptr = v.s.ptr;
    out->s.len = v.s.len;
}

/* ---- state bytes ---- */

/* Flags of an accumulator's encoding: which parts follow its count. */
enum { ENC_SUM_INT = 1, ENC_SUM_DOUBLE = 2, ENC_VALUE = 4, ENC_EXT = 8 };

/* Compact bytes: a flags byte, the count, then only the parts in use (integers as varints), so
 * a million groups cost as little SQLite space and I/O per checkpoint as they can. */
void rt_acc_encode(const pl_agg_call *c, const rt_acc *a, sl_buf *out) {
    int at = c->arg_type.id;
    bool dbl = at == SL_T_FLOAT || at == SL_T_DOUBLE;
    int flags = 0;
    if (keeps_value(c)) flags |= a->n > 0 && (at != SL_T_STRING || a->w[0]) ? ENC_VALUE : 0;
    else if (a->w[0] || a->w[1]) flags |= dbl ? ENC_SUM_DOUBLE : ENC_SUM_INT;
    if (a->ext) flags |= ENC_EXT;
    sl_buf_putc(out, (char)flags);
    rt_put_varint(out, a->n);
    if (flags & ENC_SUM_INT) {
        rt_put_varint(out, (int64_t)a->w[0]);
        rt_put_varint(out, (int64_t)a->w[1]);
    }
    if (flags & ENC_SUM_DOUBLE) rt_put_i64(out, (int64_t)a->w[0]);
    if (flags & ENC_VALUE) {
        if (at == SL_T_STRING) rt_put_bytes(out, (const char *)(uintptr_t)a->w[0], (uint32_t)a->w[1]);
        else if (dbl) rt_put_i64(out, (int64_t)a->w[0]);
        else rt_put_varint(out, (int64_t)a->w[0]);
    }
    if (!a->ext) return;
    rt_put_varint(out, a->ext->nitems);
    for (int i = 0; i < a->ext->nitems; i++) {
        rt_put_value(out, c->arg_type, a->ext->items[i].v);
        rt_put_varint(out, a->ext->items[i].n);
    }
    rt_put_bytes(out, a->ext->text.data, (uint32_t)a->ext->text.len);
}

/* One byte, or -1 past the end. */
static int get_byte(rt_reader *r) {
    if (r->bad || r->p >= r->end) {
        r->bad = true;
        return -1;
    }
    return (unsigned char)*r->p++;
}

bool rt_acc_decode(const pl_agg_call *c, rt_acc *a, rt_reader *r) {
    rt_acc_init(a);
    int at = c->arg_type.id;
    int flags = get_byte(r);
    if (flags < 0 || flags > 15) return false;
    a->n = rt_get_varint(r);
    if (flags & ENC_SUM_INT) {
        a->w[0] = (uint64_t)rt_get_varint(r);
        a->w[1] = (uint64_t)rt_get_varint(r);
    }
    if (flags & ENC_SUM_DOUBLE) a->w[0] = (uint64_t)rt_get_i64(r);
    if (flags & ENC_VALUE) {
        if (at == SL_T_STRING) {
            uint32_t len;
            const char *p = rt_get_bytes(r, &len);
            if (!r->bad) set_v(c, a, sl_str(p, len));
        } else if (at == SL_T_FLOAT || at == SL_T_DOUBLE) {
            a->w[0] = (uint64_t)rt_get_i64(r);
        } else {
            a->w[0] = (uint64_t)rt_get_varint(r);
        }
    }
    if (flags & ENC_EXT) {
        rt_acc_ext *x = ext_of(a);
        int64_t n = rt_get_varint(r);
        if (r->bad || n < 0 || n > r->end - r->p) { /* each item takes at least one byte */
            rt_acc_free(c, a);
            return false;
        }
        items_reserve(x, (int)n);
        for (int64_t i = 0; i < n && !r->bad; i++) {
            x->items[i].v = own(c->arg_type, rt_get_value(r, c->arg_type));
            x->items[i].n = rt_get_varint(r);
            x->nitems++;
        }
        uint32_t tl;
        const char *t = rt_get_bytes(r, &tl);
        if (tl) sl_buf_append(&x->text, t, tl);
    }
    if (r->bad) {
        rt_acc_free(c, a);
        return false;
    }
    return true;
}

size_t rt_acc_heap_bytes(const pl_agg_call *c, const rt_acc *a) {
    size_t n = 0;
    if (keeps_value(c) && c->arg_type.id == SL_T_STRING && a->w[0]) n += a->w[1] + 16;
    if (a->ext) {
        n += sizeof *a->ext + sizeof(rt_vcount) * (size_t)a->ext->capitems + a->ext->text.cap;
        if (c->arg_type.id == SL_T_STRING)
            for (int i = 0; i < a->ext->nitems; i++) n += a->ext->items[i].v.null ? 0 : a->ext->items[i].v.s.len + 16;
    }
    return n;
}
