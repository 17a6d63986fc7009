-- bench_series: each metric's history per label, one point per run in time order.
--
-- Question: how did a metric evolve over the runs of one label (e.g. every nightly run of main)?
-- Columns:
--   label       run label; each label is its own history
--   metric      metric name
--   pos         1-based position of the run in the label's history (ordered by run time, then id)
--   run_id      bench_run.id
--   run_at      when the run happened (UTC ISO-8601)
--   git_commit  the commit measured
--   value       mean of the run's samples for the metric
--   n           number of samples (repetitions)
--   unit        unit of the values
CREATE VIEW bench_series AS
SELECT r.label, s.metric,
       row_number() OVER (PARTITION BY r.label, s.metric ORDER BY r.run_unix, r.id) AS pos,
       r.id AS run_id, r.run_at, r.git_commit, avg(s.value) AS value, count(*) AS n, max(s.unit) AS unit
FROM bench_sample AS s
JOIN bench_run AS r ON r.id = s.run_id
GROUP BY r.label, s.metric, r.id;
