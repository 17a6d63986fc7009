/*
** bench_kubevirt.c — how fast the KubeVirt history imports, and how fast the
** weekly report runs over it.
**
**  1. Generates a ci-performance-benchmarks-like tree: --runs N (default 5000)
**     results.json files, each with a VMIResult and a VMResult of --metrics M/2
**     metrics (default 190 in all, ~1M metric rows), 3 runs a day, written like
**     Go's encoder (2-space indent); two metrics per result carry thresholds.
**  2. Measures `perfsql load kubevirt TREE` (kv_load_path: walk, SHA-256 of
**     every file, JSON through SQLite's json_tree, inserts, commit) in metric
**     rows per second. Target: >= 300,000 rows/s.
**  3. Anchor, measured in the same run: the same metric rows, already in
**     memory, INSERTed through one prepared statement in one transaction into
**     a table of the same shape (same primary key and indexes) in a fresh
**     database. The ratio loader/anchor says what parsing and bookkeeping cost.
**  4. Measures a full evaluation of the kubevirt_weekly view (every row,
**     median and p95 included). Target: < 1 s.
** Prints figures only; never fails on time (exit 1 only on errors).
** usage: bench_kubevirt [--runs N] [--metrics M] [--keep DIR]
*/
#include "unit.h"
#include "kubevirt/kubevirt.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void mkdir_p(const char *path) {
  char buf[8192];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') { *p = 0; mkdir(buf, 0777); *p = '/'; }
  mkdir(buf, 0777);
}

static const char *const verbs[] = {"CREATE", "DELETE", "GET", "LIST", "PATCH", "UPDATE", "WATCH"};
static const char *const kinds[] = {"pods", "nodes", "virtualmachineinstances", "virtualmachines", "endpoints",
                                    "configmaps", "secrets", "leases", "services", "deployments", "events",
                                    "namespaces", "daemonsets", "jobs"};

static void metric_name(int k, char out[96]) {
  if (k == 0) { strcpy(out, "vmiCreationToRunningSecondsP95"); return; }
  if (k == 1) { strcpy(out, "PATCH-virtualmachineinstances-count"); return; }
  int v = k % 7, r = (k / 7) % 14, extra = k / 98;
  if (extra) snprintf(out, 96, "%s-%s%d-count", verbs[v], kinds[r], extra);
  else snprintf(out, 96, "%s-%s-count", verbs[v], kinds[r]);
  if (!strcmp(out, "PATCH-virtualmachineinstances-count")) strcpy(out, "PATCH-virtualmachineinstances0-count");
}

static unsigned long long rng = 88172645463325252ULL;
static double urand(void) {
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (double)(rng >> 11) / 9007199254740992.0;
}

static void write_values(FILE *f, int per) {
  fprintf(f, "{\n    \"Values\": {");
  for (int k = 0; k < per; k++) {
    char name[96];
    metric_name(k, name);
    double v = k == 0 ? 15 + 20 * urand() : 100 * urand() * (1 + k % 5);
    char num[40];
    kv_go_float(v, num);
    fprintf(f, "%s\n      \"%s\": {\n        \"value\": %s", k ? "," : "", name, num);
    if (k == 0) fprintf(f, ",\n        \"thresholdResult\": {\n          \"thresholdValue\": 60,\n          \"thresholdExceeded\": %s\n        }", v > 60 ? "true" : "false");
    if (k == 1) fprintf(f, ",\n        \"thresholdResult\": {\n          \"thresholdValue\": 221.07,\n          \"thresholdMetric\": \"CREATE-pods-count\",\n          \"thresholdRatio\": 0.98,\n          \"thresholdExceeded\": false\n        }");
    fprintf(f, "\n      }");
  }
  fprintf(f, "\n    }\n  }");
}

typedef struct Row { sqlite3_int64 result, series; double value, tv, tr; int has_tv, has_tr, te, week; char tm[32]; } Row;

