-- remote_log_growth: how fast each eBPF tool's output log grew.
--
-- Question: how much disk does a tool write per second while the tests run?
-- From the log-size monitor (stat -c %s every interval): first and last sample by line.
-- Columns:
--   iteration, topic, case_name, env   the case
--   samples         size samples
--   initial_bytes   size at the first sample
--   final_bytes     size at the last sample
--   final_human     final size like the framework's humanize_bytes ('1.1MB')
--   growth_bytes    final - initial
--   duration_s      seconds between first and last sample
--   growth_bytes_per_s   growth / duration, rounded to 2 digits (NULL when duration is 0)
CREATE VIEW remote_log_growth AS
WITH s AS (
  SELECT c.iteration, c.topic, c.case_name, c.env, l.line, l.ts, l.size_bytes,
         row_number() OVER (PARTITION BY l.file_id ORDER BY l.line) AS rn_first,
         row_number() OVER (PARTITION BY l.file_id ORDER BY l.line DESC) AS rn_last,
         count(*) OVER (PARTITION BY l.file_id) AS n
  FROM remote_case_env AS c
  JOIN remote_monitor_latest AS m
    ON m.kind = 'logsize' AND m.iteration = c.iteration AND m.case_name = c.case_name AND m.env = c.env
  JOIN remote_logsize AS l ON l.file_id = m.file_id)
SELECT a.iteration, a.topic, a.case_name, a.env, a.n AS samples,
       a.size_bytes AS initial_bytes, z.size_bytes AS final_bytes,
       remote_human_bytes(z.size_bytes) AS final_human,
       z.size_bytes - a.size_bytes AS growth_bytes,
       remote_epoch(z.ts, NULL, NULL) - remote_epoch(a.ts, NULL, NULL) AS duration_s,
       CASE WHEN remote_epoch(z.ts, NULL, NULL) > remote_epoch(a.ts, NULL, NULL)
            THEN remote_round((z.size_bytes - a.size_bytes) /
                 (remote_epoch(z.ts, NULL, NULL) - remote_epoch(a.ts, NULL, NULL)), 2) END
         AS growth_bytes_per_s
FROM s AS a JOIN s AS z
  ON z.iteration = a.iteration AND z.case_name = a.case_name AND z.env = a.env AND z.rn_last = 1
WHERE a.rn_first = 1;
