-- remote_resource_full: CPU and memory of each eBPF tool over its whole monitored life.
--
-- Question: what did the tool cost from start to stop, all tests included?
-- Columns:
--   iteration, topic, case_name, env   the case
--   pid           the monitored PID
--   samples       pidstat samples in the log
--   first_ts, last_ts   unix seconds of the first and last sample
--   cpu_avg       mean %CPU, rounded to 2 digits
--   cpu_max       highest %CPU
--   rss_max_kb    highest resident memory, KiB
--   vsz_max_kb    highest virtual memory, KiB
--   rss_avg_kb    mean resident memory (truncated), KiB
CREATE VIEW remote_resource_full AS
SELECT c.iteration, c.topic, c.case_name, c.env, m.pid, count(*) AS samples,
       min(s.ts) AS first_ts, max(s.ts) AS last_ts,
       remote_round(avg(s.cpu_pct), 2) AS cpu_avg, max(s.cpu_pct) AS cpu_max,
       max(s.rss_kb) AS rss_max_kb, max(s.vsz_kb) AS vsz_max_kb,
       CAST(avg(s.rss_kb) AS INTEGER) AS rss_avg_kb
FROM remote_case_env AS c
JOIN remote_monitor_latest AS m
  ON m.kind = 'pidstat' AND m.iteration = c.iteration AND m.case_name = c.case_name AND m.env = c.env
JOIN remote_pidstat AS s ON s.file_id = m.file_id
GROUP BY c.iteration, c.topic, c.case_name, c.env, m.pid;
