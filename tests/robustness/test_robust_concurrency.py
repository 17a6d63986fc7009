"""Concurrent use of one database.

- N processes creating the same new database at once all succeed (the schema is created
  in one BEGIN IMMEDIATE transaction and user_version is read again inside it);
- a command that cannot get the lock fails with one line naming the database and the
  command (refresh, load, sql), exit 1, database unchanged;
- plain `sqlite3` readers (no busy timeout) never get "database is locked" during a big
  load or at its end (no checkpoint on close; commits checkpoint PASSIVEly)."""
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import robust  # noqa: E402
import harness  # noqa: E402

N = 8


class ConcurrencyTest(robust.RobustTest):
    def test_n_processes_create_the_same_new_database(self):
        for rnd in range(4):
            db = os.path.join(self.tmp, f"new{rnd}.db")
            procs = [subprocess.Popen([harness.PERFSQL, "-d", db, "init"], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(N)]
            res = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
            for p in procs:
                p.stdout.close()
                p.stderr.close()
            self.assertEqual([r[0] for r in res], [0] * N, res)
            self.assertEqual([r[1] for r in res], [""] * N)
            con = sqlite3.connect(db)
            self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0],
                             max(int(f[:3]) for f in os.listdir(os.path.join(harness.SRC, "sql"))))
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            con.close()

    def test_lock_failures_name_the_database_and_the_command(self):
        self.ok(["--quiet", "init"])
        holder = sqlite3.connect(self.db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")      # another writer holds the lock
        env = {"PERFSQL_BUSY_TIMEOUT": "200"}
        try:
            for cmd, name in ((["refresh"], "refresh"),
                              (["load", "bench", os.path.join(harness.DATA, "bench", "results.csv"), "--label", "x"],
                               "load"),
                              (["sql", "CREATE TABLE t(x)"], "sql")):
                self.refused(cmd, "database is locked", f"database {self.db}", f"command `perfsql {name}`",
                             "200 ms", env=env)
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    def test_plain_readers_never_wait_during_and_at_the_end_of_a_big_load(self):
        csv = os.path.join(self.tmp, "big.csv")
        with open(csv, "w") as f:
            for i in range(300000):
                f.write(f"m{i % 3000},{i},ns,{i // 3000}\n")
        self.ok(["--quiet", "init"])
        load = subprocess.Popen([harness.PERFSQL, "-d", self.db, "--quiet", "load", "bench", csv, "--label", "big"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        reads, locked, after = 0, [], 0
        deadline = None
        while True:
            # the plain sqlite3 shell: no extension, no busy timeout
            r = subprocess.run(["sqlite3", self.db, "SELECT count(*) FROM source"], capture_output=True, text=True)
            reads += 1
            if r.returncode != 0:
                locked.append(r.stderr.strip())
            if load.poll() is not None:
                if deadline is None:
                    deadline = time.monotonic() + 1.5    # keep reading right after the load ends
                after += 1
                if time.monotonic() > deadline:
                    break
        out, err = load.communicate()
        self.assertEqual(load.returncode, 0, err)
        print(f"\nplain sqlite3 readers: {reads} reads ({after} after the load ended), {len(locked)} failed",
              file=sys.stderr)
        self.assertEqual(locked, [])
        self.assertGreater(reads - after, 0)
        self.assertEqual(self.query("SELECT count(*) FROM bench_value")[0][0], 300000)


if __name__ == "__main__":
    harness.main()
