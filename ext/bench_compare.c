/*
** bench_compare.c — the table-valued function bench_compare(): one stored
** run against another, metric by metric.
**
**  1. bench_compare(BASE, CURRENT [, THRESHOLDS [, ALPHA [, TIME [, NOISE_K]]]])
**     BASE, CURRENT: a run id (integer) or a label (text: the latest run with
**     that label by run time; all-digit text that is no label is an id).
**     THRESHOLDS: YAML text (see bench_thresholds.c), NULL = defaults.
**     ALPHA: significance level, NULL = the file's alpha or 0.05.
**     TIME: 'real' (default, compare.py's first column) or 'cpu': the Google
**     Benchmark time that gates. NOISE_K: NULL = the file's noise_k or 3.
**  2. Samples follow view bench_sample's rule (repetitions; the mean
**     aggregate when a run has only aggregates), read straight from
**     bench_value through its (run_id, metric) index. Per metric (ordered by name):
**       base, current   means of the samples; base_n, current_n their counts
**       base_/current_median, _min, _stddev (n-1, as Google Benchmark's
**                       aggregate), _cv (stddev / mean; NULL below 2 samples)
**       change_pct      100 * (current - base) / base (NULL when base = 0);
**                       median_change_pct the same on the medians
**       threshold_pct, better  resolved from THRESHOLDS
**       p_value, test   two-sided Mann-Whitney U (mwu_test(): 'exact' or
**                       'normal'), only when both sides have >= 2 samples
**       noise_pct       NOISE_K * 100 * the larger CV of the two sides
**       judged_by       'U test' when the test can reach p < ALPHA at these
**                       sample sizes (mwu_min_p()), else 'threshold'
**       verdict         new (no base), missing (no current), regression /
**                       improvement when the change exceeds the threshold in
**                       the bad / good direction AND exceeds noise_pct AND
**                       (judged_by = 'threshold' OR p < ALPHA), else unchanged
**       note            per metric, why: the U test cannot reach alpha,
**                       within noise, not significant, compare.py's warning
**                       below 9 repetitions, not gated
**       kind, gated     Google Benchmark runs: 'time' or 'counter' (the
**                       field after the last ':'); only the TIME field gates,
**                       plus any metric a rule of THRESHOLDS names. Other
**                       formats: kind 'metric', every metric gates.
**       cost_ratio      current/base (better lower) or base/current (better
**                       higher): > 1 is worse
**  3. Errors: unknown run, YAML errors (with line and column), alpha outside
**     (0, 1), TIME not real/cpu, NOISE_K outside [0, 100]. NULL BASE or
**     CURRENT -> no rows.
**  4. Complexity: O(N log N) for N samples of the two runs (two indexed
**     scans ordered by metric, merged); memory O(N).
*/
#include "bench.h"
#include "tvf.h"
#include "sql_stmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { BC_METRIC, BC_UNIT, BC_BASE, BC_CURRENT, BC_CHANGE, BC_THRESHOLD, BC_BETTER, BC_BASE_N,
       BC_CURRENT_N, BC_P, BC_TEST, BC_VERDICT, BC_NOTE, BC_COST,
       BC_MEDIAN_CHANGE, BC_BASE_MEDIAN, BC_CURRENT_MEDIAN, BC_BASE_MIN, BC_CURRENT_MIN,
       BC_BASE_SD, BC_CURRENT_SD, BC_BASE_CV, BC_CURRENT_CV, BC_NOISE, BC_JUDGED_BY, BC_GATED, BC_KIND,
       BC_ARG_BASE, BC_ARG_CURRENT, BC_ARG_THRESHOLDS, BC_ARG_ALPHA, BC_ARG_TIME, BC_ARG_NOISE_K };
#define BC_NARGS 6

/* Summary statistics of one side's samples. */
typedef struct SideStats { double mean, median, min, sd, cv; int n, has_sd; } SideStats;

