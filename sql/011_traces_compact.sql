-- 011_traces_compact.sql — fewer bytes and fewer B-trees per sample (issue 15).
--
-- A perf.data load writes every row twice (WAL, then the checkpoint), and each index
-- is one more B-tree to fill. Measured on a 1.33M-sample kvm capture (99% of it in
-- trace_event_other): ~113 bytes a sample. This migration:
--   * trace_event_other: system and event become name_id, an integer id into the small
--     dictionary trace_event_name (one row per tracepoint, shared by all captures); the
--     view trace_event joins it back, so its columns and args text are unchanged;
--   * drops the per-row indexes and foreign keys that only served deleting a source:
--     trace_event_other, the seven typed tables, sched_run and sched_delay keep their
--     source_id column (plain integer) but lose `REFERENCES source(id) ON DELETE CASCADE`
--     and their *_source index. A load is one transaction and gives its samples the ids
--     next after the largest one in use, so one capture's samples, in every table behind
--     trace_event, have ids inside capture.first_id..capture.last_id (new columns); the
--     trigger capture_delete_samples deletes by that rowid range when the capture row is
--     deleted, which `DELETE FROM source WHERE id = ?` does by its cascade (foreign keys
--     on, as before), and sched_run / sched_delay by their rowid ranges in capture_rows;
--   * keeps every index a view or report reads (sched_migrate_pid, kvm_exit_tid,
--     kvm_entry_tid, sched_run_tid, sched_delay_tid; EXPLAIN QUERY PLAN of every traces
--     view and parameterized report uses no *_source index).
-- Existing rows are kept (tables are rebuilt through a temporary copy: no RENAME, which
-- would re-check the views of the old schema).

DROP VIEW trace_event;

-- capture.first_id..last_id: the trace_event ids of its samples (NULL: none)
ALTER TABLE capture ADD COLUMN first_id INTEGER;
ALTER TABLE capture ADD COLUMN last_id INTEGER;
UPDATE capture SET first_id = r.lo, last_id = r.hi
  FROM (SELECT capture_id, min(id) AS lo, max(id) AS hi FROM (
          SELECT capture_id, id FROM trace_event_other
          UNION ALL SELECT capture_id, id FROM sched_switch
          UNION ALL SELECT capture_id, id FROM sched_wakeup
          UNION ALL SELECT capture_id, id FROM sched_migrate
          UNION ALL SELECT capture_id, id FROM sched_process
          UNION ALL SELECT capture_id, id FROM sched_stat
          UNION ALL SELECT capture_id, id FROM kvm_exit
          UNION ALL SELECT capture_id, id FROM kvm_entry
        ) GROUP BY capture_id) AS r
 WHERE r.capture_id = capture.id;

-- trace_event_name: the (system, event) of trace_event_other's rows.
CREATE TABLE trace_event_name (
  id     INTEGER PRIMARY KEY,
  system TEXT NOT NULL,                 -- 'kvm', 'irq', ...
  event  TEXT NOT NULL,                 -- 'kvm_pio', 'irq_handler_entry', ...
  UNIQUE (system, event)
);
INSERT INTO trace_event_name(system, event) SELECT DISTINCT system, event FROM trace_event_other ORDER BY 1, 2;

CREATE TEMP TABLE m011_other AS
  SELECT o.id, o.source_id, o.capture_id, o.ts, o.cpu, o.pid, o.tid, o.comm, n.id AS name_id, o.args
  FROM trace_event_other AS o JOIN trace_event_name AS n ON n.system = o.system AND n.event = o.event;
DROP TABLE trace_event_other;
-- trace_event_other: every sample without a typed table (trace_event shows them with
-- system and event from trace_event_name).
CREATE TABLE trace_event_other (
  id         INTEGER PRIMARY KEY,
  source_id  INTEGER NOT NULL,           -- source.id (rows deleted with their capture: trigger below)
  capture_id INTEGER NOT NULL,           -- capture.id
  ts         INTEGER NOT NULL,
  cpu        INTEGER,
  pid        INTEGER,
  tid        INTEGER,
  comm       TEXT,
  name_id    INTEGER NOT NULL,           -- trace_event_name.id: system and event
  args       TEXT NOT NULL               -- JSON object of the event's own fields, by name
);
INSERT INTO trace_event_other SELECT * FROM temp.m011_other ORDER BY id;
DROP TABLE temp.m011_other;

CREATE TEMP TABLE m011_sched_switch AS SELECT * FROM sched_switch ORDER BY rowid;
DROP TABLE sched_switch;
CREATE TABLE sched_switch (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  cpu INTEGER NOT NULL, prev_comm TEXT, prev_pid INTEGER, prev_prio INTEGER, prev_state TEXT, next_comm TEXT,
  next_pid INTEGER, next_prio INTEGER, sample_pid INTEGER, sample_tid INTEGER, sample_comm TEXT, args_json TEXT
);
INSERT INTO sched_switch SELECT * FROM temp.m011_sched_switch;
DROP TABLE temp.m011_sched_switch;

