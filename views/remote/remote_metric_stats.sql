-- remote_metric_stats: the latency, throughput and PPS metrics of every case aggregated over iterations, against the baseline.
--
-- Question: across all loaded iterations, how large and how stable is each tool's overhead on the network tests?
-- The rows of remote_iteration_stats that have a baseline to compare with (every family
-- but resource), without reading the pidstat samples: the overhead charts and the
-- degraded-metrics table need only these. Mean, sample standard deviation and count are
-- computed from the raw per-iteration measurements (netperf mean/max latency, summed
-- iperf3 bits/s, PPS from bits/s), the baseline likewise, and diff_pct is recomputed
-- from the two means.
-- Columns:
--   topic, case_name, protocol, direction, env   the case
--   metric        tcp_rr_mean_us | tcp_rr_max_us | udp_rr_mean_us | udp_rr_max_us |
--                 throughput_single_gbps | throughput_multi_gbps | pps_single | pps_multi
--   family        latency | throughput | pps (which threshold applies)
--   n             iterations with a value
--   mean, stddev  of the case's values (stddev NULL when n < 2)
--   min, max      of the case's values
--   baseline_n, baseline_mean, baseline_stddev   the same for the environment's baseline
--   diff_pct      round((mean - baseline_mean) / baseline_mean * 100, 2)
--   threshold_pct the family's threshold (remote_thresholds)
--   verdict       degraded | improved | ok | no baseline
CREATE VIEW remote_metric_stats AS
WITH raw AS (
  SELECT iteration, scope, case_name, env, test || '_mean_us' AS metric, 'latency' AS family,
         mean_us AS value FROM remote_latency_run
  UNION ALL
  SELECT iteration, scope, case_name, env, test || '_max_us', 'latency', max_us FROM remote_latency_run
  UNION ALL
  SELECT iteration, scope, case_name, env,
         test_type || '_' || kind || CASE test_type WHEN 'throughput' THEN '_gbps' ELSE '' END,
         test_type,
         CASE test_type WHEN 'throughput' THEN bps / 1e9 ELSE bps / (blksize * 8.0) END
  FROM remote_stream_run),
agg AS (
  SELECT scope, case_name, env, metric, family, count(value) AS n, avg(value) AS mean,
         CASE WHEN count(value) > 1 THEN
           sqrt(max(0.0, (sum(value * value) - sum(value) * sum(value) / count(value)) / (count(value) - 1)))
         END AS stddev,
         min(value) AS min, max(value) AS max
  FROM raw WHERE value IS NOT NULL
  GROUP BY scope, case_name, env, metric, family),
cases AS (
  SELECT DISTINCT topic, case_name, protocol, direction, env FROM remote_case_env),
j AS (
  SELECT c.topic, c.case_name, c.protocol, c.direction, c.env, e.metric, e.family, e.n, e.mean,
         e.stddev, e.min, e.max, b.n AS baseline_n, b.mean AS baseline_mean,
         b.stddev AS baseline_stddev,
         CASE WHEN b.mean IS NULL THEN NULL
              WHEN b.mean = 0 THEN CASE WHEN e.mean = 0 THEN 0.0 ELSE 9e999 END
              ELSE remote_round((e.mean - b.mean) / b.mean * 100, 2) END AS diff_pct
  FROM cases AS c
  JOIN agg AS e ON e.scope = 'ebpf' AND e.case_name = c.case_name AND e.env = c.env
  LEFT JOIN agg AS b ON b.scope = 'baseline' AND b.case_name = '' AND b.env = c.env AND b.metric = e.metric)
SELECT j.*, t.percent AS threshold_pct,
       CASE WHEN j.diff_pct IS NULL THEN 'no baseline'
            WHEN (j.family = 'latency' AND j.diff_pct > t.percent)
              OR (j.family <> 'latency' AND j.diff_pct < -t.percent) THEN 'degraded'
            WHEN (j.family = 'latency' AND j.diff_pct < -t.percent)
              OR (j.family <> 'latency' AND j.diff_pct > t.percent) THEN 'improved'
            ELSE 'ok' END AS verdict
FROM j LEFT JOIN remote_thresholds AS t ON t.metric = j.family;
