"""Load throughput (issue 15): each loader against the tool a user would run instead,
on the same input, on this machine, in one run.

usage: /usr/bin/python3 tests/bench/bench_load.py BUILD_DIR [--runs N] [--keep DIR] [--only perf|kubevirt]
           [--sched-data FILE] [--kvm-data FILE] [--kubevirt DIR] [--kv-copies N] [--only-kubevirt]

Rows (each: min of --runs (default 3) interleaved runs — anchor, load, anchor, load, ...
— of the CPU time (user + sys) of the process, and the peak RSS of the load):

  1. sched capture: `perf record -a -e 'sched:*' -- perf bench sched messaging -l 700`
     (~300k events, recorded by this run; needs root and perf) — anchor
     `perf script -i FILE > /dev/null`, against `perfsql load perf FILE` into a fresh database.
  2. kvm+sched capture: `perf record -a -e 'sched:*' -e 'kvm:*' -- kvm_exits 240000`
     (tests/traces/kvm_exits.c, ~1.4M events; needs /dev/kvm) — same anchor and load.
  3. KubeVirt history: every results.json under --kubevirt (default
     ../shared/data/kubevirt/ci-performance-benchmarks/results). The shared sample holds 69
     runs, the issue's history 5,308: the tree is copied --kv-copies times (default 77,
     5,313 runs) under new build ids. Anchor: Python's json.load of every file, timed
     inside Python around the loop (interpreter start-up excluded); the load is the whole
     `perfsql load kubevirt DIR` process (start-up included). Then the weekly report
     (`SELECT * FROM kubevirt_weekly`) on the loaded history, target < 1 s.

--only perf: rows 1 and 2 only; --only kubevirt (or --only-kubevirt): row 3 only (nothing recorded,
no root needed).
Prints each ratio load/anchor with the issue's target. Never run by ctest (nothing here
asserts time); the README's Benchmarks section runs it.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MEASURE = ("import resource,subprocess,sys,time;t=time.perf_counter();"
           "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
           "dt=time.perf_counter()-t;"
           "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
           "sys.stderr.write(r.stderr.decode(errors='replace')[-2000:]);"
           "print(r.returncode,dt,u.ru_maxrss/1024,u.ru_utime+u.ru_stime)")


def measured(cmd):
    """(cpu s, wall s, peak RSS MB) of one command, stdout to /dev/null."""
    p = subprocess.run([sys.executable, "-c", MEASURE] + cmd, capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.strip() or p.stdout.split()[0] != "0":
        raise SystemExit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    rc, dt, rss, cpu = p.stdout.split()
    return float(cpu), float(dt), float(rss)


def fresh(db):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)


def need_recording():
    if os.geteuid() != 0 or not shutil.which("perf"):
        raise SystemExit("recording the captures needs root and perf; or give --sched-data and --kvm-data")


def record_sched(tmp):
    need_recording()
    out = os.path.join(tmp, "sched.data")
    subprocess.run(["perf", "record", "-q", "-a", "-m", "1024", "-e", "sched:*", "-o", out, "--",
                    "perf", "bench", "sched", "messaging", "-l", "700"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def record_kvm(tmp):
    need_recording()
    if not os.path.exists("/dev/kvm"):
        raise SystemExit("the kvm capture needs /dev/kvm; or give --kvm-data")
    exe = os.path.join(tmp, "kvm_exits")
    subprocess.run(["cc", "-O2", "-o", exe, os.path.join(SRC, "tests", "traces", "kvm_exits.c")], check=True)
    out = os.path.join(tmp, "kvm.data")
    subprocess.run(["perf", "record", "-q", "-a", "-m", "1024", "-e", "sched:*", "-e", "kvm:*", "-o", out, "--",
                    exe, "240000"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def copy_history(src, dst, copies):
    """src/<job>/<build_id>/*.json -> dst/<job>/<build_id + k>/ for k < copies."""
    n = 0
    for job in sorted(os.listdir(src)):
        jd = os.path.join(src, job)
        if not os.path.isdir(jd):
            continue
        for bid in sorted(os.listdir(jd)):
            d = os.path.join(jd, bid)
            if not (os.path.isdir(d) and bid.isdigit()):
                continue
            for k in range(copies):
                o = os.path.join(dst, job, str(int(bid) + k))
                os.makedirs(o, exist_ok=True)
                for f in os.listdir(d):
                    if os.path.isfile(os.path.join(d, f)):
                        shutil.copyfile(os.path.join(d, f), os.path.join(o, f))
                n += 1
    return n


PY_ANCHOR = ("import json,os,sys,time\n"
             "t=time.process_time();n=0\n"
             "for d,_,fs in os.walk(sys.argv[1]):\n"
             "  for f in fs:\n"
             "    if f.endswith('.json'):\n"
             "      with open(os.path.join(d,f),'rb') as h: json.load(h)\n"
             "      n+=1\n"
             "print(n,time.process_time()-t)\n")


def py_anchor(tree):
    p = subprocess.run([sys.executable, "-c", PY_ANCHOR, tree], capture_output=True, text=True, check=True)
    n, cpu = p.stdout.split()
    return int(n), float(cpu)


def query(perfsql, db, sql):
    out = subprocess.run([perfsql, "-d", db, "sql", "--format", "csv", sql], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return out[1].split(",")


def perf_row(name, perfsql, data, db, runs):
    anchors, loads = [], []
    for _ in range(runs):
        anchors.append(measured(["perf", "script", "-i", data]))
        fresh(db)
        loads.append(measured([perfsql, "-d", db, "--quiet", "load", "perf", data, "--name", "bench"]))
    events, lost = query(perfsql, db, "SELECT event_count, lost_events FROM capture")
    a, l = min(c for c, _, _ in anchors), min(c for c, _, _ in loads)
    rss = max(r for _, _, r in loads)
    return dict(name=name, detail=f"{int(events):,} events ({int(lost):,} lost), {os.path.getsize(data) / 1e6:.0f} MB "
                f"-> {os.path.getsize(db) / 1e6:.0f} MB database", anchor_name="perf script > /dev/null",
                anchor=a, load=l, rss=rss, target=1.0, goal=0.5)


def kubevirt_row(a, perfsql, tmp, db):
    """Row 3: the KubeVirt history, and the weekly report on it (cpu, wall)."""
    tree = os.path.join(tmp, "kubevirt", "results")
    if os.path.exists(tree):
        shutil.rmtree(tree)
    nruns = copy_history(a.kubevirt, tree, a.kv_copies)
    anchors, loads = [], []
    for _ in range(a.runs):
        anchors.append(py_anchor(tree))
        fresh(db)
        loads.append(measured([perfsql, "-d", db, "--quiet", "load", "kubevirt", tree]))
    (metrics,) = query(perfsql, db, "SELECT count(*) FROM kubevirt_metric")
    weekly = [measured([perfsql, "-d", db, "sql", "SELECT * FROM kubevirt_weekly"]) for _ in range(a.runs)]
    row = dict(name="KubeVirt history (results.json)",
               detail=f"{nruns:,} runs ({a.kv_copies} copies of the sample), "
               f"{int(metrics):,} metric rows",
               anchor_name="Python json.load of every file", anchor=min(c for _, c in anchors),
               load=min(c for c, _, _ in loads), rss=max(r for _, _, r in loads), target=1.5, goal=1.0)
    row["weekly"] = (min(c for c, _, _ in weekly), min(w for _, w, _ in weekly))
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="work directory to keep (captures, databases, the copied history)")
    ap.add_argument("--sched-data")
    ap.add_argument("--kvm-data")
    ap.add_argument("--kubevirt", default=os.path.join(SRC, "..", "shared", "data", "kubevirt",
                                                       "ci-performance-benchmarks", "results"))
    ap.add_argument("--kv-copies", type=int, default=77)
    ap.add_argument("--only", choices=["perf", "kubevirt"], help="only the perf.data rows, or only the KubeVirt row")
    ap.add_argument("--only-kubevirt", action="store_true", help="the same as --only kubevirt")
    a = ap.parse_args()
    if a.only_kubevirt:
        a.only = "kubevirt"
    perfsql = os.path.abspath(os.path.join(a.build, "perfsql"))
    tmp = a.keep or tempfile.mkdtemp(prefix="perfsql-bench-load-")
    os.makedirs(tmp, exist_ok=True)
    db = os.path.join(tmp, "bench.db")
    rows = []
    try:
        if a.only != "kubevirt":
            sched = a.sched_data or record_sched(tmp)
            kvm = a.kvm_data or record_kvm(tmp)
            rows.append(perf_row("sched capture (perf bench sched messaging)", perfsql, sched, db, a.runs))
            rows.append(perf_row("kvm+sched capture (kvm_exits)", perfsql, kvm, db, a.runs))
        if a.only != "perf":
            rows.append(kubevirt_row(a, perfsql, tmp, db))
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"perfsql load throughput: min of {a.runs} interleaved runs, CPU time (user+sys), same input")
    print()
    print("| input | anchor | anchor CPU | perfsql load CPU | ratio | target / goal | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["load"] / r["anchor"]
        met = "met" if ratio <= r["target"] else "NOT met"
        print(f"| {r['name']}: {r['detail']} | {r['anchor_name']} | {r['anchor']:.2f} s | {r['load']:.2f} s "
              f"| **{ratio:.2f}x** | <= {r['target']}x ({met}) / {r['goal']}x | {r['rss']:.0f} MB |")
    print()
    rss_max = max(r["rss"] for r in rows)
    print(f"peak RSS of any load: {rss_max:.0f} MB (target <= 256 MB: {'met' if rss_max <= 256 else 'NOT met'})")
    for r in rows:
        if "weekly" in r:
            weekly_cpu, weekly_wall = r["weekly"]
            print(f"SELECT * FROM kubevirt_weekly on that history: {weekly_cpu:.2f} s CPU, {weekly_wall:.2f} s wall "
                  f"(target < 1 s of CPU: {'met' if weekly_cpu < 1 else 'NOT met'}; wall time depends on the "
                  "machine's load)")


if __name__ == "__main__":
    main()
