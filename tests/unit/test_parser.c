/* test_parser.c: unit tests of the SQL parser: tokens, every statement kind, expression
 * precedence, CREATE TABLE details, joins, window TVFs, OVER windows, grouping sets, error
 * messages and positions, sp_statement_complete, sp_expr_to_sql, and a small fuzz loop
 * (garbage and truncated statements must not crash). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../common/sl_buf.h"
#include "../../parser/sp_parse.h"
#include "sp_build.h"
#include "sp_grammar.h"
#include "sp_token.h"

#include "check.h"

/* ------------------------------------------------------------------ helpers */

/* Parses sql expecting success and `n` statements; returns the result (free it). */
static sp_parse_result parse_ok(const char *sql, int n) {
    sp_parse_result r;
    int rc = sp_parse(sql, &r);
    CHECK(rc == 0, "parse failed: %s\n  input: %s", r.error ? r.error : "?", sql);
    if (rc == 0) CHECK(r.nstmts == n, "expected %d statements, got %d: %s", n, r.nstmts, sql);
    return r;
}

/* The single statement of a successful parse, or NULL. */
static const sp_stmt *one(sp_parse_result *r) {
    return r->nstmts == 1 ? r->stmts[0] : NULL;
}

/* Checks that sql fails with an error at line:col whose message contains `want`. */
static void expect_error(const char *sql, int line, int col, const char *want) {
    sp_parse_result r;
    int rc = sp_parse(sql, &r);
    CHECK(rc < 0 && r.error, "expected an error for: %s", sql);
    if (rc < 0 && r.error) {
        CHECK(r.err_line == line && r.err_col == col, "error at %d:%d, expected %d:%d for: %s\n  %s", r.err_line,
              r.err_col, line, col, sql, r.error);
        CHECK(strstr(r.error, want) != NULL, "error '%s' lacks '%s'", r.error, want);
        char where[64];
        snprintf(where, sizeof where, "line %d, column %d", line, col);
        CHECK(strstr(r.error, where) != NULL, "message does not name its position: %s", r.error);
    }
    sp_parse_result_free(&r);
}

/* Renders e fully parenthesised, to check the tree's shape independently of sp_expr_to_sql. */
static void shape(sl_buf *b, const sp_expr *e) {
    static const char *ops[] = {"?", "-", "+", "NOT", "+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "AND",
                                "OR", "||", "DISTINCT", "NOTDISTINCT"};
    if (!e) {
        sl_buf_puts(b, "null");
        return;
    }
    switch (e->kind) {
    case SP_E_LITERAL: sl_buf_puts(b, e->text ? e->text : "?"); break;
    case SP_E_COLUMN: sl_buf_printf(b, "%s%s%s", e->qual ? e->qual : "", e->qual ? "." : "", e->name); break;
    case SP_E_UNARY:
        sl_buf_printf(b, "(%s ", ops[e->op]);
        shape(b, e->args[0]);
        sl_buf_putc(b, ')');
        break;
    case SP_E_BINARY:
        sl_buf_putc(b, '(');
        shape(b, e->args[0]);
        sl_buf_printf(b, " %s ", ops[e->op]);
        shape(b, e->args[1]);
        sl_buf_putc(b, ')');
        break;
    default: {
        static const char *kinds[] = {"lit", "col", "star", "un", "bin", "func", "case", "cast", "isnull",
                                      "isbool", "between", "in", "like", "interval", "trim", "substring",
                                      "over"};
        sl_buf_printf(b, "%s%s%s[", e->negated ? "!" : "", kinds[e->kind], e->kind == SP_E_FUNC ? e->name : "");
        for (int i = 0; i < e->nargs; i++) {
            if (i) sl_buf_puts(b, ", ");
            shape(b, e->args[i]);
        }
        sl_buf_putc(b, ']');
    }
    }
}

/* The first select item of "SELECT <expr>", or NULL on a parse error. */
static const sp_expr *first_expr(sp_parse_result *r, const char *expr) {
    char sql[4096];
    snprintf(sql, sizeof sql, "SELECT %s", expr);
    int rc = sp_parse(sql, r);
    CHECK(rc == 0, "expression does not parse: %s\n  %s", expr, r->error ? r->error : "");
    if (rc != 0 || r->nstmts != 1 || r->stmts[0]->kind != SP_S_SELECT) return NULL;
    return r->stmts[0]->select->items[0].expr;
}

/* Checks the fully parenthesised shape of an expression. */
static void expect_shape(const char *expr, const char *want) {
    sp_parse_result r;
    const sp_expr *e = first_expr(&r, expr);
    if (e) {
        sl_buf b = {0};
        shape(&b, e);
        CHECK(strcmp(b.data, want) == 0, "shape of %s: got %s, want %s", expr, b.data, want);
        sl_buf_free(&b);
    }
    sp_parse_result_free(&r);
}

/* Checks sp_expr_to_sql, and that its text parses back to the same text. */
static void expect_sql(const char *expr, const char *want) {
    sp_parse_result r;
    const sp_expr *e = first_expr(&r, expr);
    if (e) {
        sl_buf b = {0};
        sp_expr_to_sql(&b, e);
        CHECK(strcmp(b.data, want) == 0, "to_sql of %s: got %s, want %s", expr, b.data, want);
        sp_parse_result r2;
        const sp_expr *e2 = first_expr(&r2, b.data);
        if (e2) {
            sl_buf b2 = {0};
            sp_expr_to_sql(&b2, e2);
            CHECK(strcmp(b.data, b2.data) == 0, "round trip of %s: %s became %s", expr, b.data, b2.data);
            sl_buf_free(&b2);
        }
        sp_parse_result_free(&r2);
        sl_buf_free(&b);
    }
    sp_parse_result_free(&r);
}

/* ------------------------------------------------------------------ tokens */

static void test_tokens(void) {
    const char *src = "SELECT `my col`, 'it''s', 12.5, .5, 1.5E3, 42 -- c\n"
                      "  /* block\n comment */ a<>b != c <= d >= e || f;";
    int want[] = {TK_SELECT, TK_QID, TK_COMMA, TK_STR, TK_COMMA, TK_DECLIT, TK_COMMA, TK_DECLIT, TK_COMMA,
                  TK_FLOATLIT, TK_COMMA, TK_INTLIT, TK_ID, TK_NE, TK_ID, TK_NE, TK_ID, TK_LE, TK_ID, TK_GE,
                  TK_ID, TK_PIPE2, TK_ID, TK_SEMI, SP_TK_EOF};
    sp_lexer lx;
    sp_lex_init(&lx, src, strlen(src));
    sp_token t;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int type = sp_lex_next(&lx, &t);
        CHECK(type == want[i], "token %zu: type %d, want %d ('%.*s')", i, type, want[i], t.n, t.z);
        if (i == 1) CHECK(t.line == 1 && t.col == 8 && t.n == 8, "backtick token at %d:%d n=%d", t.line, t.col, t.n);
        if (i == 12) CHECK(t.line == 3 && t.col == 13, "token after comments at %d:%d", t.line, t.col);
    }
    /* keywords are case-insensitive, identifiers keep their case */
    sp_lex_init(&lx, "sElEcT Name", 11);
    CHECK(sp_lex_next(&lx, &t) == TK_SELECT, "mixed-case keyword");
    CHECK(sp_lex_next(&lx, &t) == TK_ID && t.n == 4 && memcmp(t.z, "Name", 4) == 0, "identifier text");
    /* synonyms and plural units */
    CHECK(sp_keyword_code("integer", 7) == TK_INT && sp_keyword_code("NUMERIC", 7) == TK_DECIMAL, "type synonyms");
    CHECK(sp_keyword_code("seconds", 7) == TK_SECOND && sp_keyword_code("Days", 4) == TK_DAY, "plural units");
    CHECK(sp_keyword_code("current_timestamp", 17) == TK_NILADIC, "niladic");
    CHECK(sp_keyword_code("value", 5) == TK_ID && sp_keyword_code("ts", 2) == TK_ID, "plain identifiers");
    /* the window functions and named-argument names are no keywords at all */
    const char *names[] = {"TUMBLE", "HOP", "CUMULATE", "SESSION", "DATA", "TIMECOL", "SIZE", "SLIDE", "STEP", "GAP",
                           "OFFSET", "PROCTIME", "ROW_NUMBER", "RANK", "DENSE_RANK"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        CHECK(sp_keyword_code(names[i], (int)strlen(names[i])) == TK_ID, "%s is not a keyword", names[i]);
    /* => of named arguments, and = > apart */
    sp_lex_init(&lx, "a=>b = >", 8);
    CHECK(sp_lex_next(&lx, &t) == TK_ID && sp_lex_next(&lx, &t) == TK_ARROW && t.n == 2 &&
              sp_lex_next(&lx, &t) == TK_ID && sp_lex_next(&lx, &t) == TK_EQ && sp_lex_next(&lx, &t) == TK_GT,
          "arrow token");
    /* every keyword of the table is found (the binary search depends on its order) */
    const char *kws[] = {"ALL", "AND", "AS", "ASC", "BETWEEN", "BIGINT", "BOOLEAN", "BOTH", "BY", "CASE", "CAST",
                         "CHAR", "COMMENT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT_DATE", "CURRENT_TIME",
                         "CURRENT_TIMESTAMP", "DATE", "DAY", "DAYS", "DEC", "DECIMAL", "DESC", "DESCRIBE",
                         "DISTINCT", "DOUBLE", "DROP", "ELSE", "END", "ENFORCED", "ESCAPE", "EXCEPT", "EXISTS",
                         "EXPLAIN", "FALSE", "FILTER", "FLOAT", "FOR", "FROM", "FULL", "GROUP", "HAVING", "HOUR",
                         "HOURS", "IF", "IN", "INNER", "INSERT", "INT", "INTEGER", "INTERSECT", "INTERVAL", "INTO",
                         "IS", "JOIN", "KEY", "LATERAL", "LEADING", "LIKE", "LIMIT", "LOCAL", "LOCALTIME",
                         "LOCALTIMESTAMP", "METADATA", "MINUTE", "MINUTES", "MONTH", "MONTHS", "NOT", "NULL",
                         "NUMERIC", "ON", "OR", "ORDER", "OUTER", "OVER", "PLAN", "POSITION", "PRECISION",
                         "PRIMARY", "REAL", "RESET", "SECOND", "SECONDS", "SELECT", "SET", "SHOW", "SMALLINT",
                         "STRING", "SUBSTRING", "TABLE", "TABLES", "TEMPORARY", "THEN", "TIME", "TIMESTAMP",
                         "TIMESTAMP_LTZ", "TINYINT", "TO", "TRAILING", "TRIM", "TRUE", "TRY_CAST", "UNION",
                         "USING", "VALUES", "VARCHAR", "VIRTUAL", "WATERMARK", "WHEN", "WHERE", "WINDOW", "WITH",
                         "WITHOUT", "YEAR", "YEARS", "ZONE", "CUBE", "CURRENT", "DESCRIPTOR", "FOLLOWING",
                         "GROUPING", "LEFT", "PARTITION", "PRECEDING", "RANGE", "RIGHT", "ROLLUP", "ROW", "ROWS",
                         "SETS", "UNBOUNDED"};
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
        CHECK(sp_keyword_code(kws[i], (int)strlen(kws[i])) != TK_ID, "keyword %s not found", kws[i]);
    /* a multi-line string: the token's end position */
    sp_lex_init(&lx, "x 'a\nbc'", 8);
    sp_lex_next(&lx, &t);
    sp_lex_next(&lx, &t);
    int el, ec;
    sp_token_end(&t, &el, &ec);
    CHECK(t.type == TK_STR && el == 2 && ec == 4, "end of multi-line string %d:%d", el, ec);
}

/* ------------------------------------------------------------------ statements */

