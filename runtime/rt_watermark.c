/* rt_watermark.c: per-partition watermark generation (see rt_watermark.h). */
#include "rt_watermark.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "rt_codec.h"
#include "rt_expr.h"
#include "rt_job.h"

struct rt_wmgen {
    const pl_expr *expr;
    int nparts;
    int64_t *wm;          /* per partition: max of the expression, RT_WM_NONE before a row */
    int64_t *active;      /* per partition: when it last had a row (monotonic ms) */
    int64_t idle_ms;      /* 0: partitions never go idle */
    int64_t interval_ms;  /* 0: no periodic watermarks (Flink's meaning) */
    bool on_event;        /* 'scan.watermark.emit.strategy' = 'on-event': one after every row */
    int64_t last_emit_ms;
    int64_t emitted;      /* the last watermark emitted (RT_WM_NONE: none) */
    sl_arena *arena;
};

rt_wmgen *rt_wmgen_new(const pl_node *scan, const sl_options *session, int nparts) {
    rt_wmgen *g = calloc(1, sizeof *g);
    if (!g) abort();
    g->expr = scan->wm_expr;
    g->nparts = nparts > 0 ? nparts : 1;
    g->wm = malloc(sizeof *g->wm * (size_t)g->nparts);
    g->active = calloc((size_t)g->nparts, sizeof *g->active);
    if (!g->wm || !g->active) abort();
    for (int i = 0; i < g->nparts; i++) g->wm[i] = RT_WM_NONE;
    const char *idle = sl_options_get(&scan->table->opts, "scan.watermark.idle-timeout");
    if (!idle) idle = sl_options_get(session, "table.exec.source.idle-timeout");
    g->idle_ms = rt_duration_ms(idle, 0);
    g->interval_ms = rt_duration_ms(sl_options_get(session, "pipeline.auto-watermark-interval"), 200);
    const char *emit = sl_options_get(&scan->table->opts, "scan.watermark.emit.strategy");
    g->on_event = emit && !strcasecmp(emit, "on-event");
    g->emitted = RT_WM_NONE;
    g->last_emit_ms = INT64_MIN / 2;
    g->arena = sl_arena_new(0);
    return g;
}

void rt_wmgen_free(rt_wmgen *g) {
    if (!g) return;
    free(g->wm);
    free(g->active);
    sl_arena_free(g->arena);
    free(g);
}

void rt_wmgen_rows(rt_wmgen *g, const sl_batch *b, int part_col, int64_t now_ms) {
    if (!g->expr) return;
    rt_eval_ctx ctx = {g->arena, NULL, 0, false, 0};
    for (int r = 0; r < b->nrows; r++) {
        const sl_value *row = sl_batch_row(b, r);
        int p = 0;
        if (part_col >= 0 && !row[part_col].null) p = (int)row[part_col].i;
        if (p < 0 || p >= g->nparts) p = 0;
        g->active[p] = now_ms;
        sl_value v = rt_eval(g->expr, row, &ctx);
        if (!v.null && v.i > g->wm[p]) g->wm[p] = v.i;
    }
    free(ctx.error);
    sl_arena_reset(g->arena);
}

/* The minimum over the partitions that count (not idle); RT_WM_NONE if one that counts has
 * no watermark yet, or if none counts. */
static int64_t combined(const rt_wmgen *g, int64_t now_ms) {
    int64_t m = INT64_MAX;
    bool any = false;
    for (int i = 0; i < g->nparts; i++) {
        if (rt_wmgen_partition_idle(g, i, now_ms)) continue;
        if (g->wm[i] == RT_WM_NONE) return RT_WM_NONE;
        if (g->wm[i] < m) m = g->wm[i];
        any = true;
    }
    return any ? m : RT_WM_NONE;
}

bool rt_wmgen_due(rt_wmgen *g, int64_t now_ms, int64_t *wm) {
    if (!g->expr) return false;
    /* a partition's idle clock starts at the first check, not at boot: one that has had no row
     * yet goes idle only after the timeout has passed since the job started */
    for (int i = 0; i < g->nparts; i++)
        if (g->active[i] == 0) g->active[i] = now_ms;
    if (!g->on_event && (g->interval_ms <= 0 || now_ms - g->last_emit_ms < g->interval_ms)) return false;
    g->last_emit_ms = now_ms;
    int64_t w = combined(g, now_ms);
    if (w == RT_WM_NONE || w <= g->emitted) return false;
    g->emitted = w;
    *wm = w;
    return true;
}

int64_t rt_wmgen_current(const rt_wmgen *g) { return g->emitted; }
bool rt_wmgen_per_row(const rt_wmgen *g) { return g->on_event; }
int rt_wmgen_partitions(const rt_wmgen *g) { return g->nparts; }
int64_t rt_wmgen_partition_wm(const rt_wmgen *g, int i) { return i >= 0 && i < g->nparts ? g->wm[i] : RT_WM_NONE; }

bool rt_wmgen_partition_idle(const rt_wmgen *g, int i, int64_t now_ms) {
    return g->idle_ms > 0 && now_ms - g->active[i] >= g->idle_ms;
}

void rt_wmgen_encode(const rt_wmgen *g, sl_buf *out) {
    rt_put_varint(out, g->nparts);
    rt_put_i64(out, g->emitted);
    for (int i = 0; i < g->nparts; i++) rt_put_i64(out, g->wm[i]);
}

bool rt_wmgen_decode(rt_wmgen *g, const char *data, size_t len) {
    rt_reader r = rt_reader_of(data, len);
    int64_t n = rt_get_varint(&r);
    int64_t emitted = rt_get_i64(&r);
    if (n < 0) return false; /* no generator has a negative partition count */
    for (int64_t i = 0; i < n && !r.bad; i++) {
        int64_t w = rt_get_i64(&r);
        if (i < g->nparts) g->wm[i] = w; /* partitions added since: no watermark yet */
    }
    if (!rt_reader_done(&r)) return false;
    g->emitted = emitted;
    return true;
}
