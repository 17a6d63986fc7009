/*
** changepoints.c — Apache Otava's (formerly Hunter's) default change-point
** detector, and the table-valued function changepoints().
**
**  1. otava_change_points() follows otava/analysis.py compute_change_points():
**     a. split: windows series[start : start+window], step window/2 (window 50
**        -> step 25); in each window the E-divisive means detector repeatedly
**        takes, over the intervals between the change points found so far,
**        the (tau, kappa) maximizing Q-hat (power 1, absolute differences;
**        first maximum in (tau, kappa) order like numpy's argmax), tests the
**        split with a pooled two-sided t-test on the two sides, and keeps it
**        while p <= first-pass p (10 x max_pvalue when max_pvalue < 0.05, else
**        2 x when < 0.5). The next window starts at max(last change point
**        found, start + step). The union of all points are the weak points.
**     b. every weak point is re-tested against its neighbours' segments;
**     c. merge: while any point remains, take the one with the largest p; if
**        that p < max_pvalue, take instead the one with the smallest
**        magnitude and stop when that magnitude > min_magnitude; remove it
**        and recompute its two neighbours (the points whose segments it
**        bounded). Upstream recomputes the point after it and the one after
**        that, which leaves the left neighbour's statistics stale (measured
**        against the removed point) and lets weak points survive on noise;
**        this is the one deliberate deviation.
**     Statistics use the population standard deviation (numpy's np.std), as
**     Otava does. A t-test with zero spread on both sides is p = 0 when the
**     means differ and no change (p treated as 1) when they are equal.
**  2. Complexity: O(n * window) time for the split (each window costs
**     O(window^2) for its pair-distance table), O(k * n) for the merge of k
**     weak points; memory O(window^2 + n). window is limited to 2..1000.
**  3. SQL: changepoints(SERIES [, WINDOW [, MAX_PVALUE [, MIN_MAGNITUDE]]])
**     SERIES is a JSON array of numbers (analysed in array order; key = the
**     0-based position) or of [key, value] pairs (sorted by key — numeric keys
**     numerically, otherwise as text — then analysed; key is returned as
**     given), which is how a GROUP BY can pass an ordered history without
**     relying on aggregate order. NULL values are skipped. Defaults: 50,
**     0.001, 0.0. Columns: idx (position in the analysed series), key,
**     mean_before, mean_after, stddev_before, stddev_after, change_pct
**     (100 * (mean_after/mean_before - 1), 0 when mean_before = 0),
**     magnitude (max(|after/before - 1|, |before/after - 1|)), pvalue.
**     SERIES NULL -> no rows. A non-array, a non-numeric value, window outside
**     2..1000, a p-value outside (0, 1] or a negative magnitude is an error
**     naming the argument.
*/
#include "bench.h"
#include "tvf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- statistics of one split ---------------------------------------------- */

static void seg_stats(const double *x, int a, int b, double *mean, double *sd) {
  int n = b - a;
  double s = 0;
  for (int i = a; i < b; i++) s += x[i];
  double m = s / n, ss = 0;
  for (int i = a; i < b; i++) ss += (x[i] - m) * (x[i] - m);
  *mean = m;
  *sd = n >= 2 ? sqrt(ss / n) : 0.0;
}

/* Fills cp's statistics for left = x[a:idx], right = x[idx:b]. */
static void ttest_split(const double *x, int a, int idx, int b, ChangePoint *cp) {
  seg_stats(x, a, idx, &cp->mean_before, &cp->std_before);
  seg_stats(x, idx, b, &cp->mean_after, &cp->std_after);
  double p = pooled_t_test_p(cp->mean_before, cp->std_before, idx - a, cp->mean_after,
                             cp->std_after, b - idx);
  cp->pvalue = isnan(p) ? 1.0 : p;
}

