"""Shared by the exactly-once suites (run_crash.py, run_broker_faults.py, run_disk_full.py): the
two jobs, the input feeder, brokers, runs of sluice, and the end-to-end checks of the output.

The jobs (topics and pipeline names carry a per-suite prefix):
- aggregate: GROUP BY k with COUNT(*), COUNT, SUM, MIN, MAX, COUNT(DISTINCT) into upsert-kafka
  (16 partitions, by key: the embedded broker keeps about 5 MB per partition and drops older
  records, so the changelog is spread wide);
- filter: a stateless WHERE into a plain kafka json sink (4 partitions, unkeyed: in turn).

What the output must be (read back with confluent-kafka, a third-party client), checked by
check_outputs(): every record carries sluice-job = the job's name, one sluice-sink, and a
sluice-seq; the seqs are 1..N, each exactly once; within each partition they increase; the
filter's records are exactly the rows SQLite's WHERE gives over the input topic (multiset), and in
seq order the rows of each input partition keep their input order; the aggregate's changelog of
each key lives in one partition and its COUNT(*) only grows (an epoch's result never comes twice),
and the last value of each key equals SQLite's batch GROUP BY over the input topic."""
import collections
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "kafka"))
from sluice_proc import broker_address, kill_group, read_line, start_broker, stop_group  # noqa: E402
SLUICE = os.path.join(ROOT, "build", "shell", "sluice")
PARTITIONS = 4          # input and filter output
AGG_PARTITIONS = 16     # the upsert topic (by key): the embedded broker keeps only ~5 MB per partition
GROUPS = 200
SKEW = 0.7
TOPICS = {"input": PARTITIONS, "totals": AGG_PARTITIONS, "picked": PARTITIONS}
# records the embedded broker keeps without dropping any (the aggregate's changelog, one
# record per input record, is the limit: ~30,000 per partition, the busiest partition ~17%)
EMBEDDED_INPUT_CAP = 150000

AGG_SQL = """CREATE TABLE src (id BIGINT, k STRING, amount INT, c INT)
  WITH ('connector' = 'kafka', 'topic' = '{input}', 'format' = 'json');
CREATE TABLE totals (k STRING, n BIGINT, na BIGINT, total INT, lo INT, hi INT, dc BIGINT,
                     PRIMARY KEY (k) NOT ENFORCED)
  WITH ('connector' = 'upsert-kafka', 'topic' = '{totals}', 'key.format' = 'json', 'value.format' = 'json');
INSERT INTO totals
SELECT k, COUNT(*), COUNT(amount), SUM(amount), MIN(amount), MAX(amount), COUNT(DISTINCT c)
FROM src GROUP BY k;
"""
AGG_EXPECTED = "SELECT k, COUNT(*), COUNT(amount), SUM(amount), MIN(amount), MAX(amount), COUNT(DISTINCT c) FROM r GROUP BY k"
AGG_COLS = ["k", "n", "na", "total", "lo", "hi", "dc"]
FILTER_SQL = """CREATE TABLE src (id BIGINT, k STRING, amount INT, c INT)
  WITH ('connector' = 'kafka', 'topic' = '{input}', 'format' = 'json');
CREATE TABLE picked (id BIGINT, k STRING, amount INT)
  WITH ('connector' = 'kafka', 'topic' = '{picked}', 'format' = 'json');
INSERT INTO picked SELECT id, k, amount FROM src WHERE MOD(id, 3) = 0 OR amount > 300;
"""
FILTER_EXPECTED = "SELECT id, k, amount FROM r WHERE id % 3 = 0 OR amount > 300"
STATE_LINE = re.compile(r"Job '[^']+' (?:resumes from checkpoint (\d+)|starts with new state)")
CRASH_LINE = re.compile(r"^\[crash point\] (\S+)$", re.M)
SANITIZER = re.compile(r"ERROR: (?:Address|Leak|Thread|Memory)Sanitizer|runtime error: |SUMMARY: UndefinedBehaviorSanitizer")


