/* rt_store.c: a job's durable state in one SQLite database (see rt_store.h).
 *
 * The connection always has a write transaction open (BEGIN IMMEDIATE at open and right after
 * each COMMIT): whatever is written between checkpoints, including a cache's evictions, lives
 * only in that transaction, so a process killed at any instant leaves the database at its last
 * commit. WAL with synchronous=FULL makes a commit one WAL append and fsync; the page cache is
 * kept small (8 MiB) so memory stays bounded and big transactions spill to the WAL.
 *
 * Keyed state: s<id>(h INTEGER PRIMARY KEY, k, v) holds at most one key per 64-bit hash; a key
 * whose hash is taken by another key goes to o<id>(h, k, v) WITHOUT ROWID. A key is never in
 * both: writing it to s<id> deletes it from o<id>, and a delete removes it from both. The
 * overflow table is consulted only while it may hold rows (a count kept in memory).
 *
 * Source positions set between checkpoints wait in memory and are written by the commit, so the
 * positions table always holds exactly those of the last checkpoint.
 *
 * After any SQLite error the open transaction may be gone (SQLite rolls back on I/O errors and
 * a full disk), and later writes would then commit one by one; so the store refuses everything
 * after its first error, and the job stops. */
#include "rt_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "../common/sl_error.h"

#include "rt_faultvfs.h"
#include "rt_store_int.h"

#define RT_STORE_VERSION "1"

/* malloc that never returns NULL (as sl_buf and sl_arena do). */
void *rts_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
    return p;
}

/* strdup that never returns NULL. */
static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(rts_xmalloc(n), s, n);
}

/* How messages name the database. */
static const char *where(const rt_store *s) { return s->path ? s->path : "a temporary database"; }

/* The message for a failed SQLite call: what was being done, the job, the file and SQLite's
 * own words; marks the store failed (see the top of the file). */
char *rts_db_error(rt_store *s, const char *what) {
    s->failed = true;
    return sl_strdupf("Cannot %s the state of job '%s' (%s): %s", what, s->job, where(s),
                      s->db ? sqlite3_errmsg(s->db) : "out of memory");
}

/* The message for any call after the store failed. */
char *rts_failed_error(const rt_store *s) {
    return sl_strdupf("The state of job '%s' (%s) is unusable after an earlier error", s->job, where(s));
}

/* Runs SQL without results (or ignoring them); SQLite's result code. */
static int exec(rt_store *s, const char *sql) { return sqlite3_exec(s->db, sql, NULL, NULL, NULL); }

/* Prepares a statement kept for the store's lifetime; NULL + *err on failure. */
sqlite3_stmt *rts_prepare(rt_store *s, const char *sql, char **err) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        *err = rts_db_error(s, "prepare");
        return NULL;
    }
    return st;
}

/* Binds bytes as a BLOB; an empty key or value is a zero-length BLOB, never NULL. */
int rts_bind_bytes(sqlite3_stmt *st, int i, const void *p, size_t n) {
    if (n == 0 || !p) return sqlite3_bind_zeroblob(st, i, 0);
    return sqlite3_bind_blob64(st, i, p, (sqlite3_uint64)n, SQLITE_STATIC);
}

/* Binds (hash, key) as parameters 1 and 2 of a keyed statement. */
static int bind_key(sqlite3_stmt *st, uint64_t hash, const void *key, size_t klen) {
    int rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)hash);
    return rc == SQLITE_OK ? rts_bind_bytes(st, 2, key, klen) : rc;
}

/* Steps a statement that returns no rows and resets it: SQLITE_DONE or the error code (the
 * message stays readable through sqlite3_errmsg until the next call). */
int rts_step_done(sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) rc = SQLITE_DONE;
    if (rc != SQLITE_DONE) return rc;
    sqlite3_reset(st);
    return SQLITE_DONE;
}

/* Reads one meta value into a malloc'd string (*out NULL when absent): 0 or -1 + *err. */
static int meta_get(rt_store *s, const char *k, char **out, char **err) {
    *out = NULL;
    sqlite3_stmt *st = rts_prepare(s, "SELECT v FROM meta WHERE k = ?1", err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        *out = xstrdup(v ? (const char *)v : "");
    } else if (rc != SQLITE_DONE) {
        *err = rts_db_error(s, "read");
    }
    sqlite3_finalize(st);
    return *err ? -1 : 0;
}

