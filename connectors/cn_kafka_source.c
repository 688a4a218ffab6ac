/* cn_kafka_source.c: the 'kafka' source.
 *
 * Reads every partition of the table's topics with assign() (no subscribe: no group join, no
 * rebalance pause); start and stop positions are resolved to absolute offsets at open from
 * 'scan.startup.mode' and 'scan.bounded.mode'. A bounded source finishes when every partition
 * reached its stop offset (an empty partition is finished at open). Records are decoded by a
 * cn_decoder into the batch (strings into the batch arena): nothing is allocated per record.
 * Offsets of delivered rows are committed to 'properties.group.id' by cn_source_commit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

enum { META_TOPIC = 1, META_PARTITION, META_OFFSET, META_TIMESTAMP, META_TIMESTAMP_TYPE, META_KEY, META_NULL };

typedef struct kpart {
    int topic;        /* index in ks->topics */
    int32_t partition;
    int64_t start;    /* absolute start offset */
    int64_t next;     /* offset after the last record consumed; -1 before the first */
    int64_t committed;
    int64_t stop;     /* exclusive stop offset (bounded); INT64_MAX when unbounded */
    bool seek_ts;     /* startup by timestamp: records before start_ts are still skipped */
    bool done;
} kpart;

typedef struct meta_col {
    int kind;
    int out;
} meta_col;

typedef struct ksrc {
    cn_source base;
    cn_kstate st;
    char *table;
    cn_column *cols;
    int ncols;
    rd_kafka_t *rk;
    rd_kafka_queue_t *q;
    char **topics;
    int ntopics;
    int *topic_base;  /* first index in parts of each topic */
    kpart *parts;
    int nparts, ndone;
    bool bounded;
    int64_t start_ts, stop_ts;  /* -1 when not used */
    cn_decoder val, key;
    bool has_val, has_key;
    meta_col *meta;
    int nmeta;
    bool ignore_errors;
    char *group;      /* user group.id: commit there */
    rd_kafka_message_t **msgs;
    int msgcap;
    char *pending_err;
    bool eof;
} ksrc;

static void ks_close(cn_source *s);
static int ks_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err);
static int ks_commit(cn_source *s, char **err);
static const cn_source_vt ks_vt = {ks_poll, ks_commit, ks_close};

/* Index of the partition state for (topic name of rkt, partition), or -1. */
static int part_index(ksrc *ks, rd_kafka_topic_t *rkt, int32_t partition) {
    int t = 0;
    if (ks->ntopics > 1) {
        const char *name = rd_kafka_topic_name(rkt);
        for (t = 0; t < ks->ntopics && strcmp(ks->topics[t], name); t++) {}
        if (t == ks->ntopics) return -1;
    }
    int cnt = (t + 1 < ks->ntopics ? ks->topic_base[t + 1] : ks->nparts) - ks->topic_base[t];
    return partition >= 0 && partition < cnt ? ks->topic_base[t] + partition : -1;
}

/* A list of every partition (offset field unset). */
static rd_kafka_topic_partition_list_t *all_parts(ksrc *ks) {
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->nparts);
    for (int i = 0; i < ks->nparts; i++)
        rd_kafka_topic_partition_list_add(l, ks->topics[ks->parts[i].topic], ks->parts[i].partition);
    return l;
}

/* ListOffsets for every partition at timestamp ts (-2 earliest, -1 latest, else a time in ms);
 * out[i] = offset or -1 when the broker has none. */
static int list_offsets(ksrc *ks, int64_t ts, int64_t *out, char **err) {
    rd_kafka_topic_partition_list_t *l = all_parts(ks);
    for (int i = 0; i < l->cnt; i++) l->elems[i].offset = ts;
    rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(ks->rk, l, 10000);
    if (e) {
        *err = sl_strdupf("Cannot list offsets of table '%s': %s", ks->table, rd_kafka_err2str(e));
        rd_kafka_topic_partition_list_destroy(l);
        return -1;
    }
    for (int i = 0; i < l->cnt; i++) out[i] = l->elems[i].err ? -1 : l->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(l);
    return 0;
}

