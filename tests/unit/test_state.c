/* test_state.c: the job state layer: rt_store (SQLite per job) and rt_cache (write-back cache).
 * Round trips, commit and reopen, positions, crash consistency (children that die by _exit and
 * by SIGKILL at any instant), a full disk (RLIMIT_FSIZE), refusals (other query, live job,
 * not a database), forced hash collisions, and the cache's budget, eviction, write-back,
 * deletes and its "everything is in memory" shortcut. Ends with a few rates (printed, never
 * asserted). Exit status nonzero on any failed check. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../../common/sl_buf.h"
#include "../../common/sl_error.h"
#include "../../runtime/rt_cache.h"
#include "../../runtime/rt_store.h"

#include "check.h"

static char g_dir[4096];

/* A path inside the test's directory (static buffer, one at a time per call site). */
static const char *in_dir(const char *name, char *buf, size_t n) {
    snprintf(buf, n, "%s/%s", g_dir, name);
    return buf;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds of this process: rates that a busy machine disturbs less than wall time. */
static double cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Opens a store expecting success. */
static rt_store *open_ok(const char *path, const char *fp, bool *resumed) {
    char *err = NULL;
    bool r = false;
    rt_store *s = rt_store_open(path, "job1", fp, "PLAN LINE 1\nPLAN LINE 2\n", &r, &err);
    CHECK(s != NULL, "open %s: %s", path ? path : "(temp)", err ? err : "");
    free(err);
    if (resumed) *resumed = r;
    if (!s) { printf("cannot continue\n"); exit(1); }
    return s;
}

/* Namespace id expecting success. */
static int ns_ok(rt_store *s, const char *name) {
    char *err = NULL;
    int id = rt_store_namespace(s, name, &err);
    CHECK(id > 0, "namespace %s: %s", name, err ? err : "");
    free(err);
    return id;
}

static void put_ok(rt_store *s, int ns, uint64_t h, const char *k, const char *v) {
    char *err = NULL;
    int rc = rt_store_put(s, ns, h, k, strlen(k), v, strlen(v), &err);
    CHECK(rc == 0, "put %s: %s", k, err ? err : "");
    free(err);
}

static void del_ok(rt_store *s, int ns, uint64_t h, const char *k) {
    char *err = NULL;
    int rc = rt_store_del(s, ns, h, k, strlen(k), &err);
    CHECK(rc == 0, "del %s: %s", k, err ? err : "");
    free(err);
}

/* Checks key's stored value (want NULL: absent). */
static void expect_get(rt_store *s, int ns, uint64_t h, const char *k, const char *want, int line) {
    char *err = NULL;
    sl_buf v = {0};
    int rc = rt_store_get(s, ns, h, k, strlen(k), &v, &err);
    if (want)
        CHECK(rc == 1 && v.len == strlen(want) && memcmp(v.data, want, v.len) == 0,
              "line %d: get %s: rc %d value '%.*s' want '%s' %s", line, k, rc, (int)v.len, v.data ? v.data : "",
              want, err ? err : "");
    else
        CHECK(rc == 0, "line %d: get %s: rc %d (want absent) %s", line, k, rc, err ? err : "");
    free(err);
    sl_buf_free(&v);
}
#define EXPECT_GET(s, ns, h, k, want) expect_get(s, ns, h, k, want, __LINE__)

static int64_t count_of(rt_store *s, int ns) {
    char *err = NULL;
    int64_t n = rt_store_count(s, ns, &err);
    CHECK(n >= 0, "count: %s", err ? err : "");
    free(err);
    return n;
}

static void commit_ok(rt_store *s) {
    char *err = NULL;
    int rc = rt_store_commit(s, &err);
    CHECK(rc == 0, "commit: %s", err ? err : "");
    free(err);
}

static uint64_t H(const char *k) { return rt_cache_hash(k, strlen(k)); }

/* ---- the store ---- */

/* put/get/del, namespaces, binary and empty keys, commit and reopen, positions. */
static void test_roundtrip(void) {
    char path[4200];
    in_dir("rt.db", path, sizeof path);
    bool resumed = true;
    rt_store *s = open_ok(path, "fp1", &resumed);
    CHECK(!resumed, "a new database is not resumed");
    CHECK(rt_store_checkpoint_id(s) == 0, "no checkpoint yet");
    CHECK(rt_store_path(s) && strcmp(rt_store_path(s), path) == 0, "path");
    int a = ns_ok(s, "agg-1"), b = ns_ok(s, "agg-2");
    CHECK(a != b, "two namespaces, two ids");
    CHECK(ns_ok(s, "agg-1") == a, "same name, same id");
    CHECK(count_of(s, a) == 0, "empty namespace");

    put_ok(s, a, H("alice"), "alice", "1");
    put_ok(s, a, H("bob"), "bob", "2");
    put_ok(s, b, H("alice"), "alice", "other namespace");
    EXPECT_GET(s, a, H("alice"), "alice", "1");
    EXPECT_GET(s, a, H("bob"), "bob", "2");
    EXPECT_GET(s, b, H("alice"), "alice", "other namespace");
    EXPECT_GET(s, b, H("bob"), "bob", NULL);
    put_ok(s, a, H("alice"), "alice", "11");
    EXPECT_GET(s, a, H("alice"), "alice", "11");
    CHECK(count_of(s, a) == 2, "two keys");
    del_ok(s, a, H("bob"), "bob");
    del_ok(s, a, H("nobody"), "nobody"); /* absent is fine */
    EXPECT_GET(s, a, H("bob"), "bob", NULL);
    CHECK(count_of(s, a) == 1, "one key after delete");

    /* binary key with NULs, empty key, empty value */
    char *err = NULL;
    static const char bin[] = {'x', 0, 'y', 0};
    CHECK(rt_store_put(s, a, rt_cache_hash(bin, 4), bin, 4, "\0\1\2", 3, &err) == 0, "binary put");
    free(err);
    CHECK(rt_store_put(s, a, rt_cache_hash("", 0), "", 0, "", 0, &err) == 0, "empty key put");
    free(err);
    sl_buf v = {0};
    CHECK(rt_store_get(s, a, rt_cache_hash(bin, 4), bin, 4, &v, &err) == 1 && v.len == 3 && memcmp(v.data, "\0\1\2", 3) == 0,
          "binary get");
    CHECK(rt_store_get(s, a, rt_cache_hash(bin, 3), bin, 3, &v, &err) == 0, "prefix of a binary key is another key");
    CHECK(rt_store_get(s, a, rt_cache_hash("", 0), "", 0, &v, &err) == 1 && v.len == 0, "empty key, empty value");
    free(err);
    err = NULL;
    CHECK(rt_store_get(s, 99, 1, "k", 1, &v, &err) == -1 && err && strstr(err, "namespace"), "unknown namespace: %s",
          err ? err : "");
    free(err);
    err = NULL;
    CHECK(rt_store_put(s, 0, 1, "k", 1, "v", 1, &err) == -1 && err, "namespace 0 is refused");
    free(err);

    cn_position p0[] = {{"topic-a", 0, 10}, {"topic-a", 1, 20}};
    cn_position p1[] = {{"topic-b", 0, 5}};
    CHECK(rt_store_set_positions(s, 0, p0, 2, &err) == 0, "positions 0");
    CHECK(rt_store_set_positions(s, 1, p1, 1, &err) == 0, "positions 1");
    commit_ok(s);
    CHECK(rt_store_checkpoint_id(s) == 1, "checkpoint 1");
    put_ok(s, a, H("carol"), "carol", "3");
    commit_ok(s);
    CHECK(rt_store_checkpoint_id(s) == 2, "checkpoint 2");
    /* after the last commit: gone at reopen */
    cn_position p0b[] = {{"topic-a", 0, 99}};
    CHECK(rt_store_set_positions(s, 0, p0b, 1, &err) == 0, "positions 0 again");
    put_ok(s, a, H("dave"), "dave", "4");
    del_ok(s, a, H("alice"), "alice");
    int c = ns_ok(s, "agg-uncommitted");
    put_ok(s, c, H("x"), "x", "y");
    rt_store_close(s);

    s = open_ok(path, "fp1", &resumed);
    CHECK(resumed, "resumed");
    CHECK(rt_store_checkpoint_id(s) == 2, "checkpoint id kept: %lld", (long long)rt_store_checkpoint_id(s));
    CHECK(ns_ok(s, "agg-1") == a && ns_ok(s, "agg-2") == b, "namespace ids kept");
    EXPECT_GET(s, a, H("alice"), "alice", "11");
    EXPECT_GET(s, a, H("carol"), "carol", "3");
    EXPECT_GET(s, a, H("dave"), "dave", NULL);
    EXPECT_GET(s, b, H("alice"), "alice", "other namespace");
    CHECK(rt_store_get(s, a, rt_cache_hash(bin, 4), bin, 4, &v, &err) == 1 && v.len == 3, "binary key kept");
    CHECK(count_of(s, a) == 4, "four keys committed: %lld", (long long)count_of(s, a));
    int c2 = ns_ok(s, "agg-uncommitted");
    CHECK(count_of(s, c2) == 0, "an uncommitted namespace comes back empty");
    cn_position *p = NULL;
    int n = -1;
    CHECK(rt_store_get_positions(s, 0, &p, &n, &err) == 0 && n == 2, "positions 0 back: %d", n);
    if (n == 2)
        CHECK(strcmp(p[0].topic, "topic-a") == 0 && p[0].partition == 0 && p[0].offset == 10 && p[1].partition == 1 &&
                  p[1].offset == 20,
              "positions 0 values");
    rt_store_free_positions(p, n);
    CHECK(rt_store_get_positions(s, 1, &p, &n, &err) == 0 && n == 1 && strcmp(p[0].topic, "topic-b") == 0 &&
              p[0].offset == 5,
          "positions 1 back");
    rt_store_free_positions(p, n);
    CHECK(rt_store_get_positions(s, 7, &p, &n, &err) == 0 && n == 0 && p == NULL, "no positions for source 7");
    /* replacing positions drops the old partitions, at the next checkpoint */
    CHECK(rt_store_set_positions(s, 0, p0b, 1, &err) == 0, "replace positions");
    CHECK(rt_store_get_positions(s, 0, &p, &n, &err) == 0 && n == 2 && p[0].offset == 10,
          "until the checkpoint the last checkpoint's positions are read");
    rt_store_free_positions(p, n);
    CHECK(rt_store_set_positions(s, 0, p0, 1, &err) == 0 && rt_store_set_positions(s, 0, p0b, 1, &err) == 0,
          "set twice: the last wins");
    commit_ok(s);
    CHECK(rt_store_get_positions(s, 0, &p, &n, &err) == 0 && n == 1 && p[0].offset == 99, "replaced positions");
    rt_store_free_positions(p, n);
    free(err);
    sl_buf_free(&v);
    rt_store_close(s);
}

/* A database made by another query is refused with its plan; other bad files are refused. */
static void test_refusals(void) {
    char path[4200], want[9000];
    in_dir("rt.db", path, sizeof path);
    char *err = NULL;
    bool resumed = true;
    rt_store *s = rt_store_open(path, "job1", "fp2", "NEW PLAN", &resumed, &err);
    CHECK(s == NULL, "another fingerprint is refused");
    snprintf(want, sizeof want,
             "The saved state of job 'job1' (%s) belongs to a different query; its plan was:\n"
             "PLAN LINE 1\nPLAN LINE 2\n"
             "Start it under a new 'pipeline.name' or delete %s to start over.",
             path, path);
    CHECK(err && strcmp(err, want) == 0, "fingerprint message:\n%s", err ? err : "(none)");
    CHECK(!resumed, "not resumed");
    free(err);
    /* the refused open changed nothing */
    s = open_ok(path, "fp1", &resumed);
    CHECK(resumed && rt_store_checkpoint_id(s) == 3, "still checkpoint 3");
    rt_store_close(s);

    char bad[4200];
    in_dir("garbage.db", bad, sizeof bad);
    FILE *f = fopen(bad, "w");
    for (int i = 0; i < 200; i++) fputs("this is not a database at all\n", f);
    fclose(f);
    err = NULL;
    s = rt_store_open(bad, "job2", "fp", "P", &resumed, &err);
    CHECK(s == NULL && err && strstr(err, bad) && strstr(err, "job2"), "not a database: %s", err ? err : "(none)");
    free(err);
    err = NULL;
    in_dir("no/such/dir/x.db", bad, sizeof bad);
    s = rt_store_open(bad, "job3", "fp", "P", &resumed, &err);
    CHECK(s == NULL && err && strstr(err, bad), "missing directory: %s", err ? err : "(none)");
    free(err);
}

/* Reads one byte from fd (0 on EOF or error). */
static int read_byte(int fd) {
    char c;
    return read(fd, &c, 1) == 1 ? c : 0;
}

/* A child that commits, writes more and dies without committing (by _exit, or by SIGKILL from
 * itself): the parent sees exactly the committed state. */
static void test_uncommitted_lost(int how) {
    char path[4200];
    in_dir(how ? "crash-kill.db" : "crash-exit.db", path, sizeof path);
    pid_t pid = fork();
    if (pid == 0) {
        rt_store *s = open_ok(path, "fp", NULL);
        int a = ns_ok(s, "agg");
        char k[32];
        for (int i = 0; i < 100; i++) {
            snprintf(k, sizeof k, "k%d", i);
            put_ok(s, a, H(k), k, "committed");
        }
        cn_position p = {"t", 0, 100};
        char *err = NULL;
        rt_store_set_positions(s, 0, &p, 1, &err);
        commit_ok(s);
        for (int i = 0; i < 50000; i++) { /* more than the page cache holds: spills to the WAL */
            snprintf(k, sizeof k, "k%d", i);
            put_ok(s, a, H(k), k, "uncommitted uncommitted uncommitted uncommitted uncommitted uncommitted");
        }
        del_ok(s, a, H("k1"), "k1");
        p.offset = 50000;
        rt_store_set_positions(s, 0, &p, 1, &err);
        int late = ns_ok(s, "late");
        put_ok(s, late, H("x"), "x", "y");
        fflush(stdout);
        if (how) kill(getpid(), SIGKILL);
        _exit(failed ? 2 : 0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (how)
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "child killed: %d", st);
    else
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child exited: %d", st);
    bool resumed = false;
    rt_store *s = open_ok(path, "fp", &resumed);
    CHECK(resumed && rt_store_checkpoint_id(s) == 1, "back at checkpoint 1 (%lld)", (long long)rt_store_checkpoint_id(s));
    int a = ns_ok(s, "agg");
    CHECK(count_of(s, a) == 100, "100 committed keys: %lld", (long long)count_of(s, a));
    EXPECT_GET(s, a, H("k0"), "k0", "committed");
    EXPECT_GET(s, a, H("k1"), "k1", "committed");
    EXPECT_GET(s, a, H("k99"), "k99", "committed");
    EXPECT_GET(s, a, H("k100"), "k100", NULL);
    cn_position *p = NULL;
    int n = 0;
    char *err = NULL;
    CHECK(rt_store_get_positions(s, 0, &p, &n, &err) == 0 && n == 1 && p[0].offset == 100, "committed position");
    rt_store_free_positions(p, n);
    free(err);
    CHECK(count_of(s, ns_ok(s, "late")) == 0, "uncommitted namespace empty");
    rt_store_close(s);
}

/* A child commits in a loop (a counter key and the position equal to the checkpoint id, plus a
 * batch of keys) and is killed at an arbitrary instant: state and positions agree with the
 * checkpoint id found. */
static void test_kill_anytime(void) {
    char path[4200];
    in_dir("crash-loop.db", path, sizeof path);
    for (int round = 0; round < 3; round++) {
        int fds[2];
        if (pipe(fds) != 0) { CHECK(0, "pipe"); return; }
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            rt_store *s = open_ok(path, "fp", NULL);
            int a = ns_ok(s, "agg");
            char k[32], v[32];
            char *err = NULL;
            for (int64_t i = rt_store_checkpoint_id(s) + 1;; i++) {
                snprintf(v, sizeof v, "%lld", (long long)i);
                put_ok(s, a, H("counter"), "counter", v);
                for (int j = 0; j < 2000; j++) {
                    snprintf(k, sizeof k, "key%d", (int)((i * 7919 + j * 104729) % 200000));
                    put_ok(s, a, H(k), k, v);
                }
                cn_position p = {"t", 3, i};
                rt_store_set_positions(s, 0, &p, 1, &err);
                commit_ok(s);
                if (i % 3 == 0) (void)!write(fds[1], "c", 1); /* the parent may kill from now on */
            }
        }
        close(fds[1]);
        read_byte(fds[0]);
        usleep((useconds_t)(round * 7000 + 3000));
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        close(fds[0]);
        bool resumed = false;
        rt_store *s = open_ok(path, "fp", &resumed);
        int64_t id = rt_store_checkpoint_id(s);
        CHECK(resumed && id >= 3, "round %d: resumed at %lld", round, (long long)id);
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)id);
        EXPECT_GET(s, ns_ok(s, "agg"), H("counter"), "counter", v);
        cn_position *p = NULL;
        int n = 0;
        char *err = NULL;
        CHECK(rt_store_get_positions(s, 0, &p, &n, &err) == 0 && n == 1 && p[0].offset == id && p[0].partition == 3,
              "round %d: position equals the checkpoint", round);
        rt_store_free_positions(p, n);
        free(err);
        rt_store_close(s);
    }
}

