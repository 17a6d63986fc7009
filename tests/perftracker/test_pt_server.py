"""`perfsql perftracker --url`: auto-discovery, download, analysis and artifact
upload against a loopback server answering like the real PerfTracker
(pt_server.py, recorded responses in tests/data/perftracker/), and the faults a
real network has: 500 then success, a hang, a truncated body, 400/501 uploads.
Only 127.0.0.1, only servers this test starts."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

DATA = os.path.join(harness.DATA, "perftracker")
HERE = os.path.dirname(os.path.abspath(__file__))
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CANDIDATE_UUID = "1a1b2c3d-5b6f-11f0-9f00-0242ac120002"


class Server:
    def __init__(self, fault=""):
        args = ["/usr/bin/python3", os.path.join(HERE, "pt_server.py"), DATA]
        if fault:
            args += ["--fault", fault]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}"

    def log(self):
        with urllib.request.urlopen(self.url + "/__log", timeout=5) as r:
            return json.load(r)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class RemoteTest(harness.TempDirTest):
    fault = ""

    def setUp(self):
        super().setUp()
        self.srv = Server(self.fault)
        self.out = os.path.join(self.tmp, "out")

    def tearDown(self):
        self.srv.stop()
        super().tearDown()

    def pt(self, *args, rc=0):
        r = harness.run(["perftracker", "--url", self.srv.url, "--out", self.out] + list(args), db=self.db,
                        timeout=120)
        self.assertEqual(r.rc, rc, repr(r))
        return r

    def sources(self):
        return self.query("SELECT count(*) FROM source")[0][0] if os.path.exists(self.db) else 0

    def jobs(self):
        return self.query("SELECT count(*) FROM pt_job")[0][0] if os.path.exists(self.db) else 0


class Discovery(RemoteTest):
    def test_discovery_download_analysis_upload(self):
        r = self.pt("--product", "GRPM", "--page-size", "2", "--upload")
        self.assertIn("selected on bg-f1: baseline job 1 (1.64-4996", r.out)
        self.assertIn("candidate job 2 (1.66-5101", r.out)
        log = self.srv.log()
        lists = [e for e in log if e["path"] == "/api/v1.0/1/job/"]
        # paged through all 5 rows, 2 at a time, ordered by end (column 2) descending, no search
        self.assertEqual([e["query"]["start"] for e in lists], [["0"], ["2"], ["4"]])
        for e in lists:
            self.assertEqual(e["query"]["length"], ["2"])
            self.assertEqual(e["query"]["order[0][column]"], ["2"])
            self.assertEqual(e["query"]["order[0][dir]"], ["desc"])
            self.assertNotIn("search[value]", e["query"])
        downloads = [e["path"] for e in log if e["query"].get("as_json") == ["1"]]
        self.assertEqual(downloads, ["/1/job/1", "/1/job/2"])   # never the OTHER product's newer jobs
        self.assertEqual(self.query("SELECT count(*), count(DISTINCT product_name) FROM pt_listed_job"), [(5, 2)])
        # the analysis of the downloaded jobs equals the upstream tool's output
        with open(os.path.join(self.out, "result.json")) as f:
            got = json.load(f)
        with open(os.path.join(DATA, "result_v2.json")) as f:
            self.assertEqual(got, json.load(f))
        # the artifact: multipart fields as the server reads them, linked to the candidate job's uuid
        (post,) = [e for e in log if e["method"] == "POST"]
        m = re.fullmatch(r"/api/v1\.0/1/artifact/(.+)", post["path"])
        self.assertTrue(m and UUID4.match(m.group(1)), post["path"])
        self.assertTrue(post["content_type"].startswith("multipart/form-data"))
        f = post["fields"]
        self.assertEqual(json.loads(f["linked_uuids"]), [CANDIDATE_UUID])
        self.assertNotIn("links", f)
        self.assertEqual(f["filename"], "report.md")
        self.assertEqual(f["mime"], "text/markdown")
        self.assertEqual(f["ttl_days"], "180")
        self.assertIn("job 1 vs 2", f["description"])
        with open(os.path.join(self.out, "report.md")) as fh:
            self.assertEqual(post["files"]["file"]["content"], fh.read())
        self.assertEqual(post["files"]["file"]["filename"], "report.md")
        self.assertIn(f"artifact: {self.srv.url}/1/artifact_content/{m.group(1)}\n", r.out)

    def test_explicit_ids_and_reload(self):
        self.pt("1", "2", "--ttl-days", "7")
        self.assertEqual(self.jobs(), 2)
        self.pt("1", "2")   # same content: already loaded, nothing added
        self.assertEqual(self.jobs(), 2)
        self.assertEqual(self.query("SELECT DISTINCT server FROM pt_job"), [(self.srv.url,)])

    def test_missing_job_is_a_clean_error(self):
        r = self.pt("1", "7", rc=1)
        self.assertIn(f"{self.srv.url}/1/job/7?as_json=1: HTTP 404", r.err)

    def test_no_credentials_kept(self):
        url = self.srv.url.replace("http://", "http://alice:s3cret@")
        r = harness.run(["perftracker", "--url", url, "--out", self.out, "1", "2"], db=self.db)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertNotIn("s3cret", r.out + r.err)
        self.assertNotIn("s3cret", json.dumps(self.query("SELECT * FROM source")))
        self.assertNotIn("s3cret", json.dumps(self.query("SELECT server FROM pt_job")))

    def test_insecure_is_never_silent(self):
        r = self.pt("1", "2", "--insecure")
        self.assertIn("--insecure: TLS certificates are NOT verified", r.err)

    def test_nothing_listening(self):
        self.srv.stop()
        r = self.pt("1", "2", "--retries", "0", rc=1)
        self.assertEqual(r.err.count("\n"), 1, r.err)
        self.assertIn(f"{self.srv.url}/1/job/1?as_json=1", r.err)
        self.assertEqual(self.sources(), 0)
        self.srv = Server()


class Flaky(RemoteTest):
    fault = "flaky"

    def test_500_then_success(self):
        r = self.pt("1", "2")
        self.assertIn("HTTP 500; retrying", r.err)
        hits = [e["path"] for e in self.srv.log() if e["path"] == "/1/job/2"]
        self.assertEqual(len(hits), 2)
        self.assertEqual(self.jobs(), 2)


class Hang(RemoteTest):
    fault = "hang"

    def test_hang_times_out(self):
        t0 = time.monotonic()
        r = self.pt("1", "2", "--timeout", "1", "--retries", "0", rc=1)
        self.assertLess(time.monotonic() - t0, 15)   # a generous bound: the point is that it returns
        self.assertIn("/1/job/1?as_json=1", r.err)
        self.assertRegex(r.err, "(?i)timed? ?out")
        self.assertEqual(self.sources(), 0)


class Truncated(RemoteTest):
    fault = "truncated"

    def test_truncated_body(self):
        r = self.pt("1", "2", rc=1)
        self.assertEqual(r.err.count("\n"), 1, r.err)
        self.assertIn(f"{self.srv.url}/1/job/1?as_json=1:byte offset 4000: invalid JSON: the document ends early",
                      r.err)
        self.assertEqual(self.sources(), 0)
        self.assertFalse(os.path.exists(os.path.join(self.out, "result.json")))


class ArtifactsOff(RemoteTest):
    fault = "artifacts-off"

    def test_upload_501(self):
        r = self.pt("1", "2", "--upload", rc=1)
        self.assertIn("HTTP 501", r.err)
        self.assertIn("Artifacts management is not configured", r.err)
        self.assertTrue(os.path.exists(os.path.join(self.out, "report.md")))   # the report is still written


class Artifact400(RemoteTest):
    fault = "artifact-400"

    def test_upload_400(self):
        r = self.pt("1", "2", "--upload", rc=1)
        self.assertIn("HTTP 400", r.err)
        self.assertIn("artifact 'filename' is not set", r.err)
        posts = [e for e in self.srv.log() if e["method"] == "POST"]
        self.assertEqual(len(posts), 1)   # 4xx is final: no retry


if __name__ == "__main__":
    harness.main()
