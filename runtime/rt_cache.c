/* rt_cache.c: see rt_cache.h (being written). */