typedef struct BcRow {
  char *metric, *unit, *note;
  double base, current, change, threshold, p, cost, median_change, noise;
  SideStats sb, sc;
  int has_base, has_current, has_change, has_p, has_cost, exact, better, base_n, current_n;
  int has_median_change, has_noise, power, gated;
  const char *verdict, *kind;
} BcRow;

typedef struct BcVtab { sqlite3_vtab base; sqlite3 *db; } BcVtab;

typedef struct BcCursor {
  sqlite3_vtab_cursor base;
  BcRow *rows;
  int n, cap, i;
} BcCursor;

static int bc_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **ppVtab,
                      char **pzErr) {
  (void)aux; (void)argc; (void)argv; (void)pzErr;
  int rc = sqlite3_declare_vtab(db,
      "CREATE TABLE x(metric TEXT, unit TEXT, base REAL, current REAL, change_pct REAL, threshold_pct REAL,"
      " better TEXT, base_n INTEGER, current_n INTEGER, p_value REAL, test TEXT, verdict TEXT, note TEXT,"
      " cost_ratio REAL, median_change_pct REAL, base_median REAL, current_median REAL, base_min REAL,"
      " current_min REAL, base_stddev REAL, current_stddev REAL, base_cv REAL, current_cv REAL, noise_pct REAL,"
      " judged_by TEXT, gated INTEGER, kind TEXT,"
      " base_run HIDDEN, current_run HIDDEN, thresholds HIDDEN, alpha HIDDEN, time HIDDEN, noise_k HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  BcVtab *v = sqlite3_malloc64(sizeof(*v));
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof(*v));
  v->db = db;
  *ppVtab = &v->base;
  return SQLITE_OK;
}

static int bc_disconnect(sqlite3_vtab *p) { sqlite3_free(p); return SQLITE_OK; }

/* Plan encoding: idxNum bit k set when hidden argument k (base, current,
** thresholds, alpha, time, noise_k) has a usable EQ constraint; argv holds
** them in order. base and current are required. */
static int bc_best_index(sqlite3_vtab *tab, sqlite3_index_info *info) {
  int rc = tvf_best_index(tab, info, BC_ARG_BASE, BC_NARGS, 3, "bench_compare: base and current runs are required");
  info->estimatedCost = 10000;
  return rc;
}

static int bc_open(sqlite3_vtab *p, sqlite3_vtab_cursor **pp) {
  (void)p;
  return tvf_cursor_new(sizeof(BcCursor), pp);
}

static void bc_reset(BcCursor *c) {
  for (int i = 0; i < c->n; i++) {
    sqlite3_free(c->rows[i].metric);
    sqlite3_free(c->rows[i].unit);
    sqlite3_free(c->rows[i].note);
  }
  sqlite3_free(c->rows);
  c->rows = 0;
  c->n = c->cap = c->i = 0;
}

static int bc_close(sqlite3_vtab_cursor *cur) {
  bc_reset((BcCursor *)cur);
  sqlite3_free(cur);
  return SQLITE_OK;
}

static int bc_fail(sqlite3_vtab_cursor *cur, char *msg) {
  sqlite3_free(cur->pVtab->zErrMsg);
  cur->pVtab->zErrMsg = msg;
  return SQLITE_ERROR;
}

/* Finds a run: integer id, or text through report bench_run_find (a label =
** its latest run; all-digit text that is no label is an id). 0 = none. */
static sqlite3_int64 find_run(sqlite3 *db, sqlite3_value *v) {
  sqlite3_stmt *st = 0;
  sqlite3_int64 id = 0;
  const char *sql = sqlite3_value_type(v) == SQLITE_INTEGER ? "SELECT id FROM bench_run WHERE id = ?1"
                                                            : "SELECT run_id FROM bench_run_find(?1)";
  if (sql_prepare(db, sql, &st, 0) != SQLITE_OK) return 0;
  sqlite3_bind_value(st, 1, v);
  if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return id;
}

