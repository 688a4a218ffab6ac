"""Reading a topic back in the test scripts: one partition, from its first offset to its high
watermark, with confluent-kafka (a third-party client, on purpose)."""
import time

from confluent_kafka import Consumer, TopicPartition


def read_partition(bootstrap, topic, partition=0, group="sluice-test-reader", timeout=30):
    """Every record of `partition` of `topic` as (key bytes or None, value bytes or None);
    [] when the topic was never created (nothing was written)."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
                  "fetch.wait.max.ms": 10, "auto.offset.reset": "earliest", "log_level": 3})
    try:
        md = c.list_topics(topic, timeout=10)  # metadata first, or the first fetch waits 0.5 s
        t = md.topics.get(topic)
        if t is None or (t.error is not None and not t.partitions):
            return []
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        out = []
        if hi > lo:
            c.assign([TopicPartition(topic, partition, lo)])
            deadline = time.monotonic() + timeout
            while len(out) < hi - lo and time.monotonic() < deadline:
                m = c.poll(1)
                if m is None or m.error():
                    continue
                out.append((m.key(), m.value()))
        return out
    finally:
        c.close()
