-- bench_check_table: the table of the pull-request comment `perfsql bench check` writes (a parameterized report).
--
-- Question: per metric, baseline vs current with units, the threshold, the U test and the verdict, as Markdown-ready text?
-- Call it as a table-valued function: SELECT * FROM bench_check_table('main', 'pr-42');
-- Parameters:
--   :base_run         baseline run: id or label
--   :current_run      current run: id or label
--   :thresholds_yaml  thresholds file text; NULL = defaults
--   :alpha_level      U-test significance level; NULL = the file's or 0.05
--   :time_kind        'real' (default) or 'cpu'
--   :noise_factor     k of the noise rule; NULL = the file's or 3
-- Columns:
--   Metric, Baseline, Current (means with unit), Median (current vs baseline, %), Change (means, %),
--   Threshold, "p (U test)", "Judged by", Verdict (with an emoji; "not gated" for reported-only metrics), Note
SELECT metric AS Metric,
       iif(base IS NULL, '', printf('%.6g', base) || coalesce(' ' || unit, '')) AS Baseline,
       iif(current IS NULL, '', printf('%.6g', current) || coalesce(' ' || unit, '')) AS Current,
       iif(change_pct IS NULL, '', printf('%+.2f%%', change_pct)) AS Change,
       iif(median_change_pct IS NULL, '', printf('%+.2f%%', median_change_pct)) AS Median,
       printf('%g%% (%s)', threshold_pct, better) AS Threshold,
       iif(p_value IS NULL, '', printf('%.3g', p_value)) AS "p (U test)",
       coalesce(judged_by, '') AS "Judged by",
       CASE WHEN NOT gated AND verdict IN ('regression', 'improvement', 'unchanged') THEN 'ℹ️ ' || verdict || ' (not gated)'
            WHEN verdict = 'regression' THEN '❌ regression' WHEN verdict = 'improvement' THEN '🚀 improvement'
            WHEN verdict = 'unchanged' THEN '✅ unchanged' WHEN verdict = 'new' THEN '🆕 new'
            ELSE '⚠️ missing' END AS Verdict,
       coalesce(note, '') AS Note
FROM bench_compare(:base_run, :current_run, :thresholds_yaml, :alpha_level, :time_kind, :noise_factor) AS c
ORDER BY NOT (c.gated AND c.verdict = 'regression'), NOT c.gated, c.metric
