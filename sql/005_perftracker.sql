-- 005_perftracker.sql — PerfTracker jobs, their environment and tests, the
-- server's job listings (for auto-discovery) and the comparisons asked for.
--
-- A job comes from `GET /<pid>/job/<id>?as_json=1` (the server's full export)
-- or from a client upload body (perftrackerlib's ptSuite JSON). Both are read
-- into the same rows; `format` says which. JSON text columns hold what the
-- server holds as JSON text (scores, deviations, links), normalised to valid
-- JSON by SQLite's json() when the server's text is valid JSON, else NULL.

-- pt_job: one PerfTracker job (one run of a suite on one environment).
CREATE TABLE pt_job (
  id              INTEGER PRIMARY KEY,
  source_id       INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  format          TEXT NOT NULL CHECK (format IN ('as_json', 'client_upload')),
  server          TEXT,                 -- base URL it was downloaded from (credentials removed), NULL from a file
  project_id      INTEGER,              -- PerfTracker project id (project.id), NULL in client bodies
  job_id          INTEGER,              -- PerfTracker job id, NULL in client bodies (the server assigns it)
  uuid            TEXT NOT NULL,        -- job uuid: what artifacts link to (linked_uuids)
  title           TEXT,
  cmdline         TEXT,
  author          TEXT,
  suite_name      TEXT,
  suite_ver       TEXT,
  product_name    TEXT,
  product_ver     TEXT,
  begin_time      TEXT,                 -- ISO-8601 UTC 'YYYY-MM-DDTHH:MM:SSZ'
  end_time        TEXT,                 -- ISO-8601 UTC, what jobs are ordered by
  duration_s      INTEGER,
  upload_time     TEXT,
  links           TEXT,                 -- JSON object text
  hardware        TEXT,                 -- name of the root env node (parent = null): 'bg-f1'
  tests_total     INTEGER,
  tests_completed INTEGER,
  tests_failed    INTEGER,
  tests_errors    INTEGER,
  tests_warnings  INTEGER
);
CREATE INDEX pt_job_source ON pt_job(source_id);
CREATE INDEX pt_job_ref ON pt_job(job_id);
CREATE INDEX pt_job_uuid ON pt_job(uuid);

-- pt_env_node: every environment node of a job, the tree flattened.
CREATE TABLE pt_env_node (
  source_id   INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  job         INTEGER NOT NULL REFERENCES pt_job(id) ON DELETE CASCADE,
  node_id     INTEGER,                  -- server id (as_json) or position in the tree (client body)
  parent_id   INTEGER,                  -- node_id of the parent, NULL for a root (= the hardware)
  depth       INTEGER NOT NULL,         -- 0 for roots
  name        TEXT,
  uuid        TEXT,
  node_type   TEXT,                     -- 'Host', 'service', ... (as_json gives an integer id: kept as text)
  version     TEXT,
  ip          TEXT,
  hostname    TEXT,
  cpus        INTEGER,
  ram_mb      INTEGER,
  disk_gb     INTEGER
);
CREATE INDEX pt_env_node_source ON pt_env_node(source_id);
CREATE INDEX pt_env_node_job ON pt_env_node(job);

-- pt_test: one test result of a job (one point: a tag at one category).
CREATE TABLE pt_test (
  source_id   INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  job         INTEGER NOT NULL REFERENCES pt_job(id) ON DELETE CASCADE,
  pos         INTEGER NOT NULL,         -- position in the job's tests[] (DB order: later wins on duplicates)
  test_id     INTEGER,                  -- server id, NULL in client bodies
  seq_num     INTEGER,
  uuid        TEXT,
  tag         TEXT NOT NULL,            -- 'latency, p(95) (4 th): GET /api/policies (list policies)'
  group_tag   TEXT,                     -- the test's group ('latency', 'throughput')
  category    TEXT,                     -- x-axis label: '1000 policies'
  metrics     TEXT,                     -- unit: 'ms', 'req/s'
  less_better INTEGER NOT NULL,         -- 1 when a smaller score is better
  status      TEXT NOT NULL,            -- SUCCESS, FAILED, SKIPPED, NOTTESTED, INPROGRESS
  errors      INTEGER NOT NULL,
  warnings    INTEGER NOT NULL,
  samples     INTEGER,
  loops       INTEGER,
  scores      TEXT,                     -- JSON array of the raw scores
  deviations  TEXT,                     -- JSON array, same length
  avg_score   REAL,                     -- mean(scores): the number every comparison uses
  min_score   REAL,
  max_score   REAL,
  avg_dev     REAL,                     -- mean(deviations), or population std(scores) when none were given
  duration_s  REAL,
  begin_time  TEXT,
  end_time    TEXT
);
CREATE INDEX pt_test_source ON pt_test(source_id);
CREATE INDEX pt_test_job ON pt_test(job, tag, category);

-- pt_listed_job: one row of the server's job list (GET /api/v1.0/<pid>/job/),
-- the input of auto-discovery. The list has no tests and no begin time.
CREATE TABLE pt_listed_job (
  source_id    INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  server       TEXT NOT NULL,
  project_id   INTEGER NOT NULL,
  job_id       INTEGER NOT NULL,
  title        TEXT,
  suite_name   TEXT,
  suite_ver    TEXT,
  product_name TEXT,
  product_ver  TEXT,
  env_name     TEXT,                    -- env_node[0].name (a root node)
  hardware     TEXT,                    -- env_node[0].display_name, else name
  end_time     TEXT,
  tests_total  INTEGER,
  tests_errors INTEGER,
  tests_failed INTEGER
);
CREATE INDEX pt_listed_job_source ON pt_listed_job(source_id);

-- pt_comparison: one baseline-vs-candidate comparison asked for, with the
-- detector's configuration (defaults = the upstream perfreg_v2 DetectionConfig).
CREATE TABLE pt_comparison (
  id                   INTEGER PRIMARY KEY,
  baseline             INTEGER NOT NULL REFERENCES pt_job(id) ON DELETE CASCADE,
  candidate            INTEGER NOT NULL REFERENCES pt_job(id) ON DELETE CASCADE,
  created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  min_window_size      INTEGER NOT NULL DEFAULT 3,
  max_window_size      INTEGER NOT NULL DEFAULT 7,
  min_degradation_pct  REAL NOT NULL DEFAULT 15.0,
  severe_pct           REAL NOT NULL DEFAULT 50.0,
  critical_pct         REAL NOT NULL DEFAULT 100.0,
  consistency          REAL NOT NULL DEFAULT 0.7,
  min_visual_sep       REAL NOT NULL DEFAULT 20.0,
  min_baseline         REAL NOT NULL DEFAULT 0.01,
  min_curve_points     INTEGER NOT NULL DEFAULT 5,
  honour_less_better   INTEGER NOT NULL DEFAULT 1,  -- 0 = exactly upstream (untagged curves never negated)
  ttest_alpha          REAL NOT NULL DEFAULT 0.1,   -- PerfTracker's own comparison: p < alpha
  UNIQUE (baseline, candidate, min_window_size, max_window_size, min_degradation_pct, severe_pct,
          critical_pct, consistency, min_visual_sep, min_baseline, min_curve_points,
          honour_less_better, ttest_alpha)
);
CREATE INDEX pt_comparison_candidate ON pt_comparison(candidate);
