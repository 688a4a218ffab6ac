/* rt_job.c: builds the operator chain for a plan, opens its state, drives it, and takes
 * checkpoints. */
#include "rt_job.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../common/sl_error.h"
#include "../connectors/cn_connector.h"
#include "rt_crash.h"
#include "rt_diag.h"
#include "rt_store.h"

/* Monotonic milliseconds. */
static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The job's counts so far. */
static void fill_stats(const rt_job *job, rt_job_stats *st) {
    st->rows_in = job->rows_in;
    st->rows_out = job->rows_out;
    st->skipped = job->skipped;
    st->dead_lettered = job->dead_lettered;
    st->late = job->late;
}

/* The watermark report, when asked for (o->diagnose), and the progress callback once a
 * second: both between batches, on the job's thread. */
static void report(const rt_job *job, const rt_job_opts *o, rt_op *ops, int nops, int64_t *last_progress) {
    if (o->diagnose && *o->diagnose) {
        *o->diagnose = 0;
        sl_buf text = {0};
        rt_diag_report(ops, nops, job->name, now_ms(), &text);
        if (o->on_report) o->on_report(o->on_report_ud, text.data);
        else fputs(text.data, stderr);
        sl_buf_free(&text);
    }
    if (o->on_progress && now_ms() - *last_progress >= 1000) {
        rt_job_stats st = {0};
        fill_stats(job, &st);
        o->on_progress(o->on_progress_ud, &st);
        *last_progress = now_ms();
    }
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

int64_t rt_size_bytes(const char *text, int64_t dflt) {
    if (!text) return dflt;
    char *end;
    double v = strtod(text, &end);
    if (end == text || v < 0) return dflt;
    while (isspace((unsigned char)*end)) end++;
    char u = (char)tolower((unsigned char)*end);
    double m = u == 'k' ? 1024.0 : u == 'm' ? 1048576.0 : u == 'g' ? 1073741824.0 : 1.0;
    if (u && !strchr("kmgb", u)) return dflt;
    return (int64_t)(v * m);
}

/* The vtable running a plan node. */
static const rt_op_vt *vt_for(const pl_node *n) {
    switch (n->kind) {
    case PL_N_SCAN: return &rt_scan_vt;
    case PL_N_VALUES: return &rt_values_vt;
    case PL_N_CALC: return &rt_calc_vt;
    case PL_N_AGG: return &rt_agg_vt;
    case PL_N_NORMALIZE: return &rt_normalize_vt;
    case PL_N_SINK: return &rt_sink_vt;
    case PL_N_WINDOW_TVF: return &rt_window_tvf_vt;
    case PL_N_WINDOW_AGG: return &rt_window_agg_vt;
    case PL_N_WINDOW_RANK: return &rt_window_rank_vt;
    case PL_N_WINDOW_JOIN: return &rt_window_join_vt;
    default: return NULL;
    }
    return NULL;
}

/* The number of plan nodes under (and with) n. */
static int count_nodes(const pl_node *n) {
    return n ? 1 + count_nodes(n->input) + count_nodes(n->input2) : 0;
}

/* Places the operators of n's tree in post-order from ops[*at] on; returns n's operator.
 * Each operator's `next` is its parent's, `side` which of the parent's inputs it is. */
static rt_op *build_ops(const pl_node *n, rt_job *job, rt_op *ops, int *at) {
    rt_op *left = n->input ? build_ops(n->input, job, ops, at) : NULL;
    rt_op *right = n->input2 ? build_ops(n->input2, job, ops, at) : NULL;
    rt_op *op = &ops[*at];
    *op = (rt_op){vt_for(n), n, NULL, job, NULL, *at};
    op->ninputs = n->input2 ? 2 : 1;
    (*at)++;
    if (left) left->next = op;
    if (right) {
        right->next = op;
        right->side = 1;
    }
    return op;
}

/* A checkpoint: operators downstream first (sinks flush before state and positions are
 * written), one commit of the store, then the operators' commit notifications. */
static int checkpoint_all(rt_job *job, rt_op *ops, int nops, int64_t *count, char **err) {
    rt_crash_point("checkpoint.before-state");
    for (int i = nops - 1; i >= 0; i--)
        if (ops[i].vt->checkpoint(&ops[i], err) < 0) return -1;
    if (job->durable) {
        rt_crash_point("checkpoint.before-commit");
        if (rt_store_commit(job->store, err) < 0) return -1;
        rt_crash_point("checkpoint.after-commit");
        (*count)++;
    }
    for (int i = nops - 1; i >= 0; i--)
        if (ops[i].vt->committed && ops[i].vt->committed(&ops[i], err) < 0) return -1;
    return 0;
}

/* Opens the job's store: durable under the state dir, or temporary. */
static rt_store *open_store(const pl_plan *plan, const rt_job_opts *o, rt_job *job, char **name, char **path,
                            bool *resumed, char **err) {
    *name = rt_job_name(plan, o->session);
    *path = NULL;
    job->durable = rt_job_durable(plan, o->session);
    if (job->durable && !(*path = rt_job_state_path(*name, o->session, err))) return NULL;
    char *plan_text = NULL;
    char *fp = rt_job_fingerprint(plan, &plan_text);
    rt_store *st = rt_store_open(*path, *name, fp, plan_text, resumed, err);
    free(fp);
    free(plan_text);
    return st;
}

int rt_job_run(const pl_plan *plan, const rt_job_opts *o, rt_job_stats *stats, char **err) {
    rt_job job = {0};
    job.plan = plan;
    job.session = o->session;
    job.batch_size = o->batch_size > 0 ? o->batch_size : 1024;
    job.on_rows = o->on_rows;
    job.on_rows_ud = o->on_rows_ud;
    job.mini_batch = sl_options_get_bool(o->session, "table.exec.mini-batch.enabled", false);

    char *name = NULL, *path = NULL;
    bool resumed = false;
    job.store = open_store(plan, o, &job, &name, &path, &resumed, err);
    job.name = name;
    if (!job.store) {
        free(name);
        free(path);
        return -1;
    }

    /* ops in post-order (inputs first, the left one before the right one): a chain's leaf is
     * ops[0] and its root ops[nops-1]; the collector of a bare SELECT comes last */
    int nnodes = count_nodes(plan->root), nstateful = 0;
    int nops = nnodes + (plan->is_insert ? 0 : 1);
    rt_op *ops = calloc((size_t)nops, sizeof(rt_op));
    int at = 0;
    build_ops(plan->root, &job, ops, &at);
    if (!plan->is_insert) {
        ops[nops - 1] = (rt_op){&rt_collect_vt, plan->root, NULL, &job, NULL, nops - 1};
        ops[nops - 2].next = &ops[nops - 1];
    }
    for (int i = 0; i < nops; i++)
        nstateful += ops[i].node->kind == PL_N_AGG || ops[i].node->kind == PL_N_NORMALIZE ||
                     ops[i].node->kind >= PL_N_WINDOW_AGG;
    int64_t budget = rt_size_bytes(sl_options_get(o->session, "state.cache-size"), 256 << 20);
    if (budget < (1 << 20)) budget = 1 << 20;
    job.state_budget = (size_t)budget / (size_t)(nstateful ? nstateful : 1);
    int i;

    if (o->on_start) {
        rt_job_info info = {name, path, resumed, rt_store_checkpoint_id(job.store)};
        o->on_start(o->on_start_ud, &info);
    }

    int rc = 0;
    int opened = 0;
    /* open downstream first, so sinks (and their topics) exist before data flows */
    for (i = nops - 1; i >= 0; i--, opened++)
        if (ops[i].vt->open(&ops[i], err) < 0) {
            ops[i].vt->close(&ops[i]); /* frees what a half-done open allocated */
            rc = -1;
            break;
        }

    /* what the sinks' recoveries delivered at open is confirmed before data flows (R3) */
    if (rc == 0 && job.durable && rt_store_commit(job.store, err) < 0) rc = -1;

    int64_t interval = rt_duration_ms(sl_options_get(o->session, "execution.checkpointing.interval"), 1000);
    int64_t last = now_ms(), checkpoints = 0, last_progress = now_ms();
    bool stopped = false;
    bool *ended = calloc((size_t)nops, sizeof(bool));
    int live = 0;
    for (i = 0; i < nops; i++) live += ops[i].vt->poll != NULL;
    while (rc == 0 && live > 0) {
        if (o->stop && *o->stop) { stopped = true; break; }
        /* every live source in turn; with several, a quiet one is polled without waiting */
        int got = 0;
        for (i = 0; i < nops && rc == 0; i++) {
            if (!ops[i].vt->poll || ended[i]) continue;
            int r = ops[i].vt->poll(&ops[i], live > 1 ? 0 : 100, err);
            if (r == CN_ERROR) rc = -1;
            else if (r == CN_EOF) { /* its end: the source's last watermark goes out now */
                ended[i] = true;
                live--;
                if (ops[i].vt->finish(&ops[i], err) < 0) rc = -1;
            } else {
                got += r;
            }
        }
        if (rc == 0 && live > 1 && got == 0) {
            struct timespec ts = {0, 20 * 1000000};
            nanosleep(&ts, NULL);
        }
        if (rc == 0 && now_ms() - last >= interval) {
            if (checkpoint_all(&job, ops, nops, &checkpoints, err) < 0) rc = -1;
            last = now_ms();
        }
        report(&job, o, ops, nops, &last_progress);
    }
    if (rc == 0) {
        for (i = 0; i < nops && rc == 0; i++)
            if (!ended[i] && ops[i].vt->finish(&ops[i], err) < 0) rc = -1;
        if (rc == 0 && checkpoint_all(&job, ops, nops, &checkpoints, err) < 0) rc = -1;
        /* and one more, so that the last epoch's delivery is confirmed (its outbox emptied) */
        if (rc == 0 && job.durable && checkpoint_all(&job, ops, nops, &checkpoints, err) < 0) rc = -1;
    }
    /* close what was opened (the last `opened` entries, downstream first) */
    for (i = nops - 1; i >= nops - opened; i--) ops[i].vt->close(&ops[i]);
    rt_store_close(job.store);
    if (stats) {
        fill_stats(&job, stats);
        stats->stopped = stopped;
        stats->checkpoints = checkpoints;
    }
    free(ops);
    free(ended);
    free(name);
    free(path);
    return rc;
}
