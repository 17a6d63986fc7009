-- 009_traces_typed_once.sql — every tracepoint sample is written once (issue 15).
--
-- Before: each sched/kvm sample was written twice, as a trace_event row with its
-- fields as JSON text and as a row of its typed table. Now:
--   * typed samples live only in their typed table, which gains the sampled
--     thread (sample_pid, sample_tid, sample_comm: trace_event's pid, tid, comm),
--     the fields that some kernels add at the end of a format (kvm_exit.requests,
--     kvm_entry.immediate_exit/intr_info/error_code, sched_process.group_dead),
--     and args_json: the fields as JSON when the columns cannot rebuild them
--     exactly (a kernel with another field layout, a comm with control or
--     non-ASCII bytes, a prev_state with bits above 0x1ff); NULL otherwise;
--   * every other sample goes to trace_event_other (the old trace_event shape);
--   * trace_event is a view over both with the old columns, in the old order,
--     and the same args text byte for byte (json_object in the kernel's field
--     order; u64 fields above 2^63 printed unsigned, as perf script prints them).
-- Everything that was queryable in trace_event still is, with the same SQL.
-- Existing rows are moved (args kept verbatim in args_json).

CREATE TABLE trace_event_other (
  id         INTEGER PRIMARY KEY,
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL,            -- capture.id (same source: deleted with it, as typed rows)
  ts         INTEGER NOT NULL,
  cpu        INTEGER,
  pid        INTEGER,
  tid        INTEGER,
  comm       TEXT,
  system     TEXT NOT NULL,
  event      TEXT NOT NULL,
  args       TEXT NOT NULL               -- JSON object of the event's own fields, by name
);
CREATE INDEX trace_event_other_source ON trace_event_other(source_id);

ALTER TABLE sched_switch ADD COLUMN sample_pid INTEGER;
ALTER TABLE sched_switch ADD COLUMN sample_tid INTEGER;
ALTER TABLE sched_switch ADD COLUMN sample_comm TEXT;
ALTER TABLE sched_switch ADD COLUMN args_json TEXT;
ALTER TABLE sched_wakeup ADD COLUMN sample_pid INTEGER;
ALTER TABLE sched_wakeup ADD COLUMN sample_tid INTEGER;
ALTER TABLE sched_wakeup ADD COLUMN sample_comm TEXT;
ALTER TABLE sched_wakeup ADD COLUMN args_json TEXT;
ALTER TABLE sched_migrate ADD COLUMN sample_pid INTEGER;
ALTER TABLE sched_migrate ADD COLUMN sample_tid INTEGER;
ALTER TABLE sched_migrate ADD COLUMN sample_comm TEXT;
ALTER TABLE sched_migrate ADD COLUMN args_json TEXT;
ALTER TABLE sched_process ADD COLUMN group_dead INTEGER;     -- exit only, kernels >= 5.19
ALTER TABLE sched_process ADD COLUMN sample_pid INTEGER;
ALTER TABLE sched_process ADD COLUMN sample_tid INTEGER;
ALTER TABLE sched_process ADD COLUMN sample_comm TEXT;
ALTER TABLE sched_process ADD COLUMN args_json TEXT;
ALTER TABLE sched_stat ADD COLUMN sample_pid INTEGER;
ALTER TABLE sched_stat ADD COLUMN sample_tid INTEGER;
ALTER TABLE sched_stat ADD COLUMN sample_comm TEXT;
ALTER TABLE sched_stat ADD COLUMN args_json TEXT;
ALTER TABLE kvm_exit ADD COLUMN requests INTEGER;            -- kernels >= 6.8
ALTER TABLE kvm_exit ADD COLUMN sample_pid INTEGER;
ALTER TABLE kvm_exit ADD COLUMN sample_tid INTEGER;
ALTER TABLE kvm_exit ADD COLUMN sample_comm TEXT;
ALTER TABLE kvm_exit ADD COLUMN args_json TEXT;
ALTER TABLE kvm_entry ADD COLUMN immediate_exit INTEGER;     -- these three: newer kernels
ALTER TABLE kvm_entry ADD COLUMN intr_info INTEGER;
ALTER TABLE kvm_entry ADD COLUMN error_code INTEGER;
ALTER TABLE kvm_entry ADD COLUMN sample_pid INTEGER;
ALTER TABLE kvm_entry ADD COLUMN sample_tid INTEGER;
ALTER TABLE kvm_entry ADD COLUMN sample_comm TEXT;
ALTER TABLE kvm_entry ADD COLUMN args_json TEXT;

-- Existing rows: the sampled thread and the exact args text come from trace_event.
UPDATE sched_switch SET sample_pid = e.pid, sample_tid = e.tid, sample_comm = e.comm, args_json = e.args
  FROM trace_event AS e WHERE e.id = sched_switch.id;
UPDATE sched_wakeup SET sample_pid = e.pid, sample_tid = e.tid, sample_comm = e.comm, args_json = e.args
  FROM trace_event AS e WHERE e.id = sched_wakeup.id;
UPDATE sched_migrate SET sample_pid = e.pid, sample_tid = e.tid, sample_comm = e.comm, args_json = e.args
  FROM trace_event AS e WHERE e.id = sched_migrate.id;
UPDATE sched_process SET sample_pid = e.pid, sample_tid = e.tid, sample_comm = e.comm, args_json = e.args
  FROM trace_event AS e WHERE e.id = sched_process.id;
UPDATE sched_stat SET sample_pid = e.pid, sample_tid = e.tid, sample_comm = e.comm, args_json = e.args
  FROM trace_event AS e WHERE e.id = sched_stat.id;
UPDATE kvm_exit SET sample_pid = e.pid, sample_tid = e.tid, sample_comm = e.comm, args_json = e.args
  FROM trace_event AS e WHERE e.id = kvm_exit.id;
UPDATE kvm_entry SET sample_pid = e.pid, sample_tid = e.tid, sample_comm = e.comm, args_json = e.args
  FROM trace_event AS e WHERE e.id = kvm_entry.id;
INSERT INTO trace_event_other SELECT * FROM trace_event AS e
 WHERE e.id NOT IN (SELECT id FROM sched_switch UNION ALL SELECT id FROM sched_wakeup UNION ALL SELECT id FROM sched_migrate UNION ALL SELECT id FROM sched_process UNION ALL SELECT id FROM sched_stat UNION ALL SELECT id FROM kvm_exit UNION ALL SELECT id FROM kvm_entry);
DROP TABLE trace_event;

-- trace_event: every tracepoint sample (Perfetto's ftrace_event), with its fields as JSON.
-- Columns: id, source_id, capture_id, ts, cpu, pid, tid, comm, system, event, args.
-- The json_object() calls below must list the fields in the order of
-- loaders/perf/perf_load.c's layouts (typed_layouts[]): a sample whose format differs
-- keeps its own text in args_json.
CREATE VIEW trace_event(id, source_id, capture_id, ts, cpu, pid, tid, comm, system, event, args) AS
SELECT id, source_id, capture_id, ts, cpu, pid, tid, comm, system, event, args FROM trace_event_other
UNION ALL
SELECT id, source_id, capture_id, ts, cpu, sample_pid, sample_tid, sample_comm, 'sched', 'sched_switch',
       coalesce(args_json, json_object('prev_comm', prev_comm, 'prev_pid', prev_pid, 'prev_prio', prev_prio,
         'prev_state', (instr(prev_state, 'S') > 0) * 1 + (instr(prev_state, 'D') > 0) * 2 + (instr(prev_state, 'T') > 0) * 4 + (instr(prev_state, 't') > 0) * 8 + (instr(prev_state, 'X') > 0) * 16 + (instr(prev_state, 'Z') > 0) * 32 + (instr(prev_state, 'P') > 0) * 64 + (instr(prev_state, 'I') > 0) * 128 + (instr(prev_state, '+') > 0) * 256,
         'next_comm', next_comm, 'next_pid', next_pid, 'next_prio', next_prio))
FROM sched_switch
UNION ALL
SELECT id, source_id, capture_id, ts, cpu, sample_pid, sample_tid, sample_comm, 'sched', 'sched_' || kind,
       coalesce(args_json, json_object('comm', comm, 'pid', pid, 'prio', prio, 'target_cpu', target_cpu))
FROM sched_wakeup
UNION ALL
SELECT id, source_id, capture_id, ts, cpu, sample_pid, sample_tid, sample_comm, 'sched', 'sched_migrate_task',
       coalesce(args_json, json_object('comm', comm, 'pid', pid, 'prio', prio, 'orig_cpu', orig_cpu,
                                       'dest_cpu', dest_cpu))
FROM sched_migrate
UNION ALL
SELECT id, source_id, capture_id, ts, cpu, sample_pid, sample_tid, sample_comm, 'sched', 'sched_process_' || kind,
       coalesce(args_json, CASE kind
         WHEN 'fork' THEN json_object('parent_comm', parent_comm, 'parent_pid', parent_pid,
                                      'child_comm', comm, 'child_pid', pid)
         WHEN 'exec' THEN json_object('filename', filename, 'pid', pid, 'old_pid', old_pid)
         WHEN 'exit' THEN CASE WHEN group_dead IS NULL
                               THEN json_object('comm', comm, 'pid', pid, 'prio', prio)
                               ELSE json_object('comm', comm, 'pid', pid, 'prio', prio, 'group_dead', group_dead) END
         END)
FROM sched_process
UNION ALL
SELECT id, source_id, capture_id, ts, cpu, sample_pid, sample_tid, sample_comm, 'sched', 'sched_stat_' || kind,
       coalesce(args_json, CASE
         WHEN kind <> 'runtime' THEN json_object('comm', comm, 'pid', pid, 'delay', CASE WHEN value >= 0 THEN value ELSE json(printf('%d%d', ((value >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((value >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (value & 1))) END)
         WHEN vruntime IS NULL THEN json_object('comm', comm, 'pid', pid, 'runtime', CASE WHEN value >= 0 THEN value ELSE json(printf('%d%d', ((value >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((value >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (value & 1))) END)
         ELSE json_object('comm', comm, 'pid', pid, 'runtime', CASE WHEN value >= 0 THEN value ELSE json(printf('%d%d', ((value >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((value >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (value & 1))) END, 'vruntime', CASE WHEN vruntime >= 0 THEN vruntime ELSE json(printf('%d%d', ((vruntime >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((vruntime >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (vruntime & 1))) END) END)
FROM sched_stat
UNION ALL
SELECT id, source_id, capture_id, ts, cpu, sample_pid, sample_tid, sample_comm, 'kvm', 'kvm_exit',
       coalesce(args_json, CASE WHEN requests IS NULL
         THEN json_object('exit_reason', exit_reason, 'guest_rip', CASE WHEN guest_rip >= 0 THEN guest_rip ELSE json(printf('%d%d', ((guest_rip >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((guest_rip >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (guest_rip & 1))) END, 'isa', isa,
                          'info1', CASE WHEN info1 >= 0 THEN info1 ELSE json(printf('%d%d', ((info1 >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((info1 >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (info1 & 1))) END, 'info2', CASE WHEN info2 >= 0 THEN info2 ELSE json(printf('%d%d', ((info2 >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((info2 >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (info2 & 1))) END, 'intr_info', intr_info,
                          'error_code', error_code, 'vcpu_id', vcpu_id)
         ELSE json_object('exit_reason', exit_reason, 'guest_rip', CASE WHEN guest_rip >= 0 THEN guest_rip ELSE json(printf('%d%d', ((guest_rip >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((guest_rip >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (guest_rip & 1))) END, 'isa', isa,
                          'info1', CASE WHEN info1 >= 0 THEN info1 ELSE json(printf('%d%d', ((info1 >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((info1 >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (info1 & 1))) END, 'info2', CASE WHEN info2 >= 0 THEN info2 ELSE json(printf('%d%d', ((info2 >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((info2 >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (info2 & 1))) END, 'intr_info', intr_info,
                          'error_code', error_code, 'vcpu_id', vcpu_id, 'requests', CASE WHEN requests >= 0 THEN requests ELSE json(printf('%d%d', ((requests >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((requests >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (requests & 1))) END) END)
FROM kvm_exit
UNION ALL
SELECT id, source_id, capture_id, ts, cpu, sample_pid, sample_tid, sample_comm, 'kvm', 'kvm_entry',
       coalesce(args_json, CASE WHEN immediate_exit IS NULL
         THEN json_object('vcpu_id', vcpu_id, 'rip', CASE WHEN rip >= 0 THEN rip ELSE json(printf('%d%d', ((rip >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((rip >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (rip & 1))) END)
         -- json_patch appends the keys present, in this order, and drops the NULL ones
         ELSE json_patch(json_object('vcpu_id', vcpu_id, 'rip', CASE WHEN rip >= 0 THEN rip ELSE json(printf('%d%d', ((rip >> 1) & 0x7FFFFFFFFFFFFFFF) / 5, 2 * (((rip >> 1) & 0x7FFFFFFFFFFFFFFF) % 5) + (rip & 1))) END),
                         json_object('immediate_exit', immediate_exit, 'intr_info', intr_info,
                                     'error_code', error_code)) END)
FROM kvm_entry;
