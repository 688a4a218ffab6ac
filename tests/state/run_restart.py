#!/usr/bin/python3
"""Kill/restart test of checkpointed jobs: a job killed with SIGKILL at random moments and
restarted on the same state dir, again and again while its input is being written, must in
the end have counted every input record exactly once.

  run_restart.py [--sluice PATH] [--kills N] [--records N] [--seconds S] [--seed S] [--verbose]

One `sluice broker`; a producer thread writes --records records (default 30,000; keys skewed
over 200 groups, integer amounts, some NULL) to a topic of 4 partitions over --seconds seconds
(default 0.8 s per kill, so 20 s for the default 25 kills). Meanwhile two jobs run, each in a
loop of its own: started (unbounded, checkpoint every 200 ms, `--state-dir` the same on every
start), SIGKILLed after a seeded random delay between 0.05 s and 2 s (about a third of them
under 0.2 s, while it starts, before the run's first checkpoint; the others mid-run), started
again, until the producer is done and it has been killed at least --kills times (default 25;
use e.g. `--kills 300` for a long run). Then one last run with scan.bounded.mode=latest-offset
finishes the input. Checked for both jobs: no run ended by itself before its kill (a crash),
the final run succeeds, runs resumed from checkpoints whose ids never go back, kills landed
both before a run's first checkpoint and after it. Then:

- aggregate job (GROUP BY with COUNT(*), COUNT, SUM, MIN, MAX, COUNT(DISTINCT), AVG into
  upsert-kafka): the final upserted table equals SQLite's batch GROUP BY over every record in
  the input topic: nothing lost, nothing counted twice;
- filter job (stateless, into a plain kafka json topic): every expected row appears exactly
  once and nothing else appears (output is exactly-once, the default with durable state: no
  duplicates after any kill; tests/state/run_crash.py checks the sequence numbers too).

Prints PASS/FAIL per check and the closing line `N passed, N failed`; every process it starts
is in its own process group and is killed at the end, the broker last."""
import argparse
import collections
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
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kafka"))
from kafka_read import read_partition  # noqa: E402
from sluice_proc import broker_address, kill_group, start_broker, stop_group  # noqa: E402
from eos_lib import Checks  # noqa: E402 (tests/state, next to this file)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARTITIONS = 4
GROUPS = 200

SOURCE = ("CREATE TABLE src (id BIGINT, k STRING, amount INT, c INT) "
          "WITH ('connector' = 'kafka', 'topic' = 'input', 'format' = 'json');")
AGG_SQL = SOURCE + """
CREATE TABLE totals (k STRING, n BIGINT, na BIGINT, total INT, lo INT, hi INT, dc BIGINT, av INT,
                     PRIMARY KEY (k) NOT ENFORCED)
  WITH ('connector' = 'upsert-kafka', 'topic' = 'totals', 'key.format' = 'json', 'value.format' = 'json');
INSERT INTO totals
SELECT k, COUNT(*), COUNT(amount), SUM(amount), MIN(amount), MAX(amount), COUNT(DISTINCT c), AVG(amount)
FROM src GROUP BY k;
"""
AGG_EXPECTED = ("SELECT k, COUNT(*), COUNT(amount), SUM(amount), MIN(amount), MAX(amount), COUNT(DISTINCT c), "
                "avg_int(amount) FROM r GROUP BY k")
AGG_COLS = ["k", "n", "na", "total", "lo", "hi", "dc", "av"]
FILTER_SQL = SOURCE + """
CREATE TABLE picked (id BIGINT, k STRING, amount INT)
  WITH ('connector' = 'kafka', 'topic' = 'picked', 'format' = 'json');
INSERT INTO picked SELECT id, k, amount FROM src WHERE MOD(id, 3) = 0 OR amount > 300;
"""
FILTER_EXPECTED = "SELECT id, k, amount FROM r WHERE id % 3 = 0 OR amount > 300"
STATE_LINE = re.compile(r"Job '[^']+' (?:resumes from checkpoint (\d+)|starts with new state)")


class AvgInt:
    """Flink's AVG of an INT: the exact sum divided by the count, truncated toward zero."""
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


