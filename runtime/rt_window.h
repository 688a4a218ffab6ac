/* rt_window.h: window arithmetic shared by the window operators (Flink's assigners): which
 * TUMBLE, HOP and CUMULATE windows a time falls in, and when a window is complete. Times are
 * microseconds; a window is [start, end) and its window_time is end - 1 ms (Flink's
 * TIMESTAMP(3) window_time); it fires once the watermark reaches its window_time. */
#ifndef RT_WINDOW_H
#define RT_WINDOW_H

#include <stdbool.h>
#include <stdint.h>
#include "../planner/pl_plan.h"

#define RT_MS 1000  /* one millisecond in microseconds */

typedef struct rt_win {
    int64_t start, end;
} rt_win;

/* The windows of spec w containing time t, into out (room for `cap`; HOP has size/slide of them,
 * CUMULATE size/step), in Flink's order (HOP: latest start first; CUMULATE: ascending ends).
 * Returns the count (0 for a SESSION spec, which the operator assigns itself). */
int rt_window_assign(const pl_window *w, int64_t t, rt_win *out, int cap);
/* The most windows one time can fall in for spec w (the room rt_window_assign needs). */
int rt_window_max(const pl_window *w);
/* ---- slicing (Flink's slicing windows): HOP and CUMULATE aggregated per slice ----
 * A HOP of size/slide windows (CUMULATE: size/step) puts every row in that many windows. When
 * the aggregation above can merge partial results, the TVF instead gives each row its one
 * slice [start, start + slide) (CUMULATE: step), the aggregation accumulates per (slice, keys),
 * and a window's result is the merge of its slices when it fires: one accumulation per row
 * instead of one per window. Both operators ask rt_window_sliced, so they agree. */

/* The WINDOW_TVF under a WINDOW_AGG node if that aggregation is computed by slices, else NULL:
 * event-time HOP or CUMULATE with more than one window per row; COUNT, SUM, AVG, MIN, MAX
 * (with or without FILTER) and no DISTINCT (mergeable without the arrival order); only CALCs
 * in between, in which the window columns are plain column references that reach the
 * aggregation's window keys and nothing else reads them (a slice's bounds are not a window's). */
const pl_node *rt_window_sliced(const pl_node *agg);
/* The slice of spec w (HOP or CUMULATE) containing time t. */
rt_win rt_window_slice(const pl_window *w, int64_t t);
/* The windows of spec w that contain the slice ending at slice_end, into out (room for
 * rt_window_max), ascending ends. Returns the count. */
int rt_window_slice_windows(const pl_window *w, int64_t slice_end, rt_win *out, int cap);
/* The window of spec w ending at `end` (its start). */
rt_win rt_window_ending(const pl_window *w, int64_t end);
/* The end of the last window holding the slice ending at slice_end: once that window fired,
 * the slice is no longer needed. */
int64_t rt_window_slice_last_end(const pl_window *w, int64_t slice_end);

/* window_time of a window ending at `end`. */
static inline int64_t rt_window_time(int64_t end) { return end - RT_MS; }
/* True when a window ending at `end` is complete under watermark wm (it has fired or fires). */
static inline bool rt_window_fired(int64_t end, int64_t wm) { return rt_window_time(end) <= wm; }

#endif
