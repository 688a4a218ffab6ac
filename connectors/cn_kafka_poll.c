/* cn_kafka_poll.c: records to rows for the Kafka sources. Messages are fetched from the
 * consumer queue in batches; each becomes zero, one or (a debezium update) two rows of the
 * caller's batch, decoded in place (strings into the batch arena): nothing is allocated per
 * record. A fetched message that does not fit the batch stays for the next poll, so partition
 * positions always name the offset after the last record turned into rows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "cn_kafka_source.h"

enum { TAKE_DONE, TAKE_KEEP };                 /* what happens to the message after take_message */
enum { ROWS_OK, ROWS_HALF, ROWS_BAD };         /* what a record gave */

/* Index of the partition state for (topic name of rkt, partition), or -1. */
static int part_index(cn_ksrc *ks, rd_kafka_topic_t *rkt, int32_t partition) {
    int t = 0;
    if (ks->ntopics > 1) {
        const char *name = rd_kafka_topic_name(rkt);
        for (t = 0; t < ks->ntopics && strcmp(ks->topics[t], name); t++) {}
        if (t == ks->ntopics) return -1;
    }
    int cnt = (t + 1 < ks->ntopics ? ks->topic_base[t + 1] : ks->nparts) - ks->topic_base[t];
    return partition >= 0 && partition < cnt ? ks->topic_base[t] + partition : -1;
}

/* Marks a partition finished and stops fetching it. */
static void part_done(cn_ksrc *ks, cn_kpart *kp) {
    if (kp->done) return;
    kp->done = true;
    ks->ndone++;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, ks->topics[kp->topic], kp->partition);
    rd_kafka_pause_partitions(ks->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
}

/* Fills the metadata columns of a row. */
static void fill_meta(cn_ksrc *ks, const rd_kafka_message_t *m, sl_batch *b, sl_value *row) {
    for (int i = 0; i < ks->nmeta; i++) {
        sl_value *v = &row[ks->meta[i].out];
        switch (ks->meta[i].kind) {
        case CN_META_TOPIC: {
            const char *t = rd_kafka_topic_name(m->rkt);
            *v = sl_batch_str(b, t, (uint32_t)strlen(t));
            break;
        }
        case CN_META_PARTITION: *v = sl_int(m->partition); break;
        case CN_META_OFFSET: *v = sl_int(m->offset); break;
        case CN_META_TIMESTAMP: {
            int64_t ts = rd_kafka_message_timestamp(m, NULL);
            *v = ts >= 0 ? sl_int(ts * 1000) : sl_null();
            break;
        }
        case CN_META_TIMESTAMP_TYPE: {
            rd_kafka_timestamp_type_t tt;
            rd_kafka_message_timestamp(m, &tt);
            const char *s = tt == RD_KAFKA_TIMESTAMP_CREATE_TIME ? "CreateTime"
                          : tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime" : "NoTimestampType";
            *v = sl_batch_str(b, s, (uint32_t)strlen(s));
            break;
        }
        case CN_META_KEY: *v = m->key ? sl_batch_str(b, m->key, (uint32_t)m->key_len) : sl_null(); break;
        default: *v = sl_null();
        }
    }
}

/* Adds a row of kind op with the key columns and metadata of m; NULL when the key does not
 * decode (reason in msg). */
static sl_value *add_row(cn_ksrc *ks, const rd_kafka_message_t *m, sl_batch *out, int op, char *msg, size_t msgn) {
    sl_value *row = sl_batch_add_row(out);
    out->ops[out->nrows - 1] = (uint8_t)op;
    if (ks->has_key && m->key && !cn_decode(&ks->key, m->key, m->key_len, out, row, msg, msgn)) return NULL;
    fill_meta(ks, m, out, row);
    return row;
}

/* 'kafka' with json/raw/csv: one +I row; tombstones and (with key fields) keyless records are
 * dropped, as Flink does. */
static int append_rows(cn_ksrc *ks, const rd_kafka_message_t *m, sl_batch *out, char *msg, size_t msgn) {
    if (!m->payload) return ROWS_OK;
    if (ks->has_key && !m->key) return ROWS_OK;
    sl_value *row = add_row(ks, m, out, SL_OP_INSERT, msg, msgn);
    if (!row) return ROWS_BAD;
    if (ks->has_val && !cn_decode(&ks->val, m->payload, m->len, out, row, msg, msgn)) return ROWS_BAD;
    return ROWS_OK;
}

/* 'upsert-kafka': a value is the key's new row (+U), a tombstone deletes the key (-D, only the
 * key columns set); a record without a key cannot say what it updates. */
static int upsert_rows(cn_ksrc *ks, const rd_kafka_message_t *m, sl_batch *out, char *msg, size_t msgn) {
    if (!m->key) {
        snprintf(msg, msgn, "the record has no key (upsert-kafka takes the PRIMARY KEY from the message key)");
        return ROWS_BAD;
    }
    sl_value *row = add_row(ks, m, out, m->payload ? SL_OP_UPDATE_AFTER : SL_OP_DELETE, msg, msgn);
    if (!row) return ROWS_BAD;
    if (m->payload && ks->has_val && !cn_decode(&ks->val, m->payload, m->len, out, row, msg, msgn)) return ROWS_BAD;
    return ROWS_OK;
}

