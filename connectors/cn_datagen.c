/* cn_datagen.c: the 'datagen' source, as Flink's: random or sequence values per column,
 * throttled to 'rows-per-second' (default 10000; 0 or less: unthrottled), bounded by
 * 'number-of-rows' or by the first exhausted sequence.
 *
 * Per field (fields.<name>.*): 'kind' = 'random' (default) | 'sequence'; 'min'/'max' for random
 * numbers (default: the type's range, as Flink); 'length' for random strings (default 100, hex
 * digits as Flink); 'start'/'end' for sequences; 'max-past' (ms) for random timestamps (default 0:
 * now); 'null-rate' (0..1). Each field has its own PRNG stream seeded from the session's
 * 'sluice.datagen.seed' (or the clock) and the field name, so a field's values do not depend on
 * which other columns a query reads.
 *
 * Its position (cn_source_positions) is the count of rows produced (topic "", partition 0); a
 * job resumed from it continues the count: sequences go on from start + count and
 * 'number-of-rows' includes the rows already produced. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../common/sl_error.h"
#include "../common/sl_format.h"
#include "cn_internal.h"

typedef struct dg_field {
    const cn_column *col;
    bool seq;
    uint64_t rng;
    int64_t imin, imax;          /* random integers (also decimals, unscaled) */
    double dmin, dmax;           /* random doubles */
    int64_t start, end, cur;     /* sequence */
    int length;                  /* random strings */
    int64_t max_past_ms;
    double null_rate;
} dg_field;

typedef struct dgen {
    cn_source base;
    char *table;
    cn_column *cols;
    dg_field *f;
    int nf;
    double rate;                 /* rows per second; <= 0 unthrottled */
    int64_t limit;               /* number-of-rows; -1 unbounded */
    int64_t emitted;             /* rows produced, resumed ones included */
    int64_t resumed;             /* rows produced before this run (the throttle counts from here) */
    cn_position pos;
    double t0;
    bool eof;
    char *scratch;               /* random string scratch */
    int scratch_len;
} dgen;

static double mono_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* splitmix64: small, fast, good enough for test data. */
static uint64_t next_u64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double next_unit(uint64_t *s) { return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0); }

/* Uniform integer in [lo, hi]. */
static int64_t next_range(uint64_t *s, int64_t lo, int64_t hi) {
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    uint64_t r = next_u64(s);
    return span == 0 ? (int64_t)r : (int64_t)((uint64_t)lo + r % span);
}

