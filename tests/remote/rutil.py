"""Helpers of the remote tests: reading views (they call perfsql's SQL functions, so the
extension is loaded into a Debian python3 through harness.python_with_ext)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def vquery(db, sql, params=()):
    """Rows (as tuples) of sql on db with perfsql loaded."""
    r = harness.python_with_ext(
        f"con = sqlite3.connect({db!r}); load(con)\n"
        f"print(json.dumps(con.execute({sql!r}, {tuple(params)!r}).fetchall()))\n")
    if r.rc != 0:
        raise AssertionError(f"query failed: {sql}\n{r}")
    return [tuple(x) for x in json.loads(r.out)]
