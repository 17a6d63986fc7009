-- traces_cpu_chart: CPU use per thread as % of one core over the window, bars (perfmap tab 1) (a parameterized report; one row, one PNG).
--
-- Question: which threads use the CPU in this window?
-- Window and task filter as in task_run_window (per-thread totals from task_cpu_window); threads keyed by tid (label comm:tid or the task-map name), top 30.
-- Call it as a table-valued function: SELECT png FROM traces_cpu_chart('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no rows)
SELECT chart_bar(label, pct, '% of one core',
                 '{"title":"CPU use (% of one core)","y_label":"CPU use","y_unit":"% of one core","height":600}') AS png
FROM (SELECT label, round(100.0 * sum(run_ns) / max(min(win_hi) - min(win_lo), 1), 2) AS pct
      FROM task_cpu_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob)
      GROUP BY tid ORDER BY pct DESC, tid LIMIT 30)
