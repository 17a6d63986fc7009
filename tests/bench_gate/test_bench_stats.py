"""Statistics of the bench domain against independent oracles.

- mann_whitney(): p-values precomputed by tests/data/bench/mwu_oracle.py (exact
  enumeration of all rank subsets; normal approximation with tie and continuity
  correction, scipy.stats.mannwhitneyu semantics) and stored in mwu_expected.json.
- changepoints(): series constructed with known steps plus Gaussian noise must give
  exactly those steps; pure noise and constant series must give none.
"""
import json
import os
import random
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

DATA = os.path.join(harness.DATA, "bench")


def sql_rows(query, params=()):
    code = (
        "con = sqlite3.connect(':memory:'); load(con)\n"
        f"rows = con.execute({query!r}, {tuple(params)!r}).fetchall()\n"
        "print(json.dumps(rows))\n"
    )
    r = harness.python_with_ext(code)
    if r.rc != 0:
        raise AssertionError(repr(r))
    return json.loads(r.out)


def sql_error(query, params=()):
    code = (
        "con = sqlite3.connect(':memory:'); load(con)\n"
        "try:\n"
        f"    con.execute({query!r}, {tuple(params)!r}).fetchall()\n"
        "    print('NO ERROR')\n"
        "except sqlite3.Error as e:\n"
        "    print(e)\n"
    )
    r = harness.python_with_ext(code)
    if r.rc != 0:
        raise AssertionError(repr(r))
    return r.out.strip()


def step_series(seed, n, steps, base, rel_sd):
    """steps: list of (index, level multiplier from that index on)."""
    rng = random.Random(seed)
    out = []
    level = base
    for i in range(n):
        for idx, mult in steps:
            if i == idx:
                level = base * mult
        out.append(level * (1 + rng.gauss(0, rel_sd)))
    return out


class MannWhitney(unittest.TestCase):
    def test_oracle_script_reproduces_stored_values(self):
        p = subprocess.run(["/usr/bin/python3", os.path.join(DATA, "mwu_oracle.py")], capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(DATA, "mwu_expected.json")) as f:
            self.assertEqual(json.loads(p.stdout), json.load(f))

    def test_p_values_match_oracle(self):
        with open(os.path.join(DATA, "mwu_expected.json")) as f:
            cases = json.load(f)["cases"]
        self.assertGreaterEqual(sum(c["method"] == "exact" for c in cases), 8)
        self.assertGreaterEqual(sum(c["method"] == "normal" for c in cases), 6)
        query = " UNION ALL ".join("SELECT mann_whitney(?, ?)" for _ in cases)
        params = []
        for c in cases:
            params += [json.dumps(c["x"]), json.dumps(c["y"])]
        rows = sql_rows(query, params)
        for c, (res,) in zip(cases, rows):
            got = json.loads(res)
            with self.subTest(x=c["x"], y=c["y"]):
                self.assertEqual(got["method"], c["method"])
                self.assertAlmostEqual(got["u"], c["u"], places=9)
                self.assertLess(abs(got["p"] - c["p"]), 1e-12 + 1e-9 * c["p"], (got, c["p"]))

    def test_nulls_and_errors(self):
        self.assertEqual(sql_rows("SELECT mann_whitney(NULL, '[1]'), mann_whitney('[]', '[1,2]')"), [[None, None]])
        self.assertIn("not a JSON array", sql_error("SELECT mann_whitney('5', '[1]')"))
        self.assertIn("element 1 is not a number", sql_error("SELECT mann_whitney('[1, \"a\"]', '[1]')"))

    def test_geomean(self):
        rows = sql_rows("SELECT geomean(x) FROM (SELECT 2 AS x UNION ALL SELECT 8 UNION ALL SELECT NULL)")
        self.assertAlmostEqual(rows[0][0], 4.0, places=12)
        self.assertEqual(sql_rows("SELECT geomean(x) FROM (SELECT 1 AS x) WHERE 0"), [[None]])
        self.assertIn("must be > 0", sql_error("SELECT geomean(x) FROM (SELECT 0 AS x)"))


