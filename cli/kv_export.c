/*
** kv_export.c — `perfsql export kubevirt DIR`: the database back out as the
** upstream ci-performance-benchmarks trees, so its workflow (weekly-graph,
** release-graph.sh, the repository itself) keeps working.
**
**  1. DIR/results/<job>/<build-id>/results.json for every run: the schema of
**     perf-report-creator step 1 (JobDirCreationTime, VMIResult, VMResult,
**     null when the run has no such result), written like Go's
**     json.Encoder with SetIndent("", "  "): metric keys sorted, floats in
**     Go's shortest form, omitempty thresholdMetric/thresholdRatio, a final
**     newline. A run loaded from results.json comes back byte for byte.
**  2. DIR/weekly/<job>/<resource>/<metric>/<label>/data/results.json per
**     series and week: StartDate, NumberOfDays 7, Data.Average and
**     Data.DataPoints (Value, Date = JobDirCreationTime), points in time order.
**     Average and DataPoints cover the runs that reported the metric: a
**     missing metric is left out, not written as a 0 point (upstream's
**     weekly-report writes 0 and averages it in).
**  3. Week labels: by default upstream's label (kv_upstream_week_label: 7 days
**     after the ISO Monday in ISO years 2025, 2026, ...), so that exported
**     weeks land in the directories the existing repository already has
**     instead of creating a second directory for the same week; --iso-weeks
**     writes ISO Mondays. Two ISO weeks with the same upstream label (e.g.
**     2026-W53 and 2027-W01) are merged into one file rather than one
**     overwriting the other.
**  4. Errors: the file that could not be written; SQLite errors. O(rows).
**  5. The rows come from the views kubevirt_export_results and
**     kubevirt_export_weekly (views/kubevirt/); this file only formats them.
**  6. Job, resource and metric names come from loaded data: each directory name
**     is safe_path_component() of it, so nothing is written outside DIR.
*/
#include "cli.h"
#include "kv_export.h"
#include "sql_stmt.h"

#include <string.h>

/* Go's RFC3339Nano: fraction without trailing zeros, no '.' if it is all zeros. */
static void go_time(const char *t, char out[64]) {
  snprintf(out, 64, "%s", t ? t : "");
  char *dot = strchr(out, '.');
  char *z = strchr(out, 'Z');
  if (!dot || !z || z < dot) return;
  char *e = z;
  while (e > dot + 1 && e[-1] == '0') e--;
  if (e == dot + 1) e = dot;
  memmove(e, z, strlen(z) + 1);
}

static void json_str(PerfsqlBuf *b, const char *s) {
  buf_append(b, "\"", 1);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\') buf_appendf(b, "\\%c", *c);
    else if (*c == '\n') buf_append(b, "\\n", 2);
    else if (*c == '\r') buf_append(b, "\\r", 2);
    else if (*c == '\t') buf_append(b, "\\t", 2);
    else if (*c < 0x20 || *c == '<' || *c == '>' || *c == '&') buf_appendf(b, "\\u%04x", *c);
    else buf_append(b, c, 1);
  }
  buf_append(b, "\"", 1);
}

static void json_num(PerfsqlBuf *b, double v) {
  char t[40];
  kv_go_float(v, t);
  buf_append(b, t, strlen(t));
}

static int flush_file(const char *path, PerfsqlBuf *b, char **pzErr) {
  if (b->oom) { *pzErr = sqlite3_mprintf("kubevirt export: out of memory"); return -1; }
  if (write_file_path(path, b->data, b->len)) {
    *pzErr = sqlite3_mprintf("%s: cannot write", path);
    return -1;
  }
  return 0;
}

/* ---- results/<job>/<id>/results.json ---------------------------------------- */

/* views/kubevirt/kubevirt_export_results */
static const char *const kv_results_sql =
    "SELECT run_id, job, build_id, job_dir_created, result_id, resource, metric, value, threshold_value,"
    " threshold_metric, threshold_ratio, threshold_exceeded FROM kubevirt_export_results"
    " WHERE ?1 IS NULL OR job = ?1 ORDER BY run_id, resource DESC, metric";

typedef struct RunOut {
  PerfsqlBuf b;
  sqlite3_int64 run;
  char path[4096];
  int have_vmi, have_vm;   /* result objects written */
  const char *open_res;    /* resource whose Values object is open */
  int nvalues;
} RunOut;

static void close_result(RunOut *o) {
  if (!o->open_res) return;
  buf_appendf(&o->b, o->nvalues ? "\n    }\n  }" : "}\n  }");
  o->open_res = 0;
}

