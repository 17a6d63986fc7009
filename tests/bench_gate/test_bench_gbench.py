"""A real Google Benchmark run through the gate.

Compiles tests/data/bench/tiny_bench.cc with g++ against Debian's libbenchmark-dev
twice (-O2 and -O0), runs each with repetitions, loads the JSON and runs
`perfsql bench check`: the -O0 build must be flagged (exit 1, every time metric a
regression with a U-test p-value), two -O2 runs must pass (exit 0). The machine is
shared, so the thresholds allow 30 % (the -O0 build is several times slower)."""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

SRC = os.path.join(harness.DATA, "bench", "tiny_bench.cc")


@unittest.skipUnless(shutil.which("g++") and os.path.exists("/usr/include/benchmark/benchmark.h"),
                     "needs g++ and libbenchmark-dev (.ci/packages/test-bench.txt)")
class RealGoogleBenchmark(harness.TempDirTest):
    def build(self, opt):
        exe = os.path.join(self.tmp, "tiny" + opt)
        p = subprocess.run(["g++", opt, "-o", exe, SRC, "-lbenchmark", "-lpthread"], capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        return exe

    def bench(self, exe, name):
        out = os.path.join(self.tmp, name + ".json")
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD",)}
        p = subprocess.run([exe, "--benchmark_format=json", "--benchmark_repetitions=6",
                            "--benchmark_min_time=0.02", "--benchmark_enable_random_interleaving=true"],
                           capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, "w") as f:
            f.write(p.stdout)
        return out

    def test_gate_flags_O0_and_passes_O2(self):
        o2, o0 = self.build("-O2"), self.build("-O0")
        base = self.bench(o2, "base")
        again = self.bench(o2, "again")
        slow = self.bench(o0, "slow")
        thr = os.path.join(self.tmp, "t.yaml")
        with open(thr, "w") as f:
            f.write("default: {threshold_pct: 30}\n")
        self.ok(["load", "bench", base, "--label", "main", "--commit", "o2"])
        r = self.fails(["bench", "check", "--baseline", "main", "--current", slow, "--label", "pr-O0",
                        "--thresholds", thr, "--ci"])
        self.assertIn("regressions detected!", r.out)
        rows = {x["metric"]: x for x in json.loads(self.ok(["bench", "compare", "main", "pr-O0", "--thresholds", thr,
                                                             "--format", "json"]).out)}
        for m in ("BM_SumVector/4096:real_time", "BM_SumVector/4096:cpu_time", "BM_Fib:real_time", "BM_Fib:cpu_time"):
            with self.subTest(metric=m):
                self.assertEqual(rows[m]["verdict"], "regression", rows[m])
                self.assertEqual((rows[m]["base_n"], rows[m]["current_n"]), (6, 6))
                self.assertEqual(rows[m]["test"], "exact")
                self.assertLess(rows[m]["p_value"], 0.05)
        # throughput counters are better: higher, and dropped
        self.assertEqual(rows["BM_SumVector/4096:bytes_per_second"]["better"], "higher")
        self.assertEqual(rows["BM_SumVector/4096:bytes_per_second"]["verdict"], "regression")
        r = self.ok(["bench", "check", "--baseline", "main", "--current", again, "--label", "pr-O2",
                     "--thresholds", thr, "--ci"])
        self.assertIn("✅ No regressions detected!", r.out)


if __name__ == "__main__":
    harness.main()
