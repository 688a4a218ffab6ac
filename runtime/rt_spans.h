/* rt_spans.h: one group key's windows in flight, for the window aggregation modes whose state
 * is a list per key rather than one group per (window, key): SESSION (the key's open sessions,
 * each [start, end) with its accumulators) and sliced HOP/CUMULATE (the key's open slices, by
 * end, and the last window fired). Sorted by start (sessions) or end (slices); stored in the
 * operator's cache through the callbacks here (their ud is the operator's rt_groups). */
#ifndef RT_SPANS_H
#define RT_SPANS_H

#include "rt_group.h"

typedef struct rt_span {
    int64_t start, end;   /* slices keep only their end (start 0) */
    rt_group *g;
} rt_span;

typedef struct rt_spans {
    int64_t fired;        /* slices: end of the last window fired for the key (INT64_MIN: none) */
    int n, cap;
    rt_span *s;
} rt_spans;

/* An empty list (fired = INT64_MIN). */
rt_spans *rt_spans_new(void);
/* Inserts sp at position `at` (0..n), growing the list; returns the inserted entry. */
rt_span *rt_spans_insert(rt_spans *ss, int at, rt_span sp);
/* The bytes a key's list accounts for in the cache; group_bytes > 0: every group has that size
 * (no owned heap), so the per-row path multiplies instead of visiting each group. */
size_t rt_spans_bytes(const rt_groups *gs, const rt_spans *ss, size_t group_bytes);
/* The cache callbacks of lists of spans (ud: the rt_groups of their groups). */
rt_cache_ops rt_spans_cache_ops(void);

#endif
