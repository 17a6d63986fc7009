/*
** remote_load.c — `perfsql load remote TREE --iteration N`: one iteration folder of the
** eBPF framework's results (host-server/, host-client/, vm-server/, vm-client/, each with
** performance-test-results/baseline|ebpf/...) into the remote_* tables.
**
**  1. Inputs: a local folder or an sftp:// URL (remote_fetch.c). Every file is listed;
**     those the framework's analysis reads are loaded: client_results latency/…/latency_*.txt
**     (netperf), throughput or pps run folders: *.json (iperf3 -J) and *_timing.log, and on the eBPF
**     side ebpf_start_*.log, ebpf_monitoring/ebpf_resource_monitor_*.log (pidstat) and
**     ebpf_logsize_monitor_*.log. Server logs, scripts, pid files and the tools' own
**     output are not read (counted as ignored). Every run folder is kept, not only the
**     latest: the views pick the latest the way the framework does.
**  2. Identity: the source's content hash covers the iteration number and every loaded
**     file's path and bytes, in path order; the uri is "<root>#iteration=N". The same
**     tree loaded again is "already loaded"; a changed tree is a new load beside the
**     earlier one (nothing is deleted unasked); --replace drops the earlier load first.
**  3. iperf3 JSON is read only through SQLite's JSON functions (json_valid, ->>):
**     bits/s from end.sum_sent, else end.sum (UDP before 3.16); the "error" member is
**     kept as the row's error. Invalid JSON is an error naming the line: where other
**     text precedes or follows the document, the one foreign line inside it (a warning
**     interleaved by 2>&1), else the last line (cut short; SQLite 3.40 has no
**     json_error_position, so a corruption inside a line is reported at the end).
**  4. Errors: the first malformed file stops the load with "<file>:line N: <what>" and
**     the database unchanged (one transaction). With keep_going, each malformed file is
**     rolled back on its own (a savepoint per file), recorded in remote_skipped and
**     listed on stderr, and the rest is loaded.
**  5. Limits: 256 MiB per file; all loaded files are held in memory during the load
**     (the hash is taken before the transaction starts). Time O(total bytes).
*/
#include "remote_load.h"
#include "remote_parse.h"
#include "common/load.h"
#include "sql_stmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#define REMOTE_MAX_FILE LOAD_MAX_DOCUMENT
/* all files of one tree are held at once: their total is bounded too */
#define REMOTE_MAX_TREE ((size_t)192 << 20)

typedef struct FileClass {
  char node[64], scope[16], case_name[256], env[16], side[16], test_type[16], conn[64],
      run_dir[128], kind[16];
  int stream, port;           /* -1 when absent */
} FileClass;

/* Splits path on '/' into at most cap parts (pointers into buf). */
static int split_path(char *buf, char **parts, int cap) {
  int k = 0;
  char *save = 0;
  for (char *p = strtok_r(buf, "/", &save); p; p = strtok_r(0, "/", &save)) {
    if (k < cap) parts[k] = p;
    k++;
  }
  return k;
}
static int ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n >= k && strcmp(s + n - k, suf) == 0;
}
static int starts_with(const char *s, const char *pre) { return strncmp(s, pre, strlen(pre)) == 0; }
#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* "multi_4_20251021_141238" -> "multi_4" (the connection kind without the timestamp). */
static void conn_of(const char *run_dir, char *out, size_t cap) {
  size_t n = strlen(run_dir);
  snprintf(out, cap, "%s", run_dir);
  if (n > 16 && run_dir[n - 16] == '_' && run_dir[n - 7] == '_') {
    int ok = 1;
    for (size_t i = n - 15; i < n; i++)
      if (i != n - 7 && (run_dir[i] < '0' || run_dir[i] > '9')) ok = 0;
    if (ok && n - 16 < cap) out[n - 16] = 0;
  }
}

static int num_after(const char *s, const char *key) {
  const char *p = strstr(s, key);
  if (!p) return -1;
  p += strlen(key);
  if (*p < '0' || *p > '9') return -1;
  return atoi(p);
}

