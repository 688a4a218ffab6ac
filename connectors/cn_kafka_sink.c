/* cn_kafka_sink.c: the Kafka sinks. Rows are encoded into reused buffers as the records they
 * become, partition included (sk_encode); cn_sink_write hands those to the producer
 * (cn_kafka_producer.c) at once, cn_sink_encode to the runtime's outbox, which produces them
 * later with cn_sink_produce. cn_sink_flush waits for the acknowledgements.
 *   'kafka' with json/raw: append-only, update and delete rows are refused, as Flink's kafka
 *     connector does;
 *   'kafka' with debezium-json: every row as a change event (+I/+U create, -U/-D delete);
 *   'upsert-kafka': the PRIMARY KEY columns are the message key, +I/+U its new value, -D a
 *     tombstone, -U a tombstone unless the next row of the batch is its +U. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

enum { PART_DEFAULT, PART_FIXED, PART_ROUND_ROBIN };
enum { SK_APPEND, SK_DEBEZIUM, SK_UPSERT };

typedef struct ksink {
    cn_sink base;
    cn_producer prod;
    int mode;               /* SK_* */
    char *table;
    cn_column *cols;
    int ncols;
    int *val_cols, nval;    /* indexes into cols: value fields */
    int *key_cols, nkey;    /* key.fields (upsert-kafka: the PRIMARY KEY) */
    int fmt, key_fmt;       /* CN_FMT_JSON / CN_FMT_RAW (debezium: JSON inside the envelope) */
    bool iso;
    bool plain_decimals;    /* json.encode.decimal-as-plain-number */
    int partitioner;
    sl_buf vbuf, kbuf, kbuf2;
} ksink;

static void sk_close(cn_sink *s);
static int sk_write(cn_sink *s, const sl_batch *b, char **err);
static int sk_flush(cn_sink *s, int timeout_ms, char **err);
static int sk_encode(cn_sink *s, const sl_batch *b, int (*fn)(void *ud, const cn_record *r, char **err), void *ud,
                     char **err);
static const cn_sink_vt sk_vt = {sk_write, sk_flush, sk_close, sk_encode};

/* Index of the column named `name` (case-insensitive as SQL identifiers), or -1. */
static int col_index(const ksink *ks, const char *name) {
    for (int i = 0; i < ks->ncols; i++)
        if (!strcasecmp(ks->cols[i].name, name)) return i;
    return -1;
}

/* 'json' or 'raw' format code (value formats also 'debezium-json'); -1 + *err otherwise. */
static int sink_format(const char *f, const char *table, const char *key, bool value, char **err) {
    if (!strcmp(f, "json")) return CN_FMT_JSON;
    if (!strcmp(f, "raw")) return CN_FMT_RAW;
    if (value && !strcmp(f, "debezium-json")) return CN_FMT_DEBEZIUM;
    *err = sl_strdupf("Unsupported %s '%s' for sink table '%s' (supported: json, raw%s)", key, f, table,
                      value ? ", debezium-json" : "");
    return -1;
}

/* Adds the key column named `name`; -1 + *err when the table has no such column. */
static int add_key_col(ksink *ks, const char *name, const char *what, char **err) {
    int c = col_index(ks, name);
    if (c < 0) {
        *err = sl_strdupf("Column '%s' named in %s of table '%s' does not exist", name, what, ks->table);
        return -1;
    }
    ks->key_cols[ks->nkey++] = c;
    return 0;
}

/* The key columns: the PRIMARY KEY (upsert-kafka) or 'key.fields', with 'key.format'. */
static int setup_key(ksink *ks, const cn_spec *spec, char **err) {
    const char *kf = sl_options_get(spec->opts, "key.fields");
    const char *kfmt = sl_options_get(spec->opts, "key.format");
    if (ks->mode == SK_UPSERT) {
        for (int k = 0; k < spec->npk; k++)
            if (add_key_col(ks, spec->pk[k], "the PRIMARY KEY", err) < 0) return -1;
    } else if (kf && *kf) {
        char **items;
        int n = cn_split_list(kf, &items);
        for (int i = 0; i < n; i++)
            if (add_key_col(ks, items[i], "'key.fields'", err) < 0) {
                cn_free_list(items, n);
                return -1;
            }
        cn_free_list(items, n);
    }
    if (!ks->nkey) return 0;
    if (!kfmt) {
        *err = sl_strdupf("Table '%s' sets 'key.fields' and needs option 'key.format'", ks->table);
        return -1;
    }
    if ((ks->key_fmt = sink_format(kfmt, ks->table, "key.format", false, err)) < 0) return -1;
    if (ks->key_fmt == CN_FMT_RAW && (ks->nkey != 1 || ks->cols[ks->key_cols[0]].type.id != SL_T_STRING)) {
        *err = sl_strdupf("The 'raw' key format of table '%s' needs exactly one STRING key field", ks->table);
        return -1;
    }
    return 0;
}

