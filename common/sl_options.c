/* sl_options.c: ordered string map for WITH options and SET values. */
#include "sl_options.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Index of key, or -1. Option keys are case-sensitive, as in Flink. */
static int find(const sl_options *o, const char *key) {
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0) return i;
    return -1;
}

void sl_options_set(sl_options *o, const char *key, const char *value) {
    int i = find(o, key);
    if (i >= 0) {
        free(o->values[i]);
        o->values[i] = strdup(value);
        return;
    }
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 8;
        o->keys = realloc(o->keys, sizeof(char *) * (size_t)o->cap);
        o->values = realloc(o->values, sizeof(char *) * (size_t)o->cap);
    }
    o->keys[o->n] = strdup(key);
    o->values[o->n] = strdup(value);
    o->n++;
}

const char *sl_options_get(const sl_options *o, const char *key) {
    if (!o) return NULL;
    int i = find(o, key);
    return i >= 0 ? o->values[i] : NULL;
}

const char *sl_options_get_or(const sl_options *o, const char *key, const char *dflt) {
    const char *v = sl_options_get(o, key);
    return v ? v : dflt;
}

bool sl_options_get_bool(const sl_options *o, const char *key, bool dflt) {
    const char *v = sl_options_get(o, key);
    if (!v) return dflt;
    return strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

int64_t sl_options_get_int(const sl_options *o, const char *key, int64_t dflt) {
    const char *v = sl_options_get(o, key);
    if (!v || !*v) return dflt;
    char *end;
    long long x = strtoll(v, &end, 10);
    return *end ? dflt : (int64_t)x;
}

void sl_options_copy(sl_options *dst, const sl_options *src) {
    for (int i = 0; i < src->n; i++) sl_options_set(dst, src->keys[i], src->values[i]);
}

void sl_options_free(sl_options *o) {
    for (int i = 0; i < o->n; i++) {
        free(o->keys[i]);
        free(o->values[i]);
    }
    free(o->keys);
    free(o->values);
    memset(o, 0, sizeof *o);
}
