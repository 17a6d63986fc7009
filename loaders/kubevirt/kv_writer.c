/*
** kv_writer.c — writes KubeVirt runs, results and metrics (sql/004_kubevirt.sql).
**
**  1. Inputs: an open load (source id) and rows from the readers. Every
**     statement is prepared once per load. Metric rows (the hot path: 563k
**     for the real history) are kept in memory, sorted into kubevirt_metric's
**     key order (series_id, week_day, result_id) and appended through one
**     prepared multi-row INSERT: the table's B-tree grows at its end instead of
**     being split at random places, and there is no secondary index to sort
**     but the (result_id, series_id) one (sql/012).
**  2. A run (job, build id) already loaded by *another* source is skipped,
**     never duplicated (n_skipped counts them); the same run met again in the
**     same load (its VMI and VM audit files) is reused. A (run, resource) that
**     already has a result in this load keeps its first result.
**  3. (job, resource, metric) -> kubevirt_series.id is cached in an
**     open-addressing hash table (a few hundred keys), so the hot path does
**     no lookup statement.
**  4. Errors: SQLite's message, prefixed with what was being written.
**     NULL job_dir_created is allowed (run_time then falls back to the start
**     time decoded from the build id).
*/
#include "kubevirt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t kv_snowflake_ms(int64_t build_id) {
  return (int64_t)((uint64_t)build_id >> 22) + 1288834974657LL;
}

void kv_format_ms(int64_t ms, char out[32]) {
  time_t s = (time_t)(ms / 1000);
  int frac = (int)(ms % 1000);
  if (frac < 0) { frac += 1000; s -= 1; }
  struct tm tm;
  gmtime_r(&s, &tm);
  /* fields bounded so the compiler can see the output fits */
  snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
           tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, frac % 1000);
}

int kv_parse_build_id(const char *s, size_t n, int64_t *out) {
  if (n == 0 || n > 19) return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (v > (uint64_t)INT64_MAX) return -1;
  *out = (int64_t)v;
  return 0;
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, char **pzErr) {
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, 0) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("kubevirt: %s", sqlite3_errmsg(db));
    return -1;
  }
  return 0;
}

/* INSERT of nrows metric rows, 8 parameters each (bind_pending). */
static int prep_metric_insert(KvWriter *w, int nrows, sqlite3_stmt **st, char **pzErr) {
  PerfsqlBuf b = {0};
  buf_appendf(&b, "INSERT INTO kubevirt_metric(result_id, series_id, value, threshold_value,"
              " threshold_metric, threshold_ratio, threshold_exceeded, week_day) VALUES");
  for (int i = 0; i < nrows; i++) buf_appendf(&b, "%s(?,?,?,?,?,?,?,?)", i ? "," : "");
  int bad = b.oom || prep(w->db, b.data, st, pzErr);
  if (b.oom) *pzErr = sqlite3_mprintf("kubevirt: out of memory");
  buf_free(&b);
  return bad ? -1 : 0;
}

int kv_writer_open(KvWriter *w, sqlite3 *db, sqlite3_int64 source_id, char **pzErr) {
  memset(w, 0, sizeof *w);
  w->db = db;
  w->source_id = source_id;
  /* Foreign keys hold by construction: every id a row refers to (source, run, result,
  ** series) was inserted or read by this writer in this transaction. Enforced, SQLite
  ** opens a cursor on each parent table and seeks it, for every row: most of the cost of
  ** a metric row. So enforcement is off while the writer is open and back on in
  ** kv_writer_close (SQLITE_DBCONFIG_ENABLE_FKEY applies inside a transaction; the pragma
  ** does not). The writer deletes nothing, so no cascade is skipped. */
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &w->fk_was);
  if (w->fk_was) sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, (int *)0);
  if (prep(db, "SELECT id, source_id FROM kubevirt_run WHERE job = ?1 AND build_id = ?2", &w->find_run, pzErr) ||
      prep(db,
           "INSERT INTO kubevirt_run(source_id, job, build_id, started_at, job_dir_created, run_time,"
           " week_start, origin) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?5, ?4),"
           " date(coalesce(?5, ?4), 'weekday 0', '-6 days'), ?6)",
           &w->ins_run, pzErr) ||
      prep(db, "SELECT id FROM kubevirt_result WHERE run_id = ?1 AND resource = ?2", &w->find_result, pzErr) ||
      prep(db, "INSERT INTO kubevirt_result(source_id, run_id, resource, file) VALUES (?1, ?2, ?3, ?4)",
           &w->ins_result, pzErr) ||
      prep(db, "SELECT CAST(julianday(week_start) - 2440587.5 AS INTEGER) FROM kubevirt_run WHERE id = ?1",
           &w->run_week, pzErr) ||
      prep(db, "SELECT id FROM kubevirt_series WHERE job = ?1 AND resource = ?2 AND metric = ?3",
           &w->find_series, pzErr) ||
      prep(db, "INSERT INTO kubevirt_series(job, resource, metric) VALUES (?1, ?2, ?3)", &w->ins_series, pzErr)) {
    kv_writer_close(w);
    return -1;
  }
  if (prep_metric_insert(w, 1, &w->ins_metric, pzErr) || prep_metric_insert(w, KV_BATCH, &w->ins_metrics, pzErr)) {
    kv_writer_close(w);
    return -1;
  }
  return 0;
}

