/*
** remote_parse.c — the eBPF framework's raw text formats (see remote_parse.h and the
** reference notes on the framework: netperf omni output, timing logs, pidstat -h -u -r,
** the log-size monitor, ebpf_start logs).
**
**  1. Inputs: the whole file text and its length; bytes after n are never read. NUL
**     bytes inside the text end a line's content (treated as the end of the file).
**  2. netperf: the -o CSV form is read by its header titles (the framework's run always
**     has min,mean,max; P50/P90/P99, stddev, transaction rate and throughput are taken
**     when present), warning lines before the header are skipped; the -O form (four
**     header rows, whitespace-only where a title needs fewer lines, then the value row)
**     is read by the column positions of its value line; the default TCP_RR/UDP_RR block gives the
**     transaction rate; -k gives NAME=value. A file with none of these is an error at
**     the line where the body was expected (netperf's own "establish control" failure
**     is named as such).
**  3. Timing logs: "Key: value" lines; Start/End or Process_Start/Actual_Launch/Test_End.
**     Unknown keys are ignored, a line without ':' or a bad timestamp is an error.
**  4. pidstat: the '# START_DATETIME … START_EPOCH … INTERVAL … PID' header; data rows
**     are mapped through the last '#'-header's column names, so the epoch layout (old
**     sysstat -h), the 24-hour clock layout (sysstat 12) and the 12-hour AM/PM layout,
**     each with or without %wait, all read correctly. Clock times become START_EPOCH +
**     (seconds of day - first seconds of day), +86400 when negative; with no
**     START_EPOCH, the banner's date gives the day. "Average:" rows are skipped.
**  5. Errors: line number (1-based) and a short message; nothing is allocated except
**     the message (sqlite3_mprintf). Complexity O(n) for every parser.
*/
#include "remote_parse.h"
#include "perfsql.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* A line of text: [p, p+len), without the newline or a trailing '\r'. */
typedef struct Line { const char *p; size_t len; long no; } Line;
typedef struct Lines { const char *p, *end; long no; } Lines;

/* Every parser's start: its result zeroed (result_size bytes; none when 0), the line reader
** over [text, text+n) and no error yet. */
static void parse_begin(Lines *ls, const char *text, size_t n, void *result, size_t result_size,
                        long *err_line, char **err_msg) {
  if (result_size) memset(result, 0, result_size);
  *err_line = 0;
  *err_msg = 0;
  ls->p = text;
  ls->end = text + n;
  const char *z = memchr(text, 0, n);
  if (z) ls->end = z;
  ls->no = 0;
}
static int lines_next(Lines *ls, Line *l) {
  if (ls->p >= ls->end) return 0;
  const char *nl = memchr(ls->p, '\n', (size_t)(ls->end - ls->p));
  const char *e = nl ? nl : ls->end;
  l->p = ls->p;
  l->len = (size_t)(e - ls->p);
  if (l->len && l->p[l->len - 1] == '\r') l->len--;
  l->no = ++ls->no;
  ls->p = nl ? nl + 1 : ls->end;
  return 1;
}
static int line_blank(const Line *l) {
  for (size_t i = 0; i < l->len; i++)
    if (!isspace((unsigned char)l->p[i])) return 0;
  return 1;
}
static int line_starts(const Line *l, const char *s) {
  size_t k = strlen(s);
  return l->len >= k && memcmp(l->p, s, k) == 0;
}
static const char *mem_find(const char *p, size_t n, const char *s) {
  size_t k = strlen(s);
  if (k > n) return 0;
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(p + i, s, k) == 0) return p + i;
  return 0;
}

/* Whitespace tokens of a line (at most cap); returns the count. */
typedef struct Tok { const char *p; size_t len; size_t off; } Tok;
static int tokenize(const char *p, size_t n, Tok *t, int cap) {
  int k = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && isspace((unsigned char)p[i])) i++;
    if (i >= n) break;
    size_t s = i;
    while (i < n && !isspace((unsigned char)p[i])) i++;
    if (k < cap) { t[k].p = p + s; t[k].len = i - s; t[k].off = s; }
    k++;
  }
  return k;
}

/* Strict number parsing of a token. */
static int tok_double(const char *p, size_t n, double *out) {
  char buf[64];
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, p, n);
  buf[n] = 0;
  char *e;
  double v = strtod(buf, &e);
  if (*e || e == buf || !isfinite(v)) return -1;   /* "nan", "inf", 1e999: not a measurement */
  *out = v;
  return 0;
}
static int tok_ll(const char *p, size_t n, long long *out) {
  char buf[32];
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, p, n);
  buf[n] = 0;
  char *e;
  long long v = strtoll(buf, &e, 10);
  if (*e || e == buf) return -1;
  *out = v;
  return 0;
}

