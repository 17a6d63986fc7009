"""Every sample written once (issue 15, sql/009_traces_typed_once.sql): trace_event is a
view over the typed tables and trace_event_other, and must show exactly what the old
table held. Oracle: perf_events(FILE), the reader's own rows with args built field by
field from the payload, independent of the loader's tables and of the view's SQL."""
import os
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

D = os.path.join(harness.DATA, "traces")
FILES = ["kvm_a.data", "kvm_b.data", "kvm_syn.data", "pipe.data"]
TYPED = ["sched_switch", "sched_wakeup", "sched_migrate", "sched_process", "sched_stat", "kvm_exit",
         "kvm_entry"]
COLS = "ts, cpu, pid, tid, comm, system, event, args"


class TraceEventOnceTest(harness.TempDirTest):
    def same_as_reader(self, path, capture):
        """trace_event rows of one capture == perf_events(path), as multisets of full rows."""
        r = harness.sqlite3_shell(self.db, f"""
            SELECT count(*) FROM perf_events('{path}');
            SELECT count(*) FROM trace_event WHERE capture_id = (SELECT id FROM capture WHERE name = '{capture}');
            SELECT count(*) FROM (SELECT {COLS} FROM perf_events('{path}') EXCEPT
                                  SELECT {COLS} FROM trace_event
                                  WHERE capture_id = (SELECT id FROM capture WHERE name = '{capture}'));
            SELECT count(*) FROM (SELECT {COLS} FROM trace_event
                                  WHERE capture_id = (SELECT id FROM capture WHERE name = '{capture}')
                                  EXCEPT SELECT {COLS} FROM perf_events('{path}'));
        """)
        self.assertEqual(r.rc, 0, repr(r))
        n_file, n_db, missing, extra = (int(x) for x in r.out.split())
        self.assertGreater(n_file, 50)
        self.assertEqual((n_db, missing, extra), (n_file, 0, 0), path)

    def test_view_equals_reader_rows(self):
        for i, f in enumerate(FILES):
            self.ok(["--quiet", "load", "perf", os.path.join(D, f), "--name", f"c{i}"])
        for i, f in enumerate(FILES):
            self.same_as_reader(os.path.join(D, f), f"c{i}")
        # written once: no sample is in two tables, and the ids are those of the view
        ids = self.query("SELECT id FROM trace_event_other UNION ALL " +
                         " UNION ALL ".join(f"SELECT id FROM {t}" for t in TYPED))
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len(ids), self.query("SELECT sum(event_count) FROM capture")[0][0])
        # the typed samples of these kernels are rebuilt from their columns (no JSON stored)
        stored = sum(self.query(f"SELECT count(*) FROM {t} WHERE args_json IS NOT NULL")[0][0] for t in TYPED)
        typed = sum(self.query(f"SELECT count(*) FROM {t}")[0][0] for t in TYPED)
        self.assertGreater(typed, 500)
        self.assertEqual(stored, 0)
        # the view is plain SQL: Python's sqlite3 without perfsql reads it
        n = self.query("SELECT count(*) FROM trace_event WHERE event = 'sched_switch' "
                       "AND args ->> 'prev_state' IS NOT NULL")[0][0]
        self.assertEqual(n, self.query("SELECT count(*) FROM sched_switch")[0][0])
        # replacing a capture removes its rows from every table behind the view
        self.ok(["--quiet", "load", "perf", os.path.join(D, FILES[0]), "--name", "c0", "--replace"])
        self.same_as_reader(os.path.join(D, FILES[0]), "c0")
        self.assertEqual(self.query("SELECT count(*) FROM trace_event")[0][0],
                         self.query("SELECT sum(event_count) FROM capture")[0][0])

    def test_second_load_keeps_indexes(self):
        """The first load builds the indexes after its inserts; a later one inserts into them."""
        self.ok(["--quiet", "load", "perf", os.path.join(D, "kvm_a.data"), "--name", "a"])
        want = self.query("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1")
        self.assertIn(("sched_run_tid",), want)
        # no per-row source index behind trace_event (sql/011: deletion goes by id range)
        for t in ["trace_event_other"] + TYPED + ["sched_run", "sched_delay"]:
            self.assertNotIn((t + "_source",), want)
        self.ok(["--quiet", "load", "perf", os.path.join(D, "kvm_b.data"), "--name", "b"])
        self.assertEqual(self.query("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                                    "ORDER BY 1"), want)
        self.same_as_reader(os.path.join(D, "kvm_b.data"), "b")
        r = self.query("PRAGMA integrity_check")
        self.assertEqual(r, [("ok",)])

    def test_delete_source_deletes_samples(self):
        """Deleting a source (or a capture) deletes its samples from every table behind
        trace_event and the derived tables, by the capture's id range (sql/011), and
        only those: the other capture's rows are untouched."""
        a, b = os.path.join(D, "kvm_a.data"), os.path.join(D, "kvm_b.data")
        self.ok(["--quiet", "load", "perf", a, "--name", "a"])
        self.ok(["--quiet", "load", "perf", b, "--name", "b"])
        # loading the same file again adds nothing
        self.ok(["--quiet", "load", "perf", a, "--name", "a"])
        self.assertEqual(self.query("SELECT count(*) FROM trace_event")[0][0],
                         self.query("SELECT sum(event_count) FROM capture")[0][0])
        ranges = self.query("SELECT name, first_id, last_id, event_count FROM capture ORDER BY id")
        self.assertEqual([(n, hi - lo + 1) for n, lo, hi, _ in ranges], [(n, c) for n, _, _, c in ranges])
        tables = ["trace_event_other"] + TYPED + ["sched_run", "sched_delay", "trace_lost", "trace_thread"]
        counts_b = {t: self.query(f"SELECT count(*) FROM {t} WHERE capture_id = 2")[0][0] for t in tables}
        self.assertGreater(counts_b["sched_run"], 10)
        # plain sqlite3 (foreign keys on, as the CLI has them): the source's cascade to capture
        r = harness.sqlite3_shell(self.db, "PRAGMA foreign_keys = ON;\n"
                                  "DELETE FROM source WHERE id = (SELECT source_id FROM capture WHERE name = 'a');")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(self.query("SELECT count(*) FROM capture_rows WHERE capture_id = 1")[0][0], 0)
        self.assertEqual(self.query("SELECT tbl FROM capture_rows WHERE capture_id = 2 ORDER BY 1"),
                         [("sched_delay",), ("sched_run",)])
        for t in tables:
            self.assertEqual(self.query(f"SELECT count(*) FROM {t} WHERE capture_id = 1")[0][0], 0, t)
            self.assertEqual(self.query(f"SELECT count(*) FROM {t} WHERE capture_id = 2")[0][0], counts_b[t], t)
        self.same_as_reader(b, "b")
        # a capture deleted by itself goes the same way
        r = harness.sqlite3_shell(self.db, "DELETE FROM capture WHERE name = 'b';")
        self.assertEqual(r.rc, 0, repr(r))
        for t in tables[:-2] + ["capture_rows"]:
            self.assertEqual(self.query(f"SELECT count(*) FROM {t}")[0][0], 0, t)
        # and a reload after both deletions is whole again
        self.ok(["--quiet", "load", "perf", a, "--name", "a", "--replace"])
        self.same_as_reader(a, "a")
        self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])

    def test_migration_from_version_7(self):
        """A database written by the old schema (trace_event a table, each typed sample in
        both places) migrates to the view with the same rows, byte for byte."""
        path = os.path.join(D, "kvm_a.data")
        con = sqlite3.connect(self.db)
        for f in ["001_core", "003_traces", "004_kubevirt", "005_perftracker", "006_bench", "007_remote"]:
            with open(os.path.join(harness.SRC, "sql", f + ".sql")) as fh:
                con.executescript(fh.read())
        con.execute("PRAGMA user_version = 7")
        con.execute("INSERT INTO source(id, kind, uri, content_hash) VALUES (1, 'perf', 'old', 'x')")
        con.execute("INSERT INTO capture(id, source_id, name, path) VALUES (1, 1, 'old', 'old')")
        con.commit()
        con.close()
        # the old table's rows: the reader's own rows (ids in time order, as the old loader wrote)
        r = harness.sqlite3_shell(self.db, f"""
            INSERT INTO trace_event(id, source_id, capture_id, {COLS})
              SELECT row_number() OVER (), 1, 1, {COLS} FROM perf_events('{path}');
            INSERT INTO sched_switch(id, source_id, capture_id, ts, cpu, prev_comm, prev_pid, prev_prio,
                                     prev_state, next_comm, next_pid, next_prio)
              SELECT id, 1, 1, ts, cpu, args->>'prev_comm', args->>'prev_pid', args->>'prev_prio', 'S',
                     args->>'next_comm', args->>'next_pid', args->>'next_prio'
              FROM trace_event WHERE event = 'sched_switch';
            INSERT INTO kvm_exit(id, source_id, capture_id, ts, cpu, tid, exit_reason, reason)
              SELECT id, 1, 1, ts, cpu, tid, args->>'exit_reason', 'x' FROM trace_event WHERE event = 'kvm_exit';
        """)
        self.assertEqual(r.rc, 0, repr(r))
        before = self.query("SELECT * FROM trace_event ORDER BY id")
        self.assertGreater(len(before), 100)
        self.ok(["init"])
        last = max(int(f[:3]) for f in os.listdir(os.path.join(harness.SRC, "sql")) if f[:3].isdigit())
        self.assertEqual(self.query("PRAGMA user_version"), [(last,)])
        self.assertEqual(self.query("SELECT type FROM sqlite_schema WHERE name = 'trace_event'"), [("view",)])
        self.assertEqual(self.query("SELECT * FROM trace_event ORDER BY id"), before)
        n_switch = self.query("SELECT count(*) FROM sched_switch")[0][0]
        self.assertGreater(n_switch, 10)
        self.assertEqual(self.query("SELECT count(*) FROM sched_switch WHERE sample_comm IS NOT NULL "
                                    "AND args_json IS NOT NULL")[0][0], n_switch)
        # sql/011: the capture's id range covers its rows; deleting its source deletes them all
        self.assertEqual(self.query("SELECT first_id, last_id FROM capture"), [(1, len(before))])
        self.assertGreater(self.query("SELECT count(*) FROM trace_event_name")[0][0], 3)
        r = harness.sqlite3_shell(self.db, "PRAGMA foreign_keys = ON;\nDELETE FROM source WHERE id = 1;")
        self.assertEqual(r.rc, 0, repr(r))
        for t in ["trace_event_other"] + TYPED:
            self.assertEqual(self.query(f"SELECT count(*) FROM {t}")[0][0], 0, t)


if __name__ == "__main__":
    harness.main()
