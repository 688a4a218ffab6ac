/* test_planner.c: catalog, binding of statements, rewrites (calc merge, filter and projection
 * pushdown) and EXPLAIN text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../common/sl_buf.h"
#include "../../parser/sp_parse.h"
#include "../../planner/pl_plan.h"

#include "check.h"

static const char *DDL =
    "CREATE TABLE orders (order_id BIGINT, customer STRING, amount DOUBLE, country STRING,\n"
    "  ts TIMESTAMP(3), amount_eur AS amount * 0.92,\n"
    "  part INT METADATA FROM 'partition' VIRTUAL,\n"
    "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)\n"
    "  WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json');\n"
    "CREATE TABLE big_orders (order_id BIGINT, who STRING, amount_eur DOUBLE)\n"
    "  WITH ('connector' = 'kafka', 'topic' = 'big-orders', 'format' = 'json');\n";

/* Runs the DDL into a fresh catalog. */
static void setup(pl_catalog *cat) {
    memset(cat, 0, sizeof *cat);
    sp_parse_result r;
    if (sp_parse(DDL, &r) < 0) {
        printf("FAIL: DDL does not parse: %s\n", r.error);
        exit(1);
    }
    for (int i = 0; i < r.nstmts; i++) {
        char *err = NULL;
        int rc = pl_catalog_create(cat, r.stmts[i], DDL, &err);
        CHECK(rc == 0, "create table %d: %s", i, err ? err : "");
        free(err);
    }
    sp_parse_result_free(&r);
}

/* Plans `sql` (one statement); returns the EXPLAIN text or the error (malloc'd). */
static char *plan_text(pl_catalog *cat, const char *sql, bool *ok) {
    sp_parse_result r;
    *ok = false;
    if (sp_parse(sql, &r) < 0) {
        char *e = strdup(r.error);
        sp_parse_result_free(&r);
        return e;
    }
    char *err = NULL;
    pl_plan *p = pl_plan_statement(cat, r.stmts[0], sql, &err);
    sp_parse_result_free(&r);
    if (!p) return err;
    sl_buf b = {0};
    pl_explain(&b, p);
    pl_plan_free(p);
    *ok = true;
    return sl_buf_steal(&b);
}

