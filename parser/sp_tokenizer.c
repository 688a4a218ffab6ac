/* sp_tokenizer.c: the hand-written SQL tokenizer. It walks the input byte by byte keeping the
 * line and column (1-based, columns count bytes), skips whitespace, `--` line comments and
 * block comments, and returns identifiers, keywords, literals and operators. Token text is not
 * copied: the grammar actions unquote what they keep. */
#include <string.h>
#include "sp_grammar.h"
#include "sp_token.h"

/* Starts a tokenizer at the beginning of src (len bytes, NUL-terminated). */
void sp_lex_init(sp_lexer *lx, const char *src, size_t len) {
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->col = 1;
}

/* The byte at pos + k, or 0 past the end (the input is NUL-terminated anyway). */
static unsigned char peek(const sp_lexer *lx, size_t k) {
    return lx->pos + k < lx->len ? (unsigned char)lx->src[lx->pos + k] : 0;
}

/* Moves over one byte, keeping line and column. */
static void advance(sp_lexer *lx) {
    if (lx->pos >= lx->len) return;
    if (lx->src[lx->pos] == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->pos++;
}

/* Identifier bytes: ASCII letters, underscore and any UTF-8 byte; digits and $ after the
 * first byte. */
static bool is_ident_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c) {
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Skips whitespace and comments. Returns false (with lx->err) on an unterminated block
 * comment, whose start is then in *line / *col. */
static bool skip_space(sp_lexer *lx, int *line, int *col) {
    for (;;) {
        unsigned char c = peek(lx, 0);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            advance(lx);
        } else if (c == '-' && peek(lx, 1) == '-') {
            while (lx->pos < lx->len && lx->src[lx->pos] != '\n') advance(lx);
        } else if (c == '/' && peek(lx, 1) == '*') {
            *line = lx->line;
            *col = lx->col;
            advance(lx);
            advance(lx);
            while (lx->pos < lx->len && !(peek(lx, 0) == '*' && peek(lx, 1) == '/')) advance(lx);
            if (lx->pos >= lx->len) {
                lx->err = "Unterminated comment";
                lx->err_unterminated = true;
                return false;
            }
            advance(lx);
            advance(lx);
        } else {
            return true;
        }
    }
}

/* Scans a quoted run ('...' or `...`) whose doubled quote is an escaped quote. Returns false
 * when the input ends first. */
static bool scan_quoted(sp_lexer *lx, char q) {
    advance(lx); /* opening quote */
    while (lx->pos < lx->len) {
        if (lx->src[lx->pos] == q) {
            if (peek(lx, 1) == (unsigned char)q) {
                advance(lx);
                advance(lx);
                continue;
            }
            advance(lx);
            return true;
        }
        advance(lx);
    }
    return false;
}

/* Consumes the rest of a malformed number (so the error quotes all of it). */
static int malformed_number(sp_lexer *lx) {
    while (is_ident_char(peek(lx, 0)) || peek(lx, 0) == '.') advance(lx);
    lx->err = "Malformed number";
    return SP_TK_ERROR;
}

/* Scans a number: 12, 12.5, .5, 12., 1.5E3, 1e-3. Returns the TK_ code or SP_TK_ERROR. */
static int scan_number(sp_lexer *lx) {
    int type = TK_INTLIT;
    while (is_digit(peek(lx, 0))) advance(lx);
    if (peek(lx, 0) == '.') {
        type = TK_DECLIT;
        advance(lx);
        while (is_digit(peek(lx, 0))) advance(lx);
    }
    if (peek(lx, 0) == 'e' || peek(lx, 0) == 'E') {
        size_t k = 1;
        if (peek(lx, 1) == '+' || peek(lx, 1) == '-') k = 2;
        if (!is_digit(peek(lx, k))) return malformed_number(lx);
        type = TK_FLOATLIT;
        for (size_t i = 0; i < k; i++) advance(lx);
        while (is_digit(peek(lx, 0))) advance(lx);
    }
    if (is_ident_char(peek(lx, 0)) || peek(lx, 0) == '.') return malformed_number(lx);
    return type;
}

