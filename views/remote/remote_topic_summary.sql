-- remote_topic_summary: per iteration and topic, how many eBPF cases have latency, throughput, PPS and resource data.
--
-- Question: in an iteration, how complete are each topic's results? The "Summary
-- Statistics" of the framework's {topic}_overview_iteration_NNN.md (`perfsql export remote`).
-- Columns:
--   iteration, topic      the iteration and the topic (tool id)
--   cases                 eBPF cases of the topic in the iteration (remote_case_env)
--   latency_cases         of those, cases with a netperf latency result
--   throughput_cases      cases with an iperf3 throughput result
--   pps_cases             cases with an iperf3 PPS result
--   resource_cases        cases with a pidstat resource monitor
CREATE VIEW remote_topic_summary AS
WITH lat AS (SELECT DISTINCT iteration, case_name, env FROM remote_latency_run WHERE scope = 'ebpf'),
 tp AS (SELECT DISTINCT iteration, case_name, env FROM remote_stream_run WHERE scope = 'ebpf' AND test_type = 'throughput'),
 pp AS (SELECT DISTINCT iteration, case_name, env FROM remote_stream_run WHERE scope = 'ebpf' AND test_type = 'pps'),
 res AS (SELECT DISTINCT iteration, case_name, env FROM remote_monitor_latest WHERE kind = 'pidstat')
SELECT c.iteration, c.topic, count(*) AS cases, count(lat.case_name) AS latency_cases,
  count(tp.case_name) AS throughput_cases, count(pp.case_name) AS pps_cases, count(res.case_name) AS resource_cases
FROM remote_case_env AS c LEFT JOIN lat USING (iteration, case_name, env) LEFT JOIN tp USING (iteration, case_name, env)
  LEFT JOIN pp USING (iteration, case_name, env) LEFT JOIN res USING (iteration, case_name, env)
GROUP BY c.iteration, c.topic;
