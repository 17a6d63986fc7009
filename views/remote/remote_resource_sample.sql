-- remote_resource_sample: every pidstat sample of an eBPF tool, tagged with the test window it falls in.
--
-- Question: what were the tool's CPU and memory at each moment, and during which test?
-- A sample at T belongs to a window when start+interval <= T <= end+interval, with the
-- window's times turned into unix seconds by the monitor's START_DATETIME/START_EPOCH
-- pair (remote_epoch), exactly as the framework does. Samples outside every window
-- have window NULL.
-- Columns:
--   iteration, topic, case_name, env   the case
--   ts          unix seconds of the sample
--   t_rel_s     seconds since the first sample of the log
--   window      throughput_single | throughput_multi | pps_single | pps_multi | NULL
--   cpu_pct     %CPU of the tool (all its threads; may exceed 100)
--   usr_pct, system_pct   user and system %CPU
--   rss_kb, vsz_kb        resident and virtual memory, KiB
--   minflt_s    minor page faults per second
CREATE VIEW remote_resource_sample AS
WITH w AS (
  SELECT w.iteration, w.case_name, w.env, w.window, m.file_id, m.interval_s,
         remote_epoch(w.start_time, m.start_datetime, m.start_epoch) AS s_ep,
         remote_epoch(w.end_time, m.start_datetime, m.start_epoch) AS e_ep
  FROM remote_test_window AS w
  JOIN remote_monitor_latest AS m
    ON m.kind = 'pidstat' AND m.iteration = w.iteration AND m.case_name = w.case_name AND m.env = w.env
  WHERE w.scope = 'ebpf'),
s AS (
  SELECT c.iteration, c.topic, c.case_name, c.env, s.file_id, s.line, s.ts,
         s.ts - min(s.ts) OVER (PARTITION BY s.file_id) AS t_rel_s,
         s.cpu_pct, s.usr_pct, s.system_pct, s.rss_kb, s.vsz_kb, s.minflt_s
  FROM remote_case_env AS c
  JOIN remote_monitor_latest AS m
    ON m.kind = 'pidstat' AND m.iteration = c.iteration AND m.case_name = c.case_name AND m.env = c.env
  JOIN remote_pidstat AS s ON s.file_id = m.file_id),
tagged AS (
  SELECT s.*, w.window,
         row_number() OVER (PARTITION BY s.file_id, s.line ORDER BY w.s_ep) AS rn
  FROM s LEFT JOIN w
    ON w.file_id = s.file_id AND s.ts BETWEEN w.s_ep + w.interval_s AND w.e_ep + w.interval_s)
SELECT iteration, topic, case_name, env, ts, t_rel_s, window, cpu_pct, usr_pct, system_pct,
       rss_kb, vsz_kb, minflt_s
FROM tagged WHERE rn = 1;
