-- remote_throughput_compare: throughput of every eBPF case beside its environment's baseline.
--
-- Question: how much does running an eBPF tool cut iperf3 throughput?
-- Single and multi-stream tests separately (multi: all streams summed). diff_pct =
-- round((case - baseline) / baseline * 100, 2); negative means lower throughput, a
-- degradation when below minus the throughput threshold of remote_thresholds.
-- The throughput rows of remote_stream_compare.
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
SELECT iteration, topic, case_name, case_id, protocol, direction, env, kind, value AS gbps, baseline,
       diff_pct, streams, threshold_pct, verdict
FROM remote_stream_compare WHERE test_type = 'throughput';
