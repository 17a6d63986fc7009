-- traces_kvm_scatter_chart: time in the guest before each kvm exit and in the host before the next entry, over the window, log scale (a parameterized report; one row, one PNG).
--
-- Question: how long do the vCPUs stay in the guest and in the host per exit?
-- kvm_exit events of the window (by their time) of the threads the task filter selects (as in
-- task_run_window); points from run_scatter (series guest and host).
-- Call it as a table-valued function: SELECT png FROM traces_kvm_scatter_chart('baseline', 0, 1000, '*vcpu');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no kvm exits)
WITH w AS (SELECT * FROM capture_window(:capture_name, :from_ms, :cap_ms))
SELECT chart_scatter((r.ts - w.win_lo) / 1e6, r.dur_us, r.series,
                     '{"title":"KVM guest/host durations","x_label":"time","x_unit":"ms","y_label":"duration","y_unit":"µs","log_y":true}') AS png
FROM w JOIN run_scatter AS r ON r.capture_id = w.capture_id
LEFT JOIN trace_task AS t ON t.capture_id = r.capture_id AND t.tid = r.tid
WHERE r.series IN ('guest', 'host') AND r.dur_us > 0 AND r.ts BETWEEN w.win_lo AND w.win_hi
  AND task_match(:task, :task_glob, coalesce(nullif(r.name, ''), '?'), r.tid, t.pid)
