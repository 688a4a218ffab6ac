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
/* Waits until everything written is acknowledged (or timeout). 0 or CN_ERROR. */
int cn_sink_flush(cn_sink *s, int timeout_ms, char **err);
void cn_sink_close(cn_sink *s);

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
