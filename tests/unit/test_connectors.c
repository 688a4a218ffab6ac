/* test_connectors.c: the connectors against the in-process embedded broker: JSON decoding
 * (malformed records, nulls, missing fields, timestamps, decimals, unicode), skip and fail
 * policies, bounded modes, startup modes, metadata columns, sink -> source round trips, datagen,
 * the print sink, an unreachable broker. Exit status nonzero on any failed check. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../../common/sl_format.h"
#include "../../connectors/cn_connector.h"
#include "../../connectors/cn_internal.h" /* cn_broker_command */

static int g_checks, g_failed;

#define CHECK(cond, ...)                                                 \
    do {                                                                 \
        g_checks++;                                                      \
        if (!(cond)) {                                                   \
            g_failed++;                                                  \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                \
            fputc('\n', stderr);                                         \
        }                                                                \
    } while (0)

static sl_options g_session;
static const char *g_boot;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- producing test data ---- */

static rd_kafka_t *g_prod;

static void produce(const char *topic, int partition, const char *key, const char *value, int64_t ts_ms) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        g_prod, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE((void *)value, value ? strlen(value) : 0), RD_KAFKA_V_KEY((void *)key, key ? strlen(key) : 0),
        RD_KAFKA_V_TIMESTAMP(ts_ms), RD_KAFKA_V_END);
    if (e) fprintf(stderr, "produce: %s\n", rd_kafka_err2str(e));
}

static void flush_producer(void) { double t = now_s(); rd_kafka_flush(g_prod, 5000); if (getenv("TEST_VERBOSE")) fprintf(stderr, "  flush %.2f s\n", now_s() - t); }

static void topic(const char *name, int parts) {
    char *err = NULL;
    int rc = cn_ensure_topic(g_boot, name, parts, &err);
    CHECK(rc == 0, "ensure_topic %s: %s", name, err ? err : "");
    free(err);
    if (g_prod) { /* the producer learns the topic now, not at its next metadata refresh (~1 s) */
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(g_prod, name, NULL);
        const struct rd_kafka_metadata *md;
        if (rd_kafka_metadata(g_prod, 0, rkt, &md, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
    }
}

/* ---- columns and specs ---- */

typedef struct tcol {
    const char *name;
    sl_type type;
    int from;
} tcol;

static sl_type ty(int id) { return sl_type_make((sl_type_id)id); }
static sl_type dec(int p, int s) {
    sl_type t = sl_type_make(SL_T_DECIMAL);
    t.precision = (uint8_t)p, t.scale = (uint8_t)s;
    return t;
}
static sl_type tsp(int id, int p) {
    sl_type t = sl_type_make((sl_type_id)id);
    t.precision = (uint8_t)p;
    return t;
}

typedef struct spec_buf {
    sl_options opts;
    cn_column cols[16];
    cn_spec spec;
} spec_buf;

/* Builds a spec: options as "k=v" strings up to NULL; columns in order (out = index). */
static void make_spec(spec_buf *sb, const char *table, const tcol *cols, int ncols, ...) {
    memset(sb, 0, sizeof *sb);
    va_list ap;
    va_start(ap, ncols);
    for (const char *kv; (kv = va_arg(ap, const char *));) {
        const char *eq = strchr(kv, '=');
        char k[128];
        snprintf(k, sizeof k, "%.*s", (int)(eq - kv), kv);
        sl_options_set(&sb->opts, k, eq + 1);
    }
    va_end(ap);
    for (int i = 0; i < ncols; i++) {
        sb->cols[i].name = cols[i].name;
        sb->cols[i].type = cols[i].type;
        sb->cols[i].out = i;
        sb->cols[i].from = (uint8_t)cols[i].from;
    }
    sb->spec = (cn_spec){table, &sb->opts, &g_session, sb->cols, ncols, ncols};
}

/* Reads a bounded source to its end into text lines (sl_format_row, op omitted), returns the
 * count of rows or -1 with *err; stops after 10 s. */
typedef struct result {
    sl_buf text;
    int rows;
    int64_t skipped;
    char *err;
    int64_t ints[64][8]; /* first 64 rows: integer payloads of the first 8 columns */
    bool nulls[64][8];
    char ops[256];       /* op of each row ("+I -U +U ..."), as far as it fits */
    int max_batch;       /* most rows one poll returned */
    bool split_update;   /* a batch ended with a -U row */
} result;

static void read_all(spec_buf *sb, result *r, int batch_cap) {
    memset(r, 0, sizeof *r);
    double t0 = now_s();
    cn_source *s = cn_source_open(&sb->spec, &r->err);
    if (getenv("TEST_VERBOSE")) fprintf(stderr, "  open %.2f s\n", now_s() - t0);
    if (!s) {
        r->rows = -1;
        return;
    }
    sl_type types[16];
    for (int i = 0; i < sb->spec.ncols; i++) types[i] = sb->cols[i].type;
    sl_batch b;
    sl_batch_init(&b, sb->spec.row_width, batch_cap);
    double deadline = now_s() + 10;
    while (now_s() < deadline) {
        int n = cn_source_poll(s, &b, 100, &r->err);
        if (n == CN_EOF) break;
        if (n == CN_ERROR) {
            r->rows = -1;
            break;
        }
        if (b.nrows > r->max_batch) r->max_batch = b.nrows;
        if (b.nrows && b.ops[b.nrows - 1] == SL_OP_UPDATE_BEFORE) r->split_update = true;
        for (int i = 0; i < b.nrows; i++) {
            sl_value *row = sl_batch_row(&b, i);
            size_t ol = strlen(r->ops);
            if (ol + 4 < sizeof r->ops) snprintf(r->ops + ol, sizeof r->ops - ol, "%s%s", ol ? " " : "", sl_op_name(b.ops[i]));
            sl_buf_puts(&r->text, "[");
            for (int c = 0; c < sb->spec.ncols; c++) {
                if (c) sl_buf_puts(&r->text, ", ");
                if (row[c].null) sl_buf_puts(&r->text, "null");
                else if (types[c].id == SL_T_BOOLEAN) sl_buf_puts(&r->text, row[c].i ? "true" : "false");
                else sl_format_value(&r->text, types[c], row[c]);
                if (r->rows < 64 && c < 8) {
                    r->ints[r->rows][c] = row[c].i;
                    r->nulls[r->rows][c] = row[c].null;
                }
            }
            sl_buf_puts(&r->text, "]\n");
            r->rows++;
        }
    }
    r->skipped = cn_source_skipped(s);
    char *e2 = NULL;
    if (r->rows >= 0 && cn_source_commit(s, &e2) < 0) {
        fprintf(stderr, "commit: %s\n", e2);
        r->rows = -2;
    }
    free(e2);
    cn_source_close(s);
    sl_batch_free(&b);
}

static void result_free(result *r) {
    sl_buf_free(&r->text);
    free(r->err);
}

static void spec_free(spec_buf *sb) { sl_options_free(&sb->opts); }

static const char *txt(result *r) { return r->text.data ? r->text.data : ""; }

/* ---- tests ---- */

static const char *JSON_RECORDS[] = {
    "{\"id\":1,\"name\":\"alice\",\"price\":12.5,\"amount\":\"10.25\",\"ts\":\"2024-01-01 10:00:00.123\","
    "\"d\":\"2024-01-02\",\"ok\":true,\"big\":9007199254740993,\"extra\":{\"x\":[1,2]}}",
    "{\"id\":2,\"name\":\"b\\u00f6\xe2\x82\xac\",\"price\":null}",                 /* unicode, null, missing */
    "{\"name\":\"x\\\"y\\n\",\"id\":\"3\",\"amount\":1.005,\"big\":-5}",           /* string number, escapes */
    "{\"id\":4,\"ts\":\"2024-01-01T10:00:00.5\",\"ok\":false,\"amount\":-0.5}",    /* ISO timestamp */
    NULL,                                                                          /* tombstone */
    "{\"id\":5,",                                                                  /* malformed */
    "{\"id\":\"abc\"}",                                                            /* type mismatch */
    "{\"id\":6}",
};

static const tcol JSON_COLS[] = {
    {"id", {SL_T_INT, 0, 0, false, -1}, CN_FROM_VALUE},
    {"name", {SL_T_STRING, 0, 0, false, -1}, CN_FROM_VALUE},
    {"price", {SL_T_DOUBLE, 0, 0, false, -1}, CN_FROM_VALUE},
    {"amount", {SL_T_DECIMAL, 10, 2, false, -1}, CN_FROM_VALUE},
    {"ts", {SL_T_TIMESTAMP, 3, 0, false, -1}, CN_FROM_VALUE},
    {"d", {SL_T_DATE, 0, 0, false, -1}, CN_FROM_VALUE},
    {"ok", {SL_T_BOOLEAN, 0, 0, false, -1}, CN_FROM_VALUE},
    {"big", {SL_T_BIGINT, 0, 0, false, -1}, CN_FROM_VALUE},
};

static void test_json_source(void) {
    topic("t_json", 1);
    for (size_t i = 0; i < sizeof JSON_RECORDS / sizeof *JSON_RECORDS; i++) produce("t_json", 0, NULL, JSON_RECORDS[i], 0);
    flush_producer();

    spec_buf sb;
    result r;
    make_spec(&sb, "orders", JSON_COLS, 8, "connector=kafka", "topic=t_json", "format=json",
              "scan.bounded.mode=latest-offset", "json.ignore-parse-errors=true", NULL);
    read_all(&sb, &r, 100);
    /* the malformed record is skipped; the type mismatch keeps its record with the field NULL
     * (as Flink's json format does under ignore-parse-errors) */
    CHECK(r.rows == 6, "rows %d err %s", r.rows, r.err ? r.err : "");
    CHECK(r.skipped == 1, "skipped %lld", (long long)r.skipped);
    const char *want =
        "[1, alice, 12.5, 10.25, 2024-01-01 10:00:00.123, 2024-01-02, true, 9007199254740993]\n"
        "[2, b\xc3\xb6\xe2\x82\xac, null, null, null, null, null, null]\n"
        "[3, x\"y\n, null, 1.01, null, null, null, -5]\n"
        "[4, null, null, -0.50, 2024-01-01 10:00:00.500, null, false, null]\n"
        "[null, null, null, null, null, null, null, null]\n"
        "[6, null, null, null, null, null, null, null]\n";
    CHECK(!strcmp(txt(&r), want), "got:\n%s", txt(&r));
    result_free(&r);
    spec_free(&sb);

    /* batches of 2: same rows */
    make_spec(&sb, "orders", JSON_COLS, 2, "connector=kafka", "topic=t_json", "value.format=json",
              "scan.bounded.mode=latest-offset", "value.json.ignore-parse-errors=true", NULL);
    read_all(&sb, &r, 2);
    CHECK(r.rows == 6 && r.skipped == 1, "rows %d skipped %lld", r.rows, (long long)r.skipped);
    result_free(&r);
    spec_free(&sb);

    /* fail policy: the rows before the bad record, then an error naming partition and offset */
    make_spec(&sb, "orders", JSON_COLS, 1, "connector=kafka", "topic=t_json", "format=json",
              "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == -1, "rows %d", r.rows);
    CHECK(r.err && strstr(r.err, "Failed to deserialize record in topic 't_json' partition 0 offset 5:"), "err %s",
          r.err ? r.err : "(none)");
    CHECK(!strcmp(txt(&r), "[1]\n[2]\n[3]\n[4]\n"), "got %s", txt(&r));
    result_free(&r);
    spec_free(&sb);

    /* type mismatch under the fail policy, skipping the malformed one with specific offsets */
    make_spec(&sb, "orders", JSON_COLS, 1, "connector=kafka", "topic=t_json", "format=json",
              "scan.startup.mode=specific-offsets", "scan.startup.specific-offsets=partition:0,offset:6",
              "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == -1 && r.err && strstr(r.err, "offset 6") && strstr(r.err, "abc"), "err %s", r.err ? r.err : "");
    result_free(&r);
    spec_free(&sb);

    /* fail-on-missing-field */
    make_spec(&sb, "orders", JSON_COLS, 2, "connector=kafka", "topic=t_json", "format=json",
              "json.fail-on-missing-field=true", "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == -1 && r.err && strstr(r.err, "offset 3") && strstr(r.err, "field 'name' is missing"), "err %s",
          r.err ? r.err : "");
    result_free(&r);
    spec_free(&sb);

    /* session default for the bounded mode; raw format */
    sl_options_set(&g_session, "scan.bounded.mode", "latest-offset");
    tcol raw[] = {{"line", ty(SL_T_STRING), CN_FROM_VALUE}};
    make_spec(&sb, "lines", raw, 1, "connector=kafka", "topic=t_json", "format=raw", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == 7, "raw rows %d %s", r.rows, r.err ? r.err : "");
    CHECK(strstr(txt(&r), "[{\"id\":5,]\n"), "raw %s", txt(&r));
    result_free(&r);
    spec_free(&sb);
    sl_options_free(&g_session);
    memset(&g_session, 0, sizeof g_session);
}

/* Lenient conversions as Flink's json format does them; csv. */
static void test_lenient(void) {
    topic("t_len", 1);
    produce("t_len", 0, NULL, "{\"i\":2.7,\"b\":\"TRUE\",\"s\":[1,{\"a\":null}],\"l\":\" 42 \",\"f\":\"1.5\"}", 0);
    produce("t_len", 0, NULL, "{\"i\":-1e3,\"b\":\"yes\",\"s\":7,\"l\":-9223372036854775808,\"f\":1E2}", 0);
    produce("t_len", 0, NULL, "{\"i\":1,\"b\":false,\"s\":\"x\",\"l\":\"7\",\"f\":\" 2.5 \"}", 0);
    flush_producer();
    tcol cols[] = {{"i", ty(SL_T_INT), CN_FROM_VALUE}, {"b", ty(SL_T_BOOLEAN), CN_FROM_VALUE},
                   {"s", ty(SL_T_STRING), CN_FROM_VALUE}, {"l", ty(SL_T_BIGINT), CN_FROM_VALUE},
                   {"f", ty(SL_T_FLOAT), CN_FROM_VALUE}};
    spec_buf sb;
    result r;
    make_spec(&sb, "len", cols, 5, "connector=kafka", "topic=t_len", "format=json", "scan.bounded.mode=latest-offset",
              NULL);
    read_all(&sb, &r, 100);
    CHECK(!strcmp(txt(&r), "[2, true, [1,{\"a\":null}], 42, 1.5]\n[-1000, false, 7, -9223372036854775808, 100.0]\n"
                          "[1, false, x, 7, 2.5]\n"),
          "lenient %s %s", r.err ? r.err : "", txt(&r));
    result_free(&r);
    spec_free(&sb);

    topic("t_csv", 1);
    produce("t_csv", 0, NULL, "1,\"a,\"\"b\"\"\",2024-01-01 00:00:01,", 0);
    produce("t_csv", 0, NULL, "2,plain", 0);
    flush_producer();
    tcol cc[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}, {"name", ty(SL_T_STRING), CN_FROM_VALUE},
                 {"ts", tsp(SL_T_TIMESTAMP, 0), CN_FROM_VALUE}, {"x", ty(SL_T_STRING), CN_FROM_VALUE}};
    make_spec(&sb, "csv", cc, 4, "connector=kafka", "topic=t_csv", "format=csv", "scan.bounded.mode=latest-offset",
              NULL);
    read_all(&sb, &r, 100);
    CHECK(!strcmp(txt(&r), "[1, a,\"b\", 2024-01-01 00:00:01, null]\n[2, plain, null, null]\n"), "csv %s %s",
          r.err ? r.err : "", txt(&r));
    result_free(&r);
    spec_free(&sb);
}

/* Malformed JSON that simdjson's On-Demand would skip unseen (atoms of unread fields, numbers
 * outside the JSON grammar) is a deserialization error, as with Flink's Jackson. */
static void test_strict_json(void) {
    topic("t_strict", 1);
    static const char *recs[] = {"{\"id\":1,\"x\":tru}", "{\"id\":-}", "{\"id\":01}", "{\"x\":nul,\"id\":2}",
                                 "{\"id\":3,\"x\":[1,{\"y\":null}],\"z\":-1.5e+3,\"w\":\"s\",\"v\":false}",
                                 "{\"id\":4,\"x\":1.}", "{\"id\":5}"};
    for (size_t i = 0; i < sizeof recs / sizeof *recs; i++) produce("t_strict", 0, NULL, recs[i], 0);
    flush_producer();
    tcol cols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}};
    spec_buf sb;
    result r;
    make_spec(&sb, "strict", cols, 1, "connector=kafka", "topic=t_strict", "format=json",
              "scan.bounded.mode=latest-offset", "json.ignore-parse-errors=true", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == 2 && r.skipped == 5 && !strcmp(txt(&r), "[3]\n[5]\n"), "strict rows %d skipped %lld: %s",
          r.rows, (long long)r.skipped, txt(&r));
    result_free(&r);
    spec_free(&sb);
    make_spec(&sb, "strict", cols, 1, "connector=kafka", "topic=t_strict", "format=json",
              "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == -1 && r.err && strstr(r.err, "partition 0 offset 0: malformed JSON"), "strict err %s",
          r.err ? r.err : "");
    result_free(&r);
    spec_free(&sb);
}

/* An unbounded source sees a new record within a few fetch waits (fetch.wait.max.ms 10). */
static void test_latency(void) {
    topic("t_lat", 1);
    tcol cols[] = {{"n", ty(SL_T_INT), CN_FROM_VALUE}};
    spec_buf sb;
    make_spec(&sb, "lat", cols, 1, "connector=kafka", "topic=t_lat", "format=json", NULL);
    char *err = NULL;
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (!s) return;
    sl_batch b;
    sl_batch_init(&b, 1, 16);
    int n = cn_source_poll(s, &b, 50, &err);
    CHECK(n == 0, "empty poll %d", n);
    double worst = 0;
    for (int i = 0; i < 5; i++) {
        produce("t_lat", 0, NULL, "{\"n\":7}", 0);
        rd_kafka_poll(g_prod, 0);
        double t = now_s();
        n = 0;
        while (n == 0 && now_s() - t < 2) n = cn_source_poll(s, &b, 100, &err);
        double lat = now_s() - t;
        if (lat > worst) worst = lat;
        CHECK(n == 1 && b.vals[0].i == 7, "trickle poll %d", n);
    }
    CHECK(worst < 0.3, "trickle latency %.3f s", worst);
    cn_source_close(s);
    sl_batch_free(&b);
    spec_free(&sb);
}

static void test_metadata(void) {
    topic("t_meta", 2);
    produce("t_meta", 1, "k1", "{\"v\":\"a\"}", 1700000000123);
    produce("t_meta", 1, NULL, "{\"v\":\"b\"}", 1700000000456);
    flush_producer();
    tcol cols[] = {{"v", ty(SL_T_STRING), CN_FROM_VALUE},
                   {"partition", ty(SL_T_INT), CN_FROM_METADATA},
                   {"offset", ty(SL_T_BIGINT), CN_FROM_METADATA},
                   {"timestamp", tsp(SL_T_TIMESTAMP_LTZ, 3), CN_FROM_METADATA},
                   {"topic", ty(SL_T_STRING), CN_FROM_METADATA},
                   {"key", ty(SL_T_STRING), CN_FROM_METADATA}};
    spec_buf sb;
    result r;
    make_spec(&sb, "m", cols, 6, "connector=kafka", "topic=t_meta", "format=json", "scan.bounded.mode=latest-offset",
              NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == 2, "rows %d %s", r.rows, r.err ? r.err : "");
    CHECK(!strcmp(txt(&r), "[a, 1, 0, 2023-11-14 22:13:20.123, t_meta, k1]\n"
                           "[b, 1, 1, 2023-11-14 22:13:20.456, t_meta, null]\n"),
          "got %s", txt(&r));
    result_free(&r);
    spec_free(&sb);

    /* a bad metadata key */
    tcol bad[] = {{"headers", ty(SL_T_STRING), CN_FROM_METADATA}};
    make_spec(&sb, "m", bad, 1, "connector=kafka", "topic=t_meta", "format=json", NULL);
    char *err = NULL;
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "headers"), "err %s", err ? err : "");
    free(err);
    spec_free(&sb);
}

