-- core_locality: which core each task ran on over time (perfwhiz's "core locality" Gantt).
--
-- Question: does a task stay on one core or move around, and when?
-- Columns:
--   capture_id  capture.id
--   tid         thread id
--   name        display name
--   cpu         core of the run
--   start_ms    start of the run, ms from the capture start
--   end_ms      end of the run, ms from the capture start
CREATE VIEW core_locality AS
SELECT s.capture_id, s.tid, coalesce(t.name, s.comm) AS name, s.cpu,
       (s.ts - c.start_ts) / 1e6 AS start_ms, (s.end_ts - c.start_ts) / 1e6 AS end_ms
FROM sched_slice AS s JOIN capture AS c ON c.id = s.capture_id
LEFT JOIN trace_task AS t ON t.capture_id = s.capture_id AND t.tid = s.tid
WHERE s.tid <> 0 AND s.ts IS NOT NULL;