/* Writes one meta value in the open transaction: 0 or -1 + *err. */
static int meta_put(rt_store *s, const char *k, const char *v, char **err) {
    sqlite3_stmt *st = rts_prepare(s, "INSERT OR REPLACE INTO meta(k, v) VALUES (?1, ?2)", err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, v ? v : "", -1, SQLITE_STATIC);
    int rc = rts_step_done(st);
    if (rc != SQLITE_DONE) *err = rts_db_error(s, "write");
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Creates the fixed tables if needed and checks or writes the metadata; 0 or -1 + *err. */
static int setup_meta(rt_store *s, const char *fingerprint, const char *plan_text, bool *resumed, char **err) {
    if (exec(s, "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT);"
                "CREATE TABLE IF NOT EXISTS namespaces(name TEXT PRIMARY KEY, id INTEGER UNIQUE);"
                "CREATE TABLE IF NOT EXISTS positions(source INTEGER, topic TEXT, part INTEGER,"
                " next_offset INTEGER, PRIMARY KEY (source, topic, part)) WITHOUT ROWID;") != SQLITE_OK) {
        *err = rts_db_error(s, "create");
        return -1;
    }
    char *version, *fp = NULL, *plan = NULL, *ckpt = NULL;
    if (meta_get(s, "version", &version, err) < 0) return -1;
    if (!version) { /* a new database: the metadata becomes durable with the first checkpoint */
        if (meta_put(s, "version", RT_STORE_VERSION, err) < 0 || meta_put(s, "job", s->job, err) < 0 ||
            meta_put(s, "fingerprint", fingerprint, err) < 0 || meta_put(s, "plan", plan_text, err) < 0 ||
            meta_put(s, "checkpoint", "0", err) < 0)
            return -1;
        return 0;
    }
    int rc = -1;
    if (strcmp(version, RT_STORE_VERSION) != 0) {
        *err = sl_strdupf("The saved state of job '%s' (%s) was written in state format %s; this Sluice "
                          "reads format %s. Delete %s to start over.",
                          s->job, where(s), version, RT_STORE_VERSION, where(s));
        goto out;
    }
    if (meta_get(s, "fingerprint", &fp, err) < 0 || meta_get(s, "plan", &plan, err) < 0 ||
        meta_get(s, "checkpoint", &ckpt, err) < 0)
        goto out;
    if (!fp || strcmp(fp, fingerprint) != 0) {
        const char *p = plan ? plan : "(unknown)";
        size_t n = strlen(p);
        while (n > 0 && p[n - 1] == '\n') n--;
        *err = sl_strdupf("The saved state of job '%s' (%s) belongs to a different query; its plan was:\n%.*s\n"
                          "Start it under a new 'pipeline.name' or delete %s to start over.",
                          s->job, where(s), (int)n, p, where(s));
        goto out;
    }
    s->ckpt = ckpt ? strtoll(ckpt, NULL, 10) : 0;
    *resumed = s->ckpt >= 1;
    rc = 0;
out:
    free(version);
    free(fp);
    free(plan);
    free(ckpt);
    return rc;
}

rt_store *rt_store_open(const char *path, const char *job, const char *fingerprint, const char *plan_text,
                        bool *resumed, char **err) {
    *err = NULL;
    *resumed = false;
    rt_store *s = calloc(1, sizeof *s);
    if (!s) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
    s->job = xstrdup(job ? job : "");
    /* no path: SQLite's private temporary database (""), whose file SQLite unlinks as soon as
     * it creates it, so nothing is left behind even by a killed process */
    const char *file = path ? path : "";
    if (path) s->path = xstrdup(path);
    if (sqlite3_open_v2(file, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, path ? rt_fault_vfs() : NULL) !=
        SQLITE_OK) {
        *err = rts_db_error(s, "open");
        rt_store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 1000);
    if (!path) sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
    int rc = exec(s, path ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE");
    if (rc == SQLITE_OK) rc = exec(s, path ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
    if (rc == SQLITE_OK) rc = exec(s, "PRAGMA cache_size=-8192");
    if (rc == SQLITE_OK) rc = exec(s, "PRAGMA journal_size_limit=67108864"); /* WAL kept under 64 MiB */
    if (rc == SQLITE_OK) rc = exec(s, "BEGIN IMMEDIATE");
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
        *err = sl_strdupf("Job '%s' is already running (its state %s is in use by another process)", s->job,
                          where(s));
        rt_store_close(s);
        return NULL;
    }
    if (rc != SQLITE_OK) {
        *err = rts_db_error(s, "open");
        rt_store_close(s);
        return NULL;
    }
    if (setup_meta(s, fingerprint ? fingerprint : "", plan_text ? plan_text : "", resumed, err) < 0 ||
        rts_outbox_setup(s, err) < 0 ||
        !(s->set_ckpt = rts_prepare(s, "UPDATE meta SET v = ?1 WHERE k = 'checkpoint'", err)) ||
        !(s->pos_del = rts_prepare(s, "DELETE FROM positions WHERE source = ?1", err)) ||
        !(s->pos_ins = rts_prepare(s, "INSERT OR REPLACE INTO positions(source, topic, part, next_offset) "
                                  "VALUES (?1, ?2, ?3, ?4)", err)) ||
        !(s->pos_get = rts_prepare(s, "SELECT topic, part, next_offset FROM positions WHERE source = ?1 "
                                  "ORDER BY topic, part", err))) {
        *resumed = false;
        rt_store_close(s);
        return NULL;
    }
    return s;
}

/* Finalizes a namespace's statements and frees its name. */
static void ns_free(rt_ns *n) {
    sqlite3_stmt *all[] = {n->get, n->put, n->del, n->count, n->oget, n->oupd, n->oins, n->odel, n->ocount};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) sqlite3_finalize(all[i]);
    free(n->name);
}

void rt_store_close(rt_store *s) {
    if (!s) return;
    if (s->db) {
        if (!sqlite3_get_autocommit(s->db)) exec(s, "ROLLBACK");
        for (int i = 0; i < s->nns; i++) ns_free(&s->ns[i]);
        sqlite3_finalize(s->set_ckpt);
        sqlite3_finalize(s->pos_del);
        sqlite3_finalize(s->pos_ins);
        sqlite3_finalize(s->pos_get);
        rts_outbox_free(s);
        sqlite3_close(s->db);
    }
    for (int i = 0; i < s->npending; i++) rt_store_free_positions(s->pending[i].p, s->pending[i].n);
    free(s->pending);
    free(s->ns);
    free(s->path);
    free(s->job);
    free(s);
}

int64_t rt_store_checkpoint_id(const rt_store *s) { return s->ckpt; }

const char *rt_store_path(const rt_store *s) { return s->path; }

/* Prepares the statements of namespace `id` (tables s<id>, o<id> exist) into slot id. */
static int ns_prepare(rt_store *s, int id, const char *name, char **err) {
    if (id >= s->nns) {
        rt_ns *grown = realloc(s->ns, (size_t)(id + 1) * sizeof *grown);
        if (!grown) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
        memset(grown + s->nns, 0, (size_t)(id + 1 - s->nns) * sizeof *grown);
        s->ns = grown;
        s->nns = id + 1;
    }
    rt_ns *n = &s->ns[id];
    n->name = xstrdup(name);
    char sql[160];
#define PREP(field, fmt)                                   \
    do {                                                   \
        snprintf(sql, sizeof sql, fmt, id);                \
        if (!(n->field = rts_prepare(s, sql, err))) return -1; \
    } while (0)
    PREP(get, "SELECT v FROM s%d WHERE h = ?1 AND k = ?2");
    /* changes() is 0 when h is taken by another key: then the key goes to the overflow */
    PREP(put, "INSERT INTO s%d(h, k, v) VALUES (?1, ?2, ?3) ON CONFLICT(h) DO UPDATE SET v = excluded.v "
              "WHERE k = excluded.k");
    PREP(del, "DELETE FROM s%d WHERE h = ?1 AND k = ?2");
    PREP(count, "SELECT count(*) FROM s%d");
    PREP(oget, "SELECT v FROM o%d WHERE h = ?1 AND k = ?2");
    PREP(oupd, "UPDATE o%d SET v = ?3 WHERE h = ?1 AND k = ?2");
    PREP(oins, "INSERT INTO o%d(h, k, v) VALUES (?1, ?2, ?3)");
    PREP(odel, "DELETE FROM o%d WHERE h = ?1 AND k = ?2");
    PREP(ocount, "SELECT count(*) FROM o%d");
#undef PREP
    if (sqlite3_step(n->ocount) != SQLITE_ROW) {
        *err = rts_db_error(s, "read");
        sqlite3_reset(n->ocount);
        return -1;
    }
    n->ov_rows = sqlite3_column_int64(n->ocount, 0);
    sqlite3_reset(n->ocount);
    return 0;
}

int rt_store_namespace(rt_store *s, const char *name, char **err) {
    *err = NULL;
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    for (int i = 1; i < s->nns; i++)
        if (s->ns[i].name && strcmp(s->ns[i].name, name) == 0) return i;
    sqlite3_stmt *st = rts_prepare(s, "SELECT id FROM namespaces WHERE name = ?1", err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int id = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) { *err = rts_db_error(s, "read"); return -1; }
    if (rc == SQLITE_DONE) { /* new: next id, tables and the row, all in the open transaction */
        if (!(st = rts_prepare(s, "SELECT coalesce(max(id), 0) + 1 FROM namespaces", err))) return -1;
        rc = sqlite3_step(st);
        id = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW) { *err = rts_db_error(s, "read"); return -1; }
        char *sql = sl_strdupf("CREATE TABLE s%d(h INTEGER PRIMARY KEY, k BLOB NOT NULL, v BLOB NOT NULL);"
                               "CREATE TABLE o%d(h INTEGER, k BLOB, v BLOB NOT NULL, PRIMARY KEY (h, k)) "
                               "WITHOUT ROWID;",
                               id, id);
        rc = exec(s, sql);
        free(sql);
        if (rc != SQLITE_OK) { *err = rts_db_error(s, "create"); return -1; }
        if (!(st = rts_prepare(s, "INSERT INTO namespaces(name, id) VALUES (?1, ?2)", err))) return -1;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, id);
        rc = rts_step_done(st);
        if (rc != SQLITE_DONE) *err = rts_db_error(s, "write");
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return -1;
    }
    if (id <= 0 || id > 65535) {
        *err = sl_strdupf("The state of job '%s' (%s) has a bad namespace id %d for '%s'", s->job, where(s), id, name);
        return -1;
    }
    if (id < s->nns && s->ns[id].name) { /* another name with the same id: a damaged table */
        *err = sl_strdupf("The state of job '%s' (%s) has namespace id %d twice", s->job, where(s), id);
        return -1;
    }
    return ns_prepare(s, id, name, err) < 0 ? -1 : id;
}

