#!/usr/bin/python3
"""Event-time windows on live (unbounded) inputs, where what matters is when windows fire and
what a running job keeps and shows. Each check starts its own `sluice broker` or uses datagen.
Prints PASS/FAIL lines and `N passed, N failed`.

  run_windows.py [--sluice PATH]

1. idle partition: rows arrive on 2 of a topic's 3 partitions. Without an idle timeout the
   empty partition holds the watermark back: no window fires while the job runs, and the
   watermark report (SIGUSR1, also Ctrl-\\ in the shell) names partition 2 as the one that holds
   it back and the earliest window waiting to fire. With 'scan.watermark.idle-timeout' the
   partition is left out (the other two stay active) and the closed windows come out while the
   job runs.
2. restart in the middle of open windows: a durable window job (state in SQLite, checkpoints
   every 300 ms) is SIGKILLed three times while records arrive and restarted on the same
   state; at the end every window is in the output exactly once with the batch result (what
   had fired before a kill is not repeated, what was open survives in the checkpoint).
3. bounded state: a window aggregate over an endless datagen stream (event time = now) keeps
   only the open windows: the SQLite state rows stay below a small bound while the number of
   windows fired grows.
4. processing-time windows fire by the wall clock while the job runs.
5. a running SELECT tells its late rows as it goes ("N late rows dropped so far")."""
import argparse
import glob
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "kafka"))
from kafka_read import read_partition  # noqa: E402
from eos_lib import Checks  # noqa: E402
from sluice_proc import broker_address, start_broker, stop_group  # noqa: E402

# the embedded broker's group timings for tests (see shared notes): fast joins
FAST = "'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '500'"


def produce(addr, topic, records):
    """Produces (partition, value dict) records, in order, and waits for them."""
    from confluent_kafka import Producer
    pr = Producer({"bootstrap.servers": addr, "linger.ms": 0, "log_level": 3})
    for part, value in records:
        pr.produce(topic, value=json.dumps(value).encode(), partition=part)
    if pr.flush(30):
        raise RuntimeError("records not delivered")


def read_json(addr, topic, partitions=1):
    """Every record value of the topic's partitions, parsed."""
    out = []
    for part in range(partitions):
        out += [json.loads(v) for _, v in read_partition(addr, topic, group="windows-reader", partition=part)]
    return out


def sluice_job(sluice, sql, state_dir, extra=()):
    """Starts `sluice -f` on the SQL in its own process group; stderr to a file."""
    f = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    f.write(sql)
    f.close()
    err = tempfile.NamedTemporaryFile("w+", suffix=".err", delete=False)
    cmd = [sluice, "-f", f.name, "--state-dir", state_dir, *extra]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
    p.sql_path, p.err_path = f.name, err.name
    return p


def stderr_of(p):
    with open(p.err_path) as f:
        return f.read()


def wait_for(pred, timeout, step=0.1):
    """Polls pred() until true or `timeout` seconds passed; returns its last value."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def ts(minute, second=0):
    return f"2020-04-15 08:{minute:02d}:{second:02d}"


# ---------------------------------------------------------------- 1. idle partition

def idle_partition(ck, sluice, work):
    broker = start_broker(sluice, [("ev", 3), ("o-stall", 1), ("o-idle", 1)])
    addr = broker_address(broker, 30)
    try:
        # 08:00..08:24 on partitions 0 and 1, in order per partition; partition 2 stays empty
        produce(addr, "ev", [(m % 2, {"ts": ts(m), "v": m}) for m in range(25)])
        for name, idle in (("stall", None), ("idle", "300 ms")):
            opt = f", 'scan.watermark.idle-timeout' = '{idle}'" if idle else ""
            sql = f"""SET 'pipeline.auto-watermark-interval' = '50 ms';
CREATE TABLE ev (ts TIMESTAMP(3), v INT, WATERMARK FOR ts AS ts)
  WITH ('connector' = 'kafka', 'topic' = 'ev', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset',
        'properties.bootstrap.servers' = '{addr}'{opt});
CREATE TABLE o (ws TIMESTAMP(3), s INT) WITH ('connector' = 'kafka', 'topic' = 'o-{name}', 'format' = 'json',
  'properties.bootstrap.servers' = '{addr}');
