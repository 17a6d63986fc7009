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
**     (1.. in merged order, 0 when not kept) and worst (1 for the kept
**     window with the largest |median|, the first in merged order on ties:
**     upstream's worst_window). The merge is upstream's: stable
**     sort of significant windows by start_idx; a window starting at or
**     before the current one's end replaces it only when its |median| is
**     strictly larger. Only significant windows are written (a 50-point
**     curve has ~240 windows; the views need the significant ones), kept
**     windows first in merged order, then the others in scan order. Points
**     are sorted by idx in C (aggregate input order does not matter). No
**     significant window (or no input) -> '[]'. Memory O(n), time
**     O(n * max_window * log max_window). Numbers are printed like Python's
**     repr() (the shortest text that reads back as the same double), so
**     nothing is rounded here and `->>` gives back the exact values.
**  4. pt_ttest_p(mean1, std1, n1, mean2, std2, n2) -> two-sided p-value of
**     Student's t-test with pooled variance (scipy ttest_ind_from_stats,
**     equal_var=True). NULL when the p-value is NaN: df <= 0, or equal means
**     with zero variance. Different means with zero variance -> 0.0 (t is
**     infinite). Any NULL argument -> NULL.
**  5. pt_round(x, digits [, mode]) -> x rounded to `digits` decimals.
**     mode 'python' (default): like Python's round(x, digits) on a float:
**     correctly rounded from the exact binary value, ties to even (glibc's
**     printf does exactly that). mode 'numpy': like round() on a numpy
**     float64 (np.round): rint(x * 10**digits) / 10**digits, so the scaling
**     rounds first (baseline 100, candidate 120.095: 20.095 -> 20.1 where
**     Python gives 20.09). NULL -> NULL; digits in 0..15; another mode is an
**     error.
**  6. pt_repr(x) -> TEXT: Python's repr(float(x)): the shortest of %.15g,
**     %.16g, %.17g that reads back (strtod) as x, written as Python writes
**     it: '1.0', '0.0001', '1e-05', '1e+16', '250.00000000000006', '-0.0',
**     'inf', 'nan'. NULL -> NULL. SQLite's printf('%.17g') gives at most 16
**     significant digits (3.40), so it cannot be used for this.
**  8. pt_last(pos, value) -> aggregate: the value of the row with the
**     largest pos (the first such row on ties); rows with NULL pos are
**     ignored; NULL when every pos is NULL. "The later test wins" in one
**     GROUP BY instead of a window sort. O(1) memory per group.
**  7. pt_pyjson(json) -> TEXT: the JSON document re-written the way Python's
**     json.dump(obj, f, indent=2) writes it: two-space indentation, ", " and
**     ": " separators with newlines, "[]"/"{}" when empty, every character
**     outside ' '..'~' escaped as \uXXXX (ensure_ascii, surrogate pairs above
**     U+FFFF, \n \r \t \b \f short forms), key order kept, number tokens
**     copied verbatim (build them with json(pt_repr(x)) to get Python's
**     digits). NULL -> NULL; malformed JSON -> error. O(length).
*/
#include "perfsql.h"
#include "student_t.h"

#include <ctype.h>
#include <float.h>
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