static void test_create_table(void) {
    const char *sql =
        "CREATE TABLE IF NOT EXISTS cat.db.orders (\n"
        "  order_id BIGINT NOT NULL COMMENT 'the id',\n"
        "  customer STRING,\n"
        "  amount DECIMAL(10, 2),\n"
        "  price DOUBLE PRECISION,\n"
        "  `my col` VARCHAR(20),\n"
        "  ts TIMESTAMP(3),\n"
        "  lts TIMESTAMP_LTZ(3),\n"
        "  lts2 TIMESTAMP WITH LOCAL TIME ZONE,\n"
        "  t0 TIMESTAMP WITHOUT TIME ZONE,\n"
        "  d DATE, b BOOLEAN, i INTEGER, s SMALLINT, f REAL, n NUMERIC, c CHAR,\n"
        "  amount_eur AS amount * 0.92 COMMENT 'euros',\n"
        "  part INT METADATA FROM 'partition' VIRTUAL,\n"
        "  `offset` BIGINT METADATA VIRTUAL,\n"
        "  `timestamp` TIMESTAMP_LTZ(3) METADATA,\n"
        "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,\n"
        "  PRIMARY KEY (order_id, customer) NOT ENFORCED\n"
        ") COMMENT 'orders table' WITH ('connector' = 'kafka', 'topic' = 'it''s')";
    sp_parse_result r = parse_ok(sql, 1);
    const sp_stmt *st = one(&r);
    if (st && st->kind == SP_S_CREATE_TABLE) {
        const sp_create_table *ct = &st->create;
        CHECK(strcmp(ct->name, "cat.db.orders") == 0 && ct->if_not_exists, "name %s", ct->name);
        CHECK(ct->ncols == 20, "ncols %d", ct->ncols);
        if (ct->ncols == 20) {
            const sp_column_def *c = ct->cols;
            CHECK(c[0].type.id == SL_T_BIGINT && c[0].type.not_null && strcmp(c[0].comment, "the id") == 0,
                  "order_id");
            CHECK(c[0].line == 2 && c[0].col == 3, "column position %d:%d", c[0].line, c[0].col);
            CHECK(c[1].type.id == SL_T_STRING && c[1].type.length == -1 && !c[1].type.not_null, "customer");
            CHECK(c[2].type.id == SL_T_DECIMAL && c[2].type.precision == 10 && c[2].type.scale == 2, "decimal");
            CHECK(c[3].type.id == SL_T_DOUBLE, "double precision");
            CHECK(strcmp(c[4].name, "my col") == 0 && c[4].type.length == 20, "varchar(20)");
            CHECK(c[5].type.id == SL_T_TIMESTAMP && c[5].type.precision == 3, "timestamp(3)");
            CHECK(c[6].type.id == SL_T_TIMESTAMP_LTZ && c[6].type.precision == 3, "ltz(3)");
            CHECK(c[7].type.id == SL_T_TIMESTAMP_LTZ && c[7].type.precision == 6, "with local time zone");
            CHECK(c[8].type.id == SL_T_TIMESTAMP && c[8].type.precision == 6, "without time zone");
            CHECK(c[9].type.id == SL_T_DATE && c[10].type.id == SL_T_BOOLEAN && c[11].type.id == SL_T_INT &&
                      c[12].type.id == SL_T_INT && c[13].type.id == SL_T_FLOAT,
                  "simple types");
            CHECK(c[14].type.id == SL_T_DECIMAL && c[14].type.precision == 10 && c[14].type.scale == 0, "numeric");
            CHECK(c[15].type.id == SL_T_STRING && c[15].type.length == 1, "char");
            CHECK(c[16].kind == SP_COL_COMPUTED && c[16].expr && strcmp(c[16].comment, "euros") == 0, "computed");
            CHECK(c[17].kind == SP_COL_METADATA && strcmp(c[17].metadata_key, "partition") == 0 && c[17].is_virtual,
                  "metadata from");
            CHECK(c[18].kind == SP_COL_METADATA && !c[18].metadata_key && c[18].is_virtual &&
                      strcmp(c[18].name, "offset") == 0,
                  "metadata virtual");
            CHECK(c[19].kind == SP_COL_METADATA && !c[19].is_virtual && strcmp(c[19].name, "timestamp") == 0,
                  "metadata");
            sl_buf b = {0};
            sp_expr_to_sql(&b, c[16].expr);
            CHECK(strcmp(b.data, "amount * 0.92") == 0, "computed expr %s", b.data);
            sl_buf_free(&b);
        }
        CHECK(ct->wm_column && strcmp(ct->wm_column, "ts") == 0 && ct->wm_line == 16 && ct->wm_col == 17,
              "watermark column at %d:%d", ct->wm_line, ct->wm_col);
        sl_buf b = {0};
        sp_expr_to_sql(&b, ct->wm_expr);
        CHECK(b.data && strcmp(b.data, "ts - INTERVAL '5' SECOND") == 0, "watermark expr %s", b.data);
        sl_buf_free(&b);
        CHECK(ct->npk == 2 && strcmp(ct->pk[0], "order_id") == 0 && strcmp(ct->pk[1], "customer") == 0, "pk");
        CHECK(ct->nopts == 2 && strcmp(ct->opts[0].key, "connector") == 0 && strcmp(ct->opts[1].value, "it's") == 0,
              "options");
        CHECK(strncmp(st->text, "CREATE TABLE", 12) == 0 && st->text[strlen(st->text) - 1] == ')', "text");
    } else {
        CHECK(0, "not a CREATE TABLE");
    }
    sp_parse_result_free(&r);

    /* column-level primary key, CONSTRAINT name, temporary table */
    r = parse_ok("CREATE TEMPORARY TABLE t (id BIGINT PRIMARY KEY NOT ENFORCED, name STRING)", 1);
    st = one(&r);
    CHECK(st && st->create.npk == 1 && strcmp(st->create.pk[0], "id") == 0 && st->create.nopts == 0, "column pk");
    sp_parse_result_free(&r);
    r = parse_ok("CREATE TABLE t (id INT, CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED) WITH ('a'='b')", 1);
    st = one(&r);
    CHECK(st && st->create.npk == 1, "constraint pk");
    sp_parse_result_free(&r);
    /* keyword-like column names */
    r = parse_ok("CREATE TABLE t (`key` STRING, value STRING, comment STRING, `partition` INT, topic STRING, "
                 "date DATE, timestamp TIMESTAMP(3), second INT, data STRING, user STRING, name STRING, ts "
                 "TIMESTAMP(3))",
                 1);
    st = one(&r);
    CHECK(st && st->create.ncols == 12 && strcmp(st->create.cols[2].name, "comment") == 0 &&
              strcmp(st->create.cols[6].name, "timestamp") == 0,
          "keyword-like column names");
    sp_parse_result_free(&r);

    expect_error("CREATE TABLE t (a DECIMAL(19, 2))", 1, 27, "DECIMAL precision above 18 is not supported");
    expect_error("CREATE TABLE t (a DECIMAL(5, 6))", 1, 30, "scale");
    expect_error("CREATE TABLE t (a TIMESTAMP(12))", 1, 29, "precision");
    expect_error("CREATE TABLE t (a BYTES)", 1, 19, "Unsupported data type 'BYTES'");
    expect_error("CREATE TABLE t (a INT PRIMARY KEY)", 1, 34, "NOT ENFORCED");
    expect_error("CREATE TABLE t (a INT, PRIMARY KEY (a) ENFORCED)", 1, 40, "NOT ENFORCED");
    expect_error("CREATE TABLE t (a INT VIRTUAL)", 1, 23, "VIRTUAL is only allowed on METADATA");
    expect_error("CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (a) NOT ENFORCED)", 1, 49,
                 "Duplicate PRIMARY KEY");
    expect_error("CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts, WATERMARK FOR ts AS ts)", 1, 58,
                 "only one WATERMARK");
    expect_error("CREATE TABLE t (a INT) WITH ('k' = 1)", 1, 36, "Syntax error near '1'");
}

static void test_other_statements(void) {
    sp_parse_result r = parse_ok("DROP TABLE IF EXISTS a.b; drop table c; SHOW TABLES; DESCRIBE t; DESC `x y`", 5);
    if (r.nstmts == 5) {
        CHECK(r.stmts[0]->kind == SP_S_DROP_TABLE && r.stmts[0]->drop.if_exists && !strcmp(r.stmts[0]->drop.name, "a.b"),
              "drop if exists");
        CHECK(r.stmts[1]->kind == SP_S_DROP_TABLE && !r.stmts[1]->drop.if_exists, "drop");
        CHECK(r.stmts[2]->kind == SP_S_SHOW_TABLES, "show tables");
        CHECK(r.stmts[3]->kind == SP_S_DESCRIBE && !strcmp(r.stmts[3]->describe.name, "t"), "describe");
        CHECK(r.stmts[4]->kind == SP_S_DESCRIBE && !strcmp(r.stmts[4]->describe.name, "x y"), "desc");
        CHECK(!strcmp(r.stmts[1]->text, "drop table c") && r.stmts[1]->offset == 26 && r.stmts[1]->col == 27,
              "text/offset of 2nd: '%s' %d", r.stmts[1]->text, r.stmts[1]->offset);
    }
    sp_parse_result_free(&r);

    r = parse_ok("CREATE TEMPORARY VIEW IF NOT EXISTS v (a, b) AS SELECT x, y FROM t; create view w as (select 1);"
                 "DROP VIEW IF EXISTS v; SHOW VIEWS; SELECT view, views FROM t",
                 5);
    if (r.nstmts == 5) {
        const sp_create_view *v = &r.stmts[0]->view;
        CHECK(r.stmts[0]->kind == SP_S_CREATE_VIEW && !strcmp(v->name, "v") && v->if_not_exists && v->ncolumns == 2 &&
                  !strcmp(v->columns[1], "b") && v->query && v->query->nitems == 2,
              "create view");
        CHECK(r.stmts[1]->kind == SP_S_CREATE_VIEW && !r.stmts[1]->view.if_not_exists && !r.stmts[1]->view.ncolumns &&
                  r.stmts[1]->view.query,
              "create view, parenthesized query");
        CHECK(r.stmts[2]->kind == SP_S_DROP_VIEW && r.stmts[2]->drop.if_exists && !strcmp(r.stmts[2]->drop.name, "v"),
              "drop view");
        CHECK(r.stmts[3]->kind == SP_S_SHOW_VIEWS, "show views");
        CHECK(r.stmts[4]->kind == SP_S_SELECT && r.stmts[4]->select->nitems == 2, "view and views are still names");
    }
    sp_parse_result_free(&r);
    expect_error("CREATE VIEW v AS INSERT INTO t SELECT 1", 1, 18, "Syntax error near 'INSERT'");
    expect_error("CREATE VIEW v ()  AS SELECT 1", 1, 16, "Syntax error near ')'");

    r = parse_ok("SET 'sluice.bootstrap.servers' = 'localhost:9092';\nSET;\nRESET 'a';\nRESET;;;", 4);
    if (r.nstmts == 4) {
        CHECK(r.stmts[0]->kind == SP_S_SET && !strcmp(r.stmts[0]->set.key, "sluice.bootstrap.servers") &&
                  !strcmp(r.stmts[0]->set.value, "localhost:9092"),
              "set");
        CHECK(r.stmts[1]->kind == SP_S_SET && !r.stmts[1]->set.key && r.stmts[1]->line == 2, "set list");
        CHECK(r.stmts[2]->kind == SP_S_RESET && !strcmp(r.stmts[2]->set.key, "a"), "reset key");
        CHECK(r.stmts[3]->kind == SP_S_RESET && !r.stmts[3]->set.key && !strcmp(r.stmts[3]->text, "RESET"), "reset");
    }
    sp_parse_result_free(&r);

    r = parse_ok("INSERT INTO sink SELECT a, b FROM src; INSERT INTO sink (x, y) SELECT * FROM src;"
                 "INSERT INTO sink VALUES (1, 'a'), (2, 'b'); INSERT INTO sink (x) VALUES (-1);"
                 "INSERT INTO sink (SELECT 1)",
                 5);
    if (r.nstmts == 5) {
        const sp_insert *i0 = &r.stmts[0]->insert, *i1 = &r.stmts[1]->insert, *i2 = &r.stmts[2]->insert,
                        *i3 = &r.stmts[3]->insert;
        CHECK(r.stmts[0]->kind == SP_S_INSERT_SELECT && !strcmp(i0->table, "sink") && !i0->columns && i0->select,
              "insert select");
        CHECK(i1->ncolumns == 2 && !strcmp(i1->columns[1], "y") && i1->select->items[0].expr->kind == SP_E_STAR,
              "insert cols");
        CHECK(r.stmts[2]->kind == SP_S_INSERT_VALUES && i2->nrows == 2 && i2->nvalues == 2 &&
                  !strcmp(i2->rows[1][1]->text, "b"),
              "values");
        CHECK(i3->nrows == 1 && i3->nvalues == 1 && i3->ncolumns == 1 && i3->rows[0][0]->kind == SP_E_UNARY,
              "values negative");
        CHECK(r.stmts[4]->kind == SP_S_INSERT_SELECT, "insert parenthesized query");
    }
    sp_parse_result_free(&r);
    expect_error("INSERT INTO t VALUES (1, 2), (3)", 1, 31, "Row 2 of VALUES has 1 values");

    r = parse_ok("EXPLAIN SELECT 1; EXPLAIN PLAN FOR INSERT INTO s SELECT * FROM t", 2);
    if (r.nstmts == 2) {
        const sp_stmt *e0 = r.stmts[0], *e1 = r.stmts[1];
        CHECK(e0->kind == SP_S_EXPLAIN && e0->explained && e0->explained->kind == SP_S_SELECT &&
                  !strcmp(e0->explained->text, "SELECT 1") && e0->explained->offset == 8,
              "explain select");
        CHECK(e1->kind == SP_S_EXPLAIN && e1->explained->kind == SP_S_INSERT_SELECT &&
                  !strcmp(e1->explained->text, "INSERT INTO s SELECT * FROM t") && e1->explained->col == 36 &&
                  !strcmp(e1->text, "EXPLAIN PLAN FOR INSERT INTO s SELECT * FROM t"),
              "explain plan for insert: '%s'", e1->explained->text);
    }
    sp_parse_result_free(&r);

    /* empty input, only comments, only semicolons */
    r = parse_ok("", 0);
    sp_parse_result_free(&r);
    r = parse_ok("  -- nothing\n /* here */ ;; ; ", 0);
    sp_parse_result_free(&r);
    /* statement text excludes comments around it and the ';' */
    r = parse_ok("-- lead\n  SELECT 1 /* tail */ ;\n", 1);
    if (r.nstmts == 1)
        CHECK(!strcmp(r.stmts[0]->text, "SELECT 1") && r.stmts[0]->line == 2 && r.stmts[0]->col == 3 &&
                  r.stmts[0]->offset == 10,
              "trimmed text '%s'", r.stmts[0]->text);
    sp_parse_result_free(&r);
}