/* Committed offsets of the group (-1 where none). */
static int committed_offsets(ksrc *ks, int64_t *out, char **err) {
    rd_kafka_topic_partition_list_t *l = all_parts(ks);
    rd_kafka_resp_err_t e = rd_kafka_committed(ks->rk, l, 10000);
    if (e) {
        *err = sl_strdupf("Cannot read committed offsets of group '%s' for table '%s': %s", ks->group ? ks->group : "",
                          ks->table, rd_kafka_err2str(e));
        rd_kafka_topic_partition_list_destroy(l);
        return -1;
    }
    for (int i = 0; i < l->cnt; i++) out[i] = l->elems[i].err || l->elems[i].offset < 0 ? -1 : l->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(l);
    return 0;
}

/* Parses a millisecond timestamp option. */
static int ts_option(const cn_spec *spec, const char *key, int64_t *out, char **err) {
    int64_t v;
    bool bad;
    if (cn_opt_int(spec, key, &v, &bad, err)) {
        *out = v;
        return 0;
    }
    if (!bad) *err = sl_strdupf("Table '%s' needs option '%s' for this mode", spec->table, key);
    return -1;
}

/* Applies 'partition:P,offset:O;...' to the offsets array (unlisted entries unchanged). */
static int apply_specific(ksrc *ks, const cn_spec *spec, const char *key, int64_t *offs, char **err) {
    int32_t *p;
    int64_t *o;
    int n;
    if (cn_parse_specific_offsets(cn_opt(spec, key), key, &p, &o, &n, err) < 0) return -1;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < ks->nparts; i++)
            if (ks->parts[i].partition == p[k]) offs[i] = o[k];
    free(p);
    free(o);
    return 0;
}

