/* rt_dlq.c: a source's dead-letter topic (see rt_dlq.h). */
#include "rt_dlq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt_outbox.h"

struct rt_dlq {
    cn_sink *sink;
    rt_outbox *outbox;   /* exactly-once; NULL: produced at once */
    char *job;
    int channel;
    int64_t count;
};

rt_dlq *rt_dlq_open(rt_job *job, const cn_spec *spec, const char *topic, int channel, char **err) {
    rt_dlq *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->channel = channel;
    d->job = strdup(job->name ? job->name : "");
    d->sink = cn_dlq_open(spec, topic, err);
    if (!d->sink) {
        rt_dlq_close(d);
        return NULL;
    }
    const char *g = sl_options_get(job->session, "sink.delivery-guarantee");
    bool exactly = g ? !strcmp(g, "exactly-once") : true;
    if (job->durable && exactly) {
        d->outbox = rt_outbox_open(job->store, d->sink, d->job, channel, job->session, err);
        if (!d->outbox || rt_outbox_recover(d->outbox, err) < 0) {
            rt_dlq_close(d);
            return NULL;
        }
    }
    return d;
}

int rt_dlq_send(rt_dlq *d, const cn_reject *r, int n, char **err) {
    const int64_t *acked;
    int nparts = cn_sink_acked(d->sink, &acked);
    for (int i = 0; i < n; i++) {
        char part[16], off[24];
        snprintf(part, sizeof part, "%d", (int)r[i].partition);
        snprintf(off, sizeof off, "%lld", (long long)r[i].offset);
        cn_header h[4] = {{"sluice-error", r[i].error, strlen(r[i].error)},
                          {"sluice-topic", r[i].topic, strlen(r[i].topic)},
                          {"sluice-partition", part, strlen(part)},
                          {"sluice-offset", off, strlen(off)}};
        cn_record rec = {nparts > 0 ? r[i].partition % nparts : 0, r[i].key, r[i].klen, r[i].value, r[i].vlen, h, 4};
        int rc;
        if (d->outbox) {
            rc = rt_outbox_add(d->outbox, &rec, err);
        } else {
            cn_tag tag = {d->job, d->channel, d->count + 1};
            rc = cn_sink_produce(d->sink, &rec, &tag, err);
        }
        if (rc < 0) return -1;
        d->count++;
    }
    return 0;
}

int rt_dlq_checkpoint(rt_dlq *d, char **err) {
    if (d->outbox) return rt_outbox_prepare(d->outbox, err);
    return cn_sink_flush(d->sink, 60000, err) < 0 ? -1 : 0;
}

int rt_dlq_committed(rt_dlq *d, char **err) { return d->outbox ? rt_outbox_deliver(d->outbox, err) : 0; }

int64_t rt_dlq_count(const rt_dlq *d) { return d->count; }

void rt_dlq_close(rt_dlq *d) {
    if (!d) return;
    rt_outbox_close(d->outbox);
    if (d->sink) cn_sink_close(d->sink);
    free(d->job);
    free(d);
}