static void test_select(void) {
    sp_parse_result r =
        parse_ok("SELECT DISTINCT o.id, o.*, *, UPPER(customer) AS who, amount total, `weird name` AS `x y`\n"
                 "FROM orders AS o WHERE amount > 100 GROUP BY a, b HAVING COUNT(*) > 1\n"
                 "ORDER BY a DESC, b ASC, c LIMIT 10",
                 1);
    const sp_stmt *st = one(&r);
    if (st && st->kind == SP_S_SELECT) {
        const sp_select *s = st->select;
        CHECK(s->distinct && s->nitems == 6, "items %d", s->nitems);
        if (s->nitems == 6) {
            CHECK(s->items[0].expr->kind == SP_E_COLUMN && !strcmp(s->items[0].expr->qual, "o") &&
                      !strcmp(s->items[0].expr->name, "id"),
                  "qualified column");
            CHECK(s->items[1].expr->kind == SP_E_STAR && !strcmp(s->items[1].expr->name, "o"), "o.*");
            CHECK(s->items[2].expr->kind == SP_E_STAR && !s->items[2].expr->name, "*");
            CHECK(s->items[3].expr->kind == SP_E_FUNC && !strcmp(s->items[3].alias, "who"), "func alias");
            CHECK(!strcmp(s->items[4].alias, "total"), "alias without AS");
            CHECK(!strcmp(s->items[5].expr->name, "weird name") && !strcmp(s->items[5].alias, "x y"), "backticks");
        }
        CHECK(s->from && !strcmp(s->from->name, "orders") && !strcmp(s->from->alias, "o") && s->from->line == 2 &&
                  s->from->col == 6,
              "from");
        CHECK(s->where && s->where->kind == SP_E_BINARY && s->where->op == SP_OP_GT, "where");
        CHECK(s->ngroup_by == 2 && s->having && s->having->args[0]->star, "group by / having");
        CHECK(s->norder_by == 3 && s->order_by[0].desc && !s->order_by[1].desc && !s->order_by[2].desc, "order by");
        CHECK(s->limit == 10 && s->line == 1 && s->col == 1, "limit");
    }
    sp_parse_result_free(&r);

    r = parse_ok("SELECT 1", 1);
    st = one(&r);
    CHECK(st && st->select->from == NULL && st->select->limit == -1 && !st->select->where, "select without from");
    sp_parse_result_free(&r);

    r = parse_ok("SELECT x FROM (SELECT a AS x FROM t WHERE a > 1) AS sub; SELECT * FROM (SELECT 1) s;"
                 "(SELECT a FROM t); SELECT * FROM (SELECT 1); SELECT * FROM t o",
                 5);
    if (r.nstmts == 5) {
        const sp_table_ref *f = r.stmts[0]->select->from;
        CHECK(f && !f->name && f->subquery && !strcmp(f->alias, "sub") && f->subquery->where, "subquery");
        CHECK(!strcmp(r.stmts[1]->select->from->alias, "s"), "subquery alias without AS");
        CHECK(r.stmts[2]->kind == SP_S_SELECT && r.stmts[2]->select->from, "parenthesized select");
        CHECK(!r.stmts[3]->select->from->alias, "subquery without alias");
        CHECK(!strcmp(r.stmts[4]->select->from->alias, "o"), "table alias");
    }
    sp_parse_result_free(&r);

    /* keyword-like names as columns and aliases */
    r = parse_ok("SELECT value, `key`, key, comment, date, timestamp, position, second, data, user, name, ts, "
                 "t.date, `partition`, `offset`, topic, system, desc AS comment FROM t",
                 1);
    st = one(&r);
    CHECK(st && st->select->nitems == 18 && st->select->items[17].alias &&
              !strcmp(st->select->items[17].alias, "comment") && !strcmp(st->select->items[12].expr->name, "date"),
          "keyword-like names");
    sp_parse_result_free(&r);
    /* ORDER and GROUP are keywords only before BY */
    r = parse_ok("SELECT * FROM order; SELECT `group`, group FROM t GROUP BY group ORDER BY order", 2);
    if (r.nstmts == 2) {
        CHECK(!strcmp(r.stmts[0]->select->from->name, "order"), "table named order");
        CHECK(r.stmts[1]->select->ngroup_by == 1 && r.stmts[1]->select->norder_by == 1 &&
                  !strcmp(r.stmts[1]->select->order_by[0].expr->name, "order"),
              "columns named group/order");
    }
    sp_parse_result_free(&r);
    expect_error("SELECT a FROM t, u", 1, 16, "Comma-separated FROM items (implicit cross joins) are not supported yet");
    expect_error("SELECT a FROM t UNION SELECT b FROM u", 1, 17, "Syntax error near 'UNION'");
}

/* ------------------------------------------------------------------ expressions */

static void test_precedence(void) {
    expect_shape("1 + 2 * 3", "(1 + (2 * 3))");
    expect_shape("1 - 2 - 3", "((1 - 2) - 3)");
    expect_shape("a OR b AND c", "(a OR (b AND c))");
    expect_shape("NOT a AND b", "((NOT a) AND b)");
    expect_shape("NOT a = b", "(NOT (a = b))");
    expect_shape("a = 1 OR b <> 2 AND c != 3", "((a = 1) OR ((b <> 2) AND (c <> 3)))");
    expect_shape("a || b + 1 = c", "((a || (b + 1)) = c)");
    expect_shape("-a * b", "((- a) * b)");
    expect_shape("- - 1", "(- (- 1))");
    expect_shape("a % 2 / 3", "((a % 2) / 3)");
    expect_shape("(1 + 2) * 3", "((1 + 2) * 3)");
    expect_shape("a BETWEEN 1 AND 2 AND b", "(between[a, 1, 2] AND b)");
    expect_shape("a IS DISTINCT FROM b + 1 AND c", "((a DISTINCT (b + 1)) AND c)");
    expect_shape("NOT a IS NOT DISTINCT FROM NULL", "(NOT (a NOTDISTINCT NULL))");
    expect_shape("a NOT BETWEEN b + 1 AND c", "!between[a, (b + 1), c]");
    expect_shape("x IS NOT NULL AND y IS NULL", "(!isnull[x] AND isnull[y])");
    expect_shape("x IS TRUE OR y IS NOT FALSE", "(isbool[x] OR !isbool[y])");
    expect_shape("a IN (1, 2, 3)", "in[a, 1, 2, 3]");
    expect_shape("a NOT IN ('x')", "!in[a, x]");
    expect_shape("name LIKE 'a%' ESCAPE '!'", "like[name, a%, !]");
    expect_shape("name NOT LIKE 'a' || 'b'", "!like[name, (a || b)]");
    expect_shape("NOT a IN (1) OR b", "((NOT in[a, 1]) OR b)");
    expect_shape("t.a + f(x, y)", "(t.a + funcf[x, y])");
    expect_shape("IF(a > 1, 'x', 'y')", "funcIF[(a > 1), x, y]");
    expect_shape("LEFT(s, 2)", "funcLEFT[s, 2]");
    expect_shape("SUBSTRING(s FROM 2 FOR 3)", "funcSUBSTRING[s, 2, 3]");
    expect_shape("substring(s FROM 2)", "funcSUBSTRING[s, 2]");
    expect_shape("SUBSTRING(s, 2, 3)", "funcSUBSTRING[s, 2, 3]");
    expect_shape("POSITION('b' IN s)", "funcPOSITION[b, s]");
    expect_shape("POSITION('b' IN s) IN (1, 2)", "in[funcPOSITION[b, s], 1, 2]");
    expect_shape("CURRENT_TIMESTAMP", "funcCURRENT_TIMESTAMP[]");
    expect_shape("TRIM(s)", "trim[s, null]");
    expect_shape("TRIM(LEADING 'x' FROM s)", "trim[s, x]");
    expect_shape("TRIM(BOTH FROM s)", "trim[s, null]");
    expect_shape("CASE WHEN a THEN 1 WHEN b THEN 2 END", "case[null, a, 1, b, 2, null]");
    expect_shape("CASE x WHEN 1 THEN 'a' ELSE 'b' END", "case[x, 1, a, b]");
    expect_shape("CAST(a AS INT) + 1", "(cast[a] + 1)");
    expect_shape("ts - INTERVAL '5' SECOND", "(ts - interval[])");
}

