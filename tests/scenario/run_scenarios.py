#!/usr/bin/python3
"""Runs the declarative SQL scenarios in tests/scenarios/*.test against `sluice`.

Each scenario gets its own standalone embedded broker (`sluice broker`), its input records are
produced with a third-party client (confluent-kafka), its statements run with `sluice -f`, and
its output topics are read back and compared. See tests/README.md for the format.
Prints PASS/FAIL per scenario and the closing line `N passed, N failed`.

  run_scenarios.py [PATTERN] [--sluice PATH] [--jobs N] [--timeout S] [--verbose]
                   [--bootstrap ADDR]      use a running broker instead of one per scenario
  run_scenarios.py --self-test             checks the runner's own parsing, rewriting, comparing

Topics are always renamed with a per-scenario prefix (in the SQL's 'topic' options, in the
input/output sections and in expected messages of the form `topic 'NAME'`), with or without
--bootstrap, so the rewriting that makes a shared broker safe is exercised on every run.
Env SLUICE_TEST_WRAPPER (e.g. 'valgrind -q') prefixes the sluice command."""
import argparse
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kafka"))
from sluice_proc import read_line, stop_group  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECTION_KINDS = {"input", "output", "sql", "stdout", "error", "stderr", "exit"}
INPUT_FLAGS = {"keyed", "timestamped", "partitioned"}
OUTPUT_MODES = {"json", "raw", "keyed", "table", "unordered"}


class ScenarioError(ValueError):
    """A scenario file that does not follow the format."""


# ---------------------------------------------------------------- parsing

def parse_text(text, where="<text>"):
    """Splits a scenario into its sections: a list of (kind, argument words, lines)."""
    sections, cur = [], None
    for no, line in enumerate(text.split("\n"), 1):
        if line.startswith("--- "):
            words = line[4:].split()
            if not words or words[0] not in SECTION_KINDS:
                raise ScenarioError(f"{where}:{no}: unknown section '{line.strip()}'")
            kind, args = words[0], words[1:]
            _check_args(kind, args, f"{where}:{no}")
            cur = (kind, args, [])
            sections.append(cur)
        elif cur is not None:
            cur[2].append(line)
        elif line.strip() and not line.startswith("#"):
            raise ScenarioError(f"{where}:{no}: text before the first section must be '#' comments")
    if sum(1 for k, _, _ in sections if k == "sql") != 1:
        raise ScenarioError(f"{where}: needs exactly one '--- sql' section")
    # trailing blank lines of a section are not records
    return [(k, a, _strip_tail(l)) for k, a, l in sections]


def _check_args(kind, args, where):
    if kind in ("input", "output") and not args:
        raise ScenarioError(f"{where}: '--- {kind}' needs a topic name")
    if kind == "input" and set(args[1:]) - INPUT_FLAGS:
        raise ScenarioError(f"{where}: input flags are {sorted(INPUT_FLAGS)}, not {args[1:]}")
    if kind == "output" and (len(args) > 2 or (len(args) == 2 and args[1] not in OUTPUT_MODES)):
        raise ScenarioError(f"{where}: output modes are {sorted(OUTPUT_MODES)}, not {args[1:]}")
    if kind == "stdout" and args not in ([], ["contains"], ["unordered"]):
        raise ScenarioError(f"{where}: '--- stdout', '--- stdout contains' or '--- stdout unordered'")
    if kind == "stderr" and args != ["contains"]:
        raise ScenarioError(f"{where}: '--- stderr contains'")
    if kind == "exit" and (len(args) != 1 or not args[0].isdigit()):
        raise ScenarioError(f"{where}: '--- exit N'")
    if kind in ("sql", "error") and args:
        raise ScenarioError(f"{where}: '--- {kind}' takes no arguments")