/* Returns 1 when the file is one the analysis reads (c filled), 0 when it is ignored. */
static int classify(const char *relpath, FileClass *c) {
  memset(c, 0, sizeof *c);
  c->stream = c->port = -1;
  char buf[1024];
  if (strlen(relpath) >= sizeof buf) return 0;
  strcpy(buf, relpath);
  char *p[12];
  int n = split_path(buf, p, 12);
  if (n < 5 || n > 12 || strcmp(p[1], "performance-test-results") != 0) return 0;
  COPY(c->node, p[0]);
  int i;
  if (strcmp(p[2], "baseline") == 0) {
    COPY(c->scope, "baseline");
    COPY(c->env, p[3]);
    i = 4;
  } else if (strcmp(p[2], "ebpf") == 0 && n >= 6) {
    COPY(c->scope, "ebpf");
    COPY(c->case_name, p[3]);
    COPY(c->env, p[4]);
    i = 5;
  } else {
    return 0;
  }
  const char *file = p[n - 1];
  if (strcmp(p[i], "client_results") == 0 && n == i + 4) {
    COPY(c->side, "client");
    COPY(c->test_type, p[i + 1]);
    COPY(c->run_dir, p[i + 2]);
    conn_of(c->run_dir, c->conn, sizeof c->conn);
    if (strcmp(c->test_type, "latency") == 0) {
      if (starts_with(file, "latency_") && ends_with(file, ".txt")) { COPY(c->kind, "netperf"); return 1; }
      return 0;
    }
    if (strcmp(c->test_type, "throughput") == 0 || strcmp(c->test_type, "pps") == 0) {
      if (ends_with(file, "_timing.log")) { COPY(c->kind, "timing"); }
      else if (ends_with(file, ".json")) { COPY(c->kind, "iperf3"); }
      else return 0;
      c->stream = num_after(file, "_stream_");
      c->port = num_after(file, "_port_");
      return 1;
    }
    return 0;
  }
  if (strcmp(c->scope, "ebpf") != 0) return 0;
  COPY(c->side, "ebpf");
  if (n == i + 1 && starts_with(file, "ebpf_start_") && ends_with(file, ".log")) {
    COPY(c->kind, "ebpf_start");
    return 1;
  }
  if (n == i + 2 && strcmp(p[i], "ebpf_monitoring") == 0) {
    if (starts_with(file, "ebpf_resource_monitor_") && ends_with(file, ".log")) { COPY(c->kind, "pidstat"); return 1; }
    if (starts_with(file, "ebpf_logsize_monitor_") && ends_with(file, ".log")) { COPY(c->kind, "logsize"); return 1; }
  }
  return 0;
}

/* ---- the load ---------------------------------------------------------------- */

enum { ST_FILE, ST_CASE, ST_CASE_CMD, ST_LAT, ST_IPERF_VALID, ST_IPERF_GET, ST_IPERF_INS, ST_TIMING,
       ST_MONITOR, ST_PIDSTAT, ST_LOGSIZE, ST_SKIP, ST_COUNT };
