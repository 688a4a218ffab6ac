#!/usr/bin/python3
"""Differential check: filter/projection queries over a bounded random input must give the same
rows in Sluice (a continuous job from topic to topic) as in SQLite (a batch query over the same
rows). Prints PASS/FAIL per query and the closing line `N passed, N failed`."""
import argparse
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

from confluent_kafka import Producer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kafka"))
from kafka_read import read_partition  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (Sluice query, SQLite query or None for the same text, output columns as "name TYPE")
QUERIES = [
    ("SELECT id, a + 1 FROM t WHERE a > 10", None, "id INT, x INT"),
    ("SELECT id FROM t WHERE a > 10 OR b < 5", None, "id INT"),
    ("SELECT id FROM t WHERE NOT (a > 10 AND b < 5)", None, "id INT"),
    ("SELECT id, a IS NULL, s IS NOT NULL FROM t", None, "id INT, x BOOLEAN, y BOOLEAN"),
    ("SELECT id FROM t WHERE a IN (1, 2, 3, 50, NULL)", None, "id INT"),
    ("SELECT id FROM t WHERE a NOT IN (1, 2, 3)", None, "id INT"),
    ("SELECT id, b FROM t WHERE b BETWEEN 2 AND 8", None, "id INT, b DOUBLE"),
    ("SELECT id, UPPER(s) FROM t WHERE s LIKE 'a%'", None, "id INT, x STRING"),
    ("SELECT id, CASE WHEN a > 50 THEN 'big' WHEN a > 10 THEN 'mid' ELSE 'small' END FROM t", None, "id INT, x STRING"),
    ("SELECT id, COALESCE(s, 'none') || '-x' FROM t", None, "id INT, x STRING"),
    ("SELECT id, a * 2 - b FROM t WHERE a % 3 = 0", None, "id INT, x DOUBLE"),
    ("SELECT id, a / 7, a % 7 FROM t", None, "id INT, x INT, y INT"),
    ("SELECT id, SUBSTRING(s, 2, 2), LOWER(s), CHAR_LENGTH(s) FROM t",
     "SELECT id, substr(s, 2, 2), lower(s), length(s) FROM t", "id INT, x STRING, y STRING, z INT"),
    ("SELECT id, ABS(a - 50), b * b FROM t WHERE s IS NULL OR a IS NULL", None, "id INT, x INT, y DOUBLE"),
    ("SELECT id, a < b, a = b, NOT (a >= b) FROM t", None, "id INT, x BOOLEAN, y BOOLEAN, z BOOLEAN"),
    ("SELECT id FROM t WHERE b > a AND NOT s LIKE '%B_'", None, "id INT"),
    ("SELECT id, a IN (1, NULL), a NOT IN (2, 3) FROM t", None, "id INT, x BOOLEAN, y BOOLEAN"),
    ("SELECT id FROM t WHERE a NOT IN (1, NULL)", None, "id INT"),
    ("SELECT id, -a, NULLIF(a, 0), a - b * 2.5 FROM t WHERE a BETWEEN -10 AND 10 OR b NOT BETWEEN 1 AND 9",
     None, "id INT, x INT, y INT, z DOUBLE"),
    ("SELECT id, s || '/' || CAST(a AS STRING), UPPER(s) || LOWER(s) FROM t WHERE s <> '' OR a < 0",
     "SELECT id, s || '/' || CAST(a AS TEXT), upper(s) || lower(s) FROM t WHERE s <> '' OR a < 0",
     "id INT, x STRING, y STRING"),
    ("SELECT id, CASE WHEN s IS NULL THEN -1 WHEN s LIKE '%a%' THEN a ELSE a * 2 END FROM t WHERE a IS NOT NULL OR b > 5",
     None, "id INT, x INT"),
    ("SELECT id, SUBSTRING(s, 1, 3), SUBSTRING(s FROM 3) FROM t WHERE CHAR_LENGTH(s) > 2",
     "SELECT id, substr(s, 1, 3), substr(s, 3) FROM t WHERE length(s) > 2", "id INT, x STRING, y STRING"),
]


