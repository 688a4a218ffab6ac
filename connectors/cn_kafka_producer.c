/* cn_kafka_producer.c: the producer behind the Kafka sinks ('kafka', 'upsert-kafka') and the
 * dead-letter sinks: an idempotent librdkafka producer for one topic. Partitions are chosen
 * here, not by librdkafka: a key's murmur2 hash as Java's default partitioner, unkeyed records
 * in turn, so that a record encoded for the outbox lands where cn_sink_write would put it.
 * Delivery reports keep, per partition, the offset after the highest acknowledged record, and
 * the first failure, reported by the next send, check or flush. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

enum { MAX_HEADERS = 64 };  /* a record's own headers (the tag adds three) */

/* Delivery report: the acknowledged offset of its partition, or the first failure. Called from
 * rd_kafka_poll/flush on the writer's thread. */
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    cn_producer *p = (cn_producer *)((char *)opaque - offsetof(cn_producer, st));
    if (m->err) {
        if (!p->failed) {
            snprintf(p->fail_msg, sizeof p->fail_msg, "%s", rd_kafka_err2str(m->err));
            p->failed = 1;
        }
        return;
    }
    if (m->partition >= 0 && m->partition < p->nparts && m->offset >= 0 && m->offset + 1 > p->acked[m->partition])
        p->acked[m->partition] = m->offset + 1;
}

/* A new librdkafka producer for p (at open, and for a fresh session after a failure).
 * Gapless: when a failed batch could leave a gap in a partition, the producer stops (a fatal
 * error) instead of delivering later records past it, so that what reaches a partition is
 * always a prefix of what was sent there: the outbox's recovery relies on it. */
static int make_producer(cn_producer *p, char **err) {
    char errstr[512];
    memset(&p->st, 0, sizeof p->st);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cn_quiet_logs(conf, &p->st);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    if (cn_conf_set(conf, "bootstrap.servers", p->bootstrap, err) < 0 ||
        cn_conf_set(conf, "enable.idempotence", "true", err) < 0 ||
        cn_conf_set(conf, "enable.gapless.guarantee", "true", err) < 0 ||
        cn_conf_set(conf, "linger.ms", "5", err) < 0 ||
        cn_conf_set(conf, "partitioner", "murmur2_random", err) < 0 || /* unused: every record names its partition */
        cn_apply_properties(conf, &p->props, err) < 0) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!p->rk) {
        rd_kafka_conf_destroy(conf);
        *err = sl_strdupf("Cannot create a Kafka producer for table '%s': %s", p->table, errstr);
        return -1;
    }
    p->rkt = rd_kafka_topic_new(p->rk, p->topic, NULL);
    return 0;
}

int cn_producer_open(cn_producer *p, const cn_spec *spec, const char *topic, char **err) {
    memset(p, 0, sizeof *p);
    p->topic = strdup(topic);
    p->table = strdup(spec->table ? spec->table : "?");
    const char *bootstrap = cn_bootstrap_for(spec->opts, spec->session, err);
    if (!bootstrap || cn_ensure_topic(bootstrap, topic, cn_default_partitions(spec), err) < 0) return -1;
    p->bootstrap = strdup(bootstrap);
    for (int i = 0; spec->opts && i < spec->opts->n; i++)
        if (!strncmp(spec->opts->keys[i], "properties.", 11))
            sl_options_set(&p->props, spec->opts->keys[i], spec->opts->values[i]);
    if (make_producer(p, err) < 0) return -1;
    p->nparts = cn_topic_partitions(p->rk, &p->st, p->bootstrap, topic, 10000, err);
    if (p->nparts < 0) return -1;
    p->acked = malloc(sizeof *p->acked * (size_t)p->nparts);
    for (int i = 0; i < p->nparts; i++) p->acked[i] = -1;
    return 0;
}

/* Drops the producer and everything it still holds (queued or in flight) and starts a new
 * session: afterwards nothing of the old one can arrive later than the broker's handling of a
 * closed connection (the same as after a crash). The acknowledged offsets are kept. */