/* The namespace with this id, or NULL + *err (also when the store failed earlier). */
static rt_ns *ns_of(rt_store *s, int ns, char **err) {
    *err = NULL;
    if (s->failed) { *err = rts_failed_error(s); return NULL; }
    if (ns <= 0 || ns >= s->nns || !s->ns[ns].name) {
        *err = sl_strdupf("Unknown state namespace %d of job '%s'", ns, s->job);
        return NULL;
    }
    return &s->ns[ns];
}

/* Runs a keyed SELECT v (bound to hash and key) into val: 1 row, 0 none, -1 + *err. */
static int select_value(rt_store *s, sqlite3_stmt *st, uint64_t hash, const void *key, size_t klen, sl_buf *val,
                        char **err) {
    bind_key(st, hash, key, klen);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *v = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        sl_buf_append(val, v ? v : "", (size_t)n);
        sqlite3_reset(st);
        return 1;
    }
    if (rc != SQLITE_DONE) { *err = rts_db_error(s, "read"); sqlite3_reset(st); return -1; }
    sqlite3_reset(st);
    return 0;
}

int rt_store_get(rt_store *s, int ns, uint64_t hash, const void *key, size_t klen, sl_buf *val, char **err) {
    sl_buf_clear(val);
    rt_ns *n = ns_of(s, ns, err);
    if (!n) return -1;
    int rc = select_value(s, n->get, hash, key, klen, val, err);
    if (rc != 0 || n->ov_rows == 0) return rc;
    return select_value(s, n->oget, hash, key, klen, val, err);
}

