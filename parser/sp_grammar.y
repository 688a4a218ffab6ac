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
 * POSITION(a IN b); the driver rewrites it so it never clashes with the IN predicate. ARROW is
 * the => of named arguments. */
%token SEMI LP RP COMMA DOT STAR PLUS MINUS SLASH PERCENT EQ NE LT LE GT GE PIPE2
       ID QID STR INTLIT DECLIT FLOATLIT POSIN ARROW.

/* Keywords that are recognised only where the grammar expects them; anywhere else they are
 * ordinary identifiers (column names such as `comment`, `key`, `date`, `timestamp`, `second`).
 * A word may only be listed here if no state where it ends a construct also accepts an
 * identifier: lemon tries the fallback before a state's default reduction, so such a word
 * would be read as a name there (an alias, say) instead of ending the construct. */
%fallback ID
    COMMENT KEY ENFORCED METADATA VIRTUAL WATERMARK CONSTRAINT TEMPORARY VIEW VIEWS
    SHOW TABLES DESCRIBE DESC ASC EXPLAIN PLAN SET RESET IF
    YEAR MONTH DAY HOUR MINUTE SECOND TO
    TIMESTAMP DATE TIME ZONE LOCAL WITHOUT PRECISION
    BOTH LEADING TRAILING FILTER ESCAPE POSITION SUBSTRING TRIM UNKNOWN
    DESCRIPTOR ROLLUP CUBE SETS ROWS RANGE UNBOUNDED PRECEDING FOLLOWING CURRENT ROW.

/* Words the driver makes keywords only in context (sp_parse.c): ORDER, GROUP and PARTITION
 * before BY, LEFT and RIGHT before JOIN or OUTER, ROLLUP and CUBE before '(', GROUPING before
 * SETS; elsewhere they reach the grammar as ID. ROLLUP and CUBE also fall back (above), so a
 * call cube(x) outside GROUP BY still works; LEFT and RIGHT must not: after a table name they
 * end it (`FROM t LEFT JOIN u`) where an alias could start. */
%token ORDER GROUP PARTITION LEFT RIGHT GROUPING.

/* Reserved words: JOIN and friends, OVER; the ones with no rule yet make unsupported syntax
 * fail at the right token. */
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
cmd(A) ::= CREATE(T) temporary VIEW ifnotexists(E) tname(N) view_columns(C) AS query(Q). {
    A = sp_s_create_view(ctx, T, N, E, C, Q);
}
cmd(A) ::= DROP(T) temporary VIEW ifexists(E) tname(N). {
    A = sp_s_new(ctx, SP_S_DROP_VIEW, T.line, T.col);
    A->drop.name = N.s;
    A->drop.if_exists = E;
}
cmd(A) ::= SHOW(T) VIEWS. { A = sp_s_new(ctx, SP_S_SHOW_VIEWS, T.line, T.col); }
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

/* CREATE VIEW v (a, b) AS ...: the optional names of the view's columns. */
%type view_columns {sp_list *}
view_columns(A) ::= . { A = NULL; }
view_columns(A) ::= LP nmlist(L) RP. { A = L; }

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
from(A) ::= FROM from_item(R). { A = R; }

/* Joins chain to the left: a JOIN b ON .. JOIN c ON .. is (a JOIN b) JOIN c. The forms not
 * supported yet are recognised so that their error points at their first word. */
%type from_item {sp_table_ref *}
from_item(A) ::= table_ref(X). { A = X; }
from_item(A) ::= from_item(L) join_op(K) table_ref(R) ON expr(E). { A = sp_join_new(ctx, K, L, R, E); }
from_item(A) ::= from_item(L) join_op(K) table_ref. {
    sp_join_without_on(ctx, K);
    A = L;
}
from_item(A) ::= from_item(L) join_op table_ref using_kw. { A = L; }
from_item(A) ::= from_item(L) cross_join table_ref. { A = L; }
from_item(A) ::= from_item(L) comma_join table_ref. { A = L; }

using_kw ::= USING(T). { sp_join_unsupported(ctx, T, "JOIN ... USING is not supported yet (write ON a.x = b.x)"); }
cross_join ::= CROSS(T) JOIN. { sp_join_unsupported(ctx, T, "CROSS JOIN is not supported yet"); }
comma_join ::= COMMA(T). {
    sp_join_unsupported(ctx, T, "Comma-separated FROM items (implicit cross joins) are not supported yet "
                                "(write JOIN ... ON)");
}

