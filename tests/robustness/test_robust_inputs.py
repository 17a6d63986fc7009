"""Strict types and ranges in every loader, and memory bounded for any input size.

Each hostile input -> exit 1, one line naming the file and the position (line, byte
offset or JSON path), the database's .dump unchanged (the database already holds a load).
Kinds: bench (JSON, gbench, CSV), kubevirt (results.json, build-log.txt, shape.yaml),
perftracker (job files; comparing an empty job or two products needs --force), remote
(iperf3 JSON, netperf, config YAML), perf, taskmap. A sparse 2 GB file (truncate) of every
kind is refused by its size limit before anything is allocated: peak RSS < 300 MB."""
import json
import os
import random
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "remote"))
import robust  # noqa: E402
import harness  # noqa: E402
import gen_tree  # noqa: E402

PT = os.path.join(harness.DATA, "perftracker")
REPORTS = os.path.join(harness.DATA, "remote", "framework_output")
RANDOM = bytes(random.Random(12).randrange(256) for _ in range(20000))


class StrictInputTest(robust.RobustTest):
    def setUp(self):
        super().setUp()
        # a database that already holds something: a refused load must leave it exactly so
        self.ok(["--quiet", "load", "bench", os.path.join(harness.DATA, "bench", "results.csv"), "--label", "base"])

    def write(self, name, content):
        p = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb" if isinstance(content, bytes) else "w") as f:
            f.write(content)
        return p

    def test_bench(self):
        seed = lambda v: '{"metrics": {"a": {"name": "a", "value": %s, "unit": "ns"}}}' % v  # noqa: E731
        cases = [
            ('{"metrics": {"a": {"name": "a", "value": 1, "unit": "ns"}, "a": {"name": "a", "value": 2}}}',
             '$.metrics: duplicate key "a"'),
            ('{"metrics": {"a": {"name": "a\\u0000b", "value": 1, "unit": "ns"}}}', "$.metrics.a.name: a string holds a NUL"),
            (seed("1e999"), "$.metrics.a.value: number out of range"),
            (seed('"fast"'), "metrics.a.value: not a number"),
            ('{"benchmarks": [{"name": "BM_x", "run_name": "BM_x", "run_type": "iteration", "iterations": 1.2e29,'
             ' "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]}', "$.benchmarks[0].iterations: not a non-negative integer"),
            ("", "no benchmark values"),
            (RANDOM, ":line 1"),
        ]
        for k, (text, needle) in enumerate(cases):
            with self.subTest(needle=needle):
                p = self.write(f"b{k}.json", text)
                self.refused(["load", "bench", p, "--label", "x"], f"b{k}.json", needle)
        p = self.write("nan.csv", "a,1,ns\nb,notanumber,ns\n")
        self.refused(["load", "bench", p, "--label", "x"], "nan.csv:line 2, column 3: value 'notanumber'")

    def results(self, values, raw=None):
        doc = raw if raw is not None else json.dumps({"JobDirCreationTime": "2026-01-05T10:00:00Z",
                                 "VMIResult": {"Values": values}, "VMResult": None})
        return self.write("kv/job/1/results.json", doc)

    def test_kubevirt(self):
        cases = [
            ('{"JobDirCreationTime": "2026-01-05T10:00:00Z", "VMIResult": {"Values": {"m": {"value": 1},'
             ' "m": {"value": 2}}}}', '$.VMIResult.Values: duplicate key "m"'),
            ('{"JobDirCreationTime": "2026-01-05T10:00:00Z", "VMIResult": {"Values": {"m": {"value": 1e999}}}}',
             "$.VMIResult.Values.m.value: number out of range"),
            ('{"JobDirCreationTime": "2026-01-05T10:00:00Z", "VMIResult": {"Values": {"m\\u0000x": {"value": 1}}}}',
             "NUL"),
            ('{"JobDirCreationTime": "2026-01-05T10:00:00Z", "VMIResult": {"Values": {"m": {"value": "fast"}}}}',
             "$.VMIResult.Values.m.value: expected a number, got a string"),
            ("", "results.json"),
        ]
        for text, needle in cases:
            with self.subTest(needle=needle):
                p = self.results(None, raw=text)
                self.refused(["load", "kubevirt", p], "results.json", needle)
        log = self.write("kv/job/2/build-log.txt", RANDOM)
        self.refused(["load", "kubevirt", log], "build-log.txt:byte offset", "not a build log")
        log = self.write("kv/job/3/build-log.txt", "")
        self.refused(["load", "kubevirt", log], "build-log.txt: empty file")
        for text, needle in (('releaseVersion: a\nreleaseVersion: b\nsinceDate: "2026-01-01"\n',
                              "shape.yaml:line 2, column 1: duplicate key 'releaseVersion'"),
                             ('releaseVersion: a\nsinceDate: "2026-01-01"\nlineShapes:\n  - type: line\n'
                              '    line: {width: 1e999}\n', "shape.yaml:line 5, column 19: line.width: number out of range"),
                             ("", "shape.yaml: empty YAML document")):
            with self.subTest(needle=needle):
                self.refused(["load", "kubevirt", self.write("shape.yaml", text)], needle)

    def pt_job(self, name, edit):
        with open(os.path.join(PT, "html_job_as_json_baseline.json")) as f:
            d = json.load(f)
        edit(d)
        return self.write(name, json.dumps(d))

    def test_perftracker(self):
        def set_test(key, value):
            return lambda d: d["tests"][0].__setitem__(key, value)
        cases = [
            (self.write("s1.json", open(self.pt_job("s1.json", set_test("samples", 12345678))).read().replace(
                "12345678", "1e999")), "$.tests[0].samples: number out of range"),
            (self.pt_job("s2.json", set_test("samples", 1.2e29)), "$.tests[0].samples: not a count"),
            (self.pt_job("s3.json", set_test("begin", "not a time")), "$.tests[0].begin: not a time"),
            (self.pt_job("s4.json", lambda d: d.__setitem__("begin", "not a time")), "$.begin: not a time"),
            (self.pt_job("s5.json", set_test("tag", "a\x00b")), "a string holds a NUL"),
            (self.write("s6.json", '{"uuid": "u", "uuid": "v", "tests": []}'), 'duplicate key "uuid"'),
            (self.write("s7.json", ""), "byte offset 0"),
            (self.write("s8.json", RANDOM), "byte offset"),
        ]
        for p, needle in cases:
            with self.subTest(needle=needle):
                self.refused(["load", "perftracker", p], os.path.basename(p), needle)

    def test_perftracker_empty_job_or_two_products_need_force(self):
        empty = self.pt_job("empty.json", lambda d: (d.__setitem__("tests", []), d.__setitem__("id", 7),
                                                       d.__setitem__("uuid", "77777777-5b6f-11f0-9f00-0242ac120002")))
        other = self.pt_job("other.json", lambda d: (d.__setitem__("product_name", "OTHER"), d.__setitem__("id", 8),
                                                       d.__setitem__("uuid", "88888888-5b6f-11f0-9f00-0242ac120002")))
        self.ok(["--quiet", "load", "perftracker", os.path.join(PT, "html_job_as_json_baseline.json"), empty, other])
        out = os.path.join(self.tmp, "rep")
        self.refused(["perftracker", "1", "7", "--out", out], "job 7 has no tests", "--force")
        self.refused(["perftracker", "1", "8", "--out", out], "product 'GRPM'", "product 'OTHER'", "--force")
        self.assertFalse(os.path.exists(out))
        r = harness.run(["--quiet", "perftracker", "1", "8", "--out", out, "--force"], db=self.db)
        self.assertIn(r.rc, (0, 1), repr(r))     # compared (1 = a critical regression found)
        self.assertTrue(os.path.exists(os.path.join(out, "result.json")))

    def test_remote(self):
        root = os.path.join(self.tmp, "iteration_001")
        gen_tree.from_reports(REPORTS, root, 1, ["system_network_performance"])
        import glob
        j = sorted(glob.glob(os.path.join(root, "**/throughput_single_tcp.json"), recursive=True))[0]
        with open(j) as f:
            doc = json.load(f)
        doc["end"]["sum_sent"]["bits_per_second"] = "fast"
        with open(j, "w") as f:
            json.dump(doc, f)
        self.refused(["load", "remote", root, "--iteration", "1"], "throughput_single_tcp.json:$.end.sum_sent.bits_per_second: not a number")
        doc["end"]["sum_sent"]["bits_per_second"] = 1.0e9
        with open(j, "w") as f:
            json.dump(doc, f)
        n = sorted(glob.glob(os.path.join(root, "**/latency_tcp_rr.txt"), recursive=True))[0]
        with open(n) as f:
            text = f.read()
        with open(n, "w") as f:
            f.write(text.replace(text.strip().splitlines()[-1].split(",")[0], "nan", 1) if "," in text.strip().splitlines()[-1]
                    else text.replace(text.strip().splitlines()[-1].split()[0], "nan", 1))
        self.refused(["load", "remote", root, "--iteration", "1"], "latency_tcp_rr.txt:line")
        conf = os.path.join(self.tmp, "config")
        shutil.copytree(os.path.join(harness.DATA, "remote", "config"), conf)
        with open(os.path.join(conf, "dup.yaml"), "w") as f:
            f.write("thresholds:\n  latency: 3\n  latency: 5\n")
        self.refused(["load", "remote-config", conf], "dup.yaml:$.thresholds: duplicate key \"latency\"")

    def test_perf_and_taskmap(self):
        for content, needle in ((b"", "byte offset 0: file truncated"), (RANDOM, "byte offset 0: bad magic")):
            p = self.write("x.data", content)
            self.refused(["load", "perf", p, "--name", "c"], "x.data", needle)
        p = self.write("t.csv", "# only a comment\n")
        self.refused(["load", "taskmap", p, "--capture", "c"], "t.csv: no task rows")
        p = self.write("t2.csv", b"19236,,vcpu0,,,5,Firewall\n19237,,vcpu1,\x00,,5,Firewall\n")
        self.refused(["load", "taskmap", p, "--capture", "c"], "t2.csv:byte offset 39: NUL byte")


