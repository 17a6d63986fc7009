/*
** stats.c — regress_severity(), heatmap_bin(), median(), percentile().
**
** Contract:
**  1. regress_severity(pct [, moderate, severe, critical]) classifies a
**     change in percent, worse = positive: 'critical' if pct >= critical,
**     else 'severe' if pct >= severe, else 'moderate' if pct >= moderate,
**     else 'none'. Defaults 15 / 50 / 100 and the inclusive >= boundaries are
**     PerfTracker's (perfreg_v2: critical if |median| >= 100, severe if >= 50,
**     significant only if >= 15). An improvement (pct < 0) is 'none'.
**     pct NULL -> NULL. pct that is not a number -> error naming it
**     ("regress_severity: pct is not a number: 'abc'"); thresholds must be
**     numbers (NULL included: error) with moderate <= severe <= critical.
**  2. heatmap_bin(t, width [, origin]) -> INTEGER floor((t - origin) / width),
**     origin 0 by default: the index of the bin of width `width` holding t.
**     When every argument is integer-valued (INTEGER, or REAL holding an
**     integer below 2^63) the arithmetic is exact 128-bit integer arithmetic,
**     so nanosecond timestamps land in the right bin at every edge;
**     otherwise it is done in doubles. Any NULL argument -> NULL. width <= 0
**     is an error ("heatmap_bin: width must be > 0, not 0"); non-numbers are
**     errors naming the value; a bin index beyond 64 bits is an error.
**  3. median(x) = sliding_median(x) (ext/sliding_median.c): aggregate and
**     window function, REAL result, NULLs ignored, ±Inf and non-numbers
**     rejected, NULL for an empty set.
**  4. percentile(x, p), p in [0, 100]: aggregate and window function. With
**     the n non-NULL values sorted a[0..n-1], rank ix = p/100 * (n-1),
**     i = floor(ix), f = ix - i, the result is a[i] when f = 0 or i = n-1,
**     else a[i] + (a[i+1] - a[i]) * f — linear interpolation between the
**     closest ranks, like numpy.percentile's default and SQLite's
**     percentile.c. p must be a number in [0, 100] and the same on every row
**     ("percentile: p must be a number between 0 and 100, not 101";
**     "percentile: p must be the same for all rows (50, then 90)").
**     percentile(x, 50) equals median(x) up to rounding of the last bit.
**  5. Complexity: regress_severity and heatmap_bin O(1); median/percentile
**     O(log w) per window row, O(n) for a plain aggregate (see
**     sliding_median.c).
*/
#include "perfsql.h"
#include "sliding_median.h"
#include "sqlvalue.h"

#include <math.h>

/* ---- regress_severity ---------------------------------------------------- */

/* Reads a numeric argument; -1 with the error set when it is not a number. */
static int number_arg(sqlite3_context *ctx, sqlite3_value *v, const char *what, double *out) {
  int t = sqlite3_value_numeric_type(v);
  if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) {
    sqlvalue_error(ctx, what, v, "");
    return -1;
  }
  *out = sqlite3_value_double(v);
  return 0;
}

void regress_severity_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  double th[3] = {15.0, 50.0, 100.0};   /* moderate, severe, critical */
  static const char *const names[3] = {
      "regress_severity: moderate threshold is not a number:",
      "regress_severity: severe threshold is not a number:",
      "regress_severity: critical threshold is not a number:"};
  if (argc == 4) {
    for (int i = 0; i < 3; i++)
      if (number_arg(ctx, argv[i + 1], names[i], &th[i]) != 0) return;
    if (!(th[0] <= th[1] && th[1] <= th[2])) {
      sqlite3_result_error(ctx, "regress_severity: thresholds must satisfy moderate <= severe <= critical", -1);
      return;
    }
  }
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  double pct;
  if (number_arg(ctx, argv[0], "regress_severity: pct is not a number:", &pct) != 0) return;
  const char *s = pct >= th[2] ? "critical" : pct >= th[1] ? "severe" : pct >= th[0] ? "moderate" : "none";
  sqlite3_result_text(ctx, s, -1, SQLITE_STATIC);
}

/* ---- heatmap_bin ----------------------------------------------------------- */

