/* sp_grammar.y: the Flink-SQL grammar of Sluice, for Debian's lemon.
 * One parse handles one statement (the driver splits the input at ';'); actions build the AST
 * in the context's arena through the helpers in sp_ast_build.c. */

%include {
#include <stdlib.h>
#include <string.h>
#include "sp_internal.h"

/* The CREATE TABLE being built (one per parse). */
static sp_create_table *ct_of(sp_ctx *ctx, sp_stmt **holder) {
    if (!*holder) *holder = sp_stmt_new(ctx, SP_S_CREATE_TABLE);
    return &(*holder)->create;
}
/* Appends a column definition to the CREATE TABLE being built and returns it. */
static sp_column_def *add_col(sp_ctx *ctx, sp_token name) {
    sp_create_table *ct = ct_of(ctx, &ctx->stmt);
    sp_column_def *cols = sl_arena_calloc(ctx->a, sizeof(sp_column_def) * (size_t)(ct->ncols + 1));
    if (ct->ncols) memcpy(cols, ct->cols, sizeof(sp_column_def) * (size_t)ct->ncols);
    ct->cols = cols;
    sp_column_def *c = &cols[ct->ncols++];
    c->name = sp_tok_str(ctx, name);
    c->line = name.line;
    c->col = name.col;
    return c;
}
/* Stores VALUES rows into an INSERT statement; all rows must have the same width. */
static void sp_set_rows(sp_ctx *ctx, sp_stmt *A, sp_list *R) {
    A->insert.rows = (sp_expr ***)sl_arena_calloc(ctx->a, sizeof(sp_expr **) * (size_t)(R->n + 1));
    A->insert.nrows = R->n;
    for (int i = 0; i < R->n; i++) {
        sp_list *row = R->items[i];
        A->insert.rows[i] = (sp_expr **)row->items;
        if (i == 0) A->insert.nvalues = row->n;
        else if (row->n != A->insert.nvalues) {
            sp_expr *first = row->items[0];
            sp_error(ctx, first->line, first->col, "All rows of VALUES must have the same number of values");
        }
    }
}
static sp_column_def *last_col(sp_ctx *ctx) {
    sp_create_table *ct = &ctx->stmt->create;
    return &ct->cols[ct->ncols - 1];
}
/* Adds a primary key column name. */
static void add_pk(sp_ctx *ctx, const char *name) {
    sp_create_table *ct = ct_of(ctx, &ctx->stmt);
    const char **pk = sl_arena_calloc(ctx->a, sizeof(char *) * (size_t)(ct->npk + 1));
    if (ct->npk) memcpy(pk, ct->pk, sizeof(char *) * (size_t)ct->npk);
    pk[ct->npk++] = name;
    ct->pk = pk;
}
}

%name spLemon
%token_prefix TK_
%token_type {sp_token}
%extra_argument {sp_ctx *ctx}
%stack_size 400

%syntax_error {
    if (TOKEN.type <= 0 || !TOKEN.z)
        sp_error(ctx, TOKEN.line, TOKEN.col, "Unexpected end of input");
    else
        sp_error(ctx, TOKEN.line, TOKEN.col, "Syntax error near '%.*s'", TOKEN.n, TOKEN.z);
}
%stack_overflow {
    sp_error(ctx, 1, 1, "Statement nested too deeply");
}

/* Words that are keywords somewhere but may name columns and tables elsewhere. */
%fallback ID KEY VALUE COMMENT METADATA VIRTUAL WATERMARK ENFORCED PLAN TABLES RESET
             YEAR MONTH DAY HOUR MINUTE SECOND IF FILTER LEADING TRAILING BOTH ZONE LOCAL
             TIME PRECISION WITHOUT DATE TIMESTAMP ESCAPE.

%left OR.
%left AND.
%right NOT.
%left IS LIKE BETWEEN IN NE EQ.
%right ESCAPE.
%left GT LE LT GE.
%left CONCAT.
%left PLUS MINUS.
%left STAR SLASH REM.
%right UMINUS.

input ::= cmd(X). { if (X && !ctx->stmt) ctx->stmt = X; else if (X) ctx->stmt = X; }

%type cmd {sp_stmt*}

