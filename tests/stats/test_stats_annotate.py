"""annotate_tid() on a real perfsql database (schema from `perfsql init`).

Oracle: perfwhiz's own formula, '%s.%02d.%s' % (task_name, int(group_id), type),
applied in Python to the rows the test wrote, with the capture rule (a row for
the capture wins over a capture-NULL row; no row -> comm). Checks 20,000
random lookups against a 400-row task_map, every contract case, that the
per-connection cache follows inserts/updates/deletes by the same connection
(committed or not) and commits by another connection, the error for a
missing task_map, and the function through the CLI.
"""
import os
import random
import sqlite3
import unittest

import harness
import statsdb

statsdb.reexec_with_preload()


def perfwhiz_name(task_name, group_id, type_):
    if group_id is None:
        return f"{task_name}.{type_}"
    return "%s.%02d.%s" % (task_name, int(group_id), type_)


class AnnotateTid(harness.TempDirTest):
    def setUp(self):
        super().setUp()
        r = harness.run(["init"], db=self.db)
        self.assertEqual(r.rc, 0, repr(r))
        plain = sqlite3.connect(self.db, isolation_level=None)
        plain.execute("INSERT INTO source(id, kind, uri, content_hash) VALUES (1, 'test', 'map.csv', 'h')")
        # the perfwhiz documentation's two example rows, for every capture
        plain.execute("INSERT INTO task_map(source_id, capture, tid, instance, type, uuid, group_type, group_id,"
                      " task_name) VALUES (1, NULL, 19236, '', 'vcpu0', '', '', 5, 'Firewall'),"
                      " (1, NULL, 453, 'instance-00001892', 'emulator', '4a81e3cc', 'FULL', 2, 'Router')")
        plain.close()
        self.con = statsdb.connect(self.db)

    def tearDown(self):
        self.con.close()
        super().tearDown()

    def one(self, sql, params=()):
        return self.con.execute(sql, params).fetchone()

    def test_documented_examples(self):
        self.assertEqual(self.one("SELECT annotate_tid(19236, 'CPU 0/KVM'), annotate_tid(453, 'qemu-kvm')"),
                         ("Firewall.05.vcpu0", "Router.02.emulator"))

    def test_contract_cases(self):
        self.con.executescript("""
            INSERT INTO task_map(source_id, capture, tid, type, group_id, task_name) VALUES
              (1, 'run2', 19236, 'vcpu1', 12, 'Router'),     -- capture row beats the NULL row
              (1, 'run2', 77, 'emulator0', NULL, 'Proxy'),   -- group_id NULL
              (1, NULL, 88, 'vcpu0', 123, 'Big'),            -- 3 digits stay 3 digits
              (1, NULL, 99, 'vcpu0', 0, 'Zero');
        """)
        q = self.one
        self.assertEqual(q("SELECT annotate_tid(19236, 'x', 'run2'), annotate_tid(19236, 'x', 'run1'), "
                           "annotate_tid(19236, 'x', NULL), annotate_tid(19236, 'x', 'RUN2')"),
                         ("Router.12.vcpu1", "Firewall.05.vcpu0", "Firewall.05.vcpu0", "Firewall.05.vcpu0"))
        self.assertEqual(q("SELECT annotate_tid(77, 'qemu', 'run2'), annotate_tid(77, 'qemu', 'run1'), "
                           "annotate_tid(77, 'qemu')"), ("Proxy.emulator0", "qemu", "qemu"))
        self.assertEqual(q("SELECT annotate_tid(88, 'c'), annotate_tid(99, 'c')"), ("Big.123.vcpu0", "Zero.00.vcpu0"))
        # no row -> comm unchanged, whatever its type; tid NULL or not an integer -> comm
        self.assertEqual(q("SELECT annotate_tid(5, 'swapper/0'), annotate_tid(5, NULL), annotate_tid(5, 42), "
                           "annotate_tid(NULL, 'c'), annotate_tid('abc', 'c'), annotate_tid(453.5, 'c')"),
                         ("swapper/0", None, 42, "c", "c", "c"))
        # integral REAL and numeric text tids are tids
        self.assertEqual(q("SELECT annotate_tid(453.0, 'c'), annotate_tid('453', 'c')"),
                         ("Router.02.emulator", "Router.02.emulator"))

    def test_random_lookups_against_oracle(self):
        rng = random.Random(4)
        rows = []
        seen = set()
        while len(rows) < 400:
            tid = rng.randint(1, 300)
            capture = rng.choice([None, None, "a", "b", "c"])
            if (capture, tid) in seen:
                continue
            seen.add((capture, tid))
            rows.append((capture, tid, rng.choice(["vcpu0", "vcpu1", "emulator", "emulator3"]),
                         rng.choice([None, 0, 1, 5, 17, 99, 150]), rng.choice(["Firewall", "Router", "NAT"])))
        self.con.execute("DELETE FROM task_map")
        self.con.executemany("INSERT INTO task_map(source_id, capture, tid, type, group_id, task_name) "
                             "VALUES (1, ?, ?, ?, ?, ?)", rows)
        by_key = {(c, t): perfwhiz_name(n, g, ty) for c, t, ty, g, n in rows}
        events = [(rng.randint(0, 320), f"comm{i % 7}", rng.choice([None, "a", "b", "c", "d"]))
                  for i in range(20000)]
        self.con.execute("CREATE TEMP TABLE ev(i INTEGER PRIMARY KEY, tid, comm, capture)")
        self.con.executemany("INSERT INTO ev(tid, comm, capture) VALUES (?,?,?)", events)
        got = self.con.execute("SELECT annotate_tid(tid, comm, capture), annotate_tid(tid, comm) "
                               "FROM ev ORDER BY i").fetchall()
        hits = 0
        for (tid, comm, capture), (g3, g2) in zip(events, got):
            want3 = by_key.get((capture, tid)) or by_key.get((None, tid)) or comm
            want2 = by_key.get((None, tid)) or comm
            self.assertEqual((g3, g2), (want3, want2), f"tid={tid} capture={capture}")
            hits += want3 != comm
        self.assertGreater(hits, 5000)

    def test_cache_follows_changes(self):
        q = lambda: self.one("SELECT annotate_tid(453, 'qemu-kvm'), annotate_tid(1000, 'new')")
        self.assertEqual(q(), ("Router.02.emulator", "new"))
        # same connection, autocommit
        self.con.execute("INSERT INTO task_map(source_id, tid, type, group_id, task_name) "
                         "VALUES (1, 1000, 'vcpu3', 7, 'DPI')")
        self.assertEqual(q(), ("Router.02.emulator", "DPI.07.vcpu3"))
        # same connection, inside an uncommitted transaction, then rolled back
        self.con.execute("BEGIN")
        self.con.execute("UPDATE task_map SET group_id = 3 WHERE tid = 453")
        self.assertEqual(q(), ("Router.03.emulator", "DPI.07.vcpu3"))
        self.con.execute("ROLLBACK")
        self.assertEqual(q(), ("Router.02.emulator", "DPI.07.vcpu3"))
        # another connection commits (WAL): seen through SQLITE_FCNTL_DATA_VERSION
        other = sqlite3.connect(self.db, isolation_level=None)
        other.execute("DELETE FROM task_map WHERE tid = 1000")
        other.execute("UPDATE task_map SET task_name = 'Gateway' WHERE tid = 453")
        other.close()
        self.assertEqual(q(), ("Gateway.02.emulator", "new"))
        # a statement that reads no table of main (a CTE): task_map is read
        # once for the run and another connection's commit is seen next run
        cte = ("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) "
               "SELECT count(*), min(annotate_tid(453, 'x')), max(annotate_tid(453 + i % 2, 'x')) FROM s")
        self.assertEqual(self.one(cte), (3000, "Gateway.02.emulator", "x"))
        other = sqlite3.connect(self.db, isolation_level=None)
        other.execute("UPDATE task_map SET task_name = 'Edge' WHERE tid = 453")
        other.close()
        self.assertEqual(self.one(cte), (3000, "Edge.02.emulator", "x"))
        # a source deleted: its rows go with it (ON DELETE CASCADE)
        self.con.execute("PRAGMA foreign_keys = ON")
        self.con.execute("DELETE FROM source WHERE id = 1")
        self.assertEqual(q(), ("qemu-kvm", "new"))
        self.assertEqual(self.one(cte), (3000, "x", "x"))

    def test_missing_task_map_is_an_error(self):
        con = statsdb.connect(":memory:")
        with self.assertRaises(sqlite3.OperationalError) as cm:
            con.execute("SELECT annotate_tid(1, 'x')").fetchall()
        self.assertEqual(str(cm.exception), "annotate_tid: cannot read task_map: no such table: task_map")
        con.close()

    def test_through_the_cli(self):
        self.con.close()
        r = harness.run(["sql", "--format", "csv",
                         "SELECT annotate_tid(19236, 'CPU 0/KVM') AS a, annotate_tid(1, 'bash') AS b"], db=self.db)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(r.out.splitlines(), ["a,b", "Firewall.05.vcpu0,bash"])
        self.con = statsdb.connect(self.db)


if __name__ == "__main__":
    unittest.main()
