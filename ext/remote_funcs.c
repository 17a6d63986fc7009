/*
** remote_funcs.c — SQL functions the eBPF framework's reports need to be reproduced
** exactly (its analyzer is Python: rounding and number printing follow Python).
**
**  1. remote_round(X, N): Python's round(X, N) for a REAL X — correctly rounded from the
**     exact binary value, ties to even (glibc's printf does exactly that). INTEGER X is
**     returned unchanged, NULL gives NULL, N outside 0..15 is an error.
**  2. remote_pystr(X): Python's str() of a number: REAL -> the shortest text that reads
**     back the same, always with a '.' or an exponent ('41.0', '89.3', '1e+16',
**     'inf', 'nan'); INTEGER -> its digits; TEXT returned as is; NULL -> NULL.
**  3. remote_human_bytes(N): the framework's humanize_bytes(): '0B' for 0, otherwise
**     "%.1f" + B/KB/MB/GB/TB in steps of 1024 ('1.1MB', '704.5KB'); NULL -> NULL.
**  4. remote_command_clean(CMD): the case generator's clean-up of a resolved template:
**     an option followed by a still unresolved "{var}" is removed with it, a lone
**     "{var}" is removed, runs of whitespace become one space, ends trimmed.
**  5. remote_epoch(T, REF_DATETIME, REF_EPOCH): the framework's conversion of a timing
**     log time to unix seconds, int(REF_EPOCH + (T - REF_DATETIME).total_seconds()), with
**     both times naive 'YYYY-MM-DD HH:MM:SS[.f]' (fraction cut to microseconds, like
**     Python's datetime). Without a reference (REF NULL), T is read as UTC and the
**     result keeps its fraction (REAL). Unparseable T -> NULL.
** All five are pure (deterministic, innocuous), O(length of the input).
*/
#include "perfsql.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double py_round(double x, int n) {
  char buf[400];
  if (!isfinite(x)) return x;
  snprintf(buf, sizeof buf, "%.*f", n, x);
  return strtod(buf, 0);
}

void remote_round_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  int t = sqlite3_value_type(argv[0]);
  if (t == SQLITE_NULL) return;
  int n = sqlite3_value_int(argv[1]);
  if (n < 0 || n > 15) {
    sqlite3_result_error(ctx, "remote_round: digits must be between 0 and 15", -1);
    return;
  }
  if (t == SQLITE_INTEGER) { sqlite3_result_value(ctx, argv[0]); return; }
  sqlite3_result_double(ctx, py_round(sqlite3_value_double(argv[0]), n));
}

/* Python repr of a double into out (>= 40 bytes). */
static void py_repr(double v, char *out, size_t cap) {
  if (isnan(v)) { snprintf(out, cap, "nan"); return; }
  if (isinf(v)) { snprintf(out, cap, v < 0 ? "-inf" : "inf"); return; }
  if (v == 0) { snprintf(out, cap, signbit(v) ? "-0.0" : "0.0"); return; }
  char digits[40];
  int prec;
  for (prec = 1; prec <= 17; prec++) {
    snprintf(digits, sizeof digits, "%.*e", prec - 1, v);
    if (strtod(digits, 0) == v) break;
  }
  /* digits = "-d.ddde±XX": decide like Python's float_repr_style 'short' */
  int exp10 = atoi(strchr(digits, 'e') + 1);
  if (exp10 < -4 || exp10 >= 16) {
    /* mantissa without trailing zeros; Python prints 1e+16, 1.5e-05 */
    char mant[40];
    size_t ml = (size_t)(strchr(digits, 'e') - digits);
    memcpy(mant, digits, ml);
    mant[ml] = 0;
    snprintf(out, cap, "%se%c%02d", mant, exp10 < 0 ? '-' : '+', abs(exp10));
    return;
  }
  int decimals = prec - 1 - exp10;
  if (decimals < 1) decimals = 1;
  snprintf(out, cap, "%.*f", decimals, v);
  /* trim trailing zeros beyond one decimal */
  size_t l = strlen(out);
  char *dot = strchr(out, '.');
  while (dot && l > (size_t)(dot - out) + 2 && out[l - 1] == '0') out[--l] = 0;
}

