-- traces_heatmap_chart: run time per thread and 10 ms bin as % of one core, heat map (a parameterized report; one row, one PNG).
--
-- Question: when, in the window, was each thread busy?
-- Window and task filter as in task_run_window (per-thread totals from task_cpu_window); a run spanning bins is split between them (heatmap_bin); the 20 busiest threads, one row per tid.
-- Call it as a table-valued function: SELECT png FROM traces_heatmap_chart('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no rows)
WITH RECURSIVE top AS (SELECT capture_id, tid, label, min(win_lo) AS lo, min(win_hi) AS hi FROM task_cpu_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob)
        GROUP BY tid ORDER BY sum(run_ns) DESC, tid LIMIT 20),
s AS (SELECT top.tid, top.label, top.lo, top.hi, r.cpu, r.ts, r.end_ts, coalesce(r.dur, 0) AS dur
      FROM top JOIN sched_run AS r ON r.capture_id = top.capture_id AND r.tid = top.tid
                                   AND r.end_ts BETWEEN top.lo AND top.hi),
b(tid, label, lo, bin, ts, end_ts) AS (
  SELECT tid, label, lo, heatmap_bin(max(ts, lo), 10000000, lo), max(ts, lo), end_ts FROM s WHERE ts IS NOT NULL
  UNION ALL
  SELECT tid, label, lo, bin + 1, ts, end_ts FROM b WHERE lo + (bin + 1) * 10000000 < end_ts
)
SELECT chart_heatmap(bin * 10, label, pct,
                     '{"title":"Run time per 10 ms (% of one core)","x_label":"time","x_unit":"ms","z_label":"% of core"}') AS png
FROM (SELECT bin, tid, label, round(sum(min(end_ts, lo + (bin + 1) * 10000000) - max(ts, lo + bin * 10000000)) / 1e5, 2) AS pct
      FROM b GROUP BY bin, tid ORDER BY bin)
