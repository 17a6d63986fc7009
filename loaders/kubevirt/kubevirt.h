/*
** kubevirt.h — the KubeVirt CI performance loaders (perf-report-creator's data).
**
** Shared by the files in loaders/kubevirt/ and cli/cmd_kubevirt.c. The pieces:
**   kv_writer.c   the rows: runs, results, metrics (prepared statements, series cache)
**   kv_values.c   one JSON document (results.json / audit file / build-log block)
**                 walked with SQLite's json_tree into the writer
**   kv_buildlog.c the regex-era build-log.txt blocks
**   kv_files.c    `perfsql load kubevirt PATH...`: files and directory trees
**   kv_gcs.c      `perfsql load kubevirt-gcs`: the bucket over HTTPS
**   kv_shape.c    shape.yaml (release graph configuration) with libyaml
**   kv_format.c   Go's float text and upstream's week labels (for the export)
**   cli/kv_export.[ch], cli/kv_graph.c, cli/cmd_kubevirt.c   export, graphs, CLI (one floor up)
*/
#ifndef PERFSQL_KUBEVIRT_H
#define PERFSQL_KUBEVIRT_H

#include "common/load.h"

#include <stdio.h>

/* ---- small helpers ------------------------------------------------------ */

/* Prow build ids are snowflakes: start time in ms = (id >> 22) + 1288834974657. */
int64_t kv_snowflake_ms(int64_t build_id);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" for unix ms into out[32]. */
void kv_format_ms(int64_t ms, char out[32]);
/* Parses a decimal build id (digits only, fits int64). 0 ok, -1 otherwise. */
int kv_parse_build_id(const char *s, size_t n, int64_t *out);

/* Byte offset of the first syntax error in a JSON text, or -1 when the text is
** valid JSON. Only used to *locate* errors that SQLite's json_valid() reports
** without a position (SQLite < 3.42 has no json_error_position); values are
** always read through SQLite's JSON functions. Nesting deeper than 1000 is an
** error at the offending bracket. */
long long kv_json_error_offset(const char *s, size_t n);
/* 1 when doc is valid JSON whose top level is an object (SQLite's json_valid and
** json_type, on db), else 0. */
int kv_json_is_object(sqlite3 *db, const char *doc, size_t len);
/* Turns a byte offset into 1-based line and column. */
void kv_line_col(const char *s, size_t off, long *line, long *col);

/* ---- the writer ---------------------------------------------------------- */

typedef struct KvSeriesSlot { char *key; sqlite3_int64 id; } KvSeriesSlot;

/* Metric rows are kept until kv_writer_flush(), then sorted into the table's key order
** (series_id, week_day, result_id: sql/012) and written KV_BATCH at a time; at most
** KV_KEEP rows are kept (~56 MB), a full buffer is written early. */
enum { KV_BATCH = 32, KV_KEEP = 1 << 20 };
typedef struct KvMetric {
  const char *name;
  double value;
  int has_threshold;          /* thresholdResult present */
  double threshold_value; int has_tvalue;
  const char *threshold_metric;
  double threshold_ratio; int has_tratio;
  int threshold_exceeded; int has_texceeded;
} KvMetric;

/* One kept metric row (56 bytes). */
typedef struct KvPending {
  sqlite3_int64 series_id, result_id;
  double value, threshold_value, threshold_ratio;
  int week_day;
  int tmetric_off;             /* threshold_metric: offset in KvWriter.pend_text, -1 = NULL */
  signed char texceeded;       /* -1 = NULL */
  unsigned char has_tvalue, has_tratio;
} KvPending;

/* What the parameters of a metric INSERT hold since they were last bound (sqlite3_reset
** keeps bindings): a NULL, the same series or the same week is not bound again. */
typedef struct KvBound {
  unsigned char null[8 * KV_BATCH];
  sqlite3_int64 series[KV_BATCH];
  int week[KV_BATCH];
  unsigned char known[KV_BATCH];   /* series[] and week[] hold what is bound */
} KvBound;

