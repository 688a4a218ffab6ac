/* rt_slab.c: fixed-size objects in 2 MiB chunks with a free list (see rt_slab.h). */
#include "rt_slab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define CHUNK ((size_t)2 << 20)

#if defined(__SANITIZE_ADDRESS__)
#define SLAB_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_MALLOC 1
#endif
#endif

struct rt_slab {
    size_t size;        /* object size, a multiple of 16 */
    void **objs;        /* AddressSanitizer builds: every live object (its index sits in the
                           16 bytes before it), so that destroy frees them all */
    size_t nobjs, capobjs;
    void *free;         /* freed objects, linked through their first word */
    char *cur, *end;    /* the rest of the newest chunk */
    void **chunks;
    size_t nchunks, cap;
};

rt_slab *rt_slab_new(size_t obj_size) {
    rt_slab *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->size = (obj_size + 15) & ~(size_t)15;
    if (s->size < 16) s->size = 16;
    return s;
}

size_t rt_slab_object_size(const rt_slab *s) { return s->size; }

#ifndef SLAB_MALLOC
/* A new 2 MiB chunk (2 MiB aligned). */
static void new_chunk(rt_slab *s) {
    char *p = mmap(NULL, 2 * CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "sluice: out of memory\n");
        abort();
    }
    uintptr_t a = ((uintptr_t)p + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1);
    if (a > (uintptr_t)p) munmap(p, a - (uintptr_t)p);
    munmap((char *)a + CHUNK, (uintptr_t)p + 2 * CHUNK - (a + CHUNK));
    /* no MADV_HUGEPAGE: zeroing a 2 MiB page per fault measured slower than 4 KiB faults */
    if (s->nchunks == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->chunks = realloc(s->chunks, sizeof *s->chunks * s->cap);
        if (!s->chunks) abort();
    }
    s->chunks[s->nchunks++] = (void *)a;
    s->cur = (char *)a;
    s->end = (char *)a + CHUNK;
}
#endif

void *rt_slab_alloc(rt_slab *s) {
#ifdef SLAB_MALLOC
    char *m = malloc(s->size + 16);
    if (!m) abort();
    if (s->nobjs == s->capobjs) {
        s->capobjs = s->capobjs ? s->capobjs * 2 : 64;
        s->objs = realloc(s->objs, sizeof *s->objs * s->capobjs);
        if (!s->objs) abort();
    }
    *(size_t *)m = s->nobjs;
    s->objs[s->nobjs++] = m;
    return m + 16;
#else
    if (s->free) {
        void *p = s->free;
        s->free = *(void **)p;
        return p;
    }
    if (s->cur + s->size > s->end) new_chunk(s);
    void *p = s->cur;
    s->cur += s->size;
    return p;
#endif
}

void rt_slab_free(rt_slab *s, void *p) {
    if (!p) return;
#ifdef SLAB_MALLOC
    char *m = (char *)p - 16;
    size_t i = *(size_t *)m;
    char *last = s->objs[--s->nobjs];
    s->objs[i] = last;
    *(size_t *)last = i;
    free(m);
#else
    *(void **)p = s->free;
    s->free = p;
#endif
}

void rt_slab_destroy(rt_slab *s) {
    if (!s) return;
    for (size_t i = 0; i < s->nobjs; i++) free(s->objs[i]);
    free(s->objs);
    for (size_t i = 0; i < s->nchunks; i++) munmap(s->chunks[i], CHUNK);
    free(s->chunks);
    free(s);
}
