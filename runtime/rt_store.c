/* rt_store.c: see rt_store.h (being written). */
