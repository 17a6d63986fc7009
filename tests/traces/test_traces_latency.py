"""Scheduling delays as `perf sched latency` counts them, lost events, pipe input, perf's own names
for non-tracepoint events, perfwhiz's -t, traces diff and task-map warnings.

Oracles (perf 6.1.187, tests/data/traces/PROVENANCE.md):
  - <capture>.latency.txt = `perf sched latency -p -i <capture>.data` for the committed captures;
  - on a machine that allows it (root, perf, md5sum), a busy capture recorded by the test itself
    (three `md5sum /dev/zero` burners + `perf bench sched messaging`, >= 300k events) and perf's
    output on it, printed in the same run;
  - lost.data (perf record -m 1 on a busy machine) and `perf script --show-lost-events` on it;
  - cpuclock.data (perf record -e cpu-clock -e page-faults) and `perf script` on it.
"""
import os
import re
import resource
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

D = os.path.join(harness.DATA, "traces")


def parse_latency(text):
    """perf sched latency -p rows -> {tid: (comm, switches, avg_ms, max_ms)}."""
    out = {}
    for line in text.splitlines():
        parts = line.split("|")
        if len(parts) < 5 or "avg:" not in parts[3]:
            continue
        name = parts[0].strip()
        comm, _, tid = name.rpartition(":")
        if not tid.isdigit():
            continue
        out[int(tid)] = (comm, int(parts[2]), float(parts[3].split("avg:")[1].split("ms")[0]),
                         float(parts[4].split("max:")[1].split("ms")[0]))
    return out


def can_record():
    return (os.geteuid() == 0 and shutil.which("perf") and shutil.which("md5sum")
            and subprocess.run(["perf", "bench", "sched", "messaging", "-g", "1", "-l", "1"],
                               capture_output=True).returncode == 0)


def run_stdin(args, db, data):
    """The CLI with binary standard input -> (rc, stderr)."""
    p = subprocess.run([harness.PERFSQL, "-d", db] + args, input=data, capture_output=True)
    return p.returncode, p.stderr.decode(errors="replace")


def cli_rows(db, sql):
    """Rows of a query through the CLI (parameterized reports need the extension), as CSV text fields."""
    import csv
    import io
    r = harness.run(["sql", "--format", "csv", sql], db=db)
    assert r.rc == 0, repr(r)
    return [tuple(row) for row in csv.reader(io.StringIO(r.out))][1:]