static int fail(long line, long *err_line, char **err_msg, const char *fmt, const char *arg) {
  *err_line = line;
  *err_msg = sqlite3_mprintf(fmt, arg ? arg : "");
  return -1;
}

/* ---- netperf ------------------------------------------------------------- */

/* Maps a column title ("Mean Latency Microseconds") to NP_*; -1 if not used. */
static int netperf_title(const char *t, size_t n) {
  static const struct { const char *title; int idx; } map[] = {
    {"Minimum Latency Microseconds", NP_MIN},
    {"Mean Latency Microseconds", NP_MEAN},
    {"Maximum Latency Microseconds", NP_MAX},
    {"Stddev Latency Microseconds", NP_STDDEV},
    {"50th Percentile Latency Microseconds", NP_P50},
    {"90th Percentile Latency Microseconds", NP_P90},
    {"99th Percentile Latency Microseconds", NP_P99},
    {"Transaction Rate Tran/s", NP_RATE},
    {"Throughput", NP_TPUT},
  };
  while (n && isspace((unsigned char)*t)) { t++; n--; }
  while (n && isspace((unsigned char)t[n - 1])) n--;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strlen(map[i].title) == n && memcmp(map[i].title, t, n) == 0) return map[i].idx;
  if (n == 16 && memcmp(t, "Throughput Units", 16) == 0) return 100;
  return -1;
}
static int keyval_name(const char *t, size_t n) {
  static const struct { const char *name; int idx; } map[] = {
    {"MIN_LATENCY", NP_MIN}, {"MEAN_LATENCY", NP_MEAN}, {"MAX_LATENCY", NP_MAX},
    {"STDDEV_LATENCY", NP_STDDEV}, {"P50_LATENCY", NP_P50}, {"P90_LATENCY", NP_P90},
    {"P99_LATENCY", NP_P99}, {"TRANSACTION_RATE", NP_RATE}, {"THROUGHPUT", NP_TPUT},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strlen(map[i].name) == n && strncasecmp(map[i].name, t, n) == 0) return map[i].idx;
  if (n == 16 && strncasecmp(t, "THROUGHPUT_UNITS", 16) == 0) return 100;
  return -1;
}

/* Splits a line on ',' into at most cap fields; returns the count. */
static int split_commas(const char *p, size_t n, Tok *f, int cap) {
  int k = 0;
  size_t s = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || p[i] == ',') {
      if (k < cap) { f[k].p = p + s; f[k].len = i - s; f[k].off = s; }
      k++;
      s = i + 1;
    }
  }
  return k;
}

static void set_units(NetperfResult *r, const char *p, size_t n) {
  while (n && isspace((unsigned char)*p)) { p++; n--; }
  while (n && isspace((unsigned char)p[n - 1])) n--;
  if (n >= sizeof r->units) n = sizeof r->units - 1;
  memcpy(r->units, p, n);
  r->units[n] = 0;
}

/* The CSV form: a header line whose comma-separated titles are all known and at least
** one maps to a figure, followed by a value line with the same number of fields. */
static int netperf_csv(const Line *ls, int nl, NetperfResult *r, long *err_line, char **err_msg) {
  for (int i = 0; i < nl; i++) {
    Tok f[32];
    int k = split_commas(ls[i].p, ls[i].len, f, 32);
    if (k < 1 || k > 32) continue;
    int idx[32], known = 0, ok = 1;
    for (int j = 0; j < k; j++) {
      idx[j] = netperf_title(f[j].p, f[j].len);
      if (idx[j] < 0) { ok = 0; break; }
      if (idx[j] < NP_COUNT) known++;
    }
    if (!ok || !known) continue;
    if (i + 1 >= nl) return fail(ls[i].no + 1, err_line, err_msg, "netperf CSV header without a value line%s", 0);
    Tok v[32];
    int kv = split_commas(ls[i + 1].p, ls[i + 1].len, v, 32);
    if (kv != k) {
      *err_line = ls[i + 1].no;
      *err_msg = sqlite3_mprintf("netperf CSV value line has %d fields, header has %d", kv, k);
      return -1;
    }
    r->form = "csv";
    for (int j = 0; j < k; j++) {
      if (idx[j] == 100) { set_units(r, v[j].p, v[j].len); continue; }
      double d;
      const char *p = v[j].p;
      size_t n = v[j].len;
      while (n && isspace((unsigned char)*p)) { p++; n--; }
      while (n && isspace((unsigned char)p[n - 1])) n--;
      if (tok_double(p, n, &d)) {
        *err_line = ls[i + 1].no;
        *err_msg = sqlite3_mprintf("netperf CSV field %d is not a number: '%.*s'", j + 1, (int)n, p);
        return -1;
      }
      r->v[idx[j]] = d;
      r->have[idx[j]] = 1;
    }
    return 1;
  }
  return 0;
}

