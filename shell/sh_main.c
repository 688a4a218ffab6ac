/* sh_main.c: the `sluice` command: shell, batch files, and the standalone embedded broker. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../connectors/cn_connector.h"
#include "sh_repl.h"
#include "sh_session.h"

static volatile sig_atomic_t g_stop;
static volatile int g_broker_stop;
static volatile sig_atomic_t g_interactive;
static volatile sig_atomic_t g_diagnose;

/* Ctrl-\ (SIGQUIT) and SIGUSR1: the running query reports its watermarks and pending windows
 * (as a JVM prints its threads on SIGQUIT); at the prompt they do nothing. */
static void on_diagnose(int sig) {
    (void)sig;
    g_diagnose = 1;
}

/* SIGINT/SIGTERM: stop the running job (or broker) cleanly; in batch mode a third one exits at
 * once. In the shell, Ctrl-C only cancels the running query. */
static void on_signal(int sig) {
    if (sig == SIGTERM) g_interactive = 0;
    if (g_stop >= 2 && !g_interactive) _exit(130);
    g_stop++;
    g_broker_stop = 1;
}

static void install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_diagnose;
    sigaction(SIGQUIT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void usage(FILE *f) {
    fprintf(f,
            "usage: sluice [options]                 interactive SQL shell\n"
            "       sluice [options] -f FILE.sql     run the statements of a file\n"
            "       sluice [options] -e 'SQL;'       run statements given inline\n"
            "       sluice broker [--brokers N] [--topic NAME:PARTITIONS]... [--addr-file F]\n"
            "         prints its bootstrap address, serves until SIGTERM, and takes fault commands\n"
            "         on stdin, one per line, answering each with 'ok' or 'error: REASON':\n"
            "           down ID | up ID | rtt ID MS        a broker stops, comes back, answers late\n"
            "           errors API COUNT ERROR             e.g. errors Produce 3 NOT_LEADER_FOR_PARTITION\n"
            "           topic-error TOPIC ERROR            (NO_ERROR clears)\n"
            "           create TOPIC PARTITIONS\n"
            "options:\n"
            "  --set KEY=VALUE   same as SET 'KEY' = 'VALUE'; before the first statement\n"
            "  --state-dir DIR   where jobs keep their state (SET 'state.dir')\n"
            "  -h, --help        this text\n");
}

/* Reads a whole file (malloc'd, NUL-terminated) or NULL. */
static char *read_file(const char *path) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) buf = realloc(buf, cap *= 2);
    }
    buf[n] = 0;
    if (f != stdin) fclose(f);
    return buf;
}

/* `sluice broker ...` */
static int broker_main(int argc, char **argv) {
    int nbrokers = 1;
    const char **topics = calloc((size_t)argc + 1, sizeof(char *));
    int ntopics = 0;
    const char *addr_file = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--brokers") && i + 1 < argc) nbrokers = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--topic") && i + 1 < argc) topics[ntopics++] = argv[++i];
        else if (!strcmp(argv[i], "--addr-file") && i + 1 < argc) addr_file = argv[++i];
        else {
            usage(stderr);
            free(topics);
            return 2;
        }
    }
    install_signals();
    int rc = cn_broker_run_standalone(nbrokers, topics, ntopics, addr_file, &g_broker_stop);
    free(topics);
    return rc;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "broker")) return broker_main(argc, argv);
    const char *file = NULL, *inline_sql = NULL;
    sh_session s;
    sh_session_init(&s, false, &g_stop);
    s.diagnose = &g_diagnose;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f") && i + 1 < argc) file = argv[++i];
        else if (!strcmp(argv[i], "-e") && i + 1 < argc) inline_sql = argv[++i];
        else if (!strcmp(argv[i], "--set") && i + 1 < argc) {
            char *kv = argv[++i], *eq = strchr(kv, '=');
            if (!eq) {
                fprintf(stderr, "sluice: --set expects KEY=VALUE, got '%s'\n", kv);
                sh_session_free(&s);
                return 2;
            }
            *eq = 0;
            sl_options_set(&s.settings, kv, eq + 1);
            *eq = '=';
        } else if (!strcmp(argv[i], "--state-dir") && i + 1 < argc) {
            sl_options_set(&s.settings, "state.dir", argv[++i]);
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            sh_session_free(&s);
            return 0;
        } else {
            fprintf(stderr, "sluice: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            sh_session_free(&s);
            return 2;
        }
    }
    install_signals();
    int rc;
    if (file || inline_sql) {
        char *text = inline_sql ? strdup(inline_sql) : read_file(file);
        if (!text) {
            fprintf(stderr, "sluice: cannot read '%s'\n", file);
            rc = 1;
        } else {
            rc = sh_session_run(&s, text) < 0 ? 1 : 0;
            free(text);
        }
    } else {
        s.interactive = true;
        g_interactive = 1;
        s.info = stdout;
        rc = sh_repl_run(&s);
    }
    sh_session_free(&s);
    cn_broker_shutdown();
    return rc;
}