/* One row of kind op from the 'before' or 'after' image of the parsed change event. */
static bool image_row(cn_ksrc *ks, const rd_kafka_message_t *m, sl_batch *out, int op, bool after, char *msg,
                      size_t msgn) {
    sl_value *row = add_row(ks, m, out, op, msg, msgn);
    return row && cn_debezium_image(&ks->val, after, out, row, msg, msgn);
}

/* debezium-json: c/r -> +I(after), u -> -U(before) +U(after), d -> -D(before); tombstones
 * (Debezium writes one after each delete) are skipped as Flink does. An update meeting a batch
 * with room for one row only (capacity 1) returns its -U now and its +U with the next poll. */
static int debezium_rows(cn_ksrc *ks, const rd_kafka_message_t *m, sl_batch *out, char *msg, size_t msgn) {
    if (!m->payload) return ROWS_OK;
    char op;
    if (!cn_debezium_parse(&ks->val, m->payload, m->len, &op, msg, msgn)) return ROWS_BAD;
    switch (op) {
    case 'c':
    case 'r': return image_row(ks, m, out, SL_OP_INSERT, true, msg, msgn) ? ROWS_OK : ROWS_BAD;
    case 'd': return image_row(ks, m, out, SL_OP_DELETE, false, msg, msgn) ? ROWS_OK : ROWS_BAD;
    default:
        if (!ks->half) {
            if (!image_row(ks, m, out, SL_OP_UPDATE_BEFORE, false, msg, msgn)) return ROWS_BAD;
            if (sl_batch_full(out)) {
                ks->half = true;
                return ROWS_HALF;
            }
        }
        ks->half = false;
        return image_row(ks, m, out, SL_OP_UPDATE_AFTER, true, msg, msgn) ? ROWS_OK : ROWS_BAD;
    }
}

/* Consumer errors that end the job (others are transient and retried by librdkafka). */
static bool fatal_consume_error(rd_kafka_resp_err_t e) {
    return e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || e == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED || e == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
           e == RD_KAFKA_RESP_ERR__FATAL || e == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
           e == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE;
}

/* Appends n bytes to the reject buffer (NUL-terminated); their offset there. */
static size_t keep_bytes(cn_ksrc *ks, const void *p, size_t n) {
    size_t at = ks->rej_buf.len;
    if (n) sl_buf_append(&ks->rej_buf, p, n);
    sl_buf_putc(&ks->rej_buf, 0);
    return at;
}

/* Keeps a record that does not decode for the dead-letter topic: its place, its raw bytes
 * (copied: the message is destroyed after this poll) and the decoder's message. */
static void reject(cn_ksrc *ks, const cn_kpart *kp, const rd_kafka_message_t *m, const char *msg) {
    if (ks->nrej == ks->rejcap) {
        ks->rejcap = ks->rejcap ? ks->rejcap * 2 : 16;
        ks->rej = realloc(ks->rej, sizeof *ks->rej * (size_t)ks->rejcap);
        ks->rej_at = realloc(ks->rej_at, sizeof *ks->rej_at * (size_t)ks->rejcap);
    }
    cn_reject *r = &ks->rej[ks->nrej];
    cn_reject_at *at = &ks->rej_at[ks->nrej++];
    *r = (cn_reject){ks->topics[kp->topic], m->partition, m->offset, NULL, m->key ? m->key_len : 0, NULL,
                     m->payload ? m->len : 0, NULL};
    at->key = m->key ? keep_bytes(ks, m->key, m->key_len) : SIZE_MAX;
    at->value = m->payload ? keep_bytes(ks, m->payload, m->len) : SIZE_MAX;
    at->error = keep_bytes(ks, msg, strlen(msg));
}

int cn_ks_rejects(cn_source *s, const cn_reject **out) {
    cn_ksrc *ks = (cn_ksrc *)s;
    for (int i = 0; i < ks->nrej; i++) {
        const cn_reject_at *at = &ks->rej_at[i];
        ks->rej[i].key = at->key == SIZE_MAX ? NULL : ks->rej_buf.data + at->key;
        ks->rej[i].value = at->value == SIZE_MAX ? NULL : ks->rej_buf.data + at->value;
        ks->rej[i].error = ks->rej_buf.data + at->error;
    }
    *out = ks->nrej ? ks->rej : NULL;
    return ks->nrej;
}

/* Turns one message into rows of out, or skips it; TAKE_KEEP when it must be taken again by the
 * next poll (half of an update returned). A malformed record is rejected ('scan.dlq.topic'),
 * skipped and counted (ignore-parse-errors), or (fail policy) sets *err and leaves its
 * partition's position before it. */
