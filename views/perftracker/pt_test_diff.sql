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
WITH t AS MATERIALIZED (
  SELECT *, row_number() OVER (PARTITION BY job, group_tag, tag, category ORDER BY pos DESC) AS dup
  FROM pt_test
  WHERE job IN (SELECT baseline FROM pt_comparison UNION SELECT candidate FROM pt_comparison)
),
pair AS (   -- one GROUP BY instead of a self-join
  SELECT c.id AS comparison, min(c.ttest_alpha) AS ttest_alpha, t.group_tag, t.tag, t.category,
         max(CASE WHEN t.job = c.baseline THEN t.metrics END) AS metrics,
         max(CASE WHEN t.job = c.baseline THEN t.less_better END) AS less_better,
         max(CASE WHEN t.job = c.baseline THEN t.avg_score END) AS prev_score,
         max(CASE WHEN t.job = c.baseline THEN t.avg_dev END) AS prev_dev,
         max(CASE WHEN t.job = c.baseline THEN t.samples END) AS prev_samples,
         max(CASE WHEN t.job = c.baseline THEN t.status END) AS prev_status,
         max(CASE WHEN t.job = c.candidate THEN t.avg_score END) AS cur_score,
         max(CASE WHEN t.job = c.candidate THEN t.avg_dev END) AS cur_dev,
         max(CASE WHEN t.job = c.candidate THEN t.samples END) AS cur_samples,
         max(CASE WHEN t.job = c.candidate THEN t.status END) AS cur_status,
         max(CASE WHEN t.job = c.candidate THEN t.errors END) AS cur_errors,
         max(CASE WHEN t.job = c.baseline THEN t.pos END) AS pos,
         max(t.job = c.baseline) AS in_baseline, max(t.job = c.candidate) AS in_candidate
  FROM pt_comparison AS c
  JOIN t ON t.job IN (c.baseline, c.candidate) AND t.dup = 1
  GROUP BY c.id, t.group_tag, t.tag, t.category
  HAVING in_baseline AND in_candidate
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
