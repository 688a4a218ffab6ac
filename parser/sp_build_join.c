/* sp_build_join.c: joins in FROM for the grammar actions: `a [INNER|LEFT|RIGHT|FULL [OUTER]]
 * JOIN b ON cond` as a table_ref node over its two sides, and the errors of the join forms
 * not supported yet (CROSS JOIN, comma lists, USING, a JOIN without ON). */
#include "sp_build.h"

/* The kind and position of a join's first word. */
sp_join_op sp_join_op_of(int kind, sp_token at) {
    sp_join_op op = {kind, at.line, at.col};
    return op;
}

/* left JOIN right ON on: a FROM item at its left side's position. */
sp_table_ref *sp_join_new(sp_ctx *ctx, sp_join_op op, sp_table_ref *left, sp_table_ref *right, sp_expr *on) {
    sp_table_ref *r = sp_tref_new(ctx, NULL, NULL, NULL, left->line, left->col);
    r->join = (uint8_t)op.kind;
    r->left = left;
    r->right = right;
    r->on = on;
    r->join_line = op.line;
    r->join_col = op.col;
    return r;
}

/* A JOIN followed by something other than ON (or USING). */
void sp_join_without_on(sp_ctx *ctx, sp_join_op op) {
    sp_ctx_error(ctx, op.line, op.col, "JOIN needs an ON condition (ON a.x = b.x)");
}

/* A join form recognised only to be refused, at its first word. */
void sp_join_unsupported(sp_ctx *ctx, sp_token at, const char *what) {
    sp_ctx_error(ctx, at.line, at.col, "%s", what);
}
