"""A new database gets the baseline (one script generated at build time from sql/,
ext/schema_baseline_gen.c); it must be exactly what the migrations make.

The oracles: (a) Python's sqlite3 applying every sql/NNN_*.sql in order to an empty
file, independently of perfsql's code, then `perfsql init` (views only); (b) perfsql's
own step-by-step path, forced by a database at version 1 (001 applied by Python) or by
a user's table in a version-0 database. Each must equal a fresh `perfsql init`:
sqlite_schema (type, name, tbl_name, sql), the rows of every table, user_version, and
PRAGMA integrity_check is ok."""
import glob
import os
import sqlite3

import harness


def migrations():
    files = sorted(glob.glob(os.path.join(harness.SRC, "sql", "[0-9]*.sql")))
    return [(int(os.path.basename(f).split("_")[0]), open(f).read()) for f in files]


def state(path, skip=()):
    con = sqlite3.connect(path)
    schema = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema "
                         "WHERE name NOT IN (%s) ORDER BY name" % ",".join("?" * len(skip)) if skip else
                         "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name", skip).fetchall()
    rows = {}
    for (name,) in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").fetchall():
        if name in skip:
            continue
        q = name.replace('"', '""')
        try:  # the rowid too, where the table has one
            got = con.execute('SELECT rowid, * FROM "%s"' % q).fetchall()
        except sqlite3.OperationalError:
            got = con.execute('SELECT * FROM "%s"' % q).fetchall()
        rows[name] = sorted(got, key=repr)
    version = con.execute("PRAGMA user_version").fetchone()[0]
    check = con.execute("PRAGMA integrity_check").fetchall()
    con.close()
    return {"schema": schema, "rows": rows, "version": version, "integrity": check}


class SchemaBaseline(harness.TempDirTest):
    def fresh(self):
        path = os.path.join(self.tmp, "fresh.db")
        r = self.ok(["init"], db=path)
        s = state(path)
        self.assertEqual(s["integrity"], [("ok",)])
        self.assertEqual(s["version"], migrations()[-1][0])
        self.assertIn("perfsql_view", s["rows"])
        self.assertTrue(s["rows"]["perfsql_view"], "no view catalogued")
        return s, r

    def migrated_by_python(self, name, count):
        """A database with the first `count` migrations applied by Python's sqlite3
        (user_version set as perfsql sets it), then `perfsql init` on it."""
        path = os.path.join(self.tmp, name)
        con = sqlite3.connect(path)
        for number, text in migrations()[:count]:
            con.executescript(text)
        con.execute("PRAGMA user_version = %d" % migrations()[count - 1][0])
        con.commit()
        con.close()
        self.ok(["init"], db=path)
        return path

    def test_equals_every_migration_applied_by_python(self):
        fresh, _ = self.fresh()
        path = self.migrated_by_python("python.db", len(migrations()))
        self.assertEqual(state(path), fresh)

    def test_equals_perfsql_migrating_from_version_1(self):
        fresh, _ = self.fresh()
        self.assertEqual(migrations()[0][0], 1)
        path = self.migrated_by_python("v1.db", 1)
        self.assertEqual(state(path), fresh)

    def test_user_table_at_version_0_takes_the_migrations(self):
        fresh, _ = self.fresh()
        path = os.path.join(self.tmp, "mine.db")
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE mine(a)")
        con.execute("INSERT INTO mine VALUES (42)")
        con.commit()
        con.close()
        self.ok(["init"], db=path)
        self.assertEqual(state(path, skip=("mine",)), fresh)
        con = sqlite3.connect(path)
        self.assertEqual(con.execute("SELECT a FROM mine").fetchall(), [(42,)])
        con.close()

    def test_sql_users_get_the_same_schema(self):
        # perfsql_init() in the real sqlite3 shell with perfsql.so loaded (no CLI)
        fresh, _ = self.fresh()
        path = os.path.join(self.tmp, "ext.db")
        r = harness.sqlite3_shell(path, "SELECT perfsql_init();\n")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out.strip(), str(migrations()[-1][0]))
        self.assertEqual(state(path), fresh)

if __name__ == "__main__":
    import unittest
    unittest.main()
