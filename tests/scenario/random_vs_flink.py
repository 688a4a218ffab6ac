#!/usr/bin/python3
"""Random queries, Sluice against Apache Flink: a search for semantic differences.

Writes N random scenarios (typed random expressions and aggregates over a small JSON input with
NULLs; kinds: `plain` filters, projections and GROUP BY over an append-only topic, `window`
TUMBLE/HOP/CUMULATE/SESSION aggregations, legacy group windows and window Top-N over
out-of-order event time, `upsert` aggregates over an upsert-kafka table with updates and
tombstones), fills each one's expectation with what Sluice prints (`--- error` when it fails),
then runs tests/scenario/flink_oracle.py on them. Prints the oracle's AGREE/DIFFER lines and
keeps every differing scenario under --keep-dir for a look; the generated files never stay in
tests/scenarios. A DIFFER is a lead, not a verdict: known differences (README: HAVING's -D/+I,
DECIMAL precision 18, Flink refusing FIRST_VALUE in HOP windows or crashing in Calcite, Java 17
printing doubles with 17 digits) come up too. Not part of the CI run (it needs Flink and
minutes); run it after changing expression, aggregate or window semantics.

  random_vs_flink.py [--seed S] [-n N] [--kind plain|window|upsert] [--sluice PATH] [--keep-dir DIR]
"""
import argparse
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_scenarios as rs  # noqa: E402

SCENARIOS = os.path.join(rs.ROOT, "tests", "scenarios")
PREFIX = "990_random_"  # a number first: the runner names topics by it

DDL = {
    "plain": "CREATE TABLE t (k INT, s STRING, v BIGINT, d DOUBLE, m DECIMAL(10, 2), b BOOLEAN) "
             "WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');",
    "window": "CREATE TABLE t (ts TIMESTAMP(3), k INT, s STRING, v BIGINT, d DOUBLE, m DECIMAL(10, 2), b BOOLEAN, "
              "WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'kafka', 'topic' = 't', 'format' = 'json');",
    "upsert": "CREATE TABLE t (id INT, k INT, s STRING, v BIGINT, d DOUBLE, m DECIMAL(10, 2), b BOOLEAN, "
              "PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 't', "
              "'key.format' = 'json', 'value.format' = 'json');",
}
NUMS = ["k", "v", "d", "m"]


