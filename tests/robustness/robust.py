"""Shared helpers of the robustness suite (tests/robustness/): every hostile case asserts
the exit code, the one-line message on stderr and an unchanged `.dump` of the database
(read with the plain sqlite3 shell, no extension: an independent reader)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402,F401

SQLITE3 = "sqlite3"


def dump(db):
    """The database as SQL text (`sqlite3 DB .dump`), or None when there is no file."""
    if not os.path.exists(db):
        return None
    p = subprocess.run([SQLITE3, db, ".dump"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout


def files_under(root):
    """Every file (relative path) under root."""
    out = set()
    for d, _, fs in os.walk(root):
        for f in fs:
            out.add(os.path.relpath(os.path.join(d, f), root))
    return out


class RobustTest(harness.TempDirTest):
    def refused(self, args, *needles, rc=1, db=None, **kw):
        """Runs perfsql; asserts exit code rc, exactly one stderr line starting with
        'perfsql' that contains every needle, and the database's .dump unchanged."""
        db = db or self.db
        before = dump(db)
        r = harness.run(args, db=db, **kw)
        self.assertEqual(r.rc, rc, repr(r))
        lines = r.err.splitlines()
        self.assertEqual(len(lines), 1, f"not one line: {r.err!r}")
        self.assertTrue(lines[0].startswith("perfsql"), lines[0])
        for n in needles:
            self.assertIn(n, lines[0])
        self.assertEqual(dump(db), before, "the database changed")
        return r
