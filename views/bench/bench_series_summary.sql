-- bench_series_summary: each (label, metric) history in one row: how many runs, which unit, from when to when.
--
-- Question: which metrics of a label have enough history to chart or to analyse for change points?
-- Columns:
--   label      run label
--   metric     metric name
--   runs       points in the history (runs with a value)
--   unit       unit of the values
--   first_at   the first run's time
--   last_at    the latest run's time
CREATE VIEW bench_series_summary AS
SELECT label, metric, count(*) AS runs, max(unit) AS unit, min(run_at) AS first_at, max(run_at) AS last_at
FROM bench_series
GROUP BY label, metric;
