"""The optional LLM narrative (`--llm URL --model M`) against a loopback NDJSON
server: lines split across reads, an error line mid-stream, a missing model
(404), a stream without "done", no server at all. The report is always written;
a failure is one warning and does not change the exit status."""
import json
import os
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

DATA = os.path.join(harness.DATA, "perftracker")
HERE = os.path.dirname(os.path.abspath(__file__))


class Llm(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        for n in ("baseline", "candidate"):
            self.ok(["load", "perftracker", os.path.join(DATA, f"html_job_as_json_{n}.json")])
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            p.kill()
            p.wait()
        super().tearDown()

    def server(self, mode):
        p = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "ollama_server.py"), mode],
                             stdout=subprocess.PIPE, text=True)
        self.procs.append(p)
        return f"http://127.0.0.1:{int(p.stdout.readline())}"

    def run_llm(self, url, model="qwen2.5-coder:14b"):
        out = os.path.join(self.tmp, "out")
        r = self.ok(["perftracker", "1", "2", "--out", out, "--llm", url, "--model", model, "--llm-timeout", "20"])
        with open(os.path.join(out, "report.md")) as f:
            md = f.read()
        with open(os.path.join(out, "result.json")) as f:
            json.load(f)
        return r, md

    def test_stream_split_across_reads(self):
        url = self.server("ok")
        r, md = self.run_llm(url)
        self.assertNotIn("LLM", r.err)
        self.assertIn("## Narrative (qwen2.5-coder:14b)\n\n## Narrative\nThe latency of GET /api/policies grew by 60%.\n",
                      md)
        with urllib.request.urlopen(url + "/__log", timeout=5) as resp:
            (req,) = json.load(resp)
        self.assertEqual(req["path"], "/api/generate")
        self.assertEqual(req["content_type"], "application/json")
        body = req["body"]
        self.assertEqual(body["model"], "qwen2.5-coder:14b")
        self.assertIs(body["stream"], True)
        self.assertEqual(body["options"], {"temperature": 0.2, "top_p": 0.9, "num_predict": 4000})
        self.assertIn("The deterministic recommendation is BLOCK", body["prompt"])
        self.assertIn('"median_degradation_pct": 60.0', body["prompt"])

    def test_error_line_mid_stream(self):
        r, md = self.run_llm(self.server("error"))
        self.assertIn("warning: LLM narrative skipped", r.err)
        self.assertIn("out of memory", r.err)
        self.assertNotIn("grew by 60%", md)
        self.assertIn("_The LLM narrative is missing:", md)
        self.assertIn("**Recommendation: BLOCK**", md)

    def test_missing_model_404(self):
        r, md = self.run_llm(self.server("missing"), model="nosuch:1b")
        self.assertIn("HTTP 404: model 'nosuch:1b' not found", r.err)
        self.assertIn("**Recommendation: BLOCK**", md)

    def test_stream_without_done(self):
        r, md = self.run_llm(self.server("nodone"))
        self.assertIn('ended before "done": true', r.err)

    def test_no_server(self):
        url = self.server("ok")
        self.procs[0].kill()
        self.procs[0].wait()
        r, md = self.run_llm(url)
        self.assertIn("warning: LLM narrative skipped", r.err)
        self.assertIn("**Recommendation: BLOCK**", md)


if __name__ == "__main__":
    harness.main()
