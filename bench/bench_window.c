/* bench_window.c: event-time window aggregation throughput (issue 6), in one process and on
 * the same data as the other benchmarks (N JSON records of ~150 bytes in the in-process
 * embedded broker), except that `ts` is event time that mostly increases (record i at
 * 2024-05-01 10:00:00 + i ms, up to 2 s of disorder: bench_produce_event_time) and the table
 * declares WATERMARK FOR ts AS ts - INTERVAL '5' SECOND. Into a blackhole sink:
 *   - passthrough: SELECT * over the same table (the baseline, WATERMARK declared),
 *   - TUMBLE: 1-minute windows per country, COUNT(*), SUM(amount), MAX(amount),
 *   - HOP: the same over 10-minute windows sliding by 1 minute (every row in 10 windows).
 * Prints events/s, the ratio to passthrough, the process's CPU seconds during the job (user +
 * system of every thread, the embedded broker's included: steadier than the wall clock on a
 * busy machine), and what each job reports: rows read, rows written and late rows dropped (which must be 0: a late row is not aggregated, so a job
 * that dropped rows would look faster than it is).
 *
 *   build/bench/bench_window [N] [runs] [only]   (default 1,000,000 records, 1 run; only:
 *                                                 tumble or hop runs that query alone, for perf)
 */
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../connectors/cn_connector.h"
#include "../shell/sh_session.h"
#include "bench_data.h"

#define TOPIC "bench-orders-event-time"

/* What one job did: its rate, CPU seconds and the figures of its "Job finished" line. */
typedef struct job_result {
    double rate, cpu;
    long long read, written, late;
} job_result;

/* User + system CPU seconds of the whole process so far. */
static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

/* Runs one INSERT job over the whole topic in a fresh session; the session's informational
 * messages go to a memory stream, read back for the job's counts. */
static job_result run_job(const char *query, long n) {
    volatile sig_atomic_t stop = 0;
    sh_session s;
    sh_session_init(&s, false, &stop);
    char *info = NULL;
    size_t info_len = 0;
    FILE *mem = open_memstream(&info, &info_len);
    s.info = mem;
    const char *ddl =
        "CREATE TABLE src (order_id BIGINT, customer STRING, amount DOUBLE, country STRING,"
        " category STRING, ts TIMESTAMP(3), note STRING,"
        " WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'kafka',"
        " 'topic' = '" TOPIC "', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset',"
        " 'scan.bounded.mode' = 'latest-offset');"
        "CREATE TABLE all_sink (order_id BIGINT, customer STRING, amount DOUBLE, country STRING,"
        " category STRING, ts TIMESTAMP(3), note STRING) WITH ('connector' = 'blackhole');"
        "CREATE TABLE win_sink (window_start TIMESTAMP(3), window_end TIMESTAMP(3), country STRING, n BIGINT,"
        " total DOUBLE, top DOUBLE) WITH ('connector' = 'blackhole');";
    if (sh_session_run(&s, ddl) < 0) exit(1);
    double t0 = bench_now_s(), c0 = cpu_s();
    if (sh_session_run(&s, query) < 0) exit(1);
    job_result r = {n / (bench_now_s() - t0), cpu_s() - c0, -1, -1, 0};
    fclose(mem);
    const char *line = info ? strstr(info, "Job finished: ") : NULL;
    if (line) {
        sscanf(line, "Job finished: %lld rows read, %lld rows written", &r.read, &r.written);
        const char *late = strstr(line, "rows written, ");
        if (late) sscanf(late, "rows written, %lld late rows dropped", &r.late);
    }
    free(info);
    sh_session_free(&s);
    return r;
}

/* One line of results: the rate, its ratio to the baseline, and the job's counts. */
static void report(const char *name, job_result r, double base) {
    printf("%-24s %10.0f events/s", name, r.rate);
    if (base > 0) printf("   %3.0f%% of passthrough", 100 * r.rate / base);
    else printf("                      ");
    printf("   CPU %.2f s   read %lld, written %lld, late %lld\n", r.cpu, r.read, r.written, r.late);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    const char *only = argc > 3 ? argv[3] : NULL;
    char *err = NULL;
    sl_options none = {0};
    const char *bootstrap = cn_bootstrap_for(&none, &none, &err);
    if (!bootstrap || cn_ensure_topic(bootstrap, TOPIC, BENCH_PARTITIONS, &err) < 0) {
        fprintf(stderr, "bench: %s\n", err ? err : "no broker");
        return 1;
    }
    printf("records: %ld JSON values of ~150 bytes, %d partitions, embedded broker %s\n", n, BENCH_PARTITIONS,
           bootstrap);
    printf("event time: 2024-05-01 10:00:00 + i ms, up to 2 s disorder; WATERMARK ts - 5 s\n");
    bench_produce_event_time(bootstrap, TOPIC, n);
    const char *tumble =
        "INSERT INTO win_sink SELECT window_start, window_end, country, COUNT(*), SUM(amount), MAX(amount)"
        " FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '1' MINUTE))"
        " GROUP BY window_start, window_end, country;";
    const char *hop =
        "INSERT INTO win_sink SELECT window_start, window_end, country, COUNT(*), SUM(amount), MAX(amount)"
        " FROM TABLE(HOP(TABLE src, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '10' MINUTE))"
        " GROUP BY window_start, window_end, country;";
    for (int run = 1; run <= runs; run++) {
        if (runs > 1) printf("-- run %d\n", run);
        if (only) {
            report(only, run_job(strcmp(only, "hop") ? tumble : hop, n), 0);
            continue;
        }
        double raw = bench_raw_consume(bootstrap, TOPIC, n);
        printf("%-24s %10.0f events/s\n", "raw librdkafka consume", raw);
        job_result pass = run_job("INSERT INTO all_sink SELECT * FROM src;", n);
        report("passthrough", pass, 0);
        report("TUMBLE 1 min", run_job(tumble, n), pass.rate);
        report("HOP 10 min / 1 min", run_job(hop, n), pass.rate);
    }
    cn_broker_shutdown();
    return 0;
}