static double rel_change(double from, double to) { return from == 0 ? 0 : to / from - 1.0; }
double cp_forward_change_pct(const ChangePoint *cp) {
  return 100.0 * rel_change(cp->mean_before, cp->mean_after);
}
double cp_magnitude(const ChangePoint *cp) {
  double f = fabs(rel_change(cp->mean_before, cp->mean_after));
  double b = fabs(rel_change(cp->mean_after, cp->mean_before));
  return f > b ? f : b;
}

/* ---- E-divisive means within one window ----------------------------------- */

/* W[a*(L+1)+b] = sum over a <= i < k < b of |w_i - w_k|. */
static void pair_sums(const double *w, int L, double *W) {
  int S = L + 1;
  for (int a = 0; a <= L; a++) W[a * S + a] = 0;
  for (int b = 1; b <= L; b++) {
    double r = 0;                    /* sum_{i=a}^{b-2} |w_i - w_{b-1}| */
    W[(b - 1) * S + b] = 0;
    for (int a = b - 2; a >= 0; a--) {
      r += fabs(w[a] - w[b - 1]);
      W[a * S + b] = W[a * S + (b - 1)] + r;
    }
  }
}

/* Best (tau) for interval [s, e) of the window; returns qhat. */
static double best_split(const double *W, int L, int s, int e, int *tau_out) {
  int S = L + 1;
  double best = -INFINITY;
  int best_tau = s + 1;
  for (int tau = s + 1; tau < e; tau++) {
    double wl = W[s * S + tau];
    int n = tau - s;
    for (int kappa = tau + 1; kappa <= e; kappa++) {
      int m = kappa - tau;
      double wr = W[tau * S + kappa];
      double cross = W[s * S + kappa] - wl - wr;
      double q = 2.0 / (m + n) * cross;
      if (n > 1) q -= 2.0 * m / ((double)(m + n) * (n - 1)) * wl;
      if (m > 1) q -= 2.0 * n / ((double)(m + n) * (m - 1)) * wr;
      if (q > best) { best = q; best_tau = tau; }
    }
  }
  *tau_out = best_tau;
  return best;
}

/* Growable list of change points kept sorted by index. */
typedef struct CpList { ChangePoint *v; int n, cap; } CpList;

static int cplist_insert_sorted(CpList *l, const ChangePoint *cp) {
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 16;
    ChangePoint *nv = sqlite3_realloc64(l->v, sizeof(ChangePoint) * (size_t)cap);
    if (!nv) return SQLITE_NOMEM;
    l->v = nv;
    l->cap = cap;
  }
  int i = l->n;
  while (i > 0 && l->v[i - 1].index > cp->index) { l->v[i] = l->v[i - 1]; i--; }
  l->v[i] = *cp;
  l->n++;
  return SQLITE_OK;
}

/* Boundaries of the segment around position i of a sorted list (merge-step
** sides: from the previous point to the next one). */
static void sides_of(const CpList *l, int i, int n, int *a, int *b) {
  *a = i > 0 ? l->v[i - 1].index : 0;
  *b = i + 1 < l->n ? l->v[i + 1].index : n;
}

/* ChangePointDetector.get_change_points on w[0:L]; appends to found (window
** coordinates). */
static int detect_window(const double *w, int L, double alpha, double *W, CpList *found) {
  pair_sums(w, L, W);
  for (;;) {
    /* intervals between the points found so far */
    int best_tau = -1, best_s = 0, best_e = 0;
    double best_q = -INFINITY;
    for (int i = 0; i <= found->n; i++) {
      int s = i == 0 ? 0 : found->v[i - 1].index;
      int e = i == found->n ? L : found->v[i].index;
      if (e - s <= 1) continue;
      int tau;
      double q = best_split(W, L, s, e, &tau);
      if (q > best_q) { best_q = q; best_tau = tau; best_s = s; best_e = e; }
    }
    if (best_tau < 0) return SQLITE_OK;
    ChangePoint cp = {.index = best_tau, .qhat = best_q};
    ttest_split(w, best_s, best_tau, best_e, &cp);
    if (!(cp.pvalue <= alpha)) return SQLITE_OK;
    int rc = cplist_insert_sorted(found, &cp);
    if (rc != SQLITE_OK) return rc;
  }
}