def make_records(n, seed):
    """(id, k, amount, c) rows: keys skewed over GROUPS groups, amounts in -500..500 or NULL."""
    rnd = random.Random(seed)
    weights = [1 / (r + 1) ** 0.9 for r in range(GROUPS)]
    ks = rnd.choices(range(GROUPS), weights=weights, k=n)
    return [(i, f"g{ks[i]:03d}", None if rnd.random() < 0.05 else rnd.randint(-500, 500), rnd.randint(0, 40))
            for i in range(n)]


class Job:
    """One job's kill/restart loop and what its runs said."""

    def __init__(self, name, sql, opts, addr, workdir, seed):
        self.name, self.opts, self.addr = name, opts, addr
        self.sql_path = os.path.join(workdir, name + ".sql")
        with open(self.sql_path, "w") as f:
            f.write(sql)
        self.state = os.path.join(workdir, name + "-state")
        self.logs = os.path.join(workdir, name + "-logs")
        os.makedirs(self.logs)
        self.rnd = random.Random(seed)
        self.runs = []          # per run: dict(delay, killed, rc, stderr, checkpoint)
        self.kills = 0
        self.proc = None
        self.lock = threading.Lock()
        self.stopping = False

    def cmd(self, bounded=False):
        c = [self.opts.sluice, "-f", self.sql_path, "--set", "sluice.bootstrap.servers=" + self.addr,
             "--set", "execution.checkpointing.interval=200 ms", "--state-dir", self.state]
        return c + (["--set", "scan.bounded.mode=latest-offset"] if bounded else [])

    def delay(self):
        if self.rnd.random() < 0.3:  # while it starts: before its first checkpoint (interval 200 ms)
            return self.rnd.uniform(0.05, 0.2)
        return self.rnd.uniform(0.2, 2.0)

    def start(self, bounded=False):
        log = os.path.join(self.logs, f"run{len(self.runs):03d}.err")
        with open(log, "wb") as fe, self.lock:
            if self.stopping:
                return None, log
            self.proc = subprocess.Popen(self.cmd(bounded), stdout=subprocess.DEVNULL, stderr=fe,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        return self.proc, log

    def record(self, log, **kw):
        with open(log, "rb") as f:
            err = f.read().decode("utf-8", "replace")
        m = STATE_LINE.search(err)
        kw.update(stderr=err, checkpoint=None if not m else int(m.group(1) or 0))
        self.runs.append(kw)

    def loop(self, producer_done, deadline):
        """Start, wait a random delay, SIGKILL; until the producer is done and enough kills."""
        while not (producer_done.is_set() and self.kills >= self.opts.kills) and time.monotonic() < deadline:
            d = self.delay()
            p, log = self.start()
            if p is None:
                return
            try:
                rc = p.wait(d)  # ended by itself before its kill: a crash or an error
                self.record(log, delay=d, killed=False, rc=rc)
                if sum(1 for r in self.runs if not r["killed"]) >= 3:
                    return  # reported by check_runs; restarting it again proves nothing more
                time.sleep(0.2)
            except subprocess.TimeoutExpired:
                kill_group(p)
                self.kills += 1
                self.record(log, delay=d, killed=True, rc=None)

    def final_run(self, timeout):
        p, log = self.start(bounded=True)
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            kill_group(p)
            rc = "timeout"
        self.record(log, delay=None, killed=False, rc=rc, final=True)
        return rc

    def stop(self):
        with self.lock:
            self.stopping = True
            if self.proc:
                kill_group(self.proc)


def produce(addr, records, seconds, done, errors):
    """Writes the records over `seconds` in small timed batches, partition = id % PARTITIONS."""
    def report(err, _msg):
        if err is not None:
            errors.append(str(err))
    try:
        p = Producer({"bootstrap.servers": addr, "log_level": 3, "linger.ms": 5, "enable.idempotence": True})
        ticks = max(1, int(seconds / 0.05))
        t0 = time.monotonic()
        for t in range(ticks):
            for rid, k, amount, c in records[t * len(records) // ticks:(t + 1) * len(records) // ticks]:
                p.produce("input", json.dumps({"id": rid, "k": k, "amount": amount, "c": c}).encode(),
                          partition=rid % PARTITIONS, on_delivery=report)
            p.poll(0)
            pause = t0 + (t + 1) * 0.05 - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        left = p.flush(60)
        if left:
            errors.append(f"{left} records not delivered within 60 s")
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        errors.append(repr(e))
    finally:
        done.set()


def read_topic(addr, topic, partitions):
    """Every record of every partition as [(partition, key, value)]; raises if a partition lost
    records to retention (its first offset is not 0)."""
    c = Consumer({"bootstrap.servers": addr, "group.id": "restart-reader", "log_level": 3})
    try:
        c.list_topics(topic, timeout=10)
        for part in range(partitions):
            lo, _ = c.get_watermark_offsets(TopicPartition(topic, part), timeout=10)
            if lo != 0:
                raise RuntimeError(f"topic '{topic}' partition {part} starts at offset {lo}: records were dropped")
    finally:
        c.close()
    return [(part, k, v) for part in range(partitions)
            for k, v in read_partition(addr, topic, part, group="restart-reader", timeout=60)]


def check_runs(ck, job, final_rc):
    """Checks common to both jobs, from what their runs printed."""
    n = job.name
    early = [r for r in job.runs if not r["killed"] and not r.get("final")]
    ck.check(not early, f"{n}: no run ended by itself before its kill ({len(job.runs) - 1} runs)",
             "\n  ".join(f"run {job.runs.index(r)} exited {r['rc']} after < {r['delay']:.2f} s:\n    "
                         + r["stderr"][-1500:].replace("\n", "\n    ") for r in early[:3]))
    final = job.runs[-1]
    ck.check(final_rc == 0 and "Job finished" in final["stderr"],
             f"{n}: the final bounded run finishes (exit {final_rc})", final["stderr"][-2000:])
    ids = [r["checkpoint"] for r in job.runs if r["checkpoint"] is not None]
    resumed = sum(1 for i in ids if i > 0)
    back = [(a, b) for a, b in zip(ids, ids[1:]) if b < a]
    ck.check(resumed > 0 and not back and final["checkpoint"],
             f"{n}: {resumed} of {len(job.runs)} runs resumed from a checkpoint (last {ids[-1] if ids else None}), "
             "ids never go back", f"checkpoint ids of the runs in order: {ids}")
    # a killed run's checkpoints: the next run's checkpoint id minus its own
    before = after = unknown = 0
    for r, nxt in zip(job.runs, job.runs[1:]):
        if not r["killed"]:
            continue
        if r["checkpoint"] is None or nxt["checkpoint"] is None:
            unknown += 1
        elif nxt["checkpoint"] > r["checkpoint"]:
            after += 1
        else:
            before += 1
    early_kills = sum(1 for r in job.runs if r["killed"] and r["checkpoint"] is None)
    # kills before a run's first checkpoint are asked of both jobs together: a job with an
    # exactly-once sink commits a checkpoint as soon as its recovery has delivered a killed
    # run's outbox, so all of its early kills may land after that one
    ck.check(after > 0 and job.kills >= job.opts.kills,
             f"{n}: {job.kills} kills: {before} before the run's first checkpoint ({early_kills} before it "
             f"opened its state), {after} after checkpoints, {unknown} unknown")
    return before + early_kills


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    ap.add_argument("--kills", type=int, default=25, help="at least this many SIGKILLs per job (default 25)")
    ap.add_argument("--records", type=int, default=30000)
    ap.add_argument("--seconds", type=float, help="how long the producer writes (default 0.8 s per kill)")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so the processes started here are stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    seconds = opts.seconds if opts.seconds is not None else max(5.0, 0.8 * opts.kills)
    ck = Checks()
    t0 = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="sluice-restart-")
    broker = None
    jobs = []
    try:
        broker = start_broker(opts.sluice, [("input", PARTITIONS), ("totals", PARTITIONS), ("picked", 1)])
        addr = broker_address(broker)
        records = make_records(opts.records, opts.seed)
        done, errors = threading.Event(), []
        producer = threading.Thread(target=produce, args=(addr, records, seconds, done, errors), daemon=True)
        jobs = [Job("aggregate", AGG_SQL, opts, addr, workdir, opts.seed + 1),
                Job("filter", FILTER_SQL, opts, addr, workdir, opts.seed + 2)]
        deadline = time.monotonic() + seconds + 4 * opts.kills + 60
        loops = [threading.Thread(target=j.loop, args=(done, deadline), daemon=True) for j in jobs]
        producer.start()
        for t in loops:
            t.start()
        producer.join()
        for t in loops:
            t.join()
        if opts.verbose:
            print(f"  produced and killed in {time.monotonic() - t0:.1f} s")
        ck.check(not errors, f"the producer wrote {opts.records} records in {seconds:.0f} s", "; ".join(errors[:5]))
        finals = {j.name: j.final_run(timeout=180) for j in jobs}
        early = sum(check_runs(ck, j, finals[j.name]) for j in jobs)
        ck.check(early > 0, f"{early} kills landed before a run's first checkpoint or before it opened its state")

        # what the input topic holds is the truth
        db = sqlite3.connect(":memory:")
        db.create_aggregate("avg_int", 1, AvgInt)
        db.execute("CREATE TABLE r (id INTEGER, k TEXT, amount INTEGER, c INTEGER)")
        rows = [json.loads(v) for _, _, v in read_topic(addr, "input", PARTITIONS)]
        db.executemany("INSERT INTO r VALUES (?, ?, ?, ?)", [(r["id"], r["k"], r["amount"], r["c"]) for r in rows])
        ck.check(sorted(r["id"] for r in rows) == list(range(opts.records)),
                 f"the input topic holds each of the {opts.records} records once ({len(rows)} records)")

        try:
            table, problems = {}, []
            where = {}
            out = read_topic(addr, "totals", PARTITIONS)
            for part, k, v in out:
                key = json.dumps(json.loads(k), sort_keys=True)
                if where.setdefault(key, part) != part:
                    problems.append(f"key {key} is in partitions {where[key]} and {part}")
                if v is None:
                    table.pop(key, None)
                else:
                    table[key] = json.loads(v)
            got = sorted(tuple(row.get(c) for c in AGG_COLS) for row in table.values())
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            out, got, problems = [], [], [f"cannot read the output: {e!r}"]
        want = sorted(db.execute(AGG_EXPECTED).fetchall())
        missing = [r for r in want if r not in got][:5]
        extra = [r for r in got if r not in want][:5]
        ck.check(got == want and not problems,
                 f"aggregate: the final upserted table ({len(got)} groups from {len(out)} records) equals SQLite's "
                 f"GROUP BY over the {len(rows)} input records",
                 f"columns {AGG_COLS}; sluice {len(got)} rows, sqlite {len(want)} rows"
                 + "".join(f"\n  {p}" for p in problems[:5])
                 + "".join(f"\n  sqlite only: {r}" for r in missing)
                 + "".join(f"\n  sluice only: {r}" for r in extra))

        try:
            out = [json.loads(v) for _, _, v in read_topic(addr, "picked", 1)]
            got = collections.Counter((r.get("id"), r.get("k"), r.get("amount")) for r in out)
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            out, got = [], collections.Counter({("cannot read the output", repr(e), None): 1})
        want = set(db.execute(FILTER_EXPECTED).fetchall())
        missing = sorted(want - set(got))
        extra = sorted(set(got) - want, key=repr)
        dups = sum(got.values()) - len(got)
        dup_rows = sorted((r for r, n in got.items() if n > 1), key=repr)
        ck.check(not missing and not extra and not dups,
                 f"filter: each of the {len(want)} expected rows is in the output exactly once, nothing else "
                 f"({len(out)} records, {dups} duplicates)",
                 f"{len(missing)} missing, first {missing[:5]}; {len(extra)} unexpected, first {extra[:5]}; "
                 f"{len(dup_rows)} rows more than once, first {dup_rows[:5]}")
    except Exception as e:  # noqa: BLE001 - a broken rig is a failure, not a crash
        ck.check(False, f"rig error: {e!r}")
    finally:
        for j in jobs:
            j.stop()
        if broker:
            stop_group(broker)
        if ck.failed and opts.verbose:
            print(f"  logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if opts.verbose:
        print(f"  {time.monotonic() - t0:.1f} s")
    print(f"{ck.passed} passed, {ck.failed} failed")
    sys.exit(1 if ck.failed else 0)


if __name__ == "__main__":
    main()