static void test_bounded_modes(void) {
    topic("t_sp", 3);
    for (int i = 0; i < 10; i++) {
        char v[32];
        snprintf(v, sizeof v, "{\"n\":%d}", i);
        produce("t_sp", 0, NULL, v, 0);
        snprintf(v, sizeof v, "{\"n\":%d}", 100 + i);
        produce("t_sp", 1, NULL, v, 0);
    }
    flush_producer(); /* partition 2 stays empty */
    tcol cols[] = {{"n", ty(SL_T_INT), CN_FROM_VALUE}, {"partition", ty(SL_T_INT), CN_FROM_METADATA}};
    spec_buf sb;
    result r;
    double t = now_s();
    make_spec(&sb, "sp", cols, 2, "connector=kafka", "topic=t_sp", "format=json", "scan.bounded.mode=latest-offset",
              NULL);
    read_all(&sb, &r, 7);
    CHECK(r.rows == 20, "latest rows %d %s", r.rows, r.err ? r.err : "");
    CHECK(now_s() - t < 3, "bounded latest took %.2f s", now_s() - t);
    result_free(&r);
    spec_free(&sb);

    make_spec(&sb, "sp", cols, 2, "connector=kafka", "topic=t_sp", "format=json", "scan.startup.mode=specific-offsets",
              "scan.startup.specific-offsets=partition:0,offset:3;partition:1,offset:5",
              "scan.bounded.mode=specific-offsets",
              "scan.bounded.specific-offsets=partition:0,offset:6; partition:1,offset:7", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == 5, "specific rows %d %s", r.rows, r.err ? r.err : "");
    int sum = 0;
    for (int i = 0; i < r.rows && i < 64; i++) sum += (int)r.ints[i][0];
    CHECK(sum == 3 + 4 + 5 + 105 + 106, "sum %d", sum);
    result_free(&r);
    spec_free(&sb);

    make_spec(&sb, "sp", cols, 2, "connector=kafka", "topic=t_sp", "format=json", "scan.startup.mode=latest-offset",
              "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == 0 && !r.err, "latest/latest rows %d", r.rows);
    result_free(&r);
    spec_free(&sb);

    make_spec(&sb, "sp", cols, 2, "connector=kafka", "topic=t_sp", "format=json",
              "scan.startup.specific-offsets=partition:0", "scan.startup.mode=specific-offsets", NULL);
    char *err = NULL;
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "scan.startup.specific-offsets"), "err %s", err ? err : "");
    free(err);
    spec_free(&sb);

    make_spec(&sb, "sp", cols, 2, "connector=kafka", "topic=t_sp", "format=json", "scan.startup.mode=bogus", NULL);
    err = NULL;
    s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "bogus"), "err %s", err ? err : "");
    free(err);
    spec_free(&sb);

    /* several topics in one table */
    topic("t_sp2", 1);
    produce("t_sp2", 0, NULL, "{\"n\":1000}", 0);
    flush_producer();
    make_spec(&sb, "sp", cols, 2, "connector=kafka", "topic=t_sp;t_sp2", "format=json", "scan.bounded.mode=latest-offset",
              NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == 21, "two topics rows %d %s", r.rows, r.err ? r.err : "");
    result_free(&r);
    spec_free(&sb);
}

static void test_timestamps(void) {
    topic("t_ts", 1);
    produce("t_ts", 0, NULL, "{\"n\":1}", 1000);
    produce("t_ts", 0, NULL, "{\"n\":2}", 2000);
    produce("t_ts", 0, NULL, "{\"n\":3}", 3000);
    produce("t_ts", 0, NULL, "{\"n\":4}", 4000);
    flush_producer();
    tcol cols[] = {{"n", ty(SL_T_INT), CN_FROM_VALUE}};
    spec_buf sb;
    result r;
    make_spec(&sb, "ts", cols, 1, "connector=kafka", "topic=t_ts", "format=json", "scan.startup.mode=timestamp",
              "scan.startup.timestamp-millis=2000", "scan.bounded.mode=timestamp", "scan.bounded.timestamp-millis=4000",
              NULL);
    read_all(&sb, &r, 100);
    CHECK(!strcmp(txt(&r), "[2]\n[3]\n"), "rows %d %s: %s", r.rows, r.err ? r.err : "", txt(&r));
    result_free(&r);
    spec_free(&sb);
}

static void test_group_offsets(void) {
    topic("t_grp", 2);
    for (int i = 0; i < 6; i++) produce("t_grp", i % 2, NULL, "{\"n\":1}", 0);
    flush_producer();
    tcol cols[] = {{"n", ty(SL_T_INT), CN_FROM_VALUE}};
    spec_buf sb;
    result r;
    make_spec(&sb, "g", cols, 1, "connector=kafka", "topic=t_grp", "format=json", "properties.group.id=g1",
              "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == 6, "first rows %d %s", r.rows, r.err ? r.err : "");
    result_free(&r);
    for (int i = 0; i < 3; i++) produce("t_grp", i % 2, NULL, "{\"n\":2}", 0);
    flush_producer();
    read_all(&sb, &r, 100); /* default startup with a group: group-offsets */
    CHECK(r.rows == 3 && !strcmp(txt(&r), "[2]\n[2]\n[2]\n"), "second rows %d %s", r.rows, txt(&r));
    result_free(&r);
    spec_free(&sb);

    make_spec(&sb, "g", cols, 1, "connector=kafka", "topic=t_grp", "format=json", "scan.startup.mode=group-offsets",
              NULL);
    char *err = NULL;
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "group.id"), "err %s", err ? err : "");
    free(err);
    spec_free(&sb);
}

static const tcol RT_COLS[] = {
    {"id", {SL_T_INT, 0, 0, false, -1}, CN_FROM_VALUE},
    {"name", {SL_T_STRING, 0, 0, false, -1}, CN_FROM_VALUE},
    {"price", {SL_T_DOUBLE, 0, 0, false, -1}, CN_FROM_VALUE},
    {"amount", {SL_T_DECIMAL, 10, 2, false, -1}, CN_FROM_VALUE},
    {"ts", {SL_T_TIMESTAMP, 3, 0, false, -1}, CN_FROM_VALUE},
    {"ltz", {SL_T_TIMESTAMP_LTZ, 3, 0, false, -1}, CN_FROM_VALUE},
    {"d", {SL_T_DATE, 0, 0, false, -1}, CN_FROM_VALUE},
    {"ok", {SL_T_BOOLEAN, 0, 0, false, -1}, CN_FROM_VALUE},
};

static void fill_rt_rows(sl_batch *b) {
    static const char *names[] = {"plain", "q\"b\\s\n\t\x01 \xc3\xa9"};
    for (int i = 0; i < 3; i++) {
        sl_value *row = sl_batch_add_row(b);
        row[0] = sl_int(i + 1);
        if (i < 2) row[1] = sl_str(names[i], (uint32_t)strlen(names[i]));
        row[2] = i == 1 ? sl_null() : sl_double(i == 0 ? 92.0 : 0.1);
        row[3] = sl_int(i == 0 ? 1250 : -5);
        row[4] = sl_int(1704103200123000LL + i);  /* 2024-01-01 10:00:00.123 */
        row[5] = sl_int(1704103200000000LL);
        row[6] = sl_int(19723);                   /* 2024-01-01 */
        row[7] = i == 2 ? sl_null() : sl_int(i == 0);
    }
}

static void test_sink_round_trip(void) {
    spec_buf sk, src;
    result r;
    char *err = NULL;
    make_spec(&sk, "out", RT_COLS, 8, "connector=kafka", "topic=t_rt", "format=json", "key.format=json",
              "key.fields=id", NULL);
    cn_sink *s = cn_sink_open(&sk.spec, &err);
    CHECK(s != NULL, "sink open: %s", err ? err : "");
    if (!s) return;
    sl_batch b;
    sl_batch_init(&b, 8, 16);
    fill_rt_rows(&b);
    CHECK(cn_sink_write(s, &b, &err) == 0, "write %s", err ? err : "");
    CHECK(cn_sink_flush(s, 5000, &err) == 0, "flush %s", err ? err : "");
    b.ops[0] = SL_OP_UPDATE_AFTER;
    CHECK(cn_sink_write(s, &b, &err) == CN_ERROR && err &&
              !strcmp(err, "Table sink 'out' doesn't support consuming update changes"), "err %s", err ? err : "");
    free(err);
    err = NULL;
    cn_sink_close(s);

    make_spec(&src, "in", RT_COLS, 8, "connector=kafka", "topic=t_rt", "format=json", "scan.bounded.mode=latest-offset",
              NULL);
    read_all(&src, &r, 100);
    CHECK(r.rows == 3, "rows %d %s", r.rows, r.err ? r.err : "");
    const char *want =
        "[1, plain, 92.0, 12.50, 2024-01-01 10:00:00.123, 2024-01-01 10:00:00.000, 2024-01-01, true]\n"
        "[2, q\"b\\s\n\t\x01 \xc3\xa9, null, -0.05, 2024-01-01 10:00:00.123, 2024-01-01 10:00:00.000, 2024-01-01, false]\n"
        "[3, null, 0.1, -0.05, 2024-01-01 10:00:00.123, 2024-01-01 10:00:00.000, 2024-01-01, null]\n";
    CHECK(!strcmp(txt(&r), want), "got:\n%s", txt(&r));
    result_free(&r);
    spec_free(&src);

    /* the exact JSON text and the key */
    tcol raw[] = {{"v", ty(SL_T_STRING), CN_FROM_VALUE}, {"key", ty(SL_T_STRING), CN_FROM_METADATA}};
    make_spec(&src, "in", raw, 2, "connector=kafka", "topic=t_rt", "format=raw", "scan.bounded.mode=latest-offset", NULL);
    read_all(&src, &r, 100);
    CHECK(strstr(txt(&r), "[{\"id\":1,\"name\":\"plain\",\"price\":92.0,\"amount\":12.5,\"ts\":\"2024-01-01 "
                          "10:00:00.123\",\"ltz\":\"2024-01-01 10:00:00Z\",\"d\":\"2024-01-01\",\"ok\":true}, {\"id\":1}]\n"),
          "raw: %s", txt(&r));
    CHECK(strstr(txt(&r), "\"name\":\"q\\\"b\\\\s\\n\\t\\u0001 \xc3\xa9\""), "escapes: %s", txt(&r));
    CHECK(strstr(txt(&r), "\"name\":null"), "null: %s", txt(&r));
    result_free(&r);
    spec_free(&src);
    spec_free(&sk);

    /* key fields from the message key */
    tcol kc[] = {{"id", ty(SL_T_INT), CN_FROM_KEY}, {"name", ty(SL_T_STRING), CN_FROM_VALUE}};
    make_spec(&src, "in", kc, 2, "connector=kafka", "topic=t_rt", "format=json", "key.format=json",
              "key.fields=id", "scan.bounded.mode=latest-offset", NULL);
    read_all(&src, &r, 100);
    CHECK(r.rows == 3 && r.ints[0][0] == 1 && r.ints[2][0] == 3 && r.nulls[2][1], "key rows %d %s: %s", r.rows,
          r.err ? r.err : "", txt(&r));
    result_free(&r);
    spec_free(&src);

    /* ISO timestamps, round-robin partitioning over 4 partitions */
    sl_options_set(&g_session, "sluice.embedded.partitions", "4");
    make_spec(&sk, "out", RT_COLS, 8, "connector=kafka", "topic=t_rr", "format=json",
              "json.timestamp-format.standard=ISO-8601", "sink.partitioner=round-robin", NULL);
    s = cn_sink_open(&sk.spec, &err);
    CHECK(s != NULL, "sink open: %s", err ? err : "");
    if (s) {
        b.ops[0] = SL_OP_INSERT;
        for (int k = 0; k < 4; k++) CHECK(cn_sink_write(s, &b, &err) == 0, "write %s", err ? err : "");
        CHECK(cn_sink_flush(s, 5000, &err) == 0, "flush %s", err ? err : "");
        cn_sink_close(s);
    }
    tcol pr[] = {{"v", ty(SL_T_STRING), CN_FROM_VALUE}, {"partition", ty(SL_T_INT), CN_FROM_METADATA}};
    make_spec(&src, "in", pr, 2, "connector=kafka", "topic=t_rr", "format=raw", "scan.bounded.mode=latest-offset", NULL);
    read_all(&src, &r, 100);
    int per[4] = {0};
    for (int i = 0; i < r.rows && i < 64; i++) per[r.ints[i][1] & 3]++;
    CHECK(r.rows == 12 && per[0] == 3 && per[1] == 3 && per[2] == 3 && per[3] == 3, "rr rows %d: %d %d %d %d", r.rows,
          per[0], per[1], per[2], per[3]);
    CHECK(strstr(txt(&r), "\"ts\":\"2024-01-01T10:00:00.123\""), "iso: %s", txt(&r));
    result_free(&r);
    spec_free(&src);
    spec_free(&sk);
    sl_options_free(&g_session);
    memset(&g_session, 0, sizeof g_session);
    sl_batch_free(&b);
}

