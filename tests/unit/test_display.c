/* test_display.c: how the shell prints results: the table mode's materialized changelog
 * (+I/+U add a row, -U/-D remove the newest equal one, NULL equal to NULL) and its final table,
 * tableau and changelog boxes with the op column, plain lines, and the result-mode setting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../common/sl_batch.h"
#include "../../shell/sh_display.h"

#include "check.h"

/* The test's columns: name STRING, cnt BIGINT, avg DOUBLE. */
static pl_field cols[3];

static void init_cols(void) {
    cols[0] = (pl_field){"name", sl_type_make(SL_T_STRING)};
    cols[1] = (pl_field){"cnt", sl_type_make(SL_T_BIGINT)};
    cols[2] = (pl_field){"avg", sl_type_make(SL_T_DOUBLE)};
}

/* Appends a row to `b`; a NULL pointer is a NULL value, numbers are given as text. */
static void add(sl_batch *b, int op, const char *name, const char *cnt, const char *avg) {
    sl_value *v = sl_batch_add_row(b);
    b->ops[b->nrows - 1] = (uint8_t)op;
    if (name) v[0] = sl_batch_str(b, name, (uint32_t)strlen(name));
    if (cnt) v[1] = sl_int(atoll(cnt));
    if (avg) v[2] = sl_double(atof(avg));
}

/* Output of one query: the printer's text after its batches and its end. */
typedef struct capture {
    char *text;
    size_t len;
    FILE *f;
    sh_result r;
} capture;

static void cap_start(capture *c, sh_mode mode) {
    memset(c, 0, sizeof *c);
    c->f = open_memstream(&c->text, &c->len);
    sh_result_init(&c->r, c->f, mode);
}

/* Feeds a batch to the printer and clears it for the next one. */
static void feed(capture *c, sl_batch *b) {
    CHECK(sh_result_rows(&c->r, cols, 3, b) == 0, "sh_result_rows failed");
    sl_batch_clear(b);
}

/* Ends the query and compares everything printed with `want`. */
static void cap_end(capture *c, bool cancelled, const char *want, const char *what) {
    sh_result_end(&c->r, cancelled);
    sh_result_free(&c->r);
    fclose(c->f);
    CHECK(strcmp(c->text, want) == 0, "%s: got\n%s\nwant\n%s", what, c->text, want);
    free(c->text);
}

/* Retractions remove the newest equal row, updates move a row to the end, NULLs compare equal,
 * and a retraction of a row not in the table changes nothing. */
static void test_table_changelog(void) {
    sl_batch b;
    sl_batch_init(&b, 3, 64);
    capture c;
    cap_start(&c, SH_MODE_TABLE);
    add(&b, SL_OP_INSERT, "a", "1", NULL);
    add(&b, SL_OP_INSERT, "b", "1", "2.5");
    add(&b, SL_OP_INSERT, "a", "1", NULL);         /* duplicate of the first row */
    add(&b, SL_OP_UPDATE_BEFORE, "a", "1", NULL);  /* removes the newest "a" (the third row) */
    add(&b, SL_OP_UPDATE_AFTER, "a", "2", "1.5");
    feed(&c, &b);
    add(&b, SL_OP_DELETE, "b", "1", "2.5");
    add(&b, SL_OP_INSERT, NULL, NULL, NULL);
    add(&b, SL_OP_INSERT, NULL, NULL, NULL);
    add(&b, SL_OP_DELETE, NULL, NULL, NULL);       /* NULL equals NULL: one of the two goes */
    add(&b, SL_OP_DELETE, "x", "9", "9.0");        /* not in the table: nothing happens */
    add(&b, SL_OP_UPDATE_BEFORE, "a", "1", "0.0"); /* differs from ("a", 1, NULL) in a NULL */
    add(&b, SL_OP_INSERT, "", "-3", "0.0");
    feed(&c, &b);
    CHECK(c.r.rows == 12, "rows counts changelog rows: %lld", c.r.rows);
    cap_end(&c, false,
            "+--------+--------+--------+\n"
            "|   name |    cnt |    avg |\n"
            "+--------+--------+--------+\n"
            "|      a |      1 | <NULL> |\n"
            "|      a |      2 |    1.5 |\n"
            "| <NULL> | <NULL> | <NULL> |\n"
            "|        |     -3 |    0.0 |\n"
            "+--------+--------+--------+\n"
            "4 rows in result\n",
            "table changelog");
    sl_batch_free(&b);
}

