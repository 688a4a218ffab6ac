#!/usr/bin/python3
"""Runs the declarative SQL scenarios in tests/scenarios/*.test against `sluice`.

Each scenario gets its own standalone embedded broker (`sluice broker`), its input records are
produced with a third-party client (confluent-kafka), its statements run with `sluice -f`, and
its output topics are read back and compared. See tests/README.md for the format.
Prints PASS/FAIL per scenario and the closing line `N passed, N failed`."""
import argparse
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

from confluent_kafka import Consumer, Producer, TopicPartition

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse(path):
    """Splits a scenario file into its sections: (kind, argument words, lines)."""
    sections, cur = [], None
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f.read().split("\n"):
            if line.startswith("--- "):
                words = line[4:].split()
                cur = (words[0], words[1:], [])
                sections.append(cur)
            elif cur is not None:
                cur[2].append(line)
    # trailing blank lines are not records
    return [(k, a, _strip_tail(l)) for k, a, l in sections]


def _strip_tail(lines):
    while lines and lines[-1].strip() == "":
        lines = lines[:-1]
    return lines


def topics_of(sections):
    topics = []
    for kind, args, _ in sections:
        if kind in ("input", "output") and args and args[0] not in topics:
            topics.append(args[0])
    return topics


def rewrite_topics(sql, prefix, topics):
    """Prefixes every topic the scenario names, so scenarios can share one external broker."""
    def repl(m):
        names = m.group(2).split(";")
        return m.group(1) + ";".join(prefix + n if n in topics or prefix else n for n in names) + "'"
    return re.sub(r"('topic'\s*=\s*')([^']*)'", repl, sql)


def _prefix_quoted(line, prefix, topics):
    for t in topics:
        line = line.replace(f"'{t}'", f"'{prefix}{t}'")
    return line


def start_broker(sluice, topics):
    args = [sluice, "broker"] + sum([["--topic", t + ":1"] for t in topics], [])
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    addr = p.stdout.readline().strip()
    if not addr:
        p.kill()
        raise RuntimeError("sluice broker printed no address: " + p.stderr.read())
    return p, addr


def produce(addr, topic, lines, keyed):
    p = Producer({"bootstrap.servers": addr, "linger.ms": 0, "log_level": 3})
    for line in lines:
        key = None
        if keyed:
            key, _, line = line.partition("|")
        value = None if line == "<null>" else line.encode("utf-8", "surrogateescape")
        p.produce(topic, value=value, key=key.encode() if key is not None else None, partition=0)
    p.flush(30)


def consume(addr, topic):
    """Every record of partition 0 of `topic`, from the beginning to the high watermark."""
    c = Consumer({"bootstrap.servers": addr, "group.id": "scenario-reader", "enable.auto.commit": False,
                  "fetch.wait.max.ms": 10, "auto.offset.reset": "earliest"})
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    out = []
    if hi > lo:
        c.assign([TopicPartition(topic, 0, lo)])
        while len(out) < hi - lo:
            m = c.poll(5)
            if m is None:
                break
            if m.error():
                continue
            key = m.key().decode("utf-8", "replace") if m.key() is not None else None
            val = m.value().decode("utf-8", "replace") if m.value() is not None else "<null>"
            out.append((key, val))
    c.close()
    return out


def same_json(a, b):
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return a == b


def check_output(name, args, expected, actual):
    mode = args[1] if len(args) > 1 else "json"
    got = [(f"{k}|{v}" if mode == "keyed" else v) for k, v in actual]
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


def run_one(path, opts):
    name = os.path.basename(path)[:-5]
    sections = parse(path)
    topics = topics_of(sections)
    prefix = name.replace("_", "-") + "-" if opts.bootstrap else ""
    broker = None
    try:
        if opts.bootstrap:
            addr = opts.bootstrap
        else:
            broker, addr = start_broker(opts.sluice, topics)
        for kind, args, lines in sections:
            if kind == "input":
                produce(addr, prefix + args[0], lines, "keyed" in args[1:])
        sql = "\n".join(next((l for k, _, l in sections if k == "sql"), []))
        if prefix:
            sql = rewrite_topics(sql, prefix, topics)
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write(sql)
            sql_path = f.name
        cmd = os.environ.get("SLUICE_TEST_WRAPPER", "").split() + [
            opts.sluice, "-f", sql_path, "--set", "sluice.bootstrap.servers=" + addr,
            "--set", "scan.bounded.mode=latest-offset"]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=opts.timeout,
                               errors="replace")
            out, err, rc = r.stdout, r.stderr, r.returncode
        except subprocess.TimeoutExpired as t:
            return name, f"timed out after {opts.timeout} s\n{t.stdout}\n{t.stderr}"
        finally:
            os.unlink(sql_path)
        problems = []
        kinds = [k for k, _, _ in sections]
        if prefix:  # messages name the prefixed topics
            sections = [(k, a, [_prefix_quoted(l, prefix, topics) for l in lines]) if k in ("error", "stderr", "stdout")
                        else (k, a, lines) for k, a, lines in sections]
        want_rc = None
        for kind, args, lines in sections:
            if kind == "exit":
                want_rc = int(args[0])
        if "error" in kinds and want_rc is None:
            if rc == 0:
                problems.append("expected a failure, but sluice exited 0")
        elif rc != (want_rc if want_rc is not None else 0):
            problems.append(f"exit status {rc}")
        for kind, args, lines in sections:
            if kind == "output":
                p = check_output(args[0], args, lines, consume(addr, prefix + args[0]))
                if p:
                    problems.append(p)
            elif kind == "stdout" and not args:
                got = [l.rstrip() for l in out.rstrip("\n").split("\n")] if out.strip() else []
                want = [l.rstrip() for l in lines]
                if got != want:
                    problems.append("stdout differs:\n  expected:\n    " + "\n    ".join(want) +
                                    "\n  got:\n    " + "\n    ".join(got))
            elif kind == "stdout" and args == ["contains"]:
                for l in lines:
                    if l.strip() and l.strip() not in out:
                        problems.append(f"stdout lacks: {l.strip()}")
            elif kind in ("error", "stderr"):
                for l in lines:
                    if l.strip() and l.strip() not in err:
                        problems.append(f"stderr lacks: {l.strip()}")
        if problems:
            detail = "\n  ".join(problems)
            if opts.verbose:
                detail += f"\n  --- stdout:\n{out}\n  --- stderr:\n{err}"
            else:
                detail += f"\n  --- stderr (tail):\n{err[-1500:]}"
            return name, detail
        return name, None
    except Exception as e:  # a broken rig is a failure, not a crash
        return name, f"rig error: {e!r}"
    finally:
        if broker:
            broker.terminate()
            try:
                broker.wait(10)
            except subprocess.TimeoutExpired:
                broker.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pattern", nargs="?", default="")
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--bootstrap", default=None, help="use this broker instead of one per scenario")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    files = sorted(f for f in glob.glob(os.path.join(ROOT, "tests", "scenarios", "*.test")) if opts.pattern in f)
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(opts.jobs) as ex:
        for name, problem in ex.map(lambda p: run_one(p, opts), files):
            if problem:
                failed += 1
                print(f"FAIL {name}: {problem}", flush=True)
            else:
                passed += 1
                print(f"PASS {name}", flush=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not files else 0)


if __name__ == "__main__":
    main()