def is_asan(sluice):
    """True when the binary was built with AddressSanitizer."""
    try:
        with open(sluice, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def scale():
    """SLUICE_TEST_SCALE (a factor on the work, default 1)."""
    try:
        return max(0.05, float(os.environ.get("SLUICE_TEST_SCALE", "1")))
    except ValueError:
        return 1.0


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}" + (("\n  " + detail.replace("\n", "\n  ")) if detail else ""))
        sys.stdout.flush()

    def skip(self, what, why):
        print(f"SKIP {what}: {why}")
        sys.stdout.flush()

    def info(self, text):
        print("  " + text.replace("\n", "\n  "))
        sys.stdout.flush()

    def summary(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.stdout.flush()
        return 1 if self.failed else 0


def hwm_sum(addr, topic, partitions):
    """The sum of the high watermarks of a topic's partitions (records written, on a topic
    without transactions)."""
    c = Consumer({"bootstrap.servers": addr, "group.id": "eos-marks", "log_level": 0})
    try:
        return sum(c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(partitions))
    finally:
        c.close()


# ---------------------------------------------------------------- brokers

class SluiceBroker:
    """A `sluice broker` with fault commands on its stdin (command() sends one, returns the answer)."""

    def __init__(self, sluice, topics, brokers=1, timeout=60):
        self.proc = start_broker(sluice, topics, brokers=brokers, stdin=subprocess.PIPE)
        self.lock = threading.Lock()
        self.addr = broker_address(self.proc, timeout)
        self.log = []   # (time, command, answer)

    def command(self, line, timeout=10):
        with self.lock:
            self.proc.stdin.write((line + "\n").encode())
            self.proc.stdin.flush()
            answer = read_line(self.proc, timeout)
            self.log.append((time.monotonic(), line, answer))
            return answer

    def stop(self, grace=10):
        stop_group(self.proc, grace=grace)


def create_topics(addr, topics, timeout=30):
    """Creates topics [(name, partitions)] on a real broker with the admin API."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": addr, "log_level": 3})
    futures = admin.create_topics([NewTopic(t, n, 1) for t, n in topics], request_timeout=timeout)
    for t, f in futures.items():
        f.result(timeout)
    # wait until every partition has a leader that answers ListOffsets: a job started on a topic
    # created a moment ago may otherwise be told NOT_LEADER_FOR_PARTITION, which Sluice does not
    # retry (reported; run_broker_faults.py has the case)
    c = Consumer({"bootstrap.servers": addr, "group.id": "eos-admin", "log_level": 0})
    try:
        deadline = time.monotonic() + timeout
        for t, n in topics:
            for p in range(n):
                while True:
                    try:
                        c.get_watermark_offsets(TopicPartition(t, p), timeout=5)
                        break
                    except Exception:  # noqa: BLE001 - not ready yet
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"topic {t} partition {p} not ready after {timeout} s") from None
                        time.sleep(0.1)
    finally:
        c.close()


# ---------------------------------------------------------------- input

def make_record(i, rnd, weights=[1 / (r + 1) ** SKEW for r in range(GROUPS)]):  # noqa: B006 - a constant
    """Record i: keys skewed over GROUPS groups, amounts in -500..500 or NULL, c in 0..40."""
    k = rnd.choices(range(GROUPS), weights=weights)[0]
    return {"id": i, "k": f"g{k:03d}", "amount": None if rnd.random() < 0.05 else rnd.randint(-500, 500),
            "c": rnd.randint(0, 40)}


class Feeder:
    """Writes records 0, 1, 2, ... to `topic` (partition = id % PARTITIONS) at `rate` records per
    second in 50 ms ticks, with an idempotent producer, until stop() or `limit` records."""

    def __init__(self, addr, topic, rate, seed, limit=None):
        self.addr, self.topic, self.rate, self.limit = addr, topic, rate, limit
        self.rnd = random.Random(seed)
        self.count = 0
        self.errors = []
        self.done = threading.Event()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        def report(err, _msg):
            if err is not None:
                self.errors.append(str(err))
        try:
            p = Producer({"bootstrap.servers": self.addr, "log_level": 2, "linger.ms": 5, "enable.idempotence": True})
            t0 = time.monotonic()
            tick = 0
            while not self._stop.is_set():
                tick += 1
                upto = int(self.rate * tick * 0.05)
                if self.limit is not None:
                    upto = min(upto, self.limit)
                while self.count < upto:
                    r = make_record(self.count, self.rnd)
                    while True:
                        try:
                            p.produce(self.topic, json.dumps(r).encode(), partition=r["id"] % PARTITIONS,
                                      on_delivery=report)
                            break
                        except BufferError:
                            p.poll(0.05)
                    self.count += 1
                p.poll(0)
                pause = t0 + tick * 0.05 - time.monotonic()
                if pause > 0:
                    self._stop.wait(pause)
            left = p.flush(120)
            if left:
                self.errors.append(f"{left} records not delivered within 120 s")
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            self.errors.append(repr(e))
        finally:
            self.done.set()

    def stop(self):
        self._stop.set()
        self.thread.join()


# ---------------------------------------------------------------- jobs

class Run:
    """One start of a job: its process, its stderr, what happened to it."""

    def __init__(self, job, proc, log, spec, bounded):
        self.job, self.proc, self.log, self.spec, self.bounded = job, proc, log, spec, bounded
        self.t0 = time.monotonic()
        self.t_end = None
        self.rc = None
        self.killed = False     # by us
        self.kind = None        # what the loop calls it (random, point, fallback, ...)
        self._err = None

    def wait(self, timeout):
        """The exit status, or None if it still runs after timeout."""
        try:
            self.rc = self.proc.wait(timeout)
            self.t_end = time.monotonic()
            return self.rc
        except subprocess.TimeoutExpired:
            return None

    def seconds(self):
        """How long it ran (so far)."""
        return (self.t_end if self.t_end is not None else time.monotonic()) - self.t0

    def kill(self):
        kill_group(self.proc)
        self.killed = True
        self.rc = self.proc.returncode
        if self.t_end is None:
            self.t_end = time.monotonic()

    def term(self, timeout=60):
        """SIGTERM (a clean stop); the exit status, or 'timeout' (then SIGKILLed)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.rc = "timeout"
        return self.rc

    @property
    def stderr(self):
        if self._err is None or self.proc.poll() is None:
            with open(self.log, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            if self.proc.poll() is None:
                return text
            self._err = text
        return self._err

    def crash_point(self):
        m = CRASH_LINE.search(self.stderr)
        return m.group(1) if m else None

    def checkpoint(self):
        """The checkpoint it resumed from, 0 for new state, None if it did not get that far."""
        m = STATE_LINE.search(self.stderr)
        return None if not m else int(m.group(1) or 0)

    def sanitizer(self):
        m = SANITIZER.search(self.stderr)
        return None if not m else self.stderr[max(0, m.start() - 200):m.start() + 1800]


class Job:
    """A job file, its state dir and its runs."""

    def __init__(self, label, sql, sluice, addr, workdir, pipeline, interval="200 ms", batch=256, extra=()):
        self.label, self.sluice, self.addr, self.pipeline = label, sluice, addr, pipeline
        self.sql_path = os.path.join(workdir, label + ".sql")
        with open(self.sql_path, "w") as f:
            f.write(sql)
        self.state = os.path.join(workdir, label + "-state")
        self.logs = os.path.join(workdir, label + "-logs")
        os.makedirs(self.logs, exist_ok=True)
        self.interval, self.batch, self.extra = interval, batch, list(extra)
        self.runs = []
        self.lock = threading.Lock()
        self.stopping = False
        self.current = None

    def state_db(self):
        return os.path.join(self.state, self.pipeline, "state.db")

    def cmd(self, bounded, extra=()):
        c = [self.sluice, "-f", self.sql_path, "--set", "sluice.bootstrap.servers=" + self.addr,
             "--set", "pipeline.name=" + self.pipeline, "--set", "execution.checkpointing.interval=" + self.interval,
             "--set", f"sluice.batch-size={self.batch}", "--state-dir", self.state]
        for kv in self.extra + list(extra):
            c += ["--set", kv]
        return c + (["--set", "scan.bounded.mode=latest-offset"] if bounded else [])

    def start(self, bounded=False, env=None, spec=None, extra=()):
        """A new run, or None once stop() was called."""
        log = os.path.join(self.logs, f"run{len(self.runs):04d}.err")
        e = dict(os.environ)
        e.pop("SLUICE_CRASH_AT", None)
        e.pop("SLUICE_FAULT_STATE_WRITE_LIMIT", None)
        e.update(env or {})
        with open(log, "wb") as fe, self.lock:
            if self.stopping:
                return None
            fe.write(f"[test] run {len(self.runs)}: {spec}, bounded {bounded}, env {env or {}}\n".encode())
            fe.flush()
            p = subprocess.Popen(self.cmd(bounded, extra), stdout=subprocess.DEVNULL, stderr=fe,
                                 stdin=subprocess.DEVNULL, start_new_session=True, env=e)
            r = Run(self, p, log, spec, bounded)
            self.runs.append(r)
            self.current = r
        return r

    def run_bounded(self, timeout, env=None, extra=()):
        """A bounded run to its end: (run, exit status or 'timeout')."""
        r = self.start(bounded=True, env=env, extra=extra)
        if r is None:
            return None, "stopped"
        rc = r.wait(timeout)
        if rc is None:
            r.kill()
            rc = r.rc = "timeout"
        r.kind = "final"
        return r, rc

    def stop(self):
        with self.lock:
            self.stopping = True
            if self.current and self.current.proc.poll() is None:
                self.current.kill()


# ---------------------------------------------------------------- reading the output

def read_all(addr, topic, partitions, timeout=120):
    """Every record of every partition: [(partition, offset, key, value, headers dict)], each
    partition from its first offset to its high watermark. Raises if a partition lost records
    to retention (its first offset is not 0) or cannot be read in time."""
    c = Consumer({"bootstrap.servers": addr, "group.id": "eos-reader", "enable.auto.commit": False,
                  "fetch.wait.max.ms": 10, "auto.offset.reset": "earliest", "log_level": 2})
    try:
        c.list_topics(topic, timeout=10)
        marks = {}
        for part in range(partitions):
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, part), timeout=10)
            if lo != 0:
                raise RuntimeError(f"topic '{topic}' partition {part} starts at offset {lo}: records were dropped")
            marks[part] = hi
        todo = {p for p, hi in marks.items() if hi > 0}
        if todo:
            c.assign([TopicPartition(topic, p, 0) for p in sorted(todo)])
        out = []
        deadline = time.monotonic() + timeout
        while todo:
            if time.monotonic() > deadline:
                raise RuntimeError(f"topic '{topic}': partitions {sorted(todo)} not read to their end in {timeout} s")
            for m in c.consume(10000, 0.5):
                if m.error():
                    continue
                p = m.partition()
                if p not in todo or m.offset() >= marks[p]:
                    continue
                h = {}
                for name, val in m.headers() or []:
                    h.setdefault(name, val.decode() if val is not None else None)
                out.append((p, m.offset(), m.key(), m.value(), h))
                if m.offset() + 1 >= marks[p]:
                    todo.discard(p)
        out.sort(key=lambda r: (r[0], r[1]))
        return out
    finally:
        c.close()