/* ---- queries ---- */
cmd(A) ::= select(S). { A = sp_stmt_new(ctx, SP_S_SELECT); A->select = S; }
cmd(A) ::= EXPLAIN explain_opt cmd(X). { A = sp_stmt_new(ctx, SP_S_EXPLAIN); A->explained = X; }
explain_opt ::= .
explain_opt ::= PLAN FOR.

cmd(A) ::= INSERT INTO dotted(T) select(S). {
    A = sp_stmt_new(ctx, SP_S_INSERT_SELECT);
    A->insert.table = T;
    A->insert.select = S;
}
cmd(A) ::= INSERT INTO dotted(T) LP namelist(C) RP select(S). {
    A = sp_stmt_new(ctx, SP_S_INSERT_SELECT);
    A->insert.table = T;
    A->insert.columns = (const char **)C->items; A->insert.ncolumns = C->n;
    A->insert.select = S;
}
cmd(A) ::= INSERT INTO dotted(T) VALUES rowlist(R). { A = sp_stmt_new(ctx, SP_S_INSERT_VALUES); A->insert.table = T; sp_set_rows(ctx, A, R); }
cmd(A) ::= INSERT INTO dotted(T) LP namelist(C) RP VALUES rowlist(R). {
    A = sp_stmt_new(ctx, SP_S_INSERT_VALUES);
    A->insert.table = T;
    A->insert.columns = (const char **)C->items; A->insert.ncolumns = C->n;
    sp_set_rows(ctx, A, R);
}
%type rowlist {sp_list*}
rowlist(A) ::= LP exprlist(E) RP. { A = sp_list_add(ctx, sp_list_new(ctx), E); }
rowlist(A) ::= rowlist(X) COMMA LP exprlist(E) RP. { A = sp_list_add(ctx, X, E); }

/* ---- DDL and session statements ---- */
cmd(A) ::= CREATE TABLE ifnotexists(E) dotted(N) LP create_elems RP table_comment with_opts(O). {
    sp_create_table *ct = ct_of(ctx, &ctx->stmt);
    ct->name = N;
    ct->if_not_exists = E;
    if (O) { ct->opts = sl_arena_calloc(ctx->a, sizeof(sp_option) * (size_t)(O->n + 1));
             for (int i = 0; i < O->n; i++) ct->opts[i] = *(sp_option *)O->items[i];
             ct->nopts = O->n; }
    A = ctx->stmt;
}
%type ifnotexists {bool}
ifnotexists(A) ::= . { A = false; }
ifnotexists(A) ::= IF NOT EXISTS. { A = true; }
%type ifexists {bool}
ifexists(A) ::= . { A = false; }
ifexists(A) ::= IF EXISTS. { A = true; }

create_elems ::= create_elem.
create_elems ::= create_elems COMMA create_elem.
create_elem ::= colhead colcons_list.
create_elem ::= nm(N) AS expr(E) colcomment. {
    sp_column_def *c = add_col(ctx, N);
    c->kind = SP_COL_COMPUTED;
    c->expr = E;
}
create_elem ::= WATERMARK(W) FOR nm(C) AS expr(E). {
    sp_create_table *ct = ct_of(ctx, &ctx->stmt);
    ct->wm_column = sp_tok_str(ctx, C);
    ct->wm_expr = E;
    ct->wm_line = W.line;
    ct->wm_col = W.col;
}
create_elem ::= PRIMARY KEY LP namelist(L) RP NOT ENFORCED. {
    for (int i = 0; i < L->n; i++) add_pk(ctx, L->items[i]);
}
colhead ::= nm(N) typename(T). { sp_column_def *c = add_col(ctx, N); c->kind = SP_COL_PHYSICAL; c->type = T; }
colcons_list ::= .
colcons_list ::= colcons_list colcons.
colcons ::= NOT NULL. { last_col(ctx)->type.not_null = true; }
colcons ::= PRIMARY KEY NOT ENFORCED. { sp_column_def *c = last_col(ctx); add_pk(ctx, c->name); }
colcons ::= COMMENT STRING(S). { last_col(ctx)->comment = sp_tok_string_lit(ctx, S); }
colcons ::= METADATA. { last_col(ctx)->kind = SP_COL_METADATA; }
colcons ::= METADATA FROM STRING(S). { sp_column_def *c = last_col(ctx); c->kind = SP_COL_METADATA; c->metadata_key = sp_tok_string_lit(ctx, S); }
colcons ::= VIRTUAL. { last_col(ctx)->is_virtual = true; }
colcomment ::= .
colcomment ::= COMMENT STRING.
table_comment ::= .
table_comment ::= COMMENT STRING.
%type with_opts {sp_list*}
with_opts(A) ::= . { A = NULL; }
with_opts(A) ::= WITH LP optlist(L) RP. { A = L; }
%type optlist {sp_list*}
optlist(A) ::= opt(O). { A = sp_list_add(ctx, sp_list_new(ctx), O); }
optlist(A) ::= optlist(X) COMMA opt(O). { A = sp_list_add(ctx, X, O); }
%type opt {sp_option*}
opt(A) ::= STRING(K) EQ STRING(V). {
    A = sl_arena_calloc(ctx->a, sizeof(sp_option));
    A->key = sp_tok_string_lit(ctx, K);
    A->value = sp_tok_string_lit(ctx, V);
    A->line = K.line;
    A->col = K.col;
}