INSERT INTO o SELECT window_start, SUM(v) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end;
"""
            job = sluice_job(sluice, sql, os.path.join(work, name), ["--set", "sluice.state.durable=false"])
            try:
                if idle:
                    # partitions 0 and 1 stay active (a row each every 100 ms, later minutes):
                    # only the empty one goes idle, and is left out
                    got, minute = [], 25
                    deadline = time.monotonic() + 20
                    while len(got) < 2 and time.monotonic() < deadline:
                        produce(addr, "ev", [(0, {"ts": ts(minute), "v": 0}), (1, {"ts": ts(minute), "v": 0})])
                        minute = min(minute + 1, 59)
                        time.sleep(0.1)
                        got = [r for r in read_json(addr, "o-idle") if r["ws"] < "2020-04-15 08:20"]
                    rows = sorted((r["ws"], r["s"]) for r in got)
                    ck.check(rows == [("2020-04-15 08:00:00", 45), ("2020-04-15 08:10:00", 145)] and job.poll() is None,
                             "idle partition left out: closed windows fire while the job runs", repr(rows))
                else:
                    time.sleep(3)  # long enough for every row to be read and many watermarks
                    ck.check(read_json(addr, "o-stall") == [], "an empty partition holds the watermark back",
                             repr(read_json(addr, "o-stall")))
                    os.killpg(job.pid, signal.SIGUSR1)
                    report = wait_for(lambda: "Watermarks of job" in stderr_of(job) and
                                      "fires when" in stderr_of(job) and stderr_of(job), 10)
                    want = ["source 'ev': watermark none", "partition 0: 2020-04-15 08:24:00.000",
                            "partition 1: 2020-04-15 08:23:00.000",
                            "partition 2: none (no row yet)  <- the minimum: holds the watermark back",
                            "WindowAggregate: watermark none; 3 window ends waiting; the earliest window ends at "
                            "2020-04-15 08:10:00.000 and fires when the watermark reaches 2020-04-15 08:09:59.999"]
                    missing = [w for w in want if w not in (report or "")]
                    ck.check(not missing, "the watermark report names the partition holding it back and the "
                             "earliest window", f"missing {missing} in:\n{report}")
            finally:
                stop_group(job, signal.SIGINT)
    finally:
        stop_group(broker)


# ---------------------------------------------------------------- 2. restart mid-window

def restart_mid_window(ck, sluice, work):
    broker = start_broker(sluice, [("rv", 2), ("rout", 1)])
    addr = broker_address(broker, 30)
    state = os.path.join(work, "restart")
    try:
        sql = f"""SET 'execution.checkpointing.interval' = '300 ms';
SET 'pipeline.auto-watermark-interval' = '50 ms';
CREATE TABLE rv (ts TIMESTAMP(3), k STRING, v INT, WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE)
  WITH ('connector' = 'kafka', 'topic' = 'rv', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset',
        'properties.bootstrap.servers' = '{addr}', 'properties.group.id' = 'rv-job', {FAST});
CREATE TABLE rout (ws TIMESTAMP(3), k STRING, n BIGINT, s INT)
  WITH ('connector' = 'kafka', 'topic' = 'rout', 'format' = 'json', 'properties.bootstrap.servers' = '{addr}');
INSERT INTO rout SELECT window_start, k, COUNT(*), SUM(v)
FROM TABLE(TUMBLE(TABLE rv, DESCRIPTOR(ts), INTERVAL '5' MINUTES)) GROUP BY window_start, window_end, k;
"""
        # 4 rounds of 30 records each: minutes 0..119, keys a/b/c, on 2 partitions
        rounds = [[(i % 2, {"ts": f"2020-04-15 {8 + (r * 30 + i) // 60:02d}:{(r * 30 + i) % 60:02d}:00",
                            "k": "abc"[i % 3], "v": r * 30 + i}) for i in range(30)] for r in range(4)]
        expected = {}
        for rnd in rounds:
            for _, rec in rnd:
                h, m = int(rec["ts"][11:13]), int(rec["ts"][14:16])
                key = (f"2020-04-15 {h:02d}:{m - m % 5:02d}:00", rec["k"])
                n, s = expected.get(key, (0, 0))
                expected[key] = (n + 1, s + rec["v"])
        kills = 0
        for r, rnd in enumerate(rounds):
            produce(addr, "rv", rnd)
            bounded = r == len(rounds) - 1
            extra = ["--set", "scan.bounded.mode=latest-offset"] if bounded else []
            job = sluice_job(sluice, sql, state, extra)
            if bounded:
                rc = job.wait(60)
                ck.check(rc == 0, "the last run ends at the end of its input", stderr_of(job)[-800:])
                ck.check("resumes from checkpoint" in stderr_of(job), "the last run resumes from a checkpoint",
                         stderr_of(job)[-800:])
            else:
                time.sleep(1.5)  # it reads the round and checkpoints (every 300 ms)
                stop_group(job, signal.SIGKILL)
                kills += 1
        got = {}
        dup = []
        for row in read_json(addr, "rout"):
            key = (row["ws"], row["k"])
            if key in got:
                dup.append(key)
            got[key] = (row["n"], row["s"])
        ck.check(not dup, f"no window is output twice over {kills} kills", repr(dup[:5]))
        wrong = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
        extra_keys = set(got) - set(expected)
        ck.check(not wrong and not extra_keys, "every window once with the batch result after restarts",
                 f"wrong {list(wrong.items())[:5]}, unexpected {list(extra_keys)[:5]}")
    finally:
        stop_group(broker)


# ---------------------------------------------------------------- 3. bounded state

def state_rows(path):
    """Rows in the state tables (s<N>, o<N>) of a job's SQLite file."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                     if n[0] in "so" and n[1:].isdigit()]
            return sum(db.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names)
        finally:
            db.close()
    except sqlite3.Error:
        return None