/* Deletes (hash, key) from the overflow table if it may be there: 0 or -1 + *err. */
static int overflow_del(rt_store *s, rt_ns *n, uint64_t hash, const void *key, size_t klen, char **err) {
    if (n->ov_rows == 0) return 0;
    bind_key(n->odel, hash, key, klen);
    if (rts_step_done(n->odel) != SQLITE_DONE) { *err = rts_db_error(s, "write"); sqlite3_reset(n->odel); return -1; }
    n->ov_rows -= sqlite3_changes(s->db);
    if (n->ov_rows < 0) n->ov_rows = 0;
    return 0;
}

int rt_store_put(rt_store *s, int ns, uint64_t hash, const void *key, size_t klen, const void *val, size_t vlen,
                 char **err) {
    rt_ns *n = ns_of(s, ns, err);
    if (!n) return -1;
    bind_key(n->put, hash, key, klen);
    rts_bind_bytes(n->put, 3, val, vlen);
    if (rts_step_done(n->put) != SQLITE_DONE) { *err = rts_db_error(s, "write"); sqlite3_reset(n->put); return -1; }
    if (sqlite3_changes(s->db) > 0) return overflow_del(s, n, hash, key, klen, err); /* in s<id> now */
    /* h belongs to another key: update the key's overflow row, or add one */
    bind_key(n->oupd, hash, key, klen);
    rts_bind_bytes(n->oupd, 3, val, vlen);
    if (rts_step_done(n->oupd) != SQLITE_DONE) { *err = rts_db_error(s, "write"); sqlite3_reset(n->oupd); return -1; }
    if (sqlite3_changes(s->db) > 0) return 0;
    bind_key(n->oins, hash, key, klen);
    rts_bind_bytes(n->oins, 3, val, vlen);
    if (rts_step_done(n->oins) != SQLITE_DONE) { *err = rts_db_error(s, "write"); sqlite3_reset(n->oins); return -1; }
    n->ov_rows++;
    return 0;
}

