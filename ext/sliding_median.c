/*
** sliding_median.c — sliding_median(x): the exact median of a window frame,
** and the frame accumulator median() and percentile() share (stats.c).
**
** Contract:
**  1. sliding_median(x) is a window function (xStep, xInverse, xValue,
**     xFinal) and also works as a plain aggregate. Its result is the exact
**     median of the non-NULL x of the current frame as a REAL: the middle
**     value for an odd count, the mean of the two middle values, (a+b)/2,
**     for an even count (Python's statistics.median). An empty frame, or one
**     holding only NULLs, gives NULL.
**  2. x must be a number: INTEGER, REAL, or text that looks like one (SQLite's
**     numeric affinity). Anything else is an error naming the value:
**       sliding_median: input is not a number: 'abc'
**     ±Inf is rejected ("sliding_median: input is Inf; infinite values are
**     not allowed"): a median next to an infinity is meaningless and the mean
**     of Inf and -Inf is NaN. NaN cannot reach a function (SQLite stores and
**     passes NaN as NULL), so NaN is ignored exactly like NULL. Integers
**     above 2^53 are rounded to the nearest double.
**  3. Complexity: O(log w) per row for a frame of w values. The frame's
**     values sit in two indexed heaps around the middle rank (ext/
**     rank_window.c, bottleneck's move_median). SQLite removes rows in the
**     order it added them, for every ROWS, RANGE and GROUPS frame, so the
**     value leaving is always the oldest: an xInverse and an xStep that
**     come together (in either order) become one replace of the oldest
**     value, one or two heap sifts; xValue reads the heap tops in O(1). A
**     removal out of that order would cost O(w) but stay correct. EXCLUDE
**     frames make SQLite rebuild each frame (xStep per row, then xFinal).
**  4. A plain aggregate (no xValue/xInverse before xFinal) keeps the values in
**     an array, 8 bytes each, and selects the middle with quickselect:
**     O(n) expected, O(n log n) worst (it falls back to sorting).
**  5. median(x) is the same computation; percentile(x, p) uses the same
**     accumulator with linear interpolation (see stats.c).
*/
#include "sliding_median.h"
#include "sqlvalue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

QuantileAcc *quantile_acc(sqlite3_context *ctx, int create) {
  QuantileAcc *a = sqlite3_aggregate_context(ctx, create ? (int)sizeof(QuantileAcc) : 0);
  if (!a) {
    if (create) sqlite3_result_error_nomem(ctx);
    return 0;
  }
  return a;
}

static void acc_clear(QuantileAcc *a) {
  sqlite3_free(a->vals);
  a->vals = 0;
  a->n_vals = a->n_alloc = 0;
  rank_window_free(&a->win);
  a->in_window = 0;
}

