"""Hand-built PerfTracker jobs in the server's ?as_json=1 shape (the fields the
loader and the detector read), for the detector's branch tests and the benchmark."""
import json
import uuid as uuidlib


def test(seq, tag, category, avg, samples=3, status='SUCCESS', errors=0, less_better=None, group=None,
         dev=0.5):
    if less_better is None:
        less_better = 'latency' in tag.split(':', 1)[0].lower()
    return {"id": seq, "seq_num": seq, "uuid": str(uuidlib.UUID(int=seq)), "tag": tag,
            "group": group or ("latency" if less_better else "throughput"), "category": category,
            "scores": json.dumps([avg] * samples), "deviations": json.dumps([dev] * samples),
            "samples": samples, "metrics": "ms" if less_better else "req/s", "less_better": less_better,
            "errors": errors, "warnings": 0, "status": status, "avg_score": avg, "min_score": avg,
            "max_score": avg, "avg_dev": dev, "duration": "00:01:00", "links": "{}", "attribs": "{}",
            "begin": "2025-06-24T10:00:00Z", "end": "2025-06-24T10:01:00Z", "loops": 100}


def job(job_id, ver, tests, end="2025-06-24T12:30:00Z", hw="bg-f1", product="GRPM"):
    return {"env_nodes": [{"id": job_id * 10, "name": hw, "uuid": str(uuidlib.UUID(int=job_id * 1000)),
                           "node_type": 1, "parent": None, "job": job_id}],
            "id": job_id, "title": "hand-built", "uuid": str(uuidlib.UUID(int=job_id)), "suite_name": "s",
            "suite_ver": "1", "product_name": product, "product_ver": ver, "begin": "2025-06-24T10:00:00Z",
            "end": end, "duration": 9000, "upload": end, "links": "{}", "tests_total": len(tests),
            "tests_completed": len(tests), "tests_failed": sum(t["status"] == "FAILED" for t in tests),
            "tests_errors": sum(t["status"] == "FAILED" or t["errors"] > 0 for t in tests),
            "tests_warnings": 0, "project": {"id": 1, "name": "Default project"}, "deleted": False,
            "tests": tests}


def curve(tag, xs, values, start_seq=1, **kw):
    return [test(start_seq + i, tag, f"{x} policies", v, **kw) for i, (x, v) in enumerate(zip(xs, values))]


def big_pair(n_tests=10000):
    """A deterministic baseline/candidate pair shaped like a real GRPM pair (10,611 and 10,031 tests, 454
    regressed curves): ~480 curves of 12..30 load levels, latency and rate tags, most of them regressed in one
    or two load ranges, a few FAILED tests, and exact ties such as 250.0 and 250.00000000000006 between
    curves' worst windows. Returns (baseline, candidate) job dicts."""
    base_tests, cand_tests, seq, c = [], [], 1, 0
    while len(base_tests) < n_tests:
        points = 12 + (c * 7) % 19
        metric = "latency, p(95)" if c % 2 == 0 else "rate"
        tag = f"{metric} ({1 + c % 8} th): GET /api/endpoint{c // 2} (scenario {c % 5})"
        for i in range(points):
            x = 1000 * (i + 1)
            base = (10 + c % 13 + i * 0.25) if c % 2 == 0 else (900 - i * 3 - c % 17)
            noise = 1 + ((c * 31 + i * 17) % 7 - 3) * 0.01   # +-3%
            b = round(base * noise, 3)
            v = b
            if c % 21 != 0:                                  # ~95% of the curves regress somewhere
                lo = (c * 5) % max(1, points - 6)
                factor = (1.2, 1.6, 2.2, 3.5)[c % 4]
                if lo <= i < lo + 4 + c % 3:
                    v = b * factor if c % 2 == 0 else b / factor
            if c % 9 == 0 and i == 3:
                v = b * 3.5000000000000004 if c % 2 == 0 else b   # a tie partner of factor 3.5
            status = "FAILED" if (c * 13 + i) % 97 == 0 else "SUCCESS"
            base_tests.append(test(seq, tag, f"{x} policies", b))
            cand_tests.append(test(seq, tag, f"{x} policies", round(v, 6), status=status))
            seq += 1
        c += 1
    return job(1, "1.64-4996", base_tests[:n_tests]), job(2, "1.66-5101", cand_tests[:n_tests])