static void test_datagen(void) {
    tcol cols[] = {{"id", ty(SL_T_BIGINT), CN_FROM_VALUE},
                   {"n", ty(SL_T_INT), CN_FROM_VALUE},
                   {"s", ty(SL_T_STRING), CN_FROM_VALUE},
                   {"p", dec(10, 2), CN_FROM_VALUE},
                   {"ts", tsp(SL_T_TIMESTAMP, 3), CN_FROM_VALUE},
                   {"b", ty(SL_T_BOOLEAN), CN_FROM_VALUE}};
    spec_buf sb;
    result r, r2;
    sl_options_set(&g_session, "sluice.datagen.seed", "42");
    make_spec(&sb, "dg", cols, 6, "connector=datagen", "rows-per-second=0", "number-of-rows=1000",
              "fields.id.kind=sequence", "fields.id.start=1", "fields.id.end=100000", "fields.n.min=5",
              "fields.n.max=10", "fields.s.length=7", "fields.p.min=1", "fields.p.max=2", NULL);
    read_all(&sb, &r, 64);
    CHECK(r.rows == 1000, "datagen rows %d %s", r.rows, r.err ? r.err : "");
    bool ok = true;
    for (int i = 0; i < 64 && i < r.rows; i++) {
        ok &= r.ints[i][0] == i + 1;
        ok &= r.ints[i][1] >= 5 && r.ints[i][1] <= 10;
        ok &= r.ints[i][3] >= 100 && r.ints[i][3] <= 200;
    }
    CHECK(ok, "datagen ranges");
    const char *line = txt(&r);
    const char *c1 = strchr(line, ',') + 1;
    c1 = strchr(c1, ',') + 2;
    CHECK(strchr(c1, ',') - c1 == 7, "string length: %s", line);
    read_all(&sb, &r2, 64);
    /* the timestamps differ between runs; compare the other columns of the first row */
    CHECK(!strncmp(txt(&r), txt(&r2), (size_t)(strstr(txt(&r), ", 20") - txt(&r))), "seeded determinism:\n%.80s\n%.80s",
          txt(&r), txt(&r2));
    result_free(&r);
    result_free(&r2);
    spec_free(&sb);

    /* a sequence ends the source */
    make_spec(&sb, "dg", cols, 1, "connector=datagen", "rows-per-second=0", "fields.id.kind=sequence",
              "fields.id.start=1", "fields.id.end=50", NULL);
    read_all(&sb, &r, 16);
    CHECK(r.rows == 50, "sequence rows %d", r.rows);
    result_free(&r);
    spec_free(&sb);

    /* throttling: 200 rows at 1000/s take about 0.2 s */
    double t = now_s();
    make_spec(&sb, "dg", cols, 2, "connector=datagen", "rows-per-second=1000", "number-of-rows=200", NULL);
    read_all(&sb, &r, 1024);
    double el = now_s() - t;
    CHECK(r.rows == 200 && el > 0.12 && el < 1.0, "throttled rows %d in %.3f s", r.rows, el);
    result_free(&r);
    spec_free(&sb);

    make_spec(&sb, "dg", cols, 1, "connector=datagen", "fields.id.kind=sequence", NULL);
    char *err = NULL;
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "fields.id.start"), "err %s", err ? err : "");
    free(err);
    spec_free(&sb);
    sl_options_free(&g_session);
    memset(&g_session, 0, sizeof g_session);
}

/* Polls an open source until `want` rows came (or 5 s); returns the rows seen. */
static int poll_rows(cn_source *s, sl_batch *b, int want, int64_t *sum, char **err) {
    int got = 0;
    double deadline = now_s() + 5;
    while (got < want && now_s() < deadline) {
        int n = cn_source_poll(s, b, 50, err);
        if (n < 0) break;
        for (int i = 0; i < n; i++) *sum += sl_batch_row(b, i)[0].i;
        got += n;
    }
    return got;
}

/* Offset of (topic, partition) in a position list, or -1. */
static int64_t pos_of(const cn_position *p, int n, const char *topic, int part) {
    for (int i = 0; i < n; i++)
        if (p[i].topic && !strcmp(p[i].topic, topic) && p[i].partition == part) return p[i].offset;
    return -1;
}

/* Positions after nothing and after every record; resume from positions (bounded, at the end,
 * one partition only); positions stay before a record that fails; a re-created topic. */
static void test_positions(void) {
    topic("t_pos", 2);
    for (int i = 0; i < 5; i++) {
        char v[32];
        snprintf(v, sizeof v, "{\"n\":%d}", i);
        produce("t_pos", 0, NULL, v, 0);
        snprintf(v, sizeof v, "{\"n\":%d}", 100 + i);
        if (i < 3) produce("t_pos", 1, NULL, v, 0);
    }
    flush_producer();
    tcol cols[] = {{"n", ty(SL_T_INT), CN_FROM_VALUE}};
    spec_buf sb;
    char *err = NULL;
    sl_batch b;
    sl_batch_init(&b, 1, 3);
    make_spec(&sb, "pos", cols, 1, "connector=kafka", "topic=t_pos", "format=json", NULL);
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (!s) return;
    const cn_position *p;
    int n = cn_source_positions(s, &p);
    CHECK(n == 2 && pos_of(p, n, "t_pos", 0) == 0 && pos_of(p, n, "t_pos", 1) == 0, "fresh positions %d", n);
    int64_t sum = 0;
    int got = poll_rows(s, &b, 1, &sum, &err);
    n = cn_source_positions(s, &p);
    CHECK(got >= 1 && got <= 3 && n == 2 && pos_of(p, n, "t_pos", 0) + pos_of(p, n, "t_pos", 1) == got,
          "partial positions after %d rows: %lld %lld", got, (long long)pos_of(p, n, "t_pos", 0),
          (long long)pos_of(p, n, "t_pos", 1));
    got += poll_rows(s, &b, 8 - got, &sum, &err);
    n = cn_source_positions(s, &p);
    CHECK(got == 8 && pos_of(p, n, "t_pos", 0) == 5 && pos_of(p, n, "t_pos", 1) == 3, "all positions after %d rows",
          got);
    cn_source_close(s);
    spec_free(&sb);

    /* resume: listed partitions from the saved offsets, the bounded mode still applies */
    cn_position saved[] = {{"t_pos", 0, 3}, {"t_pos", 1, 1}, {"other_topic", 0, 7}};
    result r;
    make_spec(&sb, "pos", cols, 1, "connector=kafka", "topic=t_pos", "format=json", "scan.bounded.mode=latest-offset",
              NULL);
    sb.spec.resume = saved;
    sb.spec.nresume = 3;
    read_all(&sb, &r, 100);
    int64_t total = 0;
    for (int i = 0; i < r.rows && i < 64; i++) total += r.ints[i][0];
    CHECK(r.rows == 4 && total == 3 + 4 + 101 + 102, "resumed rows %d sum %lld %s", r.rows, (long long)total,
          r.err ? r.err : "");
    result_free(&r);

    /* an unlisted partition starts by scan.startup.mode (latest: nothing) */
    sb.spec.nresume = 1;
    sl_options_set(&sb.opts, "scan.startup.mode", "latest-offset");
    read_all(&sb, &r, 100);
    CHECK(r.rows == 2 && r.ints[0][0] == 3 && r.ints[1][0] == 4, "one partition resumed: %d %s", r.rows, txt(&r));
    result_free(&r);

    /* resumed at the end of a bounded read: finished at once, positions as saved */
    cn_position at_end[] = {{"t_pos", 0, 5}, {"t_pos", 1, 3}};
    sb.spec.resume = at_end;
    sb.spec.nresume = 2;
    s = cn_source_open(&sb.spec, &err);
    CHECK(s && cn_source_poll(s, &b, 100, &err) == CN_EOF, "resume at end: %s", err ? err : "");
    if (s) {
        n = cn_source_positions(s, &p);
        CHECK(n == 2 && pos_of(p, n, "t_pos", 0) == 5 && pos_of(p, n, "t_pos", 1) == 3, "positions at end");
        cn_source_close(s);
    }

    /* a saved offset beyond the end: the topic was re-created */
    cn_position beyond[] = {{"t_pos", 1, 42}};
    sb.spec.resume = beyond;
    sb.spec.nresume = 1;
    s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "topic 't_pos' partition 1 is offset 42") && strstr(err, "end (offset 3)") &&
              strstr(err, "re-created") && strstr(err, "Delete the job's state"),
          "re-created: %s", err ? err : "");
    free(err);
    err = NULL;
    cn_position gone[] = {{"t_pos", 5, 1}};
    sb.spec.resume = gone;
    s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "partition 5") && strstr(err, "2 partitions"), "gone partition: %s",
          err ? err : "");
    free(err);
    err = NULL;
    spec_free(&sb);

    /* the fail policy leaves the position before the bad record; a skipped one is passed */
    topic("t_pos_bad", 1);
    produce("t_pos_bad", 0, NULL, "{\"n\":1}", 0);
    produce("t_pos_bad", 0, NULL, "{\"n\":", 0);
    produce("t_pos_bad", 0, NULL, "{\"n\":3}", 0);
    flush_producer();
    for (int skip = 0; skip < 2; skip++) {
        make_spec(&sb, "bad", cols, 1, "connector=kafka", "topic=t_pos_bad", "format=json",
                  "scan.bounded.mode=latest-offset", skip ? "json.ignore-parse-errors=true" : NULL, NULL);
        s = cn_source_open(&sb.spec, &err);
        CHECK(s != NULL, "open %s", err ? err : "");
        if (!s) break;
        int rows = 0, rc;
        while ((rc = cn_source_poll(s, &b, 100, &err)) >= 0) rows += rc;
        n = cn_source_positions(s, &p);
        if (skip) CHECK(rc == CN_EOF && rows == 2 && n == 1 && p[0].offset == 3, "skip: rows %d pos %lld", rows,
                        (long long)p[0].offset);
        else CHECK(rc == CN_ERROR && rows == 1 && n == 1 && p[0].offset == 1, "fail: rows %d pos %lld", rows,
                   (long long)p[0].offset);
        free(err);
        err = NULL;
        cn_source_close(s);
        spec_free(&sb);
    }
    sl_batch_free(&b);
}

/* datagen's position is its row count; a resumed datagen continues sequences and the limit. */
static void test_datagen_positions(void) {
    tcol cols[] = {{"id", ty(SL_T_BIGINT), CN_FROM_VALUE}, {"s", ty(SL_T_STRING), CN_FROM_VALUE}};
    spec_buf sb;
    char *err = NULL;
    sl_batch b;
    sl_batch_init(&b, 2, 4);
    make_spec(&sb, "dg", cols, 2, "connector=datagen", "rows-per-second=0", "number-of-rows=10",
              "fields.id.kind=sequence", "fields.id.start=1", "fields.id.end=100", "fields.s.length=3", NULL);
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (!s) return;
    const cn_position *p;
    int n = cn_source_positions(s, &p);
    CHECK(n == 1 && p[0].topic && !*p[0].topic && p[0].partition == 0 && p[0].offset == 0, "fresh datagen position");
    int rows = cn_source_poll(s, &b, 100, &err);
    n = cn_source_positions(s, &p);
    CHECK(rows == 4 && n == 1 && p[0].offset == 4, "datagen position after %d rows: %lld", rows, (long long)p[0].offset);
    cn_source_close(s);

    cn_position saved = {"", 0, 4};
    sb.spec.resume = &saved;
    sb.spec.nresume = 1;
    result r;
    read_all(&sb, &r, 4);
    CHECK(r.rows == 6 && r.ints[0][0] == 5 && r.ints[5][0] == 10, "resumed datagen rows %d first %lld", r.rows,
          (long long)r.ints[0][0]);
    result_free(&r);
    saved.offset = 10; /* all rows produced */
    read_all(&sb, &r, 4);
    CHECK(r.rows == 0 && !r.err, "resumed at the limit: %d", r.rows);
    result_free(&r);
    spec_free(&sb);

    /* without a limit the sequence's end finishes it; a throttled resume does not wait for the
     * rows produced before */
    make_spec(&sb, "dg", cols, 1, "connector=datagen", "rows-per-second=100", "fields.id.kind=sequence",
              "fields.id.start=1", "fields.id.end=1000", NULL);
    saved.offset = 995;
    sb.spec.resume = &saved;
    sb.spec.nresume = 1;
    double t = now_s();
    read_all(&sb, &r, 16);
    CHECK(r.rows == 5 && r.ints[0][0] == 996 && now_s() - t < 1, "resumed sequence rows %d first %lld in %.2f s",
          r.rows, (long long)r.ints[0][0], now_s() - t);
    result_free(&r);
    spec_free(&sb);
    sl_batch_free(&b);
}

/* ---- changelog connectors ---- */

/* debezium-json: c/r -> +I, u -> -U +U (one batch unless capacity 1), d -> -D; tombstones
 * skipped; malformed envelopes under both policies. */
