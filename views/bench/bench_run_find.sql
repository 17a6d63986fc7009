-- bench_run_find: the stored run a command-line argument names (an id, or a label = its latest run) (a parameterized report).
--
-- Question: which bench_run does "main" (or "42") mean?
-- Call it as a table-valued function: SELECT run_id FROM bench_run_find('main');
-- A label wins over an id; all-digit text that is no label is an id. No row when nothing matches.
-- Parameters:
--   :run_ref  a run label or a run id
-- Columns:
--   run_id   bench_run.id
SELECT id AS run_id
FROM (SELECT id, 0 AS k, run_unix FROM bench_run WHERE label = :run_ref
      UNION ALL
      SELECT id, 1, 0 FROM bench_run
      WHERE CAST(:run_ref AS TEXT) NOT GLOB '*[^0-9]*' AND id = CAST(:run_ref AS INTEGER))
ORDER BY k, run_unix DESC, id DESC
LIMIT 1
