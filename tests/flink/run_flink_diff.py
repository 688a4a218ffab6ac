#!/usr/bin/python3
"""Flink as the semantic oracle: the same input topics are read by Sluice and by Apache Flink SQL
(1.20, local mini-cluster, tests/flink/src/main/java/sluice/FlinkSql.java) running the same
queries (only the output topics differ); their outputs must be identical.
Runs against a real Apache Kafka broker (tests/kafka/kafka.sh); every topic of a run has a
per-run prefix. Flink runs all INSERTs as one statement set (one job), Sluice one after another.
Append-only queries: outputs are compared record by record in order (one partition). Aggregates
write upsert-kafka tables whose final tables (last value per key, tombstones deleting) must be
identical. Event-time windows over out-of-order input (bids and offers, disorder up to 90 s, a
WATERMARK 2 minutes behind emitted after every record, so no record is late and windows fire
while the input is read; the end of the bounded input fires the rest): TUMBLE (also with an
offset), HOP, CUMULATE, SESSION (partitioned by one and two keys, and unpartitioned), GROUPING
SETS/ROLLUP/CUBE, legacy GROUP BY TUMBLE/HOP/SESSION with _START/_END/_ROWTIME, window Top-N over
a window aggregate and over a TVF, window deduplication (first and last row), window joins
(INNER, LEFT with a non-equi condition, FULL): their append-only outputs are compared as
multisets (the order within and across windows is not defined). Normalized: JSON values are
compared as parsed values, so number spelling (110.4 vs 110.40) does not matter.
Prints PASS/FAIL per query and the closing line `N passed, N failed`."""
import argparse
import collections
import datetime
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Producer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kafka"))
from kafka_read import read_partition  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

QUERIES = [
    ("order_id BIGINT, who STRING, amount_eur DOUBLE",
     "SELECT order_id, UPPER(customer), amount * 0.92 FROM orders "
     "WHERE amount > 100 AND country IN ('DE', 'FR') AND customer IS NOT NULL"),
    ("order_id BIGINT, amount DOUBLE",
     "SELECT order_id, amount FROM orders WHERE amount BETWEEN 50 AND 200 OR country = 'US'"),
    ("order_id BIGINT, size STRING",
     "SELECT order_id, CASE WHEN amount > 200 THEN 'big' WHEN amount > 50 THEN 'mid' ELSE 'small' END FROM orders"),
    ("order_id BIGINT, tag STRING",
     "SELECT order_id, COALESCE(customer, 'anon') || '@' || country FROM orders"),
    ("order_id BIGINT, n INT, pre STRING",
     "SELECT order_id, CHAR_LENGTH(customer), SUBSTRING(customer, 1, 3) FROM orders WHERE customer LIKE '%a%'"),
    ("order_id BIGINT, q3 INT, r INT",
     "SELECT order_id, qty / 3, MOD(qty, 3) FROM orders"),
    ("order_id BIGINT, amt INT, neg BOOLEAN",
     "SELECT order_id, CAST(amount AS INT), NOT (amount > 100) FROM orders"),
    ("order_id BIGINT, customer STRING, amount DOUBLE, country STRING, qty INT, ts TIMESTAMP(3)",
     "SELECT * FROM orders WHERE customer IS NULL OR qty IS NULL"),
    ("order_id BIGINT, ts TIMESTAMP(3), later TIMESTAMP(3), d DATE",
     "SELECT order_id, ts, ts + INTERVAL '90' SECOND, CAST(ts AS DATE) FROM orders WHERE ts IS NOT NULL"),
    ("order_id BIGINT, up STRING, low STRING, t STRING",
     "SELECT order_id, UPPER(country), LOWER(customer), TRIM(BOTH ' ' FROM CONCAT(' ', country, ' ')) FROM orders WHERE qty > 2"),
]