static void test_expression_details(void) {
    sp_parse_result r;
    const sp_expr *e = first_expr(&r, "COUNT(DISTINCT x) FILTER (WHERE x > 1)");
    CHECK(e && e->kind == SP_E_FUNC && e->distinct && e->filter && e->nargs == 1, "count distinct filter");
    sp_parse_result_free(&r);
    e = first_expr(&r, "count(*)");
    CHECK(e && e->kind == SP_E_FUNC && e->star && e->nargs == 0 && !strcmp(e->name, "count"), "count(*)");
    sp_parse_result_free(&r);
    e = first_expr(&r, "now()");
    CHECK(e && e->kind == SP_E_FUNC && e->nargs == 0 && !e->star, "no-arg call");
    sp_parse_result_free(&r);
    e = first_expr(&r, "TRY_CAST(x AS DECIMAL(5, 2))");
    CHECK(e && e->kind == SP_E_CAST && e->try_cast && e->cast_type.id == SL_T_DECIMAL && e->cast_type.scale == 2,
          "try_cast");
    sp_parse_result_free(&r);
    e = first_expr(&r, "CAST(x AS VARCHAR)");
    CHECK(e && e->cast_type.id == SL_T_STRING && e->cast_type.length == -1, "cast varchar");
    sp_parse_result_free(&r);
    e = first_expr(&r, "TRIM(TRAILING FROM s)");
    CHECK(e && e->kind == SP_E_TRIM && e->trim_mode == SP_TRIM_TRAILING && !e->args[1], "trim trailing");
    sp_parse_result_free(&r);
    e = first_expr(&r, "INTERVAL '1 02:00:00' DAY TO SECOND");
    CHECK(e && e->kind == SP_E_INTERVAL && e->unit == SP_IU_DAY && e->to_unit == SP_IU_SECOND &&
              !strcmp(e->text, "1 02:00:00"),
          "interval day to second");
    sp_parse_result_free(&r);
    e = first_expr(&r, "INTERVAL '5' MINUTES");
    CHECK(e && e->unit == SP_IU_MINUTE && e->to_unit == SP_IU_NONE, "plural unit");
    sp_parse_result_free(&r);
    e = first_expr(&r, "TIMESTAMP '2024-01-01 10:00:00'");
    CHECK(e && e->kind == SP_E_LITERAL && e->lit == SP_LIT_TIMESTAMP && !strcmp(e->text, "2024-01-01 10:00:00"),
          "timestamp literal");
    sp_parse_result_free(&r);
    e = first_expr(&r, "DATE '2024-01-01'");
    CHECK(e && e->lit == SP_LIT_DATE, "date literal");
    sp_parse_result_free(&r);
    e = first_expr(&r, "'it''s'");
    CHECK(e && e->lit == SP_LIT_STRING && !strcmp(e->text, "it's"), "string literal");
    sp_parse_result_free(&r);
    e = first_expr(&r, "12.50");
    CHECK(e && e->lit == SP_LIT_DECIMAL && !strcmp(e->text, "12.50"), "decimal literal");
    sp_parse_result_free(&r);
    e = first_expr(&r, "1.5E3");
    CHECK(e && e->lit == SP_LIT_DOUBLE && !strcmp(e->text, "1.5E3"), "double literal");
    sp_parse_result_free(&r);
    e = first_expr(&r, "9223372036854775807");
    CHECK(e && e->lit == SP_LIT_INT, "max bigint");
    sp_parse_result_free(&r);
    e = first_expr(&r, "TRUE");
    CHECK(e && e->lit == SP_LIT_BOOL && e->lit_bool, "true");
    sp_parse_result_free(&r);
    e = first_expr(&r, "x IS NOT FALSE");
    CHECK(e && e->kind == SP_E_IS_BOOL && e->negated && !e->lit_bool, "is not false");
    sp_parse_result_free(&r);
    e = first_expr(&r, "NULL");
    CHECK(e && e->lit == SP_LIT_NULL, "null");
    sp_parse_result_free(&r);
    /* positions: a binary node sits at its left operand */
    e = first_expr(&r, "\n  a +\n b");
    CHECK(e && e->line == 2 && e->col == 3 && e->args[1]->line == 3 && e->args[1]->col == 2, "expr positions");
    sp_parse_result_free(&r);
    expect_error("SELECT 9223372036854775808", 1, 8, "out of range");
    expect_error("SELECT INTERVAL '1' SECOND TO DAY", 1, 8, "Invalid interval qualifier");
}

static void test_to_sql(void) {
    expect_sql("upper(customer)", "UPPER(customer)");
    expect_sql("amount>100", "amount > 100");
    expect_sql("(a + b) * c", "(a + b) * c");
    expect_sql("a - (b - c)", "a - (b - c)");
    expect_sql("a + b + c", "a + b + c");
    expect_sql("(a OR b) AND NOT c", "(a OR b) AND NOT c");
    expect_sql("NOT (a AND b)", "NOT (a AND b)");
    expect_sql("- (- x)", "-(-x)");
    expect_sql("-(a + 1)", "-(a + 1)");
    expect_sql("'it''s' || name", "'it''s' || name");
    expect_sql("t.`my col` + `select`", "t.`my col` + `select`");
    expect_sql("`value` + `key`", "value + key");
    expect_sql("count(*)", "COUNT(*)");
    expect_sql("count(DISTINCT a) FILTER (WHERE a > 1)", "COUNT(DISTINCT a) FILTER (WHERE a > 1)");
    expect_sql("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP");
    expect_sql("case when a = 1 then 'x' else 'y' end", "CASE WHEN a = 1 THEN 'x' ELSE 'y' END");
    expect_sql("case a when 1 then 2 end", "CASE a WHEN 1 THEN 2 END");
    expect_sql("cast(a as decimal(10,2))", "CAST(a AS DECIMAL(10, 2))");
    expect_sql("try_cast(a as timestamp(3))", "TRY_CAST(a AS TIMESTAMP(3))");
    expect_sql("trim(both 'x' from s)", "TRIM(BOTH 'x' FROM s)");
    expect_sql("trim(s)", "TRIM(s)");
    expect_sql("trim(leading from s)", "TRIM(LEADING FROM s)");
    expect_sql("substring(s from 1 for 2)", "SUBSTRING(s, 1, 2)");
    expect_sql("position('a' in s)", "POSITION('a' IN s)");
    expect_sql("a between 1 and 2", "a BETWEEN 1 AND 2");
    expect_sql("a not in (1, 2)", "a NOT IN (1, 2)");
    expect_sql("a like 'x%' escape '!'", "a LIKE 'x%' ESCAPE '!'");
    expect_sql("a is not null", "a IS NOT NULL");
    expect_sql("a is true", "a IS TRUE");
    expect_sql("ts - interval '5' seconds", "ts - INTERVAL '5' SECOND");
    expect_sql("interval '1 02:00' day to minute", "INTERVAL '1 02:00' DAY TO MINUTE");
    expect_sql("timestamp '2024-01-01 00:00:00'", "TIMESTAMP '2024-01-01 00:00:00'");
    expect_sql("date '2024-01-01'", "DATE '2024-01-01'");
    expect_sql("null", "NULL");
    expect_sql("false", "FALSE");
    expect_sql("1.5E3 + .5", "1.5E3 + .5");
    expect_sql("(a = b) = c", "a = b = c");
    expect_sql("a = (b = c)", "a = (b = c)");
    expect_sql("(a || b) || c", "a || b || c");
    expect_sql("NOT NOT a", "NOT NOT a");
    expect_sql("if(a, 1, 2)", "IF(a, 1, 2)");
    expect_sql("`trim` + date", "`trim` + date");
    /* OVER windows (frames always in their BETWEEN form) and the new keywords as names */
    expect_sql("row_number() over (partition by a, b order by c desc, d)",
               "ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC, d)");
    expect_sql("count(*) over ()", "COUNT(*) OVER ()");
    expect_sql("rank() over (order by a + 1 desc) * 2", "RANK() OVER (ORDER BY a + 1 DESC) * 2");
    expect_sql("sum(x) over (order by ts rows 5 preceding)",
               "SUM(x) OVER (ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)");
    expect_sql("sum(x) filter (where x > 0) over (partition by k order by ts range between interval '1' hour "
               "preceding and current row)",
               "SUM(x) FILTER (WHERE x > 0) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR "
               "PRECEDING AND CURRENT ROW)");
    expect_sql("max(x) over (rows between unbounded preceding and unbounded following)",
               "MAX(x) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)");
    expect_sql("min(x) over (order by t rows between (a = b) preceding and a || b following)",
               "MIN(x) OVER (ORDER BY t ROWS BETWEEN (a = b) PRECEDING AND a || b FOLLOWING)");
    expect_sql("`rows` + `partition` + `left` + cube + `grouping` + t.right", "rows + partition + left + cube + grouping + t.right");
    expect_sql("left(s, 2) || right(s, 1)", "LEFT(s, 2) || RIGHT(s, 1)");
}

/* ------------------------------------------------------------------ FROM: joins, window TVFs */

/* The SELECT block of a single-statement query, or NULL (with a failed check). */
static const sp_select *select_of(sp_parse_result *r, const char *sql) {
    int rc = sp_parse(sql, r);
    CHECK(rc == 0, "parse failed: %s\n  input: %s", r->error ? r->error : "?", sql);
    if (rc != 0 || r->nstmts != 1 || r->stmts[0]->kind != SP_S_SELECT) return NULL;
    return r->stmts[0]->select;
}

/* sp_expr_to_sql of e into a static buffer (for short comparisons). */
static const char *sql_of(const sp_expr *e) {
    static char text[512];
    sl_buf b = {0};
    if (e) sp_expr_to_sql(&b, e);
    snprintf(text, sizeof text, "%s", e ? b.data : "(null)");
    sl_buf_free(&b);
    return text;
}

/* The window TVF of `SELECT * FROM <from>`, or NULL. */
static const sp_window_tvf *tvf_of(sp_parse_result *r, const char *from) {
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT * FROM %s", from);
    const sp_select *s = select_of(r, sql);
    CHECK(!s || (s->from && s->from->tvf && !s->from->name && !s->from->subquery && !s->from->join),
          "not a TVF item: %s", from);
    return s && s->from ? s->from->tvf : NULL;
}

/* Checks a TVF's kind, input table, time column, partition columns ("a,b") and expressions. */
static void expect_tvf(const char *from, int kind, const char *table, const char *time_col, const char *parts,
                       const char *slide, const char *size, const char *offset) {
    sp_parse_result r;
    const sp_window_tvf *w = tvf_of(&r, from);
    if (w) {
        char p[256] = "";
        for (int i = 0; i < w->npartition_by; i++)
            snprintf(p + strlen(p), sizeof p - strlen(p), "%s%s", i ? "," : "", w->partition_by[i]);
        CHECK(w->kind == kind, "kind %d, want %d: %s", w->kind, kind, from);
        CHECK(w->input && w->input->name && !strcmp(w->input->name, table) && !w->input->alias,
              "input %s: %s", w->input && w->input->name ? w->input->name : "?", from);
        CHECK(w->time_col && !strcmp(w->time_col, time_col), "time column %s: %s", w->time_col ? w->time_col : "?", from);
        CHECK(!strcmp(p, parts), "partition '%s', want '%s': %s", p, parts, from);
        CHECK(!strcmp(sql_of(w->slide), slide), "slide %s, want %s: %s", sql_of(w->slide), slide, from);
        CHECK(!strcmp(sql_of(w->size), size), "size %s, want %s: %s", sql_of(w->size), size, from);
        CHECK(!strcmp(sql_of(w->offset), offset), "offset %s, want %s: %s", sql_of(w->offset), offset, from);
    }
    sp_parse_result_free(&r);
}

