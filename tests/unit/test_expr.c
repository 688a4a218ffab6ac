/* test_expr.c: the expression layer end to end: SQL text -> parser -> binder (types, implicit
 * casts, errors) -> evaluator, over one row of a test table. Also EXPLAIN text and the
 * helpers the planner uses (columns, remap, constants, coercion). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../common/sl_buf.h"
#include "../../common/sl_error.h"
#include "../../common/sl_format.h"
#include "../../parser/sp_parse.h"
#include "../../planner/pl_expr.h"
#include "../../runtime/rt_expr.h"

#include "check.h"

/* ---- the test table t ---- */

enum { C_I, C_B, C_D, C_S, C_N, C_TS, C_PRICE, C_FLAG, C_NS, C_AMOUNT, C_DT, C_NB, C_F, NCOLS };
static pl_scope_col COLS[NCOLS];
static const char *NAMES[NCOLS + 1];
static sl_value ROW[NCOLS];
static pl_scope SCOPE = {COLS, NCOLS};
static int64_t NOW; /* CURRENT_TIMESTAMP: 2024-01-01 10:00:00.123456 */

static sl_type ty(sl_type_id id, int p, int s, bool nn) {
    sl_type t = sl_type_make(id);
    if (p >= 0) t.precision = (uint8_t)p;
    if (s >= 0) t.scale = (uint8_t)s;
    t.not_null = nn;
    return t;
}

static void col(int i, const char *name, sl_type t, sl_value v) {
    COLS[i] = (pl_scope_col){"t", name, t, i};
    NAMES[i] = name;
    ROW[i] = v;
}

static int64_t ts_micros(const char *text) {
    int64_t us = 0;
    if (!sl_parse_timestamp(text, strlen(text), &us)) abort();
    return us;
}

static void setup(void) {
    col(C_I, "i", ty(SL_T_INT, -1, -1, true), sl_int(7));
    col(C_B, "b", ty(SL_T_BIGINT, -1, -1, false), sl_int(10000000000LL));
    col(C_D, "d", ty(SL_T_DOUBLE, -1, -1, false), sl_double(2.5));
    col(C_S, "s", ty(SL_T_STRING, -1, -1, false), sl_str("Hello", 5));
    col(C_N, "n", ty(SL_T_INT, -1, -1, false), sl_null());
    col(C_TS, "ts", ty(SL_T_TIMESTAMP, 3, -1, false), sl_int(ts_micros("2024-01-01 10:00:00.123")));
    col(C_PRICE, "price", ty(SL_T_DECIMAL, 10, 2, false), sl_int(1250));
    col(C_FLAG, "flag", ty(SL_T_BOOLEAN, -1, -1, false), sl_int(1));
    col(C_NS, "ns", ty(SL_T_STRING, -1, -1, false), sl_null());
    col(C_AMOUNT, "amount", ty(SL_T_DOUBLE, -1, -1, false), sl_double(110.86));
    int64_t days;
    sl_parse_date("2024-03-01", 10, &days);
    col(C_DT, "dt", ty(SL_T_DATE, -1, -1, false), sl_int(days));
    col(C_NB, "nb", ty(SL_T_BOOLEAN, -1, -1, false), sl_null());
    col(C_F, "f", ty(SL_T_FLOAT, -1, -1, false), sl_double(1.5));
    NOW = ts_micros("2024-01-01 10:00:00.123456");
}

/* ---- running expressions ---- */

typedef struct bound {
    sp_parse_result parsed;
    sl_arena *arena;
    char *sql;
    pl_expr *e;
    char *err; /* parse or bind error */
} bound;

/* Parses "SELECT <expr> FROM t" and binds the expression in `scope`. */
static void bind_in(bound *b, const char *expr, const pl_scope *scope) {
    memset(b, 0, sizeof *b);
    b->sql = sl_strdupf("SELECT %s FROM t", expr);
    b->arena = sl_arena_new(0);
    if (sp_parse(b->sql, &b->parsed) < 0) {
        b->err = sl_strdupf("PARSE: %s", b->parsed.error);
        return;
    }
    char *err = NULL;
    b->e = pl_bind_expr(b->parsed.stmts[0]->select->items[0].expr, scope, b->arena, b->sql, &err);
    if (!b->e) b->err = err ? err : sl_strdupf("(no message)");
}

static void unbind(bound *b) {
    sp_parse_result_free(&b->parsed);
    sl_arena_free(b->arena);
    free(b->sql);
    free(b->err);
}

/* The text of the result ("null" for NULL), "ERR: msg" for a bind error, "RTERR: msg" for a
 * runtime error. Boolean results are also checked against rt_eval_pred. */
static char *run(const char *expr) {
    bound b;
    bind_in(&b, expr, &SCOPE);
    char *out;
    if (!b.e) {
        out = sl_strdupf("ERR: %s", b.err);
    } else {
        rt_eval_ctx ctx = {b.arena, NULL, NOW};
        sl_value v = rt_eval(b.e, ROW, &ctx);
        if (ctx.error) {
            out = sl_strdupf("RTERR: %s", ctx.error);
        } else {
            sl_buf buf = {0};
            sl_format_value(&buf, b.e->type, v);
            out = sl_buf_steal(&buf);
            if (b.e->type.id == SL_T_BOOLEAN) {
                rt_eval_ctx c2 = {b.arena, NULL, NOW};
                bool p = rt_eval_pred(b.e, ROW, &c2);
                CHECK(p == (!v.null && v.i), "pred of %s", expr);
                free(c2.error);
            }
        }
        free(ctx.error);
    }
    unbind(&b);
    return out;
}

#define EQ(expr, want)                                                            \
    do {                                                                          \
        char *got_ = run(expr);                                                   \
        CHECK(strcmp(got_, want) == 0, "%s: got [%s], want [%s]", expr, got_, want); \
        free(got_);                                                               \
    } while (0)

