#!/usr/bin/python3
"""Where a real broker differs from the embedded one: with auto.create.topics.enable=false, a
metadata request does not create a topic; Sluice then creates it with the admin API
(CreateTopics), which the embedded broker does not have. This starts such a Kafka, lets a job
write to and read from topics that do not exist yet, and checks the records and the topic
(read back with confluent-kafka). Prints the closing line `N passed, N failed`."""
import argparse
import os
import subprocess
import sys
import tempfile

from confluent_kafka import Consumer, TopicPartition

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    opts = ap.parse_args()
    kdir = tempfile.mkdtemp()
    passed = failed = 0
    try:
        bs = subprocess.run([os.path.join(HERE, "kafka.sh"), "start", kdir], check=True, capture_output=True, text=True,
                            env=dict(os.environ, SLUICE_KAFKA_AUTO_CREATE="false")).stdout.strip()
        sql = (f"CREATE TABLE a (n INT) WITH ('connector' = 'kafka', 'topic' = 'created-a', 'format' = 'json', "
               f"'properties.bootstrap.servers' = '{bs}', 'scan.bounded.mode' = 'latest-offset');\n"
               f"CREATE TABLE b (n INT) WITH ('connector' = 'kafka', 'topic' = 'created-b', 'format' = 'json', "
               f"'properties.bootstrap.servers' = '{bs}');\n"
               "INSERT INTO a VALUES (1), (2), (3);\n"
               "INSERT INTO b SELECT n * 10 FROM a WHERE n > 1;\n")
        with tempfile.TemporaryDirectory() as state:  # a fresh job
            r = subprocess.run([opts.sluice, "-e", sql, "--state-dir", state], capture_output=True, text=True,
                               timeout=120)
        c = Consumer({"bootstrap.servers": bs, "group.id": "check", "enable.auto.commit": False})
        md = c.list_topics(timeout=10)
        got = []
        if "created-b" in md.topics:
            lo, hi = c.get_watermark_offsets(TopicPartition("created-b", 0), timeout=10)
            c.assign([TopicPartition("created-b", 0, lo)])
            while len(got) < hi - lo:
                m = c.poll(5)
                if m is None:
                    break
                if not m.error():
                    got.append(m.value().decode())
        c.close()
        checks = [("job succeeds on a broker without auto-creation", r.returncode == 0, r.stderr[-1000:]),
                  ("both topics were created", "created-a" in md.topics and "created-b" in md.topics, sorted(md.topics)),
                  ("records went through", got == ['{"n":20}', '{"n":30}'], got)]
        for name, ok, detail in checks:
            if ok:
                passed += 1
                print("PASS", name)
            else:
                failed += 1
                print("FAIL", name, detail)
    except Exception as e:
        failed += 1
        print("FAIL topic creation rig:", repr(e))
    finally:
        subprocess.run([os.path.join(HERE, "kafka.sh"), "stop", kdir])
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
