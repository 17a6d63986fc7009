-- traces_switch_chart: context switches per thread over the window, bars (perfmap tab 1) (a parameterized report; one row, one PNG).
--
-- Question: which threads are switched most often?
-- Window and task filter as in task_run_window (per-thread totals from task_cpu_window); runs ended by a sched_switch, threads keyed by tid, top 30.
-- Call it as a table-valued function: SELECT png FROM traces_switch_chart('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no rows)
SELECT chart_bar(label, n, 'context switches', '{"title":"Context switches","y_label":"switches"}') AS png
FROM (SELECT label, sum(runs) AS n FROM task_cpu_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob)
      GROUP BY tid ORDER BY n DESC, tid LIMIT 30)
