/* rt_job.h: running a planned query to completion (bounded input) or until stopped. */
#ifndef RT_JOB_H
#define RT_JOB_H

#include <signal.h>
#include "rt_op.h"

typedef struct rt_job_opts {
    const sl_options *session;        /* SET values (defaults for connectors, intervals) */
    volatile sig_atomic_t *stop;      /* set nonzero (e.g. by SIGINT) to stop the job cleanly */
    rt_rows_fn on_rows;               /* result rows of a query without a sink */
    void *on_rows_ud;
    int batch_size;                   /* rows per batch; 0: 1024 */
} rt_job_opts;

typedef struct rt_job_stats {
    int64_t rows_in, rows_out, skipped;
    bool stopped;                     /* ended by *stop rather than by the end of its input */
} rt_job_stats;

/* Runs the plan. Offsets and sink output are made durable every
 * 'execution.checkpointing.interval' (default 1 s) and at the end: sink flush first, then
 * source offsets commit (at-least-once). Returns 0, or -1 with *err (malloc'd). */
int rt_job_run(const pl_plan *plan, const rt_job_opts *o, rt_job_stats *stats, char **err);

/* Parses a duration setting like '1 s', '500 ms', '2min', '1000' (ms); dflt when absent/bad. */
int64_t rt_duration_ms(const char *text, int64_t dflt);

#endif
