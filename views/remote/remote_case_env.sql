-- remote_case_env: every eBPF case of every iteration with the environment it is reported in.
--
-- Question: which tool cases were run in an iteration, and in which environment? Like the
-- framework, a case folder present for both environments is reported for host.
-- Columns:
--   iteration   --iteration of the load
--   topic       tool id / topic: the case folder name before _case_
--   case_name   {topic}_case_{id}_{proto}_{dir}_{hash}
--   case_id     the case number
--   protocol    from the case name
--   direction   from the case name
--   env         host | vm
--   command     the eBPF command (Command: line of ebpf_start_*.log), NULL when absent
CREATE VIEW remote_case_env AS
SELECT iteration, topic, case_name, case_id, protocol, direction,
       CASE WHEN max(env = 'host') THEN 'host' ELSE 'vm' END AS env,
       max(command) AS command
FROM remote_case
GROUP BY iteration, topic, case_name, case_id, protocol, direction;
