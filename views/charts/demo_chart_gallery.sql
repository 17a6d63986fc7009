-- demo_chart_gallery: one chart of every kind over generated data, as `perfsql demo` writes them (a parameterized report).
--
-- Question: what does each chart aggregate draw, and with which SQL?
-- Call it as a table-valued function: SELECT file, heading FROM demo_chart_gallery(NULL);
-- The data is generated here (deterministic, no random()), so it needs nothing loaded.
-- Parameters:
--   :markers  JSON array of chart markers (`perfsql demo` passes the bundled KubeVirt release
--             markers of shape.yaml, data/charts/kubevirt_markers.json); NULL = no markers
-- Columns:
--   file     the PNG's file name under out/charts/
--   heading  what the chart shows
--   about    how it is drawn
--   png      the chart (1200x600 PNG)
WITH RECURSIVE
  ci_day(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM ci_day WHERE i < 230),
  demo_ci AS (
    SELECT date('2025-01-02', '+' || (i * 2) || ' days') AS day,
           31.0 + 4 * sin(i / 9.0) + ((i * 7919) % 97) / 16.0 + CASE WHEN i > 120 THEN 6 ELSE 0 END AS value
    FROM ci_day),
  trace_i(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM trace_i WHERE i < 199999),
  scatter_i(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM scatter_i WHERE i < 599),
  scatter_r AS (
    SELECT i, (i * 0.6180339887) - floor(i * 0.6180339887) AS u,
           abs(sin(i * 12.9898) * 43758.5453) - floor(abs(sin(i * 12.9898) * 43758.5453)) AS v
    FROM scatter_i),
  bench(bench, ops, build, err) AS (VALUES
    ('seq-read', 182000, 'baseline', 4100), ('seq-read', 179500, 'candidate', 3900),
    ('rand-read', 96000, 'baseline', 2500), ('rand-read', 71000, 'candidate', 5200),
    ('seq-write', 121000, 'baseline', 3100), ('seq-write', 124500, 'candidate', 2800),
    ('rand-write', 45500, 'baseline', 1900), ('rand-write', 46100, 'candidate', 2100))
SELECT file, heading, about, png FROM (
  SELECT 1 AS ord, 'weekly_line.png' AS file,
         'Weekly metric with release markers (chart_line)' AS heading,
         'Raw CI runs as points, weekly averages as a line, KubeVirt releases and k8s bumps as dotted ' ||
         'markers (from shape.yaml), a shaded band over the regression window.' AS about,
         chart_line(x, y, series, json_object(
           'title', 'Weekly vmiCreationToRunningSecondsP95 for vmi', 'x_label', 'date',
           'y_label', 'seconds', 'markers', json(coalesce(:markers, '[]')),
           'series', json_object('individual metrics', json_object('mode', 'markers')),
           'bands', json_array(json_object('x0', '2025-07-30', 'x1', '2025-09-10', 'label', 'regression')))) AS png
  FROM (SELECT day AS x, value AS y, 'individual metrics' AS series FROM demo_ci
        UNION ALL
        SELECT date(day, 'weekday 1', '-7 days') AS x, avg(value), 'weekly averages'
        FROM demo_ci GROUP BY 1 ORDER BY 1)
  UNION ALL
  SELECT 2, 'trace_line.png',
         '200,000-point latency trace (chart_line, decimated per pixel column)',
         'Nanosecond timestamps (x_type time_ns); the rare 200 us spikes survive decimation because ' ||
         'every pixel column keeps its first, last, minimum and maximum point.',
         chart_line(1767225600000000000 + i * 50000,
                    20 + 5 * sin(i / 3000.0) + ((i * 2654435761) % 1000) / 200.0
                    + CASE WHEN i % 37111 = 0 THEN 180 ELSE 0 END,
                    'wakeup latency',
                    '{"title":"Wakeup latency, 200k samples","x_type":"time_ns","y_label":"us","x_label":"time (UTC)"}')
  FROM trace_i
  UNION ALL
  SELECT 3, 'compare_bar.png', 'Baseline vs candidate (chart_bar with error bars)',
         'Grouped bars with +/- one standard deviation (5-argument form).',
         chart_bar(bench, ops, build, err, '{"title":"Throughput by benchmark","y_label":"operations / s"}')
  FROM bench
  UNION ALL
  SELECT 4, 'sched_heatmap.png', 'Context switches per task and 20 ms bin (chart_heatmap)',
         'Viridis scale: the hottest cell (vcpu1 around 400-520 ms) has the top colour.',
         chart_heatmap(bin_ms, task, switches, '{"title":"Context switches per 20 ms",' ||
                       '"x_label":"time since capture start (ms)","z_label":"switches"}')
  FROM demo_sched
  UNION ALL
  SELECT 5, 'latency_scatter.png', 'Request size vs latency (chart_scatter)', 'Two builds as two point sets.',
         chart_scatter(4 + u * 1020,
                       (0.6 + u * 1020 / 280.0) * (0.85 + 0.3 * v) * CASE i % 2 WHEN 0 THEN 1.0 ELSE 1.3 END,
                       CASE i % 2 WHEN 0 THEN 'baseline' ELSE 'candidate' END,
                       '{"title":"Latency by request size","x_label":"request size (KiB)","y_label":"latency (ms)"}')
  FROM scatter_r)
ORDER BY ord
