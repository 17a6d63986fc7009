-- pt_curve_window: every significant degradation window of every curve, marked when it survives the overlap merge.
--
-- Question: where along the load axis is each curve consistently worse? A
-- window (3..7 consecutive points by default) is significant when at least
-- `consistency` of its points are worse by more than min_degradation_pct, its
-- |median| change is at least min_degradation_pct and its visual separation
-- (median |change| + 0.5 * max(0, 20 - population std of |change|)) is at
-- least min_visual_sep. Overlapping significant windows are merged the
-- upstream way (ordered by start; an overlapping window replaces the current
-- one only when its |median| is strictly larger): kept = 1 for the survivors.
-- Figures are exact doubles (pt_window_scan writes them like Python's repr).
-- Columns:
--   comparison, endpoint, metric_type, threads, scenario   the curve
--   start_idx, end_idx      first/last point index with a valid change
--   start_x, end_x          load at those points
--   location                'start_x-end_x' as integers (upstream's affected range)
--   size                    points with a valid change in the window
--   median_degradation_pct  median change in the window
--   mean_degradation_pct    mean change
--   max_degradation_pct     max |change|
--   consistency_score       share of points worse by more than min_degradation_pct
--   visual_separation       see above
--   severity                regress_severity(|median|, min_degradation, severe, critical)
--   kept                    1 when the window survives the overlap merge
--   merge_order             1.. in merged order (0 when not kept)
--   worst                   1 for the curve's worst window (see pt_curve)
--   points, median_pct_change, avg_samples, data_quality   the curve's (from pt_curve)
CREATE VIEW pt_curve_window AS
SELECT cu.comparison, cu.endpoint, cu.metric_type, cu.threads, cu.scenario,
       w.value ->> 'start_idx' AS start_idx, w.value ->> 'end_idx' AS end_idx,
       w.value ->> 'start_x' AS start_x, w.value ->> 'end_x' AS end_x,
       CAST(w.value ->> 'start_x' AS INTEGER) || '-' || CAST(w.value ->> 'end_x' AS INTEGER) AS location,
       w.value ->> 'size' AS size,
       w.value ->> 'median' AS median_degradation_pct, w.value ->> 'mean' AS mean_degradation_pct,
       w.value ->> 'max_abs' AS max_degradation_pct, w.value ->> 'consistency' AS consistency_score,
       w.value ->> 'visual_sep' AS visual_separation,
       regress_severity(abs(w.value ->> 'median'), c.min_degradation_pct, c.severe_pct, c.critical_pct)
         AS severity,
       w.value ->> 'kept' AS kept, w.value ->> 'merge_order' AS merge_order, w.value ->> 'worst' AS worst,
       cu.points, cu.median_pct_change, cu.avg_samples, cu.data_quality
FROM pt_curve AS cu
JOIN pt_comparison AS c ON c.id = cu.comparison
JOIN json_each(cu.windows) AS w
WHERE w.value ->> 'significant' = 1;
