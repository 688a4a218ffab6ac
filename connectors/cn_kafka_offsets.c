/* cn_kafka_offsets.c: where a Kafka source starts and stops in each partition. Start offsets
 * come from 'scan.startup.mode' (earliest / latest / group / timestamp / specific offsets) or,
 * for a job restored from a checkpoint, from the saved positions (spec->resume); stop offsets
 * from 'scan.bounded.mode'. Everything is resolved to absolute offsets once, at open. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../common/sl_error.h"
#include "cn_kafka_source.h"

/* A list of every partition (offset field unset). */
static rd_kafka_topic_partition_list_t *all_parts(cn_ksrc *ks) {
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(ks->nparts);
    for (int i = 0; i < ks->nparts; i++)
        rd_kafka_topic_partition_list_add(l, ks->topics[ks->parts[i].topic], ks->parts[i].partition);
    return l;
}

/* Errors that retrying cannot cure: the job stops at once with them. */
static bool permanent(rd_kafka_resp_err_t e) {
    return e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || e == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED ||
           e == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED || e == RD_KAFKA_RESP_ERR__INVALID_ARG ||
           e == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION;
}

/* Milliseconds between tries and how long to keep trying: a broker that just elected a
 * leader or created the topic answers NOT_LEADER / LEADER_NOT_AVAILABLE / UNKNOWN_TOPIC for a
 * moment (on real Kafka right after topic creation too). */
#define OFFSETS_RETRY_MS 200
#define OFFSETS_DEADLINE_MS 30000

/* Monotonic milliseconds. */
static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a failed try: false when the error is permanent or the deadline has passed, else
 * true after a pause. */
static bool retry_after(rd_kafka_resp_err_t e, int64_t started_ms) {
    if (permanent(e) || mono_ms() - started_ms >= OFFSETS_DEADLINE_MS) return false;
    struct timespec pause = {0, OFFSETS_RETRY_MS * 1000000L};
    nanosleep(&pause, NULL);
    return true;
}

/* ListOffsets for every partition at timestamp ts (-2 earliest, -1 latest, else a time in ms);
 * out[i] = offset, or -1 when the broker has none (a timestamp after every record). A request
 * or partition error is retried until the deadline, unless it is permanent: an error is never
 * taken for "no offset", which would make a bounded job read nothing. */
static int list_offsets(cn_ksrc *ks, int64_t ts, int64_t *out, char **err) {
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int64_t started = mono_ms();;) {
        rd_kafka_topic_partition_list_t *l = all_parts(ks);
        for (int i = 0; i < l->cnt; i++) l->elems[i].offset = ts;
        e = rd_kafka_offsets_for_times(ks->rk, l, 10000);
        for (int i = 0; !e && i < l->cnt; i++) e = l->elems[i].err;
        if (!e)
            for (int i = 0; i < l->cnt; i++) out[i] = l->elems[i].offset;
        rd_kafka_topic_partition_list_destroy(l);
        if (!e) return 0;
        if (!retry_after(e, started)) break;
    }
    *err = sl_strdupf("Cannot list offsets of table '%s': %s", ks->table, rd_kafka_err2str(e));
    return -1;
}

/* Committed offsets of the group (-1 where none); errors retried as list_offsets does (an
 * error read as "no committed offset" would restart the partition from the reset point). */
