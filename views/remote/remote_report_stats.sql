-- remote_report_stats: the aggregated statistics CSV, cell for cell (aggregated/{topic}_stats.csv).
--
-- Question: what does `perfsql export remote` write into aggregated/<topic>_stats.csv?
-- remote_iteration_stats with the CSV's headers and Python number formatting
-- (remote_pystr), 'N/A' for a missing change, one file per topic.
-- Columns:
--   topic   the file it goes to; then the CSV's columns: Tool Case, Protocol, Direction,
--           Env, Metric, N, Mean, Stddev, Min, Max, Baseline N, Baseline Mean,
--           Baseline Stddev, Diff (%), Threshold (%), Verdict
CREATE VIEW remote_report_stats AS
SELECT topic, case_name AS "Tool Case", protocol AS "Protocol", direction AS "Direction", env AS "Env",
  metric AS "Metric", n AS "N", remote_pystr(mean * 1.0) AS "Mean", remote_pystr(stddev) AS "Stddev",
  remote_pystr(min) AS "Min", remote_pystr(max) AS "Max", baseline_n AS "Baseline N",
  remote_pystr(baseline_mean * 1.0) AS "Baseline Mean", remote_pystr(baseline_stddev) AS "Baseline Stddev",
  coalesce(remote_pystr(diff_pct), 'N/A') AS "Diff (%)", remote_pystr(threshold_pct) AS "Threshold (%)",
  coalesce(verdict, '') AS "Verdict"
FROM remote_iteration_stats ORDER BY topic, case_name, env, metric;
