/* cn_kafka_util.c: librdkafka plumbing shared by the Kafka source, sink and embedded broker:
 * 'properties.*' pass-through, quiet logging, option lists, metadata look-ups. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

/* Sets one property or fails with a message naming it. */
int cn_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, char **err) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        *err = sl_strdupf("Invalid Kafka property '%s' = '%s': %s", key, value, errstr);
        return -1;
    }
    return 0;
}

/* Every 'properties.X' option becomes librdkafka property X (SASL/SSL included). */
int cn_apply_properties(rd_kafka_conf_t *conf, const sl_options *opts, char **err) {
    if (!opts) return 0;
    for (int i = 0; i < opts->n; i++) {
        if (strncmp(opts->keys[i], "properties.", 11) != 0) continue;
        const char *k = opts->keys[i] + 11;
        /* Java-client-only keys that librdkafka does not know: ignore rather than fail. */
        if (!strcmp(k, "key.deserializer") || !strcmp(k, "value.deserializer") ||
            !strcmp(k, "key.serializer") || !strcmp(k, "value.serializer"))
            continue;
        if (cn_conf_set(conf, k, opts->values[i], err) < 0) return -1;
    }
    return 0;
}

/* Log callback: only errors and worse, and not librdkafka's echo of errors the error callback
 * already reports (connection failures print twice and mislead about security.protocol). */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    (void)rk;
    if (level > 3) return;
    if (!strcmp(fac, "FAIL") || !strcmp(fac, "ERROR") || !strcmp(fac, "BROKERFAIL")) return;
    fprintf(stderr, "kafka: %s\n", buf);
}

/* Error callback: records what happened for the client's owner; prints only fatal errors. */
static void error_cb(rd_kafka_t *rk, int errc, const char *reason, void *opaque) {
    cn_kstate *st = opaque;
    if (!st) return;
    /* keep the cause (e.g. "Connection refused") rather than the "all brokers down" summary */
    if (errc != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || !st->last_err[0])
        snprintf(st->last_err, sizeof st->last_err, "%s", reason);
    if (errc == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || errc == RD_KAFKA_RESP_ERR__RESOLVE ||
        errc == RD_KAFKA_RESP_ERR__AUTHENTICATION || errc == RD_KAFKA_RESP_ERR__SSL)
        st->all_down = 1;
    if (errc == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[256];
        rd_kafka_fatal_error(rk, buf, sizeof buf);
        snprintf(st->last_err, sizeof st->last_err, "%s", buf);
        st->fatal = 1;
    }
}

void cn_quiet_logs(rd_kafka_conf_t *conf, cn_kstate *st) {
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    rd_kafka_conf_set_opaque(conf, st);
}

/* Splits "a; b;c" into trimmed items. */
int cn_split_list(const char *list, char ***items) {
    int n = 0, cap = 4;
    char **v = malloc(sizeof(char *) * (size_t)cap);
    for (const char *p = list ? list : ""; *p;) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *q = p;
        while (len && isspace((unsigned char)*q)) q++, len--;
        while (len && isspace((unsigned char)q[len - 1])) len--;
        if (len) {
            if (n == cap) v = realloc(v, sizeof(char *) * (size_t)(cap *= 2));
            v[n++] = strndup(q, len);
        }
        if (!e) break;
        p = e + 1;
    }
    *items = v;
    return n;
}

void cn_free_list(char **items, int n) {
    for (int i = 0; i < n; i++) free(items[i]);
    free(items);
}

