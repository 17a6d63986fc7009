-- traces_kvm_exit_chart: kvm exits per vCPU thread and exit reason over the window, grouped bars (perfmap tab 2) (a parameterized report; one row, one PNG).
--
-- Question: why do the vCPUs exit, and how often?
-- kvm_exit events of the window (by their time) of the threads the task filter selects (as in
-- task_run_window); threads keyed by tid.
-- Call it as a table-valued function: SELECT png FROM traces_kvm_exit_chart('baseline', 0, 1000, '*vcpu');
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   png  the chart (NULL when the window holds no kvm exits)
WITH w AS (SELECT * FROM capture_window(:capture_name, :from_ms, :cap_ms))
SELECT chart_bar(label, n, reason, '{"title":"KVM exits by reason","y_label":"exits"}') AS png
FROM (SELECT coalesce(t.label, ':' || k.tid) AS label, k.reason, count(*) AS n
      FROM w JOIN kvm_exit AS k ON k.capture_id = w.capture_id AND k.ts BETWEEN w.win_lo AND w.win_hi
      LEFT JOIN trace_task AS t ON t.capture_id = k.capture_id AND t.tid = k.tid
      WHERE task_match(:task, :task_glob, coalesce(t.name, ''), k.tid, t.pid)
      GROUP BY k.tid, k.reason ORDER BY k.tid, n DESC)
