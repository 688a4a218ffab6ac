/* sl_arena.c: chunked bump allocator (see sl_arena.h). */
#include "sl_arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    char data[];
} chunk;

struct sl_arena {
    chunk *head;       /* current chunk (most recent) */
    size_t chunk_size;
    size_t total;      /* bytes handed out since the last reset */
};

/* Allocates a chunk able to hold at least n bytes. */
static chunk *chunk_new(size_t n) {
    chunk *c = malloc(sizeof(chunk) + n);
    if (!c) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
    c->next = NULL;
    c->size = n;
    c->used = 0;
    return c;
}

sl_arena *sl_arena_new(size_t chunk_size) {
    sl_arena *a = calloc(1, sizeof *a);
    if (!a) { fprintf(stderr, "sluice: out of memory\n"); abort(); }
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
    return a;
}

void *sl_arena_alloc(sl_arena *a, size_t n) {
    n = (n + 7) & ~(size_t)7;
    if (n == 0) n = 8;
    chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t sz = n > a->chunk_size ? n : a->chunk_size;
        chunk *nc = chunk_new(sz);
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->total += n;
    return p;
}

void *sl_arena_calloc(sl_arena *a, size_t n) {
    void *p = sl_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *sl_arena_strndup(sl_arena *a, const char *s, size_t n) {
    char *p = sl_arena_alloc(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *sl_arena_strdup(sl_arena *a, const char *s) { return sl_arena_strndup(a, s, strlen(s)); }

char *sl_arena_printf(sl_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = sl_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* Empties the arena. When a batch needed several chunks, they are replaced by one chunk as big
 * as all of them together, so from then on a batch of that size allocates nothing. */
void sl_arena_reset(sl_arena *a) {
    chunk *c = a->head;
    if (!c) return;
    if (c->next) {
        size_t total = 0;
        while (c) {
            chunk *n = c->next;
            total += c->size;
            free(c);
            c = n;
        }
        c = a->head = chunk_new(total);
    }
    c->used = 0;
    a->total = 0;
}

void sl_arena_free(sl_arena *a) {
    if (!a) return;
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

size_t sl_arena_used(const sl_arena *a) { return a->total; }