/* A second process opening a live job's database is refused; after the first ends it opens. */
static void test_second_opener(void) {
    char path[4200], want[9000];
    in_dir("live.db", path, sizeof path);
    int ready[2], go[2];
    if (pipe(ready) != 0 || pipe(go) != 0) { CHECK(0, "pipe"); return; }
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(go[1]);
        rt_store *s = open_ok(path, "fp", NULL);
        put_ok(s, ns_ok(s, "agg"), H("a"), "a", "1");
        commit_ok(s);
        (void)!write(ready[1], "r", 1);
        read_byte(go[0]); /* until the parent closes its end */
        rt_store_close(s);
        _exit(failed ? 2 : 0);
    }
    close(ready[1]);
    close(go[0]);
    read_byte(ready[0]);
    char *err = NULL;
    bool resumed = true;
    double t0 = now_s();
    rt_store *s = rt_store_open(path, "live", "fp", "P", &resumed, &err);
    double waited = now_s() - t0;
    CHECK(s == NULL, "second opener refused");
    snprintf(want, sizeof want, "Job 'live' is already running (its state %s is in use by another process)", path);
    CHECK(err && strcmp(err, want) == 0, "message: %s", err ? err : "(none)");
    CHECK(waited < 5, "refused after %.2f s", waited);
    free(err);
    rt_store_close(s);
    close(go[1]);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "holder exited cleanly");
    s = open_ok(path, "fp", &resumed);
    CHECK(resumed, "opens once the other process is gone");
    rt_store_close(s);
    close(ready[0]);
}

