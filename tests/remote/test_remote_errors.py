"""Malformed files: one-line error naming the file and the line, exit 1, database unchanged;
--keep-going loads the rest, records and lists what it skipped."""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gen_tree  # noqa: E402
import harness  # noqa: E402
import rutil  # noqa: E402

REPORTS = os.path.join(harness.DATA, "remote", "framework_output")


class ErrorsTest(harness.TempDirTest):
    def query(self, sql, db=None):
        # views call perfsql's functions: read through the extension
        return rutil.vquery(db or self.db, sql)

    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.tmp, "iteration_001")
        gen_tree.from_reports(REPORTS, self.root, 1, ["system_network_performance"])
        self.ok(["--quiet", "init"])

    def one(self, pattern):
        return sorted(glob.glob(os.path.join(self.root, pattern), recursive=True))[0]

    def rel(self, path):
        return os.path.relpath(path, self.tmp)

    def assert_unchanged(self):
        self.assertEqual(self.query("SELECT count(*) FROM source")[0][0], 0)
        self.assertEqual(self.query("SELECT count(*) FROM remote_file")[0][0], 0)

    def fails_with(self, needle):
        r = self.fails(["load", "remote", self.root, "--iteration", "1"])
        self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)
        self.assertIn(needle, r.err)
        self.assert_unchanged()
        return r

    def test_truncated_json(self):
        p = self.one("**/throughput_single_tcp.json")
        with open(p) as f:
            text = f.read()
        with open(p, "w") as f:
            f.write(text[: len(text) // 2])
        n = text[: len(text) // 2].count("\n") + (0 if text[len(text) // 2 - 1] == "\n" else 1)
        self.fails_with(f"{os.path.basename(p)}:line {n}: invalid or truncated JSON")

    def test_text_before_and_after_json(self):
        p = self.one("**/pps_single_tcp.json")
        with open(p) as f:
            text = f.read()
        with open(p, "w") as f:
            f.write("iperf3: warning: something\n" + text)
        self.fails_with(f"{os.path.basename(p)}:line 1: not JSON")
        with open(p, "w") as f:
            f.write(text + "iperf3: interrupt - the client has terminated\n")
        self.fails_with(f"{os.path.basename(p)}:line {text.count(chr(10)) + 1}: text after the iperf3 -J document")
        lines = text.splitlines(True)
        lines.insert(40, "iperf3: warning: interleaved by 2>&1\n")
        with open(p, "w") as f:
            f.write("".join(lines))
        self.fails_with(f"{os.path.basename(p)}:line 41: not JSON (a line of other text inside")

    def test_bad_timing_pidstat_netperf(self):
        p = self.one("**/throughput_single_timing.log")
        with open(p, "w") as f:
            f.write("Test: throughput_single_tcp\nStart: 2025-10-22 10:3x:09.798\nEnd: 2025-10-22 10:35:14.927\n")
        self.fails_with(f"{self.rel(p)}:line 2: bad timestamp")
        with open(p, "w") as f:
            f.write("Test: throughput_single_tcp\nStart: 2025-10-22 10:35:09.798\nEnd: 2025-10-22 10:35:14.927\n")
        p = self.one("**/ebpf_resource_monitor_*.log")
        with open(p) as f:
            lines = f.read().splitlines()
        bad = next(i for i, x in enumerate(lines) if x.startswith(" 1"))
        lines[bad] = lines[bad].rsplit(None, 3)[0]
        with open(p, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.fails_with(f"{self.rel(p)}:line {bad + 1}: pidstat row has")

    def test_keep_going_lists_and_records_skipped(self):
        total = len([f for f in glob.glob(os.path.join(self.root, "**/*"), recursive=True) if os.path.isfile(f)])
        bad = [self.one("**/latency_tcp_rr.txt"), self.one("**/pps_multi_stream_2_port_5002.json")]
        with open(bad[0], "w") as f:
            f.write("MIGRATED TCP REQUEST/RESPONSE TEST from 0.0.0.0 (0.0.0.0) port 0 AF_INET\n")
        with open(bad[1], "w") as f:
            f.write("{\"start\": {}, \"end\": {\"sum_sent\": {\"bits_per_second\": 1\n")
        r = self.ok(["load", "remote", self.root, "--iteration", "1", "--keep-going"])
        self.assertIn("skipped 2 malformed files", r.err)
        for b in bad:
            self.assertIn(os.path.relpath(b, self.root), r.err)
        skipped = self.query("SELECT path, error FROM remote_skipped ORDER BY path")
        self.assertEqual(sorted(s[0] for s in skipped), sorted(os.path.relpath(b, self.root) for b in bad))
        self.assertIn(":line 2: no netperf result", [s[1] for s in skipped if s[0].endswith(".txt")][0])
        loaded = self.query("SELECT count(*) FROM remote_file")[0][0]
        ignored = int(r.out.split("loaded, ")[1].split(" not used")[0])
        self.assertEqual(loaded + ignored + 2, total)
        # without --keep-going the same tree fails and leaves nothing
        r2 = run_other = self.fails(["load", "remote", self.root, "--iteration", "2"])
        self.assertIn(":line", run_other.err)
        self.assertEqual(self.query("SELECT count(DISTINCT source_id) FROM remote_file")[0][0], 1)
        del r2

    def test_bad_case_folder_and_empty_tree(self):
        bad = os.path.join(self.root, "host-server/performance-test-results/ebpf/not_a_case_dir/host/"
                                      "ebpf_start_20251022_102530.log")
        os.makedirs(os.path.dirname(bad))
        with open(bad, "w") as f:
            f.write("Command: true\n")
        self.fails_with("case folder 'not_a_case_dir' is not {tool}_case_{id}_{proto}_{dir}_{hash}")
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        r = self.fails(["load", "remote", empty, "--iteration", "1"])
        self.assertIn("no framework result files found", r.err)
        r = self.fails(["load", "remote", self.root], rc=2)
        self.assertIn("--iteration", r.err)

    def test_config_yaml_errors_and_reload(self):
        cfg = os.path.join(self.tmp, "cfg")
        os.makedirs(cfg)
        with open(os.path.join(cfg, "analysis.yaml"), "w") as f:
            f.write("thresholds:\n  latency_degradation_percent: 3.5\n  throughput_degradation_percent: [1\n")
        r = self.fails(["load", "remote-config", cfg])
        self.assertIn("analysis.yaml:line 4", r.err)
        self.assertEqual(self.query("SELECT count(*) FROM remote_config")[0][0], 0)
        with open(os.path.join(cfg, "analysis.yaml"), "w") as f:
            f.write("topics: {host: [a]}\nthresholds:\n  latency_degradation_percent: 3.5\n"
                    "  pps_degradation_percent: 7\nflag: yes\nname: '007'\nplain: 007\nnothing: ~\n")
        self.ok(["--quiet", "load", "remote-config", cfg])
        r = self.ok(["load", "remote-config", cfg])
        self.assertIn("already loaded", r.out)
        self.assertEqual(self.query("SELECT kind, doc FROM remote_config"),
                         [("analysis", '{"topics":{"host":["a"]},"thresholds":{"latency_degradation_percent":3.5,'
                                       '"pps_degradation_percent":7},"flag":true,"name":"007","plain":"007",'
                                       '"nothing":null}')])
        self.assertEqual(self.query("SELECT metric, percent, origin FROM remote_thresholds ORDER BY metric"),
                         [("latency", 3.5, "config"), ("pps", 7.0, "config"), ("throughput", 5.0, "default")])


if __name__ == "__main__":
    harness.main()