# Aggregates (issue 4): updating results into upsert-kafka tables; the *final tables* must be
# identical (the changelogs may differ in how updates are spelled: Flink writes a tombstone for
# an update's -U where a filter sits between the aggregate and the sink).
AGG_QUERIES = [
    ("country", "country STRING, n BIGINT, nx BIGINT, total DOUBLE, mean DOUBLE, lo DOUBLE, hi DOUBLE",
     "SELECT country, COUNT(*), COUNT(amount), SUM(amount), AVG(amount), MIN(amount), MAX(amount) "
     "FROM orders GROUP BY country"),
    ("who", "who STRING, countries BIGINT, q INT, avgq INT, first_ts TIMESTAMP(3), last_ts TIMESTAMP(3)",
     "SELECT COALESCE(customer, 'none'), COUNT(DISTINCT country), SUM(qty), AVG(qty), MIN(ts), MAX(ts) "
     "FROM orders GROUP BY COALESCE(customer, 'none')"),
    ("country, qty", "country STRING, qty INT, big BIGINT, a_sum DOUBLE",
     "SELECT country, qty, COUNT(*) FILTER (WHERE amount > 100), SUM(amount) FILTER (WHERE customer LIKE '%a%') "
     "FROM orders WHERE qty IS NOT NULL GROUP BY country, qty"),
    ("country", "country STRING, names STRING, first_name STRING, last_amount DOUBLE",
     "SELECT country, LISTAGG(customer, ';'), FIRST_VALUE(customer), LAST_VALUE(amount) FROM orders GROUP BY country"),
    ("cnt", "cnt BIGINT, customers BIGINT, qty_max INT",
     "SELECT cnt, COUNT(*), MAX(q) FROM (SELECT customer, COUNT(*) AS cnt, MAX(qty) AS q FROM orders "
     "WHERE customer IS NOT NULL GROUP BY customer) GROUP BY cnt"),
    ("country, qty", "country STRING, qty INT, total DOUBLE",
     "SELECT country, qty, SUM(amount) FROM orders WHERE qty IS NOT NULL GROUP BY country, qty "
     "HAVING SUM(amount) < 700"),
    ("k", "k STRING, n BIGINT, q INT, hi DOUBLE, people BIGINT",
     "SELECT k, COUNT(*), SUM(qty), MAX(amount), COUNT(DISTINCT customer) FROM "
     "(SELECT 'all' AS k, qty, amount, customer FROM orders) GROUP BY k"),
    ("m", "m BIGINT, n BIGINT, mean DOUBLE",
     "SELECT MOD(order_id, 7), COUNT(*), AVG(amount) FROM orders GROUP BY MOD(order_id, 7)"),
]
AGG_SINK = ("CREATE TABLE agg{i} ({cols}, PRIMARY KEY ({pk}) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', "
            "'topic' = '{topic}', 'properties.bootstrap.servers' = '{bs}', 'key.format' = 'json', "
            "'value.format' = 'json');")