def bounded_state(ck, sluice, work):
    state = os.path.join(work, "bounded")
    sql = """SET 'execution.checkpointing.interval' = '200 ms';
SET 'sluice.state.durable' = 'true';
SET 'pipeline.name' = 'endless-windows';
CREATE TABLE gen (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '0.1' SECOND)
  WITH ('connector' = 'datagen', 'rows-per-second' = '5000', 'fields.k.min' = '0', 'fields.k.max' = '199');
CREATE TABLE sink (ws TIMESTAMP(3), k INT, n BIGINT) WITH ('connector' = 'print');
INSERT INTO sink SELECT window_start, k, COUNT(*) FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '0.5' SECOND))
GROUP BY window_start, window_end, k;
"""
    job = sluice_job(sluice, sql, state)
    samples, fired = [], 0
    try:
        path = wait_for(lambda: (glob.glob(os.path.join(state, "endless-windows", "state.db")) or [None])[0], 10)
        for _ in range(16):  # 8 s: 16 windows of 200 keys open and close
            time.sleep(0.5)
            n = state_rows(path) if path else None
            if n is not None:
                samples.append(n)
    finally:
        stop_group(job, signal.SIGINT)
    out = job.stdout.read().decode(errors="replace")
    fired = sum(1 for line in out.splitlines() if line.startswith("+I["))
    # open at any time: the current window and the one waiting for the watermark, 200 keys each,
    # plus the timers (one row per window end) and the checkpoint's bookkeeping
    bound = 3 * 200 + 50
    ck.check(len(samples) >= 10 and max(samples) <= bound and fired >= 5 * 200,
             f"state rows stay bounded on an endless input (max {max(samples) if samples else None} <= {bound}, "
             f"{fired} window rows fired)", repr(samples))


# ---------------------------------------------------------------- 4. processing time

def proctime_windows(ck, sluice, work):
    broker = start_broker(sluice, [("pt", 1), ("pout", 1)])
    addr = broker_address(broker, 30)
    try:
        sql = f"""CREATE TABLE pt (v INT, p AS PROCTIME())
  WITH ('connector' = 'kafka', 'topic' = 'pt', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset',
        'properties.bootstrap.servers' = '{addr}');
CREATE TABLE pout (n BIGINT, s INT) WITH ('connector' = 'kafka', 'topic' = 'pout', 'format' = 'json',
  'properties.bootstrap.servers' = '{addr}');
INSERT INTO pout SELECT COUNT(*), SUM(v) FROM TABLE(TUMBLE(TABLE pt, DESCRIPTOR(p), INTERVAL '1' SECOND))
GROUP BY window_start, window_end;
"""
        job = sluice_job(sluice, sql, os.path.join(work, "proc"), ["--set", "sluice.state.durable=false"])
        try:
            time.sleep(1)
            produce(addr, "pt", [(0, {"v": i}) for i in range(1, 11)])
            got = wait_for(lambda: read_json(addr, "pout"), 10)
            total = sum(r["n"] for r in got or [])
            ck.check(got and job.poll() is None and total <= 10,
                     "processing-time windows fire by the wall clock while the job runs", repr(got))
        finally:
            stop_group(job, signal.SIGINT)
        got = read_json(addr, "pout")
        ck.check(sum(r["n"] for r in got) == 10 and sum(r["s"] for r in got) == 55,
                 "every row in exactly one processing-time window", repr(got))
    finally:
        stop_group(broker)


# ---------------------------------------------------------------- 5. late rows of a running query

def running_late_count(ck, sluice, work):
    broker = start_broker(sluice, [("lt", 1)])
    addr = broker_address(broker, 30)
    try:
        produce(addr, "lt", [(0, {"ts": ts(1), "v": 1}), (0, {"ts": ts(12), "v": 2}), (0, {"ts": ts(5), "v": 4})])
        sql = f"""CREATE TABLE lt (ts TIMESTAMP(3), v INT, WATERMARK FOR ts AS ts)
  WITH ('connector' = 'kafka', 'topic' = 'lt', 'format' = 'json', 'scan.startup.mode' = 'earliest-offset',
        'properties.bootstrap.servers' = '{addr}', 'scan.watermark.emit.strategy' = 'on-event');
SELECT window_start, SUM(v) FROM TABLE(TUMBLE(TABLE lt, DESCRIPTOR(ts), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end;
"""
        job = sluice_job(sluice, sql, os.path.join(work, "late"))
        try:
            said = wait_for(lambda: "1 late rows dropped so far" in stderr_of(job), 10)
            ck.check(said and job.poll() is None, "a running SELECT tells its late rows", stderr_of(job)[-500:])
        finally:
            stop_group(job, signal.SIGINT)
    finally:
        stop_group(broker)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    opts = ap.parse_args()
    ck = Checks()
    with tempfile.TemporaryDirectory(prefix="windows-") as work:
        for test in (idle_partition, restart_mid_window, bounded_state, proctime_windows, running_late_count):
            try:
                test(ck, opts.sluice, work)
            except Exception as e:  # a broken rig is a failure, not a crash
                ck.check(False, f"{test.__name__}: rig error", repr(e))
    print(f"{ck.passed} passed, {ck.failed} failed")
    sys.exit(1 if ck.failed else 0)


if __name__ == "__main__":
    main()
