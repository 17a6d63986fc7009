-- pt_curve: every curve of every comparison with enough points, its sliding-window scan and its verdict.
--
-- Question: which curves does the detector analyse, and did each regress? A
-- curve needs at least min_curve_points aligned points (pt_curve_point);
-- fewer and it is not analysed and not counted. windows is pt_window_scan()'s
-- JSON: every significant window of min_window_size..max_window_size points
-- with its median/mean/max degradation, consistency, visual separation,
-- whether it survives the overlap merge and which kept window is the worst.
-- A curve regressed when a window survives the merge; its worst window (the
-- kept window with the largest |median|, the first in merged order on ties)
-- gives its severity; confidence = (severity score (critical 1.0, severe
-- 0.7, moderate 0.4) + worst-window consistency + sample score (mean
-- baseline samples >= 3: 1.0, >= 2: 0.7, else 0.4)) / 3: 'high' >= 0.8,
-- 'medium' >= 0.6, else 'low'. rank orders the regressed curves of a
-- comparison by |worst median| descending, ties by curve key (upstream's
-- stable sort of the sorted keys). Every figure is the exact double (no
-- rounding); the window columns are NULL when the curve did not regress.
-- This is the one place the analysis is computed: pt_curve_window,
-- pt_regression, pt_result and pt_summary read it.
-- Columns:
--   comparison                pt_comparison.id
--   endpoint, metric_type, threads, scenario   the curve key (see pt_curve_point)
--   points                    aligned points
--   x_first, x_last           load range covered
--   median_pct_change         median of the non-NULL point changes (0 when none)
--   avg_samples               mean baseline samples per point
--   data_quality              'good' (avg_samples >= 3), 'fair' (>= 2), 'poor'
--   point_values              JSON [[idx, x, baseline, candidate], ...] (for charts; 15 digits)
--   windows                   JSON array of the significant windows (pt_window_scan())
--   regressed                 1 when a significant window survives the merge
--   rank                      1 = worst regression of the comparison; NULL when not regressed
--   severity                  'critical' | 'severe' | 'moderate' (worst window), NULL when not regressed
--   confidence                'high' | 'medium' | 'low'
--   confidence_score          the score behind it (0..1)
--   location                  worst window 'start_x-end_x' (upstream's int() of each)
--   start_x, end_x            worst window load range
--   size                      worst window points with a valid change
--   median_degradation_pct, mean_degradation_pct, max_degradation_pct,
--   consistency_score, visual_separation   worst window figures
--   all_windows               JSON array of the kept windows in merged order:
--                             {location, median_degradation, consistency}
CREATE VIEW pt_curve AS
WITH cu AS (
  SELECT p.comparison, p.endpoint, p.metric_type, p.threads, p.scenario,
         count(*) AS points, min(p.x) AS x_first, max(p.x) AS x_last,
         coalesce(median(p.pct), 0.0) AS median_pct_change,
         avg(p.samples) AS avg_samples,
         json_group_array(json_array(p.idx, p.x, p.baseline, p.candidate)) AS point_values,
         pt_window_scan(p.idx, p.x, p.pct, c.min_window_size, c.max_window_size, c.min_degradation_pct,
                        c.consistency, c.min_visual_sep) AS windows,
         min(c.min_degradation_pct) AS min_deg, min(c.severe_pct) AS severe_pct,
         min(c.critical_pct) AS critical_pct
  FROM pt_curve_point AS p
  JOIN pt_comparison AS c ON c.id = p.comparison
  GROUP BY p.comparison, p.endpoint, p.metric_type, p.threads, p.scenario
  HAVING count(*) >= min(c.min_curve_points)
),
worst AS (
  SELECT cu.*, (SELECT value FROM json_each(cu.windows) WHERE value ->> 'worst' = 1) AS w
  FROM cu
),
judged AS (
  SELECT *,
         CASE WHEN w IS NOT NULL THEN
           regress_severity(abs(w ->> 'median'), min_deg, severe_pct, critical_pct) END AS severity
  FROM worst
),
scored AS (
  SELECT *,
         CASE WHEN w IS NOT NULL THEN
           (CASE severity WHEN 'critical' THEN 1.0 WHEN 'severe' THEN 0.7 ELSE 0.4 END
            + (w ->> 'consistency')
            + CASE WHEN avg_samples >= 3 THEN 1.0 WHEN avg_samples >= 2 THEN 0.7 ELSE 0.4 END) / 3 END
           AS confidence_score
  FROM judged
)
SELECT comparison, endpoint, metric_type, threads, scenario, points, x_first, x_last, median_pct_change,
       avg_samples,
       CASE WHEN avg_samples >= 3 THEN 'good' WHEN avg_samples >= 2 THEN 'fair' ELSE 'poor' END AS data_quality,
       point_values, windows,
       w IS NOT NULL AS regressed,
       CASE WHEN w IS NOT NULL THEN
         row_number() OVER (PARTITION BY comparison, w IS NULL
                            ORDER BY abs(w ->> 'median') DESC, endpoint, metric_type, threads, scenario) END
         AS rank,
       severity,
       CASE WHEN confidence_score >= 0.8 THEN 'high' WHEN confidence_score >= 0.6 THEN 'medium'
            WHEN confidence_score IS NOT NULL THEN 'low' END AS confidence,
       confidence_score,
       CAST(w ->> 'start_x' AS INTEGER) || '-' || CAST(w ->> 'end_x' AS INTEGER) AS location,
       w ->> 'start_x' AS start_x, w ->> 'end_x' AS end_x, w ->> 'size' AS size,
       w ->> 'median' AS median_degradation_pct, w ->> 'mean' AS mean_degradation_pct,
       w ->> 'max_abs' AS max_degradation_pct, w ->> 'consistency' AS consistency_score,
       w ->> 'visual_sep' AS visual_separation,
       CASE WHEN w IS NOT NULL THEN
         (SELECT json_group_array(json_object(
                   'location', CAST(k.value ->> 'start_x' AS INTEGER) || '-' || CAST(k.value ->> 'end_x' AS INTEGER),
                   'median_degradation', json(pt_repr(k.value ->> 'median')),
                   'consistency', json(pt_repr(k.value ->> 'consistency'))))
          FROM json_each(windows) AS k WHERE k.value ->> 'kept' = 1) END AS all_windows
FROM scored;