/* Resolves 'scan.startup.mode' and 'scan.bounded.mode' into absolute offsets per partition. */
static int resolve_offsets(ksrc *ks, const cn_spec *spec, const char *reset, char **err) {
    int n = ks->nparts;
    int64_t *lo = malloc(sizeof(int64_t) * (size_t)n), *hi = malloc(sizeof(int64_t) * (size_t)n);
    int64_t *tmp = malloc(sizeof(int64_t) * (size_t)n);
    int rc = -1;
    if (list_offsets(ks, -2, lo, err) < 0 || list_offsets(ks, -1, hi, err) < 0) goto out;
    for (int i = 0; i < n; i++) {
        if (lo[i] < 0) lo[i] = 0;
        if (hi[i] < lo[i]) hi[i] = lo[i];
    }
    bool reset_latest = reset && (!strcmp(reset, "latest") || !strcmp(reset, "largest") || !strcmp(reset, "end"));
    bool reset_none = reset && (!strcmp(reset, "none") || !strcmp(reset, "error"));

    const char *mode = sl_options_get(spec->opts, "scan.startup.mode");
    if (!mode) mode = ks->group ? "group-offsets" : "earliest-offset";
    if (!strcmp(mode, "earliest-offset")) {
        for (int i = 0; i < n; i++) ks->parts[i].start = lo[i];
    } else if (!strcmp(mode, "latest-offset")) {
        for (int i = 0; i < n; i++) ks->parts[i].start = hi[i];
    } else if (!strcmp(mode, "group-offsets")) {
        if (!ks->group) {
            *err = sl_strdupf("scan.startup.mode 'group-offsets' of table '%s' needs 'properties.group.id'", ks->table);
            goto out;
        }
        if (committed_offsets(ks, tmp, err) < 0) goto out;
        for (int i = 0; i < n; i++) {
            if (tmp[i] < 0 && reset_none) {
                *err = sl_strdupf("No committed offset for topic '%s' partition %d in group '%s' and "
                                  "'properties.auto.offset.reset' is 'none'",
                                  ks->topics[ks->parts[i].topic], (int)ks->parts[i].partition, ks->group);
                goto out;
            }
            ks->parts[i].start = tmp[i] >= 0 ? tmp[i] : reset_latest ? hi[i] : lo[i];
        }
    } else if (!strcmp(mode, "timestamp")) {
        if (ts_option(spec, "scan.startup.timestamp-millis", &ks->start_ts, err) < 0) goto out;
        if (list_offsets(ks, ks->start_ts, tmp, err) < 0) goto out;
        /* Brokers without timestamp look-ups (the embedded one) answer -1: read from the start
         * and skip the older records here. */
        for (int i = 0; i < n; i++) {
            ks->parts[i].start = tmp[i] >= 0 ? tmp[i] : lo[i];
            ks->parts[i].seek_ts = true;
        }
    } else if (!strcmp(mode, "specific-offsets")) {
        for (int i = 0; i < n; i++) tmp[i] = -1;
        if (apply_specific(ks, spec, "scan.startup.specific-offsets", tmp, err) < 0) goto out;
        int64_t *c = NULL;
        if (ks->group) {
            c = malloc(sizeof(int64_t) * (size_t)n);
            if (committed_offsets(ks, c, err) < 0) { free(c); goto out; }
        }
        for (int i = 0; i < n; i++)
            ks->parts[i].start = tmp[i] >= 0 ? tmp[i] : c && c[i] >= 0 ? c[i] : reset_latest ? hi[i] : lo[i];
        free(c);
    } else {
        *err = sl_strdupf("Invalid value '%s' for option 'scan.startup.mode' of table '%s' (earliest-offset, "
                          "latest-offset, group-offsets, timestamp, specific-offsets)", mode, ks->table);
        goto out;
    }

    const char *bmode = cn_opt(spec, "scan.bounded.mode");
    if (!bmode) bmode = "unbounded";
    ks->bounded = strcmp(bmode, "unbounded") != 0;
    if (!strcmp(bmode, "unbounded")) {
        for (int i = 0; i < n; i++) ks->parts[i].stop = INT64_MAX;
    } else if (!strcmp(bmode, "latest-offset")) {
        for (int i = 0; i < n; i++) ks->parts[i].stop = hi[i];
    } else if (!strcmp(bmode, "group-offsets")) {
        if (!ks->group) {
            *err = sl_strdupf("scan.bounded.mode 'group-offsets' of table '%s' needs 'properties.group.id'", ks->table);
            goto out;
        }
        if (committed_offsets(ks, tmp, err) < 0) goto out;
        for (int i = 0; i < n; i++) ks->parts[i].stop = tmp[i] >= 0 ? tmp[i] : ks->parts[i].start;
    } else if (!strcmp(bmode, "timestamp")) {
        if (ts_option(spec, "scan.bounded.timestamp-millis", &ks->stop_ts, err) < 0) goto out;
        for (int i = 0; i < n; i++) ks->parts[i].stop = hi[i];
    } else if (!strcmp(bmode, "specific-offsets")) {
        for (int i = 0; i < n; i++) tmp[i] = ks->parts[i].start;  /* unlisted: nothing to read */
        if (apply_specific(ks, spec, "scan.bounded.specific-offsets", tmp, err) < 0) goto out;
        for (int i = 0; i < n; i++) ks->parts[i].stop = tmp[i];
    } else {
        *err = sl_strdupf("Invalid value '%s' for option 'scan.bounded.mode' of table '%s' (unbounded, "
                          "latest-offset, group-offsets, timestamp, specific-offsets)", bmode, ks->table);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        ks->parts[i].next = -1;
        ks->parts[i].committed = -1;
        if (ks->parts[i].start >= ks->parts[i].stop) {
            ks->parts[i].done = true;
            ks->ndone++;
        }
    }
    rc = 0;
out:
    free(lo);
    free(hi);
    free(tmp);
    return rc;
}

