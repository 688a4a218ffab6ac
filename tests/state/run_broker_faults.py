#!/usr/bin/python3
"""Broker faults and exactly-once output: the two jobs of tests/state/eos_lib.py (a GROUP BY into
upsert-kafka, a filter into a 4-partition kafka topic; exactly-once, the default) run on a
`sluice broker --brokers 3` while their input flows and the broker misbehaves, then the output
must be exactly once and complete; and fatal errors must stop a job clearly, with a restart
after the cause is fixed delivering everything exactly once.

  run_broker_faults.py [--sluice PATH] [--rate R] [--seed S] [--only PART] [--verbose]

Part 1, transient faults (fault commands on the broker's stdin, see `sluice --help`), while a
producer writes --rate records per second (default 1,500) and both jobs run unbounded (checkpoint
every 200 ms): Produce requests failing with NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT,
NOT_ENOUGH_REPLICAS and NOT_ENOUGH_REPLICAS_AFTER_APPEND; Fetch with NOT_LEADER_FOR_PARTITION and
REQUEST_TIMED_OUT; OffsetCommit with COORDINATOR_NOT_AVAILABLE and REQUEST_TIMED_OUT; broker 2 down
for 4 s, both jobs SIGKILLed and restarted while it is down (recovery has to read partitions
led by a dead broker); brokers 1 and 3 answering 500 ms late for 3.5 s; broker 3 down for 3 s with
Produce errors. Checked: every command answered ok; no run ended by itself (the jobs ride out every
fault); after the faults, with the jobs still running, the output catches up with the input
within 90 s (no hang); SIGTERM stops them cleanly (exit 0); a final bounded run finishes; then the
end-to-end checks of eos_lib.check_outputs (filter = expected rows exactly once, aggregate =
SQLite's batch GROUP BY, sluice-seq 1..N each exactly once in both).

Part 2, a transient error at a job's start: ListOffsets answered NOT_LEADER_FOR_PARTITION twice
(what a real Kafka answers for a moment after a topic was created); a new filter job over the
input of part 1 must start anyway and deliver its output exactly once.

Part 3, fatal errors, each on a datagen job (ids 1..N into a topic of 4 partitions,
'sink.delivery.timeout' 3 s, 'sink.delivery.retries' 3):
- metadata: the output topic becomes TOPIC_AUTHORIZATION_FAILED while the job runs (topic-error,
  and one NOT_LEADER_FOR_PARTITION so the producer asks for metadata again);
- produce: Produce requests fail with TOPIC_AUTHORIZATION_FAILED while the job runs (100 of them;
  the leftovers are used up by a scratch producer afterwards; this job writes 100,000 ids at
  30,000 a second with a checkpoint every second, so a recovery is still producing when the
  first failure comes back);
- at start: the output topic is TOPIC_AUTHORIZATION_FAILED before the job starts.
Each time the job must stop with exit status 1 (no signal, no sanitizer report, within 90 s)
and a message naming the topic and the cause (authorization; for 'produce' finishing by
itself is accepted too, when the errors ran out before its retries); after the error is cleared
a restart runs to the end and the topic holds ids 1..N exactly once with sluice-seq 1..N.

Prints PASS/FAIL lines and `N passed, N failed`; exits nonzero on failure."""
import argparse
import collections
import json
import os
import shutil
import signal
import sys
import tempfile
import time

from confluent_kafka import Producer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eos_lib as E  # noqa: E402

PREFIX = "faults-"
FATAL_ROWS = 8000
PRODUCE_ROWS = 200000
PRODUCE_ERRORS = 200
DATAGEN_SQL = """CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '{rate}',
  'number-of-rows' = '{n}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '{n}');
CREATE TABLE out (id BIGINT) WITH ('connector' = 'kafka', 'topic' = '{topic}', 'format' = 'json');
INSERT INTO out SELECT id FROM gen;
"""
FATAL_SETS = ["sink.delivery.timeout=3 s", "sink.delivery.retries=3"]

