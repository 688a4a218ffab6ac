/* sl_value.c: names of SQL types. */
#include "sl_value.h"

#include <stdio.h>

char *sl_type_name(sl_type t, char *buf, size_t n) {
    const char *nn = t.not_null ? " NOT NULL" : "";
    switch (t.id) {
    case SL_T_NULL: snprintf(buf, n, "NULL"); break;
    case SL_T_BOOLEAN: snprintf(buf, n, "BOOLEAN%s", nn); break;
    case SL_T_INT: snprintf(buf, n, "INT%s", nn); break;
    case SL_T_BIGINT: snprintf(buf, n, "BIGINT%s", nn); break;
    case SL_T_FLOAT: snprintf(buf, n, "FLOAT%s", nn); break;
    case SL_T_DOUBLE: snprintf(buf, n, "DOUBLE%s", nn); break;
    case SL_T_DECIMAL: snprintf(buf, n, "DECIMAL(%d, %d)%s", t.precision, t.scale, nn); break;
    case SL_T_STRING:
        if (t.length >= 0) snprintf(buf, n, "VARCHAR(%d)%s", t.length, nn);
        else snprintf(buf, n, "STRING%s", nn);
        break;
    case SL_T_TIMESTAMP: snprintf(buf, n, "TIMESTAMP(%d)%s", t.precision, nn); break;
    case SL_T_TIMESTAMP_LTZ: snprintf(buf, n, "TIMESTAMP_LTZ(%d)%s", t.precision, nn); break;
    case SL_T_DATE: snprintf(buf, n, "DATE%s", nn); break;
    case SL_T_INTERVAL: snprintf(buf, n, "INTERVAL DAY TO SECOND%s", nn); break;
    default: snprintf(buf, n, "?"); break;
    }
    return buf;
}

bool sl_type_is_numeric(sl_type_id id) {
    return id == SL_T_INT || id == SL_T_BIGINT || id == SL_T_FLOAT || id == SL_T_DOUBLE ||
           id == SL_T_DECIMAL;
}
