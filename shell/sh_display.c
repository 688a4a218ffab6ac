/* sh_display.c: result printing in the styles of Flink's SQL client. */
#include "sh_display.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "../common/sl_buf.h"
#include "../common/sl_format.h"
#include "../common/sl_row.h"

enum {
    MAX_CELL = 30,   /* widest column of a table sized by its rows (Flink's default max width) */
    REDRAW_MS = 200, /* the live table is redrawn at most this often */
};

/* Parses the result-mode setting; anything unknown keeps the default. */
sh_mode sh_mode_parse(const char *text, sh_mode dflt) {
    if (!text) return dflt;
    if (!strcasecmp(text, "table")) return SH_MODE_TABLE;
    if (!strcasecmp(text, "tableau")) return SH_MODE_TABLEAU;
    if (!strcasecmp(text, "changelog")) return SH_MODE_CHANGELOG;
    if (!strcasecmp(text, "plain")) return SH_MODE_PLAIN;
    return dflt;
}

/* The default mode: updating results read best as a table kept up to date, append-only ones as
 * rows printed as they come; files and pipes get one line per changelog row. */
sh_mode sh_mode_default(bool interactive, bool updating) {
    if (!interactive) return SH_MODE_PLAIN;
    return updating ? SH_MODE_TABLE : SH_MODE_TABLEAU;
}

/* Starts a result printer for one query; nothing is printed before its first rows. */
void sh_result_init(sh_result *r, FILE *out, sh_mode mode) {
    memset(r, 0, sizeof *r);
    r->out = out;
    r->mode = mode;
}

/* Column width of a streaming result, from its type (the rows are not known in advance). */
static int type_width(sl_type t) {
    switch (t.id) {
    case SL_T_BOOLEAN: return 7;
    case SL_T_INT: return 11;
    case SL_T_BIGINT: return 20;
    case SL_T_FLOAT: case SL_T_DOUBLE: return 22;
    case SL_T_DECIMAL: return t.precision + 2 > 6 ? t.precision + 2 : 6;
    case SL_T_STRING: return t.length > 0 && t.length < 30 ? (t.length > 6 ? t.length : 6) : 30;
    case SL_T_TIMESTAMP: case SL_T_TIMESTAMP_LTZ: return 20 + t.precision;
    case SL_T_DATE: return 10;
    default: return 20;
    }
}

/* "+----+-----+" border for the given widths. */
static void border(FILE *out, const int *w, int n) {
    fputc('+', out);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < w[i] + 2; k++) fputc('-', out);
        fputc('+', out);
    }
    fputc('\n', out);
}

/* One "| a | b |" line, right-aligned, cut with "..." where a cell is wider than its column. */
static void cells_line(FILE *out, const int *w, const char *const *cells, int n) {
    fputc('|', out);
    for (int i = 0; i < n; i++) {
        int len = (int)strlen(cells[i]);
        if (len > w[i]) fprintf(out, " %.*s... |", w[i] - 3 > 0 ? w[i] - 3 : 0, cells[i]);
        else fprintf(out, " %*s |", w[i], cells[i]);
    }
    fputc('\n', out);
}

/* Appends a row's cells (its op first when `op` >= 0; NULL as <NULL>) to `buf`, each ending in
 * a NUL, and stores where each starts in `off`: offsets, as `buf` moves while it grows. */
static void row_cells(sl_buf *buf, size_t *off, int op, const sl_type *types, const sl_value *row, int ncols) {
    int k = 0;
    if (op >= 0) {
        off[k++] = buf->len;
        sl_buf_puts(buf, sl_op_name(op));
        sl_buf_putc(buf, 0);
    }
    for (int c = 0; c < ncols; c++) {
        off[k++] = buf->len;
        if (row[c].null) sl_buf_puts(buf, "<NULL>");
        else sl_format_value(buf, types[c], row[c]);
        sl_buf_putc(buf, 0);
    }
}

/* Widens `w` (n columns) to fit `nrows` rows of cells, each column at most MAX_CELL wide. */
static void fit_widths(int *w, const char *const *cells, int nrows, int n) {
    for (int i = 0; i < nrows; i++)
        for (int c = 0; c < n; c++) {
            int len = (int)strlen(cells[(size_t)i * n + c]);
            if (len > w[c]) w[c] = len;
        }
    for (int c = 0; c < n; c++)
        if (w[c] > MAX_CELL) w[c] = MAX_CELL;
}

