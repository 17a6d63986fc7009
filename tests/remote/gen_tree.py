"""Writes eBPF-framework result trees (one iteration folder) in the framework's exact layout
and raw formats, for the remote tests, the bundled demo sample and the benchmark.

  from_reports(report_dir, out, iteration=1, topics=None, scale=None)
      rebuilds the raw files behind the framework's real report CSVs
      ({topic}_{latency,throughput,pps,resources}_iteration_001.csv): netperf -o CSV files
      with those min/mean/max, iperf3 -J files whose bits/s give those Gbps/PPS, timing logs
      with those time ranges, pidstat and log-size monitors whose samples give those CPU,
      memory and log-size cells. Exporting the loaded tree must give the same CSVs back.
      scale(kind, value) perturbs values (other iterations of the demo sample).
  synthetic(out, n_cases, seed)
      n_cases cases with every test type (benchmark).

Usage: python3 gen_tree.py reports REPORT_DIR OUT_ITERATION_DIR [ITERATION [TOPIC...]]
       python3 gen_tree.py synthetic OUT_ITERATION_DIR N_CASES [SEED]
"""
import csv
import datetime as dt
import os
import random
import sys

NODES = {"host": ("host-server", "host-client"), "vm": ("vm-server", "vm-client")}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def netperf_csv(mn, mean, mx, proto="TCP"):
    return (f"MIGRATED {proto} REQUEST/RESPONSE TEST from 0.0.0.0 (0.0.0.0) port 0 AF_INET to "
            f"192.168.70.31 () port 0 AF_INET : first burst 0\n"
            "Minimum Latency Microseconds,Mean Latency Microseconds,Maximum Latency Microseconds\n"
            f"{mn},{mean:.2f},{mx}\n")


def _fmt(v):
    return repr(v) if isinstance(v, float) else str(v)


def iperf3_json(bps, blksize, port, duration=10.0, protocol="TCP"):
    """iperf3 3.9-style -J client output (tab-indented like cJSON), one stream."""
    nbytes = int(bps * duration / 8)
    sent = {"start": 0, "end": duration, "seconds": duration, "bytes": nbytes,
            "bits_per_second": bps, "retransmits": 0, "sender": True}
    recv = dict(sent)
    recv.pop("retransmits")
    doc = {
        "start": {
            "connected": [{"socket": 5, "local_host": "192.168.76.173", "local_port": 40000 + port,
                           "remote_host": "192.168.75.101", "remote_port": port}],
            "version": "iperf 3.9",
            "system_info": "Linux node32 4.19.90-2307.3.0.el7.v97.x86_64 #1 SMP x86_64",
            "timestamp": {"time": "Wed, 22 Oct 2025 02:25:57 GMT", "timesecs": 1761099957},
            "connecting_to": {"host": "192.168.75.101", "port": port},
            "cookie": "abcdefghijklmnopqrstuvwxyz234567abcd",
            "tcp_mss_default": 1448, "sock_bufsize": 0, "sndbuf_actual": 16384, "rcvbuf_actual": 131072,
            "test_start": {"protocol": protocol, "num_streams": 1, "blksize": blksize, "omit": 0,
                           "duration": int(duration), "bytes": 0, "blocks": 0, "reverse": 0, "tos": 0},
        },
        "intervals": [{"streams": [dict(sent, socket=5, omitted=False)], "sum": dict(sent, omitted=False)}],
        "end": {
            "streams": [{"sender": dict(sent, socket=5, max_snd_cwnd=3208667, max_rtt=35, min_rtt=21,
                                        mean_rtt=25),
                         "receiver": dict(recv, socket=5)}],
            "sum_sent": sent, "sum_received": recv,
            "cpu_utilization_percent": {"host_total": 12.5, "host_user": 0.5, "host_system": 12.0,
                                        "remote_total": 3.25, "remote_user": 0.25, "remote_system": 3.0},
            "sender_tcp_congestion": "cubic", "receiver_tcp_congestion": "cubic",
        },
    }
    return cjson(doc) + "\n"