# (seconds after the start, commands); "kill-restart" SIGKILLs both jobs and starts them again
SCHEDULE = [
    (1.0, ["errors Produce 20 NOT_LEADER_FOR_PARTITION"]),
    (2.0, ["errors Produce 20 REQUEST_TIMED_OUT"]),
    (3.0, ["errors Produce 30 NOT_ENOUGH_REPLICAS"]),
    (4.0, ["errors Produce 10 NOT_ENOUGH_REPLICAS_AFTER_APPEND"]),
    (5.0, ["errors Fetch 20 NOT_LEADER_FOR_PARTITION"]),
    (6.0, ["errors Fetch 10 REQUEST_TIMED_OUT"]),
    (7.0, ["errors OffsetCommit 10 COORDINATOR_NOT_AVAILABLE"]),
    (7.5, ["errors OffsetCommit 10 REQUEST_TIMED_OUT"]),
    (8.5, ["down 2"]),
    (9.5, ["kill-restart"]),
    (12.5, ["up 2"]),
    (13.5, ["rtt 1 500", "rtt 3 500"]),
    (17.0, ["rtt 1 0", "rtt 3 0"]),
    (17.5, ["errors Produce 10 NOT_LEADER_FOR_PARTITION", "down 3"]),
    (20.5, ["up 3"]),
]
FEED_SECONDS = 21.5


def run_faults(ck, opts, broker, workdir, asan):
    addr = broker.addr
    topics = {t: PREFIX + t for t in E.TOPICS}
    agg = E.Job("aggregate", E.AGG_SQL.format(**topics), opts.sluice, addr, workdir, PREFIX + "aggregate")
    flt = E.Job("filter", E.FILTER_SQL.format(**topics), opts.sluice, addr, workdir, PREFIX + "filter")
    jobs = [agg, flt]
    feeder = E.Feeder(addr, topics["input"], opts.rate, opts.seed).start()
    try:
        for j in jobs:
            j.start()
        t0 = time.monotonic()
        answers = []
        killed = set()
        for at, cmds in SCHEDULE:
            time.sleep(max(0.0, t0 + at - time.monotonic()))
            for c in cmds:
                if c == "kill-restart":
                    for j in jobs:
                        r = j.current
                        if r.proc.poll() is None:
                            r.kill()
                            killed.add(id(r))
                        j.start()
                    answers.append((c, "ok"))
                else:
                    answers.append((c, broker.command(c)))
            if opts.verbose:
                print(f"  {time.monotonic() - t0:5.1f} s: {cmds}", flush=True)
        time.sleep(max(0.0, t0 + FEED_SECONDS - time.monotonic()))
        feeder.stop()
        bad = [(c, a) for c, a in answers if a != "ok"]
        ck.check(not bad, f"{len(answers)} fault commands answered ok", f"{bad}")
        ck.check(not feeder.errors, f"the producer wrote {feeder.count} records while the faults ran",
                 "; ".join(feeder.errors[:5]))
        # catching up while still running: no hang
        db, n_in = E.input_db(addr, topics["input"], ck, feeder.count, retries_may_duplicate=True)
        want_f = E.filter_expected_count(db)
        deadline = time.monotonic() + (180 if asan else 90)
        got_f = got_a = -1
        while time.monotonic() < deadline:
            got_f = E.hwm_sum(addr, topics["picked"], E.PARTITIONS)
            got_a = E.hwm_sum(addr, topics["totals"], E.AGG_PARTITIONS)
            if got_f >= want_f and got_a >= n_in:
                break
            if any(j.current.proc.poll() is not None for j in jobs):
                break
            time.sleep(0.5)
        caught = got_f >= want_f and got_a >= n_in
        ck.check(caught, f"after the faults the running jobs catch up: filter {got_f} of {want_f} records, "
                 f"aggregate {got_a} of {n_in} changes, {time.monotonic() - t0 - FEED_SECONDS:.0f} s after the input ended")
        ended = [r for j in jobs for r in j.runs if r.proc.poll() is not None and id(r) not in killed]
        ck.check(not ended, "no run ended by itself during the faults ("
                 + ", ".join(f"{j.label} {len(j.runs)} runs" for j in jobs) + ")",
                 "\n".join(f"{r.job.label}: exit {r.proc.returncode}:\n  " + r.stderr[-1500:].replace("\n", "\n  ")
                           for r in ended[:2]))
        for j in jobs:
            rc = j.current.term(60)
            ck.check(rc == 0 and "Job stopped" in j.current.stderr,
                     f"{j.label}: SIGTERM stops the running job cleanly (exit {rc})", j.current.stderr[-1500:])
        for j in jobs:
            r, rc = j.run_bounded(300 if asan else 120)
            ck.check(rc == 0 and "Job finished" in r.stderr and "resumes from checkpoint" in r.stderr,
                     f"{j.label}: the final bounded run resumes and finishes (exit {rc})", r.stderr[-2000:])
        E.check_outputs(ck, addr, topics, agg.pipeline, flt.pipeline, db=db)
        san = [(j.label, r.sanitizer()) for j in jobs for r in j.runs if r.sanitizer()]
        ck.check(not san, "no sanitizer report in any run", "\n".join(f"{l}:\n{t}" for l, t in san[:2]))
    finally:
        if not feeder.done.is_set():
            feeder.stop()
        for j in jobs:
            j.stop()


