-- sched_slice: per-CPU run intervals of every task, from sched_switch (Perfetto's sched_slice).
--
-- Question: when did each task run, on which CPU, for how long, and how did each run end?
-- A slice ends at a sched_switch where the task is prev_pid and starts at the previous
-- sched_switch on the same CPU. The first slice on each CPU has an unknown start (ts and dur
-- NULL), exactly as `perf sched timehist` counts it (a sched-in with run time 0).
-- Columns:
--   capture_id  capture.id
--   cpu         CPU the task ran on
--   tid         the task (prev_pid of the closing switch; 0 = idle)
--   comm        its name at the switch (prev_comm)
--   ts          start of the run, ns (NULL for the first switch seen on the CPU)
--   end_ts      end of the run, ns (the closing sched_switch)
--   dur         end_ts - ts, ns (NULL when ts is NULL)
--   end_state   prev_state of the closing switch: R / R+ (preempted), S, D, I, ...
--   prio        prev_prio
--   next_tid    the task switched in after it
CREATE VIEW sched_slice AS
SELECT capture_id, cpu, prev_pid AS tid, prev_comm AS comm,
       lag(ts) OVER w AS ts, ts AS end_ts, ts - lag(ts) OVER w AS dur,
       prev_state AS end_state, prev_prio AS prio, next_pid AS next_tid
FROM sched_switch
WINDOW w AS (PARTITION BY capture_id, cpu ORDER BY ts, id);