int rt_store_del(rt_store *s, int ns, uint64_t hash, const void *key, size_t klen, char **err) {
    rt_ns *n = ns_of(s, ns, err);
    if (!n) return -1;
    bind_key(n->del, hash, key, klen);
    if (rts_step_done(n->del) != SQLITE_DONE) { *err = rts_db_error(s, "write"); sqlite3_reset(n->del); return -1; }
    return overflow_del(s, n, hash, key, klen, err);
}

/* Runs a count(*) statement: the count or -1 + *err. */
static int64_t count_rows(rt_store *s, sqlite3_stmt *st, char **err) {
    int rc = sqlite3_step(st);
    int64_t c = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (rc != SQLITE_ROW) *err = rts_db_error(s, "read");
    sqlite3_reset(st);
    return c;
}

int64_t rt_store_count(rt_store *s, int ns, char **err) {
    rt_ns *n = ns_of(s, ns, err);
    if (!n) return -1;
    int64_t main_rows = count_rows(s, n->count, err);
    if (main_rows < 0) return -1;
    if (n->ov_rows == 0) return main_rows;
    int64_t ov = count_rows(s, n->ocount, err);
    return ov < 0 ? -1 : main_rows + ov;
}

/* Walks one table of a namespace ("s" or "o"), calling fn per row. */
static int each_in(rt_store *s, const char *table, int id, int (*fn)(void *ud, const void *k, size_t klen,
                                                                       const void *v, size_t vlen, char **err),
                   void *ud, char **err) {
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT k, v FROM %s%d", table, id);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        *err = rts_db_error(s, "read");
        return -1;
    }
    int rc, out = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *k = sqlite3_column_blob(st, 0), *v = sqlite3_column_blob(st, 1);
        size_t kl = (size_t)sqlite3_column_bytes(st, 0), vl = (size_t)sqlite3_column_bytes(st, 1);
        if (fn(ud, k ? k : "", kl, v ? v : "", vl, err) < 0) {
            out = -1;
            break;
        }
    }
    if (out == 0 && rc != SQLITE_DONE) {
        *err = rts_db_error(s, "read");
        out = -1;
    }
    sqlite3_finalize(st);
    return out;
}

int rt_store_each(rt_store *s, int ns, int (*fn)(void *ud, const void *k, size_t klen, const void *v, size_t vlen,
                                                 char **err),
                  void *ud, char **err) {
    rt_ns *n = ns_of(s, ns, err);
    if (!n) return -1;
    if (each_in(s, "s", ns, fn, ud, err) < 0) return -1;
    return n->ov_rows ? each_in(s, "o", ns, fn, ud, err) : 0;
}

int rt_store_set_positions(rt_store *s, int source, const cn_position *p, int n, char **err) {
    *err = NULL;
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    rt_pending *d = NULL;
    for (int i = 0; i < s->npending && !d; i++)
        if (s->pending[i].source == source) d = &s->pending[i];
    if (!d) {
        rt_pending *grown = realloc(s->pending, (size_t)(s->npending + 1) * sizeof *grown);
        if (!grown) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
        s->pending = grown;
        d = &s->pending[s->npending++];
        d->source = source;
    } else {
        rt_store_free_positions(d->p, d->n);
    }
    d->n = n > 0 ? n : 0;
    d->p = rts_xmalloc((size_t)d->n * sizeof *d->p);
    for (int i = 0; i < d->n; i++) {
        d->p[i] = p[i];
        d->p[i].topic = xstrdup(p[i].topic ? p[i].topic : "");
    }
    return 0;
}

