-- remote_resource_chart: one line chart (PNG) per tool case: the eBPF tool's %CPU over time, one line per iteration.
--
-- Question: how much CPU does each tool take while the tests run, and is it steady?
-- From remote_pidstat_sample, seconds since the monitor's first sample;
-- `perfsql export remote` writes each as charts/resources_<case_name>.png.
-- Columns:
--   case_name   the tool case
--   chart       PNG: %CPU (pidstat) against seconds since the monitor started
CREATE VIEW remote_resource_chart AS
SELECT case_name,
  chart_line(t_rel_s, cpu_pct, 'iteration ' || iteration, json_object('title', case_name || ': eBPF tool %CPU',
    'x_label', 'seconds since the monitor started', 'y_label', '%CPU (pidstat)', 'width', 1000, 'height', 420)) AS chart
FROM (SELECT * FROM remote_pidstat_sample ORDER BY case_name, iteration, ts)
GROUP BY case_name ORDER BY case_name;