/* ---- tableau, changelog and plain: rows printed as they arrive ---- */

/* Prints a batch as lines (plain) or box rows under a header sized by the column types. */
static int stream_rows(sh_result *r, const pl_field *cols, int ncols, const sl_batch *b) {
    bool op_col = r->mode == SH_MODE_CHANGELOG || r->mode == SH_MODE_TABLEAU;
    int n = ncols + (op_col ? 1 : 0);
    if (r->mode != SH_MODE_PLAIN && !r->header_done) {
        r->ncols = n;
        r->widths = calloc((size_t)n, sizeof(int));
        const char **h = calloc((size_t)n, sizeof(char *));
        int k = 0;
        if (op_col) { r->widths[k] = 2; h[k++] = "op"; }
        for (int c = 0; c < ncols; c++, k++) {
            int w = type_width(cols[c].type), nl = (int)strlen(cols[c].name);
            r->widths[k] = w > nl ? w : nl;
            h[k] = cols[c].name;
        }
        border(r->out, r->widths, n);
        cells_line(r->out, r->widths, h, n);
        border(r->out, r->widths, n);
        free(h);
    }
    r->header_done = true;
    sl_buf line = {0}, cellbuf = {0};
    sl_type *types = calloc((size_t)ncols + 1, sizeof(sl_type));
    size_t *off = calloc((size_t)n, sizeof(size_t));
    const char **cells = calloc((size_t)n, sizeof(char *));
    for (int c = 0; c < ncols; c++) types[c] = cols[c].type;
    for (int i = 0; i < b->nrows; i++) {
        const sl_value *row = sl_batch_row(b, i);
        if (r->mode == SH_MODE_PLAIN) {
            sl_buf_clear(&line);
            sl_format_row(&line, b->ops[i], types, row, ncols);
            fprintf(r->out, "%s\n", line.data);
            continue;
        }
        sl_buf_clear(&cellbuf);
        row_cells(&cellbuf, off, op_col ? b->ops[i] : -1, types, row, ncols);
        for (int k = 0; k < n; k++) cells[k] = cellbuf.data + off[k];
        cells_line(r->out, r->widths, cells, n);
    }
    free(cells);
    free(off);
    free(types);
    sl_buf_free(&cellbuf);
    sl_buf_free(&line);
    fflush(r->out);
    return 0;
}

/* ---- table: the materialized result (Flink's MaterializedCollectStreamResult) ---- */

/* One row of the table: its values and the bytes of their strings in one allocation. */
typedef struct sh_mrow {
    sl_value *vals;
    uint64_t hash;
    int next;  /* next row in the same hash bucket, newer rows first; -1 ends the chain */
    bool dead; /* removed by -U/-D; its slot goes at the next compaction */
} sh_mrow;

typedef struct sh_table {
    FILE *out;
    int ncols;
    sl_type *types;
    char **names;
    sh_mrow *rows;      /* in arrival order; removed rows stay, dead, until compaction */
    int nrows, cap, nlive, ndead;
    int *buckets;       /* hash bucket -> its newest row, -1 when empty */
    int nbuckets;       /* a power of two */
    long long changes;  /* changelog rows applied */
    time_t updated;     /* wall-clock time of the last change */
    /* the live view, while `out` is a terminal and the query runs */
    bool view;
    pthread_t thread;
    pthread_mutex_t mu; /* guards everything above against the view's thread */
    pthread_cond_t cv;
    bool quit, dirty;
    int *view_w;        /* column widths shown so far: they only grow, so the view stays still */
    char *note;         /* the last watermark report (Ctrl-\\), shown under the rows */
    long long late;     /* late rows dropped so far, shown in the status */
} sh_table;

/* True for the types whose value is bytes (s.ptr, s.len). */
static bool is_text(sl_type t) { return t.id == SL_T_STRING; }

/* The bits that decide whether two non-NULL numbers are equal: a double's bits with one NaN,
 * as Flink compares DOUBLE fields (NaN equals NaN, -0.0 differs from 0.0). */
static uint64_t num_bits(sl_type t, sl_value v) {
    if (t.id == SL_T_FLOAT || t.id == SL_T_DOUBLE) {
        double d = v.d != v.d ? __builtin_nan("") : v.d;
        uint64_t u;
        memcpy(&u, &d, sizeof u);
        return u;
    }
    return (uint64_t)v.i;
}

