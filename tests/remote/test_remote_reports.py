"""The framework's own reports as the oracle.

gen_tree.py rebuilds, from the framework's REAL report CSVs (tests/data/remote/framework_output,
committed by its authors), the raw files that produced them: netperf outputs, iperf3 -J
files, timing logs, pidstat and log-size monitors. Loading that tree and exporting it must
give back the same 20 CSV files byte for byte and the same overview Markdown (but its date).
The case matrix expanded in SQL from the real <env>-full.yaml must equal the real
<env>-cases.json (107 cases) byte for byte.
"""
import csv
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gen_tree  # noqa: E402
import harness  # noqa: E402
import rutil  # noqa: E402

REPORTS = os.path.join(harness.DATA, "remote", "framework_output")
CONFIG = os.path.join(harness.DATA, "remote", "config")
CASES = os.path.join(CONFIG, "os630-kernel-510-el7-nested", "os630-kernel-510-el7-nested-cases.json")


class ReportsTest(harness.TempDirTest):
    def query(self, sql, db=None):
        # views call perfsql's functions: read through the extension
        return rutil.vquery(db or self.db, sql)

    def setUp(self):
        super().setUp()
        # one topic is enough for most tests; the full five-topic tree for the byte comparison
        self.tree = os.path.join(self.tmp, "results", "iteration_001")
        self.n_cases = gen_tree.from_reports(REPORTS, self.tree, 1, ["system_network_performance"])

    def test_export_reproduces_real_reports(self):
        shutil.rmtree(self.tree)
        self.n_cases = gen_tree.from_reports(REPORTS, self.tree, 1)
        self.assertEqual(self.n_cases, 91)
        self.ok(["--quiet", "load", "remote", self.tree, "--iteration", "1"])
        out = os.path.join(self.tmp, "out")
        self.ok(["--quiet", "export", "remote", out, "--no-charts"])
        real = sorted(f for f in os.listdir(REPORTS))
        self.assertEqual(len([f for f in real if f.endswith(".csv")]), 20)
        for f in real:
            with open(os.path.join(REPORTS, f), "rb") as a, open(os.path.join(out, "iteration_001", f), "rb") as b:
                want, got = a.read(), b.read()
            if f.endswith(".md"):
                strip = lambda t: b"\n".join(x for x in t.split(b"\n") if not x.startswith(b"**Date:**"))
                want, got = strip(want), strip(got)
            self.assertEqual(got, want, f)
        # the resources CSV has the two header rows and 24 columns
        with open(os.path.join(out, "iteration_001", "system_network_performance_resources_iteration_001.csv"),
                  newline="") as fh:
            rows = list(csv.reader(fh))
        self.assertEqual({len(r) for r in rows}, {24})
        self.assertEqual(self.query("SELECT count(*) FROM remote_case")[0][0], self.n_cases)

    def test_reload_is_idempotent_and_iterations_coexist(self):
        self.ok(["--quiet", "load", "remote", self.tree, "--iteration", "1"])
        before = self.query("SELECT count(*) FROM remote_file")[0][0]
        r = self.ok(["load", "remote", self.tree, "--iteration", "1"])
        self.assertIn("already loaded", r.out)
        self.assertEqual(self.query("SELECT count(*) FROM remote_file")[0][0], before)
        self.ok(["--quiet", "load", "remote", self.tree, "--iteration", "2"])
        self.assertEqual(self.query("SELECT count(*) FROM remote_file")[0][0], 2 * before)
        # aggregation over two identical iterations: n = 2, stddev 0, same diff as one iteration
        rows = self.query("SELECT n, stddev, diff_pct FROM remote_iteration_stats WHERE "
                          "case_name = 'system_network_performance_case_10_tcp_tx_0388a9' "
                          "AND metric = 'tcp_rr_mean_us'")
        self.assertEqual(rows, [(2, 0.0, 21.76)])

    def test_case_matrix_matches_real_cases_json(self):
        self.ok(["--quiet", "load", "remote-config", CONFIG])
        out = os.path.join(self.tmp, "cases.json")
        self.ok(["--quiet", "export", "cases", out])
        with open(out, "rb") as a, open(CASES, "rb") as b:
            self.assertEqual(a.read(), b.read())
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(doc["metadata"]["total_cases"], 107)
        # protocol outer, direction inner
        self.assertEqual([c["parameters"] for c in doc["test_cases"][:4]],
                         [{"protocol": "tcp", "direction": "rx"}, {"protocol": "tcp", "direction": "tx"},
                          {"protocol": "udp", "direction": "rx"}, {"protocol": "udp", "direction": "tx"}])

    def test_thresholds_are_used(self):
        self.ok(["--quiet", "load", "remote", self.tree, "--iteration", "1"])
        q = ("SELECT verdict, threshold_pct FROM remote_latency_compare WHERE test = 'tcp_rr' AND "
             "case_name = 'system_network_performance_case_4_udp_tx_1deecb'")
        self.assertEqual(self.query(q), [("ok", 5.0)])          # +4.62 % with the default 5 %
        self.ok(["--quiet", "load", "remote-config", CONFIG])     # analysis config: 5.0 too
        self.assertEqual(self.query("SELECT origin FROM remote_thresholds WHERE metric='latency'")[0][0]
                         in ("config",), True)
        self.ok(["sql", "INSERT INTO remote_threshold_override VALUES ('latency', 4.0)"])
        self.assertEqual(self.query(q), [("degraded", 4.0)])
        q2 = ("SELECT verdict FROM remote_throughput_compare WHERE kind = 'single' AND "
              "case_name = 'system_network_performance_case_4_udp_tx_1deecb'")
        self.assertEqual(self.query(q2), [("degraded",)])      # -5.53 % < -5 %

    def test_latest_run_folder_is_reported(self):
        case = "system_network_performance_case_10_tcp_tx_0388a9"
        base = os.path.join(self.tree, "host-client/performance-test-results/ebpf", case, "host/client_results")
        old = os.path.join(base, "latency/tcp_rr_20251001_000000")
        os.makedirs(old)
        with open(os.path.join(old, "latency_tcp_rr.txt"), "w") as f:
            f.write(gen_tree.netperf_csv(1, 999.99, 5000))
        new = os.path.join(base, "latency/tcp_rr_20251231_235959")
        os.makedirs(new)
        with open(os.path.join(new, "latency_tcp_rr.txt"), "w") as f:
            f.write(gen_tree.netperf_csv(2, 80.67, 6000))
        self.ok(["--quiet", "load", "remote", self.tree, "--iteration", "1"])
        self.assertEqual(self.query("SELECT count(*) FROM remote_latency l JOIN remote_file f ON f.id = l.file_id "
                                    f"WHERE f.case_name = '{case}' AND f.conn = 'tcp_rr'")[0][0], 3)
        self.assertEqual(self.query("SELECT r.run_dir, c.mean_us, c.baseline_us, c.diff_pct FROM remote_latency_run r "
                                    "JOIN remote_latency_compare c USING (iteration, case_name, env, test) "
                                    f"WHERE r.case_name = '{case}' AND r.test = 'tcp_rr'"),
                         [("tcp_rr_20251231_235959", 80.67, 73.34, round((80.67 - 73.34) / 73.34 * 100, 2))])

    def test_charts_and_overview(self):
        self.ok(["--quiet", "load", "remote", self.tree, "--iteration", "1"])
        out = os.path.join(self.tmp, "out")
        self.ok(["--quiet", "export", "remote", out])
        with open(os.path.join(out, "charts", "overhead_system_network_performance.png"), "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        with open(os.path.join(out, "overview.md")) as f:
            md = f.read()
        self.assertIn("| system_network_performance_case_10_tcp_tx_0388a9 | host | 1 | 21.76", md)


if __name__ == "__main__":
    harness.main()