/* Maps metadata keys to kinds; -1 + *err for unknown or unsupported keys. */
static int setup_meta(ksrc *ks, char **err) {
    ks->meta = calloc((size_t)ks->ncols + 1, sizeof *ks->meta);
    for (int i = 0; i < ks->ncols; i++) {
        const cn_column *c = &ks->cols[i];
        if (c->from != CN_FROM_METADATA) continue;
        int k = !strcmp(c->name, "topic") ? META_TOPIC
              : !strcmp(c->name, "partition") ? META_PARTITION
              : !strcmp(c->name, "offset") ? META_OFFSET
              : !strcmp(c->name, "timestamp") ? META_TIMESTAMP
              : !strcmp(c->name, "timestamp-type") ? META_TIMESTAMP_TYPE
              : !strcmp(c->name, "key") ? META_KEY
              : !strcmp(c->name, "leader-epoch") ? META_NULL : 0;
        if (!k) {
            *err = sl_strdupf("Unsupported metadata key '%s' for table '%s' (supported: topic, partition, offset, "
                              "timestamp, timestamp-type, key, leader-epoch)", c->name, ks->table);
            return -1;
        }
        ks->meta[ks->nmeta].kind = k;
        ks->meta[ks->nmeta].out = c->out;
        ks->nmeta++;
    }
    return 0;
}

cn_source *cn_kafka_source_open(const cn_spec *spec, char **err) {
    const char *topic = sl_options_get(spec->opts, "topic");
    if (!topic || !*topic) {
        *err = sl_strdupf(sl_options_get(spec->opts, "topic-pattern")
                              ? "Table '%s': 'topic-pattern' is not supported; list topics in 'topic' separated by ';'"
                              : "Table '%s' needs option 'topic'", spec->table);
        return NULL;
    }
    ksrc *ks = calloc(1, sizeof *ks);
    ks->base.vt = &ks_vt;
    ks->table = strdup(spec->table ? spec->table : "?");
    ks->ncols = spec->ncols;
    ks->cols = calloc((size_t)spec->ncols + 1, sizeof *ks->cols);
    memcpy(ks->cols, spec->cols, sizeof *ks->cols * (size_t)spec->ncols);
    ks->start_ts = ks->stop_ts = -1;
    ks->ntopics = cn_split_list(topic, &ks->topics);
    const char *g = sl_options_get(spec->opts, "properties.group.id");
    if (g && *g) ks->group = strdup(g);
    const char *ipe = cn_format_opt(spec, "value.", "json", "ignore-parse-errors");
    if (!ipe) ipe = cn_format_opt(spec, "value.", "csv", "ignore-parse-errors");
    ks->ignore_errors = ipe && !strcasecmp(ipe, "true");
    cn_spec local = *spec;
    local.cols = ks->cols;
    if (setup_meta(ks, err) < 0) goto fail;

    for (int i = 0; i < spec->ncols; i++) {
        if (spec->cols[i].from == CN_FROM_VALUE) ks->has_val = true;
        if (spec->cols[i].from == CN_FROM_KEY) ks->has_key = true;
    }
    const char *fmt = sl_options_get(spec->opts, "value.format");
    if (!fmt) fmt = sl_options_get(spec->opts, "format");
    if (!fmt) {
        *err = sl_strdupf("Table '%s' needs option 'format' (or 'value.format'), e.g. 'json'", ks->table);
        goto fail;
    }
    if (cn_decoder_init(&ks->val, &local, fmt, CN_FROM_VALUE, "value.", err) < 0) goto fail;
    if (ks->has_key) {
        const char *kf = sl_options_get(spec->opts, "key.format");
        if (!kf) {
            *err = sl_strdupf("Table '%s' reads key fields and needs option 'key.format'", ks->table);
            goto fail;
        }
        if (cn_decoder_init(&ks->key, &local, kf, CN_FROM_KEY, "key.", err) < 0) goto fail;
    }

    const char *bootstrap = cn_bootstrap_for(spec->opts, spec->session, err);
    if (!bootstrap) goto fail;
    for (int t = 0; t < ks->ntopics; t++)
        if (cn_ensure_topic(bootstrap, ks->topics[t], cn_default_partitions(spec), err) < 0) goto fail;

    char errstr[512], gbuf[64];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cn_quiet_logs(conf, &ks->st);
    static int counter;
    snprintf(gbuf, sizeof gbuf, "sluice-%d-%d", (int)getpid(), __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    if (cn_conf_set(conf, "bootstrap.servers", bootstrap, err) < 0 ||
        cn_conf_set(conf, "group.id", gbuf, err) < 0 ||
        cn_conf_set(conf, "enable.auto.commit", "false", err) < 0 ||
        cn_conf_set(conf, "enable.auto.offset.store", "false", err) < 0 ||
        cn_conf_set(conf, "enable.partition.eof", "true", err) < 0 ||
        cn_conf_set(conf, "fetch.wait.max.ms", "10", err) < 0 ||
        /* librdkafka 2.0 compares this with the length of the consumer queue all partitions
         * forward to: at the default (100000) every fetcher idles until its next wake-up once
         * the queue is that long, and a fast reader stalls ~0.5 s at a time (measured: 0.25 ->
         * 0.7 of raw consume on 1M records). The byte limit (queued.max.messages.kbytes)
         * still bounds the memory. */
        cn_conf_set(conf, "queued.min.messages", "1000000", err) < 0 ||
        cn_conf_set(conf, "auto.offset.reset", "earliest", err) < 0 ||
        cn_apply_properties(conf, spec->opts, err) < 0) {
        rd_kafka_conf_destroy(conf);
        goto fail;
    }
    const char *reset = sl_options_get(spec->opts, "properties.auto.offset.reset");
    if (reset && !strcmp(reset, "none") && cn_conf_set(conf, "auto.offset.reset", "error", err) < 0) {
        rd_kafka_conf_destroy(conf);
        goto fail;
    }
    ks->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!ks->rk) {
        rd_kafka_conf_destroy(conf);
        *err = sl_strdupf("Cannot create a Kafka consumer for table '%s': %s", ks->table, errstr);
        goto fail;
    }
    ks->q = rd_kafka_queue_get_consumer(ks->rk);

    ks->topic_base = calloc((size_t)ks->ntopics + 1, sizeof(int));
    for (int t = 0; t < ks->ntopics; t++) {
        int cnt = cn_topic_partitions(ks->rk, &ks->st, bootstrap, ks->topics[t], 10000, err);
        if (cnt < 0) goto fail;
        ks->topic_base[t] = ks->nparts;
        ks->parts = realloc(ks->parts, sizeof(kpart) * (size_t)(ks->nparts + cnt));
        for (int p = 0; p < cnt; p++) {
            kpart *kp = &ks->parts[ks->nparts++];
            memset(kp, 0, sizeof *kp);
            kp->topic = t;
            kp->partition = p;
        }
    }
    if (resolve_offsets(ks, spec, reset, err) < 0) goto fail;

    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->nparts);
    for (int i = 0; i < ks->nparts; i++) {
        if (ks->parts[i].done) continue;
        rd_kafka_topic_partition_list_add(l, ks->topics[ks->parts[i].topic], ks->parts[i].partition)->offset =
            ks->parts[i].start;
    }
    rd_kafka_resp_err_t e = rd_kafka_assign(ks->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e) {
        *err = sl_strdupf("Cannot assign partitions of table '%s': %s", ks->table, rd_kafka_err2str(e));
        goto fail;
    }
    ks->eof = ks->bounded && ks->ndone == ks->nparts;
    return &ks->base;
