-- bench_compare_speedup: a PNG of the speedup of each metric (baseline cost / current cost; > 1 = faster or better) (a parameterized report).
--
-- Question: which metrics got faster, which slower, on one log scale?
-- Call it as a table-valued function: SELECT png FROM bench_compare_speedup('main', 'pr-42');
-- At most 80 metrics, in name order.
-- Parameters:
--   :base_run         baseline run: id or label
--   :current_run      current run: id or label
--   :thresholds_yaml  thresholds file text; NULL = defaults
--   :alpha_level      U-test significance level; NULL = default
--   :time_kind        'real' (default) or 'cpu'
--   :noise_factor     k of the noise rule; NULL = default
-- Columns:
--   png   the chart (chart_bar with a log y axis)
SELECT chart_bar(metric, 1.0 / cost_ratio, 'speedup',
                 json_object('title', 'Speedup per metric', 'y_label', 'x', 'width', 900, 'height', 380,
                             'log_y', json('true'))) AS png
FROM (SELECT metric, cost_ratio
      FROM bench_compare(:base_run, :current_run, :thresholds_yaml, :alpha_level, :time_kind, :noise_factor)
      WHERE cost_ratio IS NOT NULL ORDER BY metric LIMIT 80)
