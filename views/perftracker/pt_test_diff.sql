-- pt_test_diff: PerfTracker's own comparison of every test of a comparison: percent change and pooled t-test.
--
-- Question: what does PerfTracker's comparison page say about each test? Tests
-- are matched on (group, tag, category), PerfTracker's uniqueness key, the
-- later test winning on duplicates; every status takes part, as on the server.
-- diff_pct is PerfTracker's asymmetric formula: +100*(cur/prev - 1) when the
-- candidate is larger, -100*(prev/cur - 1) when smaller, 0 when equal or either
-- is 0. p_value is Student's t-test with pooled variance from avg_score, avg_dev
-- and samples (scipy ttest_ind_from_stats); significant when p < ttest_alpha
-- (0.1); NULL p (NaN: one sample each, or equal means without variance) is not
-- significant. flag: +1 better, -1 worse (by the baseline's less_better), 0 not
-- significant or equal. cell is the server's table text "<round(diff)> <flag>".
-- Columns:
--   comparison      pt_comparison.id
--   group_tag, tag, category   the test
--   metrics         unit
--   less_better     baseline's less_better
--   prev_score, prev_dev, prev_samples, prev_status   baseline avg_score, avg_dev, samples, status
--   cur_score, cur_dev, cur_samples, cur_status       candidate's
--   cur_errors      candidate's error count
--   diff_pct        asymmetric percent change (positive = candidate larger)
--   p_value         two-sided pooled t-test p-value, NULL when NaN
--   significant     1 when p_value < ttest_alpha
--   flag            +1 better, -1 worse, 0 neither
--   cell            '<round(diff_pct)> <flag>' as PerfTracker prints it
CREATE VIEW pt_test_diff AS
WITH pair AS (   -- index lookups (pt_test(job, tag, category)): the later test of each job wins
  SELECT c.id AS comparison, c.ttest_alpha, p.group_tag, p.tag, p.category, p.metrics, p.less_better,
         p.avg_score AS prev_score, p.avg_dev AS prev_dev, p.samples AS prev_samples, p.status AS prev_status,
         d.avg_score AS cur_score, d.avg_dev AS cur_dev, d.samples AS cur_samples, d.status AS cur_status,
         d.errors AS cur_errors, p.pos
  FROM pt_comparison AS c
  JOIN pt_test AS p ON p.job = c.baseline
  JOIN pt_test AS d ON d.job = c.candidate AND d.tag = p.tag AND d.category = p.category
                   AND d.group_tag IS p.group_tag
  WHERE NOT EXISTS (SELECT 1 FROM pt_test AS x WHERE x.job = p.job AND x.tag = p.tag AND x.category = p.category
                      AND x.group_tag IS p.group_tag AND x.pos > p.pos)
    AND NOT EXISTS (SELECT 1 FROM pt_test AS y WHERE y.job = d.job AND y.tag = d.tag AND y.category = d.category
                      AND y.group_tag IS d.group_tag AND y.pos > d.pos)
),
tested AS (
  SELECT *,
         CASE WHEN prev_score = 0 OR cur_score = 0 OR prev_score = cur_score THEN 0.0
              WHEN cur_score > prev_score THEN 100.0 * (cur_score / prev_score - 1)
              ELSE -100.0 * (prev_score / cur_score - 1) END AS diff_pct,
         pt_ttest_p(prev_score, prev_dev, prev_samples, cur_score, cur_dev, cur_samples) AS p_value
  FROM pair
),
flagged AS (
  SELECT *, coalesce(p_value < ttest_alpha, 0) AS significant FROM tested
)
SELECT comparison, group_tag, tag, category, metrics, less_better,
       prev_score, prev_dev, prev_samples, prev_status, cur_score, cur_dev, cur_samples, cur_status,
       cur_errors, diff_pct, p_value, significant,
       CASE WHEN NOT significant OR cur_score = prev_score THEN 0
            WHEN (cur_score < prev_score) = (less_better = 1) THEN 1 ELSE -1 END AS flag,
       CAST(CAST(round(diff_pct) AS INTEGER) AS TEXT) || ' ' ||
       CASE WHEN NOT significant OR cur_score = prev_score THEN 0
            WHEN (cur_score < prev_score) = (less_better = 1) THEN 1 ELSE -1 END AS cell
FROM flagged
ORDER BY comparison, pos;