fail:
    ks_close(&ks->base);
    return NULL;
}

/* Marks a partition finished and stops fetching it. */
static void part_done(ksrc *ks, kpart *kp) {
    if (kp->done) return;
    kp->done = true;
    ks->ndone++;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, ks->topics[kp->topic], kp->partition);
    rd_kafka_pause_partitions(ks->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
}

/* Fills the metadata columns of a row. */
static void fill_meta(ksrc *ks, const rd_kafka_message_t *m, sl_batch *b, sl_value *row) {
    for (int i = 0; i < ks->nmeta; i++) {
        sl_value *v = &row[ks->meta[i].out];
        switch (ks->meta[i].kind) {
        case META_TOPIC: {
            const char *t = rd_kafka_topic_name(m->rkt);
            *v = sl_batch_str(b, t, (uint32_t)strlen(t));
            break;
        }
        case META_PARTITION: *v = sl_int(m->partition); break;
        case META_OFFSET: *v = sl_int(m->offset); break;
        case META_TIMESTAMP: {
            int64_t ts = rd_kafka_message_timestamp(m, NULL);
            *v = ts >= 0 ? sl_int(ts * 1000) : sl_null();
            break;
        }
        case META_TIMESTAMP_TYPE: {
            rd_kafka_timestamp_type_t tt;
            rd_kafka_message_timestamp(m, &tt);
            const char *s = tt == RD_KAFKA_TIMESTAMP_CREATE_TIME ? "CreateTime"
                          : tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime" : "NoTimestampType";
            *v = sl_batch_str(b, s, (uint32_t)strlen(s));
            break;
        }
        case META_KEY: *v = m->key ? sl_batch_str(b, m->key, (uint32_t)m->key_len) : sl_null(); break;
        default: *v = sl_null();
        }
    }
}