void kv_writer_close(KvWriter *w) {
  sqlite3_stmt *const st[] = {w->find_run, w->ins_run, w->find_result, w->ins_result, w->ins_metric,
                              w->ins_metrics, w->find_series, w->ins_series, w->run_week, w->tree};
  for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) sqlite3_finalize(st[i]);
  for (size_t i = 0; i < w->nslots; i++) sqlite3_free(w->slots[i].key);
  sqlite3_free(w->slots);
  sqlite3_free(w->hkey);
  sqlite3_free(w->pend);
  buf_free(&w->pend_text);
  if (w->fk_was) sqlite3_db_config(w->db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, (int *)0);
  /* all zero but the connection and the counts (kv_writer_count may still read them) */
  KvWriter z;
  memset(&z, 0, sizeof z);
  z.db = w->db;
  z.source_id = w->source_id;
  z.n_runs = w->n_runs;
  z.n_results = w->n_results;
  z.n_metrics = w->n_metrics;
  z.n_skipped = w->n_skipped;
  *w = z;
}

void kv_writer_count(KvWriter *w, PerfsqlLoad *ld) {
  load_count(ld, "kubevirt_run", w->n_runs);
  load_count(ld, "kubevirt_result", w->n_results);
  load_count(ld, "kubevirt_metric", w->n_metrics);
}

static char *sql_err(KvWriter *w, const char *what) {
  return sqlite3_mprintf("kubevirt: writing %s: %s", what, sqlite3_errmsg(w->db));
}

int kv_run(KvWriter *w, const char *job, int64_t build_id, const char *job_dir_created,
           const char *origin, sqlite3_int64 *run_id, char **pzErr) {
  *run_id = 0;
  sqlite3_stmt *f = w->find_run;
  sqlite3_bind_text(f, 1, job, -1, SQLITE_STATIC);
  sqlite3_bind_int64(f, 2, build_id);
  int rc = sqlite3_step(f);
  if (rc == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(f, 0), src = sqlite3_column_int64(f, 1);
    sqlite3_reset(f);
    if (src == w->source_id) {
      *run_id = id;
    } else {
      w->n_skipped++;
    }
    return 0;
  }
  sqlite3_reset(f);
  if (rc != SQLITE_DONE) { *pzErr = sql_err(w, "run"); return -1; }

  char started[32];
  kv_format_ms(kv_snowflake_ms(build_id), started);
  sqlite3_stmt *s = w->ins_run;
  sqlite3_bind_int64(s, 1, w->source_id);
  sqlite3_bind_text(s, 2, job, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, build_id);
  sqlite3_bind_text(s, 4, started, -1, SQLITE_STATIC);
  if (job_dir_created) sqlite3_bind_text(s, 5, job_dir_created, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, 5);
  sqlite3_bind_text(s, 6, origin, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) { *pzErr = sql_err(w, "run"); return -1; }
  *run_id = sqlite3_last_insert_rowid(w->db);
  w->n_runs++;
  return 0;
}

int kv_result(KvWriter *w, sqlite3_int64 run_id, const char *resource, const char *file,
              sqlite3_int64 *result_id, char **pzErr) {
  *result_id = 0;
  sqlite3_stmt *f = w->find_result;
  sqlite3_bind_int64(f, 1, run_id);
  sqlite3_bind_text(f, 2, resource, -1, SQLITE_STATIC);
  int rc = sqlite3_step(f);
  sqlite3_reset(f);
  if (rc == SQLITE_ROW) return 0;
  if (rc != SQLITE_DONE) { *pzErr = sql_err(w, "result"); return -1; }
  sqlite3_stmt *s = w->ins_result;
  sqlite3_bind_int64(s, 1, w->source_id);
  sqlite3_bind_int64(s, 2, run_id);
  sqlite3_bind_text(s, 3, resource, -1, SQLITE_STATIC);
  if (file) sqlite3_bind_text(s, 4, file, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, 4);
  rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) { *pzErr = sql_err(w, "result"); return -1; }
  *result_id = sqlite3_last_insert_rowid(w->db);
  w->n_results++;
  /* the week every metric of this result is filed under */
  sqlite3_bind_int64(w->run_week, 1, run_id);
  rc = sqlite3_step(w->run_week);
  w->cur_week_day = rc == SQLITE_ROW ? sqlite3_column_int(w->run_week, 0) : 0;
  sqlite3_reset(w->run_week);
  if (rc != SQLITE_ROW) { *pzErr = sql_err(w, "result"); return -1; }
  w->cur_result = *result_id;
  return 0;
}

