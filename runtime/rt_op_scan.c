/* rt_op_scan.c: SCAN: polls a connector source, evaluates computed columns, applies the
 * pushed-down filter in place, and pushes the surviving rows downstream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "../connectors/cn_connector.h"
#include "rt_expr.h"
#include <time.h>
#include "rt_codec.h"
#include "rt_dlq.h"
#include "rt_op.h"
#include "rt_store.h"
#include "rt_watermark.h"

typedef struct scan_state {
    cn_source *src;
    sl_batch batch;
    cn_column *cols;
    const char **pk;
    rt_dlq *dlq;        /* 'scan.dlq.topic', or NULL */
    rt_wmgen *wmgen;    /* when the plan uses watermarks and the table declares one */
    int part_col;       /* the row slot holding each row's partition (watermarks), or -1 */
    int wm_ns;          /* the store namespace of the watermark state */
    sl_buf wm_bytes;
} scan_state;

/* Monotonic milliseconds. */
static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True if `name` is listed in the ';'-separated option value `list`. */
static bool in_list(const char *list, const char *name) {
    if (!list) return false;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && (*p == ' ')) p++, len--;
        while (len && p[len - 1] == ' ') len--;
        if (len == n && strncasecmp(p, name, n) == 0) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

/* The watermark generator, over the source's partitions, with its checkpointed state. */
static int open_watermarks(rt_op *op, scan_state *s, char **err) {
    const cn_position *pos;
    int nparts = s->part_col >= 0 ? cn_source_positions(s->src, &pos) : 1;
    int maxp = 0;
    for (int i = 0; s->part_col >= 0 && i < nparts; i++)
        if (pos[i].partition + 1 > maxp) maxp = pos[i].partition + 1;
    s->wmgen = rt_wmgen_new(op->node, op->job->session, maxp > 0 ? maxp : 1);
    op->wmgen = s->wmgen; /* for the diagnostics (rt_diag.c) */
    if (!op->job->durable) return 0;
    char name[64];
    snprintf(name, sizeof name, "watermarks-%d", op->index);
    if ((s->wm_ns = rt_store_namespace(op->job->store, name, err)) < 0) return -1;
    int rc = rt_store_get(op->job->store, s->wm_ns, 0, "w", 1, &s->wm_bytes, err);
    if (rc < 0) return -1;
    if (rc == 1 && !rt_wmgen_decode(s->wmgen, s->wm_bytes.data, s->wm_bytes.len)) {
        *err = sl_strdupf("The saved watermarks of table '%s' are corrupt", op->node->table->name);
        return -1;
    }
    return 0;
}

/* The wall clock in microseconds at millisecond precision, as PROCTIME() reads it. */
static int64_t wall_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + (ts.tv_nsec / 1000000) * 1000;
}

/* Emits the source's watermark when its interval has passed and it advanced; for
 * processing-time windows the watermark is the wall clock: every row read so far has a
 * PROCTIME() before it, so no row is late and windows close when their end time passes. */
static int emit_watermark(rt_op *op, scan_state *s, char **err) {
    int64_t wm;
    if (op->node->proctime_wm) {
        wm = wall_us() - 1;
        if (op->has_wm && wm <= op->wm) return 0;
    } else if (!rt_wmgen_due(s->wmgen, mono_ms(), &wm))
        return 0;
    op->has_wm = true;
    op->wm = wm;
    return rt_push_watermark(op, wm, err);
}

