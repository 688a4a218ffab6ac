/* pl_expr_text.c: readable rendering of bound expressions for EXPLAIN, e.g.
 *     ((amount > 100) AND (country IN ('DE', 'FR')))    UPPER(customer)    CAST(x AS DOUBLE)
 * Operators are infix and parenthesized, functions are NAME(args), implicit casts show. */
#include <stdio.h>
#include "../common/sl_buf.h"
#include "../common/sl_format.h"
#include "pl_bind.h"
#include "pl_functions.h"

static void text(sl_buf *o, const pl_expr *e, const char *const *names);

/* Day-time interval literal in its largest exact unit: INTERVAL '5' SECOND. */
static void interval_text(sl_buf *o, int64_t ms) {
    static const struct { int64_t ms; const char *unit; } U[] = {
        {86400000LL, "DAY"}, {3600000LL, "HOUR"}, {60000LL, "MINUTE"}, {1000LL, "SECOND"}};
    for (int i = 0; i < 4; i++)
        if (ms % U[i].ms == 0) {
            sl_buf_printf(o, "INTERVAL '%lld' %s", (long long)(ms / U[i].ms), U[i].unit);
            return;
        }
    char b[SL_FMT_BUFSZ];
    sl_fmt_decimal(b, ms, 3);
    sl_buf_printf(o, "INTERVAL '%s' SECOND", b);
}

/* A constant as SQL would write it. Constants folded from an integer literal (flag 1) print
 * as that integer. */
static void const_text(sl_buf *o, const pl_expr *e) {
    sl_value v = e->value;
    if (v.null) {
        sl_buf_puts(o, "NULL");
        return;
    }
    char b[SL_FMT_BUFSZ];
    switch (e->type.id) {
    case SL_T_BOOLEAN: sl_buf_puts(o, v.i ? "true" : "false"); return;
    case SL_T_FLOAT:
    case SL_T_DOUBLE:
        if (e->flag == 1) sl_buf_printf(o, "%.0f", v.d);
        else sl_format_value(o, e->type, v);
        return;
    case SL_T_DECIMAL:
        if (e->flag == 1) {
            sl_fmt_decimal(b, v.i, e->type.scale);
            for (char *p = b; *p; p++)
                if (*p == '.') *p = 0;
            sl_buf_puts(o, b);
        } else {
            sl_format_value(o, e->type, v);
        }
        return;
    case SL_T_STRING:
        sl_buf_putc(o, '\'');
        for (uint32_t i = 0; i < v.s.len; i++) {
            if (v.s.ptr[i] == '\'') sl_buf_putc(o, '\'');
            sl_buf_putc(o, v.s.ptr[i]);
        }
        sl_buf_putc(o, '\'');
        return;
    case SL_T_TIMESTAMP:
    case SL_T_TIMESTAMP_LTZ:
        sl_fmt_timestamp(b, v.i, e->type.precision, ' ');
        sl_buf_printf(o, "%s '%s'", e->type.id == SL_T_TIMESTAMP ? "TIMESTAMP" : "TIMESTAMP_LTZ", b);
        return;
    case SL_T_DATE:
        sl_fmt_date(b, v.i);
        sl_buf_printf(o, "DATE '%s'", b);
        return;
    case SL_T_INTERVAL: interval_text(o, v.i); return;
    default: sl_format_value(o, e->type, v); return;
    }
}

/* args[from..nargs) separated by sep. */
static void list(sl_buf *o, const pl_expr *e, int from, const char *sep, const char *const *names) {
    for (int i = from; i < e->nargs; i++) {
        if (i > from) sl_buf_puts(o, sep);
        text(o, e->args[i], names);
    }
}