%type join_op {sp_join_op}
join_op(A) ::= JOIN(T). { A = sp_join_op_of(SP_JOIN_INNER, T); }
join_op(A) ::= INNER(T) JOIN. { A = sp_join_op_of(SP_JOIN_INNER, T); }
join_op(A) ::= LEFT(T) JOIN. { A = sp_join_op_of(SP_JOIN_LEFT, T); }
join_op(A) ::= LEFT(T) OUTER JOIN. { A = sp_join_op_of(SP_JOIN_LEFT, T); }
join_op(A) ::= RIGHT(T) JOIN. { A = sp_join_op_of(SP_JOIN_RIGHT, T); }
join_op(A) ::= RIGHT(T) OUTER JOIN. { A = sp_join_op_of(SP_JOIN_RIGHT, T); }
join_op(A) ::= FULL(T) JOIN. { A = sp_join_op_of(SP_JOIN_FULL, T); }
join_op(A) ::= FULL(T) OUTER JOIN. { A = sp_join_op_of(SP_JOIN_FULL, T); }

%type table_ref {sp_table_ref *}
table_ref(A) ::= tname(N) alias(X). { A = sp_tref_new(ctx, N.s, X, NULL, N.line, N.col); }
table_ref(A) ::= LP(T) query(Q) RP alias(X). { A = sp_tref_new(ctx, NULL, X, Q, T.line, T.col); }
table_ref(A) ::= TABLE(T) LP nm(F) LP tvf_args(L) RP RP alias(X). { A = sp_tref_tvf(ctx, T, F, L, X); }
table_ref(A) ::= TABLE(T) LP nm(F) LP RP RP alias(X). { A = sp_tref_tvf(ctx, T, F, NULL, X); }

/* ---------------------------------------------------------------- window TVFs */

/* TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES)) and its kin: the arguments
 * are collected as written, positional or NAME => value, and sorted out by sp_tref_tvf. A
 * name after `PARTITION BY a,` is one more partition column: the grammar cannot tell it from
 * the next argument with one token of lookahead, so sp_tref_tvf moves it over. */
%type tvf_args {sp_list *}
tvf_args(A) ::= tvf_arg(X). { A = sp_list_add(ctx, NULL, X); }
tvf_args(A) ::= tvf_args(L) COMMA tvf_arg(X). { A = sp_list_add(ctx, L, X); }

%type tvf_arg {sp_tvf_arg *}
tvf_arg(A) ::= tvf_value(V). { A = V; }
tvf_arg(A) ::= nm(N) ARROW tvf_value(V). { A = sp_tvf_named(V, N); }

%type tvf_value {sp_tvf_arg *}
tvf_value(A) ::= TABLE(T) tname(N) tvf_partition(P). { A = sp_tvf_table(ctx, T, &N, NULL, P); }
tvf_value(A) ::= TABLE(T) LP query(Q) RP tvf_partition(P). { A = sp_tvf_table(ctx, T, NULL, Q, P); }
tvf_value(A) ::= LP(T) select(Q) RP tvf_partition(P). { A = sp_tvf_table(ctx, T, NULL, Q, P); }
tvf_value(A) ::= DESCRIPTOR(T) LP nmlist(L) RP. { A = sp_tvf_descriptor(ctx, T, L); }
tvf_value(A) ::= DESCRIPTOR(T) LP RP. { A = sp_tvf_descriptor(ctx, T, NULL); }
tvf_value(A) ::= expr(E). { A = sp_tvf_expr(ctx, E); }

%type tvf_partition {sp_tvf_part *}
tvf_partition(A) ::= . { A = NULL; }
tvf_partition(A) ::= PARTITION(T) BY nm(N). {
    A = sp_tvf_part_new(ctx, T, sp_list_add(ctx, NULL, sp_ident_box(ctx, N)), false);
}
tvf_partition(A) ::= PARTITION(T) BY LP nmlist(L) RP. { A = sp_tvf_part_new(ctx, T, L, true); }

%type where {sp_expr *}
where(A) ::= . { A = NULL; }
where(A) ::= WHERE expr(E). { A = E; }

/* GROUP BY items: expressions, `()`, `(a, b)`, ROLLUP(..), CUBE(..), GROUPING SETS(..) (which
 * nest), as sp_gitem trees that sp_select_new expands (sp_build_group.c). `(a)` is the
 * expression a: a one-element tuple would clash with the parenthesized expression. */
%type group_by {sp_list *}
group_by(A) ::= . { A = NULL; }
group_by(A) ::= GROUP BY group_list(L). { A = L; }

%type group_list {sp_list *}
group_list(A) ::= group_item(X). { A = sp_list_add(ctx, NULL, X); }
group_list(A) ::= group_list(L) COMMA group_item(X). { A = sp_list_add(ctx, L, X); }

%type group_item {sp_gitem *}
group_item(A) ::= gtuple(X). { A = X; }
group_item(A) ::= LP(T) RP. { A = sp_gitem_new(ctx, SP_GI_EMPTY, T.line, T.col, NULL, NULL); }
group_item(A) ::= ROLLUP(T) LP gtuple_list(L) RP. { A = sp_gitem_new(ctx, SP_GI_ROLLUP, T.line, T.col, NULL, L); }
group_item(A) ::= CUBE(T) LP gtuple_list(L) RP. { A = sp_gitem_new(ctx, SP_GI_CUBE, T.line, T.col, NULL, L); }
group_item(A) ::= GROUPING(T) SETS LP group_list(L) RP. {
    A = sp_gitem_new(ctx, SP_GI_SETS, T.line, T.col, NULL, L);
}