cmd(A) ::= DROP TABLE ifexists(E) dotted(N). { A = sp_stmt_new(ctx, SP_S_DROP_TABLE); A->drop.name = N; A->drop.if_exists = E; }
cmd(A) ::= SHOW TABLES. { A = sp_stmt_new(ctx, SP_S_SHOW_TABLES); }
cmd(A) ::= DESCRIBE dotted(N). { A = sp_stmt_new(ctx, SP_S_DESCRIBE); A->describe.name = N; }
cmd(A) ::= DESC dotted(N). { A = sp_stmt_new(ctx, SP_S_DESCRIBE); A->describe.name = N; }
cmd(A) ::= SET. { A = sp_stmt_new(ctx, SP_S_SET); }
cmd(A) ::= SET STRING(K) EQ STRING(V). { A = sp_stmt_new(ctx, SP_S_SET); A->set.key = sp_tok_string_lit(ctx, K); A->set.value = sp_tok_string_lit(ctx, V); }
cmd(A) ::= RESET. { A = sp_stmt_new(ctx, SP_S_RESET); }
cmd(A) ::= RESET STRING(K). { A = sp_stmt_new(ctx, SP_S_RESET); A->set.key = sp_tok_string_lit(ctx, K); }

/* ---- names ---- */
%type nm {sp_token}
nm(A) ::= ID(X). { A = X; }
%type dotted {const char*}
dotted(A) ::= nm(X). { A = sp_tok_str(ctx, X); }
dotted(A) ::= dotted(X) DOT nm(Y). { A = sl_arena_printf(ctx->a, "%s.%s", X, sp_tok_str(ctx, Y)); }
%type namelist {sp_list*}
namelist(A) ::= nm(X). { A = sp_list_add(ctx, sp_list_new(ctx), sp_tok_str(ctx, X)); }
namelist(A) ::= namelist(L) COMMA nm(X). { A = sp_list_add(ctx, L, sp_tok_str(ctx, X)); }

/* ---- types ---- */
%type typename {sl_type}
typename(A) ::= typetok(T). { A = sp_make_type(ctx, T, 0, 0, false, false); }
typename(A) ::= typetok(T) LP INTLIT(P) RP. { A = sp_make_type(ctx, T, sp_tok_int(P), 0, true, false); }
typename(A) ::= typetok(T) LP INTLIT(P) COMMA INTLIT(S) RP. { A = sp_make_type(ctx, T, sp_tok_int(P), sp_tok_int(S), true, true); }
typename(A) ::= typename(X) PRECISION. { A = X; }
typename(A) ::= typename(X) WITHOUT TIME ZONE. { A = X; }
typename(A) ::= typename(X) WITH LOCAL TIME ZONE. { A = X; if (A.id == SL_T_TIMESTAMP) A.id = SL_T_TIMESTAMP_LTZ; }
%type typetok {sp_token}
typetok(A) ::= TYPENAME(X). { A = X; }
typetok(A) ::= TIMESTAMP(X). { A = X; }
typetok(A) ::= DATE(X). { A = X; }

