-- task_map_match: per task-map load and capture, how many of the map's tids the capture holds.
--
-- Question: does this task map fit this capture, or were its tids taken from another run?
-- One row per (task-map source, capture it names); a map for every capture (capture NULL) gives
-- one row per loaded capture. `load taskmap` and `load perf --map` warn when matched = 0.
-- Columns:
--   source_id  the task map's load (source.id)
--   map        the task map's file (source.uri without the '#capture=' suffix)
--   capture    capture name the map rows are for
--   loaded     1 when a capture of that name is loaded
--   map_rows   rows of the map for that capture
--   matched    of those, tids that occur in the capture
CREATE VIEW task_map_match AS
SELECT m.source_id, replace(s.uri, '#capture=' || coalesce(m.capture, ''), '') AS map,
       coalesce(m.capture, c.name) AS capture, c.id IS NOT NULL AS loaded, count(*) AS map_rows,
       count(t.tid) AS matched
FROM task_map AS m JOIN source AS s ON s.id = m.source_id
LEFT JOIN capture AS c ON c.name = m.capture OR m.capture IS NULL
LEFT JOIN trace_thread AS t ON t.capture_id = c.id AND t.tid = m.tid
GROUP BY m.source_id, coalesce(m.capture, c.name)
