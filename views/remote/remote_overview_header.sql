-- remote_overview_header: the iterations loaded and the thresholds in force, as overview.md states them.
--
-- Question: which iterations does the remote overview cover, with which thresholds?
-- Columns:
--   iterations   the loaded iteration numbers, '1, 2, 3' (NULL when none)
--   n            how many
--   thresholds   'latency 5.0 % (default), throughput ...' (remote_thresholds)
CREATE VIEW remote_overview_header AS
SELECT (SELECT group_concat(iteration, ', ') FROM (SELECT DISTINCT iteration FROM remote_case ORDER BY iteration)) AS iterations,
  (SELECT count(DISTINCT iteration) FROM remote_case) AS n,
  (SELECT group_concat(metric || ' ' || remote_pystr(percent) || ' % (' || origin || ')', ', ') FROM remote_thresholds) AS thresholds;
