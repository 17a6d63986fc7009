-- task_cpu_window: per thread and CPU, the run time and runs that end in a time window, of the threads a perfwhiz `-t` filter selects (a parameterized report).
--
-- Question: in this window, how long did each selected thread run on each CPU?
-- The per-thread base of the `traces report` table and bar/core-map charts (sum over cpu for a
-- thread's total); windows and the filter as in task_run_window, applied per thread, not per run.
-- Call it as a table-valued function: SELECT * FROM task_cpu_window('baseline', 0, 1000, '*vcpu');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   capture_id  capture.id
--   tid         thread id
--   pid         process id
--   name        display name
--   label       chart key of the thread: task-map name, else 'comm:tid'
--   cpu         CPU
--   run_ns      run time on that CPU, ns (a run of unknown start counts 0)
--   runs        runs on that CPU
--   min_run_ns  shortest of them, ns
--   max_run_ns  longest of them, ns
--   win_lo      window start, ns
--   win_hi      window end, ns
WITH w AS (SELECT * FROM capture_window(:capture_name, :from_ms, :cap_ms)),
th AS MATERIALIZED (
  SELECT t.capture_id, t.tid, t.pid, t.name, t.label, w.win_lo, w.win_hi
  FROM w JOIN trace_task AS t ON t.capture_id = w.capture_id
  WHERE t.tid <> 0 AND task_match(:task, :task_glob, t.name, t.tid, t.pid)
)
SELECT th.capture_id, th.tid, th.pid, th.name, th.label, s.cpu, sum(coalesce(s.dur, 0)) AS run_ns,
       count(*) AS runs, min(coalesce(s.dur, 0)) AS min_run_ns, max(coalesce(s.dur, 0)) AS max_run_ns,
       th.win_lo, th.win_hi
FROM th JOIN sched_run AS s ON s.capture_id = th.capture_id AND s.tid = th.tid
                            AND s.end_ts BETWEEN th.win_lo AND th.win_hi
GROUP BY th.tid, s.cpu
