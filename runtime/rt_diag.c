/* rt_diag.c: the answer to "why is there no output yet?" for a running job (see rt_diag.h). */
#include "rt_diag.h"

#include <stdio.h>
#include "../common/sl_format.h"
#include "rt_timers.h"
#include "rt_watermark.h"
#include "rt_window.h"

/* A watermark or time as text: a timestamp, or what stands for none. */
static void put_time(sl_buf *out, int64_t us) {
    if (us == RT_WM_NONE) sl_buf_puts(out, "none");
    else if (us == INT64_MAX) sl_buf_puts(out, "end of input");
    else sl_format_timestamp(out, us, 3, ' ');
}

/* The operator's name as EXPLAIN prints it. */
static const char *op_name(const rt_op *op) {
    switch (op->node->kind) {
    case PL_N_WINDOW_AGG: return "WindowAggregate";
    case PL_N_WINDOW_RANK: return "WindowRank";
    case PL_N_WINDOW_JOIN: return "WindowJoin";
    default: return op->vt->name;
    }
}

/* A source: its watermark, each partition's, the one that holds it back, and idle ones. */
static void describe_scan(const rt_op *op, int64_t now_ms, sl_buf *out) {
    const rt_wmgen *g = op->wmgen;
    sl_buf_printf(out, "  source '%s': watermark ", op->node->table->name);
    put_time(out, op->has_wm ? op->wm : RT_WM_NONE);
    sl_buf_putc(out, '\n');
    int n = rt_wmgen_partitions(g), min_at = -1;
    int64_t min = INT64_MAX;
    for (int i = 0; i < n; i++) {
        if (rt_wmgen_partition_idle(g, i, now_ms)) continue;
        int64_t w = rt_wmgen_partition_wm(g, i);
        if (min_at < 0 || w < min) min = w, min_at = i;
    }
    for (int i = 0; i < n; i++) {
        int64_t w = rt_wmgen_partition_wm(g, i);
        sl_buf_printf(out, "    partition %d: ", i);
        put_time(out, w);
        if (w == RT_WM_NONE) sl_buf_puts(out, " (no row yet)");
        if (rt_wmgen_partition_idle(g, i, now_ms)) sl_buf_puts(out, ", idle: left out");
        else if (i == min_at && n > 1) sl_buf_puts(out, "  <- the minimum: holds the watermark back");
        sl_buf_putc(out, '\n');
    }
}

/* A window operator: its watermark, how many windows wait, and when the earliest fires. */
static void describe_window(const rt_op *op, sl_buf *out) {
    sl_buf_printf(out, "  %s: watermark ", op_name(op));
    put_time(out, op->has_wm ? op->wm : RT_WM_NONE);
    int pending = rt_timers_pending(op->timers);
    if (!pending) {
        sl_buf_puts(out, "; no window waiting to fire\n");
        return;
    }
    int64_t end = rt_timers_earliest(op->timers);
    sl_buf_printf(out, "; %d window end%s waiting; the earliest window ends at ", pending, pending == 1 ? "" : "s");
    put_time(out, end);
    sl_buf_puts(out, " and fires when the watermark reaches ");
    put_time(out, rt_window_time(end));
    sl_buf_putc(out, '\n');
}

void rt_diag_report(const rt_op *ops, int nops, const char *job_name, int64_t now_ms, sl_buf *out) {
    sl_buf_printf(out, "Watermarks of job '%s':\n", job_name ? job_name : "query");
    bool any = false;
    for (int i = 0; i < nops; i++) {
        if (ops[i].wmgen) describe_scan(&ops[i], now_ms, out), any = true;
        else if (ops[i].node->kind == PL_N_SCAN && ops[i].node->proctime_wm) {
            sl_buf_printf(out, "  source '%s': processing time, watermark ", ops[i].node->table->name);
            put_time(out, ops[i].has_wm ? ops[i].wm : RT_WM_NONE);
            sl_buf_putc(out, '\n');
            any = true;
        }
    }
    for (int i = 0; i < nops; i++)
        if (ops[i].timers) describe_window(&ops[i], out), any = true;
    if (!any) sl_buf_puts(out, "  the query uses no watermarks: its rows flow as they arrive\n");
}
