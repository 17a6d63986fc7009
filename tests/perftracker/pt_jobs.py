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
