#!/usr/bin/python3
"""Flink as the semantic oracle: the same input topic is read by Sluice and by Apache Flink SQL
(1.20, local mini-cluster, tests/flink/src/main/java/sluice/FlinkSql.java) running the same
statements (only the output topics differ); their output changelogs must be identical.
Runs against a real Apache Kafka broker (tests/kafka/kafka.sh). Append-only queries: outputs are
compared record by record in order (one partition). Aggregates write upsert-kafka tables whose
final tables (last value per key, tombstones deleting) must be identical. Normalized: JSON values are compared as
parsed values, so number spelling (110.4 vs 110.40) does not matter.
Prints PASS/FAIL per query and the closing line `N passed, N failed`."""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

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

SOURCE = ("CREATE TABLE orders (order_id BIGINT, customer STRING, amount DOUBLE, country STRING, qty INT, ts TIMESTAMP(3)) "
          "WITH ('connector' = 'kafka', 'topic' = 'diff-orders', 'properties.bootstrap.servers' = '{bs}', "
          "'properties.group.id' = '{group}', 'scan.startup.mode' = 'earliest-offset', "
          "'scan.bounded.mode' = 'latest-offset', 'format' = 'json');")
SINK = ("CREATE TABLE out{i} ({cols}) WITH ('connector' = 'kafka', 'topic' = '{topic}', "
        "'properties.bootstrap.servers' = '{bs}', 'format' = 'json');")


def statements(bs, who):
    out = [SOURCE.format(bs=bs, group="diff-" + who)]
    for i, (cols, q) in enumerate(QUERIES):
        out.append(SINK.format(i=i, cols=cols, topic=f"diff-{who}-{i}", bs=bs))
        out.append(f"INSERT INTO out{i} {q};")
    for i, (pk, cols, q) in enumerate(AGG_QUERIES):
        out.append(AGG_SINK.format(i=i, cols=cols, pk=pk, topic=f"diff-{who}-agg{i}", bs=bs))
        out.append(f"INSERT INTO agg{i} {q};")
    return "\n".join(out) + "\n"


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


def build_flink():
    """Compiles the oracle and returns its classpath (Maven resolves Flink once, then caches)."""
    cp_file = os.path.join(HERE, "target", "classpath.txt")
    if not os.path.exists(cp_file) or not os.path.exists(os.path.join(HERE, "target", "classes", "sluice", "FlinkSql.class")):
        subprocess.run(["mvn", "-q", "-B", "-f", os.path.join(HERE, "pom.xml"), "compile",
                        "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath", "-Dmdep.outputFile=" + cp_file], check=True)
    return os.path.join(HERE, "target", "classes") + ":" + open(cp_file).read().strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    ap.add_argument("--bootstrap", help="a running Kafka broker (default: start one with tests/kafka/kafka.sh)")
    ap.add_argument("--rows", type=int, default=300)
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
        p = Producer({"bootstrap.servers": bs})
        for r in make_rows(opts.rows, 7):
            p.produce("diff-orders", json.dumps(r).encode(), partition=0)
        p.flush(30)
        p = None
        with tempfile.TemporaryDirectory() as tmp:
            for who in ("sluice", "flink"):
                path = os.path.join(tmp, who + ".sql")
                with open(path, "w") as f:
                    f.write(statements(bs, who))
                cmd = [opts.sluice, "-f", path, "--state-dir", os.path.join(tmp, "state")] if who == "sluice" else \
                    ["java", "-Xmx1g", "-cp", classpath, "sluice.FlinkSql", path, "1"]
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
                if r.returncode != 0:
                    raise RuntimeError(f"{who} failed (exit status {r.returncode}): {r.stderr[-3000:]}")
        for i, (cols, q) in enumerate(QUERIES):
            s, f = consume(bs, f"diff-sluice-{i}"), consume(bs, f"diff-flink-{i}")
            if s == f and s:
                passed += 1
                print(f"PASS {q}  ({len(s)} rows)")
            else:
                failed += 1
                diff = [(a, b) for a, b in zip(s, f) if a != b][:3]
                print(f"FAIL {q}: sluice {len(s)} rows, flink {len(f)} rows; first differences {diff}")
        for i, (pk, cols, q) in enumerate(AGG_QUERIES):
            s, f = final_table(bs, f"diff-sluice-agg{i}"), final_table(bs, f"diff-flink-agg{i}")
            if s == f and s:
                passed += 1
                print(f"PASS {q}  ({len(s)} keys in the final table)")
            else:
                failed += 1
                keys = sorted(set(s) | set(f))
                diff = [(k, s.get(k), f.get(k)) for k in keys if s.get(k) != f.get(k)][:3]
                print(f"FAIL {q}: sluice {len(s)} keys, flink {len(f)} keys; first differences {diff}")
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
