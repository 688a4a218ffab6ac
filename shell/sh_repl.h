/* sh_repl.h: the interactive shell (readline, history, multi-line statements). */
#ifndef SH_REPL_H
#define SH_REPL_H

#include "sh_session.h"

/* Reads statements until EOF (Ctrl-D) or QUIT/EXIT; returns the process exit status. */
int sh_repl_run(sh_session *s);

#endif
