/* rt_outbox.c: exactly-once delivery of one channel through the store's outbox (see
 * rt_outbox.h and docs/exactly-once.md for the sequence and why it is correct).
 *
 * Sequence numbers: `next` is the number the next record gets; `committed` the highest number
 * a commit made durable (prepare notes next - 1, the commit that follows makes it true);
 * `produced` the highest number produced so far; `confirmed` the highest known to be in Kafka
 * (acknowledged, or found by a recovery). confirmed <= produced <= committed < next. */
#include "rt_outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../common/sl_error.h"
#include "rt_crash.h"
#include "rt_job.h"

struct rt_outbox {
    rt_store *store;
    cn_sink *sink;
    char *job;
    int channel;
    int64_t next, committed, produced, confirmed, pending_commit;
    int64_t *scan;            /* per partition: where a recovery starts reading (-1: the start) */
    int nscan;
    int64_t grace_ms, timeout_ms;
    int retries;
    int64_t delivered;
    bool unsure;              /* a delivery failed: what is in Kafka must be looked up */
};

/* Sleeps ms milliseconds. */
static void sleep_ms(int64_t ms) {
    if (ms <= 0) return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

rt_outbox *rt_outbox_open(rt_store *store, cn_sink *sink, const char *job, int channel, const sl_options *session,
                          char **err) {
    rt_outbox *o = calloc(1, sizeof *o);
    if (!o) abort();
    o->store = store;
    o->sink = sink;
    o->job = strdup(job);
    o->channel = channel;
    o->grace_ms = rt_duration_ms(sl_options_get(session, "sink.recovery.grace"), 0);
    o->timeout_ms = rt_duration_ms(sl_options_get(session, "sink.delivery.timeout"), 60000);
    o->retries = (int)sl_options_get_int(session, "sink.delivery.retries", 10);
    if (o->retries < 1) o->retries = 1;
    if (rt_store_sink_get(store, channel, &o->next, &o->scan, &o->nscan, err) < 0) {
        rt_outbox_close(o);
        return NULL;
    }
    o->committed = o->produced = o->confirmed = o->pending_commit = o->next - 1;
    return o;
}

void rt_outbox_close(rt_outbox *o) {
    if (!o) return;
    free(o->job);
    free(o->scan);
    free(o);
}

int64_t rt_outbox_delivered(const rt_outbox *o) { return o->delivered; }

int rt_outbox_add(rt_outbox *o, const cn_record *r, char **err) {
    if (rt_store_outbox_add(o->store, o->channel, o->next, r, err) < 0) return -1;
    o->next++;
    return 0;
}

/* Widens the scan starts by what the sink has acknowledged: a later record can only land
 * after the last acknowledged one of its partition. */
static void advance_scan(rt_outbox *o) {
    const int64_t *acked;
    int n = cn_sink_acked(o->sink, &acked);
    if (n > o->nscan) {
        o->scan = realloc(o->scan, sizeof *o->scan * (size_t)n);
        for (int p = o->nscan; p < n; p++) o->scan[p] = -1;
        o->nscan = n;
    }
    for (int p = 0; p < n; p++)
        if (acked[p] > o->scan[p]) o->scan[p] = acked[p];
}

/* ---- producing ---- */

typedef struct produce_ctx {
    rt_outbox *o;
    int64_t upto;            /* produce numbers up to this one */
    const int64_t *skip;     /* sorted numbers already in Kafka (recovery) */
    int nskip, at;
    int64_t count, half;     /* for the crash points in the middle */
    const char *mid_point;
} produce_ctx;

/* Produces one outbox record unless it is past the range or already in Kafka. */
static int produce_one(void *ud, int64_t seq, const cn_record *r, char **err) {
    produce_ctx *c = ud;
    if (seq > c->upto) return 1; /* stops the walk: the rest belongs to a later commit */
    while (c->at < c->nskip && c->skip[c->at] < seq) c->at++;
    if (c->at < c->nskip && c->skip[c->at] == seq) return 0;
    cn_tag tag = {c->o->job, c->o->channel, seq};
    if (cn_sink_produce(c->o->sink, r, &tag, err) < 0) return -1;
    if (++c->count == c->half && c->mid_point) rt_crash_point(c->mid_point);
    return 0;
}

/* Produces the outbox records numbered in (after, upto], skipping `skip`. */
static int produce_range(rt_outbox *o, int64_t after, int64_t upto, const int64_t *skip, int nskip,
                         const char *mid_point, char **err) {
    produce_ctx c = {o, upto, skip, nskip, 0, 0, (upto - after - nskip) / 2, mid_point};
    if (c.half < 1) c.half = 1;
    int rc = rt_store_outbox_each(o->store, o->channel, after, produce_one, &c, err);
    return rc < 0 ? -1 : 0;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* R1: the numbers of this channel's records already in the output partitions, sorted. */
static int scan_output(rt_outbox *o, int64_t **found, int *nfound, char **err) {
    const int64_t *acked;
    int nparts = cn_sink_acked(o->sink, &acked);
    int64_t *all = NULL;
    int n = 0;
    cn_tag tag = {o->job, o->channel, 0};
    for (int p = 0; p < nparts; p++) {
        int64_t *seqs = NULL;
        int k = 0;
        int64_t from = p < o->nscan && o->scan[p] >= 0 ? o->scan[p] : 0;
        if (cn_sink_scan(o->sink, p, from, &tag, &seqs, &k, err) < 0) {
            free(all);
            return -1;
        }
        if (k) {
            all = realloc(all, sizeof *all * (size_t)(n + k));
            memcpy(all + n, seqs, sizeof *all * (size_t)k);
            n += k;
        }
        free(seqs);
    }
    if (n > 1) qsort(all, (size_t)n, sizeof *all, cmp_i64);
    *found = all;
    *nfound = n;
    return 0;
}

/* One recovery pass: R1 (what of (confirmed, upto] is in Kafka), R2 (produce the rest and
 * wait for the acknowledgements). After a failure in this run (`fresh` false) the producer
 * session is replaced first, so that none of its records can land after the scan. 0 or -1. */
static int recover_once(rt_outbox *o, int64_t upto, bool fresh, char **err) {
    int64_t *found = NULL;
    int nfound = 0;
    if (!fresh && cn_sink_reset(o->sink, err) < 0) return -1;
    if (scan_output(o, &found, &nfound, err) < 0) return -1;
    rt_crash_point("recover.after-scan");
    int rc = produce_range(o, o->confirmed, upto, found, nfound, "recover.mid", err);
    free(found);
    if (rc == 0) rc = cn_sink_flush(o->sink, (int)o->timeout_ms, err) < 0 ? -1 : 0;
    if (rc == 0) {
        advance_scan(o);
        o->produced = o->confirmed = upto;
    }
    return rc;
}

/* Recovers (confirmed, upto] with retries: a transient fault (a broker down for a while)
 * passes; after 'sink.delivery.retries' failed passes in a row the job stops. */
static int recover_until(rt_outbox *o, int64_t upto, bool fresh, char **err) {
    sleep_ms(o->grace_ms);
    char *last = NULL;
    for (int attempt = 0; attempt < o->retries; attempt++) {
        if (attempt) sleep_ms(attempt < 5 ? 200LL << attempt : 5000);
        char *e = NULL;
        if (recover_once(o, upto, fresh && attempt == 0, &e) == 0) {
            free(last);
            o->unsure = false;
            return 0;
        }
        free(last);
        last = e;
    }
    *err = sl_strdupf("Cannot deliver the results of job '%s' to Kafka after %d attempts: %s. The records stay in "
                      "the job's state and a restart delivers them.",
                      o->job, o->retries, last ? last : "unknown error");
    free(last);
    return -1;
}

/* ---- the checkpoint's steps ---- */

/* Deletes what is confirmed and records the scan starts and next number (in the open
 * transaction). */
static int record_progress(rt_outbox *o, char **err) {
    if (rt_store_outbox_delete(o->store, o->channel, o->confirmed, err) < 0) return -1;
    return rt_store_sink_set(o->store, o->channel, o->next, o->scan, o->nscan, err);
}

int rt_outbox_prepare(rt_outbox *o, char **err) {
    if (o->produced > o->confirmed) {
        char *e = NULL;
        if (!o->unsure && cn_sink_flush(o->sink, (int)o->timeout_ms, &e) == 0) {
            advance_scan(o);
            o->delivered += o->produced - o->confirmed;
            o->confirmed = o->produced;
        } else {
            free(e);
            int64_t before = o->confirmed;
            if (recover_until(o, o->produced, false, err) < 0) return -1;
            o->delivered += o->confirmed - before;
        }
        rt_crash_point("prepare.after-ack");
    }
    if (record_progress(o, err) < 0) return -1;
    o->pending_commit = o->next - 1;
    return 0;
}

int rt_outbox_deliver(rt_outbox *o, char **err) {
    (void)err; /* a producer error is not the job's end: the next prepare recovers */
    o->committed = o->pending_commit;
    if (o->committed <= o->produced) return 0;
    char *e = NULL;
    if (produce_range(o, o->produced, o->committed, NULL, 0, "deliver.mid", &e) < 0) {
        /* a producer error: the next prepare finds out what arrived (recovery) */
        free(e);
        o->unsure = true;
    }
    o->produced = o->committed;
    rt_crash_point("deliver.after-produce");
    return 0;
}

int rt_outbox_recover(rt_outbox *o, char **err) {
    int64_t lo = 0, hi = 0;
    int64_t n = rt_store_outbox_range(o->store, o->channel, &lo, &hi, err);
    if (n < 0) return -1;
    if (n == 0) return 0;
    o->confirmed = lo - 1;
    if (hi >= o->next) o->next = hi + 1;
    int64_t before = o->confirmed;
    if (recover_until(o, hi, true, err) < 0) return -1;
    o->delivered += o->confirmed - before;
    o->committed = o->pending_commit = hi;
    if (record_progress(o, err) < 0) return -1;
    rt_crash_point("recover.before-commit");
    return 0;
}