/* A 64-bit finalizer (splitmix64): spreads every input bit over the result. */
static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Hash of a row that agrees with rows_equal: equal rows hash alike. */
static uint64_t row_hash(const sl_type *types, const sl_value *row, int n) {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int c = 0; c < n; c++) {
        uint64_t x;
        if (row[c].null) x = 0x6e756c6cULL;
        else if (is_text(types[c])) {
            x = 0xcbf29ce484222325ULL; /* FNV-1a over the bytes */
            for (uint32_t i = 0; i < row[c].s.len; i++) x = (x ^ (unsigned char)row[c].s.ptr[i]) * 0x100000001b3ULL;
        } else x = num_bits(types[c], row[c]);
        h = mix64(h + x);
    }
    return h;
}

/* All columns equal, NULL equal to NULL (how the materialized table finds the row to remove). */
static bool rows_equal(const sl_type *types, const sl_value *a, const sl_value *b, int n) {
    for (int c = 0; c < n; c++) {
        if (a[c].null || b[c].null) {
            if (a[c].null != b[c].null) return false;
        } else if (is_text(types[c])) {
            if (a[c].s.len != b[c].s.len) return false;
            if (a[c].s.len && memcmp(a[c].s.ptr, b[c].s.ptr, a[c].s.len) != 0) return false;
        } else if (num_bits(types[c], a[c]) != num_bits(types[c], b[c])) return false;
    }
    return true;
}

/* Copies a row out of its batch (whose arena is reset for the next one). */
static sl_value *row_copy(const sl_type *types, const sl_value *row, int n) {
    size_t bytes = (size_t)n * sizeof(sl_value);
    for (int c = 0; c < n; c++)
        if (!row[c].null && is_text(types[c])) bytes += row[c].s.len;
    sl_value *v = malloc(bytes ? bytes : 1);
    char *p = (char *)(v + n);
    for (int c = 0; c < n; c++) {
        v[c] = row[c];
        if (!row[c].null && is_text(types[c])) {
            if (row[c].s.len) memcpy(p, row[c].s.ptr, row[c].s.len);
            v[c].s.ptr = p;
            p += row[c].s.len;
        }
    }
    return v;
}

/* An empty table with the query's columns; its mutex and condition serve the live view. */
static sh_table *table_new(FILE *out, const pl_field *cols, int ncols) {
    sh_table *t = calloc(1, sizeof *t);
    t->out = out;
    t->ncols = ncols;
    t->types = calloc((size_t)ncols + 1, sizeof(sl_type));
    t->names = calloc((size_t)ncols + 1, sizeof(char *));
    t->view_w = calloc((size_t)ncols + 1, sizeof(int));
    for (int c = 0; c < ncols; c++) {
        t->types[c] = cols[c].type;
        t->names[c] = strdup(cols[c].name);
    }
    t->nbuckets = 64;
    t->buckets = malloc(sizeof(int) * (size_t)t->nbuckets);
    memset(t->buckets, 0xff, sizeof(int) * (size_t)t->nbuckets);
    pthread_mutex_init(&t->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cv, &ca);
    pthread_condattr_destroy(&ca);
    return t;
}

/* Rebuilds the hash chains from the live rows, oldest first, so each chain lists newest first. */
static void table_relink(sh_table *t) {
    memset(t->buckets, 0xff, sizeof(int) * (size_t)t->nbuckets);
    for (int i = 0; i < t->nrows; i++) {
        if (t->rows[i].dead) continue;
        int b = (int)(t->rows[i].hash & (uint64_t)(t->nbuckets - 1));
        t->rows[i].next = t->buckets[b];
        t->buckets[b] = i;
    }
}

/* +I, +U: appends the row (as Flink's materialized table does). */
static void table_insert(sh_table *t, const sl_value *row, uint64_t h) {
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->rows = realloc(t->rows, sizeof(sh_mrow) * (size_t)t->cap);
    }
    if (t->nlive >= t->nbuckets / 4 * 3) {
        t->nbuckets *= 2;
        t->buckets = realloc(t->buckets, sizeof(int) * (size_t)t->nbuckets);
        table_relink(t);
    }
    int b = (int)(h & (uint64_t)(t->nbuckets - 1));
    t->rows[t->nrows] = (sh_mrow){row_copy(t->types, row, t->ncols), h, t->buckets[b], false};
    t->buckets[b] = t->nrows++;
    t->nlive++;
}

