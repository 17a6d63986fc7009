"""Loads never delete data the user did not name; failures leave nothing behind.

- a new perf.data at perf's default path is a new capture; a PerfTracker job.json
  re-downloaded to the same path is a new job; identical content is a no-op; only
  --replace drops an earlier load (for `load perf`, the capture called --name);
- kill -9 in the middle of a load leaves the database exactly as before, and usable;
- concurrent loads into one database all succeed (different content) or load once (same);
- `-d /missing/dir/x.db` creates no directory; a failed first load leaves no database;
  a file name with a newline keeps the error on one line; `report --html` that fails
  leaves no partial page (and an earlier page untouched)."""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import robust  # noqa: E402
import harness  # noqa: E402

TRACES = os.path.join(harness.DATA, "traces")
PT = os.path.join(harness.DATA, "perftracker")


def big_csv(path, rows):
    with open(path, "w") as f:
        for i in range(rows):
            f.write(f"metric_{i % 5000},{i * 0.5},ns,{i // 5000}\n")


class LoadIdentityTest(robust.RobustTest):
    def test_new_perf_data_at_the_same_path_is_a_new_capture(self):
        p = os.path.join(self.tmp, "perf.data")
        shutil.copy(os.path.join(TRACES, "kvm_a.data"), p)
        self.ok(["load", "perf", p, "--name", "baseline"])
        shutil.copy(os.path.join(TRACES, "kvm_b.data"), p)     # perf record again: same default name
        r = self.ok(["load", "perf", p, "--name", "candidate"])
        self.assertNotIn("replacing", r.out)
        self.assertEqual(self.query("SELECT name FROM capture ORDER BY name"), [("baseline",), ("candidate",)])
        # identical content and name: a no-op
        before = robust.dump(self.db)
        r = self.ok(["load", "perf", p, "--name", "candidate"])
        self.assertIn("already loaded", r.out)
        self.assertEqual(robust.dump(self.db), before)
        # the same content under another name is another capture
        self.ok(["--quiet", "load", "perf", p, "--name", "candidate2"])
        self.assertEqual(self.query("SELECT count(*) FROM capture")[0][0], 3)
        # a used name with other content: refused, nothing changes
        shutil.copy(os.path.join(TRACES, "kvm_a.data"), p)
        self.refused(["load", "perf", p, "--name", "candidate"], "capture name 'candidate' is already used",
                     "--replace")
        # --replace drops the capture called --name, and only that one
        r = self.ok(["load", "perf", p, "--name", "candidate", "--replace"])
        self.assertIn("replacing", r.out)
        self.assertEqual(self.query("SELECT name FROM capture ORDER BY name"),
                         [("baseline",), ("candidate",), ("candidate2",)])
        self.assertEqual(self.query("SELECT count(*) FROM source WHERE kind = 'perf'")[0][0], 3)

    def test_new_job_json_at_the_same_path_is_a_new_load(self):
        p = os.path.join(self.tmp, "job.json")
        shutil.copy(os.path.join(PT, "html_job_as_json_baseline.json"), p)
        self.ok(["--quiet", "load", "perftracker", p])
        shutil.copy(os.path.join(PT, "html_job_as_json_candidate.json"), p)
        r = self.ok(["load", "perftracker", p])
        self.assertNotIn("replacing", r.out)
        self.assertEqual(self.query("SELECT count(*) FROM pt_job")[0][0], 2)
        before = robust.dump(self.db)
        self.assertIn("already loaded", self.ok(["load", "perftracker", p]).out)
        self.assertEqual(robust.dump(self.db), before)
        # --replace drops the earlier loads of that path (the user named it) and reloads
        self.ok(["--quiet", "load", "perftracker", p, "--replace"])
        self.assertEqual(self.query("SELECT count(*) FROM pt_job")[0][0], 1)

    def test_bench_same_file_new_content(self):
        p = os.path.join(self.tmp, "r.csv")
        with open(p, "w") as f:
            f.write("a,1,ns\n")
        self.ok(["--quiet", "load", "bench", p, "--label", "main", "--timestamp", "2026-01-01T00:00:00Z"])
        with open(p, "w") as f:
            f.write("a,2,ns\n")
        self.ok(["--quiet", "load", "bench", p, "--label", "main", "--timestamp", "2026-01-02T00:00:00Z"])
        self.assertEqual(self.query("SELECT count(*) FROM bench_run")[0][0], 2)