/* FNV-1a over "job\x1fresource\x1fmetric", continuing from the state after the prefix
** "job\x1fresource\x1f" (series_prefix). */
static uint64_t fnv(uint64_t h, const char *s) {
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    h ^= *c;
    h *= 1099511628211ULL;
  }
  h ^= 0x1f;
  h *= 1099511628211ULL;
  return h;
}

static uint64_t series_hash(const char *job, const char *res, const char *metric) {
  return fnv(fnv(fnv(1469598103934665603ULL, job), res), metric);
}

/* The hash state after "job\x1fresource\x1f": every metric of a result shares it, so it is
** computed once per (job, resource) in a row, not per metric. */
static int series_prefix(KvWriter *w, const char *job, const char *res, uint64_t *h) {
  size_t a = strlen(job), b = strlen(res);
  const char *k = w->hkey;
  if (!k || strncmp(k, job, a) || k[a] != '\x1f' || strncmp(k + a + 1, res, b) || k[a + 1 + b] != '\x1f' ||
      k[a + b + 2]) {
    sqlite3_free(w->hkey);
    w->hkey = sqlite3_mprintf("%s\x1f%s\x1f", job, res);
    if (!w->hkey) return -1;
    w->hprefix = fnv(fnv(1469598103934665603ULL, job), res);
  }
  *h = w->hprefix;
  return 0;
}

static int series_key_eq(const char *key, const char *job, const char *res, const char *metric) {
  size_t a = strlen(job), b = strlen(res);
  return strncmp(key, job, a) == 0 && key[a] == '\x1f' && strncmp(key + a + 1, res, b) == 0 &&
         key[a + 1 + b] == '\x1f' && strcmp(key + a + b + 2, metric) == 0;
}

static int series_grow(KvWriter *w) {
  size_t n = w->nslots ? w->nslots * 2 : 256;
  KvSeriesSlot *ns = sqlite3_malloc64(n * sizeof *ns);
  if (!ns) return -1;
  memset(ns, 0, n * sizeof *ns);
  for (size_t i = 0; i < w->nslots; i++) {
    KvSeriesSlot *o = &w->slots[i];
    if (!o->key) continue;
    /* rehash from the key's three parts */
    char *k = o->key;
    char *p1 = strchr(k, '\x1f'), *p2 = strchr(p1 + 1, '\x1f');
    *p1 = *p2 = 0;
    uint64_t h = series_hash(k, p1 + 1, p2 + 1);
    *p1 = *p2 = '\x1f';
    size_t j = (size_t)h & (n - 1);
    while (ns[j].key) j = (j + 1) & (n - 1);
    ns[j] = *o;
  }
  sqlite3_free(w->slots);
  w->slots = ns;
  w->nslots = n;
  return 0;
}

static int series_id(KvWriter *w, const char *job, const char *res, const char *metric,
                     sqlite3_int64 *id, char **pzErr) {
  uint64_t h;
  if ((w->nused * 2 >= w->nslots && series_grow(w)) || series_prefix(w, job, res, &h)) {
    *pzErr = sqlite3_mprintf("kubevirt: out of memory");
    return -1;
  }
  h = fnv(h, metric);
  size_t j = (size_t)h & (w->nslots - 1);
  while (w->slots[j].key) {
    if (series_key_eq(w->slots[j].key, job, res, metric)) { *id = w->slots[j].id; return 0; }
    j = (j + 1) & (w->nslots - 1);
  }
  sqlite3_stmt *f = w->find_series;
  sqlite3_bind_text(f, 1, job, -1, SQLITE_STATIC);
  sqlite3_bind_text(f, 2, res, -1, SQLITE_STATIC);
  sqlite3_bind_text(f, 3, metric, -1, SQLITE_STATIC);
  int rc = sqlite3_step(f);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(f, 0);
    sqlite3_reset(f);
  } else {
    sqlite3_reset(f);
    if (rc != SQLITE_DONE) { *pzErr = sql_err(w, "series"); return -1; }
    sqlite3_stmt *s = w->ins_series;
    sqlite3_bind_text(s, 1, job, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, res, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, metric, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { *pzErr = sql_err(w, "series"); return -1; }
    *id = sqlite3_last_insert_rowid(w->db);
  }
  char *key = sqlite3_mprintf("%s\x1f%s\x1f%s", job, res, metric);
  if (!key) { *pzErr = sqlite3_mprintf("kubevirt: out of memory"); return -1; }
  w->slots[j].key = key;
  w->slots[j].id = *id;
  w->nused++;
  return 0;
}

