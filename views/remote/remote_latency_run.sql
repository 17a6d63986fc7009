-- remote_latency_run: the netperf figures of the latest latency run of every test.
--
-- Question: what did netperf measure for each baseline and eBPF case, per iteration?
-- The latest run folder ({conn}_{YYYYMMDD_HHMMSS}, lexicographically last) of each
-- connection kind is the one reported, as the framework does.
-- Columns:
--   iteration   --iteration of the load
--   scope       baseline | ebpf
--   case_name   eBPF case folder ('' for the baseline)
--   env         host | vm
--   test        tcp_rr | udp_rr
--   run_dir     the run folder read
--   form        csv | human | classic | keyval (netperf output form)
--   min_us, mean_us, max_us, stddev_us, p50_us, p90_us, p99_us   latency in microseconds
--   trans_rate  transactions per second (when netperf printed it)
CREATE VIEW remote_latency_run AS
WITH runs AS (
  SELECT f.iteration, f.scope, f.case_name, f.env, f.conn AS test, f.run_dir, l.*,
         row_number() OVER (PARTITION BY f.iteration, f.scope, f.case_name, f.env, f.conn
                            ORDER BY f.run_dir DESC, f.path DESC) AS rn
  FROM remote_file AS f JOIN remote_latency AS l ON l.file_id = f.id
  WHERE f.kind = 'netperf' AND f.side = 'client')
SELECT iteration, scope, case_name, env, test, run_dir, form, min_us, mean_us, max_us, stddev_us,
       p50_us, p90_us, p99_us, trans_rate
FROM runs WHERE rn = 1;