/* Python's repr(float): see 6. out must hold 32 bytes. */
static void py_repr(double x, char out[32]) {
  if (isnan(x)) {
    strcpy(out, "nan");
    return;
  }
  if (isinf(x)) {
    strcpy(out, x > 0 ? "inf" : "-inf");
    return;
  }
  if (x == 0) {
    strcpy(out, signbit(x) ? "-0.0" : "0.0");
    return;
  }
  char e[40];
  /* 15 significant digits always read back uniquely, so a shorter exact text
  ** is the %.15g text without its trailing zeros; only subnormals (fewer
  ** significant bits) can need fewer digits than that without being padded. */
  for (int prec = fabs(x) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
    snprintf(e, sizeof e, "%.*e", prec - 1, x);
    if (strtod(e, NULL) == x) break;
  }
  /* e = [-]d[.ddd]e(+|-)XX */
  const char *p = e;
  char *o = out;
  if (*p == '-') *o++ = *p++;
  char digits[24];
  int nd = 0;
  digits[nd++] = *p++;
  if (*p == '.')
    for (p++; isdigit((unsigned char)*p); p++) digits[nd++] = *p;
  int exp10 = atoi(p + 1);   /* p at 'e' */
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  int decpt = exp10 + 1;     /* digits d1d2... = 0.d1d2... * 10^decpt */
  if (decpt <= -4 || decpt > 16) {
    *o++ = digits[0];
    if (nd > 1) {
      *o++ = '.';
      memcpy(o, digits + 1, (size_t)(nd - 1));
      o += nd - 1;
    }
    int ae = exp10 < 0 ? -exp10 : exp10;
    *o++ = 'e';
    *o++ = exp10 < 0 ? '-' : '+';
    if (ae >= 100) *o++ = (char)('0' + ae / 100);
    *o++ = (char)('0' + ae / 10 % 10);
    *o++ = (char)('0' + ae % 10);
    *o = 0;
    return;
  }
  if (decpt <= 0) {
    *o++ = '0';
    *o++ = '.';
    for (int i = 0; i < -decpt; i++) *o++ = '0';
    memcpy(o, digits, (size_t)nd);
    o += nd;
  } else if (decpt >= nd) {
    memcpy(o, digits, (size_t)nd);
    o += nd;
    for (int i = nd; i < decpt; i++) *o++ = '0';
    *o++ = '.';
    *o++ = '0';
  } else {
    memcpy(o, digits, (size_t)decpt);
    o += decpt;
    *o++ = '.';
    memcpy(o, digits + decpt, (size_t)(nd - decpt));
    o += nd - decpt;
  }
  *o = 0;
}

static void put_num(PerfsqlBuf *b, const char *key, double v) {
  char r[32];
  py_repr(v, r);
  if (isfinite(v)) buf_appendf(b, "\"%s\":%s", key, r);
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

  /* the worst kept window: largest |median|, the first in merged order on ties (upstream's max()) */
  int worst = -1;
  for (int m = 1; m <= merged; m++)
    for (int i = 0; i < nw; i++)
      if (w[i].kept && w[i].merge_order == m && (worst < 0 || fabs(w[i].median) > fabs(w[worst].median))) worst = i;

  /* kept windows first, in merged order; then the other significant ones in scan order */
  PerfsqlBuf b = {0};
  buf_append(&b, "[", 1);
  int first_out = 1;
  for (int pass = 0; pass < 2; pass++) {
    for (int m = 1; m <= (pass == 0 ? merged : 1); m++) {
      for (int i = 0; i < nw; i++) {
        ScanWindow *cw = &w[i];
        if (!cw->significant) continue;
        if (pass == 0 && !(cw->kept && cw->merge_order == m)) continue;
        if (pass == 1 && cw->kept) continue;
        if (!first_out) buf_append(&b, ",", 1);
        first_out = 0;
        buf_appendf(&b, "{\"start_idx\":%d,\"end_idx\":%d,\"size\":%d,", cw->start_idx, cw->end_idx, cw->size);
        const struct { const char *key; double v; } nums[] = {
          {"start_x", cw->start_x}, {"end_x", cw->end_x}, {"median", cw->median}, {"mean", cw->mean},
          {"max_abs", cw->max_abs}, {"consistency", cw->consistency}, {"visual_sep", cw->visual_sep}};
        for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
          if (k) buf_append(&b, ",", 1);
          put_num(&b, nums[k].key, nums[k].v);
        }
        buf_appendf(&b, ",\"significant\":%d,\"kept\":%d,\"merge_order\":%d,\"worst\":%d}", cw->significant,
                    cw->kept, cw->merge_order, i == worst);
      }
    }
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
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  double x = sqlite3_value_double(argv[0]);
  int digits = sqlite3_value_int(argv[1]);
  int numpy = 0;
  if (argc > 2) {
    const char *mode = (const char *)sqlite3_value_text(argv[2]);
    if (mode && strcmp(mode, "numpy") == 0) numpy = 1;
    else if (!mode || strcmp(mode, "python") != 0) {
      sqlite3_result_error(ctx, "pt_round: mode must be 'python' or 'numpy'", -1);
      return;
    }
  }
  if (digits < 0 || digits > 15) {
    sqlite3_result_error(ctx, "pt_round: digits must be 0..15", -1);
    return;
  }
  if (!isfinite(x)) {
    sqlite3_result_double(ctx, x);
    return;
  }
  if (numpy) {   /* numpy's round: multiply, rint (ties to even), divide */
    double f = 1.0;
    for (int i = 0; i < digits; i++) f *= 10.0;
    sqlite3_result_double(ctx, rint(x * f) / f);
    return;
  }
  char tmp[400];
  snprintf(tmp, sizeof tmp, "%.*f", digits, x);
  sqlite3_result_double(ctx, strtod(tmp, NULL));
}