def input_db(addr, topic, ck, expected_count=None, tag="", retries_may_duplicate=False):
    """SQLite table r(id, k, amount, c, p, off) with what the input topic holds (the truth), p and
    off its partition and offset. The check: ids 0..n-1 each once, in partition id % PARTITIONS.
    retries_may_duplicate: under broker faults the mock broker can append a retried Produce of the
    test's own producer twice (it does not always deduplicate idempotent retries); then each id
    must be there at least once, the copies are counted in the check's name, and the other checks
    take the topic as it is (sluice must pass every copy through exactly once, in offset order)."""
    recs = read_all(addr, topic, PARTITIONS)
    rows = [(json.loads(v), p, off) for p, off, _, v, _ in recs]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE r (id INTEGER, k TEXT, amount INTEGER, c INTEGER, p INTEGER, off INTEGER)")
    db.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?)",
                   [(r["id"], r["k"], r["amount"], r["c"], p, off) for r, p, off in rows])
    ids = sorted(r["id"] for r, _, _ in rows)
    n = expected_count if expected_count is not None else len(rows)
    misplaced = [(r["id"], p) for r, p, _ in rows if p != r["id"] % PARTITIONS]
    if retries_may_duplicate:
        copies = len(ids) - len(set(ids))
        ck.check(sorted(set(ids)) == list(range(n)) and not misplaced,
                 f"{tag}the input topic holds each of the {n} records at least once ({len(rows)} records, "
                 f"{copies} copies appended by the broker on the test producer's retries)",
                 f"misplaced (id, partition), first: {misplaced[:5]}")
    else:
        ck.check(ids == list(range(n)) and not misplaced,
                 f"{tag}the input topic holds each of the {n} records once ({len(rows)} records)",
                 f"misplaced (id, partition), first: {misplaced[:5]}")
    return db, len(rows)