/* Consumer errors that end the job (others are transient and retried by librdkafka). */
static bool fatal_consume_error(rd_kafka_resp_err_t e) {
    return e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || e == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED || e == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
           e == RD_KAFKA_RESP_ERR__FATAL || e == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
           e == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE;
}

/* Turns one message into a row of out, or skips it. Returns 0, or -1 with *err (fail policy). */
static int take_message(ksrc *ks, rd_kafka_message_t *m, sl_batch *out, char **err) {
    int pi = part_index(ks, m->rkt, m->partition);
    kpart *kp = pi >= 0 ? &ks->parts[pi] : NULL;
    if (m->err) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (kp && ks->bounded && m->offset >= kp->stop) part_done(ks, kp);
            return 0;
        }
        if (fatal_consume_error(m->err)) {
            *err = sl_strdupf("Cannot read table '%s' (topic '%s' partition %d): %s", ks->table,
                              m->rkt ? rd_kafka_topic_name(m->rkt) : "?", (int)m->partition, rd_kafka_message_errstr(m));
            return -1;
        }
        return 0;
    }
    if (!kp || kp->done) return 0;
    if (m->offset >= kp->stop) {
        part_done(ks, kp);
        return 0;
    }
    int64_t ts = -1;
    if (kp->seek_ts || ks->stop_ts >= 0) ts = rd_kafka_message_timestamp(m, NULL);
    if (kp->seek_ts) {
        if (ts < ks->start_ts) {
            kp->next = m->offset + 1;
            return 0;
        }
        kp->seek_ts = false;
    }
    if (ks->stop_ts >= 0 && ts >= ks->stop_ts) {
        part_done(ks, kp);
        return 0;
    }
    kp->next = m->offset + 1;
    if (ks->bounded && kp->next >= kp->stop) part_done(ks, kp);
    if (!m->payload) return 0; /* tombstone: skipped like Flink's json format */
    if (ks->has_key && !m->key) return 0; /* key fields but no key: Flink drops the record */
    sl_value *row = sl_batch_add_row(out);
    char msg[256];
    bool ok = true;
    if (ks->has_val) ok = cn_decode(&ks->val, m->payload, m->len, out, row, msg, sizeof msg);
    if (ok && ks->has_key && m->key) ok = cn_decode(&ks->key, m->key, m->key_len, out, row, msg, sizeof msg);
    if (ok) {
        fill_meta(ks, m, out, row);
        return 0;
    }
    out->nrows--;
    if (ks->ignore_errors) {
        ks->base.skipped++;
        return 0;
    }
    *err = sl_strdupf("Failed to deserialize record in topic '%s' partition %d offset %lld: %s",
                      rd_kafka_topic_name(m->rkt), (int)m->partition, (long long)m->offset, msg);
    return -1;
}

/* Fills out with up to out->cap rows. On a malformed record under the fail policy the rows
 * before it are returned first and the error comes with the next call. */
