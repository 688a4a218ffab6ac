/* bench_consume.c: the Kafka source against the physical limit, in one process on the same data:
 * N JSON records of ~150 bytes are produced into the in-process embedded broker (64 partitions:
 * the mock keeps only 5 MiB per partition), then consumed (1) with plain librdkafka (assign +
 * consume_batch_queue: what no decoder can beat) and (2) through cn_source_poll with every field
 * decoded. Prints events/s and the ratio of (2) to (1).
 *
 *   build/bench/bench_consume [N] [runs]      (default 1,000,000 records, 1 run each)
 *
 * To add a measured run: write another `static double xxx_rate(...)` over the same topic and
 * call it from main; produce_dataset() runs once. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../connectors/cn_connector.h"

#define TOPIC "bench-consume"
#define PARTITIONS 64

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Produces n records of ~150 bytes round-robin over the partitions; returns the average size. */
static double produce_dataset(const char *bootstrap, long n) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "linger.ms", "20", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "batch.num.messages", "10000", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    static const char *countries[] = {"DE", "FR", "US", "GB", "IT", "ES", "NL", "PL"};
    char buf[256];
    double bytes = 0;
    for (long i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf,
                           "{\"order_id\":%ld,\"customer\":\"customer-%05ld\",\"amount\":%ld.%02ld,"
                           "\"country\":\"%s\",\"category\":\"electronics\","
                           "\"ts\":\"2024-05-01 10:%02ld:%02ld.000\",\"note\":\"padding text\"}",
                           i, i % 50000, (i * 7919) % 1000, i % 100, countries[i % 8], (i / 60) % 60, i % 60);
        bytes += len;
        while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(TOPIC), RD_KAFKA_V_PARTITION((int32_t)(i % PARTITIONS)),
                                 RD_KAFKA_V_VALUE(buf, (size_t)len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(rk, 10);
        rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 60000);
    rd_kafka_destroy(rk);
    return n ? bytes / n : 0;
}

/* Consumes all n records with plain librdkafka (the same client settings as the source:
 * assign(), fetch.wait.max.ms 10, batches of 1024); returns events/s. */
