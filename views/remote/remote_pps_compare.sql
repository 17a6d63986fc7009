-- remote_pps_compare: pps of every eBPF case beside its environment's baseline.
--
-- Question: how much does running an eBPF tool cut the small-packet rate?
-- Single and multi-stream tests separately (multi: all streams summed). diff_pct =
-- round((case - baseline) / baseline * 100, 2); negative means lower pps, a
-- degradation when below minus the pps threshold of remote_thresholds.
-- The pps rows of remote_stream_compare.
-- Columns:
--   iteration, topic, case_name, case_id, protocol, direction, env   the case
--   kind          single | multi
--   pps          the case's value, packets/s, int(bps/(blksize*8)), iperf3 TCP with 64-byte writes
--   baseline      the baseline's value (same iteration, environment and kind)
--   diff_pct      change in percent (NULL without baseline)
--   streams       iperf3 results summed for the case
--   threshold_pct the pps threshold applied
--   verdict       degraded | improved | ok | no baseline
CREATE VIEW remote_pps_compare AS
SELECT iteration, topic, case_name, case_id, protocol, direction, env, kind, value AS pps, baseline,
       diff_pct, streams, threshold_pct, verdict
FROM remote_stream_compare WHERE test_type = 'pps';
