-- 006_bench.sql — benchmark results: runs and their measured values.
--
-- bench_run: one row per loaded result file (a run of a benchmark suite),
-- identified by its label (baseline, main, a branch, ...), when it ran, the git
-- commit and the host. bench_value: one row per measured value; Google
-- Benchmark's repetitions are separate rows, its aggregate rows (mean, median,
-- stddev, cv) are kept with `aggregate` set.
CREATE TABLE bench_run (
  id          INTEGER PRIMARY KEY,
  source_id   INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  label       TEXT NOT NULL,            -- --label: baseline, main, pr-123, ...
  run_at      TEXT NOT NULL,            -- UTC ISO-8601, from the file (or --timestamp, or load time)
  run_unix    REAL NOT NULL,            -- the same as unix seconds, for ordering
  git_commit  TEXT,                     -- --commit, else the file's metadata.git_commit
  host        TEXT,                     -- --host, else the file's context.host_name, else this host
  format      TEXT NOT NULL CHECK (format IN ('seed-json', 'gbench-json', 'csv')),
  context     TEXT CHECK (context IS NULL OR json_valid(context))  -- Google Benchmark context / seed metadata
);
CREATE INDEX bench_run_source ON bench_run(source_id);
CREATE INDEX bench_run_label ON bench_run(label, run_unix);

CREATE TABLE bench_value (
  source_id   INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  run_id      INTEGER NOT NULL REFERENCES bench_run(id) ON DELETE CASCADE,
  metric      TEXT NOT NULL,            -- seed/CSV name; Google Benchmark: '<run_name>:<real_time|cpu_time|counter>'
  repetition  INTEGER NOT NULL DEFAULT 0,
  aggregate   TEXT,                     -- NULL for a measurement; mean/median/stddev/cv/... for aggregate rows
  value       REAL,                     -- NULL when the benchmark reported an error or NaN
  unit        TEXT,                     -- ns, us, ms, s, nanoseconds, GB/s, ... as the file says
  iterations  INTEGER,                  -- Google Benchmark iterations
  error       TEXT                      -- error_message when error_occurred
);
CREATE INDEX bench_value_source ON bench_value(source_id);
-- covering index: bench_compare() reads a run's samples from it alone, in metric order
CREATE INDEX bench_value_run ON bench_value(run_id, metric, aggregate, value, unit);
CREATE INDEX bench_value_metric ON bench_value(metric);
