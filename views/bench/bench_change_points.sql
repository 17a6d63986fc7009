-- bench_change_points: change points of metric histories with Apache Otava's controls (a parameterized report).
--
-- Question: at which run did a metric's level change, by how much, and how sure is it, for the runs, window, p-value and magnitude I choose?
-- Call it as a table-valued function:
--   SELECT * FROM bench_change_points('main');
--   SELECT * FROM bench_change_points('main', 'BM_*', 30, 0.01, 0.05, '2026-01-01', NULL, 100);
-- The options are `otava analyze`'s: --since/--until (a time range), --last N (the latest N runs),
-- --window, --pvalue (max p-value), --magnitude (min relative change). The detector is
-- changepoints() over each (label, metric) series of bench_series restricted to those runs.
-- Parameters:
--   :only_label     run label; NULL = every label
--   :metric_glob    GLOB on metric names; NULL = every metric
--   :window_size    detector window (2..1000); NULL = 50
--   :max_pvalue     keep change points with p <= this; NULL = 0.001
--   :min_magnitude  keep changes of at least this relative size (0.05 = 5 %); NULL = 0
--   :since_time     ISO-8601 UTC, inclusive; NULL = from the first run
--   :until_time     ISO-8601 UTC, exclusive; NULL = up to the latest run
--   :last_runs      only the latest N runs of each series; NULL = all
-- Columns:
--   label, metric   the series
--   pos             position of the first run of the new level in the label's full history (1-based)
--   run_id, run_at, git_commit   that run
--   mean_before     mean of the segment before the change point
--   mean_after      mean of the segment after it
--   change_pct      100 * (mean_after / mean_before - 1)
--   magnitude       max(|after/before - 1|, |before/after - 1|)
--   pvalue          two-sided pooled t-test p-value between the two segments
WITH pts AS (
  SELECT label, metric, pos, value,
         row_number() OVER (PARTITION BY label, metric ORDER BY pos DESC) AS from_end
  FROM bench_series
  WHERE (:only_label IS NULL OR label = :only_label)
    AND (:metric_glob IS NULL OR metric GLOB :metric_glob)
    AND (:since_time IS NULL OR run_at >= :since_time)
    AND (:until_time IS NULL OR run_at < :until_time)
), series AS (
  SELECT label, metric, json_group_array(json_array(pos, value)) AS points
  FROM pts
  WHERE :last_runs IS NULL OR from_end <= :last_runs
  GROUP BY label, metric
)
SELECT s.label, s.metric, b.pos, b.run_id, b.run_at, b.git_commit,
       cp.mean_before, cp.mean_after, cp.change_pct, cp.magnitude, cp.pvalue
FROM series AS s
JOIN changepoints(s.points, :window_size, :max_pvalue, :min_magnitude) AS cp
JOIN bench_series AS b ON b.label = s.label AND b.metric = s.metric AND b.pos = cp.key
ORDER BY s.label, s.metric, b.pos
