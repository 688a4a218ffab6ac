/* rt_store_outbox.c: the outbox tables of the job's state database (see rt_store.h): the
 * records exactly-once sinks deliver after the checkpoint holding them commits, each sink's
 * next sequence number and the offsets where recovery starts reading (docs/exactly-once.md).
 * Everything is written in the store's open transaction, so it commits with the checkpoint. */
#include <stdlib.h>
#include <string.h>
#include "rt_codec.h"
#include "rt_store_int.h"

int rts_outbox_setup(rt_store *s, char **err) {
    if (sqlite3_exec(s->db,
                     "CREATE TABLE IF NOT EXISTS outbox(sink INTEGER, seq INTEGER, part INTEGER, k BLOB, v BLOB,"
                     " h BLOB, PRIMARY KEY (sink, seq)) WITHOUT ROWID;"
                     "CREATE TABLE IF NOT EXISTS sinks(sink INTEGER PRIMARY KEY, next_seq INTEGER);"
                     "CREATE TABLE IF NOT EXISTS scan_starts(sink INTEGER, part INTEGER, next_offset INTEGER,"
                     " PRIMARY KEY (sink, part)) WITHOUT ROWID;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        *err = rts_db_error(s, "create");
        return -1;
    }
    if (!(s->ob_add = rts_prepare(s, "INSERT OR REPLACE INTO outbox VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err)) ||
        !(s->ob_each = rts_prepare(s, "SELECT seq, part, k, v, h FROM outbox WHERE sink = ?1 AND seq > ?2 ORDER BY seq", err)) ||
        !(s->ob_del = rts_prepare(s, "DELETE FROM outbox WHERE sink = ?1 AND seq <= ?2", err)) ||
        !(s->ob_range = rts_prepare(s, "SELECT count(*), min(seq), max(seq) FROM outbox WHERE sink = ?1", err)) ||
        !(s->sk_get = rts_prepare(s, "SELECT next_seq FROM sinks WHERE sink = ?1", err)) ||
        !(s->sk_put = rts_prepare(s, "INSERT OR REPLACE INTO sinks VALUES (?1, ?2)", err)) ||
        !(s->ss_get = rts_prepare(s, "SELECT part, next_offset FROM scan_starts WHERE sink = ?1 ORDER BY part", err)) ||
        !(s->ss_del = rts_prepare(s, "DELETE FROM scan_starts WHERE sink = ?1", err)) ||
        !(s->ss_put = rts_prepare(s, "INSERT INTO scan_starts VALUES (?1, ?2, ?3)", err)))
        return -1;
    return 0;
}

void rts_outbox_free(rt_store *s) {
    sqlite3_stmt *all[] = {s->ob_add, s->ob_each, s->ob_del, s->ob_range, s->sk_get,
                           s->sk_put, s->ss_get, s->ss_del, s->ss_put};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) sqlite3_finalize(all[i]);
}

/* Binds bytes, or NULL for a NULL pointer (no key, a tombstone, no headers). */
static int bind_or_null(sqlite3_stmt *st, int i, const void *p, size_t n) {
    return p ? rts_bind_bytes(st, i, p, n) : sqlite3_bind_null(st, i);
}

int rt_store_outbox_add(rt_store *s, int sink, int64_t seq, const cn_record *r, char **err) {
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    sl_buf h = {0};
    for (int i = 0; i < r->nheaders; i++) {
        rt_put_bytes(&h, r->headers[i].name, (uint32_t)strlen(r->headers[i].name));
        rt_put_bytes(&h, r->headers[i].value, (uint32_t)r->headers[i].vlen);
    }
    sqlite3_stmt *st = s->ob_add;
    sqlite3_bind_int(st, 1, sink);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_int(st, 3, r->partition);
    bind_or_null(st, 4, r->key, r->klen);
    bind_or_null(st, 5, r->value, r->vlen);
    bind_or_null(st, 6, r->nheaders ? h.data : NULL, h.len);
    int rc = rts_step_done(st);
    sqlite3_clear_bindings(st);
    sl_buf_free(&h);
    if (rc != SQLITE_DONE) {
        sqlite3_reset(st);
        *err = rts_db_error(s, "write the outbox of");
        return -1;
    }
    return 0;
}

/* The headers of an outbox row back from their bytes: values point into them, names are
 * copied (NUL-terminated) into names[]; the count, or -1 if the bytes are bad. */
static int decode_headers(const char *p, size_t n, cn_header *out, char (*names)[64], int cap) {
    rt_reader r = rt_reader_of(p, n);
    int k = 0;
    while (r.p < r.end && k < cap) {
        uint32_t nl, vl;
        const char *name = rt_get_bytes(&r, &nl);
        const char *value = rt_get_bytes(&r, &vl);
        if (r.bad) return -1;
        if (nl >= sizeof names[k]) nl = sizeof names[k] - 1;
        memcpy(names[k], name, nl);
        names[k][nl] = 0;
        out[k].name = names[k];
        out[k].value = value;
        out[k].vlen = vl;
        k++;
    }
    return k;
}

int rt_store_outbox_each(rt_store *s, int sink, int64_t after,
                         int (*fn)(void *ud, int64_t seq, const cn_record *r, char **err), void *ud, char **err) {
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    sqlite3_stmt *st = s->ob_each;
    sqlite3_bind_int(st, 1, sink);
    sqlite3_bind_int64(st, 2, after);
    int rc, out = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cn_record r;
        memset(&r, 0, sizeof r);
        int64_t seq = sqlite3_column_int64(st, 0);
        r.partition = sqlite3_column_int(st, 1);
        if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
            r.key = sqlite3_column_blob(st, 2);
            r.klen = (size_t)sqlite3_column_bytes(st, 2);
            if (!r.key) r.key = "";
        }
        if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
            r.value = sqlite3_column_blob(st, 3);
            r.vlen = (size_t)sqlite3_column_bytes(st, 3);
            if (!r.value) r.value = "";
        }
        cn_header hs[8];
        char names[8][64];
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
            const char *hp = sqlite3_column_blob(st, 4);
            int nh = decode_headers(hp ? hp : "", (size_t)sqlite3_column_bytes(st, 4), hs, names, 8);
            if (nh > 0) {
                r.headers = hs;
                r.nheaders = nh;
            }
        }
        int more = fn(ud, seq, &r, err);
        if (more < 0) {
            out = -1;
            break;
        }
        if (more > 0) { /* the caller has what it wanted: not a read error */
            rc = SQLITE_DONE;
            break;
        }
    }
    if (out == 0 && rc != SQLITE_DONE) {
        *err = rts_db_error(s, "read the outbox of");
        out = -1;
    }
    sqlite3_reset(st);
    return out;
}