/* Reads "partition:<int>,offset:<int>" (blanks allowed) from one list item. */
static bool parse_pair(const char *s, int32_t *part, int64_t *off) {
    long long p = -1, o = -1;
    int a = -1, b = -1;
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        if (!*s) break;
        const char *colon = strchr(s, ':');
        if (!colon) return false;
        size_t klen = (size_t)(colon - s);
        while (klen && s[klen - 1] == ' ') klen--;
        char *end;
        errno = 0;
        long long v = strtoll(colon + 1, &end, 10);
        if (end == colon + 1 || errno || v < 0) return false;
        if (klen == 9 && !strncmp(s, "partition", 9)) p = v, a = 1;
        else if (klen == 6 && !strncmp(s, "offset", 6)) o = v, b = 1;
        else return false;
        s = end;
        while (*s == ' ') s++;
        if (*s && *s != ',') return false;
    }
    if (a < 0 || b < 0 || p > INT32_MAX) return false;
    *part = (int32_t)p;
    *off = o;
    return true;
}

int cn_parse_specific_offsets(const char *text, const char *key, int32_t **parts, int64_t **offs,
                              int *n, char **err) {
    char **items;
    int k = cn_split_list(text, &items);
    *parts = malloc(sizeof(int32_t) * (size_t)(k ? k : 1));
    *offs = malloc(sizeof(int64_t) * (size_t)(k ? k : 1));
    *n = k;
    for (int i = 0; i < k; i++) {
        if (!parse_pair(items[i], &(*parts)[i], &(*offs)[i])) {
            *err = sl_strdupf("Invalid value '%s' for option '%s': expected "
                              "'partition:0,offset:42;partition:1,offset:300'", text ? text : "", key);
            cn_free_list(items, k);
            free(*parts), free(*offs);
            *parts = NULL, *offs = NULL;
            return -1;
        }
    }
    cn_free_list(items, k);
    if (!k) {
        *err = sl_strdupf("Option '%s' is required (e.g. 'partition:0,offset:42;partition:1,offset:300')", key);
        free(*parts), free(*offs);
        *parts = NULL, *offs = NULL;
        return -1;
    }
    return 0;
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Asks for the topic's metadata until it has partitions (a new topic may take a moment on a
 * real broker), the brokers are known to be unreachable, or the timeout passes. */
int cn_topic_partitions(rd_kafka_t *rk, cn_kstate *st, const char *bootstrap, const char *topic,
                        int timeout_ms, char **err) {
    long deadline = now_ms() + timeout_ms;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    rd_kafka_resp_err_t last = RD_KAFKA_RESP_ERR_NO_ERROR;
    int result = -1;
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0) break;
        const struct rd_kafka_metadata *md = NULL;
        last = rd_kafka_metadata(rk, 0, rkt, &md, (int)(left < 250 ? left : 250));
        if (last == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                md->topics[0].partition_cnt > 0)
                result = md->topics[0].partition_cnt;
            else if (md->topic_cnt == 1)
                last = md->topics[0].err;
            rd_kafka_metadata_destroy(md);
            if (result > 0) break;
            if (last == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || last == RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION) {
                *err = sl_strdupf("Cannot use topic '%s' at %s: %s", topic, bootstrap, rd_kafka_err2str(last));
                rd_kafka_topic_destroy(rkt);
                return -2; /* the topic exists but is refused to us: creating it cannot help */
            }
            struct timespec ts = {0, 50 * 1000000};
            nanosleep(&ts, NULL);
        }
        rd_kafka_poll(rk, 0);
        if (st && (st->all_down || st->fatal)) break;
    }
    rd_kafka_topic_destroy(rkt);
    if (result > 0) return result;
    if (st && (st->all_down || st->fatal))
        *err = sl_strdupf("Cannot reach Kafka at %s: %s", bootstrap, st->last_err);
    else if (last == RD_KAFKA_RESP_ERR_NO_ERROR || last == RD_KAFKA_RESP_ERR__TIMED_OUT ||
             last == RD_KAFKA_RESP_ERR__TRANSPORT)
        *err = sl_strdupf("Cannot reach Kafka at %s: no metadata for topic '%s' within %d ms%s%s", bootstrap,
                          topic, timeout_ms, st && st->last_err[0] ? ": " : "", st ? st->last_err : "");
    else
        *err = sl_strdupf("Topic '%s' is not available at %s: %s", topic, bootstrap, rd_kafka_err2str(last));
    return -1;
}
