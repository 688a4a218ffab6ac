/* sl_arena.h: bump allocator for per-batch and per-statement memory.
 * Everything allocated from an arena dies together at sl_arena_reset or sl_arena_free, so the
 * hot path never calls malloc per row: a batch's strings are appended here and the arena is
 * reset before the batch is refilled. */
#ifndef SL_ARENA_H
#define SL_ARENA_H

#include <stddef.h>

typedef struct sl_arena sl_arena;

sl_arena *sl_arena_new(size_t chunk_size);             /* chunk_size 0: 64 KiB */
void *sl_arena_alloc(sl_arena *a, size_t n);           /* 8-byte aligned; never NULL (aborts on OOM) */
void *sl_arena_calloc(sl_arena *a, size_t n);
char *sl_arena_strdup(sl_arena *a, const char *s);
char *sl_arena_strndup(sl_arena *a, const char *s, size_t n);  /* NUL-terminated copy */
char *sl_arena_printf(sl_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl_arena_reset(sl_arena *a);                      /* keeps the first chunk for reuse */
void sl_arena_free(sl_arena *a);
size_t sl_arena_used(const sl_arena *a);

#endif
