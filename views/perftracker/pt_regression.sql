-- pt_regression: every regressed curve of every comparison, its worst window, severity and confidence (upstream result_v2 "regressions").
--
-- Question: which curves regressed, how badly, and how sure are we? The
-- regressed rows of pt_curve (the analysis and its rules are there), ranked
-- by |worst median| descending, ties by curve key (upstream's order).
-- Figures are exact doubles; result.json rounds them (pt_result).
-- Columns:
--   comparison, endpoint, metric_type, threads, scenario   the curve
--   rank                      1 = worst regression of the comparison
--   severity                  'critical' | 'severe' | 'moderate'
--   confidence                'high' | 'medium' | 'low'
--   confidence_score          the score behind it (0..1)
--   data_quality              'good' | 'fair' | 'poor' (mean baseline samples)
--   points_analyzed           aligned points of the curve
--   median_pct_change_overall median change over all points
--   location                  worst window 'start_x-end_x'
--   start_x, end_x            worst window load range
--   size                      worst window valid points
--   median_degradation_pct, mean_degradation_pct, max_degradation_pct,
--   consistency_score, visual_separation   worst window figures (unrounded)
--   all_windows               JSON array of the kept windows in merged order:
--                             {location, median_degradation, consistency} (unrounded)
--   point_values              JSON [[idx, x, baseline, candidate], ...] of the curve
CREATE VIEW pt_regression AS
SELECT comparison, endpoint, metric_type, threads, scenario, rank, severity, confidence, confidence_score,
       data_quality, points AS points_analyzed, median_pct_change AS median_pct_change_overall, location,
       start_x, end_x, size, median_degradation_pct, mean_degradation_pct, max_degradation_pct,
       consistency_score, visual_separation, all_windows, point_values
FROM pt_curve
WHERE regressed
ORDER BY comparison, rank;
