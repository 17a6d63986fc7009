-- capture_diff_chart: the 20 tasks whose share of one core changed most between two captures, grouped bars (a parameterized report; one row, one PNG).
--
-- Question: which tasks changed most between the two captures?
-- Bars: % of one core in base and in other (0 for a task of one side only), from capture_diff.
-- Call it as a table-valued function: SELECT png FROM capture_diff_chart('baseline', 'candidate');
-- Parameters:
--   :base_capture   the old capture's name
--   :other_capture  the new capture's name
-- Columns:
--   png  the chart (NULL when neither capture has tasks)
WITH d AS (
  SELECT name, coalesce(base_pct_core, 0) AS b, coalesce(other_pct_core, 0) AS o, base, other
  FROM capture_diff(:base_capture, :other_capture)
  WHERE base = :base_capture AND other = :other_capture
  ORDER BY abs(change_pp) DESC, name LIMIT 20
), bars AS (
  SELECT name, b AS v, base AS side, 0 AS k, abs(o - b) AS c FROM d
  UNION ALL
  SELECT name, o, other, 1, abs(o - b) FROM d
)
SELECT chart_bar(name, v, side, '{"title":"Biggest changes (% of one core)","y_label":"% of one core","height":600}') AS png
FROM (SELECT * FROM bars ORDER BY c DESC, name, k)