/* Drops the dead rows' slots, keeping the live rows' order. */
static void table_compact(sh_table *t) {
    int k = 0;
    for (int i = 0; i < t->nrows; i++)
        if (!t->rows[i].dead) t->rows[k++] = t->rows[i];
    t->nrows = k;
    t->ndead = 0;
    table_relink(t);
}

/* -U, -D: removes the newest row equal to `row` (Flink removes the newest, so a page changes
 * least); a retraction of a row the table does not hold changes nothing. */
static void table_delete(sh_table *t, const sl_value *row, uint64_t h) {
    int *link = &t->buckets[h & (uint64_t)(t->nbuckets - 1)];
    for (int i = *link; i >= 0; link = &t->rows[i].next, i = *link) {
        sh_mrow *m = &t->rows[i];
        if (m->hash != h || !rows_equal(t->types, m->vals, row, t->ncols)) continue;
        *link = m->next;
        free(m->vals);
        m->vals = NULL;
        m->dead = true;
        t->nlive--;
        t->ndead++;
        break;
    }
    if (t->ndead > 1024 && t->ndead > t->nlive) table_compact(t);
}

/* Applies a batch of changelog rows to the table. */
static void table_apply(sh_table *t, const sl_batch *b) {
    for (int i = 0; i < b->nrows; i++) {
        const sl_value *row = sl_batch_row(b, i);
        uint64_t h = row_hash(t->types, row, t->ncols);
        if (b->ops[i] == SL_OP_INSERT || b->ops[i] == SL_OP_UPDATE_AFTER) table_insert(t, row, h);
        else table_delete(t, row, h);
    }
    t->changes += b->nrows;
    if (b->nrows) {
        t->updated = time(NULL);
        t->dirty = true;
    }
}

/* Formats the first `n` live rows into `buf` and points `cells` (n * ncols) at their cells. */
static void table_cells(const sh_table *t, int n, sl_buf *buf, const char **cells) {
    size_t *off = calloc((size_t)n * t->ncols + 1, sizeof(size_t));
    int k = 0;
    for (int i = 0; i < t->nrows && k < n; i++)
        if (!t->rows[i].dead) row_cells(buf, off + (size_t)k++ * t->ncols, -1, t->types, t->rows[i].vals, t->ncols);
    for (size_t c = 0; c < (size_t)n * t->ncols; c++) cells[c] = buf->data + off[c];
    free(off);
}

/* Prints the first `n` live rows as a box: border, header, border, rows, border. `w` holds the
 * widths to start from and gets the widths used. */
static void table_box(const sh_table *t, FILE *out, int n, int *w) {
    sl_buf buf = {0};
    const char **cells = calloc((size_t)n * t->ncols + 1, sizeof(char *));
    table_cells(t, n, &buf, cells);
    for (int c = 0; c < t->ncols; c++) {
        int l = (int)strlen(t->names[c]);
        if (l > w[c]) w[c] = l;
    }
    fit_widths(w, cells, n, t->ncols);
    border(out, w, t->ncols);
    cells_line(out, w, (const char *const *)t->names, t->ncols);
    border(out, w, t->ncols);
    for (int i = 0; i < n; i++) cells_line(out, w, cells + (size_t)i * t->ncols, t->ncols);
    border(out, w, t->ncols);
    free(cells);
    sl_buf_free(&buf);
}

/* ---- table: the live view on a terminal ---- */

/* The terminal's size in lines and columns; 24 x 80 when it cannot be asked. */
static void term_size(FILE *out, int *lines, int *cols) {
    struct winsize ws;
    bool ok = ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0;
    *lines = ok ? ws.ws_row : 24;
    *cols = ok && ws.ws_col > 0 ? ws.ws_col : 80;
}

/* Appends one screen line (`n` bytes of `p`) cut to `cols` columns (one per UTF-8 character,
 * never cutting inside one), clearing the rest of the line when it is shorter. */
static void screen_line(sl_buf *scr, const char *p, size_t n, int cols) {
    size_t i = 0;
    int used = 0;
    for (; i < n; i++) {
        if (((unsigned char)p[i] & 0xc0) == 0x80) continue;
        if (used == cols) break;
        used++;
    }
    sl_buf_append(scr, p, i);
    if (used < cols) sl_buf_puts(scr, "\033[K"); /* at the last column it would erase that cell */
}

/* One frame of the live view: the first rows that fit under the header and, on the last line,
 * the status. Called with the table locked. */
