#!/usr/bin/python3
"""Crash test of exactly-once output: two jobs killed again and again, at random moments and at
every crash point of runtime/rt_crash.h, while their input flows; in the end their output holds
every result exactly once.

  run_crash.py [--sluice PATH] [--kills N] [--rate R] [--seed S] [--verbose]
               [--bootstrap ADDR] [--kafka-restart DIR] [--ns N,N,...] [--quick] [--interval-ms MS]
               [--job-set KEY=VALUE]...

One broker: a `sluice broker` (default) or, with --bootstrap, a running Kafka (topics and
pipeline names then get a per-run prefix and the topics are created with the admin API). A
producer thread writes JSON records (keys skewed over 200 groups, some NULL amounts) to an input
topic of 4 partitions at --rate records per second (default 2,000) until the kills are done.
Meanwhile two jobs (tests/state/eos_lib.py: a GROUP BY with COUNT(*), COUNT, SUM, MIN, MAX,
COUNT(DISTINCT) into upsert-kafka, and a stateless filter into a plain kafka json topic, both
with 4 output partitions, exactly-once by default) each run a loop of runs on their own state
dir, unbounded, checkpoint every 100 ms (--interval-ms), batches of 256 rows. Each run is one of:

- a random kill: SIGKILL after a seeded random delay (a third under 0.25 s: while it starts and
  recovers; the others up to 1.5 s);
- a crash point: SLUICE_CRASH_AT='point:n' for every point named in runtime/rt_crash.h, with n in
  1, 2, 5, 13 (early and later epochs; --ns changes them). A run that does not reach its point within a timeout is
  SIGKILLed (a 'fallback' kill); the runs that really died there are those whose stderr says
  "[crash point] NAME". The recover.* points are reached only on a start that finds an outbox
  left over (a crash between a commit and the acknowledgement of its records), so each comes
  right after a run that crashes at checkpoint.after-commit, deliver.mid, deliver.after-produce
  or prepare.after-ack (recover.mid after one that left records unsent), sometimes in chains
  (a crash during the recovery of a crash during a recovery). A point not reached yet in a job
  is tried again (twice at most) after a fallback.

--kills N is the total over both jobs (default 200: about 2 minutes with the plain build on 2
cores; SLUICE_TEST_SCALE multiplies it, never below 200). The embedded broker keeps only ~5 MB per
partition, so there the input is capped at 150,000 records, its rate spread over the expected
length of the kill phase; under AddressSanitizer (detected by "__asan_init" in the binary) the
input is halved (75,000 records) and the kills stay at 200 (about 2.5 minutes). A long run:
--kills 2000 (the crash-point rounds repeat with more n values: 1, 2, 3, 5, 8, 13, 21, 34; the
input rate drops so the cap lasts). With --kafka-restart DIR (a broker started by tests/kafka/kafka.sh on DIR)
the broker is restarted once, half-way, while both jobs run (they are not killed meanwhile and
must survive it).

Then a final bounded run of each job (scan.bounded.mode=latest-offset) finishes the input, and
the checks: no run ended by itself except at its crash point, every crash point was reached in
both jobs, the final runs finish, runs resume from checkpoints whose ids never go back, no
sanitizer report; the input topic holds every record once; the output, read with confluent-kafka:
filter = the expected rows exactly once (multiset), aggregate = SQLite's batch GROUP BY, and for
both the sluice-seq headers are 1..N each exactly once (see eos_lib.py for all the output
checks). The number of kills per kind and per crash point is printed. Prints PASS/FAIL lines and
`N passed, N failed`; exits nonzero on failure."""
import argparse
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eos_lib as E  # noqa: E402

NS = [1, 2, 5, 13]
NS_LONG = [1, 2, 3, 5, 8, 13, 21, 34]
LEAVE_UNSENT = ["checkpoint.after-commit", "deliver.mid"]           # recovery finds records missing
LEAVE_OUTBOX = LEAVE_UNSENT + ["deliver.after-produce", "prepare.after-ack"]


