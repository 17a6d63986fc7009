-- kubevirt_threshold_breaches: every metric value that exceeded its audit threshold.
--
-- Question: which runs broke a perfscale-audit threshold (P50 ≤ 45 s, P95 ≤ 60 s,
-- PATCH-vmi ≤ 2 × CREATE-pods, UPDATE-vmi ≤ 10 × CREATE-pods), and by how much?
-- Columns:
--   job, build_id, run_time, week_start   the run
--   resource, metric, value               the metric
--   threshold_value                       the limit
--   threshold_metric                      the metric the limit is a multiple of (NULL for absolute limits)
--   threshold_ratio                       value / threshold_metric's value
--   excess                                value − threshold_value
--   excess_pct                            100 × excess / threshold_value
CREATE VIEW kubevirt_threshold_breaches AS
SELECT job, build_id, run_time, week_start, resource, metric, value, threshold_value,
       threshold_metric, threshold_ratio, value - threshold_value AS excess,
       CASE WHEN threshold_value <> 0 THEN 100.0 * (value - threshold_value) / threshold_value END AS excess_pct
FROM kubevirt_results
WHERE threshold_exceeded = 1;