static const char *const stmt_sql[ST_COUNT] = {
  "INSERT INTO remote_file(source_id,iteration,node,scope,case_name,env,side,test_type,conn,run_dir,"
  "kind,path,bytes) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
  "INSERT OR IGNORE INTO remote_case(source_id,iteration,case_name,topic,case_id,protocol,direction,"
  "hash,env) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
  "UPDATE remote_case SET command=?5, started=?6 WHERE source_id=?1 AND iteration=?2 AND "
  "case_name=?3 AND env=?4",
  "INSERT INTO remote_latency(source_id,file_id,form,min_us,mean_us,max_us,stddev_us,p50_us,p90_us,"
  "p99_us,trans_rate,throughput,throughput_units,elapsed_s) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
  "?11,?12,?13,?14)",
  "SELECT json_valid(?1)",
  "SELECT ?1->>'$.error', ?1->>'$.start.version', ?1->>'$.start.test_start.protocol',"
  " ?1->>'$.start.test_start.num_streams',"
  " coalesce(?1->>'$.test_start.blksize', ?1->>'$.start.test_start.blksize'),"
  " coalesce(?1->>'$.end.sum_sent.bits_per_second', ?1->>'$.end.sum.bits_per_second'),"
  " ?1->>'$.end.sum_received.bits_per_second',"
  " coalesce(?1->>'$.end.sum_sent.bytes', ?1->>'$.end.sum.bytes'),"
  " coalesce(?1->>'$.end.sum_sent.seconds', ?1->>'$.end.sum.seconds'),"
  " ?1->>'$.end.sum_sent.retransmits',"
  " coalesce(?1->>'$.end.sum.packets', ?1->>'$.end.sum_sent.packets'),"
  " coalesce(?1->>'$.end.sum.lost_packets', ?1->>'$.end.sum_received.lost_packets'),"
  " coalesce(?1->>'$.end.sum.lost_percent', ?1->>'$.end.sum_received.lost_percent'),"
  " coalesce(?1->>'$.end.sum.jitter_ms', ?1->>'$.end.sum_received.jitter_ms'),"
  " ?1->>'$.end.cpu_utilization_percent.host_total',"
  " ?1->>'$.end.cpu_utilization_percent.remote_total',"
  " json_type(?1), json_type(?1, '$.end')",
  "INSERT INTO remote_iperf(source_id,file_id,stream,port,version,protocol,num_streams,blksize,"
  "bps_sent,bps_received,bytes_sent,seconds,retransmits,packets,lost_packets,lost_percent,jitter_ms,"
  "cpu_host_total,cpu_remote_total,error) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
  "?16,?17,?18,?19,?20)",
  "INSERT INTO remote_timing(source_id,file_id,test_name,process_start,start_time,end_time) "
  "VALUES(?1,?2,?3,?4,?5,?6)",
  "INSERT INTO remote_monitor(source_id,file_id,pid,interval_s,start_datetime,start_epoch,layout,"
  "watched) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
  "INSERT INTO remote_pidstat(source_id,file_id,line,ts,uid,pid,usr_pct,system_pct,guest_pct,"
  "wait_pct,cpu_pct,cpu,minflt_s,majflt_s,vsz_kb,rss_kb,mem_pct,command) VALUES(?1,?2,?3,?4,?5,?6,"
  "?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
  "INSERT INTO remote_logsize(source_id,file_id,line,ts,size_bytes) VALUES(?1,?2,?3,?4,?5)",
  "INSERT INTO remote_skipped(source_id,iteration,path,error) VALUES(?1,?2,?3,?4)",
};

typedef struct Loader {
  sqlite3 *db;
  PerfsqlLoad ld;
  sqlite3_stmt *st[ST_COUNT];
  int iteration;
  sqlite3_int64 file_id;
  sqlite3_int64 n_rows[ST_COUNT];
  char *err;                  /* set by row callbacks on SQLite errors */
} Loader;

/* The parsers' optional values: an empty text and a negative count are absent (NULL). */
static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v) { sql_bind_text(s, i, v && v[0] ? v : 0); }
static void bind_opt_int(sqlite3_stmt *s, int i, long long v) { sql_bind_opt_int64(s, i, v >= 0, v); }
/* Steps statement `which` (sql_step_done) and counts its row; an SQLite error is kept in L->err. */
static int step_done(Loader *L, int which) {
  if (sql_step_done(L->st[which], L->err ? 0 : &L->err) != SQLITE_OK) return -1;
  L->n_rows[which]++;
  return 0;
}
/* Statement `which` with the rows' common head bound: ?1 the load, ?2 the file being loaded. */
static sqlite3_stmt *file_stmt(Loader *L, int which) {
  sqlite3_stmt *s = L->st[which];
  sqlite3_bind_int64(s, 1, L->ld.source_id);
  sqlite3_bind_int64(s, 2, L->file_id);
  return s;
}

