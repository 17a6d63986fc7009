-- remote_overhead_bars: the bars of the overhead charts: each tool case's change against its baseline, per metric.
--
-- Question: how much does each eBPF tool case cost, metric by metric, over all iterations?
-- The rows of `perfsql export remote`'s charts/overhead_<topic>.png and of the overhead
-- section of report.html, in the framework's case order (case id) and metric order;
-- infinite changes (a zero baseline) are left out. One chart per topic:
--   SELECT topic, chart_bar(label, diff_pct, series) FROM remote_overhead_bars GROUP BY topic
-- Columns:
--   topic     the framework's topic (linux_network_stack, kvm_virt_network, ...)
--   label     the case, without the tool's prefix ('case_3_tcp_rx_ab12')
--   series    the metric as the charts name it ('TCP RR latency', 'throughput single', ...)
--   diff_pct  change of the case's mean over all iterations against the baseline (percent)
CREATE VIEW remote_overhead_bars AS
SELECT s.topic, substr(s.case_name, instr(s.case_name, '_case_') + 1) AS label,
  CASE s.metric WHEN 'tcp_rr_mean_us' THEN 'TCP RR latency' WHEN 'udp_rr_mean_us' THEN 'UDP RR latency'
    WHEN 'throughput_single_gbps' THEN 'throughput single' WHEN 'throughput_multi_gbps' THEN 'throughput multi'
    WHEN 'pps_single' THEN 'PPS single' ELSE 'PPS multi' END AS series, s.diff_pct
FROM remote_metric_stats AS s JOIN (SELECT DISTINCT case_name, case_id FROM remote_case) AS c USING (case_name)
WHERE s.metric IN ('tcp_rr_mean_us', 'udp_rr_mean_us', 'throughput_single_gbps', 'throughput_multi_gbps',
    'pps_single', 'pps_multi') AND s.diff_pct IS NOT NULL AND abs(s.diff_pct) < 1e308
ORDER BY s.topic, c.case_id, s.case_name,
  instr('tcp_rr_mean_us udp_rr_mean_us throughput_single_gbps throughput_multi_gbps pps_single pps_multi', s.metric);
