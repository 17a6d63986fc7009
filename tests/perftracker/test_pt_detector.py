"""The PerfTracker detector (views/perftracker/) against independent oracles:
the real upstream output (result_v2.json on the real-shaped fixture jobs), a
numpy re-implementation of the upstream algorithm (pt_oracle.py) on
hand-built jobs covering every branch, and scipy's ttest_ind_from_stats plus
the server's own comparison table for PerfTracker's t-test view."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
import pt_jobs  # noqa: E402
import pt_oracle  # noqa: E402

DATA = os.path.join(harness.DATA, "perftracker")
LAT = "latency, p(95) (4 th): GET /api/x (list)"
RATE = "rate (4 th): GET /api/x (list)"
XS = [1000 * (i + 1) for i in range(8)]


class Detector(harness.TempDirTest):
    def write(self, name, obj):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            json.dump(obj, f)
        return p

    def compare(self, base, cand, extra=(), rc=0):
        b, c = self.write("base.json", base), self.write("cand.json", cand)
        self.ok(["load", "perftracker", b, c])
        out = os.path.join(self.tmp, "out")
        r = harness.run(["perftracker", str(base["id"]), str(cand["id"]), "--out", out] + list(extra), db=self.db)
        self.assertEqual(r.rc, rc, repr(r))
        with open(os.path.join(out, "result.json")) as f:
            return json.load(f), out, r

    def check_oracle(self, base, cand, extra=(), rc=0, **oracle_kw):
        got, out, r = self.compare(base, cand, extra, rc)
        want = pt_oracle.analyse(base, cand, **oracle_kw)
        self.assertEqual(got["summary"]["curves_analyzed"], want["curves_analyzed"])
        self.assertEqual(got["regressions"], want["regressions"])
        return got, out, r

    # -- the real upstream output ---------------------------------------------------
    def test_fixture_equals_upstream_result_v2(self):
        with open(os.path.join(DATA, "html_job_as_json_baseline.json")) as f:
            base = json.load(f)
        with open(os.path.join(DATA, "html_job_as_json_candidate.json")) as f:
            cand = json.load(f)
        with open(os.path.join(DATA, "result_v2.json")) as f:
            want = json.load(f)
        got, out, r = self.compare(base, cand)
        self.assertEqual(got, want)   # every key: config, metadata, summary, regressions to 2 decimals
        self.assertEqual(got["regressions"][0]["worst_window"]["location"], "4000-6000")
        with open(os.path.join(out, "report.md")) as f:
            md = f.read()
        self.assertIn("**Recommendation: BLOCK**", md)   # severe + high confidence
        self.assertIn("Degradation of 60% during load range 4000-6000", md)
        self.assertIn("| GET /api/policies — rate, 4 th (list policies) | 2000-5000 | 37.51% | medium |", md)
        # one PNG per regressed curve, in rank order, referenced by the report
        import struct
        pngs = sorted(f for f in os.listdir(out) if f.endswith(".png"))
        self.assertEqual(pngs, ["01_get_api_policies_latency_4th_list_policies.png",
                                "02_get_api_policies_rate_4th_list_policies.png"])
        for name in pngs:
            with open(os.path.join(out, name), "rb") as f:
                head = f.read(24)
            self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n")
            self.assertEqual(struct.unpack(">II", head[16:24]), (1200, 600))
            self.assertIn(f"({name})", md)

    def test_fixture_ttest_equals_server_table_and_scipy(self):
        for n in ("baseline", "candidate"):
            self.ok(["load", "perftracker", os.path.join(DATA, f"html_job_as_json_{n}.json")])
        self.ok(["perftracker", "1", "2", "--out", os.path.join(self.tmp, "o")])
        r = harness.sqlite3_shell(self.db, "SELECT tag, category, cell FROM pt_test_diff ORDER BY tag, category;")
        self.assertEqual(r.rc, 0, repr(r))
        rows = [line.split("|") for line in r.out.splitlines()]
        # tables were computed by the real server: section title = tag, row title = category or tag
        with open(os.path.join(DATA, "api_comparison_tables.json")) as f:
            tables = json.load(f)
        server = {}
        for sec in tables.values():
            for row in sec["table_data"]:
                cat = row[3] if row[3] != sec["title"] else ""
                server[(sec["title"], cat)] = row[-1]
        self.assertEqual(len(rows), 13)
        self.assertEqual({(t, c): cell for t, c, cell in rows}, server)

    def test_ttest_p_against_scipy(self):
        from scipy import stats
        import random
        rnd = random.Random(7)
        cases = [(rnd.uniform(1, 100), rnd.uniform(0.01, 10), rnd.randint(2, 30),
                  rnd.uniform(1, 100), rnd.uniform(0.01, 10), rnd.randint(2, 30)) for _ in range(40)]
        sql = "".join(f"SELECT printf('%.12e', pt_ttest_p({a},{b},{c},{d},{e},{f}));\n" for a, b, c, d, e, f in cases)
        sql += "SELECT quote(pt_ttest_p(1.7,0,1,1.7,0,1)), quote(pt_ttest_p(5,0,3,5,0,3)), pt_ttest_p(5,0,3,6,0,3);\n"
        r = harness.sqlite3_shell(":memory:", sql)
        self.assertEqual(r.rc, 0, repr(r))
        lines = r.out.split()
        for (a, b, c, d, e, f), got in zip(cases, lines):
            want = stats.ttest_ind_from_stats(a, b, c, d, e, f)[1]
            self.assertAlmostEqual(float(got) / want, 1.0, places=8, msg=(a, b, c, d, e, f))
        self.assertEqual(lines[-1], "NULL|NULL|0.0")   # df=0 and 0/0 are NaN; d/0 is p=0

    # -- hand-built jobs, one per branch ---------------------------------------------
    def test_rate_and_latency_directions(self):
        lat_b = [10, 11, 12, 13, 14, 15, 16, 17]
        lat_c = [10, 11, 12 * 1.6, 13 * 1.7, 14 * 1.6, 15 * 1.65, 16, 17]
        rate_b = [500] * 8
        rate_c = [500, 500, 500, 250, 240, 245, 250, 500]   # rate halves: worse = positive
        base = pt_jobs.job(1, "1.0", pt_jobs.curve(LAT, XS, lat_b) + pt_jobs.curve(RATE, XS, rate_b, 100))
        cand = pt_jobs.job(2, "2.0", pt_jobs.curve(LAT, XS, lat_c) + pt_jobs.curve(RATE, XS, rate_c, 100))
        got, _, _ = self.check_oracle(base, cand)
        kinds = {(r["metric_type"], r["severity"]) for r in got["regressions"]}
        self.assertEqual(kinds, {("latency", "severe"), ("rate", "severe")})
        # a rate that *improves* (higher) is not a regression, nor a latency that drops
        cand2 = pt_jobs.job(3, "3.0", pt_jobs.curve(LAT, XS, [v * 0.5 for v in lat_b])
                            + pt_jobs.curve(RATE, XS, [v * 2 for v in rate_b], 100))
        got2, _, _ = self.compare(base, cand2)
        self.assertEqual(got2["regressions"], [])
        self.assertEqual(got2["summary"]["curves_analyzed"], 2)

    def test_critical_exit_code_and_block(self):
        b = [10.0] * 8
        c = [10, 10, 25, 26, 27, 25, 10, 10]   # +150%
        got, out, r = self.check_oracle(pt_jobs.job(1, "1", pt_jobs.curve(LAT, XS, b)),
                                        pt_jobs.job(2, "2", pt_jobs.curve(LAT, XS, c)), rc=1)
        self.assertEqual(got["summary"]["by_severity"]["critical"], 1)
        with open(os.path.join(out, "report.md")) as f:
            self.assertIn("**Recommendation: BLOCK**", f.read())

    def test_windows_merging_two_regions(self):
        xs = [1000 * (i + 1) for i in range(14)]
        b = [10.0] * 14
        c = [10, 14, 14, 14, 10, 10, 10, 10, 10, 13, 13, 13, 13, 10]   # +40% at 2-4k, +30% at 10-13k
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", pt_jobs.curve(LAT, xs, b)),
                                      pt_jobs.job(2, "2", pt_jobs.curve(LAT, xs, c)))
        (reg,) = got["regressions"]
        # upstream's merge keeps the first window by start when a later overlapping one is not strictly
        # worse, so each region reports the 4-point window that begins one point early
        self.assertEqual([w["location"] for w in reg["all_windows"]], ["1000-4000", "9000-12000"])
        self.assertEqual(reg["worst_window"]["location"], "1000-4000")

    def test_merge_keeps_strictly_larger_median(self):
        # overlapping windows: the later one replaces the current only when |median| is strictly larger
        xs = XS
        b = [10.0] * 8
        c = [10, 13, 13, 13, 16, 16, 16, 10]
        self.check_oracle(pt_jobs.job(1, "1", pt_jobs.curve(LAT, xs, b)),
                          pt_jobs.job(2, "2", pt_jobs.curve(LAT, xs, c)))

    def test_too_few_points(self):
        xs = XS[:4]
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", pt_jobs.curve(LAT, xs, [10] * 4)),
                                      pt_jobs.job(2, "2", pt_jobs.curve(LAT, xs, [30] * 4)))
        self.assertEqual(got["summary"]["curves_analyzed"], 0)
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", pt_jobs.curve(LAT, xs, [10] * 4)),
                                      pt_jobs.job(2, "2", pt_jobs.curve(LAT, xs, [30] * 4)),
                                      extra=["--min-points", "4"], rc=1, min_points=4)
        self.assertEqual(got["summary"]["curves_analyzed"], 1)

    def test_zeros(self):
        b = [0.0, 0.005, 10, 10, 10, 10, 10, 10]   # below min_baseline: dropped
        c = [5.0, 5.0, 0, 0, 16, 16, 16, 16]       # candidate 0: pct is None, the point stays
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", pt_jobs.curve(LAT, XS, b)),
                                      pt_jobs.job(2, "2", pt_jobs.curve(LAT, XS, c)))
        (reg,) = got["regressions"]
        self.assertEqual(reg["points_analyzed"], 6)
        self.assertEqual(reg["worst_window"]["location"], "5000-7000")

    def test_failed_tests_are_not_points(self):
        b = pt_jobs.curve(LAT, XS[:6], [10.0] * 6)
        c = pt_jobs.curve(LAT, XS[:6], [16.0] * 6)
        c[1]["status"] = "FAILED"
        c[1]["errors"] = 1
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", b), pt_jobs.job(2, "2", c))
        self.assertEqual(got["summary"]["curves_analyzed"], 1)
        self.assertEqual(got["regressions"][0]["points_analyzed"], 5)
        c[2]["status"] = "FAILED"   # 4 points left: not analysed
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", b), pt_jobs.job(3, "3", c))
        self.assertEqual(got["summary"]["curves_analyzed"], 0)

    def test_duplicate_categories_later_wins(self):
        b = pt_jobs.curve(LAT, XS, [10.0] * 8)
        c = pt_jobs.curve(LAT, XS, [10.0] * 8)
        dup = pt_jobs.curve(LAT, XS[2:6], [30.0] * 4, start_seq=50)   # same categories again, later
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", b), pt_jobs.job(2, "2", c + dup), rc=1)
        self.assertEqual(got["regressions"][0]["worst_window"]["location"], "2000-5000")
        # and an earlier duplicate is overwritten
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", b), pt_jobs.job(3, "3", dup + c))
        self.assertEqual(got["regressions"], [])

    def test_untagged_curve_uses_less_better(self):
        # no ':' in the tag: upstream's metric_type 'unknown' is never negated, so a throughput
        # (less_better = false) that halves is missed upstream; perfsql uses less_better by default.
        tag = "Disk sequential read (1 th)"
        b = pt_jobs.curve(tag, XS, [400.0] * 8, less_better=False)
        c = pt_jobs.curve(tag, XS, [400, 400, 200, 200, 200, 200, 400, 400], less_better=False)
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", b), pt_jobs.job(2, "2", c), honour_less_better=True)
        self.assertEqual(len(got["regressions"]), 1)
        self.assertEqual(got["regressions"][0]["metric_type"], "unknown")
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", b), pt_jobs.job(3, "3", c),
                                      extra=["--upstream-direction"], honour_less_better=False)
        self.assertEqual(got["regressions"], [])

    def test_config_flags_change_the_result(self):
        b = [10.0] * 8
        c = [10, 10, 12, 12, 12, 12, 10, 10]   # +20%: moderate by default
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", pt_jobs.curve(LAT, XS, b)),
                                      pt_jobs.job(2, "2", pt_jobs.curve(LAT, XS, c)))
        self.assertEqual(got["regressions"][0]["severity"], "moderate")
        got, _, _ = self.check_oracle(pt_jobs.job(1, "1", pt_jobs.curve(LAT, XS, b)),
                                      pt_jobs.job(3, "3", pt_jobs.curve(LAT, XS, c)),
                                      extra=["--min-degradation", "25"], min_deg=25.0)
        self.assertEqual(got["regressions"], [])
        self.assertEqual(got["config"]["min_degradation_pct"], 25.0)

    def verdict(self, out):
        with open(os.path.join(out, "report.md")) as f:
            md = f.read()
        for v in ("BLOCK", "INVESTIGATE", "APPROVE"):
            if f"**Recommendation: {v}**" in md:
                return v
        self.fail("no recommendation in report.md")

    def test_decision_rule(self):
        b = [10.0] * 8
        mod = [10, 10, 12, 12, 12, 12, 10, 10]       # +20%: moderate
        sev = [10, 10, 16, 16, 16, 16, 10, 10]       # +60%: severe
        cases = [
            # (0.4 + 1.0 + 1.0) / 3 is 0.7999999999999999: medium, never high (as upstream)
            (mod, 3, "moderate", "medium", "INVESTIGATE"),
            # 1 sample: (0.4 + 1.0 + 0.4) / 3 is 0.5999999999999999 in binary, as in Python: low
            (mod, 1, "moderate", "low", "APPROVE"),
            (sev, 1, "severe", "medium", "INVESTIGATE"),   # (0.7 + 1 + 0.4) / 3 = 0.7
            (sev, 3, "severe", "high", "BLOCK"),
            (b, 3, None, None, "APPROVE"),
        ]
        for k, (c, samples, severity, confidence, decision) in enumerate(cases):
            base = pt_jobs.job(100 + 2 * k, "1", pt_jobs.curve(LAT, XS, b, samples=samples))
            cand = pt_jobs.job(101 + 2 * k, "2", pt_jobs.curve(LAT, XS, c, samples=samples))
            got, out, _ = self.check_oracle(base, cand)
            if severity:
                self.assertEqual((got["regressions"][0]["severity"], got["regressions"][0]["confidence"]),
                                 (severity, confidence))
            else:
                self.assertEqual(got["regressions"], [])
            self.assertEqual(self.verdict(out), decision, (samples, severity))

    def test_random_curves_match_oracle(self):
        import random
        rnd = random.Random(11)
        for k in range(6):
            n = rnd.randint(5, 16)
            xs = sorted(rnd.sample(range(1, 100), n))
            xs = [x * 500 for x in xs]
            b = [rnd.uniform(5, 50) for _ in xs]
            c = [v * rnd.choice([1.0, 1.05, 1.3, 1.6, 0.9, 2.2, 1.2]) for v in b]
            rb = [rnd.uniform(100, 900) for _ in xs]
            rc_ = [v / rnd.choice([1.0, 1.25, 1.8, 0.95, 3.0]) for v in rb]
            base = pt_jobs.job(10 + 2 * k, "a", pt_jobs.curve(LAT, xs, b) + pt_jobs.curve(RATE, xs, rc_ and rb, 200))
            cand = pt_jobs.job(11 + 2 * k, "b", pt_jobs.curve(LAT, xs, c) + pt_jobs.curve(RATE, xs, rc_, 200))
            want = pt_oracle.analyse(base, cand)
            crit = any(r["severity"] == "critical" for r in want["regressions"])
            self.check_oracle(base, cand, rc=1 if crit else 0)



class Upstream(harness.TempDirTest):
    """result.json equals the real upstream perfreg_v2 output byte for byte (tests/perftracker/upstream/,
    provenance there): Python's repr of every number, numpy's rounding where upstream's figures are numpy
    scalars, Python's round() for consistency, the order of regressions[] on exact ties."""

    def result_of(self, base, cand):
        paths = []
        for job in (base, cand):
            p = os.path.join(self.tmp, f"job-{job['id']}.json")
            with open(p, "w") as f:
                json.dump(job, f)
            paths.append(p)
        self.ok(["load", "perftracker"] + paths)
        out = os.path.join(self.tmp, f"out-{base['id']}")
        r = harness.run(["perftracker", str(base["id"]), str(cand["id"]), "--out", out, "--upstream-direction",
                         "--charts", "none"], db=self.db)
        self.assertIn(r.rc, (0, 1), repr(r))
        with open(os.path.join(out, "result.json"), encoding="utf-8") as f:
            return f.read()

    def oracle(self, name):
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "upstream", f"{name}.result_v2.json"),
                  encoding="utf-8") as f:
            return f.read()

    def test_rounding_pair_byte_for_byte(self):
        got = self.result_of(*pt_jobs.rounding_pair())
        self.assertEqual(got, self.oracle("rounding_pair"))
        doc = json.loads(got)
        self.assertEqual([r["endpoint"] for r in doc["regressions"][:2]], ["GET /api/b", "GET /api/a"])
        self.assertEqual(doc["regressions"][-1]["worst_window"]["median_degradation_pct"], 20.1)   # numpy
        self.assertIn('"GET /api/caf\\u00e9"', got)

    def test_long_curve_pair_byte_for_byte(self):
        self.assertEqual(self.result_of(*pt_jobs.long_curve_pair(2000)), self.oracle("long_curve_pair"))

    def test_big_pair_byte_for_byte(self):
        got = self.result_of(*pt_jobs.big_pair(10000))
        self.assertEqual(got, self.oracle("big_pair"))
        self.assertEqual(json.loads(got)["summary"]["regressions_detected"], 453)

    def test_fixture_byte_for_byte(self):
        with open(os.path.join(DATA, "html_job_as_json_baseline.json")) as f:
            base = json.load(f)
        with open(os.path.join(DATA, "html_job_as_json_candidate.json")) as f:
            cand = json.load(f)
        with open(os.path.join(DATA, "result_v2.json"), encoding="utf-8") as f:
            want = f.read()
        self.assertEqual(self.result_of(base, cand), want)


