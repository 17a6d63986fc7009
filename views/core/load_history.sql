-- load_history: what has been loaded into this database, newest first.
--
-- Question: which sources does this database hold, and how many rows did each add?
-- Columns:
--   source_id   source.id, referenced by every loaded row
--   kind        the loader that read it ('perf', 'kubevirt-audit', 'bench-json', ...)
--   uri         path or URL as given (credentials removed)
--   loaded_at   UTC time of the load (ISO-8601)
--   total_rows  rows written by the load, all tables together
--   row_counts  JSON object {table: rows}
--   hash        the first 12 hex digits of the content's SHA-256
CREATE VIEW load_history AS
SELECT s.id AS source_id, s.kind, s.uri, s.loaded_at,
       (SELECT coalesce(sum(value), 0) FROM json_each(s.row_counts)) AS total_rows,
       s.row_counts, substr(s.content_hash, 1, 12) AS hash
FROM source AS s
ORDER BY s.loaded_at DESC, s.id DESC;
