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
#include "bench_data.h"

#define TOPIC "bench-consume"
#define PARTITIONS BENCH_PARTITIONS

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
    double t0 = bench_now_s();
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
    double dt = bench_now_s() - t0;
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
    double t0 = bench_now_s();
    double avg = bench_produce(bootstrap, TOPIC, n);
    double prod = n / (bench_now_s() - t0);
    printf("records: %ld JSON values of %.0f bytes on average, %d partitions, embedded broker; median of %d run(s)\n",
           n, avg, PARTITIONS, runs);
    printf("produce:                      %10.0f events/s\n", prod);
    double raw = MEDIAN(runs, bench_raw_consume(bootstrap, TOPIC, n));
    printf("raw librdkafka consume:       %10.0f events/s\n", raw);
    double src = MEDIAN(runs, source_rate(n, NULL, NULL));
    printf("cn_source_poll, all 7 fields: %10.0f events/s  (%.2f of raw)\n", src, src / raw);
    double one = MEDIAN(runs, source_rate(n, "#one", NULL));
    printf("cn_source_poll, 1 field:      %10.0f events/s  (%.2f of raw)\n", one, one / raw);
    fflush(stdout);
    cn_broker_shutdown();
    return 0;
}