static void test_debezium_source(void) {
    static const char *recs[] = {
        "{\"before\":null,\"after\":{\"id\":1,\"name\":\"a\"},\"op\":\"c\",\"source\":{\"db\":\"x\",\"n\":[1,2]},\"ts_ms\":1}",
        "{\"op\":\"r\",\"after\":{\"name\":\"b\",\"id\":2,\"extra\":true}}",
        "{\"before\":{\"id\":1,\"name\":\"a\"},\"after\":{\"id\":1,\"name\":\"A\"},\"op\":\"u\"}",
        "{\"before\":{\"id\":2,\"name\":\"b\"},\"after\":null,\"op\":\"d\"}",
        NULL,                                                           /* 4: tombstone */
        "{\"before\":null,\"after\":{\"id\":1},\"op\":\"u\"}",         /* 5: update without before */
        "{\"before\":null,\"after\":{\"id\":3},\"op\":\"x\"}",         /* 6: unknown op */
        "{\"after\":{\"id\":3}}",                                       /* 7: no op */
        "{\"before\":null,\"after\":5,\"op\":\"c\"}",                   /* 8: after not an object */
        "{\"schema\":{},\"payload\":{\"op\":\"c\",\"after\":{\"id\":1}}}", /* 9: schema envelope */
        "{\"before\":null,\"after\":{\"id\":\"zz\"},\"op\":\"c\"}",    /* 10: field does not convert */
        "{\"before\":null,\"after\":{\"id\":5},",                       /* 11: not JSON */
        "{\"before\":{\"id\":4,\"name\":\"d\"},\"after\":{\"id\":4,\"name\":\"D\"},\"op\":\"u\"}",
        "{\"before\":{\"id\":5},\"op\":\"d\",\"after\":{\"id\":5},\"x\":tru}", /* 13: bad atom elsewhere */
        "{\"before\":null,\"after\":{\"id\":6,\"name\":null},\"op\":\"c\"}",
    };
    topic("t_dbz", 1);
    for (size_t i = 0; i < sizeof recs / sizeof *recs; i++) produce("t_dbz", 0, "k", recs[i], 0);
    flush_producer();
    tcol cols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}, {"name", ty(SL_T_STRING), CN_FROM_VALUE},
                   {"offset", ty(SL_T_BIGINT), CN_FROM_METADATA}};
    spec_buf sb;
    result r;
    const char *want = "[1, a, 0]\n[2, b, 1]\n[1, a, 2]\n[1, A, 2]\n[2, b, 3]\n[null, null, 10]\n[4, d, 12]\n[4, D, 12]\n"
                       "[6, null, 14]\n";
    const int caps[] = {100, 3, 2, 1};
    for (int k = 0; k < 4; k++) {
        make_spec(&sb, "cdc", cols, 3, "connector=kafka", "topic=t_dbz", "format=debezium-json",
                  "debezium-json.ignore-parse-errors=true", "scan.bounded.mode=latest-offset", NULL);
        read_all(&sb, &r, caps[k]);
        CHECK(r.rows == 9 && r.skipped == 7 && !strcmp(txt(&r), want), "cap %d: rows %d skipped %lld %s:\n%s", caps[k],
              r.rows, (long long)r.skipped, r.err ? r.err : "", txt(&r));
        CHECK(!strcmp(r.ops, "+I +I -U +U -D +I -U +U +I"), "cap %d ops %s", caps[k], r.ops);
        CHECK(r.max_batch <= caps[k] && (caps[k] == 1 || !r.split_update), "cap %d: batch %d split %d", caps[k],
              r.max_batch, r.split_update);
        result_free(&r);
        spec_free(&sb);
    }

    /* value.format and value.debezium-json.* spellings; no value columns read: still one row
     * per image */
    tcol meta[] = {{"offset", ty(SL_T_BIGINT), CN_FROM_METADATA}};
    make_spec(&sb, "cdc", meta, 1, "connector=kafka", "topic=t_dbz", "value.format=debezium-json",
              "value.debezium-json.ignore-parse-errors=true", "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == 9 && r.skipped == 7 && !strcmp(r.ops, "+I +I -U +U -D +I -U +U +I"), "meta only: %d %s", r.rows,
          r.ops);
    result_free(&r);
    spec_free(&sb);

    /* the fail policy: rows before the bad record, then its topic, partition, offset, reason */
    static const struct { int offset; const char *why; } bad[] = {
        {5, "'before' image of a Debezium JSON 'u' event is null"}, {6, "unknown Debezium JSON 'op' value 'x'"},
        {7, "has no 'op'"}, {8, "'after' is not an object"}, {9, "schemas.enable=false"},
        {10, "field 'id': 'zz' cannot be read as INT"}, {11, "malformed Debezium JSON"}, {13, "malformed Debezium JSON"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char so[64];
        snprintf(so, sizeof so, "scan.startup.specific-offsets=partition:0,offset:%d", bad[i].offset);
        make_spec(&sb, "cdc", cols, 2, "connector=kafka", "topic=t_dbz", "format=debezium-json",
                  "scan.startup.mode=specific-offsets", so, "scan.bounded.mode=latest-offset", NULL);
        read_all(&sb, &r, 100);
        char where[96];
        snprintf(where, sizeof where, "Failed to deserialize record in topic 't_dbz' partition 0 offset %d: ",
                 bad[i].offset);
        CHECK(r.rows == -1 && r.err && strstr(r.err, where) && strstr(r.err, bad[i].why), "offset %d: %s",
              bad[i].offset, r.err ? r.err : "(none)");
        CHECK(bad[i].offset != 5 || !strcmp(txt(&r), ""), "rows before: %s", txt(&r));
        result_free(&r);
        spec_free(&sb);
    }
    make_spec(&sb, "cdc", cols, 2, "connector=kafka", "topic=t_dbz", "format=debezium-json",
              "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 100);
    CHECK(r.rows == -1 && strstr(txt(&r), "[1, a]\n[2, b]\n[1, a]\n[1, A]\n[2, b]\n") && r.err && strstr(r.err, "offset 5"),
          "fail policy: %s %s", txt(&r), r.err ? r.err : "");
    result_free(&r);
    spec_free(&sb);

    /* mutated events (bytes changed, records cut short) never crash: each is rows or a skip */
    topic("t_dbz_fuzz", 1);
    const char *base = recs[2];
    size_t blen = strlen(base);
    uint64_t rng = 12345;
    for (int i = 0; i < 400; i++) {
        char m[256];
        memcpy(m, base, blen + 1);
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        int flips = 1 + (int)((rng >> 60) & 3);
        for (int f = 0; f < flips; f++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            static const char alphabet[] = "{}[]\":,\\0tnu1-.e \x01";
            m[(rng >> 33) % blen] = alphabet[(rng >> 20) % (sizeof alphabet - 1)];
        }
        if (i % 5 == 0) m[(rng >> 40) % blen] = 0;
        produce("t_dbz_fuzz", 0, NULL, m, 0);
    }
    flush_producer();
    make_spec(&sb, "cdc", cols, 3, "connector=kafka", "topic=t_dbz_fuzz", "format=debezium-json",
              "debezium-json.ignore-parse-errors=true", "scan.bounded.mode=latest-offset", NULL);
    read_all(&sb, &r, 7);
    CHECK(r.rows >= 0 && r.skipped > 0 && r.skipped <= 400, "fuzz rows %d skipped %lld %s", r.rows,
          (long long)r.skipped, r.err ? r.err : "");
    result_free(&r);
    spec_free(&sb);

    make_spec(&sb, "cdc", cols, 2, "connector=kafka", "topic=t_dbz", "format=debezium-json",
              "debezium-json.schema-include=true", NULL);
    char *err = NULL;
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "schema-include"), "schema-include: %s", err ? err : "");
    free(err);
    spec_free(&sb);
}

/* upsert-kafka as a source: value -> +U (key columns from the key), tombstone -> -D with the
 * key only, no key -> malformed; options it needs. */
static void test_upsert_source(void) {
    topic("t_ups", 1);
    produce("t_ups", 0, "{\"id\":1}", "{\"id\":1,\"name\":\"a\",\"v\":10}", 0);
    produce("t_ups", 0, "{\"id\":2}", "{\"name\":\"b\",\"v\":20}", 0);  /* EXCEPT_KEY style value */
    produce("t_ups", 0, "{\"id\":1}", NULL, 0);                         /* tombstone */
    produce("t_ups", 0, NULL, "{\"id\":3,\"name\":\"c\",\"v\":30}", 0); /* 3: no key */
    produce("t_ups", 0, "{\"id\":", "{\"id\":4,\"name\":\"d\",\"v\":40}", 0); /* 4: bad key */
    produce("t_ups", 0, "{\"id\":2}", "{\"id\":99,\"name\":\"B\",\"v\":21}", 0); /* the key wins */
    flush_producer();
    tcol cols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}, {"name", ty(SL_T_STRING), CN_FROM_VALUE},
                   {"v", ty(SL_T_INT), CN_FROM_VALUE}};
    static const char *pk[] = {"ID"};
    spec_buf sb;
    result r;
    make_spec(&sb, "ups", cols, 3, "connector=upsert-kafka", "topic=t_ups", "key.format=json", "value.format=json",
              "value.json.ignore-parse-errors=true", "scan.bounded.mode=latest-offset", "properties.group.id=ups-g",
              NULL);
    sb.spec.pk = pk;
    sb.spec.npk = 1;
    read_all(&sb, &r, 100);
    CHECK(r.rows == 4 && r.skipped == 2 && !strcmp(txt(&r), "[1, a, 10]\n[2, b, 20]\n[1, null, null]\n[2, B, 21]\n") &&
              !strcmp(r.ops, "+U +U -D +U"),
          "upsert rows %d skipped %lld %s: %s %s", r.rows, (long long)r.skipped, r.err ? r.err : "", r.ops, txt(&r));
    result_free(&r);
    /* again with the same group: upsert-kafka still reads from the earliest offset */
    read_all(&sb, &r, 2);
    CHECK(r.rows == 4, "upsert rows with a group %d", r.rows);
    result_free(&r);
    spec_free(&sb);

    /* the runtime's way: key columns marked CN_FROM_KEY; the fail policy on a keyless record */
    tcol kcols[] = {{"id", ty(SL_T_INT), CN_FROM_KEY}, {"v", ty(SL_T_INT), CN_FROM_VALUE}};
    make_spec(&sb, "ups", kcols, 2, "connector=upsert-kafka", "topic=t_ups", "key.format=json", "value.format=json",
              "scan.bounded.mode=latest-offset", NULL);
    sb.spec.pk = pk;
    sb.spec.npk = 1;
    read_all(&sb, &r, 100);
    CHECK(r.rows == -1 && !strcmp(txt(&r), "[1, 10]\n[2, 20]\n[1, null]\n") && r.err &&
              strstr(r.err, "partition 0 offset 3: the record has no key"),
          "upsert fail: %s %s", txt(&r), r.err ? r.err : "");
    result_free(&r);
    cn_position resume[] = {{"t_ups", 0, 4}};
    sb.spec.resume = resume;
    sb.spec.nresume = 1;
    read_all(&sb, &r, 100);
    CHECK(r.rows == -1 && r.err && strstr(r.err, "offset 4: malformed JSON"), "bad key: %s", r.err ? r.err : "");
    result_free(&r);
    spec_free(&sb);

    /* raw key */
    topic("t_ups_raw", 1);
    produce("t_ups_raw", 0, "k1", "{\"n\":1}", 0);
    produce("t_ups_raw", 0, "k1", NULL, 0);
    flush_producer();
    tcol rc[] = {{"k", ty(SL_T_STRING), CN_FROM_VALUE}, {"n", ty(SL_T_INT), CN_FROM_VALUE}};
    static const char *rpk[] = {"k"};
    make_spec(&sb, "ups", rc, 2, "connector=upsert-kafka", "topic=t_ups_raw", "key.format=raw", "value.format=json",
              "scan.bounded.mode=latest-offset", NULL);
    sb.spec.pk = rpk;
    sb.spec.npk = 1;
    read_all(&sb, &r, 100);
    CHECK(!strcmp(txt(&r), "[k1, 1]\n[k1, null]\n") && !strcmp(r.ops, "+U -D"), "raw key: %s %s", r.ops, txt(&r));
    result_free(&r);
    spec_free(&sb);

    /* what upsert-kafka needs */
    static const struct { const char *a, *b; const char *why; bool pk; } bad[] = {
        {"key.format=json", "value.format=json", "needs a PRIMARY KEY", false},
        {"value.format=json", NULL, "needs option 'key.format'", true},
        {"key.format=json", "format=json", "needs option 'value.format'", true},
        {"key.format=json", "value.format=debezium-json", "insert-only 'value.format'", true},
        {"key.format=json", "value.format=json", "remove option 'key.fields'", true},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        make_spec(&sb, "u1", cols, 3, "connector=upsert-kafka", "topic=t_ups", bad[i].a, i == 4 ? "key.fields=id" : "x=y",
                  bad[i].b, NULL);
        if (bad[i].pk) sb.spec.pk = pk, sb.spec.npk = 1;
        char *err = NULL;
        cn_source *s = cn_source_open(&sb.spec, &err);
        CHECK(!s && err && strstr(err, "Table 'u1' with connector 'upsert-kafka'") && strstr(err, bad[i].why),
              "upsert check %zu: %s", i, err ? err : "(none)");
        free(err);
        err = NULL;
        cn_sink *k = cn_sink_open(&sb.spec, &err);
        CHECK(!k && err && strstr(err, bad[i].why), "upsert sink check %zu: %s", i, err ? err : "(none)");
        free(err);
        spec_free(&sb);
    }
}

/* A message as read back by a plain consumer. */
typedef struct rawrec {
    int part;
    int64_t off;
    char key[64], val[192];
    bool has_key, has_val;
    char hdrs[256];   /* "name=value;" for each header, in order ("name=(null);" for a null value) */
} rawrec;

