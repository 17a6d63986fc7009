-- remote_iteration_stats: every metric of every case aggregated over iterations from the raw values.
--
-- Question: across all loaded iterations, how large and how stable is each tool's overhead?
-- Unlike the framework's aggregator (an average of per-iteration averages and of
-- per-iteration diff percentages), mean, sample standard deviation and count are
-- computed from the raw per-iteration measurements (netperf mean/max latency, summed
-- iperf3 bits/s, PPS from bits/s), the baseline likewise, and diff_pct is recomputed
-- from the two means. CPU and RSS pool every pidstat sample inside the test windows
-- of every iteration (not an average of window averages).
-- remote_metric_stats plus the resource rows (cpu_pct, rss_kb) from the pidstat samples.
-- Columns:
--   topic, case_name, protocol, direction, env   the case
--   metric        tcp_rr_mean_us | tcp_rr_max_us | udp_rr_mean_us | udp_rr_max_us |
--                 throughput_single_gbps | throughput_multi_gbps | pps_single | pps_multi |
--                 cpu_pct | rss_kb (the last two without baseline)
--   family        latency | throughput | pps | resource (which threshold applies)
--   n             iterations (or samples, for cpu_pct/rss_kb) with a value
--   mean, stddev  of the case's values (stddev NULL when n < 2)
--   min, max      of the case's values
--   baseline_n, baseline_mean, baseline_stddev   the same for the environment's baseline
--   diff_pct      round((mean - baseline_mean) / baseline_mean * 100, 2)
--   threshold_pct the family's threshold (remote_thresholds)
--   verdict       degraded | improved | ok | no baseline (| NULL for resources)
CREATE VIEW remote_iteration_stats AS
WITH rs AS (
  SELECT case_name, env, cpu_pct, rss_kb FROM remote_resource_sample WHERE window IS NOT NULL),
raw AS (
  SELECT case_name, env, 'cpu_pct' AS metric, cpu_pct AS value FROM rs
  UNION ALL
  SELECT case_name, env, 'rss_kb', rss_kb FROM rs),
agg AS (
  SELECT case_name, env, metric, count(value) AS n, avg(value) AS mean, min(value) AS min, max(value) AS max,
    CASE WHEN count(value) > 1 THEN sqrt(max(0.0, (sum(value * value) - sum(value) * sum(value) / count(value))
      / (count(value) - 1))) END AS stddev                -- as in remote_metric_stats
  FROM raw WHERE value IS NOT NULL GROUP BY case_name, env, metric)
SELECT * FROM remote_metric_stats
UNION ALL
SELECT c.topic, c.case_name, c.protocol, c.direction, c.env, a.metric, 'resource', a.n, a.mean, a.stddev,
       a.min, a.max, NULL, NULL, NULL, NULL, NULL, NULL
FROM (SELECT DISTINCT topic, case_name, protocol, direction, env FROM remote_case_env) AS c
JOIN agg AS a ON a.case_name = c.case_name AND a.env = c.env;
