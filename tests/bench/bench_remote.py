#!/usr/bin/python3
"""Benchmark: loading and reporting eBPF-framework result trees.

usage: /usr/bin/python3 tests/bench/bench_remote.py [PATH/TO/perfsql] [--cases N] [--iterations K] [--repeat R]

Generates (tests/remote/gen_tree.py synthetic) K iteration folders of N eBPF cases each
(default 100 x 3), every test type per case: two netperf latency files, iperf3 -J for
throughput and PPS (single + 4 streams each), their timing logs, pidstat and log-size
monitors, ebpf_start; plus the host and vm baselines. Then measures, in the same run:
  - anchor A: reading every file of the trees (cat-equivalent, bytes into memory),
  - anchor B: Python's json.load of every iperf3 file of the trees,
  - `perfsql load remote` of each iteration (target: <= 2 s per 100-case iteration),
  - `perfsql export remote` (every report, the aggregated statistics; charts off and on,
    R times each, interleaved; the minimum CPU time (user+sys of the process) and wall
    time of each; target: with charts <= 1.5x the CPU time without),
and prints each time with its ratio to the anchors. Use a Release build without
sanitizers (cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DPERFSQL_TESTS=OFF).
Never run by ctest with assertions on time.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "remote"))
import gen_tree  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__)
        return
    n, k = 100, 3
    if "--cases" in args:
        i = args.index("--cases")
        n = int(args[i + 1])
        del args[i:i + 2]
    repeat = 3
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    if "--iterations" in args:
        i = args.index("--iterations")
        k = int(args[i + 1])
        del args[i:i + 2]
    perfsql = args[0] if args else os.path.join("build", "perfsql")
    with tempfile.TemporaryDirectory(prefix="perfsql-bench-remote-") as td:
        roots = []
        for it in range(1, k + 1):
            root = os.path.join(td, f"iteration_{it:03d}")
            gen_tree.synthetic(root, n, seed=it)
            roots.append(root)
        files = [os.path.join(d, f) for r in roots for d, _, fs in os.walk(r) for f in fs]
        nbytes = sum(os.path.getsize(f) for f in files)
        print(f"trees: {k} iterations x {n} cases, {len(files)} files, {nbytes / 1e6:.1f} MB")

        def cat_all():
            total = 0
            for f in files:
                with open(f, "rb") as fh:
                    total += len(fh.read())
            return total
        t_cat, _ = timed(cat_all)
        jsons = [f for f in files if f.endswith(".json")]

        def json_all():
            s = 0.0
            for f in jsons:
                with open(f) as fh:
                    d = json.load(fh)
                s += (d["end"].get("sum_sent") or d["end"]["sum"])["bits_per_second"]
            return s
        t_json, _ = timed(json_all)
        print(f"anchor A  read all files (cat)        {t_cat:8.3f} s")
        print(f"anchor B  python json.load of {len(jsons)} iperf3 files {t_json:8.3f} s")
        db = os.path.join(td, "perf.db")
        subprocess.run([perfsql, "-d", db, "--quiet", "init"], check=True)
        loads = []
        for it, root in enumerate(roots, 1):
            t, _ = timed(lambda: subprocess.run([perfsql, "-d", db, "--quiet", "load", "remote", root,
                                                 "--iteration", str(it)], check=True))
            loads.append(t)
            print(f"load remote iteration {it} ({n} cases)   {t:8.3f} s   "
                  f"x{t / (t_cat / k):.1f} anchor A, x{t / (t_json / k):.1f} anchor B   (target <= 2 s)")
        out = os.path.join(td, "out")

        def export(charts):
            """One export into a fresh folder: (wall s, CPU s of the perfsql process)."""
            d = out + ("-charts" if charts else "-plain")
            subprocess.run(["rm", "-rf", d], check=True)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run([perfsql, "-d", db, "--quiet", "export", "remote", d] + ([] if charts else ["--no-charts"]),
                           check=True)
            wall = time.perf_counter() - t
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        runs = {False: [], True: []}
        for _ in range(repeat):          # interleaved: both see the same machine load
            for charts in (False, True):
                runs[charts].append(export(charts))
        w_rep, c_rep = min(w for w, _ in runs[False]), min(c for _, c in runs[False])
        w_ch, c_ch = min(w for w, _ in runs[True]), min(c for _, c in runs[True])
        print(f"export remote (CSV+MD, {k * n} case-iterations) {w_rep:8.3f} s wall, {c_rep:.3f} s CPU   "
              f"x{w_rep / t_cat:.1f} anchor A   (min of {repeat})")
        print(f"export remote with charts             {w_ch:8.3f} s wall, {c_ch:.3f} s CPU   "
              f"x{w_ch / t_cat:.1f} anchor A   (min of {repeat})")
        print(f"charts / no charts: x{c_ch / c_rep:.2f} CPU, x{w_ch / w_rep:.2f} wall (target <= 1.5x: "
              f"{'met' if c_ch <= 1.5 * c_rep else 'MISSED'})")
        print(f"max load per iteration: {max(loads):.3f} s ({'meets' if max(loads) <= 2 else 'MISSES'} "
              f"the 2 s target)")


if __name__ == "__main__":
    main()
