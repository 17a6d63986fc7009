#!/usr/bin/env python3
"""PerfTracker benchmark: perfsql against the real upstream detector (perfreg_v2.py), measured in the same run
on the same pair of job files.

The pair is tests/perftracker/pt_jobs.py big_pair(): 10,000 tests per job (the real pair behind issue 14 had
10,611 and 10,031), ~480 curves of 12..30 load levels, 453 regressed curves; written once with
json.dump(indent=2) as the server's ?as_json=1 export is.

  upstream      /usr/bin/python3 perfreg_v2.py BASE CAND --out DIR         (its whole run: json.load + analysis)
  end to end    perfsql load perftracker BASE CAND; perfsql perftracker 1 2 --out DIR
                (fresh database; result.json, report.md, charts of the 20 worst regressions: the default)
  analysis      perfsql perftracker 1 2 --charts none  (jobs already loaded: views, result.json, report.md)
  all charts    perfsql perftracker 1 2 --charts all   (for information: one PNG per regressed curve)

Each figure is the best of --repeat runs (wall clock and the process's user+sys CPU); the ratios are against
upstream's figure of the same kind. result.json of the end-to-end run is checked to equal upstream's
result_v2.json byte for byte. Not a test: nothing asserts on time.

usage: python3 tests/bench/bench_perftracker.py --upstream PATH/TO/perfreg_v2.py
           [--perfsql build-release/perfsql] [--tests 10000] [--repeat 3]
perfreg_v2.py: git clone https://github.com/emanuelebarbato/perftracker; git checkout cf8c893;
scripts/perfreg_v2.py (needs python3-numpy; pandas is stubbed when missing).
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
sys.path.insert(0, os.path.join(HERE, "..", "perftracker", "upstream"))
import pt_jobs  # noqa: E402


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 1):   # 1: a critical regression was found (both tools)
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    return p


def best(fn, repeat):
    """(wall, cpu) of the fastest of `repeat` runs of fn (children's CPU); fn may return a setup time to skip."""
    out = []
    for _ in range(repeat):
        c0, t0 = child_cpu(), time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0, child_cpu() - c0))
    return min(x[0] for x in out), min(x[1] for x in out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--perfsql", default=os.path.join(HERE, "..", "..", "build-release", "perfsql"))
    ap.add_argument("--upstream", default=os.environ.get("PERFREG_V2"), help="path to upstream's perfreg_v2.py")
    ap.add_argument("--tests", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if not a.upstream or not os.path.exists(a.upstream):
        sys.exit("give --upstream PATH/TO/perfreg_v2.py (see the usage at the top of this file)")
    with tempfile.TemporaryDirectory(prefix="perfsql-bench-") as tmp:
        base, cand = pt_jobs.big_pair(a.tests)
        files = []
        for name, job in (("baseline", base), ("candidate", cand)):
            p = os.path.join(tmp, f"job-{name}.json")
            with open(p, "w") as f:
                json.dump(job, f, indent=2)
            files.append(p)
        env = dict(os.environ)
        import importlib.util
        if importlib.util.find_spec("pandas") is None:   # perfreg_v2 imports pandas and never uses it
            os.makedirs(os.path.join(tmp, "stub", "pandas"))
            open(os.path.join(tmp, "stub", "pandas", "__init__.py"), "w").close()
            env["PYTHONPATH"] = os.path.join(tmp, "stub")
        sizes = " and ".join(f"{os.path.getsize(p) / 1e6:.1f} MB" for p in files)
        print(f"pair: {a.tests} tests per job ({sizes}); perfsql {a.perfsql}; best of {a.repeat}")
        print("(wall clock depends on the machine's load; CPU = user+sys of the measured processes)")

        up_out = os.path.join(tmp, "upstream")
        uw, uc = best(lambda: run(["/usr/bin/python3", a.upstream, files[0], files[1], "--out", up_out], env), a.repeat)
        (sub,) = os.listdir(up_out)
        with open(os.path.join(up_out, sub, "result_v2.json"), encoding="utf-8") as f:
            up_text = f.read()
        print(f"upstream perfreg_v2:     wall {uw:6.2f} s   CPU {uc:6.2f} s")

        db = os.path.join(tmp, "bench.db")
        out = os.path.join(tmp, "report")

        def fresh():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)

        def end_to_end():
            fresh()
            run([a.perfsql, "-d", db, "--quiet", "load", "perftracker", files[0], files[1]])
            run([a.perfsql, "-d", db, "--quiet", "perftracker", "1", "2", "--out", out])

        ew, ec = best(end_to_end, a.repeat)
        with open(os.path.join(out, "result.json"), encoding="utf-8") as f:
            same = f.read() == up_text
        pngs = len([f for f in os.listdir(out) if f.endswith(".png")])
        print(f"perfsql end to end:      wall {ew:6.2f} s   CPU {ec:6.2f} s   ratio wall {ew / uw:.2f}x  "
              f"CPU {ec / uc:.2f}x   (target <= 1.0x; load + report + {pngs} PNGs)")
        aw, ac = best(lambda: run([a.perfsql, "-d", db, "--quiet", "perftracker", "1", "2", "--out", out + "-a",
                                   "--charts", "none"]), a.repeat)
        print(f"perfsql analysis alone:  wall {aw:6.2f} s   CPU {ac:6.2f} s   ratio wall {aw / uw:.2f}x  "
              f"CPU {ac / uc:.2f}x   (target <= 0.3x; --charts none)")
        cw, cc = best(lambda: run([a.perfsql, "-d", db, "--quiet", "perftracker", "1", "2", "--out", out + "-c",
                                   "--charts", "all"]), 1)
        allpngs = len([f for f in os.listdir(out + "-c") if f.endswith(".png")])
        print(f"perfsql --charts all:    wall {cw:6.2f} s   CPU {cc:6.2f} s   ratio wall {cw / uw:.2f}x  "
              f"CPU {cc / uc:.2f}x   ({allpngs} PNGs, for information)")
        print(f"result.json equals upstream's result_v2.json byte for byte: {'yes' if same else 'NO'}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
