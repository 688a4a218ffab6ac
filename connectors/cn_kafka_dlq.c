/* cn_kafka_dlq.c: a source's dead-letter sink ('scan.dlq.topic'): a producer to that topic with
 * the source table's connection options ('properties.*', the same bootstrap resolution). It
 * has no rows to write: the runtime hands it ready-made records (the rejected record's raw key
 * and value, headers saying why) through cn_sink_produce, and reads it back with cn_sink_scan
 * like any outbox sink. */
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

typedef struct dlq_sink {
    cn_sink base;
    cn_producer prod;
    char *table;
} dlq_sink;

/* Rows cannot be written to a dead-letter sink. */
static int dlq_write(cn_sink *s, const sl_batch *b, char **err) {
    if (!b->nrows) return 0;
    *err = sl_strdupf("The dead-letter topic '%s' of table '%s' takes records, not rows", ((dlq_sink *)s)->prod.topic,
                      ((dlq_sink *)s)->table);
    return CN_ERROR;
}

/* Waits until every produced record is acknowledged. */
static int dlq_flush(cn_sink *s, int timeout_ms, char **err) {
    return cn_producer_flush(&((dlq_sink *)s)->prod, timeout_ms, err);
}

static void dlq_close(cn_sink *s) {
    dlq_sink *d = (dlq_sink *)s;
    cn_producer_close(&d->prod);
    free(d->table);
    free(d);
}

static const cn_sink_vt dlq_vt = {dlq_write, dlq_flush, dlq_close, NULL};

cn_sink *cn_dlq_open(const cn_spec *source_spec, const char *topic, char **err) {
    const char *table = source_spec->table ? source_spec->table : "?";
    if (!topic || !*topic || strchr(topic, ';')) {
        *err = sl_strdupf("The dead-letter topic of table '%s' must be a single topic name", table);
        return NULL;
    }
    dlq_sink *d = calloc(1, sizeof *d);
    d->base.vt = &dlq_vt;
    d->table = strdup(table);
    if (cn_producer_open(&d->prod, source_spec, topic, err) < 0) {
        dlq_close(&d->base);
        return NULL;
    }
    d->base.prod = &d->prod;
    return &d->base;
}
