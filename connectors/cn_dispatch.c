/* cn_dispatch.c: opens the source or sink a table's 'connector' option names, and the small
 * helpers every connector shares. */
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

const char *cn_opt(const cn_spec *spec, const char *key) {
    const char *v = sl_options_get(spec->opts, key);
    return v ? v : sl_options_get(spec->session, key);
}

int cn_default_partitions(const cn_spec *spec) {
    int n = (int)sl_options_get_int(spec->session, "sluice.embedded.partitions", 1);
    return n > 0 ? n : 1;
}

int cn_apply_properties(rd_kafka_conf_t *conf, const sl_options *opts, char **err) {
    char errstr[256];
    for (int i = 0; i < opts->n; i++) {
        if (strncmp(opts->keys[i], "properties.", 11) != 0) continue;
        if (rd_kafka_conf_set(conf, opts->keys[i] + 11, opts->values[i], errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            *err = sl_strdupf("Invalid option '%s': %s", opts->keys[i], errstr);
            return -1;
        }
    }
    return 0;
}

/* Which connector a table uses. */
static const char *connector_of(const cn_spec *spec, char **err) {
    const char *c = sl_options_get(spec->opts, "connector");
    if (!c) *err = sl_strdupf("Table '%s' has no 'connector' option", spec->table);
    return c;
}

cn_source *cn_source_open(const cn_spec *spec, char **err) {
    const char *c = connector_of(spec, err);
    if (!c) return NULL;
    if (!strcmp(c, "kafka")) return cn_kafka_source_open(spec, err);
    if (!strcmp(c, "datagen")) return cn_datagen_open(spec, err);
    if (!strcmp(c, "print") || !strcmp(c, "blackhole"))
        *err = sl_strdupf("Connector '%s' of table '%s' can only be written to", c, spec->table);
    else
        *err = sl_strdupf("Unknown connector '%s' for table '%s' (supported: kafka, datagen, print, blackhole)", c, spec->table);
    return NULL;
}

int cn_source_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err) { return s->vt->poll(s, out, timeout_ms, err); }
int cn_source_commit(cn_source *s, char **err) { return s->vt->commit ? s->vt->commit(s, err) : 0; }
int64_t cn_source_skipped(const cn_source *s) { return s->skipped; }
void cn_source_close(cn_source *s) { if (s) s->vt->close(s); }

cn_sink *cn_sink_open(const cn_spec *spec, char **err) {
    const char *c = connector_of(spec, err);
    if (!c) return NULL;
    if (!strcmp(c, "kafka")) return cn_kafka_sink_open(spec, err);
    if (!strcmp(c, "print")) return cn_print_sink_open(spec, err);
    if (!strcmp(c, "blackhole")) return cn_blackhole_sink_open(spec, err);
    if (!strcmp(c, "datagen"))
        *err = sl_strdupf("Connector 'datagen' of table '%s' can only be read", spec->table);
    else
        *err = sl_strdupf("Unknown connector '%s' for table '%s' (supported: kafka, datagen, print, blackhole)", c, spec->table);
    return NULL;
}

int cn_sink_write(cn_sink *s, const sl_batch *b, char **err) { return s->vt->write(s, b, err); }
int cn_sink_flush(cn_sink *s, int timeout_ms, char **err) { return s->vt->flush ? s->vt->flush(s, timeout_ms, err) : 0; }
void cn_sink_close(cn_sink *s) { if (s) s->vt->close(s); }