static void view_frame(sh_table *t, sl_buf *scr, int lines, int cols) {
    int note_lines = 0;
    for (const char *p = t->note; p && *p; p++) note_lines += *p == '\n';
    if (note_lines > lines / 2) note_lines = lines / 2;
    int fit = lines - 5 - note_lines; /* 4 lines of borders and header, the note, 1 of status */
    if (fit < 0) fit = 0;
    int n = t->nlive < fit ? t->nlive : fit;
    char *box = NULL;
    size_t boxlen = 0;
    FILE *f = open_memstream(&box, &boxlen);
    if (!f) return;
    table_box(t, f, n, t->view_w);
    fclose(f);
    sl_buf_puts(scr, "\033[H");
    int drawn = 0;
    for (const char *p = box; *p && drawn < lines - 1; drawn++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        screen_line(scr, p, len, cols);
        sl_buf_puts(scr, "\r\n");
        p += len + (nl ? 1 : 0);
    }
    free(box);
    for (const char *p = t->note; p && *p && drawn < lines - 1 && note_lines-- > 0; drawn++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        screen_line(scr, p, len, cols);
        sl_buf_puts(scr, "\r\n");
        p += len + (nl ? 1 : 0);
    }
    sl_buf_puts(scr, "\033[J");
    char when[16] = "", status[256];
    struct tm tm;
    if (localtime_r(&t->updated, &tm)) strftime(when, sizeof when, "%H:%M:%S", &tm);
    char tail[160], late[48] = "";
    if (t->late) snprintf(late, sizeof late, ", %lld late rows dropped", t->late);
    snprintf(tail, sizeof tail, "(updated %s, %lld change%s%s; Ctrl-C to stop, Ctrl-\\ for watermarks)", when,
             t->changes, t->changes == 1 ? "" : "s", late);
    if (t->nlive == 0) snprintf(status, sizeof status, "No rows %s", tail);
    else if (n == 0) snprintf(status, sizeof status, "%d row%s %s", t->nlive, t->nlive == 1 ? "" : "s", tail);
    else snprintf(status, sizeof status, "Rows 1-%d of %d %s", n, t->nlive, tail);
    sl_buf_printf(scr, "\033[%d;1H", lines);
    screen_line(scr, status, strlen(status), cols);
}

/* The view's thread: redraws when the table changed or the terminal was resized, then waits
 * REDRAW_MS, so the screen follows the result even when no batch comes for a while. */
static void *view_main(void *arg) {
    sh_table *t = arg;
    sl_buf scr = {0};
    int last_lines = 0, last_cols = 0;
    pthread_mutex_lock(&t->mu);
    while (!t->quit) {
        int lines, cols;
        term_size(t->out, &lines, &cols);
        if (t->dirty || lines != last_lines || cols != last_cols) {
            sl_buf_clear(&scr);
            view_frame(t, &scr, lines, cols);
            t->dirty = false;
            last_lines = lines;
            last_cols = cols;
            pthread_mutex_unlock(&t->mu); /* the terminal may be slow: the query goes on */
            if (scr.len) fwrite(scr.data, 1, scr.len, t->out);
            fflush(t->out);
            pthread_mutex_lock(&t->mu);
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += (long)REDRAW_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!t->quit && pthread_cond_timedwait(&t->cv, &t->mu, &until) != ETIMEDOUT) {}
    }
    pthread_mutex_unlock(&t->mu);
    sl_buf_free(&scr);
    return NULL;
}

/* Switches to the alternate screen and starts the view's thread, with every signal blocked in
 * it so that Ctrl-C reaches the shell's thread. Without a thread there is no live view. */
static void view_start(sh_table *t) {
    fputs("\033[?1049h\033[?25l", t->out); /* alternate screen, cursor hidden */
    fflush(t->out);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    t->view = pthread_create(&t->thread, NULL, view_main, t) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!t->view) {
        fputs("\033[?25h\033[?1049l", t->out);
        fflush(t->out);
    }
}

/* Stops the view's thread and returns to the normal screen, as it was before the query. */
static void view_stop(sh_table *t) {
    if (!t->view) return;
    pthread_mutex_lock(&t->mu);
    t->quit = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    t->view = false;
    fputs("\033[?25h\033[?1049l", t->out);
    fflush(t->out);
}

/* True when `out` is a terminal that understands cursor movement. */
static bool is_terminal(FILE *out) {
    int fd = fileno(out);
    const char *term = getenv("TERM");
    return fd >= 0 && isatty(fd) && !(term && !strcmp(term, "dumb"));
}

