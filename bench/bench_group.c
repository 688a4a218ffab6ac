/* bench_group.c: continuous GROUP BY throughput for 1k and 1M keys, in one process and on the
 * same data, against the limits that matter for it:
 *   - the raw librdkafka consume rate and Sluice's passthrough rate (the pipeline without the
 *     aggregate),
 *   - SQLite's own per-row upsert rate (the same arithmetic as one prepared
 *     INSERT ... ON CONFLICT DO UPDATE per record, 10,000 per transaction, WAL, random keys):
 *     what keeping state in SQLite on the per-record path would cost,
 *   - an in-memory open-addressing hash map doing the same arithmetic over pre-decoded values
 *     (no decoding, no changelog): the ceiling of the aggregation itself.
 * Each GROUP BY runs twice: with state in memory only (what a job on the in-process broker
 * gets) and with durable state (SQLite checkpoints every second, as a job on a real broker).
 *
 *   build/bench/bench_group [N]      (default 1,000,000 records of ~150 bytes)
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../connectors/cn_connector.h"
#include "../shell/sh_session.h"
#include "bench_data.h"

#define TOPIC "bench-orders"

/* The key of record i for a key space of `keys` (as the SQL computes it: MOD(order_id, keys)),
 * and its amount (as bench_data.c writes it). */
static long key_of(long i, long keys) { return i % keys; }
static double amount_of(long i) { return (double)((i * 7919) % 1000) + (double)(i % 100) / 100.0; }

/* Runs statements in a fresh session with the given settings; returns events/s of the last. */
static double run_job(const char *settings, const char *query, long n) {
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
        "CREATE TABLE agg_sink (k BIGINT, n BIGINT, total DOUBLE, top DOUBLE) WITH ('connector' = 'blackhole');";
    if (sh_session_run(&s, ddl) < 0 || (settings && sh_session_run(&s, settings) < 0)) exit(1);
    double t0 = bench_now_s();
    if (sh_session_run(&s, query) < 0) exit(1);
    double rate = n / (bench_now_s() - t0);
    fclose(devnull);
    sh_session_free(&s);
    return rate;
}

/* SQLite's per-record upsert rate: the aggregate's arithmetic as an upsert per record, random
 * keys from a key space of `keys`, 10,000 records per transaction, WAL on a file. */
static double sqlite_upsert_rate(long n, long keys, const char *dir) {
    char path[512];
    snprintf(path, sizeof path, "%s/upsert.db", dir);
    unlink(path);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) return 0;
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE agg(k INTEGER PRIMARY KEY, n INTEGER, total REAL, top REAL);", NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO agg VALUES (?1, 1, ?2, ?2) ON CONFLICT(k) DO UPDATE SET n = n + 1,"
                           " total = total + excluded.total, top = max(top, excluded.top)", -1, &st, NULL);
    uint64_t rng = 42;
    double t0 = bench_now_s();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (long i = 0; i < n; i++) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)((rng >> 17) % (uint64_t)keys));
        sqlite3_bind_double(st, 2, amount_of(i));
        sqlite3_step(st);
        sqlite3_reset(st);
        if (i % 10000 == 9999) sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double rate = n / (bench_now_s() - t0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    unlink(path);
    return rate;
}

/* The same arithmetic in an open-addressing hash map over pre-decoded keys and amounts. */
typedef struct slot {
    long k;
    long n;
    double total, top;
    int used;
} slot;

static double hashmap_rate(long n, long keys) {
    long *k = malloc(sizeof(long) * (size_t)n);
    double *a = malloc(sizeof(double) * (size_t)n);
    for (long i = 0; i < n; i++) k[i] = key_of(i, keys), a[i] = amount_of(i);
    size_t cap = 1;
    while (cap < (size_t)keys * 2) cap <<= 1;
    slot *t = calloc(cap, sizeof *t);
    double t0 = bench_now_s();
    for (long i = 0; i < n; i++) {
        size_t h = ((uint64_t)k[i] * 0x9E3779B97F4A7C15ULL) >> 20 & (cap - 1);
        while (t[h].used && t[h].k != k[i]) h = (h + 1) & (cap - 1);
        slot *s = &t[h];
        if (!s->used) { s->used = 1; s->k = k[i]; s->top = a[i]; }
        s->n++;
        s->total += a[i];
        if (a[i] > s->top) s->top = a[i];
    }
    double rate = n / (bench_now_s() - t0);
    volatile double sink = t[0].total;
    (void)sink;
    free(k), free(a), free(t);
    return rate;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char *err = NULL;
    sl_options none = {0};
    const char *bootstrap = cn_bootstrap_for(&none, &none, &err);
    if (!bootstrap || cn_ensure_topic(bootstrap, TOPIC, BENCH_PARTITIONS, &err) < 0) {
        fprintf(stderr, "bench: %s\n", err ? err : "no broker");
        return 1;
    }
    char dir[] = "/tmp/sluice-bench-group-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    printf("records: %ld JSON values of ~150 bytes, %d partitions, embedded broker %s\n", n, BENCH_PARTITIONS,
           bootstrap);
    bench_produce(bootstrap, TOPIC, n);
    double raw = bench_raw_consume(bootstrap, TOPIC, n);
    printf("raw librdkafka consume:        %10.0f events/s\n", raw);
    double pass = run_job(NULL, "INSERT INTO all_sink SELECT * FROM src;", n);
    printf("sluice passthrough:            %10.0f events/s   %.0f%% of raw consume\n", pass, 100 * pass / raw);
    const long spaces[2] = {1000, 1000000};
    long only = argc > 2 ? atol(argv[2]) : 0; /* one key space only (for profiling) */
    for (int i = 0; i < 2; i++) {
        if (only && spaces[i] != only) continue;
        long keys = spaces[i] < n ? spaces[i] : n;
        char q[512], durable[768];
        snprintf(q, sizeof q,
                 "INSERT INTO agg_sink SELECT MOD(order_id, %ld), COUNT(*), SUM(amount), MAX(amount) FROM src"
                 " GROUP BY MOD(order_id, %ld);", keys, keys);
        snprintf(durable, sizeof durable,
                 "SET 'sluice.state.durable' = 'true'; SET 'state.dir' = '%s/state-%ld';"
                 " SET 'execution.checkpointing.interval' = '1 s';", dir, keys);
        printf("-- GROUP BY over %ld keys: COUNT(*), SUM, MAX\n", keys);
        double sq = sqlite_upsert_rate(n, keys, dir);
        printf("sqlite upsert per record:      %10.0f events/s   (random keys, 10k per transaction)\n", sq);
        double hm = hashmap_rate(n, keys);
        printf("in-memory hash map:            %10.0f events/s   (pre-decoded values, no changelog)\n", hm);
        double mem = run_job(NULL, q, n);
        printf("sluice, state in memory:       %10.0f events/s   %.0f%% of passthrough, %.1fx sqlite upserts\n", mem,
               100 * mem / pass, mem / sq);
        double dur = run_job(durable, q, n);
        printf("sluice, durable checkpoints:   %10.0f events/s   %.0f%% of passthrough, %.1fx sqlite upserts\n", dur,
               100 * dur / pass, dur / sq);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench: could not remove %s\n", dir);
    cn_broker_shutdown();
    return 0;
}