static void bind_null(sqlite3_stmt *s, int i, KvBound *b) {
  if (!b->null[i - 1]) sqlite3_bind_null(s, i);
  b->null[i - 1] = 1;
}

static void bind_double(sqlite3_stmt *s, int i, KvBound *b, int have, double v) {
  if (!have) { bind_null(s, i, b); return; }
  sqlite3_bind_double(s, i, v);
  b->null[i - 1] = 0;
}

/* Binds pending row p to s as its row'th row (8 parameters from 8 * row + 1 on); b is
** what s's parameters hold. */
static void bind_pending(KvWriter *w, sqlite3_stmt *s, KvBound *b, int row, const KvPending *p) {
  int base = 8 * row;
  sqlite3_bind_int64(s, base + 1, p->result_id);
  if (!b->known[row] || b->series[row] != p->series_id) sqlite3_bind_int64(s, base + 2, p->series_id);
  sqlite3_bind_double(s, base + 3, p->value);
  bind_double(s, base + 4, b, p->has_tvalue, p->threshold_value);
  if (p->tmetric_off >= 0) {
    sqlite3_bind_text(s, base + 5, w->pend_text.data + p->tmetric_off, -1, SQLITE_STATIC);
    b->null[base + 4] = 0;
  } else {
    bind_null(s, base + 5, b);
  }
  bind_double(s, base + 6, b, p->has_tratio, p->threshold_ratio);
  if (p->texceeded >= 0) {
    sqlite3_bind_int(s, base + 7, p->texceeded);
    b->null[base + 6] = 0;
  } else {
    bind_null(s, base + 7, b);
  }
  if (!b->known[row] || b->week[row] != p->week_day) sqlite3_bind_int(s, base + 8, p->week_day);
  b->series[row] = p->series_id;
  b->week[row] = p->week_day;
  b->known[row] = 1;
}

/* The metric name of a series id, from the cache (only for messages). */
static const char *series_metric(KvWriter *w, sqlite3_int64 id) {
  for (size_t i = 0; i < w->nslots; i++) {
    const char *k = w->slots[i].key;
    if (k && w->slots[i].id == id) {
      const char *a = strchr(k, '\x1f'), *b = a ? strchr(a + 1, '\x1f') : 0;
      return b ? b + 1 : k;
    }
  }
  return "?";
}

/* One row through the single-row statement (its error names the metric). */
static int write_one(KvWriter *w, const KvPending *p, char **pzErr) {
  bind_pending(w, w->ins_metric, &w->bound[0], 0, p);
  int rc = sqlite3_step(w->ins_metric);
  sqlite3_reset(w->ins_metric);
  if (rc != SQLITE_DONE) {
    *pzErr = sqlite3_mprintf("kubevirt: writing metric %s: %s", series_metric(w, p->series_id), sqlite3_errmsg(w->db));
    return -1;
  }
  return 0;
}

/* kubevirt_metric's key order. */
static int cmp_pending(const void *a, const void *b) {
  const KvPending *x = a, *y = b;
  if (x->series_id != y->series_id) return x->series_id < y->series_id ? -1 : 1;
  if (x->week_day != y->week_day) return x->week_day < y->week_day ? -1 : 1;
  if (x->result_id != y->result_id) return x->result_id < y->result_id ? -1 : 1;
  return 0;
}

