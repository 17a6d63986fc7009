"""Real outputs made here by the real tools, read back by an independent parser.

iperf3 (server and clients on 127.0.0.1, -J: TCP, UDP, -P 2, two stream processes and a
64-byte PPS run) and pidstat (sysstat, -h -u -r, watching a busy process while the iperf3
tests run) write files into a result tree laid out like the framework's; the figures
perfsql loads and derives (bits/s, Gbps, PPS, per-window CPU and RSS) must equal what
Python's json module and a regex parse of the same files give.
"""
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
import rutil  # noqa: E402

HAVE = shutil.which("iperf3") and shutil.which("pidstat")
CASE = "realtool_case_1_tcp_rx_9d5e19"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def now_ms():
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def bps_of(doc):
    end = doc["end"]
    return (end.get("sum_sent") or end["sum"])["bits_per_second"]


@unittest.skipUnless(HAVE, "iperf3 and pidstat (sysstat) are needed: .ci/packages/test-remote.txt")
class RealToolsTest(harness.TempDirTest):
    def query(self, sql, db=None):
        # views call perfsql's functions: read through the extension
        return rutil.vquery(db or self.db, sql)

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.td = tempfile.TemporaryDirectory(prefix="perfsql-realtools-")
        cls.root = os.path.join(cls.td.name, "iteration_001")
        cls.files = {}
        cls.make_tree()

    @classmethod
    def tearDownClass(cls):
        cls.td.cleanup()

    @classmethod
    def iperf(cls, port, path, *args):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        for attempt in range(20):
            p = subprocess.run(["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", "1", "-J", *args],
                               capture_output=True, text=True, timeout=60)
            doc = json.loads(p.stdout)
            if "error" not in doc or "busy" not in doc["error"]:
                break
            time.sleep(0.2)
        with open(path, "w") as f:
            f.write(p.stdout)
        cls.files[path] = doc
        return doc

    @classmethod
    def timed(cls, timing_path, single, fn):
        start = now_ms()
        fn()
        end = now_ms()
        os.makedirs(os.path.dirname(timing_path), exist_ok=True)
        with open(timing_path, "w") as f:
            if single:
                f.write(f"Test: throughput_single_tcp\nStart: {start}\nEnd: {end}\n")
            else:
                f.write(f"Test: x_stream_process_1_port_5001\nProcess_Start: {start}\nActual_Launch: {start}\n"
                        f"Test_End: {end}\n")

    @classmethod
    def make_tree(cls):
        r = cls.root
        ports = [free_port(), free_port()]
        servers = [subprocess.Popen(["iperf3", "-s", "-B", "127.0.0.1", "-p", str(p)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
        busy = subprocess.Popen([sys.executable, "-c",
                                 "import time\nt=time.time()\nx=[]\n"
                                 "while time.time()-t<14:\n    x.append(1)\n    x=x[-100000:]\n"])
        try:
            time.sleep(0.5)
            mon = f"{r}/host-server/performance-test-results/ebpf/{CASE}/host/ebpf_monitoring"
            os.makedirs(mon, exist_ok=True)
            cls.pidstat_path = f"{mon}/ebpf_resource_monitor_20251022_102530.log"
            start = dt.datetime.now()
            with open(cls.pidstat_path, "w") as f:
                f.write("# eBPF Resource Monitoring - CPU and Memory statistics using pidstat\n")
                f.write(f"# START_DATETIME: {start.strftime('%Y-%m-%d %H:%M:%S.%f')}  START_EPOCH: "
                        f"{int(start.timestamp())}  INTERVAL: 1s  PID: {busy.pid}\n")
                f.flush()
                pid = subprocess.Popen(["pidstat", "-h", "-u", "-r", "-p", str(busy.pid), "1", "11"],
                                       stdout=f, env=dict(os.environ, LC_ALL="C"))
            with open(f"{r}/host-server/performance-test-results/ebpf/{CASE}/host/ebpf_start_20251022_102530.log",
                      "w") as f:
                f.write("Starting eBPF case 1: sleep 14\nCommand: sleep 14\n")
            cr = f"{r}/host-client/performance-test-results/ebpf/{CASE}/host/client_results"
            br = f"{r}/host-client/performance-test-results/baseline/host/client_results"
            p0 = ports[0]
            # throughput single (TCP) for the case and the baseline
            d = f"{cr}/throughput/single_20251022_102530"
            cls.timed(f"{d}/throughput_single_timing.log", True,
                      lambda: cls.iperf(p0, f"{d}/throughput_single_tcp.json", "-l", "65520"))
            cls.iperf(p0, f"{br}/throughput/single_20251022_102530/throughput_single_tcp.json", "-l", "65520")
            # throughput multi: two stream processes (one with -P 2) on two ports
            d = f"{cr}/throughput/multi_2_20251022_102530"

            def multi():
                cls.iperf(ports[0], f"{d}/throughput_multi_stream_1_port_{ports[0]}.json", "-P", "2")
                cls.iperf(ports[1], f"{d}/throughput_multi_stream_2_port_{ports[1]}.json")
            cls.timed(f"{d}/throughput_multi_stream_1_port_{ports[0]}_timing.log", False, multi)
            # pps: 64-byte TCP writes at a target rate, and a UDP run
            d = f"{cr}/pps/single_20251022_102530"
            cls.timed(f"{d}/pps_single_timing.log", False,
                      lambda: cls.iperf(p0, f"{d}/pps_single_tcp.json", "-l", "64", "-b", "50M"))
            cls.iperf(p0, f"{br}/pps/single_20251022_102530/pps_single_tcp.json", "-l", "64", "-b", "60M")
            d = f"{cr}/pps/multi_1_20251022_102530"
            cls.timed(f"{d}/pps_multi_stream_1_port_{p0}_timing.log", False,
                      lambda: cls.iperf(p0, f"{d}/pps_multi_stream_1_port_{p0}.json", "-u", "-b", "20M",
                                        "-l", "1200"))
            pid.wait(timeout=60)
        finally:
            for s in servers:
                s.terminate()
                s.wait()
            busy.kill()
            busy.wait()

    def setUp(self):
        super().setUp()
        self.ok(["--quiet", "load", "remote", self.root, "--iteration", "1"])

    def test_iperf3_figures_equal_python_json(self):
        rows = self.query("SELECT f.path, i.bps_sent, i.bps_received, i.protocol, i.blksize, i.num_streams, "
                          "i.retransmits, i.error FROM remote_iperf i JOIN remote_file f ON f.id = i.file_id")
        self.assertEqual(len(rows), len(self.files))
        by_path = {os.path.join(self.root, r[0]): r for r in rows}
        protocols = set()
        for path, doc in self.files.items():
            r = by_path[path]
            self.assertIsNone(r[7], path)
            self.assertEqual(r[1], bps_of(doc), path)
            recv = doc["end"].get("sum_received")
            self.assertEqual(r[2], recv["bits_per_second"] if recv else None)
            self.assertEqual(r[3], doc["start"]["test_start"]["protocol"])
            self.assertEqual(r[4], doc["start"]["test_start"]["blksize"])
            self.assertEqual(r[5], doc["start"]["test_start"]["num_streams"])
            protocols.add(r[3])
        self.assertEqual(protocols, {"TCP", "UDP"})
        self.assertIn(2, [r[5] for r in rows])                     # the -P 2 run

    def test_stream_sums_gbps_and_pps(self):
        def docs(sub):
            return [d for p, d in self.files.items() if f"/ebpf/{CASE}/" in p and sub in p]
        multi = docs("/throughput/multi_2_")
        total = sum(bps_of(d) for d in multi)
        row = self.query("SELECT streams, bps, gbps FROM remote_stream_run WHERE scope = 'ebpf' "
                         "AND test_type = 'throughput' AND kind = 'multi'")[0]
        self.assertEqual(row[0], 2)
        self.assertAlmostEqual(row[1], total, delta=total * 1e-12)
        self.assertEqual(row[2], round(total / 1e9, 2))
        single = docs("/pps/single_")[0]
        pps = int(bps_of(single) / (single["start"]["test_start"]["blksize"] * 8))
        base = [d for p, d in self.files.items() if "/baseline/" in p and "/pps/" in p][0]
        bpps = int(bps_of(base) / (base["start"]["test_start"]["blksize"] * 8))
        got = self.query("SELECT pps, baseline, diff_pct FROM remote_pps_compare WHERE kind = 'single'")[0]
        self.assertEqual(got[:2], (pps, bpps))
        self.assertEqual(got[2], round((pps - bpps) / bpps * 100, 2))

    def test_pidstat_samples_and_windows_equal_regex_parse(self):
        with open(self.pidstat_path) as f:
            text = f.read()
        m = re.search(r"START_DATETIME:\s*(\S+ \S+)\s+START_EPOCH:\s*(\d+)\s+INTERVAL:\s*(\d+)s", text)
        ref_dt = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
        ref_epoch, interval = int(m.group(2)), int(m.group(3))
        header = None
        samples = []
        first = None
        for line in text.splitlines():
            if line.startswith("#") and "Time" in line and "UID" in line:
                header = line[1:].split()
                continue
            if not line.strip() or line.startswith("#") or line.startswith("Linux") or line.startswith("Average"):
                continue
            tok = line.split()
            row = dict(zip(header, tok))
            h, mi, s = map(int, row["Time"].split(":"))
            sod = h * 3600 + mi * 60 + s
            first = sod if first is None else first
            d = sod - first
            samples.append((ref_epoch + (d + 86400 if d < 0 else d), float(row["%CPU"]), int(row["RSS"]),
                            int(row["VSZ"])))
        self.assertGreaterEqual(len(samples), 8, text)
        got = self.query("SELECT ts, cpu_pct, rss_kb, vsz_kb FROM remote_pidstat ORDER BY line")
        self.assertEqual(got, samples)
        self.assertGreater(max(s[1] for s in samples), 10.0)     # the busy loop shows up

        def epoch(t):
            return int(ref_epoch + (dt.datetime.strptime(t, "%Y-%m-%d %H:%M:%S.%f") - ref_dt).total_seconds())
        windows = {}
        base = f"{self.root}/host-client/performance-test-results/ebpf/{CASE}/host/client_results"
        for sub, name in (("throughput/single_20251022_102530", "throughput_single"),
                          ("throughput/multi_2_20251022_102530", "throughput_multi"),
                          ("pps/single_20251022_102530", "pps_single"),
                          ("pps/multi_1_20251022_102530", "pps_multi")):
            d = os.path.join(base, sub)
            log = [f for f in os.listdir(d) if f.endswith("_timing.log")][0]
            with open(os.path.join(d, log)) as f:
                kv = dict(line.split(": ", 1) for line in f.read().splitlines())
            s = kv.get("Start") or kv["Actual_Launch"]
            e = kv.get("End") or kv["Test_End"]
            lo, hi = epoch(s) + interval, epoch(e) + interval
            inside = [x for x in samples if lo <= x[0] <= hi]
            windows[name] = (len(inside),
                             round(sum(x[1] for x in inside) / len(inside), 2) if inside else None,
                             max(x[1] for x in inside) if inside else None,
                             max(x[2] for x in inside) if inside else None)
        got = {r[0]: tuple(r[1:]) for r in self.query(
            "SELECT window, samples, cpu_avg, cpu_max, rss_max_kb FROM remote_resource_window")}
        self.assertEqual(got, windows)
        self.assertTrue(any(w[0] for w in windows.values()))


if __name__ == "__main__":
    harness.main()
