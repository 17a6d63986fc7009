#!/usr/bin/env python3
"""Benchmarks of the bench domain (not run by ctest; timing is never asserted in tests).

  /usr/bin/python3 tests/bench/bench_bench.py [path/to/perfsql.so]   (default build/perfsql.so)

1. compare: bench_compare() of two runs of 10,000 metrics, one value each (the target
   case) and 5 repetitions each (U test on every metric); every row's verdict, p-value
   and change computed. Target <= 0.2 s. Anchor: a GROUP BY over the same rows
   (SELECT run_id, metric, avg(value) FROM bench_value GROUP BY 1, 2), same run.
2. changepoints: changepoints() over a 10,000-run history (JSON array, steps + noise).
   Target <= 1 s. Anchor: json_each over the same array (SELECT sum(value) ...).
Each prints seconds (best of 3), the anchor and the ratio.
"""
import json
import os
import random
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build", "perfsql.so")


def best(con, sql, params=(), n=3):
    t = []
    for _ in range(n):
        t0 = time.perf_counter()
        con.execute(sql, params).fetchall()
        t.append(time.perf_counter() - t0)
    return min(t)


def compare_case(reps):
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(EXT)
    con.execute("SELECT perfsql_init()")
    rng = random.Random(1)
    con.execute("INSERT INTO source(id, kind, uri, content_hash) VALUES (1, 'bench', 'synthetic', 'x')")
    for run in (1, 2):
        con.execute("INSERT INTO bench_run(id, source_id, label, run_at, run_unix, format)"
                    " VALUES (?, 1, ?, '2026-01-01T00:00:00Z', ?, 'csv')", (run, f"r{run}", run))
    rows = []
    for m in range(10000):
        base = rng.uniform(10, 1000)
        shift = 1.25 if m % 50 == 0 else 1.0
        for rep in range(reps):
            rows.append((1, 1, f"metric_{m:05d}", rep, base * (1 + rng.gauss(0, 0.02)), "ns"))
            rows.append((1, 2, f"metric_{m:05d}", rep, base * shift * (1 + rng.gauss(0, 0.02)), "ns"))
    con.executemany("INSERT INTO bench_value(source_id, run_id, metric, repetition, value, unit)"
                    " VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    n = con.execute("SELECT count(*), sum(verdict = 'regression') FROM bench_compare(1, 2)").fetchone()
    # what `perfsql bench compare` does: every row's verdict, p-value and change computed in SQLite
    t = best(con, "SELECT count(*), sum(length(verdict)), sum(p_value), sum(change_pct) FROM bench_compare(1, 2)")
    a = best(con, "SELECT run_id, metric, avg(value) FROM bench_value GROUP BY 1, 2")
    print(f"compare 10,000 metrics x 2 runs x {reps} rep{'s' if reps > 1 else ''}: {t:.3f} s (target <= 0.2 s; "
          f"{n[0]} rows, {n[1]} regressions); anchor GROUP BY same {len(rows):,} rows {a:.3f} s; ratio {t / a:.2f}")
    return con, rng


def main():
    compare_case(1)
    con, rng = compare_case(5)

    series = []
    level = 100.0
    for i in range(10000):
        if i % 1000 == 500:
            level *= rng.choice([0.85, 1.15])
        series.append(level * (1 + rng.gauss(0, 0.01)))
    js = json.dumps(series)
    k = con.execute("SELECT count(*) FROM changepoints(?)", (js,)).fetchone()[0]
    t = best(con, "SELECT * FROM changepoints(?)", (js,))
    a = best(con, "SELECT sum(value) FROM json_each(?)", (js,))
    print(f"changepoints over 10,000 runs: {t:.3f} s (target <= 1 s; {k} change points, 10 steps planted); "
          f"anchor json_each same array {a:.4f} s; ratio {t / a:.1f}")


if __name__ == "__main__":
    main()
