-- traces_locality_chart: the core of each run over time, one colour per thread (perfwhiz core locality) (a parameterized report; one row, one PNG).
--
-- Question: does a thread stay on one core, and when does it move?
-- Window and task filter as in task_run_window (per-thread totals from task_cpu_window); x = start of the run, y = its CPU; the 8 busiest threads, one series each.
-- Call it as a table-valued function: SELECT png FROM traces_locality_chart('baseline', 0, 1000, '*vcpu0');
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
SELECT chart_scatter((ts - lo) / 1e6, cpu, label,
                     '{"title":"Core locality","x_label":"time","x_unit":"ms","y_label":"cpu","y_integer":true}') AS png
FROM s WHERE ts IS NOT NULL
