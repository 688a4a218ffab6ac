/* sp_token.h: tokens and the hand-written tokenizer (internal to parser/).
 *
 * Token codes are the TK_* constants lemon generates into sp_grammar.h; the tokenizer adds
 * SP_TK_EOF (0, what lemon expects at the end of input) and SP_TK_ERROR. A token does not copy
 * its text: z/n point into the input, which outlives every token. */
#ifndef SP_TOKEN_H
#define SP_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define SP_TK_EOF 0
#define SP_TK_ERROR 10000

typedef struct sp_token {
    int type;        /* TK_*, SP_TK_EOF or SP_TK_ERROR */
    const char *z;   /* first byte in the input */
    int n;           /* length in bytes */
    int line, col;   /* 1-based; col counts bytes */
    int offset;      /* byte offset of z in the input */
} sp_token;

typedef struct sp_lexer {
    const char *src;   /* whole input, NUL-terminated */
    size_t len;
    size_t pos;        /* next byte to scan */
    int line, col;     /* position of src[pos] */
    const char *err;   /* message for the last SP_TK_ERROR (static text) */
    bool err_unterminated; /* the error is an unterminated string/comment/identifier */
} sp_lexer;

void sp_lex_init(sp_lexer *lx, const char *src, size_t len);

/* Returns the next token, skipping whitespace and comments; SP_TK_EOF at the end. On
 * SP_TK_ERROR, t has the position of the bad byte or of the unterminated construct's start and
 * lx->err the message. */
int sp_lex_next(sp_lexer *lx, sp_token *t);

/* Keyword lookup (case-insensitive): the TK_* code, or TK_ID when `z[0..n)` is no keyword. */
int sp_keyword_code(const char *z, int n);

/* Line and column just after the last byte of t (where "end of input" errors point). */
void sp_token_end(const sp_token *t, int *line, int *col);

#endif