static void test_window_tvf(void) {
    const char *m10 = "INTERVAL '10' MINUTE", *m5 = "INTERVAL '5' MINUTE", *m2 = "INTERVAL '2' MINUTE",
               *m1 = "INTERVAL '1' MINUTE";
    /* positional forms of each kind, with and without the offset */
    expect_tvf("TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))", SP_TVF_TUMBLE, "bids",
               "bidtime", "", "(null)", m10, "(null)");
    expect_tvf("TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES, INTERVAL '1' MINUTES))",
               SP_TVF_TUMBLE, "bids", "bidtime", "", "(null)", m10, m1);
    expect_tvf("TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES))", SP_TVF_HOP,
               "bids", "bidtime", "", m5, m10, "(null)");
    expect_tvf("TABLE(HOP(TABLE cat.db.bids, DESCRIPTOR(`bid time`), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES, "
               "INTERVAL '1' MINUTE))",
               SP_TVF_HOP, "cat.db.bids", "bid time", "", m5, m10, m1);
    expect_tvf("TABLE(CUMULATE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES))",
               SP_TVF_CUMULATE, "bids", "bidtime", "", m2, m10, "(null)");
    expect_tvf("table(cumulate(table bids, descriptor(bidtime), interval '2' minutes, interval '10' minutes, "
               "interval '1' minute))",
               SP_TVF_CUMULATE, "bids", "bidtime", "", m2, m10, m1);
    expect_tvf("TABLE(SESSION(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES))", SP_TVF_SESSION, "bids",
               "bidtime", "", "(null)", m5, "(null)");
    expect_tvf("TABLE(SESSION(TABLE bids PARTITION BY supplier, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES))",
               SP_TVF_SESSION, "bids", "bidtime", "supplier", "(null)", m5, "(null)");
    expect_tvf("TABLE(SESSION(TABLE bids PARTITION BY (supplier, item), DESCRIPTOR(bidtime), INTERVAL '5' MINUTES))",
               SP_TVF_SESSION, "bids", "bidtime", "supplier,item", "(null)", m5, "(null)");
    expect_tvf("TABLE(SESSION(TABLE bids PARTITION BY supplier, item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES))",
               SP_TVF_SESSION, "bids", "bidtime", "supplier,item", "(null)", m5, "(null)");
    /* named arguments, in any order and any case */
    expect_tvf("TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(bidtime), SIZE => INTERVAL '10' MINUTES, "
               "OFFSET => INTERVAL '1' MINUTES))",
               SP_TVF_TUMBLE, "bids", "bidtime", "", "(null)", m10, m1);
    expect_tvf("TABLE(TUMBLE(size => INTERVAL '10' MINUTES, timecol => DESCRIPTOR(bidtime), data => TABLE bids))",
               SP_TVF_TUMBLE, "bids", "bidtime", "", "(null)", m10, "(null)");
    expect_tvf("TABLE(HOP(DATA => TABLE bids, TIMECOL => DESCRIPTOR(bidtime), SLIDE => INTERVAL '5' MINUTES, "
               "SIZE => INTERVAL '10' MINUTES))",
               SP_TVF_HOP, "bids", "bidtime", "", m5, m10, "(null)");
    expect_tvf("TABLE(HOP(SIZE => INTERVAL '10' MINUTES, OFFSET => INTERVAL '1' MINUTE, SLIDE => INTERVAL '5' "
               "MINUTES, DATA => TABLE bids, TIMECOL => DESCRIPTOR(bidtime)))",
               SP_TVF_HOP, "bids", "bidtime", "", m5, m10, m1);
    expect_tvf("TABLE(CUMULATE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(bidtime), STEP => INTERVAL '2' MINUTES, "
               "SIZE => INTERVAL '10' MINUTES))",
               SP_TVF_CUMULATE, "bids", "bidtime", "", m2, m10, "(null)");
    expect_tvf("TABLE(SESSION(DATA => TABLE bids PARTITION BY supplier, TIMECOL => DESCRIPTOR(bidtime), "
               "GAP => INTERVAL '5' MINUTES))",
               SP_TVF_SESSION, "bids", "bidtime", "supplier", "(null)", m5, "(null)");
    expect_tvf("TABLE(SESSION(GAP => INTERVAL '5' MINUTES, DATA => TABLE bids PARTITION BY a, b, TIMECOL => "
               "DESCRIPTOR(bidtime)))",
               SP_TVF_SESSION, "bids", "bidtime", "a,b", "(null)", m5, "(null)");
    /* columns and tables named like the parameters and functions still work */
    expect_tvf("TABLE(TUMBLE(TABLE size, DESCRIPTOR(data), step + `offset`))", SP_TVF_TUMBLE, "size", "data", "",
               "(null)", "step + offset", "(null)");
    expect_tvf("TABLE(SESSION(TABLE session PARTITION BY gap, DESCRIPTOR(session), gap))", SP_TVF_SESSION,
               "session", "session", "gap", "(null)", "gap", "(null)");

    /* positions, aliases, a subquery input */
    sp_parse_result r;
    const sp_select *s = select_of(&r, "SELECT *\nFROM TABLE(\n  TUMBLE(TABLE bids, DESCRIPTOR(bidtime), "
                                       "INTERVAL '10' MINUTES)) AS w");
    if (s) {
        const sp_table_ref *f = s->from;
        const sp_window_tvf *w = f->tvf;
        CHECK(f->line == 2 && f->col == 6 && f->alias && !strcmp(f->alias, "w"), "tvf item at %d:%d", f->line, f->col);
        CHECK(w && w->line == 3 && w->col == 3, "tvf function at %d:%d", w ? w->line : 0, w ? w->col : 0);
        CHECK(w && w->time_line == 3 && w->time_col_pos == 33, "time column at %d:%d", w ? w->time_line : 0,
              w ? w->time_col_pos : 0);
        CHECK(w && w->input->line == 3 && w->input->col == 16, "input at %d:%d", w ? w->input->line : 0,
              w ? w->input->col : 0);
    }
    sp_parse_result_free(&r);
    s = select_of(&r, "SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR)) w1");
    CHECK(s && s->from->alias && !strcmp(s->from->alias, "w1"), "tvf alias without AS");
    sp_parse_result_free(&r);
    s = select_of(&r, "SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR))");
    CHECK(s && !s->from->alias, "tvf without alias");
    sp_parse_result_free(&r);
    s = select_of(&r, "SELECT * FROM TABLE(TUMBLE(TABLE (SELECT * FROM bids WHERE price > 1), DESCRIPTOR(ts), "
                      "INTERVAL '1' HOUR))");
    if (s) {
        const sp_window_tvf *w = s->from->tvf;
        CHECK(w && w->input && !w->input->name && w->input->subquery && w->input->subquery->where,
              "subquery input");
    }
    sp_parse_result_free(&r);
    s = select_of(&r, "SELECT window_start, window_end, SUM(price) FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), "
                      "INTERVAL '10' MINUTES)) GROUP BY window_start, window_end");
    CHECK(s && s->ngroup_by == 2 && s->ngsets == 0, "window aggregation");
    sp_parse_result_free(&r);

    /* errors */
    expect_error("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts)))", 1, 21,
                 "TUMBLE takes 3 or 4 arguments: TABLE, DESCRIPTOR(time column), size [, offset]");
    expect_error("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '1' HOUR, 1))", 1,
                 94, "TUMBLE takes 3 or 4 arguments");
    expect_error("SELECT * FROM TABLE(TUMBLE())", 1, 21, "TUMBLE takes 3 or 4 arguments");
    expect_error("SELECT * FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR))", 1, 21,
                 "HOP takes 4 or 5 arguments: TABLE, DESCRIPTOR(time column), slide, size [, offset]");
    expect_error("SELECT * FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR))", 1, 21,
                 "CUMULATE takes 4 or 5 arguments: TABLE, DESCRIPTOR(time column), step, size [, offset]");
    expect_error("SELECT * FROM TABLE(SESSION(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '1' HOUR))", 1,
                 76, "SESSION takes 3 arguments: TABLE [PARTITION BY columns], DESCRIPTOR(time column), gap");
    expect_error("SELECT * FROM TABLE(SLIDE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR))", 1, 21,
                 "Unknown window table function 'SLIDE' (expected TUMBLE, HOP, CUMULATE or SESSION)");
    expect_error("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts, t2), INTERVAL '1' HOUR))", 1, 55,
                 "DESCRIPTOR of TUMBLE takes exactly one time column");
    expect_error("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(), INTERVAL '1' HOUR))", 1, 40,
                 "DESCRIPTOR needs the time column");
    expect_error("SELECT * FROM TABLE(TUMBLE(bids, DESCRIPTOR(ts), INTERVAL '1' HOUR))", 1, 28,
                 "The DATA argument of TUMBLE must be a table: TABLE name");
    expect_error("SELECT * FROM TABLE(TUMBLE(TABLE bids, ts, INTERVAL '1' HOUR))", 1, 40,
                 "The TIMECOL argument of TUMBLE must be the time column: DESCRIPTOR(column)");
    expect_error("SELECT * FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), DESCRIPTOR(ts), INTERVAL '1' HOUR))", 1, 53,
                 "The SLIDE argument of HOP must be an expression");
    expect_error("SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY a, b.c, DESCRIPTOR(ts), INTERVAL '1' HOUR))", 1,
                 56, "The TIMECOL argument of SESSION must be the time column");
    expect_error("SELECT * FROM TABLE(TUMBLE(TABLE bids PARTITION BY a, DESCRIPTOR(ts), INTERVAL '1' HOUR))", 1, 39,
                 "PARTITION BY is only allowed in SESSION windows, not in TUMBLE");
    expect_error("SELECT * FROM TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '1' HOUR, "
                 "size => INTERVAL '2' HOUR))",
                 1, 102, "The SIZE argument of TUMBLE is given twice");
    expect_error("SELECT * FROM TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '1' HOUR))", 1,
                 75, "TUMBLE has no argument named 'GAP'");
    expect_error("SELECT * FROM TABLE(HOP(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '1' HOUR))", 1,
                 21, "HOP is missing its SLIDE argument");
    expect_error("SELECT * FROM TABLE(TUMBLE(DATA => TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR))", 1, 48,
                 "The arguments of TUMBLE must be all named (NAME => value) or all positional");
    expect_error("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), SIZE => INTERVAL '1' HOUR))", 1, 56,
                 "must be all named");
    expect_error("SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(t.ts), INTERVAL '1' HOUR))", 1, 52,
                 "Syntax error near '.'");
    expect_error("SELECT * FROM TABLE bids", 1, 21, "Syntax error near 'bids'");
}

/* Checks the join tree of `SELECT * FROM <from>` rendered as (left KIND right ON cond). */
static void join_text(sl_buf *b, const sp_table_ref *f) {
    static const char *kinds[] = {"?", "JOIN", "LEFT", "RIGHT", "FULL"};
    if (!f) {
        sl_buf_puts(b, "null");
    } else if (f->join) {
        sl_buf_putc(b, '(');
        join_text(b, f->left);
        sl_buf_printf(b, " %s ", kinds[f->join <= SP_JOIN_FULL ? f->join : 0]);
        join_text(b, f->right);
        sl_buf_printf(b, " ON %s)", sql_of(f->on));
    } else if (f->tvf) {
        sl_buf_printf(b, "tvf:%s", f->alias ? f->alias : "-");
    } else if (f->subquery) {
        sl_buf_printf(b, "sub:%s", f->alias ? f->alias : "-");
    } else {
        sl_buf_printf(b, "%s:%s", f->name, f->alias ? f->alias : "-");
    }
}

static void expect_join(const char *from, const char *want) {
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT * FROM %s", from);
    sp_parse_result r;
    const sp_select *s = select_of(&r, sql);
    if (s) {
        sl_buf b = {0};
        join_text(&b, s->from);
        CHECK(!strcmp(b.data, want), "join %s:\n  got  %s\n  want %s", from, b.data, want);
        sl_buf_free(&b);
    }
    sp_parse_result_free(&r);
}

