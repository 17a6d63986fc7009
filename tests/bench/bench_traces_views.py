"""Benchmark: the traces views on a busy scheduler capture, against `perf sched latency` on the same
file, measured in the same run.

usage: /usr/bin/python3 tests/bench/bench_traces_views.py BUILD_DIR [--runs N] [--data FILE] [--keep DIR]

Without --data it records the capture with real perf (needs root, perf, md5sum): three
`md5sum /dev/zero` burners + `perf record -a -m 8192 -e 'sched:*' -- perf bench sched messaging -g 10 -l L`,
L raised until the file holds >= 300,000 events. It loads the file once (the load derives the run and
wait tables, sched_run/sched_delay, see sql/008_traces_derived.sql) and prints, best of --runs:
  - the anchor: `perf sched latency -p -i FILE > /dev/null`,
  - `perfsql sql "SELECT * FROM task_summary"` and its ratio to the anchor (target <= 2),
  - `perfsql traces report CAPTURE --out DIR` (task table + every PNG) and its ratio (target <= 5),
both as wall time and as CPU time (user + sys; the fairer figure on a shared machine).
Use a Release build without sanitizers. Never run by ctest (timings are not asserted anywhere).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def run_measured(cmd):
    """(wall s, cpu s) of one command, measured by a fresh Python parent."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
            "dt=time.perf_counter()-t;u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(r.returncode,dt,u.ru_utime+u.ru_stime)")
    p = subprocess.run([sys.executable, "-c", code] + cmd, capture_output=True, text=True, check=True)
    rc, dt, cpu = p.stdout.split()
    if rc != "0":
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return float(dt), float(cpu)


def best(cmd, runs):
    m = [run_measured(cmd) for _ in range(runs)]
    return min(w for w, _ in m), min(c for _, c in m)


def record(tmp):
    if os.geteuid() != 0 or not shutil.which("perf") or not shutil.which("md5sum"):
        raise SystemExit("recording needs root, perf and md5sum; or give --data FILE")
    data = os.path.join(tmp, "busy.data")
    burners = [subprocess.Popen(["md5sum", "/dev/zero"], stdout=subprocess.DEVNULL) for _ in range(3)]
    try:
        for loops in (400, 1200, 3000):
            subprocess.run(["perf", "record", "-q", "-a", "-m", "8192", "-e", "sched:*", "-o", data, "--",
                            "perf", "bench", "sched", "messaging", "-g", "10", "-l", str(loops)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            stat = subprocess.run(["perf", "report", "-i", data, "--stat"], capture_output=True, text=True).stdout
            n = re.findall(r"^\s+SAMPLE events:\s+(\d+)", stat, re.M)
            if n and int(n[0]) >= 300000:
                break
    finally:
        for b in burners:
            b.kill()
            b.wait()
    return data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data")
    ap.add_argument("--keep")
    a = ap.parse_args()
    perfsql = os.path.join(a.build, "perfsql")
    tmp = a.keep or tempfile.mkdtemp(prefix="perfsql-bench-")
    os.makedirs(tmp, exist_ok=True)
    data = a.data or record(tmp)
    db = os.path.join(tmp, "views.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    subprocess.run([perfsql, "-d", db, "--quiet", "load", "perf", data, "--name", "busy"], check=True)
    out = subprocess.run([perfsql, "-d", db, "sql", "--format", "csv",
                          "SELECT event_count, lost_events FROM capture"], capture_output=True, text=True,
                         check=True).stdout.splitlines()[1].split(",")
    anchor = best(["perf", "sched", "latency", "-p", "-i", data], a.runs)
    summary = best([perfsql, "-d", db, "sql", "SELECT * FROM task_summary"], a.runs)
    report = best([perfsql, "-d", db, "--quiet", "traces", "report", "busy", "--out", os.path.join(tmp, "dash")],
                  a.runs)
    pngs = len([f for f in os.listdir(os.path.join(tmp, "dash")) if f.endswith(".png")])
    print(f"file: {data} ({os.path.getsize(data) / 1e6:.1f} MB, "
          f"{'recorded by this run' if not a.data else 'given'}), events {int(out[0]):,}, lost {int(out[1]):,}")
    print(f"anchor  perf sched latency -p:          {anchor[0]:6.2f} s wall  {anchor[1]:6.2f} s cpu")
    for what, (w, c), target in (("SELECT * FROM task_summary:", summary, 2),
                                 (f"traces report --out ({pngs} PNGs):", report, 5)):
        print(f"{what:40s}{w:6.2f} s wall  {c:6.2f} s cpu   ratio {w / anchor[0]:5.2f}x wall, "
              f"{c / anchor[1]:5.2f}x cpu (target <= {target}: {'met' if c <= target * anchor[1] else 'NOT met'} "
              f"by cpu, {'met' if w <= target * anchor[0] else 'NOT met'} by wall)")
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