/* ---- 6. pt_repr ---------------------------------------------------------- */

void pt_repr_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  char r[32];
  py_repr(sqlite3_value_double(argv[0]), r);
  sqlite3_result_text(ctx, r, -1, SQLITE_TRANSIENT);
}

/* ---- 7. pt_pyjson -------------------------------------------------------- */

typedef struct PyJson {
  const char *s, *e;
  PerfsqlBuf *out;
  int bad;
} PyJson;

static void pj_ws(PyJson *j) {
  while (j->s < j->e && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r')) j->s++;
}

static void pj_indent(PyJson *j, int level) {
  buf_append(j->out, "\n", 1);
  for (int i = 0; i < level; i++) buf_append(j->out, "  ", 2);
}

static int pj_hex4(const char *p, const char *e, unsigned *v) {
  if (e - p < 4) return -1;
  *v = 0;
  for (int i = 0; i < 4; i++) {
    int c = (unsigned char)p[i];
    int d = isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    *v = *v * 16 + (unsigned)d;
  }
  return 0;
}

static void pj_emit_cp(PyJson *j, unsigned cp) {
  static const char *shorts[] = {[8] = "\\b", [9] = "\\t", [10] = "\\n", [12] = "\\f", [13] = "\\r"};
  char tmp[16];
  if (cp == '"') buf_append(j->out, "\\\"", 2);
  else if (cp == '\\') buf_append(j->out, "\\\\", 2);
  else if (cp < 14 && shorts[cp]) buf_append(j->out, shorts[cp], 2);
  else if (cp >= 0x20 && cp <= 0x7e) {
    tmp[0] = (char)cp;
    buf_append(j->out, tmp, 1);
  } else if (cp < 0x10000) {
    snprintf(tmp, sizeof tmp, "\\u%04x", cp);
    buf_append(j->out, tmp, 6);
  } else {
    unsigned v = cp - 0x10000;
    snprintf(tmp, sizeof tmp, "\\u%04x\\u%04x", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
    buf_append(j->out, tmp, 12);
  }
}

static void pj_string(PyJson *j) {
  j->s++;   /* opening quote */
  buf_append(j->out, "\"", 1);
  while (j->s < j->e && *j->s != '"') {
    unsigned char c = (unsigned char)*j->s;
    unsigned cp;
    if (c == '\\') {
      if (j->e - j->s < 2) break;
      char k = j->s[1];
      j->s += 2;
      switch (k) {
        case 'b': cp = 8; break;
        case 'f': cp = 12; break;
        case 'n': cp = 10; break;
        case 'r': cp = 13; break;
        case 't': cp = 9; break;
        case 'u':
          if (pj_hex4(j->s, j->e, &cp)) {
            j->bad = 1;
            return;
          }
          j->s += 4;
          if (cp >= 0xd800 && cp < 0xdc00 && j->e - j->s >= 6 && j->s[0] == '\\' && j->s[1] == 'u') {
            unsigned lo;
            if (pj_hex4(j->s + 2, j->e, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              j->s += 6;
            }
          }
          break;
        default: cp = (unsigned char)k; break;   /* \" \\ \/ */
      }
    } else if (c < 0x80) {
      cp = c;
      j->s++;
    } else {   /* UTF-8 sequence */
      int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
      cp = n == 3 ? c & 0x07 : n == 2 ? c & 0x0f : n == 1 ? c & 0x1f : 0xfffd;
      j->s++;
      for (int i = 0; i < n && j->s < j->e && ((unsigned char)*j->s & 0xc0) == 0x80; i++, j->s++)
        cp = (cp << 6) | ((unsigned char)*j->s & 0x3f);
    }
    pj_emit_cp(j, cp);
  }
  if (j->s >= j->e) {
    j->bad = 1;
    return;
  }
  j->s++;
  buf_append(j->out, "\"", 1);
}

static void pj_value(PyJson *j, int level) {
  pj_ws(j);
  if (j->bad || j->s >= j->e) {
    j->bad = 1;
    return;
  }
  char c = *j->s;
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    j->s++;
    pj_ws(j);
    if (j->s < j->e && *j->s == close) {
      j->s++;
      buf_append(j->out, c == '{' ? "{}" : "[]", 2);
      return;
    }
    buf_append(j->out, &c, 1);
    for (int first = 1;; first = 0) {
      if (!first) buf_append(j->out, ",", 1);
      pj_indent(j, level + 1);
      if (c == '{') {
        pj_ws(j);
        if (j->s >= j->e || *j->s != '"') {
          j->bad = 1;
          return;
        }
        pj_string(j);
        pj_ws(j);
        if (j->bad || j->s >= j->e || *j->s != ':') {
          j->bad = 1;
          return;
        }
        j->s++;
        buf_append(j->out, ": ", 2);
      }
      pj_value(j, level + 1);
      pj_ws(j);
      if (j->bad || j->s >= j->e) {
        j->bad = 1;
        return;
      }
      if (*j->s == ',') {
        j->s++;
        continue;
      }
      if (*j->s != close) {
        j->bad = 1;
        return;
      }
      j->s++;
      break;
    }
    pj_indent(j, level);
    buf_append(j->out, &close, 1);
  } else if (c == '"') {
    pj_string(j);
  } else {   /* number or literal: copied as it is */
    const char *t = j->s;
    while (j->s < j->e && (isalnum((unsigned char)*j->s) || *j->s == '-' || *j->s == '+' || *j->s == '.')) j->s++;
    if (j->s == t) {
      j->bad = 1;
      return;
    }
    buf_append(j->out, t, (size_t)(j->s - t));
  }
}

void pt_pyjson_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  const char *s = (const char *)sqlite3_value_text(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  PerfsqlBuf b = {0};
  PyJson j = {s, s + n, &b, 0};
  pj_value(&j, 0);
  pj_ws(&j);
  if (j.bad || j.s != j.e) {
    buf_free(&b);
    sqlite3_result_error(ctx, "pt_pyjson: malformed JSON", -1);
    return;
  }
  if (b.oom) {
    buf_free(&b);
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (!b.data) {
    sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
    return;
  }
  sqlite3_result_text64(ctx, b.data, b.len, sqlite3_free, SQLITE_UTF8);
}

/* ---- 8. pt_last ---------------------------------------------------------- */

typedef struct LastAgg {
  sqlite3_value *value;
  double pos;
  int have;
} LastAgg;

void pt_last_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  LastAgg *a = sqlite3_aggregate_context(ctx, sizeof(LastAgg));
  if (!a) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  double pos = sqlite3_value_double(argv[0]);
  if (a->have && !(pos > a->pos)) return;
  sqlite3_value *v = sqlite3_value_dup(argv[1]);
  if (!v) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_value_free(a->value);
  a->value = v;
  a->pos = pos;
  a->have = 1;
}

void pt_last_final(sqlite3_context *ctx) {
  LastAgg *a = sqlite3_aggregate_context(ctx, 0);
  if (!a || !a->have) return;
  sqlite3_result_value(ctx, a->value);
  sqlite3_value_free(a->value);
}
