/* sp_build.h: the parse context and the AST construction helpers that grammar actions call
 * (internal to parser/). Every helper allocates from ctx->arena and never returns NULL, even
 * after an error was recorded, so actions can go on until the driver stops the parse. */
#ifndef SP_BUILD_H
#define SP_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include "sp_ast.h"
#include "sp_token.h"

#define SP_MAX_PAREN_DEPTH 200   /* nested parentheses accepted in one statement */
#define SP_MAX_EXPR_DEPTH 1000   /* nesting of expression nodes (a+b+c+... chains included) */

/* An identifier with its position (s is unquoted and NUL-terminated, in the arena). */
typedef struct sp_ident {
    const char *s;
    int line, col;
} sp_ident;

/* A growable array of pointers in the arena. */
typedef struct sp_list {
    void **v;
    int n, cap;
} sp_list;

#define SP_MAX_GROUPING_SETS 4096       /* grouping sets one GROUP BY may expand to */
#define SP_MAX_GROUPING_ENTRIES 65536   /* expressions in all of those sets together */

/* The first word of a join (JOIN, INNER, LEFT, RIGHT, FULL) and the kind it gives. */
typedef struct sp_join_op {
    int kind;                /* sp_join_kind */
    int line, col;
} sp_join_op;

/* One GROUP BY item before expansion: a tree of ROLLUP / CUBE / GROUPING SETS over
 * expressions, `()` and `(a, b)` (sp_build_group.c expands it into sp_select.gsets). */
typedef enum sp_gitem_kind { SP_GI_EXPR, SP_GI_EMPTY, SP_GI_TUPLE, SP_GI_ROLLUP, SP_GI_CUBE, SP_GI_SETS } sp_gitem_kind;

typedef struct sp_gitem {
    int kind;                /* sp_gitem_kind */
    sp_expr *expr;           /* EXPR */
    int index;               /* EXPR: its index in group_by, once assigned */
    sp_list *items;          /* TUPLE, ROLLUP, CUBE, SETS: sp_gitem * (a TUPLE's are EXPRs;
                                ROLLUP's and CUBE's are EXPRs and TUPLEs) */
    int line, col;           /* first token */
} sp_gitem;

/* TABLE t PARTITION BY a or PARTITION BY (a, b) in a window TVF's data argument. */
typedef struct sp_tvf_part {
    sp_list *names;          /* sp_ident * */
    bool paren;              /* the names were in parentheses (no later name joins them) */
    int line, col;           /* PARTITION */
} sp_tvf_part;

/* One argument of a window TVF, as written (sp_build_tvf.c maps them onto sp_window_tvf). */
typedef enum sp_tvf_arg_kind { SP_TA_TABLE, SP_TA_DESCRIPTOR, SP_TA_EXPR } sp_tvf_arg_kind;

typedef struct sp_tvf_arg {
    int kind;                /* sp_tvf_arg_kind */
    const char *name;        /* NAME => value, or NULL for a positional argument */
    int name_line, name_col;
    sp_table_ref *table;     /* TABLE: the input */
    sp_tvf_part *part;       /* TABLE: its PARTITION BY, or NULL */
    sp_list *cols;           /* DESCRIPTOR: sp_ident * */
    sp_expr *expr;           /* EXPR */
    int line, col;           /* first token of the value */
} sp_tvf_arg;

/* A frame bound of an OVER window: UNBOUNDED PRECEDING, 5 PRECEDING, CURRENT ROW, ... */
typedef struct sp_frame_bound {
    int kind;                /* sp_bound_kind */
    sp_expr *offset;         /* PRECEDING / FOLLOWING with an offset */
    int line, col;
} sp_frame_bound;

/* Parse context: lemon's %extra_argument. */
typedef struct sp_ctx {
    sl_arena *arena;
    const char *src;         /* the whole input (error excerpts are taken from it) */
    char *error;             /* first error, malloc'd by sl_error_at; NULL while fine */
    int err_line, err_col;
    sp_token cur;            /* the token being fed (stack overflow and empty-rule positions) */
    sp_stmt *stmt;           /* the statement the last accepted parse produced */
    /* CREATE TABLE under construction */
    sp_create_table *ct;
    sp_list *ct_cols;        /* sp_column_def * */
    sp_column_def *col;      /* the column whose constraints are being read */
    int col_meta_line, col_meta_col;  /* VIRTUAL position, checked when the column ends */
    bool col_virtual_seen;
} sp_ctx;

