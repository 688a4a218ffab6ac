/* cn_kafka_source.c: the 'kafka' source (and, with mode CN_KS_UPSERT, 'upsert-kafka's).
 *
 * Reads every partition of the table's topics with assign() (no subscribe: no group join, no
 * rebalance pause); start and stop positions are resolved to absolute offsets at open
 * (cn_kafka_offsets.c). A bounded source finishes when every partition reached its stop offset
 * (an empty partition is finished at open). Records become rows in cn_kafka_poll.c. Offsets of
 * delivered rows are committed to 'properties.group.id' by cn_source_commit; the same positions
 * are what cn_source_positions hands to checkpoints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <unistd.h>
#include "../common/sl_error.h"
#include "cn_kafka_source.h"

static void ks_close(cn_source *s);
static int ks_commit(cn_source *s, char **err);
static int ks_positions(cn_source *s, const cn_position **out);
static const cn_source_vt ks_vt = {.poll = cn_ks_poll, .commit = ks_commit, .positions = ks_positions,
                                   .rejects = cn_ks_rejects, .close = ks_close};

/* Maps metadata keys to kinds; -1 + *err for unknown or unsupported keys. */
static int setup_meta(cn_ksrc *ks, char **err) {
    ks->meta = calloc((size_t)ks->ncols + 1, sizeof *ks->meta);
    for (int i = 0; i < ks->ncols; i++) {
        const cn_column *c = &ks->cols[i];
        if (c->from != CN_FROM_METADATA) continue;
        int k = !strcmp(c->name, "topic") ? CN_META_TOPIC
              : !strcmp(c->name, "partition") ? CN_META_PARTITION
              : !strcmp(c->name, "offset") ? CN_META_OFFSET
              : !strcmp(c->name, "timestamp") ? CN_META_TIMESTAMP
              : !strcmp(c->name, "timestamp-type") ? CN_META_TIMESTAMP_TYPE
              : !strcmp(c->name, "key") ? CN_META_KEY
              : !strcmp(c->name, "leader-epoch") ? CN_META_NULL : 0;
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

/* True when `name` is one of the table's PRIMARY KEY columns (case-insensitive, as SQL). */
static bool in_pk(const cn_spec *spec, const char *name) {
    for (int k = 0; k < spec->npk; k++)
        if (spec->pk && spec->pk[k] && !strcasecmp(spec->pk[k], name)) return true;
    return false;
}

/* Sets up the value and key decoders and the changelog mode from the format options; ks->cols
 * is the column copy (upsert-kafka: its PRIMARY KEY columns are read from the key). */
static int setup_formats(cn_ksrc *ks, const cn_spec *spec, char **err) {
    cn_spec local = *spec;
    local.cols = ks->cols;
    for (int i = 0; i < ks->ncols; i++) {
        if (ks->mode == CN_KS_UPSERT && ks->cols[i].from == CN_FROM_VALUE && in_pk(spec, ks->cols[i].name))
            ks->cols[i].from = CN_FROM_KEY;
        if (ks->cols[i].from == CN_FROM_VALUE) ks->has_val = true;
        if (ks->cols[i].from == CN_FROM_KEY) ks->has_key = true;
    }
    const char *fmt = sl_options_get(spec->opts, "value.format");
    if (!fmt) fmt = sl_options_get(spec->opts, "format");
    if (!fmt) {
        *err = sl_strdupf("Table '%s' needs option 'format' (or 'value.format'), e.g. 'json'", ks->table);
        return -1;
    }
    if (!strcmp(fmt, "debezium-json")) {
        const char *si = cn_format_opt(spec, "value.", "debezium-json", "schema-include");
        if (si && !strcasecmp(si, "true")) {
            *err = sl_strdupf("Table '%s': 'debezium-json.schema-include' = 'true' is not supported (read Debezium "
                              "messages without the schema envelope)", ks->table);
            return -1;
        }
        ks->mode = CN_KS_DEBEZIUM;
    }
    const char *ipe = cn_format_opt(spec, "value.", fmt, "ignore-parse-errors");
    ks->ignore_errors = ipe && !strcasecmp(ipe, "true");
    if (cn_decoder_init(&ks->val, &local, fmt, CN_FROM_VALUE, "value.", err) < 0) return -1;
    if (ks->has_key || ks->mode == CN_KS_UPSERT) {
        const char *kf = sl_options_get(spec->opts, "key.format");
        if (!kf) {
            *err = sl_strdupf("Table '%s' reads key fields and needs option 'key.format'", ks->table);
            return -1;
        }
        if (!strcmp(kf, "debezium-json")) {
            *err = sl_strdupf("Unsupported key.format 'debezium-json' for table '%s' (supported: json, raw, csv)",
                              ks->table);
            return -1;
        }
        if (cn_decoder_init(&ks->key, &local, kf, CN_FROM_KEY, "key.", err) < 0) return -1;
        const char *kipe = cn_format_opt(spec, "key.", kf, "ignore-parse-errors");
        if (kipe && !strcasecmp(kipe, "true")) ks->ignore_errors = true;
    }
    return 0;
}

/* 'scan.dlq.topic': a topic other than the table's own; then every record that does not decode
 * is rejected (kept for the dead-letter topic), whatever 'ignore-parse-errors' says: the
 * decoders are strict, so that a field that does not convert is a reject, not a NULL. */
static int setup_dlq(cn_ksrc *ks, const cn_spec *spec, char **err) {
    const char *dlq = sl_options_get(spec->opts, "scan.dlq.topic");
    if (!dlq) return 0;
    if (strspn(dlq, " \t") == strlen(dlq) || strchr(dlq, ';')) {
        *err = sl_strdupf("Invalid value '%s' for option 'scan.dlq.topic' of table '%s': expected a topic name", dlq,
                          ks->table);
        return -1;
    }
    for (int t = 0; t < ks->ntopics; t++)
        if (!strcmp(ks->topics[t], dlq)) {
            *err = sl_strdupf("The dead-letter topic '%s' of table '%s' is a topic the table reads", dlq, ks->table);
            return -1;
        }
    ks->dlq = true;
    ks->ignore_errors = false;
    ks->val.null_bad_fields = false;
    ks->key.null_bad_fields = false;
    return 0;
}

cn_source *cn_kafka_source_open(const cn_spec *spec, char **err) {
    return cn_kafka_source_open_mode(spec, CN_KS_APPEND, err);
}

cn_source *cn_kafka_source_open_mode(const cn_spec *spec, int mode, char **err) {
    const char *topic = sl_options_get(spec->opts, "topic");
    if (!topic || !*topic) {
        *err = sl_strdupf(sl_options_get(spec->opts, "topic-pattern")
                              ? "Table '%s': 'topic-pattern' is not supported; list topics in 'topic' separated by ';'"
                              : "Table '%s' needs option 'topic'", spec->table);
        return NULL;
    }
    cn_ksrc *ks = calloc(1, sizeof *ks);
    ks->base.vt = &ks_vt;
    ks->mode = mode;
    ks->table = strdup(spec->table ? spec->table : "?");
    ks->ncols = spec->ncols;
    ks->cols = calloc((size_t)spec->ncols + 1, sizeof *ks->cols);
    memcpy(ks->cols, spec->cols, sizeof *ks->cols * (size_t)spec->ncols);
    ks->start_ts = ks->stop_ts = -1;
    ks->ntopics = cn_split_list(topic, &ks->topics);
    const char *g = sl_options_get(spec->opts, "properties.group.id");
    if (g && *g) ks->group = strdup(g);
    if (setup_meta(ks, err) < 0 || setup_formats(ks, spec, err) < 0 || setup_dlq(ks, spec, err) < 0) goto fail;

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
        ks->parts = realloc(ks->parts, sizeof(cn_kpart) * (size_t)(ks->nparts + cnt));
        for (int p = 0; p < cnt; p++) {
            cn_kpart *kp = &ks->parts[ks->nparts++];
            memset(kp, 0, sizeof *kp);
            kp->topic = t;
            kp->partition = p;
        }
    }
    /* upsert-kafka reads a topic's whole history unless told otherwise: it is the table's state */
    if (cn_ks_resolve_offsets(ks, spec, reset, mode == CN_KS_UPSERT ? "earliest-offset" : NULL, err) < 0) goto fail;
    ks->pos = calloc((size_t)ks->nparts + 1, sizeof *ks->pos);

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

/* Commit errors that go away by themselves (the group coordinator is loading or moving). */
static bool is_retriable_commit_error(rd_kafka_resp_err_t e) {
    return e == RD_KAFKA_RESP_ERR_NOT_COORDINATOR || e == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || e == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT ||
           e == RD_KAFKA_RESP_ERR__TIMED_OUT || e == RD_KAFKA_RESP_ERR__TRANSPORT ||
           e == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS;
}

/* Commits the offsets after the rows returned so far to the user's group (if any). */
static int ks_commit(cn_source *s, char **err) {
    cn_ksrc *ks = (cn_ksrc *)s;
    if (!ks->group) return 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->nparts);
    for (int i = 0; i < ks->nparts; i++) {
        cn_kpart *kp = &ks->parts[i];
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

/* The position of every partition: after the last record returned, else the start offset. */
static int ks_positions(cn_source *s, const cn_position **out) {
    cn_ksrc *ks = (cn_ksrc *)s;
    for (int i = 0; i < ks->nparts; i++) {
        const cn_kpart *kp = &ks->parts[i];
        ks->pos[i] = (cn_position){ks->topics[kp->topic], kp->partition, kp->next >= 0 ? kp->next : kp->start};
    }
    *out = ks->pos;
    return ks->nparts;
}

static void ks_close(cn_source *s) {
    cn_ksrc *ks = (cn_ksrc *)s;
    for (int i = ks->mhead; i < ks->mcount; i++) rd_kafka_message_destroy(ks->msgs[i]);
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
    free(ks->pos);
    free(ks->meta);
    free(ks->group);
    free(ks->msgs);
    free(ks->pending_err);
    free(ks->rej);
    free(ks->rej_at);
    sl_buf_free(&ks->rej_buf);
    free(ks->cols);
    free(ks->table);
    free(ks);
}