/* Reads every message of a topic from the beginning with a plain librdkafka consumer. */
static int read_raw(const char *topic_name, int nparts, rawrec *out, int max) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", g_boot, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "group.id", "raw-reader", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic_name, NULL); /* metadata first: no 0.5 s first fetch */
    const struct rd_kafka_metadata *md;
    if (rd_kafka_metadata(rk, 0, rkt, &md, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(nparts);
    for (int p = 0; p < nparts; p++) rd_kafka_topic_partition_list_add(l, topic_name, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    bool eof[16] = {0};
    int neof = 0, n = 0;
    double deadline = now_s() + 5;
    while (neof < nparts && now_s() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (m->partition < 16 && !eof[m->partition]) eof[m->partition] = true, neof++;
        } else if (!m->err && n < max) {
            rawrec *r = &out[n++];
            r->part = m->partition;
            r->has_key = m->key != NULL;
            r->has_val = m->payload != NULL;
            snprintf(r->key, sizeof r->key, "%.*s", (int)m->key_len, m->key ? (const char *)m->key : "");
            snprintf(r->val, sizeof r->val, "%.*s", (int)m->len, m->payload ? (const char *)m->payload : "");
            r->off = m->offset;
            r->hdrs[0] = 0;
            rd_kafka_headers_t *h;
            if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                const char *name;
                const void *v;
                size_t vn;
                for (size_t i = 0; !rd_kafka_header_get_all(h, i, &name, &v, &vn); i++) {
                    size_t l = strlen(r->hdrs);
                    snprintf(r->hdrs + l, sizeof r->hdrs - l, "%s=%.*s;", name, v ? (int)vn : 6,
                             v ? (const char *)v : "(null)");
                }
            }
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return n;
}

/* The values written for one key in order ("v1 | null | v2"), and whether they all went to one
 * partition. */
static void key_history(const rawrec *recs, int n, const char *key, char *out, size_t outn, bool *one_part) {
    out[0] = 0;
    int part = -1;
    *one_part = true;
    for (int i = 0; i < n; i++) {
        if (!recs[i].has_key || strcmp(recs[i].key, key)) continue;
        if (part >= 0 && part != recs[i].part) *one_part = false;
        part = recs[i].part;
        size_t l = strlen(out);
        snprintf(out + l, outn - l, "%s%s", l ? " | " : "", recs[i].has_val ? recs[i].val : "null");
    }
}

/* Kafka's Java client's murmur2 (the default partitioner's hash). */
static uint32_t murmur2(const char *data, size_t len) {
    const uint32_t m = 0x5bd1e995;
    uint32_t h = 0x9747b28c ^ (uint32_t)len;
    const unsigned char *p = (const unsigned char *)data;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t k = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
        k *= m;
        k ^= k >> 24;
        k *= m;
        h *= m;
        h ^= k;
    }
    switch (len - i) {
    case 3: h ^= (uint32_t)p[i + 2] << 16; /* fall through */
    case 2: h ^= (uint32_t)p[i + 1] << 8;  /* fall through */
    case 1: h ^= p[i]; h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

static void add_row3(sl_batch *b, int op, int id, const char *name, int v) {
    sl_value *row = sl_batch_add_row(b);
    b->ops[b->nrows - 1] = (uint8_t)op;
    row[0] = sl_int(id);
    row[1] = sl_str(name, (uint32_t)strlen(name));
    row[2] = sl_int(v);
}

/* upsert-kafka as a sink: keys, values, tombstones, the -U/+U pair rule, a lone -U; key
 * partitioning; read back raw and through the upsert-kafka source. */
static void test_upsert_sink(void) {
    topic("t_ups_out", 3);
    tcol cols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}, {"name", ty(SL_T_STRING), CN_FROM_VALUE},
                   {"v", ty(SL_T_INT), CN_FROM_VALUE}};
    static const char *pk[] = {"id"};
    spec_buf sb;
    char *err = NULL;
    make_spec(&sb, "uo", cols, 3, "connector=upsert-kafka", "topic=t_ups_out", "key.format=json", "value.format=json",
              NULL);
    sb.spec.pk = pk;
    sb.spec.npk = 1;
    cn_sink *s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "upsert sink open: %s", err ? err : "");
    if (!s) return;
    sl_batch b;
    sl_batch_init(&b, 3, 16);
    add_row3(&b, SL_OP_INSERT, 1, "a", 10);
    add_row3(&b, SL_OP_UPDATE_BEFORE, 1, "a", 10);  /* skipped: its +U follows */
    add_row3(&b, SL_OP_UPDATE_AFTER, 1, "b", 11);
    add_row3(&b, SL_OP_UPDATE_BEFORE, 2, "x", 1);   /* followed by another key: a tombstone */
    add_row3(&b, SL_OP_UPDATE_AFTER, 3, "y", 2);
    add_row3(&b, SL_OP_DELETE, 3, "y", 2);          /* a tombstone */
    add_row3(&b, SL_OP_UPDATE_BEFORE, 4, "z", 3);   /* last of the batch: a tombstone */
    add_row3(&b, SL_OP_INSERT, 5, "q\"", 4);
    add_row3(&b, SL_OP_UPDATE_BEFORE, 1, "b", 11);  /* lone -U at the end of the batch */
    CHECK(cn_sink_write(s, &b, &err) == 0, "write %s", err ? err : "");
    sl_batch_clear(&b);
    add_row3(&b, SL_OP_UPDATE_AFTER, 1, "c", 12);   /* its +U in the next batch */
    CHECK(cn_sink_write(s, &b, &err) == 0 && cn_sink_flush(s, 5000, &err) == 0, "write %s", err ? err : "");
    cn_sink_close(s);

    rawrec recs[32];
    int n = read_raw("t_ups_out", 3, recs, 32);
    CHECK(n == 9, "raw messages %d", n);
    static const struct { const char *key, *history; } want[] = {
        {"{\"id\":1}", "{\"id\":1,\"name\":\"a\",\"v\":10} | {\"id\":1,\"name\":\"b\",\"v\":11} | null | "
                       "{\"id\":1,\"name\":\"c\",\"v\":12}"},
        {"{\"id\":2}", "null"},
        {"{\"id\":3}", "{\"id\":3,\"name\":\"y\",\"v\":2} | null"},
        {"{\"id\":4}", "null"},
        {"{\"id\":5}", "{\"id\":5,\"name\":\"q\\\"\",\"v\":4}"},
    };
    int parts_used[3] = {0}, java_part = 0;
    for (int i = 0; i < n; i++) {
        parts_used[recs[i].part]++;
        java_part += (int)((murmur2(recs[i].key, strlen(recs[i].key)) & 0x7fffffff) % 3) == recs[i].part;
    }
    CHECK(java_part == n, "%d of %d messages in the partition Java's client picks", java_part, n);
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        char h[512];
        bool one;
        key_history(recs, n, want[k].key, h, sizeof h, &one);
        CHECK(!strcmp(h, want[k].history) && one, "key %s: %s (one partition %d)", want[k].key, h, one);
    }
    CHECK((parts_used[0] > 0) + (parts_used[1] > 0) + (parts_used[2] > 0) >= 2, "keys spread over partitions %d %d %d",
          parts_used[0], parts_used[1], parts_used[2]);

    /* read back as a changelog */
    result r;
    sl_options_set(&sb.opts, "scan.bounded.mode", "latest-offset");
    sl_options_set(&sb.opts, "scan.startup.mode", "earliest-offset");
    read_all(&sb, &r, 100);
    CHECK(r.rows == 9, "upsert round trip rows %d %s", r.rows, r.err ? r.err : "");
    CHECK(strstr(txt(&r), "[3, y, 2]\n[3, null, null]\n"), "round trip: %s", txt(&r));
    result_free(&r);
    spec_free(&sb);

    /* EXCEPT_KEY, raw key: the value lacks the key column, the key is the bare string */
    topic("t_ups_out2", 1);
    tcol sc[] = {{"k", ty(SL_T_STRING), CN_FROM_VALUE}, {"v", ty(SL_T_INT), CN_FROM_VALUE}};
    static const char *spk[] = {"k"};
    make_spec(&sb, "uo", sc, 2, "connector=upsert-kafka", "topic=t_ups_out2", "key.format=raw", "value.format=json",
              "value.fields-include=EXCEPT_KEY", NULL);
    sb.spec.pk = spk;
    sb.spec.npk = 1;
    s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (s) {
        sl_batch b2;
        sl_batch_init(&b2, 2, 4);
        sl_value *row = sl_batch_add_row(&b2);
        row[0] = sl_str("key-1", 5), row[1] = sl_int(7);
        row = sl_batch_add_row(&b2);
        row[0] = sl_str("key-1", 5), row[1] = sl_int(7);
        b2.ops[1] = SL_OP_DELETE;
        CHECK(cn_sink_write(s, &b2, &err) == 0 && cn_sink_flush(s, 5000, &err) == 0, "write %s", err ? err : "");
        cn_sink_close(s);
        sl_batch_free(&b2);
        n = read_raw("t_ups_out2", 1, recs, 32);
        CHECK(n == 2 && !strcmp(recs[0].key, "key-1") && !strcmp(recs[0].val, "{\"v\":7}") && recs[1].has_key &&
                  !recs[1].has_val,
              "except key: %d %s %s", n, n ? recs[0].key : "", n ? recs[0].val : "");
    }
    spec_free(&sb);

    make_spec(&sb, "uo", cols, 3, "connector=upsert-kafka", "topic=t_ups_out", "key.format=json", "value.format=json",
              "sink.partitioner=round-robin", NULL);
    sb.spec.pk = pk;
    sb.spec.npk = 1;
    s = cn_sink_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "round-robin"), "round-robin: %s", err ? err : "");
    free(err);
    spec_free(&sb);
    sl_batch_free(&b);
}

/* The kafka sink with debezium-json writes what Flink's debezium-json serializer writes. */
static void test_debezium_sink(void) {
    tcol cols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}, {"name", ty(SL_T_STRING), CN_FROM_VALUE},
                   {"v", ty(SL_T_INT), CN_FROM_VALUE}};
    spec_buf sb;
    char *err = NULL;
    make_spec(&sb, "dout", cols, 3, "connector=kafka", "topic=t_dbz_out", "format=debezium-json", NULL);
    cn_sink *s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "debezium sink open: %s", err ? err : "");
    if (!s) return;
    sl_batch b;
    sl_batch_init(&b, 3, 8);
    add_row3(&b, SL_OP_INSERT, 1, "a", 10);
    add_row3(&b, SL_OP_UPDATE_BEFORE, 1, "a", 10);
    add_row3(&b, SL_OP_UPDATE_AFTER, 1, "b", 11);
    add_row3(&b, SL_OP_DELETE, 1, "b", 11);
    CHECK(cn_sink_write(s, &b, &err) == 0 && cn_sink_flush(s, 5000, &err) == 0, "write %s", err ? err : "");
    cn_sink_close(s);
    rawrec recs[8];
    int n = read_raw("t_dbz_out", 1, recs, 8);
    const char *want[] = {"{\"before\":null,\"after\":{\"id\":1,\"name\":\"a\",\"v\":10},\"op\":\"c\"}",
                          "{\"before\":{\"id\":1,\"name\":\"a\",\"v\":10},\"after\":null,\"op\":\"d\"}",
                          "{\"before\":null,\"after\":{\"id\":1,\"name\":\"b\",\"v\":11},\"op\":\"c\"}",
                          "{\"before\":{\"id\":1,\"name\":\"b\",\"v\":11},\"after\":null,\"op\":\"d\"}"};
    CHECK(n == 4, "debezium messages %d", n);
    for (int i = 0; i < n && i < 4; i++)
        CHECK(!strcmp(recs[i].val, want[i]) && !recs[i].has_key, "message %d: %s", i, recs[i].val);

    /* read back as a changelog */
    result r;
    sl_options_set(&sb.opts, "scan.bounded.mode", "latest-offset");
    read_all(&sb, &r, 100);
    CHECK(r.rows == 4 && !strcmp(r.ops, "+I -D +I -D") && !strcmp(txt(&r), "[1, a, 10]\n[1, a, 10]\n[1, b, 11]\n[1, b, 11]\n"),
          "debezium round trip %d %s: %s", r.rows, r.ops, txt(&r));
    result_free(&r);
    spec_free(&sb);

    /* key.fields and EXCEPT_KEY apply to the envelope's images */
    make_spec(&sb, "dout", cols, 3, "connector=kafka", "topic=t_dbz_out2", "value.format=debezium-json",
              "key.format=json", "key.fields=id", "value.fields-include=EXCEPT_KEY", NULL);
    s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (s) {
        sl_batch_clear(&b);
        add_row3(&b, SL_OP_DELETE, 2, "z", 1);
        CHECK(cn_sink_write(s, &b, &err) == 0 && cn_sink_flush(s, 5000, &err) == 0, "write %s", err ? err : "");
        cn_sink_close(s);
        n = read_raw("t_dbz_out2", 1, recs, 8);
        CHECK(n == 1 && !strcmp(recs[0].key, "{\"id\":2}") &&
                  !strcmp(recs[0].val, "{\"before\":{\"name\":\"z\",\"v\":1},\"after\":null,\"op\":\"d\"}"),
              "keyed debezium: %d %s %s", n, n ? recs[0].key : "", n ? recs[0].val : "");
    }
    spec_free(&sb);
    sl_batch_free(&b);
}

/* ---- exactly-once delivery: encode, produce, acked, scan; dead letters ---- */

/* Records seen by an encode callback, produced tagged as they come. */
typedef struct encoded {
    cn_sink *sink;
    const char *job;
    int sink_no;
    int64_t seq;
    int n;
    rawrec recs[32];
    char *err;
} encoded;

/* cn_sink_encode's callback: keeps a copy and produces the record with the next seq. */
static int keep_and_produce(void *ud, const cn_record *r, char **err) {
    encoded *e = ud;
    if (e->n < 32) {
        rawrec *k = &e->recs[e->n];
        k->part = r->partition;
        k->has_key = r->key != NULL;
        k->has_val = r->value != NULL;
        snprintf(k->key, sizeof k->key, "%.*s", (int)r->klen, r->key ? r->key : "");
        snprintf(k->val, sizeof k->val, "%.*s", (int)r->vlen, r->value ? r->value : "");
    }
    e->n++;
    cn_tag tag = {e->job, e->sink_no, e->seq++};
    return cn_sink_produce(e->sink, r, &tag, err);
}

