/* cn_kafka_producer.c: the producer behind the Kafka sinks ('kafka', 'upsert-kafka'): an
 * idempotent librdkafka producer for one topic with Java's key hash (murmur2) as the default
 * partitioner, so a key always lands in the partition Kafka's Java clients would choose. The
 * first delivery failure is kept and reported by the next send, check or flush. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

/* Delivery report: keeps the first failure. Called from rd_kafka_poll/flush on the writer's
 * thread. */
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    cn_producer *p = (cn_producer *)((char *)opaque - offsetof(cn_producer, st));
    if (m->err && !p->failed) {
        snprintf(p->fail_msg, sizeof p->fail_msg, "%s", rd_kafka_err2str(m->err));
        p->failed = 1;
    }
}

int cn_producer_open(cn_producer *p, const cn_spec *spec, const char *topic, char **err) {
    memset(p, 0, sizeof *p);
    p->topic = strdup(topic);
    const char *bootstrap = cn_bootstrap_for(spec->opts, spec->session, err);
    if (!bootstrap || cn_ensure_topic(bootstrap, topic, cn_default_partitions(spec), err) < 0) return -1;
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cn_quiet_logs(conf, &p->st);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    if (cn_conf_set(conf, "bootstrap.servers", bootstrap, err) < 0 ||
        cn_conf_set(conf, "enable.idempotence", "true", err) < 0 ||
        cn_conf_set(conf, "linger.ms", "5", err) < 0 ||
        cn_conf_set(conf, "partitioner", "murmur2_random", err) < 0 || /* Java's key hash */
        cn_apply_properties(conf, spec->opts, err) < 0) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!p->rk) {
        rd_kafka_conf_destroy(conf);
        *err = sl_strdupf("Cannot create a Kafka producer for table '%s': %s", spec->table, errstr);
        return -1;
    }
    p->rkt = rd_kafka_topic_new(p->rk, topic, NULL);
    p->nparts = cn_topic_partitions(p->rk, &p->st, bootstrap, topic, 10000, err);
    return p->nparts < 0 ? -1 : 0;
}

/* The first failure seen, as an error for the caller. */
static int failure(cn_producer *p, char **err) {
    *err = sl_strdupf("Failed to deliver to topic '%s': %s", p->topic, p->failed ? p->fail_msg : p->st.last_err);
    return CN_ERROR;
}

int cn_producer_send(cn_producer *p, int32_t partition, const void *value, size_t vlen, const void *key, size_t klen,
                     char **err) {
    for (;;) {
        if (rd_kafka_produce(p->rkt, partition, RD_KAFKA_MSG_F_COPY, (void *)value, value ? vlen : 0, key,
                             key ? klen : 0, NULL) == 0)
            return 0;
        rd_kafka_resp_err_t e = rd_kafka_last_error();
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            *err = sl_strdupf("Failed to deliver to topic '%s': %s", p->topic, rd_kafka_err2str(e));
            return CN_ERROR;
        }
        rd_kafka_poll(p->rk, 10); /* a full local queue drains as delivery reports are served */
    }
}

int cn_producer_check(cn_producer *p, char **err) {
    rd_kafka_poll(p->rk, 0);
    return p->failed || p->st.fatal ? failure(p, err) : 0;
}

int cn_producer_flush(cn_producer *p, int timeout_ms, char **err) {
    rd_kafka_resp_err_t e = rd_kafka_flush(p->rk, timeout_ms);
    if (p->failed || p->st.fatal) return failure(p, err);
    if (e) {
        *err = sl_strdupf("Failed to deliver to topic '%s': %d messages not acknowledged within %d ms%s%s", p->topic,
                          rd_kafka_outq_len(p->rk), timeout_ms, p->st.last_err[0] ? ": " : "", p->st.last_err);
        return CN_ERROR;
    }
    return 0;
}

void cn_producer_close(cn_producer *p) {
    if (p->rk) {
        rd_kafka_flush(p->rk, 5000);
        if (p->rkt) rd_kafka_topic_destroy(p->rkt);
        rd_kafka_destroy(p->rk);
    }
    free(p->topic);
    memset(p, 0, sizeof *p);
}
