/*
** perftracker.c — SQL functions behind the PerfTracker views
** (views/perftracker/): the AI tool's curve key, its sliding-window scan,
** PerfTracker's own t-test, and Python-compatible rounding.
**
**  1. pt_tag_part(tag, part) -> the upstream perfreg_v2 curve key parsed from
**     a test tag such as "latency, p(95) (4 th): GET /x (scenario)":
**       'endpoint'    text after the first ':' cut at the first '(' and trimmed
**                     (the whole tag when it has no ':');
**       'metric_type' 'latency' when the prefix contains "latency"
**                     (case-insensitive), else 'rate'; 'unknown' without ':';
**       'threads'     integer N of "(N th)" in the prefix, default 1;
**       'scenario'    tag[last '(' .. last ')'] of the whole tag, '' when
**                     either is missing (or ')' precedes '(', like Python's
**                     slicing);
**       'direction'   the hint the tag gives: 'lower' (prefix mentions
**                     latency), 'higher' (mentions rate or throughput), NULL
**                     (no hint: the caller falls back to less_better).
**     NULL tag -> NULL. Unknown part -> SQL error naming it. O(len(tag)).
**  2. pt_load_value(category) -> REAL: the first run of ASCII digits of the
**     category as a number ("1000 policies" -> 1000, "0.5" -> 0, no digits ->
**     0), upstream's _extract_load_value. NULL -> 0.
**  3. pt_window_scan(idx, x, pct, min_window, max_window, min_deg,
**     consistency, min_visual_sep) — aggregate over one curve's aligned points
**     (idx = 0-based position, pct NULL = no valid change). Returns a JSON
**     array with one object per window the upstream detector evaluates:
**     sizes min_window..min(max_window, n), every start; windows with fewer
**     than min_window non-NULL values are skipped. Keys: start_idx, end_idx
**     (first/last non-NULL index), start_x, end_x, size (non-NULL count),
**     median, mean, max_abs, consistency (share of values > min_deg),
**     visual_sep (median|v| + 0.5*max(0, 20 - popstd|v|)), significant
**     (consistency >= threshold and |median| >= min_deg and visual_sep >=
**     min_visual_sep), kept (survives the overlap merge) and merge_order
**     (1.. in merged order, 0 when not kept). The merge is upstream's: stable
**     sort of significant windows by start_idx; a window starting at or
**     before the current one's end replaces it only when its |median| is
**     strictly larger. Only significant windows are written (a 50-point
**     curve has ~240 windows; the views need the significant ones). Points
**     are sorted by idx in C (aggregate input order does not matter). No
**     significant window (or no input) -> '[]'. Memory O(n), time
**     O(n * max_window * log max_window). Numbers are printed with 17
**     significant digits, so nothing is rounded here.
**  4. pt_ttest_p(mean1, std1, n1, mean2, std2, n2) -> two-sided p-value of
**     Student's t-test with pooled variance (scipy ttest_ind_from_stats,
**     equal_var=True). NULL when the p-value is NaN: df <= 0, or equal means
**     with zero variance. Different means with zero variance -> 0.0 (t is
**     infinite). Any NULL argument -> NULL.
**  5. pt_round(x, digits) -> x rounded like Python's round(x, digits):
**     correctly rounded from the exact binary value, ties to even (glibc's
**     printf does exactly that). NULL -> NULL; digits in 0..15.
*/
#include "perfsql.h"
#include "student_t.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- 1. pt_tag_part ------------------------------------------------------ */

static int ci_contains(const char *s, size_t n, const char *needle) {
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++) {
    size_t j = 0;
    while (j < m && tolower((unsigned char)s[i + j]) == needle[j]) j++;
    if (j == m) return 1;
  }
  return 0;
}

