-- remote_report_pps: the framework's pps CSV ({topic}_pps_{iteration}.csv), cell for cell.
--
-- Question: what would the framework's report generator have written for this iteration?
-- Same columns and N/A rules: every value comes from the comparison, so a case without a
-- baseline shows N/A in all three cells of a group; the Server columns are always N/A
-- because the framework never finds server-side iperf3 JSON. `perfsql export remote` writes it.
-- The pps rows of remote_report_stream under the CSV's headers.
-- Columns:
--   iteration, topic            which file the row belongs to
--   "Tool Case" … "Server Multi Diff (%)"   the 15 report columns, as text
CREATE VIEW remote_report_pps AS
SELECT iteration, topic, "Tool Case", "Protocol", "Direction", single_value AS "Client Single PPS", single_baseline AS "Client Single Baseline", single_diff AS "Client Single Diff (%)",
  multi_value AS "Client Multi PPS", multi_baseline AS "Client Multi Baseline", multi_diff AS "Client Multi Diff (%)", na AS "Server Single PPS", na AS "Server Single Baseline",
  na AS "Server Single Diff (%)", na AS "Server Multi PPS", na AS "Server Multi Baseline", na AS "Server Multi Diff (%)"
FROM remote_report_stream WHERE test_type = 'pps' ORDER BY iteration, topic, "Tool Case";