# Event-time windows (issue 6) over out-of-order input: every kind of window query. Their
# outputs are append-only, and neither the order within a window nor across windows is defined:
# compared as multisets. Order keys of Top-N end in a unique column (bid times are distinct too),
# so ranks are deterministic.
TVF10 = "TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))"
WINDOW_QUERIES = [
    # TVF rows without aggregation (bidtime cast: Flink writes one time attribute per sink row)
    ("bid_id BIGINT, bidtime TIMESTAMP(3), window_start TIMESTAMP(3), window_end TIMESTAMP(3), window_time TIMESTAMP(3)",
     f"SELECT bid_id, CAST(bidtime AS TIMESTAMP(3)), window_start, window_end, window_time FROM {TVF10}"),
    ("bid_id BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3)",
     "SELECT bid_id, window_start, window_end FROM "
     "TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '15' MINUTES))"),
    # window aggregation: TUMBLE, TUMBLE with an offset, HOP, CUMULATE
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), n BIGINT, np BIGINT, total DECIMAL(18, 2), "
     "lo DECIMAL(10, 2), hi DECIMAL(10, 2), q INT, avgq INT, items BIGINT",
     "SELECT window_start, window_end, COUNT(*), COUNT(price), SUM(price), MIN(price), MAX(price), SUM(qty), "
     f"AVG(qty), COUNT(DISTINCT item) FROM {TVF10} GROUP BY window_start, window_end"),
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), supplier_id STRING, n BIGINT, total DECIMAL(18, 2), "
     "first_bid TIMESTAMP(3)",
     "SELECT window_start, window_end, supplier_id, COUNT(*), SUM(price), MIN(bidtime) FROM "
     "TABLE(TUMBLE(TABLE bids_late, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES, INTERVAL '3' MINUTES)) "
     "GROUP BY window_start, window_end, supplier_id"),
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), item STRING, n BIGINT, total DECIMAL(18, 2), hq INT",
     "SELECT window_start, window_end, item, COUNT(*), SUM(price), MAX(qty) FROM "
     "TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '15' MINUTES)) "
     "GROUP BY window_start, window_end, item"),
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), supplier_id STRING, n BIGINT, total DECIMAL(18, 2), items BIGINT",
     "SELECT window_start, window_end, supplier_id, COUNT(*), SUM(price), COUNT(DISTINCT item) FROM "
     "TABLE(CUMULATE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '20' MINUTES)) "
     "GROUP BY window_start, window_end, supplier_id"),
    # SESSION: partitioned by one key, unpartitioned, partitioned by two keys
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), window_time TIMESTAMP(3), supplier_id STRING, n BIGINT, "
     "total DECIMAL(18, 2), last_bid TIMESTAMP(3)",
     "SELECT window_start, window_end, window_time, supplier_id, COUNT(*), SUM(price), MAX(bidtime) FROM "
     "TABLE(SESSION(TABLE bids PARTITION BY supplier_id, DESCRIPTOR(bidtime), INTERVAL '3' MINUTES)) "
     "GROUP BY window_start, window_end, window_time, supplier_id"),
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), n BIGINT, q INT",
     "SELECT window_start, window_end, COUNT(*), SUM(qty) FROM "
     "TABLE(SESSION(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '2' MINUTES)) GROUP BY window_start, window_end"),
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), item STRING, supplier_id STRING, n BIGINT, hi DECIMAL(10, 2)",
     "SELECT window_start, window_end, item, supplier_id, COUNT(*), MAX(price) FROM "
     "TABLE(SESSION(TABLE bids PARTITION BY (item, supplier_id), DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)) "
     "GROUP BY window_start, window_end, item, supplier_id"),
    # GROUPING SETS, ROLLUP, CUBE over the window keys
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), supplier_id STRING, item STRING, n BIGINT, total DECIMAL(18, 2)",
     f"SELECT window_start, window_end, supplier_id, item, COUNT(*), SUM(price) FROM {TVF10} "
     "GROUP BY window_start, window_end, GROUPING SETS ((supplier_id), (item), ())"),
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), supplier_id STRING, item STRING, n BIGINT, q INT",
     "SELECT window_start, window_end, supplier_id, item, COUNT(*), SUM(qty) FROM "
     "TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '15' MINUTES)) "
     "GROUP BY window_start, window_end, ROLLUP (supplier_id, item)"),
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), supplier_id STRING, item STRING, n BIGINT, hi DECIMAL(10, 2)",
     "SELECT window_start, window_end, supplier_id, item, COUNT(*), MAX(price) FROM "
     "TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES, INTERVAL '20' MINUTES)) "
     "GROUP BY window_start, window_end, CUBE (supplier_id, item)"),
    # legacy group windows
    ("ws TIMESTAMP(3), we TIMESTAMP(3), wr TIMESTAMP(3), supplier_id STRING, n BIGINT, total DECIMAL(18, 2)",
     "SELECT TUMBLE_START(bidtime, INTERVAL '10' MINUTE), TUMBLE_END(bidtime, INTERVAL '10' MINUTE), "
     "TUMBLE_ROWTIME(bidtime, INTERVAL '10' MINUTE), supplier_id, COUNT(*), SUM(price) "
     "FROM bids GROUP BY TUMBLE(bidtime, INTERVAL '10' MINUTE), supplier_id"),
    ("ws TIMESTAMP(3), we TIMESTAMP(3), item STRING, n BIGINT, hq INT",
     "SELECT HOP_START(bidtime, INTERVAL '5' MINUTE, INTERVAL '15' MINUTE), "
     "HOP_END(bidtime, INTERVAL '5' MINUTE, INTERVAL '15' MINUTE), item, COUNT(*), MAX(qty) "
     "FROM bids GROUP BY HOP(bidtime, INTERVAL '5' MINUTE, INTERVAL '15' MINUTE), item"),
    ("ss TIMESTAMP(3), se TIMESTAMP(3), supplier_id STRING, n BIGINT, q INT",
     "SELECT SESSION_START(bidtime, INTERVAL '3' MINUTE), SESSION_END(bidtime, INTERVAL '3' MINUTE), supplier_id, "
     "COUNT(*), SUM(qty) FROM bids GROUP BY SESSION(bidtime, INTERVAL '3' MINUTE), supplier_id"),
    ("ss TIMESTAMP(3), se TIMESTAMP(3), n BIGINT",
     "SELECT SESSION_START(bidtime, INTERVAL '2' MINUTE), SESSION_END(bidtime, INTERVAL '2' MINUTE), COUNT(*) "
     "FROM bids GROUP BY SESSION(bidtime, INTERVAL '2' MINUTE)"),
    # window Top-N over a window aggregate and directly over the TVF
    ("window_start TIMESTAMP(3), window_end TIMESTAMP(3), supplier_id STRING, total DECIMAL(18, 2), n BIGINT, rn BIGINT",
     "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end "
     "ORDER BY total DESC, supplier_id) AS rn FROM (SELECT window_start, window_end, supplier_id, SUM(price) AS total, "
     f"COUNT(*) AS n FROM {TVF10} GROUP BY window_start, window_end, supplier_id)) WHERE rn <= 3"),
    ("bid_id BIGINT, price DECIMAL(10, 2), item STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3), rn BIGINT",
     "SELECT bid_id, price, item, window_start, window_end, rn FROM (SELECT *, ROW_NUMBER() OVER "
     "(PARTITION BY window_start, window_end, item ORDER BY price DESC, bid_id) AS rn FROM "
     "TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES))) WHERE rn <= 2"),
    # window deduplication: the last row of each window and supplier, the first row of each window
    ("bid_id BIGINT, supplier_id STRING, bidtime TIMESTAMP(3), window_start TIMESTAMP(3), window_end TIMESTAMP(3)",
     "SELECT bid_id, supplier_id, bidtime, window_start, window_end FROM (SELECT *, ROW_NUMBER() OVER "
     f"(PARTITION BY window_start, window_end, supplier_id ORDER BY bidtime DESC) AS rn FROM {TVF10}) WHERE rn <= 1"),
    ("bid_id BIGINT, item STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3)",
     "SELECT bid_id, item, window_start, window_end FROM (SELECT *, ROW_NUMBER() OVER "
     "(PARTITION BY window_start, window_end ORDER BY bidtime) AS rn FROM "
     "TABLE(CUMULATE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '15' MINUTES))) WHERE rn = 1"),
    # window joins of two topics
    ("bid_id BIGINT, item STRING, price DECIMAL(10, 2), offer_id BIGINT, ask DECIMAL(10, 2), "
     "window_start TIMESTAMP(3), window_end TIMESTAMP(3)",
     f"SELECT b.bid_id, b.item, b.price, o.offer_id, o.ask, b.window_start, b.window_end FROM (SELECT * FROM {TVF10}) b "
     f"JOIN (SELECT * FROM {TVF10.replace('bids', 'offers').replace('bidtime', 'otime')}) o "
     "ON b.item = o.item AND b.window_start = o.window_start AND b.window_end = o.window_end"),
    ("bid_id BIGINT, item STRING, offer_id BIGINT, window_start TIMESTAMP(3)",
     f"SELECT b.bid_id, b.item, o.offer_id, b.window_start FROM (SELECT * FROM {TVF10}) b "
     f"LEFT JOIN (SELECT * FROM {TVF10.replace('bids', 'offers').replace('bidtime', 'otime')}) o "
     "ON b.item = o.item AND b.window_start = o.window_start AND b.window_end = o.window_end AND b.price >= o.ask"),
    ("bid_id BIGINT, b_item STRING, offer_id BIGINT, o_item STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3)",
     "SELECT b.bid_id, b.item, o.offer_id, o.item, COALESCE(b.window_start, o.window_start), "
     "COALESCE(b.window_end, o.window_end) FROM (SELECT * FROM "
     "TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES))) b "
     "FULL JOIN (SELECT * FROM TABLE(HOP(TABLE offers, DESCRIPTOR(otime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES))) o "
     "ON b.item = o.item AND b.window_start = o.window_start AND b.window_end = o.window_end"),
]
# The bids' and offers' event times run ahead with bounded disorder (a record is at most
# DISORDER_MS behind the largest event time before it); the WATERMARK delay is larger, so no
# record is ever late. Both engines emit a watermark after every record ('on-event'), so
# windows fire while the input is read, and out-of-order records still reach open windows.
DISORDER_MS = 90_000
WATERMARK_DELAY_MS = 120_000
WATERMARK_DELAY = f"INTERVAL '{WATERMARK_DELAY_MS // 60_000}' MINUTE"
WINDOW_SOURCE = ("CREATE TABLE {name} ({cols}, WATERMARK FOR {time} AS {time} - {delay}) "
                 "WITH ('connector' = 'kafka', 'topic' = '{topic}', 'properties.bootstrap.servers' = '{bs}', "
                 "'properties.group.id' = '{group}', 'scan.startup.mode' = 'earliest-offset', "
                 "'scan.bounded.mode' = 'latest-offset', 'scan.watermark.emit.strategy' = 'on-event', "
                 "'format' = 'json');")