/* Error (bind "ERR: " or runtime "RTERR: ") containing `part`. */
#define FAILS(expr, kind, part)                                                          \
    do {                                                                                 \
        char *got_ = run(expr);                                                          \
        CHECK(strncmp(got_, kind, strlen(kind)) == 0 && strstr(got_, part), "%s: got [%s], want %s...%s", \
              expr, got_, kind, part);                                                   \
        free(got_);                                                                      \
    } while (0)

/* Result type name (with NOT NULL when known). */
static char *type_of(const char *expr) {
    bound b;
    bind_in(&b, expr, &SCOPE);
    char tn[64];
    char *out = b.e ? sl_strdupf("%s", sl_type_name(b.e->type, tn, sizeof tn)) : sl_strdupf("ERR: %s", b.err);
    unbind(&b);
    return out;
}

#define TYPE(expr, want)                                                          \
    do {                                                                          \
        char *got_ = type_of(expr);                                               \
        CHECK(strcmp(got_, want) == 0, "type of %s: got [%s], want [%s]", expr, got_, want); \
        free(got_);                                                               \
    } while (0)

static char *text_of(const char *expr) {
    bound b;
    bind_in(&b, expr, &SCOPE);
    sl_buf buf = {0};
    if (b.e) pl_expr_to_text(&buf, b.e, NAMES);
    else sl_buf_printf(&buf, "ERR: %s", b.err);
    unbind(&b);
    return sl_buf_steal(&buf);
}

#define TEXT(expr, want)                                                          \
    do {                                                                          \
        char *got_ = text_of(expr);                                               \
        CHECK(strcmp(got_, want) == 0, "text of %s: got [%s], want [%s]", expr, got_, want); \
        free(got_);                                                               \
    } while (0)

/* ---- tests ---- */

static void test_logic(void) {
    static const char *const V[3] = {"TRUE", "FALSE", "CAST(NULL AS BOOLEAN)"};
    static const char *const AND[3][3] = {{"TRUE", "FALSE", "null"}, {"FALSE", "FALSE", "FALSE"}, {"null", "FALSE", "null"}};
    static const char *const OR[3][3] = {{"TRUE", "TRUE", "TRUE"}, {"TRUE", "FALSE", "null"}, {"TRUE", "null", "null"}};
    static const char *const NOT[3] = {"FALSE", "TRUE", "null"};
    char q[256];
    for (int x = 0; x < 3; x++) {
        for (int y = 0; y < 3; y++) {
            snprintf(q, sizeof q, "%s AND %s", V[x], V[y]);
            EQ(q, AND[x][y]);
            snprintf(q, sizeof q, "%s OR %s", V[x], V[y]);
            EQ(q, OR[x][y]);
        }
        snprintf(q, sizeof q, "NOT %s", V[x]);
        EQ(q, NOT[x]);
    }
    EQ("flag AND nb", "null");
    EQ("nb OR flag", "TRUE");
    EQ("i > 1 AND i < 10 AND s = 'Hello'", "TRUE");
    EQ("i > 100 OR n > 1", "null");
    EQ("NULL AND FALSE", "FALSE");
    EQ("nb IS NULL", "TRUE");
    EQ("nb IS NOT NULL", "FALSE");
    EQ("nb IS TRUE", "FALSE");
    EQ("nb IS NOT TRUE", "TRUE");
    EQ("nb IS FALSE", "FALSE");
    EQ("nb IS NOT FALSE", "TRUE");
    EQ("flag IS TRUE", "TRUE");
    EQ("flag IS FALSE", "FALSE");
    EQ("flag IS NOT FALSE", "TRUE");
    EQ("(i > 100) IS FALSE", "TRUE");
    EQ("s IS NOT NULL", "TRUE");
}

static void test_nulls(void) {
    EQ("n + 1", "null");
    EQ("i + NULL", "null");
    EQ("n = 1", "null");
    EQ("UPPER(ns)", "null");
    EQ("CHAR_LENGTH(ns)", "null");
    EQ("CONCAT(s, ns)", "null");
    EQ("s || ns", "null");
    EQ("CONCAT_WS('-', s, ns, 'x')", "Hello-x");
    EQ("CONCAT_WS(ns, 'a')", "null");
    EQ("COALESCE(n, 5)", "5");
    EQ("COALESCE(ns, s)", "Hello");
    EQ("COALESCE(n, NULL)", "null");
    EQ("COALESCE(n, 1.5)", "1.5");
    EQ("NULLIF(i, 7)", "null");
    EQ("NULLIF(i, 8)", "7");
    EQ("NULLIF(n, 8)", "null");
    EQ("IF(nb, 1, 2)", "2");
    EQ("IF(flag, 'a', 'b')", "a");
    EQ("IF(i > 5, s, ns)", "Hello");
    EQ("ABS(n)", "null");
    EQ("ROUND(CAST(NULL AS DOUBLE), 1)", "null");
    EQ("n IN (1, 2)", "null");
    EQ("1 IN (2, NULL)", "null");
    EQ("1 IN (1, NULL)", "TRUE");
    EQ("1 NOT IN (2, NULL)", "null");
    EQ("3 NOT IN (1, 2)", "TRUE");
    EQ("i IN (7, 8)", "TRUE");
    EQ("i IN (1.5, 7.0)", "TRUE");
    EQ("s IN ('DE', 'Hello')", "TRUE");
    EQ("n BETWEEN 1 AND 2", "null");
    EQ("5 BETWEEN 1 AND n", "null");
    EQ("0 BETWEEN 1 AND n", "FALSE");
    EQ("i BETWEEN 1 AND 10", "TRUE");
    EQ("i NOT BETWEEN 1 AND 10", "FALSE");
    EQ("i BETWEEN 10 AND 1", "FALSE");
    EQ("d BETWEEN 2 AND 3", "TRUE");
    EQ("n IS DISTINCT FROM 1", "TRUE");
    EQ("n IS DISTINCT FROM NULL", "FALSE");
    EQ("n IS NOT DISTINCT FROM CAST(NULL AS INT)", "TRUE");
    EQ("i IS NOT DISTINCT FROM 7.0", "TRUE");
    EQ("s IS DISTINCT FROM 'Hello'", "FALSE");
    EQ("ns IS DISTINCT FROM s", "TRUE");
}

