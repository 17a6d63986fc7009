-- pt_regression: every regressed curve of every comparison, its worst window, severity and confidence (upstream result_v2 "regressions").
--
-- Question: which curves regressed, how badly, and how sure are we? A curve
-- regressed when at least one significant window survives the overlap merge
-- (pt_curve_window). Its worst window is the kept window with the largest
-- |median| (the first in merged order on ties); its severity is that
-- window's. confidence = (severity score (critical 1.0, severe 0.7, moderate
-- 0.4) + worst-window consistency + sample score (mean baseline samples >= 3:
-- 1.0, >= 2: 0.7, else 0.4)) / 3: 'high' >= 0.8, 'medium' >= 0.6, else 'low'.
-- Ranked by |worst median| descending, ties by curve key (upstream's order).
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
CREATE VIEW pt_regression AS
WITH kept AS MATERIALIZED (
  SELECT w.*,
         row_number() OVER (PARTITION BY w.comparison, w.endpoint, w.metric_type, w.threads, w.scenario
                            ORDER BY abs(w.median_degradation_pct) DESC, w.merge_order) AS worst,
         json_group_array(json_object('location', w.location, 'median_degradation', w.median_degradation_pct,
                                      'consistency', w.consistency_score))
           OVER (PARTITION BY w.comparison, w.endpoint, w.metric_type, w.threads, w.scenario
                 ORDER BY w.merge_order ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
           AS all_windows
  FROM pt_curve_window AS w
  WHERE w.kept = 1
),
scored AS (
  SELECT *,
         (CASE severity WHEN 'critical' THEN 1.0 WHEN 'severe' THEN 0.7 ELSE 0.4 END
          + consistency_score
          + CASE WHEN avg_samples >= 3 THEN 1.0 WHEN avg_samples >= 2 THEN 0.7 ELSE 0.4 END) / 3
           AS confidence_score
  FROM kept WHERE worst = 1
)
SELECT comparison, endpoint, metric_type, threads, scenario,
       row_number() OVER (PARTITION BY comparison
                          ORDER BY abs(median_degradation_pct) DESC, endpoint, metric_type, threads, scenario)
         AS rank,
       severity,
       CASE WHEN confidence_score >= 0.8 THEN 'high' WHEN confidence_score >= 0.6 THEN 'medium' ELSE 'low' END
         AS confidence,
       confidence_score, data_quality, points AS points_analyzed,
       median_pct_change AS median_pct_change_overall, location, start_x, end_x, size,
       median_degradation_pct, mean_degradation_pct, max_degradation_pct, consistency_score,
       visual_separation, all_windows
FROM scored;
