-- 007_remote.sql — the eBPF performance-test framework's result trees and configuration.
--
-- One `perfsql load remote TREE --iteration N` writes one source. Every raw file the
-- framework writes is one remote_file row (where it sits in the tree: node, baseline or
-- eBPF case, environment, client/server/eBPF side, test type, connection and run
-- folder); the figures read from it go to the table of its kind. Reports are views
-- (views/remote/): the baseline comparison, resource windows, iteration aggregates.
-- Times are kept as written (naive executor/remote local time) and converted in views.

-- remote_file: one raw file read from an iteration folder.
CREATE TABLE remote_file (
  id         INTEGER PRIMARY KEY,
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  iteration  INTEGER NOT NULL,          -- --iteration N (the framework's iteration_NNN)
  node       TEXT NOT NULL,             -- host-server | host-client | vm-server | vm-client
  scope      TEXT NOT NULL CHECK (scope IN ('baseline', 'ebpf')),
  case_name  TEXT NOT NULL,             -- {tool}_case_{id}_{proto}_{dir}_{hash}; '' for baseline
  env        TEXT NOT NULL,             -- host | vm
  side       TEXT NOT NULL CHECK (side IN ('client', 'server', 'ebpf')),
  test_type  TEXT,                      -- latency | throughput | pps (NULL for eBPF-side files)
  conn       TEXT,                      -- tcp_rr | udp_rr | single | multi_N
  run_dir    TEXT,                      -- {conn}_{YYYYMMDD_HHMMSS}; the latest one is reported
  kind       TEXT NOT NULL,             -- netperf | iperf3 | timing | pidstat | logsize | ebpf_start
  path       TEXT NOT NULL,             -- relative to the iteration folder
  bytes      INTEGER NOT NULL
);
CREATE INDEX remote_file_source ON remote_file(source_id);
CREATE INDEX remote_file_case ON remote_file(iteration, case_name, env, test_type);

-- remote_case: one eBPF case folder per iteration and environment.
CREATE TABLE remote_case (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  iteration  INTEGER NOT NULL,
  case_name  TEXT NOT NULL,
  topic      TEXT NOT NULL,             -- tool id / topic: the part before _case_
  case_id    INTEGER NOT NULL,
  protocol   TEXT NOT NULL,
  direction  TEXT NOT NULL,
  hash       TEXT NOT NULL,             -- md5("{proto}_{dir}")[:6]
  env        TEXT NOT NULL,
  command    TEXT,                      -- `Command:` line of ebpf_start_*.log
  started    TEXT,                      -- `eBPF case start time:` of ebpf_start_*.log
  UNIQUE (source_id, iteration, case_name, env)
);
CREATE INDEX remote_case_source ON remote_case(source_id);

-- remote_latency: one netperf output (latency_{tcp,udp}_rr.txt).
CREATE TABLE remote_latency (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  file_id    INTEGER NOT NULL REFERENCES remote_file(id) ON DELETE CASCADE,
  form       TEXT NOT NULL,             -- csv (-o) | human (-O) | classic (default TCP_RR) | keyval (-k)
  min_us     REAL, mean_us REAL, max_us REAL, stddev_us REAL,
  p50_us     REAL, p90_us REAL, p99_us REAL,
  trans_rate REAL,                      -- transactions per second
  throughput REAL, throughput_units TEXT,
  elapsed_s  REAL                       -- classic form only
);
CREATE INDEX remote_latency_source ON remote_latency(source_id);
CREATE INDEX remote_latency_file ON remote_latency(file_id);

-- remote_iperf: one iperf3 -J client result (one stream process of a test).
CREATE TABLE remote_iperf (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  file_id    INTEGER NOT NULL REFERENCES remote_file(id) ON DELETE CASCADE,
  stream     INTEGER,                   -- i of *_stream_{i}_port_{p}.json (NULL for single)
  port       INTEGER,
  version    TEXT,                      -- "iperf 3.12"
  protocol   TEXT,                      -- TCP | UDP
  num_streams INTEGER,                  -- -P
  blksize    INTEGER,                   -- start.test_start.blksize (PPS divisor)
  bps_sent   REAL,                      -- end.sum_sent.bits_per_second (old UDP: end.sum)
  bps_received REAL,                    -- end.sum_received.bits_per_second (old UDP: NULL)
  bytes_sent INTEGER,
  seconds    REAL,
  retransmits INTEGER,                  -- TCP
  packets    INTEGER, lost_packets INTEGER, lost_percent REAL, jitter_ms REAL,  -- UDP
  cpu_host_total REAL, cpu_remote_total REAL,
  error      TEXT                       -- the "error" member (then the figures are NULL)
);
CREATE INDEX remote_iperf_source ON remote_iperf(source_id);
CREATE INDEX remote_iperf_file ON remote_iperf(file_id);

-- remote_timing: one *_timing.log (client side, executor-local time, ms precision).
CREATE TABLE remote_timing (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  file_id    INTEGER NOT NULL REFERENCES remote_file(id) ON DELETE CASCADE,
  test_name  TEXT,
  process_start TEXT,                   -- Process_Start: (multi-stream and PPS forms)
  start_time TEXT NOT NULL,             -- Start: or Actual_Launch:
  end_time   TEXT NOT NULL              -- End: or Test_End:
);
CREATE INDEX remote_timing_source ON remote_timing(source_id);
CREATE INDEX remote_timing_file ON remote_timing(file_id);

-- remote_monitor: the header of a resource (pidstat) or log-size monitor log.
CREATE TABLE remote_monitor (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  file_id    INTEGER NOT NULL REFERENCES remote_file(id) ON DELETE CASCADE,
  pid        INTEGER,                   -- monitored eBPF PID
  interval_s INTEGER,                   -- INTERVAL: Ns (pidstat), default 2
  start_datetime TEXT,                  -- START_DATETIME: as written
  start_epoch INTEGER,                  -- START_EPOCH:
  layout     TEXT,                      -- pidstat: epoch | clock24 | clock12
  watched    TEXT                       -- log-size: the file being watched
);
CREATE INDEX remote_monitor_source ON remote_monitor(source_id);
CREATE INDEX remote_monitor_file ON remote_monitor(file_id);

-- remote_pidstat: one pidstat -h -u -r sample of the eBPF tool.
CREATE TABLE remote_pidstat (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  file_id    INTEGER NOT NULL REFERENCES remote_file(id) ON DELETE CASCADE,
  line       INTEGER NOT NULL,
  ts         INTEGER NOT NULL,          -- unix seconds (clock layouts: START_EPOCH + offset)
  uid        INTEGER, pid INTEGER,
  usr_pct    REAL, system_pct REAL, guest_pct REAL, wait_pct REAL, cpu_pct REAL,
  cpu        INTEGER,
  minflt_s   REAL, majflt_s REAL,
  vsz_kb     INTEGER, rss_kb INTEGER, mem_pct REAL,
  command    TEXT
);
CREATE INDEX remote_pidstat_source ON remote_pidstat(source_id);
CREATE INDEX remote_pidstat_file ON remote_pidstat(file_id, ts);

-- remote_logsize: one sample of the eBPF output log's size.
CREATE TABLE remote_logsize (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  file_id    INTEGER NOT NULL REFERENCES remote_file(id) ON DELETE CASCADE,
  line       INTEGER NOT NULL,
  ts         TEXT NOT NULL,             -- 'YYYY-MM-DD HH:MM:SS.ffffff' (fraction cut to 6 digits)
  size_bytes INTEGER NOT NULL
);
CREATE INDEX remote_logsize_source ON remote_logsize(source_id);
CREATE INDEX remote_logsize_file ON remote_logsize(file_id);

-- remote_skipped: files --keep-going left out, with the reason.
CREATE TABLE remote_skipped (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  iteration  INTEGER NOT NULL,
  path       TEXT NOT NULL,
  error      TEXT NOT NULL              -- "<path>:line N: <what>"
);
CREATE INDEX remote_skipped_source ON remote_skipped(source_id);

-- remote_config: one YAML (or cases JSON) file of the framework's configuration, as JSON.
CREATE TABLE remote_config (
  source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  path       TEXT NOT NULL,             -- relative to the loaded directory
  kind       TEXT NOT NULL,             -- minimal | full | tools | performance | analysis | cases | legacy
  doc        TEXT NOT NULL CHECK (json_valid(doc))
);
CREATE INDEX remote_config_source ON remote_config(source_id);

-- remote_threshold_override: degradation thresholds set by hand (percent); they win over
-- the analysis config's `thresholds` and the default 5.0. metric: latency | throughput | pps.
CREATE TABLE remote_threshold_override (
  metric     TEXT PRIMARY KEY CHECK (metric IN ('latency', 'throughput', 'pps')),
  percent    REAL NOT NULL
);
