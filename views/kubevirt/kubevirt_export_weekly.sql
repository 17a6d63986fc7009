-- kubevirt_export_weekly: every metric value with its ISO week, the data points of upstream's weekly files.
--
-- Question: what does `export kubevirt` write into
-- weekly/<job>/<resource>/<metric>/<week>/data/results.json? One row per value
-- (a DataPoint: Value, Date = JobDirCreationTime); export groups them by
-- week label and averages them.
-- Columns:
--   job, resource, metric   the series
--   week_start              ISO Monday of the run's week
--   value                   the metric's value
--   date                    JobDirCreationTime (else the decoded start time)
--   run_time, build_id      the run (export orders the points by them)
CREATE VIEW kubevirt_export_weekly AS
SELECT s.job, x.resource, s.metric, r.week_start, m.value, coalesce(r.job_dir_created, r.started_at) AS date,
       r.run_time, r.build_id
FROM kubevirt_metric AS m
JOIN kubevirt_result AS x ON x.id = m.result_id
JOIN kubevirt_run AS r ON r.id = x.run_id
JOIN kubevirt_series AS s ON s.id = m.series_id;
