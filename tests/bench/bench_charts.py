#!/usr/bin/python3
"""Benchmark: a 1,000,000-point chart_line rendered to PNG.

usage: /usr/bin/python3 tests/bench/bench_charts.py [PATH/TO/perfsql.so] [--points N]

Prints, for N points (default 1,000,000) in one in-memory table:
  - anchor: the time SQLite takes to merely scan the same rows (SELECT sum(y)),
  - chart_line time (1 series, and 4 interleaved series), the ratio to the anchor,
  - chart_scatter time,
  - the extra peak memory (max RSS growth) while rendering.
Target: chart_line of 1M points <= 0.5 s; memory bounded by the 24-byte point
buffer (24 MB for 1M points) plus the image. Use a Release build without
sanitizers (see README "Benchmarks"). Never run by ctest with assertions.
"""
import os
import resource
import sqlite3
import sys
import time


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def best_of(con, sql, runs=3):
    best = None
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        out = con.execute(sql).fetchone()[0]
        d = time.perf_counter() - t
        best = d if best is None or d < best else best
    return best, out


def main():
    args = sys.argv[1:]
    n = 1_000_000
    if "--points" in args:
        i = args.index("--points")
        n = int(args[i + 1])
        del args[i:i + 2]
    ext = args[0] if args else os.path.join("build", "perfsql.so")
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(ext)
    con.execute("CREATE TABLE t(x INTEGER, y REAL, s TEXT)")
    con.execute(f"""WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < {n - 1})
                    INSERT INTO t SELECT i, 50 + 20 * sin(i / 5000.0) + (i * 7919 % 1000) / 100.0
                                         + CASE WHEN i % 99991 = 0 THEN 400 ELSE 0 END,
                                     'k' || (i % 4) FROM r""")
    scan, _ = best_of(con, "SELECT sum(y) FROM t")
    rss0 = maxrss_mb()
    line, png = best_of(con, "SELECT chart_line(x, y, 'latency', '{\"title\":\"1M points\"}') FROM t")
    rss1 = maxrss_mb()
    line4, _ = best_of(con, "SELECT chart_line(x, y, s) FROM t")
    scat, _ = best_of(con, "SELECT chart_scatter(x, y, 'p') FROM t")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"points: {n:,}")
    print(f"anchor  SELECT sum(y) over the same rows: {scan * 1000:8.1f} ms")
    print(f"chart_line, 1 series:                  {line * 1000:8.1f} ms  ratio {line / scan:5.2f}x anchor"
          f"  (target <= 500 ms: {'met' if line <= 0.5 else 'MISSED'})")
    print(f"chart_line, 4 interleaved series:      {line4 * 1000:8.1f} ms  ratio {line4 / scan:5.2f}x anchor")
    print(f"chart_scatter, 1 series:               {scat * 1000:8.1f} ms  ratio {scat / scan:5.2f}x anchor")
    print(f"peak memory growth while rendering:    {rss1 - rss0:8.1f} MB  (point buffer {n * 24 / 1e6:.1f} MB)")
    print(f"PNG size: {len(png):,} bytes")


if __name__ == "__main__":
    main()
