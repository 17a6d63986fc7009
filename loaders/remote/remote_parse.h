/*
** remote_parse.h — parsers of the raw text files the eBPF performance-test framework
** writes (netperf output, timing logs, pidstat and log-size monitors, ebpf_start logs,
** case folder names). iperf3 JSON is read with SQLite's JSON functions in
** remote_load.c, not here.
**
** Every parser takes the whole file text (NUL-terminated, length n), never reads past
** it, and returns 0, or -1 with *err_line (1-based; 0 = whole file) and *err_msg
** (sqlite3_malloc'd) describing the first problem. They allocate nothing else.
*/
#ifndef PERFSQL_REMOTE_PARSE_H
#define PERFSQL_REMOTE_PARSE_H

#include <stddef.h>

/* ---- netperf ------------------------------------------------------------- */
enum { NP_MIN, NP_MEAN, NP_MAX, NP_STDDEV, NP_P50, NP_P90, NP_P99, NP_RATE, NP_TPUT,
       NP_ELAPSED, NP_COUNT };
typedef struct NetperfResult {
  const char *form;          /* "csv" | "human" | "classic" | "keyval" */
  double v[NP_COUNT];
  int have[NP_COUNT];
  char units[32];            /* Throughput Units, e.g. "Trans/s" */
} NetperfResult;
int remote_parse_netperf(const char *text, size_t n, NetperfResult *r, long *err_line,
                         char **err_msg);

/* ---- timing logs ----------------------------------------------------------- */
typedef struct TimingResult {
  char test[128];
  char process_start[40], start[40], end[40];   /* as written; "" when absent */
} TimingResult;
int remote_parse_timing(const char *text, size_t n, TimingResult *r, long *err_line,
                        char **err_msg);

/* ---- pidstat resource monitor -------------------------------------------- */
typedef struct PidstatHeader {
  long long pid;             /* -1 when unknown */
  long interval_s;           /* 2 when the header has no INTERVAL */
  char start_datetime[40];   /* "" when absent */
  long long start_epoch;     /* -1 when absent */
  const char *layout;        /* "epoch" | "clock24" | "clock12" (NULL: no samples) */
} PidstatHeader;
typedef struct PidstatRow {
  long line;
  long long ts;              /* unix seconds */
  long long uid, pid, cpu;   /* -1 when the column is absent */
  double usr, system, guest, wait, cpu_pct, minflt, majflt, mem_pct;
  long long vsz_kb, rss_kb;  /* -1 when absent */
  int have_usr, have_system, have_guest, have_wait, have_cpu_pct, have_minflt, have_majflt,
      have_mem;
  char command[64];
} PidstatRow;
/* Calls row() for each sample in file order; a nonzero return stops with that value. */
int remote_parse_pidstat(const char *text, size_t n, PidstatHeader *h,
                         int (*row)(void *ctx, const PidstatRow *r), void *ctx,
                         long *err_line, char **err_msg);

/* ---- log-size monitor ------------------------------------------------------- */
typedef struct LogsizeRow {
  long line;
  char ts[32];               /* "YYYY-MM-DD HH:MM:SS[.ffffff]" */
  long long size;
} LogsizeRow;
int remote_parse_logsize(const char *text, size_t n, char *watched, size_t watched_cap,
                         int (*row)(void *ctx, const LogsizeRow *r), void *ctx,
                         long *err_line, char **err_msg);

/* ---- ebpf_start_*.log ------------------------------------------------------ */
/* *command and *started point into text (not NUL-terminated: lengths given). */
int remote_parse_ebpf_start(const char *text, size_t n, const char **command, size_t *command_len,
                            const char **started, size_t *started_len, long *err_line,
                            char **err_msg);

/* ---- names ------------------------------------------------------------------ */
/* "{topic}_case_{id}_{proto}_{dir}_{hash}" -> parts (written into the caps given).
** Returns 0, or -1 when the name does not have that shape. */
typedef struct CaseName {
  char topic[256], protocol[32], direction[32], hash[32];
  long long case_id;
} CaseName;
int remote_parse_case_name(const char *name, CaseName *c);

/* Parses "YYYY-MM-DD HH:MM:SS[.fff...]" as a naive time: seconds since 1970 as if UTC.
** Returns 0 or -1. */
int remote_naive_time(const char *s, size_t n, double *out);

#endif