/* Orders raw records by partition, then offset. */
static int by_place(const void *a, const void *b) {
    const rawrec *x = a, *y = b;
    if (x->part != y->part) return x->part - y->part;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* Writes the batches with cn_sink_write to topic `wt`, and encodes + produces them (tagged) to
 * topic `et`, both with the given options (3 partitions); then compares what each topic holds,
 * record by record (partition, key, value, tombstones), and with what the encoder gave. */
static void compare_paths(const char *what, const tcol *cols, int ncols, const char *const *pk, int npk,
                          sl_batch *const *batches, int nb, const char *wt, const char *et, const char *o1,
                          const char *o2, const char *o3, const char *o4, int want_records) {
    topic(wt, 3);
    topic(et, 3);
    char wopt[64], eopt[64];
    snprintf(wopt, sizeof wopt, "topic=%s", wt);
    snprintf(eopt, sizeof eopt, "topic=%s", et);
    spec_buf ws, es;
    make_spec(&ws, "w", cols, ncols, wopt, o1, o2, o3 ? o3 : o4, o3 ? o4 : NULL, NULL);
    make_spec(&es, "e", cols, ncols, eopt, o1, o2, o3 ? o3 : o4, o3 ? o4 : NULL, NULL);
    ws.spec.pk = es.spec.pk = pk;
    ws.spec.npk = es.spec.npk = npk;
    char *err = NULL;
    cn_sink *w = cn_sink_open(&ws.spec, &err);
    CHECK(w != NULL, "%s: write sink %s", what, err ? err : "");
    cn_sink *e = w ? cn_sink_open(&es.spec, &err) : NULL;
    CHECK(!w || e != NULL, "%s: encode sink %s", what, err ? err : "");
    encoded *enc = calloc(1, sizeof *enc);
    if (w && e) {
        CHECK(cn_sink_has_outbox(w) && cn_sink_has_outbox(e), "%s: has outbox", what);
        *enc = (encoded){.sink = e, .job = "job-a", .sink_no = 1, .seq = 1};
        for (int i = 0; i < nb; i++) {
            CHECK(cn_sink_write(w, batches[i], &err) == 0, "%s: write %s", what, err ? err : "");
            CHECK(cn_sink_encode(e, batches[i], keep_and_produce, enc, &err) == 0, "%s: encode %s", what,
                  err ? err : "");
        }
        CHECK(cn_sink_flush(w, 5000, &err) == 0 && cn_sink_flush(e, 5000, &err) == 0, "%s: flush %s", what,
              err ? err : "");
        rawrec *wr = calloc(32, sizeof *wr), *er = calloc(32, sizeof *er);
        int nw = read_raw(wt, 3, wr, 32), ne = read_raw(et, 3, er, 32);
        CHECK(nw == want_records && ne == want_records && enc->n == want_records, "%s: records %d written, %d encoded "
              "(%d read back), want %d", what, nw, enc->n, ne, want_records);
        qsort(wr, (size_t)nw, sizeof *wr, by_place);
        qsort(er, (size_t)ne, sizeof *er, by_place);
        int same = 0;
        for (int i = 0; i < nw && i < ne; i++)
            same += wr[i].part == er[i].part && wr[i].has_key == er[i].has_key && wr[i].has_val == er[i].has_val &&
                    !strcmp(wr[i].key, er[i].key) && !strcmp(wr[i].val, er[i].val) && !wr[i].hdrs[0] &&
                    strstr(er[i].hdrs, "sluice-job=job-a;sluice-sink=1;sluice-seq=") == er[i].hdrs;
        CHECK(same == nw, "%s: %d of %d records the same on both paths", what, same, nw);
        /* the encoder's records, in seq order, are the read-back ones in order within each partition */
        int found = 0;
        for (int i = 0; i < enc->n && i < 32; i++) {
            char seqh[64];
            snprintf(seqh, sizeof seqh, "sluice-seq=%d;", i + 1);
            for (int j = 0; j < ne; j++)
                if (strstr(er[j].hdrs, seqh) && er[j].part == enc->recs[i].part && !strcmp(er[j].key, enc->recs[i].key) &&
                    !strcmp(er[j].val, enc->recs[i].val) && er[j].has_val == enc->recs[i].has_val) {
                    found++;
                    break;
                }
        }
        CHECK(found == enc->n, "%s: %d of %d encoded records found as encoded", what, found, enc->n);
        /* keyed records lie where Java's default partitioner puts them */
        int keyed = 0, java = 0;
        for (int i = 0; i < enc->n && i < 32; i++) {
            if (!enc->recs[i].has_key) continue;
            keyed++;
            java += (int)((murmur2(enc->recs[i].key, strlen(enc->recs[i].key)) & 0x7fffffff) % 3) == enc->recs[i].part;
        }
        CHECK(strstr(what, "fixed") || java == keyed, "%s: %d of %d keyed records where Java puts them", what, java,
              keyed);
        /* acked: the offset after the last record of each partition (all acknowledged) */
        const int64_t *acked;
        int np = cn_sink_acked(e, &acked);
        int per[3] = {0};
        for (int i = 0; i < ne; i++) per[er[i].part & 3]++;
        CHECK(np == 3, "%s: acked partitions %d", what, np);
        for (int p = 0; p < np && p < 3; p++)
            CHECK(acked[p] == (per[p] ? per[p] : -1), "%s: acked[%d] = %lld, %d records", what, p, (long long)acked[p],
                  per[p]);
        free(wr);
        free(er);
    }
    free(err);
    free(enc);
    cn_sink_close(w);
    cn_sink_close(e);
    spec_free(&ws);
    spec_free(&es);
}

/* encode -> produce gives the bytes, keys, tombstones and partitions cn_sink_write gives. */
static void test_encode(void) {
    /* json with a key; json unkeyed (in turn); 'fixed'; debezium-json */
    sl_batch b;
    sl_batch_init(&b, 8, 16);
    fill_rt_rows(&b);
    fill_rt_rows(&b);
    sl_batch *one[] = {&b};
    compare_paths("json keyed", RT_COLS, 8, NULL, 0, one, 1, "t_enc_jw", "t_enc_je", "connector=kafka", "format=json",
                  "key.format=json", "key.fields=id", 6);
    compare_paths("json unkeyed", RT_COLS, 8, NULL, 0, one, 1, "t_enc_uw", "t_enc_ue", "connector=kafka", "format=json",
                  NULL, NULL, 6);
    compare_paths("json fixed", RT_COLS, 8, NULL, 0, one, 1, "t_enc_fw", "t_enc_fe", "connector=kafka", "format=json",
                  "sink.partitioner=fixed", NULL, 6);
    sl_batch_free(&b);

    /* the unkeyed records go to partitions 0, 1, 2, 0, ... in order */
    topic("t_enc_rr", 3);
    spec_buf sb;
    char *err = NULL;
    make_spec(&sb, "rr", RT_COLS, 8, "connector=kafka", "topic=t_enc_rr", "format=json", NULL);
    cn_sink *s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "rr open %s", err ? err : "");
    if (s) {
        sl_batch_init(&b, 8, 16);
        fill_rt_rows(&b);
        fill_rt_rows(&b);
        encoded *enc = calloc(1, sizeof *enc);
        enc->sink = s, enc->job = "j";
        CHECK(cn_sink_encode(s, &b, keep_and_produce, enc, &err) == 0, "rr encode %s", err ? err : "");
        bool turn = enc->n == 6;
        for (int i = 0; i < enc->n && i < 32; i++) turn &= enc->recs[i].part == i % 3;
        CHECK(turn, "unkeyed in turn: %d records", enc->n);
        CHECK(cn_sink_flush(s, 5000, &err) == 0, "rr flush %s", err ? err : "");
        free(enc);
        cn_sink_close(s);
        sl_batch_free(&b);
    }
    spec_free(&sb);

    /* raw values, a NULL raw value is a tombstone */
    tcol raw[] = {{"line", ty(SL_T_STRING), CN_FROM_VALUE}};
    sl_batch_init(&b, 1, 8);
    const char *lines[] = {"a line", "", NULL, "{not json"};
    for (int i = 0; i < 4; i++) {
        sl_value *row = sl_batch_add_row(&b);
        row[0] = lines[i] ? sl_str(lines[i], (uint32_t)strlen(lines[i])) : sl_null();
    }
    compare_paths("raw", raw, 1, NULL, 0, one, 1, "t_enc_rw", "t_enc_re", "connector=kafka", "format=raw", NULL, NULL, 4);
    sl_batch_free(&b);

    /* upsert-kafka: the pair rule, tombstones, a lone -U then its +U in the next batch */
    tcol ucols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}, {"name", ty(SL_T_STRING), CN_FROM_VALUE},
                    {"v", ty(SL_T_INT), CN_FROM_VALUE}};
    static const char *pk[] = {"id"};
    sl_batch b2;
    sl_batch_init(&b, 3, 16);
    sl_batch_init(&b2, 3, 4);
    add_row3(&b, SL_OP_INSERT, 1, "a", 10);
    add_row3(&b, SL_OP_UPDATE_BEFORE, 1, "a", 10);
    add_row3(&b, SL_OP_UPDATE_AFTER, 1, "b", 11);
    add_row3(&b, SL_OP_UPDATE_BEFORE, 2, "x", 1);
    add_row3(&b, SL_OP_UPDATE_AFTER, 3, "y", 2);
    add_row3(&b, SL_OP_DELETE, 3, "y", 2);
    add_row3(&b, SL_OP_UPDATE_BEFORE, 4, "z", 3);
    add_row3(&b, SL_OP_INSERT, 5, "q\"", 4);
    add_row3(&b, SL_OP_UPDATE_BEFORE, 1, "b", 11);
    add_row3(&b2, SL_OP_UPDATE_AFTER, 1, "c", 12);
    sl_batch *two[] = {&b, &b2};
    compare_paths("upsert", ucols, 3, pk, 1, two, 2, "t_enc_pw", "t_enc_pe", "connector=upsert-kafka", "key.format=json",
                  "value.format=json", NULL, 9);
    compare_paths("debezium", ucols, 3, NULL, 0, two, 2, "t_enc_dw", "t_enc_de", "connector=kafka",
                  "format=debezium-json", NULL, NULL, 10);

    /* an append-only sink refuses updates when encoding too; fn's failure is passed on */
    make_spec(&sb, "ap", ucols, 3, "connector=kafka", "topic=t_enc_jw", "format=json", NULL);
    s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (s) {
        encoded *enc = calloc(1, sizeof *enc);
        enc->sink = s;
        CHECK(cn_sink_encode(s, &b, keep_and_produce, enc, &err) == CN_ERROR && err &&
                  strstr(err, "doesn't support consuming update changes") && enc->n == 1,
              "append encode: %d %s", enc->n, err ? err : "");
        free(err);
        err = NULL;
        free(enc);
        cn_sink_close(s);
    }
    spec_free(&sb);
    sl_batch_free(&b);
    sl_batch_free(&b2);

    /* print and blackhole have no outbox */
    tcol pc[] = {{"id", ty(SL_T_INT), 0}};
    const char *kinds[] = {"connector=print", "connector=blackhole"};
    for (int k = 0; k < 2; k++) {
        make_spec(&sb, "p", pc, 1, kinds[k], NULL);
        s = cn_sink_open(&sb.spec, &err);
        const int64_t *acked;
        CHECK(s && !cn_sink_has_outbox(s) && cn_sink_acked(s, &acked) == 0, "%s: outbox", kinds[k]);
        cn_record r = {0, NULL, 0, "x", 1, NULL, 0};
        CHECK(s && cn_sink_produce(s, &r, NULL, &err) == CN_ERROR, "%s: produce", kinds[k]);
        free(err);
        err = NULL;
        cn_sink_close(s);
        spec_free(&sb);
    }
}

/* A record's own headers come with the tag's; a partition out of range is refused; -1 lets
 * the producer choose. */
static void test_produce_headers(void) {
    topic("t_hdr", 2);
    tcol cols[] = {{"v", ty(SL_T_STRING), CN_FROM_VALUE}};
    spec_buf sb;
    char *err = NULL;
    make_spec(&sb, "h", cols, 1, "connector=kafka", "topic=t_hdr", "format=raw", NULL);
    cn_sink *s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (!s) return;
    cn_header h[] = {{"h1", "v1", 2}, {"empty", "", 0}, {"nul", NULL, 0}, {"bin", "a\0b", 3}};
    cn_record r = {1, "k", 1, "val", 3, h, 4};
    cn_tag tag = {"my job", 7, 9000000000LL};
    CHECK(cn_sink_produce(s, &r, &tag, &err) == 0, "produce %s", err ? err : "");
    r.headers = NULL, r.nheaders = 0, r.value = NULL, r.partition = 0, tag.seq = 1;
    CHECK(cn_sink_produce(s, &r, &tag, &err) == 0, "tombstone %s", err ? err : "");
    r.partition = -1, r.key = NULL, r.value = "untagged", r.vlen = 8;
    CHECK(cn_sink_produce(s, &r, NULL, &err) == 0, "untagged %s", err ? err : "");
    r.partition = 2;
    CHECK(cn_sink_produce(s, &r, NULL, &err) == CN_ERROR && err && strstr(err, "partition 2") &&
              strstr(err, "2 partitions"), "out of range: %s", err ? err : "");
    free(err);
    err = NULL;
    CHECK(cn_sink_flush(s, 5000, &err) == 0, "flush %s", err ? err : "");
    cn_sink_close(s);
    spec_free(&sb);
    rawrec recs[8];
    int n = read_raw("t_hdr", 2, recs, 8);
    qsort(recs, (size_t)n, sizeof *recs, by_place);
    CHECK(n == 3, "records %d", n);
    if (n != 3) return;
    const rawrec *tomb = recs[0].has_key ? &recs[0] : &recs[1];
    const rawrec *plain = recs[0].has_key ? &recs[1] : &recs[0];
    CHECK(!strcmp(recs[2].key, "k") && recs[2].part == 1 && !strcmp(recs[2].val, "val") &&
              !memcmp(recs[2].hdrs, "h1=v1;empty=;nul=(null);bin=a", 29) &&
              strstr(recs[2].hdrs, ";sluice-job=my job;sluice-sink=7;sluice-seq=9000000000;"),
          "headers: %s", recs[2].hdrs);
    CHECK(tomb->part == 0 && tomb->has_key && !tomb->has_val &&
              !strcmp(tomb->hdrs, "sluice-job=my job;sluice-sink=7;sluice-seq=1;"), "tombstone %d %s", tomb->part,
          tomb->hdrs);
    CHECK(!plain->has_key && !strcmp(plain->val, "untagged") && !plain->hdrs[0], "untagged: %s", plain->hdrs);
}

/* Produces one raw record (value v) to partition p of the sink with the given headers. */
static void put(cn_sink *s, int p, const char *v, const char *job, const char *sink, const char *seq) {
    cn_header h[3];
    int n = 0;
    if (job) h[n++] = (cn_header){"sluice-job", job, strlen(job)};
    if (sink) h[n++] = (cn_header){"sluice-sink", sink, strlen(sink)};
    if (seq) h[n++] = (cn_header){"sluice-seq", seq, strlen(seq)};
    cn_record r = {p, NULL, 0, v, strlen(v), h, n};
    char *err = NULL;
    CHECK(cn_sink_produce(s, &r, NULL, &err) == 0, "put %s", err ? err : "");
    free(err);
}

/* Scans partition p from `from`; the seqs as "1 2 3" (or "error: ..."). */
static void scan_text(cn_sink *s, int p, int64_t from, const char *job, int sink, char *out, size_t outn) {
    cn_tag tag = {job, sink, 0};
    int64_t *seqs = NULL;
    int n = -1;
    char *err = NULL;
    out[0] = 0;
    if (cn_sink_scan(s, p, from, &tag, &seqs, &n, &err) < 0) {
        snprintf(out, outn, "error: %s", err ? err : "?");
        free(err);
        return;
    }
    for (int i = 0; i < n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, outn - l, "%s%lld", i ? " " : "", (long long)seqs[i]);
    }
    free(seqs);
}

/* Creates a topic on a real Kafka broker with the admin API (what the embedded broker lacks). */
static void admin_create(const char *boot, const char *name, int parts) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", boot, errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(name, parts, 1, errstr, sizeof errstr);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 15000);
    CHECK(ev && !rd_kafka_event_error(ev), "create %s at %s", name, boot);
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

/* Recovery's read: exactly this job's and sink's seqs, in offset order, among other jobs',
 * other sinks', untagged and half-tagged records; from a middle offset, beyond the end, below
 * the start; an empty partition; records produced after the scan's end are not waited for. */
static void scan_on(const char *boot, const char *suffix) {
    bool embedded = boot == g_boot;
    char tname[96], topt[128], bopt[256];
    snprintf(tname, sizeof tname, "t_scan%s", suffix);
    snprintf(topt, sizeof topt, "topic=%s", tname);
    snprintf(bopt, sizeof bopt, "properties.bootstrap.servers=%s", boot);
    if (embedded) topic(tname, 3);
    else admin_create(boot, tname, 3);
    tcol cols[] = {{"v", ty(SL_T_STRING), CN_FROM_VALUE}};
    spec_buf sb;
    char *err = NULL;
    make_spec(&sb, "sc", cols, 1, "connector=kafka", topt, "format=raw", bopt, NULL);
    cn_sink *s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (!s) return;
    /* partition 0:   offset: what */
    put(s, 0, "u0", NULL, NULL, NULL);        /* 0 untagged */
    put(s, 0, "a", "job1", "1", "10");        /* 1 */
    put(s, 0, "b", "job2", "1", "900");       /* 2 another job */
    put(s, 0, "c", "job1", "2", "901");       /* 3 another sink */
    put(s, 0, "d", "job1", "1", "11");        /* 4 */
    put(s, 0, "e", "job1x", "1", "902");      /* 5 a job whose name starts like ours */
    put(s, 0, "f", "job1", NULL, "903");      /* 6 no sink header */
    put(s, 0, "g", "job1", "1", "x9");        /* 7 a seq that is not a number */
    put(s, 0, "h", "job1", "1", "12");        /* 8 */
    put(s, 0, "u1", NULL, NULL, NULL);        /* 9 untagged */
    put(s, 0, "i", "job1", "01", "13");       /* 10 the sink number written differently: still ours */
    put(s, 1, "j", "job1", "1", "20");        /* partition 1: one record; partition 2: none */
    CHECK(cn_sink_flush(s, 5000, &err) == 0, "flush %s", err ? err : "");
    const int64_t *acked;
    int np = cn_sink_acked(s, &acked);
    CHECK(np == 3 && acked[0] == 11 && acked[1] == 1 && acked[2] == -1, "acked %d: %lld %lld %lld", np,
          (long long)acked[0], (long long)(np > 1 ? acked[1] : -9), (long long)(np > 2 ? acked[2] : -9));
    char got[256];
    double t = now_s();
    scan_text(s, 0, 0, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, "10 11 12 13"), "scan from 0: %s", got);
    scan_text(s, 0, 4, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, "11 12 13"), "scan from 4: %s", got);
    scan_text(s, 0, 5, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, "12 13"), "scan from 5: %s", got);
    scan_text(s, 0, 10, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, "13"), "scan from 10: %s", got);
    scan_text(s, 0, 11, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, ""), "scan at the end: %s", got);
    scan_text(s, 0, 500, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, ""), "scan beyond the end: %s", got);
    scan_text(s, 0, -7, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, "10 11 12 13"), "scan from below the start: %s", got);
    scan_text(s, 0, 0, "job2", 1, got, sizeof got);
    CHECK(!strcmp(got, "900"), "other job: %s", got);
    scan_text(s, 0, 0, "job1", 2, got, sizeof got);
    CHECK(!strcmp(got, "901"), "other sink: %s", got);
    scan_text(s, 0, 0, "nobody", 1, got, sizeof got);
    CHECK(!strcmp(got, ""), "nobody's: %s", got);
    scan_text(s, 1, 0, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, "20"), "partition 1: %s", got);
    scan_text(s, 2, 0, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, ""), "empty partition: %s", got);
    scan_text(s, 3, 0, "job1", 1, got, sizeof got);
    CHECK(strstr(got, "error: ") && strstr(got, "partition 3"), "no partition 3: %s", got);
    /* records added later are found by the next scan */
    put(s, 2, "k", "job1", "1", "30");
    CHECK(cn_sink_flush(s, 5000, &err) == 0, "flush %s", err ? err : "");
    scan_text(s, 2, 0, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, "30"), "partition 2 after a record: %s", got);
    scan_text(s, 0, 1, "job1", 1, got, sizeof got);
    CHECK(!strcmp(got, "10 11 12 13"), "scan from 1 again: %s", got);
    CHECK(now_s() - t < (embedded ? 3 : 10), "16 scans took %.2f s", now_s() - t);
    cn_sink_close(s);
    spec_free(&sb);

    /* a partition whose oldest records were evicted (the embedded broker keeps 5 MiB): the
     * scan starts at the log start */
    if (embedded) topic("t_scan_big", 1);
    make_spec(&sb, "sc", cols, 1, "connector=kafka", "topic=t_scan_big", "format=raw", NULL);
    s = embedded ? cn_sink_open(&sb.spec, &err) : NULL;
    CHECK(!embedded || s != NULL, "open %s", err ? err : "");
    if (s) {
        char *big = malloc(200000);
        memset(big, 'x', 199999);
        big[199999] = 0;
        for (int i = 0; i < 40; i++) {
            char seq[16];
            snprintf(seq, sizeof seq, "%d", i);
            put(s, 0, big, "job1", "1", seq);
            if (i % 8 == 7) cn_sink_flush(s, 5000, &err); /* one record per batch */
        }
        CHECK(cn_sink_flush(s, 10000, &err) == 0, "flush %s", err ? err : "");
        free(big);
        int64_t lo = -1, hi = -1;
        rd_kafka_query_watermark_offsets(g_prod, "t_scan_big", 0, &lo, &hi, 5000);
        scan_text(s, 0, 0, "job1", 1, got, sizeof got);
        char want[256] = "";
        for (int64_t i = lo; i < hi; i++) {
            size_t l = strlen(want);
            snprintf(want + l, sizeof want - l, "%s%lld", i > lo ? " " : "", (long long)i);
        }
        CHECK(lo > 0 && hi == 40 && !strcmp(got, want), "evicted: log %lld..%lld, scan %s", (long long)lo,
              (long long)hi, got);
        cn_sink_close(s);
    }
    spec_free(&sb);

    /* a sink's scan reads records another sink (a previous process) wrote: a fresh sink */
    make_spec(&sb, "sc", cols, 1, "connector=kafka", topt, "format=raw", bopt, NULL);
    s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "open %s", err ? err : "");
    if (s) {
        np = cn_sink_acked(s, &acked);
        CHECK(np == 3 && acked[0] == -1 && acked[1] == -1 && acked[2] == -1, "fresh acked %d", np);
        scan_text(s, 0, 0, "job1", 1, got, sizeof got);
        CHECK(!strcmp(got, "10 11 12 13"), "fresh sink's scan: %s", got);
        cn_sink_close(s);
    }
    spec_free(&sb);
}