def parse(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return parse_text(f.read(), os.path.basename(path))


def _strip_tail(lines):
    while lines and lines[-1].strip() == "":
        lines = lines[:-1]
    return lines


def topics_of(sections):
    topics = []
    for kind, args, _ in sections:
        if kind in ("input", "output") and args[0] not in topics:
            topics.append(args[0])
    return topics


def sql_of(sections):
    return "\n".join(next(l for k, _, l in sections if k == "sql"))


# ---------------------------------------------------------------- topic prefixes

def rewrite_topics(sql, prefix, topics=None):
    """Prefixes every topic named in a 'topic' option ('a;b' lists too) or an option whose key
    ends in '.topic' (e.g. 'scan.dlq.topic'), so that scenarios can share one broker. `topics`
    is accepted for compatibility; every name is prefixed."""
    if not prefix:
        return sql

    def repl(m):
        names = m.group(2).split(";")
        return m.group(1) + ";".join(prefix + n.strip() for n in names) + "'"
    return re.sub(r"('(?:[a-z0-9_.-]+\.)?topic'\s*=\s*')([^']*)'", repl, sql, flags=re.IGNORECASE)


def prefix_messages(line, prefix, topics):
    """Expected messages name topics as `topic 'NAME'`: those get the prefix too."""
    if not prefix:
        return line
    return re.sub(r"(topic ')([^']*)'",
                  lambda m: m.group(1) + (prefix + m.group(2) if m.group(2) in topics else m.group(2)) + "'",
                  line, flags=re.IGNORECASE)


_prefix_quoted = prefix_messages  # the name flink_oracle.py knew


# ---------------------------------------------------------------- Kafka I/O

def input_partitions(args, lines):
    """The partition of each input line: `--- input T partitioned` lines start with `P|`
    (before any other prefix); otherwise 0."""
    if "partitioned" not in args[1:]:
        return [0] * len(lines)
    return [int(line.partition("|")[0]) for line in lines]


def partitions_of(sections):
    """Topic -> partition count: 1, or one more than the highest partition a `partitioned`
    input names."""
    counts = {t: 1 for t in topics_of(sections)}
    for kind, args, lines in sections:
        if kind == "input":
            for part in input_partitions(args, lines):
                counts[args[0]] = max(counts[args[0]], part + 1)
    return counts


def create_topic(addr, topic, partitions):
    """Creates a topic with `partitions` partitions on a real broker (there the first produce
    would auto-create it with one)."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": addr})
    fut = admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])[topic]
    fut.result(30)


def input_records(args, lines):
    """(timestamp ms or None, key bytes or None, value bytes or None) for each input line.
    `--- input T timestamped` lines start with `MS|`, `keyed` ones with `KEY|` (`partitioned`
    ones with `P|` before those: see input_partitions); `<null>` is a null key or value."""
    keyed, stamped = "keyed" in args[1:], "timestamped" in args[1:]
    out = []
    for line in lines:
        ts = key = None
        if "partitioned" in args[1:]:
            line = line.partition("|")[2]
        if stamped:
            t, _, line = line.partition("|")
            ts = int(t)
        if keyed:
            key, _, line = line.partition("|")
            key = None if key == "<null>" else key.encode("utf-8", "surrogateescape")
        value = None if line == "<null>" else line.encode("utf-8", "surrogateescape")
        out.append((ts, key, value))
    return out


def produce(addr, topic, lines, keyed=False, args=None):
    from confluent_kafka import Producer
    if args is None:
        args = [topic] + (["keyed"] if keyed else [])
    p = Producer({"bootstrap.servers": addr, "linger.ms": 0, "log_level": 3,
                  "enable.idempotence": False, "max.in.flight.requests.per.connection": 1})
    for part, (ts, key, value) in zip(input_partitions(args, lines), input_records(args, lines)):
        kw = {"timestamp": ts} if ts is not None else {}
        p.produce(topic, value=value, key=key, partition=part, **kw)
    left = p.flush(30)
    if left:
        raise RuntimeError(f"{left} input records for topic '{topic}' not delivered within 30 s")


def consume(addr, topic):
    """Every record of partition 0 of `topic`, from the beginning to the high watermark, as
    (key text or None, value text or '<null>')."""
    from kafka_read import read_partition
    return [(k.decode("utf-8", "replace") if k is not None else None,
             v.decode("utf-8", "replace") if v is not None else "<null>")
            for k, v in read_partition(addr, topic, group="scenario-reader")]


def start_broker(sluice, topics, timeout=30, partitions=None):
    """A `sluice broker` with the topics (one partition each unless `partitions` maps a topic to
    its count); returns (process, bootstrap, stderr file)."""
    err = tempfile.TemporaryFile()
    partitions = partitions or {}
    args = [sluice, "broker"] + sum([["--topic", f"{t}:{partitions.get(t, 1)}"] for t in topics], [])
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
    addr = read_line(p, timeout)
    if not addr:
        stop_group(p)
        err.seek(0)
        raise RuntimeError(f"sluice broker printed no address within {timeout} s: "
                           + err.read().decode(errors="replace")[-1000:])
    return p, addr, err


def run_sluice(cmd, timeout):
    """Runs sluice; returns (stdout, stderr, exit status or None on timeout)."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            stop_group(p, grace=3)
            rc = None
        fo.seek(0)
        fe.seek(0)
        return fo.read().decode("utf-8", "replace"), fe.read().decode("utf-8", "replace"), rc


# ---------------------------------------------------------------- comparing

def _typed(v):
    """JSON value with booleans, integers and floats kept apart (Python has True == 1 == 1.0)."""
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, float):
        return ("float", v)
    if isinstance(v, dict):
        return ("obj", sorted((k, _typed(x)) for k, x in v.items()))
    if isinstance(v, list):
        return ("arr", [_typed(x) for x in v])
    return (type(v).__name__, v)


