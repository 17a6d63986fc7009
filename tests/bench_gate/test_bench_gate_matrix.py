"""The gate on real Google Benchmark runs at 1, 2, 3, 5 and 10 repetitions.

Fixtures: tests/data/bench/gbench_reps/ (an -O2 and an -O0 build of tiny_bench.cc,
and a rerun of the same -O2 binary, recorded on the shared 2-core VM; see its
README). Oracle: Google Benchmark's own tools/compare.py run on the same files
(tests/data/bench/compare_py/, recorded with scipy; see its README) for
OVERALL_GEOMEAN, the mean/median/stddev/cv aggregates and the U-test p-values.

Expectations:
- every -O0 build fails `bench check` (exit 1) with the default settings and with
  the shared-machine thresholds (25 %);
- every same-build rerun passes with the shared-machine thresholds; with the
  defaults (10 %) every rerun with 2+ repetitions passes too, while the 1 vs 1
  rerun (no noise estimate, no test: threshold alone) trips on this machine's
  run-to-run noise, and the report says why.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

REPS = os.path.join(harness.DATA, "bench", "gbench_reps")
ORACLE = os.path.join(harness.DATA, "bench", "compare_py")
NS = (1, 2, 3, 5, 10)


def rep(name):
    return os.path.join(REPS, name + ".json")


def oracle(base, cur):
    with open(os.path.join(ORACLE, f"{base}__{cur}.json")) as f:
        return {b["name"]: b for b in json.load(f)}


class GateMatrix(harness.TempDirTest):
    def thresholds(self, pct):
        path = os.path.join(self.tmp, "t.yaml")
        with open(path, "w") as f:
            f.write(f"default: {{threshold_pct: {pct}}}\n")
        return path

    def compare(self, base, cur, *extra):
        r = self.ok(["bench", "compare", rep(base), rep(cur), "--format", "json"] + list(extra))
        return {x["metric"]: x for x in json.loads(r.out)}

    def test_O0_fails_every_repetition_count(self):
        shared = self.thresholds(25)
        for n in NS:
            for extra in ([], ["--thresholds", shared], ["--time", "cpu"]):
                with self.subTest(n=n, extra=extra):
                    r = self.fails(["bench", "check", "--baseline", rep(f"o2_r{n}_a"), "--current", rep(f"o0_r{n}"),
                                    "--ci"] + extra)
                    self.assertIn("❌ 2 regressions detected!", r.out)

    def test_rerun_passes_every_repetition_count(self):
        shared = self.thresholds(25)
        for n in NS:
            with self.subTest(n=n):
                r = self.ok(["bench", "check", "--baseline", rep(f"o2_r{n}_a"), "--current", rep(f"o2_r{n}_b"),
                             "--ci", "--thresholds", shared])
                self.assertIn("✅ No regressions detected!", r.out)
        for n in (2, 3, 5, 10):
            with self.subTest(n=n, defaults=True):
                self.ok(["bench", "check", "--baseline", rep(f"o2_r{n}_a"), "--current", rep(f"o2_r{n}_b"), "--ci"])
        # 1 vs 1 at the default 10 %: BM_SumVector's single real_time is 20 % slower on the rerun
        r = self.fails(["bench", "check", "--baseline", rep("o2_r1_a"), "--current", rep("o2_r1_b")])
        self.assertIn("1 vs 1 repetitions: no U test; judged on the threshold", r.out)

    def test_verdict_rule_and_notes(self):
        rows = self.compare("o2_r3_a", "o0_r3")
        fib = rows["BM_Fib:real_time"]
        self.assertEqual((fib["verdict"], fib["gated"], fib["judged_by"], fib["kind"]), ("regression", 1, "threshold", "time"))
        self.assertAlmostEqual(fib["p_value"], 0.1, places=12)     # 2 / C(6, 3): the smallest p at 3 vs 3
        self.assertIn("3 vs 3 repetitions: U test cannot reach p<0.05; judged on the threshold", fib["note"])
        # one verdict per benchmark: cpu_time and the counters are reported, not gated
        self.assertEqual(sorted(m for m, x in rows.items() if x["gated"]), ["BM_Fib:real_time", "BM_SumVector/4096:real_time"])
        self.assertEqual(rows["BM_Fib:fib_per_second"]["kind"], "counter")
        self.assertIn("not gated (a counter", rows["BM_Fib:fib_per_second"]["note"])
        self.assertIn("not gated (the other time", rows["BM_Fib:cpu_time"]["note"])
        # --time cpu gates cpu_time; a counter named in the thresholds gates too
        thr = os.path.join(self.tmp, "c.yaml")
        with open(thr, "w") as f:
            f.write('metrics:\n  "*:fib_per_second": {threshold_pct: 20}\n')
        rows = self.compare("o2_r3_a", "o0_r3", "--time", "cpu", "--thresholds", thr)
        self.assertEqual(sorted(m for m, x in rows.items() if x["gated"]),
                         ["BM_Fib:cpu_time", "BM_Fib:fib_per_second", "BM_SumVector/4096:cpu_time"])
        # 5 and 10 repetitions: the U test has power and confirms
        for n in (5, 10):
            rows = self.compare(f"o2_r{n}_a", f"o0_r{n}")
            for m in ("BM_Fib:real_time", "BM_SumVector/4096:real_time"):
                with self.subTest(n=n, metric=m):
                    self.assertEqual((rows[m]["verdict"], rows[m]["judged_by"]), ("regression", "U test"))
                    self.assertLess(rows[m]["p_value"], 0.05)
        # noise: the 10-repetition rerun moves BM_Fib's real time by -19.9 % inside 3 x its CV
        rows = self.compare("o2_r10_a", "o2_r10_b")
        fib = rows["BM_Fib:real_time"]
        self.assertEqual(fib["verdict"], "unchanged")
        self.assertAlmostEqual(fib["noise_pct"], 300 * max(fib["base_cv"], fib["current_cv"]), places=9)
        self.assertIn("within noise", fib["note"])
        # noise_k 0 switches the noise rule off: the U test alone then decides that change
        rows = self.compare("o2_r10_a", "o2_r10_b", "--noise-k", "0")
        self.assertNotIn("within noise", rows["BM_Fib:real_time"]["note"] or "")

    def test_overall_geomean_equals_compare_py(self):
        for n in NS:
            for cur in (f"o0_r{n}", f"o2_r{n}_b"):
                want = oracle(f"o2_r{n}_a", cur)["OVERALL_GEOMEAN"]["measurements"][0]
                for time, key in (("real", "time"), ("cpu", "cpu")):
                    with self.subTest(cur=cur, time=time):
                        r = self.ok(["bench", "compare", rep(f"o2_r{n}_a"), rep(cur), "--time", time])
                        line = [x for x in r.out.splitlines() if "overall" in x][0]
                        self.assertIn(f"overall {100 * want[key]:+.2f}% (OVERALL_GEOMEAN ({time} time)", line)
        # full precision through SQL, in one database
        db = os.path.join(self.tmp, "all.db")
        for n in NS:
            for cur in (f"o0_r{n}", f"o2_r{n}_b"):
                self.ok(["load", "bench", rep(f"o2_r{n}_a"), "--label", f"a{n}"], db=db)
                self.ok(["load", "bench", rep(cur), "--label", cur], db=db)
                want = oracle(f"o2_r{n}_a", cur)["OVERALL_GEOMEAN"]["measurements"][0]
                for time, key in (("real", "time"), ("cpu", "cpu")):
                    r = self.ok(["sql", "--format", "json", f"SELECT overall_pct, overall_method FROM bench_compare_summary('a{n}', '{cur}',"
                                 f" NULL, NULL, '{time}')"], db=db)
                    got = json.loads(r.out)[0]
                    with self.subTest(cur=cur, time=time):
                        self.assertAlmostEqual(got["overall_pct"] / 100, want[key], delta=1e-12 * max(1, abs(want[key])))

    def test_aggregates_and_p_values_equal_compare_py(self):
        checked = 0
        for n in (2, 3, 5, 10):
            for cur in (f"o0_r{n}", f"o2_r{n}_b"):
                o = oracle(f"o2_r{n}_a", cur)
                rows = self.compare(f"o2_r{n}_a", cur)
                for bench in ("BM_SumVector/4096", "BM_Fib"):
                    for field in ("real_time", "cpu_time"):
                        row = rows[f"{bench}:{field}"]
                        for agg, col in (("mean", ""), ("median", "_median"), ("stddev", "_stddev"), ("cv", "_cv")):
                            m = o[f"{bench}_{agg}"]["measurements"][0]
                            ours_b = row["base" + col] if col else row["base"]
                            ours_c = row["current" + col] if col else row["current"]
                            # Google Benchmark computes its aggregates from unrounded times and prints
                            # ~15 digits: a stddev of two nearly equal values keeps ~1e-12 of the mean
                            def tol(want, mean):
                                return 1e-9 * abs(want) + {"stddev": 1e-12 * abs(mean), "cv": 1e-12}.get(agg, 0)
                            with self.subTest(n=n, cur=cur, metric=f"{bench}:{field}", agg=agg):
                                self.assertAlmostEqual(ours_b, m[field], delta=tol(m[field], row["base"]))
                                self.assertAlmostEqual(ours_c, m[field + "_other"],
                                                       delta=tol(m[field + "_other"], row["current"]))
                                checked += 1
                        ut = o[bench]["utest"]
                        with self.subTest(n=n, cur=cur, metric=f"{bench}:{field}", agg="p"):
                            want = ut["time_pvalue" if field == "real_time" else "cpu_pvalue"]
                            self.assertAlmostEqual(row["p_value"], want, delta=1e-9)
                        # min of the repetitions, from compare.py's per-repetition measurements
                        ms = o[bench]["measurements"]
                        self.assertEqual(row["base_min"], min(x[field] for x in ms))
                        self.assertEqual(row["current_min"], min(x[field + "_other"] for x in ms))
        self.assertEqual(checked, 4 * 2 * 2 * 2 * 4)

    def test_report_says_how_each_metric_was_judged(self):
        r = self.fails(["bench", "check", "--baseline", rep("o2_r3_a"), "--current", rep("o0_r3")])
        self.assertIn("2 gated metrics judged on the threshold alone", r.out)
        self.assertIn("| BM_Fib:real_time | 5851.53 ns | 18509 ns | +216.31% |", r.out)
        self.assertIn("Overall change (OVERALL_GEOMEAN (real time), positive = worse): **+676.60%**", r.out)
        # the compare table carries compare.py's aggregates and the min
        r = self.ok(["bench", "compare", rep("o2_r3_a"), rep("o0_r3")])
        header = r.out.splitlines()[0].split()
        for col in ("base_median", "current_median", "base_min", "current_min", "base_stddev", "current_stddev",
                    "base_cv", "current_cv", "noise", "judged_by", "gated"):
            self.assertIn(col, header)


if __name__ == "__main__":
    harness.main()
