#!/usr/bin/python3
"""Differential check of continuous GROUP BY: the final table a Sluice job upserts into an
'upsert-kafka' topic (the last value of each key, tombstones removing keys) must equal SQLite's
batch GROUP BY over the same rows. Prints PASS/FAIL per query and seed and the closing line
`N passed, N failed`.

  run_group_differential.py [--sluice PATH] [--rows N] [--seed S]... [--mini-batch on|off|auto]

The input is random and bounded (default 4,000 rows, seeds 20261125 and 7), with NULLs in every
nullable column and skewed keys (some groups are big, many tiny), on one partition, since
FIRST_VALUE, LAST_VALUE and LISTAGG follow arrival order. A second input, an upsert-kafka topic
with updates and tombstones (also of keys that do not exist), is an updating source table; its
final table is computed here first and loaded into SQLite. Every query runs as one INSERT of one
`sluice -f` per seed, each into its own upsert-kafka topic on one `sluice broker`. With
`--mini-batch auto` (the default) the first seed runs per record and every other seed with
mini-batch folding (`table.exec.mini-batch.*`); the final tables must be the same.

The expected results come from sqlite3 with Flink's semantics added as user-defined aggregates:
AVG of an integer type divides the exact sum by the count and truncates (Java division), AVG of
DECIMAL(10, 2) has scale 6 rounded half up, FIRST_VALUE / LAST_VALUE / LISTAGG take the
non-NULL values in arrival order (the row id). DECIMAL values are kept in SQLite as integers of
their smallest unit (cents), so sums are exact; doubles are multiples of 0.25 so sums are exact
in any order."""
import argparse
import itertools
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal

from confluent_kafka import Producer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kafka"))
from kafka_read import read_partition  # noqa: E402
from sluice_proc import broker_address, start_broker, stop_group  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Sluice's input table t and its SQLite twin (d DECIMAL(10, 2) is dc, an integer of cents there).
T_DDL = ("CREATE TABLE t (id INT, k STRING, g INT, i INT, b BIGINT, x DOUBLE, d DECIMAL(10, 2), "
         "s STRING, ts TIMESTAMP(3)) WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');")
ACC_DDL = ("CREATE TABLE acc (id INT, region STRING, owner STRING, balance INT, amt DECIMAL(10, 2), "
           "PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'acc', "
           "'key.format' = 'json', 'value.format' = 'json');")

