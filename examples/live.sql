-- A live pipeline: generated orders, filtered, printed as they arrive. Stop with Ctrl-C.
CREATE TABLE orders (order_id BIGINT, customer STRING, amount DOUBLE)
  WITH ('connector' = 'datagen', 'rows-per-second' = '5',
        'fields.order_id.kind' = 'sequence', 'fields.order_id.start' = '1',
        'fields.order_id.end' = '1000000',
        'fields.customer.length' = '6',
        'fields.amount.min' = '1', 'fields.amount.max' = '500');
CREATE TABLE out (order_id BIGINT, customer STRING, amount DOUBLE)
  WITH ('connector' = 'print');
INSERT INTO out SELECT order_id, customer, amount FROM orders WHERE amount > 250;