def same_json(a, b):
    """Equal as JSON values (key order and spacing aside); text equality if either is not JSON."""
    try:
        return _typed(json.loads(a)) == _typed(json.loads(b))
    except ValueError:
        return a == b


def _is_json(text):
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def _canon(text):
    """A JSON text in one canonical spelling (sorted keys), or the text itself if not JSON."""
    try:
        return json.dumps(_typed(json.loads(text)), sort_keys=True)
    except ValueError:
        return text


def final_table(actual):
    """The table an upsert topic holds after all its records: the last value of each key, keys
    whose last record is a tombstone removed; `key|value` lines sorted by key."""
    table = {}
    for k, v in actual:
        key = "<null>" if k is None else k
        if v == "<null>":
            table.pop(_canon(key), None)
        else:
            table[_canon(key)] = (key, v)
    return [f"{k}|{v}" for _, (k, v) in sorted(table.items())]


def check_output(name, args, expected, actual):
    """None if the records `actual` [(key, value)] match the section's lines, else a message.
    Mode `table` compares the final upserted table (order of lines does not matter)."""
    mode = args[1] if len(args) > 1 else "json"
    if mode == "unordered":  # JSON records as a multiset
        key = lambda t: json.dumps(_typed(json.loads(t)), sort_keys=True) if _is_json(t) else t
        ok = sorted(map(key, expected)) == sorted(key(v) for _, v in actual)
        if ok:
            return None
        return f"topic {name}: expected (in any order) {len(expected)} records:\n    " + "\n    ".join(expected) + \
            f"\n  got {len(actual)}:\n    " + "\n    ".join(v for _, v in actual)
    if mode == "table":
        got = final_table(actual)
        ok = sorted(_canon(l.partition("|")[0]) + "|" + _canon(l.partition("|")[2]) for l in expected) == \
            sorted(_canon(l.partition("|")[0]) + "|" + _canon(l.partition("|")[2]) for l in got)
        if ok:
            return None
        return f"topic {name}: expected final table of {len(expected)} keys:\n    " + "\n    ".join(expected) + \
            f"\n  got {len(got)}:\n    " + "\n    ".join(got) + \
            "\n  from records:\n    " + "\n    ".join(f"{k}|{v}" for k, v in actual)
    got = [(f"{'<null>' if k is None else k}|{v}" if mode == "keyed" else v) for k, v in actual]
    ok = len(got) == len(expected)
    if ok:
        for e, g in zip(expected, got):
            if mode == "raw":
                ok = ok and e == g
            elif mode == "keyed":
                ek, _, ev = e.partition("|")
                gk, _, gv = g.partition("|")
                ok = ok and same_json(ek, gk) and same_json(ev, gv)
            else:
                ok = ok and same_json(e, g)
    if ok:
        return None
    return f"topic {name}: expected {len(expected)} records:\n    " + "\n    ".join(expected) + \
        f"\n  got {len(got)}:\n    " + "\n    ".join(got)