/* Opens the source with the columns the plan decodes. */
static int scan_open(rt_op *op, char **err) {
    const pl_node *n = op->node;
    const pl_table *t = n->table;
    scan_state *s = calloc(1, sizeof *s);
    op->state = s;
    s->part_col = -1;
    s->cols = calloc((size_t)t->ncols + 2, sizeof(cn_column));
    int k = 0;
    const char *key_fields = sl_options_get(&t->opts, "key.fields");
    const char *conn = sl_options_get(&t->opts, "connector");
    bool upsert = conn && !strcmp(conn, "upsert-kafka");
    s->pk = calloc((size_t)t->npk + 1, sizeof(char *));
    for (int k = 0; k < t->npk; k++) s->pk[k] = t->pk[k];
    for (int i = 0; i < t->ncols; i++) {
        if (!n->decode[i]) continue;
        cn_column *c = &s->cols[k++];
        c->type = t->cols[i].type;
        c->out = i;
        if (t->cols[i].kind == SP_COL_METADATA) {
            c->name = t->cols[i].metadata_key;
            c->from = CN_FROM_METADATA;
        } else {
            c->name = t->cols[i].name;
            bool is_pk = false;
            for (int p = 0; p < t->npk; p++) is_pk |= strcasecmp(t->pk[p], c->name) == 0;
            c->from = (upsert ? is_pk : in_list(key_fields, c->name)) ? CN_FROM_KEY : CN_FROM_VALUE;
        }
    }
    /* watermarks per partition: each row's partition goes into a hidden slot after the columns */
    bool kafka = conn && (!strcmp(conn, "kafka") || !strcmp(conn, "upsert-kafka"));
    if (n->wm_expr && kafka) {
        s->part_col = t->ncols;
        s->cols[k++] = (cn_column){"partition", sl_type_make(SL_T_INT), t->ncols, CN_FROM_METADATA};
    }
    int width = t->ncols + (s->part_col >= 0 ? 1 : 0);
    cn_spec spec = {t->name, &t->opts, op->job->session, s->cols, k, width, s->pk, t->npk, NULL, 0};
    cn_position *resume = NULL;
    int nresume = 0;
    if (op->job->durable && rt_store_get_positions(op->job->store, op->index, &resume, &nresume, err) < 0) return -1;
    spec.resume = resume;
    spec.nresume = nresume;
    s->src = cn_source_open(&spec, err);
    rt_store_free_positions(resume, nresume);
    if (!s->src) return -1;
    const char *dlq = sl_options_get(&t->opts, "scan.dlq.topic");
    if (dlq && !(s->dlq = rt_dlq_open(op->job, &spec, dlq, 1000 + op->index, err))) return -1;
    sl_batch_init(&s->batch, width, op->job->batch_size);
    if (n->wm_expr && open_watermarks(op, s, err) < 0) return -1;
    return 0;
}

/* Evaluates computed columns, then keeps only rows passing the filter (compacting in place). */
static int scan_process(rt_op *op, sl_batch *b, char **err) {
    const pl_node *n = op->node;
    scan_state *s = op->state;
    if (s->wmgen && !n->ncomputed) rt_wmgen_rows(s->wmgen, b, s->part_col, mono_ms());
    if (!n->ncomputed && !n->filter) return 0;
    rt_eval_ctx ctx = {b->arena, NULL, 0, op->has_wm, op->wm};
    int keep = 0;
    for (int r = 0; r < b->nrows; r++) {
        sl_value *row = sl_batch_row(b, r);
        for (int c = 0; c < n->ncomputed; c++) row[n->computed[c]] = rt_eval(n->computed_exprs[c], row, &ctx);
        if (s->wmgen && n->ncomputed) { /* the watermark may read computed columns: after them */
            sl_batch one = *b;
            one.vals = row;
            one.nrows = 1;
            rt_wmgen_rows(s->wmgen, &one, s->part_col, mono_ms());
        }
        if (n->filter && !rt_eval_pred(n->filter, row, &ctx)) continue;
        if (keep != r) {
            memcpy(sl_batch_row(b, keep), row, sizeof(sl_value) * (size_t)b->ncols);
            b->ops[keep] = b->ops[r];
        }
        keep++;
    }
    b->nrows = keep;
    if (ctx.error) {
        *err = sl_strdupf("Runtime error reading table '%s': %s", n->table->name, ctx.error);
        free(ctx.error);
        return -1;
    }
    return 0;
}

/* True if the scan's watermark is the wall clock. */
static bool n_proc(const rt_op *op) { return op->node->proctime_wm; }

/* Per-row watermarks ('pipeline.auto-watermark-interval' = 0): each row is processed and pushed
 * on its own, followed by the watermark it advances, so lateness is exact row by row. */