static uint64_t fnv(const char *s) {
    uint64_t h = 1469598037110513611ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Reads fields.<name>.<key> as a number; false when absent, -1 on bad text. */
static int fopt_num(const cn_spec *spec, const char *name, const char *key, bool integer, int64_t *i, double *d,
                    char **err) {
    char k[256];
    snprintf(k, sizeof k, "fields.%s.%s", name, key);
    const char *v = sl_options_get(spec->opts, k);
    if (!v) return 0;
    char *end;
    if (integer) {
        long long x = strtoll(v, &end, 10);
        if (*end && *end != '.') goto bad;
        *i = x;
    } else {
        *d = strtod(v, &end);
        if (*end) goto bad;
    }
    return 1;
bad:
    *err = sl_strdupf("Invalid value '%s' for option '%s' of table '%s'", v, k, spec->table);
    return -1;
}

/* Sets up one field from its options. */
static int setup_field(dgen *g, const cn_spec *spec, dg_field *f, uint64_t seed, char **err) {
    const char *name = f->col->name;
    sl_type t = f->col->type;
    char k[256];
    snprintf(k, sizeof k, "fields.%s.kind", name);
    const char *kind = sl_options_get(spec->opts, k);
    f->seq = kind && !strcmp(kind, "sequence");
    if (kind && !f->seq && strcmp(kind, "random")) {
        *err = sl_strdupf("Invalid value '%s' for option '%s' of table '%s' (random, sequence)", kind, k, g->table);
        return -1;
    }
    f->rng = seed ^ fnv(name);
    next_u64(&f->rng);
    double nr = 0;
    int64_t dummy;
    if (fopt_num(spec, name, "null-rate", false, &dummy, &nr, err) < 0) return -1;
    f->null_rate = nr;
    bool is_int = t.id == SL_T_INT || t.id == SL_T_BIGINT || t.id == SL_T_DECIMAL;
    if (f->seq) {
        if (t.id != SL_T_INT && t.id != SL_T_BIGINT && t.id != SL_T_STRING && t.id != SL_T_DECIMAL &&
            t.id != SL_T_DOUBLE && t.id != SL_T_FLOAT) {
            *err = sl_strdupf("Field '%s' of table '%s': a sequence needs a numeric or STRING column", name, g->table);
            return -1;
        }
        double d;
        int a = fopt_num(spec, name, "start", true, &f->start, &d, err);
        int b = a < 0 ? -1 : fopt_num(spec, name, "end", true, &f->end, &d, err);
        if (a < 0 || b < 0) return -1;
        if (!a || !b) {
            *err = sl_strdupf("Field '%s' of table '%s' is a sequence and needs 'fields.%s.start' and 'fields.%s.end'",
                              name, g->table, name, name);
            return -1;
        }
        if (f->end < f->start) {
            *err = sl_strdupf("Field '%s' of table '%s': sequence end %lld is before start %lld", name, g->table,
                              (long long)f->end, (long long)f->start);
            return -1;
        }
        f->cur = f->start;
        return 0;
    }
    switch (t.id) {
    case SL_T_INT: f->imin = INT32_MIN, f->imax = INT32_MAX; break;
    case SL_T_BIGINT: f->imin = INT64_MIN, f->imax = INT64_MAX; break;
    case SL_T_DECIMAL: {
        int64_t p = 1;
        for (int i = 0; i < t.precision && i < 18; i++) p *= 10;
        f->imin = -(p - 1), f->imax = p - 1;
        break;
    }
    case SL_T_FLOAT: f->dmin = FLT_MIN, f->dmax = FLT_MAX; break;
    case SL_T_DOUBLE: f->dmin = DBL_MIN, f->dmax = DBL_MAX; break;
    default: break;
    }
    if (is_int) {
        /* min/max are in column units; decimals are scaled */
        double lo = 0, hi = 0;
        int a = fopt_num(spec, name, "min", false, &dummy, &lo, err);
        int b = a < 0 ? -1 : fopt_num(spec, name, "max", false, &dummy, &hi, err);
        if (a < 0 || b < 0) return -1;
        double sc = t.id == SL_T_DECIMAL ? pow(10, t.scale) : 1;
        if (a) f->imin = (int64_t)llround(lo * sc);
        if (b) f->imax = (int64_t)llround(hi * sc);
    } else if (t.id == SL_T_FLOAT || t.id == SL_T_DOUBLE) {
        if (fopt_num(spec, name, "min", false, &dummy, &f->dmin, err) < 0) return -1;
        if (fopt_num(spec, name, "max", false, &dummy, &f->dmax, err) < 0) return -1;
    }
    if (f->imax < f->imin || f->dmax < f->dmin) {
        *err = sl_strdupf("Field '%s' of table '%s': 'max' is below 'min'", name, g->table);
        return -1;
    }
    int64_t len = 100;
    double d;
    if (fopt_num(spec, name, "length", true, &len, &d, err) < 0) return -1;
    if (len < 0 || len > 1 << 20) len = 100;
    f->length = (int)len;
    if (f->length > g->scratch_len) {
        g->scratch_len = f->length;
        g->scratch = realloc(g->scratch, (size_t)g->scratch_len + 1);
    }
    if (fopt_num(spec, name, "max-past", true, &f->max_past_ms, &d, err) < 0) return -1;
    return 0;
}

static int dg_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err);
static int dg_positions(cn_source *s, const cn_position **out);
static void dg_close(cn_source *s);
static const cn_source_vt dg_vt = {.poll = dg_poll, .positions = dg_positions, .close = dg_close};

