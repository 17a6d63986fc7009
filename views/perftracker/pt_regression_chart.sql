-- pt_regression_chart: the regressed curves of a comparison in rank order, each with its chart (PNG) when its rank is within the first :top (a parameterized report).
--
-- Question: what does each regressed curve look like? One line chart per
-- curve: the baseline and the candidate avg_score against the load (x), the
-- worst window shaded and labelled "<median>% worse" (median rounded like
-- result.json). `perfsql perftracker` writes these charts (--charts N: the N
-- worst; all; none) and the report from the other columns.
-- Call it as a table-valued function: SELECT rank, chart FROM pt_regression_chart(1, 10);
-- Parameters:
--   :comparison_id  pt_comparison.id; NULL = every comparison
--   :top            draw charts for ranks 1..top; NULL = every regression, 0 = none
-- Columns: those of pt_regression without point_values, then
--   baseline_ver, candidate_ver   product versions (the chart's series names)
--   median_label    worst median rounded to 2 decimals as text ('60', '37.51')
--   chart           PNG (chart_line, 1200x600), NULL beyond :top
SELECT r.comparison, r.endpoint, r.metric_type, r.threads, r.scenario, r.rank, r.severity, r.confidence,
       r.confidence_score, r.data_quality, r.points_analyzed, r.median_pct_change_overall, r.location,
       r.start_x, r.end_x, r.size, r.median_degradation_pct, r.mean_degradation_pct, r.max_degradation_pct,
       r.consistency_score, r.visual_separation, r.all_windows,
       b.product_ver AS baseline_ver, d.product_ver AS candidate_ver,
       rtrim(rtrim(printf('%.2f', pt_round(r.median_degradation_pct, 2, 'numpy')), '0'), '.') AS median_label,
       CASE WHEN :top IS NULL OR r.rank <= :top THEN
         (SELECT chart_line(x, y, series,
                   json_object('title', printf('%s %s (%d th) %s: %s, %s%% worse at %s', r.endpoint, r.metric_type,
                                               r.threads, r.scenario, r.severity,
                                               rtrim(rtrim(printf('%.2f', pt_round(r.median_degradation_pct, 2,
                                                                                    'numpy')), '0'), '.'),
                                               r.location),
                               'x_label', 'load',
                               'y_label', CASE r.metric_type WHEN 'latency' THEN 'latency (avg score)'
                                          ELSE 'avg score' END,
                               'bands', json_array(json_object(
                                  'x0', r.start_x, 'x1', r.end_x,
                                  'label', rtrim(rtrim(printf('%.2f', pt_round(r.median_degradation_pct, 2,
                                                                              'numpy')), '0'), '.')
                                           || '% worse'))))
          FROM (SELECT p.value ->> 1 AS x, p.value ->> 2 AS y, 'baseline ' || coalesce(b.product_ver, '') AS series,
                       0 AS o, p.value ->> 0 AS idx
                FROM json_each(r.point_values) AS p
                UNION ALL
                SELECT p.value ->> 1, p.value ->> 3, 'candidate ' || coalesce(d.product_ver, ''), 1, p.value ->> 0
                FROM json_each(r.point_values) AS p
                ORDER BY o, idx)) END AS chart
FROM pt_regression AS r
JOIN pt_comparison AS c ON c.id = r.comparison
JOIN pt_job AS b ON b.id = c.baseline
JOIN pt_job AS d ON d.id = c.candidate
WHERE (:comparison_id IS NULL OR r.comparison = :comparison_id)
ORDER BY r.comparison, r.rank
