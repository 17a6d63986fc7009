-- remote_overhead_chart: one bar chart (PNG) per topic: each tool case's change against its baseline, per metric (a parameterized report).
--
-- Question: at a glance, what does each eBPF tool cost, case by case and metric by metric?
-- The bars are the rows of remote_overhead_bars. `perfsql export remote` writes
-- charts/overhead_<topic>.png from
--   SELECT topic, chart FROM remote_overhead_chart(1400, 560, ': change vs baseline over all iterations')
-- and shows the same charts in report.html.
-- Parameters:
--   :width_px    chart width in pixels; NULL = 1200
--   :height_px   chart height in pixels; NULL = 480
--   :title_tail  what follows the topic in the title; NULL = ': change vs baseline'
-- Columns:
--   topic   the framework's topic
--   chart   PNG: grouped bars, one group per case, one bar per metric (diff vs baseline, %)
SELECT topic, chart_bar(label, diff_pct, series,
    json_object('title', topic || coalesce(:title_tail, ': change vs baseline'), 'y_label', 'diff vs baseline (%)',
                'width', coalesce(:width_px, 1200), 'height', coalesce(:height_px, 480))) AS chart
FROM remote_overhead_bars GROUP BY topic ORDER BY topic
