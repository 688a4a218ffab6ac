/* rt_job.c: builds the operator chain for a plan and drives it. */
#include "rt_job.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../common/sl_error.h"
#include "../connectors/cn_connector.h"

/* Monotonic milliseconds. */
static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t rt_duration_ms(const char *text, int64_t dflt) {
    if (!text) return dflt;
    char *end;
    double v = strtod(text, &end);
    if (end == text || v < 0) return dflt;
    while (isspace((unsigned char)*end)) end++;
    if (!*end || !strcmp(end, "ms") || !strcmp(end, "milli") || !strcmp(end, "millis")) return (int64_t)v;
    if (!strcmp(end, "s") || !strcmp(end, "sec") || !strcmp(end, "second") || !strcmp(end, "seconds"))
        return (int64_t)(v * 1000);
    if (!strcmp(end, "min") || !strcmp(end, "minute") || !strcmp(end, "minutes")) return (int64_t)(v * 60000);
    if (!strcmp(end, "h") || !strcmp(end, "hour") || !strcmp(end, "hours")) return (int64_t)(v * 3600000);
    return dflt;
}

/* The vtable running a plan node. */
static const rt_op_vt *vt_for(const pl_node *n) {
    switch (n->kind) {
    case PL_N_SCAN: return &rt_scan_vt;
    case PL_N_VALUES: return &rt_values_vt;
    case PL_N_CALC: return &rt_calc_vt;
    case PL_N_SINK: return &rt_sink_vt;
    }
    return NULL;
}

/* Makes pushed rows durable, downstream first: sinks flush before sources commit offsets. */
static int checkpoint_all(rt_op *ops, int nops, char **err) {
    for (int i = nops - 1; i >= 0; i--)
        if (ops[i].vt->checkpoint(&ops[i], err) < 0) return -1;
    return 0;
}

int rt_job_run(const pl_plan *plan, const rt_job_opts *o, rt_job_stats *stats, char **err) {
    rt_job job = {0};
    job.plan = plan;
    job.session = o->session;
    job.batch_size = o->batch_size > 0 ? o->batch_size : 1024;
    job.on_rows = o->on_rows;
    job.on_rows_ud = o->on_rows_ud;

    /* ops[0] is the leaf; ops[nops-1] the root (or the collector of a bare SELECT) */
    int depth = 0;
    for (const pl_node *n = plan->root; n; n = n->input) depth++;
    int nops = depth + (plan->is_insert ? 0 : 1);
    rt_op *ops = calloc((size_t)nops, sizeof(rt_op));
    int i = depth - 1;
    for (const pl_node *n = plan->root; n; n = n->input, i--) ops[i] = (rt_op){vt_for(n), n, NULL, &job, NULL};
    if (!plan->is_insert) ops[nops - 1] = (rt_op){&rt_collect_vt, plan->root, NULL, &job, NULL};
    for (i = 0; i + 1 < nops; i++) ops[i].next = &ops[i + 1];

    int rc = 0;
    int opened = 0;
    /* open downstream first, so sinks (and their topics) exist before data flows */
    for (i = nops - 1; i >= 0; i--, opened++)
        if (ops[i].vt->open(&ops[i], err) < 0) {
            ops[i].vt->close(&ops[i]); /* frees what a half-done open allocated */
            rc = -1;
            break;
        }

    int64_t interval = rt_duration_ms(sl_options_get(o->session, "execution.checkpointing.interval"), 1000);
    int64_t last = now_ms();
    bool stopped = false;
    while (rc == 0) {
        if (o->stop && *o->stop) { stopped = true; break; }
        int r = ops[0].vt->poll(&ops[0], 100, err);
        if (r == CN_EOF) break;
        if (r == CN_ERROR) { rc = -1; break; }
        if (now_ms() - last >= interval) {
            if (checkpoint_all(ops, nops, err) < 0) rc = -1;
            last = now_ms();
        }
    }
    if (rc == 0) {
        for (i = 0; i < nops && rc == 0; i++)
            if (ops[i].vt->finish(&ops[i], err) < 0) rc = -1;
        if (rc == 0 && checkpoint_all(ops, nops, err) < 0) rc = -1;
    }
    /* close what was opened (the last `opened` entries, downstream first) */
    for (i = nops - 1; i >= nops - opened; i--) ops[i].vt->close(&ops[i]);
    if (stats) {
        stats->rows_in = job.rows_in;
        stats->rows_out = job.rows_out;
        stats->skipped = job.skipped;
        stats->stopped = stopped;
    }
    free(ops);
    return rc;
}
