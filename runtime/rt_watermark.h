/* rt_watermark.h: watermark generation at a source, as Flink does it.
 *
 * For each source partition the generator keeps the highest value of the table's WATERMARK
 * expression over the partition's rows (e.g. MAX(bidtime - INTERVAL '1' SECOND)); the source's
 * watermark is the minimum over its partitions, emitted periodically
 * ('pipeline.auto-watermark-interval', default 200 ms; 0 disables them, as in Flink, leaving
 * the final one of a bounded input), not per record unless the table says
 * 'scan.watermark.emit.strategy' = 'on-event'; only forward. A
 * partition that has seen no row yet holds the watermark back, unless it is idle: with
 * 'scan.watermark.idle-timeout' on the table (or the session's 'table.exec.source.idle-timeout')
 * a partition without rows for that long is left out, so one quiet partition does not stall
 * every window; it counts again with its next row. The per-partition values are part of the
 * checkpoint. Times are microseconds, like TIMESTAMP values. */
#ifndef RT_WATERMARK_H
#define RT_WATERMARK_H

#include <stdbool.h>
#include <stdint.h>
#include "../common/sl_batch.h"
#include "../common/sl_buf.h"
#include "../common/sl_options.h"
#include "../planner/pl_plan.h"

#define RT_WM_NONE INT64_MIN

typedef struct rt_wmgen rt_wmgen;

/* A generator for `scan` (its wm_expr), over `nparts` partitions (at least 1). */
rt_wmgen *rt_wmgen_new(const pl_node *scan, const sl_options *session, int nparts);
void rt_wmgen_free(rt_wmgen *g);

/* Takes a batch's rows in: row r's partition is the integer in slot part_col (-1: all in
 * partition 0); now_ms is the monotonic clock (for idleness). Rows whose WATERMARK expression
 * is NULL are ignored, as Flink ignores them (and so are the rare ones whose expression fails). */
void rt_wmgen_rows(rt_wmgen *g, const sl_batch *b, int part_col, int64_t now_ms);
/* The watermark to emit now, if the emission interval has passed and it advanced: true and
 * *wm. */
bool rt_wmgen_due(rt_wmgen *g, int64_t now_ms, int64_t *wm);
/* True with the table option 'scan.watermark.emit.strategy' = 'on-event' (Flink 1.18+): a
 * watermark after every row, so lateness is exact row by row (costs a push per row). */
bool rt_wmgen_per_row(const rt_wmgen *g);
/* The source's current watermark (RT_WM_NONE before the first one). */
int64_t rt_wmgen_current(const rt_wmgen *g);

/* Diagnostics: partition i's watermark (RT_WM_NONE: no row yet) and whether it is idle now;
 * the number of partitions. */
int rt_wmgen_partitions(const rt_wmgen *g);
int64_t rt_wmgen_partition_wm(const rt_wmgen *g, int i);
bool rt_wmgen_partition_idle(const rt_wmgen *g, int i, int64_t now_ms);

/* Checkpoint bytes of the per-partition values, and back (false on bad bytes). */
void rt_wmgen_encode(const rt_wmgen *g, sl_buf *out);
bool rt_wmgen_decode(rt_wmgen *g, const char *data, size_t len);

#endif