class ChangePoints(unittest.TestCase):
    def cps(self, series, *opts):
        args = ", ".join(["?"] * (1 + len(opts)))
        return sql_rows(f"SELECT idx, key, change_pct, pvalue, mean_before, mean_after FROM changepoints({args})",
                        [json.dumps(series)] + list(opts))

    def test_single_step(self):
        s = step_series(1, 300, [(150, 1.20)], 100.0, 0.02)
        rows = self.cps(s)
        self.assertEqual([r[0] for r in rows], [150])
        idx, key, pct, p, before, after = rows[0]
        self.assertEqual(key, 150)
        self.assertLess(p, 1e-10)
        self.assertAlmostEqual(pct, 100 * (sum(s[150:]) / 150 / (sum(s[:150]) / 150) - 1), places=9)
        self.assertAlmostEqual(before, sum(s[:150]) / 150, places=9)

    def test_several_steps_up_and_down(self):
        s = step_series(7, 260, [(60, 1.10), (130, 0.95), (200, 1.05)], 1000.0, 0.01)
        self.assertEqual([r[0] for r in self.cps(s)], [60, 130, 200])

    def test_steps_in_long_series_across_windows(self):
        steps = [(100 + 230 * k, 1.0 + 0.08 * ((k % 2) * 2 - 1) * (1 + k % 3)) for k in range(8)]
        s = step_series(11, 2000, steps, 50.0, 0.01)
        self.assertEqual([r[0] for r in self.cps(s)], [i for i, _ in steps])

    def test_noise_only_has_no_change_point(self):
        # With a minimum magnitude above the noise's reach (Otava's min_magnitude
        # option), pure noise never yields a change point.
        for seed in range(1, 11):
            with self.subTest(seed=seed):
                s = step_series(seed, 300, [], 100.0, 0.01)
                self.assertEqual(self.cps(s, 50, 0.001, 0.05), [])
        # With the defaults (p <= 0.001, no minimum magnitude) these noise series
        # give none either; over many seeds the detector's false-alarm rate on
        # Gaussian noise is 1 to 2 series in 10 (selection of the best split
        # biases the t-test), so a noisy series may occasionally show one.
        for seed in (1, 4, 5):
            with self.subTest(seed=seed, defaults=True):
                self.assertEqual(self.cps(step_series(seed, 200, [], 100.0, 0.03)), [])

    def test_constant_and_noiseless_step(self):
        self.assertEqual(self.cps([5.0] * 80), [])
        rows = self.cps([5.0] * 40 + [6.0] * 40)
        self.assertEqual([(r[0], round(r[2], 9), r[3]) for r in rows], [(40, 20.0, 0.0)])

    def test_pairs_are_sorted_by_key_and_keys_returned(self):
        s = step_series(4, 120, [(70, 1.3)], 10.0, 0.02)
        pairs = [[1000 + i, v] for i, v in enumerate(s)]
        random.Random(9).shuffle(pairs)
        rows = self.cps(pairs)
        self.assertEqual([(r[0], r[1]) for r in rows], [(70, 1070)])
        text_pairs = [["run-%04d" % i, v] for i, v in enumerate(s)]
        random.Random(3).shuffle(text_pairs)
        self.assertEqual([r[1] for r in self.cps(text_pairs)], ["run-0070"])

    def test_options_window_pvalue_magnitude(self):
        s = step_series(8, 200, [(100, 1.03)], 100.0, 0.01)
        self.assertEqual([r[0] for r in self.cps(s)], [100])
        # a minimum magnitude above the 3 % step removes it
        self.assertEqual(self.cps(s, 50, 0.001, 0.05), [])
        # a tiny p-value threshold keeps only overwhelming evidence
        self.assertEqual([r[0] for r in self.cps(s, 50, 1e-30)], [])
        self.assertEqual([r[0] for r in self.cps(s, 100, 0.001)], [100])

    def test_errors(self):
        self.assertIn("window must be between 2 and 1000", sql_error("SELECT * FROM changepoints('[1,2]', 1)"))
        self.assertIn("series must be a JSON array", sql_error("SELECT * FROM changepoints('{}')"))
        self.assertIn("element 1 is not a number", sql_error("SELECT * FROM changepoints('[1,\"x\"]')"))
        self.assertIn("max_pvalue must be in (0, 1]", sql_error("SELECT * FROM changepoints('[1,2]', 50, 0)"))
        self.assertIn("series argument is required", sql_error("SELECT * FROM changepoints"))
        self.assertEqual(sql_rows("SELECT count(*) FROM changepoints(NULL)"), [[0]])


if __name__ == "__main__":
    harness.main()