/* Of two equal rows with another between them, -D removes the later one: [x, y, x] -> [x, y]. */
static void test_table_newest_removed(void) {
    sl_batch b;
    sl_batch_init(&b, 3, 8);
    capture c;
    cap_start(&c, SH_MODE_TABLE);
    add(&b, SL_OP_INSERT, "x", "1", "1.0");
    add(&b, SL_OP_INSERT, "y", "2", "2.0");
    feed(&c, &b);
    add(&b, SL_OP_INSERT, "x", "1", "1.0");
    add(&b, SL_OP_DELETE, "x", "1", "1.0");
    add(&b, SL_OP_INSERT, "z", "3", "3.0");
    feed(&c, &b);
    cap_end(&c, false,
            "+------+-----+-----+\n"
            "| name | cnt | avg |\n"
            "+------+-----+-----+\n"
            "|    x |   1 | 1.0 |\n"
            "|    y |   2 | 2.0 |\n"
            "|    z |   3 | 3.0 |\n"
            "+------+-----+-----+\n"
            "3 rows in result\n",
            "newest equal row removed");
    sl_batch_free(&b);
}

/* A running count per key as GROUP BY emits it: the table ends with each key's last count;
 * many keys and retractions go through the hash table's growth and compaction. */
static void test_table_many_updates(void) {
    enum { KEYS = 3000, ROUNDS = 4 };
    sl_batch b;
    sl_batch_init(&b, 3, 256);
    capture c;
    cap_start(&c, SH_MODE_TABLE);
    char key[32], cnt[32], prev[32];
    for (int round = 1; round <= ROUNDS; round++)
        for (int k = 0; k < KEYS; k++) {
            snprintf(key, sizeof key, "k%d", k);
            snprintf(cnt, sizeof cnt, "%d", round);
            snprintf(prev, sizeof prev, "%d", round - 1);
            if (b.nrows + 2 > b.cap) feed(&c, &b);
            if (round > 1) add(&b, SL_OP_UPDATE_BEFORE, key, prev, NULL);
            add(&b, round == 1 ? SL_OP_INSERT : SL_OP_UPDATE_AFTER, key, cnt, NULL);
        }
    /* then every key but the last three is deleted */
    for (int k = 0; k < KEYS - 3; k++) {
        snprintf(key, sizeof key, "k%d", k);
        if (sl_batch_full(&b)) feed(&c, &b);
        add(&b, SL_OP_DELETE, key, "4", NULL);
    }
    feed(&c, &b);
    CHECK(c.r.rows == (long long)KEYS * (2 * ROUNDS - 1) + KEYS - 3, "changes: %lld", c.r.rows);
    cap_end(&c, false,
            "+-------+-----+--------+\n"
            "|  name | cnt |    avg |\n"
            "+-------+-----+--------+\n"
            "| k2997 |   4 | <NULL> |\n"
            "| k2998 |   4 | <NULL> |\n"
            "| k2999 |   4 | <NULL> |\n"
            "+-------+-----+--------+\n"
            "3 rows in result\n",
            "many updates");
    sl_batch_free(&b);
}

/* Empty results, a cancelled query, one row, and a cell wider than 30 columns. */
static void test_table_edges(void) {
    sl_batch b;
    sl_batch_init(&b, 3, 8);
    capture c;
    cap_start(&c, SH_MODE_TABLE);
    cap_end(&c, false, "Empty set\n", "no rows at all");

    cap_start(&c, SH_MODE_TABLE);
    add(&b, SL_OP_INSERT, "a", "1", NULL);
    add(&b, SL_OP_DELETE, "a", "1", NULL);
    feed(&c, &b);
    cap_end(&c, false, "Empty set\n", "all rows retracted");

    cap_start(&c, SH_MODE_TABLE);
    cap_end(&c, true, "Query cancelled.\nEmpty set\n", "cancelled before any row");

    cap_start(&c, SH_MODE_TABLE);
    add(&b, SL_OP_INSERT, "a name longer than thirty characters", "7", "-0.25");
    feed(&c, &b);
    cap_end(&c, true,
            "Query cancelled.\n"
            "+--------------------------------+-----+-------+\n"
            "|                           name | cnt |   avg |\n"
            "+--------------------------------+-----+-------+\n"
            "| a name longer than thirty c... |   7 | -0.25 |\n"
            "+--------------------------------+-----+-------+\n"
            "1 row in result\n",
            "cancelled, one row, long cell");

    /* the printer may be freed without its end (a failed job): nothing more is printed */
    cap_start(&c, SH_MODE_TABLE);
    add(&b, SL_OP_INSERT, "a", "1", NULL);
    feed(&c, &b);
    sh_result_free(&c.r);
    fclose(c.f);
    CHECK(c.len == 0, "free without end printed: %s", c.text);
    free(c.text);
    sl_batch_free(&b);
}

