-- task_summary: per task and capture, the quantities of `perf sched timehist -s` and `perf sched latency`.
--
-- Question: how much CPU did each task use, how often was it switched, how long did it wait?
-- Waits are counted as `perf sched latency -p` counts them (see sched_wait): waits, avg_wait_ns and
-- max_wait_ns equal its Switches, Avg delay and Maximum delay per task.
-- Run time counts every closed sched_slice (a slice with unknown start counts as a sched-in of
-- 0 ns, as timehist does); the idle task (tid 0) is left out, as timehist does.
-- Columns:
--   capture_id   capture.id
--   capture      capture.name
--   tid          thread id
--   name         display name (task_map annotation, else comm)
--   comm         thread name
--   run_ns       total run time, ns
--   sched_in     number of runs (timehist's "sched-in count")
--   min_run_ns   shortest run, ns
--   avg_run_ns   run_ns / sched_in
--   max_run_ns   longest run, ns
--   pct_core     run time as % of one core over the capture's span
--   switches     context switches out of the task (= sched_in)
--   preempted    switches out in state R/R+ (involuntary)
--   migrations   sched_migrate_task events of the task (timehist -s counts them with -M)
--   waits        scheduling delays counted (perf sched latency's "Switches")
--   wait_ns      total scheduling delay (runnable -> running), ns (see sched_wait)
--   avg_wait_ns  wait_ns / waits, integer ns (perf sched latency's "Avg delay")
--   max_wait_ns  longest such delay, ns (perf sched latency's "Maximum delay")
--   max_wait_at  start of that longest delay, ns ("Max delay start")
CREATE VIEW task_summary AS
WITH run AS (
  SELECT capture_id, tid, sum(coalesce(dur, 0)) AS run_ns, count(*) AS sched_in,
         min(coalesce(dur, 0)) AS min_run_ns, max(coalesce(dur, 0)) AS max_run_ns,
         sum(end_state LIKE 'R%') AS preempted
  FROM sched_slice WHERE tid <> 0 GROUP BY capture_id, tid
), mig AS (
  SELECT capture_id, pid AS tid, count(*) AS migrations FROM sched_migrate GROUP BY 1, 2
), wt AS (
  SELECT capture_id, tid, count(wait) AS waits, sum(wait) AS wait_ns, max(wait) AS max_wait_ns,
         runnable_ts AS max_wait_at  -- SQLite: the row of max(wait)
  FROM sched_wait WHERE wait IS NOT NULL GROUP BY 1, 2
)
SELECT r.capture_id, c.name AS capture, r.tid, coalesce(t.name, '') AS name, coalesce(t.comm, '') AS comm,
       r.run_ns, r.sched_in, r.min_run_ns, r.run_ns / r.sched_in AS avg_run_ns, r.max_run_ns,
       round(100.0 * r.run_ns / nullif(c.end_ts - c.start_ts, 0), 2) AS pct_core,
       r.sched_in AS switches, r.preempted, coalesce(m.migrations, 0) AS migrations,
       coalesce(w.waits, 0) AS waits, coalesce(w.wait_ns, 0) AS wait_ns,
       coalesce(w.wait_ns / w.waits, 0) AS avg_wait_ns, coalesce(w.max_wait_ns, 0) AS max_wait_ns,
       w.max_wait_at
FROM run AS r
JOIN capture AS c ON c.id = r.capture_id
LEFT JOIN trace_task AS t ON t.capture_id = r.capture_id AND t.tid = r.tid
LEFT JOIN mig AS m ON m.capture_id = r.capture_id AND m.tid = r.tid
LEFT JOIN wt AS w ON w.capture_id = r.capture_id AND w.tid = r.tid;
