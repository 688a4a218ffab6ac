/* pl_functions.c: the scalar function catalog: names, arity and typing rules. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_error.h"
#include "pl_expr.h"
#include "pl_types.h"

typedef enum rule {
    R_STR,        /* all args STRING, result STRING */
    R_STR_INT,    /* CHAR_LENGTH: STRING -> INT */
    R_SUBSTR,     /* STRING, INT [, INT] -> STRING */
    R_SAME,       /* ABS, FLOOR, CEIL: numeric -> same type (FLOOR/CEIL of DECIMAL keep scale 0) */
    R_ROUND,      /* numeric [, INT] -> same type */
    R_DOUBLE,     /* all args DOUBLE, result DOUBLE */
    R_NUM2,       /* MOD: numeric, numeric -> promoted */
    R_UNIFY,      /* COALESCE, NULLIF: common type */
    R_IF,         /* BOOLEAN, x, y -> common(x, y) */
    R_DATEFMT,    /* TIMESTAMP, STRING -> STRING */
    R_TOTS,       /* STRING [, STRING] -> TIMESTAMP(3) */
    R_NOW         /* () -> TIMESTAMP_LTZ(3) */
} rule;

typedef struct fdef {
    const char *name;
    int fn, min, max;
    rule r;
} fdef;

static const fdef FUNCS[] = {
    {"UPPER", PL_F_UPPER, 1, 1, R_STR},           {"LOWER", PL_F_LOWER, 1, 1, R_STR},
    {"CHAR_LENGTH", PL_F_CHAR_LENGTH, 1, 1, R_STR_INT}, {"CHARACTER_LENGTH", PL_F_CHAR_LENGTH, 1, 1, R_STR_INT},
    {"SUBSTRING", PL_F_SUBSTRING, 2, 3, R_SUBSTR}, {"SUBSTR", PL_F_SUBSTRING, 2, 3, R_SUBSTR},
    {"TRIM", PL_F_TRIM, 1, 2, R_STR},             {"LTRIM", PL_F_LTRIM, 1, 1, R_STR},
    {"RTRIM", PL_F_RTRIM, 1, 1, R_STR},           {"CONCAT", PL_F_CONCAT, 1, 255, R_STR},
    {"CONCAT_WS", PL_F_CONCAT_WS, 2, 255, R_STR}, {"REPLACE", PL_F_REPLACE, 3, 3, R_STR},
    {"COALESCE", PL_F_COALESCE, 1, 255, R_UNIFY}, {"NULLIF", PL_F_NULLIF, 2, 2, R_UNIFY},
    {"IF", PL_F_IF, 3, 3, R_IF},                  {"ABS", PL_F_ABS, 1, 1, R_SAME},
    {"ROUND", PL_F_ROUND, 1, 2, R_ROUND},         {"FLOOR", PL_F_FLOOR, 1, 1, R_SAME},
    {"CEIL", PL_F_CEIL, 1, 1, R_SAME},            {"CEILING", PL_F_CEIL, 1, 1, R_SAME},
    {"MOD", PL_F_MOD, 2, 2, R_NUM2},              {"POWER", PL_F_POWER, 2, 2, R_DOUBLE},
    {"POW", PL_F_POWER, 2, 2, R_DOUBLE},          {"SQRT", PL_F_SQRT, 1, 1, R_DOUBLE},
    {"DATE_FORMAT", PL_F_DATE_FORMAT, 2, 2, R_DATEFMT}, {"TO_TIMESTAMP", PL_F_TO_TIMESTAMP, 1, 2, R_TOTS},
    {"CURRENT_TIMESTAMP", PL_F_CURRENT_TIMESTAMP, 0, 0, R_NOW}, {"NOW", PL_F_CURRENT_TIMESTAMP, 0, 0, R_NOW},
    {"LOCALTIMESTAMP", PL_F_CURRENT_TIMESTAMP, 0, 0, R_NOW},
};

static const char *AGGREGATES[] = {"COUNT", "SUM", "AVG", "MIN", "MAX", "FIRST_VALUE", "LAST_VALUE",
                                   "LISTAGG", "COLLECT", "STDDEV_POP", "STDDEV_SAMP", "VAR_POP", "VAR_SAMP",
                                   "ROW_NUMBER", "RANK", "DENSE_RANK"};

