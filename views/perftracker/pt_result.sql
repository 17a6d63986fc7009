-- pt_result: one row per comparison: the summary, the verdict and upstream's result_v2.json document.
--
-- Question: what does the comparison conclude, in upstream's own format?
-- result_json is the document upstream perfreg_v2 writes (result_v2.json),
-- byte for byte: the same keys in the same order, json.dump(indent=2)
-- layout (pt_pyjson), numbers like Python's repr (pt_repr), values rounded
-- to 2 decimals the way upstream rounds them: numpy's rule for its numpy
-- figures (medians, means, maxima, visual separation) and Python's round()
-- for consistency, a Python float (pt_round). decision is deterministic:
-- BLOCK when any regression is critical, or severe with high confidence;
-- INVESTIGATE when otherwise any regression is severe, or moderate with high
-- or medium confidence; APPROVE otherwise (no regression, or only
-- low-confidence moderate ones). risk is HIGH / MEDIUM / LOW accordingly.
-- The curves are analysed once (pt_curve), PerfTracker's t-test once
-- (pt_test_diff).
-- Columns:
--   comparison             pt_comparison.id
--   baseline_job_id, baseline_ver, baseline_uuid, baseline_product     baseline job
--   candidate_job_id, candidate_ver, candidate_uuid, candidate_product  candidate job
--   hardware               candidate's hardware
--   curves_analyzed        curves with enough points (pt_curve)
--   regressions_detected   regressed curves (pt_regression)
--   critical, severe, moderate   regressions by severity
--   high, medium, low      regressions by confidence
--   tests_worse, tests_better    PerfTracker's own comparison: significant flags (pt_test_diff)
--   decision               'BLOCK' | 'INVESTIGATE' | 'APPROVE'
--   risk                   'HIGH' | 'MEDIUM' | 'LOW'
--   title                  report title: '<product> <baseline ver> vs <candidate ver>', or, when the
--                          products differ, '<baseline product> <ver> vs <candidate product> <ver>'
--   result_json            upstream's result_v2.json document (text)
CREATE VIEW pt_result AS
WITH cu AS MATERIALIZED (SELECT * FROM pt_curve),
r AS (
  SELECT comparison, count(*) AS curves, sum(regressed) AS n,
         sum(severity = 'critical') AS critical, sum(severity = 'severe') AS severe,
         sum(severity = 'moderate') AS moderate,
         sum(confidence = 'high') AS high, sum(confidence = 'medium') AS medium,
         sum(confidence = 'low') AS low,
         sum(severity = 'critical' OR (severity = 'severe' AND confidence = 'high')) AS blockers,
         sum(severity = 'severe' OR (severity = 'moderate' AND confidence IN ('high', 'medium'))) AS suspects
  FROM cu GROUP BY comparison
),
regs AS (
  SELECT comparison, rank,
         json_group_array(json(json_object(
           'endpoint', endpoint, 'metric_type', metric_type, 'threads', threads, 'scenario', scenario,
           'severity', severity, 'confidence', confidence, 'data_quality', data_quality,
           'points_analyzed', points,
           'median_pct_change_overall', json(pt_repr(pt_round(median_pct_change, 2, 'numpy'))),
           'worst_window', json_object(
             'location', location, 'size', size,
             'median_degradation_pct', json(pt_repr(pt_round(median_degradation_pct, 2, 'numpy'))),
             'mean_degradation_pct', json(pt_repr(pt_round(mean_degradation_pct, 2, 'numpy'))),
             'max_degradation_pct', json(pt_repr(pt_round(max_degradation_pct, 2, 'numpy'))),
             'consistency_score', json(pt_repr(pt_round(consistency_score, 2))),
             'visual_separation', json(pt_repr(pt_round(visual_separation, 2, 'numpy')))),
           'all_windows', (SELECT json_group_array(json_object(
                             'location', a.value ->> 'location',
                             'median_degradation',
                               json(pt_repr(pt_round(a.value ->> 'median_degradation', 2, 'numpy'))),
                             'consistency', json(pt_repr(pt_round(a.value ->> 'consistency', 2)))))
                           FROM json_each(all_windows) AS a))))
           OVER (PARTITION BY comparison ORDER BY rank ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
           AS regressions
  FROM cu WHERE regressed
),
td AS (SELECT comparison, sum(flag = -1) AS worse, sum(flag = 1) AS better FROM pt_test_diff GROUP BY comparison),
v AS (
  SELECT c.id AS comparison, b.job_id AS baseline_job_id, b.product_ver AS baseline_ver, b.uuid AS baseline_uuid,
         b.product_name AS baseline_product,
         d.job_id AS candidate_job_id, d.product_ver AS candidate_ver, d.uuid AS candidate_uuid,
         d.product_name AS candidate_product,
         d.hardware, coalesce(r.curves, 0) AS curves_analyzed, coalesce(r.n, 0) AS regressions_detected,
         coalesce(r.critical, 0) AS critical, coalesce(r.severe, 0) AS severe,
         coalesce(r.moderate, 0) AS moderate, coalesce(r.high, 0) AS high,
         coalesce(r.medium, 0) AS medium, coalesce(r.low, 0) AS low,
         coalesce(td.worse, 0) AS tests_worse, coalesce(td.better, 0) AS tests_better,
         CASE WHEN coalesce(r.blockers, 0) > 0 THEN 'BLOCK'
              WHEN coalesce(r.suspects, 0) > 0 THEN 'INVESTIGATE' ELSE 'APPROVE' END AS decision,
         CASE WHEN b.product_name IS d.product_name
              THEN coalesce(d.product_name, '') || ' ' || coalesce(b.product_ver, '?') || ' vs '
                   || coalesce(d.product_ver, '?')
              ELSE coalesce(b.product_name, '?') || ' ' || coalesce(b.product_ver, '?') || ' vs '
                   || coalesce(d.product_name, '?') || ' ' || coalesce(d.product_ver, '?') END AS title,
         json_object(
           'detection_method', 'visual_pattern_recognition_v2',
           'config', json_object(
             'min_window_size', c.min_window_size,
             'min_degradation_pct', json(pt_repr(c.min_degradation_pct)),
             'severe_degradation_pct', json(pt_repr(c.severe_pct)),
             'consistency_threshold', json(pt_repr(c.consistency)),
             'min_visual_separation', json(pt_repr(c.min_visual_sep))),
           'metadata', json_object(
             'run1', json_object('id', b.job_id, 'product_ver', b.product_ver, 'tests_total', b.tests_total,
                                 'tests_errors', b.tests_errors, 'tests_failed', b.tests_failed),
             'run2', json_object('id', d.job_id, 'product_ver', d.product_ver, 'tests_total', d.tests_total,
                                 'tests_errors', d.tests_errors, 'tests_failed', d.tests_failed)),
           'summary', json_object(
             'curves_analyzed', coalesce(r.curves, 0), 'regressions_detected', coalesce(r.n, 0),
             'by_severity', json_object('critical', coalesce(r.critical, 0), 'severe', coalesce(r.severe, 0),
                                        'moderate', coalesce(r.moderate, 0)),
             'by_confidence', json_object('high', coalesce(r.high, 0), 'medium', coalesce(r.medium, 0),
                                          'low', coalesce(r.low, 0))),
           'regressions', json(coalesce((SELECT g.regressions FROM regs AS g
                                         WHERE g.comparison = c.id AND g.rank = 1), '[]'))) AS doc
  FROM pt_comparison AS c
  JOIN pt_job AS b ON b.id = c.baseline
  JOIN pt_job AS d ON d.id = c.candidate
  LEFT JOIN r ON r.comparison = c.id
  LEFT JOIN td ON td.comparison = c.id
)
SELECT comparison, baseline_job_id, baseline_ver, baseline_uuid, baseline_product, candidate_job_id,
       candidate_ver, candidate_uuid, candidate_product, hardware, curves_analyzed, regressions_detected,
       critical, severe, moderate, high, medium, low, tests_worse, tests_better, decision,
       CASE decision WHEN 'BLOCK' THEN 'HIGH' WHEN 'INVESTIGATE' THEN 'MEDIUM' ELSE 'LOW' END AS risk,
       title, pt_pyjson(doc) AS result_json
FROM v ORDER BY comparison;
