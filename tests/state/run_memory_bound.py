#!/usr/bin/python3
"""State is bounded in memory: a GROUP BY over 1,000,000 distinct keys with
'state.cache-size' = '16mb' finishes with a peak RSS under the setting plus a fixed overhead,
and its result is right (the keys that spilled to SQLite come back when seen again).

The job reads 1,200,000 rows from datagen (ids 0..1,199,999) and groups them by MOD(id, K): with
K = 1,000,000 every key is new once and the first 200,000 keys come back a second time, long
after they were evicted; an outer aggregate checks the result: K groups, 1,200,000 rows in all,
counts 1 or 2. The same job with K = 1,000 is the fixed overhead (the process, librdkafka,
SQLite): the big run must stay under that baseline + the setting + SQLite's page cache (8 MiB)
+ 8 MiB of slack. Peak RSS is the kernel's (ru_maxrss of the finished child).

Under AddressSanitizer RSS says nothing (shadow memory, quarantine): the RSS check is skipped
there, the result is still checked. Prints PASS/FAIL lines and `N passed, N failed`.

  run_memory_bound.py [--sluice PATH]"""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROWS = 1_200_000
SETTING_MB = 16
SQLITE_CACHE_MB = 8
SLACK_MB = 8

SQL = """SET 'sql-client.execution.result-mode' = 'table';
SET 'state.cache-size' = '{mb}mb';
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '{rows}',
  'rows-per-second' = '0', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',
  'fields.id.end' = '{last}');
SELECT COUNT(*) AS groups, SUM(n) AS total, MIN(n) AS lo, MAX(n) AS hi
FROM (SELECT MOD(id, {keys}) AS k, COUNT(*) AS n FROM src GROUP BY MOD(id, {keys}));
"""


def run(sluice, keys):
    """Runs the job over `keys` keys: (stdout, stderr, exit status, peak RSS in MiB)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(SQL.format(mb=SETTING_MB, rows=ROWS, last=ROWS - 1, keys=keys))
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.Popen([sluice, "-f", f.name], stdout=out, stderr=err)
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            return out.read().decode(), err.read().decode(), p.returncode, usage.ru_maxrss / 1024
    finally:
        os.unlink(f.name)


def result_row(text):
    """The numbers of the final table's one row, e.g. [1000000, 1200000, 1, 2]."""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and all(c.isdigit() for c in cells):
            return [int(c) for c in cells]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    opts = ap.parse_args()
    asan = b"__asan_init" in open(opts.sluice, "rb").read()
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(("PASS " if ok else "FAIL ") + what, flush=True)
        passed += ok
        failed += not ok

    out, err, rc, base = run(opts.sluice, 1000)
    check(rc == 0 and result_row(out) == [1000, ROWS, ROWS // 1000, ROWS // 1000],
          f"1,000 keys: result {result_row(out)}, peak RSS {base:.0f} MiB (the fixed overhead)" +
          ("" if rc == 0 else f"\n  exit {rc}: {err[-1500:]}"))
    out, err, rc, big = run(opts.sluice, 1_000_000)
    check(rc == 0 and result_row(out) == [1_000_000, ROWS, 1, 2],
          f"1,000,000 keys with a {SETTING_MB} MiB cache: result {result_row(out)} (evicted keys came back)" +
          ("" if rc == 0 else f"\n  exit {rc}: {err[-1500:]}"))
    limit = base + SETTING_MB + SQLITE_CACHE_MB + SLACK_MB
    if asan:
        print(f"SKIP peak RSS under AddressSanitizer ({big:.0f} MiB): not a measure of the cache")
    else:
        check(big <= limit, f"1,000,000 keys: peak RSS {big:.0f} MiB <= {base:.0f} + {SETTING_MB} + "
                            f"{SQLITE_CACHE_MB} + {SLACK_MB} = {limit:.0f} MiB")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
