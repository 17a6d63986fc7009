-- kubevirt_weekly: weekly statistics per job × resource × metric × ISO week.
--
-- Question: how did each metric behave week by week (perf-report-creator's
-- weekly-report, with the statistics it lacks)? Weeks are ISO-8601 weeks
-- (Monday to Sunday, UTC) of each run's run_time. A metric missing from a run
-- is missing: it is not counted and never averaged in as 0 (upstream counts
-- it as 0). A week in which runs of the job reported the resource but none
-- reported the metric has runs = 0 and NULL statistics.
-- Columns:
--   job               Prow job name
--   resource          'vmi', 'vm', ...
--   metric            metric name
--   week_start        ISO Monday 'YYYY-MM-DD' (upstream labels 2025/2026 weeks 7 days later; see export)
--   iso_week          'YYYY-Www'
--   results           runs of the job in that week that have a result for the resource
--   runs              runs that reported the metric (= count of values)
--   mean              average of the values (NULL when runs = 0)
--   min               smallest value
--   max               largest value
--   median            median of the values
--   p95               95th percentile of the values (percentile(value, 95))
CREATE VIEW kubevirt_weekly AS
WITH weeks AS (
  SELECT r.job, x.resource, r.week_start, CAST(julianday(r.week_start) - 2440587.5 AS INTEGER) AS week_day,
         count(*) AS results
  FROM kubevirt_result AS x JOIN kubevirt_run AS r ON r.id = x.run_id
  GROUP BY r.job, x.resource, r.week_start
), agg AS (
  -- reads kubevirt_metric in its key order (series_id, week_day, result_id): no sort
  SELECT series_id, week_day, count(*) AS runs, avg(value) AS mean, min(value) AS min,
         max(value) AS max, median(value) AS median, percentile(value, 95) AS p95
  FROM kubevirt_metric
  GROUP BY series_id, week_day
)
SELECT s.job, s.resource, s.metric, w.week_start, iso_week(w.week_start) AS iso_week,
       w.results, coalesce(a.runs, 0) AS runs, a.mean, a.min, a.max, a.median, a.p95
FROM kubevirt_series AS s
JOIN weeks AS w ON w.job = s.job AND w.resource = s.resource
LEFT JOIN agg AS a ON a.series_id = s.id AND a.week_day = w.week_day;
