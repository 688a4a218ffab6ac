/* sh_session.c: executes parsed statements against the session's catalog and settings. */
#include "sh_session.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include "../common/sl_buf.h"
#include "../common/sl_error.h"
#include "../connectors/cn_connector.h"
#include "../parser/sp_parse.h"
#include "../planner/pl_plan.h"
#include "../runtime/rt_job.h"
#include "sh_display.h"

void sh_session_init(sh_session *s, bool interactive, volatile sig_atomic_t *stop) {
    memset(s, 0, sizeof *s);
    s->interactive = interactive;
    s->out = stdout;
    s->info = interactive ? stdout : stderr;
    s->stop = stop;
}

void sh_session_free(sh_session *s) {
    pl_catalog_free(&s->catalog);
    sl_options_free(&s->settings);
}

/* Erases the progress line, if one is on the terminal, so a message starts on a clean line. */
static void clear_progress(sh_session *s) {
    if (!s->progress_line) return;
    fputs("\r\033[K", s->info);
    s->progress_line = false;
}

/* "[INFO] ..." line, as Flink's SQL client says it. */
static void info(sh_session *s, const char *msg) {
    clear_progress(s);
    fprintf(s->info, "[INFO] %s\n", msg);
    fflush(s->info);
}

/* SHOW TABLES (tables and views, as Flink lists them) or SHOW VIEWS: names sorted, in a box. */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void show_tables(sh_session *s, bool views_only) {
    int n = 0;
    const char **names = calloc((size_t)(s->catalog.n + s->catalog.nviews) + 1, sizeof(char *));
    for (int i = 0; i < s->catalog.n && !views_only; i++) names[n++] = s->catalog.tables[i]->name;
    for (int i = 0; i < s->catalog.nviews; i++) names[n++] = s->catalog.views[i]->name;
    qsort(names, (size_t)n, sizeof(char *), cmp_str);
    const char *h[] = {views_only ? "view name" : "table name"};
    sh_print_table(s->out, h, 1, names, n, true);
    free(names);
}

/* DESCRIBE of a view: its columns as its query gives them now (name, type, null; a view has
 * no key, computed or metadata columns and no watermark of its own). */