bool pl_is_aggregate(const char *name) {
    for (size_t i = 0; i < sizeof AGGREGATES / sizeof AGGREGATES[0]; i++)
        if (!strcasecmp(name, AGGREGATES[i])) return true;
    return false;
}

/* Casts args[i] to t in place; false with *err. */
static bool cast_arg(pl_expr **args, int i, sl_type t, sl_arena *a, const char *fname, char **err) {
    if (args[i]->type.id != SL_T_NULL && !pl_assignable(args[i]->type, t)) {
        char tn[64], want[64];
        *err = sl_strdupf("Function %s does not accept %s as argument %d (expects %s)", fname,
                          sl_type_name(args[i]->type, tn, sizeof tn), i + 1, sl_type_name(t, want, sizeof want));
        return false;
    }
    char *e2 = NULL;
    pl_expr *c = pl_coerce(args[i], t, a, &e2);
    if (!c) { *err = e2; return false; }
    args[i] = c;
    return true;
}

/* Result type of a function under its rule (casting the arguments); false with *err. */
static bool type_call(const fdef *f, pl_expr **args, int n, sl_arena *a, sl_type *res, char **err) {
    char tn[64];
    switch (f->r) {
    case R_STR:
        for (int i = 0; i < n; i++)
            if (!cast_arg(args, i, sl_type_make(SL_T_STRING), a, f->name, err)) return false;
        *res = sl_type_make(SL_T_STRING);
        return true;
    case R_STR_INT:
        if (!cast_arg(args, 0, sl_type_make(SL_T_STRING), a, f->name, err)) return false;
        *res = sl_type_make(SL_T_INT);
        return true;
    case R_SUBSTR:
        if (!cast_arg(args, 0, sl_type_make(SL_T_STRING), a, f->name, err)) return false;
        for (int i = 1; i < n; i++) {
            if (args[i]->type.id != SL_T_NULL && args[i]->type.id != SL_T_INT && args[i]->type.id != SL_T_BIGINT) {
                *err = sl_strdupf("Function %s expects INT positions, not %s", f->name,
                                  sl_type_name(args[i]->type, tn, sizeof tn));
                return false;
            }
            if (!cast_arg(args, i, sl_type_make(SL_T_BIGINT), a, f->name, err)) return false;
        }
        *res = sl_type_make(SL_T_STRING);
        return true;
    case R_SAME:
    case R_ROUND:
        if (args[0]->type.id == SL_T_NULL && !cast_arg(args, 0, sl_type_make(SL_T_DOUBLE), a, f->name, err)) return false;
        if (!sl_type_is_numeric(args[0]->type.id)) {
            *err = sl_strdupf("Function %s expects a numeric argument, not %s", f->name,
                              sl_type_name(args[0]->type, tn, sizeof tn));
            return false;
        }
        *res = args[0]->type;
        res->not_null = false;
        if (f->r == R_ROUND && n > 1 && !cast_arg(args, 1, sl_type_make(SL_T_INT), a, f->name, err)) return false;
        if (res->id == SL_T_DECIMAL && (f->fn == PL_F_FLOOR || f->fn == PL_F_CEIL)) res->scale = 0;
        if (res->id == SL_T_DECIMAL && f->fn == PL_F_ROUND) {
            int d = n > 1 && args[1]->kind == PL_X_CONST && !args[1]->value.null ? (int)args[1]->value.i : 0;
            if (d < 0) d = 0;
            if (d < res->scale) res->scale = (uint8_t)d;
        }
        return true;
    case R_DOUBLE:
        for (int i = 0; i < n; i++) {
            if (args[i]->type.id != SL_T_NULL && !sl_type_is_numeric(args[i]->type.id)) {
                *err = sl_strdupf("Function %s expects numeric arguments, not %s", f->name,
                                  sl_type_name(args[i]->type, tn, sizeof tn));
                return false;
            }
            if (!cast_arg(args, i, sl_type_make(SL_T_DOUBLE), a, f->name, err)) return false;
        }
        *res = sl_type_make(SL_T_DOUBLE);
        return true;
    case R_NUM2: {
        sl_type t0 = args[0]->type.id == SL_T_NULL ? sl_type_make(SL_T_INT) : args[0]->type;
        sl_type t1 = args[1]->type.id == SL_T_NULL ? t0 : args[1]->type;
        if (!sl_type_is_numeric(t0.id) || !sl_type_is_numeric(t1.id)) {
            *err = sl_strdupf("Function %s expects numeric arguments", f->name);
            return false;
        }
        *res = pl_numeric_result(t0, t1);
        return cast_arg(args, 0, *res, a, f->name, err) && cast_arg(args, 1, *res, a, f->name, err);
    }
    case R_UNIFY:
    case R_IF: {
        int first = f->r == R_IF ? 1 : 0;
        if (f->r == R_IF && !cast_arg(args, 0, sl_type_make(SL_T_BOOLEAN), a, f->name, err)) return false;
        sl_type t = args[first]->type;
        for (int i = first + 1; i < n; i++)
            if (!pl_common_type(t, args[i]->type, &t)) {
                *err = sl_strdupf("Function %s has arguments of incompatible types", f->name);
                return false;
            }
        if (t.id == SL_T_NULL) t = sl_type_make(SL_T_STRING);
        for (int i = first; i < n; i++)
            if (!cast_arg(args, i, t, a, f->name, err)) return false;
        *res = t;
        res->not_null = false;
        return true;
    }
    case R_DATEFMT:
        if (args[0]->type.id == SL_T_STRING || args[0]->type.id == SL_T_DATE || args[0]->type.id == SL_T_TIMESTAMP_LTZ ||
            args[0]->type.id == SL_T_NULL)
            if (!cast_arg(args, 0, sl_type_make(SL_T_TIMESTAMP), a, f->name, err)) return false;
        if (args[0]->type.id != SL_T_TIMESTAMP) {
            *err = sl_strdupf("Function DATE_FORMAT expects a TIMESTAMP, not %s", sl_type_name(args[0]->type, tn, sizeof tn));
            return false;
        }
        if (!cast_arg(args, 1, sl_type_make(SL_T_STRING), a, f->name, err)) return false;
        *res = sl_type_make(SL_T_STRING);
        return true;
    case R_TOTS:
        for (int i = 0; i < n; i++)
            if (!cast_arg(args, i, sl_type_make(SL_T_STRING), a, f->name, err)) return false;
        *res = sl_type_make(SL_T_TIMESTAMP);
        res->precision = 3;
        return true;
    case R_NOW:
        *res = sl_type_make(SL_T_TIMESTAMP_LTZ);
        res->precision = 3;
        res->not_null = true;
        return true;
    }
    return false;
}