/* The line of an invalid JSON text: where a valid document ends and other text begins,
** else the first line when it does not start like JSON, else the last line. */
static long json_error_line(Loader *L, const char *text, size_t n, const char **what) {
  size_t i = 0;
  long line = 1;
  while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
    if (text[i] == '\n') line++;
    i++;
  }
  if (i >= n) { *what = "empty file, expected iperf3 -J output"; return 1; }
  if (text[i] != '{' && text[i] != '[') { *what = "not JSON (text before the iperf3 -J document)"; return line; }
  sqlite3_stmt *s = L->st[ST_IPERF_VALID];
  long ln = 1, lines_checked = 0;
  for (size_t k = 0; k < n && lines_checked < 20000; k++) {
    if (text[k] != '\n') continue;
    ln++;
    lines_checked++;
    sqlite3_bind_text(s, 1, text, (int)k, SQLITE_STATIC);
    int ok = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    if (ok) {
      /* a complete document ends at line ln-1; is anything but blanks after it? */
      size_t j = k;
      while (j < n && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n')) j++;
      if (j < n) {
        long at = ln;
        for (size_t q = k + 1; q < j; q++) if (text[q] == '\n') at++;
        *what = "text after the iperf3 -J document";
        return at;
      }
    }
  }
  /* a foreign line inside the document (a warning interleaved by 2>&1): the document
  ** becomes valid without it */
  if (n < ((size_t)4 << 20)) {
    char *copy = sqlite3_malloc64(n + 1);
    if (copy) {
      size_t ls = 0;
      long no = 1;
      for (size_t k = 0; k <= n && no <= 5000; k++) {
        if (k < n && text[k] != '\n') continue;
        size_t le = k < n ? k + 1 : n;          /* the line with its newline */
        memcpy(copy, text, ls);
        memcpy(copy + ls, text + le, n - le);
        sqlite3_bind_text(s, 1, copy, (int)(n - (le - ls)), SQLITE_STATIC);
        int ok = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
        sqlite3_reset(s);
        if (ok) {
          sqlite3_free(copy);
          *what = "not JSON (a line of other text inside the iperf3 -J document)";
          return no;
        }
        ls = le;
        no++;
      }
      sqlite3_free(copy);
    }
  }
  long last = 1;
  for (size_t k = 0; k < n; k++) if (text[k] == '\n' && k + 1 < n) last++;
  *what = "invalid or truncated JSON";
  return last;
}

/* The monitors' sample rows: the file head, then ?3 the sample's line. */
static sqlite3_stmt *sample_stmt(Loader *L, int which, long long line) {
  sqlite3_stmt *s = file_stmt(L, which);
  sqlite3_bind_int64(s, 3, line);
  return s;
}

static int on_pidstat(void *ctx, const PidstatRow *r) {
  sqlite3_stmt *s = sample_stmt(ctx, ST_PIDSTAT, r->line);
  sqlite3_bind_int64(s, 4, r->ts);
  bind_opt_int(s, 5, r->uid);
  bind_opt_int(s, 6, r->pid);
  sql_bind_opt_double(s, 7, r->have_usr, r->usr);
  sql_bind_opt_double(s, 8, r->have_system, r->system);
  sql_bind_opt_double(s, 9, r->have_guest, r->guest);
  sql_bind_opt_double(s, 10, r->have_wait, r->wait);
  sql_bind_opt_double(s, 11, r->have_cpu_pct, r->cpu_pct);
  bind_opt_int(s, 12, r->cpu);
  sql_bind_opt_double(s, 13, r->have_minflt, r->minflt);
  sql_bind_opt_double(s, 14, r->have_majflt, r->majflt);
  bind_opt_int(s, 15, r->vsz_kb);
  bind_opt_int(s, 16, r->rss_kb);
  sql_bind_opt_double(s, 17, r->have_mem, r->mem_pct);
  bind_text_or_null(s, 18, r->command);
  return step_done(ctx, ST_PIDSTAT) ? 1 : 0;
}

static int on_logsize(void *ctx, const LogsizeRow *r) {
  sqlite3_stmt *s = sample_stmt(ctx, ST_LOGSIZE, r->line);
  sql_bind_text(s, 4, r->ts);
  sqlite3_bind_int64(s, 5, r->size);
  return step_done(ctx, ST_LOGSIZE) ? 1 : 0;
}

