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
/* The same records, except that `ts` is event time that mostly increases: record i is at
 * 2024-05-01 10:00:00 + i ms, minus up to 2 s of disorder ((i * 7919) % 2000 ms), so that a
 * WATERMARK of ts - 5 s finds no late record (the window benchmarks). Same sizes. */
double bench_produce_event_time(const char *bootstrap, const char *topic, long n);
/* Consumes all n records with plain librdkafka; returns events/s. */
double bench_raw_consume(const char *bootstrap, const char *topic, long n);

#endif
