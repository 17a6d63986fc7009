-- remote_overview: one line per eBPF tool case: its change against the baseline for every metric, and a verdict.
--
-- Question: which tool cases degrade the network, and by how much, over all iterations?
-- The table of `perfsql export remote`'s overview.md. Each change is the case's mean over
-- all iterations against the mean of its environment's baseline, recomputed from the raw
-- measurements, as remote_pystr text, with ' ±' the case's standard deviation in percent of
-- its mean and ' ⚠' when degraded; 'N/A' when there is no figure.
-- Columns:
--   case_name   the tool case
--   env         its environment
--   n           iterations measured (latency)
--   tcp_rr, udp_rr, tp_single, tp_multi, pps_single, pps_multi   change in percent (text)
--   cpu_avg     the tool's mean %CPU
--   verdict     **degraded** | ok | no baseline
CREATE VIEW remote_overview AS
WITH s AS (SELECT * FROM remote_iteration_stats),
 cell AS (SELECT case_name, metric, CASE WHEN diff_pct IS NULL THEN 'N/A' ELSE
   remote_pystr(diff_pct) || CASE WHEN stddev IS NOT NULL AND mean <> 0 THEN ' ±' ||
   remote_pystr(remote_round(stddev / abs(mean) * 100, 1)) ELSE '' END ||
   CASE verdict WHEN 'degraded' THEN ' ⚠' ELSE '' END END AS txt FROM s)
SELECT c.case_name, c.env,
 (SELECT max(n) FROM s WHERE s.case_name = c.case_name AND s.family = 'latency') AS n,
 coalesce((SELECT txt FROM cell WHERE cell.case_name = c.case_name AND metric = 'tcp_rr_mean_us'), 'N/A') AS tcp_rr,
 coalesce((SELECT txt FROM cell WHERE cell.case_name = c.case_name AND metric = 'udp_rr_mean_us'), 'N/A') AS udp_rr,
 coalesce((SELECT txt FROM cell WHERE cell.case_name = c.case_name AND metric = 'throughput_single_gbps'), 'N/A') AS tp_single,
 coalesce((SELECT txt FROM cell WHERE cell.case_name = c.case_name AND metric = 'throughput_multi_gbps'), 'N/A') AS tp_multi,
 coalesce((SELECT txt FROM cell WHERE cell.case_name = c.case_name AND metric = 'pps_single'), 'N/A') AS pps_single,
 coalesce((SELECT txt FROM cell WHERE cell.case_name = c.case_name AND metric = 'pps_multi'), 'N/A') AS pps_multi,
 coalesce((SELECT remote_pystr(remote_round(mean, 2)) FROM s WHERE s.case_name = c.case_name AND metric = 'cpu_pct'), 'N/A') AS cpu_avg,
 CASE WHEN EXISTS (SELECT 1 FROM s WHERE s.case_name = c.case_name AND verdict = 'degraded') THEN '**degraded**'
      WHEN EXISTS (SELECT 1 FROM s WHERE s.case_name = c.case_name AND verdict IN ('ok', 'improved')) THEN 'ok'
      ELSE 'no baseline' END AS verdict
FROM (SELECT DISTINCT case_name, env FROM remote_case_env) AS c ORDER BY c.case_name;
