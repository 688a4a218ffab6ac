#!/usr/bin/python3
"""Sluice and Apache Flink side by side: the same query over the same pre-loaded topic on a real
Kafka broker, run by Sluice and by Flink SQL (local mini-cluster, parallelism 1 and 2). For each
run: events/s (wall clock, process start to job end), CPU seconds (user + system of the process),
events per CPU-second, peak RSS, and the ratio Sluice / Flink.

    bench/peer_flink.py [--records N] [--only NAME]...   (default 1,000,000; needs java and mvn)

NAME: passthrough, filter+projection, 'group by 1k keys', 'group by 1M keys', tumble, hop
(default: all).

The window queries (issue 6) read a second topic whose records also carry event time: `ts` is
2024-05-01 10:00:02 + order_id ms minus up to 2 s of disorder (MOD(order_id * 7919, 2000) ms),
written by the loader as a JSON timestamp string, so that both engines parse the same text; the
table declares WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, so no row is late.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "flink"))
from run_flink_diff import build_flink  # noqa: E402

COLS = "order_id BIGINT, customer STRING, amount DOUBLE, country STRING, category STRING, note STRING"
# the window queries' source: the same columns with event time and its watermark
TS_COLS = ("order_id BIGINT, customer STRING, amount DOUBLE, country STRING, category STRING, ts TIMESTAMP(3), "
           "note STRING")
TS_WATERMARK = ", WATERMARK FOR ts AS ts - INTERVAL '5' SECOND"
WINDOW_SINK = "window_start TIMESTAMP(3), window_end TIMESTAMP(3), country STRING, n BIGINT, total DOUBLE, top DOUBLE"
WINDOW_AGG = "SELECT window_start, window_end, country, COUNT(*), SUM(amount), MAX(amount) FROM TABLE("
EVENT_TIME = {"tumble", "hop"}  # the queries that read the event-time topic
QUERIES = {
    "passthrough": ("order_id BIGINT, customer STRING, amount DOUBLE, country STRING, category STRING, note STRING",
                    "SELECT * FROM src"),
    "filter+projection": ("order_id BIGINT, who STRING, amount_eur DOUBLE",
                          "SELECT order_id, UPPER(customer), amount * 0.92 FROM src "
                          "WHERE amount > 100 AND country IN ('DE', 'FR')"),
    # issue 4: GROUP BY into a blackhole (which takes updates in both engines); Sluice keeps
    # durable state (SQLite checkpoints every second), Flink runs without checkpoints
    "group by 1k keys": ("k BIGINT, n BIGINT, total DOUBLE, top DOUBLE",
                         "SELECT MOD(order_id, 1000), COUNT(*), SUM(amount), MAX(amount) FROM src "
                         "GROUP BY MOD(order_id, 1000)"),
    "group by 1M keys": ("k BIGINT, n BIGINT, total DOUBLE, top DOUBLE",
                         "SELECT MOD(order_id, 1000000), COUNT(*), SUM(amount), MAX(amount) FROM src "
                         "GROUP BY MOD(order_id, 1000000)"),
    # issue 6: event-time windows per country (datagen's 2-character countries: 256 keys),
    # final results when the watermark passes a window's end; HOP puts every row in 10 windows
    "tumble": (WINDOW_SINK, WINDOW_AGG + "TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) "
                            "GROUP BY window_start, window_end, country"),
    "hop": (WINDOW_SINK, WINDOW_AGG + "HOP(TABLE src, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '10' MINUTE)) "
                         "GROUP BY window_start, window_end, country"),
}

# The loader's event time in ms after 10:00:00 (positive), then as TIMESTAMP(3) text: Sluice has
# no TIMESTAMPADD or TO_TIMESTAMP_LTZ yet, so the text is put together (two-digit fields by
# SUBSTRING of 100 + x); hours stay below 24 up to ~50 M records.
_T = "(order_id + 2000 - MOD(order_id * 7919, 2000))"
TS_EXPR = (f"CAST(CONCAT('2024-05-01 ', CAST(10 + {_T} / 3600000 AS STRING), ':', "
           f"SUBSTRING(CAST(100 + MOD({_T} / 60000, 60) AS STRING), 2), ':', "
           f"SUBSTRING(CAST(100 + MOD({_T} / 1000, 60) AS STRING), 2), '.', "
           f"SUBSTRING(CAST(1000 + MOD({_T}, 1000) AS STRING), 2)) AS TIMESTAMP(3))")


def source_ddl(bs, group, event_time=False):
    cols, topic = (TS_COLS + TS_WATERMARK, "peer-src-ts") if event_time else (COLS, "peer-src")
    return (f"CREATE TABLE src ({cols}) WITH ('connector' = 'kafka', 'topic' = '{topic}', "
            f"'properties.bootstrap.servers' = '{bs}', 'properties.group.id' = '{group}', "
            "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json');\n")


def load(sluice, bs, n, event_time=False):
    """Pre-loads the topic with n JSON records (~150 bytes) using Sluice's datagen; with
    event_time, topic peer-src-ts, whose records have `ts` too."""
    topic = "peer-src-ts" if event_time else "peer-src"
    dst_cols = TS_COLS if event_time else COLS
    select = (f"SELECT order_id, customer, amount, country, category, {TS_EXPR}, note FROM gen" if event_time
              else "SELECT * FROM gen")
    sql = (f"CREATE TABLE gen ({COLS}) WITH ('connector' = 'datagen', 'number-of-rows' = '{n}', "
           "'rows-per-second' = '100000000', 'fields.order_id.kind' = 'sequence', 'fields.order_id.start' = '1', "
           f"'fields.order_id.end' = '{n}', 'fields.customer.length' = '12', 'fields.amount.min' = '0', "
           "'fields.amount.max' = '500', 'fields.country.length' = '2', 'fields.category.length' = '11', "
           "'fields.note.length' = '40');\n"
           f"CREATE TABLE dst ({dst_cols}) WITH ('connector' = 'kafka', 'topic' = '{topic}', "
           f"'properties.bootstrap.servers' = '{bs}', 'format' = 'json', 'sink.partitioner' = 'round-robin');\n"
           f"INSERT INTO dst {select};\n")
    with tempfile.TemporaryDirectory() as state:  # a fresh job: never resumed from an earlier load
        run([sluice, "-e", sql, "--state-dir", state])


def warm_up(bs, topic):
    """Makes the broker create its group coordinator (__consumer_offsets) before anything is
    measured: on a fresh broker the first consumer group waits seconds for it, and whichever
    job ran first would pay for that."""
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bs, "group.id": "peer-warm-up", "enable.auto.commit": False})
    for _ in range(60):
        try:
            c.commit(offsets=[TopicPartition(topic, 0, 0)], asynchronous=False)
            break
        except Exception:  # coordinator not available yet
            time.sleep(0.5)
    c.close()


def run(cmd):
    """Runs cmd; returns (wall seconds, CPU seconds, peak RSS in MiB) of that process alone."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read()
    if status != 0:
        raise RuntimeError(f"{cmd[0]} failed: {err[-2000:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--only", action="append", choices=sorted(QUERIES), help="run only these queries")
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    opts = ap.parse_args()
    n = opts.records
    classpath = build_flink()
    kdir = tempfile.mkdtemp()
    bs = subprocess.run([os.path.join(ROOT, "tests", "kafka", "kafka.sh"), "start", kdir], check=True,
                        capture_output=True, text=True).stdout.strip()
    try:
        # two partitions, so that parallelism 2 has something to split
        from confluent_kafka.admin import AdminClient, NewTopic
        chosen = [q for q in QUERIES if not opts.only or q in opts.only]
        topics = sorted({"peer-src-ts" if q in EVENT_TIME else "peer-src" for q in chosen})
        admin = AdminClient({"bootstrap.servers": bs})
        for t, f in admin.create_topics([NewTopic(t, 2, 1) for t in topics]).items():
            f.result()
        admin = None  # gone before the broker stops
        for t in topics:
            load(opts.sluice, bs, n, event_time=t == "peer-src-ts")
        warm_up(bs, topics[0])
        print(f"{n} records of ~150 bytes on Apache Kafka 3.9 (2 partitions); machine: {os.cpu_count()} cores")
        print(f"{'query':<18} {'engine':<10} {'events/s':>10} {'CPU s':>7} {'events/CPU-s':>13} {'peak RSS':>9}")
        with tempfile.TemporaryDirectory() as tmp:
            for qname, (cols, q) in QUERIES.items():
                if opts.only and qname not in opts.only:
                    continue
                results = {}
                for engine, par in (("sluice", None), ("flink p1", "1"), ("flink p2", "2")):
                    path = os.path.join(tmp, f"{qname}-{engine}.sql".replace(" ", "").replace("+", "_"))
                    with open(path, "w") as f:
                        f.write(source_ddl(bs, "peer-" + "".join(c for c in engine + qname if c.isalnum()),
                                           event_time=qname in EVENT_TIME))
                        f.write(f"CREATE TABLE sink ({cols}) WITH ('connector' = 'blackhole');\n")
                        f.write(f"INSERT INTO sink {q};\n")
                    cmd = [opts.sluice, "-f", path, "--state-dir", os.path.join(tmp, "state")] if engine == "sluice" else \
                        ["java", "-Xmx2g", "-cp", classpath, "sluice.FlinkSql", path, par]
                    wall, cpu, rss = run(cmd)
                    results[engine] = (n / wall, cpu, n / cpu, rss)
                    print(f"{qname:<18} {engine:<10} {n / wall:>10.0f} {cpu:>7.2f} {n / cpu:>13.0f} {rss:>7.0f} MiB", flush=True)
                s = results["sluice"]
                for peer in ("flink p1", "flink p2"):
                    f = results[peer]
                    print(f"{qname:<18} sluice/{peer}: {s[0] / f[0]:.1f}x events/s, {s[2] / f[2]:.1f}x events per CPU-second, "
                          f"{f[3] / s[3]:.1f}x less memory")
    finally:
        subprocess.run([os.path.join(ROOT, "tests", "kafka", "kafka.sh"), "stop", kdir])


if __name__ == "__main__":
    main()
