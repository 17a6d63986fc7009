-- sched_wait: per sched-in of a task, its scheduling delay as `perf sched latency` counts it, and its time off CPU.
--
-- Question: how long did each task wait for a CPU once it was runnable, and why was it waiting?
-- A wait starts at the task's first sched_wakeup / sched_wakeup_new after it went to sleep
-- (the events `perf sched latency` uses; sched_waking is not one of them: cause 'wakeup'), or
-- at its switch-out in state R, i.e. preempted while runnable (cause 'preempt'), and ends at
-- its next sched-in (ts). A thread first seen at a sched-in counts a delay of 0, as perf does
-- (cause 'first'). Per task, count(wait), avg(wait) and max(wait) are perf sched latency -p's
-- "Switches", "Avg delay" and "Maximum delay". Rows are derived once at load (table
-- sched_delay, loaders/perf/sched_derive.c). A wait or off-CPU span that crosses a loss of
-- events (trace_loss) is NULL, so no duration is ever computed across missing events.
-- Columns:
--   capture_id  capture.id
--   tid         the task
--   cpu         CPU of the run
--   ts          start of the run (sched-in), ns
--   end_ts      end of the run (its next switch-out), ns; NULL when not seen
--   runnable_ts start of the wait, ns (NULL when perf counts no delay for this sched-in)
--   cause       'wakeup', 'preempt' or 'first' (NULL with runnable_ts)
--   wait        scheduling delay: ts - runnable_ts, ns
--   last_out    previous switch-out of the task, ns (NULL for its first run)
--   last_state  how it left then: R, R+, S, D, ...
--   off_cpu     ts - last_out, ns
CREATE VIEW sched_wait AS
SELECT capture_id, tid, cpu, ts, end_ts, runnable_ts, cause, wait, last_out, last_state, off_cpu
FROM sched_delay;
