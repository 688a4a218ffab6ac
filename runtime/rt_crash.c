/* rt_crash.c: SLUICE_CRASH_AT crash points (see rt_crash.h). */
#include "rt_crash.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_state;          /* 0: not read yet, 1: unset, 2: armed */
static char g_name[128];
static long g_left;          /* hits before the crash */

void rt_crash_point(const char *name) {
    if (g_state == 1) return;
    if (g_state == 0) {
        const char *v = getenv("SLUICE_CRASH_AT");
        g_state = v && *v ? 2 : 1;
        if (g_state == 1) return;
        snprintf(g_name, sizeof g_name, "%s", v);
        char *colon = strchr(g_name, ':');
        g_left = 1;
        if (colon) {
            *colon = 0;
            g_left = strtol(colon + 1, NULL, 10);
            if (g_left < 1) g_left = 1;
        }
    }
    if (strcmp(name, g_name) != 0 || --g_left > 0) return;
    fprintf(stderr, "[crash point] %s\n", name);
    fflush(stderr);
    kill(getpid(), SIGKILL);
    _exit(137);
}
