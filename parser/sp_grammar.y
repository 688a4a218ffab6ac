/* sp_grammar.y: the lemon grammar of Sluice's SQL (Flink dialect).
 *
 * The driver (sp_parse.c) feeds one statement's tokens at a time (';' is never fed) and then
 * token 0 for the end of the statement. Actions build the AST in ctx->arena through the helpers
 * of sp_build.h; semantic errors (bad DECIMAL precision, ...) go to sp_ctx_error, and the driver
 * stops at the first error. Expressions are written as one nonterminal per precedence level
 * (lowest first: OR, AND, NOT, predicates, ||, + -, * / %, unary, term), which keeps the grammar
 * free of precedence declarations and conflicts. */

%name sp_Lemon
%token_prefix TK_
%token_type {sp_token}
%default_type {sp_token}
%extra_argument {sp_ctx *ctx}
%stack_size 10000
%start_symbol input

%include {
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "sp_build.h"
/* Stop at the first syntax error: the driver abandons the parse anyway. */
#define YYNOERRORRECOVERY 1
}

%syntax_error {
    sp_syntax_error(ctx, yymajor, &yyminor);
}
%stack_overflow {
    sp_stack_overflow(ctx);
}

/* Token codes in a fixed order: punctuation, literals, then keywords. POSIN is the IN of
 * POSITION(a IN b); the driver rewrites it so it never clashes with the IN predicate. */
%token SEMI LP RP COMMA DOT STAR PLUS MINUS SLASH PERCENT EQ NE LT LE GT GE PIPE2
       ID QID STR INTLIT DECLIT FLOATLIT POSIN.

/* Keywords that are recognised only where the grammar expects them; anywhere else they are
 * ordinary identifiers (column names such as `comment`, `key`, `date`, `timestamp`, `second`). */
%fallback ID
    COMMENT KEY ENFORCED METADATA VIRTUAL WATERMARK CONSTRAINT TEMPORARY
    SHOW TABLES DESCRIBE DESC ASC EXPLAIN PLAN SET RESET IF
    YEAR MONTH DAY HOUR MINUTE SECOND TO
    TIMESTAMP DATE TIME ZONE LOCAL WITHOUT PRECISION
    BOTH LEADING TRAILING FILTER ESCAPE POSITION SUBSTRING TRIM UNKNOWN.

/* Reserved words with no rule yet: they make unsupported syntax fail at the right token. */
%token JOIN INNER OUTER CROSS FULL ON USING UNION INTERSECT EXCEPT OVER WINDOW LATERAL.

/* ---------------------------------------------------------------- statements */

input ::= cmd(S). { ctx->stmt = S; }

%type cmd {sp_stmt *}
cmd(A) ::= create_table(X). { A = X; }
cmd(A) ::= DROP(T) temporary TABLE ifexists(E) tname(N). {
    A = sp_s_new(ctx, SP_S_DROP_TABLE, T.line, T.col);
    A->drop.name = N.s;
    A->drop.if_exists = E;
}
cmd(A) ::= SHOW(T) TABLES. { A = sp_s_new(ctx, SP_S_SHOW_TABLES, T.line, T.col); }
cmd(A) ::= describe(T) tname(N). {
    A = sp_s_new(ctx, SP_S_DESCRIBE, T.line, T.col);
    A->describe.name = N.s;
}
cmd(A) ::= SET(T). { A = sp_s_new(ctx, SP_S_SET, T.line, T.col); }
cmd(A) ::= SET(T) STR(K) EQ STR(V). {
    A = sp_s_new(ctx, SP_S_SET, T.line, T.col);
    A->set.key = sp_unquote(ctx, K);
    A->set.value = sp_unquote(ctx, V);
}
cmd(A) ::= RESET(T). { A = sp_s_new(ctx, SP_S_RESET, T.line, T.col); }
cmd(A) ::= RESET(T) STR(K). {
    A = sp_s_new(ctx, SP_S_RESET, T.line, T.col);
    A->set.key = sp_unquote(ctx, K);
}
cmd(A) ::= insert(X). { A = X; }
cmd(A) ::= query(Q). {
    A = sp_s_new(ctx, SP_S_SELECT, Q->line, Q->col);
    A->select = Q;
}
cmd(A) ::= EXPLAIN(T) plan_for explainable(X). {
    A = sp_s_new(ctx, SP_S_EXPLAIN, T.line, T.col);
    A->explained = X;
}