int cn_producer_reset(cn_producer *p, char **err) {
    if (p->rk) {
        rd_kafka_purge(p->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(p->rk, 0);
        if (p->rkt) rd_kafka_topic_destroy(p->rkt);
        rd_kafka_destroy(p->rk);
        p->rk = NULL;
        p->rkt = NULL;
    }
    p->failed = 0;
    return make_producer(p, err);
}

/* The first failure seen, as an error for the caller. */
static int failure(cn_producer *p, char **err) {
    *err = sl_strdupf("Failed to deliver to topic '%s': %s", p->topic, p->failed ? p->fail_msg : p->st.last_err);
    return CN_ERROR;
}

int32_t cn_producer_partition(cn_producer *p, const void *key, size_t klen) {
    int32_t n = p->nparts > 0 ? p->nparts : 1;
    if (key) return rd_kafka_msg_partitioner_murmur2(p->rkt, key, klen, n, NULL, NULL);
    return (int32_t)(p->rr++ % (uint32_t)n);
}

int cn_producer_produce(cn_producer *p, const cn_record *r, const cn_tag *tag, char **err) {
    int32_t part = r->partition < 0 ? cn_producer_partition(p, r->key, r->klen) : r->partition;
    if (part >= p->nparts) {
        *err = sl_strdupf("Cannot produce to topic '%s' partition %d: the topic has %d partition%s", p->topic, (int)part,
                          p->nparts, p->nparts == 1 ? "" : "s");
        return CN_ERROR;
    }
    if (r->nheaders < 0 || r->nheaders > MAX_HEADERS || (r->nheaders && !r->headers)) {
        *err = sl_strdupf("Cannot produce to topic '%s': %d headers (at most %d)", p->topic, r->nheaders, MAX_HEADERS);
        return CN_ERROR;
    }
    /* The headers go in as one list we own (RD_KAFKA_VTYPE_HEADERS), not one by one
     * (RD_KAFKA_VTYPE_HEADER): with the latter, librdkafka 2.0 frees them twice when the
     * produce call fails after building the message (confluentinc/librdkafka#4627, e.g. on
     * TOPIC_AUTHORIZATION_FAILED). With our own list, librdkafka takes it on success only. */
    rd_kafka_headers_t *hdrs = NULL;
    if (r->nheaders || tag) {
        hdrs = rd_kafka_headers_new((size_t)r->nheaders + 3);
        for (int i = 0; i < r->nheaders; i++) {
            const cn_header *h = &r->headers[i];
            rd_kafka_header_add(hdrs, h->name ? h->name : "", -1, h->value, h->value ? (ssize_t)h->vlen : 0);
        }
        if (tag) {
            char sink[16], seq[24];
            snprintf(sink, sizeof sink, "%d", tag->sink);
            snprintf(seq, sizeof seq, "%lld", (long long)tag->seq);
            rd_kafka_header_add(hdrs, "sluice-job", -1, tag->job ? tag->job : "", -1);
            rd_kafka_header_add(hdrs, "sluice-sink", -1, sink, -1);
            rd_kafka_header_add(hdrs, "sluice-seq", -1, seq, -1);
        }
    }
    rd_kafka_vu_t vu[6];
    size_t n = 0;
    vu[n].vtype = RD_KAFKA_VTYPE_RKT, vu[n++].u.rkt = p->rkt;
    vu[n].vtype = RD_KAFKA_VTYPE_PARTITION, vu[n++].u.i32 = part;
    vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS, vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
    vu[n].vtype = RD_KAFKA_VTYPE_VALUE, vu[n].u.mem.ptr = (void *)r->value, vu[n++].u.mem.size = r->value ? r->vlen : 0;
    vu[n].vtype = RD_KAFKA_VTYPE_KEY, vu[n].u.mem.ptr = (void *)r->key, vu[n++].u.mem.size = r->key ? r->klen : 0;
    if (hdrs) vu[n].vtype = RD_KAFKA_VTYPE_HEADERS, vu[n++].u.headers = hdrs;
    for (;;) {
        rd_kafka_error_t *e = rd_kafka_produceva(p->rk, vu, n);
        if (!e) return 0; /* the message owns hdrs now */
        rd_kafka_resp_err_t code = rd_kafka_error_code(e);
        if (code != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            *err = sl_strdupf("Failed to deliver to topic '%s': %s", p->topic, rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
            if (hdrs) rd_kafka_headers_destroy(hdrs);
            return CN_ERROR;
        }
        rd_kafka_error_destroy(e);
        rd_kafka_poll(p->rk, 10); /* a full local queue drains as delivery reports are served */
    }
}

int cn_producer_check(cn_producer *p, char **err) {
    rd_kafka_poll(p->rk, 0);
    return p->failed || p->st.fatal ? failure(p, err) : 0;
}

int cn_producer_flush(cn_producer *p, int timeout_ms, char **err) {
    rd_kafka_resp_err_t e = rd_kafka_flush(p->rk, timeout_ms);
    if (p->failed || p->st.fatal) {
        failure(p, err);
        p->failed = 0; /* reported: recovery may resend and flush again */
        return CN_ERROR;
    }
    if (e) {
        *err = sl_strdupf("Failed to deliver to topic '%s': %d messages not acknowledged within %d ms%s%s", p->topic,
                          rd_kafka_outq_len(p->rk), timeout_ms, p->st.last_err[0] ? ": " : "", p->st.last_err);
        return CN_ERROR;
    }
    return 0;
}

void cn_producer_close(cn_producer *p) {
    cn_producer_scan_close(p);
    if (p->rk) {
        rd_kafka_flush(p->rk, 5000);
        if (p->rkt) rd_kafka_topic_destroy(p->rkt);
        rd_kafka_destroy(p->rk);
    }
    free(p->acked);
    free(p->topic);
    free(p->table);
    free(p->bootstrap);
    sl_options_free(&p->props);
    memset(p, 0, sizeof *p);
}