def crash_points():
    """The points documented in runtime/rt_crash.h, plus any other name the runtime passes to
    rt_crash_point (so a new point is tested, and reported if undocumented)."""
    rt = os.path.join(E.ROOT, "runtime")
    with open(os.path.join(rt, "rt_crash.h")) as f:
        doc = re.findall(r"^ \*   ([a-z]+\.[a-z-]+) ", f.read(), re.M)
    used = set()
    for name in os.listdir(rt):
        if name.endswith(".c"):
            with open(os.path.join(rt, name)) as f:
                text = f.read()
            used |= set(re.findall(r'rt_crash_point\("([^"]+)"\)', text))
            used |= set(re.findall(r'"((?:checkpoint|deliver|prepare|recover)\.[a-z-]+)"', text))
    return doc + sorted(used - set(doc)), sorted(used - set(doc))


def make_plan(rnd, points, per_job, first_ns=NS, quick=False):
    """A job's runs: [('point', name, n) | ('random',)], crash-point chains kept together.
    quick: each point once (n in turn from first_ns), each recover.* point after one leaver."""
    basic = [p for p in points if not p.startswith("recover.")]
    recover = [p for p in points if p.startswith("recover.")]
    if quick:
        units = [[("point", p, first_ns[i % len(first_ns)])] for i, p in enumerate(basic)]
        for r in recover:
            leavers = [p for p in (LEAVE_UNSENT if r == "recover.mid" else LEAVE_OUTBOX) if p in points]
            units.append([("point", rnd.choice(leavers), rnd.choice(first_ns)), ("point", r, 1)])
        runs = sum(len(u) for u in units)
        units += [[("random",)] for _ in range(max(per_job - runs, 2))]
        rnd.shuffle(units)
        return [s for u in units for s in u]
    rounds = max(1, per_job // 150)
    units = []
    for rnd_i in range(rounds):
        ns = first_ns if rnd_i == 0 else NS_LONG
        for p in basic:
            for n in ns:
                units.append([("point", p, n)])
        for r in recover:
            leavers = [p for p in (LEAVE_UNSENT if r == "recover.mid" else LEAVE_OUTBOX) if p in points]
            for _ in range(2):
                units.append([("point", rnd.choice(leavers), rnd.choice(ns)), ("point", r, 1)])
            units.append([("random",), ("point", r, 1)])
        chain = [("point", "checkpoint.after-commit", rnd.choice(ns))]
        chain += [("point", r, 1) for r in ["recover.mid", "recover.mid", "recover.after-scan", "recover.before-commit"]
                  if r in recover]
        units.append(chain)
        units.append([("point", "deliver.mid", rnd.choice(ns))] +
                     [("point", r, 1) for r in ["recover.after-scan", "recover.mid"] if r in recover])
    runs = sum(len(u) for u in units)
    units += [[("random",)] for _ in range(max(per_job - runs, per_job // 3))]
    rnd.shuffle(units)
    return [s for u in units for s in u]


class Loop:
    """One job's kill loop."""

    def __init__(self, job, plan, target, slow, seed, interval_s):
        self.job, self.plan, self.target, self.slow = job, list(plan), target, slow
        self.interval_s = interval_s
        self.rnd = random.Random(seed)
        self.kills = 0
        self.kinds = Counter()                       # random / point / fallback / restart-hold
        self.points = defaultdict(Counter)           # point -> Counter(planned, died, fallback)
        self.by_n = defaultdict(Counter)             # point -> Counter(n died)
        self.retries = Counter()                     # point -> runs added after a fallback
        self.ended = []                              # runs that ended by themselves (problems)
        self.hold = None                             # set by the broker restart: run without kills
        self.holding = threading.Event()

    def delay(self):
        if self.rnd.random() < 0.33:
            d = self.rnd.uniform(0.05, 0.25)
        else:
            d = self.rnd.uniform(0.25, 1.5)
        return d * (1.2 if self.slow else 1)

    def timeout_for(self, name, n):
        f = 2.5 if self.slow else 1.0
        if name.startswith("recover."):
            return 4.0 * f
        return (3.0 + n * self.interval_s * 3) * f

    def one(self, spec):
        env = {}
        if spec[0] == "point":
            env["SLUICE_CRASH_AT"] = f"{spec[1]}:{spec[2]}"
            timeout = self.timeout_for(spec[1], spec[2])
            self.points[spec[1]]["planned"] += 1
        else:
            timeout = self.delay()
        r = self.job.start(env=env, spec=spec)
        if r is None:
            return False
        rc = r.wait(timeout)
        if rc is None:
            r.kill()
            self.kills += 1
            r.kind = "random" if spec[0] == "random" else "fallback"
            self.kinds[r.kind] += 1
            if spec[0] == "point":
                self.points[spec[1]]["fallback"] += 1
                if self.retries[spec[1]] < 2 and not self.points[spec[1]]["died"]:
                    # not reached yet: try again (a recover.* point after a run that leaves
                    # records unsent)
                    self.retries[spec[1]] += 1
                    again = [("point", "deliver.mid", 1)] if spec[1].startswith("recover.") else []
                    self.plan[:0] = again + [spec]
            return True
        cp = r.crash_point()
        if spec[0] == "point" and cp == spec[1] and rc == -signal.SIGKILL:
            r.kind = "point"
            self.kills += 1
            self.kinds["point"] += 1
            self.points[spec[1]]["died"] += 1
            self.by_n[spec[1]][spec[2]] += 1
            return True
        r.kind = "ended"
        self.ended.append(r)
        time.sleep(0.2)
        return len(self.ended) < 3  # reported; restarting it again proves nothing more

    def held_run(self):
        """While the broker restarts: one run, not killed until the restart is over (+2 s)."""
        r = self.job.start(spec=("hold",))
        if r is None:
            return False
        self.holding.set()
        while self.hold.is_set():
            if r.wait(0.2) is not None:
                break
        if r.proc.poll() is None and r.wait(2.0) is None:
            r.kill()
            r.kind = "restart-hold"
            self.kills += 1
            self.kinds["restart-hold"] += 1
            return True
        r.kind = "ended"
        self.ended.append(r)
        return len(self.ended) < 3

    def run(self, deadline):
        while (self.plan or self.kills < self.target) and time.monotonic() < deadline:
            if self.hold is not None and self.hold.is_set() and not self.holding.is_set():
                if not self.held_run():
                    return
                continue
            spec = self.plan.pop(0) if self.plan else ("random",)
            if not self.one(spec):
                return


def kafka_restart(kdir, addr, outputs, loops, at_kills, done, result):
    """Restarts the Kafka broker on kdir once the loops have killed at_kills times together,
    while both jobs run (the loops hold their kills meanwhile)."""
    while sum(l.kills for l in loops) < at_kills and not done.is_set():
        time.sleep(0.2)
    if done.is_set():
        result["error"] = "the loops ended before the restart"
        return
    hold = threading.Event()
    hold.set()
    for l in loops:
        l.hold = hold
    t0 = time.monotonic()
    for l in loops:
        l.holding.wait(60)
    time.sleep(1.5)
    t1 = time.monotonic()
    p = subprocess.run([os.path.join(E.ROOT, "tests", "kafka", "kafka.sh"), "restart", kdir],
                       capture_output=True, text=True)
    result.update(rc=p.returncode, out=p.stdout.strip(), err=p.stderr[-1500:], seconds=time.monotonic() - t1)
    # the jobs reconnect and deliver again: wait for new output in both topics (a broker that
    # just restarted is slow for a while; the kills go on once both deliver)
    t2 = time.monotonic()
    marks = None
    while time.monotonic() - t2 < 120:
        try:
            now = [E.hwm_sum(addr, t, n) for t, n in outputs]
        except Exception:  # noqa: BLE001 - the broker is not answering yet
            time.sleep(0.5)
            continue
        if marks is None:
            marks = now
        elif all(b >= a + 100 for a, b in zip(marks, now)):
            result["resumed"] = time.monotonic() - t2
            break
        time.sleep(0.3)
    time.sleep(1.0)
    hold.clear()
    result["held"] = time.monotonic() - t0


def report_runs(ck, loop, points):
    job = loop.job
    n = job.label
    ck.check(not loop.ended,
             f"{n}: no run ended by itself except at its crash point ({len(job.runs) - 1} runs)",
             "\n".join(f"run {job.runs.index(r)} ({r.spec}) exited {r.rc} after {r.seconds():.1f} s:\n  "
                       + r.stderr[-1500:].replace("\n", "\n  ") for r in loop.ended[:3]))
    ids = [r.checkpoint() for r in job.runs if r.checkpoint() is not None]
    back = [(a, b) for a, b in zip(ids, ids[1:]) if b < a]
    resumed = sum(1 for i in ids if i > 0)
    ck.check(resumed > 0 and not back,
             f"{n}: {resumed} of {len(job.runs)} runs resumed from a checkpoint (last {ids[-1] if ids else None}), "
             "ids never go back", f"checkpoint ids in order: {ids}")
    missing = [p for p in points if not loop.points[p]["died"]]
    ck.check(not missing, f"{n}: every crash point was reached ({len(points)} points)",
             f"never reached: {missing}")
    san = [(job.runs.index(r), r.sanitizer()) for r in job.runs if r.sanitizer()]
    ck.check(not san, f"{n}: no sanitizer report in any run",
             "\n".join(f"run {i}:\n{t}" for i, t in san[:2]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sluice", default=E.SLUICE)
    ap.add_argument("--kills", type=int, help="kills over both jobs (default 200; see the docstring)")
    ap.add_argument("--rate", type=int, default=2000, help="input records per second (default 2000)")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--bootstrap", help="use this running broker (e.g. Apache Kafka) instead of a sluice broker")
    ap.add_argument("--kafka-restart", metavar="DIR",
                    help="restart the broker of tests/kafka/kafka.sh on DIR once, mid-run (needs --bootstrap)")
    ap.add_argument("--ns", default=",".join(map(str, NS)),
                    help="the n values of SLUICE_CRASH_AT='point:n' (default 1,2,5,13)")
    ap.add_argument("--quick", action="store_true",
                    help="each crash point once (with --ns in turn), the rest random kills: for short runs")
    ap.add_argument("--interval-ms", type=int, default=100, help="the jobs' checkpoint interval (default 100)")
    ap.add_argument("--job-set", action="append", default=[], metavar="KEY=VALUE",
                    help="an extra --set for both jobs (e.g. sink.delivery-guarantee=at-least-once: the checks must fail)")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    asan = E.is_asan(opts.sluice)
    kills = opts.kills or max(200, int(200 * E.scale()))
    ns = [int(x) for x in opts.ns.split(",") if x.strip()]
    ck = E.Checks()
    t0 = time.monotonic()
    points, undocumented = crash_points()
    print(f"  {kills} kills over two jobs, {'ASan build' if asan else 'plain build'}, "
          f"{len(points)} crash points" + (f" ({undocumented} not in rt_crash.h)" if undocumented else ""))
    if opts.kafka_restart and not opts.bootstrap:
        ap.error("--kafka-restart needs --bootstrap")
    workdir = tempfile.mkdtemp(prefix="sluice-crash-")
    broker, jobs, feeder = None, [], None
    try:
        if opts.bootstrap:
            addr = opts.bootstrap
            prefix = f"crash{os.getpid()}-{int(time.time()) % 100000}-"
            topics = {t: prefix + t for t in E.TOPICS}
            E.create_topics(addr, [(prefix + t, n) for t, n in E.TOPICS.items()])
        else:
            prefix = "crash-"
            topics = {t: prefix + t for t in E.TOPICS}
            broker = E.SluiceBroker(opts.sluice, [(prefix + t, n) for t, n in E.TOPICS.items()])
            addr = broker.addr
        rnd = random.Random(opts.seed)
        agg = E.Job("aggregate", E.AGG_SQL.format(**topics), opts.sluice, addr, workdir, prefix + "aggregate",
                    interval=f"{opts.interval_ms} ms", extra=opts.job_set)
        flt = E.Job("filter", E.FILTER_SQL.format(**topics), opts.sluice, addr, workdir, prefix + "filter",
                    interval=f"{opts.interval_ms} ms", extra=opts.job_set)
        jobs = [agg, flt]
        per_job = math.ceil(kills / 2)
        loops = [Loop(j, make_plan(random.Random(rnd.random()), points, per_job, ns, opts.quick), per_job, asan,
                      rnd.random(), opts.interval_ms / 1000) for j in jobs]
        # the embedded broker keeps ~5 MB per partition: the input is capped, and its rate spreads
        # it over the expected length of the kill phase
        limit, rate = None, opts.rate
        if not opts.bootstrap:
            limit = E.EMBEDDED_INPUT_CAP // (2 if asan else 1)
            rate = max(100, min(opts.rate, int(limit / (per_job * (1.5 if asan else 1.1)))))
        print(f"  input at {rate} records/s" + (f", at most {limit}" if limit else ""))
        feeder = E.Feeder(addr, topics["input"], rate, opts.seed, limit=limit).start()
        deadline = time.monotonic() + 60 + per_job * (8 if asan else 4)
        threads = [threading.Thread(target=l.run, args=(deadline,), daemon=True) for l in loops]
        loops_done = threading.Event()
        restart = {}
        rt = None
        if opts.kafka_restart:
            rt = threading.Thread(target=kafka_restart, args=(opts.kafka_restart, addr, [(topics["picked"], E.PARTITIONS),
                                                                  (topics["totals"], E.AGG_PARTITIONS)],
                                        loops, kills // 2, loops_done, restart),
                                  daemon=True)
            rt.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        loops_done.set()
        if rt:
            rt.join()
        feeder.stop()
        t_kills = time.monotonic() - t0
        ck.check(not feeder.errors, f"the producer wrote {feeder.count} records in {t_kills:.0f} s",
                 "; ".join(feeder.errors[:5]))
        if opts.kafka_restart:
            ck.check(restart.get("rc") == 0 and "resumed" in restart,
                     f"Apache Kafka restarted mid-run (down and up again in {restart.get('seconds', 0):.1f} s; "
                     f"both jobs delivered again {restart.get('resumed', -1):.1f} s later, without kills meanwhile)",
                     f"{restart.get('error', '')} {restart.get('out', '')} {restart.get('err', '')}")
        finals = {}
        fth = [threading.Thread(target=lambda j=j: finals.__setitem__(j.label, j.run_bounded(600 if asan else 240)))
               for j in jobs]
        for t in fth:
            t.start()
        for t in fth:
            t.join()
        for j in jobs:
            r, rc = finals[j.label]
            ck.check(rc == 0 and r is not None and "Job finished" in r.stderr,
                     f"{j.label}: the final bounded run finishes (exit {rc})", r.stderr[-2000:] if r else "")
        # kills per kind and per point
        total = sum(l.kills for l in loops)
        for l in loops:
            ck.info(f"{l.job.label}: {l.kills} kills: " + ", ".join(f"{k} {v}" for k, v in sorted(l.kinds.items())))
        ck.info("crash point                 died at it (aggregate / filter)   by n          planned  fallback")
        for p in points:
            a, f = loops[0].points[p], loops[1].points[p]
            ns = Counter(loops[0].by_n[p]) + Counter(loops[1].by_n[p])
            ck.info(f"{p:27s} {a['died']:4d} / {f['died']:<4d}                      "
                    f"{','.join(f'{n}:{c}' for n, c in sorted(ns.items())):13s} {a['planned'] + f['planned']:4d}  "
                    f"{a['fallback'] + f['fallback']:4d}")
        ck.check(total >= kills, f"{total} kills in all ({sum(l.kinds['point'] for l in loops)} at crash points, "
                 f"{sum(l.kinds['random'] for l in loops)} random, {sum(l.kinds['fallback'] for l in loops)} fallback, "
                 f"{sum(l.kinds['restart-hold'] for l in loops)} after the broker restart), at least {kills}")
        for l in loops:
            report_runs(ck, l, points)
        E.check_outputs(ck, addr, topics, agg.pipeline, flt.pipeline, expected_inputs=feeder.count)
    except Exception as e:  # noqa: BLE001 - a broken rig is a failure, not a crash
        import traceback
        traceback.print_exc()
        ck.check(False, f"rig error: {e!r}")
    finally:
        if feeder and not feeder.done.is_set():
            feeder.stop()
        for j in jobs:
            j.stop()
        if broker:
            broker.stop()
        if ck.failed and opts.verbose:
            print(f"  logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"  {time.monotonic() - t0:.0f} s")
    sys.exit(ck.summary())


if __name__ == "__main__":
    main()
