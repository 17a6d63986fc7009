/*
** bench_stats.c — the significance tests behind benchmark comparison, and
** their SQL faces.
**
**  1. mwu_test(): two-sided Mann-Whitney U with scipy.stats.mannwhitneyu's
**     method='auto' semantics (what Google Benchmark's compare.py calls):
**     exact null distribution when min(nx, ny) <= 8 and no value is tied,
**     else the normal approximation with tie correction and continuity
**     correction. The exact distribution is the coefficient list of the
**     Gaussian binomial [nx+ny choose m]_q, computed in 128-bit integers
**     (exact up to C(nx+ny, m) < 2^126; beyond that the normal approximation
**     is used). O((nx+ny) log(nx+ny)) + O(m^2 * max(nx,ny)) for exact.
**  2. (The t-tests live in ext/student_t.c, shared with perftracker.)
**  3. SQL: mann_whitney(A, B) -> JSON text {"u":..,"p":..,"method":"exact"|
**     "normal","n1":..,"n2":..}; A and B are JSON arrays of numbers (parsed by
**     SQLite's json_each; non-numeric elements are an error, NULLs skipped).
**     NULL argument -> NULL; fewer than 1 number on a side -> NULL.
**     geomean(X) aggregate: geometric mean of the non-NULL X; X <= 0 is an
**     error; no rows -> NULL.
*/
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Mann-Whitney U ------------------------------------------------------- */

typedef struct RankItem { double v; int from_x; } RankItem;

static int rank_cmp(const void *a, const void *b) {
  double x = ((const RankItem *)a)->v, y = ((const RankItem *)b)->v;
  return x < y ? -1 : x > y ? 1 : 0;
}

static double normal_sf(double z) { return 0.5 * erfc(z / M_SQRT2); }

/* sqlite3_malloc64 guarantees 8-byte alignment only. */
typedef __int128 I128 __attribute__((aligned(8)));

/* P(U >= u) under H0 for sample sizes m <= n, no ties, from the Gaussian
** binomial coefficients. Returns -1 when 128-bit integers would overflow. */
static double mwu_exact_sf(int m, int n, long u) {
  /* C(m+n, m) must fit comfortably: check with doubles first. */
  double lc = lgamma(m + n + 1.0) - lgamma(m + 1.0) - lgamma(n + 1.0);
  if (lc > 125 * M_LN2) return -1;
  long deg = (long)m * n;
  I128 *c = sqlite3_malloc64(sizeof(I128) * (size_t)(deg + m + 2));
  if (!c) return -2;
  memset(c, 0, sizeof(I128) * (size_t)(deg + m + 2));
  c[0] = 1;
  long cur = 0;                       /* current degree */
  for (int i = 1; i <= m; i++) {
    long a = n + i;                   /* multiply by (1 - q^a) */
    for (long k = cur + a; k >= a; k--) c[k] -= c[k - a];
    cur += a;
    for (long k = i; k <= cur; k++) c[k] += c[k - i];   /* divide by (1 - q^i) */
    cur -= i;
  }
  I128 total = 0, tail = 0;
  for (long k = 0; k <= deg; k++) {
    total += c[k];
    if (k >= u) tail += c[k];
  }
  sqlite3_free(c);
  return (double)((long double)tail / (long double)total);
}

int mwu_test(const double *x, int nx, const double *y, int ny, MwuResult *r) {
  if (nx < 1 || ny < 1) return -1;
  int n = nx + ny;
  RankItem *it = sqlite3_malloc64(sizeof(RankItem) * (size_t)n);
  if (!it) return -1;
  for (int i = 0; i < nx; i++) it[i] = (RankItem){x[i], 1};
  for (int j = 0; j < ny; j++) it[nx + j] = (RankItem){y[j], 0};
  qsort(it, (size_t)n, sizeof(RankItem), rank_cmp);
  double r1 = 0, tie_term = 0;
  int ties = 0;
  for (int i = 0; i < n;) {
    int j = i + 1;
    while (j < n && it[j].v == it[i].v) j++;
    double avg_rank = (i + 1 + j) / 2.0;      /* ranks i+1 .. j */
    for (int k = i; k < j; k++)
      if (it[k].from_x) r1 += avg_rank;
    double t = j - i;
    if (t > 1) { ties = 1; tie_term += t * t * t - t; }
    i = j;
  }
  sqlite3_free(it);
  double u1 = r1 - nx * (nx + 1.0) / 2.0;
  double u2 = (double)nx * ny - u1;
  double u = u1 > u2 ? u1 : u2;
  r->u = u1;
  double p = -1;
  if (!ties && (nx <= 8 || ny <= 8)) {
    int m = nx < ny ? nx : ny, big = nx < ny ? ny : nx;
    p = mwu_exact_sf(m, big, (long)llround(u));
    if (p == -2) return -1;
    if (p >= 0) { p *= 2; r->exact = 1; }
  }
  if (p < 0) {
    double mu = (double)nx * ny / 2.0;
    double s = sqrt((double)nx * ny / 12.0 * ((n + 1.0) - tie_term / ((double)n * (n - 1.0))));
    if (!(s > 0)) p = 1.0;
    else p = 2.0 * normal_sf((u - mu - 0.5) / s);
    r->exact = 0;
  }
  r->p = p < 0 ? 0 : p > 1 ? 1 : p;
  return 0;
}

