/* check.h: the unit tests' one assertion: CHECK(cond, fmt, ...) counts a check and, when cond
 * is false, prints the place and the message and counts a failure; the test then prints
 * "<name>: N checks, M failed" and exits nonzero if any failed. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int checks, failed;

#define CHECK(cond, ...)                                \
    do {                                                \
        checks++;                                       \
        if (!(cond)) {                                  \
            failed++;                                   \
            printf("FAIL %s:%d: ", __FILE__, __LINE__); \
            printf(__VA_ARGS__);                        \
            printf("\n");                               \
        }                                               \
    } while (0)

#endif
