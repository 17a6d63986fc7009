#!/usr/bin/env python3
"""Re-creates the oracle files in this directory: the real upstream detector
(emanuelebarbato/perftracker scripts/perfreg_v2.py) run on each pair of
pt_jobs.ORACLE_PAIRS, its result_v2.json kept verbatim as <pair>.result_v2.json.

usage: /usr/bin/python3 tests/perftracker/upstream/make_oracles.py PATH/TO/perfreg_v2.py

Needs Debian's python3-numpy. perfreg_v2.py imports pandas but never uses it;
when pandas is missing an empty stand-in module is put on PYTHONPATH (as for
../../../../shared/data/perftracker/perfreg_v2/result_v2.json)."""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import pt_jobs  # noqa: E402


def run_upstream(script, base, cand, tmp):
    """Writes both jobs, runs perfreg_v2.py on them, returns (result_v2.json text, wall seconds)."""
    import time
    paths = []
    for name, job in (("baseline", base), ("candidate", cand)):
        p = os.path.join(tmp, f"job-{name}.json")
        with open(p, "w") as f:
            json.dump(job, f, indent=2)
        paths.append(p)
    env = dict(os.environ)
    if importlib.util.find_spec("pandas") is None:
        stub = os.path.join(tmp, "stub", "pandas")
        os.makedirs(stub, exist_ok=True)
        open(os.path.join(stub, "__init__.py"), "w").close()
        env["PYTHONPATH"] = os.path.join(tmp, "stub")
    out = os.path.join(tmp, "out")
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/python3", script, paths[0], paths[1], "--out", out], env=env,
                       stdout=subprocess.DEVNULL)
    if r.returncode not in (0, 1):   # 1 = critical regressions found
        sys.exit(f"perfreg_v2.py failed with exit status {r.returncode}")
    wall = time.perf_counter() - t0
    (sub,) = os.listdir(out)
    with open(os.path.join(out, sub, "result_v2.json")) as f:
        return f.read(), wall


def main():
    script = sys.argv[1]
    for name, make in pt_jobs.ORACLE_PAIRS.items():
        with tempfile.TemporaryDirectory() as tmp:
            text, _ = run_upstream(script, *make(), tmp)
        with open(os.path.join(HERE, f"{name}.result_v2.json"), "w") as f:
            f.write(text)
        print(f"{name}: {len(text)} bytes")


if __name__ == "__main__":
    main()
