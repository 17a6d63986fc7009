-- traces_coremap_chart: run time per thread and core as % of that core over the window, heat map (perfmap CoreMap) (a parameterized report; one row, one PNG).
--
-- Question: on which cores does each thread run?
-- Window and task filter as in task_run_window (per-thread totals from task_cpu_window); the 30 busiest threads, keyed by tid.
-- Call it as a table-valued function: SELECT png FROM traces_coremap_chart('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no rows)
WITH s AS (SELECT * FROM task_cpu_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob)),
top AS (SELECT tid FROM s GROUP BY tid ORDER BY sum(run_ns) DESC, tid LIMIT 30)
SELECT chart_heatmap('cpu ' || cpu, label, pct,
                     '{"title":"Core map (% of core)","x_type":"category","z_label":"% of core"}') AS png
FROM (SELECT s.cpu, s.label, round(100.0 * s.run_ns / max(s.win_hi - s.win_lo, 1), 2) AS pct
      FROM s JOIN top USING (tid) ORDER BY s.cpu)
