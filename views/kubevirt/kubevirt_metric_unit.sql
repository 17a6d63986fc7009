-- kubevirt_metric_unit: the unit of each KubeVirt metric, from its name (the graphs' y axis title).
--
-- Question: what unit is a metric's value in? perf-report-creator records no
-- units; the names and kubevirt's metric-client say it: *Seconds* are
-- histogram quantiles in seconds, <VERB>-<resource>-count is the number of
-- REST calls (increase() over the test window), <phase>-phase-count a number
-- of VMIs, *MemoryUsageInMB megabytes (container_memory_rss). CPU usage and
-- the workqueue metrics carry no unit in their name or audit file: 'value'.
-- Columns:
--   metric   every metric name loaded (kubevirt_series)
--   unit     'seconds', 'count', 'MB' or 'value' (unit not recorded upstream)
--   y_label  the y axis title of the graphs: the unit, e.g. 'seconds' (chart option y_unit)
CREATE VIEW kubevirt_metric_unit AS
SELECT metric, unit, unit AS y_label
FROM (SELECT DISTINCT metric,
             CASE WHEN metric GLOB '*Seconds*' THEN 'seconds'
                  WHEN metric GLOB '*-count' THEN 'count'
                  WHEN metric GLOB '*MemoryUsageInMB' THEN 'MB'
                  ELSE 'value' END AS unit
      FROM kubevirt_series);
