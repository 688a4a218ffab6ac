/* test_windows.c: the event-time building blocks of the window operators, checked against
 * Flink's semantics. rt_window: TUMBLE, HOP and CUMULATE assignment (offsets, times before the
 * epoch, exact boundaries, HOP's latest-start-first order, CUMULATE's ascending ends),
 * rt_window_max, window_time and when a window fires. rt_watermark: per-partition generation
 * (minimum over partitions, an empty partition holding it back, idle partitions, periodic and
 * on-event emission, never backwards, checkpoint bytes). rt_timers: firing order, earliest and
 * pending, and durability through a store (checkpoint, close, reopen). Exit status nonzero on
 * any failed check. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../common/sl_batch.h"
#include "../../common/sl_buf.h"
#include "../../common/sl_format.h"
#include "../../common/sl_options.h"
#include "../../parser/sp_parse.h"
#include "../../planner/pl_plan.h"
#include "../../runtime/rt_cache.h"
#include "../../runtime/rt_codec.h"
#include "../../runtime/rt_store.h"
#include "../../runtime/rt_timers.h"
#include "../../runtime/rt_watermark.h"
#include "../../runtime/rt_window.h"

#include "check.h"

#define SEC (1000 * (int64_t)RT_MS)
#define MIN (60 * SEC)

/* A TIMESTAMP literal in microseconds ("2020-04-15 08:07:00"). */
static int64_t T(const char *text) {
    int64_t us = 0;
    if (!sl_parse_timestamp(text, strlen(text), &us)) {
        printf("bad timestamp literal %s\n", text);
        exit(1);
    }
    return us;
}

/* ======================================================================================== */
/* rt_window                                                                                */
/* ======================================================================================== */

static pl_window spec(int kind, int64_t size, int64_t slide, int64_t offset) {
    pl_window w;
    memset(&w, 0, sizeof w);
    w.kind = (uint8_t)kind;
    w.size = size;
    w.slide = slide;
    w.offset = offset;
    return w;
}

/* Checks that spec w assigns time t exactly the windows want (n of them, in that order). */
static void expect_windows(const pl_window *w, int64_t t, const rt_win *want, int n, int line) {
    rt_win out[64];
    for (int i = 0; i < 64; i++) out[i] = (rt_win){-7, -7};
    int got = rt_window_assign(w, t, out, 64);
    bool same = got == n;
    for (int i = 0; same && i < n; i++) same = out[i].start == want[i].start && out[i].end == want[i].end;
    char buf[1024] = "";
    size_t p = 0;
    for (int i = 0; !same && i < got && i < 64 && p < sizeof buf - 64; i++)
        p += (size_t)snprintf(buf + p, sizeof buf - p, " [%lld,%lld)", (long long)out[i].start, (long long)out[i].end);
    CHECK(same, "line %d: t=%lld: %d windows:%s; want %d starting [%lld,%lld)", line, (long long)t, got, buf, n,
          n ? (long long)want[0].start : 0LL, n ? (long long)want[0].end : 0LL);
    /* nothing written past the count */
    CHECK(got >= 64 || (out[got].start == -7 && out[got].end == -7), "line %d: wrote past the count", line);
}
#define EXPECT_WINDOWS(w, t, ...)                                                            \
    do {                                                                                     \
        rt_win want_[] = {__VA_ARGS__};                                                      \
        expect_windows(w, t, want_, (int)(sizeof want_ / sizeof want_[0]), __LINE__);       \
    } while (0)
#define W(s, e) ((rt_win){(s), (e)})

/* TUMBLE without offset: the Flink docs' Bid times fall in [08:00, 08:10) and [08:10, 08:20);
 * a time equal to a window's start belongs to it, one equal to its end to the next window. */
