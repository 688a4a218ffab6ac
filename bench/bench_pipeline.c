/* bench_pipeline.c: Sluice's end-to-end rate against the physical limit, in one process and
 * on the same data: (1) raw librdkafka consume of N JSON records from the embedded broker,
 * (2) a passthrough query (SELECT * into a blackhole sink: every field decoded),
 * (3) a filter + projection query. Prints events/s and each query's ratio to (1).
 *
 *   build/bench/bench_pipeline [N]      (default 1,000,000 records of ~150 bytes)
 */
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../connectors/cn_connector.h"
#include "../shell/sh_session.h"

#define TOPIC "bench-orders"
#define PARTITIONS 64 /* the embedded broker keeps 5 MiB per partition */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Produces n records of ~150 bytes round-robin over the topic's partitions. */
static void produce(const char *bootstrap, long n) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "linger.ms", "20", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "batch.num.messages", "10000", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    static const char *countries[] = {"DE", "FR", "US", "GB", "IT", "ES", "NL", "PL"};
    char buf[256];
    for (long i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf,
                           "{\"order_id\":%ld,\"customer\":\"customer-%05ld\",\"amount\":%ld.%02ld,"
                           "\"country\":\"%s\",\"category\":\"electronics\","
                           "\"ts\":\"2024-05-01 10:%02ld:%02ld.000\",\"note\":\"padding text\"}",
                           i, i % 50000, (i * 7919) % 1000, i % 100, countries[i % 8], (i / 60) % 60, i % 60);
        while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(TOPIC), RD_KAFKA_V_PARTITION((int32_t)(i % PARTITIONS)),
                                 RD_KAFKA_V_VALUE(buf, (size_t)len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(rk, 10);
        rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 60000);
    rd_kafka_destroy(rk);
}

/* Consumes all n records with plain librdkafka (assign + consume_batch_queue): the limit. */
static double raw_consume(const char *bootstrap, long n) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "group.id", "bench-raw", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    const struct rd_kafka_metadata *md;
    rd_kafka_topic_t *t = rd_kafka_topic_new(rk, TOPIC, NULL);
    rd_kafka_metadata(rk, 0, t, &md, 5000);
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(t);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++)
        rd_kafka_topic_partition_list_add(parts, TOPIC, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    double t0 = now_s();
    rd_kafka_assign(rk, parts);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
    rd_kafka_message_t *msgs[1024];
    long got = 0;
    while (got < n) {
        ssize_t k = rd_kafka_consume_batch_queue(q, 100, msgs, 1024);
        for (ssize_t i = 0; i < k; i++) {
            if (!msgs[i]->err) got++;
            rd_kafka_message_destroy(msgs[i]);
        }
    }
    double dt = now_s() - t0;
    rd_kafka_queue_destroy(q);
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return n / dt;
}

/* Runs one INSERT job over the whole topic and returns its events/s. */
static double run_query(const char *name, const char *query, long n) {
    volatile sig_atomic_t stop = 0;
    sh_session s;
    sh_session_init(&s, false, &stop);
    FILE *devnull = fopen("/dev/null", "w");
    s.info = devnull;
    const char *ddl =
        "CREATE TABLE src (order_id BIGINT, customer STRING, amount DOUBLE, country STRING,"
        " category STRING, ts TIMESTAMP(3), note STRING) WITH ('connector' = 'kafka',"
        " 'topic' = '" TOPIC "', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset',"
        " 'scan.bounded.mode' = 'latest-offset');"
        "CREATE TABLE all_sink (order_id BIGINT, customer STRING, amount DOUBLE, country STRING,"
        " category STRING, ts TIMESTAMP(3), note STRING) WITH ('connector' = 'blackhole');"
        "CREATE TABLE few_sink (order_id BIGINT, who STRING, amount_eur DOUBLE) WITH ('connector' = 'blackhole');";
    if (sh_session_run(&s, ddl) < 0) exit(1);
    double t0 = now_s();
    if (sh_session_run(&s, query) < 0) exit(1);
    double rate = n / (now_s() - t0);
    fclose(devnull);
    sh_session_free(&s);
    (void)name;
    return rate;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char *err = NULL;
    sl_options none = {0};
    const char *bootstrap = cn_bootstrap_for(&none, &none, &err);
    if (!bootstrap || cn_ensure_topic(bootstrap, TOPIC, PARTITIONS, &err) < 0) {
        fprintf(stderr, "bench: %s\n", err ? err : "no broker");
        return 1;
    }
    printf("records: %ld JSON values of ~150 bytes, %d partitions, embedded broker %s\n", n, PARTITIONS, bootstrap);
    double t0 = now_s();
    produce(bootstrap, n);
    printf("produce:                  %10.0f events/s\n", n / (now_s() - t0));
    double raw = raw_consume(bootstrap, n);
    printf("raw librdkafka consume:   %10.0f events/s   (the limit)\n", raw);
    double pass = run_query("passthrough", "INSERT INTO all_sink SELECT * FROM src;", n);
    printf("sluice passthrough:       %10.0f events/s   %.0f%% of raw consume\n", pass, 100 * pass / raw);
    double filt = run_query("filter+projection",
                            "INSERT INTO few_sink SELECT order_id, UPPER(customer), amount * 0.92 FROM src"
                            " WHERE amount > 100 AND country IN ('DE', 'FR');", n);
    printf("sluice filter+projection: %10.0f events/s   %.0f%% of raw consume\n", filt, 100 * filt / raw);
    cn_broker_shutdown();
    return 0;
}
