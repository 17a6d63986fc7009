"""heatmap_bin() and regress_severity() against Python oracles.

heatmap_bin: Python's exact integer floor division on nanosecond timestamps
around 1.7e18 at every bin edge (edge-1, edge, edge+1) for many widths and
origins, negative differences, the int64 extremes; REAL arguments against
math.floor on doubles. regress_severity: PerfTracker's inclusive (>=)
boundaries, defaults 15/50/100, random custom thresholds.
"""
import math
import random
import sqlite3
import unittest

import statsdb

statsdb.reexec_with_preload()

INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1


def severity_oracle(pct, moderate=15, severe=50, critical=100):
    if pct is None:
        return None
    if pct >= critical:
        return "critical"
    if pct >= severe:
        return "severe"
    if pct >= moderate:
        return "moderate"
    return "none"


class HeatmapBin(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.con = statsdb.connect()

    def error(self, sql, params=()):
        with self.assertRaises(sqlite3.OperationalError) as cm:
            self.con.execute(sql, params).fetchall()
        return str(cm.exception)

    def test_integer_edges_are_exact(self):
        rng = random.Random(11)
        cases = []
        for width in (1, 2, 3, 7, 1000, 999_983, 1_000_000, 1_000_000_000, 60_000_000_000,
                      123_456_789_013, 2 ** 53 + 1):
            for origin in (0, 1_700_000_000_000_000_000, 1_699_999_999_999_999_999, -5,
                           rng.randrange(-2 ** 62, 2 ** 62)):
                for k in (-3, -1, 0, 1, 2, 1000, rng.randrange(1, 10 ** 6)):
                    edge = origin + k * width
                    for delta in (-1, 0, 1, width - 1):
                        t = edge + delta
                        if INT64_MIN <= t <= INT64_MAX:
                            cases.append((t, width, origin))
        for _ in range(3000):
            t = 1_700_000_000_000_000_000 + rng.randrange(-10 ** 15, 10 ** 15)
            cases.append((t, rng.choice([1_000_000, 1_000_000_000, 7, 333_333_333]),
                          1_700_000_000_123_456_789))
        self.con.execute("CREATE TABLE h(t INTEGER, w INTEGER, o INTEGER)")
        self.con.executemany("INSERT INTO h VALUES (?,?,?)", cases)
        got = self.con.execute("SELECT t, w, o, heatmap_bin(t, w, o), heatmap_bin(t - o, w) FROM h").fetchall()
        self.assertEqual(len(got), len(cases))
        for t, w, o, b3, b2 in got:
            self.assertEqual(b3, (t - o) // w, f"heatmap_bin({t}, {w}, {o})")
            if INT64_MIN <= t - o <= INT64_MAX:
                self.assertEqual(b2, (t - o) // w)
        # the example from the issue: a nanosecond timestamp one below, at, above a second edge
        q = lambda sql: self.con.execute(sql).fetchone()
        self.assertEqual(q("SELECT heatmap_bin(1700000000999999999, 1000000000), "
                           "heatmap_bin(1700000001000000000, 1000000000), "
                           "heatmap_bin(1700000000123456789, 1000000, 1700000000000000000)"),
                         (1700000000, 1700000001, 123))
        # a double would put these two 1 ns apart in the same bin
        self.assertEqual(q("SELECT heatmap_bin(1700000000123456789, 10, 1700000000123456780), "
                           "heatmap_bin(1700000000123456788, 10, 1700000000123456779)"), (0, 0))
        self.assertEqual(q("SELECT heatmap_bin(1700000000123456789, 10, 1700000000123456790)"), (-1,))
        # integral REAL width/origin still use the exact path
        self.assertEqual(q("SELECT heatmap_bin(1700000000999999999, 1e9), heatmap_bin(1700000000999999999, 1e9, 0.0)"),
                         (1700000000, 1700000000))
        # extremes of int64
        self.assertEqual(q(f"SELECT heatmap_bin({INT64_MAX}, 2, {INT64_MIN}), heatmap_bin({INT64_MIN}, 1), "
                           f"heatmap_bin({INT64_MIN}, 3, {INT64_MAX})"),
                         ((INT64_MAX - INT64_MIN) // 2, INT64_MIN, (INT64_MIN - INT64_MAX) // 3))
        self.assertEqual(self.error(f"SELECT heatmap_bin({INT64_MAX}, 1, -1)"),
                         "heatmap_bin: bin index out of 64-bit range")

    def test_real_arguments(self):
        rng = random.Random(5)
        rows = [(rng.uniform(-1e6, 1e6), rng.choice([0.1, 0.25, 3.5, 1e-3, 17.0]), rng.uniform(-10, 10))
                for _ in range(2000)]
        self.con.execute("CREATE TEMP TABLE r(t REAL, w REAL, o REAL)")
        self.con.executemany("INSERT INTO r VALUES (?,?,?)", rows)
        for t, w, o, b in self.con.execute("SELECT t, w, o, heatmap_bin(t, w, o) FROM r"):
            if w == int(w) and t == int(t) and o == int(o):
                continue
            self.assertEqual(b, math.floor((t - o) / w), f"heatmap_bin({t!r}, {w!r}, {o!r})")
        q = lambda sql: self.con.execute(sql).fetchone()
        self.assertEqual(q("SELECT heatmap_bin(1.5, 0.5), heatmap_bin(-0.25, 0.5), heatmap_bin(2, 0.5, 0.75), "
                           "typeof(heatmap_bin(1.5, 0.5))"), (3, -1, 2, "integer"))

    def test_nulls_and_errors(self):
        q = lambda sql: self.con.execute(sql).fetchone()
        self.assertEqual(q("SELECT heatmap_bin(NULL, 10), heatmap_bin(5, NULL), heatmap_bin(5, 10, NULL)"),
                         (None, None, None))
        self.assertEqual(q("SELECT heatmap_bin('25', '10')"), (2,))
        self.assertEqual(self.error("SELECT heatmap_bin(5, 0)"), "heatmap_bin: width must be > 0, not 0")
        self.assertEqual(self.error("SELECT heatmap_bin(5, -2.5)"), "heatmap_bin: width must be > 0, not -2.5")
        self.assertEqual(self.error("SELECT heatmap_bin('abc', 1)"), "heatmap_bin: t is not a number: 'abc'")
        self.assertEqual(self.error("SELECT heatmap_bin(1, x'00')"), "heatmap_bin: width is not a number: a BLOB")
        self.assertEqual(self.error("SELECT heatmap_bin(1, 1, 'z')"), "heatmap_bin: origin is not a number: 'z'")
        self.assertEqual(self.error("SELECT heatmap_bin(1e300, 1e-300)"), "heatmap_bin: bin index out of 64-bit range")


class RegressSeverity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.con = statsdb.connect()

    def test_defaults_and_boundaries(self):
        values = [None, -500, -15, 0, 14.999999, 15, 15.0000001, 49.99, 50, 62.5, 99.999, 100, 100.5, 1e9,
                  float("inf")]
        for v in values:
            got = self.con.execute("SELECT regress_severity(?)", (v,)).fetchone()[0]
            self.assertEqual(got, severity_oracle(v), f"regress_severity({v!r})")

    def test_custom_thresholds(self):
        rng = random.Random(9)
        for _ in range(3000):
            th = sorted(rng.choice([rng.uniform(0, 200), rng.randint(0, 200)]) for _ in range(3))
            pct = rng.choice([rng.uniform(-50, 250), rng.choice(th), rng.randint(-5, 205)])
            got = self.con.execute("SELECT regress_severity(?, ?, ?, ?)", (pct, *th)).fetchone()[0]
            self.assertEqual(got, severity_oracle(pct, *th), f"regress_severity({pct}, {th})")

    def test_errors(self):
        def error(sql):
            with self.assertRaises(sqlite3.OperationalError) as cm:
                self.con.execute(sql).fetchall()
            return str(cm.exception)
        self.assertEqual(error("SELECT regress_severity('bad')"), "regress_severity: pct is not a number: 'bad'")
        self.assertEqual(error("SELECT regress_severity(20, 50, 15, 100)"),
                         "regress_severity: thresholds must satisfy moderate <= severe <= critical")
        self.assertEqual(error("SELECT regress_severity(20, NULL, 50, 100)"),
                         "regress_severity: moderate threshold is not a number: NULL")
        self.assertEqual(error("SELECT regress_severity(20, 10, 50, 'x')"),
                         "regress_severity: critical threshold is not a number: 'x'")


if __name__ == "__main__":
    unittest.main()
