-- pt_curve: every curve of every comparison with enough points, and its sliding-window scan.
--
-- Question: which curves does the detector analyse, and what does each look
-- like overall? A curve needs at least min_curve_points aligned points
-- (pt_curve_point); fewer and it is not analysed and not counted. windows is
-- pt_window_scan()'s JSON: every significant window of min_window_size..
-- max_window_size points with its median/mean/max degradation, consistency,
-- visual separation and whether it survives the overlap merge.
-- Columns:
--   comparison                pt_comparison.id
--   endpoint, metric_type, threads, scenario   the curve key (see pt_curve_point)
--   points                    aligned points
--   x_first, x_last           load range covered
--   median_pct_change         median of the non-NULL point changes (0 when none)
--   avg_samples               mean baseline samples per point
--   data_quality              'good' (avg_samples >= 3), 'fair' (>= 2), 'poor'
--   windows                   JSON array of the significant windows (pt_window_scan())
CREATE VIEW pt_curve AS
SELECT p.comparison, p.endpoint, p.metric_type, p.threads, p.scenario,
       count(*) AS points, min(p.x) AS x_first, max(p.x) AS x_last,
       coalesce(median(p.pct), 0.0) AS median_pct_change,
       avg(p.samples) AS avg_samples,
       CASE WHEN avg(p.samples) >= 3 THEN 'good' WHEN avg(p.samples) >= 2 THEN 'fair' ELSE 'poor' END
         AS data_quality,
       pt_window_scan(p.idx, p.x, p.pct, c.min_window_size, c.max_window_size, c.min_degradation_pct,
                      c.consistency, c.min_visual_sep) AS windows
FROM pt_curve_point AS p
JOIN pt_comparison AS c ON c.id = p.comparison
GROUP BY p.comparison, p.endpoint, p.metric_type, p.threads, p.scenario
HAVING count(*) >= min(c.min_curve_points);
