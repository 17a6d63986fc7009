-- bench_comparison: two runs compared metric by metric, formatted as `perfsql bench compare` prints them (a parameterized report).
--
-- Question: which metrics got worse or better between two runs, by how much, and on what evidence?
-- Call it as a table-valued function:
--   SELECT * FROM bench_comparison('main', 'pr-42');
--   SELECT * FROM bench_comparison('main', 'pr-42', readfile('thresholds.yaml'), 0.05, 'cpu');
-- The numbers come from bench_compare() (raw values there); gated regressions come first.
-- Parameters:
--   :base_run         baseline run: id or label (latest run of the label)
--   :current_run      current run: id or label
--   :thresholds_yaml  thresholds file text (YAML); NULL = defaults (10 %, alpha 0.05, noise_k 3)
--   :alpha_level      significance level of the U test; NULL = the file's or 0.05
--   :time_kind        'real' (default) or 'cpu': the Google Benchmark time that gates
--   :noise_factor     k of the noise rule (a breach must exceed k x CV); NULL = the file's or 3
-- Columns:
--   metric, unit     the metric
--   base, current    means of the repetitions (6 significant digits)
--   change           change of the means, % (positive = larger)
--   median_change    change of the medians, %
--   base_median, current_median, base_min, current_min, base_stddev, current_stddev,
--   base_cv, current_cv   Google Benchmark's aggregates over the repetitions (cv as %)
--   threshold        allowed change and direction ("10% (lower)")
--   noise            k x the larger CV, % (NULL with one value a side)
--   reps             repetitions base/current
--   p_value          two-sided Mann-Whitney U p-value (>= 2 repetitions a side)
--   judged_by        'U test' (it can reach alpha at these sizes) or 'threshold'
--   gated            'yes' when the metric decides the verdict (the chosen time, or named in the thresholds)
--   verdict          regression / improvement / unchanged / new / missing
--   note             why, per metric
SELECT metric, unit,
       iif(base IS NULL, NULL, printf('%.6g', base)) AS base, iif(current IS NULL, NULL, printf('%.6g', current)) AS current,
       iif(change_pct IS NULL, NULL, printf('%+.2f%%', change_pct)) AS change, iif(median_change_pct IS NULL, NULL, printf('%+.2f%%', median_change_pct)) AS median_change,
       iif(base_median IS NULL, NULL, printf('%.6g', base_median)) AS base_median, iif(current_median IS NULL, NULL, printf('%.6g', current_median)) AS current_median,
       iif(base_min IS NULL, NULL, printf('%.6g', base_min)) AS base_min, iif(current_min IS NULL, NULL, printf('%.6g', current_min)) AS current_min,
       iif(base_stddev IS NULL, NULL, printf('%.4g', base_stddev)) AS base_stddev, iif(current_stddev IS NULL, NULL, printf('%.4g', current_stddev)) AS current_stddev,
       iif(100 * base_cv IS NULL, NULL, printf('%.2f%%', 100 * base_cv)) AS base_cv, iif(100 * current_cv IS NULL, NULL, printf('%.2f%%', 100 * current_cv)) AS current_cv,
       printf('%g%% (%s)', threshold_pct, better) AS threshold,
       iif(noise_pct IS NULL, NULL, printf('%.3g%%', noise_pct)) AS noise,
       base_n || '/' || current_n AS reps,
       iif(p_value IS NULL, NULL, printf('%.4g', p_value)) AS p_value, judged_by,
       iif(gated, 'yes', 'no') AS gated, verdict, note
FROM bench_compare(:base_run, :current_run, :thresholds_yaml, :alpha_level, :time_kind, :noise_factor) AS c
ORDER BY NOT (c.gated AND c.verdict = 'regression'), NOT c.gated, c.metric
