/* rt_diag.h: "why is there no output yet?": a report of a running job's event time: each
 * source's watermark and each of its partitions' (which one holds the minimum, which are
 * idle), and for each window operator its watermark, how many window ends wait and when the
 * earliest fires. The shell prints it on Ctrl-\ (SIGQUIT) or SIGUSR1 while a query runs. */
#ifndef RT_DIAG_H
#define RT_DIAG_H

#include <stdint.h>
#include "../common/sl_buf.h"
#include "rt_op.h"

/* Appends the report over the job's operators (now_ms: the monotonic clock, for idleness). */
void rt_diag_report(const rt_op *ops, int nops, const char *job_name, int64_t now_ms, sl_buf *out);

#endif