# (name, Sluice query, SQLite query, sink columns "name TYPE, ...", primary key columns).
# In SQLite: avg_int = Flink's AVG of INT/BIGINT, avg_dec = AVG of DECIMAL(10, 2) in units of
# 10^-6, first_v/last_v/listagg(id, value[, sep]) = FIRST_VALUE/LAST_VALUE/LISTAGG in id order.
# A DECIMAL(p, s) column comes from SQLite as an integer of 10^-s units. PRIMARY KEY columns are
# NOT NULL (the sink's NOT NULL enforcer fails the job on a NULL, as Flink's), so a query groups
# by the nullable column itself (NULLs are one group) and writes the key through COALESCE.
QUERIES = [
    ("count_sum_int",
     "SELECT COALESCE(k, '~null'), COUNT(*), COUNT(i), SUM(i), AVG(i), MIN(i), MAX(i) FROM t GROUP BY k",
     "SELECT COALESCE(k, '~null'), COUNT(*), COUNT(i), SUM(i), avg_int(i), MIN(i), MAX(i) FROM t GROUP BY k",
     "k STRING, n BIGINT, ni BIGINT, si INT, ai INT, mi INT, xi INT", ["k"]),
    ("bigint_double",
     "SELECT COALESCE(k, '~null'), SUM(b), AVG(b), MIN(b), MAX(b), SUM(x), AVG(x), MIN(x), MAX(x), COUNT(x) "
     "FROM t GROUP BY k",
     "SELECT COALESCE(k, '~null'), SUM(b), avg_int(b), MIN(b), MAX(b), SUM(x), AVG(x), MIN(x), MAX(x), COUNT(x) "
     "FROM t GROUP BY k",
     "k STRING, sb BIGINT, ab BIGINT, mb BIGINT, xb BIGINT, sx DOUBLE, ax DOUBLE, mx DOUBLE, xx DOUBLE, nx BIGINT",
     ["k"]),
    ("decimal",
     "SELECT COALESCE(g, -999), SUM(d), AVG(d), MIN(d), MAX(d), COUNT(d) FROM t GROUP BY g",
     "SELECT COALESCE(g, -999), SUM(dc), avg_dec(dc), MIN(dc), MAX(dc), COUNT(dc) FROM t GROUP BY g",
     "g INT, sd DECIMAL(18, 2), ad DECIMAL(18, 6), md DECIMAL(10, 2), xd DECIMAL(10, 2), nd BIGINT", ["g"]),
    ("decimal_avg_rounding",  # 32 values per group: sum * 10^4 / 32 ends in .5 whenever the sum is odd
     "SELECT MOD(id, 10), id / 320, AVG(d), SUM(d), COUNT(d), AVG(d) FILTER (WHERE d > -500) FROM t "
     "GROUP BY MOD(id, 10), id / 320",
     "SELECT id % 10, id / 320, avg_dec(dc), SUM(dc), COUNT(dc), avg_dec(dc) FILTER (WHERE dc > -50000) FROM t "
     "GROUP BY id % 10, id / 320",
     "r INT, q INT, ad DECIMAL(18, 6), sd DECIMAL(18, 2), nd BIGINT, af DECIMAL(18, 6)", ["r", "q"]),
    ("string_timestamp",
     "SELECT COALESCE(k, '~null'), MIN(s), MAX(s), MIN(ts), MAX(ts), COUNT(DISTINCT s), COUNT(DISTINCT ts) "
     "FROM t GROUP BY k",
     None,
     "k STRING, ms STRING, xs STRING, mt TIMESTAMP(3), xt TIMESTAMP(3), ds BIGINT, dt BIGINT", ["k"]),
    ("first_last_value",
     "SELECT COALESCE(k, '~null'), FIRST_VALUE(i), LAST_VALUE(i), FIRST_VALUE(s), LAST_VALUE(s), "
     "FIRST_VALUE(ts), LAST_VALUE(ts), FIRST_VALUE(d), LAST_VALUE(x) FROM t GROUP BY k",
     "SELECT COALESCE(k, '~null'), first_v(id, i), last_v(id, i), first_v(id, s), last_v(id, s), "
     "first_v(id, ts), last_v(id, ts), first_v(id, dc), last_v(id, x) FROM t GROUP BY k",
     "k STRING, fi INT, li INT, fs STRING, ls STRING, ft TIMESTAMP(3), lt TIMESTAMP(3), fd DECIMAL(10, 2), "
     "lx DOUBLE", ["k"]),
    ("listagg",
     "SELECT COALESCE(k, '~null'), COALESCE(MOD(g, 3), -999), LISTAGG(s) FILTER (WHERE i > 150), "
     "LISTAGG(s, '|') FILTER (WHERE i < -100), LISTAGG(UPPER(s), '') FILTER (WHERE x > 60) "
     "FROM t GROUP BY k, MOD(g, 3)",
     "SELECT COALESCE(k, '~null'), coalesce(g % 3, -999), listagg(id, s, ',') FILTER (WHERE i > 150), "
     "listagg(id, s, '|') FILTER (WHERE i < -100), listagg(id, upper(s), '') FILTER (WHERE x > 60) "
     "FROM t GROUP BY k, g % 3",
     "k STRING, m INT, l1 STRING, l2 STRING, l3 STRING", ["k", "m"]),
    ("filter",
     "SELECT COALESCE(k, '~null'), COUNT(*) FILTER (WHERE i > 0), SUM(i) FILTER (WHERE s LIKE 'a%'), "
     "MAX(x) FILTER (WHERE d < 0), COUNT(DISTINCT s) FILTER (WHERE i IS NOT NULL), AVG(d) FILTER (WHERE x > 0), "
     "MIN(ts) FILTER (WHERE g BETWEEN 0 AND 10), FIRST_VALUE(i) FILTER (WHERE b > 0) FROM t GROUP BY k",
     "SELECT COALESCE(k, '~null'), COUNT(*) FILTER (WHERE i > 0), SUM(i) FILTER (WHERE s LIKE 'a%'), "
     "MAX(x) FILTER (WHERE dc < 0), COUNT(DISTINCT s) FILTER (WHERE i IS NOT NULL), "
     "avg_dec(dc) FILTER (WHERE x > 0), "
     "MIN(ts) FILTER (WHERE g BETWEEN 0 AND 10), first_v(id, i) FILTER (WHERE b > 0) FROM t GROUP BY k",
     "k STRING, np BIGINT, sa INT, xn DOUBLE, ds BIGINT, ad DECIMAL(18, 6), mt TIMESTAMP(3), fi INT", ["k"]),
    ("distinct_aggregates",
     "SELECT COALESCE(g, -999), COUNT(DISTINCT i), SUM(DISTINCT i), AVG(DISTINCT i), COUNT(DISTINCT k), "
     "MAX(DISTINCT x), SUM(DISTINCT d) FROM t GROUP BY g",
     "SELECT COALESCE(g, -999), COUNT(DISTINCT i), SUM(DISTINCT i), avg_int(DISTINCT i), COUNT(DISTINCT k), "
     "MAX(DISTINCT x), SUM(DISTINCT dc) FROM t GROUP BY g",
     "g INT, di BIGINT, si INT, ai INT, dk BIGINT, xx DOUBLE, sd DECIMAL(18, 2)", ["g"]),
    ("having_even_count",  # flips at every row of a group
     "SELECT COALESCE(k, '~null'), COUNT(*), SUM(i) FROM t GROUP BY k HAVING MOD(COUNT(*), 2) = 0",
     "SELECT COALESCE(k, '~null'), COUNT(*), SUM(i) FROM t GROUP BY k HAVING COUNT(*) % 2 = 0",
     "k STRING, n BIGINT, si INT", ["k"]),
    ("having_on_off",  # small groups appear; groups that grow past 40 rows are deleted again
     "SELECT COALESCE(g, -999), SUM(i), MAX(s), COUNT(*) FROM t GROUP BY g HAVING SUM(i) > 0 AND COUNT(*) < 40",
     None,
     "g INT, si INT, xs STRING, n BIGINT", ["g"]),
    ("group_by_upper",
     "SELECT COALESCE(UPPER(s), '~null'), COUNT(*), SUM(x), MIN(k), LAST_VALUE(s) FROM t GROUP BY UPPER(s)",
     "SELECT coalesce(upper(s), '~null'), COUNT(*), SUM(x), MIN(k), last_v(id, s) FROM t GROUP BY upper(s)",
     "u STRING, n BIGINT, sx DOUBLE, mk STRING, ls STRING", ["u"]),
    ("group_by_mod_multi_key",
     "SELECT COALESCE(k, '~null'), COALESCE(MOD(g, 7), -999), COUNT(*), SUM(d), MAX(ts), AVG(b), MIN(s) "
     "FROM t GROUP BY k, MOD(g, 7)",
     "SELECT COALESCE(k, '~null'), coalesce(g % 7, -999), COUNT(*), SUM(dc), MAX(ts), avg_int(b), MIN(s) "
     "FROM t GROUP BY k, g % 7",
     "k STRING, m INT, n BIGINT, sd DECIMAL(18, 2), xt TIMESTAMP(3), ab BIGINT, ms STRING", ["k", "m"]),
    ("global_aggregate",
     "SELECT 'all', COUNT(*), COUNT(i), SUM(i), AVG(i), MIN(x), MAX(x), SUM(d), AVG(d), MAX(ts), "
     "COUNT(DISTINCT k), FIRST_VALUE(s), LAST_VALUE(s), SUM(b) FILTER (WHERE k IS NULL) FROM t",
     "SELECT 'all', COUNT(*), COUNT(i), SUM(i), avg_int(i), MIN(x), MAX(x), SUM(dc), avg_dec(dc), MAX(ts), "
     "COUNT(DISTINCT k), first_v(id, s), last_v(id, s), SUM(b) FILTER (WHERE k IS NULL) FROM t",
     "a STRING, n BIGINT, ni BIGINT, si INT, ai INT, mx DOUBLE, xx DOUBLE, sd DECIMAL(18, 2), "
     "ad DECIMAL(18, 6), xt TIMESTAMP(3), dk BIGINT, fs STRING, ls STRING, sb BIGINT", ["a"]),
    ("select_distinct",
     "SELECT COALESCE(u, '~null'), COALESCE(m, -999) FROM (SELECT DISTINCT UPPER(s) AS u, MOD(g, 4) AS m FROM t)",
     "SELECT coalesce(u, '~null'), coalesce(m, -999) FROM (SELECT DISTINCT upper(s) AS u, g % 4 AS m FROM t)",
     "u STRING, m INT", ["u", "m"]),
    ("aggregate_of_aggregate",
     "SELECT n, COUNT(*), SUM(si), MIN(k), MAX(k) FROM (SELECT k, COUNT(*) AS n, SUM(i) AS si FROM t GROUP BY k) "
     "GROUP BY n",
     None,
     "n BIGINT, c BIGINT, ssi INT, mk STRING, xk STRING", ["n"]),
    ("aggregate_of_having",  # the inner HAVING deletes rows the outer aggregate must retract
     "SELECT MOD(n, 5), COUNT(*), SUM(si), MAX(si), MIN(g) FROM "
     "(SELECT k, g, COUNT(*) AS n, SUM(i) AS si FROM t GROUP BY k, g HAVING SUM(i) > 0) GROUP BY MOD(n, 5)",
     "SELECT n % 5, COUNT(*), SUM(si), MAX(si), MIN(g) FROM "
     "(SELECT k, g, COUNT(*) AS n, SUM(i) AS si FROM t GROUP BY k, g HAVING SUM(i) > 0) GROUP BY n % 5",
     "m BIGINT, c BIGINT, ssi INT, xsi INT, mg INT", ["m"]),
    ("upsert_source",
     "SELECT COALESCE(region, '~null'), COUNT(*), COUNT(owner), SUM(balance), AVG(balance), MIN(balance), "
     "MAX(balance), COUNT(DISTINCT owner), SUM(amt), MAX(amt), MIN(owner) FROM acc GROUP BY region",
     "SELECT COALESCE(region, '~null'), COUNT(*), COUNT(owner), SUM(balance), avg_int(balance), MIN(balance), "
     "MAX(balance), COUNT(DISTINCT owner), SUM(amtc), MAX(amtc), MIN(owner) FROM acc GROUP BY region",
     "region STRING, n BIGINT, no BIGINT, sb INT, ab INT, mb INT, xb INT, dn BIGINT, sa DECIMAL(18, 2), "
     "xa DECIMAL(10, 2), mo STRING", ["region"]),
    ("upsert_source_having",
     "SELECT COALESCE(owner, '~null'), COUNT(*), SUM(amt), AVG(amt), MAX(balance) FILTER (WHERE region IS NOT NULL) "
     "FROM acc GROUP BY owner HAVING COUNT(*) > 3",
     "SELECT COALESCE(owner, '~null'), COUNT(*), SUM(amtc), avg_dec(amtc), "
     "MAX(balance) FILTER (WHERE region IS NOT NULL) FROM acc GROUP BY owner HAVING COUNT(*) > 3",
     "owner STRING, n BIGINT, sa DECIMAL(18, 2), aa DECIMAL(18, 6), xb INT", ["owner"]),
]