/* ... on the embedded broker, and on the Kafka broker at $SLUICE_TEST_KAFKA if set (e.g.
 * tests/kafka/kafka.sh start DIR), with topics of a name of this run. */
static void test_scan(void) {
    scan_on(g_boot, "");
    const char *kafka = getenv("SLUICE_TEST_KAFKA");
    if (kafka && *kafka) {
        char suffix[64];
        snprintf(suffix, sizeof suffix, "_%d_%ld", (int)getpid(), (long)time(NULL));
        scan_on(kafka, suffix);
    }
}

/* A rejected record as the test keeps it. */
typedef struct kept_reject {
    char topic[32], key[64], value[64], error[200];
    int partition;
    int64_t offset;
    bool has_key, has_value;
} kept_reject;

/* Reads a bounded source to its end; copies every poll's rejects at once (they are valid until
 * the next poll); the rows as text. Returns the rows, or -1 on an error (in *err). */
static int read_with_rejects(spec_buf *sb, int cap, sl_buf *text, kept_reject *rej, int *nrej, int64_t *pos0,
                             char **err) {
    *nrej = 0;
    cn_source *s = cn_source_open(&sb->spec, err);
    if (!s) return -1;
    sl_batch b;
    sl_batch_init(&b, sb->spec.row_width, cap);
    int rows = 0, n;
    double deadline = now_s() + 10;
    while (now_s() < deadline && (n = cn_source_poll(s, &b, 100, err)) != CN_EOF) {
        if (n == CN_ERROR) {
            rows = -1;
            break;
        }
        const cn_reject *r;
        int k = cn_source_rejects(s, &r);
        for (int i = 0; i < k && *nrej < 16; i++) {
            kept_reject *x = &rej[(*nrej)++];
            snprintf(x->topic, sizeof x->topic, "%s", r[i].topic);
            x->partition = r[i].partition;
            x->offset = r[i].offset;
            x->has_key = r[i].key != NULL;
            x->has_value = r[i].value != NULL;
            snprintf(x->key, sizeof x->key, "%.*s", (int)r[i].klen, r[i].key ? r[i].key : "");
            snprintf(x->value, sizeof x->value, "%.*s", (int)r[i].vlen, r[i].value ? r[i].value : "");
            snprintf(x->error, sizeof x->error, "%s", r[i].error);
        }
        for (int i = 0; i < b.nrows; i++) {
            sl_value *row = sl_batch_row(&b, i);
            sl_buf_puts(text, "[");
            for (int c = 0; c < sb->spec.ncols; c++) {
                if (c) sl_buf_puts(text, ", ");
                if (row[c].null) sl_buf_puts(text, "null");
                else sl_format_value(text, sb->cols[c].type, row[c]);
            }
            sl_buf_puts(text, "]\n");
        }
        rows += b.nrows;
    }
    const cn_position *p;
    int np = cn_source_positions(s, &p);
    *pos0 = np > 0 ? p[0].offset : -1;
    const cn_reject *r;
    CHECK(cn_source_rejects(s, &r) == 0 && r == NULL, "rejects after the end");
    cn_source_close(s);
    sl_batch_free(&b);
    return rows;
}

/* 'scan.dlq.topic': malformed records are rejects (raw bytes, place, reason), not rows, not
 * fatal, not skipped; the position moves past them; the DLQ wins over ignore-parse-errors. */
static void test_dlq_source(void) {
    topic("t_dlq_in", 1);
    produce("t_dlq_in", 0, "k0", "{\"id\":1,\"name\":\"a\"}", 0);  /* 0 */
    produce("t_dlq_in", 0, "k1", "{\"id\":2,", 0);                   /* 1 malformed */
    produce("t_dlq_in", 0, NULL, "{\"id\":3,\"name\":\"c\"}", 0);  /* 2 */
    produce("t_dlq_in", 0, NULL, "{\"id\":\"abc\"}", 0);             /* 3 a field that does not convert */
    produce("t_dlq_in", 0, "k4", NULL, 0);                           /* 4 tombstone: skipped as always */
    produce("t_dlq_in", 0, NULL, "{\"id\":5}", 0);                   /* 5 */
    produce("t_dlq_in", 0, NULL, "nope", 0);                         /* 6 malformed, the last record */
    flush_producer();
    tcol cols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}, {"name", ty(SL_T_STRING), CN_FROM_VALUE}};
    const int caps[] = {100, 2, 1};
    for (int c = 0; c < 3; c++) {
        for (int ipe = 0; ipe < 2; ipe++) {
            spec_buf sb;
            make_spec(&sb, "dl", cols, 2, "connector=kafka", "topic=t_dlq_in", "format=json", "scan.dlq.topic=t_dlq",
                      "scan.bounded.mode=latest-offset", ipe ? "json.ignore-parse-errors=true" : NULL, NULL);
            sl_buf text = {0};
            kept_reject rej[16];
            int nrej;
            int64_t pos;
            char *err = NULL;
            int rows = read_with_rejects(&sb, caps[c], &text, rej, &nrej, &pos, &err);
            CHECK(rows == 3 && text.data && !strcmp(text.data, "[1, a]\n[3, c]\n[5, null]\n"), "cap %d ipe %d: rows %d "
                  "%s: %s", caps[c], ipe, rows, err ? err : "", text.data ? text.data : "");
            CHECK(nrej == 3 && pos == 7, "cap %d ipe %d: %d rejects, position %lld", caps[c], ipe, nrej, (long long)pos);
            if (nrej == 3) {
                CHECK(!strcmp(rej[0].topic, "t_dlq_in") && rej[0].partition == 0 && rej[0].offset == 1 &&
                          rej[0].has_key && !strcmp(rej[0].key, "k1") && !strcmp(rej[0].value, "{\"id\":2,") &&
                          strstr(rej[0].error, "malformed JSON"),
                      "reject 0: %s %d %lld %s %s %s", rej[0].topic, rej[0].partition, (long long)rej[0].offset,
                      rej[0].key, rej[0].value, rej[0].error);
                CHECK(rej[1].offset == 3 && !rej[1].has_key && !strcmp(rej[1].value, "{\"id\":\"abc\"}") &&
                          strstr(rej[1].error, "'abc' cannot be read as INT"),
                      "reject 1: %lld %s %s", (long long)rej[1].offset, rej[1].value, rej[1].error);
                CHECK(rej[2].offset == 6 && !strcmp(rej[2].value, "nope") && rej[2].has_value, "reject 2: %lld %s",
                      (long long)rej[2].offset, rej[2].value);
            }
            free(err);
            sl_buf_free(&text);
            spec_free(&sb);
        }
    }

    /* resumed after the first reject: the rest */
    spec_buf sb;
    make_spec(&sb, "dl", cols, 2, "connector=kafka", "topic=t_dlq_in", "format=json", "scan.dlq.topic=t_dlq",
              "scan.bounded.mode=latest-offset", NULL);
    cn_position at[] = {{"t_dlq_in", 0, 2}};
    sb.spec.resume = at;
    sb.spec.nresume = 1;
    sl_buf text = {0};
    kept_reject rej[16];
    int nrej;
    int64_t pos;
    char *err = NULL;
    int rows = read_with_rejects(&sb, 100, &text, rej, &nrej, &pos, &err);
    CHECK(rows == 2 && nrej == 2 && rej[0].offset == 3 && pos == 7, "resumed: rows %d rejects %d", rows, nrej);
    sl_buf_free(&text);
    spec_free(&sb);

    /* upsert-kafka: a keyless record and a bad key are rejects; debezium-json: a bad envelope */
    topic("t_dlq_ups", 1);
    produce("t_dlq_ups", 0, "{\"id\":1}", "{\"v\":10}", 0);
    produce("t_dlq_ups", 0, NULL, "{\"id\":2,\"v\":20}", 0);
    produce("t_dlq_ups", 0, "{\"id\":", NULL, 0);
    produce("t_dlq_ups", 0, "{\"id\":1}", NULL, 0);
    flush_producer();
    tcol ucols[] = {{"id", ty(SL_T_INT), CN_FROM_KEY}, {"v", ty(SL_T_INT), CN_FROM_VALUE}};
    static const char *pk[] = {"id"};
    make_spec(&sb, "du", ucols, 2, "connector=upsert-kafka", "topic=t_dlq_ups", "key.format=json", "value.format=json",
              "scan.dlq.topic=t_dlq", "scan.bounded.mode=latest-offset", NULL);
    sb.spec.pk = pk;
    sb.spec.npk = 1;
    memset(&text, 0, sizeof text);
    rows = read_with_rejects(&sb, 100, &text, rej, &nrej, &pos, &err);
    CHECK(rows == 2 && text.data && !strcmp(text.data, "[1, 10]\n[1, null]\n") && nrej == 2 && pos == 4,
          "upsert: rows %d rejects %d %s", rows, nrej, text.data ? text.data : "");
    if (nrej == 2)
        CHECK(rej[0].offset == 1 && !rej[0].has_key && strstr(rej[0].error, "no key") && rej[1].offset == 2 &&
                  rej[1].has_key && !rej[1].has_value && !strcmp(rej[1].key, "{\"id\":"),
              "upsert rejects: %s / %s %s", rej[0].error, rej[1].key, rej[1].error);
    sl_buf_free(&text);
    spec_free(&sb);

    topic("t_dlq_dbz", 1);
    produce("t_dlq_dbz", 0, NULL, "{\"before\":null,\"after\":{\"id\":1},\"op\":\"c\"}", 0);
    produce("t_dlq_dbz", 0, NULL, "{\"before\":null,\"after\":{\"id\":2},\"op\":\"x\"}", 0);
    produce("t_dlq_dbz", 0, NULL, "{\"before\":{\"id\":1},\"after\":{\"id\":3},\"op\":\"u\"}", 0);
    flush_producer();
    tcol dcols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}};
    make_spec(&sb, "dd", dcols, 1, "connector=kafka", "topic=t_dlq_dbz", "format=debezium-json", "scan.dlq.topic=t_dlq",
              "debezium-json.ignore-parse-errors=true", "scan.bounded.mode=latest-offset", NULL);
    memset(&text, 0, sizeof text);
    rows = read_with_rejects(&sb, 1, &text, rej, &nrej, &pos, &err);
    CHECK(rows == 3 && text.data && !strcmp(text.data, "[1]\n[1]\n[3]\n") && nrej == 1 && rej[0].offset == 1 &&
              strstr(rej[0].error, "unknown Debezium JSON 'op' value 'x'") && pos == 3,
          "debezium: rows %d rejects %d %s", rows, nrej, text.data ? text.data : "");
    sl_buf_free(&text);
    spec_free(&sb);

    /* the option is checked at open */
    const char *bad[] = {"scan.dlq.topic=", "scan.dlq.topic=  ", "scan.dlq.topic=t_dlq_in", "scan.dlq.topic=a;b"};
    for (int i = 0; i < 4; i++) {
        make_spec(&sb, "dl", cols, 2, "connector=kafka", "topic=t_dlq_in", "format=json", bad[i], NULL);
        cn_source *s = cn_source_open(&sb.spec, &err);
        CHECK(!s && err && (strstr(err, "dead-letter") || strstr(err, "scan.dlq.topic")), "%s: %s", bad[i],
              err ? err : "(opened)");
        cn_source_close(s);
        free(err);
        err = NULL;
        spec_free(&sb);
    }
    /* a source without the option has no rejects; datagen neither */
    tcol g[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}};
    make_spec(&sb, "dg", g, 1, "connector=datagen", "number-of-rows=1", NULL);
    cn_source *s = cn_source_open(&sb.spec, &err);
    const cn_reject *r;
    CHECK(s && cn_source_rejects(s, &r) == 0 && !r, "datagen rejects");
    cn_source_close(s);
    spec_free(&sb);
}

/* cn_dlq_open: a sink with the source table's connection options that produces ready-made
 * records with their headers and reads them back. */
static void test_dlq_sink(void) {
    tcol cols[] = {{"id", ty(SL_T_INT), CN_FROM_VALUE}};
    spec_buf sb;
    char *err = NULL;
    char boot[256];
    snprintf(boot, sizeof boot, "properties.bootstrap.servers=%s", g_boot);
    sl_options_set(&g_session, "sluice.embedded.partitions", "2");
    make_spec(&sb, "src", cols, 1, "connector=kafka", "topic=t_dlq_src", "format=json", "scan.dlq.topic=t_dlq_out", boot,
              "properties.client.id=dlq-test", NULL);
    cn_sink *d = cn_dlq_open(&sb.spec, "t_dlq_out", &err);
    CHECK(d != NULL, "dlq open %s", err ? err : "");
    if (d) {
        CHECK(cn_sink_has_outbox(d), "dlq has an outbox");
        const int64_t *acked;
        CHECK(cn_sink_acked(d, &acked) == 2 && acked[0] == -1, "dlq partitions (new topic: the session's count)");
        cn_header h[] = {{"sluice-error", "malformed JSON", 14}, {"sluice-topic", "t_dlq_src", 9},
                         {"sluice-partition", "0", 1}, {"sluice-offset", "17", 2}};
        cn_record r = {1, "raw-key", 7, "{\"id\":", 6, h, 4};
        cn_tag tag = {"job-d", 0, 5};
        CHECK(cn_sink_produce(d, &r, &tag, &err) == 0, "dlq produce %s", err ? err : "");
        r.key = NULL, r.value = NULL, r.partition = 1, tag.seq = 6;
        CHECK(cn_sink_produce(d, &r, &tag, &err) == 0, "dlq produce %s", err ? err : "");
        CHECK(cn_sink_flush(d, 5000, &err) == 0, "dlq flush %s", err ? err : "");
        CHECK(cn_sink_acked(d, &acked) == 2 && acked[0] == -1 && acked[1] == 2, "dlq acked %lld",
              (long long)acked[1]);
        char got[64];
        scan_text(d, 1, 0, "job-d", 0, got, sizeof got);
        CHECK(!strcmp(got, "5 6"), "dlq scan: %s", got);
        sl_batch b;
        sl_batch_init(&b, 1, 2);
        sl_batch_add_row(&b)[0] = sl_int(1);
        CHECK(cn_sink_write(d, &b, &err) == CN_ERROR && err && strstr(err, "dead-letter"), "dlq write: %s",
              err ? err : "");
        free(err);
        err = NULL;
        CHECK(cn_sink_encode(d, &b, keep_and_produce, NULL, &err) == CN_ERROR, "dlq encode");
        free(err);
        err = NULL;
        sl_batch_free(&b);
        cn_sink_close(d);
        rawrec recs[4];
        int n = read_raw("t_dlq_out", 2, recs, 4);
        CHECK(n == 2 && !strcmp(recs[0].key, "raw-key") && !strcmp(recs[0].val, "{\"id\":") &&
                  !strcmp(recs[0].hdrs, "sluice-error=malformed JSON;sluice-topic=t_dlq_src;sluice-partition=0;"
                                        "sluice-offset=17;sluice-job=job-d;sluice-sink=0;sluice-seq=5;") &&
                  !recs[1].has_key && !recs[1].has_val,
              "dlq records %d: %s", n, n ? recs[0].hdrs : "");
    }
    spec_free(&sb);
    /* a bad topic; an unreachable bootstrap */
    make_spec(&sb, "src", cols, 1, "connector=kafka", "topic=t_dlq_src", "format=json", NULL);
    d = cn_dlq_open(&sb.spec, "", &err);
    CHECK(!d && err && strstr(err, "dead-letter topic of table 'src'"), "empty dlq topic: %s", err ? err : "");
    free(err);
    err = NULL;
    spec_free(&sb);
    make_spec(&sb, "src", cols, 1, "connector=kafka", "topic=t_x", "format=json",
              "properties.bootstrap.servers=127.0.0.1:1", NULL);
    d = cn_dlq_open(&sb.spec, "t_dlq_x", &err);
    CHECK(!d && err && strstr(err, "127.0.0.1:1"), "unreachable dlq: %s", err ? err : "");
    free(err);
    spec_free(&sb);
    sl_options_free(&g_session);
    memset(&g_session, 0, sizeof g_session);
}

