-- kubevirt_results: every metric of every KubeVirt CI run, one row per run × resource × metric.
--
-- Question: what did each run measure (perf-report-creator's step 1, flattened)?
-- Columns:
--   job                 Prow job name
--   build_id            Prow build id (snowflake)
--   started_at          job start decoded from build_id (UTC ISO-8601)
--   job_dir_created     upstream JobDirCreationTime: GCS timeCreated of build-log.txt (NULL if unknown)
--   run_time            coalesce(job_dir_created, started_at): the time reports use
--   week_start          ISO-8601 Monday (UTC) of run_time's week
--   resource            'vmi', 'vm', 'vm-instancetype', ...
--   metric              key of "Values", e.g. vmiCreationToRunningSecondsP95
--   value               the metric's value
--   threshold_value     thresholdResult.thresholdValue (NULL when the metric has no threshold)
--   threshold_metric    thresholdResult.thresholdMetric (the metric the threshold is a multiple of)
--   threshold_ratio     thresholdResult.thresholdRatio
--   threshold_exceeded  1/0 (NULL when no threshold)
--   file                file or object the values were read from
--   source_id           the load that wrote the run
CREATE VIEW kubevirt_results AS
SELECT r.job, r.build_id, r.started_at, r.job_dir_created, r.run_time, r.week_start,
       x.resource, s.metric, m.value, m.threshold_value, m.threshold_metric, m.threshold_ratio,
       m.threshold_exceeded, x.file, r.source_id
FROM kubevirt_metric AS m
JOIN kubevirt_result AS x ON x.id = m.result_id
JOIN kubevirt_run AS r ON r.id = x.run_id
JOIN kubevirt_series AS s ON s.id = m.series_id;
