-- capture_window: one capture's time window as `traces report -f/-c` takes it, with what the window holds (a parameterized report).
--
-- Question: how long is this capture, where does the window fall, and does it hold KVM exits or losses?
-- Call it as a table-valued function: SELECT * FROM capture_window('baseline', 100, 500);
-- No row when no capture has that name.
-- Parameters:
--   :capture_name  capture.name
--   :from_ms       window start, ms after the capture's first event; NULL = 0
--   :cap_ms        window length, ms; NULL = to the end of the capture
-- Columns:
--   capture_id   capture.id
--   capture      capture.name
--   start_ts     first event of the capture, ns
--   end_ts       last event of the capture, ns
--   length_ms    capture length, ms
--   win_lo       window start, ns
--   win_hi       window end, ns
--   window_ms    window length, ms
--   kvm_exits    kvm_exit events in the window
--   lost_events  events the kernel lost in ranges that touch the window (trace_loss)
--   lost_ranges  number of such ranges
WITH w AS (
  SELECT c.id, c.name, c.start_ts, c.end_ts,
         c.start_ts + CAST(round(coalesce(:from_ms, 0) * 1e6) AS INTEGER) AS lo
  FROM capture AS c WHERE c.name = :capture_name
), win AS (
  SELECT w.*, CASE WHEN :cap_ms IS NULL THEN w.end_ts ELSE w.lo + CAST(round(:cap_ms * 1e6) AS INTEGER) END AS hi
  FROM w
)
SELECT win.id AS capture_id, win.name AS capture, win.start_ts, win.end_ts,
       round((win.end_ts - win.start_ts) / 1e6, 3) AS length_ms, win.lo AS win_lo, win.hi AS win_hi,
       round((win.hi - win.lo) / 1e6, 3) AS window_ms,
       (SELECT count(*) FROM kvm_exit AS k WHERE k.capture_id = win.id AND k.ts BETWEEN win.lo AND win.hi)
         AS kvm_exits,
       (SELECT coalesce(sum(l.lost), 0) FROM trace_lost AS l
        WHERE l.capture_id = win.id AND l.end_ts >= win.lo AND l.start_ts <= win.hi) AS lost_events,
       (SELECT count(*) FROM trace_lost AS l
        WHERE l.capture_id = win.id AND l.end_ts >= win.lo AND l.start_ts <= win.hi) AS lost_ranges
FROM win
