/* sl_row.h: the one-line text form of a row, shared by the print sink and the shell:
 *     +I[1, ALICE, 110.86, null, true, 2024-01-01 10:00:00.000]
 * as Flink's print connector writes rows (booleans lower-case, NULL as null). */
#ifndef SL_ROW_H
#define SL_ROW_H

#include "sl_buf.h"
#include "sl_value.h"

void sl_format_row(sl_buf *out, int op, const sl_type *types, const sl_value *vals, int n);

#endif
