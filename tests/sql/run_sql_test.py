"""Runs one golden SQL test: tests/sql/NAME.sql through the real sqlite3 shell with
perfsql loaded, and compares its output with tests/sql/NAME.expected.

Output mode is `list` with '|' separators and NULL shown as [NULL] (Perfetto's
convention). Errors are part of the output (the shell prints them on stderr,
which is merged), so error messages are tested exactly. Set PERFSQL_REGEN=1 to
rewrite the .expected file — only on purpose, after checking the new output.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

src = sys.argv[1]
expected_path = os.path.splitext(src)[0] + ".expected"
with open(src) as f:
    sql = f.read()
p = subprocess.run(["sqlite3", ":memory:", "-cmd", f".load {harness.ext_path_noext()}",
                    "-cmd", ".nullvalue [NULL]", "-cmd", ".mode list"],
                   input=sql, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                   env=harness.host_env(), cwd=os.path.dirname(src), timeout=300)
actual = p.stdout
if os.environ.get("PERFSQL_REGEN"):
    with open(expected_path, "w") as f:
        f.write(actual)
    print(f"rewrote {expected_path}")
    sys.exit(0)
with open(expected_path) as f:
    expected = f.read()
if actual != expected:
    import difflib
    sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                               "expected", "actual"))
    sys.exit(1)
print(f"{os.path.basename(src)}: {len(expected.splitlines())} lines match")
