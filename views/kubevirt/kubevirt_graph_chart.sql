-- kubevirt_graph_chart: one weekly graph of a KubeVirt metric as a PNG, as upstream's weekly-graph draws it (a parameterized report).
--
-- Question: how did one metric evolve week by week, run by run? The chart
-- is titled "Weekly <metric> for <resource>": every run's value as a point
-- ("individual metrics", x = the run's JobDirCreationTime) and the weekly
-- average as a plain line without markers ("weekly averages", x = the ISO
-- Monday; runs that lack the metric are left out, not counted as 0). The y
-- axis is titled with the unit (kubevirt_metric_unit, as the chart option
-- y_unit, so hover texts carry it too); the x axis is padded
-- by 3 % of the span (whole seconds, at least a day) so that the first and
-- last points (and release lines) do not sit on the border. Weeks are kept from the ISO week that contains the
-- since date: a week is drawn whole when any of its days is on or after it
-- (upstream draws the week whose label is on or after sinceDate, and its
-- label is 7 days late in 2025/2026: the runs between sinceDate and the next
-- Monday are drawn there too).
-- With :for_job NULL it is the release graph: every job but density and kwok
-- merged, since the release's sinceDate, with its lineShapes as vertical
-- labelled lines (releases, k8s bumps).
-- Call it as: SELECT points, chart FROM kubevirt_graph_chart('periodic-kubevirt-e2e-k8s-1.34-sig-performance', 'vmi', 'vmiCreationToRunningSecondsP95', '2026-01-01');
-- Parameters:
--   :for_job          a job; NULL = the release graph (the jobs release-graph.sh merges)
--   :for_resource     'vmi' or 'vm'
--   :for_metric       the metric
--   :since_date       'YYYY-MM-DD': weeks from the one containing it on; NULL = every week (release: its sinceDate)
--   :release_version  the shape.yaml releaseVersion of the release graph; NULL = the last loaded
-- Columns:
--   points    runs drawn (values)
--   weeks     weekly averages drawn
--   from_day  the since date applied ('YYYY-MM-DD', NULL = none)
--   chart     the PNG (NULL when there is no point)
WITH rel AS (
  SELECT id, since_date FROM kubevirt_release
  WHERE :for_job IS NULL AND (:release_version IS NULL OR release_version = :release_version)
  ORDER BY id DESC LIMIT 1
), marks AS (
  SELECT json_group_array(json_object('x', x0, 'label', label_text, 'color', line_color, 'width', line_width,
                                      'dash', line_dash, 'xanchor', label_xanchor)) AS j,
         min(unixepoch(x0)) AS lo, max(unixepoch(x0)) AS hi
  FROM (SELECT k.* FROM kubevirt_release_marker AS k JOIN rel ON k.release_id = rel.id ORDER BY k.seq)
), lim AS (
  SELECT CASE WHEN :for_job IS NULL THEN (SELECT since_date FROM rel) ELSE :since_date END AS since
), pts AS (
  -- from the series (one or a few rows) into kubevirt_metric's key (series_id, week_day): no table scan
  SELECT r.run_time AS x, m.value AS y, r.week_start AS week
  FROM kubevirt_series AS se
  CROSS JOIN kubevirt_metric AS m ON m.series_id = se.id
  JOIN kubevirt_result AS x ON x.id = m.result_id
  JOIN kubevirt_run AS r ON r.id = x.run_id
  WHERE se.resource = :for_resource AND se.metric = :for_metric
    AND (:for_job IS NULL OR se.job = :for_job)
    AND (:for_job IS NOT NULL
         OR (se.job NOT LIKE '%density%' AND se.job NOT LIKE '%kwok%' AND EXISTS (SELECT 1 FROM rel)))
    AND m.week_day >= coalesce(CAST(julianday((SELECT since FROM lim), '-6 days') - 2440587.5 AS INTEGER), -1e9)
    AND r.week_start >= coalesce(date((SELECT since FROM lim), '-6 days'), '')
), series AS (
  SELECT x, y, 'individual metrics' AS s, 0 AS k FROM pts
  UNION ALL
  SELECT week, avg(y), 'weekly averages', 1 FROM pts GROUP BY week
), span AS (
  SELECT count(*) FILTER (WHERE k = 0) AS n, count(*) FILTER (WHERE k = 1) AS w,
         min(unixepoch(x)) AS lo, max(unixepoch(x)) AS hi
  FROM series
), box AS (
  SELECT n, w, min(span.lo, coalesce(marks.lo, span.lo)) AS lo, max(span.hi, coalesce(marks.hi, span.hi)) AS hi,
         coalesce(marks.j, '[]') AS markers
  FROM span, marks
), padded AS (
  SELECT *, max(CAST((hi - lo) * 0.03 AS INTEGER), 86400) AS pad FROM box
), opts AS (
  -- the unit (chart option y_unit) is the y axis title; a metric without a known unit: 'value'
  SELECT CASE WHEN u.unit IS NULL OR u.unit = 'value' THEN json_set(o, '$.y_label', 'value')
              ELSE json_set(o, '$.y_unit', u.unit) END AS o
  FROM (SELECT json_object(
                 'title', 'Weekly ' || :for_metric || ' for ' || :for_resource,
                 'x_type', 'time', 'x_label', 'Start date of week',
                 'width', 1000, 'height', 500,
                 'series', json_object('individual metrics', json_object('mode', 'markers'),
                                       'weekly averages', json_object('mode', 'lines')),
                 'markers', json(markers),
                 'x_min', strftime('%Y-%m-%dT%H:%M:%SZ', lo - pad, 'unixepoch'),
                 'x_max', strftime('%Y-%m-%dT%H:%M:%SZ', hi + pad, 'unixepoch')) AS o
        FROM padded)
  LEFT JOIN (SELECT unit FROM kubevirt_metric_unit WHERE metric = :for_metric) AS u
)
SELECT box.n AS points, box.w AS weeks, (SELECT since FROM lim) AS from_day,
       CASE WHEN box.n > 0 THEN (SELECT chart_line(x, y, s, opts.o) FROM (SELECT * FROM series ORDER BY k, x), opts)
       END AS chart
FROM box
