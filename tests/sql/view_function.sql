-- Parameterized reports (ext/view_function.c): views/ files with a "Parameters:"
-- header are table-valued functions. load_history_between is the core example.
-- Before perfsql_init() the tables it reads do not exist: SQLite's message, with the file.
SELECT count(*) FROM load_history_between();
SELECT perfsql_init() > 0;
INSERT INTO source(kind, uri, content_hash, loaded_at, row_counts) VALUES
  ('perf', 'a.data', 'h1', '2026-01-05T10:00:00.000Z', '{"sched_switch": 3}'),
  ('perf', 'b.data', 'h2', '2026-02-05T10:00:00.000Z', '{}'),
  ('bench-json', 'c.json', 'h3', '2026-03-05T10:00:00.000Z', '{"bench_result": 2, "bench_run": 1}');
-- no argument: every load, as load_history
SELECT source_id, kind, total_rows FROM load_history_between() ORDER BY source_id;
-- positional arguments in the documented order; trailing ones may be left out
SELECT source_id FROM load_history_between('2026-02-01') ORDER BY source_id;
SELECT source_id FROM load_history_between('2026-01-01', '2026-03-01') ORDER BY source_id;
SELECT source_id FROM load_history_between(NULL, NULL, 'perf') ORDER BY source_id;
-- the parameters are hidden columns: WHERE binds them too, and they read back
SELECT source_id, kind, since FROM load_history_between WHERE only_kind = 'bench-json' AND since = '2026-01-01';
-- in a join, the argument comes from the outer row
SELECT s.uri, (SELECT count(*) FROM load_history_between(s.loaded_at)) FROM source AS s ORDER BY s.id;
SELECT k.kind, h.source_id FROM (SELECT 'perf' AS kind UNION ALL SELECT 'none') AS k
  JOIN load_history_between AS h ON h.only_kind = k.kind ORDER BY 1, 2;
-- catalogued with the views
SELECT name, domain, summary LIKE '%parameterized report%' FROM perfsql_view WHERE name = 'load_history_between';
-- not a CREATE VIEW object
SELECT count(*) FROM sqlite_schema WHERE name = 'load_history_between';
-- too many arguments
SELECT * FROM load_history_between(1, 2, 3, 4);
