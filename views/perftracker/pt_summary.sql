-- pt_summary: one line per comparison: curves analysed, regressions by severity and confidence, and the verdict.
--
-- Question: should the candidate ship? decision is deterministic:
-- BLOCK when any regression is critical, or severe with high confidence;
-- INVESTIGATE when otherwise any regression is severe, or moderate with high
-- or medium confidence; APPROVE otherwise (no regression, or only
-- low-confidence moderate ones). risk is HIGH / MEDIUM / LOW accordingly.
-- Columns:
--   comparison             pt_comparison.id
--   baseline_job_id, baseline_ver, baseline_uuid      baseline job
--   candidate_job_id, candidate_ver, candidate_uuid   candidate job
--   hardware               candidate's hardware
--   curves_analyzed        curves with enough points (pt_curve)
--   regressions_detected   regressed curves (pt_regression)
--   critical, severe, moderate   regressions by severity
--   high, medium, low      regressions by confidence
--   tests_worse, tests_better    PerfTracker's own comparison: significant flags (pt_test_diff)
--   decision               'BLOCK' | 'INVESTIGATE' | 'APPROVE'
--   risk                   'HIGH' | 'MEDIUM' | 'LOW'
CREATE VIEW pt_summary AS
WITH r AS (
  SELECT comparison,
         count(*) AS n,
         sum(severity = 'critical') AS critical, sum(severity = 'severe') AS severe,
         sum(severity = 'moderate') AS moderate,
         sum(confidence = 'high') AS high, sum(confidence = 'medium') AS medium,
         sum(confidence = 'low') AS low,
         sum(severity = 'critical' OR (severity = 'severe' AND confidence = 'high')) AS blockers,
         sum(severity = 'severe' OR (severity = 'moderate' AND confidence IN ('high', 'medium'))) AS suspects
  FROM pt_regression GROUP BY comparison
),
cv AS (SELECT comparison, count(*) AS n FROM pt_curve GROUP BY comparison),
td AS (SELECT comparison, sum(flag = -1) AS worse, sum(flag = 1) AS better FROM pt_test_diff GROUP BY comparison),
v AS (
  SELECT c.id AS comparison, b.job_id AS baseline_job_id, b.product_ver AS baseline_ver, b.uuid AS baseline_uuid,
         d.job_id AS candidate_job_id, d.product_ver AS candidate_ver, d.uuid AS candidate_uuid,
         d.hardware, coalesce(cv.n, 0) AS curves_analyzed, coalesce(r.n, 0) AS regressions_detected,
         coalesce(r.critical, 0) AS critical, coalesce(r.severe, 0) AS severe,
         coalesce(r.moderate, 0) AS moderate, coalesce(r.high, 0) AS high,
         coalesce(r.medium, 0) AS medium, coalesce(r.low, 0) AS low,
         coalesce(td.worse, 0) AS tests_worse, coalesce(td.better, 0) AS tests_better,
         CASE WHEN coalesce(r.blockers, 0) > 0 THEN 'BLOCK'
              WHEN coalesce(r.suspects, 0) > 0 THEN 'INVESTIGATE' ELSE 'APPROVE' END AS decision
  FROM pt_comparison AS c
  JOIN pt_job AS b ON b.id = c.baseline
  JOIN pt_job AS d ON d.id = c.candidate
  LEFT JOIN r ON r.comparison = c.id
  LEFT JOIN cv ON cv.comparison = c.id
  LEFT JOIN td ON td.comparison = c.id
)
SELECT *, CASE decision WHEN 'BLOCK' THEN 'HIGH' WHEN 'INVESTIGATE' THEN 'MEDIUM' ELSE 'LOW' END AS risk
FROM v ORDER BY comparison;