/* Loads one file; returns 0, or -1 with the line and message (sqlite3_malloc'd). */
static int load_one(Loader *L, const FileClass *c, const char *relpath, const char *text, size_t n,
                    long *line, char **msg) {
  *line = 0;
  *msg = 0;
  sqlite3_int64 sid = L->ld.source_id;
  /* the case folder */
  if (strcmp(c->scope, "ebpf") == 0) {
    CaseName cn;
    if (remote_parse_case_name(c->case_name, &cn)) {
      *msg = sqlite3_mprintf("case folder '%s' is not {tool}_case_{id}_{proto}_{dir}_{hash}", c->case_name);
      return -1;
    }
    sqlite3_stmt *s = L->st[ST_CASE];
    sqlite3_bind_int64(s, 1, sid);
    sqlite3_bind_int(s, 2, L->iteration);
    const char *const name[] = {c->case_name, cn.topic}, *const rest[] = {cn.protocol, cn.direction, cn.hash, c->env};
    load_bind_texts(s, 3, name, 2);
    sqlite3_bind_int64(s, 5, cn.case_id);
    load_bind_texts(s, 6, rest, 4);
    if (step_done(L, ST_CASE)) return -1;
  }
  sqlite3_stmt *s = L->st[ST_FILE];
  sqlite3_bind_int64(s, 1, sid);
  sqlite3_bind_int(s, 2, L->iteration);
  const char *const where[] = {c->node, c->scope, c->case_name, c->env, c->side};
  load_bind_texts(s, 3, where, 5);
  bind_text_or_null(s, 8, c->test_type);
  bind_text_or_null(s, 9, c->conn);
  bind_text_or_null(s, 10, c->run_dir);
  sql_bind_text(s, 11, c->kind);
  sql_bind_text(s, 12, relpath);
  sqlite3_bind_int64(s, 13, (sqlite3_int64)n);
  if (step_done(L, ST_FILE)) return -1;
  L->file_id = sqlite3_last_insert_rowid(L->db);

  if (strcmp(c->kind, "netperf") == 0) {
    NetperfResult r;
    if (remote_parse_netperf(text, n, &r, line, msg)) return -1;
    s = file_stmt(L, ST_LAT);
    sqlite3_bind_text(s, 3, r.form, -1, SQLITE_STATIC);
    static const int order[] = {NP_MIN, NP_MEAN, NP_MAX, NP_STDDEV, NP_P50, NP_P90, NP_P99, NP_RATE, NP_TPUT};
    for (int i = 0; i < 9; i++) sql_bind_opt_double(s, 4 + i, r.have[order[i]], r.v[order[i]]);
    bind_text_or_null(s, 13, r.units);
    sql_bind_opt_double(s, 14, r.have[NP_ELAPSED], r.v[NP_ELAPSED]);
    return step_done(L, ST_LAT);
  }
  if (strcmp(c->kind, "iperf3") == 0) {
    s = L->st[ST_IPERF_VALID];
    sqlite3_bind_text(s, 1, text, (int)n, SQLITE_STATIC);
    int valid = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    if (!valid) {
      const char *what;
      *line = json_error_line(L, text, n, &what);
      *msg = sqlite3_mprintf("%s", what);
      return -1;
    }
    if (json_strict_check(NULL, text, n, msg)) {
      *line = 0;
      return -1;
    }
    sqlite3_stmt *g = L->st[ST_IPERF_GET];
    sqlite3_bind_text(g, 1, text, (int)n, SQLITE_STATIC);
    if (sqlite3_step(g) != SQLITE_ROW) {
      sqlite3_reset(g);
      L->err = sqlite3_mprintf("%s", sqlite3_errmsg(L->db));
      return -1;
    }
    const char *top = (const char *)sqlite3_column_text(g, 16);
    if (!top || strcmp(top, "object") != 0) {
      sqlite3_reset(g);
      *line = 1;
      *msg = sqlite3_mprintf("iperf3 -J output must be a JSON object");
      return -1;
    }
    /* every measured member is a number ("fast" is not stored in a REAL column) */
    static const char *const iperf_paths[16] = {
      0, 0, 0, "$.start.test_start.num_streams", "$.start.test_start.blksize",
      "$.end.sum_sent.bits_per_second", "$.end.sum_received.bits_per_second", "$.end.sum_sent.bytes",
      "$.end.sum_sent.seconds", "$.end.sum_sent.retransmits", "$.end.sum.packets", "$.end.sum.lost_packets",
      "$.end.sum.lost_percent", "$.end.sum.jitter_ms", "$.end.cpu_utilization_percent.host_total",
      "$.end.cpu_utilization_percent.remote_total"};
    for (int i = 3; i <= 15; i++) {
      int t = sqlite3_column_type(g, i);
      if (t == SQLITE_NULL || t == SQLITE_INTEGER || (t == SQLITE_FLOAT && isfinite(sqlite3_column_double(g, i))))
        continue;
      *line = 0;
      *msg = sqlite3_mprintf("%s: not a number: '%.40s'", iperf_paths[i], sqlite3_column_text(g, i));
      sqlite3_reset(g);
      return -1;
    }
    int has_error = sqlite3_column_type(g, 0) != SQLITE_NULL;
    int has_bps = sqlite3_column_type(g, 5) != SQLITE_NULL;
    if (!has_error && !has_bps) {
      sqlite3_reset(g);
      *line = 0;
      *msg = sqlite3_mprintf("iperf3 JSON has neither end.sum_sent/end.sum nor an error member");
      return -1;
    }
    s = file_stmt(L, ST_IPERF_INS);
    bind_opt_int(s, 3, c->stream);
    bind_opt_int(s, 4, c->port);
    sqlite3_bind_value(s, 5, sqlite3_column_value(g, 1));
    sqlite3_bind_value(s, 6, sqlite3_column_value(g, 2));
    sqlite3_bind_value(s, 7, sqlite3_column_value(g, 3));
    sqlite3_bind_value(s, 8, sqlite3_column_value(g, 4));
    for (int i = 5; i <= 15; i++) sqlite3_bind_value(s, 4 + i, sqlite3_column_value(g, i));
    sqlite3_bind_value(s, 20, sqlite3_column_value(g, 0));
    int rc = step_done(L, ST_IPERF_INS);
    sqlite3_reset(g);
    sqlite3_clear_bindings(g);
    return rc;
  }
  if (strcmp(c->kind, "timing") == 0) {
    TimingResult r;
    if (remote_parse_timing(text, n, &r, line, msg)) return -1;
    s = file_stmt(L, ST_TIMING);
    bind_text_or_null(s, 3, r.test);
    bind_text_or_null(s, 4, r.process_start);
    sql_bind_text(s, 5, r.start);
    sql_bind_text(s, 6, r.end);
    return step_done(L, ST_TIMING);
  }
  if (strcmp(c->kind, "pidstat") == 0) {
    PidstatHeader h;
    int rc = remote_parse_pidstat(text, n, &h, on_pidstat, L, line, msg);
    if (rc) return -1;
    s = file_stmt(L, ST_MONITOR);
    bind_opt_int(s, 3, h.pid);
    sqlite3_bind_int64(s, 4, h.interval_s);
    bind_text_or_null(s, 5, h.start_datetime);
    bind_opt_int(s, 6, h.start_epoch);
    bind_text_or_null(s, 7, h.layout);
    sqlite3_bind_null(s, 8);
    return step_done(L, ST_MONITOR);
  }
  if (strcmp(c->kind, "logsize") == 0) {
    char watched[1024];
    if (remote_parse_logsize(text, n, watched, sizeof watched, on_logsize, L, line, msg)) return -1;
    s = file_stmt(L, ST_MONITOR);
    for (int i = 3; i <= 7; i++) sqlite3_bind_null(s, i);   /* pid .. layout: pidstat only */
    bind_text_or_null(s, 8, watched);
    return step_done(L, ST_MONITOR);
  }
  if (strcmp(c->kind, "ebpf_start") == 0) {
    const char *cmd, *started;
    size_t cl, sl;
    if (remote_parse_ebpf_start(text, n, &cmd, &cl, &started, &sl, line, msg)) return -1;
    s = L->st[ST_CASE_CMD];
    sqlite3_bind_int64(s, 1, sid);
    sqlite3_bind_int(s, 2, L->iteration);
    sql_bind_text(s, 3, c->case_name);
    sql_bind_text(s, 4, c->env);
    while (cl && (cmd[cl - 1] == ' ' || cmd[cl - 1] == '\t')) cl--;
    sql_bind_text_n(s, 5, cmd, (int)cl);
    sql_bind_text_n(s, 6, started, (int)sl);
    return step_done(L, ST_CASE_CMD);
  }
  return 0;
}