class Gen:
    """Typed random SQL: numeric, string and boolean expressions, aggregates, queries."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, xs):
        return self.r.choice(xs)

    def num(self, d=0):
        if d > 2 or self.r.random() < 0.4:
            return self.pick(NUMS + ["1", "0", "-1", "2.5", "CAST(NULL AS INT)", "9223372036854775807", "0.01"])
        c, a, b = self.r.random(), self.num(d + 1), self.num(d + 1)
        if c < 0.35:
            return f"({a} {self.pick(['+', '-', '*', '/'])} {b})"
        if c < 0.45:
            return f"MOD(CAST({a} AS INT), {self.pick(['2', '3', 'k'])})"
        if c < 0.6:
            return f"CASE WHEN {self.boo(d + 1)} THEN {a} ELSE {b} END"
        if c < 0.72:
            return f"CAST({a} AS {self.pick(['INT', 'BIGINT', 'DOUBLE', 'DECIMAL(5, 1)', 'DECIMAL(18, 4)'])})"
        if c < 0.84:
            return f"{self.pick(['ABS', 'FLOOR', 'CEIL'])}({a})"
        if c < 0.92:
            return f"{self.pick(['COALESCE', 'NULLIF'])}({a}, {b})"
        return f"CHAR_LENGTH({self.st(d + 1)})"

    def st(self, d=0):
        if d > 2 or self.r.random() < 0.4:
            return self.pick(["s", "'a'", "''", "CAST(NULL AS STRING)", "CAST(k AS STRING)"])
        c = self.r.random()
        if c < 0.3:
            return f"{self.st(d + 1)} || {self.st(d + 1)}"
        if c < 0.5:
            return f"{self.pick(['UPPER', 'LOWER', 'TRIM'])}({self.st(d + 1)})"
        if c < 0.7:
            return f"SUBSTRING({self.st(d + 1)}, CAST({self.num(d + 1)} AS INT), {self.pick(['1', '2', 'k'])})"
        if c < 0.85:
            return f"CAST({self.num(d + 1)} AS STRING)"
        return f"CASE WHEN {self.boo(d + 1)} THEN {self.st(d + 1)} END"

    def boo(self, d=0):
        if d > 2 or self.r.random() < 0.3:
            return self.pick(["b", "TRUE", "FALSE", "CAST(NULL AS BOOLEAN)"])
        c = self.r.random()
        if c < 0.35:
            op = self.pick(["=", "<>", "<", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"])
            return f"({self.num(d + 1)} {op} {self.num(d + 1)})"
        if c < 0.5:
            return f"({self.boo(d + 1)} {self.pick(['AND', 'OR'])} {self.boo(d + 1)})"
        if c < 0.6:
            return f"NOT {self.boo(d + 1)}"
        if c < 0.7:
            return f"{self.st(d + 1)} LIKE '{self.pick(['a%', '%', '_', '%b_'])}'"
        if c < 0.8:
            return f"{self.num(d + 1)} IN (1, 2, {self.num(d + 1)})"
        if c < 0.9:
            return f"{self.num(d + 1)} BETWEEN {self.num(d + 1)} AND {self.num(d + 1)}"
        return f"{self.pick(['k', 's', 'v', 'd', 'm', 'b'])} IS {self.pick(['NULL', 'NOT NULL'])}"

    def expr(self):
        return self.pick([self.num, self.st, self.boo])()

    def agg(self):
        arg = self.pick(["k", "s", "v", "d", "m", "b"]) if self.r.random() < 0.6 else None
        f = self.pick(["COUNT(*)", "COUNT({x})", "SUM({n})", "AVG({n})", "MIN({x})", "MAX({x})", "COUNT(DISTINCT {x})",
                       "SUM(DISTINCT {n})", "FIRST_VALUE({x})", "LAST_VALUE({x})", "LISTAGG(CAST({x} AS STRING))"])
        f = f.format(x=arg or self.expr(), n=self.num(1))
        if self.r.random() < 0.2:
            f += f" FILTER (WHERE {self.boo(1)})"
        return f

    def where(self, p=0.4):
        return f" WHERE {self.boo()}" if self.r.random() < p else ""

    def keys(self):
        return self.r.sample(["k", "s", "b"], self.r.randint(0, 2))

    def group_query(self):
        keys = self.keys()
        sel = keys + [self.agg() for _ in range(self.r.randint(1, 3))]
        gb = f" GROUP BY {', '.join(keys)}" if keys else ""
        having = " HAVING COUNT(*) > 1" if self.r.random() < 0.15 else ""
        return f"SELECT {', '.join(sel)} FROM t{self.where()}{gb}{having}"

    def plain(self):
        if self.r.random() < 0.4:
            return f"SELECT {', '.join(self.expr() for _ in range(self.r.randint(1, 3)))} FROM t{self.where(0.5)}"
        return self.group_query()

    def upsert(self):
        c = self.r.random()
        if c < 0.15:
            return f"SELECT {', '.join(self.expr() for _ in range(self.r.randint(1, 3)))} FROM t{self.where()}"
        if c < 0.3:
            keys = self.keys() or ["k"]
            inner = f"SELECT {', '.join(keys)}, {self.pick(['COUNT(*)', 'SUM(v)', 'MAX(d)', 'COUNT(DISTINCT s)'])} AS x FROM t GROUP BY {', '.join(keys)}"
            return f"SELECT {self.pick(['COUNT(*)', 'SUM(x)', 'MAX(x)', 'COUNT(DISTINCT x)'])} FROM ({inner}){self.pick(['', ' WHERE x > 1'])}"
        if c < 0.4:
            return f"SELECT DISTINCT {', '.join(self.keys() or ['s'])} FROM t{self.where(0.3)}"
        return self.group_query()

    def window(self):
        size = self.pick([2, 3, 5])
        slide = self.pick([1, 2]) if size % 2 == 0 else 1
        tvf = self.pick([f"TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '{size}' SECOND)",
                         f"TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '{size}' SECOND, INTERVAL '1' SECOND)",
                         f"HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '{slide}' SECOND, INTERVAL '{size}' SECOND)",
                         f"CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '{slide}' SECOND, INTERVAL '{size * 2}' SECOND)"])
        aggs = lambda n: ", ".join(self.pick(["COUNT(*)", "SUM(v)", "MAX(d)", "MIN(s)", "COUNT(DISTINCT s)", "AVG(m)",
                                              "SUM(m)", "LISTAGG(s)", "COUNT(v)", "MAX(b)"]) for _ in range(n))
        keys, c = self.keys(), self.r.random()
        if c < 0.15:
            gap = self.pick([1, 2, 3])
            return (f"SELECT window_start, window_end, k, {aggs(2).replace('COUNT(DISTINCT s)', 'COUNT(s)')} FROM "
                    f"TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '{gap}' SECOND)){self.where(0.3)} "
                    f"GROUP BY window_start, window_end, k")
        if c < 0.3:
            w = self.pick([f"TUMBLE(ts, INTERVAL '{size}' SECOND)", f"HOP(ts, INTERVAL '{slide}' SECOND, INTERVAL '{size}' SECOND)"])
            f, args = w.split("(")[0], w[w.index("(") + 1:-1]
            return f"SELECT {f}_START({args}), {f}_END({args}), {', '.join(keys + [aggs(1)])} FROM t{self.where(0.3)} GROUP BY {', '.join(keys + [w])}"
        if c < 0.45:
            return (f"SELECT * FROM (SELECT window_start, window_end, k, v, ts, ROW_NUMBER() OVER (PARTITION BY "
                    f"window_start, window_end{self.pick(['', ', k'])} ORDER BY {self.pick(['v', 'ts', 'd'])} "
                    f"{self.pick(['ASC', 'DESC'])}) AS rn FROM TABLE({tvf})) WHERE rn <= {self.r.randint(1, 2)}")
        if c < 0.55:
            return (f"SELECT window_start, window_end, {', '.join(keys + [aggs(1)])} FROM TABLE({tvf}){self.where(0.3)} "
                    f"GROUP BY window_start, window_end, GROUPING SETS (({', '.join(keys)}), ())")
        return (f"SELECT window_start, window_end, {', '.join(keys + [aggs(self.r.randint(1, 3))])} FROM TABLE({tvf})"
                f"{self.where(0.3)} GROUP BY {', '.join(['window_start', 'window_end'] + keys)}")

    def value(self, kind, i, t):
        r = {"k": self.pick([0, 1, 2, None]), "s": self.pick(["a", "b", "ab", "", None]),
             "v": self.pick([-3, 0, 1, 5, 100, None]), "d": self.pick([0.5, -2.25, 3.0, 0.0, None]),
             "m": self.pick([1.5, -2.0, 0.1, None]), "b": self.pick([True, False, None])}
        if kind == "window":
            ts = max(0, t - self.pick([0, 0, 0, 1, 3]))  # some out of order
            r = {"ts": "2020-04-15 08:00:%02d.%03d" % (min(ts, 59), self.pick([0, 0, 500, 999])), **r}
        return r

    def scenario(self, kind):
        lines, t = [], 0
        for i in range(self.r.randint(4, 14)):
            t += self.pick([0, 1, 1, 2, 3, 7])
            r = self.value(kind, i, t)
            if kind == "upsert":
                pk = self.r.randint(1, 4)
                lines.append(json.dumps({"id": pk}) + "|" + ("<null>" if self.r.random() < 0.2 else json.dumps({"id": pk, **r})))
            else:
                lines.append(json.dumps(r))
        header = "--- input t keyed" if kind == "upsert" else "--- input t"
        query = getattr(self, kind)()
        return f"# random {kind} query\n{header}\n" + "\n".join(lines) + f"\n--- sql\n{DDL[kind]}\n{query};\n"


def fill(path, opts):
    """Makes Sluice's output the scenario's expectation (unordered for windows)."""
    text = open(path).read()
    cap = {}
    rs.run_one(path, types.SimpleNamespace(sluice=opts.sluice, bootstrap=None, timeout=60, verbose=False), cap)
    if cap.get("rc") != 0:
        text += "--- error\n"
    else:
        section = "--- stdout unordered" if "window" in text.split("\n")[0] else "--- stdout"
        text += section + "\n" + cap.get("out", "")
    open(path, "w").write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-n", type=int, default=40)
    ap.add_argument("--kind", choices=sorted(DDL), action="append", help="default: all kinds in turn")
    ap.add_argument("--sluice", default=os.path.join(rs.ROOT, "build", "shell", "sluice"))
    ap.add_argument("--keep-dir", default="/tmp/sluice-random-vs-flink")
    opts = ap.parse_args()
    kinds = opts.kind or sorted(DDL)
    gen = Gen(opts.seed)
    paths = []
    try:
        for i in range(opts.n):
            path = os.path.join(SCENARIOS, f"{PREFIX}{opts.seed}_{i}.test")
            open(path, "w").write(gen.scenario(kinds[i % len(kinds)]))
            paths.append(path)
            fill(path, opts)
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "flink_oracle.py"), "^" + PREFIX],
                           capture_output=True, text=True)
        report = r.stdout + r.stderr
        print(report)
        os.makedirs(opts.keep_dir, exist_ok=True)
        differ = [line.split()[1].rstrip(":") for line in report.splitlines() if line.startswith("DIFFER")]
        for name in differ:
            shutil.copy(os.path.join(SCENARIOS, name + ".test"), opts.keep_dir)
        print(f"{len(differ)} differing scenarios kept in {opts.keep_dir}")
    finally:
        for p in paths + glob.glob(os.path.join(SCENARIOS, PREFIX + "*.test")):
            if os.path.exists(p):
                os.unlink(p)


if __name__ == "__main__":
    main()
