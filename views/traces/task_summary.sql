-- task_summary: per task and capture, the quantities of `perf sched timehist -s` and `perf sched latency`.
--
-- Question: how much CPU did each task use, how often was it switched, how long did it wait?
-- Waits are counted as `perf sched latency -p` counts them (see sched_wait): waits, avg_wait_ns and
-- max_wait_ns equal its Switches, Avg delay and Maximum delay per task.
-- A thread with waits but no closed run (switched in, never out) has a row with run_ns 0.
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
WITH per AS (  -- one row per (capture, thread) from runs, one from waits; merged below
  SELECT capture_id, tid, sum(coalesce(dur, 0)) AS run_ns, count(*) AS sched_in,
         min(coalesce(dur, 0)) AS min_run_ns, max(coalesce(dur, 0)) AS max_run_ns,
         sum(end_state LIKE 'R%') AS preempted, NULL AS waits, NULL AS wait_ns, NULL AS max_wait_ns,
         NULL AS max_wait_at
  FROM sched_run WHERE tid <> 0 GROUP BY capture_id, tid
  UNION ALL
  SELECT capture_id, tid, NULL, NULL, NULL, NULL, NULL, count(wait), sum(wait), max(wait),
         runnable_ts  -- SQLite: the row of max(wait)
  FROM sched_delay WHERE wait IS NOT NULL AND tid <> 0 GROUP BY capture_id, tid
), k AS (
  SELECT capture_id, tid, max(run_ns) AS run_ns, max(sched_in) AS sched_in, max(min_run_ns) AS min_run_ns,
         max(max_run_ns) AS max_run_ns, max(preempted) AS preempted, max(waits) AS waits,
         max(wait_ns) AS wait_ns, max(max_wait_ns) AS max_wait_ns, max(max_wait_at) AS max_wait_at
  FROM per GROUP BY capture_id, tid
), mig AS (
  SELECT capture_id, pid AS tid, count(*) AS migrations FROM sched_migrate GROUP BY 1, 2
)
SELECT k.capture_id, c.name AS capture, k.tid, coalesce(t.name, '') AS name, coalesce(t.comm, '') AS comm,
       coalesce(k.run_ns, 0) AS run_ns, coalesce(k.sched_in, 0) AS sched_in, coalesce(k.min_run_ns, 0) AS min_run_ns,
       coalesce(k.run_ns / k.sched_in, 0) AS avg_run_ns, coalesce(k.max_run_ns, 0) AS max_run_ns,
       round(100.0 * coalesce(k.run_ns, 0) / nullif(c.end_ts - c.start_ts, 0), 2) AS pct_core,
       coalesce(k.sched_in, 0) AS switches, coalesce(k.preempted, 0) AS preempted,
       coalesce(m.migrations, 0) AS migrations,
       coalesce(k.waits, 0) AS waits, coalesce(k.wait_ns, 0) AS wait_ns,
       coalesce(k.wait_ns / k.waits, 0) AS avg_wait_ns, coalesce(k.max_wait_ns, 0) AS max_wait_ns,
       k.max_wait_at
FROM k
JOIN capture AS c ON c.id = k.capture_id
LEFT JOIN trace_task AS t ON t.capture_id = k.capture_id AND t.tid = k.tid
LEFT JOIN mig AS m ON m.capture_id = k.capture_id AND m.tid = k.tid;