pl_expr *pl_bind_function(const char *name, pl_expr **args, int nargs, sl_arena *a, char **err) {
    const fdef *f = NULL;
    for (size_t i = 0; i < sizeof FUNCS / sizeof FUNCS[0]; i++)
        if (!strcasecmp(FUNCS[i].name, name)) f = &FUNCS[i];
    if (!f) {
        const char *best = NULL;
        int bestd = 3;
        for (size_t i = 0; i < sizeof FUNCS / sizeof FUNCS[0]; i++) {
            int d = sl_edit_distance(name, FUNCS[i].name);
            if (d < bestd) { bestd = d; best = FUNCS[i].name; }
        }
        *err = best ? sl_strdupf("Unknown function '%s'. Did you mean '%s'?", name, best)
                    : sl_strdupf("Unknown function '%s'", name);
        return NULL;
    }
    if (nargs < f->min || nargs > f->max) {
        if (f->min == f->max) *err = sl_strdupf("Function %s expects %d argument%s, got %d", f->name, f->min, f->min == 1 ? "" : "s", nargs);
        else *err = sl_strdupf("Function %s expects %d to %d arguments, got %d", f->name, f->min, f->max, nargs);
        return NULL;
    }
    pl_expr *x = sl_arena_calloc(a, sizeof *x);
    x->kind = PL_X_CALL;
    x->fn = (uint8_t)f->fn;
    x->nargs = nargs;
    x->args = sl_arena_calloc(a, sizeof(pl_expr *) * (size_t)(nargs + 1));
    memcpy(x->args, args, sizeof(pl_expr *) * (size_t)nargs);
    if (!type_call(f, x->args, nargs, a, &x->type, err)) return NULL;
    return x;
}

/* Name of a function code for EXPLAIN. */
const char *pl_func_name(int fn) {
    for (size_t i = 0; i < sizeof FUNCS / sizeof FUNCS[0]; i++)
        if (FUNCS[i].fn == fn) return FUNCS[i].name;
    return "?";
}