/* The -k form: NAME=value lines. */
static int netperf_keyval(const Line *ls, int nl, NetperfResult *r, long *err_line, char **err_msg) {
  int found = 0;
  for (int i = 0; i < nl; i++) {
    const char *eq = memchr(ls[i].p, '=', ls[i].len);
    if (!eq) continue;
    int idx = keyval_name(ls[i].p, (size_t)(eq - ls[i].p));
    if (idx < 0) continue;
    const char *v = eq + 1;
    size_t vn = ls[i].len - (size_t)(v - ls[i].p);
    if (idx == 100) { set_units(r, v, vn); continue; }
    double d;
    while (vn && isspace((unsigned char)v[vn - 1])) vn--;
    if (tok_double(v, vn, &d)) {
      *err_line = ls[i].no;
      *err_msg = sqlite3_mprintf("netperf keyval value is not a number: '%.*s'", (int)vn, v);
      return -1;
    }
    r->v[idx] = d;
    r->have[idx] = 1;
    found = 1;
  }
  if (found) r->form = "keyval";
  return found;
}

/* The -O (HUMAN) form: header rows, then one value row; each value's column starts at
** its token's offset and runs to the next token's. */
static int netperf_human(const Line *ls, int nl, NetperfResult *r, long *err_line, char **err_msg) {
  /* the value line: the last non-blank line */
  int vi = nl - 1;
  while (vi >= 0 && line_blank(&ls[vi])) vi--;
  if (vi < 1) return 0;
  Tok v[32];
  int k = tokenize(ls[vi].p, ls[vi].len, v, 32);
  if (k < 1 || k > 32) return 0;
  /* header rows: netperf prints exactly four above the value row (real 2.7.1 output);
  ** a title that needs fewer lines leaves its rows whitespace-only, so a blank row is
  ** part of the header, not its end. Up to four rows, stopping at the MIGRATED banner. */
  int h0 = vi, nonblank = 0;
  while (h0 - 1 >= 0 && vi - (h0 - 1) <= 4 && !line_starts(&ls[h0 - 1], "MIGRATED")) {
    h0--;
    if (!line_blank(&ls[h0])) nonblank++;
  }
  if (!nonblank) return 0;
  char titles[32][160];
  for (int j = 0; j < k; j++) titles[j][0] = 0;
  for (int h = h0; h < vi; h++) {
    for (int j = 0; j < k; j++) {
      size_t s = v[j].off, e = j + 1 < k ? v[j + 1].off : (size_t)-1;
      if (s >= ls[h].len) continue;
      if (e > ls[h].len) e = ls[h].len;
      Tok w[8];
      int nw = tokenize(ls[h].p + s, e - s, w, 8);
      for (int q = 0; q < nw && q < 8; q++) {
        size_t cur = strlen(titles[j]);
        if (cur + w[q].len + 2 >= sizeof titles[j]) break;
        if (cur) titles[j][cur++] = ' ';
        memcpy(titles[j] + cur, w[q].p, w[q].len);
        titles[j][cur + w[q].len] = 0;
      }
    }
  }
  int idx[32], known = 0;
  for (int j = 0; j < k; j++) {
    idx[j] = netperf_title(titles[j], strlen(titles[j]));
    if (idx[j] >= 0 && idx[j] < NP_COUNT) known++;
  }
  if (!known) return 0;
  for (int j = 0; j < k; j++) {
    if (idx[j] < 0) continue;
    if (idx[j] == 100) { set_units(r, v[j].p, v[j].len); continue; }
    double d;
    if (tok_double(v[j].p, v[j].len, &d)) {
      *err_line = ls[vi].no;
      *err_msg = sqlite3_mprintf("netperf value '%.*s' (%s) is not a number", (int)v[j].len, v[j].p,
                                 titles[j]);
      return -1;
    }
    r->v[idx[j]] = d;
    r->have[idx[j]] = 1;
  }
  r->form = "human";
  return 1;
}