double mwu_min_p(int nx, int ny) {
  if (nx < 1 || ny < 1) return 1.0;
  double *v = sqlite3_malloc64(sizeof(double) * (size_t)(nx + ny));
  if (!v) return 1.0;
  for (int i = 0; i < nx + ny; i++) v[i] = i;
  MwuResult r;
  double p = mwu_test(v, nx, v + nx, ny, &r) == 0 ? r.p : 1.0;
  sqlite3_free(v);
  return p;
}

/* ---- SQL ------------------------------------------------------------------ */

/* Reads a JSON array of numbers with SQLite's json_each. Returns SQLITE_OK,
** or an error code with *pzErr set. NULL elements are skipped. */
static int json_numbers(sqlite3 *db, sqlite3_value *arr, const char *fn, double **out, int *n,
                        char **pzErr) {
  sqlite3_stmt *st = 0;
  *out = 0;
  *n = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT type, value FROM json_each(?1)", -1, &st, 0);
  if (rc != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("%s: %s", fn, sqlite3_errmsg(db));
    return rc;
  }
  {
    /* json_each on a scalar yields one row; insist on an array. */
    const char *t = sqlite3_value_type(arr) == SQLITE_TEXT ? (const char *)sqlite3_value_text(arr) : 0;
    while (t && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')) t++;
    if (!t || *t != '[') {
      sqlite3_finalize(st);
      *pzErr = sqlite3_mprintf("%s: argument is not a JSON array", fn);
      return SQLITE_MISMATCH;
    }
  }
  sqlite3_bind_value(st, 1, arr);
  int cap = 0;
  double *v = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *type = (const char *)sqlite3_column_text(st, 0);
    if (type && strcmp(type, "null") == 0) continue;
    if (!type || (strcmp(type, "integer") != 0 && strcmp(type, "real") != 0)) {
      *pzErr = sqlite3_mprintf("%s: element %d is not a number", fn, *n);
      rc = SQLITE_MISMATCH;
      goto fail;
    }
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      double *nv = sqlite3_realloc64(v, sizeof(double) * (size_t)cap);
      if (!nv) { rc = SQLITE_NOMEM; *pzErr = sqlite3_mprintf("%s: out of memory", fn); goto fail; }
      v = nv;
    }
    v[(*n)++] = sqlite3_column_double(st, 1);
  }
  if (rc != SQLITE_DONE) {
    *pzErr = sqlite3_mprintf("%s: %s", fn, sqlite3_errmsg(db));
    goto fail;
  }
  sqlite3_finalize(st);
  *out = v;
  return SQLITE_OK;
fail:
  sqlite3_finalize(st);
  sqlite3_free(v);
  *n = 0;
  return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
}

void mann_whitney_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) return;
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  double *a = 0, *b = 0;
  int na = 0, nb = 0;
  char *err = 0;
  if (json_numbers(db, argv[0], "mann_whitney", &a, &na, &err) != SQLITE_OK ||
      json_numbers(db, argv[1], "mann_whitney", &b, &nb, &err) != SQLITE_OK) {
    sqlite3_result_error(ctx, err ? err : "mann_whitney: error", -1);
    goto done;
  }
  MwuResult r;
  if (na < 1 || nb < 1) goto done;
  if (mwu_test(a, na, b, nb, &r) != 0) {
    sqlite3_result_error_nomem(ctx);
    goto done;
  }
  char *json = sqlite3_mprintf("{\"u\":%!.17g,\"p\":%!.17g,\"method\":\"%s\",\"n1\":%d,\"n2\":%d}",
                               r.u, r.p, r.exact ? "exact" : "normal", na, nb);
  if (!json) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_text(ctx, json, -1, sqlite3_free);
done:
  sqlite3_free(err);
  sqlite3_free(a);
  sqlite3_free(b);
}

typedef struct GeomeanCtx { double log_sum; sqlite3_int64 n; } GeomeanCtx;

void geomean_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  GeomeanCtx *g = sqlite3_aggregate_context(ctx, sizeof(*g));
  if (!g) { sqlite3_result_error_nomem(ctx); return; }
  double v = sqlite3_value_double(argv[0]);
  if (!(v > 0)) {
    sqlite3_result_error(ctx, "geomean: values must be > 0", -1);
    return;
  }
  g->log_sum += log(v);
  g->n++;
}

void geomean_final(sqlite3_context *ctx) {
  GeomeanCtx *g = sqlite3_aggregate_context(ctx, 0);
  if (!g || g->n == 0) return;
  sqlite3_result_double(ctx, exp(g->log_sum / (double)g->n));
}