/* ---- SELECT ---- */
%type select {sp_select*}
select(A) ::= SELECT(K) distinct(D) sellist(L) from(F) where(W) groupby(G) having(H) orderby(O) limit(M). {
    A = sl_arena_calloc(ctx->a, sizeof(sp_select));
    A->line = K.line; A->col = K.col;
    A->distinct = D;
    A->items = sl_arena_calloc(ctx->a, sizeof(sp_select_item) * (size_t)(L->n + 1));
    for (int i = 0; i < L->n; i++) A->items[i] = *(sp_select_item *)L->items[i];
    A->nitems = L->n;
    A->from = F;
    A->where = W;
    if (G) { A->group_by = (sp_expr **)G->items; A->ngroup_by = G->n; }
    A->having = H;
    if (O) { A->order_by = sl_arena_calloc(ctx->a, sizeof(sp_order_item) * (size_t)(O->n + 1));
             for (int i = 0; i < O->n; i++) A->order_by[i] = *(sp_order_item *)O->items[i];
             A->norder_by = O->n; }
    A->limit = M;
}
select(A) ::= LP select(X) RP. { A = X; }
%type distinct {bool}
distinct(A) ::= . { A = false; }
distinct(A) ::= DISTINCT. { A = true; }
distinct(A) ::= ALL. { A = false; }
%type sellist {sp_list*}
sellist(A) ::= selitem(X). { A = sp_list_add(ctx, sp_list_new(ctx), X); }
sellist(A) ::= sellist(L) COMMA selitem(X). { A = sp_list_add(ctx, L, X); }
%type selitem {sp_select_item*}
selitem(A) ::= STAR(S). { A = sl_arena_calloc(ctx->a, sizeof *A); A->expr = sp_expr_new(ctx, SP_E_STAR, S); }
selitem(A) ::= nm(Q) DOT STAR. { A = sl_arena_calloc(ctx->a, sizeof *A); A->expr = sp_expr_new(ctx, SP_E_STAR, Q); A->expr->name = sp_tok_str(ctx, Q); }
selitem(A) ::= expr(E) alias(N). { A = sl_arena_calloc(ctx->a, sizeof *A); A->expr = E; A->alias = N; }
%type alias {const char*}
alias(A) ::= . { A = NULL; }
alias(A) ::= AS nm(X). { A = sp_tok_str(ctx, X); }
alias(A) ::= ID(X). { A = sp_tok_str(ctx, X); }
%type from {sp_table_ref*}
from(A) ::= . { A = NULL; }
from(A) ::= FROM dotted(N) alias(L). {
    A = sl_arena_calloc(ctx->a, sizeof *A);
    A->name = N; A->alias = L;
}
from(A) ::= FROM LP(P) select(S) RP alias(L). {
    A = sl_arena_calloc(ctx->a, sizeof *A);
    A->subquery = S; A->alias = L; A->line = P.line; A->col = P.col;
}
%type where {sp_expr*}
where(A) ::= . { A = NULL; }
where(A) ::= WHERE expr(E). { A = E; }
%type groupby {sp_list*}
groupby(A) ::= . { A = NULL; }
groupby(A) ::= GROUP BY exprlist(L). { A = L; }
%type having {sp_expr*}
having(A) ::= . { A = NULL; }
having(A) ::= HAVING expr(E). { A = E; }
%type orderby {sp_list*}
orderby(A) ::= . { A = NULL; }
orderby(A) ::= ORDER BY sortlist(L). { A = L; }
%type sortlist {sp_list*}
sortlist(A) ::= sortitem(X). { A = sp_list_add(ctx, sp_list_new(ctx), X); }
sortlist(A) ::= sortlist(L) COMMA sortitem(X). { A = sp_list_add(ctx, L, X); }
%type sortitem {sp_order_item*}
sortitem(A) ::= expr(E) sortdir(D). { A = sl_arena_calloc(ctx->a, sizeof *A); A->expr = E; A->desc = D; }
%type sortdir {bool}
sortdir(A) ::= . { A = false; }
sortdir(A) ::= ASC. { A = false; }
sortdir(A) ::= DESC. { A = true; }
%type limit {int64_t}
limit(A) ::= . { A = -1; }
limit(A) ::= LIMIT INTLIT(N). { A = strtoll(N.z, NULL, 10); }

/* ---- expressions ---- */
%type expr {sp_expr*}
%type exprlist {sp_list*}
exprlist(A) ::= expr(E). { A = sp_list_add(ctx, sp_list_new(ctx), E); }
exprlist(A) ::= exprlist(L) COMMA expr(E). { A = sp_list_add(ctx, L, E); }