describe(A) ::= DESCRIBE(T). { A = T; }
describe(A) ::= DESC(T). { A = T; }

plan_for ::= .
plan_for ::= PLAN FOR.

%type explainable {sp_stmt *}
explainable(A) ::= query(Q). {
    A = sp_s_new(ctx, SP_S_SELECT, Q->line, Q->col);
    A->select = Q;
}
explainable(A) ::= insert(X). { A = X; }

temporary ::= .
temporary ::= TEMPORARY.

%type ifexists {bool}
ifexists(A) ::= . { A = false; }
ifexists(A) ::= IF EXISTS. { A = true; }

/* ---------------------------------------------------------------- names */

/* An identifier: plain (any case kept) or `backtick quoted`. */
%type nm {sp_ident}
nm(A) ::= ID(X). { A = sp_ident_of(ctx, X); }
nm(A) ::= QID(X). { A = sp_ident_of(ctx, X); }

/* A table name, possibly catalog.db.table (kept as the dotted text). */
%type tname {sp_ident}
tname(A) ::= nm(X). { A = X; }
tname(A) ::= tname(X) DOT nm(Y). { A = sp_ident_join(ctx, X, Y); }

%type nmlist {sp_list *}
nmlist(A) ::= nm(X). { A = sp_list_add(ctx, NULL, sp_ident_box(ctx, X)); }
nmlist(A) ::= nmlist(L) COMMA nm(X). { A = sp_list_add(ctx, L, sp_ident_box(ctx, X)); }

/* ---------------------------------------------------------------- CREATE TABLE */

%type create_table {sp_stmt *}
create_table(A) ::= create_head(H) LP table_elems RP table_comment with_opts(O). {
    A = H;
    sp_ct_finish(ctx, O);
}

%type create_head {sp_stmt *}
create_head(A) ::= CREATE(T) temporary TABLE ifnotexists(E) tname(N). {
    A = sp_ct_begin(ctx, T, N, E);
}

%type ifnotexists {bool}
ifnotexists(A) ::= . { A = false; }
ifnotexists(A) ::= IF NOT EXISTS. { A = true; }

table_elems ::= table_elem.
table_elems ::= table_elems COMMA table_elem.

table_elem ::= column_def.
table_elem ::= WATERMARK(T) FOR nm(C) AS expr(E). { sp_ct_watermark(ctx, T, C, E); }
table_elem ::= pk_spec(T) LP nmlist(L) RP pk_enforced. { sp_ct_primary_key(ctx, T, L); }

/* The token of PRIMARY, for error positions. */
pk_spec(A) ::= PRIMARY(T) KEY. { A = T; }
pk_spec(A) ::= CONSTRAINT(T) nm PRIMARY KEY. { A = T; }

pk_enforced ::= NOT ENFORCED.
pk_enforced ::= ENFORCED(T). { sp_pk_not_enforced_error(ctx, T); }
pk_enforced ::= . { sp_pk_not_enforced_error(ctx, ctx->cur); }

column_def ::= column_head column_tail. { sp_ct_column_done(ctx); }
column_def ::= nm(N) AS expr(E) opt_comment(C). { sp_ct_computed(ctx, N, E, C); }

column_head ::= nm(N) type(T) nullability(X). {
    T.not_null = X;
    sp_ct_physical(ctx, N, T);
}

column_tail ::= .
column_tail ::= column_tail column_item.

column_item ::= METADATA(T). { sp_ct_metadata(ctx, T, NULL); }
column_item ::= METADATA(T) FROM STR(K). { sp_ct_metadata(ctx, T, &K); }
column_item ::= VIRTUAL(T). { sp_ct_virtual(ctx, T); }
column_item ::= COMMENT STR(C). { sp_ct_comment(ctx, C); }
column_item ::= pk_spec(T) pk_enforced. { sp_ct_column_pk(ctx, T); }

%type opt_comment {const char *}
opt_comment(A) ::= . { A = NULL; }
opt_comment(A) ::= COMMENT STR(C). { A = sp_unquote(ctx, C); }