BID_COLS = "bid_id BIGINT, bidtime TIMESTAMP(3), price DECIMAL(10, 2), qty INT, item STRING, supplier_id STRING"
# (name, columns, time column, watermark delay, topic): bids_late reads the bids with a watermark
# a day behind, so that its windows fire only at the end of the input: Flink 1.20 loses rows of
# windows with an offset that fire while rows are buffered (its window aggregation flushes the
# buffer at the ends of the windows without the offset, FLINK-36664).
WINDOW_SOURCES = [("bids", BID_COLS, "bidtime", WATERMARK_DELAY, "bids"),
                  ("bids_late", BID_COLS, "bidtime", "INTERVAL '1' DAY", "bids"),
                  ("offers", "offer_id BIGINT, otime TIMESTAMP(3), ask DECIMAL(10, 2), item STRING", "otime",
                   WATERMARK_DELAY, "offers")]

SOURCE = ("CREATE TABLE orders (order_id BIGINT, customer STRING, amount DOUBLE, country STRING, qty INT, ts TIMESTAMP(3)) "
          "WITH ('connector' = 'kafka', 'topic' = '{topic}', 'properties.bootstrap.servers' = '{bs}', "
          "'properties.group.id' = '{group}', 'scan.startup.mode' = 'earliest-offset', "
          "'scan.bounded.mode' = 'latest-offset', 'format' = 'json');")
