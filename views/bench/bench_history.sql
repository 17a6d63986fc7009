-- bench_history: change points in each metric's history (Apache Otava's detector).
--
-- Question: at which run did a metric's level change, by how much, and how sure is it?
-- Runs the changepoints() table-valued function (defaults: window 50, step 25,
-- p <= 0.001, no minimum magnitude) over every (label, metric) series of bench_series.
-- Columns:
--   label          run label (each label is its own history)
--   metric         metric name
--   pos            position of the first run of the new level in the series (1-based)
--   run_id         that run (bench_run.id)
--   run_at         when it ran
--   git_commit     the commit that introduced the change (first run after it)
--   mean_before    mean of the segment before the change point
--   mean_after     mean of the segment after it
--   change_pct     100 * (mean_after / mean_before - 1)
--   pvalue         two-sided pooled t-test p-value between the two segments
CREATE VIEW bench_history AS
WITH series AS (
  SELECT label, metric, json_group_array(json_array(pos, value)) AS points
  FROM bench_series
  GROUP BY label, metric
)
SELECT s.label, s.metric, b.pos, b.run_id, b.run_at, b.git_commit,
       cp.mean_before, cp.mean_after, cp.change_pct, cp.pvalue
FROM series AS s
JOIN changepoints(s.points) AS cp
JOIN bench_series AS b ON b.label = s.label AND b.metric = s.metric AND b.pos = cp.key
ORDER BY s.label, s.metric, b.pos;
