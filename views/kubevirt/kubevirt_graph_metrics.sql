-- kubevirt_graph_metrics: the charts of each KubeVirt graph page, in page order (a parameterized report).
--
-- Question: which metrics does `kubevirt-graph` draw on each job × resource
-- page (or release page), and in which order? By default upstream's lists
-- (kubevirt_graph_metric_list): a density job's vmi page and every vm page
-- except kwok's get the 45-metric list with the WATCH-* counts, the others the
-- 42-metric list; only metrics with at least one value are listed (upstream
-- draws an empty chart for the others).
-- Call it as: SELECT * FROM kubevirt_graph_metrics('periodic-kubevirt-e2e-k8s-1.34-sig-performance', 'vmi');
-- Parameters:
--   :for_job       a job name; NULL = every job
--   :for_resource  'vmi' or 'vm'; NULL = both
--   :only_metrics  comma-separated metric names in page order; 'all' = every metric with values; NULL = upstream's list
--   :release_set   1 = the release graph's set: every job but density and kwok merged (job = '')
-- Columns:
--   job       the job ('' for the release set)
--   resource  'vmi' or 'vm'
--   pos       position on the page
--   metric    the metric
--   list      the upstream list the page follows: 'plain' (42) or 'watch' (45)
WITH s AS (
  SELECT CASE WHEN coalesce(:release_set, 0) THEN '' ELSE se.job END AS job, se.resource, se.metric,
         CASE WHEN coalesce(:release_set, 0) THEN CASE se.resource WHEN 'vm' THEN 'watch' ELSE 'plain' END
              WHEN se.job LIKE '%density%' THEN 'watch'
              WHEN se.job LIKE '%kwok%' THEN 'plain'
              WHEN se.resource = 'vm' THEN 'watch' ELSE 'plain' END AS list
  FROM kubevirt_series AS se
  WHERE (:for_job IS NULL OR se.job = :for_job)
    AND (:for_resource IS NULL OR se.resource = :for_resource)
    AND se.resource IN ('vmi', 'vm')
    AND (NOT coalesce(:release_set, 0) OR (se.job NOT LIKE '%density%' AND se.job NOT LIKE '%kwok%'))
    AND EXISTS (SELECT 1 FROM kubevirt_metric AS m WHERE m.series_id = se.id)
), pick AS (
  SELECT key AS pos, value AS metric
  FROM json_each(CASE WHEN :only_metrics IS NULL OR :only_metrics = 'all' THEN '[]'
                      ELSE '["' || replace(:only_metrics, ',', '","') || '"]' END)
  WHERE value <> ''
)
SELECT DISTINCT s.job, s.resource,
       CASE WHEN :only_metrics = 'all' THEN 0 WHEN :only_metrics IS NOT NULL THEN p.pos ELSE l.pos END AS pos,
       s.metric, s.list
FROM s
LEFT JOIN kubevirt_graph_metric_list AS l ON l.list = s.list AND l.metric = s.metric
LEFT JOIN pick AS p ON p.metric = s.metric
WHERE CASE WHEN :only_metrics = 'all' THEN 1
           WHEN :only_metrics IS NOT NULL THEN p.metric IS NOT NULL
           ELSE l.metric IS NOT NULL END
ORDER BY s.job, s.resource, pos, s.metric
