"""Benchmark: loading a perf.data of >= 1,000,000 tracepoint events, against
`perf script > /dev/null` on the same file, in the same run.

usage: /usr/bin/python3 tests/bench/bench_traces.py BUILD_DIR [--runs N] [--data FILE] [--keep DIR]

Without --data it records the file with real perf (needs root, perf, cc and
/dev/kvm): `perf record -a -m 1024 -e sched:* -e kvm:* -- kvm_exits N`, where
tests/traces/kvm_exits.c makes ~5.5 kvm/sched events per KVM_RUN. It prints:
  - events in the file (counted by perfsql) and lost events,
  - wall time of `perf script -i FILE > /dev/null` (the anchor),
  - wall time and peak RSS of `perfsql load perf FILE` into a fresh database,
    and their ratio to the anchor (target <= 1.0, peak RSS <= 256 MB),
  - wall time of `SELECT * FROM task_summary` on the loaded capture.
Timings are best of --runs (default 3). Never run by ctest (timings are not
asserted anywhere).
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_measured(cmd, stdout=subprocess.DEVNULL):
    """Wall time and peak RSS (MB) of one command, via a fresh /usr/bin/time-like wrapper."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
            "dt=time.perf_counter()-t;"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(r.returncode,dt,u.ru_maxrss/1024,u.ru_utime+u.ru_stime)")
    p = subprocess.run([sys.executable, "-c", code] + cmd, capture_output=True, text=True, check=True)
    rc, dt, rss, cpu = p.stdout.split()
    if rc != "0":
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return float(dt), float(rss), float(cpu)


def record(tmp, runs):
    if os.geteuid() != 0 or not shutil.which("perf") or not os.path.exists("/dev/kvm"):
        raise SystemExit("recording needs root, perf and /dev/kvm; or give --data FILE")
    exe = os.path.join(tmp, "kvm_exits")
    subprocess.run(["cc", "-O2", "-o", exe, os.path.join(SRC, "tests", "traces", "kvm_exits.c")], check=True)
    data = os.path.join(tmp, "big.data")
    subprocess.run(["perf", "record", "-q", "-a", "-m", "1024", "-e", "sched:*", "-e", "kvm:*", "-o", data,
                    "--", exe, str(runs)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data")
    ap.add_argument("--kvm-runs", type=int, default=200000)
    ap.add_argument("--keep")
    a = ap.parse_args()
    perfsql = os.path.join(a.build, "perfsql")
    tmp = a.keep or tempfile.mkdtemp(prefix="perfsql-bench-")
    os.makedirs(tmp, exist_ok=True)
    data = a.data or record(tmp, a.kvm_runs)
    size = os.path.getsize(data)
    db = os.path.join(tmp, "bench.db")

    anchors = [run_measured(["perf", "script", "-i", data]) for _ in range(a.runs)]
    anchor = min(t for t, _, _ in anchors)
    anchor_cpu = min(c for _, _, c in anchors)
    loads = []
    for _ in range(a.runs):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        loads.append(run_measured([perfsql, "-d", db, "--quiet", "load", "perf", data, "--name", "bench"]))
    load_t = min(t for t, _, _ in loads)
    load_cpu = min(c for _, _, c in loads)
    rss = max(r for _, r, _ in loads)
    out = subprocess.run([perfsql, "-d", db, "sql", "--format", "csv",
                          "SELECT event_count, lost_events FROM capture"], capture_output=True, text=True,
                         check=True).stdout.splitlines()[1].split(",")
    events, lost = int(out[0]), int(out[1])
    summary = min(run_measured([perfsql, "-d", db, "sql", "SELECT * FROM task_summary"])[0]
                  for _ in range(a.runs))
    print(f"file: {data} ({size / 1e6:.1f} MB, {'recorded by this run with perf record' if not a.data else 'given'})")
    print(f"tracepoint events: {events:,}   lost: {lost:,}")
    print(f"anchor  perf script > /dev/null:        {anchor:7.2f} s wall  {anchor_cpu:6.2f} s cpu")
    print(f"perfsql load perf (indexed SQLite):     {load_t:7.2f} s wall  {load_cpu:6.2f} s cpu   "
          f"ratio {load_t / anchor:5.2f}x wall, {load_cpu / anchor_cpu:5.2f}x cpu "
          f"(target <= 1.0: {'met' if load_t <= anchor else 'NOT met'})")
    print(f"peak RSS of the load:                   {rss:7.1f} MB  (target <= 256 MB: "
          f"{'met' if rss <= 256 else 'NOT met'})")
    print(f"SELECT * FROM task_summary:             {summary:7.2f} s")
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
