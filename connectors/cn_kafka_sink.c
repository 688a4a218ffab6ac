/* cn_kafka_sink.c: the 'kafka' sink: rows encoded as JSON (or 'raw') into one reused buffer and
 * produced with an idempotent producer; cn_sink_flush waits for the acknowledgements and reports
 * the first delivery error. Append-only: update and delete rows are refused, as Flink's kafka
 * connector does (upsert-kafka is the changelog sink). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

enum { PART_DEFAULT, PART_FIXED, PART_ROUND_ROBIN };

typedef struct ksink {
    cn_sink base;
    cn_kstate st;
    char *table;
    char *topic;
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    cn_column *cols;
    int ncols;
    int *val_cols, nval;    /* indexes into cols: value fields */
    int *key_cols, nkey;    /* key.fields */
    int fmt, key_fmt;       /* CN_FMT_JSON / CN_FMT_RAW */
    bool iso;
    bool plain_decimals;  /* json.encode.decimal-as-plain-number */
    int partitioner;
    int nparts, rr;
    sl_buf vbuf, kbuf;
    volatile int failed;    /* first delivery error seen (set from the delivery callback) */
    char fail_msg[256];
} ksink;

static void sk_close(cn_sink *s);
static int sk_write(cn_sink *s, const sl_batch *b, char **err);
static int sk_flush(cn_sink *s, int timeout_ms, char **err);
static const cn_sink_vt sk_vt = {sk_write, sk_flush, sk_close};

/* Delivery report: keeps the first failure for the next flush. Called from rd_kafka_poll/flush
 * on the writer's thread. */
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    ksink *ks = (ksink *)((char *)opaque - offsetof(ksink, st));
    if (m->err && !ks->failed) {
        snprintf(ks->fail_msg, sizeof ks->fail_msg, "%s", rd_kafka_err2str(m->err));
        ks->failed = 1;
    }
}

/* Index of the column named `name` (case-insensitive as SQL identifiers), or -1. */
static int col_index(const ksink *ks, const char *name) {
    for (int i = 0; i < ks->ncols; i++)
        if (!strcasecmp(ks->cols[i].name, name)) return i;
    return -1;
}

/* 'json' or 'raw' format code; -1 + *err otherwise. */
static int sink_format(const char *f, const char *table, const char *key, char **err) {
    if (!strcmp(f, "json")) return CN_FMT_JSON;
    if (!strcmp(f, "raw")) return CN_FMT_RAW;
    *err = sl_strdupf("Unsupported %s '%s' for sink table '%s' (supported: json, raw)", key, f, table);
    return -1;
}