/* Operators and punctuation: returns the TK_ code and the length in *n, or 0. */
static int scan_operator(const sp_lexer *lx, int *n) {
    unsigned char c = peek(lx, 0), d = peek(lx, 1);
    *n = 1;
    switch (c) {
    case '(': return TK_LP;
    case ')': return TK_RP;
    case ',': return TK_COMMA;
    case '.': return TK_DOT;
    case ';': return TK_SEMI;
    case '*': return TK_STAR;
    case '+': return TK_PLUS;
    case '-': return TK_MINUS;
    case '/': return TK_SLASH;
    case '%': return TK_PERCENT;
    case '=':
        if (d == '>') { *n = 2; return TK_ARROW; } /* named argument: SIZE => ... */
        return TK_EQ;
    case '<':
        if (d == '=') { *n = 2; return TK_LE; }
        if (d == '>') { *n = 2; return TK_NE; }
        return TK_LT;
    case '>':
        if (d == '=') { *n = 2; return TK_GE; }
        return TK_GT;
    case '!':
        if (d == '=') { *n = 2; return TK_NE; }
        return 0;
    case '|':
        if (d == '|') { *n = 2; return TK_PIPE2; }
        return 0;
    default: return 0;
    }
}

/* Message for a byte that starts no token. */
static const char *bad_char_message(unsigned char c) {
    if (c == '"') return "Unexpected character '\"' (quote identifiers with backticks, strings with single quotes)";
    return "Unexpected character";
}

/* Scans the next token (see sp_token.h). */
int sp_lex_next(sp_lexer *lx, sp_token *t) {
    int sl = 0, sc = 0;
    memset(t, 0, sizeof *t);
    lx->err = NULL;
    lx->err_unterminated = false;
    if (!skip_space(lx, &sl, &sc)) {
        t->type = SP_TK_ERROR;
        t->line = sl;
        t->col = sc;
        t->z = lx->src + lx->len;
        t->offset = (int)lx->len;
        return t->type;
    }
    size_t start = lx->pos;
    t->z = lx->src + start;
    t->offset = (int)start;
    t->line = lx->line;
    t->col = lx->col;
    unsigned char c = peek(lx, 0);
    if (lx->pos >= lx->len) {
        t->type = SP_TK_EOF;
    } else if (is_ident_start(c)) {
        while (is_ident_char(peek(lx, 0))) advance(lx);
        t->type = sp_keyword_code(t->z, (int)(lx->pos - start));
    } else if (is_digit(c) || (c == '.' && is_digit(peek(lx, 1)))) {
        t->type = scan_number(lx);
    } else if (c == '\'') {
        t->type = TK_STR;
        if (!scan_quoted(lx, '\'')) {
            lx->err = "Unterminated string literal";
            lx->err_unterminated = true;
            t->type = SP_TK_ERROR;
        }
    } else if (c == '`') {
        t->type = TK_QID;
        if (!scan_quoted(lx, '`')) {
            lx->err = "Unterminated quoted identifier";
            lx->err_unterminated = true;
            t->type = SP_TK_ERROR;
        } else if (lx->pos - start == 2) {
            lx->err = "Empty quoted identifier";
            t->type = SP_TK_ERROR;
        }
    } else {
        int n = 0;
        t->type = scan_operator(lx, &n);
        if (t->type == 0) {
            lx->err = bad_char_message(c);
            t->type = SP_TK_ERROR;
            n = 1;
        }
        for (int i = 0; i < n; i++) advance(lx);
    }
    t->n = (int)(lx->pos - start);
    return t->type;
}

/* Walks the token's bytes to find the line and column just past it. */
void sp_token_end(const sp_token *t, int *line, int *col) {
    int l = t->line, c = t->col;
    for (int i = 0; i < t->n; i++) {
        if (t->z[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}
