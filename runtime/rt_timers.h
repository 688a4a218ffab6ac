/* rt_timers.h: event-time timers of a window operator: which keys have state in the window
 * ending at each time, so that a watermark fires them in order. Kept in memory, sorted by
 * end, and in the job's store (one row per window end, written at checkpoints for the ends
 * that changed, deleted for those that fired) so that a restart in the middle of open windows
 * finds them again. */
#ifndef RT_TIMERS_H
#define RT_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rt_store.h"

typedef struct rt_timers rt_timers;

/* The timers in namespace `ns_name` of the store (loaded from it when `durable`). NULL + *err. */
rt_timers *rt_timers_open(rt_store *store, const char *ns_name, bool durable, char **err);
void rt_timers_free(rt_timers *t);

/* Notes that `key` has state in the window ending at `end` (a key may be noted twice). */
void rt_timers_add(rt_timers *t, int64_t end, const char *key, size_t klen);
/* Fires every window end whose window_time the watermark reached, oldest first: fn gets each
 * key and the end; the fired ends are forgotten. 0, or fn's -1. */
int rt_timers_fire(rt_timers *t, int64_t wm, int (*fn)(void *ud, const char *key, size_t klen, int64_t end,
                                                       char **err),
                   void *ud, char **err);
/* Writes what changed since the last checkpoint into the store's transaction. 0 or -1. */
int rt_timers_checkpoint(rt_timers *t, char **err);
/* The earliest pending window end (INT64_MAX when none) and the number of pending ends. */
int64_t rt_timers_earliest(const rt_timers *t);
int rt_timers_pending(const rt_timers *t);

#endif