class Report(harness.TempDirTest):
    """--charts N|all|none and the report title."""

    def load(self, base, cand):
        paths = []
        for job in (base, cand):
            p = os.path.join(self.tmp, f"job-{job['id']}.json")
            with open(p, "w") as f:
                json.dump(job, f)
            paths.append(p)
        self.ok(["load", "perftracker"] + paths)

    def report(self, extra, out="out"):
        out = os.path.join(self.tmp, out)
        r = harness.run(["perftracker", "11", "12", "--out", out] + extra, db=self.db)
        return r, out

    def test_charts_top_all_none(self):
        self.load(*pt_jobs.rounding_pair())   # 6 regressions
        for flag, want in (([], 6), (["--charts", "2"], 2), (["--charts", "all"], 6), (["--charts", "none"], 0)):
            r, out = self.report(flag, out="o" + "".join(flag))
            self.assertEqual(r.rc, 1, repr(r))   # critical regressions found
            pngs = sorted(f for f in os.listdir(out) if f.endswith(".png"))
            self.assertEqual(len(pngs), want, flag)
            with open(os.path.join(out, "report.md")) as f:
                md = f.read()
            for name in pngs:
                self.assertIn(f"({name})", md)
            if want < 6:
                self.assertIn(f"Charts: the {want} worst of 6 regressions (--charts all draws every one).", md)
        self.assertEqual(sorted(f[:3] for f in os.listdir(os.path.join(self.tmp, "o--charts2")) if f.endswith(".png")),
                         ["01_", "02_"])
        r, _ = self.report(["--charts", "many"])
        self.assertEqual(r.rc, 2, repr(r))
        self.assertIn("--charts", r.err)

    def test_title_pairs_each_product_with_its_version(self):
        base, cand = pt_jobs.rounding_pair()
        cand["product_name"] = "GRPM-NG"
        self.load(base, cand)
        r, out = self.report(["--charts", "none"])
        if r.rc not in (0, 1) or not os.path.exists(os.path.join(out, "report.md")):
            r, out = self.report(["--charts", "none", "--force"])   # issue 12: mismatched products need --force
        with open(os.path.join(out, "report.md")) as f:
            first = f.readline()
        self.assertEqual(first, "# Performance regression report: GRPM 2.0-1 vs GRPM-NG 2.1-7\n")
        r = harness.sqlite3_shell(self.db, "SELECT title FROM pt_result;")
        self.assertEqual(r.out.strip(), "GRPM 2.0-1 vs GRPM-NG 2.1-7")

    def test_title_same_product(self):
        self.load(*pt_jobs.rounding_pair())
        r, out = self.report(["--charts", "none"])
        with open(os.path.join(out, "report.md")) as f:
            self.assertEqual(f.readline(), "# Performance regression report: GRPM 2.0-1 vs 2.1-7\n")

if __name__ == "__main__":
    harness.main()
