#!/usr/bin/env python3
"""PerfTracker benchmark: two generated jobs of 10,000 tests each (PerfTracker's
real jobs have ~8,000), in the server's ?as_json=1 shape.

Measures, with the perfsql CLI (use a Release build):
  load     `perfsql load perftracker JOB` per job           target <= 0.5 s each
  detect   every curve regression of the comparison with severity and confidence
           (the pt_regression view through `perfsql sql`, comparison row made)   target <= 1 s
  summary  the pt_summary view (curves, regressions, verdict, PerfTracker's t-test)
  report   the whole `perfsql perftracker BASE CAND` (views, result.json,
           report.md, one PNG per regressed curve)
Anchors, measured in the same run on the same files: Python's json.load of the
job (load) and the upstream detector's algorithm in Python + numpy
(tests/perftracker/pt_oracle.py, a faithful re-implementation of perfreg_v2)
(detect). Prints each time, the best of --repeat runs, and the ratio to its
anchor. Not a test: nothing asserts on time.

usage: python3 tests/bench/bench_perftracker.py [--perfsql build-release/perfsql] [--tests 10000] [--repeat 3]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "perftracker"))
import pt_jobs  # noqa: E402


def generate(n_tests, job_id, ver, regress):
    points = 50
    curves = max(1, n_tests // points)
    tests, seq = [], 1
    xs = [1000 * (i + 1) for i in range(points)]
    for c in range(curves):
        metric = "latency, p(95)" if c % 2 == 0 else "rate"
        tag = f"{metric} ({1 + c % 8} th): GET /api/endpoint{c // 2} (scenario {c % 5})"
        for i, x in enumerate(xs):
            base = (10 + c % 13 + i * 0.2) if c % 2 == 0 else (900 - i * 3 - c % 17)
            v = base * (1 + ((c * 31 + i * 17) % 7 - 3) * 0.01)   # +-3% noise
            if regress:
                if c % 5 == 0 and 10 <= i < 25:
                    v = v * 1.6 if c % 2 == 0 else v / 1.6
                elif c % 7 == 0 and 30 <= i < 36:
                    v = v * 2.5 if c % 2 == 0 else v / 2.5
            tests.append(pt_jobs.test(seq, tag, f"{x} policies", round(v, 4)))
            seq += 1
    return pt_jobs.job(job_id, ver, tests[:n_tests])


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def best(fn, repeat, clock):
    """(wall, cpu) of the fastest of `repeat` runs; cpu from `clock` (child or self rusage)."""
    out = []
    for _ in range(repeat):
        c0, t0 = clock(), time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0, clock() - c0))
    return min(out, key=lambda x: x[1])


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--perfsql", default=os.path.join(HERE, "..", "..", "build-release", "perfsql"))
    ap.add_argument("--tests", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    import pt_oracle
    with tempfile.TemporaryDirectory(prefix="perfsql-bench-") as tmp:
        files = []
        for jid, ver, reg in ((1, "1.0", False), (2, "2.0", True)):
            p = os.path.join(tmp, f"job-{jid}.json")
            with open(p, "w") as f:
                json.dump(generate(a.tests, jid, ver, reg), f, indent=2)
            files.append(p)
        sizes = [os.path.getsize(p) / 1e6 for p in files]
        print(f"jobs: {a.tests} tests each, {sizes[0]:.1f} MB and {sizes[1]:.1f} MB ({a.perfsql})")

        def fresh(name):
            db = os.path.join(tmp, name)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            run([a.perfsql, "-d", db, "--quiet", "init"])
            return db

        print("times: best of %d; CPU = user+sys of the process (the machine may be shared: wall is noisy)" % a.repeat)
        for i, p in enumerate(files):
            runs = []
            for _ in range(a.repeat):
                db = fresh("load.db")
                c0, t0 = child_cpu(), time.perf_counter()
                run([a.perfsql, "-d", db, "--quiet", "load", "perftracker", p])
                runs.append((time.perf_counter() - t0, child_cpu() - c0))
            w, c = min(runs, key=lambda x: x[1])

            def anchor():
                with open(p) as f:
                    json.load(f)
            aw, ac = best(anchor, a.repeat, self_cpu)
            print(f"load job {i + 1}:  CPU {c:.3f} s (wall {w:.3f} s)   anchor Python json.load CPU {ac:.3f} s   "
                  f"ratio {c / ac:.2f}x   (target <= 0.5 s)")

        db = fresh("cmp.db")
        run([a.perfsql, "-d", db, "--quiet", "load", "perftracker", files[0], files[1]])
        run([a.perfsql, "-d", db, "--quiet", "sql", "INSERT INTO pt_comparison(baseline, candidate) VALUES (1, 2)"])
        q = "SELECT count(*), sum(severity = 'critical') FROM pt_regression"
        out = run([a.perfsql, "-d", db, "--quiet", "sql", "--format", "csv", q]).stdout.strip().splitlines()[-1]
        tdw, td = best(lambda: run([a.perfsql, "-d", db, "--quiet", "sql", q]), a.repeat, child_cpu)
        jobs = []
        for p in files:
            with open(p) as f:
                jobs.append(json.load(f))
        want = pt_oracle.analyse(jobs[0], jobs[1])
        tpyw, tpy = best(lambda: pt_oracle.analyse(jobs[0], jobs[1]), a.repeat, self_cpu)
        print(f"detect:       CPU {td:.3f} s (wall {tdw:.3f} s)   anchor upstream algorithm (Python+numpy) CPU "
              f"{tpy:.3f} s   ratio {td / tpy:.2f}x   (target <= 1 s)")
        print(f"   regressions, critical: {out}   (Python: {len(want['regressions'])} regressions, "
              f"{sum(r['severity'] == 'critical' for r in want['regressions'])} critical)")
        qs = "SELECT curves_analyzed, regressions_detected, decision, tests_worse FROM pt_summary"
        tsw, ts = best(lambda: run([a.perfsql, "-d", db, "--quiet", "sql", qs]), a.repeat, child_cpu)
        print(f"summary:      CPU {ts:.3f} s (wall {tsw:.3f} s)   (pt_summary: curves, regressions, decision and "
              f"PerfTracker's t-test over all 10,000 test pairs)")
        out_dir = os.path.join(tmp, "report")
        trw, tr = best(lambda: run([a.perfsql, "-d", db, "--quiet", "perftracker", "1", "2", "--out", out_dir]), 1,
                       child_cpu)
        pngs = len([f for f in os.listdir(out_dir) if f.endswith(".png")])
        print(f"report:       CPU {tr:.3f} s (wall {trw:.3f} s)   (views + result.json + report.md + {pngs} PNGs)")


if __name__ == "__main__":
    main()