# ---------------------------------------------------------------- SQLite aggregates (Flink's semantics)

class AvgInt:
    """AVG of INT/BIGINT: the exact sum divided by the count, truncated toward zero."""
    def __init__(self):
        self.s, self.n = 0, 0

    def step(self, v):
        if v is not None:
            self.s += v
            self.n += 1

    def finalize(self):
        if not self.n:
            return None
        q = abs(self.s) // self.n
        return q if self.s >= 0 else -q


class AvgDec:
    """AVG of DECIMAL(10, 2) given in cents: scale 6, rounded half up; returns 10^-6 units."""
    def __init__(self):
        self.s, self.n = 0, 0

    def step(self, v):
        if v is not None:
            self.s += v
            self.n += 1

    def finalize(self):
        if not self.n:
            return None
        q = (Decimal(self.s) * 10000 / Decimal(self.n)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(q)


class Ordered:
    """Collects (arrival id, value) of the non-NULL values; the subclass picks the result."""
    def __init__(self):
        self.v = []
        self.sep = ","

    def step(self, rid, v, sep=","):
        if v is not None:
            self.v.append((rid, v))
            self.sep = sep

    def values(self):
        return [v for _, v in sorted(self.v, key=lambda p: p[0])]


class FirstV(Ordered):
    def finalize(self):
        vs = self.values()
        return vs[0] if vs else None


class LastV(Ordered):
    def finalize(self):
        vs = self.values()
        return vs[-1] if vs else None


class ListAgg(Ordered):
    def finalize(self):
        vs = self.values()
        return self.sep.join(vs) if vs else None


def sqlite_db():
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA case_sensitive_like = ON")  # LIKE is case-sensitive in Flink
    db.create_aggregate("avg_int", 1, AvgInt)
    db.create_aggregate("avg_dec", 1, AvgDec)
    db.create_aggregate("first_v", 2, FirstV)
    db.create_aggregate("last_v", 2, LastV)
    db.create_aggregate("listagg", 3, ListAgg)
    return db


# ---------------------------------------------------------------- data

_CUM = {}


def skewed(rnd, n, s=1.3):
    """An index in [0, n) with Zipf-like weights: index 0 is common, the last ones rare."""
    if (n, s) not in _CUM:
        _CUM[n, s] = list(itertools.accumulate(1 / (r + 1) ** s for r in range(n)))
    return rnd.choices(range(n), cum_weights=_CUM[n, s])[0]


def ts_text(ms):
    sec, frac = divmod(ms, 1000)
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1704103200 + sec)) + f".{frac:03d}"


