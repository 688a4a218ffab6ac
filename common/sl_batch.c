/* sl_batch.c: row batches passed between operators. */
#include "sl_batch.h"

#include <stdlib.h>
#include <string.h>

void sl_batch_init(sl_batch *b, int ncols, int cap) {
    b->nrows = 0;
    b->ncols = ncols;
    b->cap = cap;
    b->vals = calloc((size_t)cap * (size_t)(ncols ? ncols : 1), sizeof(sl_value));
    b->ops = calloc((size_t)cap, 1);
    b->arena = sl_arena_new(0);
}

void sl_batch_clear(sl_batch *b) {
    b->nrows = 0;
    sl_arena_reset(b->arena);
}

void sl_batch_free(sl_batch *b) {
    free(b->vals);
    free(b->ops);
    sl_arena_free(b->arena);
    memset(b, 0, sizeof *b);
}

sl_value *sl_batch_add_row(sl_batch *b) {
    if (b->nrows >= b->cap) return NULL;
    sl_value *row = b->vals + (size_t)b->nrows * b->ncols;
    for (int c = 0; c < b->ncols; c++) row[c] = sl_null();
    b->ops[b->nrows] = SL_OP_INSERT;
    b->nrows++;
    return row;
}

sl_value sl_batch_str(sl_batch *b, const char *p, uint32_t n) {
    char *d = sl_arena_alloc(b->arena, n ? n : 1);
    if (n) memcpy(d, p, n);
    return sl_str(d, n);
}

const char *sl_op_name(int op) {
    static const char *names[] = {"+I", "-U", "+U", "-D"};
    return op >= 0 && op < 4 ? names[op] : "?";
}
