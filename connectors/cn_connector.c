/* cn_connector.c: the public entry points: picks the implementation named by the 'connector'
 * option and forwards through the vtables; the option helpers every connector shares. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

/* Opens the source named by 'connector'. */
cn_source *cn_source_open(const cn_spec *spec, char **err) {
    const char *c = sl_options_get(spec->opts, "connector");
    if (!c) {
        *err = sl_strdupf("Table '%s' has no 'connector' option", spec->table);
        return NULL;
    }
    if (!strcmp(c, "kafka")) return cn_kafka_source_open(spec, err);
    if (!strcmp(c, "upsert-kafka")) return cn_upsert_kafka_source_open(spec, err);
    if (!strcmp(c, "datagen")) return cn_datagen_open(spec, err);
    if (!strcmp(c, "print") || !strcmp(c, "blackhole"))
        *err = sl_strdupf("Connector '%s' of table '%s' can only be written to, not read", c, spec->table);
    else
        *err = sl_strdupf("Unknown connector '%s' for table '%s' (sources: kafka, upsert-kafka, datagen)", c, spec->table);
    return NULL;
}

int cn_source_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err) {
    return s->vt->poll(s, out, timeout_ms, err);
}

int cn_source_commit(cn_source *s, char **err) { return s->vt->commit ? s->vt->commit(s, err) : 0; }

int cn_source_positions(cn_source *s, const cn_position **out) {
    *out = NULL;
    return s->vt->positions ? s->vt->positions(s, out) : 0;
}

int cn_source_rejects(cn_source *s, const cn_reject **out) {
    *out = NULL;
    return s->vt->rejects ? s->vt->rejects(s, out) : 0;
}

int64_t cn_source_skipped(const cn_source *s) { return s->skipped; }

void cn_source_close(cn_source *s) {
    if (s) s->vt->close(s);
}

/* Opens the sink named by 'connector'. */
cn_sink *cn_sink_open(const cn_spec *spec, char **err) {
    const char *c = sl_options_get(spec->opts, "connector");
    if (!c) {
        *err = sl_strdupf("Table '%s' has no 'connector' option", spec->table);
        return NULL;
    }
    if (!strcmp(c, "kafka")) return cn_kafka_sink_open(spec, err);
    if (!strcmp(c, "upsert-kafka")) return cn_upsert_kafka_sink_open(spec, err);
    if (!strcmp(c, "print")) return cn_print_sink_open(spec, err);
    if (!strcmp(c, "blackhole")) return cn_blackhole_sink_open(spec, err);
    if (!strcmp(c, "datagen"))
        *err = sl_strdupf("Connector 'datagen' of table '%s' can only be read, not written to", spec->table);
    else
        *err = sl_strdupf("Unknown connector '%s' for table '%s' (sinks: kafka, upsert-kafka, print, blackhole)", c, spec->table);
    return NULL;
}

/* Changelog sinks: upsert-kafka, kafka with debezium-json, print, blackhole. */
bool cn_sink_accepts_updates(const sl_options *opts) {
    const char *c = sl_options_get(opts, "connector");
    if (!c) return false;
    if (!strcmp(c, "upsert-kafka") || !strcmp(c, "print") || !strcmp(c, "blackhole")) return true;
    if (strcmp(c, "kafka")) return false;
    const char *f = sl_options_get(opts, "value.format");
    if (!f) f = sl_options_get(opts, "format");
    return f && !strcmp(f, "debezium-json");
}

int cn_sink_write(cn_sink *s, const sl_batch *b, char **err) { return s->vt->write(s, b, err); }

int cn_sink_flush(cn_sink *s, int timeout_ms, char **err) {
    return s->vt->flush ? s->vt->flush(s, timeout_ms, err) : 0;
}

void cn_sink_close(cn_sink *s) {
    if (s) s->vt->close(s);
}

/* ---- the outbox calls: sinks that write to Kafka carry their producer ---- */

bool cn_sink_has_outbox(const cn_sink *s) { return s && s->prod; }

int cn_sink_encode(cn_sink *s, const sl_batch *b, int (*fn)(void *ud, const cn_record *r, char **err), void *ud,
                   char **err) {
    if (!s->vt->encode) {
        *err = sl_strdupf("This sink does not encode rows into Kafka records");
        return CN_ERROR;
    }
    return s->vt->encode(s, b, fn, ud, err);
}

int cn_sink_produce(cn_sink *s, const cn_record *r, const cn_tag *tag, char **err) {
    if (!s->prod) {
        *err = sl_strdupf("This sink does not produce Kafka records");
        return CN_ERROR;
    }
    return cn_producer_produce(s->prod, r, tag, err);
}

int cn_sink_reset(cn_sink *s, char **err) {
    if (!s->prod) return 0;
    return cn_producer_reset(s->prod, err);
}

int cn_sink_acked(cn_sink *s, const int64_t **next_offsets) {
    *next_offsets = NULL;
    if (!s->prod) return 0;
    rd_kafka_poll(s->prod->rk, 0); /* serve the delivery reports that arrived */
    *next_offsets = s->prod->acked;
    return s->prod->nparts;
}

int cn_sink_scan(cn_sink *s, int32_t p, int64_t from, const cn_tag *tag, int64_t **seqs, int *n, char **err) {
    *seqs = NULL;
    *n = 0;
    if (!s->prod) {
        *err = sl_strdupf("This sink does not write to Kafka: nothing to read back");
        return CN_ERROR;
    }
    return cn_producer_scan(s->prod, p, from, tag, seqs, n, err);
}

/* A table option, else the session's value of the same key. */
const char *cn_opt(const cn_spec *spec, const char *key) {
    const char *v = sl_options_get(spec->opts, key);
    return v ? v : sl_options_get(spec->session, key);
}

/* Integer option: true and *out set when present and well-formed. */
bool cn_opt_int(const cn_spec *spec, const char *key, int64_t *out, bool *bad, char **err) {
    const char *v = cn_opt(spec, key);
    *bad = false;
    if (!v || !*v) return false;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    while (*end == ' ') end++;
    if (*end || errno || end == v) {
        *bad = true;
        *err = sl_strdupf("Invalid value '%s' for option '%s' of table '%s': expected an integer", v, key,
                          spec->table);
        return false;
    }
    *out = x;
    return true;
}

int cn_default_partitions(const cn_spec *spec) {
    int64_t n = sl_options_get_int(spec->session, "sluice.embedded.partitions", 1);
    return n >= 1 && n <= 100000 ? (int)n : 1;
}
