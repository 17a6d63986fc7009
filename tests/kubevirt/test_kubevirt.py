"""KubeVirt loaders, views and export against independent oracles:

- build-log.txt: the "Values" blocks found by Python's own regex reading (upstream's
  rules: start `"Values": {`, end `^}$`, order vmi, vm, third block kept);
- results.json trees: every value of every real file read by Python's json module;
- the weekly view restricted to the runs of a real upstream weekly file reproduces
  that file's Average;
- export: the real results.json files come back byte for byte.
"""
import glob
import json
import math
import os
import re
import shutil
import sqlite3

import harness

KV = os.path.join(harness.DATA, "kubevirt")
UP = os.path.join(KV, "upstream")      # real upstream inputs and outputs: upstream/PROVENANCE.md
BENCH = os.path.join(KV, "ci-performance-benchmarks")
BUILD_LOG = os.path.join(KV, "build-log.txt")
SHAPE = os.path.join(KV, "shape.yaml")
JOB34 = "periodic-kubevirt-e2e-k8s-1.34-sig-performance"


def regex_blocks(path):
    """Upstream's regex-era extraction, written independently in Python."""
    lines = read(path).split("\n")
    blocks, cur = [], None
    for line in lines:
        if cur is None:
            if re.search(r'"Values": \{', line):
                cur = [line[line.index('"Values"'):]]
        else:
            cur.append(line)
            if re.fullmatch(r"\}", line):
                blocks.append(json.loads("{" + "\n".join(cur))["Values"])
                cur = None
    return blocks


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def results_files():
    return sorted(glob.glob(os.path.join(BENCH, "results", "*", "*", "results.json")))


def percentile(values, p):
    v = sorted(values)
    ix = p / 100 * (len(v) - 1)
    i = math.floor(ix)
    f = ix - i
    return v[i] if f == 0 or i == len(v) - 1 else v[i] + (v[i + 1] - v[i]) * f


