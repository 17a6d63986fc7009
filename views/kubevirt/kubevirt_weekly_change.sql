-- kubevirt_weekly_change: week-over-week change of each metric's weekly mean and median, with a severity.
--
-- Question: which metrics got worse (or better) compared with the job's previous week?
-- Every KubeVirt metric is "lower is better" (latencies, API call counts,
-- memory, CPU), so a positive change is a regression. Weeks without values
-- (runs = 0) are left out; the previous week is the previous week that has values.
-- Columns:
--   job, resource, metric, week_start, iso_week, runs   as in kubevirt_weekly
--   mean                 this week's mean
--   prev_week_start      the previous week with values
--   prev_mean            its mean
--   change_pct           100 × (mean − prev_mean) / |prev_mean| (NULL when prev_mean is 0 or missing)
--   median, prev_median  this and the previous week's median
--   median_change_pct    the same change computed on medians
--   regress_severity     regress_severity(median_change_pct): the core's severity label for the change
CREATE VIEW kubevirt_weekly_change AS
WITH w AS (
  SELECT job, resource, metric, week_start, iso_week, runs, mean, median,
         lag(week_start) OVER win AS prev_week_start,
         lag(mean) OVER win AS prev_mean,
         lag(median) OVER win AS prev_median
  FROM kubevirt_weekly
  WHERE runs > 0
  WINDOW win AS (PARTITION BY job, resource, metric ORDER BY week_start)
)
SELECT job, resource, metric, week_start, iso_week, runs, mean, prev_week_start, prev_mean,
       CASE WHEN prev_mean <> 0 THEN 100.0 * (mean - prev_mean) / abs(prev_mean) END AS change_pct,
       median, prev_median,
       CASE WHEN prev_median <> 0 THEN 100.0 * (median - prev_median) / abs(prev_median) END AS median_change_pct,
       CASE WHEN prev_median <> 0 THEN regress_severity(100.0 * (median - prev_median) / abs(prev_median)) END
         AS regress_severity
FROM w;