/* The default REQUEST/RESPONSE block: "... Trans." header and a row of 6 numbers. */
static int netperf_classic(const Line *ls, int nl, NetperfResult *r, long *err_line, char **err_msg) {
  int hi = -1;
  for (int i = 0; i < nl; i++)
    if (mem_find(ls[i].p, ls[i].len, "Trans.") && mem_find(ls[i].p, ls[i].len, "Elapsed")) { hi = i; break; }
  if (hi < 0) return 0;
  for (int i = hi + 1; i < nl; i++) {
    Tok t[8];
    int k = tokenize(ls[i].p, ls[i].len, t, 8);
    if (k != 6) continue;
    double d[6];
    int ok = 1;
    for (int j = 0; j < 6; j++)
      if (tok_double(t[j].p, t[j].len, &d[j])) { ok = 0; break; }
    if (!ok) continue;
    r->v[NP_ELAPSED] = d[4];
    r->have[NP_ELAPSED] = 1;
    r->v[NP_RATE] = d[5];
    r->have[NP_RATE] = 1;
    r->form = "classic";
    return 1;
  }
  return fail(ls[nl - 1].no, err_line, err_msg,
              "netperf request/response block without a result row%s", 0);
}

int remote_parse_netperf(const char *text, size_t n, NetperfResult *r, long *err_line,
                         char **err_msg) {
  Lines it;
  parse_begin(&it, text, n, r, sizeof *r, err_line, err_msg);
  Line l;
  int nl = 0, cap = 0;
  Line *ls = 0;
  while (lines_next(&it, &l)) {
    if (nl == cap) {
      cap = cap ? cap * 2 : 16;
      Line *g = sqlite3_realloc64(ls, (sqlite3_uint64)cap * sizeof *ls);
      if (!g) { sqlite3_free(ls); return fail(l.no, err_line, err_msg, "out of memory%s", 0); }
      ls = g;
    }
    ls[nl++] = l;
  }
  int rc = 0;
  if (nl == 0) { rc = fail(0, err_line, err_msg, "empty netperf output%s", 0); goto done; }
  for (int i = 0; i < nl; i++) {
    if (line_starts(&ls[i], "establish control") || mem_find(ls[i].p, ls[i].len, "could not establish")) {
      *err_line = ls[i].no;
      *err_msg = sqlite3_mprintf("netperf could not reach netserver: %.*s", (int)ls[i].len, ls[i].p);
      rc = -1;
      goto done;
    }
  }
  int got;
  if ((got = netperf_csv(ls, nl, r, err_line, err_msg)) != 0) { rc = got < 0 ? -1 : 0; goto done; }
  if ((got = netperf_classic(ls, nl, r, err_line, err_msg)) != 0) { rc = got < 0 ? -1 : 0; goto done; }
  if ((got = netperf_keyval(ls, nl, r, err_line, err_msg)) != 0) { rc = got < 0 ? -1 : 0; goto done; }
  if ((got = netperf_human(ls, nl, r, err_line, err_msg)) != 0) { rc = got < 0 ? -1 : 0; goto done; }
  {
    /* name the line where the body should have been: after the MIGRATED banner */
    int at = 0;
    if (line_starts(&ls[0], "MIGRATED")) at = nl > 1 ? 1 : 0;
    *err_line = ls[at].no + (at == 0 && nl == 1 && line_starts(&ls[0], "MIGRATED") ? 1 : 0);
    *err_msg = sqlite3_mprintf("no netperf result (expected a CSV header such as 'Minimum Latency "
                               "Microseconds,...', an -O table or a TCP_RR result block)");
    rc = -1;
  }
done:
  sqlite3_free(ls);
  return rc;
}

/* ---- time ---------------------------------------------------------------- */

static long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

int remote_naive_time(const char *s, size_t n, double *out) {
  /* YYYY-MM-DD HH:MM:SS[.f+] */
  if (n < 19) return -1;
  for (size_t i = 0; i < 19; i++) {
    char c = s[i];
    if (i == 4 || i == 7) { if (c != '-') return -1; }
    else if (i == 10) { if (c != ' ' && c != 'T') return -1; }
    else if (i == 13 || i == 16) { if (c != ':') return -1; }
    else if (!isdigit((unsigned char)c)) return -1;
  }
  int y = atoi(s), mo = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
  int h = (s[11] - '0') * 10 + s[12] - '0', mi = (s[14] - '0') * 10 + s[15] - '0';
  int se = (s[17] - '0') * 10 + s[18] - '0';
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
  double frac = 0, scale = 0.1;
  size_t i = 19;
  if (i < n && s[i] == '.') {
    i++;
    if (i >= n || !isdigit((unsigned char)s[i])) return -1;
    while (i < n && isdigit((unsigned char)s[i])) { frac += (s[i] - '0') * scale; scale /= 10; i++; }
  }
  if (i != n) return -1;
  *out = (double)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se) + frac;
  return 0;
}

