#!/usr/bin/python3
"""Checks the scenarios' expectations against Apache Flink SQL 1.20 (the semantic reference).

Runs every scenario's statements in Flink (local mini-cluster, parallelism 1, one JVM for all
scenarios: tests/scenario/FlinkOracle.java) on a real Apache Kafka broker (tests/kafka/kafka.sh,
or --bootstrap ADDR), after producing the scenario's input records, and compares with what the
scenario expects. This checks the *scenarios*, not Sluice: run it after writing or changing one.

What it adapts so that Flink can run a scenario written for Sluice:
  - topics get a per-scenario prefix (as run_scenarios.py does);
  - Kafka tables get 'properties.bootstrap.servers', and 'scan.startup.mode' = 'earliest-offset'
    and 'scan.bounded.mode' = 'latest-offset' where they name none (Sluice's session defaults in
    the scenario runner);
  - Flink prints timestamps as Java's LocalDateTime does (2024-05-01T10:00 and
    2024-05-01T10:00:00.250); Sluice's contract (docs/architecture.md) prints
    2024-05-01 10:00:00.000: rows are compared after rewriting Flink's form into the contract's.
What it checks: output topics (as parsed JSON, or exact text for `raw`), exact `stdout`
sections, and that Flink also fails where an `error` section expects a failure (Flink's message
text is not Sluice's). `stdout contains` (SHOW/DESCRIBE/EXPLAIN/tableau boxes) is not checked.

Prints AGREE / DIFFER / SKIP per scenario and `N agree, N differ`.
Needs java and mvn (the classpath of tests/flink, resolved by Maven once)."""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_scenarios as rs  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = rs.ROOT
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "sluice", "flink-oracle")

# Scenarios Flink cannot run meaningfully, with the reason.
SKIP = {
    "048_unreachable_broker": "Flink retries an unreachable broker for minutes",
    "206_having_flip": "Sluice emits -D when HAVING stops holding (issue 4); Flink's filter passes a lone -U",
    "220_having_without_group_by": "Sluice emits +I when HAVING starts to hold; Flink's filter passes a lone +U",
    "228_dead_letter_topic": "'scan.dlq.topic' is Sluice's own option",
    "227_exactly_once_failed_epoch": "Flink without checkpoints has no exactly-once epochs",
    "223_table_result_mode": "result modes are the SQL client's, not Flink SQL's",
    "319_proctime_window": "Flink does not fire processing-time windows at the end of a bounded input; Sluice does",
    "037_order_by_rejected": "ORDER BY on a stream is valid Flink SQL (Top-N); the scenario checks Sluice's limit",
}


def classpath():
    flink = os.path.join(ROOT, "tests", "flink")
    cp_file = os.path.join(flink, "target", "classpath.txt")
    if not os.path.exists(cp_file):
        subprocess.run(["mvn", "-q", "-B", "-f", os.path.join(flink, "pom.xml"), "compile",
                        "dependency:build-classpath", "-Dmdep.outputFile=" + cp_file], check=True)
    cp = open(cp_file).read().strip()
    os.makedirs(CACHE, exist_ok=True)
    src = os.path.join(HERE, "FlinkOracle.java")
    cls = os.path.join(CACHE, "FlinkOracle.class")
    if not os.path.exists(cls) or os.path.getmtime(cls) < os.path.getmtime(src):
        subprocess.run(["javac", "-nowarn", "-cp", cp, "-d", CACHE, src], check=True)
    return CACHE + ":" + cp


def split_statements(sql):
    """Splits on ';' outside quotes, backticks and comments."""
    out, cur, i, n = [], [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'`\"":
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            cur.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            cur.append(sql[i:j])
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            cur.append(sql[i:j])
            i = j
        elif c == ";":
            out.append("".join(cur).strip())
            cur = []
            i += 1
        else:
            cur.append(c)
            i += 1
    rest = "".join(cur).strip()
    if rest and not all(l.strip().startswith("--") or not l.strip() for l in rest.split("\n")):
        out.append(rest)
    return [s for s in out if s]


def adapt(stmt, bs):
    """Adds the broker and bounded-read defaults to a Kafka table's WITH clause."""
    if not re.match(r"(?is)^(\s*(--[^\n]*\n|/\*.*?\*/))*\s*CREATE\s+TABLE", stmt):
        return stmt
    upsert = re.search(r"'connector'\s*=\s*'upsert-kafka'", stmt)
    if not upsert and not re.search(r"'connector'\s*=\s*'kafka'", stmt):
        return stmt
    extra = []
    if "'properties.bootstrap.servers'" not in stmt:
        extra.append(f"'properties.bootstrap.servers' = '{bs}'")
    if "'scan.startup.mode'" not in stmt and not upsert:  # upsert-kafka always reads from the start
        extra.append("'scan.startup.mode' = 'earliest-offset'")
    if "'scan.bounded.mode'" not in stmt:
        extra.append("'scan.bounded.mode' = 'latest-offset'")
    if not extra:
        return stmt
    k = stmt.rstrip().rfind(")")
    return stmt[:k] + ", " + ", ".join(extra) + stmt[k:]


TS = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::(\d\d))?(?:\.(\d+))?")