def check_seqs(ck, label, recs, job_name):
    """sluice-job/-sink/-seq of a sink's records: seqs 1..N each once, increasing per partition."""
    problems = []
    bad_tags = [r for r in recs if r[4].get("sluice-job") != job_name or "sluice-seq" not in r[4]]
    sinks = collections.Counter(r[4].get("sluice-sink") for r in recs)
    if bad_tags:
        problems.append(f"{len(bad_tags)} records without this job's headers, e.g. {bad_tags[0][4]}")
    if len(sinks) > 1:
        problems.append(f"several sluice-sink values: {dict(sinks)}")
    seqs = collections.Counter()
    by_part = collections.defaultdict(list)
    for p, off, _, _, h in recs:
        try:
            s = int(h.get("sluice-seq"))
        except (TypeError, ValueError):
            continue
        seqs[s] += 1
        by_part[p].append(s)
    dups = {s: n for s, n in seqs.items() if n > 1}
    top = max(seqs) if seqs else 0
    gaps = [s for s in range(1, top + 1) if s not in seqs]
    if dups:
        problems.append(f"{sum(dups.values()) - len(dups)} duplicate seqs, e.g. {sorted(dups)[:5]}")
    if gaps:
        problems.append(f"{len(gaps)} seqs missing in 1..{top}, e.g. {gaps[:5]}")
    for p, ss in sorted(by_part.items()):
        back = [(a, b) for a, b in zip(ss, ss[1:]) if b <= a]
        if back:
            problems.append(f"partition {p}: seq goes back {len(back)} times, e.g. {back[:3]}")
    ck.check(not problems and len(recs) == top,
             f"{label}: sluice-seq 1..{top} each exactly once, no gaps, increasing in each of "
             f"{len(by_part)} partitions ({len(recs)} records)", "\n".join(problems))
    return not problems