SINK = ("CREATE TABLE out{i} ({cols}) WITH ('connector' = 'kafka', 'topic' = '{topic}', "
        "'properties.bootstrap.servers' = '{bs}', 'format' = 'json');")


def statements(bs, who, pre):
    """The .sql file of one engine; its topics are named pre + name (a prefix per run, so that a
    rerun on the same broker starts from fresh topics). Flink runs all INSERTs as one statement
    set (one job: one start-up instead of one per query), Sluice one after the other."""
    ddl = [SOURCE.format(bs=bs, group=pre + who, topic=pre + "orders")]
    for name, cols, t, delay, topic in WINDOW_SOURCES:
        ddl.append(WINDOW_SOURCE.format(name=name, cols=cols, time=t, delay=delay, topic=pre + topic, bs=bs,
                                        group=f"{pre}{who}-{name}"))
    inserts = []
    for i, (cols, q) in enumerate(QUERIES):
        ddl.append(SINK.format(i=i, cols=cols, topic=f"{pre}{who}-{i}", bs=bs))
        inserts.append(f"INSERT INTO out{i} {q};")
    for i, (pk, cols, q) in enumerate(AGG_QUERIES):
        ddl.append(AGG_SINK.format(i=i, cols=cols, pk=pk, topic=f"{pre}{who}-agg{i}", bs=bs))
        inserts.append(f"INSERT INTO agg{i} {q};")
    for i, (cols, q) in enumerate(WINDOW_QUERIES):
        ddl.append(SINK.format(i=f"w{i}", cols=cols, topic=f"{pre}{who}-w{i}", bs=bs))
        inserts.append(f"INSERT INTO outw{i} {q};")
    if who == "sluice":
        return "\n".join(ddl + inserts) + "\n"
    # on one line: FlinkSql splits statements at a ';' that ends a line
    return "\n".join(ddl + ["EXECUTE STATEMENT SET BEGIN " + " ".join(inserts) + " END;"]) + "\n"


def make_rows(n, seed):
    rnd = random.Random(seed)
    names = ["anna", "bob", "carla", "dan", "eve", None]
    rows = []
    for i in range(n):
        rows.append({"order_id": i, "customer": rnd.choice(names),
                     "amount": rnd.choice([None, rnd.randint(0, 40000) / 100]),
                     "country": rnd.choice(["DE", "FR", "US", "GB"]),
                     "qty": rnd.choice([None, rnd.randint(0, 9)]),
                     "ts": rnd.choice([None, "2024-05-01 %02d:%02d:%02d.%s" % (rnd.randint(0, 23), rnd.randint(0, 59),
                                                                           rnd.randint(0, 59), rnd.choice(["000", "500", "123"]))])})
    return rows


