/* sp_tokenizer.c: hand-written SQL tokenizer (positions in line/column, comments skipped). */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "sp_grammar.h"
#include "sp_internal.h"

typedef struct keyword {
    const char *word;
    int type;
} keyword;

/* Keywords (matched case-insensitively). Type names share one token; DATE and TIMESTAMP have
 * their own because they also start literals. Plural interval units map to the singular. */
static const keyword KEYWORDS[] = {
    {"ALL", TK_ALL}, {"AND", TK_AND}, {"AS", TK_AS}, {"ASC", TK_ASC}, {"BETWEEN", TK_BETWEEN},
    {"BOTH", TK_BOTH}, {"BY", TK_BY}, {"CASE", TK_CASE}, {"CAST", TK_CAST}, {"COMMENT", TK_COMMENT},
    {"CREATE", TK_CREATE}, {"CURRENT_TIMESTAMP", TK_CURRENT_TIMESTAMP}, {"DATE", TK_DATE},
    {"DAY", TK_DAY}, {"DAYS", TK_DAY}, {"DESC", TK_DESC}, {"DESCRIBE", TK_DESCRIBE},
    {"DISTINCT", TK_DISTINCT}, {"DROP", TK_DROP}, {"ELSE", TK_ELSE}, {"END", TK_END},
    {"ENFORCED", TK_ENFORCED}, {"ESCAPE", TK_ESCAPE}, {"EXISTS", TK_EXISTS}, {"EXPLAIN", TK_EXPLAIN},
    {"FALSE", TK_FALSE}, {"FILTER", TK_FILTER}, {"FOR", TK_FOR}, {"FROM", TK_FROM}, {"GROUP", TK_GROUP},
    {"HAVING", TK_HAVING}, {"HOUR", TK_HOUR}, {"HOURS", TK_HOUR}, {"IF", TK_IF}, {"IN", TK_IN},
    {"INSERT", TK_INSERT}, {"INTERVAL", TK_INTERVAL}, {"INTO", TK_INTO}, {"IS", TK_IS}, {"KEY", TK_KEY},
    {"LEADING", TK_LEADING}, {"LIKE", TK_LIKE}, {"LIMIT", TK_LIMIT}, {"LOCAL", TK_LOCAL},
    {"METADATA", TK_METADATA}, {"MINUTE", TK_MINUTE}, {"MINUTES", TK_MINUTE}, {"MONTH", TK_MONTH},
    {"MONTHS", TK_MONTH}, {"NOT", TK_NOT}, {"NULL", TK_NULL}, {"OR", TK_OR}, {"ORDER", TK_ORDER},
    {"PLAN", TK_PLAN}, {"PRECISION", TK_PRECISION}, {"PRIMARY", TK_PRIMARY}, {"RESET", TK_RESET},
    {"SECOND", TK_SECOND}, {"SECONDS", TK_SECOND}, {"SELECT", TK_SELECT}, {"SET", TK_SET},
    {"SHOW", TK_SHOW}, {"SUBSTRING", TK_SUBSTRING}, {"TABLE", TK_TABLE}, {"TABLES", TK_TABLES},
    {"THEN", TK_THEN}, {"TIME", TK_TIME}, {"TIMESTAMP", TK_TIMESTAMP}, {"TO", TK_TO},
    {"TRAILING", TK_TRAILING}, {"TRIM", TK_TRIM}, {"TRUE", TK_TRUE}, {"TRY_CAST", TK_TRY_CAST},
    {"VALUES", TK_VALUES}, {"VALUE", TK_VALUE}, {"VIRTUAL", TK_VIRTUAL}, {"WATERMARK", TK_WATERMARK},
    {"WHEN", TK_WHEN}, {"WHERE", TK_WHERE}, {"WITH", TK_WITH}, {"WITHOUT", TK_WITHOUT},
    {"YEAR", TK_YEAR}, {"YEARS", TK_YEAR}, {"ZONE", TK_ZONE},
    /* type names */
    {"BOOLEAN", TK_TYPENAME}, {"TINYINT", TK_TYPENAME}, {"SMALLINT", TK_TYPENAME}, {"INT", TK_TYPENAME},
    {"INTEGER", TK_TYPENAME}, {"BIGINT", TK_TYPENAME}, {"FLOAT", TK_TYPENAME}, {"REAL", TK_TYPENAME},
    {"DOUBLE", TK_TYPENAME}, {"DECIMAL", TK_TYPENAME}, {"DEC", TK_TYPENAME}, {"NUMERIC", TK_TYPENAME},
    {"STRING", TK_TYPENAME}, {"VARCHAR", TK_TYPENAME}, {"CHAR", TK_TYPENAME},
    {"TIMESTAMP_LTZ", TK_TYPENAME},
};

/* Token type of an identifier-like word: a keyword or TK_ID. */
static int word_type(const char *z, int n) {
    for (size_t i = 0; i < sizeof KEYWORDS / sizeof KEYWORDS[0]; i++)
        if ((int)strlen(KEYWORDS[i].word) == n && strncasecmp(KEYWORDS[i].word, z, (size_t)n) == 0)
            return KEYWORDS[i].type;
    return TK_ID;
}

/* Advances over one byte, keeping line and column. */
static void step(const char *src, int *pos, int *line, int *col) {
    if (src[*pos] == '\n') { (*line)++; *col = 1; }
    else (*col)++;
    (*pos)++;
}