def cents_text(c):
    return ("-" if c < 0 else "") + f"{abs(c) // 100}.{abs(c) % 100:02d}"


def json_record(fields):
    """JSON text of [(name, value)], where a value that is a Decimal string is written as a number."""
    parts = []
    for name, v in fields:
        if isinstance(v, Decimal):
            parts.append(f'"{name}": {v}')
        else:
            parts.append(f'"{name}": {json.dumps(v)}')
    return "{" + ", ".join(parts) + "}"


def make_rows(n, seed):
    """Rows of t: (id, k, g, i, b, x, dc, s, ts), NULLs in every column but id."""
    rnd = random.Random(seed)
    keys = [f"k{j:02d}" for j in range(30)]
    rows = []
    for rid in range(n):
        def maybe(p, f):
            return None if rnd.random() < p else f()
        k = maybe(0.06, lambda: keys[skewed(rnd, len(keys))])
        g = maybe(0.08, lambda: skewed(rnd, 80, 0.9) - 20)          # -20..59, mostly small
        i = maybe(0.1, lambda: rnd.randint(-200, 300))
        b = maybe(0.1, lambda: rnd.randint(-10 ** 12, 10 ** 12))
        x = maybe(0.1, lambda: rnd.randint(-400, 400) / 4)
        # d is NULL in every tenth row, so each group of decimal_avg_rounding has 32 values or none
        dc = None if rid % 10 == 9 else rnd.randint(-99999, 99999)
        s = maybe(0.1, lambda: "".join(rnd.choice("abAB") for _ in range(rnd.randint(0, 3))))
        ts = maybe(0.1, lambda: ts_text(rnd.randint(0, 3600) * 1000 + rnd.choice([0, 0, 500, 123, 7])))
        rows.append((rid, k, g, i, b, x, dc, s, ts))
    return rows


