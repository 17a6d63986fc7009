-- trace_loss: events the kernel dropped while a capture was recorded (PERF_RECORD_LOST), per capture and time range.
--
-- Question: did this capture lose events, how many, and when?
-- A range runs from the last event delivered from that CPU's ring buffer before the loss to the
-- time the kernel wrote the LOST record. Views leave out runs, waits and off-CPU times that
-- cross a range (sched_slice: ranges of its CPU; sched_wait: any range).
-- Columns:
--   capture_id  capture.id
--   capture     capture.name
--   cpu         ring buffer (CPU) that lost events, NULL when not recorded
--   start_ms    start of the range, ms from the capture start
--   end_ms      end of the range, ms from the capture start
--   start_ts    start of the range, ns
--   end_ts      end of the range, ns
--   lost        events lost
CREATE VIEW trace_loss AS
SELECT l.capture_id, c.name AS capture, l.cpu, round((l.start_ts - c.start_ts) / 1e6, 3) AS start_ms,
       round((l.end_ts - c.start_ts) / 1e6, 3) AS end_ms, l.start_ts, l.end_ts, l.lost
FROM trace_lost AS l JOIN capture AS c ON c.id = l.capture_id;
