"""The extension adds exactly the functions and modules listed in tests/functions/*.txt:
nothing registered by accident, nothing undocumented. Checked in the real sqlite3
shell (pragma_function_list before and after .load) and in Python's sqlite3."""
import glob
import os
import subprocess

import harness

SNAPSHOT = ("SELECT 'function ' || name || ' ' || narg FROM pragma_function_list "
            "UNION SELECT 'module ' || name FROM pragma_module_list ORDER BY 1;")


def expected():
    names = set()
    for f in glob.glob(os.path.join(harness.SRC, "tests", "functions", "*.txt")):
        for line in open(f):
            line = line.strip()
            if line and not line.startswith("#"):
                names.add(" ".join(line.split()))
    return names


class FunctionList(harness.TempDirTest):
    def shell(self, load):
        cmd = ["sqlite3", ":memory:"]
        if load:
            cmd += ["-cmd", f".load {harness.ext_path_noext()}"]
        p = subprocess.run(cmd, input=SNAPSHOT, capture_output=True, text=True,
                           env=harness.host_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        return set(p.stdout.splitlines())

    def test_sqlite3_shell_adds_exactly_the_listed_names(self):
        added = self.shell(True) - self.shell(False)
        want = expected()
        self.assertEqual(sorted(added - want), [], "registered but not listed in tests/functions/")
        self.assertEqual(sorted(want - added), [], "listed but not registered")

    def test_python_loads_and_calls(self):
        r = harness.python_with_ext(
            "con = sqlite3.connect(':memory:'); load(con)\n"
            "print(con.execute('SELECT perfsql_version(), perfsql_init()').fetchone())\n"
            "print(con.execute('SELECT count(*) FROM perfsql_view').fetchone()[0] > 0)\n")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("True", r.out)

    def test_io_functions_are_direct_only(self):
        # perfsql_init touches the schema: it must not be callable from a view.
        r = harness.sqlite3_shell(":memory:", "CREATE VIEW v AS SELECT perfsql_init();\nSELECT * FROM v;\n")
        self.assertNotEqual(r.rc, 0)
        self.assertIn("unsafe use of perfsql_init()", r.err)


if __name__ == "__main__":
    harness.main()