table_comment ::= .
table_comment ::= COMMENT STR.

%type with_opts {sp_list *}
with_opts(A) ::= . { A = NULL; }
with_opts(A) ::= WITH LP opt_list(L) RP. { A = L; }

%type opt_list {sp_list *}
opt_list(A) ::= option(O). { A = sp_list_add(ctx, NULL, O); }
opt_list(A) ::= opt_list(L) COMMA option(O). { A = sp_list_add(ctx, L, O); }

%type option {sp_option *}
option(A) ::= STR(K) EQ STR(V). { A = sp_option_new(ctx, K, V); }

/* ---------------------------------------------------------------- types */

%type type {sl_type}
type(A) ::= BOOLEAN. { A = sl_type_make(SL_T_BOOLEAN); }
type(A) ::= INT. { A = sl_type_make(SL_T_INT); }
type(A) ::= BIGINT. { A = sl_type_make(SL_T_BIGINT); }
type(A) ::= FLOAT. { A = sl_type_make(SL_T_FLOAT); }
type(A) ::= DOUBLE. { A = sl_type_make(SL_T_DOUBLE); }
type(A) ::= DOUBLE PRECISION. { A = sl_type_make(SL_T_DOUBLE); }
type(A) ::= DECIMAL(T). { A = sp_type_decimal(ctx, T, NULL, NULL); }
type(A) ::= DECIMAL(T) LP INTLIT(P) RP. { A = sp_type_decimal(ctx, T, &P, NULL); }
type(A) ::= DECIMAL(T) LP INTLIT(P) COMMA INTLIT(S) RP. { A = sp_type_decimal(ctx, T, &P, &S); }
type(A) ::= STRING. { A = sl_type_make(SL_T_STRING); }
type(A) ::= VARCHAR. { A = sl_type_make(SL_T_STRING); }
type(A) ::= VARCHAR(T) LP INTLIT(N) RP. { A = sp_type_char(ctx, T, &N); }
type(A) ::= CHAR(T). { A = sp_type_char(ctx, T, NULL); }
type(A) ::= CHAR(T) LP INTLIT(N) RP. { A = sp_type_char(ctx, T, &N); }
type(A) ::= TIMESTAMP(T) ts_precision(P) ts_zone(Z). { A = sp_type_timestamp(ctx, T, P, Z); }
type(A) ::= TIMESTAMP_LTZ(T) ts_precision(P). { A = sp_type_timestamp(ctx, T, P, true); }
type(A) ::= DATE. { A = sl_type_make(SL_T_DATE); }
type(A) ::= nm(N). { A = sp_type_unsupported(ctx, N); }

/* Precision token, or type 0 when absent. */
ts_precision(A) ::= . { A = ctx->cur; A.type = 0; }
ts_precision(A) ::= LP INTLIT(P) RP. { A = P; }

%type ts_zone {bool}
ts_zone(A) ::= . { A = false; }
ts_zone(A) ::= WITHOUT TIME ZONE. { A = false; }
ts_zone(A) ::= WITH LOCAL TIME ZONE. { A = true; }

%type nullability {bool}
nullability(A) ::= . { A = false; }
nullability(A) ::= NULL. { A = false; }
nullability(A) ::= NOT NULL. { A = true; }

/* ---------------------------------------------------------------- INSERT */

%type insert {sp_stmt *}
insert(A) ::= INSERT(T) INTO tname(N) query(Q). { A = sp_s_insert_select(ctx, T, N, NULL, Q); }
insert(A) ::= INSERT(T) INTO tname(N) LP nmlist(C) RP query(Q). {
    A = sp_s_insert_select(ctx, T, N, C, Q);
}
insert(A) ::= INSERT(T) INTO tname(N) VALUES row_list(R). { A = sp_s_insert_values(ctx, T, N, NULL, R); }
insert(A) ::= INSERT(T) INTO tname(N) LP nmlist(C) RP VALUES row_list(R). {
    A = sp_s_insert_values(ctx, T, N, C, R);
}

%type row_list {sp_list *}
row_list(A) ::= row(X). { A = sp_list_add(ctx, NULL, X); }
row_list(A) ::= row_list(L) COMMA row(X). { A = sp_list_add(ctx, L, X); }

