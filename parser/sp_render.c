/* sp_render.c: renders AST expressions back as SQL text (DESCRIBE, column names). */
#include <ctype.h>
#include <string.h>
#include "../common/sl_buf.h"
#include "sp_parse.h"

static const char *op_text(int op) {
    switch (op) {
    case SP_OP_NEG: return "-";
    case SP_OP_PLUS: return "+";
    case SP_OP_NOT: return "NOT ";
    case SP_OP_ADD: return " + ";
    case SP_OP_SUB: return " - ";
    case SP_OP_MUL: return " * ";
    case SP_OP_DIV: return " / ";
    case SP_OP_MOD: return " % ";
    case SP_OP_EQ: return " = ";
    case SP_OP_NE: return " <> ";
    case SP_OP_LT: return " < ";
    case SP_OP_LE: return " <= ";
    case SP_OP_GT: return " > ";
    case SP_OP_GE: return " >= ";
    case SP_OP_AND: return " AND ";
    case SP_OP_OR: return " OR ";
    case SP_OP_CONCAT: return " || ";
    }
    return " ? ";
}

static const char *unit_text(int u) {
    static const char *names[] = {"", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};
    return u >= 0 && u <= 6 ? names[u] : "";
}

/* A string literal with quotes doubled. */
static void quoted(sl_buf *out, const char *s) {
    sl_buf_putc(out, '\'');
    for (; s && *s; s++) {
        if (*s == '\'') sl_buf_putc(out, '\'');
        sl_buf_putc(out, *s);
    }
    sl_buf_putc(out, '\'');
}

/* Operands that are themselves operators get parentheses, so precedence survives. */
static void operand(sl_buf *out, const sp_expr *e) {
    bool paren = e && (e->kind == SP_E_BINARY || e->kind == SP_E_BETWEEN || e->kind == SP_E_LIKE || e->kind == SP_E_IN);
    if (paren) sl_buf_putc(out, '(');
    sp_expr_to_sql(out, e);
    if (paren) sl_buf_putc(out, ')');
}

void sp_expr_to_sql(sl_buf *out, const sp_expr *e) {
    if (!e) { sl_buf_puts(out, "NULL"); return; }
    char tn[64];
    switch (e->kind) {
    case SP_E_LITERAL:
        switch (e->lit) {
        case SP_LIT_NULL: sl_buf_puts(out, "NULL"); break;
        case SP_LIT_BOOL: sl_buf_puts(out, e->lit_bool ? "TRUE" : "FALSE"); break;
        case SP_LIT_STRING: quoted(out, e->text); break;
        case SP_LIT_TIMESTAMP: sl_buf_puts(out, "TIMESTAMP "); quoted(out, e->text); break;
        case SP_LIT_DATE: sl_buf_puts(out, "DATE "); quoted(out, e->text); break;
        default: sl_buf_puts(out, e->text); break;
        }
        break;
    case SP_E_COLUMN:
        if (e->qual) sl_buf_printf(out, "%s.", e->qual);
        sl_buf_puts(out, e->name);
        break;
    case SP_E_STAR:
        if (e->name) sl_buf_printf(out, "%s.", e->name);
        sl_buf_putc(out, '*');
        break;
    case SP_E_UNARY:
        sl_buf_puts(out, op_text(e->op));
        operand(out, e->args[0]);
        break;
    case SP_E_BINARY:
        operand(out, e->args[0]);
        sl_buf_puts(out, op_text(e->op));
        operand(out, e->args[1]);
        break;
    case SP_E_FUNC:
        for (const char *p = e->name; *p; p++) sl_buf_putc(out, (char)toupper((unsigned char)*p));
        if (!strcmp(e->name, "CURRENT_TIMESTAMP") && e->nargs == 0) break;
        sl_buf_putc(out, '(');
        if (e->distinct) sl_buf_puts(out, "DISTINCT ");
        if (e->star) sl_buf_putc(out, '*');
        for (int i = 0; i < e->nargs; i++) {
            if (i) sl_buf_puts(out, ", ");
            sp_expr_to_sql(out, e->args[i]);
        }
        sl_buf_putc(out, ')');
        if (e->filter) {
            sl_buf_puts(out, " FILTER (WHERE ");
            sp_expr_to_sql(out, e->filter);
            sl_buf_putc(out, ')');
        }
        break;
    case SP_E_CASE:
        sl_buf_puts(out, "CASE");
        if (e->args[0]) { sl_buf_putc(out, ' '); sp_expr_to_sql(out, e->args[0]); }
        for (int i = 1; i + 1 < e->nargs; i += 2) {
            sl_buf_puts(out, " WHEN ");
            sp_expr_to_sql(out, e->args[i]);
            sl_buf_puts(out, " THEN ");
            sp_expr_to_sql(out, e->args[i + 1]);
        }
        if (e->args[e->nargs - 1]) { sl_buf_puts(out, " ELSE "); sp_expr_to_sql(out, e->args[e->nargs - 1]); }
        sl_buf_puts(out, " END");
        break;
    case SP_E_CAST:
        sl_buf_puts(out, e->try_cast ? "TRY_CAST(" : "CAST(");
        sp_expr_to_sql(out, e->args[0]);
        sl_buf_printf(out, " AS %s)", sl_type_name(e->cast_type, tn, sizeof tn));
        break;
    case SP_E_IS_NULL:
        operand(out, e->args[0]);
        sl_buf_puts(out, e->negated ? " IS NOT NULL" : " IS NULL");
        break;
    case SP_E_IS_BOOL:
        operand(out, e->args[0]);
        sl_buf_printf(out, " IS %s%s", e->negated ? "NOT " : "", e->lit_bool ? "TRUE" : "FALSE");
        break;
    case SP_E_BETWEEN:
        operand(out, e->args[0]);
        sl_buf_puts(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        operand(out, e->args[1]);
        sl_buf_puts(out, " AND ");
        operand(out, e->args[2]);
        break;
    case SP_E_IN:
        operand(out, e->args[0]);
        sl_buf_puts(out, e->negated ? " NOT IN (" : " IN (");
        for (int i = 1; i < e->nargs; i++) {
            if (i > 1) sl_buf_puts(out, ", ");
            sp_expr_to_sql(out, e->args[i]);
        }
        sl_buf_putc(out, ')');
        break;
    case SP_E_LIKE:
        operand(out, e->args[0]);
        sl_buf_puts(out, e->negated ? " NOT LIKE " : " LIKE ");
        operand(out, e->args[1]);
        if (e->nargs > 2) { sl_buf_puts(out, " ESCAPE "); sp_expr_to_sql(out, e->args[2]); }
        break;
    case SP_E_INTERVAL:
        sl_buf_puts(out, "INTERVAL ");
        quoted(out, e->text);
        sl_buf_printf(out, " %s", unit_text(e->unit));
        if (e->to_unit) sl_buf_printf(out, " TO %s", unit_text(e->to_unit));
        break;
    case SP_E_TRIM:
        sl_buf_puts(out, "TRIM(");
        if (e->trim_mode == SP_TRIM_LEADING) sl_buf_puts(out, "LEADING ");
        else if (e->trim_mode == SP_TRIM_TRAILING) sl_buf_puts(out, "TRAILING ");
        if (e->args[1]) { sp_expr_to_sql(out, e->args[1]); sl_buf_puts(out, " FROM "); }
        else if (e->trim_mode != SP_TRIM_BOTH) sl_buf_puts(out, "FROM ");
        sp_expr_to_sql(out, e->args[0]);
        sl_buf_putc(out, ')');
        break;
    default:
        sl_buf_puts(out, "?");
    }
}
