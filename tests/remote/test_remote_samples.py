"""Every real sample file (tests/data/remote/raw, copied from the reference data: netperf
outputs in all their forms, iperf3 -J from 3.1.3 to 3.16 including the error object, the
framework's monitor and timing logs) loads to its documented values. Expected figures are
the numbers printed in the files (netperf, timing, monitors) or what Python's json module
reads from them (iperf3)."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
import rutil  # noqa: E402

RAW = os.path.join(harness.DATA, "remote", "raw")
TS = "20251021_141238"

NETPERF = {
    # file: (form, min, mean, max, stddev, p50, p90, p99, rate, throughput, units)
    "latency_tcp_rr.framework_sample.txt": ("csv", 55, 112.59, 19236, None, None, None, None, None, None, None),
    "tcp_crr_csv_with_confidence_banner.txt": ("csv", 41, 56.63, 848, 11.14, None, None, None, 17730.719, None, None),
    # real netperf 2.7.1 runs on 127.0.0.1, stdout verbatim (tests/data/remote/PROVENANCE.md): the -O forms
    # have four header rows, whitespace-only where a title needs fewer lines
    "netperf-2.7.1_tcp_rr_O_min_mean_p99.txt": ("human", 22, 78.69, None, None, None, None, 283, None, None, None),
    "netperf-2.7.1_udp_stream_O_throughput.txt": ("human", None, None, None, None, None, None, None, None,
                                                  32533.58, "10^6bits/s"),
    "netperf-2.7.1_tcp_rr_k.txt": ("keyval", 16, 79.75, 4123, None, None, None, None, 12487.191, None, None),
    "netperf-2.7.1_tcp_rr_default.txt": ("classic", None, None, None, None, None, None, None, 8099.57, None, None),
    "tcp_rr_csv_demo_build_stddev_rate.txt": ("csv", 64081, 75600.31, 166938, 13199.22, None, None, None, 13.218,
                                               None, None),
    "tcp_rr_csv_min_mean_max_p50_p90_p99_rate_tput_units.txt": ("csv", 4, 14.49, 6655, None, 13, 17, 33, 68492.367,
                                                                 68492.37, "Trans/s"),
    "tcp_rr_default_classic_output.txt": ("classic", None, None, None, None, None, None, None, 2504.92, None, None),
    "tcp_rr_default_classic_output_trailing_spaces.txt": ("classic", None, None, None, None, None, None, None,
                                                          43642.12, None, None),
    "tcp_stream_csv_same_selectors.txt": ("csv", 0, 1.44, 819, None, 1, 3, 4, 1.0, 88361.62, "10^6bits/s"),
}


class SamplesTest(harness.TempDirTest):
    def query(self, sql, db=None):
        # views call perfsql's functions: read through the extension
        return rutil.vquery(db or self.db, sql)

    def place(self, case, rel, src=None, text=None):
        path = os.path.join(self.root, rel.replace("{case}", case))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if src:
            shutil.copy(src, path)
        else:
            with open(path, "w") as f:
                f.write(text)
        return path

    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.tmp, "iteration_001")
        self.case_of = {}
        cr = "host-client/performance-test-results/ebpf/{case}/host/client_results"
        for i, f in enumerate(sorted(NETPERF) + ["netperf_no_netserver_error.txt"], 1):
            case = f"netperf_case_{i}_tcp_rx_9d5e19"
            self.case_of[f] = case
            self.place(case, f"{cr}/latency/tcp_rr_{TS}/latency_tcp_rr.txt", os.path.join(RAW, "netperf", f))
        for i, f in enumerate(sorted(os.listdir(os.path.join(RAW, "iperf3"))), 1):
            case = f"iperf_case_{i}_udp_tx_1deecb"
            self.case_of[f] = case
            self.place(case, f"{cr}/throughput/single_{TS}/throughput_single_tcp.json", os.path.join(RAW, "iperf3", f))
        mon = "host-server/performance-test-results/ebpf/{case}/host/ebpf_monitoring"
        m = os.path.join(RAW, "monitoring")
        self.place("mon_case_1_tcp_tx_0388a9", f"{mon}/ebpf_resource_monitor_{TS}.log",
                   os.path.join(m, "ebpf_resource_monitor_pidstat_format1.sample.log"))
        self.place("mon_case_1_tcp_tx_0388a9", f"{mon}/ebpf_logsize_monitor_{TS}.log",
                   os.path.join(m, "ebpf_logsize_monitor.sample.log"))
        # Format 2 (12-hour clock, %wait): the verbatim data line under the monitor header
        with open(os.path.join(m, "pidstat_format2_ampm_with_wait.sample.txt")) as f:
            line = [x for x in f.read().splitlines() if x.strip() and not x.startswith("#")][0]
        self.place("mon_case_2_tcp_tx_0388a9", f"{mon}/ebpf_resource_monitor_{TS}.log",
                   text="# START_DATETIME: 2025-10-21 23:18:30.123  START_EPOCH: 1761088710  "
                        "INTERVAL: 2s  PID: 933091\n" + line + "\n")
        self.place("mon_case_1_tcp_tx_0388a9", f"{cr}/throughput/single_{TS}/throughput_single_timing.log",
                   os.path.join(m, "throughput_single_timing.sample.log"))
        self.place("mon_case_1_tcp_tx_0388a9", f"{cr}/throughput/multi_4_{TS}/"
                   "throughput_multi_stream_1_port_5001_timing.log",
                   os.path.join(m, "throughput_multi_stream_1_port_5001_timing.sample.log"))
        self.place("mon_case_1_tcp_tx_0388a9", f"{cr}/pps/single_{TS}/pps_single_timing.log",
                   os.path.join(m, "pps_single_timing.sample.log"))

    def load(self):
        r = self.ok(["load", "remote", self.root, "--iteration", "1", "--keep-going"])
        return r

    def test_netperf_forms(self):
        r = self.load()
        err_case = self.case_of["netperf_no_netserver_error.txt"]
        self.assertIn(f"{err_case}/host/client_results/latency/tcp_rr_{TS}/latency_tcp_rr.txt:line 1: "
                      "netperf could not reach netserver", r.err)
        for f, want in NETPERF.items():
            got = self.query("SELECT form, min_us, mean_us, max_us, stddev_us, p50_us, p90_us, p99_us, trans_rate, "
                             "throughput, throughput_units FROM remote_latency l JOIN remote_file f ON f.id = "
                             f"l.file_id WHERE f.case_name = '{self.case_of[f]}'")
            self.assertEqual(got, [want], f)
        self.assertEqual(self.query("SELECT count(*) FROM remote_skipped")[0][0], 1)

    def test_iperf3_shapes(self):
        self.load()
        for f, case in self.case_of.items():
            if not f.endswith(".json"):
                continue
            with open(os.path.join(RAW, "iperf3", f)) as fh:
                doc = json.load(fh)
            end = doc["end"]
            want_bps = (end.get("sum_sent") or end.get("sum") or {}).get("bits_per_second")
            want_recv = (end.get("sum_received") or {}).get("bits_per_second")
            got = self.query("SELECT bps_sent, bps_received, error, protocol, blksize, lost_packets, jitter_ms "
                             "FROM remote_iperf i JOIN remote_file f ON f.id = i.file_id "
                             f"WHERE f.case_name = '{case}'")
            ts = doc.get("start", {}).get("test_start", {})
            self.assertEqual(got, [(want_bps, want_recv, doc.get("error"), ts.get("protocol"), ts.get("blksize"),
                                    end.get("sum", {}).get("lost_packets"), end.get("sum", {}).get("jitter_ms"))], f)
        # documented values
        q = "SELECT bps_sent FROM remote_iperf i JOIN remote_file f ON f.id = i.file_id WHERE f.case_name = ?"
        import sqlite3
        con = sqlite3.connect(self.db)
        self.assertEqual(con.execute(q, (self.case_of["iperf3_3.1.3_udp_client_k10000.json"],)).fetchone()[0],
                         834711189.017002)          # UDP 3.1.3: end.sum (no sum_sent)
        self.assertEqual(con.execute(q, (self.case_of["iperf3_3.16_udp_END_OBJECT_ONLY.json"],)).fetchone()[0],
                         1667402400.2921805)        # UDP 3.16: end.sum_sent
        self.assertEqual(con.execute(q, (self.case_of["iperf3_3.6_tcp_client_real.json"],)).fetchone()[0],
                         629259064.78804326)
        self.assertEqual(con.execute("SELECT error FROM remote_iperf WHERE error IS NOT NULL").fetchall(),
                         [("error - unable to connect to server: Connection refused",)])
        con.close()

    def test_monitors_and_timing(self):
        self.load()
        self.assertEqual(
            self.query("SELECT m.pid, m.interval_s, m.start_datetime, m.start_epoch, m.layout FROM remote_monitor m "
                       "JOIN remote_file f ON f.id = m.file_id WHERE f.kind = 'pidstat' ORDER BY f.case_name"),
            [(47899, 2, "2025-10-21 22:12:39.672278096", 1761055959, "epoch"),
             (933091, 2, "2025-10-21 23:18:30.123", 1761088710, "clock12")])
        self.assertEqual(
            self.query("SELECT ts, usr_pct, system_pct, cpu_pct, minflt_s, vsz_kb, rss_kb, mem_pct, command, wait_pct "
                       "FROM remote_pidstat ORDER BY file_id, line"),
            [(1761055961, 84.0, 7.0, 91.0, 8292.0, 356276, 146004, 0.03, "python2", None),
             (1761055963, 4.5, 15.5, 20.0, 75.0, 359164, 146992, 0.03, "python2", None),
             (1761088710, 27.36, 1.0, 28.36, 1567.16, 411996, 115192, 0.02, "python3", 70.65)])
        self.assertEqual(self.query("SELECT ts, size_bytes FROM remote_logsize ORDER BY line"),
                         [("2025-10-21 22:12:40.118987", 0), ("2025-10-21 22:12:42.221254", 0),
                          ("2025-10-21 22:12:44.278388", 0)])
        self.assertEqual(self.query("SELECT watched FROM remote_monitor WHERE watched IS NOT NULL")[0][0],
                         "/home/smartx/lcc/performance-test-results/ebpf/system_network_performance_case_6_tcp_tx_"
                         "0388a9/host/ebpf_output_20251021_141238.log")
        self.assertEqual(
            self.query("SELECT window, start_time, end_time FROM remote_test_window ORDER BY window"),
            [("pps_single", "2025-10-21 14:13:41.966", "2025-10-21 14:13:54.085"),
             ("throughput_multi", "2025-10-21 14:04:50.169", "2025-10-21 14:05:02.638"),
             ("throughput_single", "2025-10-21 14:12:43.774", "2025-10-21 14:12:53.890")])
        self.assertEqual(self.query("SELECT process_start FROM remote_timing WHERE test_name LIKE "
                                    "'throughput_multi%'"), [("2025-10-21 14:04:49.933",)])
        g = self.query("SELECT samples, final_bytes, final_human, growth_bytes FROM remote_log_growth")
        self.assertEqual(g, [(3, 0, "0B", 0)])

    def test_functions_match_python(self):
        import random
        rnd = random.Random(7)
        xs = [rnd.uniform(-1e6, 1e6) for _ in range(300)] + [2.675, 0.125, 0.375, 1e16, 1.5e-5, 123.0, 0.1, -0.0]
        rows = harness.python_with_ext(
            "con = sqlite3.connect(':memory:'); load(con)\n"
            f"xs = {xs!r}\n"
            "print(json.dumps([con.execute('SELECT remote_pystr(?1), remote_round(?1, 2), remote_pystr(remote_round(?1, 1))',"
            " (x,)).fetchone() for x in xs]))\n")
        self.assertEqual(rows.rc, 0, rows)
        got = json.loads(rows.out)
        for x, (s, r2, s1) in zip(xs, got):
            self.assertEqual(s, repr(x))
            self.assertEqual(r2, round(x, 2))
            self.assertEqual(s1, repr(round(x, 1)))
        hb = harness.python_with_ext(
            "con = sqlite3.connect(':memory:'); load(con)\n"
            "print(json.dumps([con.execute('SELECT remote_human_bytes(?)', (n,)).fetchone()[0] for n in "
            "[0, 500, 1024, 721408, 1147465, 5 * 1024 ** 3, 3 * 1024 ** 4]]))\n")
        self.assertEqual(json.loads(hb.out), ["0B", "500.0B", "1.0KB", "704.5KB", "1.1MB", "5.0GB", "3.0TB"])


if __name__ == "__main__":
    harness.main()