class KubevirtLoad(harness.TempDirTest):
    def sqljson(self, sql, db=None):
        r = harness.run(["sql", "--format", "json", sql], db=db or self.db)
        self.assertEqual(r.rc, 0, repr(r))
        return json.loads(r.out) if r.out.strip() else []

    def dump(self, db=None):
        con = sqlite3.connect(db or self.db)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()

    # ---- build-log.txt --------------------------------------------------------
    def test_build_log_values_match_python_regex_reading(self):
        self.ok(["load", "kubevirt", "--job", "pull-kubevirt-e2e-k8s-1.25-sig-performance",
                 "--build-id", "1635000000000000000", BUILD_LOG])
        blocks = regex_blocks(BUILD_LOG)
        self.assertEqual(len(blocks), 3)
        rows = self.query("SELECT resource, metric, value, threshold_value, threshold_metric, "
                          "threshold_ratio, threshold_exceeded FROM kubevirt_results")
        got = {(r[0], r[1]): r[2:] for r in rows}
        want = {}
        for res, block in zip(["vmi", "vm", "vm-instancetype"], blocks):
            for name, m in block.items():
                t = m.get("thresholdResult") or {}
                exc = t.get("thresholdExceeded")
                want[(res, name)] = (m["value"], t.get("thresholdValue"), t.get("thresholdMetric"),
                                     t.get("thresholdRatio"), None if exc is None else int(exc))
        self.assertEqual(len(rows), len(want))
        self.assertEqual(got, want)
        # the figure the issue names
        self.assertEqual(got[("vmi", "vmiCreationToRunningSecondsP95")][:2], (29.414207270253915, 60))
        self.assertEqual(got[("vmi", "vmiCreationToRunningSecondsP95")][4], 0)
        # start time from the snowflake build id
        started = self.query("SELECT started_at FROM kubevirt_run")[0][0]
        ms = (1635000000000000000 >> 22) + 1288834974657
        import datetime
        want_t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
        self.assertEqual(started, want_t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z")

    def test_build_log_glued_brace_and_errors(self):
        text = read(BUILD_LOG)
        # the real file has the '{' glued to Ginkgo's skip markers
        self.assertRegex(text, r"\nS{100,}\{\n  \"Values\": \{")
        # a block that is never closed: error names the line where it opened
        lines = text.split("\n")
        start = next(i for i, l in enumerate(lines) if '"Values": {' in l)
        cut = os.path.join(self.tmp, "job", "1635000000000000000", "build-log.txt")
        os.makedirs(os.path.dirname(cut))
        with open(cut, "w") as f:
            f.write("\n".join(lines[:start + 20]))
        self.ok(["init"])
        before = self.dump()
        r = self.fails(["load", "kubevirt", cut])
        self.assertEqual(r.err, f"perfsql: {cut}:line {start + 1}: \"Values\" block is not closed by a line '}}'\n")
        self.assertEqual(before, self.dump())
        # malformed JSON inside a block: the log's line
        bad = lines[:]
        bad[start + 2] = bad[start + 2].replace(":", "")  # `"value" 163.5` on the third block line
        with open(cut, "w") as f:
            f.write("\n".join(bad))
        r = self.fails(["load", "kubevirt", cut])
        self.assertRegex(r.err, rf"^perfsql: {re.escape(cut)}:line {start + 3}, column \d+: malformed JSON\n$")
        self.assertEqual(before, self.dump())

    # ---- results.json trees ------------------------------------------------------
    def test_results_tree_loads_every_value(self):
        self.ok(["load", "kubevirt", BENCH])
        want = {}
        runs = {}
        for f in results_files():
            job, bid = f.split(os.sep)[-3:-1]
            doc = json.loads(read(f))
            runs[(job, int(bid))] = doc["JobDirCreationTime"]
            for key, res in (("VMIResult", "vmi"), ("VMResult", "vm")):
                if doc[key] is None:
                    continue
                for name, m in doc[key]["Values"].items():
                    t = m.get("thresholdResult") or {}
                    exc = t.get("thresholdExceeded")
                    want[(job, int(bid), res, name)] = (
                        m["value"], t.get("thresholdValue"), t.get("thresholdMetric"),
                        t.get("thresholdRatio"), None if exc is None else int(exc))
        rows = self.query("SELECT job, build_id, resource, metric, value, threshold_value, threshold_metric,"
                          " threshold_ratio, threshold_exceeded FROM kubevirt_results")
        got = {r[:4]: r[4:] for r in rows}
        self.assertEqual(len(rows), len(want))
        self.assertEqual(got, want)
        counts = json.loads(self.query("SELECT row_counts FROM source")[0][0])
        self.assertEqual(counts["kubevirt_metric"], len(want))
        self.assertEqual(counts["kubevirt_run"], len(results_files()))
        self.assertEqual(dict(((j, b), c) for j, b, c in self.query(
            "SELECT job, build_id, job_dir_created FROM kubevirt_run")), runs)
        # every metric name loads without a list
        names = {k[3] for k in want}
        self.assertEqual({r[0] for r in self.query("SELECT DISTINCT metric FROM kubevirt_series")}, names)
        # null results are absent, not zero
        nulls = sum(1 for f in results_files() for k in ("VMIResult", "VMResult") if json.loads(read(f))[k] is None)
        n_results = self.query("SELECT count(*) FROM kubevirt_result")[0][0]
        self.assertEqual(n_results, 2 * len(results_files()) - nulls)
        # loading again is a no-op; weekly/ files were not taken for runs
        before = self.dump()
        r = self.ok(["load", "kubevirt", BENCH])
        self.assertIn("already loaded", r.out)
        self.assertEqual(before, self.dump())
        # a run already loaded from another source is skipped, not duplicated
        one = results_files()[0]
        r = self.ok(["load", "kubevirt", one])
        self.assertIn("skipped", r.err)
        self.assertEqual(self.query("SELECT count(*) FROM kubevirt_run")[0][0], len(results_files()))
        # the loader writes with foreign-key enforcement off (its ids hold by construction): they hold
        self.assertEqual(self.query("PRAGMA foreign_key_check"), [])
        # --replace: the earlier load's rows go by ON DELETE CASCADE, the new ones hold their keys
        n = self.query("SELECT count(*) FROM kubevirt_metric")[0][0]
        r = self.ok(["load", "kubevirt", "--replace", BENCH])
        self.assertIn("replacing the earlier load", r.out)
        self.assertEqual(self.query("SELECT count(*) FROM kubevirt_metric")[0][0], n)
        # a metric belongs to its load through its result (kubevirt_metric has no source_id: sql/012)
        src = self.query("SELECT max(id) FROM source WHERE kind = 'kubevirt'")[0]   # the --replace load
        self.assertEqual(self.query("SELECT count(*) FROM kubevirt_metric m JOIN kubevirt_result x ON x.id = m.result_id"
                                    f" WHERE x.source_id = {src[0]}"), [(n,)])
        self.assertEqual(self.query("PRAGMA foreign_key_check"), [])
        self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])
        # deleting the source deletes its runs, results and metrics (source -> result -> metric)
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("DELETE FROM source WHERE id = ?", src)
        con.commit()
        con.close()
        self.assertEqual(self.query("SELECT (SELECT count(*) FROM kubevirt_run), (SELECT count(*) FROM kubevirt_result),"
                                    " (SELECT count(*) FROM kubevirt_metric)"), [(0, 0, 0)])
        self.assertEqual(self.query("PRAGMA foreign_key_check"), [])

    def test_results_json_empty_and_unknown_containers(self):
        """The walk enters only the containers it reads; empty objects and arrays and unknown
        keys holding objects (even ones named "Values") around and inside the metrics change
        nothing. Oracle: Python's json module on the same text. (Synthetic file: the shapes
        are the point, not the provenance.)"""
        doc = {"Extra": {"deep": {"Values": {"x": {"value": 9}}}, "e": {}},
               "JobDirCreationTime": "2025-03-04T10:00:00Z",
               "VMIResult": {"Other": {"Values": {"zz": {"value": 7}}}, "Empty": {},
                             "Values": {"a": {"thresholdResult": {}, "value": 1.5},
                                        "e": {"value": 3, "x": {}, "y": [], "z": [{}, [1]],
                                              "thresholdResult": {"thresholdValue": 2, "thresholdMetric": "a",
                                                                  "thresholdRatio": 1.5, "thresholdExceeded": True}},
                                        "b": {"value": 2, "thresholdResult": None}, "c": {"y": [], "value": -4}}},
               "VMResult": {"Values": {}}}
        d = os.path.join(self.tmp, "results", "job", "1700000000000000000")
        os.makedirs(d)
        write(os.path.join(d, "results.json"), json.dumps(doc, indent=2))
        self.ok(["load", "kubevirt", os.path.join(self.tmp, "results")])
        want = []
        for key, res in (("VMIResult", "vmi"), ("VMResult", "vm")):
            for name, m in doc[key]["Values"].items():
                t = m.get("thresholdResult") or {}
                exc = t.get("thresholdExceeded")
                want.append((res, name, m["value"], t.get("thresholdValue"), t.get("thresholdMetric"),
                             t.get("thresholdRatio"), None if exc is None else int(exc)))
        got = self.query("SELECT s.resource, s.metric, m.value, m.threshold_value, m.threshold_metric,"
                         " m.threshold_ratio, m.threshold_exceeded FROM kubevirt_metric m"
                         " JOIN kubevirt_series s ON s.id = m.series_id")
        self.assertEqual(sorted(got), sorted(want))
        self.assertEqual(sorted(self.query("SELECT resource FROM kubevirt_result")), [("vm",), ("vmi",)])

    def test_results_json_errors_leave_database_unchanged(self):
        self.ok(["load", "kubevirt", SHAPE])
        before = self.dump()
        src = results_files()[-1]
        job, bid = src.split(os.sep)[-3:-1]
        d = os.path.join(self.tmp, "results", job, bid)
        os.makedirs(d)
        bad = os.path.join(d, "results.json")
        text = read(src)
        with open(bad, "w") as f:   # truncated
            f.write(text[:1000])
        r = self.fails(["load", "kubevirt", bad])
        line = text[:1000].count("\n") + 1
        self.assertRegex(r.err, rf"^perfsql: {re.escape(bad)}:line {line}, column \d+: malformed JSON "
                                r"\(unexpected end of data\)\n$")
        self.assertEqual(before, self.dump())
        doc = json.loads(text)
        name = sorted(doc["VMIResult"]["Values"])[0]
        doc["VMIResult"]["Values"][name]["value"] = "fast"
        text = json.dumps(doc)
        write(bad, text)   # wrong type: the error points at the value
        r = self.fails(["load", "kubevirt", bad])
        col = text.index('"fast"') + 1
        self.assertEqual(r.err, f"perfsql: {bad}:line 1, column {col}: $.VMIResult.Values.{name}.value: "
                                "expected a number, got a string\n")
        del doc["VMIResult"]["Values"][name]["value"]
        write(bad, json.dumps(doc, indent=2))
        r = self.fails(["load", "kubevirt", bad])
        col = 6 + len(f'"{name}": ') + 1   # the value {} of the first metric, on line 5
        self.assertRegex(r.err, rf"^perfsql: {re.escape(bad)}:line 5, column {col}: \$\.VMIResult\.Values\.{name}: "
                                r"expected an object with \"value\", got no \"value\"\n$")
        self.assertEqual(before, self.dump())
        write(bad, '{"name": "not kubevirt"}')
        r = self.fails(["load", "kubevirt", bad])
        self.assertEqual(r.err, f"perfsql: {bad}: not a perf-report-creator results.json (no VMIResult or VMResult)\n")
        audit = os.path.join(self.tmp, "VMI-perf-audit-results.json")
        write(audit, '{"values": {}}')
        r = self.fails(["load", "kubevirt", "--job", "j", "--build-id", "1", audit])
        self.assertEqual(r.err, f"perfsql: {audit}: not a perfscale audit result (no \"Values\")\n")
        self.assertEqual(before, self.dump())
        # a tree: one bad file rolls back the whole load
        tree = os.path.join(self.tmp, "tree")
        shutil.copytree(os.path.join(BENCH, "results"), os.path.join(tree, "results"))
        with open(os.path.join(tree, "results", job, bid, "results.json"), "w") as f:
            f.write("{\"JobDirCreationTime\": 5}")
        r = self.fails(["load", "kubevirt", tree])
        self.assertIn("$.JobDirCreationTime: expected a timestamp", r.err)
        self.assertEqual(before, self.dump())

    def test_audit_files_in_artifacts_and_build_log_fallback(self):
        # a copy of the bucket layout: logs/<job>/<id>/artifacts/...
        src = [f for f in results_files() if JOB34 + os.sep in f][:2]
        root = os.path.join(self.tmp, "logs")
        for i, f in enumerate(src):
            bid = f.split(os.sep)[-2]
            doc = json.loads(read(f))
            art = os.path.join(root, JOB34, bid, "artifacts", "performance" if i == 0 else "")
            os.makedirs(art, exist_ok=True)
            write(os.path.join(art, "VMI-perf-audit-results.json"), json.dumps(doc["VMIResult"]))
            write(os.path.join(art, "VM-perf-audit-results.json"), json.dumps(doc["VMResult"]))
            # a build log that must be ignored (audit files win)
            shutil.copy(BUILD_LOG, os.path.join(root, JOB34, bid, "build-log.txt"))
        # a regex-era run: build log only
        old = os.path.join(root, "pull-kubevirt-e2e-k8s-1.25-sig-performance", "1635000000000000000")
        os.makedirs(old)
        shutil.copy(BUILD_LOG, os.path.join(old, "build-log.txt"))
        self.ok(["load", "kubevirt", root])
        rows = self.query("SELECT r.job, r.build_id, x.resource, count(*) FROM kubevirt_run r"
                          " JOIN kubevirt_result x ON x.run_id = r.id JOIN kubevirt_metric m ON m.result_id = x.id"
                          " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
        want = []
        for f in src:
            doc = json.loads(read(f))
            bid = int(f.split(os.sep)[-2])
            want += [(JOB34, bid, "vm", len(doc["VMResult"]["Values"])),
                     (JOB34, bid, "vmi", len(doc["VMIResult"]["Values"]))]
        blocks = regex_blocks(BUILD_LOG)
        want = [("pull-kubevirt-e2e-k8s-1.25-sig-performance", 1635000000000000000, r, len(b))
                for r, b in sorted(zip(["vmi", "vm", "vm-instancetype"], blocks))] + sorted(want)
        self.assertEqual(rows, sorted(want))
        self.assertEqual(self.query("SELECT DISTINCT origin FROM kubevirt_run ORDER BY 1"),
                         [("audit",), ("build-log",)])
        self.assertEqual(self.query("PRAGMA foreign_key_check"), [])

    # ---- views ------------------------------------------------------------------
    def test_weekly_reproduces_upstream_averages(self):
        """For every real upstream weekly file of the 1.34 job: load exactly the runs in its
        DataPoints (matched by JobDirCreationTime), and the weekly view gives its Average."""
        by_time = {}
        for f in results_files():
            job = f.split(os.sep)[-3]
            by_time[(job, json.loads(read(f))["JobDirCreationTime"])] = f
        checked = differs = 0
        for wf in sorted(glob.glob(os.path.join(BENCH, "weekly", JOB34, "*", "*", "*", "data", "results.json"))):
            res, metric, label = wf.split(os.sep)[-5:-2]
            w = json.loads(read(wf))
            pts = w["Data"]["DataPoints"]
            files = [by_time[(JOB34, p["Date"])] for p in pts]
            key = "VMIResult" if res == "vmi" else "VMResult"
            lacking = [f for f in files if metric not in json.loads(read(f))[key]["Values"]]
            db = os.path.join(self.tmp, f"w{checked + differs}.db")
            self.assertEqual(harness.run(["--quiet", "load", "kubevirt"] + files, db=db).rc, 0)
            rows = self.sqljson(f"SELECT week_start, results, runs, mean, min, max, median, p95 FROM kubevirt_weekly"
                                f" WHERE resource = '{res}' AND metric = '{metric}'", db=db)
            self.assertEqual(len(rows), 1, wf)   # the file's runs are one ISO week
            row = rows[0]
            # upstream's label is 7 days after the ISO Monday in 2026
            self.assertEqual(row["week_start"], "2026-" + {"2026-07-06": "06-29", "2026-07-13": "07-06",
                                                            "2026-07-20": "07-13"}[label])
            self.assertEqual(row["results"], len(pts))
            values = [json.loads(read(f))[key]["Values"][metric]["value"] for f in files if f not in lacking]
            self.assertEqual(row["runs"], len(values))
            if not lacking:
                self.assertAlmostEqual(row["mean"], w["Data"]["Average"], delta=1e-12 * abs(w["Data"]["Average"]))
                self.assertEqual(sorted(values), sorted(p["Value"] for p in pts))
                checked += 1
            else:
                # upstream averages a 0 in for the missing metric; we leave the run out
                self.assertAlmostEqual(w["Data"]["Average"], sum(values) / len(pts), delta=1e-9)
                self.assertAlmostEqual(row["mean"], sum(values) / len(values), delta=1e-9)
                differs += 1
            self.assertEqual((row["min"], row["max"]), (min(values), max(values)))
            self.assertAlmostEqual(row["median"], percentile(values, 50), delta=1e-9)
            self.assertAlmostEqual(row["p95"], percentile(values, 95), delta=1e-9)
        self.assertEqual(checked, 35)   # 12 series x 3 weeks, less the one below
        self.assertEqual(differs, 1)

    def test_weekly_missing_is_null_change_breaches_release(self):
        self.ok(["load", "kubevirt", BENCH])
        self.ok(["load", "kubevirt", SHAPE])
        bad = self.sqljson("SELECT count(*) AS n FROM kubevirt_weekly WHERE runs = 0 AND mean IS NOT NULL")
        self.assertEqual(bad[0]["n"], 0)
        missing = self.sqljson("SELECT count(*) AS n FROM kubevirt_weekly WHERE runs = 0 AND mean IS NULL")
        self.assertGreater(missing[0]["n"], 0)
        # full ISO weeks of the 1.34 job, computed in Python
        weeks = {}
        import datetime
        for f in results_files():
            if f.split(os.sep)[-3] != JOB34:
                continue
            doc = json.loads(read(f))
            if doc["VMIResult"] is None:
                continue
            t = datetime.datetime.fromisoformat(doc["JobDirCreationTime"].replace("Z", "+00:00"))
            monday = (t.date() - datetime.timedelta(days=t.weekday())).isoformat()
            v = doc["VMIResult"]["Values"].get("vmiCreationToRunningSecondsP95")
            weeks.setdefault(monday, [])
            if v:
                weeks[monday].append(v["value"])
        rows = self.sqljson(f"SELECT week_start, runs, mean, median, change_pct, median_change_pct,"
                            f" regress_severity FROM kubevirt_weekly_change WHERE job = '{JOB34}' AND resource = 'vmi'"
                            f" AND metric = 'vmiCreationToRunningSecondsP95' ORDER BY week_start")
        self.assertEqual([r["week_start"] for r in rows], sorted(w for w in weeks if weeks[w]))
        prev = None
        for r in rows:
            vals = weeks[r["week_start"]]
            mean = sum(vals) / len(vals)
            self.assertAlmostEqual(r["mean"], mean, delta=1e-9)
            med = percentile(vals, 50)
            if prev is None:
                self.assertIsNone(r["change_pct"])
            else:
                self.assertAlmostEqual(r["change_pct"], 100 * (mean - prev[0]) / abs(prev[0]), delta=1e-9)
                mc = 100 * (med - prev[1]) / abs(prev[1])
                self.assertAlmostEqual(r["median_change_pct"], mc, delta=1e-9)
                self.assertEqual(r["regress_severity"], "critical" if mc >= 100 else "severe" if mc >= 50
                                 else "moderate" if mc >= 15 else "none")
            prev = (mean, med)
        # threshold breaches = every thresholdExceeded true in the files
        want = 0
        for f in results_files():
            doc = json.loads(read(f))
            for k in ("VMIResult", "VMResult"):
                if doc[k]:
                    want += sum(1 for m in doc[k]["Values"].values()
                                if (m.get("thresholdResult") or {}).get("thresholdExceeded"))
        got = self.sqljson("SELECT count(*) AS n, min(value > threshold_value) AS above FROM kubevirt_threshold_breaches")
        self.assertEqual(got[0]["n"], want)
        self.assertGreater(want, 0)
        # release view: from sinceDate on, no kwok/density jobs
        rel = self.sqljson("SELECT release_version, min(week_start) AS first, count(*) AS n,"
                           " sum(jobs LIKE '%kwok%') AS kwok FROM kubevirt_release_weekly")
        self.assertEqual(rel[0]["release_version"], "v1-8")
        self.assertGreaterEqual(rel[0]["first"], "2025-01-01")
        self.assertEqual(rel[0]["kwok"], 0)
        self.assertGreater(rel[0]["n"], 0)

    # ---- export -------------------------------------------------------------------
    def test_export_round_trips_results_and_writes_weekly(self):
        self.ok(["load", "kubevirt", BENCH])
        out = os.path.join(self.tmp, "export")
        self.ok(["export", "kubevirt", out])
        for f in results_files():
            rel = os.path.relpath(f, BENCH)
            with open(f, "rb") as a, open(os.path.join(out, rel), "rb") as b:
                self.assertEqual(a.read(), b.read(), rel)
        # weekly files: upstream labels, and every upstream point of a week is in our file
        for wf in glob.glob(os.path.join(BENCH, "weekly", JOB34, "*", "*", "*", "data", "results.json")):
            rel = os.path.relpath(wf, BENCH)
            ours = json.loads(read(os.path.join(out, rel)))
            theirs = json.loads(read(wf))
            self.assertEqual(ours["StartDate"], theirs["StartDate"])
            self.assertEqual(ours["NumberOfDays"], 7)
            pts = {(p["Date"], p["Value"]) for p in ours["Data"]["DataPoints"]}
            self.assertTrue({(p["Date"], p["Value"]) for p in theirs["Data"]["DataPoints"] if p["Value"] != 0} <= pts)
            vals = [p["Value"] for p in ours["Data"]["DataPoints"]]
            self.assertAlmostEqual(ours["Data"]["Average"], sum(vals) / len(vals), delta=1e-9)
        # upstream's week labels (7 days late in 2025/2026, ISO Mondays in 2022-2024), checked on
        # every real weekly file of every job that has one of our runs among its points
        loaded = {(f.split(os.sep)[-3], json.loads(read(f))["JobDirCreationTime"]) for f in results_files()}
        years = set()
        for wf in glob.glob(os.path.join(BENCH, "weekly", "*", "*", "*", "*", "data", "results.json")):
            job = os.path.relpath(wf, BENCH).split(os.sep)[1]
            theirs = json.loads(read(wf))
            mine = [p for p in theirs["Data"]["DataPoints"] if (job, p["Date"]) in loaded and p["Value"] != 0]
            if not mine:
                continue
            ours = json.loads(read(os.path.join(out, os.path.relpath(wf, BENCH))))
            self.assertEqual(ours["StartDate"], theirs["StartDate"], wf)
            self.assertTrue({(p["Date"], p["Value"]) for p in mine} <= {(p["Date"], p["Value"]) for p in ours["Data"]["DataPoints"]})
            years.add(theirs["StartDate"][:4])
        self.assertEqual(years, {"2022", "2023", "2024", "2025", "2026"})
        # --iso-weeks labels by ISO Monday
        out2 = os.path.join(self.tmp, "export-iso")
        self.ok(["export", "kubevirt", out2, "--iso-weeks", "--job", JOB34])
        labels = {os.path.basename(p) for p in glob.glob(os.path.join(
            out2, "weekly", JOB34, "vmi", "vmiCreationToRunningSecondsP95", "*"))}
        self.assertIn("2026-07-13", labels)
        self.assertNotIn("2026-07-20", labels)
        self.assertEqual(os.listdir(os.path.join(out2, "results")), [JOB34])

    # ---- graphs -------------------------------------------------------------------------
    def test_weekly_and_release_graphs(self):
        self.ok(["load", "kubevirt", BENCH])
        g = os.path.join(self.tmp, "g")
        r = self.fails(["kubevirt-graph", "release", "--out", g])
        self.assertIn("no shape.yaml loaded", r.err)
        metric = "vmiCreationToRunningSecondsP95"
        r = self.fails(["kubevirt-graph", "weekly", "--out", g, "--job", JOB34, "--since", "2030-01-01"])
        self.assertIn(f"nothing to draw: no KubeVirt values for job {JOB34} in weeks ending on or after 2030-01-01",
                      r.err)
        self.assertFalse(os.path.exists(os.path.join(g, JOB34)))
        self.ok(["kubevirt-graph", "weekly", "--out", g, "--job", JOB34, "--metrics",
                 f"{metric},CREATE-pods-count,nosuch"])
        for res in ("vmi", "vm"):
            page = read(os.path.join(g, JOB34, res, "index.html"))
            self.assertEqual(page.count("<img"), 2)
            self.assertIn(f">{metric}<", page)
            self.assertNotIn("nosuch", page.split("</h1>", 1)[1])
        png = os.path.join(g, JOB34, "vmi", metric, "plot.png")
        with open(png, "rb") as f:
            ours = f.read()
        self.assertEqual(ours[:8], b"\x89PNG\r\n\x1a\n")
        # oracle: the same chart drawn by chart_line from points computed here in Python
        import datetime
        pts, weeks = [], {}
        for f in results_files():
            if f.split(os.sep)[-3] != JOB34:
                continue
            doc = json.loads(read(f))
            v = (doc["VMIResult"] or {"Values": {}})["Values"].get(metric)
            if v is None:
                continue
            t = doc["JobDirCreationTime"]
            pts.append((t, v["value"]))
            d = datetime.date.fromisoformat(t[:10])
            weeks.setdefault((d - datetime.timedelta(days=d.weekday())).isoformat(), []).append(v["value"])
        rows = [(t, v, "individual metrics", 0) for t, v in pts] + \
               [(w, sum(vs) / len(vs), "weekly averages", 1) for w, vs in weeks.items()]
        rows.sort(key=lambda r: (r[3], r[0]))
        values = ",".join(f"('{x}', {y!r}, '{s}')" for x, y, s, k in rows)
        # x padded by 3 % of the span (whole seconds, at least a day): no point on the border
        def secs(x):
            d = datetime.datetime.fromisoformat(x.replace("Z", "+00:00") if "T" in x else x + "T00:00:00+00:00")
            return math.floor(d.timestamp())
        lo, hi = min(secs(r[0]) for r in rows), max(secs(r[0]) for r in rows)
        pad = max(int((hi - lo) * 0.03), 86400)
        iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        opts = json.dumps({"title": f"Weekly {metric} for vmi", "x_type": "time", "x_label": "Start date of week",
                           "width": 1000, "height": 500,
                           "series": {"individual metrics": {"mode": "markers"},
                                      "weekly averages": {"mode": "lines"}}, "markers": [],
                           "x_min": iso(lo - pad), "x_max": iso(hi + pad), "y_unit": "seconds"})
        ref = os.path.join(self.tmp, "ref.png")
        self.ok(["plot", "-o", ref, f"SELECT chart_line(column1, column2, column3, '{opts}') FROM (VALUES {values})"])
        with open(ref, "rb") as f:
            self.assertEqual(f.read(), ours)
        # release graphs: markers from shape.yaml
        self.ok(["load", "kubevirt", SHAPE])
        self.ok(["kubevirt-graph", "release", "--out", g, "--metrics", metric])
        for res in ("vmi", "vm"):
            page = read(os.path.join(g, "release-v1-8", res, "release-index.html"))
            self.assertEqual(page.count("<img"), 1)
            self.assertTrue(os.path.exists(os.path.join(g, "release-v1-8", res, metric, "plot.png")))

    def upstream_fig(self, name):
        """The plotly figures of real upstream lines `data_N = JSON.parse('...')`, by title."""
        figs = {}
        for line in read(os.path.join(UP, name)).splitlines():
            js = line[line.index("JSON.parse('") + len("JSON.parse('"):line.rindex("')")]
            d = json.loads(js)
            figs[d["layout"]["title"]["text"]] = d
        return figs

    def test_release_keeps_the_week_of_sincedate_like_upstream(self):
        """Upstream's real release-v1-8 vmi page draws the runs of the week that contains sinceDate
        (2025-01-01, a Wednesday: 2024-12-30..2025-01-05), not those of the week before."""
        metric = "vmiCreationToRunningSecondsP95"
        fig = self.upstream_fig("release-v1-8_vmi_release-index.data_1.txt")[f"Weekly {metric} for vmi"]
        tr = fig["data"][0]
        up_early = sorted((x, y) for x, y in zip(tr["x"], tr["y"]) if x < "2025-01-06")
        runs = []
        for f in sorted(glob.glob(os.path.join(UP, "results", "*1.31*", "*", "results.json"))):
            doc = json.loads(read(f))
            v = (doc["VMIResult"] or {"Values": {}})["Values"].get(metric)
            runs.append((doc["JobDirCreationTime"][:10], v["value"] if v else None))
        week = [r for r in runs if "2024-12-30" <= r[0] <= "2025-01-05"]
        self.assertEqual(len(week), 21)
        self.assertTrue(any(r[0] < "2024-12-30" for r in runs))
        # the upstream figure: exactly the runs of that week (a missing metric drawn as 0, upstream's rule)
        self.assertEqual(up_early, sorted((d, v if v is not None else 0) for d, v in week))
        self.ok(["load", "kubevirt", UP, SHAPE])
        got = self.sqljson(f"SELECT points, weeks, from_day FROM kubevirt_graph_chart(NULL, 'vmi', '{metric}')")
        # ours: the same runs (missing metrics left out, not 0), one week, none of the week before
        self.assertEqual(got, [{"points": sum(1 for d, v in week if v is not None), "weeks": 1,
                                "from_day": "2025-01-01"}])
        g = os.path.join(self.tmp, "g")
        self.ok(["kubevirt-graph", "release", "--out", g, "--metrics", metric])
        self.assertTrue(os.path.exists(os.path.join(g, "release-v1-8", "vmi", metric, "plot.png")))

    def test_release_over_excluded_jobs_only_says_why(self):
        density = glob.glob(os.path.join(UP, "results", "*density*", "*", "results.json"))[0]
        self.ok(["load", "kubevirt", SHAPE])
        g = os.path.join(self.tmp, "g")
        r = self.fails(["kubevirt-graph", "release", "--out", g])
        self.assertIn("release v1-8: nothing to draw: no KubeVirt runs loaded", r.err)
        self.ok(["load", "kubevirt", density])
        r = self.fails(["kubevirt-graph", "release", "--out", g])
        self.assertEqual(r.rc, 1)
        self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)
        self.assertIn("the 1 loaded runs are all of density/kwok jobs "
                      "(periodic-kubevirt-performance-cluster-100-density-test)", r.err)
        self.assertFalse(os.path.exists(os.path.join(g, "release-v1-8")))

    def test_density_vmi_page_has_upstream_watch_charts(self):
        """The real density vmi index.html draws WATCH-* charts (45-metric list); the 1.34
        sig-performance vmi page does not (42)."""
        density = glob.glob(os.path.join(UP, "results", "*density*", "*", "results.json"))[0]
        job = density.split(os.sep)[-3]
        values = json.loads(read(density))["VMIResult"]["Values"]
        self.ok(["load", "kubevirt", density])
        g = os.path.join(self.tmp, "g")
        self.ok(["kubevirt-graph", "weekly", "--out", g, "--job", job])
        titles = [t[len("Weekly "):-len(" for vmi")] for t in read(os.path.join(UP, "density_vmi_index.titles.txt")).split("\n") if t]
        self.assertEqual(len(titles), 45)
        ours = re.findall(r"<h2[^>]*>(.*?)</h2>", read(os.path.join(g, job, "vmi", "index.html")))
        self.assertEqual(ours, [t for t in titles if t in values])
        figs = self.upstream_fig("density_vmi_index.data_3_5_8.txt")
        self.assertEqual(len(figs), 3)
        for title, fig in figs.items():
            metric = title[len("Weekly "):-len(" for vmi")]
            self.assertTrue(metric.startswith("WATCH-") and metric in ours, metric)
            tr = fig["data"][0]
            self.assertIn(("2026-07-23", values[metric]["value"]), list(zip(tr["x"], tr["y"])))
        # the real 1.34 sig-performance vmi page (shared reference data) has no WATCH chart, nor has ours
        self.ok(["load", "kubevirt", BENCH])
        self.ok(["kubevirt-graph", "weekly", "--out", g, "--job", JOB34, "--resource", "vmi"])
        self.assertFalse([h for h in re.findall(r"<h2[^>]*>(.*?)</h2>", read(os.path.join(g, JOB34, "vmi", "index.html")))
                          if h.startswith("WATCH-")])
        # vm pages: the WATCH-* counts the runs reported, from Python's own reading of the files
        want = set()
        for f in results_files():
            if f.split(os.sep)[-3] == JOB34:
                want |= {k for k in ((json.loads(read(f))["VMResult"] or {}).get("Values") or {})
                         if k in ("WATCH-pods-count", "WATCH-virtualmachineinstances-count",
                                  "WATCH-virtualmachineinstancemigrations-count")}
        got = self.sqljson(f"SELECT metric FROM kubevirt_graph_metrics('{JOB34}', 'vm') WHERE metric GLOB 'WATCH-*'")
        self.assertEqual({r["metric"] for r in got}, want)

    # ---- shape.yaml -----------------------------------------------------------------
    # ---- sql/012: kubevirt_metric keyed by (series, week, result) ----------------
    def test_metrics_of_a_version_10_database_migrate(self):
        """A database written before sql/012 (kubevirt_metric with source_id, keyed by
        (result_id, series_id), two secondary indexes, views that name the table) migrates to
        exactly the schema of a new database, with every row kept."""
        old = os.path.join(self.tmp, "v10.db")
        con = sqlite3.connect(old)
        for f in sorted(glob.glob(os.path.join(harness.SRC, "sql", "0*.sql"))):
            if int(os.path.basename(f)[:3]) <= 10:
                con.executescript(read(f))
        for f in sorted(glob.glob(os.path.join(harness.SRC, "views", "kubevirt", "*.sql"))):
            if "-- Parameters:" not in read(f):
                con.executescript(read(f))
        self.assertIn("source_id", [r[1] for r in con.execute("PRAGMA table_info(kubevirt_metric)")])
        con.executescript("""
            INSERT INTO source(id, kind, uri, content_hash) VALUES (1, 'kubevirt', 'tree', 'x'), (2, 'kubevirt', 't2', 'y');
            INSERT INTO kubevirt_run(id, source_id, job, build_id, started_at, job_dir_created, run_time, week_start, origin)
              VALUES (1, 1, 'j', 10, '2025-03-03T10:00:00.000Z', NULL, '2025-03-03T10:00:00.000Z', '2025-03-03', 'audit'),
                     (2, 1, 'j', 11, '2025-03-12T10:00:00.000Z', NULL, '2025-03-12T10:00:00.000Z', '2025-03-10', 'audit'),
                     (3, 2, 'j', 12, '2025-03-13T10:00:00.000Z', NULL, '2025-03-13T10:00:00.000Z', '2025-03-10', 'audit');
            INSERT INTO kubevirt_result(id, source_id, run_id, resource, file)
              VALUES (1, 1, 1, 'vmi', 'a'), (2, 1, 2, 'vmi', 'b'), (3, 2, 3, 'vmi', 'c');
            INSERT INTO kubevirt_series(id, job, resource, metric) VALUES (1, 'j', 'vmi', 'm1'), (2, 'j', 'vmi', 'm2');
            INSERT INTO kubevirt_metric(result_id, series_id, source_id, value, threshold_value, threshold_metric,
                                        threshold_ratio, threshold_exceeded, week_day)
              VALUES (1, 2, 1, 5.5, 10.0, 'm1', 0.5, 0, 20150), (1, 1, 1, 11.0, NULL, NULL, NULL, NULL, 20150),
                     (2, 1, 1, 12.0, NULL, NULL, NULL, NULL, 20157), (3, 1, 2, 14.0, NULL, NULL, NULL, NULL, 20157);
            PRAGMA user_version = 10;
        """)
        con.commit()
        cols = ("result_id, series_id, value, threshold_value, threshold_metric, threshold_ratio,"
                " threshold_exceeded, week_day")
        before = con.execute(f"SELECT {cols} FROM kubevirt_metric ORDER BY result_id, series_id").fetchall()
        con.close()
        self.ok(["init"], db=old)
        fresh = os.path.join(self.tmp, "fresh.db")
        self.ok(["init"], db=fresh)
        schema = ("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
                  " ORDER BY type, name")
        self.assertEqual(self.query(schema, db=old), self.query(schema, db=fresh))
        self.assertEqual(self.query(f"SELECT {cols} FROM kubevirt_metric ORDER BY result_id, series_id", db=old), before)
        self.assertNotIn("source_id", [r[1] for r in self.query("PRAGMA table_info(kubevirt_metric)", db=old)])
        self.assertEqual(self.query("PRAGMA integrity_check", db=old), [("ok",)])
        self.assertEqual(self.query("PRAGMA foreign_key_check", db=old), [])
        # the weekly view reads the migrated rows (week of 2025-03-10: 12 and 14)
        got = self.sqljson("SELECT metric, week_start, runs, mean FROM kubevirt_weekly ORDER BY metric, week_start", db=old)
        self.assertEqual([(g["metric"], g["week_start"], g["runs"], g["mean"]) for g in got],
                         [("m1", "2025-03-03", 1, 11.0), ("m1", "2025-03-10", 2, 13.0),
                          ("m2", "2025-03-03", 1, 5.5), ("m2", "2025-03-10", 0, None)])
        # deleting a source still deletes its metrics, through its results
        con = sqlite3.connect(old)
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("DELETE FROM source WHERE id = 2")
        con.commit()
        con.close()
        self.assertEqual(self.query("SELECT result_id, value FROM kubevirt_metric ORDER BY result_id, series_id", db=old),
                         [(1, 11.0), (1, 5.5), (2, 12.0)])
        self.assertEqual(self.query("PRAGMA foreign_key_check", db=old), [])

    def test_shape_yaml(self):
        self.ok(["load", "kubevirt", SHAPE])
        self.assertEqual(self.query("SELECT release_version, since_date FROM kubevirt_release"), [("v1-8", "2025-01-01")])
        got = self.query("SELECT x0, label_text, line_color, line_dash, line_width, yref, y0, y1, label_xanchor"
                         " FROM kubevirt_release_marker ORDER BY seq")
        self.assertEqual([g[:2] for g in got], [
            ("2025-03-25", "v1.5.0"), ("2025-04-23", "k8s-1.33"), ("2025-07-30", "v1.6.0"),
            ("2025-08-27", "k8s-1.34"), ("2025-11-27", "v1.7.0"), ("2025-12-17", "k8s-1.35"),
            ("2026-03-25", "v1.8.0")])
        self.assertEqual(got[0][2:], ("grey", "dot", 2.0, "paper", 0.0, 1.0, "right"))
        before = self.dump()
        bad = os.path.join(self.tmp, "shape.yaml")
        text = read(SHAPE).split("\n")
        text[5] = "    x1: [\"2025-03-25\""      # unclosed flow sequence
        write(bad, "\n".join(text))
        r = self.fails(["load", "kubevirt", bad])
        self.assertRegex(r.err, rf"^perfsql: {re.escape(bad)}:line \d+, column \d+: .+\n$")
        text = read(SHAPE).split("\n")
        text[7] = "    y1: high"
        write(bad, "\n".join(text))
        r = self.fails(["load", "kubevirt", bad])
        self.assertEqual(r.err, f"perfsql: {bad}:line 8, column 9: y1: expected a number\n")
        write(bad, "ReleaseVersion: v1-6\nSinceDate: \"2024-01-01\"\n")
        r = self.fails(["load", "kubevirt", bad])
        self.assertEqual(r.err, f"perfsql: {bad}:line 1, column 1: releaseVersion is required (keys are camelCase)\n")
        self.assertEqual(before, self.dump())


if __name__ == "__main__":
    harness.main()