static int take_message(cn_ksrc *ks, rd_kafka_message_t *m, sl_batch *out, char **err) {
    int pi = part_index(ks, m->rkt, m->partition);
    cn_kpart *kp = pi >= 0 ? &ks->parts[pi] : NULL;
    if (m->err) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (kp && ks->bounded && m->offset >= kp->stop) part_done(ks, kp);
            return TAKE_DONE;
        }
        if (fatal_consume_error(m->err))
            *err = sl_strdupf("Cannot read table '%s' (topic '%s' partition %d): %s", ks->table,
                              m->rkt ? rd_kafka_topic_name(m->rkt) : "?", (int)m->partition, rd_kafka_message_errstr(m));
        return TAKE_DONE;
    }
    if (!kp || kp->done) return TAKE_DONE;
    if (m->offset >= kp->stop) {
        part_done(ks, kp);
        return TAKE_DONE;
    }
    int64_t ts = -1;
    if (kp->seek_ts || ks->stop_ts >= 0) ts = rd_kafka_message_timestamp(m, NULL);
    if (kp->seek_ts) {
        if (ts < ks->start_ts) {
            kp->next = m->offset + 1;
            return TAKE_DONE;
        }
        kp->seek_ts = false;
    }
    if (ks->stop_ts >= 0 && ts >= ks->stop_ts) {
        part_done(ks, kp);
        return TAKE_DONE;
    }
    int before = out->nrows;
    char msg[256] = "";
    int r = ks->mode == CN_KS_UPSERT   ? upsert_rows(ks, m, out, msg, sizeof msg)
          : ks->mode == CN_KS_DEBEZIUM ? debezium_rows(ks, m, out, msg, sizeof msg)
                                       : append_rows(ks, m, out, msg, sizeof msg);
    if (r == ROWS_HALF) return TAKE_KEEP;
    if (r == ROWS_BAD) {
        out->nrows = before;
        ks->half = false;
        if (ks->dlq) {
            reject(ks, kp, m, msg);
        } else if (!ks->ignore_errors) {
            *err = sl_strdupf("Failed to deserialize record in topic '%s' partition %d offset %lld: %s",
                              rd_kafka_topic_name(m->rkt), (int)m->partition, (long long)m->offset, msg);
            return TAKE_DONE;
        } else {
            ks->base.skipped++;
        }
    }
    kp->next = m->offset + 1;
    if (ks->bounded && kp->next >= kp->stop) part_done(ks, kp);
    return TAKE_DONE;
}

/* Turns the fetched messages into rows while the batch has room (two rows for a debezium
 * record, which may be an update, unless the batch is empty). Stops at the first error. */
static void drain(cn_ksrc *ks, sl_batch *out, char **e) {
    int need = ks->mode == CN_KS_DEBEZIUM ? 2 : 1;
    while (!*e && ks->mhead < ks->mcount) {
        int room = out->cap - out->nrows;
        if (room <= 0 || (room < need && out->nrows > 0)) break;
        rd_kafka_message_t *m = ks->msgs[ks->mhead];
        if (take_message(ks, m, out, e) == TAKE_KEEP) break;
        rd_kafka_message_destroy(m);
        ks->mhead++;
    }
}

/* Fetches up to n messages into ks->msgs: what is queued, else waits up to timeout_ms for one
 * (librdkafka's batch call would wait for a full batch). */
static void fetch(cn_ksrc *ks, int n, int timeout_ms) {
    ks->mhead = ks->mcount = 0;
    ssize_t got = rd_kafka_consume_batch_queue(ks->q, 0, ks->msgs, (size_t)n);
    if (got == 0 && timeout_ms > 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(ks->rk, timeout_ms);
        if (m) {
            ks->msgs[0] = m;
            got = 1;
            if (n > 1) {
                ssize_t more = rd_kafka_consume_batch_queue(ks->q, 0, ks->msgs + 1, (size_t)n - 1);
                if (more > 0) got += more;
            }
        }
    }
    ks->mcount = got > 0 ? (int)got : 0;
}

/* Fills out with up to out->cap rows. On a malformed record under the fail policy the rows
 * before it are returned first and the error comes with the next call; so does the end of a
 * bounded source after a poll that rejected records. */
int cn_ks_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err) {
    cn_ksrc *ks = (cn_ksrc *)s;
    sl_batch_clear(out);
    ks->nrej = 0;
    sl_buf_clear(&ks->rej_buf);
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
    char *e = NULL;
    drain(ks, out, &e);  /* what the last poll left */
    if (!e && ks->mhead == ks->mcount && out->nrows < out->cap) {
        if (out->cap > ks->msgcap) {
            ks->msgcap = out->cap;
            ks->msgs = realloc(ks->msgs, sizeof *ks->msgs * (size_t)ks->msgcap);
        }
        fetch(ks, out->cap - out->nrows, out->nrows ? 0 : timeout_ms);
        drain(ks, out, &e);
    }
    rd_kafka_poll(ks->rk, 0); /* serve error callbacks */
    /* rows and rejects come with a count: an error or the end waits for the next call */
    if (e) {
        if (out->nrows == 0 && ks->nrej == 0) {
            *err = e;
            return CN_ERROR;
        }
        ks->pending_err = e;
        return out->nrows;
    }
    if (ks->bounded && ks->ndone == ks->nparts) {
        ks->eof = true;
        if (out->nrows == 0 && ks->nrej == 0) return CN_EOF;
    }
    return out->nrows;
}