void remote_pystr_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL: return;
    case SQLITE_INTEGER: {
      char b[32];
      snprintf(b, sizeof b, "%lld", (long long)sqlite3_value_int64(argv[0]));
      sqlite3_result_text(ctx, b, -1, SQLITE_TRANSIENT);
      return;
    }
    case SQLITE_FLOAT: {
      char b[64];
      py_repr(sqlite3_value_double(argv[0]), b, sizeof b);
      sqlite3_result_text(ctx, b, -1, SQLITE_TRANSIENT);
      return;
    }
    default: sqlite3_result_value(ctx, argv[0]);
  }
}

void remote_human_bytes_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  double size = sqlite3_value_double(argv[0]);
  if (size == 0) { sqlite3_result_text(ctx, "0B", 2, SQLITE_STATIC); return; }
  static const char *units[] = {"B", "KB", "MB", "GB", "TB"};
  char b[64];
  for (int i = 0; i < 5; i++) {
    if (fabs(size) < 1024 || i == 4) {
      snprintf(b, sizeof b, "%.1f%s", size, units[i]);
      break;
    }
    size /= 1024;
  }
  sqlite3_result_text(ctx, b, -1, SQLITE_TRANSIENT);
}

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void remote_command_clean_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  const char *s = (const char *)sqlite3_value_text(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  /* tokens separated by whitespace */
  char *out = sqlite3_malloc(n + 1);
  if (!out) { sqlite3_result_error_nomem(ctx); return; }
  int o = 0, i = 0;
  const char *pend = 0; int pend_len = 0;   /* an option waiting to see its value */
  while (i < n) {
    while (i < n && is_ws(s[i])) i++;
    if (i >= n) break;
    int st = i;
    while (i < n && !is_ws(s[i])) i++;
    const char *tok = s + st;
    int tl = i - st;
    int unresolved = tl >= 2 && tok[0] == '{' && tok[tl - 1] == '}';
    if (unresolved) { pend = 0; continue; }          /* drops "--opt {x}" and a lone "{x}" */
    if (pend) {
      if (o) out[o++] = ' ';
      memcpy(out + o, pend, (size_t)pend_len);
      o += pend_len;
      pend = 0;
    }
    if (tl > 2 && tok[0] == '-' && tok[1] == '-') { pend = tok; pend_len = tl; continue; }
    if (o) out[o++] = ' ';
    memcpy(out + o, tok, (size_t)tl);
    o += tl;
  }
  if (pend) {
    if (o) out[o++] = ' ';
    memcpy(out + o, pend, (size_t)pend_len);
    o += pend_len;
  }
  sqlite3_result_text(ctx, out, o, sqlite3_free);
}

/* 'YYYY-MM-DD HH:MM:SS[.ffffff...]' -> microseconds since 1970 as if UTC; -1 on error. */
static int naive_us(const char *s, long long *out) {
  if (!s) return -1;
  int y, mo, d, h, mi, se, k = 0;
  if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &k) != 6 || k != 19) return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
  long long us = 0;
  const char *p = s + 19;
  if (*p == '.') {
    p++;
    int nd = 0;
    while (*p >= '0' && *p <= '9') {
      if (nd < 6) { us = us * 10 + (*p - '0'); nd++; }
      p++;
    }
    if (nd == 0) return -1;
    while (nd++ < 6) us *= 10;
  }
  while (*p == ' ') p++;
  if (*p) return -1;
  /* days from civil (Howard Hinnant) */
  long long yy = y - (mo <= 2);
  long long era = (yy >= 0 ? yy : yy - 399) / 400;
  unsigned yoe = (unsigned)(yy - era * 400);
  unsigned doy = (unsigned)((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  long long days = era * 146097 + (long long)doe - 719468;
  *out = ((days * 86400 + h * 3600 + mi * 60 + se) * 1000000LL) + us;
  return 0;
}

void remote_epoch_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  long long t, r;
  if (naive_us((const char *)sqlite3_value_text(argv[0]), &t)) return;
  if (sqlite3_value_type(argv[1]) == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL ||
      naive_us((const char *)sqlite3_value_text(argv[1]), &r)) {
    sqlite3_result_double(ctx, (double)t / 1e6);
    return;
  }
  double ref_epoch = sqlite3_value_double(argv[2]);
  double x = ref_epoch + (double)(t - r) / 1e6;
  sqlite3_result_int64(ctx, (sqlite3_int64)x);
}
