"""README.md is tested documentation: every code block in it runs, as a new user
would run it from the top of the source tree after `bash .ci/demo`.

The sandbox is a temporary directory holding the demo's output (`perfsql demo`,
run first: `perf.db` is its database, `out/` its reports), `tests/` (the bundled
samples) and `build/` (this build: `build/perfsql`, `build/perfsql.so`); `perfsql`
on PATH is this build's CLI. Blocks are found generically, by their language:

  ```sh       each command (a logical line: continuations, multi-line quotes and
              if/fi joined, as `bash -n` sees them) runs in bash with `set -e -o
              pipefail`; a non-zero exit fails the test. A block whose lines start
              with `sqlite> ` is a sqlite3 session instead (below).
  sqlite>     a session of the real sqlite3 shell on the demo database: each
              `sqlite> ` line is input, the lines after it are the exact output.
  ```sql      the statements run in the sqlite3 shell with perfsql loaded, on the
              demo database; a whole-line `-- ` comment right after a statement is
              that statement's exact output.
  ```python   the snippet runs in Debian's python3.

Blocks without a language (synopses, printed results) and ```yaml (a data file)
are not commands. ALLOWED below is the only exception list: commands that cannot
run on a test machine, each with the reason. Other helpers may add README
sections at any time; nothing here names a section."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

README = os.path.join(harness.SRC, "README.md")

# command (regular expression, searched in the logical command) -> why it cannot run here
ALLOWED = {
    r"^bash \.ci/(demo|test)$":
        "builds the project and runs every test (this one included); it is what CI runs",
    r"load kubevirt-gcs":
        "downloads from the real Prow bucket (storage.googleapis.com); tests/kubevirt runs it "
        "against a loopback GCS server",
    r"perftracker --url https://pt\.example":
        "needs a real PerfTracker server; tests/perftracker runs it against a loopback server",
    r"load remote sftp://smartx@192\.168\.":
        "SSH to a lab host; tests/remote runs SFTP against OpenSSH on 127.0.0.1",
    r"^cmake (-S|--build) \. ?-B ?build-|^cmake --build build-|^build-(bench|rel)/|build-release|build-rel/":
        "Benchmarks: a Release build and minutes of measurement; ctest runs each benchmark's "
        "smoke test (tests/bench), and the figures in README say how they were measured",
    r"^sudo ":
        "needs root, perf and /dev/kvm (records a new perf.data)",
}

BLOCK = re.compile(r"^( *)```(\w*)[^\n]*\n(.*?)^\1```[ \t]*$", re.M | re.S)


def blocks():
    """(line number, language, text) of every fenced block of README.md."""
    text = open(README, encoding="utf-8").read()
    out = []
    for m in BLOCK.finditer(text):
        indent = len(m.group(1))
        body = "\n".join(l[indent:] if l[:indent].strip() == "" else l for l in m.group(3).splitlines())
        out.append((text.count("\n", 0, m.start()) + 1, m.group(2), body))
    return out


def complete(cmd):
    """A shell command is complete when bash can parse it."""
    if cmd.endswith("\\"):
        return False
    return subprocess.run(["bash", "-n", "-c", cmd], capture_output=True).returncode == 0


def shell_commands(body):
    cmds, cur = [], []
    for line in body.splitlines():
        if not cur and (not line.strip() or line.lstrip().startswith("#")):
            continue
        cur.append(line)
        if complete("\n".join(cur)):
            cmds.append("\n".join(cur))
            cur = []
    if cur:
        cmds.append("\n".join(cur))   # incomplete: bash will say why
    return cmds


def allowed(cmd):
    for pat, why in ALLOWED.items():
        if re.search(pat, cmd, re.M):
            return why
    return None


def sql_statements(body):
    """(statement, expected output or None): a whole-line `-- ` comment right after
    a statement is its output."""
    out, cur = [], []
    for line in body.splitlines():
        stripped = line.strip()
        if not cur and stripped.startswith("--") and out and out[-1][1] is None and out[-1][2]:
            out[-1] = (out[-1][0], stripped[2:].strip(), False)
            continue
        if not cur and not stripped:
            if out:
                out[-1] = (out[-1][0], out[-1][1], False)
            continue
        cur.append(line)
        if re.sub(r"--[^'\n]*$", "", stripped).rstrip().endswith(";"):
            out.append(("\n".join(cur), None, True))
            cur = []
    if cur:
        out.append(("\n".join(cur), None, False))
    return [(s, e) for s, e, _ in out]


def session(body):
    """(input line, expected output) pairs of a `sqlite> ` session; the first line opens it."""
    lines = body.splitlines()
    opener = lines[0]
    pairs = []
    for line in lines[1:]:
        if line.startswith("sqlite> "):
            pairs.append([line[len("sqlite> "):], []])
        elif pairs:
            pairs[-1][1].append(line)
    return opener, [(i, "\n".join(o)) for i, o in pairs]


class Readme(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._td = tempfile.TemporaryDirectory(prefix="perfsql-readme-")
        cls.box = os.path.join(cls._td.name, "src")
        os.makedirs(os.path.join(cls.box, "bin"))
        for name in ("tests", ".ci"):
            os.symlink(os.path.join(harness.SRC, name), os.path.join(cls.box, name))
        os.symlink(harness.BUILD, os.path.join(cls.box, "build"))
        os.symlink(harness.PERFSQL, os.path.join(cls.box, "bin", "perfsql"))
        env = harness.host_env({"PATH": os.path.join(cls.box, "bin") + os.pathsep + os.environ["PATH"]})
        env.pop("PERFSQL_DB", None)
        os.makedirs(os.path.join(cls.box, "home"))
        env["HOME"] = os.path.join(cls.box, "home")   # `~` never reaches the real home
        cls.env = env
        r = subprocess.run(["perfsql", "-d", "out/perf.db", "--quiet", "demo", "--out", "out"], cwd=cls.box,
                           env=env, capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            raise AssertionError(f"perfsql demo failed: {r.stderr}")
        shutil.copy(os.path.join(cls.box, "out", "perf.db"), os.path.join(cls.box, "perf.db"))

    @classmethod
    def tearDownClass(cls):
        cls._td.cleanup()

    def sh(self, cmd, stdin=None):
        return subprocess.run(["bash", "-c", "set -e -o pipefail\n" + cmd], cwd=self.box, env=self.env,
                              input=stdin, capture_output=True, text=True, timeout=600)

    def test_the_readme_has_commands(self):
        langs = [lang for _, lang, _ in blocks()]
        for lang in ("sh", "sql", "python"):
            self.assertIn(lang, langs)

    def test_shell_blocks(self):
        """Each block runs in one bash (variables and functions carry from line to
        line, as in a terminal); each command must exit 0."""
        n = 0
        for line, lang, body in blocks():
            if lang != "sh" or re.search(r"(?m)^sqlite> ", body):
                continue
            cmds = [c for c in shell_commands(body) if not allowed(c)]
            script = "set -o pipefail\n"
            for k, cmd in enumerate(cmds):
                script += (f"echo '@@readme-{k}@@' >&2\n{cmd}\n__rc=$?\n"
                           f"if [ $__rc -ne 0 ]; then echo \"@@readme-failed-{k}@@ $__rc\" >&2; exit 1; fi\n")
            r = subprocess.run(["bash", "-c", script], cwd=self.box, env=self.env, capture_output=True,
                               text=True, timeout=900)
            failed = re.search(r"@@readme-failed-(\d+)@@ (\d+)", r.stderr)
            reached = [int(k) for k in re.findall(r"@@readme-(\d+)@@", r.stderr)]
            for k, cmd in enumerate(cmds):
                n += 1
                with self.subTest(line=line, cmd=cmd):
                    self.assertIn(k, reached, f"README.md:{line}: not reached ({r.stderr[-2000:]})")
                    if failed and int(failed.group(1)) == k:
                        err = r.stderr.split(f"@@readme-{k}@@", 1)[1]
                        self.fail(f"README.md:{line}: exit {failed.group(2)}: {cmd}\n{err}")
            self.assertEqual(r.returncode, 0, f"README.md:{line}: {r.stderr[-2000:]}")
        self.assertGreater(n, 10)

    def shell_session(self, line, db, pairs, preamble=""):
        """Runs the inputs of pairs in one sqlite3 shell on db and checks each output
        (None = any output) and that nothing fails."""
        script = preamble
        for k, (inp, _) in enumerate(pairs):
            script += f".print @@readme-{k}@@\n{inp}\n"
        r = self.sh(f"sqlite3 -bail {db}", stdin=script)
        parts = re.split(r"@@readme-(\d+)@@\n", r.stdout)
        got = {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
        for k, (inp, want) in enumerate(pairs):
            with self.subTest(line=line, input=inp):
                self.assertIn(k, got, f"README.md:{line}: not reached")
                if k == max(got):
                    self.assertEqual((r.returncode, r.stderr), (0, ""), f"README.md:{line}: {inp}")
                if want is not None:
                    self.assertEqual(got[k].rstrip("\n"), want,
                                     f"README.md:{line}: `{inp}` prints other than README shows")
        return len(pairs)

    def test_sqlite3_sessions(self):
        n = 0
        for line, lang, body in blocks():
            if not re.search(r"(?m)^sqlite> ", body):
                continue
            opener, pairs = session(body)
            self.assertRegex(opener, r"^sqlite3 \S+$", f"README.md:{line}")
            n += self.shell_session(line, opener.split()[1], pairs)
        self.assertGreater(n, 0)

    def test_sql_blocks(self):
        n = 0
        for line, lang, body in blocks():
            if lang == "sql":
                n += self.shell_session(line, "perf.db", sql_statements(body),
                                        f".load {harness.ext_path_noext()}\n")
        self.assertGreater(n, 5)

    def test_python_blocks(self):
        n = 0
        for line, lang, body in blocks():
            if lang != "python":
                continue
            n += 1
            with self.subTest(line=line):
                r = subprocess.run(["/usr/bin/python3", "-c", body], cwd=self.box, env=self.env,
                                   capture_output=True, text=True, timeout=300)
                self.assertEqual(r.returncode, 0, f"README.md:{line}:\n{r.stderr}")
        self.assertGreater(n, 0)

    def test_allow_list_is_used(self):
        """Every exception still matches a README command (no stale excuses)."""
        cmds = [c for _, lang, body in blocks() if lang == "sh" for c in shell_commands(body)]
        for pat in ALLOWED:
            self.assertTrue(any(re.search(pat, c, re.M) for c in cmds), pat)


if __name__ == "__main__":
    unittest.main()