/* Errors (only the first one is kept). */
void sp_ctx_error(sp_ctx *ctx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void sp_syntax_error(sp_ctx *ctx, int major, const sp_token *tok);
void sp_stack_overflow(sp_ctx *ctx);

/* Lists, identifiers and literal text. */
sp_list *sp_list_add(sp_ctx *ctx, sp_list *l, void *item);
sp_ident sp_ident_of(sp_ctx *ctx, sp_token t);
sp_ident sp_ident_join(sp_ctx *ctx, sp_ident a, sp_ident b);
sp_ident *sp_ident_box(sp_ctx *ctx, sp_ident id);
char *sp_unquote(sp_ctx *ctx, sp_token t);

/* Expressions (sp_build_expr.c). */
sp_expr *sp_e_new(sp_ctx *ctx, int kind, int line, int col);
sp_expr *sp_e_literal(sp_ctx *ctx, int lit, sp_token t);
sp_expr *sp_e_typed_literal(sp_ctx *ctx, int lit, sp_token kw, sp_token str);
sp_expr *sp_e_interval(sp_ctx *ctx, sp_token kw, sp_token value, int unit, int to_unit);
sp_expr *sp_e_column(sp_ctx *ctx, const sp_ident *qual, sp_ident name);
sp_expr *sp_e_star(sp_ctx *ctx, const sp_ident *qual, sp_token star);
sp_expr *sp_e_unary(sp_ctx *ctx, int op, sp_token at, sp_expr *x);
sp_expr *sp_e_binary(sp_ctx *ctx, int op, sp_expr *l, sp_expr *r);
sp_expr *sp_e_nary(sp_ctx *ctx, int kind, int line, int col, int n, sp_expr *a, sp_expr *b, sp_expr *c);
sp_expr *sp_e_is(sp_ctx *ctx, int kind, sp_expr *x, bool negated, int truth);
sp_expr *sp_e_in(sp_ctx *ctx, sp_expr *x, sp_list *items, bool negated);
sp_expr *sp_e_func(sp_ctx *ctx, const char *name, int line, int col, sp_list *args, sp_expr *filter);
sp_expr *sp_e_niladic(sp_ctx *ctx, sp_token t);
sp_expr *sp_e_case(sp_ctx *ctx, sp_token at, sp_expr *operand, sp_list *whens, sp_expr *els);
sp_expr *sp_e_cast(sp_ctx *ctx, sp_token at, sp_expr *x, sl_type type, bool try_cast);
sp_expr *sp_e_trim(sp_ctx *ctx, sp_token at, int mode, sp_expr *chars, sp_expr *x);

/* OVER windows (sp_build_over.c). */
sp_expr *sp_e_over(sp_ctx *ctx, sp_expr *call, sp_window_spec *w);
sp_window_spec *sp_window_new(sp_ctx *ctx, sp_list *partition, sp_list *order, sp_window_spec *frame);
sp_window_spec *sp_window_frame(sp_ctx *ctx, sp_token units, sp_frame_bound start, const sp_frame_bound *end);
sp_frame_bound sp_frame_bound_of(int kind, sp_expr *offset, sp_token at);
void sp_named_window_error(sp_ctx *ctx, sp_ident name);

/* Types (sp_build_type.c). */
sl_type sp_type_decimal(sp_ctx *ctx, sp_token at, const sp_token *p, const sp_token *s);
sl_type sp_type_char(sp_ctx *ctx, sp_token at, const sp_token *n);
sl_type sp_type_timestamp(sp_ctx *ctx, sp_token at, sp_token precision, bool ltz);
sl_type sp_type_unsupported(sp_ctx *ctx, sp_ident name);

/* Statements and queries (sp_build_stmt.c). */
sp_stmt *sp_s_new(sp_ctx *ctx, int kind, int line, int col);
sp_stmt *sp_s_insert_select(sp_ctx *ctx, sp_token at, sp_ident table, sp_list *cols, sp_select *q);
/* CREATE VIEW name [(cols)] AS q. */
sp_stmt *sp_s_create_view(sp_ctx *ctx, sp_token at, sp_ident name, bool if_not_exists, sp_list *cols, sp_select *q);
sp_stmt *sp_s_insert_values(sp_ctx *ctx, sp_token at, sp_ident table, sp_list *cols, sp_list *rows);
sp_select *sp_select_new(sp_ctx *ctx, sp_token at, bool distinct, sp_list *items, sp_table_ref *from,
                         sp_expr *where, sp_list *group_by, sp_expr *having, sp_list *order_by,
                         int64_t limit);
sp_select_item *sp_item_new(sp_ctx *ctx, sp_expr *e, const char *alias);
sp_table_ref *sp_tref_new(sp_ctx *ctx, const char *name, const char *alias, sp_select *sub, int line,
                          int col);

/* Joins in FROM (sp_build_join.c). */
sp_join_op sp_join_op_of(int kind, sp_token at);
sp_table_ref *sp_join_new(sp_ctx *ctx, sp_join_op op, sp_table_ref *left, sp_table_ref *right, sp_expr *on);
void sp_join_without_on(sp_ctx *ctx, sp_join_op op);
void sp_join_unsupported(sp_ctx *ctx, sp_token at, const char *what);

/* Window table-valued functions in FROM (sp_build_tvf.c). */
sp_tvf_part *sp_tvf_part_new(sp_ctx *ctx, sp_token at, sp_list *names, bool paren);
sp_tvf_arg *sp_tvf_table(sp_ctx *ctx, sp_token at, const sp_ident *name, sp_select *sub, sp_tvf_part *part);
sp_tvf_arg *sp_tvf_descriptor(sp_ctx *ctx, sp_token at, sp_list *cols);
sp_tvf_arg *sp_tvf_expr(sp_ctx *ctx, sp_expr *e);
sp_tvf_arg *sp_tvf_named(sp_tvf_arg *arg, sp_ident name);
sp_table_ref *sp_tref_tvf(sp_ctx *ctx, sp_token at, sp_ident fn, sp_list *args, const char *alias);

/* GROUP BY items and their expansion into grouping sets (sp_build_group.c). */
sp_gitem *sp_gitem_new(sp_ctx *ctx, int kind, int line, int col, sp_expr *e, sp_list *items);
sp_gitem *sp_gitem_tuple(sp_ctx *ctx, sp_token at, sp_expr *first, sp_list *rest);
void sp_select_group_by(sp_ctx *ctx, sp_select *s, sp_list *items);
sp_order_item *sp_order_new(sp_ctx *ctx, sp_expr *e, bool desc);
int64_t sp_limit_value(sp_ctx *ctx, sp_token n);

/* CREATE TABLE (sp_build_ddl.c). */
sp_stmt *sp_ct_begin(sp_ctx *ctx, sp_token at, sp_ident name, bool if_not_exists);
void sp_ct_physical(sp_ctx *ctx, sp_ident name, sl_type type);
void sp_ct_computed(sp_ctx *ctx, sp_ident name, sp_expr *e, const char *comment);
void sp_ct_metadata(sp_ctx *ctx, sp_token at, const sp_token *key);
void sp_ct_virtual(sp_ctx *ctx, sp_token at);
void sp_ct_comment(sp_ctx *ctx, sp_token comment);
void sp_ct_column_pk(sp_ctx *ctx, sp_token at);
void sp_ct_column_done(sp_ctx *ctx);
void sp_ct_watermark(sp_ctx *ctx, sp_token at, sp_ident column, sp_expr *e);
void sp_ct_primary_key(sp_ctx *ctx, sp_token at, sp_list *names);
void sp_pk_not_enforced_error(sp_ctx *ctx, sp_token at);
sp_option *sp_option_new(sp_ctx *ctx, sp_token key, sp_token value);
void sp_ct_finish(sp_ctx *ctx, sp_list *opts);

/* lemon's generated entry points (sp_grammar.c has no header for them). */
void *sp_LemonAlloc(void *(*malloc_fn)(size_t));
void sp_LemonFree(void *parser, void (*free_fn)(void *));
void sp_Lemon(void *parser, int major, sp_token minor, sp_ctx *ctx);
int sp_LemonFallback(int token);

/* Depth check over a finished statement (sp_depth.c): 0, or -1 with an error recorded. */
int sp_check_depth(sp_ctx *ctx, const sp_stmt *st);
/* True when no node of e lies deeper than `limit` (e itself at depth 1); stops descending
 * there, so it is safe before the statement's depth check has run. */
bool sp_expr_within_depth(const sp_expr *e, int limit);

#endif