/* ---- timing logs ---------------------------------------------------------- */

static void copy_trim(char *dst, size_t cap, const char *p, size_t n) {
  while (n && isspace((unsigned char)*p)) { p++; n--; }
  while (n && isspace((unsigned char)p[n - 1])) n--;
  if (n >= cap) n = cap - 1;
  memcpy(dst, p, n);
  dst[n] = 0;
}

int remote_parse_timing(const char *text, size_t n, TimingResult *r, long *err_line,
                        char **err_msg) {
  Lines it;
  parse_begin(&it, text, n, r, sizeof *r, err_line, err_msg);
  Line l;
  long last = 0;
  while (lines_next(&it, &l)) {
    last = l.no;
    if (line_blank(&l)) continue;
    const char *c = memchr(l.p, ':', l.len);
    if (!c) return fail(l.no, err_line, err_msg, "timing log line is not 'Key: value'%s", 0);
    size_t kn = (size_t)(c - l.p);
    const char *v = c + 1;
    size_t vn = l.len - kn - 1;
    char *dst = 0;
    size_t cap = 40;
    if (kn == 4 && memcmp(l.p, "Test", 4) == 0) { copy_trim(r->test, sizeof r->test, v, vn); continue; }
    if (kn == 13 && memcmp(l.p, "Process_Start", 13) == 0) dst = r->process_start;
    else if ((kn == 5 && memcmp(l.p, "Start", 5) == 0) || (kn == 13 && memcmp(l.p, "Actual_Launch", 13) == 0)) dst = r->start;
    else if ((kn == 3 && memcmp(l.p, "End", 3) == 0) || (kn == 8 && memcmp(l.p, "Test_End", 8) == 0)) dst = r->end;
    else continue;
    copy_trim(dst, cap, v, vn);
    double t;
    if (remote_naive_time(dst, strlen(dst), &t)) {
      *err_line = l.no;
      *err_msg = sqlite3_mprintf("bad timestamp '%.*s' (expected YYYY-MM-DD HH:MM:SS.fff)", (int)vn, v);
      return -1;
    }
  }
  if (!r->start[0]) return fail(last, err_line, err_msg, "timing log has no Start:/Actual_Launch: line%s", 0);
  if (!r->end[0]) return fail(last, err_line, err_msg, "timing log has no End:/Test_End: line%s", 0);
  return 0;
}

/* ---- pidstat -------------------------------------------------------------- */

enum { PC_TIME, PC_UID, PC_PID, PC_USR, PC_SYSTEM, PC_GUEST, PC_WAIT, PC_CPU_PCT, PC_CPU,
       PC_MINFLT, PC_MAJFLT, PC_VSZ, PC_RSS, PC_MEM, PC_COMMAND, PC_OTHER };
static int pidstat_col(const char *p, size_t n) {
  static const char *names[] = {"Time", "UID", "PID", "%usr", "%system", "%guest", "%wait",
                                "%CPU", "CPU", "minflt/s", "majflt/s", "VSZ", "RSS", "%MEM",
                                "Command"};
  for (int i = 0; i < PC_OTHER; i++)
    if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0) return i;
  return PC_OTHER;
}

/* "hh:mm:ss" -> seconds of day, or -1. */
static long clock_secs(const char *p, size_t n) {
  if (n != 8 || p[2] != ':' || p[5] != ':') return -1;
  for (int i = 0; i < 8; i++)
    if (i != 2 && i != 5 && !isdigit((unsigned char)p[i])) return -1;
  long h = (p[0] - '0') * 10 + p[1] - '0', m = (p[3] - '0') * 10 + p[4] - '0',
       s = (p[6] - '0') * 10 + p[7] - '0';
  if (h > 23 || m > 59 || s > 60) return -1;
  return h * 3600 + m * 60 + s;
}

/* Banner "Linux … (host) \tMM/DD/YYYY \t…" or MM/DD/YY -> days since 1970, or -1. */
static long long banner_day(const Line *l) {
  Tok t[16];
  int k = tokenize(l->p, l->len, t, 16);
  for (int i = 0; i < k && i < 16; i++) {
    const char *p = t[i].p;
    size_t n = t[i].len;
    if ((n == 10 || n == 8) && p[2] == '/' && p[5] == '/') {
      int mo = atoi(p), d = atoi(p + 3), y = atoi(p + 6);
      if (n == 8) y += 2000;
      if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) return days_from_civil(y, (unsigned)mo, (unsigned)d);
    }
    if (n == 10 && p[4] == '-' && p[7] == '-') {
      return days_from_civil(atoi(p), (unsigned)atoi(p + 5), (unsigned)atoi(p + 8));
    }
  }
  return -1;
}