cn_sink *cn_kafka_sink_open(const cn_spec *spec, char **err) {
    const char *topic = sl_options_get(spec->opts, "topic");
    if (!topic || !*topic || strchr(topic, ';')) {
        *err = sl_strdupf(topic && *topic ? "Sink table '%s' must name a single 'topic'" : "Table '%s' needs option 'topic'",
                          spec->table);
        return NULL;
    }
    ksink *ks = calloc(1, sizeof *ks);
    ks->base.vt = &sk_vt;
    ks->table = strdup(spec->table ? spec->table : "?");
    ks->topic = strdup(topic);
    ks->ncols = spec->ncols;
    ks->cols = calloc((size_t)spec->ncols + 1, sizeof *ks->cols);
    memcpy(ks->cols, spec->cols, sizeof *ks->cols * (size_t)spec->ncols);
    ks->val_cols = calloc((size_t)spec->ncols + 1, sizeof(int));
    ks->key_cols = calloc((size_t)spec->ncols + 1, sizeof(int));

    const char *fmt = sl_options_get(spec->opts, "value.format");
    if (!fmt) fmt = sl_options_get(spec->opts, "format");
    if (!fmt) {
        *err = sl_strdupf("Table '%s' needs option 'format' (or 'value.format'), e.g. 'json'", ks->table);
        goto fail;
    }
    if ((ks->fmt = sink_format(fmt, ks->table, "format", err)) < 0) goto fail;
    const char *std = cn_format_opt(spec, "value.", "json", "timestamp-format.standard");
    ks->iso = std && !strcasecmp(std, "ISO-8601");
    const char *plain = cn_format_opt(spec, "value.", "json", "encode.decimal-as-plain-number");
    ks->plain_decimals = plain && !strcasecmp(plain, "true");

    /* key.fields name the key; the value keeps every column unless 'value.fields-include' is
     * 'EXCEPT_KEY' (Flink's default is ALL). */
    const char *kf = sl_options_get(spec->opts, "key.fields");
    const char *kfmt = sl_options_get(spec->opts, "key.format");
    if (kf && *kf) {
        if (!kfmt) {
            *err = sl_strdupf("Table '%s' sets 'key.fields' and needs option 'key.format'", ks->table);
            goto fail;
        }
        if ((ks->key_fmt = sink_format(kfmt, ks->table, "key.format", err)) < 0) goto fail;
        char **items;
        int n = cn_split_list(kf, &items);
        for (int i = 0; i < n; i++) {
            int c = col_index(ks, items[i]);
            if (c < 0) {
                *err = sl_strdupf("Column '%s' named in 'key.fields' of table '%s' does not exist", items[i], ks->table);
                cn_free_list(items, n);
                goto fail;
            }
            ks->key_cols[ks->nkey++] = c;
        }
        cn_free_list(items, n);
        if (ks->key_fmt == CN_FMT_RAW && (ks->nkey != 1 || ks->cols[ks->key_cols[0]].type.id != SL_T_STRING)) {
            *err = sl_strdupf("The 'raw' key format of table '%s' needs exactly one STRING key field", ks->table);
            goto fail;
        }
    }
    const char *inc = sl_options_get(spec->opts, "value.fields-include");
    bool except_key = inc && !strcasecmp(inc, "EXCEPT_KEY");
    for (int i = 0; i < ks->ncols; i++) {
        bool is_key = false;
        for (int k = 0; k < ks->nkey; k++) is_key |= ks->key_cols[k] == i;
        if (!(except_key && is_key)) ks->val_cols[ks->nval++] = i;
    }
    if (ks->fmt == CN_FMT_RAW && (ks->nval != 1 || ks->cols[ks->val_cols[0]].type.id != SL_T_STRING)) {
        *err = sl_strdupf("The 'raw' format of table '%s' needs exactly one STRING column", ks->table);
        goto fail;
    }

    const char *p = sl_options_get(spec->opts, "sink.partitioner");
    if (!p || !strcmp(p, "default")) ks->partitioner = PART_DEFAULT;
    else if (!strcmp(p, "fixed")) ks->partitioner = PART_FIXED;
    else if (!strcmp(p, "round-robin")) ks->partitioner = PART_ROUND_ROBIN;
    else {
        *err = sl_strdupf("Invalid value '%s' for option 'sink.partitioner' of table '%s' (default, fixed, "
                          "round-robin)", p, ks->table);
        goto fail;
    }

    const char *bootstrap = cn_bootstrap_for(spec->opts, spec->session, err);
    if (!bootstrap || cn_ensure_topic(bootstrap, ks->topic, cn_default_partitions(spec), err) < 0) goto fail;

    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cn_quiet_logs(conf, &ks->st);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    if (cn_conf_set(conf, "bootstrap.servers", bootstrap, err) < 0 ||
        cn_conf_set(conf, "enable.idempotence", "true", err) < 0 ||
        cn_conf_set(conf, "linger.ms", "5", err) < 0 ||
        cn_conf_set(conf, "partitioner", "murmur2_random", err) < 0 || /* Java's key hash */
        cn_apply_properties(conf, spec->opts, err) < 0) {
        rd_kafka_conf_destroy(conf);
        goto fail;
    }
    ks->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!ks->rk) {
        rd_kafka_conf_destroy(conf);
        *err = sl_strdupf("Cannot create a Kafka producer for table '%s': %s", ks->table, errstr);
        goto fail;
    }
    ks->rkt = rd_kafka_topic_new(ks->rk, ks->topic, NULL);
    ks->nparts = cn_topic_partitions(ks->rk, &ks->st, bootstrap, ks->topic, 10000, err);
    if (ks->nparts < 0) goto fail;
    return &ks->base;
fail:
    sk_close(&ks->base);
    return NULL;
}