def t_record(r):
    rid, k, g, i, b, x, dc, s, ts = r
    return json_record([("id", rid), ("k", k), ("g", g), ("i", i), ("b", b), ("x", x),
                        ("d", None if dc is None else Decimal(cents_text(dc))), ("s", s), ("ts", ts)])


def make_acc(seed, ops=3000, ids=400):
    """The upsert source: [(key json, value json or None)] and its final table {id: row}."""
    rnd = random.Random(seed * 31 + 1)
    regions = ["eu", "us", "ap", "latam", None]
    owners = [f"o{j:02d}" for j in range(40)]
    records, table = [], {}
    for _ in range(ops):
        rid = skewed(rnd, ids, 0.6)
        key = json.dumps({"id": rid})
        if rnd.random() < 0.15:  # a tombstone, sometimes of an id that holds nothing
            records.append((key, None))
            table.pop(rid, None)
            continue
        row = (rid, regions[skewed(rnd, len(regions), 0.8)],
               None if rnd.random() < 0.1 else owners[skewed(rnd, len(owners))],
               None if rnd.random() < 0.1 else rnd.randint(-500, 1000),
               None if rnd.random() < 0.1 else rnd.randint(-50000, 99999))
        table[rid] = row
        records.append((key, json_record([("id", rid), ("region", row[1]), ("owner", row[2]), ("balance", row[3]),
                                          ("amt", None if row[4] is None else Decimal(cents_text(row[4])))])))
    return records, table


