/* bench_data.h: the data set every benchmark measures on, and the physical limit.
 * N JSON records of ~150 bytes go into the in-process embedded broker over BENCH_PARTITIONS
 * partitions (the mock keeps only 5 MiB per partition); plain librdkafka consuming them all
 * (assign + consume_batch_queue) is the rate no query can beat. */
#ifndef BENCH_DATA_H
#define BENCH_DATA_H

#define BENCH_PARTITIONS 64

/* Monotonic seconds. */
double bench_now_s(void);
/* Produces n records round-robin over the topic's partitions; returns their average size. */
double bench_produce(const char *bootstrap, const char *topic, long n);
/* Consumes all n records with plain librdkafka; returns events/s. */
double bench_raw_consume(const char *bootstrap, const char *topic, long n);

#endif