static const char *find_after(const Line *l, const char *key) {
  const char *p = mem_find(l->p, l->len, key);
  return p ? p + strlen(key) : 0;
}

int remote_parse_pidstat(const char *text, size_t n, PidstatHeader *h,
                         int (*row)(void *ctx, const PidstatRow *r), void *ctx,
                         long *err_line, char **err_msg) {
  Lines it;
  parse_begin(&it, text, n, h, sizeof *h, err_line, err_msg);
  h->pid = -1;
  h->interval_s = 2;
  h->start_epoch = -1;
  int cols[24], ncols = 0;            /* column kinds of the current header (Time is one) */
  long long day = -1;                 /* from the banner */
  long first_sod = -1;
  Line l;
  while (lines_next(&it, &l)) {
    if (line_blank(&l)) continue;
    if (l.p[0] == '#') {
      const char *v;
      if ((v = find_after(&l, "START_EPOCH:")) != 0) h->start_epoch = strtoll(v, 0, 10);
      if ((v = find_after(&l, "INTERVAL:")) != 0) {
        long iv = strtol(v, 0, 10);
        if (iv > 0) h->interval_s = iv;
      }
      if ((v = find_after(&l, "PID:")) != 0 && mem_find(l.p, l.len, "START_")) h->pid = strtoll(v, 0, 10);
      if ((v = find_after(&l, "START_DATETIME:")) != 0) {
        Tok dt[2];
        int nd = tokenize(v, (size_t)(l.p + l.len - v), dt, 2);
        if (nd >= 2 && dt[0].len + dt[1].len + 1 < sizeof h->start_datetime) {
          memcpy(h->start_datetime, dt[0].p, dt[0].len);
          h->start_datetime[dt[0].len] = ' ';
          memcpy(h->start_datetime + dt[0].len + 1, dt[1].p, dt[1].len);
          h->start_datetime[dt[0].len + 1 + dt[1].len] = 0;
        }
      }
      /* a column header: "#      Time   UID  PID ..." */
      Tok t[24];
      int k = tokenize(l.p + 1, l.len - 1, t, 24);
      if (k >= 3 && k <= 24 && t[0].len == 4 && memcmp(t[0].p, "Time", 4) == 0) {
        ncols = k;
        for (int i = 0; i < k; i++) cols[i] = pidstat_col(t[i].p, t[i].len);
      }
      continue;
    }
    if (line_starts(&l, "Linux ")) {
      day = banner_day(&l);
      continue;
    }
    if (line_starts(&l, "Average:")) continue;
    Tok t[26];
    int k = tokenize(l.p, l.len, t, 26);
    /* header without '#' (pidstat without -h prints "hh:mm:ss  UID  PID ...") */
    if (k >= 3 && k <= 24 && ((t[1].len == 3 && memcmp(t[1].p, "UID", 3) == 0) ||
                              (k > 2 && t[2].len == 3 && memcmp(t[2].p, "UID", 3) == 0))) {
      int off = (t[1].len == 3 && memcmp(t[1].p, "UID", 3) == 0) ? 1 : 2;
      ncols = k - off + 1;
      cols[0] = PC_TIME;
      for (int i = off; i < k; i++) cols[i - off + 1] = pidstat_col(t[i].p, t[i].len);
      continue;
    }
    /* AM/PM takes one more token than the header's Time column */
    int ampm = k >= 2 && t[1].len == 2 && (memcmp(t[1].p, "AM", 2) == 0 || memcmp(t[1].p, "PM", 2) == 0);
    if (!ncols) {
      /* no header: the framework's positional layouts (with %wait when 15 columns) */
      static const int with_wait[] = {PC_TIME, PC_UID, PC_PID, PC_USR, PC_SYSTEM, PC_GUEST, PC_WAIT,
                                      PC_CPU_PCT, PC_CPU, PC_MINFLT, PC_MAJFLT, PC_VSZ, PC_RSS, PC_MEM,
                                      PC_COMMAND};
      static const int no_wait[] = {PC_TIME, PC_UID, PC_PID, PC_USR, PC_SYSTEM, PC_GUEST, PC_CPU_PCT,
                                    PC_CPU, PC_MINFLT, PC_MAJFLT, PC_VSZ, PC_RSS, PC_MEM, PC_COMMAND};
      int n = k - (ampm ? 1 : 0);
      if (n == 15) { memcpy(cols, with_wait, sizeof with_wait); ncols = 15; }
      else if (n == 14) { memcpy(cols, no_wait, sizeof no_wait); ncols = 14; }
      else return fail(l.no, err_line, err_msg, "pidstat sample before any column header%s", 0);
    }
    int off = ampm ? 1 : 0;
    if (k - off != ncols) {
      *err_line = l.no;
      *err_msg = sqlite3_mprintf("pidstat row has %d fields, the header has %d", k - off, ncols);
      return -1;
    }
    PidstatRow r;
    memset(&r, 0, sizeof r);
    r.line = l.no;
    r.uid = r.pid = r.cpu = r.vsz_kb = r.rss_kb = -1;
    /* the time */
    long sod = clock_secs(t[0].p, t[0].len);
    const char *layout;
    if (sod >= 0) {
      if (ampm) {
        long hh = sod / 3600;
        if (hh > 12 || hh == 0) return fail(l.no, err_line, err_msg, "bad 12-hour time%s", 0);
        if (hh == 12) sod -= 12 * 3600;
        if (t[1].p[0] == 'P') sod += 12 * 3600;
        layout = "clock12";
      } else {
        layout = "clock24";
      }
      if (h->start_epoch >= 0) {
        if (first_sod < 0) first_sod = sod;
        long long d = sod - first_sod;
        if (d < 0) d += 86400;
        r.ts = h->start_epoch + d;
      } else if (day >= 0) {
        r.ts = day * 86400 + sod;
      } else {
        return fail(l.no, err_line, err_msg,
                    "pidstat clock time without a START_EPOCH header or a dated banner%s", 0);
      }
    } else {
      long long ep;
      if (tok_ll(t[0].p, t[0].len, &ep)) {
        *err_line = l.no;
        *err_msg = sqlite3_mprintf("pidstat time '%.*s' is neither unix seconds nor hh:mm:ss",
                                   (int)t[0].len, t[0].p);
        return -1;
      }
      r.ts = ep;
      layout = "epoch";
    }
    if (!h->layout) h->layout = layout;
    for (int i = 1; i < ncols; i++) {
      const Tok *x = &t[i + off];
      double d = 0;
      long long ll = 0;
      int c = cols[i];
      if (c == PC_COMMAND) {
        size_t m = x->len < sizeof r.command - 1 ? x->len : sizeof r.command - 1;
        memcpy(r.command, x->p, m);
        r.command[m] = 0;
        continue;
      }
      if (c == PC_OTHER) continue;
      int bad;
      if (c == PC_UID || c == PC_PID || c == PC_CPU || c == PC_VSZ || c == PC_RSS) bad = tok_ll(x->p, x->len, &ll);
      else bad = tok_double(x->p, x->len, &d);
      if (bad) {
        *err_line = l.no;
        *err_msg = sqlite3_mprintf("pidstat field %d '%.*s' is not a number", i + 1 + off, (int)x->len, x->p);
        return -1;
      }
      switch (c) {
        case PC_UID: r.uid = ll; break;
        case PC_PID: r.pid = ll; break;
        case PC_CPU: r.cpu = ll; break;
        case PC_VSZ: r.vsz_kb = ll; break;
        case PC_RSS: r.rss_kb = ll; break;
        case PC_USR: r.usr = d; r.have_usr = 1; break;
        case PC_SYSTEM: r.system = d; r.have_system = 1; break;
        case PC_GUEST: r.guest = d; r.have_guest = 1; break;
        case PC_WAIT: r.wait = d; r.have_wait = 1; break;
        case PC_CPU_PCT: r.cpu_pct = d; r.have_cpu_pct = 1; break;
        case PC_MINFLT: r.minflt = d; r.have_minflt = 1; break;
        case PC_MAJFLT: r.majflt = d; r.have_majflt = 1; break;
        case PC_MEM: r.mem_pct = d; r.have_mem = 1; break;
      }
    }
    int rc = row(ctx, &r);
    if (rc) return rc;
  }
  return 0;
}

