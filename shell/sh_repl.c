/* sh_repl.c: interactive shell on readline. A statement may span lines; it runs when a line
 * completes it with ';'. Ctrl-C during a query cancels the query and returns to the prompt. */
#include "sh_repl.h"

#include <readline/history.h>
#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../common/sl_buf.h"
#include "../parser/sp_parse.h"

/* ~/.sluice_history, or NULL without $HOME. */
static char *history_path(void) {
    const char *home = getenv("HOME");
    if (!home) return NULL;
    size_t n = strlen(home) + 32;
    char *p = malloc(n);
    snprintf(p, n, "%s/.sluice_history", home);
    return p;
}

/* True for QUIT/EXIT (with or without ';'). */
static bool is_quit(const char *text) {
    while (*text == ' ' || *text == '\t' || *text == '\n') text++;
    size_t n = strcspn(text, " \t\n;");
    return (n == 4 && !strncasecmp(text, "quit", 4)) || (n == 4 && !strncasecmp(text, "exit", 4));
}

static void help(void) {
    printf("Statements end with ';' and may span lines. Examples:\n"
           "  CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');\n"
           "  INSERT INTO t VALUES (1, 'x');  SELECT * FROM t;  EXPLAIN SELECT a FROM t WHERE a > 0;\n"
           "  SHOW TABLES;  DESCRIBE t;  SET 'sql-client.execution.result-mode' = 'changelog';\n"
           "Ctrl-C cancels a running query; QUIT or Ctrl-D leaves.\n");
}

int sh_repl_run(sh_session *s) {
    char *hist = history_path();
    if (hist) read_history(hist);
    printf("Sluice SQL shell. Type HELP; for help, QUIT; to leave.\n");
    sl_buf stmt = {0};
    for (;;) {
        char *line = readline(stmt.len ? "      > " : "Sluice SQL> ");
        if (!line) break; /* Ctrl-D */
        if (s->stop) *s->stop = 0;
        if (stmt.len) sl_buf_putc(&stmt, '\n');
        sl_buf_puts(&stmt, line);
        free(line);
        if (stmt.len == 0) continue;
        if (is_quit(stmt.data)) break;
        const char *t = stmt.data;
        while (*t == ' ') t++;
        if (!strncasecmp(t, "help", 4) && (t[4] == 0 || t[4] == ';')) {
            help();
            sl_buf_clear(&stmt);
            continue;
        }
        if (!sp_statement_complete(stmt.data)) continue;
        add_history(stmt.data);
        sh_session_run(s, stmt.data);
        sl_buf_clear(&stmt);
    }
    if (hist) {
        write_history(hist);
        free(hist);
    }
    sl_buf_free(&stmt);
    printf("\nShutting down the session...\ndone.\n");
    return 0;
}
