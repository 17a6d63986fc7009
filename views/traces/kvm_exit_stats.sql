-- kvm_exit_stats: per vCPU task and exit reason, exit counts and time in guest and in host.
--
-- Question: why do vCPUs exit, how often, and how long do they stay in the host per exit?
-- Guest time of an exit = its ts - the same thread's previous kvm_entry; host time = the
-- thread's next kvm_entry - the exit's ts (perfwhiz's "root mode duration").
-- Columns:
--   capture_id     capture.id
--   tid            vCPU thread
--   name           display name
--   reason         exit reason name ('IO_INSTRUCTION', 'hlt', 'UNKNOWN_<n>')
--   exits          number of exits
--   guest_ns       total guest time before these exits, ns
--   host_ns        total host time handling them, ns
--   min_host_ns    shortest host time, ns
--   avg_host_ns    average host time, ns
--   max_host_ns    longest host time, ns
CREATE VIEW kvm_exit_stats AS
WITH ev AS (
  SELECT capture_id, tid, ts, id, reason, 1 AS is_exit FROM kvm_exit
  UNION ALL
  SELECT capture_id, tid, ts, id, NULL, 0 FROM kvm_entry
), seq AS (
  SELECT ev.*, lag(is_exit) OVER w AS prev_exit, lag(ts) OVER w AS prev_ts,
         lead(is_exit) OVER w AS next_exit, lead(ts) OVER w AS next_ts
  FROM ev WINDOW w AS (PARTITION BY capture_id, tid ORDER BY ts, id)
), x AS (
  SELECT capture_id, tid, reason,
         CASE WHEN prev_exit = 0 THEN ts - prev_ts END AS guest,
         CASE WHEN next_exit = 0 THEN next_ts - ts END AS host
  FROM seq WHERE is_exit
)
SELECT x.capture_id, x.tid, coalesce(t.name, '') AS name, x.reason, count(*) AS exits,
       coalesce(sum(guest), 0) AS guest_ns, coalesce(sum(host), 0) AS host_ns,
       min(host) AS min_host_ns, CAST(avg(host) AS INTEGER) AS avg_host_ns, max(host) AS max_host_ns
FROM x LEFT JOIN trace_task AS t ON t.capture_id = x.capture_id AND t.tid = x.tid
GROUP BY x.capture_id, x.tid, x.reason;