%type row {sp_list *}
row(A) ::= LP expr_list(L) RP. { A = L; }

/* ---------------------------------------------------------------- SELECT */

%type query {sp_select *}
query(A) ::= select(X). { A = X; }
query(A) ::= LP query(X) RP. { A = X; }

%type select {sp_select *}
select(A) ::= SELECT(T) set_quantifier(D) select_list(I) from(F) where(W) group_by(G) having(H)
              order_by(O) limit(L). {
    A = sp_select_new(ctx, T, D, I, F, W, G, H, O, L);
}

%type set_quantifier {bool}
set_quantifier(A) ::= . { A = false; }
set_quantifier(A) ::= ALL. { A = false; }
set_quantifier(A) ::= DISTINCT. { A = true; }

%type select_list {sp_list *}
select_list(A) ::= select_item(X). { A = sp_list_add(ctx, NULL, X); }
select_list(A) ::= select_list(L) COMMA select_item(X). { A = sp_list_add(ctx, L, X); }

%type select_item {sp_select_item *}
select_item(A) ::= STAR(T). { A = sp_item_new(ctx, sp_e_star(ctx, NULL, T), NULL); }
select_item(A) ::= nm(Q) DOT STAR(T). { A = sp_item_new(ctx, sp_e_star(ctx, &Q, T), NULL); }
select_item(A) ::= expr(E) alias(N). { A = sp_item_new(ctx, E, N); }

%type alias {const char *}
alias(A) ::= . { A = NULL; }
alias(A) ::= nm(N). { A = N.s; }
alias(A) ::= AS nm(N). { A = N.s; }

%type from {sp_table_ref *}
from(A) ::= . { A = NULL; }
from(A) ::= FROM table_ref(R). { A = R; }

%type table_ref {sp_table_ref *}
table_ref(A) ::= tname(N) alias(X). { A = sp_tref_new(ctx, N.s, X, NULL, N.line, N.col); }
table_ref(A) ::= LP(T) query(Q) RP alias(X). { A = sp_tref_new(ctx, NULL, X, Q, T.line, T.col); }

%type where {sp_expr *}
where(A) ::= . { A = NULL; }
where(A) ::= WHERE expr(E). { A = E; }

%type group_by {sp_list *}
group_by(A) ::= . { A = NULL; }
group_by(A) ::= GROUP BY expr_list(L). { A = L; }

%type having {sp_expr *}
having(A) ::= . { A = NULL; }
having(A) ::= HAVING expr(E). { A = E; }

%type order_by {sp_list *}
order_by(A) ::= . { A = NULL; }
order_by(A) ::= ORDER BY order_list(L). { A = L; }

%type order_list {sp_list *}
order_list(A) ::= order_item(X). { A = sp_list_add(ctx, NULL, X); }
order_list(A) ::= order_list(L) COMMA order_item(X). { A = sp_list_add(ctx, L, X); }

%type order_item {sp_order_item *}
order_item(A) ::= expr(E) direction(D). { A = sp_order_new(ctx, E, D); }

%type direction {bool}
direction(A) ::= . { A = false; }
direction(A) ::= ASC. { A = false; }
direction(A) ::= DESC. { A = true; }

%type limit {int64_t}
limit(A) ::= . { A = -1; }
limit(A) ::= LIMIT INTLIT(N). { A = sp_limit_value(ctx, N); }

/* ---------------------------------------------------------------- expressions */

%type expr_list {sp_list *}
expr_list(A) ::= expr(X). { A = sp_list_add(ctx, NULL, X); }
expr_list(A) ::= expr_list(L) COMMA expr(X). { A = sp_list_add(ctx, L, X); }

%type expr {sp_expr *}
expr(A) ::= expr(L) OR and_expr(R). { A = sp_e_binary(ctx, SP_OP_OR, L, R); }
expr(A) ::= and_expr(X). { A = X; }

%type and_expr {sp_expr *}
and_expr(A) ::= and_expr(L) AND not_expr(R). { A = sp_e_binary(ctx, SP_OP_AND, L, R); }
and_expr(A) ::= not_expr(X). { A = X; }

