-- kubevirt_graph_metric_list: the metric lists upstream's graph scripts draw, in their order.
--
-- Question: which metrics does perf-report-creator's weekly-graph draw on a
-- page, and in what order? From kubevirt/project-infra
-- robots/perf-report-creator/graph.sh and release-graph.sh (--metrics-list):
-- 'plain' (42 metrics) is the sig-performance vmi page, both kwok pages and the
-- release vmi page; 'watch' (45: the same plus WATCH-virtualmachineinstances,
-- WATCH-pods and WATCH-virtualmachineinstancemigrations counts, interleaved
-- after their LIST) is the sig-performance vm page, the release vm page and
-- the density job's vmi page (graph.sh before 2c863fd10, 2026-08-22; the
-- density vmi page of ci-performance-benchmarks has these 45 charts).
-- Columns:
--   list     'plain' or 'watch'
--   pos      position on the page (0-based)
--   metric   the metric name
CREATE VIEW kubevirt_graph_metric_list AS
WITH plain(pos, metric) AS (SELECT key, value FROM json_each(
  '["vmiCreationToRunningSecondsP50","vmiCreationToRunningSecondsP95"
   ,"LIST-virtualmachineinstances-count","LIST-pods-count","LIST-nodes-count"
   ,"LIST-virtualmachineinstancemigrations-count","LIST-endpoints-count"
   ,"GET-virtualmachineinstances-count","GET-pods-count","GET-nodes-count"
   ,"GET-virtualmachineinstancemigrations-count","GET-endpoints-count"
   ,"CREATE-virtualmachineinstances-count","CREATE-pods-count","CREATE-nodes-count"
   ,"CREATE-virtualmachineinstancemigrations-count","CREATE-endpoints-count"
   ,"PATCH-virtualmachineinstances-count","PATCH-pods-count","PATCH-nodes-count"
   ,"PATCH-virtualmachineinstancemigrations-count","PATCH-endpoints-count"
   ,"UPDATE-virtualmachineinstances-count","UPDATE-pods-count","UPDATE-nodes-count"
   ,"UPDATE-virtualmachineinstancemigrations-count","UPDATE-endpoints-count"
   ,"avgVirtAPIMemoryUsageInMB","minVirtAPIMemoryUsageInMB","maxVirtAPIMemoryUsageInMB"
   ,"avgVirtAPICPUUsage","avgVirtControllerMemoryUsageInMB","minVirtControllerMemoryUsageInMB"
   ,"maxVirtControllerMemoryUsageInMB","avgVirtControllerCPUUsage","avgVirtHandlerMemoryUsageInMB"
   ,"minVirtHandlerMemoryUsageInMB","maxVirtHandlerMemoryUsageInMB","avgVirtHandlerCPUUsage"
   ,"virtControllerWorkqueueAddRate","virtControllerWorkqueueDepth"
   ,"virtControllerWorkqueueP99Latency"]'
)),
-- the 'watch' list is the plain one with each of these three WATCH counts right after its LIST
watch(pos, metric) AS (
  SELECT pos * 2, metric FROM plain
  UNION ALL
  SELECT pos * 2 + 1, 'WATCH-' || substr(metric, 6) FROM plain
  WHERE metric IN ('LIST-virtualmachineinstances-count', 'LIST-pods-count',
                   'LIST-virtualmachineinstancemigrations-count'))
SELECT 'plain' AS list, pos, metric FROM plain
UNION ALL
SELECT 'watch', row_number() OVER (ORDER BY pos) - 1, metric FROM watch;
