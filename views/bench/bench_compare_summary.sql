-- bench_compare_summary: the verdict of a comparison in one row, with the overall geometric-mean change (a parameterized report).
--
-- Question: does the gate pass, how many gated metrics regressed, and how much slower is the run overall?
-- Call it as a table-valued function: SELECT * FROM bench_compare_summary('main', 'pr-42');
-- Overall change: for two Google Benchmark runs, compare.py's OVERALL_GEOMEAN on the chosen
-- time (view bench_run_geomean: geometric mean of every measurement of each run, new / old - 1);
-- otherwise the geometric mean of the gated metrics' cost ratios minus 1. Positive = worse.
-- Parameters:
--   :base_run         baseline run: id or label
--   :current_run      current run: id or label
--   :thresholds_yaml  thresholds file text; NULL = defaults
--   :alpha_level      U-test significance level; NULL = the file's or 0.05
--   :time_kind        'real' (default) or 'cpu'
--   :noise_factor     k of the noise rule; NULL = the file's or 3
-- Columns:
--   metrics         metrics compared (all kinds)
--   gated           metrics that decide the verdict
--   regressions     gated metrics that regressed
--   improvements    gated metrics that improved
--   added           gated metrics only in the current run
--   missing         gated metrics only in the baseline
--   few_reps        gated metrics judged by the U test with fewer than 9 repetitions a side (compare.py warns)
--   threshold_only  gated metrics where the U test cannot reach alpha: judged on the threshold
--   overall_pct     overall change, % (positive = worse)
--   overall_method  'OVERALL_GEOMEAN (real time)' / '(cpu time)' or 'geomean of cost ratios'
--   gated_time      the time that gates ('real' or 'cpu'); NULL when no run is Google Benchmark's
WITH c AS (
  SELECT * FROM bench_compare(:base_run, :current_run, :thresholds_yaml, :alpha_level, :time_kind, :noise_factor)
), g AS (
  SELECT (SELECT geomean_s FROM bench_run_geomean
          WHERE run_id = (SELECT run_id FROM bench_run_find(:base_run)) AND time_kind = coalesce(:time_kind, 'real')) AS gb,
         (SELECT geomean_s FROM bench_run_geomean
          WHERE run_id = (SELECT run_id FROM bench_run_find(:current_run)) AND time_kind = coalesce(:time_kind, 'real')) AS gc
)
SELECT count(*) AS metrics,
       coalesce(sum(gated), 0) AS gated,
       coalesce(sum(gated AND verdict = 'regression'), 0) AS regressions,
       coalesce(sum(gated AND verdict = 'improvement'), 0) AS improvements,
       coalesce(sum(gated AND verdict = 'new'), 0) AS added,
       coalesce(sum(gated AND verdict = 'missing'), 0) AS missing,
       coalesce(sum(gated AND judged_by = 'U test' AND (base_n < 9 OR current_n < 9)), 0) AS few_reps,
       coalesce(sum(gated AND judged_by = 'threshold'), 0) AS threshold_only,
       CASE WHEN (SELECT gb FROM g) IS NOT NULL AND (SELECT gc FROM g) IS NOT NULL
            THEN 100 * ((SELECT gc FROM g) / (SELECT gb FROM g) - 1)
            ELSE 100 * (geomean(iif(gated, cost_ratio, NULL)) - 1) END AS overall_pct,
       CASE WHEN (SELECT gb FROM g) IS NOT NULL AND (SELECT gc FROM g) IS NOT NULL
            THEN 'OVERALL_GEOMEAN (' || coalesce(:time_kind, 'real') || ' time)'
            ELSE 'geomean of cost ratios' END AS overall_method,
       iif(sum(kind = 'time') > 0, coalesce(:time_kind, 'real'), NULL) AS gated_time
FROM c