%type not_expr {sp_expr *}
not_expr(A) ::= NOT(T) not_expr(X). { A = sp_e_unary(ctx, SP_OP_NOT, T, X); }
not_expr(A) ::= pred(X). { A = X; }

/* Comparisons and the other predicates; their right-hand sides are one level higher (||). */
%type pred {sp_expr *}
pred(A) ::= pred(L) cmp_op(O) concat_expr(R). { A = sp_e_binary(ctx, O, L, R); }
pred(A) ::= pred(X) IS NULL. { A = sp_e_is(ctx, SP_E_IS_NULL, X, false, 0); }
pred(A) ::= pred(X) IS NOT NULL. { A = sp_e_is(ctx, SP_E_IS_NULL, X, true, 0); }
pred(A) ::= pred(X) IS TRUE. { A = sp_e_is(ctx, SP_E_IS_BOOL, X, false, 1); }
/* IS [NOT] UNKNOWN: the boolean test for NULL */
pred(A) ::= pred(X) IS UNKNOWN. { A = sp_e_is(ctx, SP_E_IS_NULL, X, false, 0); }
pred(A) ::= pred(X) IS NOT UNKNOWN. { A = sp_e_is(ctx, SP_E_IS_NULL, X, true, 0); }
pred(A) ::= pred(X) IS NOT TRUE. { A = sp_e_is(ctx, SP_E_IS_BOOL, X, true, 1); }
pred(A) ::= pred(X) IS FALSE. { A = sp_e_is(ctx, SP_E_IS_BOOL, X, false, 0); }
pred(A) ::= pred(X) IS NOT FALSE. { A = sp_e_is(ctx, SP_E_IS_BOOL, X, true, 0); }
pred(A) ::= pred(X) BETWEEN concat_expr(L) AND concat_expr(H). {
    A = sp_e_nary(ctx, SP_E_BETWEEN, X->line, X->col, 3, X, L, H);
}
pred(A) ::= pred(X) NOT BETWEEN concat_expr(L) AND concat_expr(H). {
    A = sp_e_nary(ctx, SP_E_BETWEEN, X->line, X->col, 3, X, L, H);
    A->negated = true;
}
pred(A) ::= pred(X) IN LP expr_list(L) RP. { A = sp_e_in(ctx, X, L, false); }
pred(A) ::= pred(X) NOT IN LP expr_list(L) RP. { A = sp_e_in(ctx, X, L, true); }
pred(A) ::= pred(X) LIKE concat_expr(P). { A = sp_e_nary(ctx, SP_E_LIKE, X->line, X->col, 2, X, P, NULL); }
pred(A) ::= pred(X) NOT LIKE concat_expr(P). {
    A = sp_e_nary(ctx, SP_E_LIKE, X->line, X->col, 2, X, P, NULL);
    A->negated = true;
}
pred(A) ::= pred(X) LIKE concat_expr(P) ESCAPE concat_expr(E). {
    A = sp_e_nary(ctx, SP_E_LIKE, X->line, X->col, 3, X, P, E);
}
pred(A) ::= pred(X) NOT LIKE concat_expr(P) ESCAPE concat_expr(E). {
    A = sp_e_nary(ctx, SP_E_LIKE, X->line, X->col, 3, X, P, E);
    A->negated = true;
}
pred(A) ::= concat_expr(X). { A = X; }

%type cmp_op {int}
cmp_op(A) ::= EQ. { A = SP_OP_EQ; }
cmp_op(A) ::= NE. { A = SP_OP_NE; }
cmp_op(A) ::= LT. { A = SP_OP_LT; }
cmp_op(A) ::= LE. { A = SP_OP_LE; }
cmp_op(A) ::= GT. { A = SP_OP_GT; }
cmp_op(A) ::= GE. { A = SP_OP_GE; }

%type concat_expr {sp_expr *}
concat_expr(A) ::= concat_expr(L) PIPE2 add_expr(R). { A = sp_e_binary(ctx, SP_OP_CONCAT, L, R); }
concat_expr(A) ::= add_expr(X). { A = X; }

