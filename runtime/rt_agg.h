/* rt_agg.h: the accumulators of the aggregate functions (COUNT, SUM, AVG, MIN, MAX,
 * FIRST_VALUE, LAST_VALUE, LISTAGG), with Flink's semantics:
 *   - NULL arguments are ignored (COUNT(*) counts rows); an aggregate over no values is NULL
 *     (COUNT is 0);
 *   - SUM(INT) is INT and wraps around as Java's int does, SUM(BIGINT) wraps as long; AVG of an
 *     integer type truncates (sum as BIGINT / count); SUM(FLOAT) adds in float, AVG(FLOAT) in
 *     double; DECIMAL sums are exact (NULL when the result exceeds its 18 digits) and AVG rounds
 *     half up to the result's scale;
 *   - FIRST_VALUE / LAST_VALUE take the first / last non-NULL value in arrival order; LISTAGG
 *     joins the non-NULL values in arrival order with its separator (',' by default).
 * An accumulator is `retractable` when the aggregate's input is updating: then MIN/MAX keep a
 * sorted multiset of (value, count), and FIRST_VALUE/LAST_VALUE/LISTAGG the list of values in
 * arrival order, so that a retracted value can be taken out again (Flink's *WithRetract
 * functions); otherwise they keep only the current value (or joined string). */
#ifndef RT_AGG_H
#define RT_AGG_H

#include <stdbool.h>
#include <stdint.h>
#include "../common/sl_arena.h"
#include "../common/sl_buf.h"
#include "../planner/pl_plan.h"
#include "rt_codec.h"

__extension__ typedef __int128 rt_acc_i128;

/* A value with a count (MIN/MAX multisets) or an arrival number (lists). Strings are owned. */
typedef struct rt_vcount {
    sl_value v;
    int64_t n;
} rt_vcount;

/* What only some accumulators need, allocated on first use: the values of a retractable
 * MIN/MAX (sorted, with counts) or FIRST_VALUE/LAST_VALUE/LISTAGG (arrival order), and the
 * joined string of a LISTAGG that is not retractable. */
typedef struct rt_acc_ext {
    rt_vcount *items;
    int nitems, capitems;
    sl_buf text;
} rt_acc_ext;

/* 32 bytes per aggregate per group: a million groups of three aggregates fit in ~100 MB. */
typedef struct rt_acc {
    int64_t n;          /* non-NULL values accumulated minus retracted (COUNT(*): rows) */
    uint64_t w[2];      /* SUM/AVG: the sum (a 128-bit integer in two words, or a double in
                           w[0]); MIN/MAX/FIRST_VALUE/LAST_VALUE that are not retractable: the
                           value while n > 0 (integer or double bits in w[0], or an owned
                           string's pointer and length) */
    rt_acc_ext *ext;    /* NULL until needed */
} rt_acc;

void rt_acc_init(rt_acc *a);
void rt_acc_free(const pl_agg_call *c, rt_acc *a);

/* Adds a non-NULL value (COUNT(*): any value) to the accumulator; `seq` numbers arrivals.
 * Values come by pointer, for the reason given at rt_acc_result. */
void rt_acc_add(const pl_agg_call *c, bool retractable, rt_acc *a, const sl_value *v, int64_t seq);
/* Takes a non-NULL value back out (the input retracted a row it had added). */
void rt_acc_remove(const pl_agg_call *c, rt_acc *a, const sl_value *v);
/* The aggregate's current result (type c->type) into *out; strings are copied into arena.
 * (Written through a pointer: a 24-byte sl_value returned by value and copied on costs a
 * store-forwarding stall per call, measured at 20% of a GROUP BY.) */
void rt_acc_result(const pl_agg_call *c, bool retractable, const rt_acc *a, sl_arena *arena, sl_value *out);

/* Merges src (the later of two session windows) into dst (the earlier one), for accumulators
 * that are not retractable: counts and sums add up, MIN/MAX compare, FIRST_VALUE keeps dst's
 * and LAST_VALUE takes src's (when they have one), LISTAGG joins dst's text and src's. src
 * is left empty. */
void rt_acc_merge(const pl_agg_call *c, rt_acc *dst, rt_acc *src);

/* Bytes of the accumulator (state encoding) and back; decode returns false on bad bytes. */
void rt_acc_encode(const pl_agg_call *c, const rt_acc *a, sl_buf *out);
bool rt_acc_decode(const pl_agg_call *c, rt_acc *a, rt_reader *r);
/* Memory the accumulator owns beyond its struct (strings, lists), for cache accounting. */
size_t rt_acc_heap_bytes(const pl_agg_call *c, const rt_acc *a);

#endif