/* Writes the pending positions into the open transaction (each source's replacing its old
 * ones) and forgets them: 0 or -1 + *err. */
static int write_positions(rt_store *s, char **err) {
    int rc = SQLITE_DONE;
    for (int i = 0; i < s->npending && rc == SQLITE_DONE; i++) {
        const rt_pending *d = &s->pending[i];
        sqlite3_bind_int(s->pos_del, 1, d->source);
        rc = rts_step_done(s->pos_del);
        if (rc != SQLITE_DONE) sqlite3_reset(s->pos_del);
        for (int j = 0; j < d->n && rc == SQLITE_DONE; j++) {
            sqlite3_bind_int(s->pos_ins, 1, d->source);
            sqlite3_bind_text(s->pos_ins, 2, d->p[j].topic, -1, SQLITE_STATIC);
            sqlite3_bind_int(s->pos_ins, 3, d->p[j].partition);
            sqlite3_bind_int64(s->pos_ins, 4, d->p[j].offset);
            rc = rts_step_done(s->pos_ins);
            if (rc != SQLITE_DONE) sqlite3_reset(s->pos_ins);
        }
    }
    if (rc != SQLITE_DONE) { *err = rts_db_error(s, "write"); return -1; }
    for (int i = 0; i < s->npending; i++) rt_store_free_positions(s->pending[i].p, s->pending[i].n);
    s->npending = 0;
    return 0;
}

int rt_store_get_positions(rt_store *s, int source, cn_position **out, int *n, char **err) {
    *err = NULL;
    *out = NULL;
    *n = 0;
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    cn_position *p = NULL;
    int len = 0, cap = 0, rc;
    sqlite3_bind_int(s->pos_get, 1, source);
    while ((rc = sqlite3_step(s->pos_get)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            cn_position *grown = realloc(p, (size_t)cap * sizeof *grown);
            if (!grown) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
            p = grown;
        }
        const unsigned char *t = sqlite3_column_text(s->pos_get, 0);
        p[len].topic = xstrdup(t ? (const char *)t : "");
        p[len].partition = sqlite3_column_int(s->pos_get, 1);
        p[len].offset = sqlite3_column_int64(s->pos_get, 2);
        len++;
    }
    if (rc != SQLITE_DONE) {
        *err = rts_db_error(s, "read");
        sqlite3_reset(s->pos_get);
        rt_store_free_positions(p, len);
        return -1;
    }
    sqlite3_reset(s->pos_get);
    *out = p;
    *n = len;
    return 0;
}

void rt_store_free_positions(cn_position *p, int n) {
    for (int i = 0; i < n; i++) free((char *)p[i].topic);
    free(p);
}

int rt_store_commit(rt_store *s, char **err) {
    *err = NULL;
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    if (sqlite3_get_autocommit(s->db)) { /* cannot happen unless SQLite dropped the transaction */
        s->failed = true;
        *err = sl_strdupf("Cannot commit checkpoint %lld of job '%s' (%s): its transaction was lost",
                          (long long)s->ckpt + 1, s->job, where(s));
        return -1;
    }
    if (write_positions(s, err) < 0) {
        if (!sqlite3_get_autocommit(s->db)) exec(s, "ROLLBACK");
        return -1;
    }
    sqlite3_bind_int64(s->set_ckpt, 1, s->ckpt + 1);
    int rc = rts_step_done(s->set_ckpt);
    if (rc == SQLITE_DONE) rc = exec(s, "COMMIT") == SQLITE_OK ? SQLITE_DONE : SQLITE_ERROR;
    if (rc != SQLITE_DONE) {
        *err = sl_strdupf("Cannot commit checkpoint %lld of job '%s' (%s): %s", (long long)s->ckpt + 1, s->job,
                          where(s), sqlite3_errmsg(s->db));
        sqlite3_reset(s->set_ckpt);
        if (!sqlite3_get_autocommit(s->db)) exec(s, "ROLLBACK");
        s->failed = true;
        return -1;
    }
    s->ckpt++;
    if (exec(s, "BEGIN IMMEDIATE") != SQLITE_OK) {
        *err = rts_db_error(s, "continue after the checkpoint");
        return -1;
    }
    return 0;
}
