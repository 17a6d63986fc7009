-- remote_topic_cases: per iteration, each eBPF case's single-stream change against its baseline (TCP RR latency, throughput, PPS).
--
-- Question: in one iteration, how did each tool case change latency, throughput and PPS?
-- The "Performance Summary" table of the framework's {topic}_overview_iteration_NNN.md
-- (`perfsql export remote`): the tcp_rr latency, single-stream throughput and single-stream
-- PPS comparisons, as remote_pystr text, 'N/A' when missing.
-- Columns:
--   iteration, topic, case_name, protocol, direction   the case
--   latency_diff      remote_latency_compare.diff_pct (tcp_rr)
--   throughput_diff   remote_throughput_compare.diff_pct (single)
--   pps_diff          remote_pps_compare.diff_pct (single)
CREATE VIEW remote_topic_cases AS
SELECT c.iteration, c.topic, c.case_name, c.protocol, c.direction,
  coalesce(remote_pystr(l.diff_pct), 'N/A') AS latency_diff,
  coalesce(remote_pystr(t.diff_pct), 'N/A') AS throughput_diff,
  coalesce(remote_pystr(p.diff_pct), 'N/A') AS pps_diff
FROM remote_case_env c
LEFT JOIN remote_latency_compare l ON l.iteration=c.iteration AND l.case_name=c.case_name AND l.env=c.env AND l.test='tcp_rr'
LEFT JOIN remote_throughput_compare t ON t.iteration=c.iteration AND t.case_name=c.case_name AND t.env=c.env AND t.kind='single'
LEFT JOIN remote_pps_compare p ON p.iteration=c.iteration AND p.case_name=c.case_name AND p.env=c.env AND p.kind='single';