static int committed_offsets(cn_ksrc *ks, int64_t *out, char **err) {
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int64_t started = mono_ms();;) {
        rd_kafka_topic_partition_list_t *l = all_parts(ks);
        e = rd_kafka_committed(ks->rk, l, 10000);
        for (int i = 0; !e && i < l->cnt; i++) e = l->elems[i].err;
        if (!e)
            for (int i = 0; i < l->cnt; i++) out[i] = l->elems[i].offset < 0 ? -1 : l->elems[i].offset;
        rd_kafka_topic_partition_list_destroy(l);
        if (!e) return 0;
        if (!retry_after(e, started)) break;
    }
    *err = sl_strdupf("Cannot read committed offsets of group '%s' for table '%s': %s", ks->group ? ks->group : "",
                      ks->table, rd_kafka_err2str(e));
    return -1;
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
static int apply_specific(cn_ksrc *ks, const cn_spec *spec, const char *key, int64_t *offs, char **err) {
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

/* Start offsets from 'scan.startup.mode'. lo/hi: each partition's first and end offsets. */
static int startup_offsets(cn_ksrc *ks, const cn_spec *spec, const char *reset, const char *mode,
                           const int64_t *lo, const int64_t *hi, int64_t *tmp, char **err) {
    int n = ks->nparts;
    bool reset_latest = reset && (!strcmp(reset, "latest") || !strcmp(reset, "largest") || !strcmp(reset, "end"));
    bool reset_none = reset && (!strcmp(reset, "none") || !strcmp(reset, "error"));
    if (!strcmp(mode, "earliest-offset")) {
        for (int i = 0; i < n; i++) ks->parts[i].start = lo[i];
    } else if (!strcmp(mode, "latest-offset")) {
        for (int i = 0; i < n; i++) ks->parts[i].start = hi[i];
    } else if (!strcmp(mode, "group-offsets")) {
        if (!ks->group) {
            *err = sl_strdupf("scan.startup.mode 'group-offsets' of table '%s' needs 'properties.group.id'", ks->table);
            return -1;
        }
        if (committed_offsets(ks, tmp, err) < 0) return -1;
        for (int i = 0; i < n; i++) {
            if (tmp[i] < 0 && reset_none) {
                *err = sl_strdupf("No committed offset for topic '%s' partition %d in group '%s' and "
                                  "'properties.auto.offset.reset' is 'none'",
                                  ks->topics[ks->parts[i].topic], (int)ks->parts[i].partition, ks->group);
                return -1;
            }
            ks->parts[i].start = tmp[i] >= 0 ? tmp[i] : reset_latest ? hi[i] : lo[i];
        }
    } else if (!strcmp(mode, "timestamp")) {
        if (ts_option(spec, "scan.startup.timestamp-millis", &ks->start_ts, err) < 0) return -1;
        if (list_offsets(ks, ks->start_ts, tmp, err) < 0) return -1;
        /* Brokers without timestamp look-ups (the embedded one) answer -1: read from the start
         * and skip the older records here. */
        for (int i = 0; i < n; i++) {
            ks->parts[i].start = tmp[i] >= 0 ? tmp[i] : lo[i];
            ks->parts[i].seek_ts = true;
        }
    } else if (!strcmp(mode, "specific-offsets")) {
        for (int i = 0; i < n; i++) tmp[i] = -1;
        if (apply_specific(ks, spec, "scan.startup.specific-offsets", tmp, err) < 0) return -1;
        int64_t *c = NULL;
        if (ks->group) {
            c = malloc(sizeof(int64_t) * (size_t)n);
            if (committed_offsets(ks, c, err) < 0) {
                free(c);
                return -1;
            }
        }
        for (int i = 0; i < n; i++)
            ks->parts[i].start = tmp[i] >= 0 ? tmp[i] : c && c[i] >= 0 ? c[i] : reset_latest ? hi[i] : lo[i];
        free(c);
    } else {
        *err = sl_strdupf("Invalid value '%s' for option 'scan.startup.mode' of table '%s' (earliest-offset, "
                          "latest-offset, group-offsets, timestamp, specific-offsets)", mode, ks->table);
        return -1;
    }
    return 0;
}

/* Stop offsets from 'scan.bounded.mode' (table option, else the session's). */
static int stop_offsets(cn_ksrc *ks, const cn_spec *spec, const int64_t *hi, int64_t *tmp, char **err) {
    int n = ks->nparts;
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
            return -1;
        }
        if (committed_offsets(ks, tmp, err) < 0) return -1;
        for (int i = 0; i < n; i++) ks->parts[i].stop = tmp[i] >= 0 ? tmp[i] : ks->parts[i].start;
    } else if (!strcmp(bmode, "timestamp")) {
        if (ts_option(spec, "scan.bounded.timestamp-millis", &ks->stop_ts, err) < 0) return -1;
        for (int i = 0; i < n; i++) ks->parts[i].stop = hi[i];
    } else if (!strcmp(bmode, "specific-offsets")) {
        for (int i = 0; i < n; i++) tmp[i] = ks->parts[i].start;  /* unlisted: nothing to read */
        if (apply_specific(ks, spec, "scan.bounded.specific-offsets", tmp, err) < 0) return -1;
        for (int i = 0; i < n; i++) ks->parts[i].stop = tmp[i];
    } else {
        *err = sl_strdupf("Invalid value '%s' for option 'scan.bounded.mode' of table '%s' (unbounded, "
                          "latest-offset, group-offsets, timestamp, specific-offsets)", bmode, ks->table);
        return -1;
    }
    return 0;
}