/* Writes fail when the disk is full (a file size limit stands in for it): the error names the
 * file, commit fails, and the database keeps the previous checkpoint. */
static void test_disk_full(void) {
    char path[4200];
    in_dir("full.db", path, sizeof path);
    int msg[2];
    if (pipe(msg) != 0) { CHECK(0, "pipe"); return; }
    pid_t pid = fork();
    if (pid == 0) {
        close(msg[0]);
        rt_store *s = open_ok(path, "fp", NULL);
        int a = ns_ok(s, "agg");
        char k[32];
        for (int i = 0; i < 100; i++) {
            snprintf(k, sizeof k, "k%d", i);
            put_ok(s, a, H(k), k, "before");
        }
        commit_ok(s);
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {256 * 1024, 256 * 1024};
        setrlimit(RLIMIT_FSIZE, &rl);
        char *err = NULL, val[200];
        memset(val, 'v', sizeof val - 1);
        val[sizeof val - 1] = 0;
        int rc = 0;
        for (int i = 0; i < 100000 && rc == 0; i++) {
            snprintf(k, sizeof k, "k%d", i);
            rc = rt_store_put(s, a, H(k), k, strlen(k), val, strlen(val), &err);
        }
        if (rc == 0) rc = rt_store_commit(s, &err);
        int ok = rc == -1 && err && strstr(err, path);
        if (err) (void)!write(msg[1], err, strlen(err));
        free(err);
        err = NULL;
        /* everything after the failure is refused */
        ok = ok && rt_store_put(s, a, 1, "z", 1, "z", 1, &err) == -1 && rt_store_commit(s, &(char *){NULL}) == -1;
        free(err);
        rt_store_close(s);
        _exit(ok ? 0 : 3);
    }
    close(msg[1]);
    char text[2000] = {0};
    size_t got = 0;
    ssize_t r;
    while (got < sizeof text - 1 && (r = read(msg[0], text + got, sizeof text - 1 - got)) > 0) got += (size_t)r;
    close(msg[0]);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child saw the failure and the refusals (%d): %s", st, text);
    printf("disk full message: %s\n", text);
    bool resumed;
    rt_store *s = open_ok(path, "fp", &resumed);
    CHECK(rt_store_checkpoint_id(s) == 1, "previous checkpoint kept: %lld", (long long)rt_store_checkpoint_id(s));
    int a = ns_ok(s, "agg");
    CHECK(count_of(s, a) == 100, "100 keys");
    EXPECT_GET(s, a, H("k5"), "k5", "before");
    rt_store_close(s);
}

