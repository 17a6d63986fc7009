-- bench_run_line: one line naming each run, as the gate report prints it.
--
-- Question: how is a run introduced in a report ("2026-01-28T10:00:00Z (label main, commit abc, host h)")?
-- Columns:
--   run_id   bench_run.id
--   line     run time, then label, commit (12 characters) and host in parentheses
CREATE VIEW bench_run_line AS
SELECT id AS run_id,
       run_at || ' (label ' || label || coalesce(', commit ' || substr(git_commit, 1, 12), '')
              || coalesce(', host ' || host, '') || ')' AS line
FROM bench_run;