def check_filter(ck, label, db, recs, job_name):
    want = collections.Counter(db.execute(FILTER_EXPECTED).fetchall())
    got = collections.Counter()
    for _, _, _, v, _ in recs:
        r = json.loads(v)
        got[(r.get("id"), r.get("k"), r.get("amount"))] += 1
    missing = sorted((want - got).elements())
    extra = sorted((got - want).elements(), key=repr)
    dups = sum(n - 1 for n in got.values() if n > 1)
    ck.check(not missing and not extra,
             f"{label}: the output is exactly the {sum(want.values())} expected rows, each once "
             f"({len(recs)} records, {dups} duplicates, {len(missing)} missing)",
             f"missing, first: {missing[:5]}; unexpected or duplicated, first: {extra[:5]}")
    check_seqs(ck, label, recs, job_name)
    # order: in seq order, the rows read from each input partition are that partition's expected
    # rows in offset order (the input's own order, copies included)
    want_order = collections.defaultdict(list)
    for p, i in db.execute(f"SELECT p, id FROM r WHERE id IN (SELECT id FROM ({FILTER_EXPECTED})) ORDER BY p, off"):
        want_order[p].append(i)
    got_order = collections.defaultdict(list)
    for _, i in sorted(((int(h.get("sluice-seq", 0) or 0), json.loads(v)["id"]) for _, _, _, v, h in recs)):
        got_order[i % PARTITIONS].append(i)
    differ = []
    for p in sorted(set(want_order) | set(got_order)):
        w, g = want_order[p], got_order[p]
        if w != g:
            at = next((j for j, (a, b) in enumerate(zip(w, g)) if a != b), min(len(w), len(g)))
            differ.append(f"input partition {p}: first difference at row {at}: "
                          f"expected {w[at:at + 3]}, got {g[at:at + 3]}")
    spread = len({p for p, *_ in recs})
    ck.check(not differ and (spread == PARTITIONS or not recs),
             f"{label}: in seq order the rows of each input partition keep the input's offset order, "
             f"spread over {spread} output partitions", "\n".join(differ[:4]))


