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
/* window_time of a window ending at `end`. */
static inline int64_t rt_window_time(int64_t end) { return end - RT_MS; }
/* True when a window ending at `end` is complete under watermark wm (it has fired or fires). */
static inline bool rt_window_fired(int64_t end, int64_t wm) { return rt_window_time(end) <= wm; }

#endif