def rounding_pair():
    """Curves whose upstream figures sit on the edges perfsql must reproduce exactly: a worst median of
    250.0 (/api/a: 100 -> 350) and one of 250.00000000000006 (/api/b: 0.7 -> 2.45) that upstream ranks first
    although its key sorts later; a median of 20.095 that numpy rounds to 20.1 where Python's round() gives
    20.09 (/api/c: 100 -> 120.095); a 7-point window with consistency 5/7 (Python round: 0.71); a rate curve;
    two baseline samples (data quality 'fair'); a non-ASCII endpoint and a quoted scenario (json.dump's
    ensure_ascii escapes)."""
    xs = [1000 * (i + 1) for i in range(8)]
    spec = [  # tag, baseline values, candidate values, samples
        ("latency, p(95) (1 th): GET /api/a (s)", [100.0] * 8, [100.0, 100.0, 350.0, 350.0, 350.0, 100.0, 100.0, 100.0], 3),
        ("latency, p(95) (1 th): GET /api/b (s)", [0.7] * 8, [0.7, 0.7, 2.45, 2.45, 2.45, 0.7, 0.7, 0.7], 3),
        ("latency, p(95) (2 th): GET /api/c (s)", [100.0] * 8, [100.0, 120.095, 120.095, 120.095, 120.095, 120.095, 100.0, 100.0], 3),
        ("latency, p(95) (4 th): GET /api/d (s)", [10.0] * 8, [10.0, 13.0, 12.0, 13.0, 13.0, 13.0, 12.0, 13.0], 2),
        ("rate (4 th): GET /api/e (s)", [900.0, 880.0, 860.0, 840.0, 820.0, 800.0, 780.0, 760.0],
         [900.0, 880.0, 430.0, 420.0, 410.0, 400.0, 780.0, 760.0], 1),
        ('latency (8 th): GET /api/caf\u00e9 (say "hi")', [5.0] * 8, [5.0, 5.0, 5.0, 7.5, 7.55, 7.605, 5.0, 5.0], 3),
    ]
    base, cand, seq = [], [], 1
    for tag, bv, cv, n in spec:
        for x, b, c in zip(xs, bv, cv):
            base.append(test(seq, tag, f"{x} policies", b, samples=n))
            cand.append(test(seq, tag, f"{x} policies", c, samples=n))
            seq += 1
    return job(11, "2.0-1", base), job(12, "2.1-7", cand)


def long_curve_pair(n_tests=2000):
    """Curves of 50 load levels (latency and rate), regressed in one long and one short range: several kept
    windows per curve (all_windows), merges of overlapping windows, windows of every size 3..7."""
    points, tests_b, tests_c, seq = 50, [], [], 1
    xs = [1000 * (i + 1) for i in range(points)]
    for c in range(max(1, n_tests // points)):
        metric = "latency, p(95)" if c % 2 == 0 else "rate"
        tag = f"{metric} ({1 + c % 8} th): GET /api/endpoint{c // 2} (scenario {c % 5})"
        for i, x in enumerate(xs):
            base = (10 + c % 13 + i * 0.2) if c % 2 == 0 else (900 - i * 3 - c % 17)
            b = base * (1 + ((c * 31 + i * 17) % 7 - 3) * 0.01)   # +-3% noise
            v = b
            if c % 5 == 0 and 10 <= i < 25:
                v = b * 1.6 if c % 2 == 0 else b / 1.6
            elif c % 7 == 0 and 30 <= i < 36:
                v = b * 2.5 if c % 2 == 0 else b / 2.5
            tests_b.append(test(seq, tag, f"{x} policies", round(b, 4)))
            tests_c.append(test(seq, tag, f"{x} policies", round(v, 4)))
            seq += 1
    return job(21, "3.0", tests_b[:n_tests]), job(22, "3.1", tests_c[:n_tests])


# The pairs whose upstream perfreg_v2 output is committed in tests/perftracker/upstream/.
ORACLE_PAIRS = {
    "rounding_pair": rounding_pair,
    "long_curve_pair": long_curve_pair,
    "big_pair": big_pair,
}