static void test_tumble(void) {
    pl_window w = spec(SP_TVF_TUMBLE, 10 * MIN, 0, 0);
    CHECK(rt_window_max(&w) == 1, "TUMBLE max %d", rt_window_max(&w));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:07:00"), W(T("2020-04-15 08:00:00"), T("2020-04-15 08:10:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:05:00"), W(T("2020-04-15 08:00:00"), T("2020-04-15 08:10:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:17:00"), W(T("2020-04-15 08:10:00"), T("2020-04-15 08:20:00")));
    /* boundaries */
    EXPECT_WINDOWS(&w, T("2020-04-15 08:00:00"), W(T("2020-04-15 08:00:00"), T("2020-04-15 08:10:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:10:00"), W(T("2020-04-15 08:10:00"), T("2020-04-15 08:20:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:10:00") - 1, W(T("2020-04-15 08:00:00"), T("2020-04-15 08:10:00")));
    EXPECT_WINDOWS(&w, 0, W(0, 10 * MIN));
    EXPECT_WINDOWS(&w, 10 * MIN - 1, W(0, 10 * MIN));
    /* microsecond sizes work too (the arithmetic is not in milliseconds) */
    pl_window us = spec(SP_TVF_TUMBLE, 7, 0, 0);
    EXPECT_WINDOWS(&us, 20, W(14, 21));
    EXPECT_WINDOWS(&us, 21, W(21, 28));
    /* no room: nothing assigned, nothing written */
    rt_win one = {123, 456};
    CHECK(rt_window_assign(&w, 5, &one, 0) == 0 && one.start == 123 && one.end == 456, "cap 0 writes nothing");
    /* SESSION windows are the operator's own business */
    pl_window s = spec(SP_TVF_SESSION, 5 * MIN, 0, 0);
    CHECK(rt_window_assign(&s, T("2020-04-15 08:07:00"), &one, 1) == 0, "SESSION assigns nothing here");
}

/* TUMBLE with an offset (Flink's "Window Offset" section: size 10 min, offset 1 min gives
 * [08:01, 08:11)); a negative offset shifts back, an offset of size + 1 min equals 1 min. */
static void test_tumble_offset(void) {
    pl_window w = spec(SP_TVF_TUMBLE, 10 * MIN, 0, 1 * MIN);
    EXPECT_WINDOWS(&w, T("2020-04-15 08:07:00"), W(T("2020-04-15 08:01:00"), T("2020-04-15 08:11:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:00:30"), W(T("2020-04-15 07:51:00"), T("2020-04-15 08:01:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:01:00"), W(T("2020-04-15 08:01:00"), T("2020-04-15 08:11:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:11:00"), W(T("2020-04-15 08:11:00"), T("2020-04-15 08:21:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:11:00") - 1, W(T("2020-04-15 08:01:00"), T("2020-04-15 08:11:00")));
    pl_window neg = spec(SP_TVF_TUMBLE, 10 * MIN, 0, -1 * MIN);
    EXPECT_WINDOWS(&neg, T("2020-04-15 08:07:00"), W(T("2020-04-15 07:59:00"), T("2020-04-15 08:09:00")));
    EXPECT_WINDOWS(&neg, T("2020-04-15 08:09:00"), W(T("2020-04-15 08:09:00"), T("2020-04-15 08:19:00")));
    pl_window big = spec(SP_TVF_TUMBLE, 10 * MIN, 0, 11 * MIN);
    EXPECT_WINDOWS(&big, T("2020-04-15 08:07:00"), W(T("2020-04-15 08:01:00"), T("2020-04-15 08:11:00")));
}

/* TUMBLE before the epoch: windows stay aligned ([-10 s, 0) holds -1 us and -10 s; -10 s - 1 us
 * is in [-20 s, -10 s)), with and without an offset, as Flink's getWindowStartWithOffset. */
static void test_tumble_negative(void) {
    pl_window w = spec(SP_TVF_TUMBLE, 10 * SEC, 0, 0);
    EXPECT_WINDOWS(&w, -1, W(-10 * SEC, 0));
    EXPECT_WINDOWS(&w, -10 * SEC, W(-10 * SEC, 0));
    EXPECT_WINDOWS(&w, -10 * SEC - 1, W(-20 * SEC, -10 * SEC));
    EXPECT_WINDOWS(&w, -25 * SEC, W(-30 * SEC, -20 * SEC));
    EXPECT_WINDOWS(&w, T("1969-12-31 23:59:55"), W(T("1969-12-31 23:59:50"), T("1970-01-01 00:00:00")));
    pl_window off = spec(SP_TVF_TUMBLE, 10 * SEC, 0, 3 * SEC);
    EXPECT_WINDOWS(&off, -1, W(-7 * SEC, 3 * SEC));
    EXPECT_WINDOWS(&off, -7 * SEC, W(-7 * SEC, 3 * SEC));
    EXPECT_WINDOWS(&off, -7 * SEC - 1, W(-17 * SEC, -7 * SEC));
    EXPECT_WINDOWS(&off, 3 * SEC, W(3 * SEC, 13 * SEC));
    /* long before the epoch (year 1900) */
    pl_window day = spec(SP_TVF_TUMBLE, 24 * 60 * MIN, 0, 0);
    EXPECT_WINDOWS(&day, T("1900-03-01 13:14:15"), W(T("1900-03-01 00:00:00"), T("1900-03-02 00:00:00")));
}

/* HOP (slide 5 min, size 10 min, Flink's example): every time is in size/slide windows, latest
 * start first; exact boundaries; a 15 min size gives 3; cap limits to the latest ones; an
 * offset and negative times. */
static void test_hop(void) {
    pl_window w = spec(SP_TVF_HOP, 10 * MIN, 5 * MIN, 0);
    CHECK(rt_window_max(&w) == 2, "HOP max %d", rt_window_max(&w));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:07:00"), W(T("2020-04-15 08:05:00"), T("2020-04-15 08:15:00")),
                   W(T("2020-04-15 08:00:00"), T("2020-04-15 08:10:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:05:00"), W(T("2020-04-15 08:05:00"), T("2020-04-15 08:15:00")),
                   W(T("2020-04-15 08:00:00"), T("2020-04-15 08:10:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:10:00"), W(T("2020-04-15 08:10:00"), T("2020-04-15 08:20:00")),
                   W(T("2020-04-15 08:05:00"), T("2020-04-15 08:15:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:10:00") - 1, W(T("2020-04-15 08:05:00"), T("2020-04-15 08:15:00")),
                   W(T("2020-04-15 08:00:00"), T("2020-04-15 08:10:00")));
    pl_window w3 = spec(SP_TVF_HOP, 15 * MIN, 5 * MIN, 0);
    CHECK(rt_window_max(&w3) == 3, "HOP 15/5 max %d", rt_window_max(&w3));
    EXPECT_WINDOWS(&w3, T("2020-04-15 08:07:00"), W(T("2020-04-15 08:05:00"), T("2020-04-15 08:20:00")),
                   W(T("2020-04-15 08:00:00"), T("2020-04-15 08:15:00")),
                   W(T("2020-04-15 07:55:00"), T("2020-04-15 08:10:00")));
    /* room for one: the latest start */
    rt_win out[3] = {{1, 1}, {2, 2}, {3, 3}};
    int n = rt_window_assign(&w3, T("2020-04-15 08:07:00"), out, 1);
    CHECK(n == 1 && out[0].start == T("2020-04-15 08:05:00") && out[1].start == 2, "cap 1: n %d start %lld", n,
          (long long)out[0].start);
    /* offset 1 min */
    pl_window off = spec(SP_TVF_HOP, 10 * MIN, 5 * MIN, 1 * MIN);
    EXPECT_WINDOWS(&off, T("2020-04-15 08:07:00"), W(T("2020-04-15 08:06:00"), T("2020-04-15 08:16:00")),
                   W(T("2020-04-15 08:01:00"), T("2020-04-15 08:11:00")));
    EXPECT_WINDOWS(&off, T("2020-04-15 08:06:00"), W(T("2020-04-15 08:06:00"), T("2020-04-15 08:16:00")),
                   W(T("2020-04-15 08:01:00"), T("2020-04-15 08:11:00")));
    EXPECT_WINDOWS(&off, T("2020-04-15 08:06:00") - 1, W(T("2020-04-15 08:01:00"), T("2020-04-15 08:11:00")),
                   W(T("2020-04-15 07:56:00"), T("2020-04-15 08:06:00")));
    /* before the epoch */
    pl_window neg = spec(SP_TVF_HOP, 10 * SEC, 5 * SEC, 0);
    EXPECT_WINDOWS(&neg, -1, W(-5 * SEC, 5 * SEC), W(-10 * SEC, 0));
    EXPECT_WINDOWS(&neg, -5 * SEC, W(-5 * SEC, 5 * SEC), W(-10 * SEC, 0));
    EXPECT_WINDOWS(&neg, -5 * SEC - 1, W(-10 * SEC, 0), W(-15 * SEC, -5 * SEC));
    pl_window negoff = spec(SP_TVF_HOP, 10 * SEC, 5 * SEC, -2 * SEC);
    EXPECT_WINDOWS(&negoff, -1, W(-2 * SEC, 8 * SEC), W(-7 * SEC, 3 * SEC));
}

/* HOP over a sweep of times (both signs, with an offset): exactly size/slide windows (or the
 * ceiling when size is no multiple), starts falling by slide, each holding t, the first being
 * the latest start that does, none beyond rt_window_max. */
static void test_hop_sweep(void) {
    struct { int64_t size, slide, offset; int count; } cases[] = {
        {10 * SEC, 5 * SEC, 0, 2}, {60 * SEC, 10 * SEC, 3 * SEC, 6}, {10, 3, 1, 4}, {9 * SEC, 9 * SEC, 0, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pl_window w = spec(SP_TVF_HOP, cases[c].size, cases[c].slide, cases[c].offset);
        int max = rt_window_max(&w), bad = 0;
        CHECK(max == cases[c].count, "case %zu: max %d want %d", c, max, cases[c].count);
        for (int64_t t = -3 * cases[c].size - 1; t <= 3 * cases[c].size + 1; t += cases[c].size / 7 + 1) {
            rt_win out[16];
            int n = rt_window_assign(&w, t, out, 16);
            /* with size 10 and slide 3 a time holds 3 or 4 windows: count them directly */
            int want = 0;
            for (int64_t s = cases[c].offset - cases[c].slide * (5 * cases[c].size / cases[c].slide + 5); s <= t;
                 s += cases[c].slide)
                want += s <= t && t < s + cases[c].size;
            bool ok = n == want && n <= max;
            for (int i = 0; ok && i < n; i++) {
                ok = out[i].start <= t && t < out[i].end && out[i].end - out[i].start == cases[c].size &&
                     ((out[i].start - cases[c].offset) % cases[c].slide) == 0;
                if (i > 0) ok = ok && out[i].start == out[i - 1].start - cases[c].slide;
            }
            ok = ok && n > 0 && out[0].start + cases[c].slide > t; /* the latest start holding t */
            if (!ok && bad++ < 3) CHECK(false, "case %zu: t=%lld: %d windows (want %d)", c, (long long)t, n, want);
        }
        CHECK(bad == 0, "case %zu: %d bad times", c, bad);
    }
}

/* CUMULATE (step 2 min, max 10 min, Flink's example): the windows share the start of the max
 * window and their ends ascend by step from the first one after t; exact boundaries, an
 * offset, times before the epoch. */
static void test_cumulate(void) {
    pl_window w = spec(SP_TVF_CUMULATE, 10 * MIN, 2 * MIN, 0);
    CHECK(rt_window_max(&w) == 5, "CUMULATE max %d", rt_window_max(&w));
    int64_t s0 = T("2020-04-15 08:00:00");
    EXPECT_WINDOWS(&w, T("2020-04-15 08:07:00"), W(s0, T("2020-04-15 08:08:00")), W(s0, T("2020-04-15 08:10:00")));
    EXPECT_WINDOWS(&w, T("2020-04-15 08:05:00"), W(s0, T("2020-04-15 08:06:00")), W(s0, T("2020-04-15 08:08:00")),
                   W(s0, T("2020-04-15 08:10:00")));
    EXPECT_WINDOWS(&w, s0, W(s0, s0 + 2 * MIN), W(s0, s0 + 4 * MIN), W(s0, s0 + 6 * MIN), W(s0, s0 + 8 * MIN),
                   W(s0, s0 + 10 * MIN));
    /* a time equal to a step's end is not in that window */
    EXPECT_WINDOWS(&w, s0 + 2 * MIN, W(s0, s0 + 4 * MIN), W(s0, s0 + 6 * MIN), W(s0, s0 + 8 * MIN),
                   W(s0, s0 + 10 * MIN));
    EXPECT_WINDOWS(&w, s0 + 2 * MIN - 1, W(s0, s0 + 2 * MIN), W(s0, s0 + 4 * MIN), W(s0, s0 + 6 * MIN),
                   W(s0, s0 + 8 * MIN), W(s0, s0 + 10 * MIN));
    EXPECT_WINDOWS(&w, s0 + 10 * MIN - 1, W(s0, s0 + 10 * MIN));
    EXPECT_WINDOWS(&w, s0 + 10 * MIN, W(s0 + 10 * MIN, s0 + 12 * MIN), W(s0 + 10 * MIN, s0 + 14 * MIN),
                   W(s0 + 10 * MIN, s0 + 16 * MIN), W(s0 + 10 * MIN, s0 + 18 * MIN), W(s0 + 10 * MIN, s0 + 20 * MIN));
    /* room for two: the two earliest ends */
    rt_win out[5] = {{0, 0}};
    int n = rt_window_assign(&w, s0, out, 2);
    CHECK(n == 2 && out[0].end == s0 + 2 * MIN && out[1].end == s0 + 4 * MIN && out[2].end == 0, "cap 2: %d", n);
    /* offset 1 min: windows start at 08:01 */
    pl_window off = spec(SP_TVF_CUMULATE, 10 * MIN, 2 * MIN, 1 * MIN);
    int64_t s1 = T("2020-04-15 08:01:00");
    EXPECT_WINDOWS(&off, T("2020-04-15 08:07:00"), W(s1, T("2020-04-15 08:09:00")), W(s1, T("2020-04-15 08:11:00")));
    EXPECT_WINDOWS(&off, T("2020-04-15 08:00:59"), W(T("2020-04-15 07:51:00"), s1));
    /* before the epoch */
    pl_window neg = spec(SP_TVF_CUMULATE, 10 * SEC, 2 * SEC, 0);
    EXPECT_WINDOWS(&neg, -1, W(-10 * SEC, 0));
    EXPECT_WINDOWS(&neg, -10 * SEC, W(-10 * SEC, -8 * SEC), W(-10 * SEC, -6 * SEC), W(-10 * SEC, -4 * SEC),
                   W(-10 * SEC, -2 * SEC), W(-10 * SEC, 0));
    EXPECT_WINDOWS(&neg, -3 * SEC, W(-10 * SEC, -2 * SEC), W(-10 * SEC, 0));
    EXPECT_WINDOWS(&neg, -10 * SEC - 1, W(-20 * SEC, -10 * SEC));
    pl_window negoff = spec(SP_TVF_CUMULATE, 10 * SEC, 2 * SEC, 1 * SEC);
    EXPECT_WINDOWS(&negoff, -1, W(-9 * SEC, 1 * SEC));
    EXPECT_WINDOWS(&negoff, -2 * SEC, W(-9 * SEC, -1 * SEC), W(-9 * SEC, 1 * SEC));
}

/* window_time is end - 1 ms; a window fires once the watermark reaches it (not 1 us before),
 * never under RT_WM_NONE, always under the end-of-input watermark INT64_MAX. */
static void test_window_time(void) {
    int64_t end = T("2020-04-15 08:10:00");
    CHECK(rt_window_time(end) == T("2020-04-15 08:09:59.999"), "window_time %lld", (long long)rt_window_time(end));
    CHECK(rt_window_time(0) == -1000, "window_time of the epoch %lld", (long long)rt_window_time(0));
    CHECK(!rt_window_fired(end, T("2020-04-15 08:09:59.999") - 1), "not fired 1 us before window_time");
    CHECK(rt_window_fired(end, T("2020-04-15 08:09:59.999")), "fired at window_time");
    CHECK(rt_window_fired(end, end), "fired at the end");
    CHECK(!rt_window_fired(end, RT_WM_NONE), "not fired without a watermark");
    CHECK(rt_window_fired(end, INT64_MAX), "fired at the end of input");
    CHECK(!rt_window_fired(-10 * SEC, -10 * SEC - RT_MS - 1) && rt_window_fired(-10 * SEC, -10 * SEC - RT_MS),
          "before the epoch too");
}

/* ======================================================================================== */
/* rt_watermark                                                                             */
/* ======================================================================================== */

static const char *WM_DDL =
    "CREATE TABLE t (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)\n"
    "  WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');\n"
    "CREATE TABLE t_idle (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)\n"
    "  WITH ('connector' = 'kafka', 'topic' = 't_idle', 'format' = 'json',\n"
    "        'scan.watermark.idle-timeout' = '30 s');\n"
    "CREATE TABLE t_event (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)\n"
    "  WITH ('connector' = 'kafka', 'topic' = 't_event', 'format' = 'json',\n"
    "        'scan.watermark.emit.strategy' = 'on-event');\n";

static pl_catalog g_cat;

static void wm_setup(void) {
    memset(&g_cat, 0, sizeof g_cat);
    sp_parse_result r;
    if (sp_parse(WM_DDL, &r) < 0) {
        printf("FAIL: DDL does not parse: %s\n", r.error);
        exit(1);
    }
    for (int i = 0; i < r.nstmts; i++) {
        char *err = NULL;
        int rc = pl_catalog_create(&g_cat, r.stmts[i], WM_DDL, &err);
        CHECK(rc == 0, "create table %d: %s", i, err ? err : "");
        free(err);
    }
    sp_parse_result_free(&r);
}

/* A plan of a TUMBLE aggregation over `table` and its SCAN node (whose wm_expr the optimizer
 * sets when the plan uses watermarks: a window operator above; a bare TVF does not). */
typedef struct wm_plan {
    pl_plan *plan;
    const pl_node *scan;
} wm_plan;

static const pl_node *find_scan(const pl_node *n) {
    if (!n) return NULL;
    if (n->kind == PL_N_SCAN) return n;
    const pl_node *s = find_scan(n->input);
    return s ? s : find_scan(n->input2);
}

static wm_plan plan_over(const char *table) {
    wm_plan p = {0};
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE %s, DESCRIPTOR(ts), "
             "INTERVAL '1' MINUTE)) GROUP BY window_start, window_end",
             table);
    sp_parse_result r;
    if (sp_parse(sql, &r) < 0) {
        printf("FAIL: %s does not parse: %s\n", sql, r.error);
        exit(1);
    }
    char *err = NULL;
    p.plan = pl_plan_statement(&g_cat, r.stmts[0], sql, &err);
    sp_parse_result_free(&r);
    if (!p.plan) {
        printf("FAIL: %s does not plan: %s\n", sql, err ? err : "");
        exit(1);
    }
    free(err);
    p.scan = find_scan(p.plan->root);
    if (!p.scan || !p.scan->wm_expr) {
        printf("FAIL: no SCAN with a watermark expression under %s\n", sql);
        exit(1);
    }
    return p;
}

/* A batch of scan rows of table t (k, ts, then the hidden partition slot). */
#define C_K 0
#define C_TS 1
#define C_PART 2
static sl_batch g_b;

static void rows_begin(void) { sl_batch_clear(&g_b); }
static void row(int64_t ts, int part) {
    sl_value *r = sl_batch_add_row(&g_b);
    r[C_K] = sl_int(1);
    r[C_TS] = ts == RT_WM_NONE ? sl_null() : sl_int(ts);
    r[C_PART] = sl_int(part);
}

/* Feeds one row of partition `part` at monotonic time now. */
static void feed(rt_wmgen *g, int64_t ts, int part, int64_t now) {
    rows_begin();
    row(ts, part);
    rt_wmgen_rows(g, &g_b, C_PART, now);
}

/* Checks rt_wmgen_due's answer: want RT_WM_NONE for "nothing due". */
static void expect_due(rt_wmgen *g, int64_t now, int64_t want, int line) {
    int64_t wm = -12345;
    bool due = rt_wmgen_due(g, now, &wm);
    if (want == RT_WM_NONE)
        CHECK(!due && wm == -12345, "line %d: due at %lld gave %lld, want nothing", line, (long long)now,
              (long long)wm);
    else
        CHECK(due && wm == want, "line %d: due at %lld: %s %lld, want %lld", line, (long long)now,
              due ? "emitted" : "nothing", (long long)wm, (long long)want);
}
#define EXPECT_DUE(g, now, want) expect_due(g, now, want, __LINE__)

/* A monotonic clock reading well after boot, as CLOCK_MONOTONIC gives on a running machine. */
#define NOW0 ((int64_t)5000000)

/* Three partitions: the watermark is the minimum of each partition's highest WATERMARK value
 * (ts - 1 s); a partition without rows holds it back; lower or NULL times change nothing. */
static void test_wm_min_over_partitions(void) {
    wm_plan p = plan_over("t");
    sl_options session = {0};
    rt_wmgen *g = rt_wmgen_new(p.scan, &session, 3);
    CHECK(rt_wmgen_partitions(g) == 3, "partitions %d", rt_wmgen_partitions(g));
    CHECK(!rt_wmgen_per_row(g), "periodic by default");
    CHECK(rt_wmgen_current(g) == RT_WM_NONE, "no watermark before rows");
    EXPECT_DUE(g, NOW0, RT_WM_NONE);
    rows_begin();
    row(10 * SEC, 0);
    row(20 * SEC, 1);
    row(15 * SEC, 0);
    rt_wmgen_rows(g, &g_b, C_PART, NOW0);
    /* p0: the max of 10 s and 15 s, minus 1 s */
    CHECK(rt_wmgen_partition_wm(g, 0) == 14 * SEC, "p0 %lld", (long long)rt_wmgen_partition_wm(g, 0));
    CHECK(rt_wmgen_partition_wm(g, 1) == 19 * SEC, "p1 %lld", (long long)rt_wmgen_partition_wm(g, 1));
    CHECK(rt_wmgen_partition_wm(g, 2) == RT_WM_NONE, "p2 has none");
    feed(g, 12 * SEC, 0, NOW0);
    feed(g, RT_WM_NONE, 0, NOW0); /* NULL time: ignored */
    CHECK(rt_wmgen_partition_wm(g, 0) == 14 * SEC, "p0 keeps its max %lld", (long long)rt_wmgen_partition_wm(g, 0));
    EXPECT_DUE(g, NOW0 + 1000, RT_WM_NONE); /* p2 holds it back */
    CHECK(rt_wmgen_current(g) == RT_WM_NONE, "still none");
    CHECK(!rt_wmgen_partition_idle(g, 2, NOW0 + 1000000), "no idle timeout: never idle");
    feed(g, 5 * SEC, 2, NOW0 + 2000);
    EXPECT_DUE(g, NOW0 + 2000, 4 * SEC);
    CHECK(rt_wmgen_current(g) == 4 * SEC, "current %lld", (long long)rt_wmgen_current(g));
    feed(g, 30 * SEC, 2, NOW0 + 3000);
    EXPECT_DUE(g, NOW0 + 3000, 14 * SEC); /* min(14, 19, 29) */
    feed(g, 40 * SEC, 0, NOW0 + 4000);
    EXPECT_DUE(g, NOW0 + 4000, 19 * SEC); /* min(39, 19, 29) */
    EXPECT_DUE(g, NOW0 + 5000, RT_WM_NONE); /* unchanged: nothing to emit */
    CHECK(rt_wmgen_current(g) == 19 * SEC, "current %lld", (long long)rt_wmgen_current(g));
    CHECK(rt_wmgen_partition_wm(g, 3) == RT_WM_NONE && rt_wmgen_partition_wm(g, -1) == RT_WM_NONE,
          "out of range partitions have none");
    rt_wmgen_free(g);

    /* part_col -1: every row is partition 0 */
    g = rt_wmgen_new(p.scan, &session, 1);
    rows_begin();
    row(7 * SEC, 5);
    row(3 * SEC, 9);
    rt_wmgen_rows(g, &g_b, -1, NOW0);
    EXPECT_DUE(g, NOW0, 6 * SEC);
    rt_wmgen_free(g);
    /* at least one partition */
    g = rt_wmgen_new(p.scan, &session, 0);
    CHECK(rt_wmgen_partitions(g) == 1, "0 partitions asked: %d", rt_wmgen_partitions(g));
    rt_wmgen_free(g);
    pl_plan_free(p.plan);
}

/* Periodic emission: default every 200 ms (not 199 ms after the last check), the first check
 * emits at once; 'pipeline.auto-watermark-interval' = '1 s' waits a second; '0' never emits. */
static void test_wm_interval(void) {
    wm_plan p = plan_over("t");
    sl_options session = {0};
    rt_wmgen *g = rt_wmgen_new(p.scan, &session, 1);
    feed(g, 10 * SEC, 0, NOW0);
    EXPECT_DUE(g, NOW0, 9 * SEC);
    feed(g, 11 * SEC, 0, NOW0 + 1);
    EXPECT_DUE(g, NOW0 + 199, RT_WM_NONE);
    EXPECT_DUE(g, NOW0 + 200, 10 * SEC);
    feed(g, 12 * SEC, 0, NOW0 + 250);
    EXPECT_DUE(g, NOW0 + 399, RT_WM_NONE);
    EXPECT_DUE(g, NOW0 + 400, 11 * SEC);
    CHECK(rt_wmgen_current(g) == 11 * SEC, "current %lld", (long long)rt_wmgen_current(g));
    rt_wmgen_free(g);

    sl_options_set(&session, "pipeline.auto-watermark-interval", "1 s");
    g = rt_wmgen_new(p.scan, &session, 1);
    feed(g, 10 * SEC, 0, NOW0);
    EXPECT_DUE(g, NOW0, 9 * SEC);
    feed(g, 20 * SEC, 0, NOW0 + 10);
    EXPECT_DUE(g, NOW0 + 200, RT_WM_NONE);
    EXPECT_DUE(g, NOW0 + 999, RT_WM_NONE);
    EXPECT_DUE(g, NOW0 + 1000, 19 * SEC);
    rt_wmgen_free(g);

    sl_options_set(&session, "pipeline.auto-watermark-interval", "0");
    g = rt_wmgen_new(p.scan, &session, 1);
    feed(g, 10 * SEC, 0, NOW0);
    EXPECT_DUE(g, NOW0, RT_WM_NONE);
    EXPECT_DUE(g, NOW0 + 1000000, RT_WM_NONE);
    CHECK(rt_wmgen_current(g) == RT_WM_NONE, "interval 0: no periodic watermark");
    CHECK(rt_wmgen_partition_wm(g, 0) == 9 * SEC, "the partition still tracks its max");
    rt_wmgen_free(g);
    sl_options_free(&session);
    pl_plan_free(p.plan);
}

/* 'scan.watermark.emit.strategy' = 'on-event': rt_wmgen_per_row is true and every check emits
 * when the watermark advanced (same millisecond, interval 0 too), nothing when it did not. */
static void test_wm_on_event(void) {
    wm_plan p = plan_over("t_event");
    sl_options session = {0};
    sl_options_set(&session, "pipeline.auto-watermark-interval", "0");
    rt_wmgen *g = rt_wmgen_new(p.scan, &session, 2);
    CHECK(rt_wmgen_per_row(g), "on-event: per row");
    feed(g, 10 * SEC, 0, NOW0);
    EXPECT_DUE(g, NOW0, RT_WM_NONE); /* p1 has no row yet */
    feed(g, 20 * SEC, 1, NOW0);
    EXPECT_DUE(g, NOW0, 9 * SEC);
    feed(g, 11 * SEC, 0, NOW0);
    EXPECT_DUE(g, NOW0, 10 * SEC);
    EXPECT_DUE(g, NOW0, RT_WM_NONE);
    feed(g, 10500 * RT_MS, 0, NOW0); /* below p0's max: nothing new */
    EXPECT_DUE(g, NOW0 + 1, RT_WM_NONE);
    feed(g, 12 * SEC, 0, NOW0 + 1);
    EXPECT_DUE(g, NOW0 + 1, 11 * SEC);
    rt_wmgen_free(g);
    sl_options_free(&session);
    pl_plan_free(p.plan);
}

/* Idle partitions ('scan.watermark.idle-timeout' = '30 s'): a partition without rows for 30 s is
 * left out, so the others advance the watermark; its next row counts again, and a lower value
 * it brings never moves the watermark back. */
static void test_wm_idle(void) {
    wm_plan p = plan_over("t_idle");
    sl_options session = {0};
    rt_wmgen *g = rt_wmgen_new(p.scan, &session, 2);
    feed(g, 10 * SEC, 0, NOW0);
    feed(g, 20 * SEC, 1, NOW0);
    EXPECT_DUE(g, NOW0, 9 * SEC);
    feed(g, 50 * SEC, 0, NOW0 + 10000);
    feed(g, 60 * SEC, 0, NOW0 + 29000);
    CHECK(!rt_wmgen_partition_idle(g, 1, NOW0 + 29999), "p1 not idle after 29.999 s");
    EXPECT_DUE(g, NOW0 + 29999, 19 * SEC); /* p1 still counts */
    CHECK(rt_wmgen_partition_idle(g, 1, NOW0 + 30001), "p1 idle after 30 s without rows");
    CHECK(!rt_wmgen_partition_idle(g, 0, NOW0 + 30199), "p0 had a row 1.2 s ago");
    EXPECT_DUE(g, NOW0 + 30199, 59 * SEC); /* p0 alone (200 ms after the last check) */
    /* p1 comes back below the watermark: counts again, the watermark stays */
    feed(g, 25 * SEC, 1, NOW0 + 31000);
    CHECK(!rt_wmgen_partition_idle(g, 1, NOW0 + 31000), "p1 active again");
    CHECK(rt_wmgen_partition_wm(g, 1) == 24 * SEC, "p1 %lld", (long long)rt_wmgen_partition_wm(g, 1));
    EXPECT_DUE(g, NOW0 + 31000, RT_WM_NONE);
    CHECK(rt_wmgen_current(g) == 59 * SEC, "never backwards: %lld", (long long)rt_wmgen_current(g));
    feed(g, 70 * SEC, 0, NOW0 + 32000);
    EXPECT_DUE(g, NOW0 + 32000, RT_WM_NONE); /* min(69, 24) = 24 < 59 */
    feed(g, 65 * SEC, 1, NOW0 + 33000);
    EXPECT_DUE(g, NOW0 + 33000, 64 * SEC); /* min(69, 64) */
    /* every partition idle: nothing to emit, nothing lost */
    EXPECT_DUE(g, NOW0 + 200000, RT_WM_NONE);
    CHECK(rt_wmgen_current(g) == 64 * SEC, "current %lld", (long long)rt_wmgen_current(g));
    rt_wmgen_free(g);
    pl_plan_free(p.plan);
}

/* The session's 'table.exec.source.idle-timeout' applies to a table without its own option; the
 * table's 'scan.watermark.idle-timeout' wins over it. */
static void test_wm_idle_session(void) {
    wm_plan p = plan_over("t"), pi = plan_over("t_idle");
    sl_options session = {0};
    sl_options_set(&session, "table.exec.source.idle-timeout", "10 s");
    rt_wmgen *g = rt_wmgen_new(p.scan, &session, 2);
    feed(g, 10 * SEC, 0, NOW0);
    feed(g, 20 * SEC, 1, NOW0);
    EXPECT_DUE(g, NOW0, 9 * SEC);
    feed(g, 40 * SEC, 1, NOW0 + 9000);
    CHECK(!rt_wmgen_partition_idle(g, 0, NOW0 + 9999), "p0 not idle before 10 s");
    EXPECT_DUE(g, NOW0 + 9999, RT_WM_NONE);
    CHECK(rt_wmgen_partition_idle(g, 0, NOW0 + 10001), "p0 idle after 10 s");
    EXPECT_DUE(g, NOW0 + 10200, 39 * SEC);
    rt_wmgen_free(g);

    g = rt_wmgen_new(pi.scan, &session, 2); /* table says 30 s */
    feed(g, 10 * SEC, 0, NOW0);
    feed(g, 20 * SEC, 1, NOW0);
    EXPECT_DUE(g, NOW0, 9 * SEC);
    feed(g, 40 * SEC, 1, NOW0 + 15000);
    CHECK(!rt_wmgen_partition_idle(g, 0, NOW0 + 20000), "table's 30 s, not the session's 10 s");
    EXPECT_DUE(g, NOW0 + 20000, RT_WM_NONE);
    feed(g, 41 * SEC, 1, NOW0 + 25000);
    EXPECT_DUE(g, NOW0 + 30001, 40 * SEC);
    rt_wmgen_free(g);
    sl_options_free(&session);
    pl_plan_free(p.plan);
    pl_plan_free(pi.plan);
}

/* A partition that has had no row yet holds the watermark back for the idle timeout counted
 * from when the source started reading (Flink's idleness timer starts at the first check
 * without activity), not from the monotonic clock's zero: at job start, with partition 0's
 * first rows read a moment before partition 1's, partition 1 must not be "idle" already, or
 * partition 0 alone moves the watermark and partition 1's rows arrive late and are dropped.
 * The same holds for every partition after a restart from a checkpoint. */
static void test_wm_idle_from_start(void) {
    wm_plan p = plan_over("t_idle");
    sl_options session = {0};
    rt_wmgen *g = rt_wmgen_new(p.scan, &session, 2);
    EXPECT_DUE(g, NOW0, RT_WM_NONE); /* the source's first check, before any row */
    feed(g, 60 * SEC, 0, NOW0 + 5);
    CHECK(!rt_wmgen_partition_idle(g, 1, NOW0 + 205),
          "BUG: a partition without rows is idle 0.2 s after the source started (idle-timeout 30 s)");
    EXPECT_DUE(g, NOW0 + 205, RT_WM_NONE); /* p1 holds it back */
    feed(g, 10 * SEC, 1, NOW0 + 300);      /* p1's first rows, 0.3 s in: not late */
    EXPECT_DUE(g, NOW0 + 405, 9 * SEC);
    rt_wmgen_free(g);

    /* without rows in p1 for the whole timeout, p1 is left out */
    g = rt_wmgen_new(p.scan, &session, 2);
    EXPECT_DUE(g, NOW0, RT_WM_NONE);
    feed(g, 60 * SEC, 0, NOW0 + 5);
    feed(g, 61 * SEC, 0, NOW0 + 30005);
    CHECK(rt_wmgen_partition_idle(g, 1, NOW0 + 30005), "p1 idle after 30 s of the source without rows");
    EXPECT_DUE(g, NOW0 + 30005, 60 * SEC);
    rt_wmgen_free(g);
    pl_plan_free(p.plan);
}

/* Checkpoint bytes: encode/decode carry every partition's value and the emitted watermark (no
 * re-emission, no going back), fit a generator with more or fewer partitions, and reject
 * truncated or trailing bytes and a negative partition count without changing the emitted
 * watermark. */
static void test_wm_encode(void) {
    wm_plan p = plan_over("t");
    sl_options session = {0};
    rt_wmgen *a = rt_wmgen_new(p.scan, &session, 3);
    feed(a, 10 * SEC, 0, NOW0);
    feed(a, 30 * SEC, 1, NOW0);
    feed(a, 20 * SEC, 2, NOW0);
    EXPECT_DUE(a, NOW0, 9 * SEC);
    feed(a, 50 * SEC, 0, NOW0 + 10);
    CHECK(rt_wmgen_partition_wm(a, 0) == 49 * SEC, "p0 %lld", (long long)rt_wmgen_partition_wm(a, 0));
    sl_buf bytes = {0};
    rt_wmgen_encode(a, &bytes);
    CHECK(bytes.len > 0, "some bytes");

    rt_wmgen *b = rt_wmgen_new(p.scan, &session, 3);
    CHECK(rt_wmgen_decode(b, bytes.data, bytes.len), "decode");
    CHECK(rt_wmgen_current(b) == 9 * SEC, "emitted restored: %lld", (long long)rt_wmgen_current(b));
    int64_t want[3] = {49 * SEC, 29 * SEC, 19 * SEC};
    for (int i = 0; i < 3; i++)
        CHECK(rt_wmgen_partition_wm(b, i) == want[i], "p%d restored: %lld", i, (long long)rt_wmgen_partition_wm(b, i));
    EXPECT_DUE(b, NOW0 + 1000, 19 * SEC);
    EXPECT_DUE(b, NOW0 + 2000, RT_WM_NONE);
    /* re-encoding the restored generator gives the same bytes as the original after that emission */
    EXPECT_DUE(a, NOW0 + 1000, 19 * SEC);
    sl_buf again = {0}, orig = {0};
    rt_wmgen_encode(b, &again);
    rt_wmgen_encode(a, &orig);
    CHECK(again.len == orig.len && memcmp(again.data, orig.data, orig.len) == 0, "round trip is exact");
    sl_buf_free(&again);
    sl_buf_free(&orig);
    rt_wmgen_free(b);

    /* a partition added since the checkpoint: no watermark yet, holds it back */
    rt_wmgen *c = rt_wmgen_new(p.scan, &session, 4);
    CHECK(rt_wmgen_decode(c, bytes.data, bytes.len), "decode into 4 partitions");
    CHECK(rt_wmgen_partition_wm(c, 2) == 19 * SEC && rt_wmgen_partition_wm(c, 3) == RT_WM_NONE, "p3 new");
    EXPECT_DUE(c, NOW0, RT_WM_NONE);
    feed(c, 100 * SEC, 3, NOW0 + 300);
    EXPECT_DUE(c, NOW0 + 300, 19 * SEC);
    rt_wmgen_free(c);
    /* fewer partitions: the extra values are dropped */
    rt_wmgen *d = rt_wmgen_new(p.scan, &session, 2);
    CHECK(rt_wmgen_decode(d, bytes.data, bytes.len), "decode into 2 partitions");
    CHECK(rt_wmgen_partition_wm(d, 0) == 49 * SEC && rt_wmgen_partition_wm(d, 1) == 29 * SEC, "2 partitions");
    rt_wmgen_free(d);

    /* corrupt: every truncation, a trailing byte, nothing at all */
    rt_wmgen *e = rt_wmgen_new(p.scan, &session, 3);
    feed(e, 3 * SEC, 0, NOW0);
    feed(e, 3 * SEC, 1, NOW0);
    feed(e, 3 * SEC, 2, NOW0);
    EXPECT_DUE(e, NOW0, 2 * SEC);
    int accepted = 0;
    for (size_t n = 0; n < bytes.len; n++) accepted += rt_wmgen_decode(e, bytes.data, n);
    CHECK(accepted == 0, "%d truncations accepted", accepted);
    sl_buf longer = {0};
    sl_buf_append(&longer, bytes.data, bytes.len);
    sl_buf_append(&longer, "x", 1);
    CHECK(!rt_wmgen_decode(e, longer.data, longer.len), "a trailing byte is rejected");
    CHECK(!rt_wmgen_decode(e, "", 0), "no bytes are rejected");
    /* a negative partition count is not a checkpoint of any generator */
    sl_buf neg = {0};
    rt_put_varint(&neg, -1);
    rt_put_i64(&neg, 500 * SEC);
    CHECK(!rt_wmgen_decode(e, neg.data, neg.len), "a negative partition count is rejected");
    sl_buf_free(&neg);
    CHECK(rt_wmgen_current(e) == 2 * SEC, "a rejected decode keeps the emitted watermark: %lld",
          (long long)rt_wmgen_current(e));
    sl_buf_free(&longer);
    rt_wmgen_free(e);
    sl_buf_free(&bytes);
    rt_wmgen_free(a);
    pl_plan_free(p.plan);
}

/* ======================================================================================== */
/* rt_timers                                                                                */
/* ======================================================================================== */

static char g_dir[4096];

/* What the fire callback saw: "key@end" joined by spaces; fail_at: a key that makes it fail. */
typedef struct fired_log {
    sl_buf text;
    int calls;
    const char *fail_at;
} fired_log;

static int on_fire(void *ud, const char *key, size_t klen, int64_t end, char **err) {
    fired_log *l = ud;
    l->calls++;
    if (l->fail_at && klen == strlen(l->fail_at) && memcmp(key, l->fail_at, klen) == 0) {
        *err = strdup("fire failed on purpose");
        return -1;
    }
    char tail[64];
    if (l->text.len) sl_buf_append(&l->text, " ", 1);
    for (size_t i = 0; i < klen; i++) {
        if (key[i] >= 0x21 && key[i] < 0x7f) sl_buf_append(&l->text, &key[i], 1);
        else {
            char hex[8];
            snprintf(hex, sizeof hex, "\\%02x", (unsigned char)key[i]);
            sl_buf_append(&l->text, hex, strlen(hex));
        }
    }
    snprintf(tail, sizeof tail, "@%lld", (long long)(end / SEC));
    sl_buf_append(&l->text, tail, strlen(tail));
    return 0;
}

static const char *log_text(const fired_log *l) { return l->text.data ? l->text.data : ""; }

/* Fires under wm and checks the callback's log ("key@end_in_seconds ..."), then clears it. */
static void expect_fire(rt_timers *t, int64_t wm, const char *want, int line) {
    fired_log l = {0};
    char *err = NULL;
    int rc = rt_timers_fire(t, wm, on_fire, &l, &err);
    CHECK(rc == 0 && strcmp(log_text(&l), want) == 0, "line %d: fire(%lld): rc %d fired '%s', want '%s' %s", line,
          (long long)wm, rc, log_text(&l), want, err ? err : "");
    free(err);
    sl_buf_free(&l.text);
}
#define EXPECT_FIRE(t, wm, want) expect_fire(t, wm, want, __LINE__)

static void add(rt_timers *t, int64_t end, const char *key) { rt_timers_add(t, end, key, strlen(key)); }

static rt_store *store_ok(const char *path, bool *resumed) {
    char *err = NULL;
    bool r = false;
    rt_store *s = rt_store_open(path, "job-windows", "fp-windows", "PLAN\n", &r, &err);
    CHECK(s != NULL, "open %s: %s", path ? path : "(temp)", err ? err : "");
    free(err);
    if (!s) {
        printf("cannot continue\n");
        exit(1);
    }
    if (resumed) *resumed = r;
    return s;
}

static rt_timers *timers_ok(rt_store *s, const char *ns, bool durable) {
    char *err = NULL;
    rt_timers *t = rt_timers_open(s, ns, durable, &err);
    CHECK(t != NULL, "timers %s: %s", ns, err ? err : "");
    free(err);
    if (!t) {
        printf("cannot continue\n");
        exit(1);
    }
    return t;
}

static void checkpoint_ok(rt_timers *t, rt_store *s) {
    char *err = NULL;
    int rc = rt_timers_checkpoint(t, &err);
    CHECK(rc == 0, "timers checkpoint: %s", err ? err : "");
    free(err);
    err = NULL;
    rc = rt_store_commit(s, &err);
    CHECK(rc == 0, "commit: %s", err ? err : "");
    free(err);
}

static int64_t ns_rows(rt_store *s, const char *ns) {
    char *err = NULL;
    int id = rt_store_namespace(s, ns, &err);
    int64_t n = id < 0 ? -1 : rt_store_count(s, id, &err);
    CHECK(n >= 0, "count %s: %s", ns, err ? err : "");
    free(err);
    return n;
}

/* Ends fire oldest first, each with every key noted for it (in the order noted), only once the
 * watermark reaches the end's window_time; earliest and pending follow; fired ends are gone. */
static void test_timers_order(void) {
    rt_store *s = store_ok(NULL, NULL);
    rt_timers *t = timers_ok(s, "order", false);
    CHECK(rt_timers_pending(t) == 0 && rt_timers_earliest(t) == INT64_MAX, "empty");
    add(t, 180 * SEC, "e");
    add(t, 60 * SEC, "b");
    add(t, 120 * SEC, "c");
    add(t, 60 * SEC, "d");
    add(t, 180 * SEC, "a");
    CHECK(rt_timers_pending(t) == 3, "pending %d", rt_timers_pending(t));
    CHECK(rt_timers_earliest(t) == 60 * SEC, "earliest %lld", (long long)rt_timers_earliest(t));
    EXPECT_FIRE(t, RT_WM_NONE, "");
    EXPECT_FIRE(t, rt_window_time(60 * SEC) - 1, "");
    CHECK(rt_timers_pending(t) == 3, "nothing fired: pending %d", rt_timers_pending(t));
    EXPECT_FIRE(t, rt_window_time(60 * SEC), "b@60 d@60");
    CHECK(rt_timers_pending(t) == 2 && rt_timers_earliest(t) == 120 * SEC, "after the first end: %d %lld",
          rt_timers_pending(t), (long long)rt_timers_earliest(t));
    EXPECT_FIRE(t, rt_window_time(60 * SEC), "");
    EXPECT_FIRE(t, INT64_MAX, "c@120 e@180 a@180");
    CHECK(rt_timers_pending(t) == 0 && rt_timers_earliest(t) == INT64_MAX, "all fired");
    EXPECT_FIRE(t, INT64_MAX, "");

    /* an earlier end added after later ones fired goes first again */
    add(t, 600 * SEC, "x");
    add(t, 300 * SEC, "y");
    CHECK(rt_timers_earliest(t) == 300 * SEC, "earliest %lld", (long long)rt_timers_earliest(t));
    EXPECT_FIRE(t, 600 * SEC, "y@300 x@600");
    rt_timers_free(t);
    rt_store_close(s);
}

/* A key noted twice for one end is handed to fn twice (rt_timers keeps no set; the operators'
 * callbacks skip a key whose state is gone, see rt_op_window_agg.c fire_key); the same key under
 * two ends fires with each. Keys are bytes: NUL inside and the empty key come back exactly. */
static void test_timers_keys(void) {
    rt_store *s = store_ok(NULL, NULL);
    rt_timers *t = timers_ok(s, "keys", false);
    add(t, 60 * SEC, "k");
    add(t, 60 * SEC, "k");
    add(t, 120 * SEC, "k");
    rt_timers_add(t, 60 * SEC, "a\0b", 3);
    rt_timers_add(t, 60 * SEC, "", 0);
    CHECK(rt_timers_pending(t) == 2, "pending %d", rt_timers_pending(t));
    EXPECT_FIRE(t, INT64_MAX, "k@60 k@60 a\\00b@60 @60 k@120");
    rt_timers_free(t);
    rt_store_close(s);
}

/* fn's -1 stops the firing and is returned with fn's message; the ends that fired before are
 * gone, the failing one is not. */
static void test_timers_error(void) {
    rt_store *s = store_ok(NULL, NULL);
    rt_timers *t = timers_ok(s, "err", false);
    add(t, 60 * SEC, "a");
    add(t, 120 * SEC, "b");
    add(t, 120 * SEC, "c");
    add(t, 180 * SEC, "d");
    fired_log l = {0};
    l.fail_at = "b";
    char *err = NULL;
    int rc = rt_timers_fire(t, INT64_MAX, on_fire, &l, &err);
    CHECK(rc == -1 && err && strcmp(err, "fire failed on purpose") == 0, "rc %d err %s", rc, err ? err : "(none)");
    CHECK(strcmp(log_text(&l), "a@60") == 0 && l.calls == 2, "fired '%s' in %d calls", log_text(&l), l.calls);
    CHECK(rt_timers_pending(t) == 2 && rt_timers_earliest(t) == 120 * SEC, "pending %d earliest %lld",
          rt_timers_pending(t), (long long)rt_timers_earliest(t));
    free(err);
    sl_buf_free(&l.text);
    rt_timers_free(t);
    rt_store_close(s);
}

/* Many ends noted in a scrambled order (past the initial capacity) fire in ascending order, as
 * far as each watermark reaches. */
static void test_timers_many(void) {
    rt_store *s = store_ok(NULL, NULL);
    rt_timers *t = timers_ok(s, "many", false);
    enum { N = 200 };
    for (int i = 0; i < N; i++) {
        int e = (i * 73) % N; /* 73 is prime to 200: a permutation */
        char k[16];
        snprintf(k, sizeof k, "k%d", e);
        add(t, (int64_t)(e + 1) * SEC, k);
    }
    CHECK(rt_timers_pending(t) == N, "pending %d", rt_timers_pending(t));
    int64_t last = INT64_MIN;
    int seen = 0, out_of_order = 0;
    for (int64_t wm = 0; wm <= (N + 7) * SEC; wm += 7 * SEC) { /* the last one passes every end */
        fired_log l = {0};
        char *err = NULL;
        int before = rt_timers_pending(t);
        rt_timers_fire(t, wm, on_fire, &l, &err);
        free(err);
        int fired = before - rt_timers_pending(t);
        seen += fired;
        /* the ends fired under wm are exactly those with end - 1 ms <= wm */
        int64_t want_left = 0;
        for (int e = 1; e <= N; e++) want_left += !rt_window_fired((int64_t)e * SEC, wm);
        CHECK(rt_timers_pending(t) == want_left, "wm %lld: pending %d want %lld", (long long)wm, rt_timers_pending(t),
              (long long)want_left);
        const char *p = log_text(&l);
        while (*p) {
            const char *at = strchr(p, '@');
            if (!at) break;
            long long end = atoll(at + 1);
            int k = atoi(p + 1);
            if (end <= last || end != k + 1) out_of_order++;
            last = end;
            p = strchr(at, ' ');
            p = p ? p + 1 : "";
        }
        sl_buf_free(&l.text);
    }
    CHECK(seen == N && out_of_order == 0, "fired %d, %d out of order", seen, out_of_order);
    rt_timers_free(t);
    rt_store_close(s);
}

/* Durability: checkpointed timers come back after close and reopen; ends fired before the next
 * checkpoint are deleted from the store; keys added to a loaded end keep the loaded ones; what
 * was not committed is lost; a non-durable instance neither loads nor writes. */
static void test_timers_durable(void) {
    char path[4200];
    snprintf(path, sizeof path, "%s/timers.db", g_dir);
    bool resumed = true;
    rt_store *s = store_ok(path, &resumed);
    CHECK(!resumed, "a new store is not resumed");
    rt_timers *t = timers_ok(s, "wtimers", true);
    add(t, 60 * SEC, "a");
    add(t, 60 * SEC, "b");
    add(t, 120 * SEC, "c");
    add(t, 180 * SEC, "d");
    checkpoint_ok(t, s);
    CHECK(ns_rows(s, "wtimers") == 3, "3 ends stored: %lld", (long long)ns_rows(s, "wtimers"));
    EXPECT_FIRE(t, rt_window_time(60 * SEC), "a@60 b@60");
    add(t, 120 * SEC, "e");
    checkpoint_ok(t, s);
    CHECK(ns_rows(s, "wtimers") == 2, "the fired end is deleted: %lld rows", (long long)ns_rows(s, "wtimers"));
    add(t, 240 * SEC, "lost"); /* after the last checkpoint: not durable */
    rt_timers_free(t);
    rt_store_close(s);

    s = store_ok(path, &resumed);
    CHECK(resumed, "reopened store resumes");
    t = timers_ok(s, "wtimers", true);
    CHECK(rt_timers_pending(t) == 2 && rt_timers_earliest(t) == 120 * SEC, "reopened: pending %d earliest %lld",
          rt_timers_pending(t), (long long)rt_timers_earliest(t));
    add(t, 180 * SEC, "f");
    checkpoint_ok(t, s);
    /* written into the transaction but not committed: rolled back at close */
    add(t, 300 * SEC, "uncommitted");
    char *err = NULL;
    CHECK(rt_timers_checkpoint(t, &err) == 0, "checkpoint without commit: %s", err ? err : "");
    free(err);
    rt_timers_free(t);
    rt_store_close(s);

    s = store_ok(path, NULL);
    t = timers_ok(s, "wtimers", true);
    CHECK(rt_timers_pending(t) == 2, "pending %d after the second reopen", rt_timers_pending(t));
    EXPECT_FIRE(t, rt_window_time(120 * SEC), "c@120 e@120");
    checkpoint_ok(t, s);
    rt_timers_free(t);
    rt_store_close(s);

    s = store_ok(path, NULL);
    t = timers_ok(s, "wtimers", true);
    CHECK(rt_timers_pending(t) == 1 && rt_timers_earliest(t) == 180 * SEC, "pending %d earliest %lld",
          rt_timers_pending(t), (long long)rt_timers_earliest(t));
    EXPECT_FIRE(t, INT64_MAX, "d@180 f@180");
    checkpoint_ok(t, s);
    CHECK(ns_rows(s, "wtimers") == 0, "all fired and deleted: %lld rows", (long long)ns_rows(s, "wtimers"));
    rt_timers_free(t);

    /* not durable: nothing written, nothing loaded */
    rt_timers *v = timers_ok(s, "volatile", false);
    add(v, 60 * SEC, "m");
    checkpoint_ok(v, s);
    CHECK(ns_rows(s, "volatile") == 0, "a non-durable instance writes nothing");
    rt_timers_free(v);
    rt_timers *d = timers_ok(s, "wtimers2", true);
    add(d, 60 * SEC, "n");
    checkpoint_ok(d, s);
    rt_timers_free(d);
    v = timers_ok(s, "wtimers2", false);
    CHECK(rt_timers_pending(v) == 0, "a non-durable instance loads nothing: %d", rt_timers_pending(v));
    rt_timers_free(v);
    rt_store_close(s);
}

/* A stored timer row whose key is not an 8-byte end is refused at open with a message. */
static void test_timers_corrupt(void) {
    char path[4200];
    snprintf(path, sizeof path, "%s/corrupt.db", g_dir);
    rt_store *s = store_ok(path, NULL);
    char *err = NULL;
    int ns = rt_store_namespace(s, "wtimers", &err);
    CHECK(ns > 0, "namespace: %s", err ? err : "");
    free(err);
    err = NULL;
    CHECK(rt_store_put(s, ns, rt_cache_hash("abc", 3), "abc", 3, "x", 1, &err) == 0, "put: %s", err ? err : "");
    free(err);
    err = NULL;
    CHECK(rt_store_commit(s, &err) == 0, "commit: %s", err ? err : "");
    free(err);
    err = NULL;
    rt_timers *t = rt_timers_open(s, "wtimers", true, &err);
    CHECK(!t && err && strstr(err, "The saved window timers are corrupt"), "corrupt row refused: %s",
          err ? err : "(opened)");
    free(err);
    rt_timers_free(t);
    rt_store_close(s);
}

/* ======================================================================================== */

static void cleanup(void) {
    DIR *d = opendir(g_dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[8400];
        snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(g_dir);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/sluice-test-windows-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("TMPDIR", g_dir, 1); /* temporary stores land here too */

    test_tumble();
    test_tumble_offset();
    test_tumble_negative();
    test_hop();
    test_hop_sweep();
    test_cumulate();
    test_window_time();

    wm_setup();
    sl_batch_init(&g_b, 3, 16);
    test_wm_min_over_partitions();
    test_wm_interval();
    test_wm_on_event();
    test_wm_idle();
    test_wm_idle_session();
    test_wm_idle_from_start();
    test_wm_encode();
    sl_batch_free(&g_b);
    pl_catalog_free(&g_cat);

    test_timers_order();
    test_timers_keys();
    test_timers_error();
    test_timers_many();
    test_timers_durable();
    test_timers_corrupt();

    cleanup();
    printf("test_windows: %d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
