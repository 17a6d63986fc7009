-- traces_wait_scatter_chart: every scheduling delay of the busiest threads over time, log scale, one series per thread (a parameterized report; one row, one PNG).
--
-- Question: how long do the threads wait for a CPU, and when?
-- Window and task filter as in task_run_window (per-thread totals from task_cpu_window); waits as sched_wait (perf sched latency) counts them, at their sched-in; the 8 busiest threads.
-- Call it as a table-valued function: SELECT png FROM traces_wait_scatter_chart('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no rows)
WITH top AS (SELECT capture_id, tid, label, min(win_lo) AS lo, min(win_hi) AS hi FROM task_cpu_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob)
             GROUP BY tid ORDER BY sum(run_ns) DESC, tid LIMIT 8)
SELECT chart_scatter((w.ts - top.lo) / 1e6, w.wait / 1e3, top.label,
                     '{"title":"Scheduling delays over time","x_label":"time","x_unit":"ms","y_label":"duration","y_unit":"µs","log_y":true}') AS png
FROM top JOIN sched_delay AS w ON w.capture_id = top.capture_id AND w.tid = top.tid
WHERE w.ts BETWEEN top.lo AND top.hi AND w.wait > 0