/* Puts the kept rows in kubevirt_metric's key order. Series ids are kubevirt_series'
** rowids, small and dense: a counting sort by series keeps each series' rows in arrival
** order, which for a tree read in path order is already their (week_day, result_id)
** order; a series whose rows are not is sorted on its own (qsort is the fallback for
** sparse ids too). O(rows + series); one second array of the rows while it runs. */
static void sort_pending(KvWriter *w) {
  size_t n = w->npend;
  if (n < 2) return;
  sqlite3_int64 lo = w->pend[0].series_id, hi = lo;
  for (size_t i = 1; i < n; i++) {
    if (w->pend[i].series_id < lo) lo = w->pend[i].series_id;
    if (w->pend[i].series_id > hi) hi = w->pend[i].series_id;
  }
  KvPending *out = 0;
  size_t *start = 0;
  if ((sqlite3_uint64)(hi - lo) < 4 * (sqlite3_uint64)n + 1024) {
    size_t nb = (size_t)(hi - lo) + 2;
    start = sqlite3_malloc64(nb * sizeof *start);
    out = sqlite3_malloc64(n * sizeof *out);
  }
  if (!start || !out) {
    sqlite3_free(start);
    sqlite3_free(out);
    qsort(w->pend, n, sizeof *w->pend, cmp_pending);
    return;
  }
  size_t nb = (size_t)(hi - lo) + 2;
  memset(start, 0, nb * sizeof *start);
  for (size_t i = 0; i < n; i++) start[w->pend[i].series_id - lo + 1]++;
  for (size_t b = 1; b < nb; b++) start[b] += start[b - 1];
  for (size_t i = 0; i < n; i++) out[start[w->pend[i].series_id - lo]++] = w->pend[i];
  /* start[b] is now the end of bucket b (= the start of bucket b + 1) */
  for (size_t b = 0, from = 0; b + 1 < nb; from = start[b++]) {
    size_t to = start[b];
    for (size_t i = from + 1; i < to; i++)
      if (cmp_pending(&out[i - 1], &out[i]) > 0) {
        qsort(out + from, to - from, sizeof *out, cmp_pending);
        break;
      }
  }
  sqlite3_free(start);
  sqlite3_free(w->pend);
  w->pend = out;
  w->cap = n;
}

/* The kept rows, sorted, KV_BATCH at a time: SQLite's fixed cost per statement is paid
** once per batch. A batch that fails (it is undone as a whole) is written again row by
** row, so that the error names the metric. */
int kv_writer_flush(KvWriter *w, char **pzErr) {
  if (w->pend_text.oom) { *pzErr = sqlite3_mprintf("kubevirt: out of memory"); return -1; }
  sort_pending(w);
  int rc = 0;
  size_t i = 0;
  for (; rc == 0 && i + KV_BATCH <= w->npend; i += KV_BATCH) {
    for (int k = 0; k < KV_BATCH; k++) bind_pending(w, w->ins_metrics, &w->bound[1], k, &w->pend[i + k]);
    int r = sqlite3_step(w->ins_metrics);
    sqlite3_reset(w->ins_metrics);
    for (int k = 0; r != SQLITE_DONE && k < KV_BATCH && rc == 0; k++) rc = write_one(w, &w->pend[i + k], pzErr);
  }
  for (; rc == 0 && i < w->npend; i++) rc = write_one(w, &w->pend[i], pzErr);
  w->npend = 0;
  w->pend_text.len = 0;
  return rc;
}

int kv_metric(KvWriter *w, sqlite3_int64 result_id, const char *job, const char *resource,
              const KvMetric *m, char **pzErr) {
  sqlite3_int64 sid;
  if (series_id(w, job, resource, m->name, &sid, pzErr)) return -1;
  if (result_id != w->cur_result) {
    *pzErr = sqlite3_mprintf("kubevirt: metric %s written outside its result", m->name);
    return -1;
  }
  if (w->npend == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 4096;
    KvPending *np = sqlite3_realloc64(w->pend, cap * sizeof *np);
    if (!np) { *pzErr = sqlite3_mprintf("kubevirt: out of memory"); return -1; }
    w->pend = np;
    w->cap = cap;
  }
  KvPending *p = &w->pend[w->npend];
  p->series_id = sid;
  p->result_id = result_id;
  p->value = m->value;
  p->threshold_value = m->threshold_value;
  p->threshold_ratio = m->threshold_ratio;
  p->has_tvalue = (unsigned char)(m->has_tvalue != 0);
  p->has_tratio = (unsigned char)(m->has_tratio != 0);
  p->texceeded = (signed char)(m->has_texceeded ? (m->threshold_exceeded != 0) : -1);
  p->week_day = w->cur_week_day;
  p->tmetric_off = -1;
  if (m->threshold_metric) {
    if (w->pend_text.len > 0x7fff0000u) { *pzErr = sqlite3_mprintf("kubevirt: out of memory"); return -1; }
    p->tmetric_off = (int)w->pend_text.len;
    buf_append(&w->pend_text, m->threshold_metric, strlen(m->threshold_metric) + 1);
  }
  w->n_metrics++;
  if (++w->npend == KV_KEEP) return kv_writer_flush(w, pzErr);
  return 0;
}
