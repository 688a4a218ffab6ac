-- Sluice quickstart: runs on the embedded broker (no Kafka needed) and ends by itself.
-- Tables without 'properties.bootstrap.servers' live on the in-process embedded broker.
CREATE TABLE orders (
  order_id BIGINT, customer STRING, amount DOUBLE, country STRING,
  ts TIMESTAMP(3),
  amount_eur AS amount * 0.92,                      -- computed column
  part INT METADATA FROM 'partition' VIRTUAL,       -- Kafka metadata
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json',
        'scan.startup.mode' = 'earliest-offset',
        'scan.bounded.mode' = 'latest-offset');     -- read what is there, then finish

CREATE TABLE big_orders (order_id BIGINT, who STRING, amount_eur DOUBLE)
  WITH ('connector' = 'kafka', 'topic' = 'big-orders', 'format' = 'json',
        'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');

-- Feed the embedded broker.
INSERT INTO orders VALUES
  (1, 'alice', 250.0, 'DE', TIMESTAMP '2024-05-01 10:00:00.000'),
  (2, 'bob',    40.0, 'FR', TIMESTAMP '2024-05-01 10:00:01.000'),
  (3, 'carol', 120.0, 'FR', TIMESTAMP '2024-05-01 10:00:02.000'),
  (4, NULL,    500.0, 'DE', TIMESTAMP '2024-05-01 10:00:03.000'),
  (5, 'dave',  300.0, 'US', TIMESTAMP '2024-05-01 10:00:04.000');

-- The continuous query (bounded here so the quickstart ends).
INSERT INTO big_orders
  SELECT order_id, UPPER(customer), amount_eur FROM orders
  WHERE amount > 100 AND country IN ('DE', 'FR') AND customer IS NOT NULL;

EXPLAIN SELECT order_id, UPPER(customer), amount_eur FROM orders
  WHERE amount > 100 AND country IN ('DE', 'FR') AND customer IS NOT NULL;

-- Read the result topic back.
SELECT * FROM big_orders;
