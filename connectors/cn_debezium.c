/* cn_debezium.c: the 'debezium-json' format, as Flink's: a change event
 * {"before":{...},"after":{...},"op":"c|r|u|d",...} is read in one pass over the record (the
 * declared columns are taken from inside 'before' and 'after', every other field is only
 * checked), and rows are written as {"before":..,"after":..,"op":..} envelopes. */
#include <stdio.h>
#include <string.h>
#include "cn_internal.h"

enum { TOP_BEFORE, TOP_AFTER, TOP_OP, TOP_PAYLOAD, NTOP };
static const char *const TOPS[NTOP] = {"before", "after", "op", "payload"};
static const size_t TOP_LENS[NTOP] = {6, 5, 2, 7};

/* Checks that an image is an object, or null/absent when the op does not need it. */
static bool check_image(const cn_decoder *d, int which, bool needed, char op, char *msg, size_t msgn) {
    int k = d->top[which].kind;
    if (k == CN_JSON_OBJECT) return true;
    if (k != CN_JSON_NULL && k != CN_JSON_MISSING) {
        snprintf(msg, msgn, "the Debezium JSON field '%s' is not an object", TOPS[which]);
        return false;
    }
    if (!needed) return true;
    if (which == TOP_BEFORE)
        snprintf(msg, msgn, "the 'before' image of a Debezium JSON '%c' event is %s (with Debezium's Postgres "
                            "connector, set the table's REPLICA IDENTITY to FULL)", op, k == CN_JSON_NULL ? "null" : "missing");
    else
        snprintf(msg, msgn, "the 'after' image of a Debezium JSON '%c' event is %s", op,
                 k == CN_JSON_NULL ? "null" : "missing");
    return false;
}

bool cn_debezium_parse(cn_decoder *d, const char *data, size_t len, char *op, char *msg, size_t msgn) {
    const char *why = NULL;
    if (cn_json_extract_nested(d->jp, data, len, TOPS, TOP_LENS, NTOP, d->top, d->names, d->lens, d->n, d->vals,
                               &why) < 0) {
        snprintf(msg, msgn, "malformed Debezium JSON (%s): '%.*s%s'", why, (int)(len > 60 ? 60 : len), data,
                 len > 60 ? "..." : "");
        return false;
    }
    const cn_json_val *o = &d->top[TOP_OP];
    if (o->kind != CN_JSON_STRING) {
        if (o->kind == CN_JSON_MISSING && d->top[TOP_PAYLOAD].kind == CN_JSON_OBJECT)
            snprintf(msg, msgn, "the Debezium JSON message carries its schema ('schema'/'payload'), which is not "
                                "supported: configure Debezium's JSON converter with schemas.enable=false");
        else
            snprintf(msg, msgn, "the Debezium JSON message has %s 'op'", o->kind == CN_JSON_MISSING ? "no" : "a non-string");
        return false;
    }
    if (o->n != 1 || !o->p[0] || !strchr("crud", o->p[0])) {
        snprintf(msg, msgn, "unknown Debezium JSON 'op' value '%.*s' (c, r, u, d)", (int)(o->n > 20 ? 20 : o->n), o->p);
        return false;
    }
    *op = o->p[0];
    bool before = *op == 'u' || *op == 'd', after = *op != 'd';
    return check_image(d, TOP_BEFORE, before, *op, msg, msgn) && check_image(d, TOP_AFTER, after, *op, msg, msgn);
}

bool cn_debezium_image(cn_decoder *d, bool after, sl_batch *b, sl_value *row, char *msg, size_t msgn) {
    return cn_decode_fields(d, d->vals + (after ? (size_t)d->n * TOP_AFTER : (size_t)d->n * TOP_BEFORE), b, row, msg,
                            msgn);
}

void cn_debezium_encode(sl_buf *out, const cn_column *cols, const int *which, int n, const sl_value *row, int op,
                        bool iso, bool plain_decimals) {
    bool add = op == SL_OP_INSERT || op == SL_OP_UPDATE_AFTER;
    sl_buf_puts(out, add ? "{\"before\":null,\"after\":" : "{\"before\":");
    cn_json_encode(out, cols, which, n, row, iso, plain_decimals);
    sl_buf_puts(out, add ? ",\"op\":\"c\"}" : ",\"after\":null,\"op\":\"d\"}");
}
