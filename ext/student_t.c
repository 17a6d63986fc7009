/*
** student_t.c — Student's t distribution for the t-tests perfsql runs
** (bench: pooled t-test; perftracker: PerfTracker's own comparison).
**
**  1. student_t_two_sided_p(t, df): P(|T| >= |t|) for T ~ t(df), df > 0 and
**     possibly fractional, through the regularized incomplete beta function
**     I_{df/(df+t^2)}(df/2, 1/2) (continued fraction, modified Lentz, relative
**     accuracy ~1e-15). NaN t or df <= 0 -> NaN; infinite t -> 0.
**  2. pooled_t_test_p(): the two-sample pooled-variance test from summary
**     statistics (scipy.stats.ttest_ind_from_stats, equal_var=True): zero
**     variance gives 0 when the means differ and NaN when they do not.
** Checked against scipy in tests/perftracker and tests/bench_gate.
*/
#include "student_t.h"

#include <math.h>

/* Continued fraction for the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300, eps = 1e-15;
  double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0, d = 1.0 - qab * x / qap;
  if (fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; m++) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < eps) break;
  }
  return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double beta_inc(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  double ln_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
  double front = exp(ln_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_cf(a, b, x) / a;
  return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double student_t_two_sided_p(double t, double df) {
  if (isnan(t) || df <= 0) return NAN;
  if (isinf(t)) return 0.0;
  double p = beta_inc(df / 2.0, 0.5, df / (df + t * t));
  return p > 1.0 ? 1.0 : p;
}

double pooled_t_test_p(double mean1, double std1, int n1, double mean2, double std2, int n2) {
  int df = n1 + n2 - 2;
  if (df <= 0) return 1.0;
  double svar = ((n1 - 1) * std1 * std1 + (n2 - 1) * std2 * std2) / df;
  double denom = sqrt(svar * (1.0 / n1 + 1.0 / n2));
  double d = mean1 - mean2;
  if (denom == 0.0) return d == 0.0 ? NAN : 0.0;   /* numpy: d/0 = +-inf -> p 0; 0/0 = nan */
  return student_t_two_sided_p(d / denom, df);
}
