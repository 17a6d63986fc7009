"""`perfsql load perftracker`: both job shapes, checked against the real server's
own export of the same jobs; bad input gives one line with the position and
leaves the database unchanged; the same file twice adds nothing; discovery over
loaded jobs skips local runs."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

DATA = os.path.join(harness.DATA, "perftracker")


def data(name):
    return os.path.join(DATA, name)


TEST_COLS = "tag, group_tag, category, metrics, less_better, status, errors, warnings, samples, loops, " \
            "scores, deviations, round(avg_score, 9), round(min_score, 9), round(max_score, 9), round(avg_dev, 9)"


class Load(harness.TempDirTest):
    def snapshot(self):
        tables = ["source", "pt_job", "pt_env_node", "pt_test", "pt_listed_job", "pt_comparison"]
        return {t: self.query(f"SELECT * FROM {t} ORDER BY rowid") for t in tables}

    def test_as_json_export_values(self):
        self.ok(["load", "perftracker", data("html_job_as_json_candidate.json")])
        with open(data("html_job_as_json_candidate.json")) as f:
            src = json.load(f)
        (job,) = self.query("SELECT job_id, uuid, product_name, product_ver, hardware, end_time, duration_s,"
                            " tests_total, tests_failed, tests_errors, format, project_id FROM pt_job")
        self.assertEqual(job, (2, src["uuid"], "GRPM", "1.66-5101", "bg-f1", "2025-06-24T12:30:00Z", 9000, 13, 1, 2,
                               "as_json", 1))
        rows = self.query("SELECT tag, category, avg_score, samples, status, errors, less_better, json(scores),"
                          " duration_s FROM pt_test ORDER BY pos")
        self.assertEqual(len(rows), len(src["tests"]))
        for row, t in zip(rows, src["tests"]):
            self.assertEqual(row[:7], (t["tag"], t["category"], t["avg_score"], t["samples"], t["status"],
                                       t["errors"], int(t["less_better"])))
            self.assertEqual(json.loads(row[7]), json.loads(t["scores"]))
            self.assertEqual(row[8], 60.0 if t["duration"] == "00:01:00" else 15.0)
        nodes = self.query("SELECT node_id, parent_id, depth, name, node_type FROM pt_env_node ORDER BY node_id")
        self.assertEqual(nodes, [(7, None, 0, "bg-f1", "1"), (8, 7, 1, "grpm-service", "2")])

    def test_client_body_equals_server_computation(self):
        # the client upload body and the server's export of the same job (the server computed
        # avg_score, avg_dev, samples, errors from that very body): perfsql must agree with the server
        self.ok(["load", "perftracker", data("client_job_candidate.json")])
        self.ok(["load", "perftracker", data("html_job_as_json_candidate.json")])
        client = self.query(f"SELECT {TEST_COLS} FROM pt_test WHERE job = 1 ORDER BY pos")
        server = self.query(f"SELECT {TEST_COLS} FROM pt_test WHERE job = 2 ORDER BY pos")
        self.assertEqual(len(client), 13)
        self.assertEqual(client, server)
        cj = self.query("SELECT uuid, hardware, tests_total, tests_completed, tests_failed, tests_errors, format,"
                        " job_id, begin_time, end_time FROM pt_job WHERE id = 1")
        sj = self.query("SELECT uuid, hardware, tests_total, tests_completed, tests_failed, tests_errors, 'client_upload',"
                        " NULL, begin_time, end_time FROM pt_job WHERE id = 2")
        self.assertEqual(cj, sj)
        self.assertEqual(self.query("SELECT name, parent_id IS NULL, depth, node_type FROM pt_env_node WHERE job = 1"),
                         [("bg-f1", 1, 0, "Host"), ("grpm-service", 0, 1, "service")])

    def test_same_file_twice_adds_nothing(self):
        self.ok(["load", "perftracker", data("html_job_as_json_baseline.json")])
        before = self.snapshot()
        r = self.ok(["load", "perftracker", data("html_job_as_json_baseline.json")])
        self.assertIn("already loaded", r.out)
        self.assertEqual(self.snapshot(), before)
        self.ok(["load", "perftracker", "--replace", data("html_job_as_json_baseline.json")])
        self.assertEqual(self.query("SELECT count(*) FROM pt_test"), [(13,)])

    def bad(self, text, expect, binary=False):
        self.ok(["load", "perftracker", data("html_job_as_json_baseline.json")])
        before = self.snapshot()
        p = os.path.join(self.tmp, "bad.json")
        with open(p, "wb" if binary else "w") as f:
            f.write(text)
        r = self.fails(["load", "perftracker", p])
        self.assertEqual(r.err.count("\n"), 1, r.err)
        self.assertIn(expect, r.err)
        self.assertIn(p, r.err)
        self.assertEqual(self.snapshot(), before)
        return r

    def test_truncated_file(self):
        with open(data("html_job_as_json_candidate.json"), "rb") as f:
            raw = f.read()
        cut = raw[:5000]
        self.bad(cut, f"bad.json:byte offset {len(cut)}: invalid JSON: the document ends early", binary=True)

    def test_corrupt_byte(self):
        with open(data("html_job_as_json_candidate.json"), "rb") as f:
            raw = bytearray(f.read())
        pos = raw.index(b'"avg_score"', 3000) + len(b'"avg_score": ')
        raw[pos] = ord("}")
        self.bad(bytes(raw), f"bad.json:byte offset {pos}: invalid JSON: unexpected '}}'", binary=True)

    def test_rounded_api_list_value_is_refused(self):
        with open(data("html_job_as_json_candidate.json")) as f:
            j = json.load(f)
        j["tests"][3]["avg_score"] = "24.0K"    # what the /api/ test list returns
        self.bad(json.dumps(j), "bad.json:$.tests[3].avg_score: not a number ('24.0K')")

    def test_wrong_shapes(self):
        with open(data("perftracker-lib_examples_data_sample.json")) as f:
            self.bad(f.read(), "bad.json:$: a bare list of tests")
        with open(data("api_job_id.json")) as f:   # job metadata without tests
            self.bad(f.read(), "bad.json:$.tests: not a PerfTracker job: no tests[] array")
        j = {"tests": [], "title": "x"}
        self.bad(json.dumps(j), "bad.json:$.uuid: job uuid is missing")
        j = {"uuid": "a", "tests": [{"category": "x"}]}
        self.bad(json.dumps(j), "bad.json:$.tests[0].tag: missing or not text")
        self.bad("", "bad.json:byte offset 0: invalid JSON")

    def test_missing_file(self):
        r = self.fails(["load", "perftracker", os.path.join(self.tmp, "nope.json")])
        self.assertIn("nope.json", r.err)

    def test_discovery_over_loaded_jobs_skips_local(self):
        for n in ("baseline", "candidate", "local"):
            self.ok(["load", "perftracker", data(f"client_job_{n}.json")])
        r = harness.sqlite3_shell(self.db, "SELECT hardware, candidate_ver, baseline_ver, chosen FROM pt_comparable_jobs;")
        self.assertEqual(r.out.strip().splitlines(), ["bg-f1|1.66-5101|1.64-4996|1"])
        r = self.ok(["perftracker", "--product", "GRPM", "--out", os.path.join(self.tmp, "o")])
        self.assertIn("selected on bg-f1", r.out)
        self.assertIn("baseline job 0a1b2c3d-5b6f-11f0-9f00-0242ac120002", r.out)
        with open(os.path.join(self.tmp, "o", "result.json")) as f:
            got = json.load(f)
        with open(data("result_v2.json")) as f:
            want = json.load(f)
        self.assertEqual(got["regressions"], want["regressions"])   # client bodies give the same analysis
        r = self.fails(["perftracker", "--product", "NOPE", "--out", os.path.join(self.tmp, "o2")])
        self.assertIn("no two jobs of product 'NOPE'", r.err)

    def test_unknown_job_ref(self):
        self.ok(["load", "perftracker", data("html_job_as_json_baseline.json")])
        r = self.fails(["perftracker", "1", "99", "--out", os.path.join(self.tmp, "o")])
        self.assertIn("99: no such PerfTracker job loaded", r.err)
        self.fails(["perftracker", "1"], rc=2)
        self.fails(["perftracker", "1", "2", "--consistency", "7"], rc=2)


if __name__ == "__main__":
    harness.main()
