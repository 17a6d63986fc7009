-- kubevirt_release_weekly: weekly statistics for a release graph, from each loaded shape.yaml's sinceDate on.
--
-- Question: how did each metric evolve during a release cycle, across the
-- Kubernetes provider bumps? Like upstream's release-graph.sh, every job except
-- the density and kwok jobs is merged into one series per resource × metric
-- (upstream lets the later job overwrite a week both cover; here the week's
-- statistics are over all their runs). Weeks are kept from the one that
-- contains the release's sinceDate on. Missing metrics are missing (never 0).
-- Columns:
--   release_version   shape.yaml releaseVersion (e.g. 'v1-8')
--   since_date        shape.yaml sinceDate
--   resource, metric  the series
--   week_start        ISO Monday of the week
--   runs              runs that reported the metric in that week
--   mean, min, max, median, p95   statistics of those runs' values
--   jobs              the jobs that contributed, comma-separated
CREATE VIEW kubevirt_release_weekly AS
SELECT rel.release_version, rel.since_date, x.resource, s.metric, r.week_start,
       count(*) AS runs, avg(m.value) AS mean, min(m.value) AS min, max(m.value) AS max,
       median(m.value) AS median, percentile(m.value, 95) AS p95,
       group_concat(DISTINCT r.job) AS jobs
FROM kubevirt_release AS rel
JOIN kubevirt_run AS r ON r.week_start >= date(rel.since_date, '-6 days')
JOIN kubevirt_result AS x ON x.run_id = r.id
JOIN kubevirt_metric AS m ON m.result_id = x.id
JOIN kubevirt_series AS s ON s.id = m.series_id
WHERE r.job NOT LIKE '%density%' AND r.job NOT LIKE '%kwok%'
GROUP BY rel.id, x.resource, s.metric, r.week_start;
