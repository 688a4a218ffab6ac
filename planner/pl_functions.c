/* pl_functions.c: the scalar function catalog: name lookup (case-insensitive, with a "did you
 * mean" suggestion), arity checks, argument conversions and result types of each function,
 * and the rejection of aggregate/window functions in scalar positions.
 *
 * Argument conventions the evaluator relies on (after binding):
 *   UPPER LOWER CHAR_LENGTH LTRIM RTRIM CONCAT CONCAT_WS REPLACE POSITION TO_TIMESTAMP:
 *       STRING args (anything else is cast to STRING, as Flink's implicit coercion does);
 *   SUBSTRING(STRING, INT [, INT]); TRIM(STRING, STRING chars) with flag = sp_trim_mode;
 *   POSITION(needle, haystack); ROUND(x, INT digits) (digits 0 when omitted);
 *   POWER, SQRT: DOUBLE args; DATE_FORMAT(TIMESTAMP, STRING);
 *   COALESCE, NULLIF, IF: value args of the result type (IF's first arg BOOLEAN);
 *   ABS, FLOOR, CEIL: one numeric arg; MOD is bound like the % operator. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "pl_bind.h"
#include "pl_functions.h"

typedef struct fcall {
    pl_binder *b;
    const sp_expr *e;    /* the call (error position) */
    const char *name;    /* canonical name */
    pl_expr **args;
    int n;
} fcall;

typedef pl_expr *(*fbind)(fcall *c, int fn);

typedef struct fdef {
    const char *name;
    uint8_t fn;
    int8_t min, max;     /* max -1: variadic */
    fbind bind;
} fdef;

static const char *const AGGREGATES[] = {
    "COUNT", "SUM", "SUM0", "AVG", "MIN", "MAX", "FIRST_VALUE", "LAST_VALUE", "LISTAGG",
    "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "COLLECT",
    "ARRAY_AGG", "JSON_OBJECTAGG", "JSON_ARRAYAGG", NULL};
static const char *const WINDOWS[] = {"ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK",
                                      "CUME_DIST", "NTILE", "LAG", "LEAD", NULL};

static bool in_list(const char *const *list, const char *name) {
    for (int i = 0; list[i]; i++)
        if (strcasecmp(list[i], name) == 0) return true;
    return false;
}

bool pl_func_is_aggregate(const char *name) { return name && in_list(AGGREGATES, name); }
bool pl_func_is_window(const char *name) { return name && in_list(WINDOWS, name); }

/* ---- argument conversions ---- */

/* "Cannot apply 'F' to A, B and C" naming every argument's type. */
static pl_expr *arg_error(fcall *c) {
    char d[512];
    size_t len = 0;
    d[0] = 0;
    for (int i = 0; i < c->n && len + 1 < sizeof d; i++) {
        char t[64];
        const char *sep = i == 0 ? "" : i == c->n - 1 ? " and " : ", ";
        int k = snprintf(d + len, sizeof d - len, "%s%s", sep, pl_tname(c->args[i]->type, t, sizeof t));
        if (k < 0) break;
        len += (size_t)k;
    }
    return pl_bind_error(c->b, c->e, "Cannot apply '%s' to %s", c->name, d);
}

static const sp_expr *arg_at(fcall *c, int i) {
    return c->e->kind == SP_E_FUNC && i < c->e->nargs && c->e->args[i] ? c->e->args[i] : c->e;
}

/* Converts argument i to `to`; false (error reported) if no cast exists. */
static bool conv(fcall *c, int i, sl_type to) {
    pl_expr *x = pl_implicit(c->b, c->args[i], to, arg_at(c, i), c->name);
    if (!x) return false;
    c->args[i] = x;
    return true;
}

static bool to_string(fcall *c, int i) { return conv(c, i, sl_type_make(SL_T_STRING)); }

static bool to_int(fcall *c, int i) {
    int id = c->args[i]->type.id;
    if (id != SL_T_INT && id != SL_T_BIGINT && id != SL_T_NULL) return arg_error(c), false;
    return conv(c, i, sl_type_make(SL_T_INT));
}

static bool is_num(fcall *c, int i) {
    int id = c->args[i]->type.id;
    return sl_type_is_numeric((sl_type_id)id) || id == SL_T_NULL;
}