typedef struct KvWriter {
  sqlite3 *db;
  sqlite3_int64 source_id;
  sqlite3_stmt *find_run, *ins_run, *find_result, *ins_result, *ins_metric;
  sqlite3_stmt *find_series, *ins_series;
  sqlite3_stmt *tree;                          /* kv_values.c's json_tree, prepared on first use */
  KvSeriesSlot *slots; size_t nslots, nused;   /* (job,resource,metric) -> series id */
  char *hkey; uint64_t hprefix;                /* "job\x1fresource\x1f" last hashed, its FNV state */
  sqlite3_stmt *run_week;                      /* week_day of a run */
  sqlite3_int64 cur_result; int cur_week_day;  /* the result metrics are being added to */
  sqlite3_int64 n_runs, n_results, n_metrics, n_skipped;
  sqlite3_stmt *ins_metrics;                   /* KV_BATCH rows at once */
  KvPending *pend; size_t npend, cap;          /* metrics not yet written */
  PerfsqlBuf pend_text;                        /* their threshold_metric texts */
  KvBound bound[2];                            /* of ins_metric, of ins_metrics */
  int fk_was;                                  /* foreign-key enforcement before kv_writer_open */
} KvWriter;

int kv_writer_open(KvWriter *w, sqlite3 *db, sqlite3_int64 source_id, char **pzErr);
void kv_writer_close(KvWriter *w);   /* does not write pending metrics: kv_writer_flush first */
/* Writes the metrics kv_metric() kept back, in the table's key order. Call it before
** kv_writer_count() and commit. */
int kv_writer_flush(KvWriter *w, char **pzErr);
/* Adds run counts to the load's row_counts. */
void kv_writer_count(KvWriter *w, PerfsqlLoad *ld);

/* Finds or inserts the run. *run_id = 0 (and nothing written) when the run was
** already loaded by another source: it is skipped, not duplicated.
** job_dir_created may be NULL. origin: 'results.json', 'audit', 'build-log'. */
int kv_run(KvWriter *w, const char *job, int64_t build_id, const char *job_dir_created,
           const char *origin, sqlite3_int64 *run_id, char **pzErr);
/* Inserts a result of a run. *result_id = 0 when that (run, resource) already
** has a result in this load (the first file wins). */
int kv_result(KvWriter *w, sqlite3_int64 run_id, const char *resource, const char *file,
              sqlite3_int64 *result_id, char **pzErr);

int kv_metric(KvWriter *w, sqlite3_int64 result_id, const char *job, const char *resource,
              const KvMetric *m, char **pzErr);

/* ---- JSON documents ------------------------------------------------------ */

/* What one document is. */
enum {
  KV_DOC_RESULTS = 1,   /* results.json: {JobDirCreationTime, VMIResult, VMResult} */
  KV_DOC_RESULT = 2     /* audit file / build-log block: {"Values": {...}} */
};

/* Where the run comes from and what to call things in messages. */
typedef struct KvDocCtx {
  KvWriter *w;
  const char *file;          /* for messages and kubevirt_result.file */
  const char *job;
  int64_t build_id;
  const char *job_dir_created; /* KV_DOC_RESULT: may be NULL; KV_DOC_RESULTS: read from the file */
  const char *origin;
  const char *resource;      /* KV_DOC_RESULT only */
  long line_base;            /* build-log blocks: line of the block's first line - 1, else 0 */
  sqlite3_int64 run_id;      /* KV_DOC_RESULT: an existing run to attach to (0 = kv_run) */
  int skipped;               /* out: the run was already loaded by another source */
  int kind;                  /* KV_DOC_*, set by kv_load_doc */
} KvDocCtx;

/* Validates, then writes the run (if needed), its results and metrics.
** Errors: "<file>:line L, column C: malformed JSON", "<file>: <json path>: expected ...". */
int kv_load_doc(KvDocCtx *c, const char *json, size_t n, int kind, char **pzErr);

