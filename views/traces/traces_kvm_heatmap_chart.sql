-- traces_kvm_heatmap_chart: kvm exits per vCPU thread and 10 ms bin over the window, heat map (a parameterized report; one row, one PNG).
--
-- Question: when did each vCPU exit?
-- kvm_exit events of the window (by their time) of the threads the task filter selects (as in
-- task_run_window); one row per thread (tid).
-- Call it as a table-valued function: SELECT png FROM traces_kvm_heatmap_chart('baseline', 0, 1000, '*vcpu');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no kvm exits)
WITH w AS (SELECT * FROM capture_window(:capture_name, :from_ms, :cap_ms))
SELECT chart_heatmap(bin * 10, label, n, '{"title":"KVM exits per 10 ms","x_label":"time","x_unit":"ms","z_label":"exits"}') AS png
FROM (SELECT heatmap_bin(k.ts, 10000000, w.win_lo) AS bin, coalesce(t.label, ':' || k.tid) AS label, count(*) AS n
      FROM w JOIN kvm_exit AS k ON k.capture_id = w.capture_id AND k.ts BETWEEN w.win_lo AND w.win_hi
      LEFT JOIN trace_task AS t ON t.capture_id = k.capture_id AND t.tid = k.tid
      WHERE task_match(:task, :task_glob, coalesce(t.name, ''), k.tid, t.pid)
      GROUP BY bin, k.tid ORDER BY bin)
