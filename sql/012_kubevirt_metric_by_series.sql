-- 012_kubevirt_metric_by_series.sql — kubevirt_metric stored in (series, week) order (issue 15).
--
-- Before: a WITHOUT ROWID table keyed (result_id, series_id) plus two secondary
-- indexes, kubevirt_metric_source(source_id) and kubevirt_metric_week(series_id,
-- week_day, value). Each metric row went into three B-trees; building the two
-- indexes after a first load was 0.65 of the ~1.1 s of write work for the 563k rows
-- of the ci-performance-benchmarks history.
-- Now: the table itself is keyed (series_id, week_day, result_id), the order the
-- weekly report and the graphs read (a series' weeks, no sort, no second lookup),
-- and the writer inserts its rows in that order (kv_writer.c sorts them). One
-- secondary index, UNIQUE (result_id, series_id) — the old primary key, same
-- constraint — serves joins from a result and the ON DELETE CASCADE from
-- kubevirt_result. week_day is the run's week (a function of result_id), so the
-- new key is unique exactly when the old one was.
-- source_id is gone from this table: a metric belongs to a result of the same
-- source, and deleting a source deletes its results, which delete their metrics
-- (source -> kubevirt_result -> kubevirt_metric, both ON DELETE CASCADE). Loads
-- and --replace remove exactly the rows they did before.
-- The key columns are declared first: SQLite 3.40's PRAGMA integrity_check reports
-- false "NULL value" errors for a WITHOUT ROWID table that declares a NOT NULL
-- column before a key column (week_day used to be the last column).
-- Existing rows are kept (copied through a temporary table, so that the views
-- that name kubevirt_metric need no rename; they are re-created after the
-- migrations anyway).
CREATE TABLE kubevirt_metric_012 AS
  SELECT result_id, series_id, value, threshold_value, threshold_metric, threshold_ratio,
         threshold_exceeded, week_day
  FROM kubevirt_metric;
DROP TABLE kubevirt_metric;

-- kubevirt_metric: one row per metric of a result.
CREATE TABLE kubevirt_metric (
  result_id          INTEGER NOT NULL REFERENCES kubevirt_result(id) ON DELETE CASCADE,
  series_id          INTEGER NOT NULL REFERENCES kubevirt_series(id),
  week_day           INTEGER NOT NULL,  -- the run's week_start as days since 1970-01-01 (copied from
                                        -- kubevirt_run so the weekly report groups by the key)
  value              REAL NOT NULL,     -- "value"
  threshold_value    REAL,              -- "thresholdResult"."thresholdValue", NULL when no threshold
  threshold_metric   TEXT,              -- "thresholdMetric": the metric the threshold is a multiple of
  threshold_ratio    REAL,              -- "thresholdRatio" = value / threshold_metric's value
  threshold_exceeded INTEGER,           -- "thresholdExceeded" 0/1, NULL when no threshold
  PRIMARY KEY (series_id, week_day, result_id)
) WITHOUT ROWID;
INSERT INTO kubevirt_metric(result_id, series_id, value, threshold_value, threshold_metric, threshold_ratio,
                            threshold_exceeded, week_day)
  SELECT result_id, series_id, value, threshold_value, threshold_metric, threshold_ratio,
         threshold_exceeded, week_day
  FROM kubevirt_metric_012
  ORDER BY series_id, week_day, result_id;
DROP TABLE kubevirt_metric_012;
-- A result's metrics (joins, and the cascade when its result is deleted).
CREATE UNIQUE INDEX kubevirt_metric_result ON kubevirt_metric(result_id, series_id);