/* ---- build-log.txt ------------------------------------------------------- */

/* One "Values" block found in a build log: [start,end) byte range of the JSON
** text (the `"Values": {` line through the `}` line) and its first line. */
typedef struct KvBlock { size_t start, end; long line; } KvBlock;
/* Finds the blocks. Returns the count (*out sqlite3_malloc'd, may be NULL when
** 0) or -1 with *pzErr ("<file>:line N: ... not closed"). */
int kv_buildlog_blocks(const char *file, const char *text, size_t n, KvBlock **out, char **pzErr);
/* Resource name of the i-th block: vmi, vm, vm-instancetype, then block-<i+1>. */
const char *kv_buildlog_resource(int i, char buf[32]);
/* Loads every block of a build log into run c->run_id (or a new run). */
int kv_load_buildlog(KvDocCtx *c, const char *text, size_t n, char **pzErr);

/* ---- audit file names ---------------------------------------------------- */
/* Resource of an audit file's base name (vmi, vm, vm-instancetype) or NULL. */
const char *kv_audit_resource(const char *basename);

/* ---- local paths (kv_files.c) -------------------------------------------- */
typedef struct KvLoadOptions {
  const char *job;           /* overrides the job taken from the path */
  const char *build_id;      /* overrides the build id taken from the path */
  const char *created;       /* job_dir_created for build logs / audit files */
  int replace;
  int quiet;
} KvLoadOptions;
/* One load (one source row) for PATH: a file or a directory tree. Prints the
** load report. 0 ok, -1 with *pzErr. */
int kv_load_path(sqlite3 *db, const char *path, const KvLoadOptions *o, char **pzErr);

/* ---- shape.yaml (kv_shape.c) --------------------------------------------- */
int kv_load_shape(sqlite3 *db, const char *path, const KvLoadOptions *o, char **pzErr);

/* ---- GCS (kv_gcs.c) ------------------------------------------------------ */
typedef struct KvGcsOptions {
  const char **jobs; int njobs;
  const char *bucket;        /* default kubevirt-prow */
  const char *base_url;      /* default https://storage.googleapis.com */
  double since_s;            /* default 86400 */
  int concurrency;           /* --jobs, default 4 */
  long timeout_s, connect_timeout_s;
  int retries; long backoff_ms;
  const char *cacert; int insecure;
  int quiet;
  double now;                /* unix seconds; 0 = the clock (tests may pin it) */
  const char *credentials_file;  /* service-account key JSON (kv_gauth.c); NULL = anonymous */
} KvGcsOptions;
int kv_load_gcs(sqlite3 *db, const KvGcsOptions *o, char **pzErr);

/* ---- service-account credentials (kv_gauth.c) ------------------------------ */
typedef struct KvGauth KvGauth;
struct HttpOptions;
/* Reads a service-account key file; NULL with *pzErr ("<file>: <what>"). */
KvGauth *kv_gauth_open(const char *path, const struct HttpOptions *http, char **pzErr);
/* "Authorization: Bearer <token>" (sqlite3_malloc'd), fetching or refreshing the
** token (JWT bearer flow) when there is none or it expires within 60 s. Thread-safe. */
int kv_gauth_header(KvGauth *a, char **header, char **pzErr);
int kv_gauth_requests(KvGauth *a);   /* token requests made so far */
void kv_gauth_close(KvGauth *a);

/* ---- formats for the export (kv_format.c; the export itself: cli/kv_export.h) -- */
/* Upstream's week directory label for an ISO Monday 'YYYY-MM-DD' (see kv_export.c). */
void kv_upstream_week_label(const char *iso_monday, char out[11]);
/* Go's encoding/json float64 text (shortest round-trip, 'e' form outside 1e-6..1e21). */
void kv_go_float(double v, char out[40]);

#endif
