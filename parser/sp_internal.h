/* sp_internal.h: what the tokenizer, the grammar actions and the driver share. */
#ifndef SP_INTERNAL_H
#define SP_INTERNAL_H

#include "sp_ast.h"

#define SP_TOK_SEMI 1000 /* the driver splits statements at this token */

/* A token: its text (not NUL-terminated) and where it starts. */
typedef struct sp_token {
    const char *z;
    int n;
    int type;        /* TK_* from the generated sp_grammar.h; 0 = end of input */
    int line, col;
    int offset;      /* byte offset in the whole input */
} sp_token;

/* A growable list in the arena (items are pointers or small structs copied by value). */
typedef struct sp_list {
    void **items;
    int n, cap;
} sp_list;

/* Parse context, the grammar's %extra_argument. */
typedef struct sp_ctx {
    sl_arena *a;
    const char *src;     /* whole input (for error excerpts) */
    sp_stmt *stmt;       /* result of one statement's parse */
    char *error;         /* first error (malloc'd) */
    int err_line, err_col;
    int depth;           /* parenthesis nesting, bounded */
} sp_ctx;

/* Tokenizer: reads the token starting at *pos; skips whitespace and comments first. Returns
 * the token (type 0 at end of input) or type -1 with ctx->error set. */
sp_token sp_next_token(sp_ctx *ctx, const char *src, int *pos, int *line, int *col);

/* Records an error at a position (only the first one is kept). */
void sp_error(sp_ctx *ctx, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* AST construction helpers (sp_ast_build.c). */
char *sp_tok_str(sp_ctx *ctx, sp_token t);        /* identifier text (backticks removed) */
char *sp_tok_string_lit(sp_ctx *ctx, sp_token t); /* '...' literal unescaped */
sp_expr *sp_expr_new(sp_ctx *ctx, int kind, sp_token at);
sp_expr *sp_expr_at(sp_ctx *ctx, int kind, const sp_expr *at);
sp_expr *sp_expr_binary(sp_ctx *ctx, int op, sp_expr *l, sp_expr *r);
sp_expr *sp_expr_unary(sp_ctx *ctx, int op, sp_token at, sp_expr *x);
void sp_expr_set_args(sp_ctx *ctx, sp_expr *e, sp_list *args);
void sp_expr_add_arg(sp_ctx *ctx, sp_expr *e, sp_expr *arg);
sp_list *sp_list_new(sp_ctx *ctx);
sp_list *sp_list_add(sp_ctx *ctx, sp_list *l, void *item);
sp_stmt *sp_stmt_new(sp_ctx *ctx, int kind);
sl_type sp_make_type(sp_ctx *ctx, sp_token name, int p, int s, bool has_p, bool has_s);
int sp_tok_int(sp_token t);

#endif