static void test_joins(void) {
    expect_join("a JOIN b ON a.id = b.id", "(a:- JOIN b:- ON a.id = b.id)");
    expect_join("a AS x INNER JOIN b AS y ON x.id = y.id", "(a:x JOIN b:y ON x.id = y.id)");
    expect_join("a x LEFT JOIN b y ON x.id = y.id", "(a:x LEFT b:y ON x.id = y.id)");
    expect_join("a LEFT OUTER JOIN b ON TRUE", "(a:- LEFT b:- ON TRUE)");
    expect_join("a RIGHT JOIN b ON 1 = 1", "(a:- RIGHT b:- ON 1 = 1)");
    expect_join("a right outer join b on x", "(a:- RIGHT b:- ON x)");
    expect_join("a FULL JOIN b ON x", "(a:- FULL b:- ON x)");
    expect_join("a FULL OUTER JOIN b ON x AND y OR z", "(a:- FULL b:- ON x AND y OR z)");
    /* chains associate to the left */
    expect_join("a JOIN b ON p LEFT JOIN c ON q RIGHT JOIN d ON r",
                "(((a:- JOIN b:- ON p) LEFT c:- ON q) RIGHT d:- ON r)");
    /* subqueries and window TVFs as sides */
    expect_join("(SELECT 1 AS k) s JOIN TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' HOUR)) w ON s.k = w.k",
                "(sub:s JOIN tvf:w ON s.k = w.k)");
    expect_join("TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '1' HOUR)) AS l JOIN TABLE(TUMBLE(TABLE r, "
                "DESCRIPTOR(ts), INTERVAL '1' HOUR)) AS r ON l.window_start = r.window_start",
                "(tvf:l JOIN tvf:r ON l.window_start = r.window_start)");
    /* LEFT and RIGHT are names unless JOIN or OUTER follows them */
    expect_join("t left", "t:left");
    expect_join("t AS right", "t:right");
    expect_join("left AS l JOIN right ON left.a = right.a", "(left:l JOIN right:- ON left.a = right.a)");
    expect_join("t left JOIN u ON TRUE", "(t:- LEFT u:- ON TRUE)");
    expect_error("SELECT * FROM left JOIN u ON TRUE", 1, 15, "Syntax error near 'left'");
    /* positions: a join sits at its left side, join_line/col at its first word */
    sp_parse_result r;
    const sp_select *s = select_of(&r, "SELECT * FROM a\n  LEFT OUTER JOIN b ON a.x = b.x\n  JOIN c ON TRUE");
    if (s) {
        const sp_table_ref *f = s->from;
        CHECK(f->join == SP_JOIN_INNER && f->line == 1 && f->col == 15 && f->join_line == 3 && f->join_col == 3,
              "outer join at %d:%d, keyword %d:%d", f->line, f->col, f->join_line, f->join_col);
        CHECK(f->left->join == SP_JOIN_LEFT && f->left->join_line == 2 && f->left->join_col == 3 &&
                  f->left->on->line == 2 && f->left->on->col == 24 && !f->name && !f->subquery && !f->tvf &&
                  !f->alias,
              "inner join");
        CHECK(f->right->name && !strcmp(f->right->name, "c") && f->right->line == 3 && f->right->col == 8,
              "right side");
    }
    sp_parse_result_free(&r);
    /* the forms not supported yet */
    expect_error("SELECT * FROM a CROSS JOIN b", 1, 17, "CROSS JOIN is not supported yet");
    expect_error("SELECT * FROM a, b", 1, 16, "Comma-separated FROM items (implicit cross joins) are not supported yet");
    expect_error("SELECT * FROM a JOIN b ON TRUE, c", 1, 31, "Comma-separated FROM items");
    expect_error("SELECT * FROM a JOIN b USING (id)", 1, 24, "JOIN ... USING is not supported yet");
    expect_error("SELECT * FROM a LEFT JOIN b WHERE TRUE", 1, 17, "JOIN needs an ON condition");
    expect_error("SELECT * FROM a JOIN b", 1, 17, "JOIN needs an ON condition");
    expect_error("SELECT * FROM a JOIN b ON", 1, 26, "Unexpected end of input");
    expect_error("SELECT * FROM a OUTER JOIN b ON TRUE", 1, 17, "Syntax error near 'OUTER'");
}

/* ------------------------------------------------------------------ OVER */

static void test_over(void) {
    sp_parse_result r;
    const sp_expr *e = first_expr(&r, "ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC, d)");
    if (e) {
        const sp_window_spec *w = e->over;
        CHECK(e->kind == SP_E_OVER && e->nargs == 1 && e->args[0]->kind == SP_E_FUNC &&
                  !strcmp(e->args[0]->name, "ROW_NUMBER") && e->args[0]->nargs == 0 && e->line == 1 && e->col == 8,
              "row_number over");
        CHECK(w && w->npartition_by == 2 && !strcmp(w->partition_by[1]->name, "b") && w->norder_by == 2 &&
                  w->order_by[0].desc && !strcmp(w->order_by[0].expr->name, "c") && !w->order_by[1].desc &&
                  w->frame == SP_FRAME_NONE && w->start_kind == SP_BOUND_NONE && !w->start && !w->end,
              "window spec");
    }
    sp_parse_result_free(&r);
    e = first_expr(&r, "RANK() OVER (ORDER BY x)");
    CHECK(e && e->kind == SP_E_OVER && e->over->npartition_by == 0 && e->over->norder_by == 1, "rank, order only");
    sp_parse_result_free(&r);
    e = first_expr(&r, "DENSE_RANK() OVER (PARTITION BY y)");
    CHECK(e && e->kind == SP_E_OVER && e->over->npartition_by == 1 && e->over->norder_by == 0, "partition only");
    sp_parse_result_free(&r);
    e = first_expr(&r, "COUNT(*) OVER ()");
    CHECK(e && e->kind == SP_E_OVER && e->args[0]->star && e->over->npartition_by == 0 && e->over->norder_by == 0,
          "empty window");
    sp_parse_result_free(&r);
    e = first_expr(&r, "SUM(DISTINCT amount) FILTER (WHERE amount > 0) OVER (PARTITION BY product ORDER BY ts RANGE "
                       "BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)");
    if (e) {
        const sp_window_spec *w = e->over;
        CHECK(e->kind == SP_E_OVER && e->args[0]->distinct && e->args[0]->filter, "aggregate over");
        CHECK(w->frame == SP_FRAME_RANGE && w->start_kind == SP_BOUND_PRECEDING && w->start &&
                  w->start->kind == SP_E_INTERVAL && w->end_kind == SP_BOUND_CURRENT_ROW && !w->end &&
                  w->frame_line == 1 && w->frame_col == 94,
              "range frame at %d:%d", w->frame_line, w->frame_col);
    }
    sp_parse_result_free(&r);
    e = first_expr(&r, "MAX(x) OVER (ORDER BY ts ROWS 10 PRECEDING)");
    CHECK(e && e->over->frame == SP_FRAME_ROWS && e->over->start_kind == SP_BOUND_PRECEDING &&
              !strcmp(e->over->start->text, "10") && e->over->end_kind == SP_BOUND_CURRENT_ROW,
          "single bound means AND CURRENT ROW");
    sp_parse_result_free(&r);
    e = first_expr(&r, "MAX(x) OVER (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND 2 FOLLOWING)");
    CHECK(e && e->over->start_kind == SP_BOUND_UNBOUNDED_PRECEDING && !e->over->start &&
              e->over->end_kind == SP_BOUND_FOLLOWING && !strcmp(e->over->end->text, "2"),
          "unbounded preceding .. following");
    sp_parse_result_free(&r);
    e = first_expr(&r, "MAX(x) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)");
    CHECK(e && e->over->start_kind == SP_BOUND_CURRENT_ROW && e->over->end_kind == SP_BOUND_UNBOUNDED_FOLLOWING,
          "current row .. unbounded following");
    sp_parse_result_free(&r);
    /* OVER is a term: it combines with operators, sits in any clause, and in subqueries */
    expect_shape("ROW_NUMBER() OVER (ORDER BY a) + 1", "(over[funcROW_NUMBER[]] + 1)");
    expect_shape("-COUNT(*) OVER (PARTITION BY a) * 2", "((- over[funcCOUNT[]]) * 2)");
    const sp_select *s = select_of(&r, "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, "
                                       "window_end ORDER BY price DESC) AS rownum FROM TABLE(TUMBLE(TABLE Bid, "
                                       "DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))) WHERE rownum <= 3");
    if (s) {
        const sp_select *in = s->from->subquery;
        CHECK(in && in->nitems == 2 && in->items[1].expr->kind == SP_E_OVER && !strcmp(in->items[1].alias, "rownum") &&
                  in->from->tvf,
              "window top-n");
    }
    sp_parse_result_free(&r);
    /* errors */
    expect_error("SELECT ROW_NUMBER() OVER w FROM t", 1, 26, "Named windows (OVER w) are not supported yet");
    expect_error("SELECT a OVER (ORDER BY b) FROM t", 1, 10, "Syntax error near 'OVER'");
    expect_error("SELECT SUM(x) OVER (ROWS UNBOUNDED FOLLOWING) FROM t", 1, 26,
                 "A window frame cannot start at UNBOUNDED FOLLOWING");
    expect_error("SELECT SUM(x) OVER (ROWS BETWEEN 1 PRECEDING AND UNBOUNDED PRECEDING) FROM t", 1, 50,
                 "A window frame cannot end at UNBOUNDED PRECEDING");
    expect_error("SELECT SUM(x) OVER (ROWS BETWEEN 2 FOLLOWING AND 1 PRECEDING) FROM t", 1, 50,
                 "A window frame cannot end at PRECEDING when it starts at FOLLOWING");
    expect_error("SELECT SUM(x) OVER (ROWS 5 FOLLOWING) FROM t", 1, 26, "cannot end at CURRENT ROW");
    expect_error("SELECT SUM(x) OVER (ORDER BY a ROWS) FROM t", 1, 36, "Syntax error near ')'");
    expect_error("SELECT SUM(x) OVER (PARTITION a) FROM t", 1, 21, "Syntax error near 'PARTITION'");
    expect_error("SELECT SUM(x) OVER (ORDER BY a) OVER (ORDER BY b) FROM t", 1, 33, "Syntax error near 'OVER'");
}

/* ------------------------------------------------------------------ GROUP BY */

/* Checks GROUP BY <group_by>: the distinct expressions ("a|b") and the sets ("(0,1)(0)()";
 * "" when the clause has none). */
static void expect_gsets(const char *group_by, const char *want_exprs, const char *want_sets) {
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT 1 FROM t GROUP BY %s", group_by);
    sp_parse_result r;
    const sp_select *s = select_of(&r, sql);
    if (s) {
        sl_buf b = {0}, g = {0};
        for (int i = 0; i < s->ngroup_by; i++) sl_buf_printf(&b, "%s%s", i ? "|" : "", sql_of(s->group_by[i]));
        for (int i = 0; i < s->ngsets; i++) {
            sl_buf_putc(&g, '(');
            for (int j = 0; j < s->gset_len[i]; j++) sl_buf_printf(&g, "%s%d", j ? "," : "", s->gsets[i][j]);
            sl_buf_putc(&g, ')');
        }
        CHECK(!strcmp(b.data ? b.data : "", want_exprs), "GROUP BY %s: expressions %s, want %s", group_by,
              b.data ? b.data : "", want_exprs);
        CHECK(!strcmp(g.data ? g.data : "", want_sets), "GROUP BY %s: sets %s, want %s", group_by,
              g.data ? g.data : "", want_sets);
        CHECK(s->ngsets == 0 || s->gsets_line == 1, "sets position");
        sl_buf_free(&b);
        sl_buf_free(&g);
    }
    sp_parse_result_free(&r);
}

