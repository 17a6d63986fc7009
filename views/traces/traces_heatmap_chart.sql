-- traces_heatmap_chart: run time per thread and 10 ms bin as % of one core, heat map (a parameterized report; one row, one PNG).
--
-- Question: when, in the window, was each thread busy?
-- Window and task filter as in task_run_window; a run spanning bins is split between them (heatmap_bin); the 20 busiest threads, one row per tid.
-- Call it as a table-valued function: SELECT png FROM traces_heatmap_chart('baseline', 0, 1000, '*vcpu0');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no rows)
WITH RECURSIVE s AS (SELECT * FROM task_run_window(:capture_name, :from_ms, :cap_ms, :task, :task_glob)),
top AS (SELECT tid FROM s GROUP BY tid ORDER BY sum(dur) DESC, tid LIMIT 20),
b(tid, label, lo, bin, ts, end_ts) AS (
  SELECT s.tid, s.label, s.win_lo, heatmap_bin(max(s.ts, s.win_lo), 10000000, s.win_lo), max(s.ts, s.win_lo), s.end_ts
  FROM s JOIN top USING (tid) WHERE s.ts IS NOT NULL
  UNION ALL
  SELECT tid, label, lo, bin + 1, ts, end_ts FROM b WHERE lo + (bin + 1) * 10000000 < end_ts
)
SELECT chart_heatmap(bin * 10, label, pct,
                     '{"title":"Run time per 10 ms (% of one core)","x_label":"ms","z_label":"% of core"}') AS png
FROM (SELECT bin, tid, label, round(sum(min(end_ts, lo + (bin + 1) * 10000000) - max(ts, lo + bin * 10000000)) / 1e5, 2) AS pct
      FROM b GROUP BY bin, tid ORDER BY bin)
