/* rt_store.h: a job's durable state: one SQLite database (WAL) per job.
 *
 * What it holds: each stateful operator's keyed state in a namespace of its own (key bytes ->
 * value bytes), the source positions (Kafka offsets) of the last checkpoint, and the job's
 * metadata (name, plan fingerprint, checkpoint id). Every write since the last checkpoint sits
 * in one open write transaction; rt_store_commit makes state and positions durable together
 * (one COMMIT, one fsync) and opens the next transaction. A process killed at any instant
 * leaves the database at its last commit: SQLite rolls the open transaction back.
 *
 * Nothing here is on the per-record path: operators keep hot state in a write-back cache
 * (rt_cache.h) and write dirty keys back in hash order at checkpoints or when memory runs out.
 *
 * Layout (exactly-once output, issue 5, adds an outbox table to the same transaction):
 *   meta(k TEXT PRIMARY KEY, v TEXT)              job, fingerprint, plan, checkpoint, version
 *   namespaces(name TEXT PRIMARY KEY, id INTEGER)
 *   positions(source, topic, part, next_offset)   PRIMARY KEY (source, topic, part)
 *   s<id>(h INTEGER PRIMARY KEY, k BLOB, v BLOB)  keyed state, h = 64-bit hash of k
 *   o<id>(h, k, v, PRIMARY KEY (h, k))            the rare keys whose hash collides in s<id>
 */
#ifndef RT_STORE_H
#define RT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../common/sl_buf.h"
#include "../connectors/cn_connector.h"

typedef struct rt_store rt_store;

/* Opens (or creates) the state database at `path`; with path NULL a temporary database is
 * used and deleted at close (state of a bare SELECT, or of a job whose topics die with the
 * process). `fingerprint` describes the plan whose state this is: an existing database made
 * by a different fingerprint is refused with an error naming the job and the path; `plan_text`
 * (EXPLAIN) is kept for that message. *resumed is set when a checkpoint exists to resume from.
 * A database another process has open for writing is refused ("already running").
 * NULL + *err (malloc'd) on failure. */
rt_store *rt_store_open(const char *path, const char *job, const char *fingerprint,
                        const char *plan_text, bool *resumed, char **err);
/* Rolls back what was written since the last commit and closes. */
void rt_store_close(rt_store *s);

/* Id of the last committed checkpoint (0: none yet). */
int64_t rt_store_checkpoint_id(const rt_store *s);

/* The id of the key space called `name` (e.g. "agg-2"), created on first use. -1 + *err. */
int rt_store_namespace(rt_store *s, const char *name, char **err);

/* Reads key's value into val (cleared first): 1 found, 0 absent, -1 + *err. */
int rt_store_get(rt_store *s, int ns, uint64_t hash, const void *key, size_t klen, sl_buf *val, char **err);
/* Writes (inserts or replaces) key's value in the open transaction: 0 or -1 + *err. */
int rt_store_put(rt_store *s, int ns, uint64_t hash, const void *key, size_t klen, const void *val, size_t vlen,
                 char **err);
/* Deletes key (absent is fine): 0 or -1 + *err. */
int rt_store_del(rt_store *s, int ns, uint64_t hash, const void *key, size_t klen, char **err);
/* Calls fn for every key and value of a namespace (committed or written in the open
 * transaction), in no particular order; fn's -1 stops the walk and is returned. For state that
 * is read back whole at restore (a window operator's timers), not for the per-record path. */
int rt_store_each(rt_store *s, int ns, int (*fn)(void *ud, const void *k, size_t klen, const void *v, size_t vlen,
                                                 char **err),
                  void *ud, char **err);
/* Number of keys stored in a namespace (committed or written in the open transaction). */
int64_t rt_store_count(rt_store *s, int ns, char **err);

/* Records source `source`'s positions (replacing what it had) in the open transaction. */
int rt_store_set_positions(rt_store *s, int source, const cn_position *p, int n, char **err);
/* The positions source `source` had at the last checkpoint: malloc'd array (topics malloc'd
 * too, freed by rt_store_free_positions), count in *n (0 when none). 0 or -1 + *err. */
int rt_store_get_positions(rt_store *s, int source, cn_position **out, int *n, char **err);
void rt_store_free_positions(cn_position *p, int n);

/* A checkpoint: commits everything written since the last one (state and positions in one
 * transaction, durable on return), then opens the next transaction. 0 or -1 + *err; after a
 * failure the database still holds the previous checkpoint and the job must stop. */
int rt_store_commit(rt_store *s, char **err);

/* ---- the outbox of exactly-once sinks (rt_store_outbox.c; docs/exactly-once.md) ----
 *   outbox(sink, seq, part, k, v, h)        PRIMARY KEY (sink, seq): records to deliver
 *   sinks(sink, next_seq)                   each sink's next sequence number
 *   scan_starts(sink, part, next_offset)    where recovery starts reading each partition
 * A "sink" here is a delivery channel: a sink operator, or a source's dead-letter topic. */

/* Appends record r to sink's outbox as number seq, in the open transaction. */
int rt_store_outbox_add(rt_store *s, int sink, int64_t seq, const cn_record *r, char **err);
/* Calls fn for each record of sink's outbox numbered above `after`, in order (its bytes valid
 * during the call); fn returns 0 to go on, 1 to stop, -1 to stop with its *err (returned). */
int rt_store_outbox_each(rt_store *s, int sink, int64_t after,
                         int (*fn)(void *ud, int64_t seq, const cn_record *r, char **err), void *ud, char **err);
/* Deletes sink's records numbered up to `upto`, in the open transaction. */
int rt_store_outbox_delete(rt_store *s, int sink, int64_t upto, char **err);
/* Records in sink's outbox (the count; *lo and *hi their lowest and highest numbers, 0 if none);
 * -1 + *err. */
int64_t rt_store_outbox_range(rt_store *s, int sink, int64_t *lo, int64_t *hi, char **err);
/* A sink's delivery record: its next sequence number (1 for a new sink) and its scan start per
 * partition (*scan malloc'd, -1 where unknown, count *nparts; 0 partitions for a new sink). */
int rt_store_sink_get(rt_store *s, int sink, int64_t *next_seq, int64_t **scan, int *nparts, char **err);
/* Replaces the sink's delivery record in the open transaction. */
int rt_store_sink_set(rt_store *s, int sink, int64_t next_seq, const int64_t *scan, int nparts, char **err);

/* The file of the database (NULL for a temporary one). */
const char *rt_store_path(const rt_store *s);

#endif