/* Reads x as a double. 1 NULL (or NaN), -1 error set, 0 ok. */
static int read_input(sqlite3_context *ctx, const char *fn, sqlite3_value *x, double *v) {
  int t = sqlite3_value_numeric_type(x);
  if (t == SQLITE_NULL) return 1;
  if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) {
    char prefix[64];
    sqlite3_snprintf(sizeof prefix, prefix, "%s: input is not a number:", fn);
    sqlvalue_error(ctx, prefix, x, "");
    return -1;
  }
  *v = sqlite3_value_double(x);
  if (isnan(*v)) return 1;
  if (isinf(*v)) {
    char *msg = sqlite3_mprintf("%s: input is %s; infinite values are not allowed", fn,
                                *v > 0 ? "Inf" : "-Inf");
    if (msg) sqlite3_result_error(ctx, msg, -1);
    else sqlite3_result_error_nomem(ctx);
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

static void window_error(sqlite3_context *ctx, int rc) {
  if (rc == RW_NOMEM) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_error(ctx, "too many values in one window frame (more than 1073741824)", -1);
}

/* Moves the array, in arrival order, into the window (first xValue or
** xInverse): from now on every row costs O(log w). */
static int to_window(sqlite3_context *ctx, QuantileAcc *a, QuantileKind kind) {
  if (a->in_window) return 0;
  rank_window_init(&a->win, kind == QUANTILE_MEDIAN ? RANK_MEDIAN : RANK_PERCENTILE, a->p);
  a->in_window = 1;
  for (sqlite3_int64 i = 0; i < a->n_vals; i++) {
    int rc = rank_window_push(&a->win, a->vals[i]);
    if (rc != RW_OK) {
      window_error(ctx, rc);
      return -1;
    }
  }
  sqlite3_free(a->vals);
  a->vals = 0;
  a->n_vals = a->n_alloc = 0;
  return 0;
}

/* Applies a window operation's status: 0 ok, -1 with the error set. */
static int window_status(sqlite3_context *ctx, const char *fn, int rc, double v) {
  if (rc == RW_OK) return 0;
  if (rc == RW_NOMEM || rc == RW_FULL) {
    window_error(ctx, rc);
  } else {
    char *msg = sqlite3_mprintf("%s: internal error: removed value %!.15g is not in the frame", fn, v);
    sqlite3_result_error(ctx, msg ? msg : "out of memory", -1);
    sqlite3_free(msg);
  }
  return -1;
}

/* Carries out the held-back operation, if any. 0 ok, -1 error set. */
static int flush_pending(sqlite3_context *ctx, QuantileAcc *a) {
  const char *fn = a->fn;
  int op = a->pending;
  a->pending = PENDING_NONE;
  if (op == PENDING_ADD) return window_status(ctx, fn, rank_window_push(&a->win, a->pending_v), a->pending_v);
  if (op == PENDING_REMOVE) return window_status(ctx, fn, rank_window_remove(&a->win, a->pending_v), a->pending_v);
  return 0;
}

void quantile_step(sqlite3_context *ctx, const char *fn, sqlite3_value *x) {
  double v;
  if (read_input(ctx, fn, x, &v) != 0) return;
  QuantileAcc *a = quantile_acc(ctx, 1);
  if (!a) return;
  a->fn = fn;
  if (a->in_window) {
    /* A removal held back by xInverse pairs with this value: one replace. */
    if (a->pending == PENDING_REMOVE) {
      a->pending = PENDING_NONE;
      window_status(ctx, fn, rank_window_replace(&a->win, a->pending_v, v), a->pending_v);
      return;
    }
    if (flush_pending(ctx, a) != 0) return;
    a->pending = PENDING_ADD;
    a->pending_v = v;
    return;
  }
  if (a->n_vals == a->n_alloc) {
    sqlite3_int64 n = a->n_alloc ? 2 * a->n_alloc : 16;
    double *p = sqlite3_realloc64(a->vals, (sqlite3_uint64)n * sizeof *p);
    if (!p) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
    a->vals = p;
    a->n_alloc = n;
  }
  a->vals[a->n_vals++] = v + 0.0;   /* -0.0 -> +0.0, as the window stores it */
}

void quantile_inverse(sqlite3_context *ctx, const char *fn, QuantileKind kind, sqlite3_value *x) {
  double v;
  if (read_input(ctx, fn, x, &v) != 0) return;
  QuantileAcc *a = quantile_acc(ctx, 1);
  if (!a || to_window(ctx, a, kind) != 0) return;
  a->fn = fn;
  /* An addition held back by xStep pairs with this removal: one replace. */
  if (a->pending == PENDING_ADD) {
    a->pending = PENDING_NONE;
    window_status(ctx, fn, rank_window_replace(&a->win, v, a->pending_v), v);
    return;
  }
  if (flush_pending(ctx, a) != 0) return;
  a->pending = PENDING_REMOVE;
  a->pending_v = v;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Rearranges v[0..n) so that v[k] is the k-th smallest, smaller values
** before it and larger ones after it (Hoare partitioning around the median of
** three; after 64 rounds the rest is sorted, bounding the worst case). */
static void quickselect(double *v, sqlite3_int64 n, sqlite3_int64 k) {
  sqlite3_int64 lo = 0, hi = n - 1;
  int rounds = 0;
  while (hi > lo) {
    if (++rounds > 64) {
      qsort(v + lo, (size_t)(hi - lo + 1), sizeof *v, cmp_double);
      return;
    }
    sqlite3_int64 mid = lo + (hi - lo) / 2;
    double a = v[lo], b = v[mid], c = v[hi];
    double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
    sqlite3_int64 i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        double t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    /* now v[lo..j] <= pivot <= v[i..hi], and v[j+1..i-1] == pivot */
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/* The k-th and (k+1)-th smallest of the frame (count n > k; in window mode
** k is the window's own rank for n, see rank_window_k). */
static void select_pair(QuantileAcc *a, sqlite3_int64 n, sqlite3_int64 k, double *lo, double *hi) {
  if (a->in_window) {
    rank_window_pair(&a->win, lo, hi);
    return;
  }
  quickselect(a->vals, n, k);
  *lo = a->vals[k];
  *hi = *lo;
  if (k + 1 < n) {
    /* everything after position k is >= v[k]: the next rank is their minimum */
    double m = a->vals[k + 1];
    for (sqlite3_int64 i = k + 2; i < n; i++)
      if (a->vals[i] < m) m = a->vals[i];
    *hi = m;
  }
}

void quantile_result(sqlite3_context *ctx, QuantileKind kind, int final) {
  QuantileAcc *a = quantile_acc(ctx, 0);
  if (!a) {
    sqlite3_result_null(ctx);
    return;
  }
  if (!final && to_window(ctx, a, kind) != 0) return;
  if (a->in_window && flush_pending(ctx, a) != 0) {
    if (final) acc_clear(a);
    return;
  }
  sqlite3_int64 n = a->in_window ? (sqlite3_int64)rank_window_count(&a->win) : a->n_vals;
  if (n == 0) {
    sqlite3_result_null(ctx);
  } else if (kind == QUANTILE_MEDIAN) {
    double lo, hi;
    select_pair(a, n, (n - 1) / 2, &lo, &hi);
    if (n % 2) {
      sqlite3_result_double(ctx, lo);
    } else {
      double m = (lo + hi) / 2;
      if (isinf(m)) m = lo / 2 + hi / 2;   /* lo + hi overflowed */
      sqlite3_result_double(ctx, m);
    }
  } else {
    /* Linear interpolation between closest ranks (numpy's default, SQLite's
    ** percentile.c): rank ix = p/100 * (n-1). */
    double ix = a->p / 100.0 * (double)(n - 1);
    sqlite3_int64 i1 = (sqlite3_int64)floor(ix);
    if (i1 > n - 1) i1 = n - 1;
    double f = ix - (double)i1;
    double lo, hi;
    select_pair(a, n, i1, &lo, &hi);
    sqlite3_result_double(ctx, f == 0.0 || i1 == n - 1 ? lo : lo + (hi - lo) * f);
  }
  if (final) acc_clear(a);
}

void sliding_median_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  quantile_step(ctx, "sliding_median", argv[0]);
}

void sliding_median_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  quantile_inverse(ctx, "sliding_median", QUANTILE_MEDIAN, argv[0]);
}

void sliding_median_value(sqlite3_context *ctx) {
  quantile_result(ctx, QUANTILE_MEDIAN, 0);
}

void sliding_median_final(sqlite3_context *ctx) {
  quantile_result(ctx, QUANTILE_MEDIAN, 1);
}