static int ks_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err) {
    ksrc *ks = (ksrc *)s;
    sl_batch_clear(out);
    if (ks->pending_err) {
        *err = ks->pending_err;
        ks->pending_err = NULL;
        return CN_ERROR;
    }
    if (ks->eof) return CN_EOF;
    if (ks->st.fatal) {
        *err = sl_strdupf("Kafka consumer of table '%s' failed: %s", ks->table, ks->st.last_err);
        return CN_ERROR;
    }
    if (out->cap > ks->msgcap) {
        ks->msgcap = out->cap;
        ks->msgs = realloc(ks->msgs, sizeof *ks->msgs * (size_t)ks->msgcap);
    }
    /* librdkafka's batch call waits for a full batch: take what is there, else wait for one. */
    ssize_t got = rd_kafka_consume_batch_queue(ks->q, 0, ks->msgs, (size_t)out->cap);
    if (got == 0 && timeout_ms > 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(ks->rk, timeout_ms);
        if (m) {
            ks->msgs[0] = m;
            got = 1;
            if (out->cap > 1) {
                ssize_t more = rd_kafka_consume_batch_queue(ks->q, 0, ks->msgs + 1, (size_t)out->cap - 1);
                if (more > 0) got += more;
            }
        }
    }
    if (got < 0) got = 0;
    char *e = NULL;
    for (ssize_t i = 0; i < got; i++) {
        if (!e && take_message(ks, ks->msgs[i], out, &e) < 0) {}
        rd_kafka_message_destroy(ks->msgs[i]);
    }
    rd_kafka_poll(ks->rk, 0); /* serve error callbacks */
    if (e) {
        if (out->nrows == 0) {
            *err = e;
            return CN_ERROR;
        }
        ks->pending_err = e;
        return out->nrows;
    }
    if (ks->bounded && ks->ndone == ks->nparts) {
        ks->eof = true;
        if (out->nrows == 0) return CN_EOF;
    }
    return out->nrows;
}

/* Commit errors that go away by themselves (the group coordinator is loading or moving). */
static bool is_retriable_commit_error(rd_kafka_resp_err_t e) {
    return e == RD_KAFKA_RESP_ERR_NOT_COORDINATOR || e == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || e == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT ||
           e == RD_KAFKA_RESP_ERR__TIMED_OUT || e == RD_KAFKA_RESP_ERR__TRANSPORT ||
           e == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS;
}

/* Commits the offsets after the rows returned so far to the user's group (if any). */
static int ks_commit(cn_source *s, char **err) {
    ksrc *ks = (ksrc *)s;
    if (!ks->group) return 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->nparts);
    for (int i = 0; i < ks->nparts; i++) {
        kpart *kp = &ks->parts[i];
        if (kp->next < 0 || kp->next == kp->committed) continue;
        rd_kafka_topic_partition_list_add(l, ks->topics[kp->topic], kp->partition)->offset = kp->next;
    }
    int rc = 0;
    if (l->cnt) {
        /* A new group's coordinator may still be loading or moving (NOT_COORDINATOR and
         * friends): retry those briefly; if they persist, keep running, since the next commit
         * carries the same offsets and Kafka's offsets are for visibility, not the job's truth. */
        rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
        for (int attempt = 0; attempt < 20; attempt++) {
            e = rd_kafka_commit(ks->rk, l, 0);
            for (int i = 0; !e && i < l->cnt; i++)
                if (l->elems[i].err) e = l->elems[i].err;
            if (!is_retriable_commit_error(e)) break;
            struct timespec ts = {0, 250 * 1000000};
            nanosleep(&ts, NULL);
        }
        if (e && !is_retriable_commit_error(e)) {
            *err = sl_strdupf("Failed to commit offsets of table '%s' to group '%s': %s", ks->table, ks->group,
                              rd_kafka_err2str(e));
            rc = CN_ERROR;
        } else if (!e) {
            for (int i = 0; i < ks->nparts; i++) ks->parts[i].committed = ks->parts[i].next;
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

static void ks_close(cn_source *s) {
    ksrc *ks = (ksrc *)s;
    if (ks->q) rd_kafka_queue_destroy(ks->q);
    if (ks->rk) {
        rd_kafka_consumer_close(ks->rk);
        rd_kafka_destroy(ks->rk);
    }
    cn_decoder_free(&ks->val);
    cn_decoder_free(&ks->key);
    cn_free_list(ks->topics, ks->ntopics);
    free(ks->topic_base);
    free(ks->parts);
    free(ks->meta);
    free(ks->group);
    free(ks->msgs);
    free(ks->pending_err);
    free(ks->cols);
    free(ks->table);
    free(ks);
}
