/* sp_to_sql.c: renders an expression tree back as SQL text, for DESCRIBE, EXPLAIN and column
 * names: functions in upper case (`UPPER(customer)`), spaced operators (`amount > 100`),
 * strings quoted, identifiers as written (backticks only where needed). Parentheses appear
 * only where precedence requires them, so the text parses back to the same tree. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_buf.h"
#include "sp_build.h"
#include "sp_grammar.h"
#include "sp_parse.h"

/* Precedence levels, lowest first; an operand below its slot's level gets parentheses. */
enum { P_ANY = 0, P_OR = 1, P_AND, P_NOT, P_PRED, P_CONCAT, P_ADD, P_MUL, P_UNARY, P_TERM };

static void render(sl_buf *out, const sp_expr *e, int min);

/* The precedence level of e's outermost operator. */
static int level(const sp_expr *e) {
    switch (e->kind) {
    case SP_E_UNARY: return e->op == SP_OP_NOT ? P_NOT : P_UNARY;
    case SP_E_BINARY:
        switch (e->op) {
        case SP_OP_OR: return P_OR;
        case SP_OP_AND: return P_AND;
        case SP_OP_CONCAT: return P_CONCAT;
        case SP_OP_ADD: case SP_OP_SUB: return P_ADD;
        case SP_OP_MUL: case SP_OP_DIV: case SP_OP_MOD: return P_MUL;
        default: return P_PRED;
        }
    case SP_E_IS_NULL: case SP_E_IS_BOOL: case SP_E_BETWEEN: case SP_E_IN: case SP_E_LIKE: return P_PRED;
    default: return P_TERM;
    }
}

/* A binary operator with its surrounding spaces. */
static const char *op_text(int op) {
    switch (op) {
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
    case SP_OP_IS_DISTINCT: return " IS DISTINCT FROM ";
    case SP_OP_IS_NOT_DISTINCT: return " IS NOT DISTINCT FROM ";
    default: return " ? ";
    }
}

/* The SQL name of an interval unit. */
static const char *unit_text(int u) {
    static const char *const names[] = {"", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};
    return u >= 0 && u <= SP_IU_SECOND ? names[u] : "";
}

/* 'text' with quotes doubled. */
static void put_string(sl_buf *out, const char *s) {
    sl_buf_putc(out, '\'');
    for (; s && *s; s++) {
        if (*s == '\'') sl_buf_putc(out, '\'');
        sl_buf_putc(out, *s);
    }
    sl_buf_putc(out, '\'');
}

/* True when an identifier must be backtick-quoted to read back as the same name. */
static bool needs_quotes(const char *s) {
    if (!s || !*s) return true;
    unsigned char c = (unsigned char)s[0];
    if (!(isalpha(c) || c == '_' || c >= 0x80)) return true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!(isalnum(*p) || *p == '_' || *p == '$' || *p >= 0x80)) return true;
    int code = sp_keyword_code(s, (int)strlen(s));
    if (code == TK_ID) return false;
    /* Words that are keywords only before JOIN/OUTER, BY or SETS (sp_parse.c), which never
     * follow a name in this rendering; they were plain names before, and still print so. */
    if (code == TK_LEFT || code == TK_RIGHT || code == TK_PARTITION || code == TK_GROUPING) return false;
    /* Reserved words, and the non-reserved ones that would start a function form. */
    return sp_LemonFallback(code) == 0 || code == TK_TRIM || code == TK_SUBSTRING;
}

/* An identifier, in backticks (doubled inside) when needed. */
static void put_ident(sl_buf *out, const char *s) {
    if (!needs_quotes(s)) {
        sl_buf_puts(out, s);
        return;
    }
    sl_buf_putc(out, '`');
    for (; s && *s; s++) {
        if (*s == '`') sl_buf_putc(out, '`');
        sl_buf_putc(out, *s);
    }
    sl_buf_putc(out, '`');
}

/* A function name in upper case. */
static void put_upper(sl_buf *out, const char *s) {
    for (; s && *s; s++) sl_buf_putc(out, (char)toupper((unsigned char)*s));
}

/* A literal as SQL writes it (numbers as written, strings quoted). */
static void put_literal(sl_buf *out, const sp_expr *e) {
    switch (e->lit) {
    case SP_LIT_NULL: sl_buf_puts(out, "NULL"); break;
    case SP_LIT_BOOL: sl_buf_puts(out, e->lit_bool ? "TRUE" : "FALSE"); break;
    case SP_LIT_STRING: put_string(out, e->text); break;
    case SP_LIT_TIMESTAMP: sl_buf_puts(out, "TIMESTAMP "); put_string(out, e->text); break;
    case SP_LIT_DATE: sl_buf_puts(out, "DATE "); put_string(out, e->text); break;
    default: sl_buf_puts(out, e->text ? e->text : ""); break;
    }
}