expr(A) ::= LP expr(X) RP. { A = X; }
expr(A) ::= nm(N). { A = sp_expr_new(ctx, SP_E_COLUMN, N); A->name = sp_tok_str(ctx, N); }
expr(A) ::= nm(Q) DOT nm(N). { A = sp_expr_new(ctx, SP_E_COLUMN, Q); A->qual = sp_tok_str(ctx, Q); A->name = sp_tok_str(ctx, N); }
expr(A) ::= INTLIT(X). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_INT; A->text = sl_arena_strndup(ctx->a, X.z, (size_t)X.n); }
expr(A) ::= DECLIT(X). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_DECIMAL; A->text = sl_arena_strndup(ctx->a, X.z, (size_t)X.n); }
expr(A) ::= FLOATLIT(X). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_DOUBLE; A->text = sl_arena_strndup(ctx->a, X.z, (size_t)X.n); }
expr(A) ::= STRING(X). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_STRING; A->text = sp_tok_string_lit(ctx, X); }
expr(A) ::= TRUE(X). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_BOOL; A->lit_bool = true; }
expr(A) ::= FALSE(X). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_BOOL; A->lit_bool = false; }
expr(A) ::= NULL(X). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_NULL; }
expr(A) ::= TIMESTAMP(X) STRING(S). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_TIMESTAMP; A->text = sp_tok_string_lit(ctx, S); }
expr(A) ::= DATE(X) STRING(S). { A = sp_expr_new(ctx, SP_E_LITERAL, X); A->lit = SP_LIT_DATE; A->text = sp_tok_string_lit(ctx, S); }
expr(A) ::= INTERVAL(X) STRING(S) unit(U). { A = sp_expr_new(ctx, SP_E_INTERVAL, X); A->text = sp_tok_string_lit(ctx, S); A->unit = (uint8_t)U; }
expr(A) ::= INTERVAL(X) STRING(S) unit(U) TO unit(V). { A = sp_expr_new(ctx, SP_E_INTERVAL, X); A->text = sp_tok_string_lit(ctx, S); A->unit = (uint8_t)U; A->to_unit = (uint8_t)V; }
%type unit {int}
unit(A) ::= YEAR. { A = SP_IU_YEAR; }
unit(A) ::= MONTH. { A = SP_IU_MONTH; }
unit(A) ::= DAY. { A = SP_IU_DAY; }
unit(A) ::= HOUR. { A = SP_IU_HOUR; }
unit(A) ::= MINUTE. { A = SP_IU_MINUTE; }
unit(A) ::= SECOND. { A = SP_IU_SECOND; }