def evaluate(sections, out, err, rc, outputs, prefix=""):
    """Problems (a list of messages, empty when the scenario passed) for one run of sluice:
    its stdout, stderr, exit status and the records read from each output topic (by the
    scenario's own topic names)."""
    problems = []
    topics = topics_of(sections)
    kinds = [k for k, _, _ in sections]
    want_rc = next((int(a[0]) for k, a, _ in sections if k == "exit"), None)
    if rc is None:
        problems.append("timed out")
    elif want_rc is not None:
        if rc != want_rc:
            problems.append(f"exit status {rc}, expected {want_rc}")
    elif "error" in kinds:
        if rc == 0:
            problems.append("expected a failure, but sluice exited 0")
    elif "stderr" not in kinds and rc != 0:
        problems.append(f"exit status {rc}")
    for kind, args, lines in sections:
        if kind in ("stdout", "error", "stderr"):
            lines = [prefix_messages(l, prefix, topics) for l in lines]
        if kind == "output":
            p = check_output(args[0], args, lines, outputs.get(args[0], []))
            if p:
                problems.append(p)
        elif kind == "stdout" and args in ([], ["unordered"]):
            got = [l.rstrip() for l in out.rstrip("\n").split("\n")] if out.strip() else []
            want = [l.rstrip() for l in lines]
            if args == ["unordered"]:  # e.g. the rows of one window, whose order is not defined
                got, want = sorted(got), sorted(want)
            if got != want:
                problems.append("stdout differs:\n  expected:\n    " + "\n    ".join(want) +
                                "\n  got:\n    " + "\n    ".join(got))
        elif kind == "stdout":
            for l in lines:
                if l.strip() and l.rstrip() not in out:
                    problems.append(f"stdout lacks: {l.rstrip()}")
        elif kind in ("error", "stderr"):
            for l in lines:
                if l.strip() and l.rstrip() not in err:
                    problems.append(f"stderr lacks: {l.rstrip()}")
    return problems


# ---------------------------------------------------------------- one scenario

def run_one(path, opts, capture=None):
    """Runs one scenario: (name, None or what failed, seconds). `capture` (a dict), when given,
    receives sluice's stdout, stderr and exit status ('out', 'err', 'rc')."""
    name = os.path.basename(path)[:-5]
    broker = broker_err = None
    t0 = time.monotonic()
    try:
        sections = parse(path)
        topics = topics_of(sections)
        if opts.bootstrap:  # unique per run too: a shared broker keeps earlier runs' records
            prefix = f"r{opts.run_id}-{name.replace('_', '-')}-"
            addr = opts.bootstrap
        else:
            prefix = name.split("_")[0] + "-"
            counts = {prefix + t: n for t, n in partitions_of(sections).items()}
            broker, addr, broker_err = start_broker(opts.sluice, [prefix + t for t in topics], partitions=counts)
        if opts.bootstrap:
            for t, n in partitions_of(sections).items():
                if n > 1:
                    create_topic(addr, prefix + t, n)
        for kind, args, lines in sections:
            if kind == "input":
                produce(addr, prefix + args[0], lines, args=args)
        sql = rewrite_topics(sql_of(sections), prefix, topics)
        with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix=name + "-", delete=False) as f:
            f.write(sql)
            sql_path = f.name
        state_dir = tempfile.mkdtemp(prefix=name + "-state-")  # every scenario starts fresh
        cmd = os.environ.get("SLUICE_TEST_WRAPPER", "").split() + [
            opts.sluice, "-f", sql_path, "--set", "sluice.bootstrap.servers=" + addr,
            "--set", "scan.bounded.mode=latest-offset", "--state-dir", state_dir]
        try:
            out, err, rc = run_sluice(cmd, opts.timeout)
            if capture is not None:
                capture.update(out=out, err=err, rc=rc)
        finally:
            os.unlink(sql_path)
            shutil.rmtree(state_dir, ignore_errors=True)
        outputs = {a[0]: consume(addr, prefix + a[0]) for k, a, _ in sections if k == "output"}
        problems = evaluate(sections, out, err, rc, outputs, prefix)
        if rc is None:
            problems[0] = f"timed out after {opts.timeout} s"
        if problems:
            detail = "\n  ".join(problems)
            if opts.verbose or rc is None:
                detail += f"\n  --- stdout:\n{out}\n  --- stderr:\n{err}"
            else:
                detail += f"\n  --- stderr (tail):\n{err[-1500:]}"
            return name, detail, time.monotonic() - t0
        return name, None, time.monotonic() - t0
    except ScenarioError as e:
        return name, f"bad scenario file: {e}", time.monotonic() - t0
    except Exception as e:  # a broken rig is a failure, not a crash
        return name, f"rig error: {e!r}", time.monotonic() - t0
    finally:
        if broker:
            stop_group(broker)
            broker_err.close()