/* Arguments a[from..to) separated by ", ". */
static void put_args(sl_buf *out, sp_expr *const *a, int from, int to) {
    for (int i = from; i < to; i++) {
        if (i > from) sl_buf_puts(out, ", ");
        render(out, a[i], P_ANY);
    }
}

/* True for CURRENT_TIMESTAMP and the other functions written without parentheses. */
static bool is_niladic(const sp_expr *e) {
    if (e->nargs || e->star || !e->name) return false;
    int code = sp_keyword_code(e->name, (int)strlen(e->name));
    return code == TK_NILADIC;
}

/* A call: NAME(args), COUNT(*), NAME(DISTINCT x), POSITION(a IN b), FILTER, and the
 * niladic names without parentheses. */
static void put_func(sl_buf *out, const sp_expr *e) {
    put_upper(out, e->name);
    if (is_niladic(e)) return;
    sl_buf_putc(out, '(');
    if (e->star) {
        sl_buf_putc(out, '*');
    } else if (e->name && strcasecmp(e->name, "POSITION") == 0 && e->nargs == 2) {
        render(out, e->args[0], P_CONCAT);
        sl_buf_puts(out, " IN ");
        render(out, e->args[1], P_CONCAT);
    } else {
        if (e->distinct) sl_buf_puts(out, "DISTINCT ");
        put_args(out, e->args, 0, e->nargs);
    }
    sl_buf_putc(out, ')');
    if (e->filter) {
        sl_buf_puts(out, " FILTER (WHERE ");
        render(out, e->filter, P_ANY);
        sl_buf_putc(out, ')');
    }
}

/* A frame bound: UNBOUNDED PRECEDING, CURRENT ROW, <offset> PRECEDING, ... */
static void put_bound(sl_buf *out, int kind, const sp_expr *offset) {
    switch (kind) {
    case SP_BOUND_UNBOUNDED_PRECEDING: sl_buf_puts(out, "UNBOUNDED PRECEDING"); break;
    case SP_BOUND_CURRENT_ROW: sl_buf_puts(out, "CURRENT ROW"); break;
    case SP_BOUND_UNBOUNDED_FOLLOWING: sl_buf_puts(out, "UNBOUNDED FOLLOWING"); break;
    default:
        render(out, offset, P_CONCAT);
        sl_buf_puts(out, kind == SP_BOUND_PRECEDING ? " PRECEDING" : " FOLLOWING");
        break;
    }
}

/* call OVER ([PARTITION BY ..] [ORDER BY ..] [ROWS|RANGE BETWEEN .. AND ..]). */
static void put_over(sl_buf *out, const sp_expr *e) {
    const sp_window_spec *w = e->over;
    if (e->nargs > 0) render(out, e->args[0], P_TERM);
    sl_buf_puts(out, " OVER (");
    const char *sep = "";
    if (w && w->npartition_by > 0) {
        sl_buf_puts(out, "PARTITION BY ");
        put_args(out, w->partition_by, 0, w->npartition_by);
        sep = " ";
    }
    if (w && w->norder_by > 0) {
        sl_buf_printf(out, "%sORDER BY ", sep);
        for (int i = 0; i < w->norder_by; i++) {
            if (i) sl_buf_puts(out, ", ");
            render(out, w->order_by[i].expr, P_ANY);
            if (w->order_by[i].desc) sl_buf_puts(out, " DESC");
        }
        sep = " ";
    }
    if (w && w->frame != SP_FRAME_NONE) {
        sl_buf_printf(out, "%s%s BETWEEN ", sep, w->frame == SP_FRAME_ROWS ? "ROWS" : "RANGE");
        put_bound(out, w->start_kind, w->start);
        sl_buf_puts(out, " AND ");
        put_bound(out, w->end_kind, w->end);
    }
    sl_buf_putc(out, ')');
}

/* CASE [operand] WHEN .. THEN .. [ELSE ..] END. */
static void put_case(sl_buf *out, const sp_expr *e) {
    sl_buf_puts(out, "CASE");
    if (e->nargs > 0 && e->args[0]) {
        sl_buf_putc(out, ' ');
        render(out, e->args[0], P_ANY);
    }
    int i = 1;
    for (; i + 1 < e->nargs; i += 2) {
        sl_buf_puts(out, " WHEN ");
        render(out, e->args[i], P_ANY);
        sl_buf_puts(out, " THEN ");
        render(out, e->args[i + 1], P_ANY);
    }
    if (i < e->nargs && e->args[i]) {
        sl_buf_puts(out, " ELSE ");
        render(out, e->args[i], P_ANY);
    }
    sl_buf_puts(out, " END");
}