int otava_change_points(const double *x, int n, int window, double max_pvalue,
                        double min_magnitude, ChangePoint **out, int *n_out) {
  *out = 0;
  *n_out = 0;
  if (window < 2 || window > 1000) return SQLITE_RANGE;
  if (n < 2) return SQLITE_OK;
  double first_p = max_pvalue < 0.05 ? max_pvalue * 10 : max_pvalue < 0.5 ? max_pvalue * 2 : max_pvalue;
  double *W = sqlite3_malloc64(sizeof(double) * (size_t)(window + 1) * (size_t)(window + 1));
  if (!W) return SQLITE_NOMEM;
  CpList weak = {0}, local = {0};
  int rc = SQLITE_OK, step = window / 2;

  /* a. split */
  for (int start = 0; start < n;) {
    int end = start + window < n ? start + window : n;
    local.n = 0;
    rc = detect_window(x + start, end - start, first_p, W, &local);
    if (rc != SQLITE_OK) goto done;
    int last = 0;
    for (int i = 0; i < local.n; i++) {
      ChangePoint cp = local.v[i];
      cp.index += start;
      last = cp.index;                 /* local is sorted: the last is the largest */
      int dup = 0;
      for (int j = 0; j < weak.n && !dup; j++) dup = weak.v[j].index == cp.index;
      if (!dup && (rc = cplist_insert_sorted(&weak, &cp)) != SQLITE_OK) goto done;
    }
    start = last > start + step ? last : start + step;
  }

  /* b. re-test every weak point against its neighbours */
  for (int i = 0; i < weak.n; i++) {
    int a, b;
    sides_of(&weak, i, n, &a, &b);
    ttest_split(x, a, weak.v[i].index, b, &weak.v[i]);
  }

  /* c. merge */
  while (weak.n > 0) {
    int w = 0;
    for (int i = 1; i < weak.n; i++)
      if (weak.v[i].pvalue > weak.v[w].pvalue) w = i;
    if (weak.v[w].pvalue < max_pvalue) {
      w = 0;
      for (int i = 1; i < weak.n; i++)
        if (cp_magnitude(&weak.v[i]) < cp_magnitude(&weak.v[w])) w = i;
      if (cp_magnitude(&weak.v[w]) > min_magnitude) break;
    }
    memmove(&weak.v[w], &weak.v[w + 1], sizeof(ChangePoint) * (size_t)(weak.n - w - 1));
    weak.n--;
    for (int i = w - 1; i <= w; i++) {
      if (i < 0 || i >= weak.n) continue;
      int a, b;
      sides_of(&weak, i, n, &a, &b);
      ttest_split(x, a, weak.v[i].index, b, &weak.v[i]);
    }
  }
  *out = weak.v;
  *n_out = weak.n;
  weak.v = 0;
done:
  sqlite3_free(W);
  sqlite3_free(weak.v);
  sqlite3_free(local.v);
  return rc;
}

/* ---- the table-valued function -------------------------------------------- */

enum { CP_IDX, CP_KEY, CP_MEAN_BEFORE, CP_MEAN_AFTER, CP_STD_BEFORE, CP_STD_AFTER,
       CP_CHANGE_PCT, CP_MAGNITUDE, CP_PVALUE,
       CP_SERIES, CP_WINDOW, CP_MAX_P, CP_MIN_MAG };

typedef struct CpVtab { sqlite3_vtab base; sqlite3 *db; } CpVtab;

typedef struct CpItem { double value; int pos; } CpItem;

