"""sliding_median(), median() and percentile() against brute-force oracles.

For every row the oracle collects the frame's values itself (from the frame
definition, not from SQLite) and computes
  - the median with Python's statistics.median,
  - the percentile with the documented formula (rank p/100*(n-1), linear
    interpolation) and, independently, with statistics.quantiles(n=100,
    method='inclusive') for integer p in 1..99 (numpy's 'linear' definition).
Data: random values with NULLs and many duplicates, several partitions (one
all-NULL, one with a single row), every ROWS frame shape (N PRECEDING,
N FOLLOWING, UNBOUNDED both ways, CURRENT ROW, empty frames), EXCLUDE clauses,
RANGE and GROUPS frames over an ORDER BY key with ties, and plain aggregates.
"""
import math
import random
import statistics
import unittest

import statsdb

statsdb.reexec_with_preload()

PCTS = [0, 25, 50, 90, 100, 33.3, 99]


def series(n):
    """SQL for the integers 1..n as column value (Python's SQLite has no generate_series)."""
    return f"(WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < {n}) SELECT value FROM s)"


def percentile_oracle(vals, p):
    a = sorted(vals)
    n = len(a)
    if n == 0:
        return None
    ix = p / 100 * (n - 1)
    i = math.floor(ix)
    f = ix - i
    if f == 0 or i == n - 1:
        return float(a[i])
    return a[i] + (a[i + 1] - a[i]) * f


def median_oracle(vals):
    return float(statistics.median(vals)) if vals else None


