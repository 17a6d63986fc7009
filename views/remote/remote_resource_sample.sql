-- remote_resource_sample: every pidstat sample of an eBPF tool, tagged with the test window it falls in.
--
-- Question: what were the tool's CPU and memory at each moment, and during which test?
-- A sample at T belongs to a window when start+interval <= T <= end+interval, with the
-- window's times turned into unix seconds by the monitor's START_DATETIME/START_EPOCH
-- pair (remote_epoch), exactly as the framework does. Samples outside every window
-- have window NULL. The samples are those of remote_pidstat_sample.
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
tagged AS (
  SELECT s.*, w.window,
         row_number() OVER (PARTITION BY s.file_id, s.line ORDER BY w.s_ep) AS rn
  FROM remote_pidstat_sample AS s LEFT JOIN w
    ON w.file_id = s.file_id AND s.ts BETWEEN w.s_ep + w.interval_s AND w.e_ep + w.interval_s)
SELECT iteration, topic, case_name, env, ts, t_rel_s, window, cpu_pct, usr_pct, system_pct,
       rss_kb, vsz_kb, minflt_s
FROM tagged WHERE rn = 1;
