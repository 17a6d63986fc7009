-- remote_report_stream: the cells of the framework's throughput and pps CSVs, one row per case, iteration and iperf3 test type.
--
-- Question: what would the framework's report generator have written for this iteration's iperf3 tests?
-- The common shape of remote_report_throughput and remote_report_pps (which give these
-- cells the CSVs' headers): every value comes from remote_stream_compare, so a case
-- without a baseline shows N/A in all three cells of a group; a case without the test
-- shows N/A everywhere. Values as remote_pystr text.
-- Columns:
--   iteration, topic           which file the row belongs to
--   test_type                  throughput | pps
--   "Tool Case", "Protocol", "Direction"   the case
--   single_value, single_baseline, single_diff   the single-stream test: value, baseline, diff (%)
--   multi_value, multi_baseline, multi_diff      the same for the multi-stream test
--   na                          'N/A' (the Server columns: the framework never finds server-side iperf3 JSON)
CREATE VIEW remote_report_stream AS
WITH cell AS (
  SELECT iteration, case_name, env, test_type, kind,
         CASE WHEN diff_pct IS NULL THEN 'N/A' ELSE remote_pystr(value) END AS v,
         CASE WHEN diff_pct IS NULL THEN 'N/A' ELSE remote_pystr(baseline) END AS b,
         coalesce(remote_pystr(diff_pct), 'N/A') AS d
  FROM remote_stream_compare)
SELECT c.iteration, c.topic, x.test_type,
       c.case_name AS "Tool Case", c.protocol AS "Protocol", c.direction AS "Direction",
       coalesce(max(CASE s.kind WHEN 'single' THEN s.v END), 'N/A') AS single_value,
       coalesce(max(CASE s.kind WHEN 'single' THEN s.b END), 'N/A') AS single_baseline,
       coalesce(max(CASE s.kind WHEN 'single' THEN s.d END), 'N/A') AS single_diff,
       coalesce(max(CASE s.kind WHEN 'multi' THEN s.v END), 'N/A') AS multi_value,
       coalesce(max(CASE s.kind WHEN 'multi' THEN s.b END), 'N/A') AS multi_baseline,
       coalesce(max(CASE s.kind WHEN 'multi' THEN s.d END), 'N/A') AS multi_diff,
       'N/A' AS na
FROM remote_case_env AS c
CROSS JOIN (SELECT 'throughput' AS test_type UNION ALL SELECT 'pps') AS x
LEFT JOIN cell AS s
  ON s.iteration = c.iteration AND s.case_name = c.case_name AND s.env = c.env AND s.test_type = x.test_type
GROUP BY c.iteration, c.topic, c.case_name, c.case_id, c.protocol, c.direction, c.env, x.test_type
ORDER BY c.iteration, c.topic, c.case_name, x.test_type;
