#!/usr/bin/python3
"""Differential check of event-time windows: the rows Sluice's window queries write into plain
append-only 'kafka' topics (JSON) must equal, as multisets, SQLite batch queries that compute
the same windows arithmetically over the same bounded random input. Prints PASS/FAIL per query
and the closing line `N passed, N failed`.

  run_window_differential.py [--sluice PATH] [--rows N] [--seed S] [--verbose]

The input (default 3,000 rows, seed 20261201) has an event-time column ts TIMESTAMP(3), unique,
out of order by up to 4 minutes, with pauses of 5 to 9 minutes in between (so that SESSION
windows without PARTITION BY end too), several STRING keys and NULLs in every other column;
values sum exactly (INT/BIGINT, DOUBLE multiples of 0.25, DECIMAL(10, 2) kept as integer cents
in SQLite). Times fall on window boundaries often (exact minutes, a minute minus 1 ms).
Three query sets run as one `sluice -f` on one `sluice broker` (a statement that fails stops
the file: the jobs after it run again in a new one):

- "1p": the input on one partition with a watermark after every row
  ('scan.watermark.emit.strategy' = 'on-event') and a delay of 5 minutes, larger than the
  disorder, so windows fire while rows still arrive but no row is late: the results are exactly
  the batch results. Every window feature: TUMBLE (all aggregates, DISTINCT, FILTER,
  FIRST_VALUE/LAST_VALUE/LISTAGG in arrival order, offsets of either sign, window_time), HOP
  (10 slides; an offset), CUMULATE (an offset), SESSION with and without PARTITION BY, GROUPING SETS /
  ROLLUP / CUBE, legacy GROUP BY TUMBLE/HOP/SESSION with _START/_END/_ROWTIME, the bare TVF's
  rows, window Top-N over an aggregate and over a TVF (ROW_NUMBER with unique orderings, RANK
  and DENSE_RANK with ties), window deduplication (first and last row), window joins
  INNER/LEFT/FULL (and HOP INNER) of two topics, a WHERE on the TVF and HAVING, a window
  over the window_time of a window aggregate.
- "3p": the same rows spread over 3 partitions (each in arrival order) with periodic watermarks
  (the minimum over the partitions) and batches of 64 rows ('sluice.batch-size'), so that the
  rows one watermark fires span many output batches, for a subset of the queries; the results
  are the same.
- "late": another input on one partition with a watermark after every row and a delay of 1
  minute, smaller than its disorder of up to 4 minutes. The watermark current when row i
  arrives is max(ts of rows 0..i-1) - 1 minute (the source emits it after each row, on one
  partition, so this is deterministic); a row is dropped from each of its windows whose
  window_time (end - 1 ms) <= that watermark. SESSION is simulated here row by row (the
  sessions of a key whose window_time the watermark passed have fired; a row whose session,
  merged with the open ones, has fired is dropped). The late rows each job reports on stderr
  ("N late rows dropped") must match the count computed here, except for HOP and CUMULATE,
  where Sluice counts a row once per window it is dropped from.

Window arithmetic of the oracle (mod taken non-negative): TUMBLE start = ts - (ts - offset) mod
size; HOP: the size/slide windows starting at ts - (ts - offset) mod slide - j * slide;
CUMULATE: [s, s + j * step) with s = ts - (ts - offset) mod size, for the ends after ts;
SESSION: per key, rows sorted by time, a new session when a row is more than the gap after the
previous one (windows [t, t + gap) that touch merge, as Flink's TimeWindow.intersects),
window_end = last row + gap; window_time = window_end - 1 ms. Top-N uses SQLite's
ROW_NUMBER/RANK/DENSE_RANK (NULLs first ascending, last descending, like Flink's default).
Sluice's TIMESTAMP(3) JSON ("2024-01-01 10:05:00", fraction zeros dropped) is parsed into
milliseconds; DECIMALs are compared as integers of their scale's unit."""
import argparse
import calendar
import collections
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal

from confluent_kafka import Producer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kafka"))
from kafka_read import read_partition  # noqa: E402
from sluice_proc import broker_address, start_broker, stop_group  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE_MS = 1704103200000          # 2024-01-01 10:00:00 UTC
MIN = 60000
MAIN_DELAY = 5 * MIN             # watermark delay of ev/ev3/lt/rt/rt3: larger than their disorder
MAIN_DISORDER = 3 * MIN          # plus up to 1 minute of snapping to a boundary
LATE_DELAY = 1 * MIN             # watermark delay of evl: smaller than its disorder
LATE_DISORDER = 4 * MIN
SESSION_GAP = 45000              # of the SESSION windows PARTITION BY k over ev
NO_WM = -(1 << 62)               # the watermark before the first one, in SQLite

EV_COLS = ("id INT, k STRING, g INT, v INT, b BIGINT, x DOUBLE, d DECIMAL(10, 2), s STRING, ts TIMESTAMP(3)")
J_COLS = "id INT, k STRING, v INT, ts TIMESTAMP(3)"
ON_EVENT = ", 'scan.watermark.emit.strategy' = 'on-event'"

# Source tables: (name, columns, watermark delay, partitions, extra WITH options).
TABLES = [
    ("ev", EV_COLS, MAIN_DELAY, 1, ON_EVENT),
    ("ev3", EV_COLS, MAIN_DELAY, 3, ""),
    ("lt", J_COLS, MAIN_DELAY, 1, ON_EVENT),
    ("rt", J_COLS, MAIN_DELAY, 1, ON_EVENT),
    ("lt3", J_COLS, MAIN_DELAY, 1, ""),
    ("rt3", J_COLS, MAIN_DELAY, 3, ""),
    ("evl", "id INT, k STRING, g INT, v INT, ts TIMESTAMP(3)", LATE_DELAY, 1, ON_EVENT),
]


# ---------------------------------------------------------------- SQL fragments of the oracle

def tumble_sql(src, size, offset=0, where=""):
    """SQLite: src's rows with ws/we/wt of their TUMBLE window."""
    ws = f"(ts - ((ts - {offset}) % {size} + {size}) % {size})"
    return f"(SELECT *, {ws} AS ws, {ws} + {size} AS we, {ws} + {size} - 1 AS wt FROM {src} {where})"


def hop_sql(src, slide, size, where="", offset=0):
    """SQLite: one row per (row, HOP window), with ws/we."""
    ws = f"(ts - ((ts - {offset}) % {slide} + {slide}) % {slide} - j * {slide})"
    return f"(SELECT *, {ws} AS ws, {ws} + {size} AS we FROM {src} JOIN nums ON j < {size // slide} {where})"


def cumulate_sql(src, step, size, where="", offset=0):
    """SQLite: one row per (row, CUMULATE window), with ws/we (`where` is ANDed to the window
    filter)."""
    ws = f"(ts - ((ts - {offset}) % {size} + {size}) % {size})"
    return (f"(SELECT * FROM (SELECT *, {ws} AS ws, {ws} + j * {step} AS we FROM {src} "
            f"JOIN nums ON j BETWEEN 1 AND {size // step}) WHERE we > ts {where.replace('WHERE', 'AND')})")


