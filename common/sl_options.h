/* sl_options.h: an ordered string map, for WITH (...) options and SET values. */
#ifndef SL_OPTIONS_H
#define SL_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sl_options {
    char **keys;
    char **values;
    int n, cap;
} sl_options;

void sl_options_set(sl_options *o, const char *key, const char *value);  /* copies; replaces */
const char *sl_options_get(const sl_options *o, const char *key);       /* NULL if absent */
const char *sl_options_get_or(const sl_options *o, const char *key, const char *dflt);
bool sl_options_get_bool(const sl_options *o, const char *key, bool dflt);
int64_t sl_options_get_int(const sl_options *o, const char *key, int64_t dflt);
void sl_options_copy(sl_options *dst, const sl_options *src);           /* adds/overwrites */
void sl_options_free(sl_options *o);

#endif
