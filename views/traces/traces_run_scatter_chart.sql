-- traces_run_scatter_chart: every run of the busiest threads, duration over time, log scale, one series per thread (perfwhiz 'heatmaps') (a parameterized report; one row, one PNG).
--
-- Question: how long are the runs of each thread, and when?
-- Window and task filter as in task_run_window; the 8 busiest threads, keyed by tid; x = end of the run.
-- Call it as a table-valued function: SELECT png FROM traces_run_scatter_chart('baseline', 0, 1000, '*vcpu0');
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
SELECT chart_scatter((s.end_ts - s.win_lo) / 1e6, s.dur / 1e3, s.label,
                     '{"title":"Run durations over time","x_label":"ms","y_label":"µs","log_y":true}') AS png
FROM s JOIN top USING (tid) WHERE s.dur > 0