# ---------------------------------------------------------------- comparing

TS_RE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d{1,9}))?$")


def col_types(cols):
    return [(c.split()[0], " ".join(c.split()[1:])) for c in re.split(r",\s*(?![^()]*\))", cols)]


def norm_sluice(v, typ):
    """A value of Sluice's JSON (parsed with Decimal floats) in the comparable form of its type;
    a value of the wrong JSON type stays marked, so it differs."""
    if v is None:
        return None
    if typ in ("INT", "BIGINT"):
        return v if isinstance(v, int) and not isinstance(v, bool) else ("bad " + typ, v)
    if typ == "DOUBLE":
        return float(v) if isinstance(v, (int, Decimal)) and not isinstance(v, bool) else ("bad DOUBLE", v)
    if typ.startswith("DECIMAL"):
        return Decimal(v) if isinstance(v, (int, Decimal)) and not isinstance(v, bool) else ("bad DECIMAL", v)
    if typ == "STRING":
        return v if isinstance(v, str) else ("bad STRING", v)
    if typ == "TIMESTAMP(3)":
        m = TS_RE.match(v) if isinstance(v, str) else None
        return m.group(1) + "." + (m.group(2) or "").ljust(3, "0") if m else ("bad TIMESTAMP", v)
    raise ValueError(typ)


def norm_sqlite(v, typ):
    if v is None:
        return None
    if typ in ("INT", "BIGINT", "STRING", "TIMESTAMP(3)"):
        return v
    if typ == "DOUBLE":
        return float(v)
    if typ.startswith("DECIMAL"):
        scale = int(typ.split(",")[1].strip(" )"))
        return Decimal(v).scaleb(-scale)
    raise ValueError(typ)


def final_table(records, pk):
    """Rows of the upsert topic's final table; problems with keys as messages."""
    table, problems = {}, []
    for k, v in records:
        if k is None:
            problems.append(f"a record without a key: {v!r}")
            continue
        key = json.dumps(json.loads(k), sort_keys=True)
        if v is None:
            table.pop(key, None)
            continue
        row = json.loads(v, parse_float=Decimal)
        if json.loads(k, parse_float=Decimal) != {c: row.get(c) for c in pk}:
            problems.append(f"key {k.decode()} does not match its value {v.decode()}")
        table[key] = row
    return list(table.values()), problems


def sort_key(row):
    return repr(row)


# ---------------------------------------------------------------- running

def run_seed(opts, seed, mini_batch):
    """One sluice run of every query over the inputs of one seed; returns (passed, failed)."""
    label = f"seed {seed}{' (mini-batch)' if mini_batch else ''}"
    topics = ["t", "acc"] + [f"out{n}" for n in range(len(QUERIES))]
    broker = start_broker(opts.sluice, [(t, 1) for t in topics])  # it takes a while to create its topics
    try:
        return run_on_broker(opts, seed, mini_batch, label, broker)
    finally:
        stop_group(broker)


