-- task_summary_window: task_summary over a time window and a task filter: the task table of `traces report` (a parameterized report).
--
-- Question: in this window, how much CPU did each thread use, how often did it run, and how long did it wait?
-- Runs count in the window of their end, waits (sched_wait, as perf sched latency counts them) in the
-- window of their sched-in, migrations at their time. One row per thread, busiest first.
-- Call it as a table-valued function: SELECT * FROM task_summary_window('baseline', 0, 1000, 'CPU');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   thread       chart key of the thread (task-map name, else comm:tid)
--   tid          thread id
--   run_ms       run time, ms
--   pct_core     run time as % of one core over the window
--   sched_in     runs
--   min_run_ms   shortest run, ms
--   avg_run_ms   average run, ms
--   max_run_ms   longest run, ms
--   migrations   sched_migrate_task events of the thread
--   waits        scheduling delays counted (perf sched latency's Switches)
--   wait_ms      total scheduling delay, ms
--   avg_wait_ms  average delay, ms (perf's Avg delay)
--   max_wait_ms  longest delay, ms (perf's Maximum delay)
WITH r AS (
  SELECT capture_id, tid, label, min(win_lo) AS lo, min(win_hi) AS hi, sum(run_ns) AS run_ns, sum(runs) AS n,
         min(min_run_ns) AS mn, max(max_run_ns) AS mx
  FROM task_cpu_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob) GROUP BY tid
), wt AS (
  SELECT w.tid, count(w.wait) AS waits, sum(w.wait) AS wait_ns, max(w.wait) AS max_wait_ns
  FROM r JOIN sched_delay AS w ON w.capture_id = r.capture_id AND w.tid = r.tid AND w.ts BETWEEN r.lo AND r.hi
  WHERE w.wait IS NOT NULL GROUP BY w.tid
), mg AS (
  SELECT m.pid AS tid, count(*) AS migrations
  FROM r JOIN sched_migrate AS m ON m.capture_id = r.capture_id AND m.pid = r.tid AND m.ts BETWEEN r.lo AND r.hi
  GROUP BY m.pid
)
SELECT r.label AS thread, r.tid, round(r.run_ns / 1e6, 3) AS run_ms,
       round(100.0 * r.run_ns / max(r.hi - r.lo, 1), 2) AS pct_core, r.n AS sched_in,
       round(r.mn / 1e6, 3) AS min_run_ms, round(r.run_ns / 1e6 / r.n, 3) AS avg_run_ms,
       round(r.mx / 1e6, 3) AS max_run_ms, coalesce(mg.migrations, 0) AS migrations,
       coalesce(wt.waits, 0) AS waits, round(coalesce(wt.wait_ns, 0) / 1e6, 3) AS wait_ms,
       round(coalesce(wt.wait_ns / wt.waits, 0) / 1e6, 3) AS avg_wait_ms,
       round(coalesce(wt.max_wait_ns, 0) / 1e6, 3) AS max_wait_ms
FROM r LEFT JOIN wt USING (tid) LEFT JOIN mg USING (tid)
ORDER BY r.run_ns DESC, r.tid