class KillAndConcurrencyTest(robust.RobustTest):
    def test_kill_9_during_a_load(self):
        csv = os.path.join(self.tmp, "big.csv")
        big_csv(csv, 400000)
        self.ok(["--quiet", "load", "bench", os.path.join(harness.DATA, "bench", "results.csv"), "--label", "x"])
        before = robust.dump(self.db)
        base = self.query("SELECT count(*) FROM bench_value")[0][0]
        for delay in (0.3, 1.0):
            p = subprocess.Popen([harness.PERFSQL, "-d", self.db, "--quiet", "load", "bench", csv, "--label", "big"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            self.assertEqual(robust.dump(self.db), before, f"killed after {delay} s: the database changed")
            self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])
        # and it is usable: the load goes through afterwards
        self.ok(["--quiet", "load", "bench", csv, "--label", "big"])
        self.assertEqual(self.query("SELECT count(*) FROM bench_value")[0][0], base + 400000)

    def test_concurrent_loads(self):
        files = []
        for k in range(4):
            p = os.path.join(self.tmp, f"r{k}.csv")
            big_csv(p, 5000 + k)
            files.append(p)
        self.ok(["--quiet", "init"])
        # each waits for the others' write transactions: let it wait as long as it takes on a
        # slow (sanitizer, shared) machine; the point is that every load succeeds
        env = dict(os.environ, PERFSQL_BUSY_TIMEOUT="600000")
        procs = [subprocess.Popen([harness.PERFSQL, "-d", self.db, "--quiet", "load", "bench", f, "--label", f"l{k}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for k, f in enumerate(files)]
        for p in procs:
            out, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        self.assertEqual(self.query("SELECT count(*) FROM source WHERE kind = 'bench'")[0][0], 4)
        # the same content by three processes at once: loaded exactly once
        same = [subprocess.Popen([harness.PERFSQL, "-d", self.db, "load", "bench", files[0], "--label", "same",
                                  "--timestamp", "2026-01-01T00:00:00Z"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(3)]
        outs = [p.communicate(timeout=300) for p in same]
        self.assertEqual([p.returncode for p in same], [0, 0, 0], outs)
        self.assertEqual(self.query("SELECT count(*) FROM bench_run WHERE label = 'same'")[0][0], 1)
        self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])


class SmallerCasesTest(robust.RobustTest):
    def test_missing_directory_is_not_created(self):
        missing = os.path.join(self.tmp, "missing", "dir", "x.db")
        r = self.refused(["init"], missing, "directory", "No such file or directory", db=missing)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "missing")))
        del r

    def test_failed_first_load_leaves_no_database(self):
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            f.write('{"metrics": {"a": {"name": "a", "value": "fast"}}}')
        self.refused(["load", "bench", bad, "--label", "x"], "bad.json", "not a number")
        self.assertFalse(os.path.exists(self.db))
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith("perf.db")], [])
        # an existing database stays (unchanged) when a load fails
        self.ok(["--quiet", "init"])
        self.refused(["load", "bench", bad, "--label", "x"], "bad.json")
        self.assertTrue(os.path.exists(self.db))

    def test_newline_in_a_path_stays_one_line(self):
        self.ok(["--quiet", "init"])
        bad = os.path.join(self.tmp, "two\nlines\x1b[31m.csv")
        with open(bad, "w") as f:
            f.write("only-one-field\n")
        r = self.refused(["load", "bench", bad, "--label", "x"], "two\\nlines\\x1b[31m.csv:line 1")
        self.assertNotIn("\x1b", r.err)

    def test_report_html_failure_leaves_no_partial_file(self):
        self.ok(["--quiet", "sql", "CREATE VIEW bad_view AS SELECT json('{not json') AS x"])
        out = os.path.join(self.tmp, "r.html")
        self.refused(["report", "load_history", "bad_view", "--html", out], "bad_view", "malformed JSON")
        self.assertEqual([f for f in os.listdir(self.tmp) if not f.startswith("perf.db")], [])
        # an earlier page stays as it was
        with open(out, "w") as f:
            f.write("earlier")
        self.refused(["report", "load_history", "bad_view", "--html", out], "bad_view")
        with open(out) as f:
            self.assertEqual(f.read(), "earlier")
        self.assertEqual(sorted(f for f in os.listdir(self.tmp) if not f.startswith("perf.db")), ["r.html"])


if __name__ == "__main__":
    harness.main()
