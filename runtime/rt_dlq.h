/* rt_dlq.h: a source's dead-letter topic ('scan.dlq.topic' on a kafka or upsert-kafka table).
 *
 * A record the source cannot decode is neither fatal nor silently dropped: it goes to the
 * dead-letter topic as it was (raw key and value) with headers saying why and where from
 * (sluice-error, sluice-topic, sluice-partition, sluice-offset), and is counted. Its delivery has
 * the job's guarantee: with exactly-once it goes through the outbox like a sink's records (the
 * dead-letter record is in the topic exactly once iff the input position past it is committed),
 * else it is produced at once and acknowledged before the next checkpoint commits. */
#ifndef RT_DLQ_H
#define RT_DLQ_H

#include "../connectors/cn_connector.h"
#include "rt_op.h"

typedef struct rt_dlq rt_dlq;

/* The dead-letter channel `channel` of a source opened with `spec`, to `topic`. NULL + *err. */
rt_dlq *rt_dlq_open(rt_job *job, const cn_spec *spec, const char *topic, int channel, char **err);
/* Sends n rejected records. 0 or -1. */
int rt_dlq_send(rt_dlq *d, const cn_reject *r, int n, char **err);
/* The checkpoint's part (before the commit) and what follows the commit. 0 or -1. */
int rt_dlq_checkpoint(rt_dlq *d, char **err);
int rt_dlq_committed(rt_dlq *d, char **err);
/* Records sent so far. */
int64_t rt_dlq_count(const rt_dlq *d);
void rt_dlq_close(rt_dlq *d);

#endif
