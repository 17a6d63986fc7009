-- kvm_exit_stats_for: kvm_exit_stats of one capture for the threads a task filter selects, in µs (a parameterized report).
--
-- Question: per vCPU thread and exit reason, how many exits and how long in guest and host?
-- The whole capture (not windowed); task filter as in task_run_window. Busiest first.
-- Call it as a table-valued function: SELECT * FROM kvm_exit_stats_for('baseline', '*vcpu');
-- Parameters:
--   :capture_name  capture.name
--   :task          task filter as in task_run_window; NULL = every task
--   :task_glob     1 = :task is a GLOB
-- Columns:
--   name         display name of the vCPU thread
--   tid          thread id
--   reason       exit reason
--   exits        number of exits
--   guest_us     time in the guest before these exits, µs
--   host_us      time in the host handling them, µs
--   min_host_us  shortest host time, µs
--   avg_host_us  average host time, µs
--   max_host_us  longest host time, µs
SELECT k.name, k.tid, k.reason, k.exits, round(k.guest_ns / 1e3, 1) AS guest_us, round(k.host_ns / 1e3, 1) AS host_us,
       round(k.min_host_ns / 1e3, 2) AS min_host_us, round(k.avg_host_ns / 1e3, 2) AS avg_host_us,
       round(k.max_host_ns / 1e3, 2) AS max_host_us
FROM kvm_exit_stats AS k JOIN capture AS c ON c.id = k.capture_id
LEFT JOIN trace_task AS t ON t.capture_id = k.capture_id AND t.tid = k.tid
WHERE c.name = :capture_name AND task_match(:task, :task_glob, k.name, k.tid, t.pid)
ORDER BY k.exits DESC, k.tid, k.reason