typedef struct CpCursor {
  sqlite3_vtab_cursor base;
  sqlite3_value **key_vals;    /* key of each analysed position */
  int n_keys;
  ChangePoint *cps;
  int n, i;
} CpCursor;

static int cp_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr) {
  (void)aux; (void)argc; (void)argv; (void)pzErr;
  int rc = sqlite3_declare_vtab(db,
      "CREATE TABLE x(idx INTEGER, key, mean_before REAL, mean_after REAL, stddev_before REAL,"
      " stddev_after REAL, change_pct REAL, magnitude REAL, pvalue REAL,"
      " series HIDDEN, window HIDDEN, max_pvalue HIDDEN, min_magnitude HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  CpVtab *v = sqlite3_malloc64(sizeof(*v));
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof(*v));
  v->db = db;
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
  *ppVtab = &v->base;
  return SQLITE_OK;
}

static int cp_disconnect(sqlite3_vtab *p) { sqlite3_free(p); return SQLITE_OK; }

/* Plan encoding: idxNum bit k (k = 0..3) set when hidden argument k (series,
** window, max_pvalue, min_magnitude) has a usable EQ constraint; the values
** arrive in argv in that order. series is required. */
static int cp_best_index(sqlite3_vtab *tab, sqlite3_index_info *info) {
  int rc = tvf_best_index(tab, info, CP_SERIES, 4, 1, "changepoints: the series argument is required");
  info->estimatedCost = 1000;
  info->estimatedRows = 10;
  return rc;
}

static int cp_open(sqlite3_vtab *p, sqlite3_vtab_cursor **ppCursor) {
  (void)p;
  return tvf_cursor_new(sizeof(CpCursor), ppCursor);
}

static void cp_reset(CpCursor *c) {
  for (int i = 0; i < c->n_keys; i++) sqlite3_value_free(c->key_vals[i]);
  sqlite3_free(c->key_vals);
  sqlite3_free(c->cps);
  c->key_vals = 0;
  c->n_keys = 0;
  c->cps = 0;
  c->n = c->i = 0;
}

static int cp_close(sqlite3_vtab_cursor *cur) {
  CpCursor *c = (CpCursor *)cur;
  cp_reset(c);
  sqlite3_free(c);
  return SQLITE_OK;
}

typedef struct KeyedValue {
  sqlite3_value *key;
  double value;
  int order;                   /* original position, for a stable sort */
} KeyedValue;

static int keyed_cmp(const void *pa, const void *pb) {
  const KeyedValue *a = pa, *b = pb;
  int ta = sqlite3_value_numeric_type(a->key), tb = sqlite3_value_numeric_type(b->key);
  int na = ta == SQLITE_INTEGER || ta == SQLITE_FLOAT, nb = tb == SQLITE_INTEGER || tb == SQLITE_FLOAT;
  int r = 0;
  if (na && nb) {
    double x = sqlite3_value_double(a->key), y = sqlite3_value_double(b->key);
    r = x < y ? -1 : x > y ? 1 : 0;
  } else if (na != nb) {
    r = na ? -1 : 1;              /* numbers before text, as SQLite orders them */
  } else {
    const char *x = (const char *)sqlite3_value_text(a->key), *y = (const char *)sqlite3_value_text(b->key);
    r = strcmp(x ? x : "", y ? y : "");
  }
  return r ? r : a->order - b->order;
}

static int cp_fail(CpCursor *c, const char *msg) {
  sqlite3_vtab *v = c->base.pVtab;
  sqlite3_free(v->zErrMsg);
  v->zErrMsg = sqlite3_mprintf("changepoints: %s", msg);
  return SQLITE_ERROR;
}

