"""Every command line in the tables of the README's bench section runs, as a new user
would run it. (The fenced ```sh / ```sql blocks run in tests/core/test_readme.py on the
demo database; table cells are not code blocks, so they are run here.)

Extracts from README.md, section "### Benchmark results" (up to the next ### heading)
and the bench rows of "### Benchmark statistics (bench)":
- the `perfsql ...` examples of the command table, run in order with sh in one
  directory (a git checkout, so `$(git rev-parse HEAD)` works; `./my_benchmark` is a
  real Google Benchmark build of tests/data/bench/tiny_bench.cc);
- the backticked `SELECT ...` examples of the tables, run by the real sqlite3 shell with
  perfsql loaded, on the database the commands built, in that directory;
- the ```yaml thresholds example, used as a thresholds file.
Files the examples name are real recorded runs (tests/data/bench/gbench_reps/).
Any non-zero exit or any "perfsql:" error line fails the test.
"""
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

README = os.path.join(harness.SRC, "README.md")
REPS = os.path.join(harness.DATA, "bench", "gbench_reps")


def section(text, heading):
    start = text.index(heading)
    end = text.find("\n### ", start + len(heading))
    return text[start:end if end >= 0 else len(text)]


def table_examples(sec):
    """The last column of every table row: backticked text starting with perfsql or SELECT."""
    out = []
    for line in sec.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        for code in re.findall(r"`([^`]+)`", cells[-1] if cells else ""):
            if code.startswith(("perfsql ", "SELECT ")) and "..." not in code:
                out.append(code.replace("\\|", "|"))
    return out


def blocks(sec, lang):
    return re.findall(r"```" + lang + r"\n(.*?)```", sec, re.S)


@unittest.skipUnless(shutil.which("g++") and shutil.which("git") and os.path.exists("/usr/include/benchmark/benchmark.h"),
                     "needs g++, git and libbenchmark-dev (.ci/packages/test-bench.txt)")
class ReadmeBench(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        with open(README) as f:
            text = f.read()
        self.sec = section(text, "### Benchmark results")
        self.stats = section(text, "### Benchmark statistics (bench)")
        t = self.tmp
        bindir = os.path.join(t, "bin")
        os.makedirs(bindir)
        os.symlink(os.path.abspath(harness.PERFSQL), os.path.join(bindir, "perfsql"))
        # BENCHMARK_MIN_TIME: Google Benchmark reads its flags from the environment too; the README's
        # command lines stay verbatim, each repetition just runs 0.02 s instead of 0.5 s
        self.env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], HOME=t, BENCHMARK_MIN_TIME="0.02",
                        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                        GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
        self.sh("git init -q . && git commit -q --allow-empty -m readme-test")
        for name, src in (("out.json", "o2_r5_a"), ("pr.json", "o2_r5_b"), ("baseline.json", "o2_r3_a"),
                          ("current.json", "o0_r3")):
            shutil.copy(os.path.join(REPS, src + ".json"), os.path.join(t, name))
        shutil.copy(os.path.join(harness.DATA, "bench", "thresholds.yaml"), os.path.join(t, "thresholds.yaml"))
        p = subprocess.run(["g++", "-O2", "-o", os.path.join(t, "my_benchmark"),
                            os.path.join(harness.DATA, "bench", "tiny_bench.cc"), "-lbenchmark", "-lpthread"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)

    def sh(self, script, env=None):
        p = subprocess.run(["sh", "-c", script], cwd=self.tmp, capture_output=True, text=True,
                           env=dict(self.env, **(env or {})), timeout=600)
        return harness.Result(p)

    def sql(self, text):
        p = subprocess.run(["sqlite3", "-bail", "perf.db", "-cmd", f".load {harness.ext_path_noext()}"],
                           input=text, cwd=self.tmp, capture_output=True, text=True, env=harness.host_env(),
                           timeout=300)
        return harness.Result(p)

    def assert_clean(self, r, what):
        self.assertEqual(r.rc, 0, f"{what}\n{r!r}")
        self.assertNotIn("perfsql:", r.err, f"{what}\n{r!r}")
        self.assertNotIn("perfsql bench:", r.err, f"{what}\n{r!r}")

    def test_every_command_line(self):
        cmds = [c for c in table_examples(self.sec) if c.startswith("perfsql ")]
        self.assertGreaterEqual(len(cmds), 7, cmds)
        for cmd in cmds:
            with self.subTest(cmd=cmd):
                self.assert_clean(self.sh(cmd), cmd)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "r.html")))
        # the SELECTs of both tables
        sqls = [c for c in table_examples(self.sec) + table_examples(self.stats) if c.startswith("SELECT ")]
        self.assertGreaterEqual(len(sqls), 8, sqls)
        for q in sqls:
            with self.subTest(sql=q):
                r = self.sql(q if q.rstrip().endswith(";") else q + ";")
                self.assertEqual(r.rc, 0, f"{q}\n{r!r}")
                self.assertEqual(r.err, "", f"{q}\n{r!r}")
        # the thresholds example is a valid file
        ymls = blocks(self.sec, "yaml")
        self.assertEqual(len(ymls), 1)
        with open(os.path.join(self.tmp, "readme-thresholds.yaml"), "w") as f:
            f.write(ymls[0])
        r = self.sh("perfsql bench compare baseline.json current.json --thresholds readme-thresholds.yaml --format csv")
        self.assert_clean(r, "README thresholds")


if __name__ == "__main__":
    harness.main()