static int describe_view(sh_session *s, const pl_view *v) {
    const char *h[] = {"name", "type", "null", "key", "extras", "watermark"};
    sl_arena *a = sl_arena_new(0);
    pl_scope scope;
    char *err = NULL;
    if (!pl_plan_view(&s->catalog, v, v->name, a, &scope, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        sl_arena_free(a);
        return -1;
    }
    const char **cells = sl_arena_calloc(a, sizeof(char *) * 6 * (size_t)(scope.ncols + 1));
    for (int i = 0; i < scope.ncols; i++) {
        char tn[64];
        const char **row = cells + i * 6;
        row[0] = scope.cols[i].name;
        row[1] = sl_arena_strdup(a, sl_type_name(scope.cols[i].type, tn, sizeof tn));
        row[2] = scope.cols[i].type.not_null ? "FALSE" : "TRUE";
        row[3] = row[4] = row[5] = "";
    }
    sh_print_table(s->out, h, 6, cells, scope.ncols, true);
    sl_arena_free(a);
    return 0;
}

/* DESCRIBE t: name, type, null, key, extras, watermark (Flink's columns). */
static int describe(sh_session *s, const sp_stmt *st, const char *src) {
    const pl_table *t = pl_catalog_find(&s->catalog, st->describe.name);
    const pl_view *v = t ? NULL : pl_catalog_find_view(&s->catalog, st->describe.name);
    if (v) return describe_view(s, v);
    if (!t) {
        char *e = pl_catalog_unknown(&s->catalog, st->describe.name, src, st->line, st->col);
        fprintf(stderr, "%s\n", e);
        free(e);
        return -1;
    }
    const char *h[] = {"name", "type", "null", "key", "extras", "watermark"};
    sl_arena *a = sl_arena_new(0);
    const char **cells = sl_arena_calloc(a, sizeof(char *) * 6 * (size_t)(t->ncols + 1));
    for (int i = 0; i < t->ncols; i++) {
        const pl_table_col *c = &t->cols[i];
        char tn[64];
        bool pk = false;
        for (int k = 0; k < t->npk; k++) pk |= strcasecmp(t->pk[k], c->name) == 0;
        const char **row = cells + i * 6;
        row[0] = c->name;
        row[1] = sl_arena_strdup(a, sl_type_name(c->type, tn, sizeof tn));
        row[2] = (c->type.not_null || pk) ? "FALSE" : "TRUE";
        row[3] = pk ? sl_arena_printf(a, "PRI(%s)", c->name) : "";
        if (c->kind == SP_COL_COMPUTED) {
            sl_buf b = {0};
            sp_expr_to_sql(&b, c->expr);
            row[4] = sl_arena_printf(a, "AS %s", b.data ? b.data : "");
            sl_buf_free(&b);
        } else if (c->kind == SP_COL_METADATA) {
            row[4] = sl_arena_printf(a, "METADATA FROM '%s'%s", c->metadata_key, c->is_virtual ? " VIRTUAL" : "");
        } else {
            row[4] = "";
        }
        row[5] = "";
        if (t->wm_column && strcasecmp(t->wm_column, c->name) == 0) {
            sl_buf b = {0};
            sp_expr_to_sql(&b, t->wm_expr);
            row[5] = sl_arena_strdup(a, b.data ? b.data : "");
            sl_buf_free(&b);
        }
    }
    sh_print_table(s->out, h, 6, cells, t->ncols, true);
    sl_arena_free(a);
    return 0;
}

/* SET without a key: every setting as 'key' = 'value'. */
static void show_settings(sh_session *s) {
    const char *h[] = {"key", "value"};
    const char **cells = calloc((size_t)s->settings.n * 2 + 1, sizeof(char *));
    for (int i = 0; i < s->settings.n; i++) {
        cells[i * 2] = s->settings.keys[i];
        cells[i * 2 + 1] = s->settings.values[i];
    }
    sh_print_table(s->out, h, 2, cells, s->settings.n, true);
    free(cells);
}

/* Removes a setting (RESET 'k') or all of them (RESET). */
static void reset_setting(sh_session *s, const char *key) {
    if (!key) {
        sl_options_free(&s->settings);
        return;
    }
    sl_options o = {0};
    for (int i = 0; i < s->settings.n; i++)
        if (strcmp(s->settings.keys[i], key) != 0) sl_options_set(&o, s->settings.keys[i], s->settings.values[i]);
    sl_options_free(&s->settings);
    s->settings = o;
}

/* Plans a query statement; on failure prints the error (line, column, caret) and returns NULL. */
static pl_plan *plan_or_report(sh_session *s, const sp_stmt *st, const char *src) {
    char *err = NULL;
    pl_plan *p = pl_plan_statement(&s->catalog, st, src, &err);
    if (!p) {
        fprintf(stderr, "%s\n", err);
        free(err);
    }
    return p;
}

/* Says where a job's state is, once it is open: resumed from a checkpoint or new. */
static void on_job_start(void *ud, const rt_job_info *ji) {
    sh_session *s = ud;
    if (!ji->state_path) return;
    char msg[1024];
    if (ji->resumed)
        snprintf(msg, sizeof msg, "Job '%s' resumes from checkpoint %lld (state: %s).", ji->name,
                 (long long)ji->checkpoint, ji->state_path);
    else
        snprintf(msg, sizeof msg, "Job '%s' starts with new state (state: %s).", ji->name, ji->state_path);
    info(s, msg);
}

/* What a running query's callbacks need. */
typedef struct query_run {
    sh_session *s;
    sh_result *res;
    bool insert;
    long long late_shown;  /* the late count last told in a message */
} query_run;

/* Once a second: an INSERT in the shell keeps a status line of its counts (on a terminal); a
 * SELECT tells its late rows: in table mode's status line, otherwise as a message when the
 * count changed. */
static void on_progress(void *ud, const rt_job_stats *st) {
    query_run *q = ud;
    sh_session *s = q->s;
    if (!q->insert) {
        sh_result_late(q->res, st->late);
        if (st->late != q->late_shown && !q->res->table) {
            char msg[160];
            snprintf(msg, sizeof msg, "%lld late rows dropped so far (their window had fired).", (long long)st->late);
            info(s, msg);
            q->late_shown = st->late; /* (table mode's count goes away with the view: told at the end) */
        }
        return;
    }
    if (!s->interactive || !isatty(fileno(s->info))) return;
    fprintf(s->info, "\r\033[K[INFO] Running: %lld rows read, %lld rows written", (long long)st->rows_in,
            (long long)st->rows_out);
    if (st->late) fprintf(s->info, ", %lld late rows dropped", (long long)st->late);
    if (st->skipped) fprintf(s->info, ", %lld malformed skipped", (long long)st->skipped);
    fputs(" (Ctrl-C stops, Ctrl-\\ shows watermarks)", s->info);
    fflush(s->info);
    s->progress_line = true;
}

/* The watermark report (Ctrl-\ or SIGUSR1): under the rows of table mode's live view,
 * otherwise as a message. */
static void on_report(void *ud, const char *text) {
    query_run *q = ud;
    if (sh_result_live(q->res)) {
        sh_result_note(q->res, text);
        return;
    }
    clear_progress(q->s);
    fprintf(q->s->info, "[INFO] %s", text);
    fflush(q->s->info);
}

/* Plans and runs a query statement (SELECT, INSERT); prints results of a SELECT. */
static int run_query(sh_session *s, const sp_stmt *st, const char *src) {
    pl_plan *p = plan_or_report(s, st, src);
    if (!p) return -1;
    char *err = NULL;
    sh_result res;
    /* the shell shows an updating result as a table updated in place, an append-only one as
     * rows that scroll (tableau); -f / -e print changelog lines */
    sh_mode dflt = sh_mode_default(s->interactive, p->root->updating);
    sh_result_init(&res, s->out, sh_mode_parse(sl_options_get(&s->settings, "sql-client.execution.result-mode"), dflt));
    rt_job_opts o = {0};
    o.session = &s->settings;
    o.stop = s->stop;
    o.batch_size = (int)sl_options_get_int(&s->settings, "sluice.batch-size", 4096);
    o.on_start = on_job_start;
    o.on_start_ud = s;
    query_run q = {s, &res, p->is_insert, 0};
    o.on_progress = on_progress;
    o.on_progress_ud = &q;
    o.diagnose = s->diagnose;
    o.on_report = on_report;
    o.on_report_ud = &q;
    if (s->diagnose) *s->diagnose = 0; /* a Ctrl-\ at the prompt is not a request for this query */
    if (!p->is_insert) {
        o.on_rows = sh_result_rows;
        o.on_rows_ud = &res;
    } else {
        info(s, st->kind == SP_S_INSERT_VALUES ? "Writing rows to the table's topic..."
                                               : "Submitting SQL update statement; the job runs until its input ends or Ctrl-C.");
    }
    rt_job_stats stats = {0};
    int rc = rt_job_run(p, &o, &stats, &err);
    clear_progress(s);
    if (!p->is_insert) sh_result_end(&res, stats.stopped);
    sh_result_free(&res);
    if (rc < 0) {
        fprintf(stderr, "[ERROR] Job failed: %s\n", err ? err : "unknown error");
        free(err);
    } else if (p->is_insert) {
        char msg[384];
        int n = snprintf(msg, sizeof msg, "Job %s: %lld rows read, %lld rows written", stats.stopped ? "stopped" : "finished",
                         (long long)stats.rows_in, (long long)stats.rows_out);
        if (stats.skipped && n > 0 && (size_t)n < sizeof msg)
            n += snprintf(msg + n, sizeof msg - (size_t)n, ", %lld malformed records skipped", (long long)stats.skipped);
        if (stats.dead_lettered && n > 0 && (size_t)n < sizeof msg)
            n += snprintf(msg + n, sizeof msg - (size_t)n, ", %lld malformed records sent to the dead-letter topic",
                          (long long)stats.dead_lettered);
        if (stats.late && n > 0 && (size_t)n < sizeof msg)
            n += snprintf(msg + n, sizeof msg - (size_t)n, ", %lld late rows dropped (their window had fired)",
                          (long long)stats.late);
        if (n > 0 && (size_t)n < sizeof msg - 1) snprintf(msg + n, sizeof msg - (size_t)n, ".");
        info(s, msg);
    } else if (stats.late && stats.late != q.late_shown) {
        char msg[128];
        snprintf(msg, sizeof msg, "%lld late rows dropped (their window had fired).", (long long)stats.late);
        info(s, msg);
    }
    if (s->stop && *s->stop && s->interactive) *s->stop = 0; /* Ctrl-C cancels the query, not the shell */
    pl_plan_free(p);
    return rc;
}

/* EXPLAIN: the physical plan of a query. */
static int explain(sh_session *s, const sp_stmt *st, const char *src) {
    pl_plan *p = plan_or_report(s, st, src);
    if (!p) return -1;
    sl_buf b = {0};
    pl_explain(&b, p);
    fputs(b.data, s->out);
    fflush(s->out);
    sl_buf_free(&b);
    pl_plan_free(p);
    return 0;
}

/* Executes one statement; `src` is the text its positions refer to. */
static int execute(sh_session *s, const sp_stmt *st, const char *src) {
    char *err = NULL;
    switch (st->kind) {
    case SP_S_CREATE_TABLE:
    case SP_S_CREATE_VIEW: {
        int rc = st->kind == SP_S_CREATE_TABLE ? pl_catalog_create(&s->catalog, st, src, &err)
                                               : pl_catalog_create_view(&s->catalog, st, src, &err);
        if (rc < 0) {
            fprintf(stderr, "%s\n", err);
            free(err);
            return -1;
        }
        info(s, "Execute statement succeeded.");
        return 0;
    }
    case SP_S_DROP_VIEW:
    case SP_S_DROP_TABLE: {
        /* each DROP takes only its own kind of object, and says which DROP the other needs */
        bool view = st->kind == SP_S_DROP_VIEW;
        bool other = view ? pl_catalog_find(&s->catalog, st->drop.name) != NULL
                          : pl_catalog_find_view(&s->catalog, st->drop.name) != NULL;
        if (other) {
            char *e = sl_error_at(src, st->line, st->col, "'%s' is a %s: use DROP %s", st->drop.name,
                                  view ? "table" : "view", view ? "TABLE" : "VIEW");
            fprintf(stderr, "%s\n", e);
            free(e);
            return -1;
        }
        int rc = view ? pl_catalog_drop_view(&s->catalog, st->drop.name) : pl_catalog_drop(&s->catalog, st->drop.name);
        if (rc < 0 && !st->drop.if_exists) {
            char *e = pl_catalog_unknown(&s->catalog, st->drop.name, src, st->line, st->col);
            fprintf(stderr, "%s\n", e);
            free(e);
            return -1;
        }
        info(s, "Execute statement succeeded.");
        return 0;
    }
    case SP_S_SHOW_TABLES: show_tables(s, false); return 0;
    case SP_S_SHOW_VIEWS: show_tables(s, true); return 0;
    case SP_S_DESCRIBE: return describe(s, st, src);
    case SP_S_SET:
        if (!st->set.key) show_settings(s);
        else {
            sl_options_set(&s->settings, st->set.key, st->set.value ? st->set.value : "");
            info(s, "Execute statement succeeded.");
        }
        return 0;
    case SP_S_RESET:
        reset_setting(s, st->set.key);
        info(s, "Execute statement succeeded.");
        return 0;
    case SP_S_EXPLAIN: return explain(s, st, src);
    case SP_S_SELECT:
    case SP_S_INSERT_SELECT:
    case SP_S_INSERT_VALUES: return run_query(s, st, src);
    }
    fprintf(stderr, "[ERROR] Unsupported statement\n");
    return -1;
}

int sh_session_run(sh_session *s, const char *text) {
    sp_parse_result r;
    if (sp_parse(text, &r) < 0) {
        fprintf(stderr, "%s\n", r.error);
        sp_parse_result_free(&r);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < r.nstmts && rc == 0; i++) {
        rc = execute(s, r.stmts[i], text);
        if (s->stop && *s->stop && !s->interactive) break; /* SIGTERM: run no further statement */
    }
    sp_parse_result_free(&r);
    return rc;
}
