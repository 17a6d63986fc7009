-- demo_chart_table: a small line chart per task in a table, as the demo's chart page shows it.
--
-- Question: how does a chart per group look in a report table? (`html_table_from_sql` embeds
-- every PNG cell as an image.)
-- Columns:
--   task      the task of demo_sched
--   switches  its context switches in total
--   chart     PNG (360x140, no legend): its switches per 20 ms bin
CREATE VIEW demo_chart_table AS
SELECT task, sum(switches) AS switches,
       chart_line(bin_ms, switches, task, '{"width":360,"height":140,"legend":false}') AS chart
FROM demo_sched GROUP BY task ORDER BY task;
