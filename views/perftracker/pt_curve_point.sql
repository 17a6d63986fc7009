-- pt_curve_point: the aligned points of every curve of every comparison, with the change in percent (worse = positive).
--
-- Question: for a baseline-vs-candidate comparison (pt_comparison), what does
-- each curve look like point by point? A curve is the upstream AI tool's key
-- parsed from the test tag (endpoint, metric_type, threads, scenario; see
-- pt_tag_part); x is the first integer of the category. Only SUCCESS tests
-- count; within a job a later test with the same curve and category replaces
-- an earlier one; points are the baseline's categories present in the
-- candidate with baseline avg_score >= min_baseline, ordered by x (ties: first
-- occurrence). pct = (candidate - baseline) / baseline * 100, NULL when either
-- is <= 0, negated when worse means smaller: for 'rate' curves (upstream) and,
-- when the tag gives no direction hint and honour_less_better = 1, for tests
-- with less_better = 0 (upstream never negates 'unknown' curves and negates
-- every non-latency tag: honour_less_better = 0 restores that exactly).
-- Columns:
--   comparison   pt_comparison.id
--   endpoint     'GET /api/policies'
--   metric_type  'latency' | 'rate' | 'unknown' (upstream's names)
--   threads      N of "(N th)", default 1
--   scenario     '(list policies)'
--   idx          0-based position of the point on the curve
--   x            load level: the first integer of the category
--   category     the category text both jobs share
--   baseline     baseline avg_score
--   candidate    candidate avg_score
--   samples      baseline samples (1 when missing)
--   lower_is_better 1 when a smaller value is better for this point
--   pct          change in percent, worse = positive; NULL when not computable
CREATE VIEW pt_curve_point AS
WITH keyed AS MATERIALIZED (
  SELECT t.job, t.pos, t.category, t.avg_score, coalesce(t.samples, 1) AS samples, t.less_better,
         pt_tag_part(t.tag, 'endpoint') AS endpoint, pt_tag_part(t.tag, 'metric_type') AS metric_type,
         pt_tag_part(t.tag, 'threads') AS threads, pt_tag_part(t.tag, 'scenario') AS scenario,
         pt_tag_part(t.tag, 'direction') AS direction, pt_load_value(t.category) AS x
  FROM pt_test AS t
  WHERE t.status = 'SUCCESS'
    AND t.job IN (SELECT baseline FROM pt_comparison UNION SELECT candidate FROM pt_comparison)
),
pair AS (   -- one GROUP BY: both jobs' rows of a (curve, category) meet here, the later test of each job wins
  SELECT c.id AS comparison, l.endpoint, l.metric_type, l.threads, l.scenario, l.category,
         pt_last(CASE WHEN l.job = c.baseline THEN l.pos END, l.x) AS x,
         pt_last(CASE WHEN l.job = c.baseline THEN l.pos END, l.avg_score) AS baseline,
         pt_last(CASE WHEN l.job = c.candidate THEN l.pos END, coalesce(l.avg_score, 0)) AS candidate,
         pt_last(CASE WHEN l.job = c.baseline THEN l.pos END, l.samples) AS samples,
         min(CASE WHEN l.job = c.baseline THEN l.pos END) AS first_pos,
         pt_last(CASE WHEN l.job = c.baseline THEN l.pos END,
                 CASE WHEN c.honour_less_better AND l.direction IS NULL THEN l.less_better
                      ELSE l.metric_type <> 'rate' END) AS lower_is_better,
         max(l.job = c.baseline) AS in_baseline, max(l.job = c.candidate) AS in_candidate,
         min(c.min_baseline) AS min_baseline
  FROM pt_comparison AS c
  JOIN keyed AS l ON l.job IN (c.baseline, c.candidate)
  GROUP BY c.id, l.endpoint, l.metric_type, l.threads, l.scenario, l.category
),
pts AS (
  SELECT * FROM pair WHERE in_baseline AND in_candidate AND baseline >= min_baseline
)
SELECT comparison, endpoint, metric_type, threads, scenario,
       row_number() OVER (PARTITION BY comparison, endpoint, metric_type, threads, scenario
                          ORDER BY x, first_pos) - 1 AS idx,
       x, category, baseline, candidate, samples, lower_is_better,
       CASE WHEN baseline <= 0 OR candidate <= 0 THEN NULL
            WHEN lower_is_better THEN ((candidate - baseline) / baseline) * 100.0
            ELSE -(((candidate - baseline) / baseline) * 100.0) END AS pct
FROM pts;