/* The samples of one run, grouped by metric in name order. */
typedef struct Samples {
  char **metric, **unit;
  int *start, *count;
  double *v;
  int n_metrics, n_values;
} Samples;

static void samples_free(Samples *s) {
  for (int i = 0; i < s->n_metrics; i++) { sqlite3_free(s->metric[i]); sqlite3_free(s->unit[i]); }
  sqlite3_free(s->metric);
  sqlite3_free(s->unit);
  sqlite3_free(s->start);
  sqlite3_free(s->count);
  sqlite3_free(s->v);
  memset(s, 0, sizeof(*s));
}

static int read_samples(sqlite3 *db, sqlite3_int64 run, Samples *s) {
  sqlite3_stmt *st = 0;
  int rc = sql_prepare(db,
      "SELECT metric, unit, value, aggregate IS NULL FROM bench_value"
      " WHERE run_id = ?1 AND value IS NOT NULL AND (aggregate IS NULL OR aggregate = 'mean')"
      " ORDER BY metric", &st, 0);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_int64(st, 1, run);
  int mcap = 0, vcap = 0, measured = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *m = (const char *)sqlite3_column_text(st, 0);
    if (!m) continue;
    if (s->n_metrics == 0 || strcmp(s->metric[s->n_metrics - 1], m) != 0) {
      if (s->n_metrics == mcap) {
        mcap = mcap ? mcap * 2 : 256;
        char **a = sqlite3_realloc64(s->metric, sizeof(char *) * (size_t)mcap);
        if (a) s->metric = a;
        char **b = sqlite3_realloc64(s->unit, sizeof(char *) * (size_t)mcap);
        if (b) s->unit = b;
        int *c = sqlite3_realloc64(s->start, sizeof(int) * (size_t)mcap);
        if (c) s->start = c;
        int *d = sqlite3_realloc64(s->count, sizeof(int) * (size_t)mcap);
        if (d) s->count = d;
        if (!a || !b || !c || !d) { rc = SQLITE_NOMEM; break; }
      }
      const char *u = (const char *)sqlite3_column_text(st, 1);
      s->metric[s->n_metrics] = sqlite3_mprintf("%s", m);
      s->unit[s->n_metrics] = u ? sqlite3_mprintf("%s", u) : 0;
      s->start[s->n_metrics] = s->n_values;
      s->count[s->n_metrics] = 0;
      s->n_metrics++;
      measured = 0;
      if (!s->metric[s->n_metrics - 1]) { rc = SQLITE_NOMEM; break; }
    }
    /* bench_sample's rule: measurements when the metric has any, else its
    ** mean aggregate (rows of one metric arrive in any order). */
    int is_measurement = sqlite3_column_int(st, 3);
    if (is_measurement && !measured) {
      s->n_values = s->start[s->n_metrics - 1];   /* drop mean rows seen so far */
      s->count[s->n_metrics - 1] = 0;
      measured = 1;
    } else if (!is_measurement && measured) {
      continue;
    }
    if (s->n_values == vcap) {
      vcap = vcap ? vcap * 2 : 1024;
      double *nv = sqlite3_realloc64(s->v, sizeof(double) * (size_t)vcap);
      if (!nv) { rc = SQLITE_NOMEM; break; }
      s->v = nv;
    }
    s->v[s->n_values++] = sqlite3_column_double(st, 2);
    s->count[s->n_metrics - 1]++;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int dbl_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Mean, median, min, sample stddev and cv (Google Benchmark's aggregates). */
static int side_stats(const double *v, int n, SideStats *s) {
  memset(s, 0, sizeof(*s));
  s->n = n;
  if (n < 1) return SQLITE_OK;
  double *w = sqlite3_malloc64(sizeof(double) * (size_t)n);
  if (!w) return SQLITE_NOMEM;
  memcpy(w, v, sizeof(double) * (size_t)n);
  qsort(w, (size_t)n, sizeof(double), dbl_cmp);
  double sum = 0;
  for (int i = 0; i < n; i++) sum += v[i];
  s->mean = sum / n;
  s->median = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
  s->min = w[0];
  sqlite3_free(w);
  if (n >= 2) {
    double ss = 0;
    for (int i = 0; i < n; i++) ss += (v[i] - s->mean) * (v[i] - s->mean);
    s->sd = sqrt(ss / (n - 1));
    s->cv = s->mean != 0 ? s->sd / s->mean : 0;
    s->has_sd = 1;
  }
  return SQLITE_OK;
}

typedef struct JudgeCfg {
  const BenchThresholds *t;
  double alpha, noise_k;
  const char *time_field;    /* "real_time" or "cpu_time" */
  int gbench;                /* either run is Google Benchmark JSON */
} JudgeCfg;

/* Appends "; <text>" (or "<text>") to *note, taking ownership of text. */
static void note_add(char **note, char *text) {
  if (!text) return;
  if (!*note) { *note = text; return; }
  char *n = sqlite3_mprintf("%s; %s", *note, text);
  sqlite3_free(text);
  if (n) { sqlite3_free(*note); *note = n; }
}

static void judge(BcRow *r, const JudgeCfg *g, const double *bv, const double *cv) {
  const BenchThresholds *t = g->t;
  bench_thresholds_resolve(t, r->metric, &r->threshold, &r->better);
  int named = bench_thresholds_names(t, r->metric);
  const char *colon = strrchr(r->metric, ':');
  if (g->gbench && colon) {
    const char *field = colon + 1;
    int is_time = strcmp(field, "real_time") == 0 || strcmp(field, "cpu_time") == 0;
    r->kind = is_time ? "time" : "counter";
    r->gated = named || strcmp(field, g->time_field) == 0;
  } else {
    r->kind = "metric";
    r->gated = 1;
  }
  if (!r->has_base) { r->verdict = "new"; return; }
  if (!r->has_current) { r->verdict = "missing"; return; }
  r->verdict = "unchanged";
  if (r->base > 0 && r->current > 0) {
    r->has_cost = 1;
    r->cost = r->better == BETTER_LOWER ? r->current / r->base : r->base / r->current;
  }
  if (r->base_n >= 2 && r->current_n >= 2) {
    MwuResult m;
    if (mwu_test(bv, r->base_n, cv, r->current_n, &m) == 0) {
      r->has_p = 1;
      r->p = m.p;
      r->exact = m.exact;
    }
  }
  r->power = r->has_p && mwu_min_p(r->base_n, r->current_n) < g->alpha;
  double cvmax = -1;
  if (r->sb.has_sd) cvmax = fabs(r->sb.cv);
  if (r->sc.has_sd && fabs(r->sc.cv) > cvmax) cvmax = fabs(r->sc.cv);
  if (cvmax >= 0) {
    r->has_noise = 1;
    r->noise = g->noise_k * 100.0 * cvmax;
  }
  if (r->sb.median != 0) {
    r->has_median_change = 1;
    r->median_change = 100.0 * (r->sc.median - r->sb.median) / fabs(r->sb.median);
  }
  if (!r->gated)
    note_add(&r->note, sqlite3_mprintf("not gated (%s; name it in the thresholds file to gate it)",
                                       r->kind[0] == 'c' ? "a counter" : "the other time"));
  if (r->base == 0) {
    note_add(&r->note, sqlite3_mprintf("base is 0: no relative change"));
    return;
  }
  r->has_change = 1;
  r->change = 100.0 * (r->current - r->base) / fabs(r->base);
  int worse = r->better == BETTER_LOWER ? r->change > r->threshold : r->change < -r->threshold;
  int good = r->better == BETTER_LOWER ? r->change < -r->threshold : r->change > r->threshold;
  int beyond_noise = !r->has_noise || fabs(r->change) > r->noise;
  int confirmed = !r->power || r->p < g->alpha;
  if ((worse || good) && beyond_noise && confirmed) r->verdict = worse ? "regression" : "improvement";
  if (!r->power) {
    if (r->base_n >= 2 && r->current_n >= 2)
      note_add(&r->note, sqlite3_mprintf("%d vs %d repetitions: U test cannot reach p<%g; judged on the threshold",
                                         r->base_n, r->current_n, g->alpha));
    else
      note_add(&r->note, sqlite3_mprintf("%d vs %d repetitions: no U test; judged on the threshold",
                                         r->base_n, r->current_n));
  }
  if ((worse || good) && !beyond_noise)
    note_add(&r->note, sqlite3_mprintf("within noise (|change| <= %g x cv = %.3g%%)", g->noise_k, r->noise));
  if ((worse || good) && beyond_noise && !confirmed)
    note_add(&r->note, sqlite3_mprintf("beyond threshold but not significant (p=%.3g >= %g)", r->p, g->alpha));
  if (r->power && (r->base_n < 9 || r->current_n < 9))
    note_add(&r->note, sqlite3_mprintf("%d/%d repetitions: 9+ recommended", r->base_n, r->current_n));
}

/* 1 when run id is a Google Benchmark JSON run. */
static int run_is_gbench(sqlite3 *db, sqlite3_int64 id) {
  sqlite3_stmt *st = 0;
  int r = 0;
  if (sql_prepare(db, "SELECT format = 'gbench-json' FROM bench_run WHERE id = ?1", &st, 0) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) r = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  return r;
}

static int bc_push(BcCursor *c, BcRow *r) {
  if (c->n == c->cap) {
    int cap = c->cap ? c->cap * 2 : 256;
    BcRow *nr = sqlite3_realloc64(c->rows, sizeof(BcRow) * (size_t)cap);
    if (!nr) return SQLITE_NOMEM;
    c->rows = nr;
    c->cap = cap;
  }
  c->rows[c->n++] = *r;
  return SQLITE_OK;
}

static int bc_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv) {
  (void)idxStr; (void)argc;
  BcCursor *c = (BcCursor *)cur;
  sqlite3 *db = ((BcVtab *)cur->pVtab)->db;
  bc_reset(c);
  sqlite3_value *a[BC_NARGS] = {0, 0, 0, 0, 0, 0};
  for (int k = 0, j = 0; k < BC_NARGS; k++)
    if (idxNum & (1 << k)) a[k] = argv[j++];
  if (sqlite3_value_type(a[0]) == SQLITE_NULL || sqlite3_value_type(a[1]) == SQLITE_NULL) return SQLITE_OK;
  BenchThresholds t;
  bench_thresholds_default(&t);
  if (a[2] && sqlite3_value_type(a[2]) != SQLITE_NULL) {
    char *err = 0;
    const char *txt = (const char *)sqlite3_value_text(a[2]);
    if (bench_thresholds_parse("thresholds", txt ? txt : "", (size_t)sqlite3_value_bytes(a[2]), &t, &err) != 0)
      return bc_fail(cur, sqlite3_mprintf("bench_compare: %s", err ? err : "bad thresholds"));
  }
  double alpha = t.alpha;
  if (a[3] && sqlite3_value_type(a[3]) != SQLITE_NULL) {
    alpha = sqlite3_value_double(a[3]);
    if (!(alpha > 0 && alpha < 1)) {
      bench_thresholds_free(&t);
      return bc_fail(cur, sqlite3_mprintf("bench_compare: alpha must be in (0, 1)"));
    }
  }
  JudgeCfg g = {&t, alpha, t.noise_k, "real_time", 0};
  if (a[4] && sqlite3_value_type(a[4]) != SQLITE_NULL) {
    const char *tm = (const char *)sqlite3_value_text(a[4]);
    if (tm && strcmp(tm, "cpu") == 0) g.time_field = "cpu_time";
    else if (!tm || strcmp(tm, "real") != 0) {
      bench_thresholds_free(&t);
      return bc_fail(cur, sqlite3_mprintf("bench_compare: time must be 'real' or 'cpu'"));
    }
  }
  if (a[5] && sqlite3_value_type(a[5]) != SQLITE_NULL) {
    g.noise_k = sqlite3_value_double(a[5]);
    if (!(g.noise_k >= 0 && g.noise_k <= 100)) {
      bench_thresholds_free(&t);
      return bc_fail(cur, sqlite3_mprintf("bench_compare: noise_k must be in [0, 100]"));
    }
  }
  sqlite3_int64 base = find_run(db, a[0]), curr = find_run(db, a[1]);
  if (!base || !curr) {
    bench_thresholds_free(&t);
    return bc_fail(cur, sqlite3_mprintf("bench_compare: no run '%s' (a bench_run id or label)",
                                        sqlite3_value_text(base ? a[1] : a[0])));
  }
  g.gbench = run_is_gbench(db, base) || run_is_gbench(db, curr);
  Samples sb = {0}, sc = {0};
  int rc = read_samples(db, base, &sb);
  if (rc == SQLITE_OK) rc = read_samples(db, curr, &sc);
  int i = 0, j = 0;
  while (rc == SQLITE_OK && (i < sb.n_metrics || j < sc.n_metrics)) {
    int cmp = i >= sb.n_metrics ? 1 : j >= sc.n_metrics ? -1 : strcmp(sb.metric[i], sc.metric[j]);
    BcRow r;
    memset(&r, 0, sizeof(r));
    const double *bv = 0, *cv = 0;
    if (cmp <= 0) {
      r.has_base = 1;
      r.base_n = sb.count[i];
      bv = sb.v + sb.start[i];
      rc = side_stats(bv, r.base_n, &r.sb);
      r.base = r.sb.mean;
    }
    if (cmp >= 0) {
      r.has_current = 1;
      r.current_n = sc.count[j];
      cv = sc.v + sc.start[j];
      if (rc == SQLITE_OK) rc = side_stats(cv, r.current_n, &r.sc);
      r.current = r.sc.mean;
    }
    if (rc != SQLITE_OK) break;
    const char *m = cmp <= 0 ? sb.metric[i] : sc.metric[j];
    const char *u = cmp >= 0 && sc.unit[j] ? sc.unit[j] : cmp <= 0 ? sb.unit[i] : 0;
    r.metric = sqlite3_mprintf("%s", m);
    r.unit = u ? sqlite3_mprintf("%s", u) : 0;
    if (!r.metric) { rc = SQLITE_NOMEM; break; }
    judge(&r, &g, bv, cv);
    rc = bc_push(c, &r);
    if (rc != SQLITE_OK) { sqlite3_free(r.metric); sqlite3_free(r.unit); sqlite3_free(r.note); }
    if (cmp <= 0) i++;
    if (cmp >= 0) j++;
  }
  samples_free(&sb);
  samples_free(&sc);
  bench_thresholds_free(&t);
  if (rc != SQLITE_OK && rc != SQLITE_NOMEM) return bc_fail(cur, sqlite3_mprintf("bench_compare: %s", sqlite3_errmsg(db)));
  return rc;
}

static int bc_next(sqlite3_vtab_cursor *cur) { ((BcCursor *)cur)->i++; return SQLITE_OK; }
static int bc_eof(sqlite3_vtab_cursor *cur) { BcCursor *c = (BcCursor *)cur; return c->i >= c->n; }

static int bc_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
  BcCursor *c = (BcCursor *)cur;
  const BcRow *r = &c->rows[c->i];
  switch (col) {
    case BC_METRIC: sqlite3_result_text(ctx, r->metric, -1, SQLITE_TRANSIENT); break;
    case BC_UNIT: if (r->unit) sqlite3_result_text(ctx, r->unit, -1, SQLITE_TRANSIENT); break;
    case BC_BASE: if (r->has_base) sqlite3_result_double(ctx, r->base); break;
    case BC_CURRENT: if (r->has_current) sqlite3_result_double(ctx, r->current); break;
    case BC_CHANGE: if (r->has_change) sqlite3_result_double(ctx, r->change); break;
    case BC_THRESHOLD: sqlite3_result_double(ctx, r->threshold); break;
    case BC_BETTER: sqlite3_result_text(ctx, r->better == BETTER_HIGHER ? "higher" : "lower", -1, SQLITE_STATIC); break;
    case BC_BASE_N: sqlite3_result_int(ctx, r->base_n); break;
    case BC_CURRENT_N: sqlite3_result_int(ctx, r->current_n); break;
    case BC_P: if (r->has_p) sqlite3_result_double(ctx, r->p); break;
    case BC_TEST: if (r->has_p) sqlite3_result_text(ctx, r->exact ? "exact" : "normal", -1, SQLITE_STATIC); break;
    case BC_VERDICT: sqlite3_result_text(ctx, r->verdict, -1, SQLITE_STATIC); break;
    case BC_NOTE: if (r->note) sqlite3_result_text(ctx, r->note, -1, SQLITE_TRANSIENT); break;
    case BC_COST: if (r->has_cost) sqlite3_result_double(ctx, r->cost); break;
    case BC_MEDIAN_CHANGE: if (r->has_median_change) sqlite3_result_double(ctx, r->median_change); break;
    case BC_BASE_MEDIAN: if (r->has_base) sqlite3_result_double(ctx, r->sb.median); break;
    case BC_CURRENT_MEDIAN: if (r->has_current) sqlite3_result_double(ctx, r->sc.median); break;
    case BC_BASE_MIN: if (r->has_base) sqlite3_result_double(ctx, r->sb.min); break;
    case BC_CURRENT_MIN: if (r->has_current) sqlite3_result_double(ctx, r->sc.min); break;
    case BC_BASE_SD: if (r->sb.has_sd) sqlite3_result_double(ctx, r->sb.sd); break;
    case BC_CURRENT_SD: if (r->sc.has_sd) sqlite3_result_double(ctx, r->sc.sd); break;
    case BC_BASE_CV: if (r->sb.has_sd) sqlite3_result_double(ctx, r->sb.cv); break;
    case BC_CURRENT_CV: if (r->sc.has_sd) sqlite3_result_double(ctx, r->sc.cv); break;
    case BC_NOISE: if (r->has_noise) sqlite3_result_double(ctx, r->noise); break;
    case BC_JUDGED_BY:
      if (r->has_base && r->has_current) sqlite3_result_text(ctx, r->power ? "U test" : "threshold", -1, SQLITE_STATIC);
      break;
    case BC_GATED: sqlite3_result_int(ctx, r->gated); break;
    case BC_KIND: sqlite3_result_text(ctx, r->kind, -1, SQLITE_STATIC); break;
    default: break;
  }
  return SQLITE_OK;
}

static int bc_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *rowid) {
  *rowid = ((BcCursor *)cur)->i;
  return SQLITE_OK;
}

const sqlite3_module bench_compare_module = {
  0,                 /* iVersion */
  0,                 /* xCreate: eponymous-only */
  bc_connect,        /* xConnect */
  bc_best_index,     /* xBestIndex */
  bc_disconnect,     /* xDisconnect */
  0,                 /* xDestroy */
  bc_open,           /* xOpen */
  bc_close,          /* xClose */
  bc_filter,         /* xFilter: reads both runs, computes every row */
  bc_next,           /* xNext */
  bc_eof,            /* xEof */
  bc_column,         /* xColumn */
  bc_rowid,          /* xRowid */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};
