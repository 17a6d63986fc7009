-- task_run_window: the runs (sched_slice) of one capture that end in a time window, of the tasks a perfwhiz `-t` filter selects (a parameterized report).
--
-- Question: which runs do the `traces report` tables and charts of a window count?
-- A run counts in the window of its end (as perfmap's -f/-c); the idle task is left out. Task filter:
-- task_match(:task, :task_glob, name, tid, pid): a regular expression matched at the start of the
-- display name (leading '*' read as '.*'), an integer = a tid or pid, or a GLOB when :task_glob is 1.
-- Call it as a table-valued function: SELECT * FROM task_run_window('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter (see above); NULL = every task
--   :task_glob     1 = :task is a GLOB; NULL/0 = perfwhiz's regular expression
-- Columns:
--   capture_id  capture.id
--   tid         thread id
--   pid         process id
--   name        display name (task map, else comm)
--   label       chart key of the thread: task-map name, else 'comm:tid'
--   cpu         CPU of the run
--   ts          start of the run, ns (NULL: unknown, first switch of the CPU)
--   end_ts      end of the run, ns
--   dur         run time, ns (0 when the start is unknown)
--   win_lo      window start, ns
--   win_hi      window end, ns
WITH w AS (SELECT * FROM capture_window(:capture_name, :from_ms, :cap_ms)),
th AS MATERIALIZED (  -- the filter is applied per thread, not per run
  SELECT t.capture_id, t.tid, t.pid, t.name, t.label, w.win_lo, w.win_hi
  FROM w JOIN trace_task AS t ON t.capture_id = w.capture_id
  WHERE t.tid <> 0 AND task_match(:task, :task_glob, t.name, t.tid, t.pid)
)
SELECT s.capture_id, s.tid, th.pid, th.name, th.label, s.cpu, s.ts, s.end_ts, coalesce(s.dur, 0) AS dur,
       th.win_lo, th.win_hi
FROM th JOIN sched_run AS s ON s.capture_id = th.capture_id AND s.tid = th.tid
                            AND s.end_ts BETWEEN th.win_lo AND th.win_hi