# ---------------------------------------------------------------- self-test

SELF_TEST_SCENARIO = """# a description
# over two lines
--- input orders keyed
k1|{"a": 1}
<null>|<null>
--- input clicks timestamped
1000|{"b": 2}
2000|{"b": 3}|x
--- input both keyed timestamped
5|k|v
--- sql
CREATE TABLE o (a INT) WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json');
CREATE TABLE m (a INT) WITH ('connector'='kafka','TOPIC'='clicks;orders', 'format' = 'json');
SELECT 'topic' FROM o; -- a string literal that looks like an option key but has no '='
--- output big_orders
{"order_id": 1, "amount": 2.5}

--- output o2 raw
text|with bar
--- output k keyed
{"id":1}|{"id":1,"v":"x"}
--- stdout
+I[1, x]
--- stdout contains
  +- Calc
--- error
topic 'orders' partition 0 offset 1
Table 'orders' not found
--- exit 1


"""


def self_test():
    checks = []

    def check(what, cond):
        checks.append((what, bool(cond)))

    s = parse_text(SELF_TEST_SCENARIO)
    check("section kinds in order", [k for k, _, _ in s] ==
          ["input", "input", "input", "sql", "output", "output", "output", "stdout", "stdout", "error", "exit"])
    check("trailing blank lines dropped", s[4][2] == ['{"order_id": 1, "amount": 2.5}'])
    check("topics in order, once", topics_of(s) == ["orders", "clicks", "both", "big_orders", "o2", "k"])
    check("keyed input", input_records(s[0][1], s[0][2]) == [(None, b"k1", b'{"a": 1}'), (None, None, None)])
    check("timestamped input", input_records(s[1][1], s[1][2]) == [(1000, None, b'{"b": 2}'), (2000, None, b'{"b": 3}|x')])
    check("keyed and timestamped input", input_records(s[2][1], s[2][2]) == [(5, b"k", b"v")])
    part_args = ["t", "partitioned", "keyed"]
    check("partitioned input", input_partitions(part_args, ["2|k|v", "0|<null>|w"]) == [2, 0]
          and input_records(part_args, ["2|k|v", "0|<null>|w"]) == [(None, b"k", b"v"), (None, None, b"w")])
    check("partition counts", partitions_of([("input", part_args, ["2|k|v"]), ("output", ["o"], [])]) == {"t": 3, "o": 1})
    check("raw bytes survive", input_records(["t"], ["{\udcff"]) == [(None, None, b"{\xff")])
    sql = sql_of(s)
    r = rewrite_topics(sql, "p-", topics_of(s))
    check("topic option rewritten", "'topic' = 'p-orders'" in r)
    check("a '.topic' option rewritten", "'scan.dlq.topic' = 'p-dlq'" in
          rewrite_topics("WITH ('scan.dlq.topic' = 'dlq')", "p-"))
    check("topic list rewritten, key case kept", "'TOPIC'='p-clicks;p-orders'" in r)
    check("other literals untouched", "SELECT 'topic' FROM o;" in r)
    check("no prefix, no change", rewrite_topics(sql, "", topics_of(s)) == sql)
    check("messages: topic names prefixed",
          prefix_messages("topic 'orders' partition 0", "p-", ["orders"]) == "topic 'p-orders' partition 0")
    check("messages: table names kept", prefix_messages("Table 'orders' not found", "p-", ["orders"]) ==
          "Table 'orders' not found")
    for bad, why in [("--- sql\nx\n--- inptu t\n", "unknown section"),
                     ("--- output t sorted\n--- sql\n", "bad output mode"),
                     ("--- input\n--- sql\n", "input without topic"),
                     ("--- exit x\n--- sql\n", "bad exit"),
                     ("stray\n--- sql\n", "text before sections"),
                     ("--- stdout\n", "no sql section")]:
        try:
            parse_text(bad)
            check("rejects " + why, False)
        except ScenarioError:
            check("rejects " + why, True)
    # comparisons
    check("json: spacing and key order", same_json('{"a": 1, "b": "x"}', '{"b":"x","a":1}'))
    check("json: 230.0 equals 2.3E2", same_json('{"a": 230.0}', '{"a":2.3E2}'))
    check("json: int is not double", not same_json('{"a": 230.0}', '{"a":230}'))
    check("json: true is not 1", not same_json('{"a": true}', '{"a":1}'))
    check("json: null is not missing", not same_json('{"a": null}', '{}'))
    check("json: not JSON compares as text", same_json("not json", "not json") and not same_json("x", "y"))
    check("output json ok", check_output("t", ["t"], ['{"a":1}'], [(None, '{"a": 1}')]) is None)
    check("output count differs", check_output("t", ["t"], ['{"a":1}'], []) is not None)
    check("output order matters", check_output("t", ["t"], ['{"a":1}', '{"a":2}'],
                                               [(None, '{"a":2}'), (None, '{"a":1}')]) is not None)
    check("output raw exact", check_output("t", ["t", "raw"], ["0.70"], [(None, "0.7")]) is not None)
    check("output keyed ok", check_output("t", ["t", "keyed"], ['{"id":1}|{"v": 2}'],
                                          [('{"id": 1}', '{"v":2}')]) is None)
    check("output keyed null key", check_output("t", ["t", "keyed"], ['<null>|x'], [(None, "x")]) is None)
    check("output keyed key differs", check_output("t", ["t", "keyed"], ['{"id":1}|{}'],
                                                   [('{"id":2}', '{}')]) is not None)
    table = [('{"k":1}', '{"k":1,"n":1}'), ('{"k":2}', '{"k":2,"n":1}'), ('{"k": 1}', '{"k":1,"n":2}'),
             ('{"k":2}', "<null>")]
    check("final table: last value per key, tombstone removes", final_table(table) == ['{"k": 1}|{"k":1,"n":2}'])
    check("output table matches in any order", check_output("t", ["t", "table"], ['{"k":1}|{"n":2,"k":1}'], table) is None)
    check("output table differs", check_output("t", ["t", "table"], ['{"k":1}|{"k":1,"n":1}'], table) is not None)
    check("output unordered", check_output("t", ["t", "unordered"], ['{"a":2}', '{"a":1}'],
                                            [(None, '{"a": 1}'), (None, '{"a":2}')]) is None)
    check("output unordered counts", check_output("t", ["t", "unordered"], ['{"a":1}'],
                                                  [(None, '{"a":1}'), (None, '{"a":1}')]) is not None)
    unord = parse_text("--- sql\nSELECT 1;\n--- stdout unordered\n+I[2]\n+I[1]\n")
    check("stdout unordered", evaluate(unord, "+I[1]\n+I[2]\n", "", 0, {}) == [] and
          evaluate(unord, "+I[1]\n+I[1]\n", "", 0, {}) != [])
    check("output table extra key", check_output("t", ["t", "table"], [], table) is not None)
    # whole evaluation
    base = parse_text("--- sql\nSELECT 1;\n--- stdout\n+I[1]\n+I[2]   \n")
    check("stdout exact, trailing spaces ignored", evaluate(base, "+I[1]  \n+I[2]\n", "", 0, {}) == [])
    check("stdout extra line fails", evaluate(base, "+I[1]\n+I[2]\n+I[3]\n", "", 0, {}) != [])
    check("nonzero exit fails", evaluate(base, "+I[1]\n+I[2]\n", "", 1, {}) != [])
    check("timeout fails", evaluate(base, "+I[1]\n+I[2]\n", "", None, {}) != [])
    empty = parse_text("--- sql\nSELECT 1;\n--- stdout\n")
    check("empty stdout expected", evaluate(empty, "", "[INFO] x\n", 0, {}) == [] and
          evaluate(empty, "+I[1]\n", "", 0, {}) != [])
    err = parse_text("--- sql\nx;\n--- input t\n--- error\ntopic 't' offset 3\n  ^\n")
    check("error: prefixed topic found", evaluate(err, "", "in topic 'p-t' offset 3\n  ^\n", 1, {}, "p-") == [])
    check("error: leading spaces matter", evaluate(err, "", "in topic 't' offset 3\n^\n", 1, {}) != [])
    check("error: exit 0 fails", evaluate(err, "", "topic 't' offset 3\n  ^\n", 0, {}) != [])
    se = parse_text("--- sql\nx;\n--- stderr contains\nskipped\n")
    check("stderr contains: exit not checked", evaluate(se, "", "2 skipped", 1, {}) == [])
    se0 = parse_text("--- sql\nx;\n--- stderr contains\nskipped\n--- exit 0\n")
    check("stderr contains with exit 0", evaluate(se0, "", "2 skipped", 1, {}) != [])
    cont = parse_text("--- sql\nx;\n--- stdout contains\n   +- Scan\n")
    check("stdout contains keeps indentation", evaluate(cont, "a\n   +- Scan(x)\n", "", 0, {}) == [] and
          evaluate(cont, "a\n+- Scan(x)\n", "", 0, {}) != [])
    outs = parse_text("--- sql\nx;\n--- output o\n{\"a\":1}\n")
    check("outputs by scenario topic name", evaluate(outs, "", "", 0, {"o": [(None, '{"a":1}')]}) == [] and
          evaluate(outs, "", "", 0, {"o": []}) != [])
    failed = [w for w, ok in checks if not ok]
    for w, ok in checks:
        print(("PASS " if ok else "FAIL ") + "self-test: " + w)
    print(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pattern", nargs="?", default="", help="run scenarios whose file name matches this regular expression")
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=60, help="seconds per sluice run (default 60)")
    ap.add_argument("--bootstrap", default=None, help="use this broker instead of one per scenario")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--self-test", action="store_true", help="check the runner itself (no sluice needed)")
    opts = ap.parse_args()
    if opts.self_test:
        sys.exit(self_test())
    opts.run_id = f"{os.getpid()}{int(time.time()) % 100000}"
    opts.sluice = os.path.abspath(opts.sluice)
    if not os.access(opts.sluice, os.X_OK):
        print(f"no sluice binary at {opts.sluice}")
        print("0 passed, 1 failed")
        sys.exit(1)
    files = sorted(f for f in glob.glob(os.path.join(ROOT, "tests", "scenarios", "*.test"))
                   if re.search(opts.pattern, os.path.basename(f)))
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max(1, opts.jobs)) as ex:
        for name, problem, secs in ex.map(lambda p: run_one(p, opts), files):
            took = f" ({secs:.1f} s)" if opts.verbose else ""
            if problem:
                failed += 1
                print(f"FAIL {name}{took}: {problem}", flush=True)
            else:
                passed += 1
                print(f"PASS {name}{took}", flush=True)
    if not files:
        print(f"no scenario matches '{opts.pattern}'")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not files else 0)


if __name__ == "__main__":
    main()