static void test_arith(void) {
    EQ("1 + 2", "3");
    EQ("7 / 2", "3");
    EQ("-7 / 2", "-3");
    EQ("7 % 3", "1");
    EQ("-7 % 3", "-1");
    EQ("MOD(7, -3)", "1");
    FAILS("7 / 0", "RTERR: ", "Division by zero");
    FAILS("i % 0", "RTERR: ", "Division by zero");
    FAILS("b / 0", "RTERR: ", "Division by zero");
    EQ("2147483647 + 1", "-2147483648");
    EQ("i * 1000000000", "-1589934592");
    EQ("9223372036854775807 + 1", "-9223372036854775808");
    EQ("CAST(-2147483648 AS INT) / -1", "-2147483648");
    EQ("CAST(-2147483648 AS INT) % -1", "0");
    EQ("-i", "-7");
    EQ("-(-i)", "7");
    EQ("+i", "7");
    EQ("i + b", "10000000007");
    EQ("i + d", "9.5");
    EQ("d * 2", "5.0");
    EQ("d / 0", "Infinity");
    EQ("-d / 0", "-Infinity");
    EQ("CAST(0 AS DOUBLE) / 0", "NaN");
    EQ("CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE)", "0.30000000000000004");
    EQ("amount * 0.92", "101.9912");
    EQ("f + f", "3.0");
    EQ("f * i", "10.5");
    /* decimals */
    EQ("0.1 + 0.2", "0.3");
    EQ("7.0 / 2", "3.500000000000");
    EQ("1.0 / 3", "0.333333333333");
    EQ("2.0 / 3", "0.666666666667");
    EQ("-2.0 / 3", "-0.666666666667");
    EQ("0.92 * 100", "92.00");
    EQ("price + 1", "13.50");
    EQ("price * price", "156.2500");
    EQ("price - 0.505", "11.995");
    EQ("price / 4", "3.1250000000");
    EQ("price % 5", "2.50");
    EQ("-price", "-12.50");
    EQ("price + d", "15.0");
    EQ("CAST(999999999999999999 AS DECIMAL(18, 0)) + 1", "null");
    FAILS("price / 0", "RTERR: ", "Division by zero");
    EQ("1.5 * 2.5 * 1.5", "5.625");
}

static void test_time(void) {
    EQ("ts", "2024-01-01 10:00:00.123");
    EQ("ts + INTERVAL '5' SECOND", "2024-01-01 10:00:05.123");
    EQ("ts - INTERVAL '1' DAY", "2023-12-31 10:00:00.123");
    EQ("INTERVAL '2' HOUR + ts", "2024-01-01 12:00:00.123");
    EQ("ts + INTERVAL '1 02:03:04.5' DAY TO SECOND", "2024-01-02 12:03:04.623");
    EQ("ts - INTERVAL '10:30' HOUR TO MINUTE", "2023-12-31 23:30:00.123");
    EQ("ts + INTERVAL '1.5' SECOND", "2024-01-01 10:00:01.623");
    EQ("dt + INTERVAL '1' DAY", "2024-03-02");
    EQ("dt - INTERVAL '1' DAY", "2024-02-29");
    EQ("INTERVAL '5' SECOND + INTERVAL '1' MINUTE", "+0 00:01:05.000");
    EQ("ts > TIMESTAMP '2024-01-01 09:00:00'", "TRUE");
    EQ("ts = '2024-01-01 10:00:00.123'", "TRUE");
    EQ("dt < ts", "FALSE");
    EQ("dt = DATE '2024-03-01'", "TRUE");
    EQ("dt > '2024-02-01'", "TRUE");
    FAILS("INTERVAL '1' YEAR", "ERR: ", "year-month intervals are not supported yet");
    FAILS("INTERVAL 'x' SECOND", "ERR: ", "Invalid INTERVAL literal");
    EQ("TIMESTAMP '2024-01-01 00:00:00'", "2024-01-01 00:00:00.000");
    EQ("TIMESTAMP '2024-01-01 00:00:00.5'", "2024-01-01 00:00:00.5");
    EQ("DATE '2024-02-29'", "2024-02-29");
    FAILS("DATE '2023-02-29'", "ERR: ", "Invalid DATE literal '2023-02-29'");
    FAILS("TIMESTAMP '2024-13-01 00:00:00'", "ERR: ", "Invalid TIMESTAMP literal");
    EQ("CAST(ts AS DATE)", "2024-01-01");
    EQ("CAST(dt AS TIMESTAMP(3))", "2024-03-01 00:00:00.000");
    EQ("CAST(ts AS STRING)", "2024-01-01 10:00:00.123");
    EQ("CAST(ts AS TIMESTAMP(0))", "2024-01-01 10:00:00");
    EQ("CAST(ts AS TIMESTAMP_LTZ(3))", "2024-01-01 10:00:00.123");
    EQ("DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss')", "2024-01-01 10:00:00");
    EQ("DATE_FORMAT(ts, 'yyyyMMdd')", "20240101");
    EQ("DATE_FORMAT(ts, 'HH:mm:ss.SSS')", "10:00:00.123");
    EQ("DATE_FORMAT(ts, '''at'' h a, EEE MMM d')", "at 10 AM, Mon Jan 1");
    EQ("DATE_FORMAT(ts, 'EEEE d MMMM yy')", "Monday 1 January 24");
    EQ("DATE_FORMAT('2024-05-06 07:08:09', 'dd/MM/yy')", "06/05/24");
    EQ("DATE_FORMAT('garbage', 'yyyy')", "null");
    EQ("DATE_FORMAT(dt, 'yyyy-MM')", "2024-03");
    EQ("TO_TIMESTAMP('2024-01-01 10:00:00')", "2024-01-01 10:00:00.000");
    EQ("TO_TIMESTAMP('2024-01-01 10:00:00.123456')", "2024-01-01 10:00:00.123");
    EQ("TO_TIMESTAMP('2024/01/02 03:04', 'yyyy/MM/dd HH:mm')", "2024-01-02 03:04:00.000");
    EQ("TO_TIMESTAMP('20240102', 'yyyyMMdd')", "2024-01-02 00:00:00.000");
    EQ("TO_TIMESTAMP('02.01.2024 5:06:07 PM', 'dd.MM.yyyy h:mm:ss a')", "2024-01-02 17:06:07.000");
    EQ("TO_TIMESTAMP('2024-01-02 03:04:05.25', 'yyyy-MM-dd HH:mm:ss.SS')", "2024-01-02 03:04:05.250");
    EQ("TO_TIMESTAMP('bad')", "null");
    EQ("TO_TIMESTAMP('2024-02-30', 'yyyy-MM-dd')", "null");
    EQ("TO_TIMESTAMP('2024-01-01x', 'yyyy-MM-dd')", "null");
    EQ("CURRENT_TIMESTAMP", "2024-01-01 10:00:00.123");
    EQ("NOW() >= ts", "TRUE");
}

