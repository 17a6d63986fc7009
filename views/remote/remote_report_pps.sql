-- remote_report_pps: the framework's pps CSV ({topic}_pps_{iteration}.csv), cell for cell.
--
-- Question: what would the framework's report generator have written for this iteration?
-- Same columns and N/A rules: every value comes from the comparison, so a case without a
-- baseline shows N/A in all three cells of a group; the Server columns are always N/A
-- because the framework never finds server-side iperf3 JSON. `perfsql export remote` writes it.
-- Columns:
--   iteration, topic            which file the row belongs to
--   "Tool Case" … "Server Multi Diff (%)"   the 15 report columns, as text
CREATE VIEW remote_report_pps AS
SELECT c.iteration, c.topic,
       c.case_name AS "Tool Case", c.protocol AS "Protocol", c.direction AS "Direction",
       CASE WHEN s.diff_pct IS NULL THEN 'N/A' ELSE remote_pystr(s.pps) END AS "Client Single PPS",
       CASE WHEN s.diff_pct IS NULL THEN 'N/A' ELSE remote_pystr(s.baseline) END AS "Client Single Baseline",
       coalesce(remote_pystr(s.diff_pct), 'N/A') AS "Client Single Diff (%)",
       CASE WHEN m.diff_pct IS NULL THEN 'N/A' ELSE remote_pystr(m.pps) END AS "Client Multi PPS",
       CASE WHEN m.diff_pct IS NULL THEN 'N/A' ELSE remote_pystr(m.baseline) END AS "Client Multi Baseline",
       coalesce(remote_pystr(m.diff_pct), 'N/A') AS "Client Multi Diff (%)",
       'N/A' AS "Server Single PPS", 'N/A' AS "Server Single Baseline", 'N/A' AS "Server Single Diff (%)",
       'N/A' AS "Server Multi PPS", 'N/A' AS "Server Multi Baseline", 'N/A' AS "Server Multi Diff (%)"
FROM remote_case_env AS c
LEFT JOIN remote_pps_compare AS s
  ON s.iteration = c.iteration AND s.case_name = c.case_name AND s.env = c.env AND s.kind = 'single'
LEFT JOIN remote_pps_compare AS m
  ON m.iteration = c.iteration AND m.case_name = c.case_name AND m.env = c.env AND m.kind = 'multi'
ORDER BY c.iteration, c.topic, c.case_name;