/* ---- log-size monitor ------------------------------------------------------ */

int remote_parse_logsize(const char *text, size_t n, char *watched, size_t watched_cap,
                         int (*row)(void *ctx, const LogsizeRow *r), void *ctx,
                         long *err_line, char **err_msg) {
  if (watched_cap) watched[0] = 0;
  Lines it;
  parse_begin(&it, text, n, 0, 0, err_line, err_msg);
  Line l;
  while (lines_next(&it, &l)) {
    if (line_blank(&l)) continue;
    if (l.p[0] == '#') {
      const char *v = find_after(&l, "monitoring for ");
      if (v && watched_cap) copy_trim(watched, watched_cap, v, (size_t)(l.p + l.len - v));
      continue;
    }
    Tok t[6];
    int k = tokenize(l.p, l.len, t, 6);
    if (k < 3) return fail(l.no, err_line, err_msg, "log-size line is not 'date time size [human]'%s", 0);
    LogsizeRow r;
    r.line = l.no;
    /* date + ' ' + time, fraction cut to 6 digits */
    size_t tl = t[1].len;
    const char *dot = memchr(t[1].p, '.', t[1].len);
    if (dot && (size_t)(t[1].p + t[1].len - dot) > 7) tl = (size_t)(dot - t[1].p) + 7;
    if (t[0].len + 1 + tl >= sizeof r.ts) return fail(l.no, err_line, err_msg, "bad log-size timestamp%s", 0);
    memcpy(r.ts, t[0].p, t[0].len);
    r.ts[t[0].len] = ' ';
    memcpy(r.ts + t[0].len + 1, t[1].p, tl);
    r.ts[t[0].len + 1 + tl] = 0;
    double tt;
    if (remote_naive_time(r.ts, strlen(r.ts), &tt)) {
      *err_line = l.no;
      *err_msg = sqlite3_mprintf("bad log-size timestamp '%s'", r.ts);
      return -1;
    }
    if (tok_ll(t[2].p, t[2].len, &r.size) || r.size < 0) {
      *err_line = l.no;
      *err_msg = sqlite3_mprintf("log size '%.*s' is not a byte count", (int)t[2].len, t[2].p);
      return -1;
    }
    int rc = row(ctx, &r);
    if (rc) return rc;
  }
  return 0;
}