static int cp_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc,
                     sqlite3_value **argv) {
  (void)idxStr; (void)argc;
  CpCursor *c = (CpCursor *)cur;
  CpVtab *vt = (CpVtab *)cur->pVtab;
  cp_reset(c);
  sqlite3_value *args[4] = {0, 0, 0, 0};
  for (int k = 0, a = 0; k < 4; k++)
    if (idxNum & (1 << k)) args[k] = argv[a++];
  int window = 50;
  double max_p = 0.001, min_mag = 0.0;
  if (args[1] && sqlite3_value_type(args[1]) != SQLITE_NULL) {
    window = sqlite3_value_int(args[1]);
    if (window < 2 || window > 1000) return cp_fail(c, "window must be between 2 and 1000");
  }
  if (args[2] && sqlite3_value_type(args[2]) != SQLITE_NULL) {
    max_p = sqlite3_value_double(args[2]);
    if (!(max_p > 0 && max_p <= 1)) return cp_fail(c, "max_pvalue must be in (0, 1]");
  }
  if (args[3] && sqlite3_value_type(args[3]) != SQLITE_NULL) {
    min_mag = sqlite3_value_double(args[3]);
    if (!(min_mag >= 0)) return cp_fail(c, "min_magnitude must be >= 0");
  }
  if (sqlite3_value_type(args[0]) == SQLITE_NULL) return SQLITE_OK;
  {
    const char *t = sqlite3_value_type(args[0]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(args[0]) : 0;
    while (t && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')) t++;
    if (!t || *t != '[') return cp_fail(c, "series must be a JSON array");
  }

  sqlite3_stmt *st = 0;
  int rc = sqlite3_prepare_v2(vt->db,
      "SELECT type, value, NULL, CASE WHEN type = 'array' THEN value->>'$[0]' END,"
      " CASE WHEN type = 'array' THEN json_type(value, '$[1]') END,"
      " CASE WHEN type = 'array' THEN value->>'$[1]' END,"
      " CASE WHEN type = 'array' THEN json_array_length(value) END FROM json_each(?1)", -1, &st, 0);
  if (rc != SQLITE_OK) return cp_fail(c, sqlite3_errmsg(vt->db));
  sqlite3_bind_value(st, 1, args[0]);
  KeyedValue *kv = 0;
  int n = 0, cap = 0, pairs = -1;
  char msg[120];
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *type = (const char *)sqlite3_column_text(st, 0);
    int is_pair = type && strcmp(type, "array") == 0;
    if (pairs < 0) pairs = is_pair;
    if (pairs != is_pair) { rc = SQLITE_MISMATCH; snprintf(msg, sizeof msg, "element %d: mixes numbers and [key, value] pairs", n); break; }
    double v;
    sqlite3_value *key = 0;
    if (is_pair) {
      const char *vt1 = (const char *)sqlite3_column_text(st, 4);
      if (sqlite3_column_int(st, 6) != 2) { rc = SQLITE_MISMATCH; snprintf(msg, sizeof msg, "element %d: a pair must be [key, value]", n); break; }
      if (vt1 && strcmp(vt1, "null") == 0) continue;
      if (!vt1 || (strcmp(vt1, "integer") != 0 && strcmp(vt1, "real") != 0)) { rc = SQLITE_MISMATCH; snprintf(msg, sizeof msg, "element %d: value is not a number", n); break; }
      v = sqlite3_column_double(st, 5);
      /* key: value->>'$[0]' is already an SQL number or text */
      key = sqlite3_value_dup(sqlite3_column_value(st, 3));
      if (!key) { rc = SQLITE_NOMEM; snprintf(msg, sizeof msg, "out of memory"); break; }
    } else {
      if (type && strcmp(type, "null") == 0) continue;
      if (!type || (strcmp(type, "integer") != 0 && strcmp(type, "real") != 0)) { rc = SQLITE_MISMATCH; snprintf(msg, sizeof msg, "element %d is not a number", n); break; }
      v = sqlite3_column_double(st, 1);
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      KeyedValue *nk = sqlite3_realloc64(kv, sizeof(KeyedValue) * (size_t)cap);
      if (!nk) { sqlite3_value_free(key); rc = SQLITE_NOMEM; snprintf(msg, sizeof msg, "out of memory"); break; }
      kv = nk;
    }
    kv[n] = (KeyedValue){key, v, n};
    n++;
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  else if (rc == SQLITE_ROW || rc == SQLITE_MISMATCH || rc == SQLITE_NOMEM) { /* msg set */ }
  else snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(vt->db));
  sqlite3_finalize(st);
  if (rc != SQLITE_OK) {
    for (int i = 0; i < n; i++) sqlite3_value_free(kv[i].key);
    sqlite3_free(kv);
    return rc == SQLITE_NOMEM ? SQLITE_NOMEM : cp_fail(c, msg);
  }
  if (pairs == 1) qsort(kv, (size_t)n, sizeof(KeyedValue), keyed_cmp);
  double *x = sqlite3_malloc64(sizeof(double) * (size_t)(n ? n : 1));
  c->key_vals = pairs == 1 ? sqlite3_malloc64(sizeof(sqlite3_value *) * (size_t)(n ? n : 1)) : 0;
  if (!x || (pairs == 1 && !c->key_vals)) {
    for (int i = 0; i < n; i++) sqlite3_value_free(kv[i].key);
    sqlite3_free(kv);
    sqlite3_free(x);
    return SQLITE_NOMEM;
  }
  for (int i = 0; i < n; i++) {
    x[i] = kv[i].value;
    if (pairs == 1) c->key_vals[i] = kv[i].key;
  }
  if (pairs == 1) c->n_keys = n;
  sqlite3_free(kv);
  rc = otava_change_points(x, n, window, max_p, min_mag, &c->cps, &c->n);
  sqlite3_free(x);
  return rc;
}

static int cp_next(sqlite3_vtab_cursor *cur) { ((CpCursor *)cur)->i++; return SQLITE_OK; }
static int cp_eof(sqlite3_vtab_cursor *cur) { CpCursor *c = (CpCursor *)cur; return c->i >= c->n; }

static int cp_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
  CpCursor *c = (CpCursor *)cur;
  const ChangePoint *p = &c->cps[c->i];
  switch (col) {
    case CP_IDX: sqlite3_result_int(ctx, p->index); break;
    case CP_KEY:
      if (c->key_vals) sqlite3_result_value(ctx, c->key_vals[p->index]);
      else sqlite3_result_int(ctx, p->index);
      break;
    case CP_MEAN_BEFORE: sqlite3_result_double(ctx, p->mean_before); break;
    case CP_MEAN_AFTER: sqlite3_result_double(ctx, p->mean_after); break;
    case CP_STD_BEFORE: sqlite3_result_double(ctx, p->std_before); break;
    case CP_STD_AFTER: sqlite3_result_double(ctx, p->std_after); break;
    case CP_CHANGE_PCT: sqlite3_result_double(ctx, cp_forward_change_pct(p)); break;
    case CP_MAGNITUDE: sqlite3_result_double(ctx, cp_magnitude(p)); break;
    case CP_PVALUE: sqlite3_result_double(ctx, p->pvalue); break;
    default: break;   /* hidden arguments read back as NULL */
  }
  return SQLITE_OK;
}

static int cp_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *rowid) {
  *rowid = ((CpCursor *)cur)->i;
  return SQLITE_OK;
}

const sqlite3_module changepoints_module = {
  0,                 /* iVersion */
  0,                 /* xCreate: eponymous-only */
  cp_connect,        /* xConnect */
  cp_best_index,     /* xBestIndex */
  cp_disconnect,     /* xDisconnect */
  0,                 /* xDestroy */
  cp_open,           /* xOpen */
  cp_close,          /* xClose */
  cp_filter,         /* xFilter: reads the series, runs the detector */
  cp_next,           /* xNext */
  cp_eof,            /* xEof */
  cp_column,         /* xColumn */
  cp_rowid,          /* xRowid */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};
