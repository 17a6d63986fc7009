-- remote_report_latency: the framework's latency CSV ({topic}_latency_{iteration}.csv), cell for cell.
--
-- Question: what would the framework's report generator have written for this iteration?
-- Same columns, same N/A rules and Python number formatting ('41.0', '89.3'); Min/Mean/Max
-- appear without a baseline, Baseline/Diff need one. `perfsql export remote` writes it.
-- Columns:
--   iteration, topic            which file the row belongs to
--   "Tool Case" … "UDP RR Diff (%)"   the 13 report columns, as text
CREATE VIEW remote_report_latency AS
SELECT c.iteration, c.topic,
       c.case_name AS "Tool Case", c.protocol AS "Protocol", c.direction AS "Direction",
       coalesce(remote_pystr(t.min_us), 'N/A') AS "TCP RR Min (us)",
       coalesce(remote_pystr(t.mean_us), 'N/A') AS "TCP RR Mean (us)",
       coalesce(remote_pystr(t.max_us), 'N/A') AS "TCP RR Max (us)",
       coalesce(remote_pystr(t.baseline_us), 'N/A') AS "TCP RR Baseline (us)",
       coalesce(remote_pystr(t.diff_pct), 'N/A') AS "TCP RR Diff (%)",
       coalesce(remote_pystr(u.min_us), 'N/A') AS "UDP RR Min (us)",
       coalesce(remote_pystr(u.mean_us), 'N/A') AS "UDP RR Mean (us)",
       coalesce(remote_pystr(u.max_us), 'N/A') AS "UDP RR Max (us)",
       coalesce(remote_pystr(u.baseline_us), 'N/A') AS "UDP RR Baseline (us)",
       coalesce(remote_pystr(u.diff_pct), 'N/A') AS "UDP RR Diff (%)"
FROM remote_case_env AS c
LEFT JOIN remote_latency_compare AS t
  ON t.iteration = c.iteration AND t.case_name = c.case_name AND t.env = c.env AND t.test = 'tcp_rr'
LEFT JOIN remote_latency_compare AS u
  ON u.iteration = c.iteration AND u.case_name = c.case_name AND u.env = c.env AND u.test = 'udp_rr'
ORDER BY c.iteration, c.topic, c.case_name;
