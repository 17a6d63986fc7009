-- bench_run_geomean: geometric mean of every measured time of a Google Benchmark run, in seconds.
--
-- Question: what single number summarizes a run's speed, as compare.py's OVERALL_GEOMEAN does?
-- Google Benchmark's tools/compare.py (calculate_geomean) takes the geometric mean over every
-- non-aggregate row of a result file (every benchmark and repetition) of real_time and of
-- cpu_time, converted to seconds; OVERALL_GEOMEAN's change is new / old - 1. This view is that
-- per-run figure; bench_compare_summary divides two of them.
-- Columns:
--   run_id      bench_run.id (Google Benchmark runs only)
--   time_kind   'real' or 'cpu'
--   geomean_s   geometric mean of the measurements, in seconds
--   n           number of measurements
CREATE VIEW bench_run_geomean AS
SELECT v.run_id,
       CASE WHEN v.metric GLOB '*:real_time' THEN 'real' ELSE 'cpu' END AS time_kind,
       geomean(v.value * CASE v.unit WHEN 'ns' THEN 1e-9 WHEN 'us' THEN 1e-6 WHEN 'ms' THEN 1e-3 ELSE 1.0 END) AS geomean_s,
       count(*) AS n
FROM bench_value AS v
JOIN bench_run AS r ON r.id = v.run_id AND r.format = 'gbench-json'
WHERE v.aggregate IS NULL AND v.value > 0
  AND (v.metric GLOB '*:real_time' OR v.metric GLOB '*:cpu_time')
GROUP BY v.run_id, time_kind;