def make_rows(n, seed):
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        a = None if rnd.random() < 0.15 else rnd.randint(-50, 100)
        b = None if rnd.random() < 0.15 else rnd.randint(-8, 40) / 4
        s = None if rnd.random() < 0.15 else "".join(rnd.choice("abcAB") for _ in range(rnd.randint(0, 5)))
        rows.append({"id": i, "a": a, "b": b, "s": s})
    return rows


def norm(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and v == int(v) and abs(v) < 1e15:
        return int(v)
    return v


def same(x, y):
    if len(x) != len(y):
        return False
    for p, q in zip(x, y):
        if isinstance(p, float) or isinstance(q, float):
            if p is None or q is None or not math.isclose(p, q, rel_tol=1e-9, abs_tol=1e-12):
                return False
        elif p != q:
            return False
    return True


def consume(addr, topic):
    return [v for _, v in read_partition(addr, topic, group="diff")]


def run_seed(opts, seed):
    """One sluice run of every query over the rows of one seed; returns (passed, failed)."""
    rows = make_rows(opts.rows, seed)
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA case_sensitive_like = ON")
    db.execute("CREATE TABLE t (id INTEGER, a INTEGER, b REAL, s TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(r["id"], r["a"], r["b"], r["s"]) for r in rows])

    topics = ["t"] + [f"out{i}" for i in range(len(QUERIES))]
    broker = subprocess.Popen([opts.sluice, "broker"] + sum([["--topic", t + ":1"] for t in topics], []),
                              stdout=subprocess.PIPE, text=True)
    addr = broker.stdout.readline().strip()
    passed = failed = 0
    try:
        p = Producer({"bootstrap.servers": addr, "log_level": 3})
        for r in rows:
            p.produce("t", json.dumps(r).encode(), partition=0)
        p.flush(30)
        p = None  # gone before the broker stops, so it logs no reconnect attempts
        sql = ["CREATE TABLE t (id INT, a INT, b DOUBLE, s STRING) "
               "WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');"]
        for i, (q, _, cols) in enumerate(QUERIES):
            sql.append(f"CREATE TABLE out{i} ({cols}) WITH ('connector' = 'kafka', 'topic' = 'out{i}', 'format' = 'json');")
            sql.append(f"INSERT INTO out{i} {q};")
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write("\n".join(sql))
        try:
            with tempfile.TemporaryDirectory() as state:  # a fresh job each time
                r = subprocess.run([opts.sluice, "-f", f.name, "--set", "sluice.bootstrap.servers=" + addr,
                                    "--set", "scan.bounded.mode=latest-offset", "--state-dir", state],
                                   capture_output=True, text=True, timeout=300, errors="replace")
            if r.returncode != 0:
                print(f"FAIL seed {seed}: sluice run:", r.stderr[-2000:])
                failed += 1
        except subprocess.TimeoutExpired:
            print(f"FAIL seed {seed}: sluice run timed out after 300 s")
            failed += 1
        finally:
            os.unlink(f.name)
        for i, (q, lite, cols) in enumerate(QUERIES):
            names = [c.split()[0] for c in cols.split(",")]
            try:
                got = sorted((tuple(norm(json.loads(v)[n]) for n in names) for v in consume(addr, f"out{i}")),
                             key=repr)
            except Exception as e:  # noqa: BLE001 - reported as a failure of this query
                got = [("cannot read the output", repr(e))]
            want = sorted((tuple(norm(x) for x in row) for row in db.execute(lite or q)), key=repr)
            if len(got) == len(want) and all(same(a, b) for a, b in zip(got, want)):
                passed += 1
                print(f"PASS seed {seed}: {q}  ({len(got)} rows)")
            else:
                failed += 1
                diff = [(a, b) for a, b in zip(got, want) if not same(a, b)][:5]
                print(f"FAIL seed {seed}: {q}: sluice {len(got)} rows, sqlite {len(want)} rows; "
                      f"first differences (sluice, sqlite) {diff}")
    finally:
        broker.terminate()
        broker.wait(10)
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, action="append", help="random seed (repeatable; default 20261125 and 7)")
    opts = ap.parse_args()
    passed = failed = 0
    for seed in opts.seed or [20261125, 7]:
        p, f = run_seed(opts, seed)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
