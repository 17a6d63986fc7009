-- load_history_between: the loads made in a time range, optionally of one kind (a parameterized report).
--
-- Question: what was loaded between two times, and by which loader?
-- Call it as a table-valued function: SELECT * FROM load_history_between('2026-01-01', NULL, 'perf');
-- Parameters:
--   :since   ISO-8601 UTC time (as in source.loaded_at), inclusive; NULL = from the first load
--   :until   ISO-8601 UTC time, exclusive; NULL = up to now
--   :only_kind  a loader kind ('perf', 'bench-json', ...); NULL = every kind
-- Columns: those of load_history (source_id, kind, uri, loaded_at, total_rows, row_counts, hash).
SELECT source_id, kind, uri, loaded_at, total_rows, row_counts, hash
FROM load_history
WHERE (:since IS NULL OR loaded_at >= :since)
  AND (:until IS NULL OR loaded_at < :until)
  AND (:only_kind IS NULL OR kind = :only_kind)