static void test_grouping_sets(void) {
    /* plain GROUP BY: no sets; repeats merged (case-insensitively, but not inside strings) */
    expect_gsets("a, b", "a|b", "");
    expect_gsets("a, A, `a`, b, t.a, T.A", "a|b|t.a", "");
    expect_gsets("UPPER(s) = 'A', upper(S) = 'a', upper(s)='A'", "UPPER(s) = 'A'|UPPER(S) = 'a'", "");
    expect_gsets("`it's` || 'X', `IT'S` || 'X', `it's` || 'x'", "`it's` || 'X'|`it's` || 'x'", "");
    expect_gsets("(a)", "a", "");
    /* ROLLUP, CUBE, GROUPING SETS, () */
    expect_gsets("ROLLUP(a, b, c)", "a|b|c", "(0,1,2)(0,1)(0)()");
    expect_gsets("a, ROLLUP(b, c)", "a|b|c", "(0,1,2)(0,1)(0)");
    expect_gsets("CUBE (a, b)", "a|b", "(0,1)(0)(1)()");
    expect_gsets("CUBE(a, b, c)", "a|b|c", "(0,1,2)(0,1)(0,2)(0)(1,2)(1)(2)()");
    expect_gsets("GROUPING SETS ((a, b), (a), ())", "a|b", "(0,1)(0)()");
    expect_gsets("window_start, window_end, GROUPING SETS ((supplier, item), (supplier), ())",
                 "window_start|window_end|supplier|item", "(0,1,2,3)(0,1,2)(0,1)");
    expect_gsets("()", "", "()");
    expect_gsets("(), ()", "", "()");
    expect_gsets("(b, a)", "b|a", "(0,1)");
    expect_gsets("(a, a, b)", "a|b", "(0,1)");
    /* composite elements, repeats, nesting, cross products (first item slowest) */
    expect_gsets("ROLLUP(a, (b, c)), CUBE(d)", "a|b|c|d", "(0,1,2,3)(0,1,2)(0,3)(0)(3)()");
    expect_gsets("CUBE((a, b), c)", "a|b|c", "(0,1,2)(0,1)(2)()");
    expect_gsets("ROLLUP(a, a)", "a", "(0)()");
    expect_gsets("CUBE(a, a)", "a", "(0)()");
    expect_gsets("CUBE(a, (a, b))", "a|b", "(0,1)(0)()");
    expect_gsets("GROUPING SETS ((a), (a))", "a", "(0)(0)");
    expect_gsets("GROUPING SETS (a, b), GROUPING SETS (c, d)", "a|b|c|d", "(0,2)(0,3)(1,2)(1,3)");
    expect_gsets("GROUPING SETS (ROLLUP(a, b), c, (), GROUPING SETS ((d, e)))", "a|b|c|d|e", "(0,1)(0)()(2)()(3,4)");
    expect_gsets("ROLLUP(a), ROLLUP(a)", "a", "(0)(0)(0)()");
    expect_gsets("b, GROUPING SETS ((a, b), ())", "b|a", "(0,1)(0)");
    expect_gsets("a + 1, ROLLUP(A + 1, b)", "a + 1|b", "(0,1)(0)(0)");
    /* legacy group windows and functions named like the keywords are calls */
    expect_gsets("TUMBLE(ts, INTERVAL '1' HOUR), user", "TUMBLE(ts, INTERVAL '1' HOUR)|user", "");
    expect_gsets("HOP(ts, INTERVAL '1' MINUTE, INTERVAL '1' HOUR), SESSION(ts, INTERVAL '5' MINUTES)",
                 "HOP(ts, INTERVAL '1' MINUTE, INTERVAL '1' HOUR)|SESSION(ts, INTERVAL '5' MINUTE)", "");
    expect_gsets("cube, rollup, grouping, sets", "cube|rollup|grouping|sets", "");
    /* positions and limits */
    sp_parse_result r;
    const sp_select *s = select_of(&r, "SELECT 1 FROM t GROUP BY a,\n  CUBE(b)");
    CHECK(s && s->ngsets == 2 && s->gsets_line == 2 && s->gsets_col == 3, "gsets position");
    sp_parse_result_free(&r);
    s = select_of(&r, "SELECT 1 FROM t GROUP BY CUBE(a, b, c, d, e, f, g, h, i, j, k, l)");
    CHECK(s && s->ngsets == 4096 && s->gset_len[0] == 12 && s->gset_len[4095] == 0, "cube of 12");
    sp_parse_result_free(&r);
    expect_error("SELECT 1 FROM t GROUP BY a, CUBE(a, b, c, d, e, f, g, h, i, j, k, l, m)", 1, 29,
                 "GROUP BY expands to more than 4096 grouping sets");
    expect_error("SELECT 1 FROM t GROUP BY CUBE(a, b, c, d, e, f), CUBE(g, h, i, j, k, l), ROLLUP(m)", 1, 74,
                 "GROUP BY expands to more than 4096 grouping sets");
    expect_error("SELECT 1 FROM t GROUP BY GROUPING SETS (CUBE(a, b, c, d, e, f, g, h, i, j, k, l), ())", 1, 26,
                 "more than 4096 grouping sets");
    expect_error("SELECT 1 FROM t GROUP BY ROLLUP()", 1, 33, "Syntax error near ')'");
    expect_error("SELECT 1 FROM t GROUP BY GROUPING SETS a", 1, 40, "Syntax error near 'a'");
    /* GROUPING() stays a function */
    const sp_expr *e = first_expr(&r, "GROUPING(a, b)");
    CHECK(e && e->kind == SP_E_FUNC && !strcmp(e->name, "GROUPING") && e->nargs == 2, "GROUPING() call");
    sp_parse_result_free(&r);
}

/* ------------------------------------------------------------------ keywords as names */

static void test_new_keywords_as_names(void) {
    /* the new keywords stay usable as column, table and alias names where they were */
    sp_parse_result r = parse_ok(
        "SELECT left, right, partition, rows, range, current, row, cube, rollup, grouping, sets, descriptor, "
        "unbounded, preceding, following, size, data, step, gap, slide, `offset`, offset, timecol, session, tumble, "
        "hop, cumulate, LEFT(s, 2) AS left, RIGHT(s, 1) right FROM t AS rows;"
        "SELECT * FROM size; SELECT * FROM data d; SELECT * FROM left; SELECT * FROM partition;"
        "CREATE TABLE t2 (left INT, right INT, partition INT, rows INT, range INT, size INT, data STRING, session "
        "STRING, `offset` BIGINT METADATA VIRTUAL, pt AS PROCTIME(), ts TIMESTAMP(3), WATERMARK FOR ts AS ts - "
        "INTERVAL '1' SECONDS)",
        6);
    if (r.nstmts == 6) {
        const sp_select *s = r.stmts[0]->select;
        CHECK(s->nitems == 29 && !strcmp(s->items[0].expr->name, "left") && !strcmp(s->items[2].expr->name, "partition") &&
                  s->items[27].expr->kind == SP_E_FUNC && !strcmp(s->items[27].alias, "left") &&
                  !strcmp(s->items[28].alias, "right") && !strcmp(s->from->alias, "rows"),
              "keywords as names");
        CHECK(!strcmp(r.stmts[3]->select->from->name, "left") && !strcmp(r.stmts[4]->select->from->name, "partition"),
              "keywords as tables");
        const sp_create_table *ct = &r.stmts[5]->create;
        CHECK(ct->ncols == 11 && ct->cols[9].kind == SP_COL_COMPUTED && ct->cols[9].expr->kind == SP_E_FUNC &&
                  !strcmp(ct->cols[9].expr->name, "PROCTIME") && ct->cols[9].expr->nargs == 0,
              "PROCTIME() computed column");
    }
    sp_parse_result_free(&r);
    /* function-like syntax the planner needs: ordinary calls */
    expect_shape("TUMBLE_START(ts, INTERVAL '1' HOUR)", "funcTUMBLE_START[ts, interval[]]");
    expect_shape("CURRENT_WATERMARK(ts)", "funcCURRENT_WATERMARK[ts]");
    expect_shape("PROCTIME()", "funcPROCTIME[]");
    expect_shape("cube(x) + rollup(y)", "(funccube[x] + funcrollup[y])");
    /* plural interval units (as Flink's examples write them) equal the singular ones */
    const char *units[][2] = {{"INTERVAL '10' MINUTES", "INTERVAL '10' MINUTE"},
                              {"INTERVAL '10' SECONDS", "INTERVAL '10' SECOND"},
                              {"INTERVAL '2' HOURS", "INTERVAL '2' HOUR"},
                              {"INTERVAL '1' DAYS", "INTERVAL '1' DAY"},
                              {"INTERVAL '1' HOUR", "INTERVAL '1' HOUR"},
                              {"INTERVAL '3' MONTHS", "INTERVAL '3' MONTH"},
                              {"INTERVAL '1' YEARS", "INTERVAL '1' YEAR"},
                              {"interval '1 02' days to hours", "INTERVAL '1 02' DAY TO HOUR"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) expect_sql(units[i][0], units[i][1]);
}

/* ------------------------------------------------------------------ errors */

static void test_errors(void) {
    expect_error("SELECT a FROM t WHERE", 1, 22, "Unexpected end of input");
    expect_error("SELECT a FROM t WHERE;", 1, 22, "Unexpected end of input");
    expect_error("SELECT a\nFROM t\nWHERE\n\n", 3, 6, "Unexpected end of input");
    expect_error("SELEC 1", 1, 1, "Syntax error near 'SELEC'");
    expect_error("SELECT 1;\nSELECT * FROM t WHERE a = 'abc", 2, 27, "Unterminated string literal");
    expect_error("SELECT `abc", 1, 8, "Unterminated quoted identifier");
    expect_error("SELECT 1 /* no end", 1, 10, "Unterminated comment");
    expect_error("SELECT a # b", 1, 10, "Unexpected character '#'");
    expect_error("SELECT \"a\"", 1, 8, "backticks");
    expect_error("SELECT \x01", 1, 8, "Unexpected byte 0x01");
    expect_error("SELECT 12abc", 1, 8, "Malformed number '12abc'");
    expect_error("SELECT 1e", 1, 8, "Malformed number");
    expect_error("SELECT ``", 1, 8, "Empty quoted identifier");
    expect_error("SELECT a FROM t WHERE a = = 1", 1, 27, "Syntax error near '='");
    expect_error("CREATE TABLE t (a INT", 1, 22, "Unexpected end of input");
    expect_error("SELECT 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz' 'x'", 1, 63, "Syntax error near ''x''");
    expect_error("SELECT a FROM t LIMIT x", 1, 23, "Syntax error near 'x'");
    expect_error("SELECT (SELECT 1)", 1, 9, "Syntax error near 'SELECT'");
    /* a long token is shortened in the message */
    sp_parse_result r;
    CHECK(sp_parse("SELECT 1 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'", &r) < 0 && strstr(r.error, "...'"),
          "long token shortened: %s", r.error ? r.error : "");
    sp_parse_result_free(&r);
    /* the message has the excerpt and caret of sl_error_at */
    CHECK(sp_parse("SELECT 1;\n  SELEC 2", &r) < 0 && strstr(r.error, "line 2, column 3") &&
              strstr(r.error, "\n    SELEC 2\n    ^"),
          "caret: %s", r.error ? r.error : "");
    /* statements before the failing one are kept in the result */
    CHECK(r.nstmts == 1, "statements before the error: %d", r.nstmts);
    sp_parse_result_free(&r);
}

static void test_complete(void) {
    CHECK(sp_statement_complete("SELECT 1;"), "simple");
    CHECK(sp_statement_complete("SELECT 1;  -- done\n"), "comment after");
    CHECK(sp_statement_complete("SELECT 1; /* c */ "), "block comment after");
    CHECK(!sp_statement_complete("SELECT 1"), "no semicolon");
    CHECK(!sp_statement_complete("SELECT ';"), "in string");
    CHECK(!sp_statement_complete("SELECT `;"), "in backticks");
    CHECK(!sp_statement_complete("SELECT 1 /* ; */"), "in comment");
    CHECK(!sp_statement_complete("SELECT 1 -- ;"), "in line comment");
    CHECK(!sp_statement_complete("SELECT 1; SELECT 2"), "text after");
    CHECK(sp_statement_complete("SELECT 'a;b'\n, # ;"), "bad byte before ;");
    CHECK(!sp_statement_complete(""), "empty");
}

/* ------------------------------------------------------------------ robustness */

/* Parses s (which must not crash); returns whether it parsed. */
static bool survives(const char *s) {
    sp_parse_result r;
    int rc = sp_parse(s, &r);
    if (rc < 0) CHECK(r.error && r.err_line >= 1 && r.err_col >= 1, "error without position for input");
    sp_parse_result_free(&r);
    (void)sp_statement_complete(s);
    return rc == 0;
}

/* Checks that s fails with a message containing `want` (wherever it points). */
static void expect_message(const char *s, const char *want, const char *what) {
    sp_parse_result r;
    int rc = sp_parse(s, &r);
    CHECK(rc < 0 && r.error && strstr(r.error, want), "%s: expected '%s', got %s", what, want,
          r.error ? r.error : "success");
    sp_parse_result_free(&r);
}

static void test_limits(void) {
    size_t n = 200000;
    char *s = malloc(n * 4 + 64);
    /* deep parentheses: an error, not a stack overflow */
    strcpy(s, "SELECT ");
    size_t k = strlen(s);
    for (size_t i = 0; i < n; i++) s[k++] = '(';
    s[k] = 0;
    expect_error(s, 1, 8 + SP_MAX_PAREN_DEPTH, "Expression nested too deeply");
    /* up to the limit is fine */
    k = 7;
    for (int i = 0; i < SP_MAX_PAREN_DEPTH; i++) s[k++] = '(';
    s[k++] = '1';
    for (int i = 0; i < SP_MAX_PAREN_DEPTH; i++) s[k++] = ')';
    s[k] = 0;
    CHECK(survives(s), "%d nested parentheses parse", SP_MAX_PAREN_DEPTH);
    /* long operator chains and unary chains */
    k = 7;
    for (int i = 0; i < 5000; i++) { s[k++] = '1'; s[k++] = '+'; }
    s[k++] = '1';
    s[k] = 0;
    expect_error(s, 1, 8, "Expression nested too deeply");
    k = 7;
    for (size_t i = 0; i < n; i++) { s[k++] = '-'; s[k++] = ' '; }
    s[k++] = '1';
    s[k] = 0;
    expect_message(s, "Expression nested too deeply", "unary chain");
    k = 7;
    for (size_t i = 0; i < n / 4; i++) { memcpy(s + k, "NOT ", 4); k += 4; }
    s[k++] = 'a';
    s[k] = 0;
    expect_message(s, "Expression nested too deeply", "NOT chain");
    /* a long IN list and many statements are fine */
    strcpy(s, "SELECT a IN (");
    k = strlen(s);
    for (int i = 0; i < 100000; i++) { s[k++] = '1'; s[k++] = ','; }
    s[k++] = '2';
    s[k++] = ')';
    s[k] = 0;
    CHECK(survives(s), "long IN list");
    /* long JOIN chains nest to the left: fine up to the limit, then an error */
    strcpy(s, "SELECT * FROM t0");
    k = strlen(s);
    for (int i = 1; i <= 500; i++) k += (size_t)sprintf(s + k, " JOIN t%d ON TRUE", i);
    CHECK(survives(s), "500 joins");
    for (int i = 501; i <= 1200; i++) k += (size_t)sprintf(s + k, " JOIN t%d ON TRUE", i);
    expect_error(s, 1, 15, "FROM clause nested too deeply");
    /* deep expressions inside the new constructs are bounded like the others */
    const char *deep_in[] = {"SELECT ROW_NUMBER() OVER (PARTITION BY %s) FROM t",
                             "SELECT SUM(x) OVER (ORDER BY %s) FROM t",
                             "SELECT SUM(x) OVER (ORDER BY a ROWS %s PRECEDING) FROM t",
                             "SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), %s))",
                             "SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), 1, 2, %s))",
                             "SELECT * FROM a JOIN b ON %s",
                             "SELECT 1 FROM t GROUP BY CUBE(a, %s)"};
    char *chain = malloc(20000);
    k = 0;
    for (int i = 0; i < 5000; i++) { chain[k++] = '1'; chain[k++] = '+'; }
    chain[k++] = '1';
    chain[k] = 0;
    for (size_t i = 0; i < sizeof deep_in / sizeof deep_in[0]; i++) {
        snprintf(s, n * 4, deep_in[i], chain);
        expect_message(s, "Expression nested too deeply", deep_in[i]);
    }
    free(chain);
    /* a long GROUP BY list merges its repeats without quadratic work */
    strcpy(s, "SELECT 1 FROM t GROUP BY ");
    k = strlen(s);
    for (int i = 0; i < 60000; i++) k += (size_t)sprintf(s + k, "%sc%d", i ? ", " : "", i % 30000);
    sp_parse_result gr;
    CHECK(sp_parse(s, &gr) == 0 && gr.nstmts == 1 && gr.stmts[0]->select->ngroup_by == 30000 &&
              gr.stmts[0]->select->ngsets == 0,
          "long GROUP BY");
    sp_parse_result_free(&gr);
    /* grouping sets too large in all; a GROUP BY expression too deep */
    strcpy(s, "SELECT 1 FROM t GROUP BY ROLLUP(");
    k = strlen(s);
    for (int i = 0; i < 4000; i++) k += (size_t)sprintf(s + k, "%sc%d", i ? ", " : "", i);
    strcpy(s + k, ")");
    expect_error(s, 1, 26, "GROUP BY grouping sets are too large (more than 65536 expressions in all)");
    /* plain expressions beside a ROLLUP join every set, linearly */
    strcpy(s, "SELECT 1 FROM t GROUP BY ");
    k = strlen(s);
    for (int i = 0; i < 20000; i++) k += (size_t)sprintf(s + k, "c%d, ", i);
    strcpy(s + k, "ROLLUP(x, y)");
    CHECK(sp_parse(s, &gr) == 0 && gr.stmts[0]->select->ngsets == 3 && gr.stmts[0]->select->gset_len[0] == 20002 &&
              gr.stmts[0]->select->gset_len[2] == 20000 && gr.stmts[0]->select->gsets[2][19999] == 19999,
          "long GROUP BY with a ROLLUP");
    sp_parse_result_free(&gr);
    strcpy(s + k, "CUBE(x, y)");
    expect_error(s, 1, (int)k + 1, "GROUP BY grouping sets are too large");
    strcpy(s, "SELECT 1 FROM t GROUP BY ROLLUP(a, ");
    k = strlen(s);
    for (int i = 0; i < 5000; i++) { s[k++] = '1'; s[k++] = '+'; }
    strcpy(s + k, "1, 1+1)");
    expect_error(s, 1, 36, "Expression nested too deeply");
    k = 0;
    for (int i = 0; i < 50000; i++) { memcpy(s + k, "SHOW TABLES;", 12); k += 12; }
    s[k] = 0;
    sp_parse_result r;
    CHECK(sp_parse(s, &r) == 0 && r.nstmts == 50000, "many statements");
    sp_parse_result_free(&r);
    free(s);
    CHECK(sp_parse(NULL, &r) == 0 && r.nstmts == 0, "NULL input");
    sp_parse_result_free(&r);
}

static unsigned long long rng_state = 88172645463325252ULL;
static unsigned rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state >> 11);
}

