-- run_scatter: duration vs time points, perfwhiz's "heatmaps" (really scatter plots, log y).
--
-- Question: how long was each run, sleep and kvm exit of a task, and when did it happen?
-- Columns:
--   capture_id  capture.id
--   tid         thread id
--   name        display name
--   label       chart key of the thread: task-map name, else 'comm:tid'
--   series      'run' (end of run), 'wait' (scheduling delay as sched_wait counts it), 'guest' (kvm_exit: time in
--               guest before it), 'host' (kvm_entry: time in host before it)
--   t_ms        time of the point, ms from the capture start
--   dur_us      duration, µs
--   cpu         CPU
--   ts          time of the point, ns
CREATE VIEW run_scatter AS
WITH p AS (
  SELECT capture_id, tid, 'run' AS series, end_ts AS ts, dur, cpu FROM sched_slice
  WHERE tid <> 0 AND dur IS NOT NULL
  UNION ALL
  SELECT capture_id, tid, 'wait', ts, wait, cpu FROM sched_wait WHERE wait IS NOT NULL
  UNION ALL
  SELECT capture_id, tid, CASE WHEN is_exit THEN 'guest' ELSE 'host' END, ts, ts - prev_ts, cpu
  FROM (SELECT capture_id, tid, ts, cpu, is_exit, lag(ts) OVER w AS prev_ts, lag(is_exit) OVER w AS prev_exit
        FROM (SELECT capture_id, tid, ts, id, cpu, 1 AS is_exit FROM kvm_exit
              UNION ALL SELECT capture_id, tid, ts, id, cpu, 0 FROM kvm_entry)
        WINDOW w AS (PARTITION BY capture_id, tid ORDER BY ts, id))
  WHERE prev_exit IS NOT NULL AND prev_exit <> is_exit
)
SELECT p.capture_id, p.tid, coalesce(t.name, '') AS name, coalesce(t.label, ':' || p.tid) AS label, p.series,
       (p.ts - c.start_ts) / 1e6 AS t_ms, p.dur / 1e3 AS dur_us, p.cpu, p.ts
FROM p JOIN capture AS c ON c.id = p.capture_id
LEFT JOIN trace_task AS t ON t.capture_id = p.capture_id AND t.tid = p.tid;
