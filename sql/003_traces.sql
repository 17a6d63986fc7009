-- 003_traces.sql — perf.data captures (scheduler and KVM tracepoints), in the
-- spirit of Perfetto's trace_processor tables.
--
-- Timestamps are nanoseconds of perf's clock (as `perf script` prints them,
-- ts/1e9 = its seconds column). Every row's id is assigned in timestamp order
-- (the reader sorts with perf's FINISHED_ROUND rule), so ORDER BY id = ORDER BY ts;
-- only if one round of records exceeds 64 MB can an event arrive late, which
-- capture.out_of_order counts (views always order by ts, id).

-- task_map: perfwhiz's annotation CSV (tid,instance,type,uuid,group-type,group-id,task-name),
-- per capture. annotate_tid() reads it. capture NULL = applies to every capture.
-- (Until issue 11 this table was created by 001_core.sql; IF NOT EXISTS keeps a database
-- created then, and not yet at version 3, migrating cleanly. The definition is unchanged.)
CREATE TABLE IF NOT EXISTS task_map (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture    TEXT,                      -- capture name, or NULL for all captures
  tid        INTEGER NOT NULL,
  instance   TEXT,                      -- libvirt instance name (may be empty)
  type       TEXT NOT NULL,             -- task type: vcpu0, emulator, ...
  uuid       TEXT,
  group_type TEXT,
  group_id   INTEGER,                   -- printed as 2 digits
  task_name  TEXT NOT NULL,             -- e.g. Firewall
  UNIQUE (capture, tid)
);
CREATE INDEX IF NOT EXISTS task_map_source ON task_map(source_id);

-- capture: one loaded perf.data; many per database, each with a unique name.
CREATE TABLE capture (
  id           INTEGER PRIMARY KEY,
  source_id    INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  name         TEXT NOT NULL UNIQUE,     -- given with --name
  path         TEXT NOT NULL,            -- perf.data path as given
  hostname     TEXT, os_release TEXT, perf_version TEXT, arch TEXT, nr_cpus INTEGER,
  pipe_mode    INTEGER NOT NULL DEFAULT 0,
  start_ts     INTEGER,                  -- first event (ns)
  end_ts       INTEGER,                  -- last event (ns)
  event_count  INTEGER NOT NULL DEFAULT 0,
  lost_events  INTEGER NOT NULL DEFAULT 0, -- events the kernel dropped (PERF_RECORD_LOST)
  out_of_order INTEGER NOT NULL DEFAULT 0  -- events delivered after a later one (see above)
);
CREATE INDEX capture_source ON capture(source_id);

-- trace_event: every tracepoint sample (Perfetto's ftrace_event); fields as JSON.
CREATE TABLE trace_event (
  id         INTEGER PRIMARY KEY,
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL REFERENCES capture(id) ON DELETE CASCADE,
  ts         INTEGER NOT NULL,
  cpu        INTEGER,
  pid        INTEGER,                    -- process (tgid) of the sampled thread
  tid        INTEGER,                    -- sampled thread (common_pid)
  comm       TEXT,                       -- thread name at ts (spaces kept: "CPU 0/KVM")
  system     TEXT NOT NULL,              -- 'sched', 'kvm', ...
  event      TEXT NOT NULL,              -- 'sched_switch', 'kvm_exit', ...
  args       TEXT NOT NULL               -- JSON object of the event's own fields, by name
);
-- Only the source index: rows arrive in id (= time) order with one source_id per load, so it
-- grows at its end; an index on (capture_id, event, ts) cost a third of the load time.
CREATE INDEX trace_event_source ON trace_event(source_id);

-- trace_thread: threads seen in a capture, with their last name.
CREATE TABLE trace_thread (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL REFERENCES capture(id) ON DELETE CASCADE,
  tid        INTEGER NOT NULL,
  pid        INTEGER,
  comm       TEXT,
  first_ts   INTEGER, last_ts INTEGER,
  PRIMARY KEY (capture_id, tid)
) WITHOUT ROWID;
CREATE INDEX trace_thread_source ON trace_thread(source_id);

-- Typed tables: id = trace_event.id of the same sample.
CREATE TABLE sched_switch (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, ts INTEGER NOT NULL, cpu INTEGER NOT NULL,
  prev_comm TEXT, prev_pid INTEGER, prev_prio INTEGER,
  prev_state TEXT,                       -- as perf prints it: R, R+, S, D, I, ...
  next_comm TEXT, next_pid INTEGER, next_prio INTEGER
);
CREATE INDEX sched_switch_source ON sched_switch(source_id);
CREATE INDEX sched_switch_cpu ON sched_switch(capture_id, cpu, ts);
CREATE INDEX sched_switch_next ON sched_switch(capture_id, next_pid, ts);

-- sched_waking, sched_wakeup and sched_wakeup_new; kind says which.
CREATE TABLE sched_wakeup (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, ts INTEGER NOT NULL, cpu INTEGER,
  waker_tid INTEGER,                     -- thread that ran the wakeup
  comm TEXT, pid INTEGER, prio INTEGER, target_cpu INTEGER,
  kind TEXT NOT NULL CHECK (kind IN ('waking', 'wakeup', 'wakeup_new'))
);
CREATE INDEX sched_wakeup_source ON sched_wakeup(source_id);
CREATE INDEX sched_wakeup_pid ON sched_wakeup(capture_id, pid, ts);

CREATE TABLE sched_migrate (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, ts INTEGER NOT NULL, cpu INTEGER,
  comm TEXT, pid INTEGER, prio INTEGER, orig_cpu INTEGER, dest_cpu INTEGER
);
CREATE INDEX sched_migrate_source ON sched_migrate(source_id);
CREATE INDEX sched_migrate_pid ON sched_migrate(capture_id, pid, ts);

-- sched_process_fork / exec / exit in one table, kind says which.
CREATE TABLE sched_process (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, ts INTEGER NOT NULL, cpu INTEGER,
  kind TEXT NOT NULL CHECK (kind IN ('fork', 'exec', 'exit')),
  pid INTEGER,                           -- fork: child_pid; exec/exit: pid
  comm TEXT,                             -- fork: child_comm; exit: comm; exec: NULL
  parent_pid INTEGER, parent_comm TEXT,  -- fork only
  filename TEXT, old_pid INTEGER,        -- exec only
  prio INTEGER                           -- exit only
);
CREATE INDEX sched_process_source ON sched_process(source_id);

-- sched_stat_runtime / sleep / iowait / wait / blocked: kind, the task, and its value (ns).
CREATE TABLE sched_stat (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, ts INTEGER NOT NULL, cpu INTEGER,
  kind TEXT NOT NULL,                    -- 'runtime', 'sleep', 'iowait', 'wait', 'blocked'
  comm TEXT, pid INTEGER,
  value INTEGER,                         -- runtime or delay, ns
  vruntime INTEGER                       -- runtime only, kernels before 6.8
);
CREATE INDEX sched_stat_source ON sched_stat(source_id);
CREATE INDEX sched_stat_pid ON sched_stat(capture_id, kind, pid, ts);

-- kvm_exit, reason decoded by name from the isa field (1 VMX, 2 SVM).
CREATE TABLE kvm_exit (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, ts INTEGER NOT NULL, cpu INTEGER, tid INTEGER,
  vcpu_id INTEGER, exit_reason INTEGER NOT NULL, isa INTEGER,
  reason TEXT NOT NULL,                  -- 'IO_INSTRUCTION', 'hlt', ... or 'UNKNOWN_<n>'
  guest_rip INTEGER, info1 INTEGER, info2 INTEGER, intr_info INTEGER, error_code INTEGER
);
CREATE INDEX kvm_exit_source ON kvm_exit(source_id);
CREATE INDEX kvm_exit_tid ON kvm_exit(capture_id, tid, ts);

CREATE TABLE kvm_entry (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, ts INTEGER NOT NULL, cpu INTEGER, tid INTEGER,
  vcpu_id INTEGER, rip INTEGER
);
CREATE INDEX kvm_entry_source ON kvm_entry(source_id);
CREATE INDEX kvm_entry_tid ON kvm_entry(capture_id, tid, ts);
