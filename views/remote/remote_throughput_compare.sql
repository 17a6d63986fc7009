-- remote_throughput_compare: throughput of every eBPF case beside its environment's baseline.
--
-- Question: how much does running an eBPF tool cut iperf3 throughput?
-- Single and multi-stream tests separately (multi: all streams summed). diff_pct =
-- round((case - baseline) / baseline * 100, 2); negative means lower throughput, a
-- degradation when below minus the throughput threshold of remote_thresholds.
-- Columns:
--   iteration, topic, case_name, case_id, protocol, direction, env   the case
--   kind          single | multi
--   gbps         the case's value, Gbit/s (round(bps/1e9, 2))
--   baseline      the baseline's value (same iteration, environment and kind)
--   diff_pct      change in percent (NULL without baseline)
--   streams       iperf3 results summed for the case
--   threshold_pct the throughput threshold applied
--   verdict       degraded | improved | ok | no baseline
CREATE VIEW remote_throughput_compare AS
WITH j AS (
  SELECT c.iteration, c.topic, c.case_name, c.case_id, c.protocol, c.direction, c.env, e.kind,
         e.gbps, b.gbps AS baseline,
         CASE WHEN b.gbps IS NULL OR e.gbps IS NULL THEN NULL
              WHEN b.gbps = 0 THEN CASE WHEN e.gbps = 0 THEN 0.0 ELSE 9e999 END
              ELSE remote_round((e.gbps - b.gbps) * 1.0 / b.gbps * 100, 2) END AS diff_pct,
         e.streams
  FROM remote_case_env AS c
  JOIN remote_stream_run AS e
    ON e.scope = 'ebpf' AND e.test_type = 'throughput' AND e.iteration = c.iteration
   AND e.case_name = c.case_name AND e.env = c.env
  LEFT JOIN remote_stream_run AS b
    ON b.scope = 'baseline' AND b.test_type = 'throughput' AND b.iteration = c.iteration
   AND b.env = c.env AND b.kind = e.kind)
SELECT j.*, t.percent AS threshold_pct,
       CASE WHEN j.diff_pct IS NULL THEN 'no baseline'
            WHEN j.diff_pct < -t.percent THEN 'degraded'
            WHEN j.diff_pct > t.percent THEN 'improved' ELSE 'ok' END AS verdict
FROM j JOIN remote_thresholds AS t ON t.metric = 'throughput';