def drain_produce_errors(addr, topic, limit=400):
    """Uses up Produce errors left in the broker's queue: one record to partition 0 of `topic`
    per fresh producer (a topic that failed is in an error state in its client), until one is
    delivered. The number of requests it took, or None."""
    for i in range(limit):
        ok = []
        p = Producer({"bootstrap.servers": addr, "log_level": 0, "linger.ms": 0, "retries": 0,
                      "enable.idempotence": False, "message.timeout.ms": 5000})
        try:
            p.produce(topic, b"drain", partition=0, on_delivery=lambda e, m: ok.append(e is None))
            p.flush(10)
        except Exception:  # noqa: BLE001 - a failed attempt: try again
            pass
        del p
        if ok and ok[0]:
            return i + 1
    return None


def wait_for_output(addr, topic, count, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if E.hwm_sum(addr, topic, E.PARTITIONS) >= count:
            return True
        time.sleep(0.05)
    return False


def check_datagen_output(ck, label, addr, topic, job_name, n):
    try:
        recs = E.read_all(addr, topic, E.PARTITIONS)
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        ck.check(False, f"{label}: read the output: {e!r}")
        return
    ids = collections.Counter(json.loads(v)["id"] for _, _, _, v, _ in recs)
    missing = [i for i in range(1, n + 1) if i not in ids]
    dups = {i: c for i, c in ids.items() if c > 1}
    extra = [i for i in ids if not 1 <= i <= n]
    ck.check(not missing and not dups and not extra,
             f"{label}: after the restart the topic holds ids 1..{n} exactly once ({len(recs)} records)",
             f"{len(missing)} missing (first {missing[:5]}), {len(dups)} duplicated (first {sorted(dups)[:5]}), "
             f"unexpected {extra[:5]}")
    E.check_seqs(ck, label, recs, job_name)


def fatal_case(ck, opts, broker, workdir, asan, kind):
    """One fatal error case (see the docstring)."""
    addr = broker.addr
    topic = f"{PREFIX}fatal-{kind}-out"
    label = f"fatal ({kind})"
    # 'produce': big epochs (30,000 rows a second, checkpoint every second), so that a recovery
    # still produces when the first authorization failure comes back
    rows, rate, interval = (PRODUCE_ROWS, 100000, "1 s") if kind == "produce" else (FATAL_ROWS, 4000, "200 ms")
    job = E.Job(f"fatal-{kind}", DATAGEN_SQL.format(n=rows, rate=rate, topic=topic), opts.sluice, addr, workdir,
                f"{PREFIX}fatal-{kind}", interval=interval, extra=FATAL_SETS)
    t_case = time.monotonic()

    def step(what):
        if opts.verbose:
            print(f"  {time.monotonic() - t_case:6.1f} s {what}", flush=True)
    try:
        if kind == "start":
            ck.check(broker.command(f"topic-error {topic} TOPIC_AUTHORIZATION_FAILED") == "ok", f"{label}: topic-error ok")
        r = job.start()
        t_fault = time.monotonic()
        if kind != "start":
            if not wait_for_output(addr, topic, rows // 8, 60):
                ck.check(False, f"{label}: the job writes output before the fault", r.stderr[-1500:])
                return
            t_fault = time.monotonic()
            if kind == "metadata":
                a = [broker.command(f"topic-error {topic} TOPIC_AUTHORIZATION_FAILED"),
                     broker.command("errors Produce 1 NOT_LEADER_FOR_PARTITION")]
            else:
                a = [broker.command(f"errors Produce {PRODUCE_ERRORS} TOPIC_AUTHORIZATION_FAILED")]
            ck.check(a == ["ok"] * len(a), f"{label}: fault commands answered ok", f"{a}")
        step("fault injected")
        rc = r.wait(180 if asan else 90)
        took = time.monotonic() - t_fault
        step(f"job ended ({rc})")
        if rc is None:
            r.kill()
            rc = "timeout"
        err = r.stderr
        san = r.sanitizer()
        if kind == "produce" and rc == 0:
            ck.check(not san, f"{label}: the job rode out the errors and finished (exit 0 after {took:.1f} s)",
                     san or "")
        else:
            ck.check(rc == 1 and not san and "Job failed" in err,
                     f"{label}: the job stops with exit status 1 ({rc} after {took:.1f} s)",
                     (san or err[-2000:]) + ("\n(Sluice bug: killed by a signal)" if isinstance(rc, int) and rc < 0 else ""))
            errors = "\n".join(l for l in err.splitlines() if l.startswith("[ERROR]"))
            ck.check(f"'{topic}'" in errors and "authoriz" in errors.lower(),
                     f"{label}: the error message names the topic and the cause",
                     f"error lines: {errors or '(none)'}")
        # clear the cause, restart, expect everything exactly once
        if kind == "produce":
            n = drain_produce_errors(addr, f"{PREFIX}drain")
            ck.check(n is not None, f"{label}: leftover Produce errors used up ({n} requests)")
        else:
            ck.check(broker.command(f"topic-error {topic} NO_ERROR") == "ok", f"{label}: error cleared")
        step("cause cleared")
        r2, rc2 = job.run_bounded(300 if asan else 120)
        step("restart ended")
        ck.check(rc2 == 0 and "Job finished" in r2.stderr and not r2.sanitizer(),
                 f"{label}: the restart runs to the end (exit {rc2})", r2.stderr[-2000:])
        check_datagen_output(ck, label, addr, topic, job.pipeline, rows)
    finally:
        job.stop()


def start_fault_case(ck, opts, broker, workdir, asan):
    """A transient error while a new job starts: ListOffsets answered NOT_LEADER_FOR_PARTITION
    (as a real Kafka does for a moment after a topic is created, before its leader is known
    everywhere). The job must retry, start, and give the filter's output exactly once."""
    label = "start (ListOffsets NOT_LEADER_FOR_PARTITION)"
    addr = broker.addr
    topics = {"input": PREFIX + "input", "picked": PREFIX + "start-out"}
    db, n = E.input_db(addr, topics["input"], ck, tag=f"{label}: ", retries_may_duplicate=True)
    job = E.Job("start-filter", E.FILTER_SQL.format(**topics), opts.sluice, addr, workdir, PREFIX + "start-filter")
    try:
        a = broker.command("errors ListOffsets 2 NOT_LEADER_FOR_PARTITION")
        ck.check(a == "ok", f"{label}: fault command answered ok ({a})")
        r, rc = job.run_bounded(300 if asan else 120)
        last = (r.stderr.strip().splitlines() or [""])[-1]
        ck.check(rc == 0 and "Job finished" in r.stderr,
                 f"{label}: the job starts anyway and finishes (exit {rc})",
                 f"last line: {last}" + ("\n(Sluice bug: a retriable error at start fails the job)" if rc == 1 else ""))
        if rc != 0:   # the errors may be left over: use them up, then the restart must be right
            r, rc = job.run_bounded(300 if asan else 120)
        recs = E.read_all(addr, topics["picked"], E.PARTITIONS)
        E.check_filter(ck, f"{label}: filter", db, recs, job.pipeline)
    finally:
        job.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sluice", default=E.SLUICE)
    ap.add_argument("--rate", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--only", choices=["faults", "start-transient", "metadata", "produce", "start"],
                    help="run one part only")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    asan = E.is_asan(opts.sluice)
    ck = E.Checks()
    t0 = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="sluice-faults-")
    broker = None
    try:
        topics = [(PREFIX + t, n) for t, n in E.TOPICS.items()]
        topics += [(f"{PREFIX}fatal-{k}-out", E.PARTITIONS) for k in ("metadata", "produce", "start")]
        topics += [(f"{PREFIX}start-out", E.PARTITIONS), (f"{PREFIX}drain", 1)]
        broker = E.SluiceBroker(opts.sluice, topics, brokers=3)
        if opts.only in (None, "faults"):
            print("== transient faults")
            run_faults(ck, opts, broker, workdir, asan)
        if opts.only in (None, "start-transient"):
            print("== transient error at start")
            start_fault_case(ck, opts, broker, workdir, asan)
        for kind in ("metadata", "produce", "start"):
            if opts.only in (None, kind):
                print(f"== fatal error: {kind}")
                fatal_case(ck, opts, broker, workdir, asan, kind)
    except Exception as e:  # noqa: BLE001 - a broken rig is a failure, not a crash
        import traceback
        traceback.print_exc()
        ck.check(False, f"rig error: {e!r}")
    finally:
        if broker:
            if opts.verbose:
                for t, c, a in broker.log:
                    print(f"  broker: {c} -> {a}")
            broker.stop()
        if ck.failed and opts.verbose:
            print(f"  logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"  {time.monotonic() - t0:.0f} s")
    sys.exit(ck.summary())


if __name__ == "__main__":
    main()
