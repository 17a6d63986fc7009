-- kubevirt_export_results: every run with its vmi/vm metrics, in the shape of upstream's results.json.
--
-- Question: what does `export kubevirt` write into results/<job>/<id>/results.json?
-- One row per metric of each run's vmi and vm result; a run without results
-- has one row with NULL result columns, a result without metrics one row
-- with NULL metric columns (export writes "VMIResult": null and so on).
-- Columns:
--   run_id            kubevirt_run.id
--   job, build_id     the run
--   job_dir_created   JobDirCreationTime (else the start time decoded from the build id)
--   result_id         kubevirt_result.id, NULL when the run has no vmi/vm result
--   resource          'vmi' or 'vm'
--   metric, value     a metric of that result
--   threshold_value, threshold_metric, threshold_ratio, threshold_exceeded   its thresholdResult
CREATE VIEW kubevirt_export_results AS
SELECT r.id AS run_id, r.job, r.build_id, coalesce(r.job_dir_created, r.started_at) AS job_dir_created,
       x.id AS result_id, x.resource, s.metric, m.value, m.threshold_value, m.threshold_metric,
       m.threshold_ratio, m.threshold_exceeded
FROM kubevirt_run AS r
LEFT JOIN kubevirt_result AS x ON x.run_id = r.id AND x.resource IN ('vmi', 'vm')
LEFT JOIN kubevirt_metric AS m ON m.result_id = x.id
LEFT JOIN kubevirt_series AS s ON s.id = m.series_id;