/* The count of rows a checkpoint saved (the position of partition 0, topic ""), or 0. */
static int64_t resumed_count(const cn_spec *spec) {
    for (int k = 0; k < spec->nresume; k++) {
        const cn_position *p = &spec->resume[k];
        if ((!p->topic || !*p->topic) && p->partition == 0 && p->offset > 0) return p->offset;
    }
    return 0;
}

cn_source *cn_datagen_open(const cn_spec *spec, char **err) {
    dgen *g = calloc(1, sizeof *g);
    g->base.vt = &dg_vt;
    g->table = strdup(spec->table ? spec->table : "?");
    g->cols = calloc((size_t)spec->ncols + 1, sizeof *g->cols);
    memcpy(g->cols, spec->cols, sizeof *g->cols * (size_t)spec->ncols);
    g->f = calloc((size_t)spec->ncols + 1, sizeof *g->f);
    g->limit = -1;
    int64_t v;
    bool bad;
    g->rate = 10000;
    if (cn_opt_int(spec, "rows-per-second", &v, &bad, err)) g->rate = (double)v;
    else if (bad) goto fail;
    if (cn_opt_int(spec, "number-of-rows", &v, &bad, err)) g->limit = v < 0 ? 0 : v;
    else if (bad) goto fail;
    uint64_t seed;
    const char *sd = sl_options_get(spec->session, "sluice.datagen.seed");
    if (sd) seed = (uint64_t)strtoull(sd, NULL, 10) * 0x9e3779b97f4a7c15ULL + 1;
    else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
    }
    g->resumed = g->emitted = resumed_count(spec);
    /* a resumed job draws other random values than the first rows of the run it continues */
    seed ^= (uint64_t)g->resumed * 0xd1b54a32d192ed03ULL;
    for (int i = 0; i < spec->ncols; i++) {
        if (spec->cols[i].from == CN_FROM_METADATA) {
            *err = sl_strdupf("The datagen connector of table '%s' has no metadata ('%s')", g->table, spec->cols[i].name);
            goto fail;
        }
        dg_field *f = &g->f[g->nf++];
        f->col = &g->cols[i];
        if (setup_field(g, spec, f, seed, err) < 0) goto fail;
        if (f->seq) /* continue the sequence; past its end the source is finished */
            f->cur = (uint64_t)g->resumed > (uint64_t)f->end - (uint64_t)f->start ? f->end + 1 : f->start + g->resumed;
    }
    g->t0 = mono_s();
    return &g->base;
fail:
    dg_close(&g->base);
    return NULL;
}

static const char hexd[] = "0123456789abcdef";