/* An element of ROLLUP / CUBE: an expression or a parenthesized list of two or more. */
%type gtuple_list {sp_list *}
gtuple_list(A) ::= gtuple(X). { A = sp_list_add(ctx, NULL, X); }
gtuple_list(A) ::= gtuple_list(L) COMMA gtuple(X). { A = sp_list_add(ctx, L, X); }

%type gtuple {sp_gitem *}
gtuple(A) ::= expr(E). { A = sp_gitem_new(ctx, SP_GI_EXPR, E->line, E->col, E, NULL); }
gtuple(A) ::= LP(T) expr(E) COMMA expr_list(L) RP. { A = sp_gitem_tuple(ctx, T, E, L); }

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
pred(A) ::= pred(L) IS DISTINCT FROM concat_expr(R). { A = sp_e_binary(ctx, SP_OP_IS_DISTINCT, L, R); }
pred(A) ::= pred(L) IS NOT DISTINCT FROM concat_expr(R). { A = sp_e_binary(ctx, SP_OP_IS_NOT_DISTINCT, L, R); }
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

/* Function calls, aggregates with DISTINCT, COUNT(*) and FILTER (WHERE ...), and any call
 * with an OVER window (ROW_NUMBER() OVER (...), SUM(x) OVER (...)). */
term(A) ::= call(X). { A = X; }
term(A) ::= call(X) OVER LP window_spec(W) RP. { A = sp_e_over(ctx, X, W); }
term(A) ::= call(X) OVER nm(N). {
    sp_named_window_error(ctx, N);
    A = X;
}

%type call {sp_expr *}
call(A) ::= nm(N) LP RP filter(F). { A = sp_e_func(ctx, N.s, N.line, N.col, NULL, F); }
call(A) ::= nm(N) LP STAR RP filter(F). {
    A = sp_e_func(ctx, N.s, N.line, N.col, NULL, F);
    A->star = true;
}
call(A) ::= nm(N) LP set_quantifier(D) expr_list(L) RP filter(F). {
    A = sp_e_func(ctx, N.s, N.line, N.col, L, F);
    A->distinct = D;
}
term(A) ::= NILADIC(T). { A = sp_e_niladic(ctx, T); }

%type filter {sp_expr *}
filter(A) ::= . { A = NULL; }
filter(A) ::= FILTER LP WHERE expr(E) RP. { A = E; }

/* OVER ([PARTITION BY ..] [ORDER BY ..] [ROWS|RANGE frame]). The frame's offsets are one
 * level above the predicates, so BETWEEN .. AND .. stays unambiguous. */
%type window_spec {sp_window_spec *}
window_spec(A) ::= window_partition(P) window_order(O) window_frame(F). { A = sp_window_new(ctx, P, O, F); }

%type window_partition {sp_list *}
window_partition(A) ::= . { A = NULL; }
window_partition(A) ::= PARTITION BY expr_list(L). { A = L; }

%type window_order {sp_list *}
window_order(A) ::= . { A = NULL; }
window_order(A) ::= ORDER BY order_list(L). { A = L; }

%type window_frame {sp_window_spec *}
window_frame(A) ::= . { A = NULL; }
window_frame(A) ::= frame_units(U) frame_bound(S). { A = sp_window_frame(ctx, U, S, NULL); }
window_frame(A) ::= frame_units(U) BETWEEN frame_bound(S) AND frame_bound(E). {
    A = sp_window_frame(ctx, U, S, &E);
}

frame_units(A) ::= ROWS(T). { A = T; }
frame_units(A) ::= RANGE(T). { A = T; }

%type frame_bound {sp_frame_bound}
frame_bound(A) ::= UNBOUNDED(T) PRECEDING. { A = sp_frame_bound_of(SP_BOUND_UNBOUNDED_PRECEDING, NULL, T); }
frame_bound(A) ::= UNBOUNDED(T) FOLLOWING. { A = sp_frame_bound_of(SP_BOUND_UNBOUNDED_FOLLOWING, NULL, T); }
frame_bound(A) ::= CURRENT(T) ROW. { A = sp_frame_bound_of(SP_BOUND_CURRENT_ROW, NULL, T); }
frame_bound(A) ::= concat_expr(X) PRECEDING(T). {
    T.line = X->line;
    T.col = X->col;
    A = sp_frame_bound_of(SP_BOUND_PRECEDING, X, T);
}
frame_bound(A) ::= concat_expr(X) FOLLOWING(T). {
    T.line = X->line;
    T.col = X->col;
    A = sp_frame_bound_of(SP_BOUND_FOLLOWING, X, T);
}

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
