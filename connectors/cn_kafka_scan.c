/* cn_kafka_scan.c: recovery's read of an output partition (cn_sink_scan, docs/exactly-once.md
 * R1): which sequence numbers of this job's sink are already in partition p from a given
 * offset to the partition's end. A consumer is created on the first scan with the sink's
 * bootstrap and 'properties.*' and reused; each scan assign()s the one partition it reads (no
 * group join), stops at the high watermark queried when it starts, and unassigns. It reads
 * read_uncommitted, so that no open transaction of another writer holds it before the end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

enum { STALL_MS = 15000 };  /* no record and no end of partition for this long: give up */

/* Monotonic milliseconds, for the stall timeout. */
static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Creates the scan consumer: the table's properties first, then what the scan relies on. */
static int scan_open(cn_producer *p, char **err) {
    char errstr[512], group[96];
    static int counter;
    snprintf(group, sizeof group, "sluice-scan-%d-%d", (int)getpid(), __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    memset(&p->scan_st, 0, sizeof p->scan_st);
    cn_quiet_logs(conf, &p->scan_st);
    if (cn_conf_set(conf, "group.id", group, err) < 0 || cn_apply_properties(conf, &p->props, err) < 0 ||
        cn_conf_set(conf, "bootstrap.servers", p->bootstrap, err) < 0 ||
        cn_conf_set(conf, "enable.auto.commit", "false", err) < 0 ||
        cn_conf_set(conf, "enable.auto.offset.store", "false", err) < 0 ||
        cn_conf_set(conf, "enable.partition.eof", "true", err) < 0 ||
        cn_conf_set(conf, "isolation.level", "read_uncommitted", err) < 0 ||
        cn_conf_set(conf, "auto.offset.reset", "earliest", err) < 0 || /* evicted meanwhile: the log start */
        cn_conf_set(conf, "fetch.wait.max.ms", "10", err) < 0) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    p->scan_rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!p->scan_rk) {
        rd_kafka_conf_destroy(conf);
        *err = sl_strdupf("Cannot create a Kafka consumer to read back topic '%s' of table '%s': %s", p->topic, p->table,
                          errstr);
        return -1;
    }
    /* metadata before the first assign(): otherwise the first fetch waits ~0.5 s */
    int n = cn_topic_partitions(p->scan_rk, &p->scan_st, p->bootstrap, p->topic, 10000, err);
    if (n < 0) {
        cn_producer_scan_close(p);
        return -1;
    }
    return 0;
}

/* Parses a whole decimal header value. */
static bool header_int(const void *v, size_t n, int64_t *out) {
    char buf[24];
    if (!v || n == 0 || n >= sizeof buf) return false;
    memcpy(buf, v, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    long long x = strtoll(buf, &end, 10);
    if (*end || errno || end == buf) return false;
    *out = x;
    return true;
}

/* The record's sluice-seq when its sluice-job and sluice-sink headers are the tag's. */
static bool tagged_seq(const rd_kafka_message_t *m, const cn_tag *tag, size_t joblen, int64_t *seq) {
    rd_kafka_headers_t *h;
    if (rd_kafka_message_headers(m, &h) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
    const void *v;
    size_t n;
    int64_t sink;
    if (rd_kafka_header_get_last(h, "sluice-job", &v, &n) || n != joblen || (n && memcmp(v, tag->job, n))) return false;
    if (rd_kafka_header_get_last(h, "sluice-sink", &v, &n) || !header_int(v, n, &sink) || sink != tag->sink) return false;
    return !rd_kafka_header_get_last(h, "sluice-seq", &v, &n) && header_int(v, n, seq);
}

/* Appends one sequence number to the growing result. */
static void push_seq(int64_t **seqs, int *n, int *cap, int64_t v) {
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *seqs = realloc(*seqs, sizeof **seqs * (size_t)*cap);
    }
    (*seqs)[(*n)++] = v;
}

/* Reads [start, hi) of the assigned partition; -1 + *err when it stalls or fails. */
static int read_range(cn_producer *p, int32_t part, int64_t start, int64_t hi, const cn_tag *tag, int64_t **seqs,
                      int *n, char **err) {
    int cap = 0;
    size_t joblen = tag->job ? strlen(tag->job) : 0;
    int64_t next = start;
    long last = now_ms();
    while (next < hi) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(p->scan_rk, 100);
        if (!m) {
            if (p->scan_st.fatal || now_ms() - last > STALL_MS) {
                *err = sl_strdupf("Cannot read back topic '%s' partition %d of table '%s' (at offset %lld of %lld): %s",
                                  p->topic, (int)part, p->table, (long long)next, (long long)hi,
                                  p->scan_st.last_err[0] ? p->scan_st.last_err : "no answer from Kafka");
                return -1;
            }
            continue;
        }
        bool mine = m->rkt && m->partition == part && !strcmp(rd_kafka_topic_name(m->rkt), p->topic);
        if (mine && m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (m->offset > next) next = m->offset;
            last = now_ms();
        } else if (mine && m->err) {
            if (m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || m->err == RD_KAFKA_RESP_ERR__FATAL ||
                m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
                *err = sl_strdupf("Cannot read back topic '%s' partition %d of table '%s': %s", p->topic, (int)part,
                                  p->table, rd_kafka_message_errstr(m));
                rd_kafka_message_destroy(m);
                return -1;
            }
        } else if (mine && m->offset >= next && m->offset < hi) {
            int64_t seq;
            if (tagged_seq(m, tag, joblen, &seq)) push_seq(seqs, n, &cap, seq);
            next = m->offset + 1;
            last = now_ms();
        } else if (mine && m->offset >= hi) {
            next = hi;
        }
        rd_kafka_message_destroy(m);
    }
    return 0;
}

int cn_producer_scan(cn_producer *p, int32_t part, int64_t from, const cn_tag *tag, int64_t **seqs, int *n,
                     char **err) {
    *seqs = NULL;
    *n = 0;
    if (!tag) {
        *err = sl_strdupf("Reading back topic '%s' needs the job's tag", p->topic);
        return -1;
    }
    if (part < 0 || part >= p->nparts) {
        *err = sl_strdupf("Cannot read back topic '%s' partition %d: the topic has %d partition%s", p->topic, (int)part,
                          p->nparts, p->nparts == 1 ? "" : "s");
        return -1;
    }
    if (!p->scan_rk && scan_open(p, err) < 0) return -1;
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(p->scan_rk, p->topic, part, &lo, &hi, 10000);
    if (e) {
        *err = sl_strdupf("Cannot read the end of topic '%s' partition %d of table '%s': %s", p->topic, (int)part,
                          p->table, rd_kafka_err2str(e));
        return -1;
    }
    int64_t start = from > lo ? from : lo;
    if (start >= hi) return 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, p->topic, part)->offset = start;
    e = rd_kafka_assign(p->scan_rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e) {
        *err = sl_strdupf("Cannot read back topic '%s' partition %d of table '%s': %s", p->topic, (int)part, p->table,
                          rd_kafka_err2str(e));
        return -1;
    }
    int rc = read_range(p, part, start, hi, tag, seqs, n, err);
    rd_kafka_assign(p->scan_rk, NULL);
    if (rc < 0) {
        free(*seqs);
        *seqs = NULL;
        *n = 0;
    }
    return rc;
}

void cn_producer_scan_close(cn_producer *p) {
    if (!p->scan_rk) return;
    rd_kafka_consumer_close(p->scan_rk);
    rd_kafka_destroy(p->scan_rk);
    p->scan_rk = NULL;
}
