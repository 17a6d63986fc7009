-- core_map: task x CPU run-time share and switch counts, with per-task and per-CPU totals (perfwhiz's CoreMap).
--
-- Question: on which cores does each task run, and how much of each core does it take?
-- Rows with cpu NULL are a task's total over all CPUs; rows with tid NULL ('all tasks') are a
-- CPU's total over all tasks. The idle task is left out.
-- Columns:
--   capture_id  capture.id
--   tid         thread id, NULL for the per-CPU total row
--   name        display name, 'all tasks' for the per-CPU total row
--   cpu         CPU, NULL for the per-task total row
--   run_ns      run time, ns
--   pct         run_ns as % of one core over the capture's span
--   switches    runs (sched-ins)
CREATE VIEW core_map AS
WITH s AS (
  SELECT s.capture_id, s.tid, coalesce(t.name, s.comm) AS name, s.cpu, coalesce(s.dur, 0) AS dur
  FROM sched_slice AS s
  LEFT JOIN trace_task AS t ON t.capture_id = s.capture_id AND t.tid = s.tid
  WHERE s.tid <> 0
), g AS (
  SELECT capture_id, tid, name, cpu, sum(dur) AS run_ns, count(*) AS switches FROM s GROUP BY 1, 2, 4
  UNION ALL
  SELECT capture_id, tid, name, NULL, sum(dur), count(*) FROM s GROUP BY 1, 2
  UNION ALL
  SELECT capture_id, NULL, 'all tasks', cpu, sum(dur), count(*) FROM s GROUP BY 1, 4
)
SELECT g.capture_id, g.tid, g.name, g.cpu, g.run_ns,
       round(100.0 * g.run_ns / nullif(c.end_ts - c.start_ts, 0), 2) AS pct, g.switches
FROM g JOIN capture AS c ON c.id = g.capture_id;