static void test_strings(void) {
    EQ("UPPER('abc')", "ABC");
    EQ("UPPER(s)", "HELLO");
    EQ("LOWER(s)", "hello");
    EQ("LOWER('ÄBC Straße')", "äbc straße");
    EQ("UPPER('äöü ß')", "ÄÖÜ ß");
    EQ("UPPER('привет')", "ПРИВЕТ");
    EQ("CHAR_LENGTH('héllo')", "5");
    EQ("CHARACTER_LENGTH('')", "0");
    EQ("SUBSTRING('Hello', 2)", "ello");
    EQ("SUBSTRING('Hello', 2, 3)", "ell");
    EQ("SUBSTRING('Hello', 0, 2)", "He");
    EQ("SUBSTRING('Hello', -3)", "llo");
    EQ("SUBSTRING('Hello', -3, 2)", "ll");
    EQ("SUBSTRING('Hello', -10)", "");
    EQ("SUBSTRING('Hello', 10)", "");
    EQ("SUBSTRING('Hello', 2, 100)", "ello");
    EQ("SUBSTRING('Hello', 2, -1)", "null");
    EQ("SUBSTRING('Hello' FROM 2 FOR 2)", "el");
    EQ("SUBSTRING('héllo', 2, 2)", "él");
    EQ("SUBSTR(s, 1, 1)", "H");
    EQ("CONCAT('[', TRIM('  a b  '), ']')", "[a b]");
    EQ("CONCAT('[', TRIM(LEADING FROM '  ab  '), ']')", "[ab  ]");
    EQ("TRIM(TRAILING 'x' FROM 'xxabxx')", "xxab");
    EQ("TRIM(BOTH 'xy' FROM 'xyaxbyx')", "axb");
    EQ("TRIM('é' FROM 'ééaéé')", "a");
    EQ("CONCAT('[', LTRIM('  a '), ']')", "[a ]");
    EQ("CONCAT('[', RTRIM('  a '), ']')", "[  a]");
    EQ("TRIM('   ')", "");
    EQ("CONCAT('a', 'b', 'c')", "abc");
    EQ("'a' || 1", "a1");
    EQ("'x' || NULL", "null");
    EQ("s || '!' || s", "Hello!Hello");
    EQ("REPLACE('banana', 'a', 'o')", "bonono");
    EQ("REPLACE('aaa', 'aa', 'b')", "ba");
    EQ("REPLACE('abc', '', '-')", "-a-b-c-");
    EQ("REPLACE('abc', 'x', 'y')", "abc");
    EQ("REPLACE(s, 'l', '')", "Heo");
    EQ("POSITION('l' IN 'Hello')", "3");
    EQ("POSITION('z' IN s)", "0");
    EQ("POSITION('' IN 'abc')", "1");
    EQ("POSITION('l' IN 'héllo')", "3");
    EQ("LOCATE('lo', s)", "4");
    /* LIKE */
    EQ("s LIKE 'H%'", "TRUE");
    EQ("s LIKE '_ello'", "TRUE");
    EQ("s LIKE '%ll%'", "TRUE");
    EQ("s LIKE 'h%'", "FALSE");
    EQ("s NOT LIKE 'H%'", "FALSE");
    EQ("s LIKE 'Hello'", "TRUE");
    EQ("s LIKE 'Hell'", "FALSE");
    EQ("'a_c' LIKE 'a\\_c'", "TRUE");
    EQ("'abc' LIKE 'a\\_c'", "FALSE");
    EQ("'100%' LIKE '100!%' ESCAPE '!'", "TRUE");
    EQ("'1000' LIKE '100!%' ESCAPE '!'", "FALSE");
    EQ("'a!b' LIKE 'a!!b' ESCAPE '!'", "TRUE");
    EQ("ns LIKE 'a'", "null");
    EQ("'héllo' LIKE 'h_llo'", "TRUE");
    EQ("'' LIKE '%'", "TRUE");
    EQ("'abc' LIKE ''", "FALSE");
    EQ("'aXbXc' LIKE '%X%X%'", "TRUE");
    EQ("'aXbc' LIKE '%X%X%'", "FALSE");
    EQ("'ab' LIKE 'a%%b'", "TRUE");
    EQ("'mississippi' LIKE '%iss%ppi'", "TRUE");
    FAILS("'ab' LIKE 'x' ESCAPE 'xy'", "ERR: ", "Invalid escape character 'xy'");
    /* comparisons */
    EQ("'a' < 'b'", "TRUE");
    EQ("'a' < 'ab'", "TRUE");
    EQ("'b' > 'ab'", "TRUE");
    EQ("s = 'Hello'", "TRUE");
    EQ("s <> 'hello'", "TRUE");
    EQ("'10' = 10", "TRUE");
    EQ("'10' > 9", "TRUE");
    EQ("'2.5' = d", "TRUE");
    FAILS("'abc' = 1", "RTERR: ", "Cannot cast 'abc' to INT");
}