static bool to_double(fcall *c, int i) {
    if (!is_num(c, i)) return arg_error(c), false;
    return conv(c, i, sl_type_make(SL_T_DOUBLE));
}

/* The call node over c->args; NOT NULL when every argument is. */
static pl_expr *mk(fcall *c, int fn, sl_type t) {
    pl_expr *x = pl_new_call(c->b->a, fn, t, c->n);
    t.not_null = true;
    for (int i = 0; i < c->n; i++) {
        x->args[i] = c->args[i];
        t.not_null &= c->args[i]->type.not_null;
    }
    x->type = t;
    return x;
}

/* Casts args[from..n) to their common value type (CASE-like functions); false on error. */
static bool unify(fcall *c, int from, sl_type *out) {
    sl_type t = c->args[from]->type;
    for (int i = from + 1; i < c->n; i++) {
        if (!pl_common_type(t, c->args[i]->type, PL_CT_VALUE, &t)) return arg_error(c), false;
    }
    if (t.id != SL_T_NULL)
        for (int i = from; i < c->n; i++)
            if (!conv(c, i, t)) return false;
    *out = t;
    return true;
}

/* ---- per-function binding ---- */

static pl_expr *b_string_fn(fcall *c, int fn) {
    for (int i = 0; i < c->n; i++)
        if (!to_string(c, i)) return NULL;
    sl_type rt = sl_type_make(fn == PL_F_CHAR_LENGTH || fn == PL_F_POSITION ? SL_T_INT : SL_T_STRING);
    pl_expr *x = mk(c, fn, rt);
    if (fn == PL_F_CONCAT_WS) x->type.not_null = c->args[0]->type.not_null;
    return x;
}

static pl_expr *b_substring(fcall *c, int fn) {
    if (!to_string(c, 0) || !to_int(c, 1) || (c->n > 2 && !to_int(c, 2))) return NULL;
    pl_expr *x = mk(c, fn, sl_type_make(SL_T_STRING));
    if (c->n > 2) x->type.not_null = false; /* negative length gives NULL */
    return x;
}

static pl_expr *b_coalesce(fcall *c, int fn) {
    sl_type t;
    if (!unify(c, 0, &t)) return NULL;
    pl_expr *x = mk(c, fn, t);
    x->type.not_null = false;
    for (int i = 0; i < c->n; i++) x->type.not_null |= c->args[i]->type.not_null;
    return x;
}

/* NULLIF(a, b) has a's type, made nullable (Calcite's ARG0_FORCE_NULLABLE), and compares in
 * the common type: when that differs from a's, args are (a, b, a in the common type). */
static pl_expr *b_nullif(fcall *c, int fn) {
    pl_expr *a = c->args[0];
    sl_type t;
    if (!unify(c, 0, &t)) return NULL;
    if (c->args[0] == a) {
        pl_expr *x = mk(c, fn, t);
        x->type.not_null = false;
        return x;
    }
    pl_expr *x = pl_new_call(c->b->a, fn, a->type, 3);
    x->args[0] = a;
    x->args[1] = c->args[1];
    x->args[2] = c->args[0];
    x->type.not_null = false;
    return x;
}

static pl_expr *b_if(fcall *c, int fn) {
    pl_expr *cond = pl_want_bool(c->b, c->args[0], arg_at(c, 0), "IF");
    if (!cond) return NULL;
    c->args[0] = cond;
    sl_type t;
    if (!unify(c, 1, &t)) return NULL;
    pl_expr *x = mk(c, fn, t);
    x->type.not_null = c->args[1]->type.not_null && c->args[2]->type.not_null;
    return x;
}

static pl_expr *b_abs(fcall *c, int fn) {
    if (!is_num(c, 0)) return arg_error(c);
    return mk(c, fn, c->args[0]->type);
}

/* FLOOR/CEIL keep the type, except DECIMAL(p, s) -> DECIMAL(p - s + 1, 0). */
static pl_expr *b_floor_ceil(fcall *c, int fn) {
    if (!is_num(c, 0)) return arg_error(c);
    sl_type t = c->args[0]->type;
    if (t.id == SL_T_DECIMAL && t.scale > 0) t = pl_decimal_type(t.precision - t.scale + 1, 0);
    return mk(c, fn, t);
}

