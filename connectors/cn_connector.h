/* cn_connector.h: sources and sinks (Kafka, datagen, print, blackhole) behind one interface.
 *
 * The planner decides which columns a query needs; a source produces exactly those, each at a
 * given index of the output row ("decode only the fields a query uses"). Computed columns are
 * not the connector's business: the runtime evaluates them after the source.
 *
 * Options: `opts` are the table's WITH options; `session` are SET options, consulted for
 * defaults (see README: 'sluice.bootstrap.servers', 'scan.bounded.mode' session default). */
#ifndef CN_CONNECTOR_H
#define CN_CONNECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include "../common/sl_batch.h"
#include "../common/sl_options.h"
#include "../common/sl_value.h"

typedef enum cn_column_from {
    CN_FROM_VALUE,     /* a field of the record value (format) */
    CN_FROM_KEY,       /* a field of the record key (key.format / key.fields) */
    CN_FROM_METADATA   /* Kafka metadata: 'topic', 'partition', 'offset', 'timestamp',
                          'timestamp-type', 'key' (raw key bytes as STRING), 'headers' (unsupported yet) */
} cn_column_from;

typedef struct cn_column {
    const char *name;   /* field name in the format, or metadata key */
    sl_type type;
    int out;            /* index in the produced/consumed row */
    uint8_t from;       /* cn_column_from (sources only; sinks take all as value fields unless
                           named by key.fields) */
} cn_column;

/* A source position: the next offset to read in one partition of a topic (Kafka), or the
 * number of rows produced so far (datagen: topic "", partition 0). Checkpoints store these. */
typedef struct cn_position {
    const char *topic;
    int32_t partition;
    int64_t offset;
} cn_position;

typedef struct cn_spec {
    const char *table;          /* for messages */
    const sl_options *opts;     /* WITH (...) */
    const sl_options *session;  /* SET values */
    const cn_column *cols;
    int ncols;
    int row_width;              /* width of rows produced (source) / consumed (sink) */
    const char *const *pk;      /* PRIMARY KEY column names (upsert-kafka: the message key) */
    int npk;
    const cn_position *resume;  /* sources: positions restored from a checkpoint; NULL for a
                                   fresh job ('scan.startup.mode' applies). A partition not
                                   listed starts by 'scan.startup.mode'. */
    int nresume;
} cn_spec;

typedef struct cn_source cn_source;
typedef struct cn_sink cn_sink;

enum { CN_EOF = -2, CN_ERROR = -1 };

/* Opens the source named by opts 'connector' ('kafka', 'upsert-kafka', 'datagen'). NULL + *err
 * on failure (unknown connector, missing 'topic', bad option value, unreachable broker...).
 *
 * Changelog kinds of the rows produced (out->ops): 'kafka' with an append format (json, raw,
 * csv) gives +I rows; 'kafka' with 'format' = 'debezium-json' gives +I (op c/r), -U then +U
 * (op u) and -D (op d); 'upsert-kafka' gives +U for a record with a value (the key's columns
 * from the key, the others from the value) and -D for a tombstone (only the key's columns
 * set, the others NULL). */
cn_source *cn_source_open(const cn_spec *spec, char **err);
/* Clears `out` and fills it with up to out->cap rows (row width spec->row_width), waiting at
 * most timeout_ms for the first. Returns rows produced (0 on timeout), CN_EOF when a bounded
 * source is finished, CN_ERROR with *err (e.g. a malformed record under the fail policy:
 * "Failed to deserialize JSON record at topic 'orders' partition 0 offset 17: ..."). */
int cn_source_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err);
/* Commits consumer offsets for every row returned so far (after the sink flushed them). */
int cn_source_commit(cn_source *s, char **err);
/* The position after every row returned so far, one per partition (every partition of every
 * topic, also those not read yet: their start offset). Returns the count; *out stays valid
 * until the next call on s. A checkpoint stores them and hands them back in spec->resume. */
int cn_source_positions(cn_source *s, const cn_position **out);
/* A record a source could not decode, kept for its dead-letter topic ('scan.dlq.topic'): its
 * raw key and value and why. */
typedef struct cn_reject {
    const char *topic;
    int32_t partition;
    int64_t offset;
    const char *key;      /* NULL: none */
    size_t klen;
    const char *value;    /* NULL: a tombstone */
    size_t vlen;
    const char *error;    /* the decoder's message */
} cn_reject;
/* The records rejected by the last cn_source_poll when the table has 'scan.dlq.topic' (then a
 * malformed record is neither fatal nor silently skipped: it goes there, with headers
 * sluice-error, sluice-topic, sluice-partition, sluice-offset). Valid until the next poll. A
 * poll that rejected records returns a row count (maybe 0), never CN_EOF or CN_ERROR: those
 * come with the next call. */
int cn_source_rejects(cn_source *s, const cn_reject **out);
/* Records skipped as malformed (json.ignore-parse-errors) so far. */
int64_t cn_source_skipped(const cn_source *s);
void cn_source_close(cn_source *s);

/* Opens the sink named by opts 'connector' ('kafka', 'upsert-kafka', 'print', 'blackhole'). */
cn_sink *cn_sink_open(const cn_spec *spec, char **err);
/* True when the sink accepts update and delete rows (upsert-kafka, kafka with
 * 'format' = 'debezium-json', print, blackhole); false for append-only sinks (kafka with json,
 * raw, csv). The planner asks this before running a query whose result is updating. */
