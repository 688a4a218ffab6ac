/* sl_format.c: placeholder, being written (expression/format work). */
#include "sl_format.h"