static int push_row_by_row(rt_op *op, scan_state *s, char **err) {
    sl_batch *b = &s->batch;
    for (int r = 0; r < b->nrows; r++) {
        sl_batch one = *b;
        one.vals = sl_batch_row(b, r);
        one.ops = b->ops + r;
        one.nrows = one.cap = 1;
        if (scan_process(op, &one, err) < 0) return -1;
        if (one.nrows && rt_push_next(op, &one, err) < 0) return -1;
        if (emit_watermark(op, s, err) < 0) return -1;
    }
    return 0;
}

static int scan_poll(rt_op *op, int timeout_ms, char **err) {
    scan_state *s = op->state;
    int r = cn_source_poll(s->src, &s->batch, timeout_ms, err);
    if (s->dlq && r != CN_ERROR) {
        const cn_reject *rej;
        int nrej = cn_source_rejects(s->src, &rej);
        if (nrej && rt_dlq_send(s->dlq, rej, nrej, err) < 0) return CN_ERROR;
        op->job->dead_lettered = rt_dlq_count(s->dlq);
    }
    if (r <= 0) {
        if (r == 0 && (s->wmgen || n_proc(op)) && emit_watermark(op, s, err) < 0) return CN_ERROR; /* idle partitions age */
        return r;
    }
    op->job->rows_in += r;
    if (s->wmgen && rt_wmgen_per_row(s->wmgen)) return push_row_by_row(op, s, err) < 0 ? CN_ERROR : r;
    if (scan_process(op, &s->batch, err) < 0) return CN_ERROR;
    if (s->batch.nrows && rt_push_next(op, &s->batch, err) < 0) return CN_ERROR;
    if ((s->wmgen || n_proc(op)) && emit_watermark(op, s, err) < 0) return CN_ERROR;
    return r;
}

/* A checkpoint: the positions after every row pushed so far go into the job's store. */
static int scan_checkpoint(rt_op *op, char **err) {
    scan_state *s = op->state;
    op->job->skipped = cn_source_skipped(s->src);
    if (s->dlq && rt_dlq_checkpoint(s->dlq, err) < 0) return -1;
    if (!op->job->durable) return 0;
    if (s->wmgen) {
        sl_buf_clear(&s->wm_bytes);
        rt_wmgen_encode(s->wmgen, &s->wm_bytes);
        if (rt_store_put(op->job->store, s->wm_ns, 0, "w", 1, s->wm_bytes.data, s->wm_bytes.len, err) < 0) return -1;
    }
    const cn_position *pos;
    int n = cn_source_positions(s->src, &pos);
    return rt_store_set_positions(op->job->store, op->index, pos, n, err);
}

/* The checkpoint is durable: Kafka group offsets follow it (for visibility; the store is the
 * truth). */
static int scan_committed(rt_op *op, char **err) {
    scan_state *s = op->state;
    if (s->dlq && rt_dlq_committed(s->dlq, err) < 0) return -1;
    return cn_source_commit(s->src, err);
}

/* The end of a bounded input: a last watermark at the end of time fires every open window. */
static int scan_finish(rt_op *op, char **err) {
    scan_state *s = op->state;
    op->job->skipped = cn_source_skipped(s->src);
    if (!s->wmgen && !n_proc(op)) return 0;
    op->has_wm = true;
    op->wm = INT64_MAX;
    return rt_push_watermark(op, INT64_MAX, err);
}

static void scan_close(rt_op *op) {
    scan_state *s = op->state;
    if (!s) return;
    rt_dlq_close(s->dlq);
    rt_wmgen_free(s->wmgen);
    sl_buf_free(&s->wm_bytes);
    if (s->src) cn_source_close(s->src);
    if (s->batch.vals) sl_batch_free(&s->batch);
    free(s->cols);
    free(s->pk);
    free(s);
    op->state = NULL;
}

const rt_op_vt rt_scan_vt = {"scan", scan_open, scan_poll, NULL, scan_checkpoint, scan_finish, scan_close,
                             scan_committed};
