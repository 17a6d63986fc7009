"""`perfsql bench run` on real Google Benchmark builds, then the gate.

Compiles tests/data/bench/tiny_bench.cc with g++ against Debian's libbenchmark-dev
twice (-O2 and -O0), runs each through `perfsql bench run` (JSON output, N
repetitions, loaded as one run) and gates with `perfsql bench check`: the -O0 build
must be flagged (exit 1) at 3 repetitions, where the U test cannot reach p < 0.05 and
the threshold decides; a rerun of the -O2 binary is judged (whether a live rerun stays
within the threshold depends on the machine's load; that reruns pass is asserted on the
recorded runs). The machine is shared
(real time up to 4x cpu time), so the thresholds allow 30 % (-O0 is several times
slower). The recorded runs of tests/data/bench/gbench_reps/ cover 1..10 repetitions
(test_bench_gate_matrix.py)."""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

SRC = os.path.join(harness.DATA, "bench", "tiny_bench.cc")
FAST = ["--", "--benchmark_min_time=0.02"]


@unittest.skipUnless(shutil.which("g++") and os.path.exists("/usr/include/benchmark/benchmark.h"),
                     "needs g++ and libbenchmark-dev (.ci/packages/test-bench.txt)")
class RealGoogleBenchmark(harness.TempDirTest):
    def build(self, opt):
        exe = os.path.join(self.tmp, "tiny" + opt)
        p = subprocess.run(["g++", opt, "-o", exe, SRC, "-lbenchmark", "-lpthread"], capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        return exe

    def test_run_then_gate(self):
        o2, o0 = self.build("-O2"), self.build("-O0")
        kept = os.path.join(self.tmp, "main.json")
        r = self.ok(["bench", "run", o2, "--repetitions", "3", "--label", "main", "--commit", "o2",
                     "--output", kept] + FAST)
        self.assertIn("(label main): 3 repetitions of", r.out)
        with open(kept) as f:
            doc = json.load(f)    # the kept file is Google Benchmark's JSON
        self.assertEqual(doc["context"]["executable"], o2)
        rows = self.query("SELECT label, git_commit, format FROM bench_run")
        self.assertEqual(rows, [("main", "o2", "gbench-json")])
        self.assertEqual(self.query("SELECT count(*) FROM bench_value WHERE metric = 'BM_Fib:real_time'"
                                    " AND aggregate IS NULL"), [(3,)])
        # the label defaults to the executable's name
        self.ok(["bench", "run", o0, "--repetitions", "3"] + FAST)
        self.ok(["bench", "run", o2, "--repetitions", "3", "--label", "pr-O2"] + FAST)
        thr = os.path.join(self.tmp, "t.yaml")
        with open(thr, "w") as f:
            f.write("default: {threshold_pct: 30}\n")
        r = self.fails(["bench", "check", "--baseline", "main", "--current", "tiny-O0", "--thresholds", thr, "--ci"])
        self.assertIn("❌ 2 regressions detected!", r.out)
        self.assertIn("3 vs 3 repetitions: U test cannot reach p<0.05; judged on the threshold", r.out)
        rows = {x["metric"]: x for x in json.loads(self.ok(["bench", "compare", "main", "tiny-O0", "--thresholds", thr,
                                                             "--format", "json"]).out)}
        for m in ("BM_SumVector/4096:real_time", "BM_Fib:real_time"):
            self.assertEqual((rows[m]["verdict"], rows[m]["gated"], rows[m]["base_n"]), ("regression", 1, 3))
        self.assertEqual(rows["BM_SumVector/4096:bytes_per_second"]["better"], "higher")
        self.assertEqual(rows["BM_SumVector/4096:bytes_per_second"]["gated"], 0)
        # A live rerun of the -O2 binary is timed on whatever else the machine runs (ctest -j2
        # runs CPU burners of the traces tests beside this one): whether it stays within 30 % is
        # the machine's business, not the gate's. That a same-build rerun passes is asserted on
        # the recorded real runs (test_bench_gate_matrix.py); here only that the gate judges it.
        r = harness.run(["bench", "check", "--baseline", "main", "--current", "pr-O2", "--thresholds", thr,
                         "--ci"], db=self.db)
        self.assertIn(r.rc, (0, 1), repr(r))
        self.assertRegex(r.out, "No regressions detected!|regressions? detected!")

    def test_run_errors(self):
        r = self.fails(["bench", "run", os.path.join(self.tmp, "nosuch")])
        self.assertIn("nosuch: cannot run", r.err)
        r = self.fails(["bench", "run", "/bin/false"])
        self.assertIn("/bin/false: exited with status 1", r.err)
        r = self.fails(["bench", "run", "/bin/true", "--repetitions", "0"], rc=2)
        self.assertIn("--repetitions must be an integer in 1..1000", r.err)
        r = self.fails(["bench", "run"], rc=2)
        self.assertIn("run needs an executable", r.err)
        # an executable that writes no JSON: the load error names the file, nothing is written
        r = self.fails(["bench", "run", "/bin/true"])
        self.assertIn("/bin/true", r.err)
        # nothing is written: a failed first command leaves no database at all (issue 12)
        self.assertFalse(os.path.exists(self.db))


if __name__ == "__main__":
    harness.main()
