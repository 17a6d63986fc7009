"""`perfsql load kubevirt-gcs` against a loopback GCS JSON API (gcs_server.py) serving a
bucket tree built from the real results.json files and the real build log:
paging, the --since window, audit files anywhere under artifacts/, the build-log
fallback, runs still running, no second download of loaded runs, and the faults
(500 then success, a hang, truncated bodies) — a failed load leaves the database
byte-for-byte unchanged."""
import datetime
import glob
import json
import os
import re
import sqlite3
import urllib.parse

import gcs_server
import harness

KV = os.path.join(harness.DATA, "kubevirt")
BENCH = os.path.join(KV, "ci-performance-benchmarks")
JOB = "periodic-kubevirt-e2e-k8s-1.34-sig-performance"
OLD_JOB = "pull-kubevirt-e2e-k8s-1.25-sig-performance"
NOW = "2026-07-17T12:00:00Z"


def read(path):
    with open(path) as f:
        return f.read()


def snowflake(t):
    ms = int(t.timestamp() * 1000)
    return (ms - 1288834974657) << 22


class GcsFixture(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        self.bucket = gcs_server.Bucket("kubevirt-prow", page_size=2)
        self.bucket.hang_s = 4
        self.srv, self.base = gcs_server.start(self.bucket)
        self.want = {}
        files = sorted(glob.glob(os.path.join(BENCH, "results", JOB, "*", "results.json")))
        now = datetime.datetime.fromisoformat(NOW.replace("Z", "+00:00"))
        self.in_window = []
        for i, f in enumerate(files):
            bid = f.split(os.sep)[-2]
            doc = json.loads(read(f))
            created = doc["JobDirCreationTime"]
            t = datetime.datetime.fromisoformat(created.replace("Z", "+00:00"))
            pre = f"logs/{JOB}/{bid}/"
            self.bucket.put(pre + "build-log.txt", "no Values blocks in this log\n", created)
            self.bucket.put(pre + "started.json", json.dumps({"timestamp": int(t.timestamp()) - 7200}), created)
            # audit files where the different upstream versions wrote them
            sub = ["", "performance/"][i % 2]
            if doc["VMIResult"] is not None:
                self.bucket.put(pre + f"artifacts/{sub}VMI-perf-audit-results.json",
                                json.dumps(doc["VMIResult"], indent=2), created)
            if doc["VMResult"] is not None:
                self.bucket.put(pre + "artifacts/performance/VM-perf-audit-results.json",
                                json.dumps(doc["VMResult"], indent=2), created)
            self.bucket.put(pre + "artifacts/junit.functest.xml", "<testsuite/>", created)
            if now - datetime.timedelta(hours=168) <= t <= now and (doc["VMIResult"] or doc["VMResult"]):
                self.in_window.append(int(bid))
                for key, res in (("VMIResult", "vmi"), ("VMResult", "vm")):
                    for name, m in (doc[key] or {"Values": {}})["Values"].items():
                        self.want[(JOB, int(bid), res, name)] = m["value"]
            self.created = getattr(self, "created", {})
            self.created[int(bid)] = created
        # a run still running: no build-log.txt yet
        running = snowflake(now - datetime.timedelta(hours=1))
        self.bucket.put(f"logs/{JOB}/{running}/started.json", "{}", NOW)
        # a regex-era run of another job: build-log.txt only
        t = now - datetime.timedelta(hours=5)
        self.old_id = snowflake(t)
        self.bucket.put(f"logs/{OLD_JOB}/{self.old_id}/build-log.txt", read(os.path.join(KV, "build-log.txt")),
                        t.strftime("%Y-%m-%dT%H:%M:%S.000Z"))

    def tearDown(self):
        self.srv.shutdown()
        self.srv.server_close()
        super().tearDown()

    def gcs(self, *extra, job=JOB):
        return ["load", "kubevirt-gcs", "--job", job, "--base-url", self.base, "--since", "168h",
                "--now", NOW, "--timeout", "2", "--retries", "2", "--backoff-ms", "20"] + list(extra)

    def dump(self):
        con = sqlite3.connect(self.db)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()


class KubevirtGcs(GcsFixture):
    def test_loads_window_with_paging_and_skips_loaded_runs(self):
        self.assertGreater(len(self.in_window), 5)
        r = self.ok(self.gcs("--jobs", "3"))
        rows = self.query("SELECT job, build_id, resource, metric, value FROM kubevirt_results")
        self.assertEqual({r[:4]: r[4] for r in rows}, self.want)
        self.assertEqual(len(rows), len(self.want))
        runs = dict(self.query("SELECT build_id, job_dir_created FROM kubevirt_run"))
        self.assertEqual(sorted(runs), sorted(self.in_window))
        self.assertEqual(runs, {b: self.created[b] for b in self.in_window})
        self.assertEqual(self.query("SELECT DISTINCT origin FROM kubevirt_run"), [("audit",)])
        # the listing took several pages (page_size 2)
        pages = [p for p in self.bucket.hits if "delimiter" in p]
        self.assertGreater(len(pages), 10)
        self.assertTrue(any("pageToken=" in p for p in pages))
        # the run without build-log.txt was asked about and skipped
        self.assertIn("kubevirt_run", self.query("SELECT row_counts FROM source")[0][0])
        # second time: no media download at all, nothing new
        self.bucket.hits.clear()
        before = self.dump()
        r = self.ok(self.gcs())
        self.assertIn("no new runs", r.out)
        self.assertEqual([p for p in self.bucket.hits if "alt=media" in p], [])
        self.assertEqual(before, self.dump())
        self.assertNotIn("Authorization", r.err)

    def test_build_log_fallback(self):
        self.ok(self.gcs(job=OLD_JOB))
        rows = self.query("SELECT resource, count(*) FROM kubevirt_results GROUP BY 1 ORDER BY 1")
        self.assertEqual([r[0] for r in rows], ["vm", "vm-instancetype", "vmi"])
        v = self.query("SELECT value, threshold_value, threshold_exceeded FROM kubevirt_results"
                       " WHERE resource = 'vmi' AND metric = 'vmiCreationToRunningSecondsP95'")
        self.assertEqual(v, [(29.414207270253915, 60.0, 0)])
        self.assertEqual(self.query("SELECT build_id, origin FROM kubevirt_run"), [(self.old_id, "build-log")])

    def test_500_then_success_is_retried(self):
        listing = f"/storage/v1/b/kubevirt-prow/o?prefix={urllib.parse.quote(f'logs/{JOB}/', safe='')}&delimiter=%2F"
        self.bucket.faults[listing] = ["500"]
        media = "/storage/v1/b/kubevirt-prow/o/logs%2F" + urllib.parse.quote(JOB, safe="") + "%2F*"
        self.bucket.faults[media] = ["500", "500"]
        self.ok(self.gcs())
        self.assertEqual(self.bucket.hits[listing], 2)
        self.assertEqual(len(self.query("SELECT * FROM kubevirt_results")), len(self.want))

    def test_hang_is_timed_out_then_retried(self):
        media = "/storage/v1/b/kubevirt-prow/o/logs%2F" + urllib.parse.quote(JOB, safe="") + "%2F*"
        self.bucket.faults[media] = ["hang"]
        r = self.ok(self.gcs("--timeout", "1"))
        self.assertEqual(len(self.query("SELECT * FROM kubevirt_results")), len(self.want))
        # a server that always hangs: a clean error after the retries, nothing written
        before = self.dump()
        old_media = "/storage/v1/b/kubevirt-prow/o/logs%2F" + urllib.parse.quote(OLD_JOB, safe="") + "%2F*"
        self.bucket.faults = {old_media: ["hang"] * 50}
        r = self.fails(self.gcs("--timeout", "1", "--retries", "1", job=OLD_JOB))
        self.assertEqual(before, self.dump())
        self.bucket.faults.clear()
        lines = r.err.strip().splitlines()
        self.assertRegex(lines[-1], r"^perfsql: http://127\.0\.0\.1:\d+/storage/v1/b/kubevirt-prow/o/.*: .*"
                                    r"(timed out|Timeout|timeout)")

    def test_truncated_bodies_are_clean_errors_and_change_nothing(self):
        self.ok(self.gcs(job=OLD_JOB))   # something in the database to keep
        before = self.dump()
        vmi = [p for p in self.bucket.objects
               if p.endswith("VMI-perf-audit-results.json") and f"/{self.in_window[0]}/" in p][0]
        path = "/storage/v1/b/kubevirt-prow/o/" + urllib.parse.quote(vmi, safe="") + "?alt=media"
        # Content-Length larger than the body: curl sees it, retries, then gives up
        self.bucket.faults[path] = ["truncate"] * 10
        r = self.fails(self.gcs("--retries", "1"))
        self.assertEqual(len(r.err.strip().splitlines()[-1:]), 1)
        self.assertRegex(r.err.strip().splitlines()[-1], r"^perfsql: http://127\.0\.0\.1:\d+/.*alt=media: ")
        self.assertEqual(before, self.dump())
        # no Content-Length, connection closed half-way: malformed JSON with its position
        self.bucket.faults[path] = ["cut"] * 10
        r = self.fails(self.gcs("--retries", "0"))
        self.assertRegex(r.err.splitlines(True)[-1], r"^perfsql: http://127\.0\.0\.1:\d+/storage/v1/b/kubevirt-prow/o/.*alt=media:"
                                r"line \d+, column \d+: malformed JSON \(unexpected end of data\)\n$")
        self.assertEqual(before, self.dump())
        # a truncated listing page
        listing = f"/storage/v1/b/kubevirt-prow/o?prefix={urllib.parse.quote(f'logs/{JOB}/', safe='')}&delimiter=%2F"
        self.bucket.faults = {listing: ["cut"]}
        r = self.fails(self.gcs("--retries", "0"))
        self.assertIn("malformed JSON", r.err)
        self.assertEqual(before, self.dump())

    def test_usage_errors(self):
        r = self.fails(["load", "kubevirt-gcs", "--since", "forever", "--job", JOB], rc=2)
        self.assertIn("--since forever", r.err)
        self.fails(["load", "kubevirt-gcs"], rc=2)




class KubevirtGcsCredentials(GcsFixture):
    """--credentials-file: a service-account key (made here), the JWT bearer flow against the
    loopback token endpoint, every GCS request with the bearer token, nothing secret kept."""

    def setUp(self):
        super().setUp()
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
        self.email = "perf-report@kubevirt-ci.iam.gserviceaccount.com"
        token_uri = self.base + "/token"
        self.bucket.auth = gcs_server.Auth(self.email, key.public_key(), "0123abcd", token_uri)
        self.keyfile = os.path.join(self.tmp, "sa.json")
        with open(self.keyfile, "w") as f:
            json.dump({"type": "service_account", "project_id": "kubevirt-ci", "private_key_id": "0123abcd",
                       "private_key": self.pem, "client_email": self.email, "client_id": "1234567890",
                       "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri}, f, indent=2)

    def secrets_absent(self, *texts):
        toks = list(self.bucket.auth.tokens)
        self.assertTrue(toks)
        body = self.pem.splitlines()[5]
        for t in texts:
            for tok in toks:
                self.assertNotIn(tok, t)
            self.assertNotIn(body, t)
            self.assertNotIn("PRIVATE KEY", t)

    def test_bearer_flow_one_token_for_the_whole_load(self):
        r = self.fails(self.gcs())
        self.assertIn("401", r.err)                      # the bucket is private
        r = self.ok(self.gcs("--jobs", "3", "--credentials-file", self.keyfile))
        rows = self.query("SELECT job, build_id, resource, metric, value FROM kubevirt_results")
        self.assertEqual({r[:4]: r[4] for r in rows}, self.want)
        self.assertEqual(self.bucket.auth.requests, 1, self.bucket.auth.rejected)
        self.assertEqual(self.bucket.auth.rejected, [])
        self.assertIn("1 access token requested", r.err)
        self.secrets_absent(r.out, r.err, self.dump())
        self.assertNotIn(self.email, self.dump())

    def test_short_lived_tokens_are_renewed(self):
        # a token with less than 60 s left is renewed before the request: with expires_in 30, each GET
        # asks for a new one (the cache keeps a token exactly while it has 60 s or more)
        self.bucket.auth.expires_in = 30
        r = self.ok(self.gcs("--jobs", "1", "--credentials-file", self.keyfile))
        gets = sum(self.bucket.hits.values())
        self.assertEqual(self.bucket.auth.requests, gets)
        self.assertEqual(self.bucket.unauthorized, 0)
        self.secrets_absent(r.out, r.err, self.dump())

    def test_key_file_and_token_errors(self):
        bad = os.path.join(self.tmp, "user.json")
        with open(bad, "w") as f:
            json.dump({"type": "authorized_user", "client_id": "x", "refresh_token": "y"}, f)
        # an existing database: every failure below must leave it as it is (a failed first
        # command on a database it created removes the file: that is tests/robustness' job)
        self.ok(["init"])
        empty = self.dump()
        r = self.fails(self.gcs("--credentials-file", bad))
        self.assertEqual(empty, self.dump())
        self.assertEqual(r.err.strip().splitlines(), [f'perfsql: {bad}: "type" is "authorized_user", expected '
                                                      '"service_account" (a service-account key file)'])
        r = self.fails(self.gcs("--credentials-file", os.path.join(self.tmp, "missing.json")))
        self.assertIn("cannot read the credentials file", r.err)
        self.bucket.auth.fail = (400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        r = self.fails(self.gcs("--credentials-file", self.keyfile))
        self.assertIn("/token: token request failed: HTTP 400 invalid_grant: Invalid JWT Signature.", r.err)
        self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)
        self.assertEqual(empty, self.dump())


if __name__ == "__main__":
    harness.main()
