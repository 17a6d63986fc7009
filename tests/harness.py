"""Shared helpers for perfsql's Python tests (run by Debian's /usr/bin/python3).

ctest passes PERFSQL (the CLI), PERFSQL_EXT (perfsql.so), PERFSQL_SRC, PERFSQL_BUILD
and, in sanitizer builds, PERFSQL_PRELOAD. Tests talk only to 127.0.0.1.
"""
import os
import subprocess
import sys
import tempfile
import unittest

PERFSQL = os.environ.get("PERFSQL", "perfsql")
EXT = os.environ.get("PERFSQL_EXT", "")
SRC = os.environ.get("PERFSQL_SRC", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("PERFSQL_BUILD", os.path.join(SRC, "build"))
DATA = os.path.join(SRC, "tests", "data")
PRELOAD = os.environ.get("PERFSQL_PRELOAD", "")


def host_env(extra=None):
    """Environment for a host process (sqlite3, python3) that loads perfsql.so."""
    env = dict(os.environ)
    if PRELOAD:
        env["LD_PRELOAD"] = PRELOAD
        # the host itself (python, sqlite3) is not built for leak checking
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    if extra:
        env.update(extra)
    return env


def ext_path_noext():
    return EXT[:-3] if EXT.endswith(".so") else EXT


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"rc={self.rc}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def run(args, db=None, input=None, env=None, cwd=None, timeout=600):
    """Runs the perfsql CLI; returns a Result (never raises on non-zero exit)."""
    cmd = [PERFSQL]
    if db:
        cmd += ["-d", db]
    cmd += list(args)
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run(cmd, input=input, capture_output=True, text=True, env=e, cwd=cwd,
                       timeout=timeout)
    return Result(p)


def sqlite3_shell(db, sql, timeout=300):
    """Runs the real sqlite3 shell with perfsql loaded; returns a Result."""
    p = subprocess.run(["sqlite3", "-bail", db, "-cmd", f".load {ext_path_noext()}"],
                       input=sql, capture_output=True, text=True, env=host_env(), timeout=timeout)
    return Result(p)


def python_with_ext(code, timeout=300):
    """Runs `code` in a fresh Debian python3 where `load(con)` loads perfsql into a
    sqlite3 connection. Returns a Result."""
    prelude = (
        "import sqlite3, json, sys\n"
        f"EXT = {EXT!r}\n"
        "def load(con):\n"
        "    con.enable_load_extension(True)\n"
        "    con.load_extension(EXT)\n"
        "    con.enable_load_extension(False)\n"
    )
    p = subprocess.run(["/usr/bin/python3", "-c", prelude + code], capture_output=True,
                       text=True, env=host_env(), timeout=timeout)
    return Result(p)


class TempDirTest(unittest.TestCase):
    """A test case with self.tmp, a fresh directory removed afterwards."""

    def setUp(self):
        self._td = tempfile.TemporaryDirectory(prefix="perfsql-test-")
        self.tmp = self._td.name
        self.db = os.path.join(self.tmp, "perf.db")

    def tearDown(self):
        self._td.cleanup()

    def ok(self, args, **kw):
        r = run(args, db=kw.pop("db", self.db), **kw)
        self.assertEqual(r.rc, 0, repr(r))
        return r

    def fails(self, args, rc=1, **kw):
        r = run(args, db=kw.pop("db", self.db), **kw)
        self.assertEqual(r.rc, rc, repr(r))
        return r

    def query(self, sql, db=None):
        """Rows of a query read with Python's own sqlite3 (no extension): an
        independent reader of what perfsql wrote."""
        import sqlite3
        con = sqlite3.connect(db or self.db)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


def main():
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:]])
