-- kvm_event_count: every kvm tracepoint of a capture per thread, counted (kvm_pio, kvm_fpu, ...).
--
-- Question: which KVM events does each thread produce, and how many?
-- Columns:
--   capture_id  capture.id
--   tid         thread
--   name        display name
--   event       tracepoint name
--   events      count
--   first_ts    first occurrence, ns
--   last_ts     last occurrence, ns
CREATE VIEW kvm_event_count AS
SELECT e.capture_id, e.tid, coalesce(t.name, e.comm) AS name, e.event, count(*) AS events,
       min(e.ts) AS first_ts, max(e.ts) AS last_ts
FROM trace_event AS e
LEFT JOIN trace_task AS t ON t.capture_id = e.capture_id AND t.tid = e.tid
WHERE e.system = 'kvm'
GROUP BY e.capture_id, e.tid, e.event;
