-- 004_kubevirt.sql — KubeVirt CI performance results (perf-report-creator's data).
--
-- A run is one Prow job execution (job name + build id). A run has up to one
-- result per resource ('vmi', 'vm', 'vm-instancetype', ...): the "Values"
-- object of an audit file, of a build-log block or of results.json's
-- VMIResult/VMResult. A result has one row per metric it reports; a metric
-- absent from a result is absent here (never stored as 0).
--
-- Loaders: loaders/kubevirt/ (build-log.txt, audit JSON, results.json trees,
-- GCS). Views: views/kubevirt/.

-- kubevirt_run: one row per Prow run.
CREATE TABLE kubevirt_run (
  id              INTEGER PRIMARY KEY,
  source_id       INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  job             TEXT NOT NULL,        -- Prow job name, e.g. periodic-kubevirt-e2e-k8s-1.34-sig-performance
  build_id        INTEGER NOT NULL,     -- Prow build id (a snowflake number)
  started_at      TEXT,                 -- job start decoded from build_id: ms = (id>>22)+1288834974657 (UTC ISO-8601)
  job_dir_created TEXT,                 -- GCS timeCreated of build-log.txt = upstream JobDirCreationTime (UTC ISO-8601), NULL if unknown
  run_time        TEXT NOT NULL,        -- coalesce(job_dir_created, started_at): the time reports group by
  week_start      TEXT NOT NULL,        -- ISO-8601 Monday (UTC) of run_time's week, 'YYYY-MM-DD'
  origin          TEXT NOT NULL,        -- where the results came from: 'results.json', 'audit', 'build-log'
  UNIQUE (job, build_id)
);
CREATE INDEX kubevirt_run_source ON kubevirt_run(source_id);
CREATE INDEX kubevirt_run_week ON kubevirt_run(job, week_start);

-- kubevirt_result: one row per (run, resource) whose result was present (not null).
CREATE TABLE kubevirt_result (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  run_id    INTEGER NOT NULL REFERENCES kubevirt_run(id) ON DELETE CASCADE,
  resource  TEXT NOT NULL,              -- 'vmi', 'vm', 'vm-instancetype', ...
  file      TEXT,                       -- the file (or object) the values were read from
  UNIQUE (run_id, resource)
);
CREATE INDEX kubevirt_result_source ON kubevirt_result(source_id);

-- kubevirt_series: dictionary of (job, resource, metric) combinations seen. Not
-- tied to a load (entries are names, not data); the metric rows refer to it
-- so that reports group by one integer.
CREATE TABLE kubevirt_series (
  id       INTEGER PRIMARY KEY,
  job      TEXT NOT NULL,
  resource TEXT NOT NULL,
  metric   TEXT NOT NULL,               -- any key of "Values": all 189 upstream names and new ones
  UNIQUE (job, resource, metric)
);

-- kubevirt_metric: one row per metric of a result.
CREATE TABLE kubevirt_metric (
  result_id          INTEGER NOT NULL REFERENCES kubevirt_result(id) ON DELETE CASCADE,
  series_id          INTEGER NOT NULL REFERENCES kubevirt_series(id),
  source_id          INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  value              REAL NOT NULL,     -- "value"
  threshold_value    REAL,              -- "thresholdResult"."thresholdValue", NULL when no threshold
  threshold_metric   TEXT,              -- "thresholdMetric": the metric the threshold is a multiple of
  threshold_ratio    REAL,              -- "thresholdRatio" = value / threshold_metric's value
  threshold_exceeded INTEGER,           -- "thresholdExceeded" 0/1, NULL when no threshold
  week_day           INTEGER NOT NULL,  -- the run's week_start as days since 1970-01-01 (copied from
                                        -- kubevirt_run so the weekly report reads one covering index)
  PRIMARY KEY (result_id, series_id)
) WITHOUT ROWID;
CREATE INDEX kubevirt_metric_source ON kubevirt_metric(source_id);
-- The weekly report groups by (series, week) straight from this index, without a sort.
CREATE INDEX kubevirt_metric_week ON kubevirt_metric(series_id, week_day, value);

-- kubevirt_release: a shape.yaml (release-graph configuration).
CREATE TABLE kubevirt_release (
  id              INTEGER PRIMARY KEY,
  source_id       INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  release_version TEXT NOT NULL,        -- releaseVersion, e.g. 'v1-8'
  since_date      TEXT NOT NULL         -- sinceDate 'YYYY-MM-DD': release graphs start here
);
CREATE INDEX kubevirt_release_source ON kubevirt_release(source_id);

-- kubevirt_release_marker: one row per lineShapes entry (vertical labelled lines).
CREATE TABLE kubevirt_release_marker (
  source_id   INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  release_id  INTEGER NOT NULL REFERENCES kubevirt_release(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,         -- position in lineShapes (0-based)
  type        TEXT,                     -- 'line'
  x0 TEXT, x1 TEXT,                     -- dates of the line's ends ('YYYY-MM-DD')
  y0 REAL, y1 REAL,
  yref        TEXT,                     -- 'paper' = y in 0..1 of the plot height
  editable    INTEGER,
  line_color  TEXT, line_width REAL, line_dash TEXT,
  label_text  TEXT,                     -- e.g. 'v1.5.0', 'k8s-1.33'
  label_xanchor TEXT,
  PRIMARY KEY (release_id, seq)
);
CREATE INDEX kubevirt_release_marker_source ON kubevirt_release_marker(source_id);
