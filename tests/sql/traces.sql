-- traces: perf_events() and kvm_exit_reason(), golden values from independent sources:
-- event counts from `perf script` (tests/data/traces/pipe.script.txt), reason names from the
-- kernel's kvm_exit print format (tests/data/traces/kvm_exit.format).
SELECT event, count(*) FROM perf_events('../data/traces/pipe.data') GROUP BY event ORDER BY event;
SELECT comm, tid, cpu, ts, args FROM perf_events('../data/traces/pipe.data') LIMIT 2;
SELECT count(*) FROM perf_events('../data/traces/pipe.data') WHERE args ->> 'next_comm' = 'migration/0';
SELECT kvm_exit_reason(30, 1), kvm_exit_reason(12, 1), kvm_exit_reason(0x80000000 | 48, 1),
       kvm_exit_reason(0x7b, 2), kvm_exit_reason(0x400, 2), kvm_exit_reason(0x40 + 14, 2),
       kvm_exit_reason(4294967295, 2), kvm_exit_reason(77, 1), kvm_exit_reason(NULL, 2);
SELECT kvm_exit_reason('x', 1);
SELECT count(*) FROM perf_events('../data/traces/no-such.data');
SELECT count(*) FROM perf_events(NULL);