/* Encodes the given columns of a row into buf. */
static void encode(ksink *ks, int fmt, sl_buf *buf, const int *which, int n, const sl_value *row) {
    sl_buf_clear(buf);
    if (fmt == CN_FMT_RAW) {
        const sl_value *v = &row[ks->cols[which[0]].out];
        if (!v->null) sl_buf_append(buf, v->s.ptr, v->s.len);
        return;
    }
    cn_json_encode(buf, ks->cols, which, n, row, ks->iso, ks->plain_decimals);
}

/* Produces every row of b; a full local queue is drained by serving delivery reports. */
static int sk_write(cn_sink *s, const sl_batch *b, char **err) {
    ksink *ks = (ksink *)s;
    for (int r = 0; r < b->nrows; r++) {
        if (b->ops[r] != SL_OP_INSERT) {
            *err = sl_strdupf("Table sink '%s' doesn't support consuming update changes", ks->table);
            return CN_ERROR;
        }
        const sl_value *row = sl_batch_row(b, r);
        encode(ks, ks->fmt, &ks->vbuf, ks->val_cols, ks->nval, row);
        bool raw_null = ks->fmt == CN_FMT_RAW && row[ks->cols[ks->val_cols[0]].out].null;
        const char *key = NULL;
        size_t klen = 0;
        if (ks->nkey) {
            encode(ks, ks->key_fmt, &ks->kbuf, ks->key_cols, ks->nkey, row);
            key = ks->kbuf.data ? ks->kbuf.data : "";
            klen = ks->kbuf.len;
            if (ks->key_fmt == CN_FMT_RAW && row[ks->cols[ks->key_cols[0]].out].null) {
                key = NULL; /* a NULL raw key is a null key, as in Flink */
                klen = 0;
            }
        }
        int32_t part = RD_KAFKA_PARTITION_UA;
        if (ks->partitioner == PART_FIXED) part = 0;
        else if (ks->partitioner == PART_ROUND_ROBIN) part = ks->rr++ % (ks->nparts > 0 ? ks->nparts : 1);
        for (;;) {
            int rc = rd_kafka_produce(ks->rkt, part, RD_KAFKA_MSG_F_COPY, raw_null ? NULL : ks->vbuf.data,
                                      raw_null ? 0 : ks->vbuf.len, key, klen, NULL);
            if (rc == 0) break;
            rd_kafka_resp_err_t e = rd_kafka_last_error();
            if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(ks->rk, 10);
                continue;
            }
            *err = sl_strdupf("Failed to deliver to topic '%s': %s", ks->topic, rd_kafka_err2str(e));
            return CN_ERROR;
        }
    }
    rd_kafka_poll(ks->rk, 0);
    if (ks->failed || ks->st.fatal) {
        *err = sl_strdupf("Failed to deliver to topic '%s': %s", ks->topic, ks->failed ? ks->fail_msg : ks->st.last_err);
        return CN_ERROR;
    }
    return 0;
}

/* Waits until every produced row is acknowledged. */
static int sk_flush(cn_sink *s, int timeout_ms, char **err) {
    ksink *ks = (ksink *)s;
    rd_kafka_resp_err_t e = rd_kafka_flush(ks->rk, timeout_ms);
    if (ks->failed || ks->st.fatal) {
        *err = sl_strdupf("Failed to deliver to topic '%s': %s", ks->topic, ks->failed ? ks->fail_msg : ks->st.last_err);
        return CN_ERROR;
    }
    if (e) {
        *err = sl_strdupf("Failed to deliver to topic '%s': %d messages not acknowledged within %d ms%s%s", ks->topic,
                          rd_kafka_outq_len(ks->rk), timeout_ms, ks->st.last_err[0] ? ": " : "", ks->st.last_err);
        return CN_ERROR;
    }
    return 0;
}

static void sk_close(cn_sink *s) {
    ksink *ks = (ksink *)s;
    if (ks->rk) {
        rd_kafka_flush(ks->rk, 5000);
        if (ks->rkt) rd_kafka_topic_destroy(ks->rkt);
        rd_kafka_destroy(ks->rk);
    }
    sl_buf_free(&ks->vbuf);
    sl_buf_free(&ks->kbuf);
    free(ks->cols);
    free(ks->val_cols);
    free(ks->key_cols);
    free(ks->table);
    free(ks->topic);
    free(ks);
}