def run_on_broker(opts, seed, mini_batch, label, broker):
    rows = make_rows(opts.rows, seed)
    acc_records, acc_table = make_acc(seed)
    db = sqlite_db()
    db.execute("CREATE TABLE t (id INTEGER, k TEXT, g INTEGER, i INTEGER, b INTEGER, x REAL, dc INTEGER, "
               "s TEXT, ts TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("CREATE TABLE acc (id INTEGER, region TEXT, owner TEXT, balance INTEGER, amtc INTEGER)")
    db.executemany("INSERT INTO acc VALUES (?, ?, ?, ?, ?)", list(acc_table.values()))

    addr = broker_address(broker)
    passed = failed = 0
    state = tempfile.mkdtemp(prefix="group-diff-state-")
    sql_path = None
    try:
        p = Producer({"bootstrap.servers": addr, "log_level": 3, "linger.ms": 5})
        for r in rows:
            p.produce("t", t_record(r).encode(), partition=0)
        for k, v in acc_records:
            p.produce("acc", key=k.encode(), value=None if v is None else v.encode(), partition=0)
        left = p.flush(30)
        p = None  # gone before the broker stops, so it logs no reconnect attempts
        if left:
            raise RuntimeError(f"{left} input records not delivered within 30 s")
        sql = [T_DDL, ACC_DDL]
        if mini_batch:
            sql += ["SET 'table.exec.mini-batch.enabled' = 'true';",
                    "SET 'table.exec.mini-batch.allow-latency' = '100 ms';",
                    "SET 'table.exec.mini-batch.size' = '500';"]
        for n, (_, q, _, cols, pk) in enumerate(QUERIES):
            sql.append(f"CREATE TABLE out{n} ({cols}, PRIMARY KEY ({', '.join(pk)}) NOT ENFORCED) WITH "
                       f"('connector' = 'upsert-kafka', 'topic' = 'out{n}', 'key.format' = 'json', "
                       f"'value.format' = 'json');")
            sql.append(f"INSERT INTO out{n} {q};")
        with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix="group-diff-", delete=False) as f:
            f.write("\n".join(sql) + "\n")
            sql_path = f.name
        t0 = time.monotonic()
        job = subprocess.Popen([opts.sluice, "-f", sql_path, "--set", "sluice.bootstrap.servers=" + addr,
                                "--set", "scan.bounded.mode=latest-offset", "--state-dir", state],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               start_new_session=True)
        try:
            out, err = job.communicate(timeout=opts.timeout)
            if job.returncode != 0:
                print(f"FAIL {label}: sluice exited {job.returncode}: "
                      f"{err.decode(errors='replace')[-2000:]}")
                failed += 1
        except subprocess.TimeoutExpired:
            stop_group(job, grace=3)
            print(f"FAIL {label}: sluice timed out after {opts.timeout} s")
            failed += 1
        if opts.verbose:
            print(f"  sluice ran {time.monotonic() - t0:.1f} s")
        for n, (name, q, lite, cols, pk) in enumerate(QUERIES):
            types = col_types(cols)
            try:
                records = read_partition(addr, f"out{n}", group="group-diff")
                table, problems = final_table(records, pk)
                got = sorted((tuple(norm_sluice(row.get(c), t) for c, t in types) for row in table), key=sort_key)
                if any(set(row) != {c for c, _ in types} for row in table):
                    problems.append("a value does not have exactly the sink's columns")
            except Exception as e:  # noqa: BLE001 - reported as this query's failure
                records, got, problems = [], [], [f"cannot read the output: {e!r}"]
            want = sorted((tuple(norm_sqlite(v, t) for v, (_, t) in zip(row, types))
                           for row in db.execute(lite or q)), key=sort_key)
            if got == want and not problems:
                passed += 1
                print(f"PASS {label}: {name}  ({len(want)} rows from {len(records)} records)")
                continue
            failed += 1
            missing = [r for r in want if r not in got][:5]
            extra = [r for r in got if r not in want][:5]
            print(f"FAIL {label}: {name}: {q}\n  sluice {len(got)} rows, sqlite {len(want)} rows"
                  + "".join(f"\n  {m}" for m in problems[:5])
                  + f"\n  columns: {[c for c, _ in types]}"
                  + "".join(f"\n  sqlite only: {r}" for r in missing)
                  + "".join(f"\n  sluice only: {r}" for r in extra))
    finally:
        if sql_path:
            os.unlink(sql_path)
        shutil.rmtree(state, ignore_errors=True)
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    ap.add_argument("--rows", type=int, default=4000)
    ap.add_argument("--seed", type=int, action="append", help="random seed (repeatable; default 20261125 and 7)")
    ap.add_argument("--mini-batch", choices=["on", "off", "auto"], default="auto",
                    help="auto: the first seed per record, the others with mini-batch")
    ap.add_argument("--timeout", type=int, default=300, help="seconds for the sluice run of one seed")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so the processes started here are stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    passed = failed = 0
    for n, seed in enumerate(opts.seed or [20261125, 7]):
        mini = opts.mini_batch == "on" or (opts.mini_batch == "auto" and n > 0)
        try:
            p, f = run_seed(opts, seed, mini)
        except Exception as e:  # noqa: BLE001 - a broken rig is a failure, not a crash
            print(f"FAIL seed {seed}: rig error: {e!r}")
            p, f = 0, 1
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
