/* rt_job_id.c: who a job is and where its state lives.
 *
 * A job's name is 'pipeline.name' when set, else derived from its normalized statement
 * (sp_normalize), so running the same file again finds the same state: e.g.
 * "insert-into-totals-select-3fa2c1d04b9e". Its state is the SQLite database
 * <state dir>/<name>/state.db, where the state dir is 'state.dir' (sluice --state-dir), else
 * $SLUICE_STATE_DIR, else $XDG_DATA_HOME/sluice/state, else ~/.local/share/sluice/state.
 * The plan's fingerprint (a hash of its EXPLAIN text) tells whether saved state belongs to
 * the same query. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>
#include "../common/sl_buf.h"
#include "../common/sl_error.h"
#include "../parser/sp_parse.h"
#include "rt_job.h"

/* The version of the state layout; part of every fingerprint. */
#define STATE_FORMAT "sluice-state-1"

char *rt_job_name(const pl_plan *p, const sl_options *session) {
    const char *given = sl_options_get(session, "pipeline.name");
    sl_buf b = {0};
    if (given && *given) {
        for (const char *c = given; *c; c++)
            sl_buf_putc(&b, isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.' ? *c : '_');
        if (b.data[0] == '.') b.data[0] = '_';
        return sl_buf_steal(&b);
    }
    char *norm = sp_normalize(p->sql);
    /* a readable slug from the first words, then the hash of the whole text */
    int words = 0;
    for (const char *c = norm; *c && words < 4 && b.len < 40;) {
        while (*c && !isalnum((unsigned char)*c)) c++;
        if (!*c) break;
        if (b.len) sl_buf_putc(&b, '-');
        while (isalnum((unsigned char)*c) || *c == '_') sl_buf_putc(&b, (char)tolower((unsigned char)*c++));
        words++;
    }
    sl_buf_printf(&b, "%s%012llx", b.len ? "-" : "", (unsigned long long)(XXH3_64bits(norm, strlen(norm)) >> 16));
    free(norm);
    return sl_buf_steal(&b);
}

/* mkdir -p; 0 or -1 with errno. */
static int make_dirs(const char *path) {
    char *p = strdup(path);
    int rc = 0;
    for (char *s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s) continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, 0755) < 0 && errno != EEXIST) rc = -1;
        *s = c;
        if (!c) break;
    }
    free(p);
    return rc;
}

char *rt_job_state_path(const char *name, const sl_options *session, char **err) {
    const char *dir = sl_options_get(session, "state.dir");
    char *owned = NULL;
    if (!dir || !*dir) dir = getenv("SLUICE_STATE_DIR");
    if (!dir || !*dir) {
        const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
        if (xdg && *xdg) owned = sl_strdupf("%s/sluice/state", xdg);
        else owned = sl_strdupf("%s/.local/share/sluice/state", home && *home ? home : ".");
        dir = owned;
    }
    char *jobdir = sl_strdupf("%s/%s", dir, name);
    free(owned);
    if (make_dirs(jobdir) < 0) {
        *err = sl_strdupf("Cannot create the state directory '%s': %s", jobdir, strerror(errno));
        free(jobdir);
        return NULL;
    }
    char *path = sl_strdupf("%s/state.db", jobdir);
    free(jobdir);
    return path;
}

/* True when the table is a Kafka topic on a broker outside this process. */
static bool external_kafka(const pl_table *t, const sl_options *session) {
    const char *c = sl_options_get(&t->opts, "connector");
    if (!c || (strcmp(c, "kafka") && strcmp(c, "upsert-kafka"))) return false;
    const char *bs = sl_options_get(&t->opts, "properties.bootstrap.servers");
    if (!bs || !*bs) bs = sl_options_get(session, "sluice.bootstrap.servers");
    if (!bs || !*bs) bs = getenv("SLUICE_BOOTSTRAP");
    return bs && *bs;
}

bool rt_job_durable(const pl_plan *p, const sl_options *session) {
    const char *mode = sl_options_get(session, "sluice.state.durable");
    bool has_scan = false, external = false;
    for (const pl_node *n = p->root; n; n = n->input) {
        if (n->kind == PL_N_SCAN) {
            has_scan = true;
            external |= external_kafka(n->table, session);
        }
        if (n->kind == PL_N_SINK) external |= external_kafka(n->sink, session);
    }
    if (!p->is_insert || !has_scan) return false;
    if (mode && !strcmp(mode, "true")) return true;
    if (mode && !strcmp(mode, "false")) return false;
    return external;
}

char *rt_job_fingerprint(const pl_plan *p, char **plan_text) {
    sl_buf b = {0};
    pl_explain(&b, p);
    sl_buf_printf(&b, "%s\n", STATE_FORMAT);
    /* column types of every node: a changed type changes the state's bytes */
    for (const pl_node *n = p->root; n; n = n->input)
        for (int c = 0; c < n->ncols; c++) {
            char tn[64];
            sl_buf_printf(&b, "%s ", sl_type_name(n->cols[c].type, tn, sizeof tn));
        }
    char *fp = sl_strdupf("%016llx", (unsigned long long)XXH3_64bits(b.data, b.len));
    sl_buf_clear(&b);
    pl_explain(&b, p);
    *plan_text = sl_buf_steal(&b);
    return fp;
}