/* The changelog of an updating query in tableau (and changelog) mode: each row with its op, the
 * count of every changelog row. */
static void test_tableau_changelog(void) {
    static const char want[] =
        "+----+--------------------------------+----------------------+------------------------+\n"
        "| op |                           name |                  cnt |                    avg |\n"
        "+----+--------------------------------+----------------------+------------------------+\n"
        "| +I |                              a |                    1 |                 <NULL> |\n"
        "| -U |                              a |                    1 |                 <NULL> |\n"
        "| +U |                              a |                    2 |                    1.5 |\n"
        "| +I |                         <NULL> |               <NULL> |                 <NULL> |\n"
        "| -D |                         <NULL> |               <NULL> |                 <NULL> |\n"
        "+----+--------------------------------+----------------------+------------------------+\n"
        "Received a total of 5 rows\n";
    sh_mode modes[] = {SH_MODE_TABLEAU, SH_MODE_CHANGELOG};
    for (int m = 0; m < 2; m++) {
        sl_batch b;
        sl_batch_init(&b, 3, 8);
        capture c;
        cap_start(&c, modes[m]);
        add(&b, SL_OP_INSERT, "a", "1", NULL);
        add(&b, SL_OP_UPDATE_BEFORE, "a", "1", NULL);
        feed(&c, &b);
        add(&b, SL_OP_UPDATE_AFTER, "a", "2", "1.5");
        add(&b, SL_OP_INSERT, NULL, NULL, NULL);
        add(&b, SL_OP_DELETE, NULL, NULL, NULL);
        feed(&c, &b);
        cap_end(&c, false, want, m == 0 ? "tableau changelog" : "changelog mode");
        sl_batch_free(&b);
    }
}

/* Plain mode: one print-connector line per changelog row, nothing at the end. */
static void test_plain(void) {
    sl_batch b;
    sl_batch_init(&b, 3, 8);
    capture c;
    cap_start(&c, SH_MODE_PLAIN);
    add(&b, SL_OP_INSERT, "a", "1", NULL);
    add(&b, SL_OP_UPDATE_BEFORE, "a", "1", NULL);
    add(&b, SL_OP_UPDATE_AFTER, "a", "2", "1.5");
    feed(&c, &b);
    cap_end(&c, true, "+I[a, 1, null]\n-U[a, 1, null]\n+U[a, 2, 1.5]\n", "plain");
    sl_batch_free(&b);
}

/* 'sql-client.execution.result-mode' values and the defaults. */
static void test_modes(void) {
    CHECK(sh_mode_parse("table", SH_MODE_PLAIN) == SH_MODE_TABLE, "table");
    CHECK(sh_mode_parse("TABLE", SH_MODE_PLAIN) == SH_MODE_TABLE, "TABLE");
    CHECK(sh_mode_parse("tableau", SH_MODE_PLAIN) == SH_MODE_TABLEAU, "tableau");
    CHECK(sh_mode_parse("changelog", SH_MODE_PLAIN) == SH_MODE_CHANGELOG, "changelog");
    CHECK(sh_mode_parse("plain", SH_MODE_TABLE) == SH_MODE_PLAIN, "plain");
    CHECK(sh_mode_parse("tabl", SH_MODE_TABLEAU) == SH_MODE_TABLEAU, "unknown keeps the default");
    CHECK(sh_mode_parse(NULL, SH_MODE_CHANGELOG) == SH_MODE_CHANGELOG, "unset keeps the default");
    CHECK(sh_mode_default(true, true) == SH_MODE_TABLE, "interactive updating");
    CHECK(sh_mode_default(true, false) == SH_MODE_TABLEAU, "interactive append-only");
    CHECK(sh_mode_default(false, true) == SH_MODE_PLAIN, "batch updating");
    CHECK(sh_mode_default(false, false) == SH_MODE_PLAIN, "batch append-only");
}

int main(void) {
    init_cols();
    test_table_changelog();
    test_table_newest_removed();
    test_table_many_updates();
    test_table_edges();
    test_tableau_changelog();
    test_plain();
    test_modes();
    printf("display: %d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
