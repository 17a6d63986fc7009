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

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, int *m, int *d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Monday .. 6 = Sunday. 1970-01-01 was a Thursday. */
static int weekday(long days) { return (int)(((days % 7) + 7 + 3) % 7); }

void kv_upstream_week_label(const char *iso_monday, char out[11]) {
  long y;
  int m, d;
  if (sscanf(iso_monday, "%ld-%d-%d", &y, &m, &d) != 3) { snprintf(out, 11, "%.10s", iso_monday); return; }
  long mon = days_from_civil(y, m, d);
  long iso_year;
  int tm_, td;
  civil_from_days(mon + 3, &iso_year, &tm_, &td);   /* the Thursday decides the ISO year */
  int jan1 = weekday(days_from_civil(iso_year, 1, 1));
  long label = mon + ((jan1 >= 1 && jan1 <= 3) ? 7 : 0);
  civil_from_days(label, &y, &m, &d);
  snprintf(out, 11, "%04ld-%02d-%02d", y, m, d);
}