/* An argument as an exact integer if it is one. 1 yes, 0 no (a double). */
static int exact_integer(sqlite3_value *v, int type, sqlite3_int64 *out) {
  if (type == SQLITE_INTEGER) {
    *out = sqlite3_value_int64(v);
    return 1;
  }
  double d = sqlite3_value_double(v);
  if (d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
    *out = (sqlite3_int64)d;
    return 1;
  }
  return 0;
}

void heatmap_bin_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  static const char *const what[3] = {"heatmap_bin: t is not a number:",
                                      "heatmap_bin: width is not a number:",
                                      "heatmap_bin: origin is not a number:"};
  int type[3] = {SQLITE_INTEGER, SQLITE_INTEGER, SQLITE_INTEGER};
  for (int i = 0; i < argc; i++) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
      sqlite3_result_null(ctx);
      return;
    }
  }
  for (int i = 0; i < argc; i++) {
    type[i] = sqlite3_value_numeric_type(argv[i]);
    if (type[i] != SQLITE_INTEGER && type[i] != SQLITE_FLOAT) {
      sqlvalue_error(ctx, what[i], argv[i], "");
      return;
    }
  }
  double dw = sqlite3_value_double(argv[1]);
  if (!(dw > 0)) {
    sqlvalue_error(ctx, "heatmap_bin: width must be > 0, not", argv[1], "");
    return;
  }
  sqlite3_int64 t, w, o = 0;
  if (exact_integer(argv[0], type[0], &t) && exact_integer(argv[1], type[1], &w) &&
      (argc < 3 || exact_integer(argv[2], type[2], &o))) {
    __int128 d = (__int128)t - o;
    __int128 q = d / w;
    if (d % w != 0 && d < 0) q--;   /* C truncates toward zero; we want floor */
    if (q < INT64_MIN || q > INT64_MAX) {
      sqlite3_result_error(ctx, "heatmap_bin: bin index out of 64-bit range", -1);
      return;
    }
    sqlite3_result_int64(ctx, (sqlite3_int64)q);
    return;
  }
  double dt = sqlite3_value_double(argv[0]);
  double dorig = argc > 2 ? sqlite3_value_double(argv[2]) : 0.0;
  double q = floor((dt - dorig) / dw);
  if (!(q >= -9223372036854775808.0 && q < 9223372036854775808.0)) {
    sqlite3_result_error(ctx, "heatmap_bin: bin index out of 64-bit range", -1);
    return;
  }
  sqlite3_result_int64(ctx, (sqlite3_int64)q);
}

/* ---- median, percentile ------------------------------------------------- */

void median_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  quantile_step(ctx, "median", argv[0]);
}

void median_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  quantile_inverse(ctx, "median", QUANTILE_MEDIAN, argv[0]);
}

void median_value(sqlite3_context *ctx) {
  quantile_result(ctx, QUANTILE_MEDIAN, 0);
}

void median_final(sqlite3_context *ctx) {
  quantile_result(ctx, QUANTILE_MEDIAN, 1);
}

/* Checks p (contract 4) and records it on the first row. 0 ok, -1 error set. */
static int percentile_p(sqlite3_context *ctx, sqlite3_value *pv) {
  int t = sqlite3_value_numeric_type(pv);
  double p = sqlite3_value_double(pv);
  if ((t != SQLITE_INTEGER && t != SQLITE_FLOAT) || !(p >= 0.0 && p <= 100.0)) {
    sqlvalue_error(ctx, "percentile: p must be a number between 0 and 100, not", pv, "");
    return -1;
  }
  QuantileAcc *a = quantile_acc(ctx, 1);
  if (!a) return -1;
  if (!a->has_p) {
    a->has_p = 1;
    a->p = p;
  } else if (a->p != p) {
    char *msg = sqlite3_mprintf("percentile: p must be the same for all rows (%!.15g, then %!.15g)", a->p, p);
    sqlite3_result_error(ctx, msg ? msg : "percentile: p must be the same for all rows", -1);
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

void percentile_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (percentile_p(ctx, argv[1]) != 0) return;
  quantile_step(ctx, "percentile", argv[0]);
}

void percentile_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  quantile_inverse(ctx, "percentile", QUANTILE_PERCENTILE, argv[0]);
}

void percentile_value(sqlite3_context *ctx) {
  quantile_result(ctx, QUANTILE_PERCENTILE, 0);
}

void percentile_final(sqlite3_context *ctx) {
  quantile_result(ctx, QUANTILE_PERCENTILE, 1);
}
