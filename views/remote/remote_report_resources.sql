-- remote_report_resources: the framework's resources CSV ({topic}_resources_{iteration}.csv), cell for cell.
--
-- Question: what would the framework's report generator have written for this iteration?
-- 24 cells per case: for each window (PPS Single, PPS Multi, TP Single, TP Multi) the
-- time range, CPU avg/max and max RSS; then the full cycle (max RSS, max VSZ, samples)
-- and the final log size. The CSV's two header rows are written by `perfsql export
-- remote`; the column names here say what each cell is.
-- Columns:
--   iteration, topic            which file the row belongs to
--   "Tool Case", "Protocol", "Direction"   the case
--   "<Window> Time Range", "<Window> CPU Avg (%)", "<Window> CPU Max (%)", "<Window> Mem Max (KB)"
--                               for PPS Single, PPS Multi, TP Single, TP Multi
--   "Max RSS (KB)", "Max VSZ (KB)", "Total Samples"   full cycle
--   "Size (Bytes)", "Size (Human)"   final log size
CREATE VIEW remote_report_resources AS
WITH win AS (
  SELECT c.iteration, c.case_name, w.window, w.start_time || ' ~ ' || w.end_time AS time_range,
         r.samples, r.cpu_avg, r.cpu_max, r.rss_max_kb
  FROM remote_case_env AS c
  JOIN remote_test_window AS w
    ON w.scope = 'ebpf' AND w.iteration = c.iteration AND w.case_name = c.case_name AND w.env = c.env
  LEFT JOIN remote_resource_window AS r
    ON r.iteration = c.iteration AND r.case_name = c.case_name AND r.env = c.env AND r.window = w.window),
cell AS (
  SELECT iteration, case_name, window, time_range,
         CASE WHEN samples > 0 THEN remote_pystr(cpu_avg * 1.0) ELSE 'N/A' END AS cpu_avg,
         CASE WHEN samples > 0 THEN remote_pystr(cpu_max * 1.0) ELSE 'N/A' END AS cpu_max,
         CASE WHEN samples > 0 THEN remote_pystr(rss_max_kb) ELSE 'N/A' END AS mem_max
  FROM win)
SELECT c.iteration, c.topic,
       c.case_name AS "Tool Case", c.protocol AS "Protocol", c.direction AS "Direction",
       coalesce(ps.time_range, 'N/A') AS "PPS Single Time Range",
       coalesce(ps.cpu_avg, 'N/A') AS "PPS Single CPU Avg (%)",
       coalesce(ps.cpu_max, 'N/A') AS "PPS Single CPU Max (%)",
       coalesce(ps.mem_max, 'N/A') AS "PPS Single Mem Max (KB)",
       coalesce(pm.time_range, 'N/A') AS "PPS Multi Time Range",
       coalesce(pm.cpu_avg, 'N/A') AS "PPS Multi CPU Avg (%)",
       coalesce(pm.cpu_max, 'N/A') AS "PPS Multi CPU Max (%)",
       coalesce(pm.mem_max, 'N/A') AS "PPS Multi Mem Max (KB)",
       coalesce(ts.time_range, 'N/A') AS "TP Single Time Range",
       coalesce(ts.cpu_avg, 'N/A') AS "TP Single CPU Avg (%)",
       coalesce(ts.cpu_max, 'N/A') AS "TP Single CPU Max (%)",
       coalesce(ts.mem_max, 'N/A') AS "TP Single Mem Max (KB)",
       coalesce(tm.time_range, 'N/A') AS "TP Multi Time Range",
       coalesce(tm.cpu_avg, 'N/A') AS "TP Multi CPU Avg (%)",
       coalesce(tm.cpu_max, 'N/A') AS "TP Multi CPU Max (%)",
       coalesce(tm.mem_max, 'N/A') AS "TP Multi Mem Max (KB)",
       coalesce(remote_pystr(f.rss_max_kb), 'N/A') AS "Max RSS (KB)",
       coalesce(remote_pystr(f.vsz_max_kb), 'N/A') AS "Max VSZ (KB)",
       coalesce(remote_pystr(f.samples), 'N/A') AS "Total Samples",
       coalesce(remote_pystr(g.final_bytes), 'N/A') AS "Size (Bytes)",
       coalesce(g.final_human, 'N/A') AS "Size (Human)"
FROM remote_case_env AS c
LEFT JOIN cell AS ps ON ps.iteration = c.iteration AND ps.case_name = c.case_name AND ps.window = 'pps_single'
LEFT JOIN cell AS pm ON pm.iteration = c.iteration AND pm.case_name = c.case_name AND pm.window = 'pps_multi'
LEFT JOIN cell AS ts ON ts.iteration = c.iteration AND ts.case_name = c.case_name AND ts.window = 'throughput_single'
LEFT JOIN cell AS tm ON tm.iteration = c.iteration AND tm.case_name = c.case_name AND tm.window = 'throughput_multi'
LEFT JOIN remote_resource_full AS f
  ON f.iteration = c.iteration AND f.case_name = c.case_name AND f.env = c.env
LEFT JOIN remote_log_growth AS g
  ON g.iteration = c.iteration AND g.case_name = c.case_name AND g.env = c.env
ORDER BY c.iteration, c.topic, c.case_name;