int remote_load_tree(sqlite3 *db, const char *root, const RemoteLoadOptions *o, char **pzErr) {
  *pzErr = 0;
  if (o->iteration < 1) { *pzErr = sqlite3_mprintf("--iteration must be a positive number"); return -1; }
  RemoteTree *t = 0;
  RemoteEntry *files = 0;
  int nfiles = 0, rc = -1;
  char **data = 0;
  size_t *lens = 0;
  FileClass *cls = 0;
  int *want = 0;
  Loader L;
  memset(&L, 0, sizeof L);
  L.db = db;
  L.iteration = o->iteration;
  int nskipped = 0, nignored = 0, nloaded = 0;
  char **skipped = 0;

  if (remote_tree_open(root, &o->fetch, &t, pzErr)) return -1;
  if (remote_tree_list(t, 0, &files, &nfiles, pzErr)) goto out;
  data = sqlite3_malloc64(sizeof *data * (size_t)(nfiles + 1));
  lens = sqlite3_malloc64(sizeof *lens * (size_t)(nfiles + 1));
  cls = sqlite3_malloc64(sizeof *cls * (size_t)(nfiles + 1));
  want = sqlite3_malloc64(sizeof *want * (size_t)(nfiles + 1));
  skipped = sqlite3_malloc64(sizeof *skipped * (size_t)(nfiles + 1));
  if (!data || !lens || !cls || !want || !skipped) { *pzErr = sqlite3_mprintf("out of memory"); goto out; }
  memset(data, 0, sizeof *data * (size_t)(nfiles + 1));
  int nwant = 0;
  for (int i = 0; i < nfiles; i++) {
    want[i] = classify(files[i].path, &cls[i]);
    if (want[i]) nwant++; else nignored++;
  }
  if (nwant == 0) {
    *pzErr = sqlite3_mprintf("%s: no framework result files found (expected host-server/, host-client/, "
                             "vm-server/, vm-client/ with performance-test-results/baseline|ebpf/...)",
                             remote_tree_uri(t));
    goto out;
  }
  /* read everything and hash it */
  Sha256 sh;
  sha256_init(&sh);
  char hdr[64];
  snprintf(hdr, sizeof hdr, "perfsql-remote 1\niteration=%d\n", o->iteration);
  sha256_update(&sh, hdr, strlen(hdr));
  int done = 0;
  size_t total = 0;
  for (int i = 0; i < nfiles; i++) {
    if (!want[i]) continue;
    if (total >= REMOTE_MAX_TREE) {
      *pzErr = sqlite3_mprintf("%s: the result files total more than the %llu-byte limit of one tree",
                               remote_tree_uri(t), (unsigned long long)REMOTE_MAX_TREE);
      goto out;
    }
    size_t room = REMOTE_MAX_TREE - total < REMOTE_MAX_FILE ? REMOTE_MAX_TREE - total : REMOTE_MAX_FILE;
    if (remote_tree_read(t, files[i].path, room, &data[i], &lens[i], pzErr)) goto out;
    total += lens[i];
    char sz[32];
    snprintf(sz, sizeof sz, "\n%zu\n", lens[i]);
    sha256_update(&sh, files[i].path, strlen(files[i].path));
    sha256_update(&sh, sz, strlen(sz));
    sha256_update(&sh, data[i], lens[i]);
    progress_update("remote: reading", (uint64_t)++done, (uint64_t)nwant);
  }
  progress_done();
  char hash[65];
  sha256_hex(&sh, hash);
  char *uri = sqlite3_mprintf("%s#iteration=%d", remote_tree_uri(t), o->iteration);
  int st = load_begin(db, "remote", uri, hash, o->replace, &L.ld, pzErr);
  sqlite3_free(uri);
  if (st == LOAD_ERROR) goto out;
  if (st == LOAD_DUPLICATE) {
    load_report(&L.ld, st, o->quiet);
    rc = 0;
    goto out;
  }
  for (int i = 0; i < ST_COUNT; i++) {
    char *e = 0;
    if (sql_prepare(db, stmt_sql[i], &L.st[i], &e) != SQLITE_OK) {
      *pzErr = sqlite3_mprintf("remote loader: %s", e);
      sqlite3_free(e);
      goto out;
    }
  }
  done = 0;
  for (int i = 0; i < nfiles; i++) {
    if (!want[i]) continue;
    long line = 0;
    char *msg = 0;
    if (o->keep_going) sql_exec(db, "SAVEPOINT remote_file", 0);
    int frc = load_one(&L, &cls[i], files[i].path, data[i], lens[i], &line, &msg);
    if (L.err) {   /* SQLite itself failed: never skippable */
      *pzErr = sqlite3_mprintf("%s: %s", files[i].path, L.err);
      sqlite3_free(msg);
      goto out;
    }
    if (frc) {
      char *disp = remote_tree_display(t, files[i].path);
      char *e = line > 0 ? err_at_line(disp, line, "%s", msg ? msg : "malformed")
                : msg && msg[0] == '$' ? sqlite3_mprintf("%s:%s", disp, msg)   /* a JSON path */
                : sqlite3_mprintf("%s: %s", disp, msg ? msg : "malformed");
      sqlite3_free(disp);
      sqlite3_free(msg);
      if (!o->keep_going) { *pzErr = e; goto out; }
      sql_exec(db, "ROLLBACK TO remote_file", 0);
      sql_exec(db, "RELEASE remote_file", 0);
      sqlite3_stmt *s = L.st[ST_SKIP];
      sqlite3_bind_int64(s, 1, L.ld.source_id);
      sqlite3_bind_int(s, 2, o->iteration);
      sql_bind_text(s, 3, files[i].path);
      sql_bind_text(s, 4, e);
      if (step_done(&L, ST_SKIP)) { sqlite3_free(e); *pzErr = L.err; L.err = 0; goto out; }
      skipped[nskipped++] = e;
    } else {
      if (o->keep_going) sql_exec(db, "RELEASE remote_file", 0);
      nloaded++;
    }
    progress_update("remote: loading", (uint64_t)++done, (uint64_t)nwant);
  }
  progress_done();
  {
    static const struct { int st; const char *table; } counts[] = {
      {ST_FILE, "remote_file"}, {ST_LAT, "remote_latency"}, {ST_IPERF_INS, "remote_iperf"},
      {ST_TIMING, "remote_timing"}, {ST_MONITOR, "remote_monitor"}, {ST_PIDSTAT, "remote_pidstat"},
      {ST_LOGSIZE, "remote_logsize"}, {ST_SKIP, "remote_skipped"}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
      if (L.n_rows[counts[i].st]) load_count(&L.ld, counts[i].table, L.n_rows[counts[i].st]);
    sqlite3_int64 ncase = 0;
    sqlite3_stmt *q = 0;
    if (sql_prepare(db, "SELECT count(*) FROM remote_case WHERE source_id=?1", &q, 0) == SQLITE_OK) {
      sqlite3_bind_int64(q, 1, L.ld.source_id);
      if (sqlite3_step(q) == SQLITE_ROW) ncase = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    if (ncase) load_count(&L.ld, "remote_case", ncase);
  }
  for (int i = 0; i < ST_COUNT; i++) { sqlite3_finalize(L.st[i]); L.st[i] = 0; }
  if (load_commit(&L.ld, pzErr)) goto out;
  load_report(&L.ld, LOAD_NEW, o->quiet);
  if (!o->quiet)
    printf("remote: iteration %d: %d files loaded, %d not used by the analysis, %d skipped\n",
           o->iteration, nloaded, nignored, nskipped);
  if (nskipped) {
    fprintf(stderr, "perfsql: skipped %d malformed file%s (--keep-going):\n", nskipped, nskipped == 1 ? "" : "s");
    for (int i = 0; i < nskipped; i++) fprintf(stderr, "  %s\n", skipped[i]);
  }
  rc = 0;
out:
  for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(L.st[i]);
  load_free(&L.ld);
  if (L.err) sqlite3_free(L.err);
  if (data) for (int i = 0; i < nfiles; i++) sqlite3_free(data[i]);
  if (skipped) for (int i = 0; i < nskipped; i++) sqlite3_free(skipped[i]);
  sqlite3_free(skipped);
  sqlite3_free(data);
  sqlite3_free(lens);
  sqlite3_free(cls);
  sqlite3_free(want);
  remote_entries_free(files, nfiles);
  remote_tree_close(t);
  return rc;
}
