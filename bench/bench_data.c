/* bench_data.c: the benchmarks' shared data set and raw consume rate (see bench_data.h). */
#include "bench_data.h"

#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define PARTITIONS BENCH_PARTITIONS

double bench_now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The ts text of record i: cycling minutes and seconds of one hour (the data set of the
 * original benchmarks), or, with event_time, 2024-05-01 10:00:00 + i ms minus up to 2 s of
 * disorder (19 digits and ".mmm" either way, so the records keep their size). */
static void ts_of(long i, int event_time, char *out, size_t cap) {
    if (!event_time) {
        snprintf(out, cap, "2024-05-01 10:%02ld:%02ld.000", (i / 60) % 60, i % 60);
        return;
    }
    const int64_t base_ms = 1714557600000LL; /* 2024-05-01 10:00:00 UTC */
    int64_t ms = base_ms + i - (i * 7919) % 2000;
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* Produces n records of ~150 bytes round-robin over the partitions; returns the average size. */
static double produce(const char *bootstrap, const char *topic, long n, int event_time) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "linger.ms", "20", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "batch.num.messages", "10000", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    static const char *countries[] = {"DE", "FR", "US", "GB", "IT", "ES", "NL", "PL"};
    char buf[256], ts[40];
    double bytes = 0;
    for (long i = 0; i < n; i++) {
        ts_of(i, event_time, ts, sizeof ts);
        int len = snprintf(buf, sizeof buf,
                           "{\"order_id\":%ld,\"customer\":\"customer-%05ld\",\"amount\":%ld.%02ld,"
                           "\"country\":\"%s\",\"category\":\"electronics\","
                           "\"ts\":\"%s\",\"note\":\"padding text\"}",
                           i, i % 50000, (i * 7919) % 1000, i % 100, countries[i % 8], ts);
        bytes += len;
        while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION((int32_t)(i % PARTITIONS)),
                                 RD_KAFKA_V_VALUE(buf, (size_t)len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(rk, 10);
        rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 60000);
    rd_kafka_destroy(rk);
    return n ? bytes / n : 0;
}

double bench_produce(const char *bootstrap, const char *topic, long n) { return produce(bootstrap, topic, n, 0); }

double bench_produce_event_time(const char *bootstrap, const char *topic, long n) {
    return produce(bootstrap, topic, n, 1);
}

/* Consumes all n records with plain librdkafka (the same client settings as the source:
 * assign(), fetch.wait.max.ms 10, batches of 1024); returns events/s. */
double bench_raw_consume(const char *bootstrap, const char *topic, long n) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "group.id", "bench-raw", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    const struct rd_kafka_metadata *md;
    rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
    if (rd_kafka_metadata(rk, 0, t, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(t);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++)
        rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    double t0 = bench_now_s();
    rd_kafka_assign(rk, parts);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
    rd_kafka_message_t *msgs[1024];
    long got = 0;
    volatile size_t sink = 0; /* touch the payload like a decoder would have to */
    while (got < n && bench_now_s() - t0 < 120) {
        ssize_t k = rd_kafka_consume_batch_queue(q, 100, msgs, 1024);
        for (ssize_t i = 0; i < k; i++) {
            if (!msgs[i]->err) {
                got++;
                sink += ((const char *)msgs[i]->payload)[0];
            }
            rd_kafka_message_destroy(msgs[i]);
        }
    }
    double dt = bench_now_s() - t0;
    rd_kafka_queue_destroy(q);
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    if (got < n) fprintf(stderr, "raw consume: only %ld of %ld records\n", got, n);
    return got / dt;
}