static int is_py_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void pt_tag_part_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  const char *tag = (const char *)sqlite3_value_text(argv[0]);
  int tag_len = sqlite3_value_bytes(argv[0]);
  const char *part = (const char *)sqlite3_value_text(argv[1]);
  if (!tag || !part) return;
  const char *colon = memchr(tag, ':', (size_t)tag_len);
  size_t prefix_len = colon ? (size_t)(colon - tag) : 0;

  if (strcmp(part, "endpoint") == 0) {
    if (!colon) {
      sqlite3_result_text(ctx, tag, tag_len, SQLITE_TRANSIENT);
      return;
    }
    const char *s = colon + 1, *e = tag + tag_len;
    const char *paren = memchr(s, '(', (size_t)(e - s));
    if (paren) e = paren;
    while (s < e && is_py_space(*s)) s++;
    while (e > s && is_py_space(e[-1])) e--;
    sqlite3_result_text(ctx, s, (int)(e - s), SQLITE_TRANSIENT);
  } else if (strcmp(part, "metric_type") == 0) {
    const char *t = !colon ? "unknown" : ci_contains(tag, prefix_len, "latency") ? "latency" : "rate";
    sqlite3_result_text(ctx, t, -1, SQLITE_STATIC);
  } else if (strcmp(part, "direction") == 0) {
    if (!colon) return;
    if (ci_contains(tag, prefix_len, "latency")) sqlite3_result_text(ctx, "lower", -1, SQLITE_STATIC);
    else if (ci_contains(tag, prefix_len, "rate") || ci_contains(tag, prefix_len, "throughput"))
      sqlite3_result_text(ctx, "higher", -1, SQLITE_STATIC);
  } else if (strcmp(part, "threads") == 0) {
    /* first "(<digits><whitespace>+th)" in the prefix */
    sqlite3_int64 threads = 1;
    for (size_t i = 0; colon && i < prefix_len; i++) {
      if (tag[i] != '(') continue;
      size_t j = i + 1, d0 = j;
      while (j < prefix_len && isdigit((unsigned char)tag[j])) j++;
      if (j == d0) continue;
      size_t k = j;
      while (k < prefix_len && is_py_space(tag[k])) k++;
      if (k == j || k + 3 > prefix_len || tag[k] != 't' || tag[k + 1] != 'h' || tag[k + 2] != ')') continue;
      threads = 0;
      for (size_t q = d0; q < j && threads < 1000000000; q++) threads = threads * 10 + (tag[q] - '0');
      break;
    }
    sqlite3_result_int64(ctx, threads);
  } else if (strcmp(part, "scenario") == 0) {
    const char *open = NULL, *close = NULL;
    for (int i = 0; i < tag_len; i++) {
      if (tag[i] == '(') open = tag + i;
      else if (tag[i] == ')') close = tag + i;
    }
    if (!open || !close || close < open) sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
    else sqlite3_result_text(ctx, open, (int)(close - open + 1), SQLITE_TRANSIENT);
  } else {
    char *msg = sqlite3_mprintf("pt_tag_part: unknown part '%s' (endpoint, metric_type, threads, "
                                "scenario, direction)", part);
    sqlite3_result_error(ctx, msg, -1);
    sqlite3_free(msg);
  }
}

/* ---- 2. pt_load_value ---------------------------------------------------- */

void pt_load_value_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *s = (const char *)sqlite3_value_text(argv[0]);
  double v = 0.0;
  if (s) {
    while (*s && !isdigit((unsigned char)*s)) s++;
    if (*s) {
      const char *e = s;
      while (isdigit((unsigned char)*e)) e++;
      char tmp[64];
      size_t n = (size_t)(e - s);
      if (n >= sizeof tmp) n = sizeof tmp - 1;   /* > 63 digits: precision is gone anyway */
      memcpy(tmp, s, n);
      tmp[n] = 0;
      v = strtod(tmp, NULL);
    }
  }
  sqlite3_result_double(ctx, v);
}

/* ---- 3. pt_window_scan --------------------------------------------------- */

typedef struct ScanPoint {
  sqlite3_int64 idx;
  double x, pct;
  int valid;
} ScanPoint;

typedef struct ScanAgg {
  ScanPoint *pts;
  sqlite3_int64 n, cap;
  int min_window, max_window;
  double min_deg, consistency, min_visual_sep;
  int configured, oom;
} ScanAgg;

typedef struct ScanWindow {
  int start_idx, end_idx, size;
  double start_x, end_x, median, mean, max_abs, consistency, visual_sep;
  int significant, kept, merge_order;
} ScanWindow;

