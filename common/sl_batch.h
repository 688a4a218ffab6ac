/* sl_batch.h: a batch of rows flowing between operators (row-major values).
 *
 * Producers reset the batch (sl_batch_clear) and append rows; the strings of the rows live in
 * the batch's arena, which the clear resets, so refilling a batch allocates nothing once warm.
 * Each row carries a changelog kind (+I, -U, +U, -D) as in Flink's RowKind. */
#ifndef SL_BATCH_H
#define SL_BATCH_H

#include "sl_arena.h"
#include "sl_value.h"

enum { SL_OP_INSERT = 0, SL_OP_UPDATE_BEFORE = 1, SL_OP_UPDATE_AFTER = 2, SL_OP_DELETE = 3 };

typedef struct sl_batch {
    int nrows;
    int ncols;
    int cap;           /* max rows */
    sl_value *vals;    /* cap * ncols */
    uint8_t *ops;      /* cap; SL_OP_* per row */
    sl_arena *arena;   /* strings of the rows */
} sl_batch;

void sl_batch_init(sl_batch *b, int ncols, int cap);
void sl_batch_clear(sl_batch *b);        /* nrows = 0, arena reset */
void sl_batch_free(sl_batch *b);
/* Appends a row (op SL_OP_INSERT, all NULL) and returns its values; NULL when full. */
sl_value *sl_batch_add_row(sl_batch *b);
static inline sl_value *sl_batch_row(const sl_batch *b, int r) { return b->vals + (size_t)r * b->ncols; }
static inline int sl_batch_full(const sl_batch *b) { return b->nrows >= b->cap; }
/* Copies a string into the batch arena and returns a value pointing at the copy. */
sl_value sl_batch_str(sl_batch *b, const char *p, uint32_t n);

/* "+I", "-U", "+U", "-D" */
const char *sl_op_name(int op);

#endif