/* Restored positions replace the start offsets of the partitions they name. A position beyond
 * a partition's end, or in a partition the topic no longer has, means the topic was deleted and
 * re-created since the checkpoint: continuing would silently skip or misread records. Positions
 * of topics the table no longer reads are ignored. */
static int apply_resume(cn_ksrc *ks, const cn_spec *spec, const int64_t *hi, char **err) {
    for (int k = 0; k < spec->nresume; k++) {
        const cn_position *p = &spec->resume[k];
        if (!p->topic || p->offset < 0) continue;
        int t = 0;
        while (t < ks->ntopics && strcmp(ks->topics[t], p->topic)) t++;
        if (t == ks->ntopics) continue;
        int cnt = (t + 1 < ks->ntopics ? ks->topic_base[t + 1] : ks->nparts) - ks->topic_base[t];
        if (p->partition < 0 || p->partition >= cnt) {
            *err = sl_strdupf("Cannot resume table '%s': the saved position names topic '%s' partition %d (offset "
                              "%lld), but the topic now has %d partition%s; was it deleted and re-created? Delete "
                              "the job's state to start again from 'scan.startup.mode'",
                              ks->table, p->topic, (int)p->partition, (long long)p->offset, cnt, cnt == 1 ? "" : "s");
            return -1;
        }
        int i = ks->topic_base[t] + p->partition;
        if (p->offset > hi[i]) {
            *err = sl_strdupf("Cannot resume table '%s': the saved position of topic '%s' partition %d is offset %lld, "
                              "beyond the partition's end (offset %lld); was the topic deleted and re-created? "
                              "Delete the job's state to start again from 'scan.startup.mode'",
                              ks->table, p->topic, (int)p->partition, (long long)p->offset, (long long)hi[i]);
            return -1;
        }
        ks->parts[i].start = p->offset;
        ks->parts[i].seek_ts = false;
    }
    return 0;
}

int cn_ks_resolve_offsets(cn_ksrc *ks, const cn_spec *spec, const char *reset, const char *default_mode,
                          char **err) {
    int n = ks->nparts;
    int64_t *lo = malloc(sizeof(int64_t) * (size_t)(n + 1)), *hi = malloc(sizeof(int64_t) * (size_t)(n + 1));
    int64_t *tmp = malloc(sizeof(int64_t) * (size_t)(n + 1));
    int rc = -1;
    if (list_offsets(ks, -2, lo, err) < 0 || list_offsets(ks, -1, hi, err) < 0) goto out;
    for (int i = 0; i < n; i++) {
        if (lo[i] < 0) lo[i] = 0;
        if (hi[i] < lo[i]) hi[i] = lo[i];
    }
    const char *mode = sl_options_get(spec->opts, "scan.startup.mode");
    if (!mode) mode = default_mode ? default_mode : ks->group ? "group-offsets" : "earliest-offset";
    if (startup_offsets(ks, spec, reset, mode, lo, hi, tmp, err) < 0) goto out;
    if (stop_offsets(ks, spec, hi, tmp, err) < 0) goto out;
    if (apply_resume(ks, spec, hi, err) < 0) goto out;
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
