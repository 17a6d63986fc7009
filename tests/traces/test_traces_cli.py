"""perfsql capture / capture --vm-map / traces report / traces diff / demo step.

Oracles: window sums recomputed in Python from the sched_switch rows that
perf script printed; PNGs checked by signature and size; the vm map against
/proc of a process the test starts itself.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

D = os.path.join(harness.DATA, "traces")
SYN = os.path.join(D, "kvm_syn.data")
KVM_C = os.path.join(harness.SRC, "tests", "traces", "kvm_exits.c")
PNG = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == PNG, path
    return struct.unpack(">II", head[16:24])


def switches_from_script(path):
    """(ts_ns, cpu, prev_pid) of every sched_switch line of perf script (µs resolution)."""
    out = []
    rx = re.compile(r"\[(\d+)\]\s+(\d+)\.(\d+):\s+sched:sched_switch: .*?prev_pid=(\d+)")
    with open(path) as f:
        for line in f:
            m = rx.search(line)
            if m:
                out.append(((int(m.group(2)) * 1000000 + int(m.group(3))) * 1000, int(m.group(1)),
                            int(m.group(4))))
    return out


class TracesCliTest(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ok(["--quiet", "load", "perf", SYN, "--name", "syn", "--map", os.path.join(D, "tmap.csv")])

    def test_report_writes_dashboards(self):
        out = os.path.join(self.tmp, "dash")
        html = os.path.join(self.tmp, "d.html")
        r = self.ok(["traces", "report", "syn", "--out", out, "--html", html])
        for name in ("cpu", "switches", "coremap", "heatmap", "runs_scatter", "waits_scatter", "locality",
                     "kvm_exits", "kvm_heatmap", "kvm_scatter"):
            w, h = png_size(os.path.join(out, name + ".png"))
            self.assertGreaterEqual(w, 600, name)
        with open(html) as f:
            page = f.read()
        self.assertEqual(page.count("data:image/png;base64,"), 10)
        self.assertIn("Firewall.05.vcpu0", page)
        self.assertIn("KVM exit statistics", page)
        # the printed table equals the task_summary view over the whole capture
        lines = [l for l in r.out.splitlines() if re.match(r"^\S.*\s\d+\s+[\d.]+\s", l)]
        self.assertTrue(lines)
        mine = {t: (run, n) for t, run, n in self.query("SELECT tid, run_ns, sched_in FROM task_summary WHERE sched_in > 0")}
        seen = 0
        for l in lines:
            m = re.match(r"^(.*?)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s", l)
            tid, run_ms, n = int(m.group(2)), float(m.group(3)), int(m.group(5))
            self.assertEqual(n, mine[tid][1])
            self.assertAlmostEqual(run_ms, round(mine[tid][0] / 1e6, 3), places=3)
            seen += 1
        self.assertEqual(seen, len(mine))

    def test_report_window_and_task_filter(self):
        sw = switches_from_script(os.path.join(D, "kvm_syn.script.txt"))
        start = self.query("SELECT start_ts FROM capture")[0][0]
        lo, hi = start + 20_000_000, start + 120_000_000
        # independent run time per prev_pid: runs ending in [lo, hi], start = previous switch on the cpu
        last, want = {}, {}
        for ts, cpu, prev in sorted(sw):
            if cpu in last and prev != 0 and lo // 1000 * 1000 <= ts <= hi and ts >= lo - 1000:
                want[prev] = want.get(prev, 0) + ts - last[cpu]
            last[cpu] = ts
        r = self.ok(["traces", "report", "syn", "-f", "20", "-c", "100"])
        got = {}
        for l in r.out.splitlines():
            m = re.match(r"^(.*?)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s", l)
            if m:
                got[int(m.group(2))] = float(m.group(3))
        self.assertTrue(want)
        self.assertEqual(set(got), set(want))
        for tid, ns in want.items():
            self.assertAlmostEqual(got[tid], ns / 1e6, delta=0.003 + 0.001 * ns / 1e6)
        r = self.ok(["traces", "report", "syn", "-t", "Firewall*"])
        names = {l.split()[0] for l in r.out.splitlines()[2:] if l.strip()}
        self.assertEqual(names, {"Firewall.05.vcpu0", "Firewall.05.emulator"})

    def test_report_errors(self):
        r = self.fails(["traces", "report", "nope"])
        self.assertIn("no capture named 'nope'", r.err)
        r = self.fails(["traces", "report", "syn", "-f", "99999"])
        self.assertIn("past the end of capture 'syn'", r.err)
        self.fails(["traces", "report", "syn", "-c", "abc"], rc=2)
        self.fails(["traces", "bogus"], rc=2)

    def test_diff(self):
        self.ok(["--quiet", "load", "perf", os.path.join(D, "kvm_a.data"), "--name", "a"])
        r = self.ok(["traces", "diff", "a", "syn"])
        # same underlying capture: tasks of both sides unchanged; the task-map names are new in syn, and
        # the comms they replace are gone from it
        rows = [tuple(l.split(",")) for l in self.ok(["sql", "--format", "csv",
                "SELECT name, status, change_pp FROM capture_diff('a', 'syn')"]).out.splitlines()[1:]]
        self.assertTrue(rows)
        # the same run time over spans of different lengths (syn has KVM samples after a's end)
        span = {c: s for c, s in self.query("SELECT name, end_ts - start_ts FROM capture")}
        for n, bp, op in (tuple(l.split(",")) for l in self.ok(["sql", "--format", "csv",
                          "SELECT name, base_pct_core, other_pct_core FROM capture_diff('a', 'syn') "
                          "WHERE status = 'both' AND base_pct_core >= 1"]).out.splitlines()[1:]):
            self.assertAlmostEqual(float(op), float(bp) * span["a"] / span["syn"], delta=0.011, msg=n)
        self.assertIn(("Firewall.05.vcpu0", "only in other"), [(n, st) for n, st, _ in rows])
        self.assertIn("only in base", [st for _, st, _ in rows])
        self.assertIn("only in other", r.out)
        self.ok(["--quiet", "load", "perf", os.path.join(D, "kvm_b.data"), "--name", "b"])
        r = self.ok(["sql", "--format", "csv", "SELECT name, change_pct, severity FROM capture_diff('a', 'b') "
                     "WHERE name = 'sh'"])
        got = [tuple(l.split(",")) for l in r.out.splitlines()[1:]]
        got = [(n, float(p), s) for n, p, s in got]
        # rates: run time as % of one core over each capture's own span
        rate = {}
        for cap in ("a", "b"):
            run, span = self.query("SELECT sum(t.run_ns), c.end_ts - c.start_ts FROM task_summary t JOIN capture c "
                                   f"ON c.id = t.capture_id WHERE c.name = '{cap}' AND t.name = 'sh'")[0]
            rate[cap] = round(100.0 * run / span, 2)
        pct = round(100.0 * (rate["b"] - rate["a"]) / rate["a"], 2)
        sev = "critical" if pct >= 100 else "severe" if pct >= 50 else "moderate" if pct >= 15 else "none"
        self.assertAlmostEqual(got[0][1], pct, delta=0.05 + abs(pct) * 0.01)
        self.assertEqual(got[0][2], sev)

    def test_demo_step(self):
        out = os.path.join(self.tmp, "out")
        self.ok(["demo", "--out", out], db=os.path.join(self.tmp, "demo.db"))
        for name in ("dashboard.html", "cpu.png", "kvm_exits.png", "tasks.txt", "diff_kvm_a_kvm_b.txt",
                     "diff_kvm_a_kvm_b.png"):
            self.assertTrue(os.path.getsize(os.path.join(out, "traces", name)) > 100, name)

    # ---- capture ---------------------------------------------------------------------------------
    def build_kvm_exits(self, name="kvm_exits"):
        if not shutil.which("cc") or not os.path.exists("/dev/kvm"):
            self.skipTest("needs cc and /dev/kvm")
        exe = os.path.join(self.tmp, name)
        subprocess.run(["cc", "-O2", "-o", exe, KVM_C], check=True)
        return exe

    def test_capture_records_and_loads(self):
        if os.geteuid() != 0 or not shutil.which("perf"):
            self.skipTest("needs root and perf")
        exe = self.build_kvm_exits()
        work = subprocess.Popen([exe, "3000"], stdout=subprocess.DEVNULL,
                                env=dict(os.environ, KVM_EXITS_HOLD="0"))
        try:
            r = self.run_capture(["capture", "-s", "0.5", "-o", os.path.join(self.tmp, "c.data"), "fresh"])
        finally:
            work.wait()
        self.assertEqual(r.rc, 0, repr(r))
        n = self.query("SELECT event_count FROM capture WHERE name = 'fresh'")[0][0]
        self.assertEqual(n, self.query("SELECT count(*) FROM trace_event JOIN capture c ON c.id = capture_id "
                                       "WHERE c.name = 'fresh'")[0][0])
        events = {e for (e,) in self.query("SELECT DISTINCT event FROM trace_event")}
        self.assertIn("sched_switch", events)
        # perf script agrees on the count
        p = subprocess.run(["perf", "script", "-i", os.path.join(self.tmp, "c.data")], capture_output=True,
                           text=True)
        self.assertEqual(n, sum(1 for l in p.stdout.splitlines() if l.strip()))
        # --events: only those (a tracepoint the kernel lacks is reported and skipped)
        r = self.run_capture(["capture", "-s", "0.3", "--events", "sched:sched_switch,sched:no_such_event",
                              "-o", os.path.join(self.tmp, "e.data"), "only_switch"])
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("sched:no_such_event is not offered by this kernel", r.err)
        self.assertEqual(self.query("SELECT DISTINCT e.event FROM trace_event e JOIN capture c ON c.id = e.capture_id "
                                    "WHERE c.name = 'only_switch'"), [("sched_switch",)])

    def run_capture(self, args, env=None, prefix=()):
        cmd = list(prefix) + [harness.PERFSQL, "-d", self.db] + args
        p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **(env or {})), timeout=120)
        return harness.Result(p)

    def test_capture_errors(self):
        r = self.run_capture(["capture", "-s", "1", "x"], env={"PERF": "/nonexistent/perf"})
        self.assertEqual(r.rc, 1)
        self.assertIn("perf not found", r.err)
        with open("/proc/sys/kernel/perf_event_paranoid") as f:
            paranoid = f.read().strip()
        if os.geteuid() == 0 and shutil.which("setpriv") and paranoid != "-1":
            db = os.path.join(self.tmp, "nobody.db")
            os.chmod(self.tmp, 0o777)
            p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", harness.PERFSQL,
                                "-d", db, "capture", "-s", "1", "x"], capture_output=True, text=True,
                               env=dict(os.environ, PERF=shutil.which("perf") or "/usr/bin/perf"))
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("needs root, or kernel.perf_event_paranoid <= -1", p.stderr)
        self.assertEqual(self.run_capture(["capture", "-s", "zero", "x"]).rc, 2)

    def test_vm_map(self):
        exe = self.build_kvm_exits("qemu-system-x86_64")
        p = subprocess.Popen([exe, "10", "-name", "guest=testvm,debug-threads=on", "-uuid",
                              "8f0c6a4e-0000-4000-8000-000000000001"], stdout=subprocess.DEVNULL,
                             env=dict(os.environ, KVM_EXITS_HOLD="20"))
        try:
            for _ in range(100):  # until the vCPU thread is named
                with open(f"/proc/{p.pid}/comm") as f:
                    if f.read().strip() == "CPU 0/KVM":
                        break
                time.sleep(0.05)
            csv = os.path.join(self.tmp, "tmap.csv")
            r = self.run_capture(["capture", "--vm-map", "-o", csv])
            self.assertEqual(r.rc, 0, repr(r))
            with open(csv) as f:
                rows = [l.rstrip("\n").split(",") for l in f]
            mine = [row for row in rows if row[0] == str(p.pid)]
            self.assertEqual(len(mine), 1, rows)
            self.assertEqual(mine[0][1:5], ["testvm", "vcpu0", "8f0c6a4e-0000-4000-8000-000000000001", ""])
            self.assertEqual(mine[0][6], "testvm")
            # the file loads as a task map
            self.ok(["load", "taskmap", csv, "--capture", "syn"])
        finally:
            p.kill()
            p.wait()


if __name__ == "__main__":
    harness.main()
