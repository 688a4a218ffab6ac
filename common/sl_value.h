/* sl_value.h: SQL types and values shared by every layer of Sluice.
 *
 * Values are untagged: the plan knows each column's type statically, so a value is 16 bytes
 * (null flag + payload). Representation by type:
 *   BOOLEAN                 i = 0 or 1
 *   INT, BIGINT             i
 *   FLOAT, DOUBLE           d
 *   DECIMAL(p,s)            i = unscaled value (value * 10^s), p <= 18
 *   STRING, VARCHAR(n)      s.ptr / s.len, not NUL-terminated; the bytes live in the batch
 *                           arena, the record buffer or the plan arena (never owned by the value)
 *   TIMESTAMP(p)            i = microseconds since 1970-01-01 00:00:00 (wall clock, no zone)
 *   TIMESTAMP_LTZ(p)        i = microseconds since the epoch, UTC
 *   DATE                    i = days since 1970-01-01
 *   INTERVAL (day-time)     i = milliseconds (expressions only, e.g. ts - INTERVAL '5' SECOND)
 */
#ifndef SL_VALUE_H
#define SL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sl_type_id {
    SL_T_NULL = 0,     /* type of a bare NULL literal before it is coerced */
    SL_T_BOOLEAN,
    SL_T_INT,
    SL_T_BIGINT,
    SL_T_FLOAT,
    SL_T_DOUBLE,
    SL_T_DECIMAL,
    SL_T_STRING,       /* STRING and VARCHAR(n) */
    SL_T_TIMESTAMP,
    SL_T_TIMESTAMP_LTZ,
    SL_T_DATE,
    SL_T_INTERVAL,
    SL_T__COUNT
} sl_type_id;

typedef struct sl_type {
    uint8_t id;         /* sl_type_id */
    uint8_t precision;  /* DECIMAL p (1..18), TIMESTAMP p (0..9, default 6; Flink's default) */
    uint8_t scale;      /* DECIMAL s */
    bool not_null;      /* declared NOT NULL */
    int32_t length;     /* VARCHAR(n) length; -1 for STRING */
} sl_type;

typedef struct sl_value {
    bool null;
    union {
        int64_t i;
        double d;
        struct {
            const char *ptr;
            uint32_t len;
        } s;
    };
} sl_value;

/* Constructors for the common cases. */
static inline sl_type sl_type_make(sl_type_id id) {
    sl_type t = {(uint8_t)id, 0, 0, false, -1};
    if (id == SL_T_TIMESTAMP || id == SL_T_TIMESTAMP_LTZ) t.precision = 6;
    if (id == SL_T_DECIMAL) { t.precision = 10; t.scale = 0; }
    return t;
}
static inline sl_value sl_null(void) { sl_value v; v.null = true; v.i = 0; return v; }
static inline sl_value sl_int(int64_t i) { sl_value v; v.null = false; v.i = i; return v; }
static inline sl_value sl_double(double d) { sl_value v; v.null = false; v.d = d; return v; }
static inline sl_value sl_str(const char *p, uint32_t n) {
    sl_value v; v.null = false; v.s.ptr = p; v.s.len = n; return v;
}

/* Name of a type as SQL writes it, e.g. "DECIMAL(10, 2)", "TIMESTAMP(3)", "VARCHAR(20)".
 * Writes into buf (size n) and returns buf. */
char *sl_type_name(sl_type t, char *buf, size_t n);

/* True for INT, BIGINT, FLOAT, DOUBLE, DECIMAL. */
bool sl_type_is_numeric(sl_type_id id);

#endif
