/* pl_expr_util.c: walks over bound expressions: EXPLAIN text, columns read, remapping. */
#include <string.h>
#include "../common/sl_buf.h"
#include "../common/sl_format.h"
#include "pl_expr.h"
#include "pl_types.h"

static const char *infix(int fn) {
    switch (fn) {
    case PL_F_ADD: return " + ";
    case PL_F_SUB: return " - ";
    case PL_F_MUL: return " * ";
    case PL_F_DIV: return " / ";
    case PL_F_EQ: return " = ";
    case PL_F_NE: return " <> ";
    case PL_F_LT: return " < ";
    case PL_F_LE: return " <= ";
    case PL_F_GT: return " > ";
    case PL_F_GE: return " >= ";
    }
    return NULL;
}

/* A constant as an SQL literal. */
static void const_text(sl_buf *out, const pl_expr *e) {
    if (e->value.null) { sl_buf_puts(out, "null"); return; }
    switch (e->type.id) {
    case SL_T_STRING:
        sl_buf_putc(out, '\'');
        for (uint32_t i = 0; i < e->value.s.len; i++) {
            if (e->value.s.ptr[i] == '\'') sl_buf_putc(out, '\'');
            sl_buf_putc(out, e->value.s.ptr[i]);
        }
        sl_buf_putc(out, '\'');
        break;
    case SL_T_BOOLEAN: sl_buf_puts(out, e->value.i ? "true" : "false"); break;
    case SL_T_TIMESTAMP: case SL_T_TIMESTAMP_LTZ: case SL_T_DATE:
        sl_buf_putc(out, '\'');
        sl_format_value(out, e->type, e->value);
        sl_buf_putc(out, '\'');
        break;
    case SL_T_INTERVAL: sl_buf_printf(out, "%lld:INTERVAL", (long long)e->value.i); break;
    default: sl_format_value(out, e->type, e->value);
    }
}

static void list(sl_buf *out, const pl_expr *e, int from, const char *const *names) {
    for (int i = from; i < e->nargs; i++) {
        if (i > from) sl_buf_puts(out, ", ");
        pl_expr_to_text(out, e->args[i], names);
    }
}

void pl_expr_to_text(sl_buf *out, const pl_expr *e, const char *const *names) {
    char tn[64];
    switch (e->kind) {
    case PL_X_CONST: const_text(out, e); return;
    case PL_X_COL:
        if (names && names[e->col]) sl_buf_puts(out, names[e->col]);
        else sl_buf_printf(out, "$%d", e->col);
        return;
    case PL_X_CALL: {
        const char *op = infix(e->fn);
        if (op && e->nargs == 2) {
            sl_buf_putc(out, '(');
            pl_expr_to_text(out, e->args[0], names);
            sl_buf_puts(out, op);
            pl_expr_to_text(out, e->args[1], names);
            sl_buf_putc(out, ')');
            return;
        }
        if (e->fn == PL_F_NEG) { sl_buf_puts(out, "-"); pl_expr_to_text(out, e->args[0], names); return; }
        if (e->fn == PL_F_MOD) sl_buf_puts(out, "MOD(");
        else if (e->fn == PL_F_CONCAT) sl_buf_puts(out, "CONCAT(");
        else sl_buf_printf(out, "%s(", pl_func_name(e->fn));
        list(out, e, 0, names);
        sl_buf_putc(out, ')');
        return;
    }
    case PL_X_AND:
    case PL_X_OR:
        sl_buf_putc(out, '(');
        for (int i = 0; i < e->nargs; i++) {
            if (i) sl_buf_puts(out, e->kind == PL_X_AND ? " AND " : " OR ");
            pl_expr_to_text(out, e->args[i], names);
        }
        sl_buf_putc(out, ')');
        return;
    case PL_X_NOT: sl_buf_puts(out, "NOT("); pl_expr_to_text(out, e->args[0], names); sl_buf_putc(out, ')'); return;
    case PL_X_IS_NULL:
        pl_expr_to_text(out, e->args[0], names);
        sl_buf_puts(out, e->negated ? " IS NOT NULL" : " IS NULL");
        return;
    case PL_X_IS_BOOL:
        pl_expr_to_text(out, e->args[0], names);
        sl_buf_printf(out, " IS %s%s", e->negated ? "NOT " : "", e->value.i ? "TRUE" : "FALSE");
        return;
    case PL_X_CASE:
        sl_buf_puts(out, "CASE(");
        list(out, e, 0, names);
        sl_buf_putc(out, ')');
        return;
    case PL_X_CAST:
        sl_buf_puts(out, e->flag ? "TRY_CAST(" : "CAST(");
        pl_expr_to_text(out, e->args[0], names);
        sl_buf_printf(out, " AS %s)", sl_type_name(e->type, tn, sizeof tn));
        return;
    case PL_X_IN:
        pl_expr_to_text(out, e->args[0], names);
        sl_buf_puts(out, e->negated ? " NOT IN (" : " IN (");
        list(out, e, 1, names);
        sl_buf_putc(out, ')');
        return;
    case PL_X_LIKE:
        pl_expr_to_text(out, e->args[0], names);
        sl_buf_puts(out, e->negated ? " NOT LIKE " : " LIKE ");
        pl_expr_to_text(out, e->args[1], names);
        return;
    case PL_X_BETWEEN:
        pl_expr_to_text(out, e->args[0], names);
        sl_buf_puts(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        pl_expr_to_text(out, e->args[1], names);
        sl_buf_puts(out, " AND ");
        pl_expr_to_text(out, e->args[2], names);
        return;
    }
}

void pl_expr_columns(const pl_expr *e, bool *used) {
    if (!e) return;
    if (e->kind == PL_X_COL) used[e->col] = true;
    for (int i = 0; i < e->nargs; i++) pl_expr_columns(e->args[i], used);
}

void pl_expr_remap(pl_expr *e, const int *map) {
    if (!e) return;
    if (e->kind == PL_X_COL) e->col = map[e->col];
    for (int i = 0; i < e->nargs; i++) pl_expr_remap(e->args[i], map);
}

bool pl_expr_is_constant(const pl_expr *e) {
    if (e->kind == PL_X_COL) return false;
    if (e->kind == PL_X_CALL && e->fn == PL_F_CURRENT_TIMESTAMP) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!pl_expr_is_constant(e->args[i])) return false;
    return true;
}