/* Table mode's batch: applied to the table; the first one starts the view on a terminal. */
static int table_rows(sh_result *r, const pl_field *cols, int ncols, const sl_batch *b) {
    bool first = !r->table;
    if (first) r->table = table_new(r->out, cols, ncols);
    sh_table *t = r->table;
    pthread_mutex_lock(&t->mu);
    table_apply(t, b);
    pthread_mutex_unlock(&t->mu);
    if (first && is_terminal(r->out)) view_start(t);
    return 0;
}

/* The final table: all rows in a box sized by their cells, and the count. */
static void table_print(const sh_table *t, FILE *out) {
    int *w = calloc((size_t)t->ncols + 1, sizeof(int));
    table_box(t, out, t->nlive, w);
    fprintf(out, "%d row%s in result\n", t->nlive, t->nlive == 1 ? "" : "s");
    free(w);
}

/* Frees the table (its view already stopped). */
static void table_free(sh_table *t) {
    for (int i = 0; i < t->nrows; i++) free(t->rows[i].vals);
    for (int c = 0; c < t->ncols; c++) free(t->names[c]);
    free(t->rows);
    free(t->buckets);
    free(t->names);
    free(t->types);
    free(t->view_w);
    free(t->note);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}

/* ---- the result printer ---- */

/* Counts a batch's changelog rows and hands it to the mode's printer. */
int sh_result_rows(void *ud, const pl_field *cols, int ncols, const sl_batch *b) {
    sh_result *r = ud;
    r->rows += b->nrows;
    if (r->mode == SH_MODE_TABLE) return table_rows(r, cols, ncols, b);
    return stream_rows(r, cols, ncols, b);
}

/* The end of a query: the closing lines of its mode (table mode: the whole final table). */
void sh_result_end(sh_result *r, bool cancelled) {
    if (r->mode == SH_MODE_PLAIN) return;
    if (r->mode == SH_MODE_TABLE) {
        if (r->table) view_stop(r->table);
        if (cancelled) fprintf(r->out, "Query cancelled.\n");
        if (!r->table || r->table->nlive == 0) fprintf(r->out, "Empty set\n");
        else table_print(r->table, r->out);
        fflush(r->out);
        return;
    }
    if (!r->header_done) {
        fprintf(r->out, "Empty set\n");
        return;
    }
    border(r->out, r->widths, r->ncols);
    if (cancelled) fprintf(r->out, "Query cancelled. ");
    fprintf(r->out, "Received a total of %lld row%s\n", r->rows, r->rows == 1 ? "" : "s");
    fflush(r->out);
}

/* Releases the printer; a live view still running (no sh_result_end) is stopped first. */
bool sh_result_live(const sh_result *r) { return r->table && r->table->view; }

void sh_result_note(sh_result *r, const char *text) {
    if (!sh_result_live(r)) return;
    sh_table *t = r->table;
    pthread_mutex_lock(&t->mu);
    free(t->note);
    t->note = strdup(text);
    t->dirty = true;
    pthread_mutex_unlock(&t->mu);
}

void sh_result_late(sh_result *r, long long late) {
    if (!r->table) return;
    sh_table *t = r->table;
    pthread_mutex_lock(&t->mu);
    if (t->late != late) t->dirty = true;
    t->late = late;
    pthread_mutex_unlock(&t->mu);
}

void sh_result_free(sh_result *r) {
    if (r->table) {
        view_stop(r->table);
        table_free(r->table);
        r->table = NULL;
    }
    free(r->widths);
    r->widths = NULL;
}

/* A static table in a box sized by its cells (no cut: these tables are short). */
void sh_print_table(FILE *out, const char *const *headers, int ncols, const char *const *cells,
                    int nrows, bool count) {
    if (nrows == 0 && count) {
        fprintf(out, "Empty set\n");
        return;
    }
    int *w = calloc((size_t)ncols, sizeof(int));
    for (int c = 0; c < ncols; c++) {
        w[c] = (int)strlen(headers[c]);
        for (int r = 0; r < nrows; r++) {
            int l = (int)strlen(cells[r * ncols + c]);
            if (l > w[c]) w[c] = l;
        }
    }
    border(out, w, ncols);
    cells_line(out, w, headers, ncols);
    border(out, w, ncols);
    for (int r = 0; r < nrows; r++) cells_line(out, w, cells + r * ncols, ncols);
    border(out, w, ncols);
    if (count) fprintf(out, "%d row%s in set\n", nrows, nrows == 1 ? "" : "s");
    free(w);
}
