-- bench_compare_bars: a PNG of grouped bars, baseline vs current, for the metrics of one unit (a parameterized report).
--
-- Question: how do the two runs compare side by side, unit by unit?
-- Call it as a table-valued function: SELECT png FROM bench_compare_bars('main', 'pr-42', NULL, NULL, NULL, NULL, 'ns');
-- At most 40 metrics (80 bars), in name order; metrics present in both runs only.
-- Parameters:
--   :base_run         baseline run: id or label
--   :current_run      current run: id or label
--   :thresholds_yaml  thresholds file text; NULL = defaults
--   :alpha_level      U-test significance level; NULL = default
--   :time_kind        'real' (default) or 'cpu'
--   :noise_factor     k of the noise rule; NULL = default
--   :unit_name        the unit to chart ('' = metrics without a unit)
-- Columns:
--   png   the chart (chart_bar), NULL when no metric has that unit
SELECT chart_bar(metric, value, series,
                 json_object('title', 'Baseline vs current (' || iif(:unit_name = '', 'no unit', :unit_name) || ')',
                             'y_label', :unit_name, 'width', 900, 'height', 380)) AS png
FROM (SELECT metric, 'baseline' AS series, base AS value, 0 AS k
      FROM bench_compare(:base_run, :current_run, :thresholds_yaml, :alpha_level, :time_kind, :noise_factor)
      WHERE coalesce(unit, '') = :unit_name AND base IS NOT NULL AND current IS NOT NULL
      UNION ALL
      SELECT metric, 'current', current, 1
      FROM bench_compare(:base_run, :current_run, :thresholds_yaml, :alpha_level, :time_kind, :noise_factor)
      WHERE coalesce(unit, '') = :unit_name AND base IS NOT NULL AND current IS NOT NULL
      ORDER BY metric, k LIMIT 80)
