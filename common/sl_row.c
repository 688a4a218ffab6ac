/* sl_row.c: one-line text form of a row (print sink, shell plain mode). */
#include "sl_row.h"

#include "sl_batch.h"
#include "sl_format.h"

void sl_format_row(sl_buf *out, int op, const sl_type *types, const sl_value *vals, int n) {
    sl_buf_puts(out, sl_op_name(op));
    sl_buf_putc(out, '[');
    for (int i = 0; i < n; i++) {
        if (i) sl_buf_puts(out, ", ");
        if (vals[i].null) sl_buf_puts(out, "null");
        else if (types[i].id == SL_T_BOOLEAN) sl_buf_puts(out, vals[i].i ? "true" : "false");
        else sl_format_value(out, types[i], vals[i]);
    }
    sl_buf_putc(out, ']');
}