/* One value of field f (now_us: the wall clock in µs, local_off_us: local zone offset). */
static sl_value gen_value(dgen *g, dg_field *f, sl_batch *b, int64_t now_us, int64_t local_off_us) {
    sl_type t = f->col->type;
    if (f->null_rate > 0 && next_unit(&f->rng) < f->null_rate) return sl_null();
    if (f->seq) {
        int64_t x = f->cur++;
        switch (t.id) {
        case SL_T_STRING: {
            char buf[24];
            int n = snprintf(buf, sizeof buf, "%lld", (long long)x);
            return sl_batch_str(b, buf, (uint32_t)n);
        }
        case SL_T_DOUBLE:
        case SL_T_FLOAT: return sl_double((double)x);
        case SL_T_DECIMAL: {
            int64_t v = x;
            for (int i = 0; i < t.scale; i++) v *= 10;
            return sl_int(v);
        }
        default: return sl_int(x);
        }
    }
    switch (t.id) {
    case SL_T_BOOLEAN: return sl_int((int64_t)(next_u64(&f->rng) >> 63));
    case SL_T_INT:
    case SL_T_BIGINT:
    case SL_T_DECIMAL: return sl_int(next_range(&f->rng, f->imin, f->imax));
    case SL_T_FLOAT: return sl_double((float)(f->dmin + next_unit(&f->rng) * (f->dmax - f->dmin)));
    case SL_T_DOUBLE: return sl_double(f->dmin + next_unit(&f->rng) * (f->dmax - f->dmin));
    case SL_T_STRING: {
        int n = f->length;
        if (t.length > 0 && n > t.length) n = t.length;
        for (int i = 0; i < n; i++) g->scratch[i] = hexd[next_u64(&f->rng) & 15];
        return sl_batch_str(b, g->scratch, (uint32_t)n);
    }
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ: {
        int64_t past = f->max_past_ms > 0 ? next_range(&f->rng, 0, f->max_past_ms) * 1000 : 0;
        int64_t v = now_us - past + (t.id == SL_T_TIMESTAMP ? local_off_us : 0);
        int p = t.precision > 6 ? 6 : t.precision;
        int64_t unit = 1;
        for (int i = p; i < 6; i++) unit *= 10;
        return sl_int(v - ((v % unit) + unit) % unit);
    }
    case SL_T_DATE: {
        int64_t us = now_us + local_off_us;
        int64_t days = us >= 0 ? us / 86400000000LL : -((-us + 86399999999LL) / 86400000000LL);
        return sl_int(days);
    }
    default: return sl_null();
    }
}

/* Produces the rows the rate allows (waiting up to timeout_ms for a useful amount). */
static int dg_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err) {
    (void)err;
    dgen *g = (dgen *)s;
    sl_batch_clear(out);
    if (g->eof) return CN_EOF;
    int64_t want = out->cap;
    if (g->limit >= 0 && g->limit - g->emitted < want) want = g->limit - g->emitted;
    for (int i = 0; i < g->nf; i++)
        if (g->f[i].seq && g->f[i].end - g->f[i].cur + 1 < want) want = g->f[i].end - g->f[i].cur + 1;
    if (want <= 0) {
        g->eof = true;
        return CN_EOF;
    }
    if (g->rate > 0) {
        /* produce in chunks of ~50 ms worth of rows, never more than the rate allows */
        int64_t quantum = (int64_t)(g->rate / 20);
        if (quantum < 1) quantum = 1;
        if (quantum > want) quantum = want;
        double deadline = mono_s() + timeout_ms / 1000.0;
        for (;;) {
            double now = mono_s();
            int64_t allowed = (int64_t)(g->rate * (now - g->t0)) + 1 - (g->emitted - g->resumed);
            if (allowed >= quantum || now >= deadline) {
                if (allowed < want) want = allowed;
                break;
            }
            double wait = (double)(quantum - allowed) / g->rate;
            if (now + wait > deadline) wait = deadline - now;
            struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
            nanosleep(&ts, NULL);
        }
        if (want <= 0) return 0;
    }
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    int64_t now_us = (int64_t)rt.tv_sec * 1000000 + rt.tv_nsec / 1000;
    struct tm lt;
    time_t secs = rt.tv_sec;
    localtime_r(&secs, &lt);
    int64_t off_us = (int64_t)lt.tm_gmtoff * 1000000;
    for (int64_t r = 0; r < want; r++) {
        sl_value *row = sl_batch_add_row(out);
        for (int i = 0; i < g->nf; i++) row[g->f[i].col->out] = gen_value(g, &g->f[i], out, now_us, off_us);
    }
    g->emitted += want;
    return out->nrows;
}

/* One position: the rows produced so far. */
static int dg_positions(cn_source *s, const cn_position **out) {
    dgen *g = (dgen *)s;
    g->pos = (cn_position){"", 0, g->emitted};
    *out = &g->pos;
    return 1;
}

static void dg_close(cn_source *s) {
    dgen *g = (dgen *)s;
    free(g->table);
    free(g->cols);
    free(g->f);
    free(g->scratch);
    free(g);
}
