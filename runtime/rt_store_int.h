/* rt_store_int.h: what the state store's files share (rt_store.c: keyed state, positions,
 * checkpoints; rt_store_outbox.c: the exactly-once outbox). Not for other modules. */
#ifndef RT_STORE_INT_H
#define RT_STORE_INT_H

#include <sqlite3.h>
#include "rt_store.h"

/* One namespace's table pair and its prepared statements. */
typedef struct rt_ns {
    char *name;
    sqlite3_stmt *get, *put, *del, *count;        /* s<id> */
    sqlite3_stmt *oget, *oupd, *oins, *odel, *ocount; /* o<id> */
    int64_t ov_rows;                              /* rows in o<id> (0: never look there) */
} rt_ns;

/* One source's positions waiting for the next checkpoint. */
typedef struct rt_pending {
    int source;
    cn_position *p; /* topics malloc'd */
    int n;
} rt_pending;

struct rt_store {
    sqlite3 *db;
    char *path;      /* NULL for a temporary database */
    char *job;
    int64_t ckpt;
    bool failed;     /* an earlier error: the open transaction can no longer be trusted */
    rt_ns *ns;       /* indexed by namespace id (slot 0 unused) */
    int nns;
    sqlite3_stmt *set_ckpt, *pos_del, *pos_ins, *pos_get;
    rt_pending *pending; /* positions set since the last checkpoint, written by the next commit */
    int npending;
    /* the outbox (rt_store_outbox.c) */
    sqlite3_stmt *ob_add, *ob_each, *ob_del, *ob_range, *sk_get, *sk_put, *ss_get, *ss_del, *ss_put;
};


/* malloc that never returns NULL. */
void *rts_xmalloc(size_t n);
/* The message for a failed SQLite call (what was being done, the job, the file, SQLite's
 * words); marks the store failed: it refuses everything after its first error. */
char *rts_db_error(rt_store *s, const char *what);
/* The message for any call after the store failed. */
char *rts_failed_error(const rt_store *s);
/* A statement kept for the store's lifetime; NULL + *err. */
sqlite3_stmt *rts_prepare(rt_store *s, const char *sql, char **err);
/* Binds bytes as a BLOB (empty: a zero-length BLOB, never NULL). */
int rts_bind_bytes(sqlite3_stmt *st, int i, const void *p, size_t n);
/* Steps a statement that returns no rows and resets it: SQLITE_DONE or the error code. */
int rts_step_done(sqlite3_stmt *st);

/* The outbox's tables and statements (rt_store_outbox.c): created at open, freed at close. */
int rts_outbox_setup(rt_store *s, char **err);
void rts_outbox_free(rt_store *s);

#endif
