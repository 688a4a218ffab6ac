/* sh_session.h: a SQL session: the catalog, SET values, and statement execution. Used by the
 * interactive shell and by `sluice -f`. */
#ifndef SH_SESSION_H
#define SH_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include "../common/sl_options.h"
#include "../planner/pl_catalog.h"

typedef struct sh_session {
    pl_catalog catalog;
    sl_options settings;          /* SET 'k' = 'v' */
    bool interactive;             /* shell (info on stdout, tableau results) or batch */
    FILE *out;                    /* results */
    FILE *info;                   /* informational messages */
    volatile sig_atomic_t *stop;  /* set by SIGINT/SIGTERM: stops the running query */
    volatile sig_atomic_t *diagnose; /* set by Ctrl-\ (SIGQUIT) or SIGUSR1: the running query's
                                        watermark report (rt_diag.h); NULL: none */
    bool progress_line;           /* a status line is on the terminal (cleared before messages) */
} sh_session;

void sh_session_init(sh_session *s, bool interactive, volatile sig_atomic_t *stop);
void sh_session_free(sh_session *s);

/* Parses and executes every statement of `text` in order; stops at the first failing one.
 * Errors are printed to stderr. Returns 0 or -1. */
int sh_session_run(sh_session *s, const char *text);

#endif