expr(A) ::= nm(F) LP RP filter(W). { A = sp_expr_new(ctx, SP_E_FUNC, F); A->name = sp_tok_str(ctx, F); A->filter = W; }
expr(A) ::= nm(F) LP STAR RP filter(W). { A = sp_expr_new(ctx, SP_E_FUNC, F); A->name = sp_tok_str(ctx, F); A->star = true; A->filter = W; }
expr(A) ::= nm(F) LP exprlist(L) RP filter(W). { A = sp_expr_new(ctx, SP_E_FUNC, F); A->name = sp_tok_str(ctx, F); sp_expr_set_args(ctx, A, L); A->filter = W; }
expr(A) ::= nm(F) LP DISTINCT exprlist(L) RP filter(W). { A = sp_expr_new(ctx, SP_E_FUNC, F); A->name = sp_tok_str(ctx, F); sp_expr_set_args(ctx, A, L); A->distinct = true; A->filter = W; }
%type filter {sp_expr*}
filter(A) ::= . { A = NULL; }
filter(A) ::= FILTER LP WHERE expr(E) RP. { A = E; }
expr(A) ::= CURRENT_TIMESTAMP(X). { A = sp_expr_new(ctx, SP_E_FUNC, X); A->name = "CURRENT_TIMESTAMP"; }
expr(A) ::= CAST(X) LP expr(E) AS typename(T) RP. { A = sp_expr_new(ctx, SP_E_CAST, X); sp_expr_add_arg(ctx, A, E); A->cast_type = T; }
expr(A) ::= TRY_CAST(X) LP expr(E) AS typename(T) RP. { A = sp_expr_new(ctx, SP_E_CAST, X); sp_expr_add_arg(ctx, A, E); A->cast_type = T; A->try_cast = true; }
expr(A) ::= SUBSTRING(X) LP exprlist(L) RP. { A = sp_expr_new(ctx, SP_E_FUNC, X); A->name = "SUBSTRING"; sp_expr_set_args(ctx, A, L); }
expr(A) ::= SUBSTRING(X) LP expr(S) FROM expr(F) RP. { A = sp_expr_new(ctx, SP_E_FUNC, X); A->name = "SUBSTRING"; sp_expr_add_arg(ctx, A, S); sp_expr_add_arg(ctx, A, F); }
expr(A) ::= SUBSTRING(X) LP expr(S) FROM expr(F) FOR expr(N) RP. { A = sp_expr_new(ctx, SP_E_FUNC, X); A->name = "SUBSTRING"; sp_expr_add_arg(ctx, A, S); sp_expr_add_arg(ctx, A, F); sp_expr_add_arg(ctx, A, N); }
expr(A) ::= TRIM(X) LP expr(S) RP. { A = sp_expr_new(ctx, SP_E_TRIM, X); sp_expr_add_arg(ctx, A, S); sp_expr_add_arg(ctx, A, NULL); A->trim_mode = SP_TRIM_BOTH; }
expr(A) ::= TRIM(X) LP expr(C) FROM expr(S) RP. { A = sp_expr_new(ctx, SP_E_TRIM, X); sp_expr_add_arg(ctx, A, S); sp_expr_add_arg(ctx, A, C); A->trim_mode = SP_TRIM_BOTH; }
expr(A) ::= TRIM(X) LP trimmode(M) FROM expr(S) RP. { A = sp_expr_new(ctx, SP_E_TRIM, X); sp_expr_add_arg(ctx, A, S); sp_expr_add_arg(ctx, A, NULL); A->trim_mode = (uint8_t)M; }
expr(A) ::= TRIM(X) LP trimmode(M) expr(C) FROM expr(S) RP. { A = sp_expr_new(ctx, SP_E_TRIM, X); sp_expr_add_arg(ctx, A, S); sp_expr_add_arg(ctx, A, C); A->trim_mode = (uint8_t)M; }
%type trimmode {int}
trimmode(A) ::= BOTH. { A = SP_TRIM_BOTH; }
trimmode(A) ::= LEADING. { A = SP_TRIM_LEADING; }
trimmode(A) ::= TRAILING. { A = SP_TRIM_TRAILING; }

expr(A) ::= CASE(X) caseop(O) whenlist(W) caseelse(E) END. {
    A = sp_expr_new(ctx, SP_E_CASE, X);
    sp_expr_add_arg(ctx, A, O);
    for (int i = 0; i < W->n; i++) sp_expr_add_arg(ctx, A, W->items[i]);
    sp_expr_add_arg(ctx, A, E);
}
%type caseop {sp_expr*}
caseop(A) ::= . { A = NULL; }
caseop(A) ::= expr(E). { A = E; }
%type whenlist {sp_list*}
whenlist(A) ::= WHEN expr(W) THEN expr(T). { A = sp_list_add(ctx, sp_list_add(ctx, sp_list_new(ctx), W), T); }
whenlist(A) ::= whenlist(L) WHEN expr(W) THEN expr(T). { A = sp_list_add(ctx, sp_list_add(ctx, L, W), T); }
%type caseelse {sp_expr*}
caseelse(A) ::= . { A = NULL; }
caseelse(A) ::= ELSE expr(E). { A = E; }

