-- remote_latency_compare: netperf latency of every eBPF case beside its environment's baseline.
--
-- Question: how much does running an eBPF tool raise request/response latency?
-- diff_pct = round((mean - baseline mean) / baseline mean * 100, 2) (inf when the
-- baseline is 0 and the case is not); positive means slower. verdict compares it
-- with the latency threshold of remote_thresholds.
-- Columns:
--   iteration, topic, case_name, case_id, protocol, direction, env   the case
--   test          tcp_rr | udp_rr
--   min_us, mean_us, max_us, p99_us   the case's netperf figures (p99 when measured)
--   baseline_us   mean latency of the baseline run (same iteration and environment)
--   diff_pct      change of the mean, percent (NULL without baseline)
--   threshold_pct the latency threshold applied
--   verdict       degraded | improved | ok | no baseline
CREATE VIEW remote_latency_compare AS
WITH j AS (
  SELECT c.iteration, c.topic, c.case_name, c.case_id, c.protocol, c.direction, c.env, e.test,
         e.min_us, e.mean_us, e.max_us, e.p99_us, b.mean_us AS baseline_us,
         CASE WHEN b.mean_us IS NULL OR e.mean_us IS NULL THEN NULL
              WHEN b.mean_us = 0 THEN CASE WHEN e.mean_us = 0 THEN 0.0 ELSE 9e999 END
              ELSE remote_round((e.mean_us - b.mean_us) / b.mean_us * 100, 2) END AS diff_pct
  FROM remote_case_env AS c
  JOIN remote_latency_run AS e
    ON e.scope = 'ebpf' AND e.iteration = c.iteration AND e.case_name = c.case_name AND e.env = c.env
  LEFT JOIN remote_latency_run AS b
    ON b.scope = 'baseline' AND b.iteration = c.iteration AND b.env = c.env AND b.test = e.test)
SELECT j.*, t.percent AS threshold_pct,
       CASE WHEN j.diff_pct IS NULL THEN 'no baseline'
            WHEN j.diff_pct > t.percent THEN 'degraded'
            WHEN j.diff_pct < -t.percent THEN 'improved' ELSE 'ok' END AS verdict
FROM j JOIN remote_thresholds AS t ON t.metric = 'latency';