bool cn_sink_accepts_updates(const sl_options *opts);
/* Writes every row of b (row width spec->row_width, op kinds in b->ops). An append-only sink
 * (kafka with json) given a non-insert row returns CN_ERROR.
 * upsert-kafka: +I/+U are written as values keyed by the PRIMARY KEY columns (key.format);
 * -D as a tombstone (null value); -U as a tombstone too, except when the next row of the same
 * batch is a +I/+U with the same key (an update's pair: only the new value is written).
 * debezium-json: +I/+U as {"before":null,"after":{...},"op":"c"}, -U/-D as
 * {"before":{...},"after":null,"op":"d"}, as Flink writes it. */
int cn_sink_write(cn_sink *s, const sl_batch *b, char **err);
/* Waits until everything written is acknowledged (or timeout). 0 or CN_ERROR. A delivery
 * failure is reported by one flush (the next reports only later failures, so that recovery can
 * send again on the same sink); a fatal producer error by every flush. */
int cn_sink_flush(cn_sink *s, int timeout_ms, char **err);
void cn_sink_close(cn_sink *s);

/* ---- exactly-once delivery through an outbox (docs/exactly-once.md) ----
 * A sink with 'sink.delivery-guarantee' = 'exactly-once' does not produce rows as they come:
 * the runtime has them encoded into Kafka records (cn_sink_encode), keeps those in the job's
 * SQLite outbox, and produces them after the checkpoint that holds them is committed
 * (cn_sink_produce), tagged with headers that identify the job, the sink and a sequence
 * number; after a crash it reads the output partitions (cn_sink_scan) to send only what is
 * missing. The same calls serve a source's dead-letter topic. */

/* A Kafka record header. */
typedef struct cn_header {
    const char *name;
    const char *value;
    size_t vlen;
} cn_header;

/* A record as it will be produced. */
typedef struct cn_record {
    int32_t partition;         /* chosen at encoding: the key's murmur2 hash (as Java's default
                                  partitioner), 'fixed' 0, or in turn for unkeyed records; -1
                                  (records not from cn_sink_encode, e.g. dead letters): chosen
                                  by cn_sink_produce the same way (key hash, else in turn) */
    const char *key;           /* NULL: no key */
    size_t klen;
    const char *value;         /* NULL: a tombstone */
    size_t vlen;
    const cn_header *headers;  /* extra headers (a dead-letter record's error), or NULL */
    int nheaders;
} cn_record;

/* Who produced a record: sent as the headers sluice-job, sluice-sink, sluice-seq (decimal). */
typedef struct cn_tag {
    const char *job;
    int sink;
    int64_t seq;
} cn_tag;

/* True for sinks that can deliver through an outbox: kafka and upsert-kafka. (print and
 * blackhole write at once whatever the guarantee.) */
bool cn_sink_has_outbox(const cn_sink *s);
/* Encodes every row of b into the records cn_sink_write would produce (same formats, keys and
 * upsert rules; partitions chosen here), calling fn for each; the record's bytes are valid
 * only during the call. 0, or -1 with *err (fn's failure is passed on). */
int cn_sink_encode(cn_sink *s, const sl_batch *b, int (*fn)(void *ud, const cn_record *r, char **err), void *ud,
                   char **err);
/* Produces one record (its own partition, key, value and headers, plus the tag's three
 * headers); asynchronous: cn_sink_flush waits for the acknowledgements. 0 or -1 with *err
 * (a fatal error: authorization, unknown topic). */
int cn_sink_produce(cn_sink *s, const cn_record *r, const cn_tag *tag, char **err);
/* The number of partitions of the sink's topic, and for each the offset after the last
 * record acknowledged since the sink was opened (-1: none yet). Valid until the next call. */
int cn_sink_acked(cn_sink *s, const int64_t **next_offsets);
/* Recovery: the sequence numbers of the records in partition p, from offset `from` to the
 * partition's end, whose sluice-job and sluice-sink headers are tag->job and tag->sink
 * (tag->seq unused), in offset order; *seqs malloc'd (count *n). 0 or -1 with *err. */
int cn_sink_scan(cn_sink *s, int32_t p, int64_t from, const cn_tag *tag, int64_t **seqs, int *n, char **err);
/* Drops the sink's producer with everything it still holds (queued, in flight) and connects
 * a new one: the outbox's recovery after a delivery failure starts from here, so that no record
 * of the failed session can land after the recovery has read the partitions (the situation is
 * then the same as after a crash). Acknowledged offsets are kept. 0 or -1 + *err. */
int cn_sink_reset(cn_sink *s, char **err);
/* A sink producing raw records to `topic` (a source's dead-letter topic), with the table's
 * connection options ('properties.*', bootstrap). */
cn_sink *cn_dlq_open(const cn_spec *source_spec, const char *topic, char **err);

/* ---- Kafka cluster access ---- */

/* The bootstrap servers for a table: opts 'properties.bootstrap.servers', else the session's
 * 'sluice.bootstrap.servers', else env SLUICE_BOOTSTRAP, else the in-process embedded broker
 * (started on first use). Returns a string valid until cn_broker_shutdown. */
const char *cn_bootstrap_for(const sl_options *opts, const sl_options *session, char **err);
/* Makes sure `topic` exists: on the in-process embedded broker it is created with
 * `partitions` partitions; elsewhere a metadata request is made (auto-creation). 0 or -1. */
int cn_ensure_topic(const char *bootstrap, const char *topic, int partitions, char **err);
/* Stops the in-process embedded broker, if any (call once at exit). */
void cn_broker_shutdown(void);
/* `sluice broker`: runs a standalone embedded broker with `nbrokers` brokers, creates the given
 * topics ("name:partitions"), prints the bootstrap address as the first line on stdout (and
 * writes it atomically to addr_file if not NULL), then serves until *stop becomes nonzero. */
int cn_broker_run_standalone(int nbrokers, const char *const *topics, int ntopics,
                             const char *addr_file, volatile int *stop);

#endif
