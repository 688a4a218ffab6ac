/* rt_outbox.h: exactly-once delivery of one channel (a Kafka sink, or a source's dead-letter
 * topic) through the job's SQLite outbox, as docs/exactly-once.md argues it:
 *
 *   during an epoch    rt_outbox_add: records are numbered and kept in the open transaction
 *   checkpoint, C1-C3  rt_outbox_prepare: what the previous commit released is acknowledged
 *                      (else recovered), deleted, and the scan starts and next number recorded
 *   C4                 the job commits the store
 *   C5                 rt_outbox_deliver: the records the commit made durable are produced,
 *                      tagged sluice-job / sluice-sink / sluice-seq
 *   at open, R1-R2     rt_outbox_recover: what an earlier run left in the outbox is looked for in
 *                      the output partitions and only the missing records are produced; the job
 *                      commits afterwards (R3). */
#ifndef RT_OUTBOX_H
#define RT_OUTBOX_H

#include "../common/sl_options.h"
#include "../connectors/cn_connector.h"
#include "rt_store.h"

typedef struct rt_outbox rt_outbox;

/* The delivery of channel `channel` (its number in the job, part of every record's tag) of
 * job `job` through `sink`. Settings: 'sink.recovery.grace' (wait before a recovery reads the
 * output; default 0 ms), 'sink.delivery.timeout' (how long a checkpoint waits for
 * acknowledgements before it recovers; default 60 s), 'sink.delivery.retries' (recoveries in
 * a row before the job stops; default 10). NULL + *err. */
rt_outbox *rt_outbox_open(rt_store *store, cn_sink *sink, const char *job, int channel, const sl_options *session,
                          char **err);
void rt_outbox_close(rt_outbox *o);

/* Numbers record r and appends it to the outbox, in the open transaction. 0 or -1. */
int rt_outbox_add(rt_outbox *o, const cn_record *r, char **err);
/* C1-C3, before the checkpoint's commit. 0 or -1 (the job stops; its last checkpoint and the
 * outbox stay for a restart). */
int rt_outbox_prepare(rt_outbox *o, char **err);
/* C5, after the commit: produces the newly durable records (acknowledgements are awaited by
 * the next prepare). 0 or -1. */
int rt_outbox_deliver(rt_outbox *o, char **err);
/* R1-R2 at open: delivers what the outbox holds, each record exactly once, and empties it in
 * the open transaction (the caller commits). 0 or -1. */
int rt_outbox_recover(rt_outbox *o, char **err);
/* Records delivered (acknowledged) by this run so far. */
int64_t rt_outbox_delivered(const rt_outbox *o);

#endif
