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
         f.run_dir, f.path, i.*
  FROM remote_file AS f JOIN remote_iperf AS i ON i.file_id = f.id
  WHERE f.kind = 'iperf3' AND f.side = 'client'),
latest AS (
  SELECT iteration, scope, case_name, env, test_type, kind, max(run_dir) AS run_dir
  FROM files GROUP BY iteration, scope, case_name, env, test_type, kind)
SELECT l.iteration, l.scope, l.case_name, l.env, l.test_type, l.kind, l.run_dir,
       count(f.bps_sent) AS streams,
       count(f.error) AS errors,
       sum(f.bps_sent) AS bps,
       remote_round(sum(f.bps_sent) / 1e9, 2) AS gbps,
       CAST(sum(f.bps_sent) / (l.blksize * 8.0) AS INTEGER) AS pps,
       l.blksize,
       max(f.protocol) AS protocol,
       sum(f.retransmits) AS retransmits
FROM (SELECT latest.*, coalesce((SELECT f2.blksize FROM files AS f2
        WHERE f2.iteration = latest.iteration AND f2.scope = latest.scope
          AND f2.case_name = latest.case_name AND f2.env = latest.env
          AND f2.test_type = latest.test_type AND f2.run_dir = latest.run_dir
          AND f2.blksize IS NOT NULL ORDER BY f2.path LIMIT 1), 64) AS blksize
      FROM latest) AS l
JOIN files AS f
  ON f.iteration = l.iteration AND f.scope = l.scope AND f.case_name = l.case_name AND f.env = l.env
 AND f.test_type = l.test_type AND f.kind = l.kind AND f.run_dir = l.run_dir
GROUP BY l.iteration, l.scope, l.case_name, l.env, l.test_type, l.kind, l.run_dir, l.blksize;