int main(void) {
    pl_catalog cat;
    setup(&cat);
    bool ok;
    char *t;

    const pl_table *orders = pl_catalog_find(&cat, "ORDERS");
    CHECK(orders && orders->ncols == 7, "orders has 7 columns");
    CHECK(orders && orders->cols[5].type.id == SL_T_DOUBLE, "computed column typed DOUBLE");
    CHECK(orders && orders->cols[6].kind == SP_COL_METADATA && !strcmp(orders->cols[6].metadata_key, "partition"),
          "metadata column key");

    /* the pipeline: projection + filter pushdown, computed column evaluated in the scan */
    t = plan_text(&cat,
                  "INSERT INTO big_orders SELECT order_id, UPPER(customer), amount_eur FROM orders "
                  "WHERE amount > 100 AND country IN ('DE', 'FR') AND customer IS NOT NULL",
                  &ok);
    CHECK(ok, "insert plans: %s", t);
    CHECK(strstr(t, "Sink(table=[big_orders], fields=[order_id, who, amount_eur])"), "sink line: %s", t);
    CHECK(strstr(t, "fields=[order_id, customer, amount, country]"), "only used fields decoded: %s", t);
    CHECK(strstr(t, "computed=["), "computed column in scan: %s", t);
    CHECK(strstr(t, "filter=["), "filter pushed into scan: %s", t);
    CHECK(!strstr(t, "where=["), "no filter left in calc: %s", t);
    CHECK(!strstr(t, "ts") || !strstr(strstr(t, "fields=["), ", ts"), "ts not decoded: %s", t);
    free(t);

    /* subquery: calcs merge into one */
    t = plan_text(&cat, "SELECT x FROM (SELECT order_id AS x, amount FROM orders WHERE amount > 1) s WHERE x > 5", &ok);
    CHECK(ok, "subquery plans: %s", t);
    int calcs = 0;
    for (const char *p = t; (p = strstr(p, "Calc(")); p++) calcs++;
    CHECK(calcs == 1, "one Calc after merge, got %d: %s", calcs, t);
    CHECK(strstr(t, "fields=[order_id, amount]"), "subquery pushdown: %s", t);
    free(t);

    /* metadata column only */
    t = plan_text(&cat, "SELECT part FROM orders", &ok);
    CHECK(ok && strstr(t, "fields=[part]"), "metadata decode: %s", t);
    free(t);

    /* errors */
    t = plan_text(&cat, "SELECT * FROM order", &ok);
    CHECK(!ok && strstr(t, "Did you mean 'orders'") && strstr(t, "line 1, column 15"), "unknown table: %s", t);
    free(t);
    t = plan_text(&cat, "SELECT amout FROM orders", &ok);
    CHECK(!ok && strstr(t, "amount"), "unknown column suggestion: %s", t);
    free(t);
    t = plan_text(&cat, "INSERT INTO big_orders SELECT order_id, customer FROM orders", &ok);
    CHECK(!ok && strstr(t, "do not match"), "column count mismatch: %s", t);
    free(t);
    t = plan_text(&cat, "INSERT INTO big_orders SELECT order_id, customer, ts FROM orders", &ok);
    CHECK(!ok && strstr(t, "amount_eur"), "type mismatch names the column: %s", t);
    free(t);
    t = plan_text(&cat, "SELECT country, COUNT(*) FROM orders GROUP BY country", &ok);
    CHECK(ok && strstr(t, "GroupAggregate(groupBy=[country], select=[country, COUNT(*) AS EXPR$1])") &&
              strstr(t, "fields=[country]"), "group by: %s", t);
    free(t);
    t = plan_text(&cat, "SELECT country, amount FROM orders GROUP BY country", &ok);
    CHECK(!ok && strstr(t, "Expression 'amount' is not being grouped"), "not grouped: %s", t);
    free(t);
    t = plan_text(&cat, "SELECT UPPER(country), MAX(amount) - MIN(amount) FROM orders GROUP BY UPPER(country) "
                        "HAVING COUNT(DISTINCT customer) > 1", &ok);
    CHECK(ok && strstr(t, "groupBy=[$f0]") && strstr(t, "COUNT(DISTINCT customer)") && strstr(t, "having=["),
          "group by expression, having: %s", t);
    free(t);
    t = plan_text(&cat, "INSERT INTO big_orders SELECT MAX(order_id), MAX(customer), SUM(amount) FROM orders", &ok);
    CHECK(!ok && strstr(t, "doesn't support consuming update changes"), "updating into append-only: %s", t);
    free(t);
    t = plan_text(&cat, "SELECT SUM(customer) FROM orders", &ok);
    CHECK(!ok && strstr(t, "Cannot apply 'SUM' to STRING"), "sum of a string: %s", t);
    free(t);
    t = plan_text(&cat, "SELECT order_id FROM orders WHERE amount", &ok);
    CHECK(!ok && strstr(t, "BOOLEAN"), "non-boolean where: %s", t);
    free(t);

    /* VALUES */
    t = plan_text(&cat, "INSERT INTO big_orders VALUES (1, 'a', 2.5), (2, NULL, 3)", &ok);
    CHECK(ok && strstr(t, "Values(tuples=[2 rows])"), "values: %s", t);
    free(t);
    t = plan_text(&cat, "INSERT INTO big_orders VALUES (1, 'a')", &ok);
    CHECK(!ok, "values arity: %s", t);
    free(t);

    /* catalog */
    sp_parse_result r;
    sp_parse("CREATE TABLE orders (a INT) WITH ('connector' = 'blackhole')", &r);
    char *err = NULL;
    CHECK(pl_catalog_create(&cat, r.stmts[0], "x", &err) < 0 && strstr(err, "already exists"), "duplicate table");
    free(err);
    sp_parse_result_free(&r);
    CHECK(pl_catalog_drop(&cat, "big_orders") == 0 && !pl_catalog_find(&cat, "big_orders"), "drop");

    pl_catalog_free(&cat);
    printf("test_planner: %d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