static void test_case(void) {
    EQ("CASE WHEN i > 5 THEN 'big' ELSE 'small' END", "big");
    EQ("CASE WHEN i > 50 THEN 'big' ELSE 'small' END", "small");
    EQ("CASE i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END", "seven");
    EQ("CASE i WHEN 1 THEN 'one' END", "null");
    EQ("CASE WHEN nb THEN 1 ELSE 2 END", "2");
    EQ("CASE WHEN flag THEN 1 ELSE 2.5 END", "1.0");
    EQ("CASE n WHEN 1 THEN 'x' ELSE 'other' END", "other");
    FAILS("CASE WHEN flag THEN 'a' ELSE 1 END", "ERR: ", "Cannot mix STRING and INT in CASE");
    TYPE("CASE WHEN flag THEN 1 ELSE 2 END", "INT NOT NULL");
    TYPE("CASE WHEN flag THEN 1 END", "INT");
}

static void test_casts(void) {
    EQ("CAST('42' AS INT)", "42");
    EQ("CAST(' 42 ' AS INT)", "42");
    EQ("CAST('-42' AS BIGINT)", "-42");
    FAILS("CAST('abc' AS INT)", "RTERR: ", "Cannot cast 'abc' to INT");
    EQ("TRY_CAST('abc' AS INT)", "null");
    EQ("CAST('1.9' AS INT)", "1");
    FAILS("CAST('99999999999' AS INT)", "RTERR: ", "Cannot cast '99999999999' to INT");
    EQ("CAST('99999999999' AS BIGINT)", "99999999999");
    EQ("CAST(3.99 AS INT)", "3");
    EQ("CAST(-3.99 AS INT)", "-3");
    EQ("CAST(CAST(3.99 AS DOUBLE) AS INT)", "3");
    EQ("CAST(1.0E20 AS INT)", "2147483647");
    EQ("CAST(CAST(3000000000 AS BIGINT) AS INT)", "-1294967296");
    EQ("CAST(i AS STRING)", "7");
    EQ("CAST(d AS STRING)", "2.5");
    EQ("CAST(1.0E10 AS STRING)", "1.0E10");
    EQ("CAST(price AS STRING)", "12.50");
    EQ("CAST(flag AS STRING)", "TRUE");
    EQ("CAST(100 AS DOUBLE)", "100.0");
    EQ("CAST(0.1 AS DOUBLE)", "0.1");
    EQ("CAST('true' AS BOOLEAN)", "TRUE");
    EQ("CAST('FALSE' AS BOOLEAN)", "FALSE");
    EQ("CAST('yes' AS BOOLEAN)", "TRUE");
    FAILS("CAST('maybe' AS BOOLEAN)", "RTERR: ", "Cannot cast 'maybe' to BOOLEAN");
    EQ("CAST(1 AS BOOLEAN)", "TRUE");
    EQ("CAST(0 AS BOOLEAN)", "FALSE");
    EQ("CAST(TRUE AS INT)", "1");
    EQ("CAST('2024-01-01' AS DATE)", "2024-01-01");
    EQ("CAST('2024-01-01 23:59:59' AS DATE)", "2024-01-01");
    EQ("CAST('2024-01-01T10:00:00Z' AS TIMESTAMP(3))", "2024-01-01 10:00:00.000");
    EQ("CAST('2024-01-01' AS TIMESTAMP(3))", "2024-01-01 00:00:00.000");
    FAILS("CAST('2024-13-01' AS DATE)", "RTERR: ", "Cannot cast '2024-13-01' to DATE");
    EQ("CAST('2024-01-01 10:00:00.123456789' AS TIMESTAMP(9))", "2024-01-01 10:00:00.123456000");
    EQ("CAST(12.345 AS DECIMAL(4, 2))", "12.35");
    EQ("CAST(-12.345 AS DECIMAL(4, 2))", "-12.35");
    EQ("CAST(123.4 AS DECIMAL(3, 1))", "null");
    EQ("CAST(CAST(0.285 AS DOUBLE) AS DECIMAL(3, 2))", "0.29");
    EQ("CAST(CAST(1.0E-5 AS DOUBLE) AS DECIMAL(10, 5))", "0.00001");
    EQ("CAST('1.005' AS DECIMAL(5, 2))", "1.01");
    EQ("CAST('1e2' AS DECIMAL(5, 2))", "100.00");
    FAILS("CAST('abc' AS DECIMAL(5, 2))", "RTERR: ", "Cannot cast 'abc' to DECIMAL(5, 2)");
    EQ("CAST('123456' AS DECIMAL(5, 2))", "null");
    EQ("CAST(price AS DOUBLE)", "12.5");
    EQ("CAST(price AS INT)", "12");
    EQ("CAST(i AS DECIMAL(5, 2))", "7.00");
    EQ("CAST(1000 AS DECIMAL(5, 2))", "null");
    FAILS("CAST(flag AS TIMESTAMP(3))", "ERR: ", "Cannot cast BOOLEAN to TIMESTAMP(3)");
    FAILS("CAST(ts AS INT)", "ERR: ", "Cannot cast TIMESTAMP(3) to INT");
    EQ("CAST(s AS VARCHAR(2))", "Hello");
    EQ("CAST(1.5 AS FLOAT)", "1.5");
    EQ("CAST(CAST(0.1 AS FLOAT) AS DOUBLE)", "0.10000000149011612");
    EQ("CAST(CAST(0.1 AS FLOAT) AS STRING)", "0.1");
    EQ("CAST('NaN' AS DOUBLE)", "NaN");
    EQ("CAST('-Infinity' AS DOUBLE)", "-Infinity");
    FAILS("CAST('0x10' AS DOUBLE)", "RTERR: ", "Cannot cast '0x10' to DOUBLE");
    EQ("CAST('1.5e3' AS DOUBLE)", "1500.0");
    EQ("CAST(INTERVAL '5' SECOND AS STRING)", "+0 00:00:05.000");
    EQ("CAST(NULL AS INT)", "null");

    /* the runtime entry point used by formats */
    sl_arena *a = sl_arena_new(0);
    sl_value out;
    char *err = NULL;
    bool ok = rt_cast_value(sl_str("abc", 3), sl_type_make(SL_T_STRING), sl_type_make(SL_T_INT), a, &out, &err);
    CHECK(!ok && err && strcmp(err, "Cannot cast 'abc' to INT") == 0, "rt_cast_value error: %s", err ? err : "");
    free(err);
    err = NULL;
    ok = rt_cast_value(sl_str("12", 2), sl_type_make(SL_T_STRING), sl_type_make(SL_T_BIGINT), a, &out, &err);
    CHECK(ok && !out.null && out.i == 12 && !err, "rt_cast_value ok");
    ok = rt_cast_value(sl_str("x", 1), sl_type_make(SL_T_STRING), sl_type_make(SL_T_DATE), a, &out, NULL);
    CHECK(!ok && out.null, "rt_cast_value without message");
    sl_arena_free(a);
}

