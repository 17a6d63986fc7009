-- capture_diff: two captures compared task by task, as rates (% of one core, switches per second), tasks of one side only listed too (a parameterized report).
--
-- Question: between two captures, which tasks use more CPU, switch more, wait longer, appear or vanish?
-- Tasks are matched by display name (annotate them with a task map so that names survive restarts);
-- threads sharing a name are summed. Rates are over each capture's own span, so captures of different
-- lengths compare. change_pp = other - base in percentage points of one core; change_pct is the relative
-- change of % of one core (NULL for a task of one side only); severity = regress_severity(change_pct)
-- (more CPU = worse). Biggest absolute change first.
-- Call it as a table-valued function: SELECT * FROM capture_diff('baseline', 'candidate');
-- (NULL for either capture = every capture on that side).
-- Parameters:
--   :base_capture   the old capture's name
--   :other_capture  the new capture's name
-- Columns:
--   base                 capture name (old)
--   other                capture name (new)
--   name                 task display name
--   status               'both', 'only in base' or 'only in other'
--   base_pct_core        run time in base as % of one core
--   other_pct_core       the same in other
--   change_pp            other_pct_core - base_pct_core, percentage points
--   change_pct           relative change of % of one core, %
--   base_switches_s      sched-ins per second in base
--   other_switches_s     sched-ins per second in other
--   switches_change_pct  relative change of switches per second, %
--   base_max_wait_ms     longest scheduling delay in base, ms
--   other_max_wait_ms    the same in other
--   severity             regress_severity(change_pct)
WITH t AS (
  SELECT s.capture_id, s.name, 100.0 * sum(s.run_ns) / max(c.end_ts - c.start_ts, 1) AS pct,
         sum(s.sched_in) * 1e9 / max(c.end_ts - c.start_ts, 1) AS sw_s, max(s.max_wait_ns) AS max_wait_ns
  FROM task_summary AS s JOIN capture AS c ON c.id = s.capture_id
  GROUP BY s.capture_id, s.name
), pairs AS (
  SELECT a.id AS a_id, a.name AS a_name, b.id AS b_id, b.name AS b_name
  FROM capture AS a JOIN capture AS b ON a.id <> b.id
  WHERE (:base_capture IS NULL OR a.name = :base_capture) AND (:other_capture IS NULL OR b.name = :other_capture)
), keys AS (
  SELECT p.*, t.name FROM pairs AS p JOIN t ON t.capture_id = p.a_id
  UNION
  SELECT p.*, t.name FROM pairs AS p JOIN t ON t.capture_id = p.b_id
), d AS (
  SELECT k.a_name AS base, k.b_name AS other, k.name,
         CASE WHEN x.name IS NULL THEN 'only in other' WHEN y.name IS NULL THEN 'only in base' ELSE 'both' END AS status,
         x.pct AS bp, y.pct AS op, x.sw_s AS bs, y.sw_s AS os, x.max_wait_ns AS bw, y.max_wait_ns AS ow
  FROM keys AS k
  LEFT JOIN t AS x ON x.capture_id = k.a_id AND x.name = k.name
  LEFT JOIN t AS y ON y.capture_id = k.b_id AND y.name = k.name
)
SELECT base, other, name, status, round(bp, 2) AS base_pct_core, round(op, 2) AS other_pct_core,
       round(coalesce(op, 0) - coalesce(bp, 0), 2) AS change_pp,
       round(100.0 * (op - bp) / nullif(bp, 0), 2) AS change_pct,
       round(bs, 1) AS base_switches_s, round(os, 1) AS other_switches_s,
       round(100.0 * (os - bs) / nullif(bs, 0), 2) AS switches_change_pct,
       round(bw / 1e6, 3) AS base_max_wait_ms, round(ow / 1e6, 3) AS other_max_wait_ms,
       regress_severity(round(100.0 * (op - bp) / nullif(bp, 0), 2)) AS severity
FROM d
ORDER BY base, other, abs(coalesce(op, 0) - coalesce(bp, 0)) DESC, name
