/* rt_window.c: window assignment as Flink's TumblingWindowAssigner, SlidingWindowAssigner and
 * CumulativeWindowAssigner compute it (see rt_window.h). */
#include "rt_window.h"

/* The start of the window of length `size` (shifted by offset) containing t, for any sign. */
static int64_t start_of(int64_t t, int64_t offset, int64_t size) {
    int64_t r = (t - offset) % size;
    if (r < 0) r += size;
    return t - r;
}

int rt_window_max(const pl_window *w) {
    switch (w->kind) {
    case SP_TVF_TUMBLE: return 1;
    case SP_TVF_HOP:
    case SP_TVF_CUMULATE: return w->slide > 0 ? (int)((w->size + w->slide - 1) / w->slide) : 1;
    default: return 1;
    }
}

int rt_window_assign(const pl_window *w, int64_t t, rt_win *out, int cap) {
    int n = 0;
    switch (w->kind) {
    case SP_TVF_TUMBLE: {
        int64_t s = start_of(t, w->offset, w->size);
        if (cap > 0) out[n++] = (rt_win){s, s + w->size};
        break;
    }
    case SP_TVF_HOP: {
        for (int64_t s = start_of(t, w->offset, w->slide); s > t - w->size && n < cap; s -= w->slide)
            out[n++] = (rt_win){s, s + w->size};
        break;
    }
    case SP_TVF_CUMULATE: {
        int64_t s = start_of(t, w->offset, w->size), last = s + w->size;
        for (int64_t e = start_of(t, w->offset, w->slide) + w->slide; e <= last && n < cap; e += w->slide)
            out[n++] = (rt_win){s, e};
        break;
    }
    default: break;
    }
    return n;
}