/* ROUND(x [, d]): the type of x; DECIMAL(p, s) -> DECIMAL(p - s + d + 1, d) for 0 <= d < s
 * (Flink's rule), DECIMAL(p - s + 1, 0) for d < 0, unchanged for d >= s. A DECIMAL needs a
 * constant d, as its result type depends on it. */
static pl_expr *b_round(fcall *c, int fn) {
    if (!is_num(c, 0)) return arg_error(c);
    if (c->n == 1) {
        sl_type it = sl_type_make(SL_T_INT);
        it.not_null = true;
        c->args[1] = pl_new_const(c->b->a, it, sl_int(0));
        c->n = 2;
    } else if (!to_int(c, 1)) {
        return NULL;
    }
    sl_type t = c->args[0]->type;
    if (t.id == SL_T_DECIMAL) {
        const pl_expr *d = c->args[1];
        if (d->kind != PL_X_CONST) return pl_bind_error(c->b, arg_at(c, 1), "ROUND of a DECIMAL needs a constant number of digits");
        int64_t r = d->value.null ? 0 : d->value.i;
        if (r < 0) t = pl_decimal_type(t.precision - t.scale + 1, 0);
        else if (r < t.scale) t = pl_decimal_type(t.precision - t.scale + (int)r + 1, (int)r);
    }
    return mk(c, fn, t);
}

static pl_expr *b_mod(fcall *c, int fn) {
    (void)fn;
    return pl_bind_arith(c->b, c->e, PL_F_MOD, "MOD", c->args[0], c->args[1]);
}

static pl_expr *b_double_fn(fcall *c, int fn) {
    for (int i = 0; i < c->n; i++)
        if (!to_double(c, i)) return NULL;
    return mk(c, fn, sl_type_make(SL_T_DOUBLE));
}

/* DATE_FORMAT(ts, fmt): TIMESTAMP_LTZ and DATE are cast to TIMESTAMP, a STRING is read as a
 * timestamp (NULL when it is not one). */
static pl_expr *b_date_format(fcall *c, int fn) {
    sl_type ts = sl_type_make(SL_T_TIMESTAMP);
    pl_expr *x = c->args[0];
    switch (x->type.id) {
    case SL_T_TIMESTAMP: break;
    case SL_T_TIMESTAMP_LTZ: ts.precision = x->type.precision; c->args[0] = pl_cast_node(x, ts, false, c->b->a); break;
    case SL_T_DATE:
    case SL_T_NULL: ts.precision = 0; c->args[0] = pl_cast_node(x, ts, false, c->b->a); break;
    case SL_T_STRING: ts.precision = 3; c->args[0] = pl_cast_node(x, ts, true, c->b->a); break;
    default: return arg_error(c);
    }
    if (!to_string(c, 1)) return NULL;
    return mk(c, fn, sl_type_make(SL_T_STRING));
}

static pl_expr *b_to_timestamp(fcall *c, int fn) {
    for (int i = 0; i < c->n; i++)
        if (!to_string(c, i)) return NULL;
    sl_type t = sl_type_make(SL_T_TIMESTAMP);
    t.precision = 3;
    pl_expr *x = mk(c, fn, t);
    x->type.not_null = false; /* NULL when the text does not parse */
    return x;
}

static pl_expr *b_now(fcall *c, int fn) {
    sl_type t = sl_type_make(SL_T_TIMESTAMP_LTZ);
    t.precision = 3;
    pl_expr *x = mk(c, fn, t);
    x->type.not_null = true;
    return x;
}

/* PROCTIME(): TIMESTAMP_LTZ(3) NOT NULL, a processing-time attribute. */
static pl_expr *b_proctime(fcall *c, int fn) {
    pl_expr *x = b_now(c, fn);
    x->flag = PL_TIME_PROCTIME;
    return x;
}

/* CURRENT_WATERMARK(rowtime): the watermark of the input, typed as the rowtime column, NULL
 * before the first watermark. Its argument must be a rowtime attribute, as in Flink. */
