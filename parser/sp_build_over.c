/* sp_build_over.c: OVER windows for the grammar actions: f(args) OVER (PARTITION BY ..
 * ORDER BY .. [ROWS|RANGE frame]) as an SP_E_OVER node over the call, with the window
 * specification's lists turned into arrays and the frame's bounds checked for their order. */
#include "sp_build.h"
#include "sp_grammar.h"

/* call OVER (w): a node at the call's position whose args[0] is the call. */
sp_expr *sp_e_over(sp_ctx *ctx, sp_expr *call, sp_window_spec *w) {
    sp_expr *e = sp_e_nary(ctx, SP_E_OVER, call->line, call->col, 1, call, NULL, NULL);
    e->over = w;
    return e;
}

/* The window specification from its PARTITION BY and ORDER BY lists (either may be NULL) and
 * its frame (a spec with only the frame filled, or NULL). */
sp_window_spec *sp_window_new(sp_ctx *ctx, sp_list *partition, sp_list *order, sp_window_spec *frame) {
    sp_window_spec *w = frame ? frame : sl_arena_calloc(ctx->arena, sizeof *w);
    if (partition) {
        w->partition_by = (sp_expr **)partition->v;
        w->npartition_by = partition->n;
    }
    if (order) {
        w->norder_by = order->n;
        w->order_by = sl_arena_alloc(ctx->arena, sizeof(sp_order_item) * (size_t)order->n);
        for (int i = 0; i < order->n; i++) w->order_by[i] = *(sp_order_item *)order->v[i];
    }
    return w;
}

/* The SQL words of a bound, for messages. */
static const char *bound_words(int kind) {
    switch (kind) {
    case SP_BOUND_UNBOUNDED_PRECEDING: return "UNBOUNDED PRECEDING";
    case SP_BOUND_PRECEDING: return "PRECEDING";
    case SP_BOUND_CURRENT_ROW: return "CURRENT ROW";
    case SP_BOUND_FOLLOWING: return "FOLLOWING";
    default: return "UNBOUNDED FOLLOWING";
    }
}

/* ROWS|RANGE start, or ROWS|RANGE BETWEEN start AND end (end NULL: CURRENT ROW). The end
 * must not come before the start in the order UNBOUNDED PRECEDING, PRECEDING, CURRENT ROW,
 * FOLLOWING, UNBOUNDED FOLLOWING (offsets are the planner's to compare). */
sp_window_spec *sp_window_frame(sp_ctx *ctx, sp_token units, sp_frame_bound start, const sp_frame_bound *end) {
    sp_window_spec *w = sl_arena_calloc(ctx->arena, sizeof *w);
    w->frame = (uint8_t)(units.type == TK_ROWS ? SP_FRAME_ROWS : SP_FRAME_RANGE);
    w->frame_line = units.line;
    w->frame_col = units.col;
    sp_frame_bound e = end ? *end : sp_frame_bound_of(SP_BOUND_CURRENT_ROW, NULL, units);
    if (start.kind == SP_BOUND_UNBOUNDED_FOLLOWING)
        sp_ctx_error(ctx, start.line, start.col, "A window frame cannot start at UNBOUNDED FOLLOWING");
    else if (e.kind == SP_BOUND_UNBOUNDED_PRECEDING)
        sp_ctx_error(ctx, e.line, e.col, "A window frame cannot end at UNBOUNDED PRECEDING");
    else if (e.kind < start.kind)
        sp_ctx_error(ctx, end ? e.line : start.line, end ? e.col : start.col,
                     "A window frame cannot end at %s when it starts at %s", bound_words(e.kind),
                     bound_words(start.kind));
    w->start_kind = (uint8_t)start.kind;
    w->start = start.offset;
    w->end_kind = (uint8_t)e.kind;
    w->end = e.offset;
    return w;
}

/* One frame bound at `at` (an offset's bound is at the offset). */
sp_frame_bound sp_frame_bound_of(int kind, sp_expr *offset, sp_token at) {
    sp_frame_bound b = {kind, offset, at.line, at.col};
    return b;
}

/* OVER w: windows defined in a WINDOW clause are not supported yet. */
void sp_named_window_error(sp_ctx *ctx, sp_ident name) {
    sp_ctx_error(ctx, name.line, name.col,
                 "Named windows (OVER %s) are not supported yet: write the window in parentheses, "
                 "OVER (PARTITION BY ... ORDER BY ...)", name.s);
}