def session_sql(src, table):
    """SQLite: src's rows with ws/we of their session (computed in Python into `table`)."""
    return f"(SELECT * FROM {src} JOIN {table} USING (id))"


def tvf(kind, src, *args):
    """Sluice: a window TVF over table src on ts."""
    return f"TABLE({kind}(TABLE {src}, DESCRIPTOR(ts), {', '.join(args)}))"


def iv(n, unit="MINUTES"):
    """Sluice: an INTERVAL literal."""
    return f"INTERVAL '{n}' {unit}"


# ---------------------------------------------------------------- queries

# (name, sets, Sluice query, SQLite query, sink columns). Sluice's query names the tables {ev},
# {lt} and {rt}: ev/lt/rt in set "1p", ev3/lt3/rt3 in set "3p"; SQLite's always ev, lt, rt.
W5 = tumble_sql("ev", 5 * MIN)
AGG_COLS = ("ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, nv BIGINT, sv INT, mv INT, xv INT, av INT, "
            "sb BIGINT, ab BIGINT, sx DOUBLE, ax DOUBLE, mx DOUBLE, xx DOUBLE, sd DECIMAL(18, 2), "
            "ad DECIMAL(18, 6), xd DECIMAL(10, 2), ds BIGINT, dv BIGINT, ms STRING, xs STRING, "
            "mt TIMESTAMP(3), xt TIMESTAMP(3)")
