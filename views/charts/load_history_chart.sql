-- load_history_chart: rows written by each load, as one bar chart (PNG).
--
-- Question: how much did each load bring into this database, at a glance?
-- (A small example of a view whose column is a chart: `perfsql plot
-- load_history_chart -o loads.png`, `perfsql report load_history_chart --html r.html`.)
-- Columns:
--   loads   number of loads shown
--   chart   PNG: one bar per load (label "kind #source_id"), coloured by loader kind
CREATE VIEW load_history_chart AS
SELECT count(*) AS loads,
       chart_bar(kind || ' #' || source_id, total_rows, kind,
                 '{"title":"Rows written per load","y_label":"rows"}') AS chart
FROM (SELECT source_id, kind, total_rows FROM load_history ORDER BY source_id);
