-- traces_run_scatter_chart: every run of the busiest threads, duration over time, log scale, one series per thread (perfwhiz 'heatmaps') (a parameterized report; one row, one PNG).
--
-- Question: how long are the runs of each thread, and when?
-- Window and task filter as in task_run_window (per-thread totals from task_cpu_window); the 8 busiest threads, keyed by tid; x = end of the run.
-- Call it as a table-valued function: SELECT png FROM traces_run_scatter_chart('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no rows)
WITH top AS (SELECT capture_id, tid, label, min(win_lo) AS lo, min(win_hi) AS hi FROM task_cpu_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob)
        GROUP BY tid ORDER BY sum(run_ns) DESC, tid LIMIT 8),
s AS (SELECT top.tid, top.label, top.lo, top.hi, r.cpu, r.ts, r.end_ts, coalesce(r.dur, 0) AS dur
      FROM top JOIN sched_run AS r ON r.capture_id = top.capture_id AND r.tid = top.tid
                                   AND r.end_ts BETWEEN top.lo AND top.hi)
SELECT chart_scatter((end_ts - lo) / 1e6, dur / 1e3, label,
                     '{"title":"Run durations over time","x_label":"time","x_unit":"ms","y_label":"duration","y_unit":"µs","log_y":true}') AS png
FROM s WHERE dur > 0