CREATE TEMP TABLE m011_sched_wakeup AS SELECT * FROM sched_wakeup ORDER BY rowid;
DROP TABLE sched_wakeup;
CREATE TABLE sched_wakeup (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  cpu INTEGER, waker_tid INTEGER, comm TEXT, pid INTEGER, prio INTEGER, target_cpu INTEGER,
  kind TEXT NOT NULL CHECK (kind IN ('waking', 'wakeup', 'wakeup_new')),
  sample_pid INTEGER, sample_tid INTEGER, sample_comm TEXT, args_json TEXT
);
INSERT INTO sched_wakeup SELECT * FROM temp.m011_sched_wakeup;
DROP TABLE temp.m011_sched_wakeup;

CREATE TEMP TABLE m011_sched_migrate AS SELECT * FROM sched_migrate ORDER BY rowid;
DROP TABLE sched_migrate;
CREATE TABLE sched_migrate (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  cpu INTEGER, comm TEXT, pid INTEGER, prio INTEGER, orig_cpu INTEGER, dest_cpu INTEGER,
  sample_pid INTEGER, sample_tid INTEGER, sample_comm TEXT, args_json TEXT
);
INSERT INTO sched_migrate SELECT * FROM temp.m011_sched_migrate;
DROP TABLE temp.m011_sched_migrate;
CREATE INDEX sched_migrate_pid ON sched_migrate(capture_id, pid, ts);

CREATE TEMP TABLE m011_sched_process AS SELECT * FROM sched_process ORDER BY rowid;
DROP TABLE sched_process;
CREATE TABLE sched_process (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  cpu INTEGER, kind TEXT NOT NULL CHECK (kind IN ('fork', 'exec', 'exit')), pid INTEGER, comm TEXT,
  parent_pid INTEGER, parent_comm TEXT, filename TEXT, old_pid INTEGER, prio INTEGER, group_dead INTEGER,
  sample_pid INTEGER, sample_tid INTEGER, sample_comm TEXT, args_json TEXT
);
INSERT INTO sched_process SELECT * FROM temp.m011_sched_process;
DROP TABLE temp.m011_sched_process;

CREATE TEMP TABLE m011_sched_stat AS SELECT * FROM sched_stat ORDER BY rowid;
DROP TABLE sched_stat;
CREATE TABLE sched_stat (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  cpu INTEGER, kind TEXT NOT NULL, comm TEXT, pid INTEGER, value INTEGER, vruntime INTEGER,
  sample_pid INTEGER, sample_tid INTEGER, sample_comm TEXT, args_json TEXT
);
INSERT INTO sched_stat SELECT * FROM temp.m011_sched_stat;
DROP TABLE temp.m011_sched_stat;

CREATE TEMP TABLE m011_kvm_exit AS SELECT * FROM kvm_exit ORDER BY rowid;
DROP TABLE kvm_exit;
CREATE TABLE kvm_exit (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  cpu INTEGER, tid INTEGER, vcpu_id INTEGER, exit_reason INTEGER NOT NULL, isa INTEGER, reason TEXT NOT NULL,
  guest_rip INTEGER, info1 INTEGER, info2 INTEGER, intr_info INTEGER, error_code INTEGER, requests INTEGER,
  sample_pid INTEGER, sample_tid INTEGER, sample_comm TEXT, args_json TEXT
);
INSERT INTO kvm_exit SELECT * FROM temp.m011_kvm_exit;
DROP TABLE temp.m011_kvm_exit;
CREATE INDEX kvm_exit_tid ON kvm_exit(capture_id, tid, ts);

CREATE TEMP TABLE m011_kvm_entry AS SELECT * FROM kvm_entry ORDER BY rowid;
DROP TABLE kvm_entry;
CREATE TABLE kvm_entry (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  cpu INTEGER, tid INTEGER, vcpu_id INTEGER, rip INTEGER, immediate_exit INTEGER, intr_info INTEGER,
  error_code INTEGER, sample_pid INTEGER, sample_tid INTEGER, sample_comm TEXT, args_json TEXT
);
INSERT INTO kvm_entry SELECT * FROM temp.m011_kvm_entry;
DROP TABLE temp.m011_kvm_entry;
CREATE INDEX kvm_entry_tid ON kvm_entry(capture_id, tid, ts);