def make_rows(rng, n_parts=6):
    """(id, part, ord, okey, x): ord unique within the table, okey with ties."""
    rows = []
    ident = 0
    sizes = [rng.randint(20, 90) for _ in range(n_parts - 2)] + [1, 25]
    for part, size in enumerate(sizes):
        all_null = part == n_parts - 1
        for _ in range(size):
            ident += 1
            r = rng.random()
            if all_null or r < 0.15:
                x = None
            elif r < 0.55:
                x = rng.randint(0, 6)                      # duplicates
            elif r < 0.8:
                x = round(rng.uniform(-1000, 1000), 3)
            else:
                x = rng.choice([0.5, -0.5, 1e300, -1e300, 2.5e-300, 7.0])
            rows.append((ident, part, None, None, x))
    order = list(range(len(rows)))
    rng.shuffle(order)
    return [(i, p, order[k], order[k] // 3, x) for k, (i, p, _, _, x) in enumerate(rows)]


# ROWS frames: (SQL, lo, hi, exclude) with lo/hi offsets from the current row
# (None = unbounded), exclude in (None, 'current', 'group', 'ties').
ROWS_FRAMES = [
    ("ROWS BETWEEN 3 PRECEDING AND CURRENT ROW", -3, 0, None),
    ("ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING", -2, 2, None),
    ("ROWS BETWEEN 10 PRECEDING AND 10 FOLLOWING", -10, 10, None),
    ("ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", None, 0, None),
    ("ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING", 0, None, None),
    ("ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING", None, None, None),
    ("ROWS BETWEEN 5 PRECEDING AND 2 PRECEDING", -5, -2, None),
    ("ROWS BETWEEN 1 FOLLOWING AND 4 FOLLOWING", 1, 4, None),
    ("ROWS BETWEEN 0 PRECEDING AND 0 FOLLOWING", 0, 0, None),
    ("ROWS BETWEEN 3 FOLLOWING AND 1 FOLLOWING", 3, 1, None),          # always empty
    ("ROWS BETWEEN UNBOUNDED PRECEDING AND 3 PRECEDING", None, -3, None),
    ("ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING", 2, None, None),
    ("ROWS 4 PRECEDING", -4, 0, None),
    ("ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING EXCLUDE CURRENT ROW", -3, 3, "current"),
    ("ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING EXCLUDE GROUP", -3, 3, "current"),
    ("ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING EXCLUDE TIES", -3, 3, None),
    ("ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW",
     None, None, "current"),
]

# Frames over okey (ties): (SQL, kind, lo, hi, exclude).
PEER_FRAMES = [
    ("RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING", "range", -2, 1, None),
    ("RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", "range", None, 0, None),
    ("RANGE BETWEEN CURRENT ROW AND 5 FOLLOWING", "range", 0, 5, None),
    ("GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING", "groups", -1, 1, None),
    ("GROUPS BETWEEN 2 PRECEDING AND 1 PRECEDING", "groups", -2, -1, None),
    ("GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP", "groups", -1, 1, "group"),
    ("", "range", None, 0, None),   # the default frame with ORDER BY
]


def rows_frame_members(part_rows, i, lo, hi, exclude):
    n = len(part_rows)
    a = 0 if lo is None else max(0, i + lo)
    b = n - 1 if hi is None else min(n - 1, i + hi)
    idx = [j for j in range(a, b + 1)]
    if exclude == "current":
        idx = [j for j in idx if j != i]
    return idx


def peer_frame_members(part_rows, i, kind, lo, hi, exclude):
    keys = [r[3] for r in part_rows]
    k = keys[i]
    if kind == "range":
        def inside(j):
            return (lo is None or keys[j] >= k + lo) and (hi is None or keys[j] <= k + hi)
    else:
        groups = sorted(set(keys))
        g = {key: n for n, key in enumerate(groups)}
        def inside(j):
            return (lo is None or g[keys[j]] >= g[k] + lo) and (hi is None or g[keys[j]] <= g[k] + hi)
    idx = [j for j in range(len(part_rows)) if inside(j)]
    if exclude == "group":
        idx = [j for j in idx if keys[j] != k]
    return idx


class WindowOracle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.con = statsdb.connect()
        cls.con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, part INT, ord INT, okey INT, x)")
        rng = random.Random(20260716)
        cls.rows = make_rows(rng)
        cls.con.executemany("INSERT INTO t VALUES (?,?,?,?,?)", cls.rows)
        cls.parts = {}
        for r in cls.rows:
            cls.parts.setdefault(r[1], []).append(r)

    def query(self, frame, order_col):
        cols = ", ".join(["sliding_median(x) OVER w", "median(x) OVER w"] +
                         [f"percentile(x, {p}) OVER w" for p in PCTS])
        sql = (f"SELECT id, {cols} FROM t WINDOW w AS "
               f"(PARTITION BY part ORDER BY {order_col} {frame})")
        return {r[0]: r[1:] for r in self.con.execute(sql)}

    def check_frames(self, got, members_of, order_key, label):
        checked = empty = 0
        for part, rows in self.parts.items():
            rows = sorted(rows, key=order_key)
            for i, row in enumerate(rows):
                vals = [rows[j][4] for j in members_of(rows, i) if rows[j][4] is not None]
                want_med = median_oracle(vals)
                g = got[row[0]]
                ctx = f"{label}: id={row[0]} frame values={sorted(vals)}"
                self.assertEqual(g[0], want_med, "sliding_median " + ctx)
                self.assertEqual(g[1], want_med, "median " + ctx)
                for p, value in zip(PCTS, g[2:]):
                    self.assertEqual(value, percentile_oracle(vals, p), f"percentile {p} {ctx}")
                    if len(vals) >= 2 and p == int(p) and 1 <= p <= 99:
                        q = statistics.quantiles(vals, n=100, method="inclusive")[int(p) - 1]
                        self.assertTrue(math.isclose(value, q, rel_tol=1e-12, abs_tol=1e-300),
                                        f"percentile {p} vs statistics.quantiles {q}: {ctx}")
                checked += 1
                empty += not vals
        return checked, empty

    def test_rows_frames(self):
        total_empty = 0
        for frame, lo, hi, exclude in ROWS_FRAMES:
            with self.subTest(frame=frame):
                got = self.query(frame, "ord")
                checked, empty = self.check_frames(
                    got, lambda rows, i: rows_frame_members(rows, i, lo, hi, exclude),
                    lambda r: r[2], frame)
                self.assertEqual(checked, len(self.rows))
                total_empty += empty
        self.assertGreater(total_empty, 100, "empty frames must be exercised")

    def test_range_and_groups_frames_with_ties(self):
        for frame, kind, lo, hi, exclude in PEER_FRAMES:
            with self.subTest(frame=frame or "default"):
                got = self.query(frame, "okey")
                checked, _ = self.check_frames(
                    got, lambda rows, i: peer_frame_members(rows, i, kind, lo, hi, exclude),
                    lambda r: (r[3], r[2]), frame or "default frame")
                self.assertEqual(checked, len(self.rows))

    def test_wide_window_over_many_rows(self):
        # 3,000 rows, frame of 401: the tree holds hundreds of values with
        # duplicates; every row checked.
        rng = random.Random(7)
        xs = [None if rng.random() < 0.1 else rng.randint(-50, 50) * 0.25 for _ in range(3000)]
        self.con.execute("CREATE TEMP TABLE wide(i INTEGER PRIMARY KEY, x)")
        self.con.executemany("INSERT INTO wide VALUES (?,?)", list(enumerate(xs)))
        got = self.con.execute(
            "SELECT sliding_median(x) OVER w, percentile(x, 90) OVER w FROM wide "
            "WINDOW w AS (ORDER BY i ROWS BETWEEN 200 PRECEDING AND 200 FOLLOWING)").fetchall()
        for i, (med, p90) in enumerate(got):
            vals = [v for v in xs[max(0, i - 200):i + 201] if v is not None]
            self.assertEqual(med, median_oracle(vals), f"row {i}")
            self.assertEqual(p90, percentile_oracle(vals, 90), f"row {i}")

    def test_plain_aggregates(self):
        got = dict((r[0], r[1:]) for r in self.con.execute(
            "SELECT part, median(x), sliding_median(x), percentile(x, 10), percentile(x, 75.5) "
            "FROM t GROUP BY part"))
        for part, rows in self.parts.items():
            vals = [r[4] for r in rows if r[4] is not None]
            self.assertEqual(got[part], (median_oracle(vals), median_oracle(vals),
                                         percentile_oracle(vals, 10), percentile_oracle(vals, 75.5)),
                             f"part {part}")
        # a large aggregate (quickselect path), odd and even counts, many duplicates
        rng = random.Random(3)
        for n in (20001, 20000):
            vals = [rng.randint(0, 100) + rng.choice([0, 0.5]) for _ in range(n)]
            self.con.execute("DROP TABLE IF EXISTS big")
            self.con.execute("CREATE TEMP TABLE big(x)")
            self.con.executemany("INSERT INTO big VALUES (?)", [(v,) for v in vals])
            med, p1, p999 = self.con.execute(
                "SELECT median(x), percentile(x, 1), percentile(x, 99.9) FROM big").fetchone()
            self.assertEqual(med, median_oracle(vals))
            self.assertEqual(p1, percentile_oracle(vals, 1))
            self.assertEqual(p999, percentile_oracle(vals, 99.9))
        # all equal values
        self.assertEqual(self.con.execute(
            f"SELECT median(7), percentile(7, 30) FROM {series(1001)}").fetchone(), (7.0, 7.0))

    def test_empty_and_null_inputs(self):
        c = self.con
        self.assertEqual(c.execute("SELECT median(x), percentile(x, 50), sliding_median(x) "
                                   "FROM t WHERE 0").fetchone(), (None, None, None))
        self.assertEqual(c.execute("SELECT median(NULL), percentile(NULL, 50), sliding_median(NULL)")
                         .fetchone(), (None, None, None))
        self.assertEqual(c.execute("SELECT median(x) FROM (SELECT NULL x UNION ALL SELECT 4 "
                                   "UNION ALL SELECT NULL UNION ALL SELECT 2)").fetchone(), (3.0,))
        # numeric text is a number; NaN arrives as NULL and is ignored
        self.assertEqual(c.execute("SELECT median(x) FROM (SELECT '10' x UNION ALL SELECT ' 2.5 ')")
                         .fetchone(), (6.25,))
        self.assertEqual(c.execute("SELECT median(?), median(x) FROM (SELECT 1.5 x)",
                                   (float("nan"),)).fetchone(), (None, 1.5))

    def error(self, sql, params=()):
        import sqlite3
        with self.assertRaises(sqlite3.OperationalError) as cm:
            self.con.execute(sql, params).fetchall()
        return str(cm.exception)

    def test_infinities_rejected(self):
        for fn, call in [("sliding_median", "sliding_median(x)"), ("median", "median(x)"),
                         ("percentile", "percentile(x, 50)")]:
            for v, shown in [(float("inf"), "Inf"), (float("-inf"), "-Inf")]:
                want = f"{fn}: input is {shown}; infinite values are not allowed"
                # as an aggregate, as a window function, and entering a later frame
                self.assertEqual(self.error(f"SELECT {call} FROM (SELECT ? AS x)", (v,)), want)
                self.assertEqual(self.error(
                    f"SELECT {call} OVER (ORDER BY i ROWS 2 PRECEDING) FROM "
                    f"(SELECT value AS i, CASE WHEN value = 50 THEN ? ELSE value END AS x "
                    f"FROM {series(100)})", (v,)), want)

    def test_bad_inputs(self):
        self.assertEqual(self.error("SELECT median('abc')"), "median: input is not a number: 'abc'")
        self.assertEqual(self.error("SELECT sliding_median(x'00ff')"),
                         "sliding_median: input is not a number: a BLOB")
        self.assertEqual(self.error("SELECT percentile(1, 101)"),
                         "percentile: p must be a number between 0 and 100, not 101")
        self.assertEqual(self.error("SELECT percentile(1, -0.5)"),
                         "percentile: p must be a number between 0 and 100, not -0.5")
        self.assertEqual(self.error("SELECT percentile(1, NULL)"),
                         "percentile: p must be a number between 0 and 100, not NULL")
        self.assertEqual(self.error(f"SELECT percentile(value, value) FROM {series(3)}"),
                         "percentile: p must be the same for all rows (1.0, then 2.0)")


if __name__ == "__main__":
    unittest.main()