/* Keys whose hashes collide (forced: one hash for all), including delete-and-reinsert orders
 * that move a key between the main and the overflow table; a key is never counted twice. */
static void test_collisions(void) {
    char path[4200];
    in_dir("coll.db", path, sizeof path);
    rt_store *s = open_ok(path, "fp", NULL);
    int n = ns_ok(s, "coll");
    const uint64_t h = 0x123456789abcdefULL, neg = 0xfedcba9876543210ULL; /* neg: negative as INTEGER */
    put_ok(s, n, h, "a", "1");
    put_ok(s, n, h, "b", "2");
    put_ok(s, n, h, "c", "3");
    EXPECT_GET(s, n, h, "a", "1");
    EXPECT_GET(s, n, h, "b", "2");
    EXPECT_GET(s, n, h, "c", "3");
    EXPECT_GET(s, n, h, "d", NULL);
    CHECK(count_of(s, n) == 3, "three colliding keys");
    put_ok(s, n, h, "b", "22"); /* update in the overflow */
    EXPECT_GET(s, n, h, "b", "22");
    CHECK(count_of(s, n) == 3, "update does not add");
    del_ok(s, n, h, "a"); /* the main slot is free now */
    EXPECT_GET(s, n, h, "a", NULL);
    EXPECT_GET(s, n, h, "b", "22");
    EXPECT_GET(s, n, h, "c", "3");
    CHECK(count_of(s, n) == 2, "two after deleting the main key");
    put_ok(s, n, h, "b", "222"); /* b moves to the free main slot: not also left in the overflow */
    EXPECT_GET(s, n, h, "b", "222");
    CHECK(count_of(s, n) == 2, "b not stored twice: %lld", (long long)count_of(s, n));
    put_ok(s, n, h, "a", "11"); /* main taken by b: a goes to the overflow */
    EXPECT_GET(s, n, h, "a", "11");
    CHECK(count_of(s, n) == 3, "three again");
    del_ok(s, n, h, "b");
    EXPECT_GET(s, n, h, "b", NULL);
    EXPECT_GET(s, n, h, "a", "11");
    EXPECT_GET(s, n, h, "c", "3");
    put_ok(s, n, h, "c", "33"); /* c moves to main */
    put_ok(s, n, h, "c", "333"); /* and is updated there */
    EXPECT_GET(s, n, h, "c", "333");
    CHECK(count_of(s, n) == 2, "a and c: %lld", (long long)count_of(s, n));
    del_ok(s, n, h, "c");
    del_ok(s, n, h, "a");
    CHECK(count_of(s, n) == 0, "all gone");
    EXPECT_GET(s, n, h, "a", NULL);
    EXPECT_GET(s, n, h, "c", NULL);
    put_ok(s, n, h, "a", "5");
    CHECK(count_of(s, n) == 1, "reinserted");
    put_ok(s, n, neg, "x", "neg");
    put_ok(s, n, neg, "y", "neg2");
    put_ok(s, n, h, "b", "6");
    commit_ok(s);
    rt_store_close(s);
    /* the overflow is found again after a reopen */
    s = open_ok(path, "fp", NULL);
    n = ns_ok(s, "coll");
    EXPECT_GET(s, n, h, "a", "5");
    EXPECT_GET(s, n, h, "b", "6");
    EXPECT_GET(s, n, neg, "x", "neg");
    EXPECT_GET(s, n, neg, "y", "neg2");
    CHECK(count_of(s, n) == 4, "four after reopen");
    del_ok(s, n, h, "a");
    put_ok(s, n, h, "b", "7");
    EXPECT_GET(s, n, h, "b", "7");
    CHECK(count_of(s, n) == 3, "b moved, counted once");
    rt_store_close(s);
}

