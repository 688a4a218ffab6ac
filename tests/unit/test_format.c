/* test_format.c: text forms of values (Java/Flink style doubles, decimals, timestamps, dates)
 * and the parsers of date/time and decimal text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../common/sl_buf.h"
#include "../../common/sl_format.h"

#include "check.h"

static void dbl(double d, const char *want) {
    sl_buf b = {0};
    sl_format_double(&b, d);
    CHECK(strcmp(b.data, want) == 0, "double %.17g: got %s, want %s", d, b.data, want);
    sl_buf_free(&b);
}

static void flt(float f, const char *want) {
    char b[SL_FMT_BUFSZ];
    sl_fmt_float(b, f);
    CHECK(strcmp(b, want) == 0, "float %.9g: got %s, want %s", (double)f, b, want);
}

static void dec(int64_t u, int s, const char *want) {
    sl_buf b = {0};
    sl_format_decimal(&b, u, s);
    CHECK(strcmp(b.data, want) == 0, "decimal %lld/%d: got %s, want %s", (long long)u, s, b.data, want);
    sl_buf_free(&b);
}

static void ts(int64_t us, int p, char sep, const char *want) {
    sl_buf b = {0};
    sl_format_timestamp(&b, us, p, sep);
    CHECK(strcmp(b.data, want) == 0, "timestamp %lld p%d: got %s, want %s", (long long)us, p, b.data, want);
    sl_buf_free(&b);
}

static void value(sl_type t, sl_value v, const char *want) {
    sl_buf b = {0};
    sl_format_value(&b, t, v);
    CHECK(b.data && strcmp(b.data, want) == 0, "value: got %s, want %s", b.data ? b.data : "", want);
    sl_buf_free(&b);
}

static void test_doubles(void) {
    dbl(1.0, "1.0");
    dbl(0.92, "0.92");
    dbl(100.0, "100.0");
    dbl(92.0, "92.0");
    dbl(0.1, "0.1");
    dbl(1e7, "1.0E7");
    dbl(1e10, "1.0E10");
    dbl(1.234e-5, "1.234E-5");
    dbl(1e-5, "1.0E-5");
    dbl(1e-4, "1.0E-4");
    dbl(0.001, "0.001");
    dbl(9999999.0, "9999999.0");
    dbl(1234567.0, "1234567.0");
    dbl(123456789.0, "1.23456789E8");
    dbl(-1.5, "-1.5");
    dbl(0.0, "0.0");
    dbl(-0.0, "-0.0");
    dbl(0.1 + 0.2, "0.30000000000000004");
    dbl(9007199254740992.0, "9.007199254740992E15");
    dbl(1e22, "1.0E22");
    dbl(123.456, "123.456");
    dbl(110.86 * 0.92, "101.9912");
    dbl(1.0 / 3, "0.3333333333333333");
    dbl(2.0 / 3, "0.6666666666666666");
    dbl(1.7976931348623157e308, "1.7976931348623157E308");
    dbl(NAN, "NaN");
    dbl(INFINITY, "Infinity");
    dbl(-INFINITY, "-Infinity");
    flt(0.1f, "0.1");
    flt(1.1f, "1.1");
    flt(1.5f, "1.5");
    flt(1e7f, "1.0E7");
    flt(16777216.0f, "1.6777216E7");
    flt(3.4028235e38f, "3.4028235E38");
    flt(0.3f, "0.3");
    char dg[24];
    int ex;
    int n = sl_double_digits(0.285, false, dg, &ex);
    CHECK(n == 3 && strcmp(dg, "285") == 0 && ex == 0, "digits of 0.285: %s e%d", dg, ex);
    n = sl_double_digits(-1500.0, false, dg, &ex);
    CHECK(n == 2 && strcmp(dg, "15") == 0 && ex == 4, "digits of -1500: %s e%d", dg, ex);
}

static void test_values(void) {
    dec(1250, 2, "12.50");
    dec(-5, 2, "-0.05");
    dec(0, 2, "0.00");
    dec(5, 0, "5");
    dec(123, 3, "0.123");
    dec(-123456, 3, "-123.456");
    dec(INT64_MIN, 0, "-9223372036854775808");
    dec(999999999999999999LL, 18, "0.999999999999999999");
    ts(0, 3, ' ', "1970-01-01 00:00:00.000");
    ts(-1, 6, ' ', "1969-12-31 23:59:59.999999");
    ts(-1000, 3, ' ', "1969-12-31 23:59:59.999");
    ts(1704103200123456LL, 0, ' ', "2024-01-01 10:00:00");
    ts(1704103200123456LL, 3, 'T', "2024-01-01T10:00:00.123");
    ts(1704103200123456LL, 9, ' ', "2024-01-01 10:00:00.123456000");
    sl_buf b = {0};
    sl_format_date(&b, 0);
    sl_buf_puts(&b, " ");
    sl_format_date(&b, -1);
    sl_buf_puts(&b, " ");
    sl_format_date(&b, 19723);
    CHECK(strcmp(b.data, "1970-01-01 1969-12-31 2024-01-01") == 0, "dates: %s", b.data);
    sl_buf_free(&b);

    sl_type t = sl_type_make(SL_T_BOOLEAN);
    value(t, sl_int(1), "TRUE");
    value(t, sl_int(0), "FALSE");
    value(t, sl_null(), "null");
    value(sl_type_make(SL_T_STRING), sl_str("abc", 3), "abc");
    value(sl_type_make(SL_T_INT), sl_int(-42), "-42");
    value(sl_type_make(SL_T_INTERVAL), sl_int(5000), "+0 00:00:05.000");
    value(sl_type_make(SL_T_INTERVAL), sl_int(-(86400000LL + 3723004)), "-1 01:02:03.004");
    sl_type d = sl_type_make(SL_T_DECIMAL);
    d.precision = 10;
    d.scale = 2;
    value(d, sl_int(9200), "92.00");
    sl_type tp = sl_type_make(SL_T_TIMESTAMP);
    tp.precision = 3;
    value(tp, sl_int(1704103200123456LL), "2024-01-01 10:00:00.123");
    value(sl_type_make(SL_T_FLOAT), sl_double((double)0.1f), "0.1");
    value(sl_type_make(SL_T_DATE), sl_int(19723), "2024-01-01");
}

static void test_civil(void) {
    CHECK(sl_days_from_civil(1970, 1, 1) == 0, "epoch");
    CHECK(sl_days_from_civil(2024, 1, 1) == 19723, "2024-01-01");
    CHECK(sl_days_from_civil(2000, 3, 1) - sl_days_from_civil(2000, 2, 28) == 2, "2000 is leap");
    CHECK(sl_days_from_civil(1900, 3, 1) - sl_days_from_civil(1900, 2, 28) == 1, "1900 is not leap");
    int bad = 0;
    for (int64_t z = -1000000; z <= 1000000; z += 13) {
        int64_t y;
        unsigned m, d;
        sl_civil_from_days(z, &y, &m, &d);
        if (sl_days_from_civil(y, m, d) != z || m < 1 || m > 12 || d < 1 || d > 31) bad++;
    }
    CHECK(bad == 0, "civil round trip: %d bad", bad);
    int64_t y;
    unsigned m, dd;
    sl_civil_from_days(-719468, &y, &m, &dd);
    CHECK(y == 0 && m == 3 && dd == 1, "0000-03-01: %lld-%u-%u", (long long)y, m, dd);
}

static bool pts(const char *s, int64_t *us) { return sl_parse_timestamp(s, strlen(s), us); }

static void test_parse(void) {
    int64_t us, days, u;
    CHECK(pts("2024-01-01 10:00:00", &us) && us == 1704103200000000LL, "plain timestamp");
    CHECK(pts("2024-01-01T10:00:00.123456789Z", &us) && us == 1704103200123456LL, "T, nanos, Z");
    CHECK(pts("2024-01-01 10:00", &us) && us == 1704103200000000LL, "no seconds");
    CHECK(pts("2024-01-01", &us) && us == 1704067200000000LL, "date only");
    CHECK(pts(" 2024-01-01 10:00:00.5 ", &us) && us == 1704103200500000LL, "blanks, fraction");
    CHECK(pts("2024-1-2 3:04:05", &us) && us == 1704164645000000LL, "one-digit fields");
    CHECK(pts("1969-12-31 23:59:59.999", &us) && us == -1000, "before the epoch");
    const char *bad[] = {"2024-02-30 00:00:00", "2024-01-01 24:00:00", "2024-01-01x", "24-01-01",
                         "2024-01-01 10:00:00.1234567890", "", "2024-01-01 10:60", "2024-01-01 10:00:00.",
                         "2024/01/01", NULL};
    for (int i = 0; bad[i]; i++) CHECK(!pts(bad[i], &us), "bad timestamp accepted: %s", bad[i]);
    CHECK(sl_parse_date("2024-02-29", 10, &days) && days == 19782, "leap day");
    CHECK(!sl_parse_date("2023-02-29", 10, &days), "no leap day in 2023");
    CHECK(!sl_parse_date("2024-01-01 10:00", 16, &days), "date with time");
    struct { const char *t; int s; bool ok; int64_t v; } D[] = {
        {"12.345", 2, true, 1235}, {"-12.345", 2, true, -1235}, {"12.344", 2, true, 1234},
        {"0.5", 0, true, 1}, {"-0.5", 0, true, -1}, {"0.49", 0, true, 0}, {"1e3", 0, true, 1000},
        {"1.5E-1", 2, true, 15}, {".5", 1, true, 5}, {"5.", 0, true, 5}, {"+7", 1, true, 70},
        {"99.999", 2, true, 10000}, {"0.000000000000000000001", 2, true, 0},
        {"999999999999999999", 0, true, 999999999999999999LL}, {"1000000000000000000", 0, false, 0},
        {"9.5", 17, true, 950000000000000000LL}, {"10", 17, false, 0},
        {"abc", 0, false, 0}, {"1.2.3", 0, false, 0}, {"", 0, false, 0}, {"1e", 0, false, 0},
        {"-", 0, false, 0}, {".", 0, false, 0}, {"00012.50", 2, true, 1250}};
    for (size_t i = 0; i < sizeof D / sizeof D[0]; i++) {
        u = -77;
        bool ok = sl_parse_decimal(D[i].t, strlen(D[i].t), D[i].s, &u);
        CHECK(ok == D[i].ok && (!ok || u == D[i].v), "decimal '%s' at %d: ok=%d v=%lld", D[i].t, D[i].s, ok,
              (long long)u);
    }
}

int main(void) {
    test_doubles();
    test_values();
    test_civil();
    test_parse();
    printf("test_format: %d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
