-- remote_pidstat_sample: every pidstat sample of an eBPF tool's latest monitor log, with its time since the log's first sample.
--
-- Question: what were the tool's CPU and memory at each moment of the run?
-- The samples of the latest pidstat monitor of each case (remote_monitor_latest),
-- without the test windows: remote_resource_sample tags these rows with the window they
-- fall in; the resource charts (remote_resource_chart) need only the time line.
-- Columns:
--   iteration, topic, case_name, env   the case
--   file_id, line  the pidstat log (remote_file.id) and the sample's line in it
--   ts          unix seconds of the sample
--   t_rel_s     seconds since the first sample of the log
--   cpu_pct     %CPU of the tool (all its threads; may exceed 100)
--   usr_pct, system_pct   user and system %CPU
--   rss_kb, vsz_kb        resident and virtual memory, KiB
--   minflt_s    minor page faults per second
CREATE VIEW remote_pidstat_sample AS
SELECT c.iteration, c.topic, c.case_name, c.env, s.file_id, s.line, s.ts,
       s.ts - min(s.ts) OVER (PARTITION BY s.file_id) AS t_rel_s,
       s.cpu_pct, s.usr_pct, s.system_pct, s.rss_kb, s.vsz_kb, s.minflt_s
FROM remote_case_env AS c
JOIN remote_monitor_latest AS m
  ON m.kind = 'pidstat' AND m.iteration = c.iteration AND m.case_name = c.case_name AND m.env = c.env
JOIN remote_pidstat AS s ON s.file_id = m.file_id;