int main(int argc, char **argv) {
  int runs = 5000, metrics = 190;
  const char *keep = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--metrics") && i + 1 < argc) metrics = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--keep") && i + 1 < argc) keep = argv[++i];
    else { fprintf(stderr, "usage: bench_kubevirt [--runs N] [--metrics M] [--keep DIR]\n"); return 2; }
  }
  char tmpl[] = "/tmp/perfsql-bench-kubevirt-XXXXXX";
  const char *dir = keep ? keep : mkdtemp(tmpl);
  if (!dir) { perror("mkdtemp"); return 1; }
  char tree[4200], dbp[4200], adbp[4200];
  snprintf(tree, sizeof tree, "%s/ci-performance-benchmarks", dir);
  snprintf(dbp, sizeof dbp, "%s/bench.db", dir);
  snprintf(adbp, sizeof adbp, "%s/anchor.db", dir);
  unlink(dbp); unlink(adbp);

  /* 1. the history */
  double t0 = now_s();
  int per = metrics / 2;
  const char *job = "periodic-kubevirt-e2e-k8s-1.34-sig-performance";
  long long base_ms = 1700000000000LL;
  struct stat sb;
  int reuse = keep && stat(tree, &sb) == 0;   /* --keep DIR: a tree from an earlier run is reused */
  for (int r = 0; r < runs && !reuse; r++) {
    long long ms = base_ms + (long long)r * 8 * 3600 * 1000;
    long long id = (long long)((ms - 1288834974657LL) << 22);
    char d[4300], path[4400], created[32];
    snprintf(d, sizeof d, "%s/results/%s/%lld", tree, job, id);
    mkdir_p(d);
    snprintf(path, sizeof path, "%s/results.json", d);
    kv_format_ms(ms + 2 * 3600 * 1000, created);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); return 1; }
    fprintf(f, "{\n  \"JobDirCreationTime\": \"%s\",\n  \"VMIResult\": ", created);
    write_values(f, per);
    fprintf(f, ",\n  \"VMResult\": ");
    write_values(f, metrics - per);
    fprintf(f, "\n}\n");
    fclose(f);
  }
  double t_gen = now_s() - t0;

  /* 2. the import */
  sqlite3 *db = unit_open(dbp);
  char *err = 0;
  /* the same page cache for the import, the anchor and the report */
  const char *pragmas = "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;";
  if (db) sqlite3_exec(db, pragmas, 0, 0, 0);
  if (!db || perfsql_schema_install(db, &err)) { fprintf(stderr, "schema: %s\n", err ? err : "?"); return 1; }
  KvLoadOptions o;
  memset(&o, 0, sizeof o);
  o.quiet = 1;
  t0 = now_s();
  double c0 = cpu_s();
  if (kv_load_path(db, tree, &o, &err)) { fprintf(stderr, "load: %s\n", err); return 1; }
  double t_load = now_s() - t0, c_load = cpu_s() - c0;
  sqlite3_stmt *st = 0;
  sqlite3_int64 nrows = 0;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM kubevirt_metric", -1, &st, 0);
  if (sqlite3_step(st) == SQLITE_ROW) nrows = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);

  /* 3. the anchor: the same rows through one prepared INSERT */
  Row *rows = malloc((size_t)nrows * sizeof *rows);
  sqlite3_int64 n = 0;
  sqlite3_prepare_v2(db, "SELECT result_id, series_id, week_day, value, threshold_value, threshold_metric,"
                         " threshold_ratio, threshold_exceeded FROM kubevirt_metric", -1, &st, 0);
  while (sqlite3_step(st) == SQLITE_ROW && n < nrows) {
    Row *w = &rows[n++];
    memset(w, 0, sizeof *w);
    w->result = sqlite3_column_int64(st, 0);
    w->series = sqlite3_column_int64(st, 1);
    w->week = sqlite3_column_int(st, 2);
    w->value = sqlite3_column_double(st, 3);
    w->has_tv = sqlite3_column_type(st, 4) != SQLITE_NULL;
    w->tv = sqlite3_column_double(st, 4);
    if (sqlite3_column_type(st, 5) != SQLITE_NULL) snprintf(w->tm, sizeof w->tm, "%s", sqlite3_column_text(st, 5));
    w->has_tr = sqlite3_column_type(st, 6) != SQLITE_NULL;
    w->tr = sqlite3_column_double(st, 6);
    w->te = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
  }
  sqlite3_finalize(st);
  sqlite3 *adb = unit_open(adbp);
  sqlite3_exec(adb, pragmas, 0, 0, 0);
  sqlite3_exec(adb, "PRAGMA journal_mode=WAL;"
                    "CREATE TABLE anchor_metric (result_id INTEGER NOT NULL, series_id INTEGER NOT NULL,"
                    " week_day INTEGER NOT NULL, value REAL NOT NULL, threshold_value REAL, threshold_metric TEXT,"
                    " threshold_ratio REAL, threshold_exceeded INTEGER,"
                    " PRIMARY KEY (series_id, week_day, result_id)) WITHOUT ROWID;"
                    "CREATE UNIQUE INDEX anchor_result ON anchor_metric(result_id, series_id);", 0, 0, 0);
  t0 = now_s();
  c0 = cpu_s();
  sqlite3_exec(adb, "BEGIN", 0, 0, 0);
  sqlite3_prepare_v2(adb, "INSERT INTO anchor_metric VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &st, 0);
  for (sqlite3_int64 i = 0; i < n; i++) {
    Row *w = &rows[i];
    sqlite3_bind_int64(st, 1, w->result);
    sqlite3_bind_int64(st, 2, w->series);
    sqlite3_bind_int(st, 3, w->week);
    sqlite3_bind_double(st, 4, w->value);
    if (w->has_tv) sqlite3_bind_double(st, 5, w->tv); else sqlite3_bind_null(st, 5);
    if (w->tm[0]) sqlite3_bind_text(st, 6, w->tm, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 6);
    if (w->has_tr) sqlite3_bind_double(st, 7, w->tr); else sqlite3_bind_null(st, 7);
    if (w->te >= 0) sqlite3_bind_int(st, 8, w->te); else sqlite3_bind_null(st, 8);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_exec(adb, "COMMIT", 0, 0, 0);
  double t_anchor = now_s() - t0, c_anchor = cpu_s() - c0;
  sqlite3_close(adb);
  free(rows);

  /* 4. the weekly report */
  t0 = now_s();
  c0 = cpu_s();
  sqlite3_int64 wrows = 0;
  double chk = 0;
  if (sqlite3_prepare_v2(db, "SELECT mean, p95, median FROM kubevirt_weekly", -1, &st, 0) != SQLITE_OK) {
    fprintf(stderr, "weekly: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  while (sqlite3_step(st) == SQLITE_ROW) { wrows++; chk += sqlite3_column_double(st, 0); }
  sqlite3_finalize(st);
  double t_weekly = now_s() - t0, c_weekly = cpu_s() - c0;
  sqlite3_close(db);

  double load_rate = (double)nrows / t_load, anchor_rate = (double)n / t_anchor;
  printf("kubevirt import benchmark: %d runs x %d metrics = %lld metric rows (tree generated in %.2f s)\n", runs,
         metrics, (long long)nrows, t_gen);
  printf("                                  wall s      rows/s (wall)   CPU s   rows/s (CPU)\n");
  printf("  load kubevirt TREE              %8.3f  %12.0f  %8.3f  %12.0f   (target >= 300000 rows/s)\n", t_load,
         load_rate, c_load, (double)nrows / c_load);
  printf("  anchor: one prepared INSERT     %8.3f  %12.0f  %8.3f  %12.0f\n", t_anchor, anchor_rate, c_anchor,
         (double)n / c_anchor);
  printf("  ratio load/anchor rate: %.2f wall, %.2f CPU\n", load_rate / anchor_rate,
         ((double)nrows / c_load) / ((double)n / c_anchor));
  printf("  kubevirt_weekly, all %lld rows  %8.3f wall s, %.3f CPU s   (target < 1 s)  [checksum %.6g]\n",
         (long long)wrows, t_weekly, c_weekly, chk);
  printf("  (wall time includes waiting for a CPU on a shared machine; CPU time is this process's)\n");
  if (!keep) {
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  }
  return nrows == (sqlite3_int64)runs * metrics ? 0 : 1;
}