expr(A) ::= expr(X) OR expr(Y). { A = sp_expr_binary(ctx, SP_OP_OR, X, Y); }
expr(A) ::= expr(X) AND expr(Y). { A = sp_expr_binary(ctx, SP_OP_AND, X, Y); }
expr(A) ::= expr(X) EQ expr(Y). { A = sp_expr_binary(ctx, SP_OP_EQ, X, Y); }
expr(A) ::= expr(X) NE expr(Y). { A = sp_expr_binary(ctx, SP_OP_NE, X, Y); }
expr(A) ::= expr(X) LT expr(Y). { A = sp_expr_binary(ctx, SP_OP_LT, X, Y); }
expr(A) ::= expr(X) LE expr(Y). { A = sp_expr_binary(ctx, SP_OP_LE, X, Y); }
expr(A) ::= expr(X) GT expr(Y). { A = sp_expr_binary(ctx, SP_OP_GT, X, Y); }
expr(A) ::= expr(X) GE expr(Y). { A = sp_expr_binary(ctx, SP_OP_GE, X, Y); }
expr(A) ::= expr(X) CONCAT expr(Y). { A = sp_expr_binary(ctx, SP_OP_CONCAT, X, Y); }
expr(A) ::= expr(X) PLUS expr(Y). { A = sp_expr_binary(ctx, SP_OP_ADD, X, Y); }
expr(A) ::= expr(X) MINUS expr(Y). { A = sp_expr_binary(ctx, SP_OP_SUB, X, Y); }
expr(A) ::= expr(X) STAR expr(Y). { A = sp_expr_binary(ctx, SP_OP_MUL, X, Y); }
expr(A) ::= expr(X) SLASH expr(Y). { A = sp_expr_binary(ctx, SP_OP_DIV, X, Y); }
expr(A) ::= expr(X) REM expr(Y). { A = sp_expr_binary(ctx, SP_OP_MOD, X, Y); }
expr(A) ::= NOT(T) expr(X). { A = sp_expr_unary(ctx, SP_OP_NOT, T, X); }
expr(A) ::= MINUS(T) expr(X). [UMINUS] { A = sp_expr_unary(ctx, SP_OP_NEG, T, X); }
expr(A) ::= PLUS(T) expr(X). [UMINUS] { A = sp_expr_unary(ctx, SP_OP_PLUS, T, X); }
expr(A) ::= expr(X) IS NULL. { A = sp_expr_at(ctx, SP_E_IS_NULL, X); sp_expr_add_arg(ctx, A, X); }
expr(A) ::= expr(X) IS NOT NULL. { A = sp_expr_at(ctx, SP_E_IS_NULL, X); sp_expr_add_arg(ctx, A, X); A->negated = true; }
expr(A) ::= expr(X) IS TRUE. { A = sp_expr_at(ctx, SP_E_IS_BOOL, X); sp_expr_add_arg(ctx, A, X); A->lit_bool = true; }
expr(A) ::= expr(X) IS FALSE. { A = sp_expr_at(ctx, SP_E_IS_BOOL, X); sp_expr_add_arg(ctx, A, X); }
expr(A) ::= expr(X) IS NOT TRUE. { A = sp_expr_at(ctx, SP_E_IS_BOOL, X); sp_expr_add_arg(ctx, A, X); A->lit_bool = true; A->negated = true; }
expr(A) ::= expr(X) IS NOT FALSE. { A = sp_expr_at(ctx, SP_E_IS_BOOL, X); sp_expr_add_arg(ctx, A, X); A->negated = true; }
%type betweenop {bool}
betweenop(A) ::= BETWEEN. { A = false; }
betweenop(A) ::= NOT BETWEEN. { A = true; }
%type inop {bool}
inop(A) ::= IN. { A = false; }
inop(A) ::= NOT IN. { A = true; }
%type likeop {bool}
likeop(A) ::= LIKE. { A = false; }
likeop(A) ::= NOT LIKE. { A = true; }
expr(A) ::= expr(X) betweenop(N) expr(L) AND expr(H). [BETWEEN] {
    A = sp_expr_at(ctx, SP_E_BETWEEN, X); A->negated = N;
    sp_expr_add_arg(ctx, A, X); sp_expr_add_arg(ctx, A, L); sp_expr_add_arg(ctx, A, H);
}
expr(A) ::= expr(X) inop(N) LP exprlist(L) RP. [IN] {
    A = sp_expr_at(ctx, SP_E_IN, X); A->negated = N;
    sp_expr_add_arg(ctx, A, X);
    for (int i = 0; i < L->n; i++) sp_expr_add_arg(ctx, A, L->items[i]);
}
expr(A) ::= expr(X) likeop(N) expr(P). [LIKE] {
    A = sp_expr_at(ctx, SP_E_LIKE, X); A->negated = N;
    sp_expr_add_arg(ctx, A, X); sp_expr_add_arg(ctx, A, P);
}
expr(A) ::= expr(X) likeop(N) expr(P) ESCAPE expr(E). [LIKE] {
    A = sp_expr_at(ctx, SP_E_LIKE, X); A->negated = N;
    sp_expr_add_arg(ctx, A, X); sp_expr_add_arg(ctx, A, P); sp_expr_add_arg(ctx, A, E);
}
