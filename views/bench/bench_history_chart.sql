-- bench_history_chart: a PNG of one metric's history in one label, its change points marked (a parameterized report).
--
-- Question: what does the history look like, and where did it step?
-- Call it as a table-valued function: SELECT png FROM bench_history_chart('nightly', 'BM_Sort:real_time');
-- The markers are the rows of view bench_history (Otava's defaults) for that series.
-- Parameters:
--   :chart_label   run label
--   :chart_metric  metric name
-- Columns:
--   png   the chart (chart_line), NULL when the series is empty
SELECT chart_line(pos, value, metric,
                  json_object('title', :chart_metric, 'x_label', 'run (' || :chart_label || ')',
                              'y_label', coalesce((SELECT max(unit) FROM bench_series
                                                   WHERE label = :chart_label AND metric = :chart_metric), ''),
                              'width', 900, 'height', 360,
                              'markers', (SELECT json_group_array(json_object('x', pos, 'label', printf('%+.1f%%', change_pct),
                                                                              'color', '#d62728', 'dash', 'dash'))
                                          FROM bench_history WHERE label = :chart_label AND metric = :chart_metric))) AS png
FROM (SELECT pos, value, metric FROM bench_series WHERE label = :chart_label AND metric = :chart_metric ORDER BY pos)