static void test_math(void) {
    EQ("ABS(-5)", "5");
    EQ("ABS(-2.5)", "2.5");
    EQ("ABS(CAST(-2147483648 AS INT))", "-2147483648");
    EQ("ABS(-d)", "2.5");
    EQ("ROUND(2.5)", "3");
    EQ("ROUND(-2.5)", "-3");
    EQ("ROUND(1.234, 2)", "1.23");
    EQ("ROUND(1.235, 2)", "1.24");
    EQ("ROUND(CAST(0.285 AS DOUBLE), 2)", "0.29");
    EQ("ROUND(CAST(2.5 AS DOUBLE))", "3.0");
    EQ("ROUND(CAST(-2.5 AS DOUBLE), 0)", "-3.0");
    EQ("ROUND(CAST(1234.5 AS DOUBLE), -2)", "1200.0");
    EQ("ROUND(CAST(9.99 AS DOUBLE), 1)", "10.0");
    EQ("ROUND(CAST(0.4 AS DOUBLE), 0)", "0.0");
    EQ("ROUND(CAST(0.5 AS DOUBLE), 0)", "1.0");
    EQ("ROUND(CAST(0.05 AS DOUBLE), 1)", "0.1");
    EQ("ROUND(CAST(123.456 AS DOUBLE), 5)", "123.456");
    EQ("ROUND(1234, -2)", "1200");
    EQ("ROUND(1250, -2)", "1300");
    EQ("ROUND(-1250, -2)", "-1300");
    EQ("ROUND(i, -1)", "10");
    EQ("ROUND(price, 1)", "12.5");
    EQ("ROUND(123.456, -1)", "120");
    EQ("ROUND(9.99, 1)", "10.0");
    EQ("ROUND(f, 0)", "2.0");
    TYPE("ROUND(price, 1)", "DECIMAL(10, 1)");
    TYPE("ROUND(1.234, 2)", "DECIMAL(4, 2) NOT NULL");
    FAILS("ROUND(price, i)", "ERR: ", "ROUND of a DECIMAL needs a constant number of digits");
    EQ("FLOOR(2.7)", "2");
    EQ("FLOOR(-2.7)", "-3");
    EQ("CEIL(2.1)", "3");
    EQ("CEIL(-2.1)", "-2");
    EQ("CEILING(CAST(2.1 AS DOUBLE))", "3.0");
    EQ("FLOOR(d)", "2.0");
    EQ("FLOOR(7)", "7");
    EQ("MOD(10, 3)", "1");
    EQ("POWER(2, 10)", "1024.0");
    EQ("POWER(2, 0.5)", "1.4142135623730951");
    EQ("SQRT(16)", "4.0");
    EQ("SQRT(-1)", "NaN");
}

