#!/usr/bin/python3
"""Interoperability: records written by third-party Kafka clients (kcat, kafka-python) into a
`sluice broker` are read by a Sluice job, and the job's output is read back by the same clients.
Prints PASS/FAIL per check and the closing line `N passed, N failed`."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ROWS = [{"id": 1, "name": "ann", "amount": 12.5}, {"id": 2, "name": "bo", "amount": 250.0},
        {"id": 3, "name": "cy", "amount": 99.25}, {"id": 4, "name": "dee", "amount": 1000.0}]
EXPECTED = [{"id": 2, "who": "BO", "double_amount": 500.0}, {"id": 4, "who": "DEE", "double_amount": 2000.0}]

SQL = """
CREATE TABLE src (id BIGINT, name STRING, amount DOUBLE)
  WITH ('connector' = 'kafka', 'topic' = '{src}', 'format' = 'json');
CREATE TABLE dst (id BIGINT, who STRING, double_amount DOUBLE)
  WITH ('connector' = 'kafka', 'topic' = '{dst}', 'format' = 'json');
INSERT INTO dst SELECT id, UPPER(name), amount * 2 FROM src WHERE amount > 100;
"""


# Keys: the source reads a raw key into column k, the sink writes a JSON key of id.
KEYED_SQL = """
CREATE TABLE src (k STRING, id BIGINT, name STRING, amount DOUBLE)
  WITH ('connector' = 'kafka', 'topic' = '{src}', 'key.format' = 'raw', 'key.fields' = 'k',
        'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY');
CREATE TABLE dst (id BIGINT, k STRING, who STRING)
  WITH ('connector' = 'kafka', 'topic' = '{dst}', 'key.format' = 'json', 'key.fields' = 'id',
        'value.format' = 'json');
INSERT INTO dst SELECT id, k, UPPER(name) FROM src WHERE amount > 100;
"""
KEYED_EXPECTED = [({"id": 2}, {"id": 2, "k": "key-2", "who": "BO"}),
                  ({"id": 4}, {"id": 4, "k": "key-4", "who": "DEE"})]


def run_job(sluice, addr, src, dst, sql=SQL):
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(sql.format(src=src, dst=dst))
    try:
        with tempfile.TemporaryDirectory() as state:  # a fresh job each time
            r = subprocess.run([sluice, "-f", f.name, "--set", "sluice.bootstrap.servers=" + addr,
                                "--set", "scan.bounded.mode=latest-offset", "--state-dir", state],
                               capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("sluice failed: " + r.stderr[-800:])
    finally:
        os.unlink(f.name)


def kcat_produce(addr, topic):
    data = "".join(json.dumps(r) + "\n" for r in ROWS)
    subprocess.run(["kcat", "-P", "-b", addr, "-t", topic, "-p", "0"], input=data, text=True, check=True, timeout=30)


def kcat_consume(addr, topic):
    r = subprocess.run(["kcat", "-C", "-b", addr, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q"],
                       capture_output=True, text=True, timeout=30, check=True)
    return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


def kcat_produce_keyed(addr, topic):
    data = "".join(f"key-{r['id']}|{json.dumps(r)}\n" for r in ROWS)
    subprocess.run(["kcat", "-P", "-b", addr, "-t", topic, "-p", "0", "-K", "|"], input=data, text=True,
                   check=True, timeout=30)


def kcat_consume_keyed(addr, topic):
    r = subprocess.run(["kcat", "-C", "-b", addr, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q",
                        "-f", "%k|%s\n"], capture_output=True, text=True, timeout=30, check=True)
    out = []
    for line in r.stdout.splitlines():
        if line.strip():
            k, _, v = line.partition("|")
            out.append((json.loads(k), json.loads(v)))
    return out


def py_produce_keyed(addr, topic):
    p = KafkaProducer(bootstrap_servers=addr)
    for r in ROWS:
        p.send(topic, json.dumps(r).encode(), key=f"key-{r['id']}".encode(), partition=0)
    p.flush()
    p.close()


def py_consume_keyed(addr, topic):
    return [(json.loads(k), json.loads(v)) for k, v in py_records(addr, topic)]


def py_records(addr, topic):
    c = KafkaConsumer(bootstrap_servers=addr, enable_auto_commit=False, consumer_timeout_ms=5000)
    tp = TopicPartition(topic, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    end = c.end_offsets([tp])[tp]
    out = []
    deadline = time.monotonic() + 30
    while c.position(tp) < end and time.monotonic() < deadline:
        for recs in c.poll(timeout_ms=1000).values():
            out.extend((m.key, m.value) for m in recs)
    c.close()
    return out


def py_produce(addr, topic):
    p = KafkaProducer(bootstrap_servers=addr)
    for r in ROWS:
        p.send(topic, json.dumps(r).encode(), partition=0)
    p.flush()
    p.close()


def py_consume(addr, topic):
    return [json.loads(v) for _, v in py_records(addr, topic)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    opts = ap.parse_args()
    topics = ["in-kcat", "out-kcat", "in-py", "out-py", "kin-kcat", "kout-kcat", "kin-py", "kout-py"]
    broker = subprocess.Popen([opts.sluice, "broker"] + sum([["--topic", t + ":1"] for t in topics], []),
                              stdout=subprocess.PIPE, text=True)
    addr = broker.stdout.readline().strip()
    passed = failed = 0
    checks = [("kcat produces, sluice transforms, kcat reads", kcat_produce, kcat_consume, "in-kcat", "out-kcat"),
              ("kafka-python produces, sluice transforms, kafka-python reads", py_produce, py_consume, "in-py", "out-py")]
    try:
        for name, prod, cons, src, dst in checks:
            try:
                prod(addr, src)
                run_job(opts.sluice, addr, src, dst)
                got = cons(addr, dst)
                if got == EXPECTED:
                    passed += 1
                    print("PASS", name)
                else:
                    failed += 1
                    print("FAIL", name, "expected", EXPECTED, "got", got)
            except Exception as e:
                failed += 1
                print("FAIL", name, repr(e))
        # keys both ways: each client writes keys, the other one reads the keys sluice wrote
        keyed = [("kcat writes keys, sluice reads and writes keys, kafka-python reads them",
                  kcat_produce_keyed, py_consume_keyed, "kin-kcat", "kout-kcat"),
                 ("kafka-python writes keys, sluice reads and writes keys, kcat reads them",
                  py_produce_keyed, kcat_consume_keyed, "kin-py", "kout-py")]
        for name, prod, cons, src, dst in keyed:
            try:
                prod(addr, src)
                run_job(opts.sluice, addr, src, dst, KEYED_SQL)
                got = cons(addr, dst)
                if got == KEYED_EXPECTED:
                    passed += 1
                    print("PASS", name)
                else:
                    failed += 1
                    print("FAIL", name, "expected", KEYED_EXPECTED, "got", got)
            except Exception as e:
                failed += 1
                print("FAIL", name, repr(e))
        # the other reader of each output: both clients agree on what sluice wrote
        try:
            a, b = kcat_consume(addr, "out-py"), py_consume(addr, "out-kcat")
            if a == EXPECTED and b == EXPECTED:
                passed += 1
                print("PASS kcat and kafka-python read each other's pipeline output")
            else:
                failed += 1
                print("FAIL cross-read", a, b)
        except Exception as e:
            failed += 1
            print("FAIL cross-read", repr(e))
    finally:
        broker.terminate()
        broker.wait(10)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