def to_contract(line):
    def repl(m):
        frac = (m.group(4) or "").ljust(3, "0")
        return f"{m.group(1)} {m.group(2)}:{m.group(3) or '00'}.{frac}"
    return TS.sub(repl, line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pattern", nargs="?", default="", help="regular expression on the file name")
    ap.add_argument("--bootstrap", help="a running Kafka broker (default: start one)")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    files = sorted(f for f in glob.glob(os.path.join(ROOT, "tests", "scenarios", "*.test"))
                   if re.search(opts.pattern, os.path.basename(f)))
    cp = classpath()
    kdir = None
    bs = opts.bootstrap
    if not bs:
        kdir = tempfile.mkdtemp()
        bs = subprocess.run([os.path.join(ROOT, "tests", "kafka", "kafka.sh"), "start", kdir],
                            check=True, capture_output=True, text=True).stdout.strip()
    tmp = tempfile.mkdtemp()
    try:
        run_id = str(os.getpid())
        plans, sql_files = {}, []
        for path in files:
            name = os.path.basename(path)[:-5]
            if name in SKIP:
                print(f"SKIP {name}: {SKIP[name]}")
                continue
            sections = rs.parse(path)
            topics = rs.topics_of(sections)
            prefix = f"fo{run_id}-{name.replace('_', '-')}-"
            for t, n in rs.partitions_of(sections).items():
                if n > 1:
                    rs.create_topic(bs, prefix + t, n)
            for kind, args, lines in sections:
                if kind == "input":
                    rs.produce(bs, prefix + args[0], lines, args=args)
            sql = "\n".join(next((l for k, _, l in sections if k == "sql"), []))
            sql = rs.rewrite_topics(sql, prefix, topics)
            stmts = [adapt(s, bs) for s in split_statements(sql)]
            f = os.path.join(tmp, name)
            with open(f, "w") as fh:
                fh.write("\n--@@--\n".join(stmts) + "\n")
            sql_files.append(f)
            plans[name] = (sections, prefix)
        r = subprocess.run(["java", "-Xmx1g", "-cp", cp, "FlinkOracle"] + sql_files,
                           capture_output=True, text=True, timeout=3600)
        with open(os.path.join(CACHE, "last-run.txt"), "w") as fh:
            fh.write(r.stdout + "\n---- stderr\n" + r.stderr)
        results, cur = {}, None
        for line in r.stdout.split("\n"):
            if line.startswith("@@BEGIN "):
                cur = line[8:]
                results[cur] = {"rows": [], "error": None}
            elif line.startswith("@@END "):
                cur = None
            elif cur and line.startswith("@@ERROR "):
                results[cur]["error"] = line[8:]
            elif cur is not None:
                results[cur]["rows"].append(line)
        agree = differ = 0
        for name, (sections, prefix) in plans.items():
            res = results.get(name)
            problems = []
            if res is None:
                problems.append("Flink printed nothing for it:\n" + r.stderr[-2000:])
            else:
                kinds = [k for k, _, _ in sections]
                if "error" in kinds:
                    if res["error"] is None:
                        problems.append("the scenario expects a failure, Flink succeeded")
                elif res["error"]:
                    problems.append("Flink failed: " + res["error"][:1500])
                for kind, args, lines in sections:
                    if kind == "output" and "error" not in kinds:
                        try:
                            got = rs.consume(bs, prefix + args[0])
                        except Exception:  # Flink never created the topic
                            got = []
                        p = rs.check_output(args[0], args, lines, got)
                        if p:
                            problems.append(p)
                    elif kind == "stdout" and args in ([], ["unordered"]) and "error" not in kinds:
                        got = [to_contract(l.rstrip()) for l in res["rows"] if l.strip()]
                        want = [l.rstrip() for l in lines]
                        if args == ["unordered"]:
                            got, want = sorted(got), sorted(want)
                        if got != want:
                            problems.append("stdout differs:\n  scenario:\n    " + "\n    ".join(want) +
                                            "\n  Flink:\n    " + "\n    ".join(got))
                if opts.verbose and res:
                    problems.append("(Flink rows: " + repr(res["rows"]) + ")") if problems else None
            if problems:
                differ += 1
                print(f"DIFFER {name}: " + "\n  ".join(problems), flush=True)
            else:
                agree += 1
                print(f"AGREE {name}", flush=True)
        print(f"{agree} agree, {differ} differ")
        sys.exit(1 if differ else 0)
    finally:
        if kdir:
            subprocess.run([os.path.join(ROOT, "tests", "kafka", "kafka.sh"), "stop", kdir])


if __name__ == "__main__":
    main()
