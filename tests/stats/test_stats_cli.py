"""The stats functions end to end through the perfsql CLI (`perfsql sql`), on a
database made by `perfsql init`: the CLI registers the extension for its own
connection, so every function is there without .load."""
import csv
import io

import harness


class StatsThroughCli(harness.TempDirTest):
    def csv_rows(self, sql):
        r = harness.run(["sql", "--format", "csv", sql], db=self.db)
        self.assertEqual(r.rc, 0, repr(r))
        return list(csv.reader(io.StringIO(r.out)))

    def test_functions(self):
        self.ok(["init"])
        rows = self.csv_rows(
            "SELECT week_start('2026-07-16T10:00:00Z') AS ws, iso_week('2027-01-01') AS iw, "
            "regress_severity(62.5) AS sev, heatmap_bin(1700000000999999999, 1000000000) AS bin, "
            "(SELECT median(v) FROM (SELECT 1 AS v UNION ALL SELECT 5 UNION ALL SELECT 2 UNION ALL SELECT 10)) AS med, "
            "(SELECT percentile(v, 90) FROM (SELECT 1 AS v UNION ALL SELECT 5 UNION ALL SELECT 2 UNION ALL SELECT 10)) AS p90")
        self.assertEqual(rows, [["ws", "iw", "sev", "bin", "med", "p90"],
                                ["2026-07-13", "2026-W53", "severe", "1700000000", "3.5", "8.5"]])

    def test_sliding_median_window(self):
        rows = self.csv_rows(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 6) "
            "SELECT i, sliding_median(i * i % 7) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS m FROM s")
        # i*i % 7 for i = 1..6: 1 4 2 2 4 1; frames of 3 (2 at the ends)
        self.assertEqual(rows[1:], [["1", "2.5"], ["2", "2.0"], ["3", "2.0"], ["4", "2.0"], ["5", "2.0"], ["6", "2.5"]])

    def test_errors_are_one_line(self):
        r = harness.run(["sql", "SELECT week_start('someday')"], db=self.db)
        self.assertEqual(r.rc, 1, repr(r))
        self.assertEqual(r.err, "perfsql: SQL statement at line 1: week_start: cannot parse time 'someday' "
                                "(want ISO-8601 text or unix seconds)\n")


if __name__ == "__main__":
    harness.main()