int rt_store_outbox_delete(rt_store *s, int sink, int64_t upto, char **err) {
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    sqlite3_bind_int(s->ob_del, 1, sink);
    sqlite3_bind_int64(s->ob_del, 2, upto);
    if (rts_step_done(s->ob_del) != SQLITE_DONE) {
        sqlite3_reset(s->ob_del);
        *err = rts_db_error(s, "write the outbox of");
        return -1;
    }
    return 0;
}

int64_t rt_store_outbox_range(rt_store *s, int sink, int64_t *lo, int64_t *hi, char **err) {
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    sqlite3_stmt *st = s->ob_range;
    sqlite3_bind_int(st, 1, sink);
    int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
        *lo = sqlite3_column_int64(st, 1);
        *hi = sqlite3_column_int64(st, 2);
    } else {
        *err = rts_db_error(s, "read the outbox of");
    }
    sqlite3_reset(st);
    return n;
}

int rt_store_sink_get(rt_store *s, int sink, int64_t *next_seq, int64_t **scan, int *nparts, char **err) {
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    *next_seq = 1;
    *scan = NULL;
    *nparts = 0;
    sqlite3_bind_int(s->sk_get, 1, sink);
    int rc = sqlite3_step(s->sk_get);
    if (rc == SQLITE_ROW) *next_seq = sqlite3_column_int64(s->sk_get, 0);
    sqlite3_reset(s->sk_get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        *err = rts_db_error(s, "read the outbox of");
        return -1;
    }
    sqlite3_bind_int(s->ss_get, 1, sink);
    int cap = 0;
    while ((rc = sqlite3_step(s->ss_get)) == SQLITE_ROW) {
        int part = sqlite3_column_int(s->ss_get, 0);
        if (part < 0 || part > 1000000) continue;
        if (part >= cap) {
            int ncap = part + 16;
            *scan = realloc(*scan, sizeof **scan * (size_t)ncap);
            for (int i = cap; i < ncap; i++) (*scan)[i] = -1;
            cap = ncap;
        }
        (*scan)[part] = sqlite3_column_int64(s->ss_get, 1);
        if (part + 1 > *nparts) *nparts = part + 1;
    }
    sqlite3_reset(s->ss_get);
    if (rc != SQLITE_DONE) {
        free(*scan);
        *scan = NULL;
        *err = rts_db_error(s, "read the outbox of");
        return -1;
    }
    return 0;
}

int rt_store_sink_set(rt_store *s, int sink, int64_t next_seq, const int64_t *scan, int nparts, char **err) {
    if (s->failed) { *err = rts_failed_error(s); return -1; }
    sqlite3_bind_int(s->sk_put, 1, sink);
    sqlite3_bind_int64(s->sk_put, 2, next_seq);
    int rc = rts_step_done(s->sk_put);
    if (rc == SQLITE_DONE) {
        sqlite3_bind_int(s->ss_del, 1, sink);
        rc = rts_step_done(s->ss_del);
    }
    for (int p = 0; p < nparts && rc == SQLITE_DONE; p++) {
        if (scan[p] < 0) continue;
        sqlite3_bind_int(s->ss_put, 1, sink);
        sqlite3_bind_int(s->ss_put, 2, p);
        sqlite3_bind_int64(s->ss_put, 3, scan[p]);
        rc = rts_step_done(s->ss_put);
    }
    if (rc != SQLITE_DONE) {
        sqlite3_reset(s->sk_put);
        sqlite3_reset(s->ss_del);
        sqlite3_reset(s->ss_put);
        *err = rts_db_error(s, "write the outbox of");
        return -1;
    }
    return 0;
}