CREATE TEMP TABLE m011_sched_run AS SELECT * FROM sched_run ORDER BY rowid;
DROP TABLE sched_run;
CREATE TABLE sched_run (
  source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, cpu INTEGER NOT NULL, tid INTEGER NOT NULL,
  comm TEXT, ts INTEGER, end_ts INTEGER NOT NULL, dur INTEGER, end_state TEXT, prio INTEGER, next_tid INTEGER
);
INSERT INTO sched_run SELECT * FROM temp.m011_sched_run;
DROP TABLE temp.m011_sched_run;
-- covering: window reports. tid before capture_id: the same lookups (both are equalities in every
-- report), but the index builds ~40% faster (the sort compares a distinct leading value first).
CREATE INDEX sched_run_tid ON sched_run(tid, capture_id, end_ts, cpu, ts, dur);

CREATE TEMP TABLE m011_sched_delay AS SELECT * FROM sched_delay ORDER BY rowid;
DROP TABLE sched_delay;
CREATE TABLE sched_delay (
  source_id INTEGER NOT NULL, capture_id INTEGER NOT NULL, tid INTEGER NOT NULL, cpu INTEGER,
  ts INTEGER NOT NULL, end_ts INTEGER, runnable_ts INTEGER, cause TEXT, wait INTEGER,
  last_out INTEGER, last_state TEXT, off_cpu INTEGER
);
INSERT INTO sched_delay SELECT * FROM temp.m011_sched_delay;
DROP TABLE temp.m011_sched_delay;
CREATE INDEX sched_delay_tid ON sched_delay(tid, capture_id, ts, wait);  -- covering, as sched_run_tid

-- capture_rows: the rowids of a capture's rows in the derived tables (one load = one
-- transaction: its rows are the ones above the largest rowid before it).
CREATE TABLE capture_rows (
  capture_id  INTEGER NOT NULL,          -- capture.id (deleted by the trigger below)
  tbl         TEXT NOT NULL,             -- 'sched_run', 'sched_delay'
  first_rowid INTEGER NOT NULL,
  last_rowid  INTEGER NOT NULL,
  PRIMARY KEY (capture_id, tbl)
) WITHOUT ROWID;
INSERT INTO capture_rows SELECT capture_id, 'sched_run', min(rowid), max(rowid) FROM sched_run GROUP BY capture_id;
INSERT INTO capture_rows SELECT capture_id, 'sched_delay', min(rowid), max(rowid) FROM sched_delay GROUP BY capture_id;

-- Deleting a capture (directly, or by deleting its source) deletes its samples and
-- derived rows, each table by its rowid range, and only the capture's own rows.
CREATE TRIGGER capture_delete_samples AFTER DELETE ON capture BEGIN
  DELETE FROM trace_event_other WHERE id BETWEEN old.first_id AND old.last_id AND capture_id = old.id;
  DELETE FROM sched_switch WHERE id BETWEEN old.first_id AND old.last_id AND capture_id = old.id;
  DELETE FROM sched_wakeup WHERE id BETWEEN old.first_id AND old.last_id AND capture_id = old.id;
  DELETE FROM sched_migrate WHERE id BETWEEN old.first_id AND old.last_id AND capture_id = old.id;
  DELETE FROM sched_process WHERE id BETWEEN old.first_id AND old.last_id AND capture_id = old.id;
  DELETE FROM sched_stat WHERE id BETWEEN old.first_id AND old.last_id AND capture_id = old.id;
  DELETE FROM kvm_exit WHERE id BETWEEN old.first_id AND old.last_id AND capture_id = old.id;
  DELETE FROM kvm_entry WHERE id BETWEEN old.first_id AND old.last_id AND capture_id = old.id;
  DELETE FROM sched_run WHERE capture_id = old.id AND rowid BETWEEN
    (SELECT first_rowid FROM capture_rows WHERE capture_id = old.id AND tbl = 'sched_run') AND
    (SELECT last_rowid FROM capture_rows WHERE capture_id = old.id AND tbl = 'sched_run');
  DELETE FROM sched_delay WHERE capture_id = old.id AND rowid BETWEEN
    (SELECT first_rowid FROM capture_rows WHERE capture_id = old.id AND tbl = 'sched_delay') AND
    (SELECT last_rowid FROM capture_rows WHERE capture_id = old.id AND tbl = 'sched_delay');
  DELETE FROM capture_rows WHERE capture_id = old.id;
END;

-- trace_event: as in 009_traces_typed_once.sql, with system and event of the other
-- samples from trace_event_name.

CREATE VIEW trace_event(id, source_id, capture_id, ts, cpu, pid, tid, comm, system, event, args) AS
SELECT o.id, o.source_id, o.capture_id, o.ts, o.cpu, o.pid, o.tid, o.comm, n.system, n.event, o.args
FROM trace_event_other AS o JOIN trace_event_name AS n ON n.id = o.name_id
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
