-- remote_stream_run: throughput and PPS of the latest iperf3 run of every test, streams summed.
--
-- Question: how many Gbit/s and packets/s did each baseline and eBPF case reach?
-- A test's streams (one iperf3 -J file per stream process) are summed; Gbps is
-- round(bps/1e9, 2) and PPS int(bps / (blksize*8)) like the framework (blksize of the
-- first stream, 64 when absent). Files carrying an iperf3 "error" are counted, not summed.
-- Columns:
--   iteration, scope, case_name, env   as in remote_latency_run
--   test_type   throughput | pps
--   kind        single | multi
--   run_dir     the latest run folder of that kind
--   streams     iperf3 result files summed
--   errors      iperf3 results that carry an error
--   bps         summed end.sum_sent bits per second (end.sum for UDP before iperf3 3.16)
--   gbps        round(bps/1e9, 2)
--   pps         int(bps / (blksize*8))
--   blksize     iperf3 write size of the first stream (64 when absent)
--   protocol    TCP | UDP
--   retransmits summed TCP retransmits
CREATE VIEW remote_stream_run AS
WITH files AS (
  SELECT f.iteration, f.scope, f.case_name, f.env, f.test_type,
         CASE WHEN f.conn LIKE 'multi%' THEN 'multi' ELSE f.conn END AS kind,
         f.run_dir, f.path, i.bps_sent, i.error, i.protocol, i.retransmits, i.blksize
  FROM remote_file AS f JOIN remote_iperf AS i ON i.file_id = f.id
  WHERE f.kind = 'iperf3' AND f.side = 'client'),
ranked AS (
  SELECT files.*,
         max(run_dir) OVER (PARTITION BY iteration, scope, case_name, env, test_type, kind) AS latest,
         first_value(blksize) OVER (PARTITION BY iteration, scope, case_name, env, test_type, run_dir
                                    ORDER BY blksize IS NULL, path) AS first_blksize
  FROM files)
SELECT iteration, scope, case_name, env, test_type, kind, run_dir,
       count(bps_sent) AS streams,
       count(error) AS errors,
       sum(bps_sent) AS bps,
       remote_round(sum(bps_sent) / 1e9, 2) AS gbps,
       CAST(sum(bps_sent) / (coalesce(max(first_blksize), 64) * 8.0) AS INTEGER) AS pps,
       coalesce(max(first_blksize), 64) AS blksize,
       max(protocol) AS protocol,
       sum(retransmits) AS retransmits
FROM ranked
WHERE run_dir = latest
GROUP BY iteration, scope, case_name, env, test_type, kind, run_dir;
