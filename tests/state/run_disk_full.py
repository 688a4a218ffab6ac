#!/usr/bin/python3
"""A full disk under the job state: the jobs stop cleanly with their last checkpoint intact, and
a restart after space is back delivers everything exactly once.

  run_disk_full.py [--sluice PATH] [--rate R] [--seed S] [--verbose]

The two jobs of tests/state/eos_lib.py (a GROUP BY into upsert-kafka, a filter into a 4-partition
kafka topic; exactly-once output) run unbounded (checkpoint every 200 ms) on a `sluice broker`
while a producer writes --rate records per second (default 2,000) to their input, with the
state database's writes failing with SQLITE_FULL after N bytes (SLUICE_FAULT_STATE_WRITE_LIMIT,
runtime/rt_faultvfs.h), for several N: so small that opening the state fails, so small that the
first commits fail, and medium, so that a later commit fails (each case on its own topics and
state). Checked for each job of each case: it exits with status 1 (no signal, no sanitizer
report) within 60 s and a message containing "database or disk is full" and the state path; a
copy of its state database passes SQLite's integrity_check; a restart without the variable
(bounded) resumes from the last good checkpoint ("resumes from checkpoint K-1" when checkpoint K
could not be committed; new state when none was) and finishes; then the end-to-end checks of
eos_lib.check_outputs: the filter's output is the expected rows exactly once, the aggregate's
final table equals SQLite's batch GROUP BY, sluice-seq 1..N each exactly once.

One more case uses a real full file system: a tmpfs of 8 MiB mounted as the state dir (needs
root and mount; else SKIP with the reason), nearly filled by a filler file, so the jobs hit
ENOSPC; after they stop the filler is deleted (space freed) and the restart must resume and
finish as above.

Prints PASS/FAIL (and SKIP) lines and `N passed, N failed`; exits nonzero on failure."""
import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eos_lib as E  # noqa: E402

# (label, SLUICE_FAULT_STATE_WRITE_LIMIT)
LIMITS = [("open fails", 2000), ("first commit fails", 30000), ("a later commit fails", 400000),
          ("a much later commit fails", 1500000)]
FULL = "database or disk is full"
COMMIT_FAILED = re.compile(r"Cannot commit checkpoint (\d+) ")


def integrity(db_path, workdir):
    """SQLite's integrity_check of a copy of the database (and its WAL), or the error."""
    if not os.path.exists(db_path):
        return "no database file"
    d = tempfile.mkdtemp(dir=workdir)
    try:
        for suffix in ("", "-wal"):
            if os.path.exists(db_path + suffix):
                shutil.copy(db_path + suffix, os.path.join(d, "state.db" + suffix))
        con = sqlite3.connect(os.path.join(d, "state.db"))
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as e:
        return f"sqlite error: {e}"
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_failure(ck, label, job, r, rc, workdir):
    """The checks of a run that hit the full disk; the checkpoint the restart must resume from
    (0: new state; None: not known)."""
    err = r.stderr
    san = r.sanitizer()
    ck.check(rc == 1 and not san and FULL in err and job.state_db() in err,
             f"{label}: exits 1 with '{FULL}' and the state path (exit {rc})",
             san or ("\n(killed by a signal)" if isinstance(rc, int) and rc < 0 else "") + err[-1500:])
    res = integrity(job.state_db(), workdir)
    opened = "starts with new state" in err or "resumes from checkpoint" in err
    ck.check(res == "ok" or (not opened and res == "no database file"),
             f"{label}: the state database passes integrity_check ({res})")
    m = COMMIT_FAILED.search(err)
    if m:
        return int(m.group(1)) - 1
    if "Cannot open the state" in err:
        return r.checkpoint() or 0
    return None


def check_restart(ck, label, r, rc, want):
    err = r.stderr if r else ""
    got = r.checkpoint() if r else None
    ok_resume = got == want if want is not None else got is not None
    ck.check(rc == 0 and "Job finished" in err and ok_resume and not r.sanitizer(),
             f"{label}: the restart without the limit " +
             (f"resumes from checkpoint {want}" if want else "starts with new state" if want == 0 else "resumes")
             + f" and finishes (exit {rc}, resumed from {got})", err[-1500:])


