-- task_heatmap: per task and 100 ms time bin, share of one core used and kvm exits (heatmap cells).
--
-- Question: when, over the capture, was each task busy, and when did its vCPU exit?
-- A run spanning several bins is split between them (bins: heatmap_bin(ts, 100 ms, capture start)).
-- Columns:
--   capture_id  capture.id
--   tid         thread id
--   name        display name
--   bin         heatmap_bin index (100 ms bins from the capture start)
--   bin_ms      start of the bin, ms from the capture start
--   run_pct     run time in the bin as % of 100 ms
--   kvm_exits   kvm_exit events of the task in the bin
CREATE VIEW task_heatmap AS
WITH RECURSIVE b(capture_id, tid, origin, bin, ts, end_ts) AS (
  SELECT s.capture_id, s.tid, c.start_ts, heatmap_bin(s.ts, 100000000, c.start_ts), s.ts, s.end_ts
  FROM sched_slice AS s JOIN capture AS c ON c.id = s.capture_id
  WHERE s.tid <> 0 AND s.ts IS NOT NULL
  UNION ALL
  SELECT capture_id, tid, origin, bin + 1, ts, end_ts FROM b WHERE origin + (bin + 1) * 100000000 < end_ts
), r AS (
  SELECT capture_id, tid, bin,
         sum(min(end_ts, origin + (bin + 1) * 100000000) - max(ts, origin + bin * 100000000)) AS run_ns
  FROM b GROUP BY 1, 2, 3
), k AS (
  SELECT k.capture_id, k.tid, heatmap_bin(k.ts, 100000000, c.start_ts) AS bin, count(*) AS exits
  FROM kvm_exit AS k JOIN capture AS c ON c.id = k.capture_id GROUP BY 1, 2, 3
), keys AS (SELECT capture_id, tid, bin FROM r UNION SELECT capture_id, tid, bin FROM k)
SELECT keys.capture_id, keys.tid, coalesce(t.name, '') AS name, keys.bin, keys.bin * 100 AS bin_ms,
       round(coalesce(r.run_ns, 0) / 1e6, 2) AS run_pct, coalesce(k.exits, 0) AS kvm_exits
FROM keys
LEFT JOIN r ON r.capture_id = keys.capture_id AND r.tid = keys.tid AND r.bin = keys.bin
LEFT JOIN k ON k.capture_id = keys.capture_id AND k.tid = keys.tid AND k.bin = keys.bin
LEFT JOIN trace_task AS t ON t.capture_id = keys.capture_id AND t.tid = keys.tid;