class LatencyTest(harness.TempDirTest):
    def assert_matches_latency(self, db, perf, what):
        """Every task perf prints: same count, avg and max delay to perf's printed µs; and no other."""
        mine = {tid: (n, avg, mx) for tid, n, avg, mx in self.query(
            "SELECT tid, waits, avg_wait_ns, max_wait_ns FROM task_summary WHERE waits > 0", db=db)}
        self.assertGreater(len(perf), 5, what)
        for tid, (comm, n, avg, mx) in perf.items():
            self.assertTrue(tid in mine, f"{what}: {comm}:{tid} missing")
            got = mine[tid]
            # perf prints ns / 1e6 with %.3f: equal to the printed µs
            self.assertEqual((got[0], round(got[1] / 1e6, 3), round(got[2] / 1e6, 3)), (n, avg, mx),
                             f"{what}: {comm}:{tid}")
        self.assertEqual(sorted(set(mine) - set(perf)), [], what)

    def test_waits_match_perf_sched_latency_fixtures(self):
        for name in ("kvm_a", "kvm_b"):
            db = os.path.join(self.tmp, name + ".db")
            self.ok(["--quiet", "load", "perf", os.path.join(D, name + ".data"), "--name", name], db=db)
            with open(os.path.join(D, name + ".latency.txt")) as f:
                self.assert_matches_latency(db, parse_latency(f.read()), name)
            # causes are the documented ones; a preempted wait starts at the switch-out
            causes = dict(self.query("SELECT cause, count(*) FROM sched_wait WHERE wait IS NOT NULL GROUP BY 1",
                                     db=db))
            self.assertTrue(set(causes) <= {"wakeup", "preempt", "first"}, causes)
            self.assertGreater(causes.get("wakeup", 0), 0)
            self.assertEqual(self.query("SELECT count(*) FROM sched_wait WHERE cause = 'preempt' "
                                        "AND (runnable_ts <> last_out OR last_state <> 'R')", db=db), [(0,)])
            self.assertEqual(self.query("SELECT count(*) FROM sched_wait WHERE wait < 0 OR off_cpu < 0", db=db),
                             [(0,)])

    @unittest.skipUnless(can_record(), "needs root, perf, md5sum and perf bench")
    def test_busy_capture_matches_perf_sched_latency(self):
        """A capture recorded here on a busy machine: per task, perfsql's waits = perf's, and the pipe
        load of the same stream gives the same rows with bounded memory."""
        data = os.path.join(self.tmp, "busy.data")
        burners = [subprocess.Popen(["md5sum", "/dev/zero"], stdout=subprocess.DEVNULL) for _ in range(3)]
        try:
            events = 0
            for loops in (400, 1200):
                subprocess.run(["perf", "record", "-q", "-a", "-m", "8192", "-e", "sched:*", "-o", data, "--",
                                "perf", "bench", "sched", "messaging", "-g", "10", "-l", str(loops)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                stat = subprocess.run(["perf", "report", "-i", data, "--stat"], capture_output=True,
                                      text=True).stdout
                events = sum(int(n) for n in re.findall(r"^\s+SAMPLE events:\s+(\d+)", stat, re.M)[:1])
                if events >= 300000:
                    break
        finally:
            for b in burners:
                b.kill()
                b.wait()
        self.assertGreaterEqual(events, 300000)
        lat = subprocess.run(["perf", "sched", "latency", "-p", "-i", data], capture_output=True, text=True,
                             check=True).stdout
        db = os.path.join(self.tmp, "busy.db")
        self.ok(["--quiet", "load", "perf", data, "--name", "busy"], db=db)
        (lost,), = self.query("SELECT lost_events FROM capture", db=db)
        if lost:
            self.skipTest(f"the kernel lost {lost} events even with -m 8192: perf counts across the losses")
        self.assertGreaterEqual(self.query("SELECT event_count FROM capture", db=db)[0][0], 300000)
        self.assert_matches_latency(db, parse_latency(lat), "busy capture")
        # md5sum is preempted: its waits start at switch-outs in state R
        self.assertGreater(self.query("SELECT count(*) FROM sched_wait w JOIN trace_task t USING (capture_id, tid) "
                                      "WHERE t.comm = 'md5sum' AND w.cause = 'preempt'", db=db)[0][0], 0)
        # a live pipe: perf record -o - | perfsql load perf -, the stream kept by tee; loading the kept
        # file gives the same rows, and the pipe load's memory stays bounded
        kept, pdb, fdb = (os.path.join(self.tmp, n) for n in ("live.pipe", "pipe.db", "file.db"))
        wrapper = ("import resource,subprocess,sys;r=subprocess.run(sys.argv[1:]);"
                   "print(r.returncode,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        sh = (f"perf record -q -o - -a -e 'sched:*' -- perf bench sched messaging -g 10 -l 100 2>/dev/null "
              f"| tee {kept} | {sys.executable} -c '{wrapper}' {harness.PERFSQL} -d {pdb} --quiet load perf - "
              f"--name live")
        p = subprocess.run(["sh", "-c", sh], capture_output=True, text=True)
        rc, rss_kb = p.stdout.split()
        self.assertEqual(rc, "0", p.stderr)
        self.ok(["--quiet", "load", "perf", kept, "--name", "live"], db=fdb)
        self.assertEqual(self.query("SELECT pipe_mode, path FROM capture", db=pdb), [(1, "-")])
        q = "SELECT tid, waits, wait_ns, max_wait_ns, run_ns FROM task_summary ORDER BY tid"
        self.assertEqual(self.query(q, db=pdb), self.query(q, db=fdb))
        self.assertGreater(os.path.getsize(kept), 1 << 20)
        self.assertLess(int(rss_kb) / 1024, 512, "peak RSS of the pipe load (MB)")

    def test_losses_are_reported_and_excluded(self):
        data = os.path.join(D, "lost.data")
        db = os.path.join(self.tmp, "lost.db")
        r = self.ok(["load", "perf", data, "--name", "lossy"], db=db)
        want = []
        with open(os.path.join(D, "lost.lost.txt")) as f:
            for line in f:
                m = re.match(r"\s*\[(\d+)\]\s+(\d+)\.(\d+): PERF_RECORD_LOST lost (\d+)", line)
                want.append((int(m.group(1)), int(m.group(2)) * 1000000 + int(m.group(3)), int(m.group(4))))
        got = self.query("SELECT cpu, end_ts, lost FROM trace_loss ORDER BY end_ts, cpu", db=db)
        self.assertEqual(sorted((c, e // 1000, n) for c, e, n in got), sorted(want))
        total = sum(n for _, _, n in want)
        self.assertEqual(self.query("SELECT lost_events FROM capture", db=db), [(total,)])
        self.assertIn(f"lost {total} events in {len(want)} ranges", r.err)
        # ranges are well formed, and nothing spans one
        self.assertEqual(self.query("SELECT count(*) FROM trace_loss WHERE start_ts > end_ts", db=db), [(0,)])
        checks = {
            "negative": "SELECT count(*) FROM sched_slice WHERE dur < 0 UNION ALL "
                        "SELECT count(*) FROM sched_wait WHERE wait < 0 OR off_cpu < 0 UNION ALL "
                        "SELECT count(*) FROM run_scatter WHERE dur_us < 0",
            "slice across a loss of its cpu":
                "SELECT count(*) FROM sched_slice s JOIN trace_loss l ON l.capture_id = s.capture_id "
                "AND l.cpu = s.cpu AND s.ts <= l.end_ts AND s.end_ts >= l.start_ts",
            "wait across a loss":
                "SELECT count(*) FROM sched_wait w JOIN trace_loss l ON l.capture_id = w.capture_id "
                "AND ((w.wait IS NOT NULL AND w.runnable_ts <= l.end_ts AND w.ts >= l.start_ts) OR "
                "(w.off_cpu IS NOT NULL AND w.last_out <= l.end_ts AND w.ts >= l.start_ts))",
        }
        for what, sql in checks.items():
            self.assertEqual(sum(n for n, in self.query(sql, db=db)), 0, what)
        # ... and some spans were left out because of them (the capture has events around the losses)
        self.assertGreater(self.query("SELECT count(*) FROM sched_wait WHERE last_state IS NOT NULL "
                                      "AND off_cpu IS NULL", db=db)[0][0], 0)
        rep = self.ok(["traces", "report", "lossy"], db=db)
        self.assertIn(f"lost {total} events in {len(want)} ranges", rep.err)
        self.assertEqual(cli_rows(db, "SELECT lost_events, lost_ranges FROM capture_window('lossy', NULL, NULL)"),
                         [(str(total), str(len(want)))])

    def test_non_tracepoint_events_keep_perf_names(self):
        db = os.path.join(self.tmp, "cc.db")
        self.ok(["--quiet", "load", "perf", os.path.join(D, "cpuclock.data"), "--name", "cc"], db=db)
        want = {}
        with open(os.path.join(D, "cpuclock.script.txt")) as f:
            for line in f:
                name = line.split()[-1].rstrip(":")
                want[name] = want.get(name, 0) + 1
        self.assertEqual(dict(self.query("SELECT event, count(*) FROM trace_event GROUP BY event", db=db)), want)
        self.assertEqual(self.query("SELECT DISTINCT system FROM trace_event", db=db), [("perf",)])

    def test_pipe_input(self):
        db = os.path.join(self.tmp, "p.db")
        with open(os.path.join(D, "pipe.data"), "rb") as f:
            rc, err = run_stdin(["load", "perf", "-", "--name", "p"], db, f.read())
        self.assertEqual(rc, 0, err)
        fdb = os.path.join(self.tmp, "f.db")
        self.ok(["--quiet", "load", "perf", os.path.join(D, "pipe.data"), "--name", "p"], db=fdb)
        q = "SELECT ts, cpu, tid, comm, event, args FROM trace_event ORDER BY id"
        self.assertEqual(self.query(q, db=db), self.query(q, db=fdb))
        self.assertEqual(self.query("SELECT path, pipe_mode FROM capture", db=db), [("-", 1)])
        # a file-mode perf.data on stdin: one line, exit 1, nothing loaded
        with open(os.path.join(D, "kvm_a.data"), "rb") as f:
            rc, err = run_stdin(["load", "perf", "-", "--name", "q"], db, f.read())
        self.assertEqual(rc, 1)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn("not a perf pipe stream", err)
        # a truncated stream: one line naming the byte offset, database unchanged
        with open(os.path.join(D, "pipe.data"), "rb") as f:
            rc, err = run_stdin(["load", "perf", "-", "--name", "t"], db, f.read()[:-100])
        self.assertEqual(rc, 1)
        self.assertRegex(err, r"^perfsql: -: byte offset \d+: ")
        self.assertEqual(self.query("SELECT name FROM capture", db=db), [("p",)])


class TaskFilterDiffTest(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        self.ok(["--quiet", "load", "perf", os.path.join(D, "kvm_syn.data"), "--name", "syn", "--map",
                 os.path.join(D, "tmap.csv")])

    def threads(self, *args):
        r = self.ok(["sql", "--format", "csv", "SELECT thread FROM task_summary_window('syn', NULL, NULL, "
                     + ", ".join(args) + ")"])
        return [l for l in r.out.splitlines()[1:]]

    def test_regex_like_perfwhiz(self):
        names = dict(self.query("SELECT label, name FROM trace_task WHERE capture = 'syn'"))
        every = self.threads("NULL", "NULL")
        self.assertGreater(len(every), 3)
        self.assertEqual(self.threads("'*vcpu0'", "NULL"), self.threads("'.*vcpu0'", "NULL"))
        self.assertEqual([names[t] for t in self.threads("'*vcpu0'", "NULL")], ["Firewall.05.vcpu0"])
        self.assertEqual(self.threads("'vcpu0'", "NULL"), [])          # anchored at the start
        self.assertEqual(self.threads("'Firewall'", "NULL"), self.threads("'Fire.*'", "NULL"))
        self.assertEqual(self.threads("'Fire*'", "1"), self.threads("'Firewall'", "NULL"))
        self.assertEqual(self.threads("'Fire'", "1"), [])               # a GLOB matches the whole name
        (tid,), = self.query("SELECT tid FROM trace_task WHERE capture = 'syn' AND name = 'Firewall.05.vcpu0'")
        self.assertEqual(self.threads(f"'{tid}'", "NULL"), ["Firewall.05.vcpu0"])
        r = self.fails(["traces", "report", "syn", "-t", "(unclosed"], rc=2)
        self.assertIn("bad regular expression '(unclosed'", r.err)
        r = self.ok(["traces", "report", "syn", "-t", "*vcpu*", "--glob"])
        self.assertIn("Firewall.05.vcpu0", r.out)
        # threads that share a comm stay apart (keyed comm:tid)
        self.assertEqual(self.query("SELECT count(*) FROM trace_task WHERE capture = 'syn' "
                                    "GROUP BY label HAVING count(*) > 1"), [])

    def test_diff_rates_and_one_sided_tasks(self):
        self.ok(["--quiet", "load", "perf", os.path.join(D, "kvm_a.data"), "--name", "a"])
        png = os.path.join(self.tmp, "diff.png")
        r = self.ok(["traces", "diff", "a", "syn", "--png", png])
        with open(png, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        rows = [(n, s, float(bp) if bp else None, op, float(bs) if bs else None) for n, s, bp, op, bs in cli_rows(
            self.db, "SELECT name, status, base_pct_core, other_pct_core, base_switches_s FROM capture_diff('a', 'syn')")]
        status = {n: s for n, s, *_ in rows}
        self.assertIn("only in other", status.values())          # the task-map names exist only in syn
        self.assertIn("only in other", r.out)
        # % of one core and switches per second from task_summary and the capture span
        want = {n: (round(p, 2), round(s, 1)) for n, p, s in self.query(
            "SELECT t.name, 100.0 * sum(t.run_ns) / (c.end_ts - c.start_ts), sum(t.sched_in) * 1e9 / "
            "(c.end_ts - c.start_ts) FROM task_summary t JOIN capture c ON c.id = t.capture_id "
            "WHERE c.name = 'a' GROUP BY t.name")}
        for n, s, bp, op, bs in rows:
            if s != "only in other":
                self.assertEqual((bp, bs), want[n], n)

    def test_task_map_matching_nothing_warns(self):
        csv = os.path.join(self.tmp, "other.csv")
        with open(csv, "w") as f:
            f.write("999991,,vcpu0,,,1,Nowhere\n")
        r = self.ok(["load", "taskmap", csv, "--capture", "syn"])
        self.assertIn(f"task map {csv}: none of its 1 tids occurs in capture 'syn'", r.err)
        # the map of the run it was made for: no warning (kvm_syn.data is kvm_a.data plus KVM samples)
        self.ok(["--quiet", "load", "perf", os.path.join(D, "kvm_a.data"), "--name", "a"])
        r = self.ok(["load", "taskmap", os.path.join(D, "tmap.csv"), "--capture", "a"])
        self.assertNotIn("warning", r.err)
        r = self.ok(["load", "taskmap", csv, "--capture", "later"])
        self.assertIn(f"task map {csv} is for capture 'later', which is not loaded", r.err)


if __name__ == "__main__":
    harness.main()
