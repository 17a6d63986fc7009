/*
** kv_format.c — the text forms upstream (Go) writes, so exported files match
** perf-report-creator's byte for byte.
**
**  1. kv_go_float(v): Go encoding/json's float64 text: the shortest decimal
**     that reads back as v (strconv 'g' with precision -1), in plain notation
**     when 1e-6 <= |v| < 1e21 (or v = 0), else in exponent notation with
**     "e-07" shortened to "e-7". NaN/Inf (which Go refuses) print as null.
**  2. kv_upstream_week_label(monday): the week directory name upstream's
**     getMondayOfWeekDate(isoYear, isoWeek) gives: the first Monday on or
**     after Jan 1 of the ISO year, plus (week − 1) × 7 days. It equals the
**     ISO Monday except in ISO years whose Jan 1 is a Tuesday, Wednesday or
**     Thursday (2025, 2026, 2030, ...), where it is 7 days late.
**  3. Pure functions; O(1).
*/
#include "kubevirt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kv_go_float(double v, char out[40]) {
  if (isnan(v) || isinf(v)) { strcpy(out, "null"); return; }
  if (v == 0) { strcpy(out, signbit(v) ? "-0" : "0"); return; }
  char e[40];
  int p;
  for (p = 1; p <= 17; p++) {
    snprintf(e, sizeof e, "%.*e", p - 1, v);
    if (strtod(e, 0) == v) break;
  }
  /* e = "[-]d[.ddd]e[+-]XX": collect the digits and the exponent */
  char dig[32];
  int nd = 0, neg = 0;
  const char *c = e;
  if (*c == '-') { neg = 1; c++; }
  for (; *c && *c != 'e'; c++)
    if (*c >= '0' && *c <= '9') dig[nd++] = *c;
  int exp10 = atoi(c + 1);
  while (nd > 1 && dig[nd - 1] == '0') nd--;
  dig[nd] = 0;
  char *o = out;
  if (neg) *o++ = '-';
  double a = fabs(v);
  if (a < 1e-6 || a >= 1e21) {
    *o++ = dig[0];
    if (nd > 1) { *o++ = '.'; memcpy(o, dig + 1, (size_t)nd - 1); o += nd - 1; }
    int ax = exp10 < 0 ? -exp10 : exp10;
    sprintf(o, "e%c%s%d", exp10 < 0 ? '-' : '+', (ax < 10 && exp10 >= 0) ? "0" : "", ax);
    return;
  }
  if (exp10 >= 0) {
    for (int i = 0; i <= exp10; i++) *o++ = i < nd ? dig[i] : '0';
    if (nd > exp10 + 1) {
      *o++ = '.';
      for (int i = exp10 + 1; i < nd; i++) *o++ = dig[i];
    }
  } else {
    *o++ = '0';
    *o++ = '.';
    for (int i = 0; i < -exp10 - 1; i++) *o++ = '0';
    for (int i = 0; i < nd; i++) *o++ = dig[i];
  }
  *o = 0;
}

/* 0 = Monday .. 6 = Sunday. 1970-01-01 was a Thursday. */
static int weekday(int64_t days) { return (int)(((days % 7) + 7 + 3) % 7); }

void kv_upstream_week_label(const char *iso_monday, char out[11]) {
  long yy;
  int m, d;
  if (sscanf(iso_monday, "%ld-%d-%d", &yy, &m, &d) != 3) { snprintf(out, 11, "%.10s", iso_monday); return; }
  int64_t mon = perfsql_days_from_civil(yy, m, d);
  int64_t iso_year, y;
  int tm_, td;
  perfsql_civil_from_days(mon + 3, &iso_year, &tm_, &td);   /* the Thursday decides the ISO year */
  int jan1 = weekday(perfsql_days_from_civil(iso_year, 1, 1));
  int64_t label = mon + ((jan1 >= 1 && jan1 <= 3) ? 7 : 0);
  perfsql_civil_from_days(label, &y, &m, &d);
  snprintf(out, 11, "%04lld-%02d-%02d", (long long)y, m, d);
}
