-- 008_traces_derived.sql — what `perfsql load perf` derives from a capture once, at load
-- (loaders/perf/sched_derive.c), so that the traces views are fast on busy captures.
--
-- The typed tables of 003_traces.sql stay the source of truth; these rows are written in the
-- load's transaction from them, in one pass in time order, and go away with the source.
-- Captures loaded by an older perfsql have no rows here: reload them with --replace.

-- trace_lost: one row per PERF_RECORD_LOST of a capture: the kernel dropped `lost` events of
-- ring buffer `cpu` between start_ts (the last event delivered from that CPU before the
-- loss, or the capture start) and end_ts (the time the LOST record was written).
CREATE TABLE trace_lost (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL,
  cpu        INTEGER,                   -- NULL when the capture does not sample the CPU
  start_ts   INTEGER NOT NULL,
  end_ts     INTEGER NOT NULL,
  lost       INTEGER NOT NULL
);
CREATE INDEX trace_lost_source ON trace_lost(source_id);
CREATE INDEX trace_lost_capture ON trace_lost(capture_id, start_ts);

-- sched_run: the rows of the sched_slice view (see views/traces/sched_slice.sql).
CREATE TABLE sched_run (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, cpu INTEGER NOT NULL, tid INTEGER NOT NULL, comm TEXT,
  ts INTEGER, end_ts INTEGER NOT NULL, dur INTEGER, end_state TEXT, prio INTEGER, next_tid INTEGER
);
CREATE INDEX sched_run_source ON sched_run(source_id);
CREATE INDEX sched_run_tid ON sched_run(capture_id, tid, end_ts, cpu, ts, dur);  -- covering: window reports

-- sched_delay: the rows of the sched_wait view (see views/traces/sched_wait.sql).
CREATE TABLE sched_delay (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  capture_id INTEGER NOT NULL, tid INTEGER NOT NULL, cpu INTEGER,
  ts INTEGER NOT NULL, end_ts INTEGER, runnable_ts INTEGER, cause TEXT, wait INTEGER,
  last_out INTEGER, last_state TEXT, off_cpu INTEGER
);
CREATE INDEX sched_delay_source ON sched_delay(source_id);
CREATE INDEX sched_delay_tid ON sched_delay(capture_id, tid, ts, wait);  -- covering: window reports