%type add_expr {sp_expr *}
add_expr(A) ::= add_expr(L) PLUS mul_expr(R). { A = sp_e_binary(ctx, SP_OP_ADD, L, R); }
add_expr(A) ::= add_expr(L) MINUS mul_expr(R). { A = sp_e_binary(ctx, SP_OP_SUB, L, R); }
add_expr(A) ::= mul_expr(X). { A = X; }

%type mul_expr {sp_expr *}
mul_expr(A) ::= mul_expr(L) STAR unary_expr(R). { A = sp_e_binary(ctx, SP_OP_MUL, L, R); }
mul_expr(A) ::= mul_expr(L) SLASH unary_expr(R). { A = sp_e_binary(ctx, SP_OP_DIV, L, R); }
mul_expr(A) ::= mul_expr(L) PERCENT unary_expr(R). { A = sp_e_binary(ctx, SP_OP_MOD, L, R); }
mul_expr(A) ::= unary_expr(X). { A = X; }

%type unary_expr {sp_expr *}
unary_expr(A) ::= MINUS(T) unary_expr(X). { A = sp_e_unary(ctx, SP_OP_NEG, T, X); }
unary_expr(A) ::= PLUS(T) unary_expr(X). { A = sp_e_unary(ctx, SP_OP_PLUS, T, X); }
unary_expr(A) ::= term(X). { A = X; }

/* ---------------------------------------------------------------- terms */

%type term {sp_expr *}
term(A) ::= LP expr(X) RP. { A = X; }
term(A) ::= INTLIT(T). { A = sp_e_literal(ctx, SP_LIT_INT, T); }
term(A) ::= DECLIT(T). { A = sp_e_literal(ctx, SP_LIT_DECIMAL, T); }
term(A) ::= FLOATLIT(T). { A = sp_e_literal(ctx, SP_LIT_DOUBLE, T); }
term(A) ::= STR(T). { A = sp_e_literal(ctx, SP_LIT_STRING, T); }
term(A) ::= NULL(T). { A = sp_e_literal(ctx, SP_LIT_NULL, T); }
term(A) ::= TRUE(T). { A = sp_e_literal(ctx, SP_LIT_BOOL, T); }
term(A) ::= FALSE(T). { A = sp_e_literal(ctx, SP_LIT_BOOL, T); }
term(A) ::= TIMESTAMP(K) STR(T). { A = sp_e_typed_literal(ctx, SP_LIT_TIMESTAMP, K, T); }
term(A) ::= DATE(K) STR(T). { A = sp_e_typed_literal(ctx, SP_LIT_DATE, K, T); }
term(A) ::= INTERVAL(K) interval_value(V) interval_unit(U). { A = sp_e_interval(ctx, K, V, U, SP_IU_NONE); }
term(A) ::= INTERVAL(K) interval_value(V) interval_unit(U) TO interval_unit(W). {
    A = sp_e_interval(ctx, K, V, U, W);
}

/* Column references; TIMESTAMP, DATE and POSITION alone are columns of those names. */
term(A) ::= nm(N). { A = sp_e_column(ctx, NULL, N); }
term(A) ::= nm(Q) DOT nm(N). { A = sp_e_column(ctx, &Q, N); }
term(A) ::= TIMESTAMP(T). { A = sp_e_column(ctx, NULL, sp_ident_of(ctx, T)); }
term(A) ::= DATE(T). { A = sp_e_column(ctx, NULL, sp_ident_of(ctx, T)); }
term(A) ::= POSITION(T). { A = sp_e_column(ctx, NULL, sp_ident_of(ctx, T)); }

/* Function calls, aggregates with DISTINCT, COUNT(*) and FILTER (WHERE ...). */
term(A) ::= nm(N) LP RP filter(F). { A = sp_e_func(ctx, N.s, N.line, N.col, NULL, F); }
term(A) ::= nm(N) LP STAR RP filter(F). {
    A = sp_e_func(ctx, N.s, N.line, N.col, NULL, F);
    A->star = true;
}
term(A) ::= nm(N) LP set_quantifier(D) expr_list(L) RP filter(F). {
    A = sp_e_func(ctx, N.s, N.line, N.col, L, F);
    A->distinct = D;
}
term(A) ::= NILADIC(T). { A = sp_e_niladic(ctx, T); }

