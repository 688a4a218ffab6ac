/* cn_kafka_source.h: the state of a Kafka source ('kafka' and 'upsert-kafka'), shared by the
 * files that implement it: cn_kafka_source.c (open, commit, positions, close),
 * cn_kafka_offsets.c (start and stop offsets, resume) and cn_kafka_poll.c (records to rows).
 * Internal to connectors/. */
#ifndef CN_KAFKA_SOURCE_H
#define CN_KAFKA_SOURCE_H

#include "cn_internal.h"

/* How records become rows. */
enum {
    CN_KS_APPEND,    /* json/raw/csv value: one +I row per record, tombstones skipped */
    CN_KS_DEBEZIUM,  /* debezium-json value: +I, -U/+U or -D rows per change event */
    CN_KS_UPSERT     /* upsert-kafka: +U per keyed value, -D per tombstone */
};

typedef struct cn_kpart {
    int topic;        /* index in ks->topics */
    int32_t partition;
    int64_t start;    /* absolute start offset */
    int64_t next;     /* offset after the last record consumed; -1 before the first */
    int64_t committed;
    int64_t stop;     /* exclusive stop offset (bounded); INT64_MAX when unbounded */
    bool seek_ts;     /* startup by timestamp: records before start_ts are still skipped */
    bool done;
} cn_kpart;

/* Metadata columns of the source. */
enum { CN_META_TOPIC = 1, CN_META_PARTITION, CN_META_OFFSET, CN_META_TIMESTAMP, CN_META_TIMESTAMP_TYPE, CN_META_KEY,
       CN_META_NULL };

typedef struct cn_meta_col {
    int kind;
    int out;
} cn_meta_col;

/* Where a rejected record's bytes lie in cn_ksrc.rej_buf (offsets: the buffer may move). */
typedef struct cn_reject_at {
    size_t key, value, error;
} cn_reject_at;

typedef struct cn_ksrc {
    cn_source base;
    cn_kstate st;
    int mode;         /* CN_KS_* */
    char *table;
    cn_column *cols;  /* copy of the spec's (upsert-kafka: PRIMARY KEY columns from the key) */
    int ncols;
    rd_kafka_t *rk;
    rd_kafka_queue_t *q;
    char **topics;
    int ntopics;
    int *topic_base;  /* first index in parts of each topic */
    cn_kpart *parts;
    int nparts, ndone;
    cn_position *pos; /* nparts, filled by cn_source_positions */
    bool bounded;
    int64_t start_ts, stop_ts;  /* -1 when not used */
    cn_decoder val, key;
    bool has_val, has_key;
    cn_meta_col *meta;
    int nmeta;
    bool ignore_errors;
    bool dlq;         /* 'scan.dlq.topic' set: malformed records become rejects */
    cn_reject *rej;   /* the last poll's rejects (pointers filled by cn_source_rejects) */
    cn_reject_at *rej_at;
    int nrej, rejcap;
    sl_buf rej_buf;   /* their keys, values and messages; cleared by the next poll */
    char *group;      /* user group.id: commit there */
    rd_kafka_message_t **msgs;  /* fetched messages; [mhead, mcount) not turned into rows yet */
    int msgcap, mhead, mcount;
    bool half;        /* the head message is a debezium update whose -U row was returned */
    char *pending_err;
    bool eof;
} cn_ksrc;

/* Opens a Kafka source; mode CN_KS_APPEND picks CN_KS_DEBEZIUM itself for 'debezium-json'. */
cn_source *cn_kafka_source_open_mode(const cn_spec *spec, int mode, char **err);
/* Resolves start and stop offsets of every partition from 'scan.startup.mode' (default_mode
 * when unset), 'scan.bounded.mode' and spec->resume; marks finished partitions. -1 + *err. */
int cn_ks_resolve_offsets(cn_ksrc *ks, const cn_spec *spec, const char *reset, const char *default_mode,
                          char **err);
/* cn_source_poll of a Kafka source. */
int cn_ks_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err);
/* cn_source_rejects of a Kafka source. */
int cn_ks_rejects(cn_source *s, const cn_reject **out);

#endif