def event_times(rnd, n, start_ms, step_max):
    """n distinct event times (ms) that run ahead by 5 s to step_max a record, with a pause of 6-15 min
    now and then (sessions end there), each pushed up to DISORDER_MS into the future: so
    records arrive out of order, but never more than DISORDER_MS behind the largest before."""
    t, out, seen = start_ms, [], set()
    for _ in range(n):
        t += rnd.randint(360_000, 900_000) if rnd.random() < 0.05 else rnd.randint(5_000, step_max)
        ts = t + rnd.randint(0, DISORDER_MS)
        while ts in seen:
            ts += 1
        seen.add(ts)
        out.append(ts)
    return out


def check_disorder(times):
    """The input's contract: every record is less than the watermark delay behind the largest
    event time before it, so it is later than any watermark and late in neither engine."""
    top = times[0]
    for ts in times:
        assert top - ts < WATERMARK_DELAY_MS, "a record would be late"
        top = max(top, ts)


def ms_text(ms):
    """An event time as JSON text: '2024-05-01 09:00:00.123' (UTC, no zone)."""
    d = datetime.datetime(2024, 5, 1) + datetime.timedelta(milliseconds=ms)
    return d.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (d.microsecond // 1000)


def make_bids(n, seed):
    """Bids: out-of-order event times from 09:00 on, NULL prices, quantities, items and
    suppliers now and then; bid_id is unique (the Top-N tie-breaker)."""
    rnd = random.Random(seed)
    times = event_times(rnd, n, 9 * 3600_000, 60_000)
    check_disorder(times)
    return [{"bid_id": i, "bidtime": ms_text(ts),
             "price": None if rnd.random() < 0.05 else rnd.randint(100, 50000) / 100,
             "qty": None if rnd.random() < 0.05 else rnd.randint(1, 20),
             "item": None if rnd.random() < 0.04 else rnd.choice("ABCDEFGH"),
             "supplier_id": None if rnd.random() < 0.03 else rnd.choice(["s1", "s2", "s3", "s4", "s5"])}
            for i, ts in enumerate(times)]


def make_offers(n, seed):
    """Offers over about the same time span as the bids, fewer and sparser, some for an item
    ('Z') no bid names: rows of either side without a partner for the outer joins."""
    rnd = random.Random(seed)
    times = event_times(rnd, n, 9 * 3600_000 + 120_000, 120_000)
    check_disorder(times)
    return [{"offer_id": 1000 + i, "otime": ms_text(ts),
             "ask": None if rnd.random() < 0.05 else rnd.randint(100, 50000) / 100,
             "item": None if rnd.random() < 0.04 else rnd.choice("ABCDEFGHZ")}
            for i, ts in enumerate(times)]


TS = re.compile(r"^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)(\.\d*)?$")


def normalize(v):
    """Timestamps compare by value, not by spelling: both engines write the fraction with as few
    digits as it needs ('10:00:00', '10:00:00.5'), but either reads '10:00:00.000' too."""
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items()}
    if isinstance(v, str):
        m = TS.match(v)
        if m:
            frac = (m.group(2) or "").rstrip("0").rstrip(".")
            return m.group(1).replace("T", " ") + frac
    return v


def consume(bs, topic):
    return [normalize(json.loads(v)) for _, v in read_partition(bs, topic, group="diff-reader")]


def final_table(bs, topic):
    """The table an upsert-kafka topic holds: the last value of each key (a tombstone removes
    the key), as {canonical key: value}."""
    table = {}
    for k, v in read_partition(bs, topic, group="diff-reader"):
        key = json.dumps(json.loads(k), sort_keys=True)
        if v is None:
            table.pop(key, None)
        else:
            table[key] = normalize(json.loads(v))
    return table


def same_multiset(s, f, q):
    """Compares two append-only outputs as multisets of rows and prints PASS or FAIL with the
    first rows only one side has."""
    cs = collections.Counter(json.dumps(v, sort_keys=True) for v in s)
    cf = collections.Counter(json.dumps(v, sort_keys=True) for v in f)
    if cs == cf and s:
        print(f"PASS {q}  ({len(s)} rows)")
        return True
    print(f"FAIL {q}: sluice {len(s)} rows, flink {len(f)} rows; only sluice {list((cs - cf).elements())[:3]}, "
          f"only flink {list((cf - cs).elements())[:3]}")
    return False


