"""End-to-end tests of the foundation's CLI: init/migrations, sql formats, views,
refresh, sources, exit codes and error lines, WAL, and loading idempotence."""
import csv
import io
import json
import os
import sqlite3
import subprocess

import harness


class Cli(harness.TempDirTest):
    def test_init_is_idempotent_and_wal(self):
        r1 = self.ok(["init"])
        schema1 = self.query("SELECT type, name, sql FROM sqlite_schema ORDER BY name")
        r2 = self.ok(["init"])
        self.assertEqual(r1.out, r2.out)
        self.assertEqual(schema1, self.query("SELECT type, name, sql FROM sqlite_schema ORDER BY name"))
        self.assertEqual(self.query("PRAGMA journal_mode"), [("wal",)])
        version = self.query("PRAGMA user_version")[0][0]
        migrations = [f for f in os.listdir(os.path.join(harness.SRC, "sql")) if f[:3].isdigit()]
        self.assertEqual(version, max(int(f[:3]) for f in migrations))

    def test_init_migrates_an_old_database_forward(self):
        # A database at version 0 that already has unrelated data keeps it.
        con = sqlite3.connect(self.db)
        con.execute("CREATE TABLE mine(x)")
        con.execute("INSERT INTO mine VALUES (42)")
        con.commit()
        con.close()
        self.ok(["init"])
        self.assertEqual(self.query("SELECT x FROM mine"), [(42,)])
        self.assertEqual(self.query("SELECT count(*) FROM source"), [(0,)])

    def test_sql_formats(self):
        q = "SELECT 1 AS n, 'a,b' AS s, NULL AS z, 2.5 AS f"
        out = self.ok(["sql", "--format", "csv", q]).out
        self.assertEqual(list(csv.reader(io.StringIO(out))), [["n", "s", "z", "f"], ["1", "a,b", "", "2.5"]])
        out = self.ok(["sql", "--format", "json", q]).out
        self.assertEqual(json.loads(out), [{"n": 1, "s": "a,b", "z": None, "f": 2.5}])
        out = self.ok(["sql", "--format", "markdown", "SELECT 'a|b' AS x"]).out
        self.assertEqual(out, "| x |\n|---|\n| a\\|b |\n")
        out = self.ok(["sql"], input="SELECT 7 AS seven;").out
        self.assertEqual(out.split(), ["seven", "-----", "7"])

    def test_errors_are_one_line_with_position_and_exit_codes(self):
        r = self.fails(["sql", "SELECT 1;\nSELECT nosuch;"], rc=1)
        self.assertEqual(r.err, "perfsql: SQL statement at line 2: no such column: nosuch\n")
        self.fails(["nosuchcommand"], rc=2)
        self.fails(["sql", "--format", "xml", "SELECT 1"], rc=2)
        self.fails(["load", "nosuchkind"], rc=2)
        r = self.fails(["views", "nosuchview"], rc=1)
        self.assertEqual(len(r.err.strip().splitlines()), 1)

    def test_views_and_refresh(self):
        out = self.ok(["views"]).out
        self.assertIn("load_history", out)
        doc = self.ok(["views", "load_history"]).out
        self.assertIn("Columns:", doc)
        self.ok(["refresh"])
        # the report table is readable by a reader without the extension
        self.assertEqual(self.query("SELECT count(*) FROM report_load_history"), [(0,)])
        self.fails(["refresh", "nosuchview"], rc=1)

    def test_every_view_file_has_a_documented_header(self):
        self.ok(["init"])
        rows = self.query("SELECT name, summary, doc, path FROM perfsql_view")
        files = []
        for d, _, fs in os.walk(os.path.join(harness.SRC, "views")):
            files += [f for f in fs if f.endswith(".sql")]
        self.assertEqual(len(rows), len(files))
        views = [r[0] for r in self.query("SELECT name FROM sqlite_schema WHERE type='view'")]
        # a parameterized report (ext/view_function.c) is a table-valued function instead
        modules = self.ok(["sql", "--format", "csv", "SELECT name FROM pragma_module_list"]).out.split()
        for name, summary, doc, path in rows:
            self.assertTrue(summary.strip(), path)
            self.assertTrue(name in views or ("Parameters:" in doc and name in modules), path)

    def test_database_readable_by_another_process_during_a_write(self):
        self.ok(["init"])
        writer = sqlite3.connect(self.db)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO source(kind, uri, content_hash) VALUES ('t', 'u', 'h')")
        # a reader sees the committed state while the write transaction is open (WAL)
        r = self.ok(["sql", "--format", "csv", "SELECT count(*) AS n FROM source"])
        self.assertEqual(r.out, "n\n0\n")
        writer.rollback()
        writer.close()

    def test_help_for_every_command(self):
        out = self.ok(["help"]).out
        cmds = [l.split()[0] for l in out.splitlines() if l.startswith("  ") and not l.startswith("  -")]
        self.assertIn("demo", cmds)
        for c in cmds:
            r = self.ok(["help", c])
            self.assertIn("usage: perfsql", r.out, c)

    def test_version(self):
        out = self.ok(["version"]).out
        self.assertIn("sqlite 3.", out)
        self.assertIn("libgd", out)


if __name__ == "__main__":
    harness.main()