static pl_expr *b_current_watermark(fcall *c, int fn) {
    pl_expr *a = c->args[0];
    if (a->kind != PL_X_COL || a->flag != PL_TIME_ROWTIME)
        return pl_bind_error(c->b, arg_at(c, 0), "The argument of CURRENT_WATERMARK() must be a rowtime attribute "
                                                 "(the column of a table's WATERMARK), not an expression or other column");
    sl_type t = a->type;
    t.not_null = false;
    pl_expr *x = mk(c, fn, t);
    return x;
}

static const fdef FUNCS[] = {
    {"UPPER", PL_F_UPPER, 1, 1, b_string_fn},
    {"LOWER", PL_F_LOWER, 1, 1, b_string_fn},
    {"CHAR_LENGTH", PL_F_CHAR_LENGTH, 1, 1, b_string_fn},
    {"CHARACTER_LENGTH", PL_F_CHAR_LENGTH, 1, 1, b_string_fn},
    {"SUBSTRING", PL_F_SUBSTRING, 2, 3, b_substring},
    {"SUBSTR", PL_F_SUBSTRING, 2, 3, b_substring},
    {"LTRIM", PL_F_LTRIM, 1, 2, b_string_fn},
    {"RTRIM", PL_F_RTRIM, 1, 2, b_string_fn},
    {"CONCAT", PL_F_CONCAT, 1, -1, b_string_fn},
    {"CONCAT_WS", PL_F_CONCAT_WS, 2, -1, b_string_fn},
    {"REPLACE", PL_F_REPLACE, 3, 3, b_string_fn},
    {"POSITION", PL_F_POSITION, 2, 2, b_string_fn},
    {"LOCATE", PL_F_POSITION, 2, 2, b_string_fn},
    {"COALESCE", PL_F_COALESCE, 1, -1, b_coalesce},
    {"NULLIF", PL_F_NULLIF, 2, 2, b_nullif},
    {"IF", PL_F_IF, 3, 3, b_if},
    {"ABS", PL_F_ABS, 1, 1, b_abs},
    {"ROUND", PL_F_ROUND, 1, 2, b_round},
    {"FLOOR", PL_F_FLOOR, 1, 1, b_floor_ceil},
    {"CEIL", PL_F_CEIL, 1, 1, b_floor_ceil},
    {"CEILING", PL_F_CEIL, 1, 1, b_floor_ceil},
    {"MOD", PL_F_MOD, 2, 2, b_mod},
    {"POWER", PL_F_POWER, 2, 2, b_double_fn},
    {"SQRT", PL_F_SQRT, 1, 1, b_double_fn},
    {"DATE_FORMAT", PL_F_DATE_FORMAT, 2, 2, b_date_format},
    {"TO_TIMESTAMP", PL_F_TO_TIMESTAMP, 1, 2, b_to_timestamp},
    {"CURRENT_TIMESTAMP", PL_F_CURRENT_TIMESTAMP, 0, 0, b_now},
    {"NOW", PL_F_CURRENT_TIMESTAMP, 0, 0, b_now},
    {"PROCTIME", PL_F_PROCTIME, 0, 0, b_proctime},
    {"CURRENT_WATERMARK", PL_F_CURRENT_WATERMARK, 1, 1, b_current_watermark},
};
#define NFUNCS ((int)(sizeof FUNCS / sizeof FUNCS[0]))

const char *pl_func_name(int fn) {
    switch (fn) {
    case PL_F_ADD: return "+";
    case PL_F_SUB: return "-";
    case PL_F_MUL: return "*";
    case PL_F_DIV: return "/";
    case PL_F_MOD: return "MOD";
    case PL_F_NEG: return "-";
    case PL_F_EQ: return "=";
    case PL_F_NE: return "<>";
    case PL_F_LT: return "<";
    case PL_F_LE: return "<=";
    case PL_F_GT: return ">";
    case PL_F_GE: return ">=";
    case PL_F_TRIM: return "TRIM";
    default: break;
    }
    for (int i = 0; i < NFUNCS; i++)
        if (FUNCS[i].fn == fn) return FUNCS[i].name;
    return "?";
}

