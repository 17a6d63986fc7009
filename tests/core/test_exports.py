"""perfsql.so exports exactly one symbol, its entry point sqlite3_perfsql_init.

Everything else is built with hidden visibility (CMakeLists.txt) and the linker
version script ext/perfsql.map keeps it local, so the extension cannot clash with
a symbol of the program that loads it (libncursesw, loaded by the sqlite3 shell
through readline, has an `hline`, as the chart code once had). The oracle is
binutils' nm reading the dynamic symbol table of the built file."""
import os
import subprocess
import unittest

import harness

EXPECTED = ["sqlite3_perfsql_init"]


def dynamic_symbols(path, *flags):
    p = subprocess.run(["nm", "-D", *flags, path], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"nm -D {path}: {p.stderr}")
    names = []
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            names.append(parts[-1])
    return names


class Exports(unittest.TestCase):
    def test_only_the_entry_point_is_exported(self):
        self.assertTrue(os.path.exists(harness.EXT), harness.EXT)
        self.assertEqual(sorted(dynamic_symbols(harness.EXT, "--defined-only")), EXPECTED)

    def test_the_entry_point_is_a_function(self):
        p = subprocess.run(["nm", "-D", "--defined-only", harness.EXT], capture_output=True, text=True)
        types = {line.split()[-1]: line.split()[-2] for line in p.stdout.splitlines() if line.strip()}
        self.assertEqual(types.get("sqlite3_perfsql_init"), "T")

    def test_the_extension_still_loads_in_the_sqlite3_shell(self):
        p = subprocess.run(["sqlite3", ":memory:", "-cmd", f".load {harness.ext_path_noext()}"],
                           input="SELECT perfsql_version() IS NOT NULL;\n", capture_output=True,
                           text=True, env=harness.host_env())
        self.assertEqual((p.returncode, p.stdout.strip()), (0, "1"), p.stderr)


if __name__ == "__main__":
    unittest.main()
