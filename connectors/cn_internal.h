/* cn_internal.h: what the connector implementations share: the vtables behind the opaque
 * cn_source / cn_sink handles, option helpers, librdkafka helpers, the record decoders
 * (json / raw / csv) and the JSON shim. Nothing here is visible outside connectors/. */
#ifndef CN_INTERNAL_H
#define CN_INTERNAL_H

#include <librdkafka/rdkafka.h>
#include "../common/sl_buf.h"
#include "cn_connector.h"

/* Every source/sink embeds its vtable pointer first. */
typedef struct cn_source_vt {
    int (*poll)(cn_source *s, sl_batch *out, int timeout_ms, char **err);
    int (*commit)(cn_source *s, char **err);          /* NULL: nothing to commit */
    int (*positions)(cn_source *s, const cn_position **out);  /* NULL: no positions */
    int (*rejects)(cn_source *s, const cn_reject **out);      /* NULL: never rejects */
    void (*close)(cn_source *s);
} cn_source_vt;

struct cn_source {
    const cn_source_vt *vt;
    int64_t skipped;
};

typedef struct cn_sink_vt {
    int (*write)(cn_sink *s, const sl_batch *b, char **err);
    int (*flush)(cn_sink *s, int timeout_ms, char **err);
    void (*close)(cn_sink *s);
    /* NULL: the sink has no records to encode (print, blackhole, a dead-letter sink) */
    int (*encode)(cn_sink *s, const sl_batch *b, int (*fn)(void *ud, const cn_record *r, char **err), void *ud,
                  char **err);
} cn_sink_vt;

struct cn_producer;

struct cn_sink {
    const cn_sink_vt *vt;
    struct cn_producer *prod;  /* sinks writing to Kafka (outbox-capable); NULL for print/blackhole */
};

cn_source *cn_kafka_source_open(const cn_spec *spec, char **err);
cn_source *cn_upsert_kafka_source_open(const cn_spec *spec, char **err);
cn_source *cn_datagen_open(const cn_spec *spec, char **err);
cn_sink *cn_kafka_sink_open(const cn_spec *spec, char **err);
cn_sink *cn_upsert_kafka_sink_open(const cn_spec *spec, char **err);
cn_sink *cn_print_sink_open(const cn_spec *spec, char **err);
cn_sink *cn_blackhole_sink_open(const cn_spec *spec, char **err);

/* ---- options (cn_connector.c) ---- */

/* A table option, falling back to the session's value of the same key. */
const char *cn_opt(const cn_spec *spec, const char *key);
/* Partitions for new topics on the embedded broker ('sluice.embedded.partitions', default 1). */
int cn_default_partitions(const cn_spec *spec);
/* Parses a whole decimal integer option; false if absent/empty (keeps *out) or malformed
 * (sets *err naming the key). */
bool cn_opt_int(const cn_spec *spec, const char *key, int64_t *out, bool *bad, char **err);

/* ---- librdkafka helpers (cn_kafka_util.c) ---- */

/* Applies every 'properties.*' option (prefix stripped) to a librdkafka configuration. */
int cn_apply_properties(rd_kafka_conf_t *conf, const sl_options *opts, char **err);
/* What a client's error callback saw; the opaque of every client we create points at one. */
typedef struct cn_kstate {
    volatile int all_down;   /* all brokers down / unresolvable (reset by the reader) */
    volatile int fatal;      /* a fatal error (e.g. idempotence) */
    char last_err[256];
} cn_kstate;
/* Quiet logging and an error callback recording into st (which becomes the opaque of conf):
 * log lines above level 3 are dropped, as are librdkafka's duplicates of reported errors. */
void cn_quiet_logs(rd_kafka_conf_t *conf, cn_kstate *st);
/* Sets one property or fails with *err naming it. */
int cn_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, char **err);
/* Splits a ';'-separated list (blanks trimmed, empty items dropped) into malloc'd strings;
 * returns the count (the array and each item are malloc'd). */
int cn_split_list(const char *list, char ***items);
void cn_free_list(char **items, int n);
/* Parses 'partition:0,offset:42;partition:1,offset:300' into arrays (malloc'd); -1 + *err. */
int cn_parse_specific_offsets(const char *text, const char *key, int32_t **parts, int64_t **offs,
                              int *n, char **err);
/* Partition count of `topic` from a metadata request on rk; -1 + *err, or -2 + *err when the
 * broker refuses the topic (authorization failed, topic exception). */
int cn_topic_partitions(rd_kafka_t *rk, cn_kstate *st, const char *bootstrap, const char *topic,
                        int timeout_ms, char **err);
