-- traces_locality_chart: the core of each run over time, one colour per thread (perfwhiz core locality) (a parameterized report; one row, one PNG).
--
-- Question: does a thread stay on one core, and when does it move?
-- Window and task filter as in task_run_window; x = start of the run, y = its CPU; the 8 busiest threads, one series each.
-- Call it as a table-valued function: SELECT png FROM traces_locality_chart('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no rows)
WITH s AS (SELECT * FROM task_run_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob)),
top AS (SELECT tid FROM s GROUP BY tid ORDER BY sum(dur) DESC, tid LIMIT 8)
SELECT chart_scatter((s.ts - s.win_lo) / 1e6, s.cpu, s.label,
                     '{"title":"Core locality","x_label":"ms","y_label":"cpu"}') AS png
FROM s JOIN top USING (tid) WHERE s.ts IS NOT NULL