/* One of the export's queries, prepared with ?1 = the --job filter (NULL: every job); NULL
** with *pzErr set on failure. */
static sqlite3_stmt *export_query(sqlite3 *db, const char *sql, const char *job, char **pzErr) {
  sqlite3_stmt *st = 0;
  char *err = 0;
  if (sql_prepare(db, sql, &st, &err) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("kubevirt export: %s", err);
    sqlite3_free(err);
    return 0;
  }
  sql_bind_text(st, 1, job);
  return st;
}

static int finish_run(RunOut *o, char **pzErr) {
  if (!o->run) return 0;
  /* results appear vmi first, then vm; fill in the nulls */
  close_result(o);
  if (!o->have_vmi) buf_appendf(&o->b, ",\n  \"VMIResult\": null");
  if (!o->have_vm) buf_appendf(&o->b, ",\n  \"VMResult\": null");
  buf_appendf(&o->b, "\n}\n");
  int rc = flush_file(o->path, &o->b, pzErr);
  o->b.len = 0;
  o->run = 0;
  return rc;
}

static int export_results(sqlite3 *db, const char *dir, const KvExportOptions *opt, sqlite3_int64 *nfiles,
                          char **pzErr) {
  sqlite3_stmt *st = export_query(db, kv_results_sql, opt->job, pzErr);
  if (!st) return -1;
  RunOut o = {0};
  int rc = 0, step;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 run = sqlite3_column_int64(st, 0);
    if (run != o.run) {
      if ((rc = finish_run(&o, pzErr)) != 0) break;
      o.run = run;
      o.have_vmi = o.have_vm = 0;
      o.open_res = 0;
      char *job = safe_path_component((const char *)sqlite3_column_text(st, 1));
      snprintf(o.path, sizeof o.path, "%s/results/%s/%lld/results.json", dir, job ? job : "_",
               (long long)sqlite3_column_int64(st, 2));
      sqlite3_free(job);
      char t[64];
      go_time((const char *)sqlite3_column_text(st, 3), t);
      buf_appendf(&o.b, "{\n  \"JobDirCreationTime\": ");
      json_str(&o.b, t);
      (*nfiles)++;
      progress_update("kubevirt export: results", (uint64_t)*nfiles, 0);
    }
    if (sqlite3_column_type(st, 4) == SQLITE_NULL) continue;   /* no vmi/vm result */
    const char *res = (const char *)sqlite3_column_text(st, 5);
    int is_vmi = !strcmp(res, "vmi");
    if (!o.open_res || strcmp(o.open_res, is_vmi ? "vmi" : "vm")) {
      close_result(&o);
      if (!is_vmi && !o.have_vmi) { buf_appendf(&o.b, ",\n  \"VMIResult\": null"); o.have_vmi = 1; }
      buf_appendf(&o.b, ",\n  \"%s\": {\n    \"Values\": {", is_vmi ? "VMIResult" : "VMResult");
      if (is_vmi) o.have_vmi = 1; else o.have_vm = 1;
      o.open_res = is_vmi ? "vmi" : "vm";
      o.nvalues = 0;
    }
    if (sqlite3_column_type(st, 6) == SQLITE_NULL) continue;   /* result without metrics */
    buf_appendf(&o.b, "%s\n      ", o.nvalues ? "," : "");
    json_str(&o.b, (const char *)sqlite3_column_text(st, 6));
    buf_appendf(&o.b, ": {\n        \"value\": ");
    json_num(&o.b, sqlite3_column_double(st, 7));
    int has_thr = sqlite3_column_type(st, 8) != SQLITE_NULL || sqlite3_column_type(st, 9) != SQLITE_NULL ||
                  sqlite3_column_type(st, 10) != SQLITE_NULL || sqlite3_column_type(st, 11) != SQLITE_NULL;
    if (has_thr) {
      buf_appendf(&o.b, ",\n        \"thresholdResult\": {\n          \"thresholdValue\": ");
      json_num(&o.b, sqlite3_column_double(st, 8));
      if (sqlite3_column_type(st, 9) != SQLITE_NULL && *sqlite3_column_text(st, 9)) {
        buf_appendf(&o.b, ",\n          \"thresholdMetric\": ");
        json_str(&o.b, (const char *)sqlite3_column_text(st, 9));
      }
      if (sqlite3_column_type(st, 10) != SQLITE_NULL && sqlite3_column_double(st, 10) != 0) {
        buf_appendf(&o.b, ",\n          \"thresholdRatio\": ");
        json_num(&o.b, sqlite3_column_double(st, 10));
      }
      buf_appendf(&o.b, ",\n          \"thresholdExceeded\": %s\n        }",
                  sqlite3_column_int(st, 11) ? "true" : "false");
    }
    buf_appendf(&o.b, "\n      }");
    o.nvalues++;
  }
  if (rc == 0 && step != SQLITE_DONE) {
    *pzErr = sqlite3_mprintf("kubevirt export: %s", sqlite3_errmsg(db));
    rc = -1;
  }
  if (rc == 0) rc = finish_run(&o, pzErr);
  sqlite3_finalize(st);
  buf_free(&o.b);
  return rc;
}