/* "expects 1 argument", "expects 2 or 3 arguments", "expects at least 2 arguments". */
static pl_expr *arity_error(pl_binder *b, const sp_expr *e, const fdef *d) {
    char what[64];
    if (d->max < 0) snprintf(what, sizeof what, "at least %d argument%s", d->min, d->min == 1 ? "" : "s");
    else if (d->min == d->max && d->min == 0) snprintf(what, sizeof what, "no arguments");
    else if (d->min == d->max) snprintf(what, sizeof what, "%d argument%s", d->min, d->min == 1 ? "" : "s");
    else if (d->max == d->min + 1) snprintf(what, sizeof what, "%d or %d arguments", d->min, d->max);
    else snprintf(what, sizeof what, "%d to %d arguments", d->min, d->max);
    return pl_bind_error(b, e, "Function %s expects %s", d->name, what);
}

/* Unknown name: suggests the closest known function (scalar or aggregate). */
static pl_expr *unknown_function(pl_binder *b, const sp_expr *e) {
    const char *best = NULL;
    int bd = 1 << 20;
    for (int i = 0; i < NFUNCS; i++) {
        int d = sl_edit_distance(e->name, FUNCS[i].name);
        if (d < bd) bd = d, best = FUNCS[i].name;
    }
    for (int i = 0; AGGREGATES[i]; i++) {
        int d = sl_edit_distance(e->name, AGGREGATES[i]);
        if (d < bd) bd = d, best = AGGREGATES[i];
    }
    if (best && bd <= 2 && bd * 2 <= (int)strlen(e->name))
        return pl_bind_error(b, e, "Unknown function '%s'. Did you mean '%s'?", e->name, best);
    return pl_bind_error(b, e, "Unknown function '%s'", e->name);
}

/* TRIM([BOTH|LEADING|TRAILING] [chars] FROM x): chars default to a space. */
static pl_expr *bind_trim(pl_binder *b, const sp_expr *e) {
    pl_expr *args[2];
    fcall c = {b, e, "TRIM", args, 2};
    if (!(args[0] = pl_bind_node(b, e->args[0]))) return NULL;
    if (e->nargs > 1 && e->args[1]) {
        if (!(args[1] = pl_bind_node(b, e->args[1]))) return NULL;
    } else {
        sl_type st = sl_type_make(SL_T_STRING);
        st.not_null = true;
        args[1] = pl_new_const(b->a, st, sl_str(" ", 1));
    }
    if (!to_string(&c, 0) || !to_string(&c, 1)) return NULL;
    pl_expr *x = mk(&c, PL_F_TRIM, sl_type_make(SL_T_STRING));
    x->flag = e->trim_mode;
    return x;
}

pl_expr *pl_bind_func(pl_binder *b, const sp_expr *e) {
    if (e->kind == SP_E_TRIM) return bind_trim(b, e);
    char up[64];
    size_t k = 0;
    for (; e->name[k] && k + 1 < sizeof up; k++) up[k] = (char)toupper((unsigned char)e->name[k]);
    up[k] = 0;
    if (pl_func_is_aggregate(e->name)) return pl_bind_error(b, e, "Aggregate function %s is not allowed here", up);
    if (pl_func_is_window(e->name)) return pl_bind_error(b, e, "Window function %s is not allowed here", up);
    const fdef *d = NULL;
    for (int i = 0; i < NFUNCS && !d; i++)
        if (strcasecmp(FUNCS[i].name, e->name) == 0) d = &FUNCS[i];
    if (!d) return unknown_function(b, e);
    if (e->star) return pl_bind_error(b, e, "'*' is only allowed in COUNT(*)");
    if (e->distinct) return pl_bind_error(b, e, "DISTINCT is only allowed in aggregate functions");
    if (e->filter) return pl_bind_error(b, e, "FILTER is only allowed with aggregate functions");
    if (e->nargs < d->min || (d->max >= 0 && e->nargs > d->max)) return arity_error(b, e, d);
    /* one spare slot: ROUND adds its default digits */
    pl_expr **args = sl_arena_calloc(b->a, sizeof(pl_expr *) * (size_t)(e->nargs + 1));
    for (int i = 0; i < e->nargs; i++)
        if (!(args[i] = pl_bind_node(b, e->args[i]))) return NULL;
    fcall c = {b, e, d->name, args, e->nargs};
    return d->bind(&c, d->fn);
}
