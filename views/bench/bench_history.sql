-- bench_history: change points in each metric's history (Apache Otava's detector, default options).
--
-- Question: at which run did a metric's level change, by how much, and how sure is it?
-- The parameterized report bench_change_points() with every option at its default (window 50,
-- step 25, p <= 0.001, no minimum magnitude, every run) over every (label, metric) series of
-- bench_series; call bench_change_points(...) directly for `bench history`'s options.
-- Columns:
--   label          run label (each label is its own history)
--   metric         metric name
--   pos            position of the first run of the new level in the series (1-based)
--   run_id         that run (bench_run.id)
--   run_at         when it ran
--   git_commit     the commit that introduced the change (first run after it)
--   mean_before    mean of the segment before the change point
--   mean_after     mean of the segment after it
--   change_pct     100 * (mean_after / mean_before - 1)
--   pvalue         two-sided pooled t-test p-value between the two segments
CREATE VIEW bench_history AS
SELECT label, metric, pos, run_id, run_at, git_commit, mean_before, mean_after, change_pct, pvalue
FROM bench_change_points();