/* Counts the files in the test directory whose name starts with prefix. */
static int files_named(const char *prefix) {
    DIR *d = opendir(g_dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
    if (d) closedir(d);
    return n;
}

/* A temporary database works like a file one and leaves nothing behind, not even while open
 * (SQLite's private temporary database: its file is unlinked as soon as it is made, so a
 * killed process leaves nothing either). */
static void test_temporary(void) {
    bool resumed = true;
    int before = files_named("");
    rt_store *s = open_ok(NULL, "fp", &resumed);
    CHECK(!resumed && rt_store_path(s) == NULL, "temporary: new, no path");
    int n = ns_ok(s, "t");
    put_ok(s, n, H("k"), "k", "v");
    commit_ok(s);
    put_ok(s, n, H("k2"), "k2", "v2");
    EXPECT_GET(s, n, H("k"), "k", "v");
    EXPECT_GET(s, n, H("k2"), "k2", "v2");
    CHECK(files_named("") == before, "no file in TMPDIR while open");
    rt_store_close(s);
    CHECK(files_named("") == before, "nothing in TMPDIR after close");
}

/* ---- the cache ---- */

/* The test operator's object: a string value. */
typedef struct tobj {
    size_t len;
    char s[];
} tobj;

typedef struct tcount {
    int64_t encodes, decodes, frees, allocs;
} tcount;

static void t_encode(void *ud, const void *obj, sl_buf *out) {
    const tobj *o = obj;
    ((tcount *)ud)->encodes++;
    sl_buf_append(out, o->s, o->len);
}

static void *t_decode(void *ud, const char *data, size_t len) {
    if (len > 0 && data[0] == '!') return NULL; /* "corrupt" */
    tobj *o = malloc(sizeof *o + len + 1);
    o->len = len;
    memcpy(o->s, data, len);
    o->s[len] = 0;
    ((tcount *)ud)->decodes++;
    ((tcount *)ud)->allocs++;
    return o;
}

static void t_free(void *ud, void *obj) {
    ((tcount *)ud)->frees++;
    free(obj);
}

static const rt_cache_ops T_OPS = {t_encode, t_decode, t_free, false};

/* Gives e a new value and reports its size. */
static void set_val(rt_cache *c, tcount *tc, rt_centry *e, const char *v) {
    size_t len = strlen(v);
    tobj *o = malloc(sizeof *o + len + 1);
    o->len = len;
    memcpy(o->s, v, len + 1);
    if (e->obj) t_free(tc, e->obj);
    e->obj = o;
    tc->allocs++;
    rt_cache_dirty(c, e, sizeof *o + len + 1);
}

static rt_centry *cget(rt_cache *c, const char *k) {
    char *err = NULL;
    rt_centry *e = rt_cache_get(c, k, strlen(k), &err);
    CHECK(e != NULL, "cache get %s: %s", k, err ? err : "");
    free(err);
    if (!e) { printf("cannot continue\n"); exit(1); }
    return e;
}

static void trim_ok(rt_cache *c) {
    char *err = NULL;
    CHECK(rt_cache_trim(c, &err) == 0, "trim: %s", err ? err : "");
    free(err);
}

static void flush_ok(rt_cache *c) {
    char *err = NULL;
    CHECK(rt_cache_flush(c, &err) == 0, "flush: %s", err ? err : "");
    free(err);
}

/* A small budget keeps memory bounded; evicted values come back from the store intact. */
static void test_cache_bounded(rt_store *s) {
    tcount tc = {0};
    int ns = ns_ok(s, "bounded");
    const size_t budget = 64 * 1024;
    rt_cache *c = rt_cache_new(s, ns, &T_OPS, &tc, budget);
    char k[32], v[64];
    size_t peak = 0;
    const int N = 20000;
    int64_t misses_at_first_eviction = -1;
    int over_target = 0;
    for (int i = 0; i < N; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        snprintf(v, sizeof v, "value-%d-%s", i, i % 3 ? "short" : "a somewhat longer value string");
        rt_centry *e = cget(c, k);
        CHECK(e->obj == NULL, "new key has no state");
        set_val(c, &tc, e, v);
        if (i % 100 == 99) {
            size_t before = rt_cache_entries(c);
            trim_ok(c);
            if (rt_cache_bytes(c) > peak) peak = rt_cache_bytes(c);
            if (rt_cache_entries(c) < before) {
                if (misses_at_first_eviction < 0) misses_at_first_eviction = rt_cache_misses(c);
                if (rt_cache_bytes(c) >= budget / 4 * 3) over_target++;
            }
        }
    }
    CHECK(peak <= budget, "bytes after trim %zu within %zu", peak, budget);
    CHECK(over_target == 0, "%d trims that evicted left more than 3/4 of the budget", over_target);
    CHECK(rt_cache_entries(c) < (size_t)N / 4, "entries bounded: %zu", rt_cache_entries(c));
    CHECK(misses_at_first_eviction == 0, "no store lookups before the first eviction (%lld)",
          (long long)misses_at_first_eviction);
    CHECK(rt_cache_misses(c) > 0, "after evictions misses go to the store");
    /* every value is there, most from the store */
    int64_t decodes = tc.decodes;
    int bad = 0;
    for (int i = 0; i < N; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        snprintf(v, sizeof v, "value-%d-%s", i, i % 3 ? "short" : "a somewhat longer value string");
        rt_centry *e = cget(c, k);
        const tobj *o = e->obj;
        if (!o || o->len != strlen(v) || memcmp(o->s, v, o->len) != 0) bad++;
        if (i % 100 == 99) trim_ok(c);
    }
    CHECK(bad == 0, "%d values wrong after eviction", bad);
    CHECK(tc.decodes - decodes > N / 2, "values came back through decode: %lld", (long long)(tc.decodes - decodes));
    /* the most recent keys are in memory: found without the store, as the same entries */
    int64_t misses = rt_cache_misses(c);
    for (int i = N - 50; i < N; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        CHECK(cget(c, k) == cget(c, k), "one entry per key");
    }
    CHECK(rt_cache_misses(c) == misses, "resident keys are hits");
    flush_ok(c);
    CHECK(count_of(s, ns) == N, "all keys stored: %lld", (long long)count_of(s, ns));
    /* deleting evicted keys through the cache: loaded, deleted, written back */
    for (int i = 0; i < 100; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        rt_cache_delete(c, cget(c, k));
    }
    trim_ok(c);
    flush_ok(c);
    CHECK(count_of(s, ns) == N - 100, "100 deleted: %lld", (long long)count_of(s, ns));
    EXPECT_GET(s, ns, H("key-7"), "key-7", NULL);
    CHECK(cget(c, "key-7")->obj == NULL, "a deleted key has no state");
    rt_cache_free(c);
    CHECK(tc.allocs == tc.frees, "every object freed: %lld allocs, %lld frees", (long long)tc.allocs,
          (long long)tc.frees);
}

/* flush writes exactly the dirty entries; deletes reach the store at the next flush; a cache
 * over a non-empty namespace asks the store; entries stay valid across flush. */
static void test_cache_flush_delete(rt_store *s) {
    tcount tc = {0};
    int ns = ns_ok(s, "flush");
    rt_cache *c = rt_cache_new(s, ns, &T_OPS, &tc, 1 << 26);
    char k[32], v[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(k, sizeof k, "k%d", i);
        snprintf(v, sizeof v, "v%d", i);
        set_val(c, &tc, cget(c, k), v);
    }
    for (int i = 0; i < 10; i++) { /* looked up, never given state: nothing to write */
        snprintf(k, sizeof k, "empty%d", i);
        cget(c, k);
    }
    CHECK(rt_cache_misses(c) == 0, "fresh namespace: no store lookups (%lld)", (long long)rt_cache_misses(c));
    CHECK(count_of(s, ns) == 0, "nothing written before flush");
    flush_ok(c);
    CHECK(tc.encodes == 1000, "1000 encodes: %lld", (long long)tc.encodes);
    CHECK(count_of(s, ns) == 1000, "1000 stored: %lld", (long long)count_of(s, ns));
    EXPECT_GET(s, ns, H("k5"), "k5", "v5");
    flush_ok(c);
    CHECK(tc.encodes == 1000, "clean entries are not written again");
    set_val(c, &tc, cget(c, "k7"), "seven");
    flush_ok(c);
    CHECK(tc.encodes == 1001, "one dirty entry, one write");
    EXPECT_GET(s, ns, H("k7"), "k7", "seven");

    rt_centry *e = cget(c, "k5");
    rt_cache_delete(c, e);
    CHECK(e->obj == NULL && e->dirty, "deleted entry: no object, dirty");
    EXPECT_GET(s, ns, H("k5"), "k5", "v5"); /* until the flush */
    rt_centry *fresh = cget(c, "never-stored");
    set_val(c, &tc, fresh, "x");
    rt_cache_delete(c, fresh);
    flush_ok(c);
    EXPECT_GET(s, ns, H("k5"), "k5", NULL);
    EXPECT_GET(s, ns, H("never-stored"), "never-stored", NULL);
    CHECK(count_of(s, ns) == 999, "999 after the delete");
    CHECK(e->obj == NULL && !e->dirty && memcmp(e->key, "k5", 2) == 0, "entry still valid after flush");
    set_val(c, &tc, e, "five again"); /* reinsert after the delete */
    flush_ok(c);
    EXPECT_GET(s, ns, H("k5"), "k5", "five again");
    rt_centry *again = cget(c, "k5");
    CHECK(again == e, "same entry");
    commit_ok(s);
    rt_cache_free(c);

    /* a cache over the now non-empty namespace asks the store on a miss */
    c = rt_cache_new(s, ns, &T_OPS, &tc, 1 << 26);
    rt_centry *k7 = cget(c, "k7");
    CHECK(k7->obj && strcmp(((tobj *)k7->obj)->s, "seven") == 0, "value from the store");
    CHECK(rt_cache_misses(c) == 1, "one store lookup");
    cget(c, "k7");
    CHECK(rt_cache_misses(c) == 1, "a hit does not go to the store");
    cget(c, "absent-key");
    CHECK(rt_cache_misses(c) == 2, "an absent key goes to the store once");
    cget(c, "absent-key");
    CHECK(rt_cache_misses(c) == 2, "and is remembered");
    /* undecodable bytes are an error, not a crash */
    char *err = NULL;
    CHECK(rt_store_put(s, ns, H("corrupt"), "corrupt", 7, "!xx", 3, &err) == 0, "put corrupt");
    rt_centry *bad = rt_cache_get(c, "corrupt", 7, &err);
    CHECK(bad == NULL && err && strstr(err, "corrupt"), "undecodable: %s", err ? err : "(none)");
    free(err);
    rt_cache_free(c);
    CHECK(tc.allocs == tc.frees, "every object freed: %lld allocs, %lld frees", (long long)tc.allocs,
          (long long)tc.frees);
}

/* Random gets, updates, deletes, trims, flushes and checkpoints over 3000 keys with a budget
 * far below their size, checked against a plain array; then the store against the array. */
static void test_cache_model(rt_store *s) {
    enum { K = 3000 };
    static int ref[K]; /* -1: no state */
    for (int i = 0; i < K; i++) ref[i] = -1;
    tcount tc = {0};
    int ns = ns_ok(s, "model");
    rt_cache *c = rt_cache_new(s, ns, &T_OPS, &tc, 40 * 1024);
    uint64_t x = 88172645463325252ULL;
    char k[32], v[32];
    int bad = 0;
    for (int step = 0; step < 200000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int key = (int)(x % K), op = (int)((x >> 20) % 10);
        snprintf(k, sizeof k, "m%d", key);
        rt_centry *e = cget(c, k);
        const tobj *o = e->obj;
        if (ref[key] < 0 ? o != NULL : (!o || atoi(o->s) != ref[key])) bad++;
        if (op < 4) {
            int val = (int)((x >> 32) % 1000000);
            snprintf(v, sizeof v, "%d", val);
            set_val(c, &tc, e, v);
            ref[key] = val;
        } else if (op == 4) {
            rt_cache_delete(c, e);
            ref[key] = -1;
        }
        if (step % 37 == 0) trim_ok(c);
        if (step % 5001 == 0) {
            flush_ok(c);
            commit_ok(s);
        }
    }
    CHECK(bad == 0, "model: %d reads disagreed", bad);
    flush_ok(c);
    int64_t want = 0;
    bad = 0;
    sl_buf got = {0};
    char *err = NULL;
    for (int i = 0; i < K; i++) {
        snprintf(k, sizeof k, "m%d", i);
        int rc = rt_store_get(s, ns, H(k), k, strlen(k), &got, &err);
        if (ref[i] >= 0) want++;
        if (ref[i] < 0 ? rc != 0 : (rc != 1 || atoi(got.data) != ref[i])) bad++;
    }
    free(err);
    sl_buf_free(&got);
    CHECK(bad == 0, "model: %d stored values disagree", bad);
    CHECK(count_of(s, ns) == want, "model: %lld stored, want %lld", (long long)count_of(s, ns), (long long)want);
    rt_cache_free(c);
    CHECK(tc.allocs == tc.frees, "model: objects freed");
}

static void count_each(void *arg, rt_centry *e) {
    (void)e;
    ++*(int *)arg;
}

/* rt_cache_each visits the entries with state; trimming entries without state keeps the
 * "everything in memory" shortcut. */
static void test_cache_each_and_flag(rt_store *s) {
    tcount tc = {0};
    int ns = ns_ok(s, "flag");
    rt_cache *c = rt_cache_new(s, ns, &T_OPS, &tc, 16 * 1024);
    char k[32];
    for (int i = 0; i < 5000; i++) { /* lookups only: entries without state */
        snprintf(k, sizeof k, "probe%d", i);
        cget(c, k);
        if (i % 100 == 99) trim_ok(c);
    }
    CHECK(rt_cache_misses(c) == 0, "evicting stateless entries keeps the shortcut (%lld)", (long long)rt_cache_misses(c));
    set_val(c, &tc, cget(c, "a"), "1");
    set_val(c, &tc, cget(c, "b"), "2");
    cget(c, "c");
    int n = 0;
    rt_cache_each(c, count_each, &n);
    CHECK(n == 2, "each visits the two entries with state: %d", n);
    rt_cache_free(c);
    CHECK(tc.allocs == tc.frees, "objects freed");
}

/* ---- rates (printed, not asserted) ---- */

static void measure(void) {
    char path[4200];
    in_dir("bench.db", path, sizeof path);
    rt_store *s = open_ok(path, "fp", NULL);
    int ns = ns_ok(s, "bench");
    tcount tc = {0};
    rt_cache *c = rt_cache_new(s, ns, &T_OPS, &tc, (size_t)1 << 32);
    char *err = NULL;

    /* hits over 1k keys */
    char keys[1000][16];
    for (int i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof keys[i], "user-%d", i);
        set_val(c, &tc, cget(c, keys[i]), "0");
    }
    const int HITS = 10 * 1000 * 1000;
    double t0 = cpu_s();
    size_t sink = 0;
    for (int i = 0; i < HITS; i++) {
        const char *k = keys[(i * 7) % 1000];
        rt_centry *e = rt_cache_get(c, k, strlen(k), &err);
        sink += e->klen;
    }
    double t_hit = cpu_s() - t0;
    CHECK(sink > 0 && rt_cache_misses(c) == 0, "hits");

    /* a fresh job's 1M new keys: no store lookup per key */
    const int N = 1000 * 1000;
    char k[32];
    t0 = cpu_s();
    for (int i = 0; i < N; i++) {
        int len = snprintf(k, sizeof k, "key-%d", i);
        rt_centry *e = rt_cache_get(c, k, (size_t)len, &err);
        set_val(c, &tc, e, "12345678");
    }
    double t_new = cpu_s() - t0;
    CHECK(rt_cache_misses(c) == 0, "1M new keys, %lld store lookups", (long long)rt_cache_misses(c));

    t0 = cpu_s();
    flush_ok(c);
    double t_flush = cpu_s() - t0;
    t0 = now_s();
    commit_ok(s);
    double t_commit = now_s() - t0; /* wall time: the fsync */
    CHECK(count_of(s, ns) == N + 1000, "all flushed");

    /* the same keys updated and written back again (updates in place) */
    for (int i = 0; i < N; i++) {
        int len = snprintf(k, sizeof k, "key-%d", i);
        set_val(c, &tc, rt_cache_get(c, k, (size_t)len, &err), "87654321");
    }
    t0 = cpu_s();
    flush_ok(c);
    double t_reflush = cpu_s() - t0;
    commit_ok(s);
    rt_cache_free(c);

    /* misses that go to the store (a restarted job's cold cache), random order */
    c = rt_cache_new(s, ns, &T_OPS, &tc, (size_t)1 << 32);
    const int M = 200 * 1000;
    t0 = cpu_s();
    for (int i = 0; i < M; i++) {
        int len = snprintf(k, sizeof k, "key-%d", (int)(((int64_t)i * 7919) % N));
        rt_cache_get(c, k, (size_t)len, &err);
    }
    double t_miss = cpu_s() - t0;
    CHECK(rt_cache_misses(c) == M, "cold misses");
    rt_cache_free(c);
    rt_store_close(s);
    free(err);

    printf("rates (CPU time): cache hit (1k keys) %.1f M/s; new keys into an empty namespace %.2f M/s (store lookups: 0);\n"
           "       flush 1M new dirty keys %.2f M rows/s (%.2f s), commit %.3f s wall; flush 1M updated keys %.2f M rows/s;\n"
           "       cold misses from the store %.2f M/s\n",
           HITS / t_hit / 1e6, N / t_new / 1e6, N / t_flush / 1e6, t_flush, t_commit, N / t_reflush / 1e6,
           M / t_miss / 1e6);
}