sp_token sp_next_token(sp_ctx *ctx, const char *src, int *pos, int *line, int *col) {
    sp_token t = {0};
    for (;;) { /* whitespace and comments */
        char c = src[*pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') { step(src, pos, line, col); continue; }
        if (c == '-' && src[*pos + 1] == '-') {
            while (src[*pos] && src[*pos] != '\n') step(src, pos, line, col);
            continue;
        }
        if (c == '/' && src[*pos + 1] == '*') {
            int sl = *line, sc = *col;
            step(src, pos, line, col);
            step(src, pos, line, col);
            while (src[*pos] && !(src[*pos] == '*' && src[*pos + 1] == '/')) step(src, pos, line, col);
            if (!src[*pos]) {
                sp_error(ctx, sl, sc, "Unterminated comment");
                t.type = -1;
                return t;
            }
            step(src, pos, line, col);
            step(src, pos, line, col);
            continue;
        }
        break;
    }
    t.z = src + *pos;
    t.line = *line;
    t.col = *col;
    t.offset = *pos;
    unsigned char c = (unsigned char)src[*pos];
    if (!c) { t.type = 0; t.z = NULL; return t; }
    int start = *pos;
    if (isalpha(c) || c == '_' || c >= 0x80) {
        while (isalnum((unsigned char)src[*pos]) || src[*pos] == '_' || (unsigned char)src[*pos] >= 0x80 || src[*pos] == '$')
            step(src, pos, line, col);
        t.n = *pos - start;
        t.type = word_type(t.z, t.n);
        return t;
    }
    if (isdigit(c) || (c == '.' && isdigit((unsigned char)src[*pos + 1]))) {
        bool dot = false, exp = false;
        while (isdigit((unsigned char)src[*pos])) step(src, pos, line, col);
        if (src[*pos] == '.') { dot = true; step(src, pos, line, col); }
        while (isdigit((unsigned char)src[*pos])) step(src, pos, line, col);
        if ((src[*pos] == 'e' || src[*pos] == 'E') &&
            (isdigit((unsigned char)src[*pos + 1]) ||
             ((src[*pos + 1] == '+' || src[*pos + 1] == '-') && isdigit((unsigned char)src[*pos + 2])))) {
            exp = true;
            step(src, pos, line, col);
            step(src, pos, line, col);
            while (isdigit((unsigned char)src[*pos])) step(src, pos, line, col);
        }
        t.n = *pos - start;
        t.type = exp ? TK_FLOATLIT : dot ? TK_DECLIT : TK_INTLIT;
        if (isalpha((unsigned char)src[*pos]) || src[*pos] == '_') {
            sp_error(ctx, t.line, t.col, "Malformed number '%.*s'", t.n + 1, t.z);
            t.type = -1;
        }
        return t;
    }
    if (c == '\'' || c == '`') { /* string literal or quoted identifier; doubled quote escapes */
        char q = (char)c;
        step(src, pos, line, col);
        for (;;) {
            if (!src[*pos]) {
                sp_error(ctx, t.line, t.col, q == '\'' ? "Unterminated string literal" : "Unterminated quoted identifier");
                t.type = -1;
                return t;
            }
            if (src[*pos] == q) {
                if (src[*pos + 1] == q) { step(src, pos, line, col); step(src, pos, line, col); continue; }
                step(src, pos, line, col);
                break;
            }
            step(src, pos, line, col);
        }
        t.n = *pos - start;
        t.type = q == '\'' ? TK_STRING : TK_ID;
        return t;
    }
    step(src, pos, line, col);
    t.n = 1;
    char d = src[*pos];
    switch (c) {
    case '(': t.type = TK_LP; break;
    case ')': t.type = TK_RP; break;
    case ',': t.type = TK_COMMA; break;
    case '.': t.type = TK_DOT; break;
    case '+': t.type = TK_PLUS; break;
    case '-': t.type = TK_MINUS; break;
    case '*': t.type = TK_STAR; break;
    case '/': t.type = TK_SLASH; break;
    case '%': t.type = TK_REM; break;
    case ';': t.type = SP_TOK_SEMI; break; /* statement separator: handled by the driver */
    case '=': t.type = TK_EQ; if (d == '=') { step(src, pos, line, col); t.n = 2; } break;
    case '<':
        if (d == '>') { t.type = TK_NE; step(src, pos, line, col); t.n = 2; }
        else if (d == '=') { t.type = TK_LE; step(src, pos, line, col); t.n = 2; }
        else t.type = TK_LT;
        break;
    case '>':
        if (d == '=') { t.type = TK_GE; step(src, pos, line, col); t.n = 2; }
        else t.type = TK_GT;
        break;
    case '!':
        if (d == '=') { t.type = TK_NE; step(src, pos, line, col); t.n = 2; break; }
        sp_error(ctx, t.line, t.col, "Unexpected character '!'");
        t.type = -1;
        break;
    case '|':
        if (d == '|') { t.type = TK_CONCAT; step(src, pos, line, col); t.n = 2; break; }
        sp_error(ctx, t.line, t.col, "Unexpected character '|'");
        t.type = -1;
        break;
    default:
        if (c < 0x20 || c == 0x7f) sp_error(ctx, t.line, t.col, "Unexpected character 0x%02x", c);
        else sp_error(ctx, t.line, t.col, "Unexpected character '%c'", c);
        t.type = -1;
    }
    return t;
}
