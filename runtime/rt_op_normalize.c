/* rt_op_normalize.c: NORMALIZE: an upsert stream (upsert-kafka: +U per key, -D tombstones)
 * into a changelog with retractions (Flink's ChangelogNormalize). The last row of each key is
 * kept in keyed state (rt_cache over the job's store):
 *   a row for a new key          +I row
 *   a changed row for a key      -U old, +U new   (nothing when the row is unchanged)
 *   a tombstone for a known key  -D old           (a tombstone for an unknown key: nothing)
 * so that aggregates over the table can take the old row back out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/sl_error.h"
#include "rt_cache.h"
#include "rt_codec.h"
#include "rt_op.h"

/* A key's last row: the values, and the bytes its strings point into. */
typedef struct last_row {
    size_t bytes;       /* of the encoding */
    char *enc;          /* the row's encoding (strings of vals point into it) */
    sl_value vals[];
} last_row;

typedef struct norm_state {
    int width;
    const pl_field *cols;
    rt_cache *rows;
    sl_buf key, enc;
    sl_batch out;
} norm_state;

/* The row as bytes, every column in order. */
static void encode_row(const norm_state *s, const sl_value *row, sl_buf *out) {
    for (int c = 0; c < s->width; c++) rt_put_value(out, s->cols[c].type, row[c]);
}

/* A last_row from encoded bytes (copied); NULL if they do not decode. */
static last_row *row_from_bytes(const norm_state *s, const char *data, size_t len) {
    last_row *r = malloc(sizeof *r + sizeof(sl_value) * (size_t)s->width);
    if (!r) abort();
    r->enc = malloc(len ? len : 1);
    if (!r->enc) abort();
    memcpy(r->enc, data, len);
    r->bytes = len;
    rt_reader rd = rt_reader_of(r->enc, len);
    for (int c = 0; c < s->width; c++) r->vals[c] = rt_get_value(&rd, s->cols[c].type);
    if (!rt_reader_done(&rd)) {
        free(r->enc);
        free(r);
        return NULL;
    }
    return r;
}

static void row_encode(void *ud, const void *obj, sl_buf *out) {
    (void)ud;
    const last_row *r = obj;
    sl_buf_append(out, r->enc, r->bytes);
}

static void *row_decode(void *ud, const char *data, size_t len) { return row_from_bytes(ud, data, len); }

static void row_free(void *ud, void *obj) {
    (void)ud;
    last_row *r = obj;
    free(r->enc);
    free(r);
}

static const rt_cache_ops row_ops = {row_encode, row_decode, row_free, false};

static int norm_open(rt_op *op, char **err) {
    norm_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->width = op->node->ncols;
    s->cols = op->node->cols;
    char name[64];
    snprintf(name, sizeof name, "normalize-%d", op->index);
    int ns = rt_store_namespace(op->job->store, name, err);
    if (ns < 0) return -1;
    s->rows = rt_cache_new(op->job->store, ns, &row_ops, s, op->job->state_budget);
    sl_batch_init(&s->out, s->width, op->job->batch_size);
    return 0;
}

static void norm_close(rt_op *op) {
    norm_state *s = op->state;
    if (!s) return;
    if (s->rows) rt_cache_free(s->rows);
    sl_buf_free(&s->key);
    sl_buf_free(&s->enc);
    if (s->out.vals) sl_batch_free(&s->out);
    free(s);
    op->state = NULL;
}

/* Appends a row to the output; old rows' strings are copied (their state may change). */
static void emit(norm_state *s, int kind, const sl_value *row, bool copy) {
    sl_value *o = sl_batch_add_row(&s->out);
    for (int c = 0; c < s->width; c++) {
        sl_value v = row[c];
        if (copy && s->cols[c].type.id == SL_T_STRING && !v.null) v = sl_batch_str(&s->out, v.s.ptr, v.s.len);
        o[c] = v;
    }
    s->out.ops[s->out.nrows - 1] = (uint8_t)kind;
}

/* One upsert or tombstone. */
static int norm_row(rt_op *op, norm_state *s, const sl_value *row, int kind, char **err) {
    if (s->out.nrows + 2 > s->out.cap) { /* an update's pair stays in one batch */
        if (rt_push_next(op, &s->out, err) < 0) return -1;
        sl_batch_clear(&s->out);
    }
    const pl_node *n = op->node;
    sl_buf_clear(&s->key);
    for (int k = 0; k < n->nkeys; k++) rt_put_value(&s->key, s->cols[n->keys[k]].type, row[n->keys[k]]);
    rt_centry *e = rt_cache_get(s->rows, s->key.data ? s->key.data : "", s->key.len, err);
    if (!e) return -1;
    last_row *prev = e->obj;
    if (kind == SL_OP_DELETE || kind == SL_OP_UPDATE_BEFORE) {
        if (!prev) return 0;
        emit(s, SL_OP_DELETE, prev->vals, true);
        rt_cache_delete(s->rows, e);
        return 0;
    }
    sl_buf_clear(&s->enc);
    encode_row(s, row, &s->enc);
    if (prev && prev->bytes == s->enc.len && memcmp(prev->enc, s->enc.data, s->enc.len) == 0) return 0;
    if (prev) {
        emit(s, SL_OP_UPDATE_BEFORE, prev->vals, true);
        emit(s, SL_OP_UPDATE_AFTER, row, false);
        row_free(s, prev);
    } else {
        emit(s, SL_OP_INSERT, row, false);
    }
    e->obj = row_from_bytes(s, s->enc.data, s->enc.len);
    rt_cache_dirty(s->rows, e, sizeof(last_row) + sizeof(sl_value) * (size_t)s->width + s->enc.len);
    return 0;
}

static int norm_push(rt_op *op, sl_batch *in, char **err) {
    norm_state *s = op->state;
    sl_batch_clear(&s->out);
    for (int r = 0; r < in->nrows; r++)
        if (norm_row(op, s, sl_batch_row(in, r), in->ops[r], err) < 0) return -1;
    if (s->out.nrows && rt_push_next(op, &s->out, err) < 0) return -1;
    sl_batch_clear(&s->out);
    return rt_cache_trim(s->rows, err);
}

static int norm_checkpoint(rt_op *op, char **err) {
    norm_state *s = op->state;
    return op->job->durable ? rt_cache_flush(s->rows, err) : 0;
}

static int norm_finish(rt_op *op, char **err) { (void)op; (void)err; return 0; }

const rt_op_vt rt_normalize_vt = {"normalize", norm_open, NULL, norm_push, norm_checkpoint, norm_finish, norm_close, NULL};
