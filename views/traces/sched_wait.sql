-- sched_wait: per run of a task, its scheduling delay and time off CPU, as `perf sched timehist` computes them.
--
-- Question: how long do tasks wait for a CPU after being woken, and how long were they off CPU?
-- For a run that starts at ts (sched_slice), the task became runnable at its first
-- sched_waking / sched_wakeup_new after its previous switch-out (timehist's ready_to_run;
-- like timehist, sched_wakeup counts only in captures without sched_waking);
-- delay = ts - that time ("sch delay"). off_cpu = ts - previous switch-out
-- ("wait time"), split by how the task left: last_state R/R+ = preempted, D = I/O, else sleep.
-- Runs whose start is unknown (first switch on a CPU) are left out; a run without a wakeup
-- (preempted, or woken before the capture) has delay NULL.
-- Columns:
--   capture_id  capture.id
--   tid         the task
--   cpu         CPU of the run
--   ts          start of the run (switch-in), ns
--   end_ts      end of the run (switch-out), ns
--   runnable_ts first wakeup since the previous switch-out, ns (NULL when none)
--   wait        delay: ts - runnable_ts, ns (NULL when no wakeup)
--   last_out    previous switch-out of the task, ns (NULL for its first run)
--   last_state  how it left then: R, R+, S, D, ...
--   off_cpu     ts - last_out, ns
CREATE VIEW sched_wait AS
WITH runs AS (
  SELECT capture_id, tid, cpu, ts, end_ts,
         lag(end_ts) OVER w AS last_out, lag(end_state) OVER w AS last_state
  FROM sched_slice WHERE tid <> 0
  WINDOW w AS (PARTITION BY capture_id, tid ORDER BY end_ts)
), ignored AS (  -- per capture, the wakeup kind timehist ignores
  SELECT c.id AS capture_id,
         CASE WHEN EXISTS (SELECT 1 FROM sched_wakeup AS k WHERE k.capture_id = c.id AND k.kind = 'waking')
              THEN 'wakeup' ELSE '' END AS kind
  FROM capture AS c
), ready AS (
  SELECT r.*, (SELECT min(k.ts) FROM sched_wakeup AS k
               WHERE k.capture_id = r.capture_id AND k.pid = r.tid
                 AND k.ts > coalesce(r.last_out, -1) AND k.ts <= r.ts AND k.kind <> i.kind) AS runnable_ts
  FROM runs AS r JOIN ignored AS i USING (capture_id) WHERE r.ts IS NOT NULL
)
SELECT capture_id, tid, cpu, ts, end_ts, runnable_ts, ts - runnable_ts AS wait,
       last_out, last_state, ts - last_out AS off_cpu
FROM ready;