/* Bind errors: message, suggestion and position (the expression starts at column 8). */
static void test_errors(void) {
    FAILS("amout + 1", "ERR: ", "line 1, column 8: Unknown column 'amout'. Did you mean 'amount'?");
    FAILS("zzz", "ERR: ", "Unknown column 'zzz'");
    {
        char *got = run("zzz");
        CHECK(!strstr(got, "Did you mean"), "no far suggestion: %s", got);
        free(got);
    }
    FAILS("i +\n  amout", "ERR: ", "line 2, column 3: Unknown column 'amout'. Did you mean 'amount'?");
    FAILS("UPPR(s)", "ERR: ", "line 1, column 8: Unknown function 'UPPR'. Did you mean 'UPPER'?");
    FAILS("frobnicate(s)", "ERR: ", "Unknown function 'frobnicate'");
    FAILS("SUBSTRING('a')", "ERR: ", "Function SUBSTRING expects 2 or 3 arguments");
    FAILS("UPPER('a', 'b')", "ERR: ", "Function UPPER expects 1 argument");
    FAILS("CONCAT_WS('a')", "ERR: ", "Function CONCAT_WS expects at least 2 arguments");
    FAILS("COUNT(i)", "ERR: ", "Aggregate function COUNT is not allowed here");
    FAILS("count(*)", "ERR: ", "Aggregate function COUNT is not allowed here");
    FAILS("ROW_NUMBER()", "ERR: ", "Window function ROW_NUMBER is not allowed here");
    FAILS("i + flag", "ERR: ", "column 8: Cannot apply '+' to INT and BOOLEAN");
    FAILS("flag > 1", "ERR: ", "Cannot apply '>' to BOOLEAN and INT");
    FAILS("i AND flag", "ERR: ", "Cannot apply 'AND' to INT and BOOLEAN");
    FAILS("NOT i", "ERR: ", "Cannot apply 'NOT' to INT");
    FAILS("SQRT(s)", "ERR: ", "Cannot apply 'SQRT' to STRING");
    FAILS("SUBSTRING(s, 1.5)", "ERR: ", "Cannot apply 'SUBSTRING' to STRING and DECIMAL(2, 1)");
    FAILS("i LIKE 'a'", "ERR: ", "Cannot apply 'LIKE' to INT");
    FAILS("i IN (1, flag)", "ERR: ", "Cannot apply 'IN' to INT, INT and BOOLEAN");
    FAILS("99999999999999999999", "ERR: ", "out of range");
    FAILS("u.i", "ERR: ", "Unknown table or alias 'u'");
    EQ("t.i", "7");
    EQ("T.I + 1", "8");
    EQ("AMOUNT", "110.86");
    /* ambiguity across two tables */
    pl_scope_col two[2] = {{"a", "x", sl_type_make(SL_T_INT), 0}, {"b", "X", sl_type_make(SL_T_INT), 1}};
    pl_scope sc = {two, 2};
    bound b;
    bind_in(&b, "x + 1", &sc);
    CHECK(!b.e && b.err && strstr(b.err, "Column 'x' is ambiguous"), "ambiguous: %s", b.err ? b.err : "");
    unbind(&b);
    bind_in(&b, "B.x + 1", &sc);
    CHECK(b.e && b.e->args[0]->kind == PL_X_COL && b.e->args[0]->col == 1, "qualified resolves: %s", b.err ? b.err : "");
    unbind(&b);
}

static void test_types(void) {
    TYPE("1", "INT NOT NULL");
    TYPE("-2147483648", "INT NOT NULL");
    TYPE("2147483648", "BIGINT NOT NULL");
    EQ("-2147483648 - 1", "2147483647");
    TYPE("3000000000", "BIGINT NOT NULL");
    TYPE("0.92", "DECIMAL(2, 2) NOT NULL");
    TYPE("12.50", "DECIMAL(4, 2) NOT NULL");
    TYPE("1.5E3", "DOUBLE NOT NULL");
    TYPE("'x'", "STRING NOT NULL");
    TYPE("NULL", "NULL");
    TYPE("i + 1", "INT NOT NULL");
    TYPE("i + b", "BIGINT");
    TYPE("i + d", "DOUBLE");
    TYPE("f + i", "FLOAT");
    TYPE("f + d", "DOUBLE");
    TYPE("price + price", "DECIMAL(11, 2)");
    TYPE("price * 2", "DECIMAL(18, 2)");
    TYPE("price / price", "DECIMAL(18, 8)");
    TYPE("7 / 2", "INT NOT NULL");
    TYPE("ts + INTERVAL '1' HOUR", "TIMESTAMP(3)");
    TYPE("CURRENT_TIMESTAMP", "TIMESTAMP_LTZ(3) NOT NULL");
    TYPE("i = 1", "BOOLEAN NOT NULL");
    TYPE("s = 'a'", "BOOLEAN");
    TYPE("s IS NULL", "BOOLEAN NOT NULL");
    TYPE("CAST(i AS VARCHAR(5))", "VARCHAR(5) NOT NULL");
    TYPE("TRY_CAST(s AS INT)", "INT");
    TYPE("UPPER(s)", "STRING");
    TYPE("UPPER('a')", "STRING NOT NULL");
    TYPE("CHAR_LENGTH(s)", "INT");
    TYPE("COALESCE(n, 0)", "INT NOT NULL");
    TYPE("TO_TIMESTAMP('x')", "TIMESTAMP(3)");
    TYPE("TIMESTAMP '2024-01-01 00:00:00.123456'", "TIMESTAMP(6) NOT NULL");
    TYPE("DATE '2024-01-01'", "DATE NOT NULL");
    TYPE("FLOOR(price)", "DECIMAL(9, 0)");
}

static void test_text(void) {
    TEXT("amount > 100 AND s IN ('DE', 'FR')", "((amount > 100) AND (s IN ('DE', 'FR')))");
    TEXT("UPPER(s)", "UPPER(s)");
    TEXT("CAST(i AS DOUBLE)", "CAST(i AS DOUBLE)");
    TEXT("i + d", "(CAST(i AS DOUBLE) + d)");
    TEXT("amount * 0.92", "(amount * 0.92)");
    TEXT("ts - INTERVAL '5' SECOND", "(ts - INTERVAL '5' SECOND)");
    TEXT("CASE WHEN i > 1 THEN 'a' ELSE 'b' END", "CASE WHEN (i > 1) THEN 'a' ELSE 'b' END");
    TEXT("s LIKE 'a%'", "(s LIKE 'a%')");
    TEXT("n IS NOT NULL", "(n IS NOT NULL)");
    TEXT("TRIM(s)", "TRIM(BOTH ' ' FROM s)");
    TEXT("-i", "-i");
    TEXT("s || 'x' || s", "(s || 'x' || s)");
    TEXT("i BETWEEN 1 AND 5", "(i BETWEEN 1 AND 5)");
    TEXT("NOT flag OR nb", "((NOT flag) OR nb)");
    TEXT("POSITION('a' IN s)", "POSITION('a' IN s)");
    TEXT("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP");
    TEXT("s = 'it''s'", "(s = 'it''s')");
    TEXT("ts > TIMESTAMP '2024-01-01 00:00:00'", "(ts > TIMESTAMP '2024-01-01 00:00:00.000')");
    TEXT("TRY_CAST(s AS INT) IS NULL", "(TRY_CAST(s AS INT) IS NULL)");
    TEXT("MOD(i, 2) = 0", "(MOD(i, 2) = 0)");
}