void pt_window_scan_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  ScanAgg *a = sqlite3_aggregate_context(ctx, sizeof(ScanAgg));
  if (!a) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (!a->configured) {
    a->min_window = sqlite3_value_int(argv[3]);
    a->max_window = sqlite3_value_int(argv[4]);
    a->min_deg = sqlite3_value_double(argv[5]);
    a->consistency = sqlite3_value_double(argv[6]);
    a->min_visual_sep = sqlite3_value_double(argv[7]);
    a->configured = 1;
  }
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  if (a->n == a->cap) {
    sqlite3_int64 cap = a->cap ? a->cap * 2 : 16;
    ScanPoint *p = sqlite3_realloc64(a->pts, (sqlite3_uint64)cap * sizeof *p);
    if (!p) {
      a->oom = 1;
      return;
    }
    a->pts = p;
    a->cap = cap;
  }
  ScanPoint *p = &a->pts[a->n++];
  p->idx = sqlite3_value_int64(argv[0]);
  p->x = sqlite3_value_double(argv[1]);
  p->valid = sqlite3_value_type(argv[2]) != SQLITE_NULL;
  p->pct = p->valid ? sqlite3_value_double(argv[2]) : 0.0;
  if (p->valid && !isfinite(p->pct)) p->valid = 0;
}

