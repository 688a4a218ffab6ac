/* rt_slab.h: a fixed-size object allocator for keyed state (cache entries, aggregate groups).
 *
 * A job with a million keys allocates two objects per key; malloc spends a quarter of such a
 * job in its bookkeeping and in page faults (measured with perf on a 1M-key GROUP BY). Slabs
 * carve objects out of 2 MiB chunks mapped at once (no malloc header or bookkeeping per object;
 * transparent huge pages were tried and measured slower: each fault zeroes 2 MiB) and reuse
 * freed objects through a free list. Memory goes back to the system when the slab is
 * destroyed. Under AddressSanitizer every object is a malloc of its own, so its checks still see
 * each one. */
#ifndef RT_SLAB_H
#define RT_SLAB_H

#include <stddef.h>

typedef struct rt_slab rt_slab;

rt_slab *rt_slab_new(size_t obj_size);
void *rt_slab_alloc(rt_slab *s);          /* uninitialized; never NULL (aborts on OOM) */
void rt_slab_free(rt_slab *s, void *p);
void rt_slab_destroy(rt_slab *s);         /* frees every object at once (live ones too) */
size_t rt_slab_object_size(const rt_slab *s);

#endif