/* ---- weekly/<job>/<resource>/<metric>/<label>/data/results.json ------------------ */

/* views/kubevirt/kubevirt_export_weekly */
static const char *const kv_weekly_sql =
    "SELECT job, resource, metric, week_start, value, date FROM kubevirt_export_weekly"
    " WHERE ?1 IS NULL OR job = ?1 ORDER BY job, resource, metric, week_start, run_time, build_id";

typedef struct WeekOut {
  PerfsqlBuf pts;         /* the DataPoints array body */
  char key[1024];         /* job/resource/metric/label */
  char label[11];
  double sum;
  long n;
} WeekOut;

static int finish_week(WeekOut *w, const char *dir, char **pzErr) {
  if (!w->n) return 0;
  PerfsqlBuf b = {0, 0, 0, 0};
  buf_appendf(&b, "{\n  \"StartDate\": \"%s\",\n  \"NumberOfDays\": 7,\n  \"Data\": {\n    \"Average\": ", w->label);
  json_num(&b, w->sum / (double)w->n);
  buf_appendf(&b, ",\n    \"DataPoints\": [");
  buf_append(&b, w->pts.data, w->pts.len);
  buf_appendf(&b, "\n    ]\n  }\n}\n");
  char path[4096];
  snprintf(path, sizeof path, "%s/weekly/%s/data/results.json", dir, w->key);
  int rc = flush_file(path, &b, pzErr);
  buf_free(&b);
  w->pts.len = 0;
  w->n = 0;
  w->sum = 0;
  return rc;
}

static int export_weekly(sqlite3 *db, const char *dir, const KvExportOptions *opt, sqlite3_int64 *nfiles,
                         char **pzErr) {
  sqlite3_stmt *st = export_query(db, kv_weekly_sql, opt->job, pzErr);
  if (!st) return -1;
  WeekOut w = {0};
  int rc = 0, step;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *week = (const char *)sqlite3_column_text(st, 3);
    char label[11];
    if (opt->iso_weeks) snprintf(label, sizeof label, "%.10s", week);
    else kv_upstream_week_label(week, label);
    char key[1024];
    /* job, resource and metric come from loaded data: one safe component each */
    char *job = safe_path_component((const char *)sqlite3_column_text(st, 0));
    char *res = safe_path_component((const char *)sqlite3_column_text(st, 1));
    char *met = safe_path_component((const char *)sqlite3_column_text(st, 2));
    snprintf(key, sizeof key, "%s/%s/%s/%s", job ? job : "_", res ? res : "_", met ? met : "_", label);
    sqlite3_free(job);
    sqlite3_free(res);
    sqlite3_free(met);
    if (strcmp(key, w.key)) {
      if ((rc = finish_week(&w, dir, pzErr)) != 0) break;
      snprintf(w.key, sizeof w.key, "%s", key);
      memcpy(w.label, label, sizeof label);
      (*nfiles)++;
      progress_update("kubevirt export: weekly", (uint64_t)*nfiles, 0);
    }
    double v = sqlite3_column_double(st, 4);
    char t[64];
    go_time((const char *)sqlite3_column_text(st, 5), t);
    buf_appendf(&w.pts, "%s\n      {\n        \"Value\": ", w.n ? "," : "");
    json_num(&w.pts, v);
    buf_appendf(&w.pts, ",\n        \"Date\": ");
    json_str(&w.pts, t);
    buf_appendf(&w.pts, "\n      }");
    w.sum += v;
    w.n++;
  }
  if (rc == 0 && step != SQLITE_DONE) {
    *pzErr = sqlite3_mprintf("kubevirt export: %s", sqlite3_errmsg(db));
    rc = -1;
  }
  if (rc == 0) rc = finish_week(&w, dir, pzErr);
  sqlite3_finalize(st);
  buf_free(&w.pts);
  return rc;
}

int kv_export(sqlite3 *db, const char *dir, const KvExportOptions *o, char **pzErr) {
  sqlite3_int64 nres = 0, nweek = 0;
  if (export_results(db, dir, o, &nres, pzErr)) { progress_done(); return -1; }
  if (export_weekly(db, dir, o, &nweek, pzErr)) { progress_done(); return -1; }
  progress_done();
  if (!o->quiet)
    printf("%s: %lld results files, %lld weekly files (%s week labels)\n", dir, (long long)nres, (long long)nweek,
           o->iso_weeks ? "ISO" : "upstream");
  return 0;
}