static double raw_consume_rate(const char *bootstrap, long n) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "group.id", "bench-raw", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    const struct rd_kafka_metadata *md;
    rd_kafka_topic_t *t = rd_kafka_topic_new(rk, TOPIC, NULL);
    if (rd_kafka_metadata(rk, 0, t, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(t);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++)
        rd_kafka_topic_partition_list_add(parts, TOPIC, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    double t0 = now_s();
    rd_kafka_assign(rk, parts);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
    rd_kafka_message_t *msgs[1024];
    long got = 0;
    volatile size_t sink = 0; /* touch the payload like a decoder would have to */
    while (got < n && now_s() - t0 < 120) {
        ssize_t k = rd_kafka_consume_batch_queue(q, 100, msgs, 1024);
        for (ssize_t i = 0; i < k; i++) {
            if (!msgs[i]->err) {
                got++;
                sink += ((const char *)msgs[i]->payload)[0];
            }
            rd_kafka_message_destroy(msgs[i]);
        }
    }
    double dt = now_s() - t0;
    rd_kafka_queue_destroy(q);
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    if (got < n) fprintf(stderr, "raw consume: only %ld of %ld records\n", got, n);
    return got / dt;
}

/* Reads the whole topic through cn_source_poll (bounded latest-offset, batches of 1024) with
 * every field decoded (extra_key "#one": only order_id, as a projection would), plus an optional
 * extra table option; returns events/s (open included, as a job pays it). */
static double source_rate(long n, const char *extra_key, const char *extra_val) {
    static const struct { const char *name; int type; } fields[] = {
        {"order_id", SL_T_BIGINT}, {"customer", SL_T_STRING}, {"amount", SL_T_DOUBLE}, {"country", SL_T_STRING},
        {"category", SL_T_STRING}, {"ts", SL_T_TIMESTAMP}, {"note", SL_T_STRING}};
    enum { NF = 7 };
    cn_column cols[NF];
    for (int i = 0; i < NF; i++) {
        cols[i].name = fields[i].name;
        cols[i].type = sl_type_make((sl_type_id)fields[i].type);
        if (fields[i].type == SL_T_TIMESTAMP) cols[i].type.precision = 3;
        cols[i].out = i;
        cols[i].from = CN_FROM_VALUE;
    }
    sl_options opts = {0}, session = {0};
    sl_options_set(&opts, "connector", "kafka");
    sl_options_set(&opts, "topic", TOPIC);
    sl_options_set(&opts, "format", "json");
    sl_options_set(&opts, "scan.startup.mode", "earliest-offset");
    sl_options_set(&opts, "scan.bounded.mode", "latest-offset");
    int ncols = NF;
    if (extra_key && !strcmp(extra_key, "#one")) ncols = 1;
    else if (extra_key) sl_options_set(&opts, extra_key, extra_val);
    cn_spec spec = {"bench", &opts, &session, cols, ncols, NF};
    char *err = NULL;
    double t0 = now_s();
    cn_source *s = cn_source_open(&spec, &err);
    if (!s) {
        fprintf(stderr, "source: %s\n", err);
        exit(1);
    }
    sl_batch b;
    sl_batch_init(&b, NF, 1024);
    long rows = 0;
    volatile int64_t check = 0;
    for (;;) {
        int r = cn_source_poll(s, &b, 100, &err);
        if (r == CN_EOF) break;
        if (r == CN_ERROR) {
            fprintf(stderr, "source: %s\n", err);
            exit(1);
        }
        rows += r;
        if (r) check += sl_batch_row(&b, 0)[0].i;
    }
    double dt = now_s() - t0;
    cn_source_close(s);
    sl_batch_free(&b);
    sl_options_free(&opts);
    if (rows != n) fprintf(stderr, "source: read %ld of %ld records\n", rows, n);
    return rows / dt;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median of `runs` calls of f. */
#define MEDIAN(runs, expr)                                    \
    ({                                                        \
        double v_[16];                                        \
        int k_ = (runs) > 16 ? 16 : (runs);                   \
        for (int i_ = 0; i_ < k_; i_++) v_[i_] = (expr);      \
        qsort(v_, (size_t)k_, sizeof(double), cmp_double);    \
        v_[k_ / 2];                                           \
    })

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    if (n <= 0 || runs <= 0) {
        fprintf(stderr, "usage: bench_consume [records] [runs]\n");
        return 2;
    }
    char *err = NULL;
    sl_options none = {0};
    const char *bootstrap = cn_bootstrap_for(&none, &none, &err);
    if (!bootstrap || cn_ensure_topic(bootstrap, TOPIC, PARTITIONS, &err) < 0) {
        fprintf(stderr, "bench_consume: %s\n", err ? err : "no broker");
        return 1;
    }
    double t0 = now_s();
    double avg = produce_dataset(bootstrap, n);
    double prod = n / (now_s() - t0);
    printf("records: %ld JSON values of %.0f bytes on average, %d partitions, embedded broker; median of %d run(s)\n",
           n, avg, PARTITIONS, runs);
    printf("produce:                      %10.0f events/s\n", prod);
    double raw = MEDIAN(runs, raw_consume_rate(bootstrap, n));
    printf("raw librdkafka consume:       %10.0f events/s\n", raw);
    double src = MEDIAN(runs, source_rate(n, NULL, NULL));
    printf("cn_source_poll, all 7 fields: %10.0f events/s  (%.2f of raw)\n", src, src / raw);
    double one = MEDIAN(runs, source_rate(n, "#one", NULL));
    printf("cn_source_poll, 1 field:      %10.0f events/s  (%.2f of raw)\n", one, one / raw);
    fflush(stdout);
    cn_broker_shutdown();
    return 0;
}