/* columns, remap, constants, coercion and assignability */
static void test_helpers(void) {
    bound b;
    bind_in(&b, "i + d > n", &SCOPE);
    bool used[NCOLS] = {0};
    pl_expr_columns(b.e, used);
    CHECK(used[C_I] && used[C_D] && used[C_N] && !used[C_S], "columns");
    int map[NCOLS];
    for (int i = 0; i < NCOLS; i++) map[i] = i;
    map[C_I] = C_S;
    pl_expr_remap(b.e, map);
    sl_buf t = {0};
    pl_expr_to_text(&t, b.e, NAMES);
    CHECK(strcmp(t.data, "((CAST(s AS DOUBLE) + d) > CAST(n AS DOUBLE))") == 0, "remap: %s", t.data);
    sl_buf_free(&t);
    CHECK(!pl_expr_is_constant(b.e), "not constant");
    unbind(&b);

    /* simple CASE copies its operand: remapping must move every copy once */
    bind_in(&b, "CASE i WHEN 1 THEN 'a' WHEN 2 THEN 'b' END", &SCOPE);
    map[C_I] = C_N;
    pl_expr_remap(b.e, map);
    pl_expr_to_text(&t, b.e, NAMES);
    CHECK(strcmp(t.data, "CASE WHEN (n = 1) THEN 'a' WHEN (n = 2) THEN 'b' END") == 0, "case remap: %s", t.data);
    sl_buf_free(&t);
    unbind(&b);

    static const char *const consts[] = {"1 + 2", "UPPER('a')", "CAST('1' AS INT)", NULL};
    for (int i = 0; consts[i]; i++) {
        bind_in(&b, consts[i], &SCOPE);
        CHECK(b.e && pl_expr_is_constant(b.e), "constant: %s", consts[i]);
        unbind(&b);
    }
    bind_in(&b, "CURRENT_TIMESTAMP", &SCOPE);
    CHECK(b.e && !pl_expr_is_constant(b.e), "CURRENT_TIMESTAMP is not constant");
    unbind(&b);

    /* coercion for INSERT */
    bind_in(&b, "flag", &SCOPE);
    char *err = NULL;
    CHECK(!pl_coerce(b.e, ty(SL_T_TIMESTAMP, 3, -1, false), b.arena, &err) && err &&
              strstr(err, "Cannot cast BOOLEAN to TIMESTAMP(3)"),
          "coerce error: %s", err ? err : "");
    free(err);
    unbind(&b);
    bind_in(&b, "i", &SCOPE);
    err = NULL;
    pl_expr *c = pl_coerce(b.e, sl_type_make(SL_T_DOUBLE), b.arena, &err);
    rt_eval_ctx ctx = {b.arena, NULL, 0};
    CHECK(c && c->type.id == SL_T_DOUBLE && rt_eval(c, ROW, &ctx).d == 7.0, "coerce INT to DOUBLE");
    CHECK(pl_coerce(b.e, ty(SL_T_INT, -1, -1, false), b.arena, &err) == b.e, "coerce to same type is a no-op");
    unbind(&b);
    bind_in(&b, "NULL", &SCOPE);
    c = pl_coerce(b.e, sl_type_make(SL_T_DATE), b.arena, &err);
    CHECK(c && c->kind == PL_X_CONST && c->type.id == SL_T_DATE && c->value.null, "NULL coerces to a typed NULL");
    unbind(&b);

    sl_type I = sl_type_make(SL_T_INT), B = sl_type_make(SL_T_BIGINT), D = sl_type_make(SL_T_DOUBLE);
    sl_type S = sl_type_make(SL_T_STRING), TS = ty(SL_T_TIMESTAMP, 3, -1, false), DT = sl_type_make(SL_T_DATE);
    CHECK(pl_assignable(I, B) && !pl_assignable(B, I), "int widening only");
    CHECK(pl_assignable(ty(SL_T_DECIMAL, 3, 1, false), D) && !pl_assignable(D, ty(SL_T_DECIMAL, 10, 2, false)), "decimal/double");
    CHECK(!pl_assignable(TS, D) && pl_assignable(I, S) && pl_assignable(sl_type_make(SL_T_NULL), DT), "misc assignable");
    CHECK(pl_assignable(DT, TS) && !pl_assignable(TS, DT), "date to timestamp");
    CHECK(pl_assignable(ty(SL_T_DECIMAL, 10, 2, false), ty(SL_T_DECIMAL, 5, 1, false)), "decimal family");
    CHECK(!pl_assignable(S, I) && !pl_assignable(sl_type_make(SL_T_BOOLEAN), I), "no string/bool to int");
}

int main(void) {
    setup();
    test_logic();
    test_nulls();
    test_arith();
    test_time();
    test_strings();
    test_case();
    test_casts();
    test_math();
    test_errors();
    test_types();
    test_text();
    test_helpers();
    printf("test_expr: %d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