def run_case(ck, opts, broker, workdir, idx, label, limit, asan, state_root=None, free=None):
    """Both jobs on their own topics with the write limit (or on a full file system: limit None,
    state under state_root, free() frees space before the restart)."""
    prefix = f"disk{idx}-"
    topics = {t: prefix + t for t in E.TOPICS}
    for t, n in E.TOPICS.items():
        a = broker.command(f"create {prefix}{t} {n}")
        if a != "ok":
            raise RuntimeError(f"create {prefix}{t}: {a}")
    wd = os.path.join(workdir, f"case{idx}")
    os.makedirs(wd)
    jobs = [E.Job("aggregate", E.AGG_SQL.format(**topics), opts.sluice, broker.addr, wd, prefix + "aggregate"),
            E.Job("filter", E.FILTER_SQL.format(**topics), opts.sluice, broker.addr, wd, prefix + "filter")]
    if state_root:
        for j in jobs:
            j.state = os.path.join(state_root, j.label + "-state")
    feeder = E.Feeder(broker.addr, topics["input"], opts.rate, opts.seed + idx).start()
    try:
        env = {"SLUICE_FAULT_STATE_WRITE_LIMIT": str(limit)} if limit is not None else {}
        runs = [j.start(env=env) for j in jobs]
        t0 = time.monotonic()
        rcs = []
        for r in runs:
            rc = r.wait(max(1.0, t0 + (120 if asan else 60) - time.monotonic()))
            if rc is None:
                r.kill()
                rc = "timeout: never failed"
            rcs.append(rc)
        took = time.monotonic() - t0
        time.sleep(1.0)   # input goes on after the failure
        feeder.stop()
        ck.check(not feeder.errors, f"[{label}] the producer wrote {feeder.count} records", "; ".join(feeder.errors[:3]))
        wants = [check_failure(ck, f"[{label}] {j.label}", j, r, rc, workdir) for j, r, rc in zip(jobs, runs, rcs)]
        for j, r in zip(jobs, runs):
            m = COMMIT_FAILED.search(r.stderr)
            ck.info(f"{j.label}: failed after {took:.1f} s: "
                    + (f"checkpoint {m.group(1)} could not be committed" if m else
                       (r.stderr.strip().splitlines() or ["?"])[-1][:160]))
        if free:
            free()
        for j, want in zip(jobs, wants):
            r, rc = j.run_bounded(300 if asan else 120)
            check_restart(ck, f"[{label}] {j.label}", r, rc, want)
        db, _ = E.input_db(broker.addr, topics["input"], ck, feeder.count, tag=f"[{label}] ")
        E.check_outputs(ck, broker.addr, topics, jobs[0].pipeline, jobs[1].pipeline, db=db, tag=f"[{label}] ")
    finally:
        if not feeder.done.is_set():
            feeder.stop()
        for j in jobs:
            j.stop()


def tmpfs_case(ck, opts, broker, workdir, idx, asan):
    label = "full tmpfs"
    mnt = os.path.join(workdir, "tmpfs")
    os.makedirs(mnt)
    why = None
    if os.geteuid() != 0:
        why = "not root (mount needs it)"
    elif not shutil.which("mount"):
        why = "no mount command"
    else:
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt], capture_output=True, text=True)
        if p.returncode != 0:
            why = f"mount -t tmpfs refused: {p.stderr.strip() or p.returncode}"
    if why:
        ck.skip(f"[{label}] a real full file system as state dir", why)
        return
    try:
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb") as f:     # leave about 1.5 MiB
            st = os.statvfs(mnt)
            f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - 1536 * 1024))
        st = os.statvfs(mnt)
        ck.info(f"tmpfs of 8 MiB, {st.f_bavail * st.f_frsize // 1024} KiB free")
        run_case(ck, opts, broker, workdir, idx, label, None, asan, state_root=mnt,
                 free=lambda: os.unlink(filler))
    finally:
        subprocess.run(["umount", mnt], capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sluice", default=E.SLUICE)
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    asan = E.is_asan(opts.sluice)
    ck = E.Checks()
    t0 = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="sluice-diskfull-")
    broker = None
    try:
        broker = E.SluiceBroker(opts.sluice, [])
        for i, (label, limit) in enumerate(LIMITS):
            print(f"== SLUICE_FAULT_STATE_WRITE_LIMIT={limit} ({label})")
            run_case(ck, opts, broker, workdir, i, f"{limit} B: {label}", limit, asan)
        print("== a full tmpfs")
        tmpfs_case(ck, opts, broker, workdir, len(LIMITS), asan)
    except Exception as e:  # noqa: BLE001 - a broken rig is a failure, not a crash
        import traceback
        traceback.print_exc()
        ck.check(False, f"rig error: {e!r}")
    finally:
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
