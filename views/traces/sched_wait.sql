-- sched_wait: for every switch-in, how long the task had been runnable before it ran.
--
-- Question: how long do tasks wait for a CPU after a wakeup (or after being preempted)?
-- Runnable since = the task's latest sched_wakeup/sched_wakeup_new, or its switch-out in state
-- R/R+ (preempted), whichever came last before the switch-in; a switch-in with neither since
-- the previous switch-out has no wait (NULL), as in `perf sched latency`.
-- Columns:
--   capture_id  capture.id
--   tid         the task switched in
--   cpu         CPU it was switched in on
--   ts          switch-in time, ns
--   runnable_ts when it became runnable, ns
--   wait        ts - runnable_ts, ns
CREATE VIEW sched_wait AS
WITH ev AS (
  SELECT capture_id, next_pid AS tid, cpu, ts, id, 'in' AS kind FROM sched_switch
  UNION ALL
  SELECT capture_id, prev_pid, cpu, ts, id, CASE WHEN prev_state LIKE 'R%' THEN 'preempt' ELSE 'out' END
  FROM sched_switch
  UNION ALL
  SELECT capture_id, pid, target_cpu, ts, id, 'wakeup' FROM sched_wakeup
), seq AS (
  SELECT ev.*, lag(kind) OVER w AS prev_kind, lag(ts) OVER w AS prev_ts FROM ev
  WINDOW w AS (PARTITION BY capture_id, tid ORDER BY ts, id)
)
SELECT capture_id, tid, cpu, ts, prev_ts AS runnable_ts, ts - prev_ts AS wait
FROM seq
WHERE kind = 'in' AND tid <> 0 AND prev_kind IN ('wakeup', 'preempt');