def produce(bs, topic, rows):
    """Writes rows as JSON records to partition 0 of topic, in order."""
    p = Producer({"bootstrap.servers": bs})
    for r in rows:
        p.produce(topic, json.dumps(r).encode(), partition=0)
    p.flush(30)


def build_flink():
    """Compiles the oracle (again when its source changed) and returns its classpath (Maven
    resolves Flink once, then caches)."""
    cp_file = os.path.join(HERE, "target", "classpath.txt")
    cls = os.path.join(HERE, "target", "classes", "sluice", "FlinkSql.class")
    src = os.path.join(HERE, "src", "main", "java", "sluice", "FlinkSql.java")
    if not os.path.exists(cp_file) or not os.path.exists(cls) or os.path.getmtime(cls) < os.path.getmtime(src):
        subprocess.run(["mvn", "-q", "-B", "-f", os.path.join(HERE, "pom.xml"), "compile",
                        "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath", "-Dmdep.outputFile=" + cp_file], check=True)
    return os.path.join(HERE, "target", "classes") + ":" + open(cp_file).read().strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    ap.add_argument("--bootstrap", help="a running Kafka broker (default: start one with tests/kafka/kafka.sh)")
    ap.add_argument("--rows", type=int, default=300)
    ap.add_argument("--bids", type=int, default=400, help="bids for the window queries (a third as many offers)")
    opts = ap.parse_args()
    passed = failed = 0
    kdir = None
    try:
        classpath = build_flink()
        bs = opts.bootstrap
        if not bs:
            kdir = tempfile.mkdtemp()
            bs = subprocess.run([os.path.join(ROOT, "tests", "kafka", "kafka.sh"), "start", kdir],
                                check=True, capture_output=True, text=True).stdout.strip()
        pre = f"diff-{os.getpid()}-"
        produce(bs, pre + "orders", make_rows(opts.rows, 7))
        produce(bs, pre + "bids", make_bids(opts.bids, 11))
        produce(bs, pre + "offers", make_offers(opts.bids // 3, 13))
        with tempfile.TemporaryDirectory() as tmp:
            for who in ("sluice", "flink"):
                path = os.path.join(tmp, who + ".sql")
                with open(path, "w") as f:
                    f.write(statements(bs, who, pre))
                cmd = [opts.sluice, "-f", path, "--state-dir", os.path.join(tmp, "state")] if who == "sluice" else \
                    ["java", "-Xmx1g", "-cp", classpath, "sluice.FlinkSql", path, "1"]
                t0 = time.monotonic()
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
                if r.returncode != 0:
                    raise RuntimeError(f"{who} failed (exit status {r.returncode}): {r.stderr[-3000:]}")
                print(f"{who} ran the statements in {time.monotonic() - t0:.1f} s")
        for i, (cols, q) in enumerate(QUERIES):
            s, f = consume(bs, f"{pre}sluice-{i}"), consume(bs, f"{pre}flink-{i}")
            if s == f and s:
                passed += 1
                print(f"PASS {q}  ({len(s)} rows)")
            else:
                failed += 1
                diff = [(a, b) for a, b in zip(s, f) if a != b][:3]
                print(f"FAIL {q}: sluice {len(s)} rows, flink {len(f)} rows; first differences {diff}")
        for i, (pk, cols, q) in enumerate(AGG_QUERIES):
            s, f = final_table(bs, f"{pre}sluice-agg{i}"), final_table(bs, f"{pre}flink-agg{i}")
            if s == f and s:
                passed += 1
                print(f"PASS {q}  ({len(s)} keys in the final table)")
            else:
                failed += 1
                keys = sorted(set(s) | set(f))
                diff = [(k, s.get(k), f.get(k)) for k in keys if s.get(k) != f.get(k)][:3]
                print(f"FAIL {q}: sluice {len(s)} keys, flink {len(f)} keys; first differences {diff}")
        for i, (cols, q) in enumerate(WINDOW_QUERIES):
            if same_multiset(consume(bs, f"{pre}sluice-w{i}"), consume(bs, f"{pre}flink-w{i}"), q):
                passed += 1
            else:
                failed += 1
    except Exception as e:
        failed += 1
        print(f"FAIL flink differential rig: {e}")
    finally:
        if kdir:
            subprocess.run([os.path.join(ROOT, "tests", "kafka", "kafka.sh"), "stop", kdir])
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
