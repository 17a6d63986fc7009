-- demo_sched: generated context-switch counts per task and 20 ms bin (the data of the demo's heatmap and chart table).
--
-- Question: what data do the demo's scheduler charts draw? (Deterministic, no random(); nothing loaded.)
-- Columns:
--   bin_ms    start of the 20 ms bin, ms since capture start
--   task      one of vcpu0, vcpu1, emulator, vhost-net, kvm-pit
--   switches  context switches in the bin (vcpu1 has a burst at 400-520 ms)
CREATE VIEW demo_sched AS
WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < 999)
SELECT (i % 50) * 20 AS bin_ms,
       CASE i / 50 % 5 WHEN 0 THEN 'vcpu0' WHEN 1 THEN 'vcpu1' WHEN 2 THEN 'emulator'
                       WHEN 3 THEN 'vhost-net' ELSE 'kvm-pit' END AS task,
       ((i * 31) % 17) + CASE WHEN i % 50 BETWEEN 20 AND 26 AND i / 50 % 5 = 1 THEN 40 ELSE 0 END AS switches
FROM t;