QUERIES = [
    ("tumble_aggregates", "1p 3p",
     "SELECT window_start, window_end, k, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v), SUM(b), AVG(b), "
     "SUM(x), AVG(x), MIN(x), MAX(x), SUM(d), AVG(d), MAX(d), COUNT(DISTINCT s), COUNT(DISTINCT v), MIN(s), "
     f"MAX(s), MIN(ts), MAX(ts) FROM {tvf('TUMBLE', '{ev}', iv(5))} GROUP BY window_start, window_end, k",
     "SELECT ws, we, k, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), avg_int(v), SUM(b), avg_int(b), "
     "SUM(x), AVG(x), MIN(x), MAX(x), SUM(dc), avg_dec(dc), MAX(dc), COUNT(DISTINCT s), COUNT(DISTINCT v), "
     f"MIN(s), MAX(s), MIN(ts), MAX(ts) FROM {W5} GROUP BY ws, we, k",
     AGG_COLS),
    ("tumble_offset_window_time", "1p",
     "SELECT window_start, window_end, window_time, COUNT(*), SUM(x), MAX(v), MIN(d) "
     f"FROM {tvf('TUMBLE', '{ev}', iv(10), iv(3))} GROUP BY window_start, window_end, window_time",
     f"SELECT ws, we, wt, COUNT(*), SUM(x), MAX(v), MIN(dc) FROM {tumble_sql('ev', 10 * MIN, 3 * MIN)} "
     "GROUP BY ws, we, wt",
     "ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP(3), n BIGINT, sx DOUBLE, xv INT, md DECIMAL(10, 2)"),
    ("hop_10_slides", "1p 3p",
     "SELECT window_start, window_end, k, COUNT(*), SUM(v), MIN(x), MAX(s), COUNT(DISTINCT g) "
     f"FROM {tvf('HOP', '{ev}', iv(1), iv(10))} GROUP BY window_start, window_end, k",
     "SELECT ws, we, k, COUNT(*), SUM(v), MIN(x), MAX(s), COUNT(DISTINCT g) "
     f"FROM {hop_sql('ev', MIN, 10 * MIN)} GROUP BY ws, we, k",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, sv INT, mx DOUBLE, xs STRING, dg BIGINT"),
    ("cumulate", "1p 3p",
     "SELECT window_start, window_end, g, COUNT(*), SUM(d), MAX(ts), AVG(x) "
     f"FROM {tvf('CUMULATE', '{ev}', iv(2), iv(10))} GROUP BY window_start, window_end, g",
     f"SELECT ws, we, g, COUNT(*), SUM(dc), MAX(ts), AVG(x) FROM {cumulate_sql('ev', 2 * MIN, 10 * MIN)} "
     "GROUP BY ws, we, g",
     "ws TIMESTAMP(3), we TIMESTAMP(3), g INT, n BIGINT, sd DECIMAL(18, 2), xt TIMESTAMP(3), ax DOUBLE"),
    ("session_partition_by_key", "1p 3p",
     "SELECT window_start, window_end, k, COUNT(*), SUM(v), MIN(ts), MAX(ts), MAX(s) "
     "FROM TABLE(SESSION(TABLE {ev} PARTITION BY k, DESCRIPTOR(ts), INTERVAL '45' SECONDS)) "
     "GROUP BY window_start, window_end, k",
     "SELECT ws, we, k, COUNT(*), SUM(v), MIN(ts), MAX(ts), MAX(s) "
     f"FROM {session_sql('ev', 'sess_k')} GROUP BY ws, we, k",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, sv INT, mt TIMESTAMP(3), xt TIMESTAMP(3), xs STRING"),
    ("session_global", "1p 3p",
     "SELECT window_start, window_end, COUNT(*), SUM(x), MAX(v), MIN(k), AVG(d) "
     f"FROM {tvf('SESSION', '{ev}', iv(1))} GROUP BY window_start, window_end",
     f"SELECT ws, we, COUNT(*), SUM(x), MAX(v), MIN(k), avg_dec(dc) FROM {session_sql('ev', 'sess_all')} "
     "GROUP BY ws, we",
     "ws TIMESTAMP(3), we TIMESTAMP(3), n BIGINT, sx DOUBLE, xv INT, mk STRING, ad DECIMAL(18, 6)"),
    ("grouping_sets", "1p",
     "SELECT window_start, window_end, k, g, COUNT(*), SUM(v), MAX(x) "
     f"FROM {tvf('TUMBLE', '{ev}', iv(10))} GROUP BY window_start, window_end, GROUPING SETS ((k, g), (k), ())",
     " UNION ALL ".join(f"SELECT ws, we, {sel}, COUNT(*), SUM(v), MAX(x) FROM {tumble_sql('ev', 10 * MIN)} "
                        f"GROUP BY ws, we{grp}"
                        for sel, grp in [("k, g", ", k, g"), ("k, NULL", ", k"), ("NULL, NULL", "")]),
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, g INT, n BIGINT, sv INT, xx DOUBLE"),
    ("rollup", "1p",
     "SELECT window_start, window_end, g, k, COUNT(*), SUM(d) "
     f"FROM {tvf('HOP', '{ev}', iv(5), iv(10))} GROUP BY window_start, window_end, ROLLUP (g, k)",
     " UNION ALL ".join(f"SELECT ws, we, {sel}, COUNT(*), SUM(dc) FROM {hop_sql('ev', 5 * MIN, 10 * MIN)} "
                        f"GROUP BY ws, we{grp}"
                        for sel, grp in [("g, k", ", g, k"), ("g, NULL", ", g"), ("NULL, NULL", "")]),
     "ws TIMESTAMP(3), we TIMESTAMP(3), g INT, k STRING, n BIGINT, sd DECIMAL(18, 2)"),
    ("cube", "1p 3p",
     "SELECT window_start, window_end, k, g, COUNT(*), MIN(s), AVG(v) "
     f"FROM {tvf('TUMBLE', '{ev}', iv(15))} GROUP BY window_start, window_end, CUBE (k, g)",
     " UNION ALL ".join(f"SELECT ws, we, {sel}, COUNT(*), MIN(s), avg_int(v) FROM {tumble_sql('ev', 15 * MIN)} "
                        f"GROUP BY ws, we{grp}"
                        for sel, grp in [("k, g", ", k, g"), ("k, NULL", ", k"), ("NULL, g", ", g"),
                                         ("NULL, NULL", "")]),
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, g INT, n BIGINT, ms STRING, av INT"),
    ("legacy_tumble", "1p",
     "SELECT k, TUMBLE_START(ts, INTERVAL '5' MINUTE), TUMBLE_END(ts, INTERVAL '5' MINUTE), "
     "TUMBLE_ROWTIME(ts, INTERVAL '5' MINUTE), COUNT(*), SUM(v), AVG(x) FROM {ev} "
     "GROUP BY TUMBLE(ts, INTERVAL '5' MINUTE), k",
     f"SELECT k, ws, we, wt, COUNT(*), SUM(v), AVG(x) FROM {W5} GROUP BY ws, we, k",
     "k STRING, ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP(3), n BIGINT, sv INT, ax DOUBLE"),
    ("legacy_hop", "1p",
     "SELECT HOP_START(ts, INTERVAL '2' MINUTE, INTERVAL '6' MINUTE), HOP_END(ts, INTERVAL '2' MINUTE, "
     "INTERVAL '6' MINUTE), g, COUNT(*), MIN(v) FROM {ev} "
     "GROUP BY HOP(ts, INTERVAL '2' MINUTE, INTERVAL '6' MINUTE), g",
     f"SELECT ws, we, g, COUNT(*), MIN(v) FROM {hop_sql('ev', 2 * MIN, 6 * MIN)} GROUP BY ws, we, g",
     "ws TIMESTAMP(3), we TIMESTAMP(3), g INT, n BIGINT, mv INT"),
    ("legacy_session", "1p",
     "SELECT k, SESSION_START(ts, INTERVAL '45' SECOND), SESSION_END(ts, INTERVAL '45' SECOND), COUNT(*), SUM(d) "
     "FROM {ev} GROUP BY SESSION(ts, INTERVAL '45' SECOND), k",
     f"SELECT k, ws, we, COUNT(*), SUM(dc) FROM {session_sql('ev', 'sess_k')} GROUP BY ws, we, k",
     "k STRING, ws TIMESTAMP(3), we TIMESTAMP(3), n BIGINT, sd DECIMAL(18, 2)"),
    ("tumble_negative_offset", "1p",
     "SELECT window_start, window_end, k, COUNT(*), MIN(ts) "
     f"FROM {tvf('TUMBLE', '{ev}', iv(10), iv(-4))} GROUP BY window_start, window_end, k",
     f"SELECT ws, we, k, COUNT(*), MIN(ts) FROM {tumble_sql('ev', 10 * MIN, -4 * MIN)} GROUP BY ws, we, k",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, mt TIMESTAMP(3)"),
    ("tumble_filter_first_last_listagg_distinct", "1p",  # arrival order: id order on one partition
     "SELECT window_start, window_end, UPPER(s), COUNT(*) FILTER (WHERE v > 0), SUM(v) FILTER (WHERE x < 0), "
     "FIRST_VALUE(v), LAST_VALUE(k), LISTAGG(k), SUM(DISTINCT g), AVG(DISTINCT v), MAX(DISTINCT x) "
     f"FROM {tvf('TUMBLE', '{ev}', iv(10))} GROUP BY window_start, window_end, UPPER(s)",
     "SELECT ws, we, upper(s), COUNT(*) FILTER (WHERE v > 0), SUM(v) FILTER (WHERE x < 0), first_v(id, v), "
     "last_v(id, k), listagg(id, k), SUM(DISTINCT g), avg_int(DISTINCT v), MAX(DISTINCT x) "
     f"FROM {tumble_sql('ev', 10 * MIN)} GROUP BY ws, we, upper(s)",
     "ws TIMESTAMP(3), we TIMESTAMP(3), u STRING, np BIGINT, sv INT, fv INT, lk STRING, lks STRING, sg INT, "
     "av INT, xx DOUBLE"),
    ("tvf_rows_hop_offset", "1p",
     f"SELECT id, window_start, window_end, window_time FROM {tvf('HOP', '{ev}', iv(5), iv(15), iv(2))} WHERE g = 1",
     f"SELECT id, ws, we, we - 1 FROM {hop_sql('ev', 5 * MIN, 15 * MIN, 'WHERE g = 1', 2 * MIN)}",
     "id INT, ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP(3)"),
    ("tvf_rows_cumulate_offset", "1p",
     f"SELECT id, ts, window_start, window_end FROM {tvf('CUMULATE', '{ev}', iv(1), iv(3), iv(30, 'SECONDS'))} "
     "WHERE k = 'b'",
     "SELECT id, ts, ws, we FROM "
     f"{cumulate_sql('ev', MIN, 3 * MIN, 'WHERE k = ' + chr(39) + 'b' + chr(39), 30000)}",
     "id INT, ts TIMESTAMP(3), ws TIMESTAMP(3), we TIMESTAMP(3)"),
    ("where_and_having", "1p",
     "SELECT window_start, window_end, k, COUNT(*), SUM(v), MAX(s) "
     f"FROM {tvf('TUMBLE', '{ev}', iv(5))} WHERE v > 0 AND (s LIKE 'a%' OR x < 0) "
     "GROUP BY window_start, window_end, k HAVING COUNT(*) > 2",
     f"SELECT ws, we, k, COUNT(*), SUM(v), MAX(s) FROM {W5} WHERE v > 0 AND (s LIKE 'a%' OR x < 0) "
     "GROUP BY ws, we, k HAVING COUNT(*) > 2",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, sv INT, xs STRING"),
    ("cascade_window_time", "1p 3p",  # a 15-minute TUMBLE over the window_time of 5-minute totals
     "SELECT window_start, window_end, k, SUM(n), COUNT(*), MAX(sv) FROM TABLE(TUMBLE((SELECT window_time AS wt, k, "
     f"COUNT(*) AS n, SUM(v) AS sv FROM {tvf('TUMBLE', '{ev}', iv(5))} GROUP BY window_start, window_end, "
     "window_time, k), DESCRIPTOR(wt), INTERVAL '15' MINUTES)) GROUP BY window_start, window_end, k",
     "SELECT ws, we, k, SUM(n), COUNT(*), MAX(sv) FROM (SELECT *, ts - ts % 900000 AS ws, ts - ts % 900000 + 900000 "
     f"AS we FROM (SELECT wt AS ts, k, COUNT(*) AS n, SUM(v) AS sv FROM {W5} GROUP BY ws, we, k)) GROUP BY ws, we, k",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, c BIGINT, xs INT"),
    ("top3_of_aggregate", "1p",
     "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end "
     "ORDER BY total DESC, n DESC, k) AS rn FROM (SELECT window_start, window_end, k, SUM(v) AS total, "
     f"COUNT(*) AS n FROM {tvf('TUMBLE', '{ev}', iv(10))} GROUP BY window_start, window_end, k)) WHERE rn <= 3",
     "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we ORDER BY total DESC, n DESC, k) AS rn "
     f"FROM (SELECT ws, we, k, SUM(v) AS total, COUNT(*) AS n FROM {tumble_sql('ev', 10 * MIN)} "
     "GROUP BY ws, we, k)) WHERE rn <= 3",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, total INT, n BIGINT, rn BIGINT"),
    ("top3_of_tvf", "1p 3p",
     "SELECT * FROM (SELECT window_start, window_end, id, k, v, ROW_NUMBER() OVER (PARTITION BY window_start, "
     f"window_end ORDER BY v DESC, id) AS rn FROM {tvf('TUMBLE', '{ev}', iv(5))}) WHERE rn <= 3",
     "SELECT * FROM (SELECT ws, we, id, k, v, ROW_NUMBER() OVER (PARTITION BY ws, we ORDER BY v DESC, id) AS rn "
     f"FROM {W5}) WHERE rn <= 3",
     "ws TIMESTAMP(3), we TIMESTAMP(3), id INT, k STRING, v INT, rn BIGINT"),
    ("top2_per_key_of_hop", "1p",
     "SELECT * FROM (SELECT window_start, window_end, k, id, x, ROW_NUMBER() OVER (PARTITION BY window_start, "
     f"window_end, k ORDER BY x, id DESC) AS rn FROM {tvf('HOP', '{ev}', iv(5), iv(10))}) WHERE rn < 3",
     "SELECT * FROM (SELECT ws, we, k, id, x, ROW_NUMBER() OVER (PARTITION BY ws, we, k ORDER BY x, id DESC) "
     f"AS rn FROM {hop_sql('ev', 5 * MIN, 10 * MIN)}) WHERE rn < 3",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, id INT, x DOUBLE, rn BIGINT"),
    ("rank_ties", "1p",
     "SELECT * FROM (SELECT window_start, id, g, RANK() OVER (PARTITION BY window_start, window_end "
     f"ORDER BY g DESC) AS rk FROM {tvf('TUMBLE', '{ev}', iv(5))}) WHERE rk <= 2",
     "SELECT * FROM (SELECT ws, id, g, RANK() OVER (PARTITION BY ws, we ORDER BY g DESC) AS rk "
     f"FROM {W5}) WHERE rk <= 2",
     "ws TIMESTAMP(3), id INT, g INT, rk BIGINT"),
    ("dense_rank_ties", "1p",
     "SELECT * FROM (SELECT window_start, k, id, g, DENSE_RANK() OVER (PARTITION BY window_start, window_end, k "
     f"ORDER BY g) AS rk FROM {tvf('TUMBLE', '{ev}', iv(10))}) WHERE rk <= 2",
     "SELECT * FROM (SELECT ws, k, id, g, DENSE_RANK() OVER (PARTITION BY ws, we, k ORDER BY g) AS rk "
     f"FROM {tumble_sql('ev', 10 * MIN)}) WHERE rk <= 2",
     "ws TIMESTAMP(3), k STRING, id INT, g INT, rk BIGINT"),
    ("dedup_first_row", "1p 3p",
     "SELECT id, k, v, ts, window_start FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k "
     f"ORDER BY ts ASC) AS rn FROM {tvf('TUMBLE', '{ev}', iv(5))}) WHERE rn = 1",
     "SELECT id, k, v, ts, ws FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we, k ORDER BY ts) AS rn "
     f"FROM {W5}) WHERE rn = 1",
     "id INT, k STRING, v INT, ts TIMESTAMP(3), ws TIMESTAMP(3)"),
    ("dedup_last_row", "1p",  # ts cast: a sink takes one rowtime attribute (window_time), as in Flink
     "SELECT id, k, g, v, b, x, d, s, CAST(ts AS TIMESTAMP(3)), window_start, window_end, window_time, rn "
     "FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, g "
     f"ORDER BY ts DESC) AS rn FROM {tvf('TUMBLE', '{ev}', iv(2))}) WHERE rn <= 1",
     "SELECT id, k, g, v, b, x, dc, s, ts, ws, we, wt, rn FROM (SELECT *, ROW_NUMBER() OVER "
     f"(PARTITION BY ws, we, g ORDER BY ts DESC) AS rn FROM {tumble_sql('ev', 2 * MIN)}) WHERE rn <= 1",
     EV_COLS + ", ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP(3), rn BIGINT"),
    ("join_inner", "1p",
     "SELECT L.id, R.id, L.k, L.window_start, R.window_end "
     f"FROM (SELECT * FROM {tvf('TUMBLE', '{lt}', iv(5))}) L JOIN (SELECT * FROM {tvf('TUMBLE', '{rt}', iv(5))}) R "
     "ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k",
     f"SELECT L.id, R.id, L.k, L.ws, R.we FROM {tumble_sql('lt', 5 * MIN)} L JOIN {tumble_sql('rt', 5 * MIN)} R "
     "ON L.ws = R.ws AND L.we = R.we AND L.k = R.k",
     "lid INT, rid INT, k STRING, ws TIMESTAMP(3), we TIMESTAMP(3)"),
    ("join_left_residual", "1p",
     "SELECT L.id, L.k, L.v, R.id, R.v, L.window_start "
     f"FROM (SELECT * FROM {tvf('TUMBLE', '{lt}', iv(5))}) L LEFT JOIN "
     f"(SELECT * FROM {tvf('TUMBLE', '{rt}', iv(5))}) R "
     "ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k AND L.v < R.v",
     f"SELECT L.id, L.k, L.v, R.id, R.v, L.ws FROM {tumble_sql('lt', 5 * MIN)} L LEFT JOIN "
     f"{tumble_sql('rt', 5 * MIN)} R ON L.ws = R.ws AND L.we = R.we AND L.k = R.k AND L.v < R.v",
     "lid INT, lk STRING, lv INT, rid INT, rv INT, ws TIMESTAMP(3)"),
    ("join_full", "1p 3p",
     "SELECT L.id, R.id, COALESCE(L.k, R.k), COALESCE(L.window_start, R.window_start), "
     "COALESCE(L.window_end, R.window_end) "
     f"FROM (SELECT * FROM {tvf('TUMBLE', '{lt}', iv(5))}) L FULL JOIN "
     f"(SELECT * FROM {tvf('TUMBLE', '{rt}', iv(5))}) R "
     "ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k",
     f"SELECT L.id, R.id, COALESCE(L.k, R.k), COALESCE(L.ws, R.ws), COALESCE(L.we, R.we) "
     f"FROM {tumble_sql('lt', 5 * MIN)} L FULL JOIN {tumble_sql('rt', 5 * MIN)} R "
     "ON L.ws = R.ws AND L.we = R.we AND L.k = R.k",
     "lid INT, rid INT, k STRING, ws TIMESTAMP(3), we TIMESTAMP(3)"),
    ("join_hop_inner_two_keys", "1p",
     "SELECT L.id, R.id, L.window_start, L.window_end "
     f"FROM (SELECT * FROM {tvf('HOP', '{lt}', iv(5), iv(10))}) L JOIN "
     f"(SELECT * FROM {tvf('HOP', '{rt}', iv(5), iv(10))}) R "
     "ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k AND L.v = R.v",
     f"SELECT L.id, R.id, L.ws, L.we FROM {hop_sql('lt', 5 * MIN, 10 * MIN)} L "
     f"JOIN {hop_sql('rt', 5 * MIN, 10 * MIN)} R ON L.ws = R.ws AND L.we = R.we AND L.k = R.k AND L.v = R.v",
     "lid INT, rid INT, ws TIMESTAMP(3), we TIMESTAMP(3)"),
]

# The late set over evl: (name, Sluice query, SQLite query, sink columns, SQLite query of the
# late count Sluice must report, or None not to check it). evl has wmp, the watermark when the
# row arrived; a row stays in a window when its window_time is after it.
LATE_QUERIES = [
    ("late_tumble",
     f"SELECT window_start, window_end, k, COUNT(*), SUM(v) FROM {tvf('TUMBLE', 'evl', iv(1))} "
     "GROUP BY window_start, window_end, k",
     f"SELECT ws, we, k, COUNT(*), SUM(v) FROM {tumble_sql('evl', MIN)} WHERE wt > wmp GROUP BY ws, we, k",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, sv INT",
     f"SELECT COUNT(*) FROM {tumble_sql('evl', MIN)} WHERE wt <= wmp"),
    ("late_hop",
     f"SELECT window_start, window_end, COUNT(*), SUM(v), MAX(id) FROM {tvf('HOP', 'evl', iv(1), iv(3))} "
     "GROUP BY window_start, window_end",
     f"SELECT ws, we, COUNT(*), SUM(v), MAX(id) FROM {hop_sql('evl', MIN, 3 * MIN)} WHERE we - 1 > wmp "
     "GROUP BY ws, we",
     "ws TIMESTAMP(3), we TIMESTAMP(3), n BIGINT, sv INT, xi INT",
     None),
    ("late_cumulate",
     f"SELECT window_start, window_end, g, COUNT(*), SUM(v) FROM {tvf('CUMULATE', 'evl', iv(1), iv(4))} "
     "GROUP BY window_start, window_end, g",
     f"SELECT ws, we, g, COUNT(*), SUM(v) FROM {cumulate_sql('evl', MIN, 4 * MIN)} WHERE we - 1 > wmp "
     "GROUP BY ws, we, g",
     "ws TIMESTAMP(3), we TIMESTAMP(3), g INT, n BIGINT, sv INT",
     None),
    ("late_session",
     "SELECT window_start, window_end, k, COUNT(*), SUM(v), MIN(id) "
     "FROM TABLE(SESSION(TABLE evl PARTITION BY k, DESCRIPTOR(ts), INTERVAL '30' SECONDS)) "
     "GROUP BY window_start, window_end, k",
     f"SELECT ws, we, k, COUNT(*), SUM(v), MIN(id) FROM {session_sql('evl', 'late_sess_k')} GROUP BY ws, we, k",
     "ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, n BIGINT, sv INT, mi INT",
     "SELECT COUNT(*) FROM evl WHERE id NOT IN (SELECT id FROM late_sess_k)"),
    ("late_top2_of_tvf",
     "SELECT * FROM (SELECT window_start, id, v, ROW_NUMBER() OVER (PARTITION BY window_start, window_end "
     f"ORDER BY v DESC, id) AS rn FROM {tvf('TUMBLE', 'evl', iv(2))}) WHERE rn <= 2",
     "SELECT * FROM (SELECT ws, id, v, ROW_NUMBER() OVER (PARTITION BY ws, we ORDER BY v DESC, id) AS rn "
     f"FROM {tumble_sql('evl', 2 * MIN)} WHERE wt > wmp) WHERE rn <= 2",
     "ws TIMESTAMP(3), id INT, v INT, rn BIGINT",
     f"SELECT COUNT(*) FROM {tumble_sql('evl', 2 * MIN)} WHERE wt <= wmp"),
    ("late_dedup_last",
     "SELECT id, k, ts, window_start FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k "
     f"ORDER BY ts DESC) AS rn FROM {tvf('TUMBLE', 'evl', iv(1))}) WHERE rn = 1",
     "SELECT id, k, ts, ws FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we, k ORDER BY ts DESC) AS rn "
     f"FROM {tumble_sql('evl', MIN)} WHERE wt > wmp) WHERE rn = 1",
     "id INT, k STRING, ts TIMESTAMP(3), ws TIMESTAMP(3)",
     f"SELECT COUNT(*) FROM {tumble_sql('evl', MIN)} WHERE wt <= wmp"),
]


# ---------------------------------------------------------------- SQLite aggregates (Flink's semantics)

class AvgInt:
    """AVG of INT/BIGINT: the exact sum divided by the count, truncated toward zero (Java)."""
    def __init__(self):
        self.s, self.n = 0, 0

    def step(self, v):
        if v is not None:
            self.s, self.n = self.s + v, self.n + 1

    def finalize(self):
        if not self.n:
            return None
        q = abs(self.s) // self.n
        return q if self.s >= 0 else -q


class AvgDec:
    """AVG of DECIMAL(10, 2) given in cents: DECIMAL(18, 6) rounded half up, in 10^-6 units."""
    def __init__(self):
        self.s, self.n = 0, 0

    def step(self, v):
        if v is not None:
            self.s, self.n = self.s + v, self.n + 1

    def finalize(self):
        if not self.n:
            return None
        return int((Decimal(self.s) * 10000 / self.n).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Ordered:
    """The non-NULL values in arrival order (the row id); a subclass picks the result."""
    def __init__(self):
        self.v = []

    def step(self, rid, v):
        if v is not None:
            self.v.append((rid, v))

    def values(self):
        return [v for _, v in sorted(self.v)]


class FirstV(Ordered):
    """FIRST_VALUE: the first non-NULL value."""
    def finalize(self):
        return (self.values() or [None])[0]


class LastV(Ordered):
    """LAST_VALUE: the last non-NULL value."""
    def finalize(self):
        return (self.values() or [None])[-1]


class ListAgg(Ordered):
    """LISTAGG(x): the non-NULL values joined with ','."""
    def finalize(self):
        return ",".join(self.values()) if self.v else None


def sqlite_db():
    """An in-memory SQLite with Flink's LIKE (case-sensitive) and AVG."""
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA case_sensitive_like = ON")
    db.create_aggregate("avg_int", 1, AvgInt)
    db.create_aggregate("avg_dec", 1, AvgDec)
    db.create_aggregate("first_v", 2, FirstV)
    db.create_aggregate("last_v", 2, LastV)
    db.create_aggregate("listagg", 2, ListAgg)
    db.execute("CREATE TABLE nums (j INTEGER)")
    db.executemany("INSERT INTO nums VALUES (?)", [(j,) for j in range(32)])
    return db


# ---------------------------------------------------------------- data

Row = collections.namedtuple("Row", "id k g v b x dc s ts")
JRow = collections.namedtuple("JRow", "id k v ts")
LRow = collections.namedtuple("LRow", "id k g v ts")


def event_times(rnd, n, disorder, step=2400, pauses=True):
    """n unique event times (ms) in arrival order: a clock advancing `step` ms a row on average
    (with pauses of 5-9 minutes now and then), each time up to `disorder` behind it, often
    snapped to a minute boundary or 1 ms before one."""
    clock, out, seen = BASE_MS, [], set()
    for _ in range(n):
        clock += int(rnd.expovariate(1 / step))
        if pauses and rnd.random() < 0.006:
            clock += rnd.randint(5 * MIN, 9 * MIN)
        t = clock - (rnd.randint(0, disorder) if rnd.random() < 0.6 else rnd.randint(0, 3000))
        r = rnd.random()
        if r < 0.1:
            t -= t % MIN
        elif r < 0.15:
            t -= t % MIN + 1
        while t in seen:
            t -= 1
        seen.add(t)
        out.append(t)
    return out


def maybe(rnd, p, f):
    """None with probability p, else f()."""
    return None if rnd.random() < p else f()


def key(rnd):
    """A STRING key, skewed (a is common, f rare), NULL in 5% of rows."""
    return maybe(rnd, 0.05, lambda: rnd.choices("abcdef", weights=[8, 5, 4, 3, 2, 1])[0])


def make_events(rnd, n):
    """The rows of ev/ev3, in arrival order; now and then a row has the key of the row before
    and a time exactly SESSION_GAP before it (a session's windows that just touch)."""
    rows, times = [], event_times(rnd, n, MAIN_DISORDER)
    taken = set(times)
    for rid, ts in enumerate(times):
        k = key(rnd)
        if rows and rnd.random() < 0.03 and rows[-1].ts - SESSION_GAP not in taken:
            taken.discard(ts)
            k, ts = rows[-1].k, rows[-1].ts - SESSION_GAP
            taken.add(ts)
        rows.append(Row(rid, k, maybe(rnd, 0.08, lambda: rnd.randint(0, 3)),
                        maybe(rnd, 0.1, lambda: rnd.randint(-50, 100)),
                        maybe(rnd, 0.1, lambda: rnd.randint(-10 ** 12, 10 ** 12)),
                        maybe(rnd, 0.1, lambda: rnd.randint(-400, 400) / 4),
                        maybe(rnd, 0.1, lambda: rnd.randint(-99999, 99999)),
                        maybe(rnd, 0.1, lambda: "".join(rnd.choice("abAB") for _ in range(rnd.randint(0, 3)))),
                        ts))
    return rows


def make_join_side(rnd, n, first_id):
    """The rows of a window join input, in arrival order (ids from first_id)."""
    return [JRow(first_id + i, key(rnd), maybe(rnd, 0.1, lambda: rnd.randint(0, 12)), ts)
            for i, ts in enumerate(event_times(rnd, n, MAIN_DISORDER, step=12000, pauses=False))]


def make_late(rnd, n):
    """The rows of evl, in arrival order: disorder up to LATE_DISORDER."""
    return [LRow(i, key(rnd), maybe(rnd, 0.08, lambda: rnd.randint(0, 3)),
                 maybe(rnd, 0.1, lambda: rnd.randint(-50, 100)), ts)
            for i, ts in enumerate(event_times(rnd, n, LATE_DISORDER, pauses=False))]


def spread(rnd, rows, parts):
    """rows over `parts` partitions at random, each partition in arrival order."""
    out = [[] for _ in range(parts)]
    for r in rows:
        out[rnd.randrange(parts)].append(r)
    return out


def ts_text(ms):
    """TIMESTAMP(3) text of epoch milliseconds."""
    sec, frac = divmod(ms, 1000)
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(sec)) + f".{frac:03d}"


def record(row):
    """The JSON value of a row (DECIMAL dc as a number of cents / 100, ts as text)."""
    parts = []
    for name, v in row._asdict().items():
        if name == "dc":
            parts.append('"d": ' + ("null" if v is None else str(Decimal(v).scaleb(-2))))
        else:
            parts.append(f'"{name}": ' + json.dumps(ts_text(v) if name == "ts" else v))
    return "{" + ", ".join(parts) + "}"


def max_disorder(rows):
    """The largest amount a row's time is behind an earlier row's time."""
    top, worst = None, 0
    for r in rows:
        top = r.ts if top is None else max(top, r.ts)
        worst = max(worst, top - r.ts)
    return worst


# ---------------------------------------------------------------- windows computed here

def session_map(rows, keyfn, gap):
    """{id: (window_start, window_end)} of batch SESSION windows per keyfn(row): rows in time
    order; a row more than `gap` after the previous one of its key starts a new session."""
    by_key = collections.defaultdict(list)
    for r in rows:
        by_key[keyfn(r)].append(r)
    out = {}
    for rs in by_key.values():
        rs.sort(key=lambda r: r.ts)
        group = [rs[0]]
        for r in rs[1:] + [None]:
            if r is not None and r.ts <= group[-1].ts + gap:
                group.append(r)
                continue
            for m in group:
                out[m.id] = (group[0].ts, group[-1].ts + gap)
            group = [r]
    return out


def arrival_watermarks(rows, delay):
    """The watermark current when each row arrives (NO_WM before the first): a per-row
    watermark of max(ts) - delay, emitted after each row."""
    wm, out = NO_WM, []
    for r in rows:
        out.append(wm)
        wm = max(wm, r.ts - delay)
    return out


def streamed_session_map(rows, wms, gap):
    """{id: (window_start, window_end)} of the SESSION windows per key that a streaming run with
    per-row watermarks `wms` produces: before each row, sessions whose window_time the watermark
    passed have fired; the row's [ts, ts + gap) merged with the open sessions it touches is
    dropped if that window has fired, else it becomes one open session."""
    open_, out = collections.defaultdict(list), {}   # key -> [[start, end, ids]]
    for r, wm in zip(rows, wms):
        sess = open_[r.k]
        for x in [x for x in sess if x[1] - 1 <= wm]:
            sess.remove(x)
            out.update({i: (x[0], x[1]) for i in x[2]})
        lo, hi, merged = r.ts, r.ts + gap, []
        while True:                  # merge until nothing else touches
            more = [x for x in sess if x not in merged and x[0] <= hi and x[1] >= lo]
            if not more:
                break
            merged += more
            lo, hi = min([lo] + [x[0] for x in more]), max([hi] + [x[1] for x in more])
        if hi - 1 <= wm:             # late (an open session never makes a fired window)
            assert not merged, f"row {r.id} merged open sessions into a fired window"
            continue
        for x in merged:
            sess.remove(x)
        ids = [r.id] + [i for x in merged for i in x[2]]
        sess.append([lo, hi, ids])
    for sess in open_.values():
        for x in sess:
            out.update({i: (x[0], x[1]) for i in x[2]})
    return out


def load_sqlite(db, ev, lt, rt, evl):
    """The inputs and the session assignments into SQLite (ts in epoch ms, d as cents dc)."""
    db.execute("CREATE TABLE ev (id INTEGER, k TEXT, g INTEGER, v INTEGER, b INTEGER, x REAL, dc INTEGER, "
               "s TEXT, ts INTEGER)")
    db.executemany("INSERT INTO ev VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ev)
    for name, rows in (("lt", lt), ("rt", rt)):
        db.execute(f"CREATE TABLE {name} (id INTEGER, k TEXT, v INTEGER, ts INTEGER)")
        db.executemany(f"INSERT INTO {name} VALUES (?, ?, ?, ?)", rows)
    wms = arrival_watermarks(evl, LATE_DELAY)
    db.execute("CREATE TABLE evl (id INTEGER, k TEXT, g INTEGER, v INTEGER, ts INTEGER, wmp INTEGER)")
    db.executemany("INSERT INTO evl VALUES (?, ?, ?, ?, ?, ?)", [tuple(r) + (w,) for r, w in zip(evl, wms)])
    for name, m in (("sess_k", session_map(ev, lambda r: r.k, SESSION_GAP)),
                    ("sess_all", session_map(ev, lambda r: 0, MIN)),
                    ("late_sess_k", streamed_session_map(evl, wms, 30000))):
        db.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, ws INTEGER, we INTEGER)")
        db.executemany(f"INSERT INTO {name} VALUES (?, ?, ?)", [(i, a, b) for i, (a, b) in m.items()])


# ---------------------------------------------------------------- comparing

TS_RE = re.compile(r"^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?$")


def col_types(cols):
    """[(name, TYPE)] of a column list "a INT, d DECIMAL(10, 2), ..."."""
    return [(c.split()[0], " ".join(c.split()[1:])) for c in re.split(r",\s*(?![^()]*\))", cols)]


def ts_ms(text):
    """Epoch milliseconds of Sluice's TIMESTAMP(3) text, or None if it is not one."""
    m = TS_RE.match(text) if isinstance(text, str) else None
    if not m:
        return None
    sec = calendar.timegm(tuple(int(g) for g in m.groups()[:6]))
    frac = (m.group(7) or "").ljust(3, "0")
    return sec * 1000 + int(frac[:3]) if frac[3:].strip("0") == "" else None


def scale_of(typ):
    """The scale of a DECIMAL(p, s) type."""
    return int(typ.split(",")[1].strip(" )"))


def norm_sluice(v, typ):
    """A value of Sluice's JSON (floats parsed as Decimal) in the comparable form of its type;
    a value of the wrong JSON type is marked, so that it differs."""
    if v is None:
        return None
    isnum = isinstance(v, (int, Decimal)) and not isinstance(v, bool)
    if typ in ("INT", "BIGINT"):
        return v if isinstance(v, int) and not isinstance(v, bool) else ("bad " + typ, v)
    if typ == "DOUBLE":
        return float(v) if isnum else ("bad DOUBLE", v)
    if typ.startswith("DECIMAL"):
        units = Decimal(v).scaleb(scale_of(typ)) if isnum else None
        return int(units) if units is not None and units == units.to_integral_value() else ("bad DECIMAL", v)
    if typ == "STRING":
        return v if isinstance(v, str) else ("bad STRING", v)
    if typ == "TIMESTAMP(3)":
        ms = ts_ms(v)
        return ms if ms is not None else ("bad TIMESTAMP", v)
    raise ValueError(typ)


def norm_sqlite(v, typ):
    """A value of SQLite's result in the same form (DECIMAL: already units of its scale)."""
    if v is None:
        return None
    return float(v) if typ == "DOUBLE" else v


def shown(row, types):
    """A row for a failure message: timestamps as text."""
    return tuple(ts_text(v) if t == "TIMESTAMP(3)" and isinstance(v, int) else v for v, (_, t) in zip(row, types))


def compare(label, sql, records, lite_rows, cols):
    """PASS/FAIL of one query: Sluice's records against SQLite's rows, as multisets."""
    types = col_types(cols)
    got, problems = collections.Counter(), []
    for _, v in records:
        try:
            row = json.loads(v, parse_float=Decimal)
        except (TypeError, ValueError):
            problems.append(f"not JSON: {v!r}")
            continue
        if set(row) != {c for c, _ in types}:
            problems.append(f"not the sink's columns: {v.decode()}")
        got[tuple(norm_sluice(row.get(c), t) for c, t in types)] += 1
    want = collections.Counter(tuple(norm_sqlite(v, t) for v, (_, t) in zip(r, types)) for r in lite_rows)
    if got == want and not problems:
        print(f"PASS {label}  ({sum(want.values())} rows)")
        return True
    missing, extra = list((want - got).elements()), list((got - want).elements())
    print(f"FAIL {label}: {sql}\n  sluice {sum(got.values())} rows, sqlite {sum(want.values())} rows, "
          f"{len(missing)} only in sqlite, {len(extra)} only in sluice"
          + "".join(f"\n  {m}" for m in problems[:5])
          + f"\n  columns: {[c for c, _ in types]}"
          + "".join(f"\n  sqlite only: {shown(r, types)}" for r in sorted(missing, key=repr)[:6])
          + "".join(f"\n  sluice only: {shown(r, types)}" for r in sorted(extra, key=repr)[:6]))
    return False


# ---------------------------------------------------------------- running

def produce(addr, inputs):
    """inputs {topic: [[records of partition 0], [of partition 1], ...]} onto the broker."""
    p = Producer({"bootstrap.servers": addr, "log_level": 3, "linger.ms": 5})
    for topic, parts in inputs.items():
        for part, recs in enumerate(parts):
            for rec in recs:
                p.produce(topic, rec.encode(), partition=part)
    left = p.flush(30)
    if left:
        raise RuntimeError(f"{left} input records not delivered within 30 s")


def jobs():
    """Every job to run, in order: (label, output topic, Sluice query, SQLite query, columns,
    late), where late is None when no row may be late, "skip" when the late count is not
    checked, else the SQLite query of the count. The 3p set runs first (see sql_text)."""
    out = []
    for name, sets, q, lite, cols in QUERIES:
        if "3p" in sets.split():
            out.append((f"3p {name}", q.format(ev="ev3", lt="lt3", rt="rt3"), lite, cols, None))
    for name, sets, q, lite, cols in QUERIES:
        if "1p" in sets.split():
            out.append((f"1p {name}", q.format(ev="ev", lt="lt", rt="rt"), lite, cols, None))
    for name, q, lite, cols, late in LATE_QUERIES:
        out.append((name, q, lite, cols, late or "skip"))
    return [(label, f"out{n}", q, lite, cols, late) for n, (label, q, lite, cols, late) in enumerate(out)]


def sql_text(job_list):
    """The `sluice -f` file: the source tables, then one sink table and INSERT per job."""
    sql = []
    for name, cols, delay, _, extra in TABLES:
        sql.append(f"CREATE TABLE {name} ({cols}, WATERMARK FOR ts AS ts - INTERVAL '{delay // 1000}' SECOND) "
                   f"WITH ('connector' = 'kafka', 'topic' = '{name}', 'format' = 'json'{extra});")
    # the 3p set in small batches: a firing's rows span many output batches
    sql.append("SET 'sluice.batch-size' = '64';")
    small = True
    for label, topic, q, _, cols, _ in job_list:
        if small and not label.startswith("3p"):
            sql.append("SET 'sluice.batch-size' = '4096';")
            small = False
        sql.append(f"CREATE TABLE {topic} ({cols}) WITH ('connector' = 'kafka', 'topic' = '{topic}', "
                   "'format' = 'json');")
        sql.append(f"INSERT INTO {topic} {q};")
    return "\n".join(sql) + "\n"


JOB_LINE = re.compile(r"Job (finished|stopped): (\d+) rows read, (\d+) rows written"
                      r"(?:.*?, (\d+) late rows dropped)?|Job failed: .*")


def job_reports(stderr):
    """Per job that ended, in order: (status, rows written, late rows, message) from sluice's
    stderr."""
    out = []
    for m in JOB_LINE.finditer(stderr):
        if m.group(1):
            out.append((m.group(1), int(m.group(3)), int(m.group(4) or 0), ""))
        else:
            out.append(("failed", 0, 0, m.group(0)))
    return out


def run_sluice(opts, addr, sql, state):
    """Runs one `sluice -f` of the given text; returns (exit status or None on a timeout, stderr)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix="window-diff-", delete=False) as f:
        f.write(sql)
    try:
        job = subprocess.Popen([opts.sluice, "-f", f.name, "--set", "sluice.bootstrap.servers=" + addr,
                                "--set", "scan.bounded.mode=latest-offset", "--state-dir", state],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               start_new_session=True)
        try:
            _, err = job.communicate(timeout=opts.timeout)
            return job.returncode, err.decode(errors="replace")
        except subprocess.TimeoutExpired:
            stop_group(job, grace=3)
            return None, ""
    finally:
        os.unlink(f.name)


def error_text(stderr):
    """What explains a failed statement: a sanitizer's report from its first line, else the
    last lines that are not [INFO]."""
    lines = [ln for ln in stderr.splitlines() if not ln.startswith("[INFO]")]
    first = next((i for i, ln in enumerate(lines) if "Sanitizer" in ln or "runtime error" in ln), None)
    return "\n  ".join(lines[first:first + 30] if first is not None else lines[-6:])


def run_jobs(opts, addr, job_list, state):
    """Runs every job (a file stops at a failing statement: the jobs after it run again in a
    new file); returns one report per job, as job_reports gives them, and the text of a
    failure after the last job (e.g. a leak found at exit) or None."""
    reports = []
    deadline = time.monotonic() + opts.timeout
    while len(reports) < len(job_list):
        rest = job_list[len(reports):]
        rc, err = run_sluice(opts, addr, sql_text(rest), state)
        got = job_reports(err)[:len(rest)]
        reports += got
        if len(got) == len(rest):
            return reports, None if rc == 0 else f"sluice exited {rc}: {error_text(err)}"
        if rc is None or time.monotonic() > deadline:
            reports += [("timed out", 0, 0, "sluice timed out")] * (len(job_list) - len(reports))
            break
        if not got or got[-1][0] != "failed":  # a statement that did not plan, or a crash
            reports.append(("failed", 0, 0, error_text(err) or f"sluice exited {rc}"))
    return reports, None


def check_job(label, addr, topic, q, lite, cols, late, report, db):
    """PASS/FAIL of one job: its output, and its late count as reported on stderr."""
    status, written, dropped, msg = report
    if status != "finished":
        print(f"FAIL {label}: job {status}: {msg}\n  {q}")
        return False
    try:
        records = read_partition(addr, topic, group="window-diff")
    except Exception as e:  # noqa: BLE001 - reported as this query's failure
        print(f"FAIL {label}: cannot read the output: {e!r}")
        return False
    ok = compare(label, q, records, list(db.execute(lite)), cols)
    want_late = 0 if late is None else (None if late == "skip" else db.execute(late).fetchone()[0])
    if written != len(records):
        print(f"FAIL {label}: {written} rows written but {len(records)} records in the topic")
        ok = False
    elif want_late is not None and dropped != want_late:
        print(f"FAIL {label}: sluice dropped {dropped} late rows, expected {want_late}")
        ok = False
    return ok


def input_facts(db):
    """A line about the inputs, for --verbose."""
    one = lambda q: db.execute(q).fetchone()[0]  # noqa: E731
    late = one("SELECT COUNT(*) FROM evl WHERE ts - ts % 60000 + 59999 <= wmp")
    touch = one(f"SELECT COUNT(*) FROM ev a JOIN ev b ON a.k = b.k AND b.ts = a.ts + {SESSION_GAP}")
    return (f"late rows in evl: {late} of {one('SELECT COUNT(*) FROM evl')} (1-minute windows); "
            f"rows of ev a session gap after one of their key: {touch}")


def run(opts):
    """Generates the inputs, runs every job and checks each; returns (passed, failed)."""
    rnd = random.Random(opts.seed)
    ev, lt, rt = make_events(rnd, opts.rows), make_join_side(rnd, opts.rows // 5, 0), \
        make_join_side(rnd, opts.rows // 5, 100000)
    evl = make_late(rnd, opts.rows // 2)
    for name, rows in (("ev", ev), ("lt", lt), ("rt", rt)):
        if max_disorder(rows) >= MAIN_DELAY:
            raise RuntimeError(f"input {name} is out of order by more than its watermark delay")
    db = sqlite_db()
    load_sqlite(db, ev, lt, rt, evl)
    job_list = jobs()
    topics = {name: parts for name, _, _, parts, _ in TABLES}
    topics.update({topic: 1 for _, topic, *_ in job_list})
    recs = lambda rows: [record(r) for r in rows]  # noqa: E731
    inputs = {"ev": [recs(ev)], "ev3": [recs(p) for p in spread(rnd, ev, 3)], "lt": [recs(lt)], "rt": [recs(rt)],
              "lt3": [recs(lt)], "rt3": [recs(p) for p in spread(rnd, rt, 3)], "evl": [recs(evl)]}
    broker = start_broker(opts.sluice, topics.items())
    state = tempfile.mkdtemp(prefix="window-diff-state-")
    try:
        addr = broker_address(broker)
        produce(addr, inputs)
        t0 = time.monotonic()
        reports, trailing = run_jobs(opts, addr, job_list, state)
        if opts.verbose:
            print(f"  sluice ran {time.monotonic() - t0:.1f} s; {input_facts(db)}")
        passed, failed = 0, 0
        if trailing:
            print(f"FAIL after the last job: {trailing}")
            failed += 1
        for n, (label, topic, q, lite, cols, late) in enumerate(job_list):
            if opts.verbose:
                print(f"  {label}: job {reports[n][0]}, {reports[n][1]} rows written, {reports[n][2]} late rows")
            if check_job(label, addr, topic, q, lite, cols, late, reports[n], db):
                passed += 1
            else:
                failed += 1
        return passed, failed
    finally:
        stop_group(broker)
        shutil.rmtree(state, ignore_errors=True)


def main():
    """Parses the options, runs the check, prints the closing line; exits 1 on any failure."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sluice", default=os.path.join(ROOT, "build", "shell", "sluice"))
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--timeout", type=int, default=240, help="seconds for the sluice run")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so the processes started here are stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        passed, failed = run(opts)
    except Exception as e:  # noqa: BLE001 - a broken rig is a failure, not a crash
        print(f"FAIL rig error: {e!r}")
        passed, failed = 0, 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