/* ---- ebpf_start ------------------------------------------------------------ */

int remote_parse_ebpf_start(const char *text, size_t n, const char **command, size_t *command_len,
                            const char **started, size_t *started_len, long *err_line,
                            char **err_msg) {
  *command = *started = 0;
  *command_len = *started_len = 0;
  Lines it;
  parse_begin(&it, text, n, 0, 0, err_line, err_msg);
  Line l;
  long last = 0;
  while (lines_next(&it, &l)) {
    last = l.no;
    if (line_starts(&l, "Command: ") && !*command) {
      *command = l.p + 9;
      *command_len = l.len - 9;
    } else if (line_starts(&l, "eBPF case start time: ") && !*started) {
      *started = l.p + 22;
      *started_len = l.len - 22;
    }
  }
  if (!*command) return fail(last, err_line, err_msg, "ebpf_start log has no 'Command: ' line%s", 0);
  return 0;
}

/* ---- case names -------------------------------------------------------------- */

int remote_parse_case_name(const char *name, CaseName *c) {
  size_t n = strlen(name);
  /* the last three '_' separated parts: proto, dir, hash */
  const char *u[3];
  size_t k = n;
  for (int i = 0; i < 3; i++) {
    while (k > 0 && name[k - 1] != '_') k--;
    if (k == 0) return -1;
    u[i] = name + k;     /* start of part */
    k--;                 /* the '_' */
  }
  /* name[0..k) must end with _case_<digits> */
  size_t e = k;
  size_t d = e;
  while (d > 0 && isdigit((unsigned char)name[d - 1])) d--;
  if (d == e || d < 7 || memcmp(name + d - 6, "_case_", 6) != 0) return -1;
  size_t tl = d - 6;
  if (tl == 0 || tl >= sizeof c->topic) return -1;
  memcpy(c->topic, name, tl);
  c->topic[tl] = 0;
  c->case_id = strtoll(name + d, 0, 10);
  size_t pl = (size_t)(u[1] - u[2]) - 1, dl = (size_t)(u[0] - u[1]) - 1, hl = (size_t)(name + n - u[0]);
  if (!pl || !dl || !hl || pl >= sizeof c->protocol || dl >= sizeof c->direction || hl >= sizeof c->hash)
    return -1;
  memcpy(c->protocol, u[2], pl);
  c->protocol[pl] = 0;
  memcpy(c->direction, u[1], dl);
  c->direction[dl] = 0;
  memcpy(c->hash, u[0], hl);
  c->hash[hl] = 0;
  return 0;
}