def cjson(v, ind=0):
    t = "\t" * ind
    if isinstance(v, dict):
        if not v:
            return "{\n" + t + "}"
        items = [f'{t}\t"{k}":\t{cjson(x, ind + 1)}' for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + t + "}"
    if isinstance(v, list):
        return "[" + ", ".join(cjson(x, ind + 1) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v + '"'
    return _fmt(v)


def ms(t):
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def parse_ms(s):
    return dt.datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f")


def naive_epoch(t):
    return (t - dt.datetime(1970, 1, 1)).total_seconds()


class Case:
    def __init__(self, name, env):
        self.name, self.env = name, env
        self.lat = {}        # tcp_rr/udp_rr -> (min, mean, max)
        self.tp = {}         # single/multi -> gbps
        self.pps = {}        # single/multi -> pps
        self.windows = {}    # pps_single... -> (start, end, cpu_avg, cpu_max, mem_max) (None = N/A)
        self.full = None     # (max_rss, max_vsz, samples)
        self.logsize = None  # final bytes


def write_tests(root, side_node, base, c, stamp, streams=4):
    """client_results of one case (or the baseline)."""
    cr = f"{root}/{side_node}/performance-test-results/{base}/client_results"
    for test, (mn, mean, mx) in c.lat.items():
        write(f"{cr}/latency/{test}_{stamp}/latency_{test}.txt",
              netperf_csv(mn, mean, mx, "TCP" if test == "tcp_rr" else "UDP"))
    t0 = dt.datetime(2025, 10, 22, 10, 0, 0)
    for kind_type, blk in (("throughput", 65520), ("pps", 64)):
        vals = c.tp if kind_type == "throughput" else c.pps
        for kind, v in vals.items():
            w = c.windows.get(f"{kind_type}_{kind}")
            start, end = (w[0], w[1]) if w else (ms(t0), ms(t0 + dt.timedelta(seconds=10)))
            if kind == "single":
                d = f"{cr}/{kind_type}/single_{stamp}"
                bps = v * 1e9 if kind_type == "throughput" else float(v * blk * 8)
                write(f"{d}/{kind_type}_single_tcp.json", iperf3_json(bps, blk, 5001))
                if kind_type == "throughput":
                    write(f"{d}/throughput_single_timing.log",
                          f"Test: throughput_single_tcp\nStart: {start}\nEnd: {end}\n")
                else:
                    write(f"{d}/pps_single_timing.log",
                          f"Test: pps_single_stream_process_1_port_5001\nProcess_Start: {start}\n"
                          f"Actual_Launch: {start}\nTest_End: {end}\n")
            else:
                d = f"{cr}/{kind_type}/multi_{streams}_{stamp}"
                total = v * 1e9 if kind_type == "throughput" else v * blk * 8
                parts = [total / streams] * streams
                if kind_type == "pps":
                    q, r = divmod(int(total), streams)
                    parts = [float(q + (1 if i < r else 0)) for i in range(streams)]
                for i in range(1, streams + 1):
                    port = 5000 + i
                    write(f"{d}/{kind_type}_multi_stream_{i}_port_{port}.json",
                          iperf3_json(parts[i - 1], blk, port))
                    write(f"{d}/{kind_type}_multi_stream_{i}_port_{port}_timing.log",
                          f"Test: {kind_type}_multi_stream_process_{i}_port_{port}\n"
                          f"Process_Start: {start}\nActual_Launch: {start}\nTest_End: {end}\n")


def solve_window(n, avg, mx):
    if n == 0:
        raise ValueError("window without samples")
    if n == 1:
        if abs(avg - mx) > 1e-9:
            raise ValueError("one sample but avg != max")
        return [mx]
    for target in (avg, avg + 0.0049, avg - 0.0049, avg + 0.003, avg - 0.003):
        x = (n * target - mx) / (n - 1)
        if -1e-12 <= x <= mx + 1e-12:
            x = max(x, 0.0)
            vals = [mx] + [x] * (n - 1)
            if round(sum(vals) / n, 2) == avg:
                return vals
    raise ValueError(f"cannot reach avg {avg} max {mx} with {n} samples")


def write_monitors(root, c, stamp, interval=2):
    """ebpf_start, pidstat and log-size monitor logs on the eBPF host."""
    base = f"{root}/host-server/performance-test-results/ebpf/{c.name}/{c.env}"
    write(f"{base}/ebpf_start_{stamp}.log",
          f"Starting eBPF case 1: sudo python3 measurement-tools/{c.name}.py --interval 1\n"
          f"eBPF case start time: 2025-10-22 10:25:50.123456789\n"
          f"Command: sudo python3 measurement-tools/{c.name}.py --interval 1\n"
          f"Process group leader PID: 47899\n")
    write(f"{base}/ebpf_output_{stamp}.log", "ignored tool output\n")
    write(f"{root}/host-server/performance-test-results/ebpf/{c.name}/{c.env}/server_results/"
          f"throughput/single_{stamp}/iperf3_server_throughput_port_5001_{stamp}.log", "server log\n")
    if c.full is None:
        return
    wins = sorted((parse_ms(w[0]), parse_ms(w[1]), name, w) for name, w in c.windows.items())
    first = wins[0][0]
    ref = first - dt.timedelta(seconds=4)
    ref_epoch = int(naive_epoch(ref))
    max_rss, max_vsz, nsamples = c.full

    def ep(t):
        return int(ref_epoch + (t - ref).total_seconds())

    ts0 = ep(first) + interval
    ts = [ts0 + interval * k for k in range(nsamples)]
    cpu = [0.0] * nsamples
    rss = [None] * nsamples
    for s, e, name, w in wins:
        lo, hi = ep(s) + interval, ep(e) + interval
        idx = [i for i, t in enumerate(ts) if lo <= t <= hi]
        if w[2] is None:
            continue
        vals = solve_window(len(idx), w[2], w[3])
        for i, v in zip(idx, vals):
            cpu[i] = v
            rss[i] = w[4]
    free = [i for i in range(nsamples) if rss[i] is None]
    win_max = max([w[4] for w in c.windows.values() if w[4] is not None] or [max_rss])
    lowest = min([w[4] for w in c.windows.values() if w[4] is not None] or [max_rss])
    for i in free:
        rss[i] = lowest
    if max_rss != win_max:
        if not free:
            raise ValueError(f"{c.name}: no sample outside the windows for max RSS")
        rss[free[-1]] = max_rss
    lines = ["# eBPF Resource Monitoring - CPU and Memory statistics using pidstat",
             f"# DEBUG: Starting resource monitoring for PID 47899 with interval {interval}s",
             f"# START_DATETIME: {ref.strftime('%Y-%m-%d %H:%M:%S.%f')}000  START_EPOCH: {ref_epoch}"
             f"  INTERVAL: {interval}s  PID: 47899",
             "Linux 4.19.90-2307.3.0.el7.v97.x86_64 (node31) \t10/22/2025 \t_x86_64_\t(80 CPU)", ""]
    for i in range(nsamples):
        lines.append("#      Time   UID       PID    %usr %system  %guest    %CPU   CPU  minflt/s  majflt/s"
                     "     VSZ    RSS   %MEM  Command")
        lines.append(f" {ts[i]}     0     47899 {cpu[i]:7.4f} {0:7.2f} {0:7.2f} {cpu[i]:.6f}     5"
                     f"      0.00      0.00  {max_vsz} {rss[i]}   0.03  python2")
        lines.append("")
    write(f"{base}/ebpf_monitoring/ebpf_resource_monitor_{stamp}.log", "\n".join(lines) + "\n")
    if c.logsize is not None:
        ll = ["# eBPF Log Size Monitoring - Log file size (instantaneous)",
              "# Timestamp                     Size_Bytes  Size_Human",
              f"# DEBUG: Starting logsize monitoring for /home/smartx/lcc/performance-test-results/ebpf/"
              f"{c.name}/{c.env}/ebpf_output_{stamp}.log"]
        n = 10
        for k in range(n):
            t = ref + dt.timedelta(seconds=2 * k, microseconds=118987)
            size = c.logsize * k // (n - 1)
            ll.append(f"{t.strftime('%Y-%m-%d %H:%M:%S.%f')}979 {size} {size}B")
        write(f"{base}/ebpf_monitoring/ebpf_logsize_monitor_{stamp}.log", "\n".join(ll) + "\n")
    for f in ("resource_monitor_pid", "logsize_monitor_pid"):
        write(f"{base}/ebpf_monitoring/{f}_{stamp}.txt", "47972\n")


def num(s, conv=float):
    return None if s == "N/A" else conv(s)


def read_reports(report_dir, topics=None):
    """Cases and baselines from the framework's report CSVs."""
    cases, baselines = {}, {"host": Case("", "host"), "vm": Case("", "vm")}
    vm_topics = ("kvm_virt_network", "ovs_monitoring", "vm_network_performance")
    for f in sorted(os.listdir(report_dir)):
        if not f.endswith(".csv"):
            continue
        topic, kind = f.rsplit("_iteration_", 1)[0].rsplit("_", 1)
        if topics and topic not in topics:
            continue
        env = "vm" if topic in vm_topics else "host"
        with open(os.path.join(report_dir, f), newline="") as fh:
            rows = list(csv.reader(fh))
        body = rows[2:] if kind == "resources" else rows[1:]
        for r in body:
            c = cases.setdefault(r[0], Case(r[0], env))
            b = baselines[env]
            if kind == "latency":
                for test, o in (("tcp_rr", 3), ("udp_rr", 8)):
                    if r[o + 1] != "N/A":
                        c.lat[test] = (int(float(r[o])), float(r[o + 1]), int(float(r[o + 2])))
                    if r[o + 3] != "N/A":
                        bm = float(r[o + 3])
                        b.lat[test] = (int(bm / 2), bm, int(bm * 100))
            elif kind in ("throughput", "pps"):
                conv = float if kind == "throughput" else int
                dst, bdst = (c.tp, b.tp) if kind == "throughput" else (c.pps, b.pps)
                for k, o in (("single", 3), ("multi", 6)):
                    if r[o] != "N/A":
                        dst[k] = conv(r[o])
                        bdst[k] = conv(r[o + 1])
            else:
                for name, o in (("pps_single", 3), ("pps_multi", 7), ("throughput_single", 11),
                                ("throughput_multi", 15)):
                    if r[o] != "N/A":
                        s, e = r[o].split(" ~ ")
                        c.windows[name] = (s, e, num(r[o + 1]), num(r[o + 2]), num(r[o + 3], int))
                if r[19] != "N/A":
                    c.full = (int(r[19]), int(r[20]), int(r[21]))
                if r[22] != "N/A":
                    c.logsize = int(r[22])
    return cases, baselines


def from_reports(report_dir, out, iteration=1, topics=None, scale=None):
    cases, baselines = read_reports(report_dir, topics)
    stamp = f"20251022_1{iteration:01d}2530"
    rnd = random.Random(iteration)
    for c in list(cases.values()) + list(baselines.values()):
        if scale:
            c.lat = {k: (mn, round(scale("lat", mean, rnd), 2), mx) for k, (mn, mean, mx) in c.lat.items()}
            c.tp = {k: round(scale("tp", v, rnd), 2) for k, v in c.tp.items()}
            c.pps = {k: int(scale("pps", v, rnd)) for k, v in c.pps.items()}
    for env, b in baselines.items():
        if b.lat or b.tp or b.pps:
            write_tests(out, NODES[env][1], f"baseline/{env}", b, stamp)
            write(f"{out}/{NODES[env][0]}/performance-test-results/baseline/{env}/server_results/"
                  f"latency/tcp_rr_{stamp}/netserver_latency_{stamp}.log", "netserver log\n")
    for c in cases.values():
        write_tests(out, NODES[c.env][1], f"ebpf/{c.name}/{c.env}", c, stamp)
        write_monitors(out, c, stamp)
    return len(cases)


def synthetic(out, n_cases, seed=1):
    """n_cases eBPF cases (half host, half vm) with every test type, plus baselines."""
    rnd = random.Random(seed)
    stamp = "20251022_102530"
    t0 = dt.datetime(2025, 10, 22, 10, 0, 0)
    protos = [("tcp", "rx", "9d5e19"), ("tcp", "tx", "0388a9"), ("udp", "rx", "b58f1e"), ("udp", "tx", "1deecb")]
    for env in ("host", "vm"):
        b = Case("", env)
        b.lat = {"tcp_rr": (50, 73.34, 9000), "udp_rr": (50, 87.55, 9000)}
        b.tp = {"single": 14.47, "multi": 21.05}
        b.pps = {"single": 549245, "multi": 1272016}
        write_tests(out, NODES[env][1], f"baseline/{env}", b, stamp)
    for i in range(1, n_cases + 1):
        env = "host" if i % 2 else "vm"
        p, d, h = protos[i % 4]
        c = Case(f"bench_tool_{i % 7}_case_{i}_{p}_{d}_{h}", env)
        c.lat = {"tcp_rr": (rnd.randint(40, 60), round(rnd.uniform(70, 150), 2), rnd.randint(9000, 40000)),
                 "udp_rr": (rnd.randint(40, 60), round(rnd.uniform(70, 150), 2), rnd.randint(9000, 40000))}
        c.tp = {"single": round(rnd.uniform(9, 19), 2), "multi": round(rnd.uniform(16, 22), 2)}
        c.pps = {"single": rnd.randint(380000, 560000), "multi": rnd.randint(800000, 1500000)}
        base = t0 + dt.timedelta(minutes=i)
        for k, name in enumerate(("throughput_single", "throughput_multi", "pps_single", "pps_multi")):
            s = base + dt.timedelta(seconds=8 * k + 1)
            c.windows[name] = (ms(s), ms(s + dt.timedelta(seconds=5)), None, None, None)
        c.full = (150000, 360000, 25)
        c.logsize = rnd.randint(0, 2000000)
        write_tests(out, NODES[env][1], f"ebpf/{c.name}/{env}", c, stamp)
        write_monitors(out, c, stamp)
    return n_cases


if __name__ == "__main__":
    if sys.argv[1] == "reports":
        it = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        print(from_reports(sys.argv[2], sys.argv[3], it, sys.argv[5:] or None))
    else:
        print(synthetic(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 1))