static void call_text(sl_buf *o, const pl_expr *e, const char *const *names) {
    switch (e->fn) {
    case PL_F_ADD: case PL_F_SUB: case PL_F_MUL: case PL_F_DIV:
    case PL_F_EQ: case PL_F_NE: case PL_F_LT: case PL_F_LE: case PL_F_GT: case PL_F_GE:
        sl_buf_putc(o, '(');
        text(o, e->args[0], names);
        sl_buf_printf(o, " %s ", pl_func_name(e->fn));
        text(o, e->args[1], names);
        sl_buf_putc(o, ')');
        return;
    case PL_F_NEG:
        sl_buf_putc(o, '-');
        text(o, e->args[0], names);
        return;
    case PL_F_CONCAT:
        if (e->flag == 1) {
            sl_buf_putc(o, '(');
            list(o, e, 0, " || ", names);
            sl_buf_putc(o, ')');
            return;
        }
        break;
    case PL_F_TRIM: {
        static const char *const modes[] = {"BOTH", "LEADING", "TRAILING"};
        sl_buf_printf(o, "TRIM(%s ", modes[e->flag < 3 ? e->flag : 0]);
        text(o, e->args[1], names);
        sl_buf_puts(o, " FROM ");
        text(o, e->args[0], names);
        sl_buf_putc(o, ')');
        return;
    }
    case PL_F_POSITION:
        sl_buf_puts(o, "POSITION(");
        text(o, e->args[0], names);
        sl_buf_puts(o, " IN ");
        text(o, e->args[1], names);
        sl_buf_putc(o, ')');
        return;
    case PL_F_NULLIF: /* a third argument is the first in the compared type: not shown */
        sl_buf_puts(o, "NULLIF(");
        text(o, e->args[0], names);
        sl_buf_puts(o, ", ");
        text(o, e->args[1], names);
        sl_buf_putc(o, ')');
        return;
    case PL_F_CURRENT_TIMESTAMP: sl_buf_puts(o, "CURRENT_TIMESTAMP"); return;
    case PL_F_PROCTIME: sl_buf_puts(o, "PROCTIME()"); return;
    default: break;
    }
    sl_buf_printf(o, "%s(", pl_func_name(e->fn));
    list(o, e, 0, ", ", names);
    sl_buf_putc(o, ')');
}

static void text(sl_buf *o, const pl_expr *e, const char *const *names) {
    if (!e) {
        sl_buf_puts(o, "?");
        return;
    }
    switch (e->kind) {
    case PL_X_CONST: const_text(o, e); return;
    case PL_X_COL:
        if (names && names[e->col]) sl_buf_puts(o, names[e->col]);
        else sl_buf_printf(o, "$%d", e->col);
        return;
    case PL_X_CALL: call_text(o, e, names); return;
    case PL_X_AND:
    case PL_X_OR:
        sl_buf_putc(o, '(');
        list(o, e, 0, e->kind == PL_X_AND ? " AND " : " OR ", names);
        sl_buf_putc(o, ')');
        return;
    case PL_X_NOT:
        sl_buf_puts(o, "(NOT ");
        text(o, e->args[0], names);
        sl_buf_putc(o, ')');
        return;
    case PL_X_IS_NULL:
    case PL_X_IS_BOOL:
        sl_buf_putc(o, '(');
        text(o, e->args[0], names);
        sl_buf_printf(o, " IS %s%s)", e->negated ? "NOT " : "",
                      e->kind == PL_X_IS_NULL ? "NULL" : e->value.i ? "TRUE" : "FALSE");
        return;
    case PL_X_CASE: {
        sl_buf_puts(o, "CASE");
        int pairs = e->flag ? (e->nargs - 1) / 2 : e->nargs / 2;
        for (int i = 0; i < pairs; i++) {
            sl_buf_puts(o, " WHEN ");
            text(o, e->args[2 * i], names);
            sl_buf_puts(o, " THEN ");
            text(o, e->args[2 * i + 1], names);
        }
        if (e->flag) {
            sl_buf_puts(o, " ELSE ");
            text(o, e->args[e->nargs - 1], names);
        }
        sl_buf_puts(o, " END");
        return;
    }
    case PL_X_CAST: {
        char t[64];
        sl_buf_puts(o, e->flag ? "TRY_CAST(" : "CAST(");
        text(o, e->args[0], names);
        sl_buf_printf(o, " AS %s)", pl_tname(e->type, t, sizeof t));
        return;
    }
    case PL_X_IN:
        sl_buf_putc(o, '(');
        text(o, e->args[0], names);
        sl_buf_puts(o, e->negated ? " NOT IN (" : " IN (");
        list(o, e, 1, ", ", names);
        sl_buf_puts(o, "))");
        return;
    case PL_X_LIKE:
        sl_buf_putc(o, '(');
        text(o, e->args[0], names);
        sl_buf_puts(o, e->negated ? " NOT LIKE " : " LIKE ");
        text(o, e->args[1], names);
        if (e->nargs > 2) {
            sl_buf_puts(o, " ESCAPE ");
            text(o, e->args[2], names);
        }
        sl_buf_putc(o, ')');
        return;
    case PL_X_DISTINCT:
        sl_buf_putc(o, '(');
        text(o, e->args[0], names);
        sl_buf_puts(o, e->negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
        text(o, e->args[1], names);
        sl_buf_putc(o, ')');
        return;
    case PL_X_BETWEEN:
        sl_buf_putc(o, '(');
        text(o, e->args[0], names);
        sl_buf_puts(o, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        text(o, e->args[1], names);
        sl_buf_puts(o, " AND ");
        text(o, e->args[2], names);
        sl_buf_putc(o, ')');
        return;
    default: sl_buf_puts(o, "?"); return;
    }
}

void pl_expr_to_text(struct sl_buf *out, const pl_expr *e, const char *const *names) { text(out, e, names); }