def check_aggregate(ck, label, db, recs, job_name):
    table, problems, where, last_n = {}, [], {}, {}
    for part, _, k, v, _ in recs:
        key = json.dumps(json.loads(k), sort_keys=True)
        if where.setdefault(key, part) != part:
            problems.append(f"key {key} is in partitions {where[key]} and {part}")
        if v is None:
            table.pop(key, None)
            last_n.pop(key, None)
            continue
        row = json.loads(v)
        n = row.get("n")
        if key in last_n and not n > last_n[key]:
            problems.append(f"key {key}: COUNT(*) goes from {last_n[key]} to {n} (a result delivered again)")
        last_n[key] = n
        table[key] = row
    got = sorted(tuple(row.get(c) for c in AGG_COLS) for row in table.values())
    want = sorted(db.execute(AGG_EXPECTED).fetchall())
    missing = [r for r in want if r not in got][:5]
    extra = [r for r in got if r not in want][:5]
    ck.check(not problems, f"{label}: each key's changelog is in one partition and its COUNT(*) only grows",
             "\n".join(problems[:8]))
    ck.check(got == want,
             f"{label}: the final upserted table ({len(got)} groups from {len(recs)} records) equals SQLite's GROUP BY",
             f"columns {AGG_COLS}; sluice {len(got)} rows, sqlite {len(want)} rows"
             + "".join(f"\n  sqlite only: {r}" for r in missing) + "".join(f"\n  sluice only: {r}" for r in extra))
    check_seqs(ck, label, recs, job_name)


def check_outputs(ck, addr, topics, agg_job, filter_job, expected_inputs=None, db=None, tag=""):
    """The end-to-end checks over topics {'input', 'totals', 'picked'}; returns the input db.
    tag prefixes the checks' names."""
    if db is None:
        db, _ = input_db(addr, topics["input"], ck, expected_inputs)
    try:
        recs = read_all(addr, topics["picked"], PARTITIONS)
        check_filter(ck, tag + "filter", db, recs, filter_job)
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        ck.check(False, f"{tag}filter: read the output: {e!r}")
    try:
        recs = read_all(addr, topics["totals"], AGG_PARTITIONS)
        check_aggregate(ck, tag + "aggregate", db, recs, agg_job)
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        ck.check(False, f"{tag}aggregate: read the output: {e!r}")
    return db


def filter_expected_count(db):
    return db.execute(f"SELECT COUNT(*) FROM ({FILTER_EXPECTED})").fetchone()[0]