/* True when `bootstrap` is the in-process embedded broker (cn_broker.c). */
bool cn_broker_is_embedded(const char *bootstrap);
struct rd_kafka_mock_cluster_s;
/* Runs one `sluice broker` fault command (cn_broker_cmd.c) on a mock cluster: `down ID`,
 * `up ID`, `rtt ID MS`, `errors API COUNT ERROR`, `topic-error TOPIC ERROR`, `create TOPIC N`.
 * Writes "ok" or "error: <reason>" into reply; 0 or -1. */
int cn_broker_command(struct rd_kafka_mock_cluster_s *mc, const char *line, char *reply, size_t replyn);

/* ---- producing (cn_kafka_producer.c) ---- */

typedef struct cn_producer {
    cn_kstate st;            /* the client's opaque */
    char *topic;
    char *table;             /* for messages */
    char *bootstrap;
    sl_options props;        /* the table's 'properties.*' (for the scan consumer) */
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    int nparts;
    int64_t *acked;          /* nparts: offset after the highest acknowledged offset, -1: none */
    uint32_t rr;             /* next partition for unkeyed records ('in turn') */
    volatile int failed;     /* first delivery error seen (set from the delivery callback) */
    char fail_msg[256];
    cn_kstate scan_st;       /* the scan consumer (cn_kafka_scan.c), created on first use */
    rd_kafka_t *scan_rk;
} cn_producer;

/* Connects an idempotent producer to `topic` (created if needed) with the table's
 * 'properties.*'. -1 + *err; cn_producer_close cleans up either way. */
int cn_producer_open(cn_producer *p, const cn_spec *spec, const char *topic, char **err);
/* The partition of a record: a key's murmur2 hash as Java's default partitioner (and
 * librdkafka's 'murmur2_random') computes it; unkeyed records (key NULL) in turn. */
int32_t cn_producer_partition(cn_producer *p, const void *key, size_t klen);
/* Queues one record with its headers and the tag's (sluice-job, sluice-sink, sluice-seq; tag
 * NULL: none). Partition -1: cn_producer_partition chooses. Waits while the local queue is
 * full. 0 or CN_ERROR + *err (not for delivery failures: cn_producer_flush reports those). */
int cn_producer_produce(cn_producer *p, const cn_record *r, const cn_tag *tag, char **err);
/* cn_sink_scan on the producer's topic (cn_kafka_scan.c). */
int cn_producer_scan(cn_producer *p, int32_t part, int64_t from, const cn_tag *tag, int64_t **seqs, int *n,
                     char **err);
/* Destroys the scan consumer, if any. */
void cn_producer_scan_close(cn_producer *p);
/* Serves delivery reports; CN_ERROR + *err once a delivery failed. */
int cn_producer_check(cn_producer *p, char **err);
/* Waits until everything sent is acknowledged (or timeout). 0 or CN_ERROR. A delivery
 * failure is reported once: the next flush reports only failures after it. */
int cn_producer_flush(cn_producer *p, int timeout_ms, char **err);
void cn_producer_close(cn_producer *p);
/* A fresh producer session (see cn_sink_reset). 0 or -1 + *err. */
int cn_producer_reset(cn_producer *p, char **err);

/* The Kafka sink; upsert: the 'upsert-kafka' flavour (key = PRIMARY KEY, tombstones). */
cn_sink *cn_kafka_sink_open_mode(const cn_spec *spec, bool upsert, char **err);
/* upsert-kafka's required options and PRIMARY KEY (cn_upsert_kafka.c). 0 or -1 + *err. */
int cn_upsert_kafka_check(const cn_spec *spec, char **err);

/* ---- record decoders (cn_decode.c) ---- */

enum { CN_FMT_JSON = 1, CN_FMT_RAW, CN_FMT_CSV, CN_FMT_DEBEZIUM };

typedef struct cn_json_parser cn_json_parser;

typedef struct cn_decoder {
    int format;                /* CN_FMT_* */
    int n;                     /* columns decoded */
    const cn_column **cols;    /* n */
    const char **names;        /* json field names (n) */
    size_t *lens;
    struct cn_json_val *vals;  /* n, scratch (debezium: 4n: the fields inside each envelope field) */
    struct cn_json_val *top;   /* debezium: the envelope's fields (before, after, op, payload) */
    cn_json_parser *jp;
    bool fail_on_missing;
    bool null_bad_fields;      /* ignore-parse-errors: a field that does not convert is NULL */
    char csv_delim;
    int *csv_pos;              /* n: field position of each column */
} cn_decoder;

/* Prepares a decoder for the spec's columns taken from `from` (CN_FROM_VALUE / CN_FROM_KEY)
 * with format name `format` ('json', 'raw', 'csv', 'debezium-json'); `prefix` ("value." / "key.") is tried
 * before the bare format option key (e.g. 'value.json.fail-on-missing-field', then
 * 'json.fail-on-missing-field'). -1 + *err on an unknown format. */