static int cmp_point(const void *a, const void *b) {
  const ScanPoint *x = a, *y = b;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static double median_sorted(const double *v, int n) {
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static void put_num(PerfsqlBuf *b, const char *key, double v) {
  if (isfinite(v)) buf_appendf(b, "\"%s\":%.17g", key, v);
  else buf_appendf(b, "\"%s\":null", key);
}

void pt_window_scan_final(sqlite3_context *ctx) {
  ScanAgg *a = sqlite3_aggregate_context(ctx, 0);
  if (!a || a->n == 0) {
    if (a) sqlite3_free(a->pts);
    sqlite3_result_text(ctx, "[]", 2, SQLITE_STATIC);
    return;
  }
  if (a->oom) {
    sqlite3_free(a->pts);
    sqlite3_result_error_nomem(ctx);
    return;
  }
  qsort(a->pts, (size_t)a->n, sizeof *a->pts, cmp_point);
  int n = (int)a->n;
  int min_w = a->min_window < 1 ? 1 : a->min_window;
  int max_w = a->max_window < n ? a->max_window : n;
  ScanWindow *w = NULL;
  int nw = 0, capw = 0;
  double vals[64], absv[64];
  if (max_w > 64) max_w = 64;
  for (int size = min_w; size <= max_w; size++) {
    for (int start = 0; start + size <= n; start++) {
      int k = 0, first = -1, last = -1;
      for (int i = start; i < start + size; i++) {
        if (!a->pts[i].valid) continue;
        if (first < 0) first = i;
        last = i;
        vals[k++] = a->pts[i].pct;
      }
      if (k < min_w) continue;
      if (nw == capw) {
        capw = capw ? capw * 2 : 32;
        ScanWindow *nwp = sqlite3_realloc64(w, (sqlite3_uint64)capw * sizeof *w);
        if (!nwp) {
          sqlite3_free(w);
          sqlite3_free(a->pts);
          sqlite3_result_error_nomem(ctx);
          return;
        }
        w = nwp;
      }
      ScanWindow *cw = &w[nw++];
      memset(cw, 0, sizeof *cw);
      double sum = 0, max_abs = 0, sum_abs = 0;
      int worse = 0;
      for (int i = 0; i < k; i++) {
        sum += vals[i];
        absv[i] = fabs(vals[i]);
        sum_abs += absv[i];
        if (absv[i] > max_abs) max_abs = absv[i];
        if (vals[i] > a->min_deg) worse++;
      }
      double mean_abs = sum_abs / k, var = 0;
      for (int i = 0; i < k; i++) var += (absv[i] - mean_abs) * (absv[i] - mean_abs);
      double std_abs = sqrt(var / k);
      qsort(vals, (size_t)k, sizeof(double), cmp_double);
      qsort(absv, (size_t)k, sizeof(double), cmp_double);
      cw->start_idx = first;
      cw->end_idx = last;
      cw->size = k;
      cw->start_x = a->pts[first].x;
      cw->end_x = a->pts[last].x;
      cw->median = median_sorted(vals, k);
      cw->mean = sum / k;
      cw->max_abs = max_abs;
      cw->consistency = (double)worse / k;
      double bonus = k > 1 ? fmax(0.0, 20.0 - std_abs) : 0.0;
      cw->visual_sep = median_sorted(absv, k) + bonus * 0.5;
      cw->significant = cw->consistency >= a->consistency && fabs(cw->median) >= a->min_deg &&
                        cw->visual_sep >= a->min_visual_sep;
    }
  }
  /* overlap merge over significant windows, stable by start_idx */
  int *order = sqlite3_malloc64((sqlite3_uint64)(nw ? nw : 1) * sizeof(int));
  if (!order) {
    sqlite3_free(w);
    sqlite3_free(a->pts);
    sqlite3_result_error_nomem(ctx);
    return;
  }
  int ns = 0;
  for (int i = 0; i < nw; i++)
    if (w[i].significant) order[ns++] = i;
  for (int i = 1; i < ns; i++) {   /* insertion sort: stable */
    int v = order[i], j = i - 1;
    while (j >= 0 && w[order[j]].start_idx > w[v].start_idx) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = v;
  }
  int merged = 0;
  if (ns > 0) {
    int cur = order[0];
    for (int i = 1; i < ns; i++) {
      int nx = order[i];
      if (w[nx].start_idx <= w[cur].end_idx) {
        if (fabs(w[nx].median) > fabs(w[cur].median)) cur = nx;
      } else {
        w[cur].kept = 1;
        w[cur].merge_order = ++merged;
        cur = nx;
      }
    }
    w[cur].kept = 1;
    w[cur].merge_order = ++merged;
  }
  sqlite3_free(order);

  PerfsqlBuf b = {0};
  buf_append(&b, "[", 1);
  int first_out = 1;
  for (int i = 0; i < nw; i++) {
    ScanWindow *cw = &w[i];
    if (!cw->significant) continue;
    if (!first_out) buf_append(&b, ",", 1);
    first_out = 0;
    buf_appendf(&b, "{\"start_idx\":%d,\"end_idx\":%d,\"size\":%d,", cw->start_idx, cw->end_idx, cw->size);
    put_num(&b, "start_x", cw->start_x);
    buf_append(&b, ",", 1);
    put_num(&b, "end_x", cw->end_x);
    buf_append(&b, ",", 1);
    put_num(&b, "median", cw->median);
    buf_append(&b, ",", 1);
    put_num(&b, "mean", cw->mean);
    buf_append(&b, ",", 1);
    put_num(&b, "max_abs", cw->max_abs);
    buf_append(&b, ",", 1);
    put_num(&b, "consistency", cw->consistency);
    buf_append(&b, ",", 1);
    put_num(&b, "visual_sep", cw->visual_sep);
    buf_appendf(&b, ",\"significant\":%d,\"kept\":%d,\"merge_order\":%d}", cw->significant, cw->kept,
                cw->merge_order);
  }
  buf_append(&b, "]", 1);
  sqlite3_free(w);
  sqlite3_free(a->pts);
  if (b.oom) {
    buf_free(&b);
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text64(ctx, b.data, b.len, sqlite3_free, SQLITE_UTF8);
}

/* ---- 4. pt_ttest_p ------------------------------------------------------- */

void pt_ttest_p_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  for (int i = 0; i < argc; i++)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return;
  double m1 = sqlite3_value_double(argv[0]), s1 = sqlite3_value_double(argv[1]);
  double n1 = sqlite3_value_double(argv[2]), m2 = sqlite3_value_double(argv[3]);
  double s2 = sqlite3_value_double(argv[4]), n2 = sqlite3_value_double(argv[5]);
  double df = n1 + n2 - 2.0;
  if (!(df > 0) || !(n1 > 0) || !(n2 > 0)) return;
  double svar = ((n1 - 1.0) * s1 * s1 + (n2 - 1.0) * s2 * s2) / df;
  double denom = sqrt(svar * (1.0 / n1 + 1.0 / n2));
  double d = m1 - m2;
  if (!(denom > 0)) {
    if (d == 0 || isnan(d)) return;
    sqlite3_result_double(ctx, 0.0);
    return;
  }
  double t = d / denom;
  if (!isfinite(t)) {
    sqlite3_result_double(ctx, 0.0);
    return;
  }
  double p = student_t_two_sided_p(t, df);
  if (p > 1) p = 1;
  sqlite3_result_double(ctx, p);
}

/* ---- 5. pt_round --------------------------------------------------------- */

void pt_round_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  double x = sqlite3_value_double(argv[0]);
  int digits = sqlite3_value_int(argv[1]);
  if (digits < 0 || digits > 15) {
    sqlite3_result_error(ctx, "pt_round: digits must be 0..15", -1);
    return;
  }
  if (!isfinite(x)) {
    sqlite3_result_double(ctx, x);
    return;
  }
  char tmp[400];
  snprintf(tmp, sizeof tmp, "%.*f", digits, x);
  sqlite3_result_double(ctx, strtod(tmp, NULL));
}
