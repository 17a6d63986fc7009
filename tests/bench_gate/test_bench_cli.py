"""End-to-end tests of `perfsql load bench` and `perfsql bench ...` on the bundled samples.

Expected values are the samples' own numbers (read independently by Python's json/csv
modules) and hand-checked thresholds; the database is read back with Python's sqlite3
(no extension)."""
import csv
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

D = os.path.join(harness.DATA, "bench")


def data(name):
    return os.path.join(D, name)


class LoadBench(harness.TempDirTest):
    def test_gbench_rows_match_the_file(self):
        self.ok(["load", "bench", data("gbench_o2.json"), "--label", "main", "--commit", "c0ffee"])
        with open(data("gbench_o2.json")) as f:
            doc = json.load(f)
        want = {}
        for b in doc["benchmarks"]:
            agg = b.get("aggregate_name") if b["run_type"] == "aggregate" else None
            rep = b.get("repetition_index", 0) if agg is None else 0
            want[(b["run_name"] + ":real_time", rep, agg)] = b["real_time"]
            for k in ("bytes_per_second", "fib_per_second"):
                if k in b:
                    want[(b["run_name"] + ":" + k, rep, agg)] = b[k]
        got = {(m, r, a): v for m, r, a, v in
               self.query("SELECT metric, repetition, aggregate, value FROM bench_value "
                          "WHERE metric LIKE '%:real_time' OR metric LIKE '%per_second'")}
        self.assertEqual(set(got), set(want))
        for k, v in want.items():
            self.assertAlmostEqual(got[k], v, delta=abs(v) * 1e-12)
        run = self.query("SELECT label, git_commit, host, format, run_at FROM bench_run")
        self.assertEqual(run[0][:4], ("main", "c0ffee", doc["context"]["host_name"], "gbench-json"))
        self.assertEqual(run[0][4], doc["context"]["date"][:19] + "Z")

    def test_non_strict_tokens_errors_and_aggregates(self):
        self.ok(["load", "bench", data("gbench_special.json"), "--label", "x"])
        rows = dict(((m, a), (v, e)) for m, a, v, e in
                    self.query("SELECT metric, aggregate, value, error FROM bench_value"))
        self.assertIsNone(rows[("BM_Div/0:real_time", None)][0])             # NaN -> NULL
        self.assertEqual(rows[("BM_Div/0:cpu_time", None)][0], float("inf"))  # Infinity
        self.assertEqual(rows[("BM_Div/0:ratio", None)][0], float("-inf"))    # -Infinity
        self.assertEqual(rows[("BM_Open:real_time", None)], (None, "cannot open /dev/null2"))
        self.assertEqual(rows[("BM_Copy/64:bytes_per_second", "mean")][0], 5.12e9)
        self.assertEqual(rows[("BM_Copy/64:real_time", "cv")][0], 0.04)
        # the string in the context keeps its text
        ctx = json.loads(self.query("SELECT context FROM bench_run")[0][0])
        self.assertEqual(ctx["note"], "strings keep their NaN and Infinity text")
        self.assertEqual(self.query("SELECT run_at, host FROM bench_run")[0], ("2026-02-01T08:30:00Z", "ci-runner-7"))
        # only the mean aggregate is a sample when a run has no iterations
        self.assertEqual(self.query("SELECT metric, value FROM bench_sample WHERE metric LIKE 'BM_Copy%' ORDER BY metric"),
                         [("BM_Copy/64:bytes_per_second", 5.12e9), ("BM_Copy/64:cpu_time", 12.25),
                          ("BM_Copy/64:real_time", 12.5)])

    def test_seed_json_and_csv(self):
        self.ok(["load", "bench", data("seed_baseline.json"), "--label", "baseline", "--host", "h1"])
        with open(data("seed_baseline.json")) as f:
            doc = json.load(f)
        got = dict(self.query("SELECT metric, value FROM bench_value"))
        self.assertEqual(got, {m["name"]: m["value"] for m in doc["metrics"].values()})
        self.assertEqual(self.query("SELECT run_at, git_commit, host, format FROM bench_run"),
                         [("2026-01-28T10:00:00Z", doc["metadata"]["git_commit"], "h1", "seed-json")])
        self.ok(["load", "bench", data("results.csv"), "--label", "csv", "--timestamp", "2026-03-01T00:00:00Z"])
        with open(data("results.csv")) as f:
            rows = list(csv.DictReader(f))
        got = self.query("SELECT metric, repetition, value, unit FROM bench_value v JOIN bench_run r ON r.id = v.run_id "
                         "WHERE r.label = 'csv' ORDER BY metric, repetition")
        want = sorted((r["name"], int(r["repetition"]), float(r["value"]), r["unit"]) for r in rows)
        self.assertEqual(got, want)

    def test_duplicate_load_is_a_noop(self):
        self.ok(["load", "bench", data("seed_baseline.json"), "--label", "b"])
        r = self.ok(["load", "bench", data("seed_baseline.json"), "--label", "b"])
        self.assertIn("already loaded", r.out)
        self.assertEqual(self.query("SELECT count(*) FROM bench_run"), [(1,)])
        self.assertEqual(self.query("SELECT count(*) FROM bench_value"), [(5,)])

    def bad(self, name, text, expect, args=()):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        self.ok(["load", "bench", data("results.csv"), "--label", "keep"])
        before = self.query("SELECT count(*) FROM bench_value")
        r = self.fails(["load", "bench", path, "--label", "l"] + list(args))
        self.assertIn(expect, r.err)
        self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)
        self.assertEqual(self.query("SELECT count(*) FROM bench_value"), before)
        self.assertEqual(self.query("SELECT count(*) FROM bench_run"), [(1,)])

    def test_truncated_json(self):
        with open(data("gbench_o2.json")) as f:
            text = f.read()
        self.bad("t.json", text[: len(text) // 2].rsplit(",", 1)[0], "unexpected end of input")

    def test_unterminated_string_has_line_and_column(self):
        self.bad("s.json", '{"benchmarks": [\n  {"name": "x}]}', "s.json:line 2, column 12: unterminated string")

    def test_bad_token_and_wrong_type(self):
        self.bad("k.json", '{"benchmarks": [\n {"name": "a", "real_time": bogus}]}', "line 2, column 29: unexpected token 'bogus'")
        self.bad("w.json", '{"benchmarks": [{"name": "a", "run_name": "a", "real_time": "12"}]}',
                 "benchmarks[0].real_time: not a number")
        self.bad("m.json", '{"metrics": {"a": {"name": "a", "value": "x"}}}', "metrics.a.value: not a number")
        self.bad("o.json", '{"other": 1}', "JSON without a 'benchmarks' array")
        self.bad("c.json", '{"benchmarks": [\n {"name": "a" "run_name": "a"}]}',
                 "c.json:line 2, column 15: expected ',' or '}', found a string")
        self.bad("e.json", '{"metrics": {"a": {"name": "a", "value": 1,}}}',
                 "e.json:line 1, column 44: expected a \"key\", found '}'")

    def test_bad_csv(self):
        self.bad("v.csv", "name,value,unit\nok,1,ms\nbad,12x,ms\n", "v.csv:line 3, column 5: value '12x' is not a number")
        self.bad("f.csv", "a,1\n", "f.csv:line 1: expected name,value,unit[,repetition], got 2 fields")
        self.bad("q.csv", '"open,1,ms\n', "q.csv:line 1: unterminated quoted field")

    def test_label_required(self):
        r = self.fails(["load", "bench", data("results.csv")], rc=2)
        self.assertIn("missing --label", r.err)


class CompareAndCheck(harness.TempDirTest):
    def test_compare_two_files_with_thresholds(self):
        r = self.ok(["bench", "compare", data("seed_baseline.json"), data("seed_current.json"),
                     "--thresholds", data("thresholds.yaml"), "--format", "json"])
        rows = {x["metric"]: x for x in json.loads(r.out)}
        self.assertFalse(os.path.exists(self.db), "two files are compared in memory")
        v = {m: (x["verdict"], x["threshold_pct"], x["better"]) for m, x in rows.items()}
        self.assertEqual(v, {
            "allocation_total_time": ("improvement", 10, "lower"),
            "allocation_throughput": ("improvement", 10, "higher"),
            "lookup_linear_scan_time": ("regression", 5, "lower"),      # "lookup_*": 5
            "lookup_arithmetic_time": ("unchanged", 20, "lower"),       # exact name beats the glob
            "transfer_1mb_bandwidth": ("unchanged", 25, "higher"),      # "transfer_1mb_*": -25 beats "*_bandwidth"
            "arena_reset_time": ("new", 10, "lower"),
        })
        self.assertAlmostEqual(rows["lookup_linear_scan_time"]["change_pct"], 100 * (540 - 487) / 487, places=9)
        self.assertIsNone(rows["lookup_linear_scan_time"]["p_value"])

    def test_check_report_and_exit_codes(self):
        r = self.fails(["bench", "check", "--baseline", data("seed_baseline.json"),
                        "--current", data("seed_current.json")])
        self.assertIn("❌ 2 regressions detected!", r.out)
        self.assertIn("transfer_1mb_bandwidth: -15.93% (threshold 10% (higher); 1 vs 1 repetitions: no U test;"
                      " judged on the threshold)", r.out)   # inferred better: higher
        self.assertIn("| lookup_linear_scan_time | 487 nanoseconds | 540 nanoseconds | +10.88% |", r.out)
        out = os.path.join(self.tmp, "report.md")
        r = self.ok(["bench", "check", "--baseline", data("seed_baseline.json"), "--current",
                     data("seed_baseline.json"), "--output", out])
        self.assertIn("✅ No regressions detected!\n\nAll metrics within acceptable thresholds.", r.out)
        with open(out) as f:
            self.assertEqual(f.read(), r.out)

    def test_ci_fails_on_missing_metric_and_writes_step_summary(self):
        summary = os.path.join(self.tmp, "summary.md")
        args = ["bench", "check", "--baseline", data("seed_current.json"), "--current", data("seed_current.json")]
        self.ok(args + ["--ci"], env={"GITHUB_STEP_SUMMARY": summary})
        with open(summary) as f:
            self.assertIn("No regressions detected", f.read())
        args = ["bench", "check", "--baseline", data("seed_current.json"), "--current", data("seed_baseline.json"),
                "--thresholds", data("thresholds.yaml")]
        r = self.run_rc(args + ["--ci"])
        self.assertEqual(r.rc, 1, repr(r))
        self.assertIn("1 metric missing from the current run", r.out)

    def run_rc(self, args):
        return harness.run(args, db=self.db)

    def test_stored_runs_by_label_and_id(self):
        self.ok(["load", "bench", data("seed_baseline.json"), "--label", "main"])
        self.ok(["load", "bench", data("seed_current.json"), "--label", "main"])   # later run, same label
        r = self.ok(["bench", "compare", "1", "main", "--format", "csv"])
        self.assertIn("lookup_linear_scan_time", r.out)
        r = self.fails(["bench", "compare", "main", "nosuch"])
        self.assertIn("nosuch: neither a file nor a stored run", r.err)
        # a file against a stored run is recorded under --label
        self.ok(["bench", "compare", "main", data("results.csv"), "--label", "pr-1"])
        self.assertEqual(self.query("SELECT label FROM bench_run ORDER BY id"), [("main",), ("main",), ("pr-1",)])

    def test_u_test_decides_only_where_it_can_reach_alpha(self):
        # the smallest two-sided p at nx vs ny (no ties) is 2 / C(nx + ny, nx): below 0.05 from
        # 2 vs 8, 3 vs 5, 4 vs 4 on; below that the threshold (and the noise rule) decide
        def run(path, n, level):
            with open(path, "w") as f:
                f.write("".join(f"t,{level + 0.01 * i},ms,{i}\n" for i in range(n)))
            return path
        cases = [(2, 7, "threshold"), (2, 8, "U test"), (3, 4, "threshold"), (3, 5, "U test"), (4, 4, "U test"),
                 (1, 10, "threshold"), (5, 1, "threshold")]
        for nb, nc, want in cases:
            with self.subTest(nb=nb, nc=nc):
                b = run(os.path.join(self.tmp, "b.csv"), nb, 100.0)
                c = run(os.path.join(self.tmp, "c.csv"), nc, 150.0)
                row = json.loads(self.ok(["bench", "compare", b, c, "--format", "json"]).out)[0]
                self.assertEqual((row["judged_by"], row["verdict"]), (want, "regression"), row)
                if want == "U test":
                    self.assertLess(row["p_value"], 0.05)
                    self.assertNotIn("cannot reach", row["note"] or "")
                elif nb > 1 and nc > 1:
                    self.assertIn(f"{nb} vs {nc} repetitions: U test cannot reach p<0.05; judged on the threshold",
                                  row["note"])
                else:
                    self.assertIn(f"{nb} vs {nc} repetitions: no U test; judged on the threshold", row["note"])

    def test_thresholds_errors_have_line_and_column(self):
        cases = [
            ("default: {threshold_pct: 10\nmetrics: [", "line 2, column"),
            ("default: {threshold_pct: -3}\n", "t.yaml:line 1, column 26: threshold_pct must be a number >= 0"),
            ("metrics:\n  a: {better: faster}\n", "t.yaml:line 2, column 15: better must be 'lower' or 'higher'"),
            ("defaults: 10\n", "t.yaml:line 1, column 1: unknown key 'defaults'"),
            ("metrics:\n  a: 5\n  a: 6\n", "t.yaml:line 3, column 3: duplicate rule for 'a'"),
            ("noise_k: -1\n", "t.yaml:line 1, column 10: noise_k must be a number in [0, 100]"),
        ]
        for text, want in cases:
            with self.subTest(text=text):
                path = os.path.join(self.tmp, "t.yaml")
                with open(path, "w") as f:
                    f.write(text)
                r = self.fails(["bench", "compare", data("seed_baseline.json"), data("seed_current.json"),
                                "--thresholds", path])
                self.assertIn(want, r.err)
                self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)


class History(harness.TempDirTest):
    def test_history_finds_the_step(self):
        # 40 runs of one label, loaded out of order; 'latency' steps up by 30 % at run 24
        for i in reversed(range(40)):
            path = os.path.join(self.tmp, f"r{i}.csv")
            level = 100.0 if i < 24 else 130.0
            noise = ((i * 37) % 11 - 5) * 0.2
            with open(path, "w") as f:
                f.write(f"latency,{level + noise},ms\nstable,{50 + noise},ms\n")
            self.ok(["load", "bench", path, "--label", "nightly", "--timestamp",
                     f"2026-01-{1 + i // 24:02d}T{i % 24:02d}:00:00Z", "--commit", f"c{i:02d}"])
        rows = self.query_ext("SELECT metric, pos, git_commit, mean_before, mean_after, pvalue < 0.001 FROM bench_history")
        lat = [100.0 + ((i * 37) % 11 - 5) * 0.2 for i in range(24)] + [130.0 + ((i * 37) % 11 - 5) * 0.2 for i in range(24, 40)]
        self.assertEqual(len(rows), 1, rows)
        metric, pos, commit, before, after, sig = rows[0]
        self.assertEqual((metric, pos, commit, sig), ("latency", 25, "c24", 1))
        self.assertAlmostEqual(before, sum(lat[:24]) / 24, places=9)
        self.assertAlmostEqual(after, sum(lat[24:]) / 16, places=9)
        r = self.ok(["bench", "history", "--format", "csv"])
        self.assertIn("nightly,latency,25,", r.out)
        r = self.ok(["bench", "history", "--window", "20", "--metric", "lat*", "--format", "csv"])
        self.assertIn("nightly,latency,25,", r.out)
        self.history_controls(lat)
        # the HTML report: comparison + history charts with the change point marked
        html = os.path.join(self.tmp, "r.html")
        # run 40 is the first nightly (loaded last), the label's latest run is run 1
        self.ok(["bench", "report", "--html", html, "--baseline", "40", "--current", "nightly", "--history", "nightly"])
        with open(html) as f:
            page = f.read()
        self.assertIn("Regressions detected", page)
        self.assertIn("<td>latency</td><td>ms</td>", page)
        self.assertIn("History of", page)
        self.assertIn("<h3>latency</h3>", page)
        self.assertGreaterEqual(page.count("data:image/png;base64,"), 4)   # bars, speedup, 2 histories
        r = self.fails(["bench", "report", "--baseline", "1"], rc=2)
        self.assertIn("--html", r.err)

    def history_controls(self, lat):
        """Otava's controls (--since/--until/--last, --pvalue, --magnitude, --window) select the
        runs and tune the detector; each result equals changepoints() on the same sub-series."""
        def hist(*args):
            r = self.ok(["bench", "history", "--label", "nightly", "--metric", "latency", "--format", "json"] + list(args))
            return [(x["pos"], x["git_commit"], x["mean_before"], x["mean_after"], x["change_pct"]) for x in json.loads(r.out)]

        def oracle(first, last, *opts):   # positions first..last (1-based), straight through changepoints()
            pts = json.dumps([[p, lat[p - 1]] for p in range(first, last + 1)])
            args = ", ".join(["?"] * (1 + len(opts)))
            return [(k, f"c{k - 1:02d}", b, a, c) for k, b, a, c in self.query_ext_params(
                f"SELECT key, mean_before, mean_after, change_pct FROM changepoints({args})", [pts] + list(opts))]

        full = hist()
        self.assertEqual([r[0] for r in full], [25])
        self.assertEqual(full, oracle(1, 40))
        self.assertAlmostEqual(full[0][4], 100 * (full[0][3] / full[0][2] - 1), places=9)
        self.assertEqual(hist("--magnitude", "0.5"), [])                 # a 30 % step is below 50 %
        self.assertEqual(hist("--magnitude", "0.2"), oracle(1, 40, 50, 0.001, 0.2))
        self.assertEqual(hist("--last", "10"), [])                       # runs 31..40: one level
        self.assertEqual(hist("--last", "20"), oracle(21, 40))
        # run i ran at 2026-01-01T<i>:00 (i < 24), then 2026-01-02
        self.assertEqual(hist("--since", "2026-01-01T20:00:00Z"), oracle(21, 40))
        self.assertEqual(hist("--until", "2026-01-01T20:00:00Z"), [])    # runs 1..20: before the step
        self.assertEqual(hist("--since", "2026-01-01T10:00:00Z", "--until", "2026-01-02T05:00:00Z", "--window", "8",
                              "--pvalue", "0.01"), oracle(11, 29, 8, 0.01))   # runs 10..28
        self.assertEqual(hist("--pvalue", "1e-30"), oracle(1, 40, 50, 1e-30))
        r = self.fails(["bench", "history", "--window", "1"], rc=2)
        self.assertIn("--window must be an integer in 2..1000", r.err)
        r = self.fails(["bench", "history", "--pvalue", "0"], rc=2)
        self.assertIn("--pvalue must be a number in (0, 1]", r.err)

    def query_ext_params(self, sql, params):
        r = harness.python_with_ext(
            f"con = sqlite3.connect(':memory:'); load(con)\n"
            f"print(json.dumps(con.execute({sql!r}, {tuple(params)!r}).fetchall()))\n")
        self.assertEqual(r.rc, 0, repr(r))
        return [tuple(x) for x in json.loads(r.out)]

    def query_ext(self, sql):
        r = harness.python_with_ext(
            f"con = sqlite3.connect({self.db!r}); load(con)\nprint(json.dumps(con.execute({sql!r}).fetchall()))\n")
        self.assertEqual(r.rc, 0, repr(r))
        return [tuple(x) for x in json.loads(r.out)]


if __name__ == "__main__":
    harness.main()