/* Delivery report of the fault test's producer: the error of the last record. */
static void fault_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk, (void)opaque;
    *(rd_kafka_resp_err_t *)m->_private = m->err;
}

/* Produces one record with a producer that does not retry; its delivery error. */
static rd_kafka_resp_err_t produce_once(rd_kafka_t *rk, const char *t) {
    rd_kafka_resp_err_t res = RD_KAFKA_RESP_ERR__IN_PROGRESS;
    rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(t), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE("x", 1),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(&res), RD_KAFKA_V_END);
    rd_kafka_flush(rk, 5000);
    return res;
}

/* The error metadata reports for topic t (or a request error). */
static rd_kafka_resp_err_t topic_err(rd_kafka_t *rk, const char *t, int *parts) {
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, t, NULL);
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 2000);
    if (!e) {
        e = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
        if (parts) *parts = md->topic_cnt == 1 ? md->topics[0].partition_cnt : -1;
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return e;
}

/* `sluice broker`'s fault commands, run on a mock cluster of the test's own. */
static void test_broker_commands(void) {
    char errstr[256];
    rd_kafka_conf_t *oconf = rd_kafka_conf_new();
    rd_kafka_conf_set(oconf, "log_level", "0", errstr, sizeof errstr); /* it needs no bootstrap.servers */
    rd_kafka_t *owner = rd_kafka_new(RD_KAFKA_PRODUCER, oconf, errstr, sizeof errstr);
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(owner, 3);
    CHECK(mc != NULL, "mock cluster");
    if (!mc) {
        rd_kafka_destroy(owner);
        return;
    }
    static const struct { const char *cmd, *reply; } cases[] = {
        {"create tb 3", "ok"},
        {"create tb 3", "error: "},  /* exists */
        {"create tc 0", "error: bad partition count '0'"},
        {"create", "error: usage: create TOPIC PARTITIONS"},
        {"  down   2 ", "ok"},
        {"up 2", "ok"},
        {"down 9", "error: no broker with id 9"},
        {"down x", "error: bad broker id 'x'"},
        {"up", "error: usage: up BROKER-ID"},
        {"rtt 3 25", "ok"},
        {"rtt 3 0", "ok"},
        {"rtt 3 -1", "error: bad round-trip time '-1' (ms)"},
        {"rtt 3", "error: usage: rtt BROKER-ID MS"},
        {"errors Fetch 2 REQUEST_TIMED_OUT", "ok"},
        {"errors fetch 1 rd_kafka_resp_err_not_leader_for_partition", "ok"},
        {"errors 3 1 7", "ok"},
        {"errors Metadata 1 NOT_LEADER_OR_FOLLOWER", "ok"},
        {"errors ListOffsets 1 UNKNOWN_TOPIC_OR_PART", "ok"},
        {"errors Nope 1 REQUEST_TIMED_OUT", "error: unknown API 'Nope'"},
        {"errors Fetch 0 REQUEST_TIMED_OUT", "error: bad count '0'"},
        {"errors Fetch 1 NO_SUCH_ERROR", "error: unknown error 'NO_SUCH_ERROR'"},
        {"errors Fetch 1", "error: usage: errors API COUNT ERROR-NAME"},
        {"topic-error tb", "error: usage: topic-error TOPIC ERROR-NAME"},
        {"bogus 1", "error: unknown command 'bogus'"},
        {"", "error: empty command"},
        {"a b c d e f g", "error: too many words"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char reply[256];
        int rc = cn_broker_command(mc, cases[i].cmd, reply, sizeof reply);
        bool ok = !strcmp(cases[i].reply, "ok");
        CHECK(rc == (ok ? 0 : -1) && !strncmp(reply, cases[i].reply, strlen(cases[i].reply)), "'%s': %d %s",
              cases[i].cmd, rc, reply);
    }
    /* the effects, seen by a client of that cluster */
    rd_kafka_mock_clear_request_errors(mc, 1);
    rd_kafka_mock_clear_request_errors(mc, 2);
    rd_kafka_mock_clear_request_errors(mc, 3);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", rd_kafka_mock_cluster_bootstraps(mc), errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "message.send.max.retries", "0", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "linger.ms", "0", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
    rd_kafka_conf_set_dr_msg_cb(conf, fault_dr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    int parts = 0;
    CHECK(topic_err(rk, "tb", &parts) == RD_KAFKA_RESP_ERR_NO_ERROR && parts == 3, "created: %d partitions", parts);
    CHECK(produce_once(rk, "tb") == RD_KAFKA_RESP_ERR_NO_ERROR, "a record before the errors");
    char reply[256];
    CHECK(cn_broker_command(mc, "errors Produce 1 NOT_ENOUGH_REPLICAS", reply, sizeof reply) == 0, "%s", reply);
    rd_kafka_resp_err_t e = produce_once(rk, "tb");
    CHECK(e == RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, "injected produce error: %s", rd_kafka_err2name(e));
    CHECK(produce_once(rk, "tb") == RD_KAFKA_RESP_ERR_NO_ERROR, "the next one is fine");
    CHECK(cn_broker_command(mc, "topic-error tb LEADER_NOT_AVAILABLE", reply, sizeof reply) == 0, "%s", reply);
    e = topic_err(rk, "tb", NULL);
    CHECK(e == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, "topic error: %s", rd_kafka_err2name(e));
    CHECK(cn_broker_command(mc, "topic-error tb NO_ERROR", reply, sizeof reply) == 0, "%s", reply);
    CHECK(topic_err(rk, "tb", NULL) == RD_KAFKA_RESP_ERR_NO_ERROR, "topic error cleared");
    rd_kafka_destroy(rk);

    /* a sink on that cluster: a delivery failure is reported by one flush (the gapless producer
     * stops), then a new producer session (cn_sink_reset, as the outbox's recovery does) delivers
     * again */
    CHECK(cn_broker_command(mc, "create tf 1", reply, sizeof reply) == 0, "%s", reply);
    tcol cols[] = {{"v", ty(SL_T_STRING), CN_FROM_VALUE}};
    spec_buf sb;
    char boot[512], *err = NULL;
    snprintf(boot, sizeof boot, "properties.bootstrap.servers=%s", rd_kafka_mock_cluster_bootstraps(mc));
    make_spec(&sb, "f", cols, 1, "connector=kafka", "topic=tf", "format=raw", boot, NULL);
    cn_sink *s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "sink on the fault cluster: %s", err ? err : "");
    if (s) {
        cn_record r = {0, NULL, 0, "v", 1, NULL, 0};
        cn_tag tag = {"j", 0, 1};
        CHECK(cn_sink_produce(s, &r, &tag, &err) == 0 && cn_sink_flush(s, 5000, &err) == 0, "first %s",
              err ? err : "");
        CHECK(cn_broker_command(mc, "errors Produce 1 MSG_SIZE_TOO_LARGE", reply, sizeof reply) == 0, "%s", reply);
        tag.seq = 2;
        CHECK(cn_sink_produce(s, &r, &tag, &err) == 0, "second %s", err ? err : "");
        CHECK(cn_sink_flush(s, 5000, &err) == CN_ERROR && err && strstr(err, "Failed to deliver to topic 'tf'"),
              "failed delivery: %s", err ? err : "(none)");
        free(err);
        err = NULL;
        const int64_t *acked;
        CHECK(cn_sink_acked(s, &acked) == 1 && acked[0] == 1, "acked after the failure %lld", (long long)acked[0]);
        char got[64];
        scan_text(s, 0, 0, "j", 0, got, sizeof got);
        CHECK(!strcmp(got, "1"), "scan after the failure: %s", got);
        CHECK(cn_sink_reset(s, &err) == 0, "a new producer session: %s", err ? err : "");
        CHECK(cn_sink_produce(s, &r, &tag, &err) == 0 && cn_sink_flush(s, 5000, &err) == 0, "resent: %s",
              err ? err : "");
        CHECK(cn_sink_acked(s, &acked) == 1 && acked[0] == 2, "acked after the resend %lld", (long long)acked[0]);
        scan_text(s, 0, 0, "j", 0, got, sizeof got);
        CHECK(!strcmp(got, "1 2"), "scan after the resend: %s", got);
        free(err);
        cn_sink_close(s);
    }
    spec_free(&sb);
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(owner);
}

/* Which sinks take update and delete rows. */
static void test_accepts_updates(void) {
    static const struct { const char *a, *b; bool want; } cases[] = {
        {"connector=kafka", "format=json", false},          {"connector=kafka", "format=raw", false},
        {"connector=kafka", "value.format=csv", false},     {"connector=kafka", "format=debezium-json", true},
        {"connector=kafka", "value.format=debezium-json", true}, {"connector=kafka", NULL, false},
        {"connector=upsert-kafka", "value.format=json", true}, {"connector=print", NULL, true},
        {"connector=blackhole", NULL, true},                {"connector=datagen", NULL, false},
        {"connector=nope", NULL, false},                    {"x=y", NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        spec_buf sb;
        make_spec(&sb, "t", NULL, 0, cases[i].a, cases[i].b, NULL);
        CHECK(cn_sink_accepts_updates(&sb.opts) == cases[i].want, "%s %s", cases[i].a, cases[i].b ? cases[i].b : "");
        spec_free(&sb);
    }
    CHECK(!cn_sink_accepts_updates(NULL), "no options");
}

static void test_print(void) {
    tcol cols[] = {{"id", ty(SL_T_INT), 0}, {"name", ty(SL_T_STRING), 0}, {"score", ty(SL_T_DOUBLE), 0},
                   {"ok", ty(SL_T_BOOLEAN), 0}};
    spec_buf sb;
    make_spec(&sb, "p", cols, 4, "connector=print", "print-identifier=job", NULL);
    char *err = NULL;
    cn_sink *s = cn_sink_open(&sb.spec, &err);
    CHECK(s != NULL, "print open %s", err ? err : "");
    sl_batch b;
    sl_batch_init(&b, 4, 4);
    sl_value *row = sl_batch_add_row(&b);
    row[0] = sl_int(1), row[1] = sl_str("ALICE", 5), row[2] = sl_double(92.0), row[3] = sl_int(1);
    row = sl_batch_add_row(&b);
    row[0] = sl_int(2);
    b.ops[1] = SL_OP_DELETE;
    fflush(stdout);
    FILE *tmp = tmpfile();
    int saved = dup(1);
    dup2(fileno(tmp), 1);
    if (s) cn_sink_write(s, &b, &err);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    char buf[256] = {0};
    rewind(tmp);
    size_t n = fread(buf, 1, sizeof buf - 1, tmp);
    buf[n] = 0;
    fclose(tmp);
    CHECK(!strcmp(buf, "job> +I[1, ALICE, 92.0, true]\njob> -D[2, null, null, null]\n"), "print: %s", buf);
    cn_sink_close(s);
    spec_free(&sb);
    make_spec(&sb, "p", cols, 4, "connector=blackhole", NULL);
    s = cn_sink_open(&sb.spec, &err);
    CHECK(s && cn_sink_write(s, &b, &err) == 0 && cn_sink_flush(s, 10, &err) == 0, "blackhole");
    cn_sink_close(s);
    spec_free(&sb);
    sl_batch_free(&b);

    make_spec(&sb, "p", cols, 4, "connector=nope", NULL);
    s = cn_sink_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "nope"), "unknown connector");
    free(err);
    spec_free(&sb);
}

static void test_unreachable(void) {
    tcol cols[] = {{"n", ty(SL_T_INT), CN_FROM_VALUE}};
    spec_buf sb;
    make_spec(&sb, "x", cols, 1, "connector=kafka", "topic=t_x", "format=json",
              "properties.bootstrap.servers=127.0.0.1:1", NULL);
    char *err = NULL;
    double t = now_s();
    cn_source *s = cn_source_open(&sb.spec, &err);
    CHECK(!s && err && strstr(err, "Cannot reach Kafka at 127.0.0.1:1: "), "err %s", err ? err : "");
    CHECK(now_s() - t < 5, "unreachable took %.2f s", now_s() - t);
    free(err);
    spec_free(&sb);
}

int main(void) {
    unsetenv("SLUICE_BOOTSTRAP");
    char *err = NULL;
    g_boot = cn_bootstrap_for(NULL, NULL, &err);
    CHECK(g_boot && strstr(g_boot, ":"), "embedded bootstrap %s", err ? err : "");
    if (!g_boot) return 1;
    const char *again = cn_bootstrap_for(NULL, NULL, &err);
    CHECK(again == g_boot, "one embedded broker");
    topic("t_json", 1); /* twice: already exists is fine */
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", g_boot, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "linger.ms", "1", errstr, sizeof errstr);
    g_prod = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);

    double t = now_s();
    void (*tests[])(void) = {test_json_source, test_lenient, test_strict_json, test_latency, test_metadata, test_bounded_modes, test_timestamps,
                             test_group_offsets, test_sink_round_trip, test_datagen, test_positions,
                             test_datagen_positions, test_debezium_source, test_upsert_source, test_upsert_sink,
                             test_debezium_sink, test_encode, test_produce_headers, test_scan, test_dlq_source,
                             test_dlq_sink, test_broker_commands, test_accepts_updates, test_print,
                             test_unreachable};
    const char *names[] = {"json_source", "lenient", "strict_json", "latency", "metadata", "bounded_modes", "timestamps", "group_offsets",
                           "sink_round_trip", "datagen", "positions", "datagen_positions", "debezium_source", "upsert_source",
                           "upsert_sink", "debezium_sink", "encode", "produce_headers", "scan", "dlq_source",
                           "dlq_sink", "broker_commands", "accepts_updates", "print", "unreachable"};
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        double t1 = now_s();
        tests[i]();
        if (getenv("TEST_VERBOSE")) fprintf(stderr, "%s: %.2f s\n", names[i], now_s() - t1);
    }

    rd_kafka_destroy(g_prod);
    cn_broker_shutdown();
    fprintf(stderr, "test_connectors: %.1f s\n", now_s() - t);
    printf("test_connectors: %d checks, %d failed\n", g_checks, g_failed);
    return g_failed ? 1 : 0;
}
