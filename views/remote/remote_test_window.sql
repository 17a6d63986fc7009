-- remote_test_window: the time window of every throughput and PPS test, from the client timing logs.
--
-- Question: when did each test run, so that the eBPF tool's resource use can be cut to it?
-- Single-stream tests use Start:/End:, multi-stream and PPS tests Actual_Launch:/Test_End:;
-- a multi-stream test spans the earliest start and the latest end of its streams. Only
-- the latest run folder of each kind counts. Times are as written (executor local time).
-- Columns:
--   iteration, scope, case_name, env   as in remote_latency_run
--   window        throughput_single | throughput_multi | pps_single | pps_multi
--   start_time    'YYYY-MM-DD HH:MM:SS.fff'
--   end_time      'YYYY-MM-DD HH:MM:SS.fff'
--   timing_files  timing logs read for the window
CREATE VIEW remote_test_window AS
WITH t AS (
  SELECT f.iteration, f.scope, f.case_name, f.env, f.test_type,
         CASE WHEN f.conn LIKE 'multi%' THEN 'multi' ELSE f.conn END AS kind,
         f.run_dir, tm.start_time, tm.end_time
  FROM remote_file AS f JOIN remote_timing AS tm ON tm.file_id = f.id
  WHERE f.kind = 'timing'),
latest AS (
  SELECT iteration, scope, case_name, env, test_type, kind, max(run_dir) AS run_dir
  FROM t GROUP BY iteration, scope, case_name, env, test_type, kind)
SELECT l.iteration, l.scope, l.case_name, l.env, l.test_type || '_' || l.kind AS window,
       min(t.start_time) AS start_time, max(t.end_time) AS end_time, count(*) AS timing_files
FROM latest AS l JOIN t USING (iteration, scope, case_name, env, test_type, kind, run_dir)
GROUP BY l.iteration, l.scope, l.case_name, l.env, l.test_type, l.kind;
