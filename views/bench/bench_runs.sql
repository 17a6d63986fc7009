-- bench_runs: every loaded benchmark run, newest first.
--
-- Question: which benchmark runs does this database hold (label, when, commit, host), and how big is each?
-- Columns:
--   run_id      bench_run.id (what `perfsql bench compare` accepts besides a label)
--   label       the run's label (baseline, main, a branch, ...)
--   run_at      when the run happened (UTC ISO-8601)
--   git_commit  the commit measured
--   host        the machine it ran on
--   format      seed-json, gbench-json or csv
--   metrics     distinct metrics with at least one value
--   values      measured values (repetitions counted, aggregate rows not)
--   errors      values reported as errors (Google Benchmark error_occurred)
--   source_id   the load that wrote it (source.id)
CREATE VIEW bench_runs AS
SELECT r.id AS run_id, r.label, r.run_at, r.git_commit, r.host, r.format,
       (SELECT count(DISTINCT metric) FROM bench_value v WHERE v.run_id = r.id AND v.value IS NOT NULL) AS metrics,
       (SELECT count(*) FROM bench_value v WHERE v.run_id = r.id AND v.aggregate IS NULL AND v.value IS NOT NULL) AS "values",
       (SELECT count(*) FROM bench_value v WHERE v.run_id = r.id AND v.error IS NOT NULL) AS errors,
       r.source_id
FROM bench_run AS r
ORDER BY r.run_unix DESC, r.id DESC;
