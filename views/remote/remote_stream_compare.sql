-- remote_stream_compare: iperf3 throughput and PPS of every eBPF case beside its environment's baseline.
--
-- Question: how much does running an eBPF tool cut iperf3 throughput or the small-packet rate?
-- One comparison for both iperf3 test types; remote_throughput_compare and
-- remote_pps_compare are its rows of one type. Single and multi-stream tests separately
-- (multi: all streams summed). diff_pct = round((case - baseline) / baseline * 100, 2)
-- (inf when the baseline is 0 and the case is not); negative means less, a degradation
-- when below minus the test type's threshold of remote_thresholds.
-- Columns:
--   iteration, topic, case_name, case_id, protocol, direction, env   the case
--   test_type     throughput | pps
--   kind          single | multi
--   value         the case's value: Gbit/s (round(bps/1e9, 2)) for throughput,
--                 packets/s (int(bps/(blksize*8))) for pps
--   baseline      the baseline's value (same iteration, environment, test type and kind)
--   diff_pct      change in percent (NULL without baseline)
--   streams       iperf3 results summed for the case
--   threshold_pct the test type's threshold applied
--   verdict       degraded | improved | ok | no baseline
CREATE VIEW remote_stream_compare AS
WITH r AS MATERIALIZED (
  SELECT iteration, scope, case_name, env, test_type, kind, streams,
         CASE test_type WHEN 'throughput' THEN gbps ELSE pps END AS value
  FROM remote_stream_run),
j AS (
  SELECT c.iteration, c.topic, c.case_name, c.case_id, c.protocol, c.direction, c.env, e.test_type,
         e.kind, e.value, b.value AS baseline,
         CASE WHEN b.value IS NULL OR e.value IS NULL THEN NULL
              WHEN b.value = 0 THEN CASE WHEN e.value = 0 THEN 0.0 ELSE 9e999 END
              ELSE remote_round((e.value - b.value) * 1.0 / b.value * 100, 2) END AS diff_pct,
         e.streams
  FROM remote_case_env AS c
  JOIN r AS e
    ON e.scope = 'ebpf' AND e.iteration = c.iteration AND e.case_name = c.case_name AND e.env = c.env
  LEFT JOIN r AS b
    ON b.scope = 'baseline' AND b.iteration = c.iteration AND b.env = c.env
   AND b.test_type = e.test_type AND b.kind = e.kind)
SELECT j.*, t.percent AS threshold_pct,
       CASE WHEN j.diff_pct IS NULL THEN 'no baseline'
            WHEN j.diff_pct < -t.percent THEN 'degraded'
            WHEN j.diff_pct > t.percent THEN 'improved' ELSE 'ok' END AS verdict
FROM j JOIN remote_thresholds AS t ON t.metric = j.test_type;
