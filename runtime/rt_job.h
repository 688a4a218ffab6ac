/* rt_job.h: running a planned query to completion (bounded input) or until stopped, with its
 * state and checkpoints. */
#ifndef RT_JOB_H
#define RT_JOB_H

#include <signal.h>
#include "rt_op.h"

/* What a job is, told to the caller once its state is open (before data flows). */
typedef struct rt_job_info {
    const char *name;          /* 'pipeline.name' or derived from the statement */
    const char *state_path;    /* the SQLite database; NULL when the state is not kept */
    bool resumed;              /* continues from a checkpoint */
    int64_t checkpoint;        /* ... this one */
} rt_job_info;

typedef struct rt_job_stats {
    int64_t rows_in, rows_out, skipped, dead_lettered, late;
    int64_t checkpoints;              /* checkpoints committed by this run */
    bool stopped;                     /* ended by *stop rather than by the end of its input */
} rt_job_stats;

typedef struct rt_job_opts {
    const sl_options *session;        /* SET values (defaults for connectors, intervals) */
    volatile sig_atomic_t *stop;      /* set nonzero (e.g. by SIGINT) to stop the job cleanly */
    rt_rows_fn on_rows;               /* result rows of a query without a sink */
    void *on_rows_ud;
    int batch_size;                   /* rows per batch; 0: 1024 */
    void (*on_start)(void *ud, const rt_job_info *info);
    void *on_start_ud;
    /* Optional: about once a second while the job runs, its counts so far (a progress line,
     * the late rows of a running query). */
    void (*on_progress)(void *ud, const rt_job_stats *so_far);
    void *on_progress_ud;
    /* Optional: set nonzero (e.g. by SIGQUIT) to get the watermark report (rt_diag.h) through
     * on_report (stderr when NULL); the job clears it. */
    volatile sig_atomic_t *diagnose;
    void (*on_report)(void *ud, const char *text);
    void *on_report_ud;
} rt_job_opts;

/* Runs the plan. Every 'execution.checkpointing.interval' (default 1 s) and at the end the
 * job takes a checkpoint: sinks flush (their output is acknowledged), stateful operators
 * write dirty state and sources their positions into the state store, and one SQLite commit
 * makes state and positions durable together; then Kafka group offsets are committed for
 * visibility. A job with durable state (rt_job_durable) resumes from its last checkpoint: its
 * sources restart at the checkpoint's positions and its operators find their state there.
 * Returns 0, or -1 with *err (malloc'd). */
int rt_job_run(const pl_plan *plan, const rt_job_opts *o, rt_job_stats *stats, char **err);

/* Parses a duration setting like '1 s', '500 ms', '2min', '1000' (ms); dflt when absent/bad. */
int64_t rt_duration_ms(const char *text, int64_t dflt);
/* Parses a size setting like '64 mb', '1gb', '65536' (bytes); dflt when absent/bad. */
int64_t rt_size_bytes(const char *text, int64_t dflt);

/* ---- identity and state location (rt_job_id.c) ---- */

/* The job's name (malloc'd): 'pipeline.name' (made safe as a file name), else a slug of the
 * statement's first words and a hash of its normalized text. */
char *rt_job_name(const pl_plan *p, const sl_options *session);
/* <state dir>/<name>/state.db (malloc'd), creating the directories; NULL + *err. */
char *rt_job_state_path(const char *name, const sl_options *session, char **err);
/* Whether the job keeps durable state: an INSERT reading a Kafka source, with a Kafka table
 * on a broker outside this process ('sluice.state.durable' = 'true'/'false' overrides). A
 * job on the in-process embedded broker cannot resume (its topics die with the process). */
bool rt_job_durable(const pl_plan *p, const sl_options *session);
/* The plan's fingerprint (malloc'd hex) and, in *plan_text, its EXPLAIN text (malloc'd). */
char *rt_job_fingerprint(const pl_plan *p, char **plan_text);

#endif
