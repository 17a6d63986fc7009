-- pt_summary: one line per comparison: curves analysed, regressions by severity and confidence, and the verdict.
--
-- Question: should the candidate ship? The summary columns of pt_result
-- (rules there): decision BLOCK when any regression is critical, or severe
-- with high confidence; INVESTIGATE when otherwise any regression is severe,
-- or moderate with high or medium confidence; APPROVE otherwise.
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
SELECT comparison, baseline_job_id, baseline_ver, baseline_uuid, candidate_job_id, candidate_ver, candidate_uuid,
       hardware, curves_analyzed, regressions_detected, critical, severe, moderate, high, medium, low,
       tests_worse, tests_better, decision, risk
FROM pt_result;