/* TRIM(x), or TRIM(mode [chars] FROM x) when a mode or characters were given. */
static void put_trim(sl_buf *out, const sp_expr *e) {
    static const char *const modes[] = {"BOTH", "LEADING", "TRAILING"};
    const sp_expr *chars = e->nargs > 1 ? e->args[1] : NULL;
    sl_buf_puts(out, "TRIM(");
    if (e->trim_mode != SP_TRIM_BOTH || chars) {
        sl_buf_puts(out, modes[e->trim_mode <= SP_TRIM_TRAILING ? e->trim_mode : 0]);
        sl_buf_putc(out, ' ');
        if (chars) {
            render(out, chars, P_ANY);
            sl_buf_putc(out, ' ');
        }
        sl_buf_puts(out, "FROM ");
    }
    if (e->nargs > 0) render(out, e->args[0], P_ANY);
    sl_buf_putc(out, ')');
}

/* The operator forms: unary, binary and the predicates. */
static void put_operator(sl_buf *out, const sp_expr *e, int lv) {
    const char *neg = e->negated ? "NOT " : "";
    switch (e->kind) {
    case SP_E_UNARY:
        if (e->op == SP_OP_NOT) {
            sl_buf_puts(out, "NOT ");
            render(out, e->args[0], P_NOT);
        } else {
            /* "- -x" must not become the comment "--x". */
            sl_buf_putc(out, e->op == SP_OP_NEG ? '-' : '+');
            render(out, e->args[0], e->args[0] && e->args[0]->kind == SP_E_UNARY ? P_TERM : P_UNARY);
        }
        break;
    case SP_E_BINARY:
        render(out, e->args[0], lv);
        sl_buf_puts(out, op_text(e->op));
        render(out, e->args[1], lv + 1);
        break;
    case SP_E_IS_NULL:
        render(out, e->args[0], P_PRED);
        sl_buf_printf(out, " IS %sNULL", neg);
        break;
    case SP_E_IS_BOOL:
        render(out, e->args[0], P_PRED);
        sl_buf_printf(out, " IS %s%s", neg, e->lit_bool ? "TRUE" : "FALSE");
        break;
    case SP_E_BETWEEN:
        render(out, e->args[0], P_PRED);
        sl_buf_printf(out, " %sBETWEEN ", neg);
        render(out, e->args[1], P_CONCAT);
        sl_buf_puts(out, " AND ");
        render(out, e->args[2], P_CONCAT);
        break;
    case SP_E_IN:
        render(out, e->args[0], P_PRED);
        sl_buf_printf(out, " %sIN (", neg);
        put_args(out, e->args, 1, e->nargs);
        sl_buf_putc(out, ')');
        break;
    case SP_E_LIKE:
        render(out, e->args[0], P_PRED);
        sl_buf_printf(out, " %sLIKE ", neg);
        render(out, e->args[1], P_CONCAT);
        if (e->nargs > 2 && e->args[2]) {
            sl_buf_puts(out, " ESCAPE ");
            render(out, e->args[2], P_CONCAT);
        }
        break;
    default: break;
    }
}

/* Renders e, in parentheses when its level is below `min`. */
static void render(sl_buf *out, const sp_expr *e, int min) {
    if (!e) {
        sl_buf_puts(out, "NULL");
        return;
    }
    int lv = level(e);
    if (lv < min) sl_buf_putc(out, '(');
    char tn[64];
    switch (e->kind) {
    case SP_E_LITERAL: put_literal(out, e); break;
    case SP_E_COLUMN:
        if (e->qual) {
            put_ident(out, e->qual);
            sl_buf_putc(out, '.');
        }
        put_ident(out, e->name);
        break;
    case SP_E_STAR:
        if (e->name) {
            put_ident(out, e->name);
            sl_buf_putc(out, '.');
        }
        sl_buf_putc(out, '*');
        break;
    case SP_E_FUNC: put_func(out, e); break;
    case SP_E_CASE: put_case(out, e); break;
    case SP_E_CAST:
        sl_buf_puts(out, e->try_cast ? "TRY_CAST(" : "CAST(");
        if (e->nargs > 0) render(out, e->args[0], P_ANY);
        sl_buf_printf(out, " AS %s)", sl_type_name(e->cast_type, tn, sizeof tn));
        break;
    case SP_E_TRIM: put_trim(out, e); break;
    case SP_E_OVER: put_over(out, e); break;
    case SP_E_INTERVAL:
        sl_buf_puts(out, "INTERVAL ");
        put_string(out, e->text);
        sl_buf_printf(out, " %s", unit_text(e->unit));
        if (e->to_unit) sl_buf_printf(out, " TO %s", unit_text(e->to_unit));
        break;
    default: put_operator(out, e, lv); break;
    }
    if (lv < min) sl_buf_putc(out, ')');
}

/* Entry point (see sp_parse.h): the whole expression, without outer parentheses. */
void sp_expr_to_sql(sl_buf *out, const sp_expr *e) {
    render(out, e, P_ANY);
}
