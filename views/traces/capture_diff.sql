-- capture_diff: every pair of captures compared task by task, matched by display name.
--
-- Question: between two captures, which tasks use more CPU, switch more, or wait longer?
-- Tasks are matched by name (annotate them with a task map so that names survive restarts);
-- several threads with one name are summed. change_pct is (new - old) / old * 100 of run time;
-- severity is regress_severity(change_pct) (more CPU = worse).
-- Columns:
--   base          capture name (old)
--   other         capture name (new)
--   name          task display name
--   base_run_ns   run time in base, ns
--   other_run_ns  run time in other, ns
--   change_pct    run-time change, %
--   base_switches sched-ins in base
--   other_switches sched-ins in other
--   switches_change_pct  change of sched-ins, %
--   base_max_wait_ns, other_max_wait_ns  longest wait, ns
--   severity      regress_severity(change_pct)
CREATE VIEW capture_diff AS
WITH t AS (
  SELECT capture_id, capture, name, sum(run_ns) AS run_ns, sum(sched_in) AS switches,
         max(max_wait_ns) AS max_wait_ns
  FROM task_summary GROUP BY capture_id, name
)
SELECT a.capture AS base, b.capture AS other, a.name, a.run_ns AS base_run_ns, b.run_ns AS other_run_ns,
       round(100.0 * (b.run_ns - a.run_ns) / nullif(a.run_ns, 0), 2) AS change_pct,
       a.switches AS base_switches, b.switches AS other_switches,
       round(100.0 * (b.switches - a.switches) / nullif(a.switches, 0), 2) AS switches_change_pct,
       a.max_wait_ns AS base_max_wait_ns, b.max_wait_ns AS other_max_wait_ns,
       regress_severity(round(100.0 * (b.run_ns - a.run_ns) / nullif(a.run_ns, 0), 2)) AS severity
FROM t AS a JOIN t AS b ON a.name = b.name AND a.capture_id <> b.capture_id;
