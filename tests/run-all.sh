#!/bin/bash
# Runs every test suite against a build directory (default: build) and prints the closing line
# "N passed, N failed" over all of them: the meson unit tests, the SQL scenarios, the
# interoperability tests with third-party Kafka clients, the SQLite differential checks (filter and
# projection, GROUP BY, windows), and the kill/restart test of checkpointed jobs.
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PY=/usr/bin/python3   # Debian's Kafka clients import only under Debian's python
total_pass=0
total_fail=0

# Adds a suite's counts, read from its "N passed, N failed" line.
count() {
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
    if [ -z "$line" ]; then
        echo "suite $2 printed no summary: counted as 1 failure"
        total_fail=$((total_fail + 1))
        return
    fi
    total_pass=$((total_pass + $(echo "$line" | cut -d' ' -f1)))
    total_fail=$((total_fail + $(echo "$line" | cut -d' ' -f3)))
}

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

echo "== unit tests (meson test -C $BUILD)"
meson test -C "$BUILD" --print-errorlogs >"$log/unit" 2>&1
grep -E '^ *[0-9]+/[0-9]+ ' "$log/unit"
ok=$(grep -E '^Ok: ' "$log/unit" | awk '{print $2}')
bad=$(grep -E '^(Fail|Timeout|Unexpected Pass): ' "$log/unit" | awk '{s += $NF} END {print s + 0}')
if [ -z "$ok" ]; then tail -30 "$log/unit"; ok=0; bad=$((bad + 1)); fi
[ "$bad" -gt 0 ] && grep -A30 -E 'FAIL|ERROR' "$log/unit" | head -80
echo "$ok passed, $bad failed" >"$log/unit.sum"
count "$log/unit.sum" unit
tail -1 "$log/unit.sum"

for suite in "scenario runner self-test:tests/scenario/run_scenarios.py --self-test" \
             "scenarios:tests/scenario/run_scenarios.py --sluice $BUILD/shell/sluice" \
             "interop:tests/interop/run_interop.py --sluice $BUILD/shell/sluice" \
             "differential:tests/differential/run_differential.py --sluice $BUILD/shell/sluice" \
             "group differential:tests/differential/run_group_differential.py --sluice $BUILD/shell/sluice" \
             "window differential:tests/differential/run_window_differential.py --sluice $BUILD/shell/sluice" \
             "kill/restart:tests/state/run_restart.py --sluice $BUILD/shell/sluice" \
             "memory bound:tests/state/run_memory_bound.py --sluice $BUILD/shell/sluice" \
             "windows on live inputs:tests/state/run_windows.py --sluice $BUILD/shell/sluice" \
             "crash (exactly-once):tests/state/run_crash.py --sluice $BUILD/shell/sluice" \
             "broker faults (exactly-once):tests/state/run_broker_faults.py --sluice $BUILD/shell/sluice" \
             "disk full (exactly-once):tests/state/run_disk_full.py --sluice $BUILD/shell/sluice"; do
    name=${suite%%:*}
    cmd=${suite#*:}
    echo "== $name"
    if [ "$name" = "scenario runner self-test" ]; then
        # one line per check: show only failures and the summary
        $PY $cmd >"$log/suite" 2>&1
        grep -v '^PASS' "$log/suite"
    else
        $PY $cmd 2>&1 | tee "$log/suite"
    fi
    count "$log/suite" "$name"
done

# The scenarios again against a real Apache Kafka broker (KRaft, from Maven Central), and the
# differential test with Apache Flink SQL as the oracle on that broker, and a shorter crash test
# of exactly-once output on it with one restart of the broker (kafka.sh restart).
echo "== scenarios on Apache Kafka"
kdir=$(mktemp -d)
if kafka=$(tests/kafka/kafka.sh start "$kdir" 2>"$log/kafka.err"); then
    $PY tests/scenario/run_scenarios.py --sluice "$BUILD/shell/sluice" --bootstrap "$kafka" 2>&1 | tee "$log/kafka"
    count "$log/kafka" "scenarios on Apache Kafka"
    echo "== Flink differential (Apache Flink 1.20 as the oracle, same topic, same statements)"
    $PY tests/flink/run_flink_diff.py --sluice "$BUILD/shell/sluice" --bootstrap "$kafka" 2>&1 | tee "$log/flink"
    count "$log/flink" "Flink differential"
    echo "== crash test on Apache Kafka (exactly-once; the broker restarted once mid-run)"
    $PY tests/state/run_crash.py --sluice "$BUILD/shell/sluice" --bootstrap "$kafka" --kafka-restart "$kdir" \
        --kills 30 --ns 1,2,5 --quick 2>&1 | tee "$log/kcrash"
    count "$log/kcrash" "crash test on Apache Kafka"
else
    cat "$log/kafka.err"
    echo "could not start Apache Kafka: counted as 1 failure"
    total_fail=$((total_fail + 1))
fi
tests/kafka/kafka.sh stop "$kdir"
rm -rf "$kdir"
echo "== topic creation on Apache Kafka without auto-creation"
$PY tests/kafka/run_topic_creation.py --sluice "$BUILD/shell/sluice" 2>&1 | tee "$log/creation"
count "$log/creation" "topic creation"

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
