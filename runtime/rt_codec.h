/* rt_codec.h: typed values to bytes and back, for state keys and values.
 *
 * A value is one tag byte (0 NULL, 1 present) and, when present, 8 bytes little-endian for
 * every fixed-size type (BOOLEAN, integers, DECIMAL unscaled, FLOAT/DOUBLE bits, timestamps,
 * DATE, INTERVAL) or a 4-byte length and the bytes for STRING. The encoding is canonical: equal
 * values of one type give equal bytes (so encoded group keys can be hashed and compared), and
 * doubles are kept by their bits (-0.0 and 0.0 are different keys, as in Flink's binary rows). */
#ifndef RT_CODEC_H
#define RT_CODEC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "../common/sl_buf.h"
#include "../common/sl_value.h"

void rt_put_i64(sl_buf *out, int64_t x);
/* A signed integer in 1 to 10 bytes (zigzag, then 7 bits a byte): small numbers stay small. */
void rt_put_varint(sl_buf *out, int64_t x);
void rt_put_u32(sl_buf *out, uint32_t x);
void rt_put_bytes(sl_buf *out, const void *p, uint32_t n);   /* length, then the bytes */
void rt_put_value(sl_buf *out, sl_type t, sl_value v);

/* Sequential reader over encoded bytes; any read past the end sets `bad` and returns zeros. */
typedef struct rt_reader {
    const char *p, *end;
    bool bad;
} rt_reader;

static inline rt_reader rt_reader_of(const char *p, size_t n) {
    rt_reader r = {p, p + n, false};
    return r;
}
int64_t rt_get_i64(rt_reader *r);
int64_t rt_get_varint(rt_reader *r);
uint32_t rt_get_u32(rt_reader *r);
/* A length-prefixed byte string; *n its length; points into the reader's bytes. */
const char *rt_get_bytes(rt_reader *r, uint32_t *n);
/* A value of type t; strings point into the reader's bytes. */
sl_value rt_get_value(rt_reader *r, sl_type t);
/* True when every byte was read and nothing was out of bounds. */
static inline bool rt_reader_done(const rt_reader *r) { return !r->bad && r->p == r->end; }

/* Values of type t are equal (NULL equals NULL; strings by bytes; doubles by bits). */
bool rt_value_same(sl_type t, sl_value a, sl_value b);
/* Orders two non-NULL values of type t (strings by unsigned bytes as Flink's binary strings):
 * negative, 0 or positive. */
int rt_value_cmp(sl_type t, sl_value a, sl_value b);

#endif
