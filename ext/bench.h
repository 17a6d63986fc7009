/*
** bench.h — the benchmark domain's shared C API: the statistics behind
** `perfsql bench compare` (Mann-Whitney U, Student's t), Apache Otava's
** change-point detector, and the thresholds file.
**
** Everything here is plain C over arrays of doubles; the SQL faces
** (changepoints(), bench_compare(), mann_whitney(), geomean()) and the CLI
** both call it, so the numbers in a view and in a report are the same code.
*/
#ifndef PERFSQL_BENCH_H
#define PERFSQL_BENCH_H

#include "perfsql.h"

/* ---- statistics (ext/bench_stats.c) ------------------------------------ */

/* Two-sided Mann-Whitney U test, with scipy.stats.mannwhitneyu's semantics
** (method='auto', use_continuity=True), which Google Benchmark's compare.py
** uses:
**   - exact distribution when min(nx, ny) <= 8 and there are no ties;
**   - otherwise the normal approximation with tie correction and continuity
**     correction.
** u is U for x (sum of x's ranks - nx(nx+1)/2). Returns 0, or -1 when nx or ny
** is 0 or memory runs out. */
typedef struct MwuResult {
  double u;
  double p;
  int exact;        /* 1 exact, 0 normal approximation */
} MwuResult;
int mwu_test(const double *x, int nx, const double *y, int ny, MwuResult *r);

/* The smallest two-sided p-value the U test can give at sample sizes nx, ny
** (two perfectly separated samples, no ties). When it is >= alpha the test
** cannot confirm anything at those sizes (e.g. 2/C(6,3) = 0.1 for 3 vs 3).
** Returns 1 (no test possible) when nx or ny is 0. */
double mwu_min_p(int nx, int ny);

/* Student's t: student_t_two_sided_p(), pooled_t_test_p() (ext/student_t.c). */
#include "student_t.h"

/* ---- change points (ext/changepoints.c) -------------------------------- */

typedef struct ChangePoint {
  int index;                 /* first point of the new regime */
  double qhat;
  double mean_before, mean_after, std_before, std_after;
  double pvalue;
} ChangePoint;

/* Apache Otava's compute_change_points(): split (E-divisive means in sliding
** windows of `window` points, step window/2, pooled t-test at the relaxed
** first-pass p-value) then merge of weak points down to max_pvalue and
** min_magnitude. *out is sqlite3_malloc'd (NULL when none), sorted by index.
** Returns SQLITE_OK, SQLITE_NOMEM or SQLITE_RANGE (window < 2 or > 1000). */
int otava_change_points(const double *x, int n, int window, double max_pvalue,
                        double min_magnitude, ChangePoint **out, int *n_out);

/* Relative changes as Otava reports them. */
double cp_forward_change_pct(const ChangePoint *cp);
double cp_magnitude(const ChangePoint *cp);

/* ---- thresholds (ext/bench_thresholds.c) ------------------------------- */

enum { BETTER_LOWER = 0, BETTER_HIGHER = 1 };

typedef struct BenchRule {
  char *pattern;             /* exact name or glob (* ? [..]) */
  int is_glob;
  int specificity;           /* non-wildcard characters; exact names win */
  int has_threshold, has_better;
  double threshold_pct;      /* >= 0 */
  int better;
} BenchRule;

typedef struct BenchThresholds {
  double default_pct;        /* 10 unless the file says otherwise */
  int default_better;        /* lower unless the file says otherwise */
  int has_default_better;
  double alpha;              /* 0.05 unless `alpha:` */
  double noise_k;            /* 3 unless `noise_k:`: a breach must exceed noise_k x CV */
  BenchRule *rules;
  int n_rules;
} BenchThresholds;

/* Default thresholds: 10 %, better lower (higher for names ending in
** throughput / bandwidth / per_second), alpha 0.05, noise_k 3. */
void bench_thresholds_default(BenchThresholds *t);
/* Parses YAML text (name is used in messages). On error returns -1 with
** *pzErr = "<name>:line L, column C: <what>" (sqlite3_malloc'd). */
int bench_thresholds_parse(const char *name, const char *text, size_t len,
                           BenchThresholds *t, char **pzErr);
void bench_thresholds_free(BenchThresholds *t);
/* Resolves a metric: threshold % and direction. */
void bench_thresholds_resolve(const BenchThresholds *t, const char *metric,
                              double *threshold_pct, int *better);
/* 1 when a rule of `metrics:` names the metric (exactly or by glob). */
int bench_thresholds_names(const BenchThresholds *t, const char *metric);

#endif