/* Value format, its options, and the value columns ('value.fields-include': ALL, the default as
 * in Flink, or EXCEPT_KEY). */
static int setup_value(ksink *ks, const cn_spec *spec, char **err) {
    const char *fmt = sl_options_get(spec->opts, "value.format");
    if (!fmt) fmt = sl_options_get(spec->opts, "format");
    if (!fmt) {
        *err = sl_strdupf("Table '%s' needs option 'format' (or 'value.format'), e.g. 'json'", ks->table);
        return -1;
    }
    if ((ks->fmt = sink_format(fmt, ks->table, "format", ks->mode != SK_UPSERT, err)) < 0) return -1;
    if (ks->fmt == CN_FMT_DEBEZIUM) {
        ks->mode = SK_DEBEZIUM;
        ks->fmt = CN_FMT_JSON;
    }
    const char *std = cn_format_opt(spec, "value.", fmt, "timestamp-format.standard");
    ks->iso = std && !strcasecmp(std, "ISO-8601");
    const char *plain = cn_format_opt(spec, "value.", fmt, "encode.decimal-as-plain-number");
    ks->plain_decimals = plain && !strcasecmp(plain, "true");
    const char *inc = sl_options_get(spec->opts, "value.fields-include");
    bool except_key = inc && !strcasecmp(inc, "EXCEPT_KEY");
    for (int i = 0; i < ks->ncols; i++) {
        bool is_key = false;
        for (int k = 0; k < ks->nkey; k++) is_key |= ks->key_cols[k] == i;
        if (!(except_key && is_key)) ks->val_cols[ks->nval++] = i;
    }
    if (ks->fmt == CN_FMT_RAW && (ks->nval != 1 || ks->cols[ks->val_cols[0]].type.id != SL_T_STRING)) {
        *err = sl_strdupf("The 'raw' format of table '%s' needs exactly one STRING column", ks->table);
        return -1;
    }
    return 0;
}

cn_sink *cn_kafka_sink_open(const cn_spec *spec, char **err) { return cn_kafka_sink_open_mode(spec, false, err); }

cn_sink *cn_kafka_sink_open_mode(const cn_spec *spec, bool upsert, char **err) {
    const char *topic = sl_options_get(spec->opts, "topic");
    if (!topic || !*topic || strchr(topic, ';')) {
        *err = sl_strdupf(topic && *topic ? "Sink table '%s' must name a single 'topic'" : "Table '%s' needs option 'topic'",
                          spec->table);
        return NULL;
    }
    ksink *ks = calloc(1, sizeof *ks);
    ks->base.vt = &sk_vt;
    ks->mode = upsert ? SK_UPSERT : SK_APPEND;
    ks->table = strdup(spec->table ? spec->table : "?");
    ks->ncols = spec->ncols;
    ks->cols = calloc((size_t)spec->ncols + 1, sizeof *ks->cols);
    memcpy(ks->cols, spec->cols, sizeof *ks->cols * (size_t)spec->ncols);
    ks->val_cols = calloc((size_t)spec->ncols + 1, sizeof(int));
    ks->key_cols = calloc((size_t)spec->ncols + (size_t)spec->npk + 1, sizeof(int));
    if (setup_key(ks, spec, err) < 0 || setup_value(ks, spec, err) < 0) goto fail;

    const char *p = sl_options_get(spec->opts, "sink.partitioner");
    if (!p || !strcmp(p, "default")) ks->partitioner = PART_DEFAULT;
    else if (!strcmp(p, "fixed")) ks->partitioner = PART_FIXED;
    else if (!strcmp(p, "round-robin")) ks->partitioner = PART_ROUND_ROBIN;
    else {
        *err = sl_strdupf("Invalid value '%s' for option 'sink.partitioner' of table '%s' (default, fixed, "
                          "round-robin)", p, ks->table);
        goto fail;
    }
    if (upsert && ks->partitioner == PART_ROUND_ROBIN) {
        *err = sl_strdupf("Table '%s' with connector 'upsert-kafka' cannot use 'sink.partitioner' = 'round-robin': "
                          "each key must stay in one partition", ks->table);
        goto fail;
    }
    if (cn_producer_open(&ks->prod, spec, topic, err) < 0) goto fail;
    ks->base.prod = &ks->prod;
    return &ks->base;
fail:
    sk_close(&ks->base);
    return NULL;
}

/* Encodes the given columns of a row into buf (cleared first). */
static void encode(ksink *ks, int fmt, sl_buf *buf, const int *which, int n, const sl_value *row) {
    sl_buf_clear(buf);
    if (fmt == CN_FMT_RAW) {
        const sl_value *v = &row[ks->cols[which[0]].out];
        if (!v->null) sl_buf_append(buf, v->s.ptr, v->s.len);
        return;
    }
    cn_json_encode(buf, ks->cols, which, n, row, ks->iso, ks->plain_decimals);
}

