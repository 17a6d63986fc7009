"""Helpers for the stats tests: a Python sqlite3 connection with perfsql loaded
in this very process, so that oracles (statistics, datetime) and the extension
see the same rows.

In sanitizer builds perfsql.so needs the ASan runtime preloaded into the host;
reexec_with_preload() restarts the test once with harness.host_env() when it
is missing (the same environment harness.python_with_ext uses)."""
import os
import sqlite3
import sys

import harness


def reexec_with_preload():
    if harness.PRELOAD and os.environ.get("LD_PRELOAD") != harness.PRELOAD:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, [sys.executable] + sys.argv, harness.host_env())


def connect(path=":memory:"):
    con = sqlite3.connect(path, isolation_level=None)
    con.enable_load_extension(True)
    con.load_extension(harness.EXT)
    con.enable_load_extension(False)
    return con
