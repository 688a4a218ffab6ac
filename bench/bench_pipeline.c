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
#include "bench_data.h"

#define TOPIC "bench-orders"
#define PARTITIONS BENCH_PARTITIONS

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
    double t0 = bench_now_s();
    if (sh_session_run(&s, query) < 0) exit(1);
    double rate = n / (bench_now_s() - t0);
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
    double t0 = bench_now_s();
    bench_produce(bootstrap, TOPIC, n);
    printf("produce:                  %10.0f events/s\n", n / (bench_now_s() - t0));
    double raw = bench_raw_consume(bootstrap, TOPIC, n);
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