/* The message key of a row in buf; NULL for a NULL raw key (a null key, as in Flink). */
static const char *row_key(ksink *ks, sl_buf *buf, const sl_value *row) {
    encode(ks, ks->key_fmt, buf, ks->key_cols, ks->nkey, row);
    if (ks->key_fmt == CN_FMT_RAW && row[ks->cols[ks->key_cols[0]].out].null) return NULL;
    return buf->data ? buf->data : "";
}

/* True when row r + 1 of b is the +I/+U with the same key as row r's (key, klen). */
static bool update_pair(ksink *ks, const sl_batch *b, int r, const char *key, size_t klen) {
    if (r + 1 >= b->nrows || (b->ops[r + 1] != SL_OP_INSERT && b->ops[r + 1] != SL_OP_UPDATE_AFTER)) return false;
    const char *next = row_key(ks, &ks->kbuf2, sl_batch_row(b, r + 1));
    if (!key || !next) return !key && !next;
    return ks->kbuf2.len == klen && !memcmp(next, key, klen);
}

/* The partition of a record: 'fixed' 0, else the key's hash, or in turn when unkeyed (the
 * 'round-robin' partitioner, which the kafka sink alone allows, puts every record in turn). */
static int32_t record_partition(ksink *ks, const char *key, size_t klen) {
    if (ks->partitioner == PART_FIXED) return 0;
    return cn_producer_partition(&ks->prod, ks->partitioner == PART_ROUND_ROBIN ? NULL : key, klen);
}

/* Encodes every row of b into the records it becomes (the sink's formats, key and upsert
 * rules), with their partitions, and hands each to fn. Shared by cn_sink_write (which
 * produces them at once) and cn_sink_encode (the outbox). */
static int sk_encode(cn_sink *s, const sl_batch *b, int (*fn)(void *ud, const cn_record *r, char **err), void *ud,
                     char **err) {
    ksink *ks = (ksink *)s;
    for (int r = 0; r < b->nrows; r++) {
        int op = b->ops[r];
        if (ks->mode == SK_APPEND && op != SL_OP_INSERT) {
            *err = sl_strdupf("Table sink '%s' doesn't support consuming update changes", ks->table);
            return CN_ERROR;
        }
        const sl_value *row = sl_batch_row(b, r);
        const char *key = NULL, *val = NULL;
        size_t klen = 0;
        if (ks->nkey) {
            key = row_key(ks, &ks->kbuf, row);
            klen = key ? ks->kbuf.len : 0;
        }
        bool add = op == SL_OP_INSERT || op == SL_OP_UPDATE_AFTER;
        if (ks->mode == SK_UPSERT && !add) {
            if (op == SL_OP_UPDATE_BEFORE && update_pair(ks, b, r, key, klen)) continue;
            /* a tombstone: val stays NULL */
        } else if (ks->mode == SK_DEBEZIUM) {
            sl_buf_clear(&ks->vbuf);
            cn_debezium_encode(&ks->vbuf, ks->cols, ks->val_cols, ks->nval, row, op, ks->iso, ks->plain_decimals);
            val = ks->vbuf.data;
        } else {
            encode(ks, ks->fmt, &ks->vbuf, ks->val_cols, ks->nval, row);
            bool raw_null = ks->fmt == CN_FMT_RAW && row[ks->cols[ks->val_cols[0]].out].null;
            val = raw_null ? NULL : ks->vbuf.data ? ks->vbuf.data : "";
        }
        cn_record rec = {record_partition(ks, key, klen), key, klen, val, val ? ks->vbuf.len : 0, NULL, 0};
        if (fn(ud, &rec, err) < 0) return CN_ERROR;
    }
    return 0;
}

/* cn_sink_write's use of an encoded record: produce it now, untagged. */
static int produce_now(void *ud, const cn_record *r, char **err) {
    return cn_producer_produce(&((ksink *)ud)->prod, r, NULL, err);
}

/* Produces every row of b. */
static int sk_write(cn_sink *s, const sl_batch *b, char **err) {
    ksink *ks = (ksink *)s;
    if (sk_encode(s, b, produce_now, ks, err) < 0) return CN_ERROR;
    return cn_producer_check(&ks->prod, err);
}

/* Waits until every produced row is acknowledged. */
static int sk_flush(cn_sink *s, int timeout_ms, char **err) {
    return cn_producer_flush(&((ksink *)s)->prod, timeout_ms, err);
}

static void sk_close(cn_sink *s) {
    ksink *ks = (ksink *)s;
    cn_producer_close(&ks->prod);
    sl_buf_free(&ks->vbuf);
    sl_buf_free(&ks->kbuf);
    sl_buf_free(&ks->kbuf2);
    free(ks->cols);
    free(ks->val_cols);
    free(ks->key_cols);
    free(ks->table);
    free(ks);
}