static const char *CORPUS[] = {
    "CREATE TABLE IF NOT EXISTS orders (order_id BIGINT NOT NULL, customer STRING COMMENT 'c', amount "
    "DECIMAL(10, 2), ts TIMESTAMP(3), a AS amount * 2, p INT METADATA FROM 'partition' VIRTUAL, WATERMARK FOR ts "
    "AS ts - INTERVAL '5' SECOND, PRIMARY KEY (order_id) NOT ENFORCED) WITH ('connector' = 'kafka')",
    "INSERT INTO big SELECT order_id, UPPER(customer) AS who, CASE WHEN amount > 100 THEN 'big' ELSE 'small' END "
    "FROM orders o WHERE amount BETWEEN 1 AND 2 AND customer LIKE 'a%' OR NOT x IN (1, 2)",
    "SELECT COUNT(DISTINCT a) FILTER (WHERE a IS NOT NULL), TRIM(LEADING 'x' FROM s), SUBSTRING(s FROM 1 FOR 2), "
    "POSITION('a' IN s), CAST(x AS TIMESTAMP(3) WITH LOCAL TIME ZONE), TRY_CAST(y AS INT) FROM (SELECT * FROM t) "
    "AS sub GROUP BY a HAVING COUNT(*) > 1 ORDER BY a DESC LIMIT 5",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (-2, 'y''z'); EXPLAIN PLAN FOR SELECT 1; SET 'a' = 'b'; RESET; "
    "DESCRIBE t; SHOW TABLES; DROP TABLE IF EXISTS t; CREATE VIEW IF NOT EXISTS v (a) AS SELECT 1; SHOW VIEWS; "
    "DROP TEMPORARY VIEW IF EXISTS v",
    "SELECT w.a, ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC ROWS BETWEEN UNBOUNDED PRECEDING AND "
    "CURRENT ROW) AS rn, SUM(x) OVER (RANGE INTERVAL '1' HOUR PRECEDING) FROM TABLE(SESSION(TABLE bids PARTITION "
    "BY (a, b), DESCRIPTOR(ts), INTERVAL '5' MINUTES)) AS w LEFT OUTER JOIN u ON w.a = u.a JOIN TABLE(HOP(DATA => "
    "TABLE v, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '1' MINUTE, SIZE => INTERVAL '2' MINUTES)) x ON TRUE "
    "FULL JOIN (SELECT 1) s ON s.k = x.k GROUP BY a, ROLLUP(b, (c, d)), CUBE(e), GROUPING SETS ((f), ()), ()",
    "SELECT * FROM TABLE(TUMBLE(TABLE (SELECT * FROM t), DESCRIPTOR(ts), INTERVAL '10' MINUTES, INTERVAL '1' "
    "MINUTE)) RIGHT JOIN TABLE(SESSION(TABLE c.d.e PARTITION BY k, j, DESCRIPTOR(ts), INTERVAL '1' HOUR)) AS c "
    "ON TRUE GROUP BY TUMBLE(ts, INTERVAL '1' HOUR), GROUPING SETS (CUBE(a, b))",
};

/* Random bytes, random truncations and random token soups must never crash or leak. */
static void test_fuzz(void) {
    char buf[1024];
    int ok = 0;
    for (int iter = 0; iter < 3000; iter++) {
        int n = (int)(rnd() % 200);
        for (int i = 0; i < n; i++) buf[i] = (char)(rnd() % 255 + 1);
        buf[n] = 0;
        ok += survives(buf);
    }
    const char *alphabet = "SELECT FROM WHERE ( ) , ' ` -- /* */ ; a 1 . * + - = < > || \n";
    for (int iter = 0; iter < 3000; iter++) {
        int n = (int)(rnd() % 300);
        for (int i = 0; i < n; i++) buf[i] = alphabet[rnd() % strlen(alphabet)];
        buf[n] = 0;
        ok += survives(buf);
    }
    for (size_t c = 0; c < sizeof CORPUS / sizeof CORPUS[0]; c++) {
        const char *q = CORPUS[c];
        size_t len = strlen(q);
        CHECK(survives(q), "corpus %zu parses", c);
        for (size_t cut = 0; cut < len && cut < sizeof buf; cut++) {
            memcpy(buf, q, cut);
            buf[cut] = 0;
            ok += survives(buf);
        }
        for (int iter = 0; iter < 500; iter++) { /* splice: delete a random range */
            size_t a = rnd() % len, b = a + rnd() % 20;
            if (b > len) b = len;
            if (len >= sizeof buf) break;
            memcpy(buf, q, a);
            memcpy(buf + a, q + b, len - b);
            buf[a + len - b] = 0;
            ok += survives(buf);
        }
    }
    static const char *words[] = {"SELECT", "FROM", "WHERE", "(", ")", ",", "a", "1", "'s'", "AND", "OR", "NOT",
                                  "IN", "IS", "NULL", "CASE", "WHEN", "THEN", "END", "CAST", "AS", "INT", "TRIM",
                                  "POSITION", "SUBSTRING", "FOR", "INTERVAL", "SECOND", "TO", "DAY", "CREATE",
                                  "TABLE", "WATERMARK", "PRIMARY", "KEY", "METADATA", "VIRTUAL", "INSERT", "INTO",
                                  "VALUES", "EXPLAIN", "+", "*", "=", ";", "BETWEEN", "LIKE", "ESCAPE", "FILTER",
                                  "JOIN", "LEFT", "OUTER", "ON", "USING", "CROSS", "OVER", "PARTITION", "BY", "ORDER",
                                  "ROWS", "RANGE", "UNBOUNDED", "PRECEDING", "FOLLOWING", "CURRENT", "ROW", "GROUP",
                                  "ROLLUP", "CUBE", "GROUPING", "SETS", "()", "TUMBLE", "SESSION", "DESCRIPTOR",
                                  "=>", "SIZE", "DESC"};
    for (int iter = 0; iter < 5000; iter++) {
        size_t k = 0;
        int n = (int)(rnd() % 40);
        for (int i = 0; i < n; i++) {
            const char *w = words[rnd() % (sizeof words / sizeof words[0])];
            size_t wl = strlen(w);
            if (k + wl + 2 >= sizeof buf) break;
            memcpy(buf + k, w, wl);
            k += wl;
            buf[k++] = ' ';
        }
        buf[k] = 0;
        ok += survives(buf);
    }
    CHECK(ok > 0, "some fuzz inputs parse");
}

int main(void) {
    test_tokens();
    test_create_table();
    test_other_statements();
    test_select();
    test_window_tvf();
    test_joins();
    test_over();
    test_grouping_sets();
    test_new_keywords_as_names();
    test_precedence();
    test_expression_details();
    test_to_sql();
    test_errors();
    test_complete();
    test_limits();
    test_fuzz();
    printf("test_parser: %d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
