-- bench_sample: the values a comparison uses, one row per repetition.
--
-- Question: for each run and metric, which measured values enter the comparison and the U test?
-- Measurements (aggregate IS NULL) when the run has any for the metric; otherwise the
-- run's 'mean' aggregate row (Google Benchmark with --benchmark_report_aggregates_only).
-- Errors and NaN (value NULL) are left out.
-- Columns:
--   run_id      bench_run.id
--   metric      metric name
--   repetition  repetition index (0 when the format has none)
--   value       the measured value
--   unit        its unit as the file gives it
CREATE VIEW bench_sample AS
SELECT v.run_id, v.metric, v.repetition, v.value, v.unit
FROM bench_value AS v
WHERE v.aggregate IS NULL AND v.value IS NOT NULL
UNION ALL
SELECT v.run_id, v.metric, v.repetition, v.value, v.unit
FROM bench_value AS v
WHERE v.aggregate = 'mean' AND v.value IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM bench_value AS w
                  WHERE w.run_id = v.run_id AND w.metric = v.metric
                    AND w.aggregate IS NULL AND w.value IS NOT NULL);