class SizeLimitTest(robust.RobustTest):
    """A sparse 2 GB file of every kind: the size-limit message, at once, peak RSS < 300 MB."""

    def run_rss(self, args):
        p = subprocess.Popen([harness.PERFSQL, "-d", self.db] + args, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        _, _, ru = os.wait4(p.pid, 0)
        out, err = p.stdout.read().decode(), p.stderr.read().decode()
        p.stdout.close()
        p.stderr.close()
        return ru.ru_maxrss * 1024, err

    def sparse(self, rel):
        p = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.truncate(2 << 30)
        return p

    def test_sparse_2gb_inputs(self):
        self.ok(["--quiet", "load", "bench", os.path.join(harness.DATA, "bench", "results.csv"), "--label", "base"])
        root = os.path.join(self.tmp, "iteration_001")
        gen_tree.from_reports(REPORTS, root, 1, ["system_network_performance"])
        import glob
        big_json = sorted(glob.glob(os.path.join(root, "**/throughput_single_tcp.json"), recursive=True))[0]
        with open(big_json, "wb") as f:
            f.truncate(2 << 30)
        cases = [
            (["load", "bench", self.sparse("b.json"), "--label", "x"], "larger than the"),
            (["load", "bench", self.sparse("b.csv"), "--label", "x"], "larger than the"),
            (["load", "kubevirt", self.sparse("kv/j/1/results.json")], "larger than the"),
            (["load", "kubevirt", os.path.join(self.tmp, "kv")], "larger than the"),
            (["load", "kubevirt", self.sparse("kv2/shape.yaml")], "larger than the"),
            (["load", "kubevirt", self.sparse("kv3/j/1/build-log.txt")], "larger than the"),
            (["load", "perftracker", self.sparse("job.json")], "larger than the"),
            (["load", "taskmap", self.sparse("t.csv"), "--capture", "c"], "larger than the"),
            (["load", "perf", self.sparse("perf.data"), "--name", "c"], "bad magic"),
            (["load", "remote", root, "--iteration", "1"], "larger than the"),
        ]
        before = robust.dump(self.db)
        for args, needle in cases:
            with self.subTest(args=args[:2]):
                rss, err = self.run_rss(args)
                self.assertEqual(len(err.splitlines()), 1, err)
                self.assertIn(needle, err)
                self.assertLess(rss, 300 << 20, f"peak RSS {rss >> 20} MB")
                print(f"\n{' '.join(args[:2])}: peak RSS {rss >> 20} MB: {err.strip()[:90]}", file=sys.stderr)
        self.assertEqual(robust.dump(self.db), before)


if __name__ == "__main__":
    harness.main()
