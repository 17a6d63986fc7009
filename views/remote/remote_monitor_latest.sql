-- remote_monitor_latest: the resource (pidstat) and log-size monitor log read for each eBPF case.
--
-- Question: which monitor files describe each case's eBPF tool? When a case folder holds
-- several (re-runs), the lexicographically last file of each kind is used.
-- Columns:
--   iteration, case_name, env   the case
--   kind            pidstat | logsize
--   file_id         remote_file.id of the log
--   path            its path in the iteration folder
--   pid             monitored PID (pidstat header)
--   interval_s      sampling interval in seconds (pidstat header, default 2)
--   start_datetime  START_DATETIME of the pidstat header (reference for timing windows)
--   start_epoch     START_EPOCH of the pidstat header
CREATE VIEW remote_monitor_latest AS
SELECT iteration, case_name, env, kind, file_id, path, pid, interval_s, start_datetime, start_epoch
FROM (
  SELECT f.iteration, f.case_name, f.env, f.kind, f.id AS file_id, f.path, m.pid, m.interval_s,
         m.start_datetime, m.start_epoch,
         row_number() OVER (PARTITION BY f.iteration, f.case_name, f.env, f.kind ORDER BY f.path DESC) AS rn
  FROM remote_file AS f JOIN remote_monitor AS m ON m.file_id = f.id
  WHERE f.kind IN ('pidstat', 'logsize'))
WHERE rn = 1;
