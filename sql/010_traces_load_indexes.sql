-- 010_traces_load_indexes.sql — indexes that no report reads any more (issue 15).
--
-- The traces views and reports read runs and scheduling delays from the derived tables
-- sched_run and sched_delay (008_traces_derived.sql, with their own covering indexes), not
-- from sched_switch, sched_wakeup or sched_stat; EXPLAIN QUERY PLAN of every view and
-- parameterized report uses none of the four indexes below. Building them was more than
-- half of the index work of a perf.data load (sched capture, 342k events: 0.81 of 1.49 s
-- of CREATE INDEX). The rows and the SQL that reads them are unchanged; a query filtering
-- these tables by (capture_id, cpu), next_pid or pid scans the capture's rows instead.
-- The source indexes (replacing a load) and sched_migrate_pid (task_summary_window) stay.
DROP INDEX IF EXISTS sched_switch_cpu;
DROP INDEX IF EXISTS sched_switch_next;
DROP INDEX IF EXISTS sched_wakeup_pid;
DROP INDEX IF EXISTS sched_stat_pid;