%type filter {sp_expr *}
filter(A) ::= . { A = NULL; }
filter(A) ::= FILTER LP WHERE expr(E) RP. { A = E; }

term(A) ::= CASE(T) case_operand(O) when_list(W) case_else(E) END. { A = sp_e_case(ctx, T, O, W, E); }

%type case_operand {sp_expr *}
case_operand(A) ::= . { A = NULL; }
case_operand(A) ::= expr(X). { A = X; }

%type when_list {sp_list *}
when_list(A) ::= WHEN expr(C) THEN expr(R). { A = sp_list_add(ctx, sp_list_add(ctx, NULL, C), R); }
when_list(A) ::= when_list(L) WHEN expr(C) THEN expr(R). { A = sp_list_add(ctx, sp_list_add(ctx, L, C), R); }

%type case_else {sp_expr *}
case_else(A) ::= . { A = NULL; }
case_else(A) ::= ELSE expr(X). { A = X; }

term(A) ::= CAST(T) LP expr(X) AS type(Y) nullability(N) RP. {
    Y.not_null = N;
    A = sp_e_cast(ctx, T, X, Y, false);
}
term(A) ::= TRY_CAST(T) LP expr(X) AS type(Y) nullability(N) RP. {
    Y.not_null = N;
    A = sp_e_cast(ctx, T, X, Y, true);
}

/* TRIM(x), TRIM(chars FROM x), TRIM(mode FROM x), TRIM(mode chars FROM x). */
term(A) ::= TRIM(T) LP expr(X) RP. { A = sp_e_trim(ctx, T, SP_TRIM_BOTH, NULL, X); }
term(A) ::= TRIM(T) LP expr(C) FROM expr(X) RP. { A = sp_e_trim(ctx, T, SP_TRIM_BOTH, C, X); }
term(A) ::= TRIM(T) LP trim_mode(M) FROM expr(X) RP. { A = sp_e_trim(ctx, T, M, NULL, X); }
term(A) ::= TRIM(T) LP trim_mode(M) expr(C) FROM expr(X) RP. { A = sp_e_trim(ctx, T, M, C, X); }

%type trim_mode {int}
trim_mode(A) ::= BOTH. { A = SP_TRIM_BOTH; }
trim_mode(A) ::= LEADING. { A = SP_TRIM_LEADING; }
trim_mode(A) ::= TRAILING. { A = SP_TRIM_TRAILING; }

/* SUBSTRING(x FROM a [FOR b]) and SUBSTRING(x, a [, b]) are both FUNC "SUBSTRING". */
term(A) ::= SUBSTRING(T) LP expr(X) FROM expr(S) RP. {
    A = sp_e_nary(ctx, SP_E_FUNC, T.line, T.col, 2, X, S, NULL);
    A->name = "SUBSTRING";
}
term(A) ::= SUBSTRING(T) LP expr(X) FROM expr(S) FOR expr(N) RP. {
    A = sp_e_nary(ctx, SP_E_FUNC, T.line, T.col, 3, X, S, N);
    A->name = "SUBSTRING";
}
term(A) ::= SUBSTRING(T) LP expr_list(L) RP. { A = sp_e_func(ctx, "SUBSTRING", T.line, T.col, L, NULL); }

/* POSITION(a IN b): FUNC "POSITION" with 2 args. */
term(A) ::= POSITION(T) LP concat_expr(X) POSIN concat_expr(Y) RP. {
    A = sp_e_nary(ctx, SP_E_FUNC, T.line, T.col, 2, X, Y, NULL);
    A->name = "POSITION";
}

/* The value of an INTERVAL literal: '5', 5 or '-5'. */
interval_value(A) ::= STR(X). { A = X; }
interval_value(A) ::= INTLIT(X). { A = X; }

%type interval_unit {int}
interval_unit(A) ::= YEAR. { A = SP_IU_YEAR; }
interval_unit(A) ::= MONTH. { A = SP_IU_MONTH; }
interval_unit(A) ::= DAY. { A = SP_IU_DAY; }
interval_unit(A) ::= HOUR. { A = SP_IU_HOUR; }
interval_unit(A) ::= MINUTE. { A = SP_IU_MINUTE; }
interval_unit(A) ::= SECOND. { A = SP_IU_SECOND; }
