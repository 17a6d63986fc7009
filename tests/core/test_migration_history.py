"""A database made by an earlier perfsql migrates to the same schema as a fresh one.

task_map was created by sql/001_core.sql until issue 11 moved it to 003_traces.sql
(with IF NOT EXISTS). A database created then and still at user_version 1 or 2 has
task_map already; `perfsql init` must migrate it without error to exactly the
schema of a new database. The old 001 is rebuilt from today's files: 001 plus the
task_map DDL of 003, as it stood in 001. The oracle is sqlite_schema of a fresh
database made by the same binary."""
import os
import re
import sqlite3

import harness


def schema(path):
    con = sqlite3.connect(path)
    rows = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema "
                       "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
    version = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    return version, rows


class MigrationHistory(harness.TempDirTest):
    def old_001(self):
        core = open(os.path.join(harness.SRC, "sql", "001_core.sql")).read()
        traces = open(os.path.join(harness.SRC, "sql", "003_traces.sql")).read()
        m = re.search(r"CREATE TABLE IF NOT EXISTS task_map \(.*?\);\nCREATE INDEX IF NOT EXISTS task_map_source[^;]*;",
                      traces, re.S)
        self.assertIsNotNone(m, "003_traces.sql no longer creates task_map")
        return core + "\n" + m.group(0).replace(" IF NOT EXISTS", "") + "\n"

    def test_version_1_database_with_task_map_migrates_like_a_fresh_one(self):
        old = os.path.join(self.tmp, "old.db")
        con = sqlite3.connect(old)
        con.executescript(self.old_001())
        con.execute("INSERT INTO source(id, kind, uri, content_hash) VALUES (1, 'taskmap', 'vms.csv', 'x')")
        con.execute("INSERT INTO task_map(source_id, tid, type, task_name) VALUES (1, 7, 'vcpu0', 'Firewall')")
        con.execute("PRAGMA user_version = 1")
        con.commit()
        con.close()
        self.ok(["init"], db=old)
        fresh = os.path.join(self.tmp, "fresh.db")
        self.ok(["init"], db=fresh)
        self.assertEqual(schema(old), schema(fresh))
        # the rows loaded before the migration are still there and annotate
        r = self.ok(["sql", "--format", "csv", "SELECT annotate_tid(7, 'x') AS name"], db=old)
        self.assertEqual(r.out, "name\nFirewall.vcpu0\n")


if __name__ == "__main__":
    import unittest
    unittest.main()