int cn_decoder_init(cn_decoder *d, const cn_spec *spec, const char *format, int from,
                    const char *prefix, char **err);
/* Decodes one record into row (strings copied into b's arena). False with a reason in msg.
 * (Not for debezium-json, whose records give rows through cn_debezium_parse/_image.) */
bool cn_decode(cn_decoder *d, const char *data, size_t len, sl_batch *b, sl_value *row, char *msg,
               size_t msgn);
/* Converts extracted JSON values vals[0..d->n) into the decoder's columns of row, with its
 * fail-on-missing-field and ignore-parse-errors rules. False with a reason in msg. */
bool cn_decode_fields(cn_decoder *d, const struct cn_json_val *vals, sl_batch *b, sl_value *row, char *msg,
                      size_t msgn);
void cn_decoder_free(cn_decoder *d);
/* A format option: prefix + "<format>.<key>" then "<format>.<key>". */
const char *cn_format_opt(const cn_spec *spec, const char *prefix, const char *fmt, const char *key);

/* ---- JSON (cn_json_simd.cpp, cn_json_nested.cpp: the simdjson shim; cn_json_value.c: conversion;
 * cn_json_encode.c) ---- */
enum { CN_JSON_MISSING = 0, CN_JSON_NULL, CN_JSON_BOOL, CN_JSON_NUMBER, CN_JSON_STRING, CN_JSON_OTHER,
       CN_JSON_OBJECT /* cn_json_extract_nested only: an object whose fields were extracted */ };

typedef struct cn_json_val {
    int kind;
    bool b;
    const char *p; /* NUMBER: raw token text; STRING: unescaped bytes (valid until the next parse) */
    size_t n;
} cn_json_val;

cn_json_parser *cn_json_parser_new(void);
void cn_json_parser_free(cn_json_parser *p);
/* Parses one JSON object and finds the values of the fields named names[0..n); 0 or -1 with
 * *err (static text). */
int cn_json_extract(cn_json_parser *p, const char *data, size_t len, const char *const *names,
                    const size_t *name_lens, int n, cn_json_val *out, const char **err);
/* Parses one JSON object and looks at its top-level fields tops[0..ntop): one whose value is an
 * object gets kind CN_JSON_OBJECT in top[t] and the values of the fields names[0..n) inside it
 * in sub[t*n .. t*n+n); any other value is in top[t] as cn_json_extract gives it (sub[t*n..]
 * stays MISSING). One pass over the record. 0 or -1 with *err (static text). */
int cn_json_extract_nested(cn_json_parser *p, const char *data, size_t len, const char *const *tops,
                           const size_t *top_lens, int ntop, cn_json_val *top, const char *const *names,
                           const size_t *name_lens, int n, cn_json_val *sub, const char **err);

/* Converts an extracted JSON value to a column value (strings copied into b's arena). False with
 * a reason (static or in msg) when the value does not fit the type. */
bool cn_json_to_value(const cn_json_val *v, sl_type t, sl_batch *b, sl_value *out, char *msg, size_t msgn);
/* Appends {"a":1,"b":"x"} for the given columns of a row (which == NULL: all n in order). */
void cn_json_encode(sl_buf *out, const cn_column *cols, const int *which, int n, const sl_value *row, bool iso,
                    bool plain_decimals);
/* Appends a JSON string literal with the required escapes. */
void cn_json_string(sl_buf *out, const char *p, size_t n);

/* ---- debezium-json (cn_debezium.c) ---- */

/* Parses one Debezium JSON change event with d (format CN_FMT_DEBEZIUM): *op is 'c', 'r', 'u' or
 * 'd' and the images that op needs ('after' for c/r, both for u, 'before' for d) are objects.
 * False with a reason in msg when the record does not fit (the record is malformed). */
bool cn_debezium_parse(cn_decoder *d, const char *data, size_t len, char *op, char *msg, size_t msgn);
/* Fills d's columns of row from the parsed event's 'after' (after = true) or 'before' image. */
bool cn_debezium_image(cn_decoder *d, bool after, sl_batch *b, sl_value *row, char *msg, size_t msgn);
/* Appends the Debezium JSON of one row as Flink's debezium-json writes it: +I/+U as
 * {"before":null,"after":{...},"op":"c"}, -U/-D as {"before":{...},"after":null,"op":"d"}. */
void cn_debezium_encode(sl_buf *out, const cn_column *cols, const int *which, int n, const sl_value *row, int op,
                        bool iso, bool plain_decimals);

#endif