/* Removes the test directory (flat). */
static void cleanup(void) {
    DIR *d = opendir(g_dir);
    char p[8400];
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(g_dir);
}

/* Counts the outbox records it sees and stops (returns 1) after seq `stop_after`. */
typedef struct {
    int64_t stop_after, seen, last;
} outbox_walk;

static int walk_outbox(void *ud, int64_t seq, const cn_record *r, char **err) {
    (void)r, (void)err;
    outbox_walk *w = ud;
    if (seq > w->stop_after) return 1;
    w->seen++;
    w->last = seq;
    return 0;
}

/* The outbox: records walk in order from `after`; a walk the callback stops early is not a
 * read error (it once marked the whole store failed, so a job whose delivery failed while
 * the next epoch's records sat in the outbox reported "unusable state" instead of the cause). */
static void test_outbox_walk(rt_store *s) {
    char *err = NULL;
    for (int64_t seq = 1; seq <= 5; seq++) {
        cn_record r;
        memset(&r, 0, sizeof r);
        char v[16];
        snprintf(v, sizeof v, "v%lld", (long long)seq);
        r.value = v;
        r.vlen = strlen(v);
        CHECK(rt_store_outbox_add(s, 7, seq, &r, &err) == 0, "outbox add %lld: %s", (long long)seq, err ? err : "");
    }
    outbox_walk w = {3, 0, 0};
    CHECK(rt_store_outbox_each(s, 7, 1, walk_outbox, &w, &err) == 0, "a walk stopped early succeeds: %s",
          err ? err : "");
    CHECK(w.seen == 2 && w.last == 3, "the walk saw 2 and 3 (%lld records, last %lld)", (long long)w.seen,
          (long long)w.last);
    int64_t lo = 0, hi = 0;
    CHECK(rt_store_outbox_range(s, 7, &lo, &hi, &err) == 5 && lo == 1 && hi == 5,
          "the store still works after an early stop (range %lld..%lld)", (long long)lo, (long long)hi);
    CHECK(rt_store_outbox_delete(s, 7, 5, &err) == 0, "outbox delete: %s", err ? err : "");
    CHECK(rt_store_commit(s, &err) == 0, "commit after the walk: %s", err ? err : "");
    free(err);
}

int main(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/sluice-test-state-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) { perror("mkdtemp"); return 1; }
    setenv("TMPDIR", g_dir, 1); /* temporary databases land here, where the test can see them */
    setvbuf(stdout, NULL, _IOLBF, 0);

    test_roundtrip();
    test_refusals();
    test_uncommitted_lost(0);
    test_uncommitted_lost(1);
    test_kill_anytime();
    test_second_opener();
    test_disk_full();
    test_collisions();
    test_temporary();
    rt_store *s = open_ok(NULL, "fp", NULL);
    test_cache_bounded(s);
    test_cache_flush_delete(s);
    test_cache_each_and_flag(s);
    test_cache_model(s);
    test_outbox_walk(s);
    rt_store_close(s);
    if (!getenv("STATE_NO_MEASURE")) measure();

    cleanup();
    printf("test_state: %d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
