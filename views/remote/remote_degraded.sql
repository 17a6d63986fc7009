-- remote_degraded: the metrics of tool cases that degraded beyond their threshold, over all iterations.
--
-- Question: which tool cases cost more than the threshold allows, on which metric?
-- The "Degraded metrics" table of `perfsql export remote`'s report.html.
-- Columns:
--   tool case, env, metric, n   the case, its environment, the metric, iterations measured
--   mean, baseline              the case's and the baseline's mean (3 decimals, Python rounding)
--   diff %, threshold %         the change and the threshold it exceeds
CREATE VIEW remote_degraded AS
SELECT case_name AS "tool case", env, metric, n, remote_round(mean, 3) AS mean,
  remote_round(baseline_mean, 3) AS baseline, diff_pct AS "diff %", threshold_pct AS "threshold %"
FROM remote_metric_stats WHERE verdict = 'degraded' ORDER BY case_name, metric;
