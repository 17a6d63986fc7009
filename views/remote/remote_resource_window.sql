-- remote_resource_window: CPU and memory of each eBPF tool during each throughput/PPS test.
--
-- Question: how much CPU and memory did the tool use while the traffic ran?
-- Samples with start+interval <= T <= end+interval (see remote_resource_sample);
-- averages are over the samples (cpu rounded to 2 digits, memory truncated to KiB like
-- the framework). A window without samples has NULL statistics; a case without a
-- resource monitor log has no rows here.
-- Columns:
--   iteration, topic, case_name, env   the case
--   window        throughput_single | throughput_multi | pps_single | pps_multi
--   time_range    '{start} ~ {end}' from the timing logs
--   start_epoch, end_epoch   the window in unix seconds
--   samples       pidstat samples inside the window
--   cpu_avg, cpu_max, cpu_min   %CPU
--   rss_avg_kb, rss_max_kb, vsz_avg_kb, vsz_max_kb   memory, KiB
--   minflt_avg, minflt_max      minor faults per second
CREATE VIEW remote_resource_window AS
WITH w AS (
  SELECT c.iteration, c.topic, c.case_name, c.env, w.window, w.start_time, w.end_time,
         m.file_id, m.interval_s,
         remote_epoch(w.start_time, m.start_datetime, m.start_epoch) AS s_ep,
         remote_epoch(w.end_time, m.start_datetime, m.start_epoch) AS e_ep
  FROM remote_case_env AS c
  JOIN remote_test_window AS w
    ON w.scope = 'ebpf' AND w.iteration = c.iteration AND w.case_name = c.case_name AND w.env = c.env
  JOIN remote_monitor_latest AS m
    ON m.kind = 'pidstat' AND m.iteration = c.iteration AND m.case_name = c.case_name AND m.env = c.env)
SELECT w.iteration, w.topic, w.case_name, w.env, w.window,
       w.start_time || ' ~ ' || w.end_time AS time_range,
       w.s_ep AS start_epoch, w.e_ep AS end_epoch,
       count(s.ts) AS samples,
       remote_round(avg(s.cpu_pct), 2) AS cpu_avg, max(s.cpu_pct) AS cpu_max, min(s.cpu_pct) AS cpu_min,
       CAST(avg(s.rss_kb) AS INTEGER) AS rss_avg_kb, max(s.rss_kb) AS rss_max_kb,
       CAST(avg(s.vsz_kb) AS INTEGER) AS vsz_avg_kb, max(s.vsz_kb) AS vsz_max_kb,
       remote_round(avg(s.minflt_s), 2) AS minflt_avg, max(s.minflt_s) AS minflt_max
FROM w LEFT JOIN remote_pidstat AS s
  ON s.file_id = w.file_id AND s.ts BETWEEN w.s_ep + w.interval_s AND w.e_ep + w.interval_s
GROUP BY w.iteration, w.topic, w.case_name, w.env, w.window, w.start_time, w.end_time, w.s_ep, w.e_ep;
