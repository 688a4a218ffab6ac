/* cn_upsert_kafka.c: the 'upsert-kafka' connector, as Flink's: a compacted-topic view of a table
 * keyed by its PRIMARY KEY. Reading gives +U for each keyed value and -D for each tombstone
 * (cn_kafka_poll.c); writing puts the key columns in the message key and deletes as tombstones
 * (cn_kafka_sink.c). This file checks what the connector needs and opens the two sides. */
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "cn_kafka_source.h"

int cn_upsert_kafka_check(const cn_spec *spec, char **err) {
    const char *t = spec->table ? spec->table : "?";
    const char *topic = sl_options_get(spec->opts, "topic");
    if (!topic || !*topic || strchr(topic, ';')) {
        *err = sl_strdupf("Table '%s' with connector 'upsert-kafka' needs option 'topic' naming a single topic", t);
        return -1;
    }
    if (spec->npk <= 0 || !spec->pk) {
        *err = sl_strdupf("Table '%s' with connector 'upsert-kafka' needs a PRIMARY KEY, e.g. PRIMARY KEY (id) NOT "
                          "ENFORCED: its columns are the Kafka message key, by which rows are updated and deleted", t);
        return -1;
    }
    if (sl_options_get(spec->opts, "key.fields")) {
        *err = sl_strdupf("Table '%s' with connector 'upsert-kafka' takes its key from the PRIMARY KEY: remove option "
                          "'key.fields'", t);
        return -1;
    }
    if (!sl_options_get(spec->opts, "key.format")) {
        *err = sl_strdupf("Table '%s' with connector 'upsert-kafka' needs option 'key.format' (e.g. 'json')", t);
        return -1;
    }
    const char *vf = sl_options_get(spec->opts, "value.format");
    if (!vf) {
        *err = sl_strdupf("Table '%s' with connector 'upsert-kafka' needs option 'value.format' (e.g. 'json')%s", t,
                          sl_options_get(spec->opts, "format") ? "; 'format' is not used by upsert-kafka" : "");
        return -1;
    }
    if (!strcmp(vf, "debezium-json")) {
        *err = sl_strdupf("Table '%s' with connector 'upsert-kafka' needs an insert-only 'value.format' (json, raw, "
                          "csv), not 'debezium-json'", t);
        return -1;
    }
    return 0;
}

cn_source *cn_upsert_kafka_source_open(const cn_spec *spec, char **err) {
    if (cn_upsert_kafka_check(spec, err) < 0) return NULL;
    return cn_kafka_source_open_mode(spec, CN_KS_UPSERT, err);
}

cn_sink *cn_upsert_kafka_sink_open(const cn_spec *spec, char **err) {
    if (cn_upsert_kafka_check(spec, err) < 0) return NULL;
    return cn_kafka_sink_open_mode(spec, true, err);
}
