/*
** time.c — calendar weeks of a point in time: week_start() and iso_week(),
** and the timestamp parser every other part of perfsql uses.
**
** Contract:
**  1. A time t is one of
**       - an INTEGER or REAL: unix seconds (UTC); REAL may carry a fraction;
**       - TEXT holding ISO-8601: 'YYYY-MM-DD', or 'YYYY-MM-DD' + ('T' | 't' |
**         ' ') + 'hh:mm[:ss[.f...]]' (any number of fraction digits) + an
**         optional zone 'Z' | 'z' | '±hh:mm' | '±hhmm' | '±hh'. No zone means
**         UTC. Fields are range-checked (month 1-12, day within the month,
**         hh 0-23, mm 0-59, ss 0-59, zone up to ±23:59);
**       - TEXT holding a plain decimal number ('1700000000', '-5.25',
**         '1.7e9'): unix seconds. Leading and trailing blanks are ignored.
**     Anything else (other text, a BLOB, ±Inf) is unparsable.
**  2. week_start(t [, first_day]) returns 'YYYY-MM-DD', the first day of the
**     UTC week that contains t. first_day is 'monday' (the default) or
**     'sunday', case-insensitive; any other value (NULL included) is an error:
**       week_start: first_day must be 'monday' or 'sunday', not 'friday'
**  3. iso_week(t) returns 'YYYY-Www', the ISO-8601 week of the UTC day that
**     contains t. Weeks start on Monday and week 1 is the week holding the
**     year's first Thursday, so 2027-01-01 (a Friday) is '2026-W53' and
**     2024-12-30 is '2025-W01'.
**  4. t NULL -> NULL. Unparsable t is an error naming the value:
**       week_start: cannot parse time '2026-13-01' (want ISO-8601 text or unix seconds)
**     (text longer than 80 bytes is shown truncated with '...'). t outside the
**     years 0001-9999 is an error: "week_start: time out of range (years
**     0001-9999): 1700000000123456789".
**  5. Exact at day boundaries: ISO text is converted with integer arithmetic
**     (whole seconds and the fraction are kept apart), REAL seconds are
**     floored, so '2026-07-12T23:59:59.9999999Z' is still in the week of
**     2026-07-06. O(length of t) per call, no allocation except the result.
**  6. perfsql_parse_time()/perfsql_value_time() (declared in perfsql.h) parse
**     the same forms into unix seconds as a double, for other domains.
*/
#include "perfsql.h"
#include "sqlvalue.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A parsed time: whole unix seconds (floor) plus a fraction in [0, 1). */
typedef struct TimeParts {
  int64_t secs;
  double frac;
} TimeParts;

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
** days_from_civil), valid for any year an int64 can hold here. */
int64_t perfsql_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The inverse: the date of a day number. */
void perfsql_civil_from_days(int64_t z, int64_t *py, int *pm, int *pd) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *py = yoe + era * 400 + (m <= 2);
  *pm = m;
  *pd = d;
}

static int days_in_month(int64_t y, int m) {
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 ? 28 + leap : dim[m - 1];
}

/* Reads exactly n decimal digits at *p; advances *p. -1 if not n digits. */
static int digits(const char **p, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)(*p)[i])) return -1;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  return v;
}

static const char *skip_blanks(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  return s;
}

/* ISO-8601 text (contract 1) -> parts. 0 ok, -1 not ISO. */
static int parse_iso(const char *s, TimeParts *out) {
  const char *p = s;
  int y = digits(&p, 4);
  if (y < 0 || *p++ != '-') return -1;
  int mo = digits(&p, 2);
  if (mo < 1 || mo > 12 || *p++ != '-') return -1;
  int d = digits(&p, 2);
  if (d < 1 || d > days_in_month(y, mo)) return -1;
  int h = 0, mi = 0, sec = 0;
  double frac = 0.0;
  int64_t offset = 0;
  if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
    p++;
    h = digits(&p, 2);
    if (h < 0 || h > 23 || *p++ != ':') return -1;
    mi = digits(&p, 2);
    if (mi < 0 || mi > 59) return -1;
    if (*p == ':') {
      p++;
      sec = digits(&p, 2);
      if (sec < 0 || sec > 59) return -1;
      if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return -1;
        double scale = 0.1;
        while (isdigit((unsigned char)*p)) {
          frac += (*p - '0') * scale;   /* digits beyond ~16 no longer matter */
          scale *= 0.1;
          p++;
        }
        if (frac >= 1.0) frac = nextafter(1.0, 0.0);
      }
    }
    if (*p == 'Z' || *p == 'z') {
      p++;
    } else if (*p == '+' || *p == '-') {
      int sign = *p++ == '-' ? -1 : 1;
      int oh = digits(&p, 2), om = 0;
      if (oh < 0 || oh > 23) return -1;
      if (*p == ':') {
        p++;
        if ((om = digits(&p, 2)) < 0) return -1;
      } else if (isdigit((unsigned char)*p)) {
        if ((om = digits(&p, 2)) < 0) return -1;
      }
      if (om > 59) return -1;
      offset = sign * (oh * 3600 + om * 60);
    }
  }
  if (*skip_blanks(p)) return -1;
  out->secs = perfsql_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  out->frac = frac;
  return 0;
}

/* Unix seconds as a double -> parts. -1 if not finite or beyond int64. */
static int parts_from_double(double t, TimeParts *out) {
  if (!isfinite(t)) return -1;
  double f = floor(t);
  if (f < -9.2e18 || f > 9.2e18) return -1;
  out->secs = (int64_t)f;
  out->frac = t - f;
  return 0;
}

/* A plain decimal number (contract 1) -> parts. -1 if not one. */
static int parse_number(const char *s, TimeParts *out) {
  const char *p = s;
  int is_int = 1;
  if (*p == '+' || *p == '-') p++;
  const char *d0 = p;
  while (isdigit((unsigned char)*p)) p++;
  int nint = (int)(p - d0), nfrac = 0;
  if (*p == '.') {
    is_int = 0;
    p++;
    const char *f0 = p;
    while (isdigit((unsigned char)*p)) p++;
    nfrac = (int)(p - f0);
  }
  if (nint + nfrac == 0) return -1;
  if (*p == 'e' || *p == 'E') {
    is_int = 0;
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!isdigit((unsigned char)*p)) return -1;
    while (isdigit((unsigned char)*p)) p++;
  }
  if (*skip_blanks(p)) return -1;
  if (is_int && nint <= 18) {
    out->secs = strtoll(s, 0, 10);
    out->frac = 0.0;
    return 0;
  }
  return parts_from_double(strtod(s, 0), out);
}

static int parse_time_parts(const char *text, TimeParts *out) {
  const char *s = skip_blanks(text);
  if (parse_iso(s, out) == 0) return 0;
  return parse_number(s, out);
}

int perfsql_parse_time(const char *text, double *unix_seconds) {
  TimeParts t;
  if (!text || parse_time_parts(text, &t) != 0) return -1;
  *unix_seconds = (double)t.secs + t.frac;
  return 0;
}

/* SQL value -> parts. 1 for NULL, -1 unparsable, 0 ok. */
static int value_time_parts(sqlite3_value *v, TimeParts *out) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
      return 1;
    case SQLITE_INTEGER:
      out->secs = sqlite3_value_int64(v);
      out->frac = 0.0;
      return 0;
    case SQLITE_FLOAT:
      return parts_from_double(sqlite3_value_double(v), out);
    case SQLITE_TEXT:
      return parse_time_parts((const char *)sqlite3_value_text(v), out);
    default:
      return -1;
  }
}

int perfsql_value_time(sqlite3_value *v, double *unix_seconds) {
  TimeParts t;
  int rc = value_time_parts(v, &t);
  if (rc == 0) *unix_seconds = (double)t.secs + t.frac;
  return rc;
}

/* The UTC day number of argument v for function fn. 1 NULL, -1 error set, 0 ok. */
static int day_of_arg(sqlite3_context *ctx, const char *fn, sqlite3_value *v, int64_t *day) {
  static const int64_t lo = -719162LL * 86400;    /* 0001-01-01 */
  static const int64_t hi = 2932897LL * 86400;    /* 10000-01-01 */
  TimeParts t;
  int rc = value_time_parts(v, &t);
  if (rc == 1) return 1;
  if (rc < 0) {
    char prefix[64];
    sqlite3_snprintf(sizeof prefix, prefix, "%s: cannot parse time", fn);
    sqlvalue_error(ctx, prefix, v, " (want ISO-8601 text or unix seconds)");
    return -1;
  }
  if (t.secs < lo || t.secs >= hi) {
    char prefix[64];
    sqlite3_snprintf(sizeof prefix, prefix, "%s: time out of range (years 0001-9999):", fn);
    sqlvalue_error(ctx, prefix, v, "");
    return -1;
  }
  /* floor division: secs may be negative (before 1970) */
  *day = t.secs >= 0 ? t.secs / 86400 : -((-t.secs + 86399) / 86400);
  return 0;
}

/* Day of the week of a day number, 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
static int weekday_monday0(int64_t day) {
  int64_t w = (day + 3) % 7;
  return (int)(w < 0 ? w + 7 : w);
}

void week_start_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  int sunday = 0;
  if (argc > 1) {
    int is_text = sqlite3_value_type(argv[1]) == SQLITE_TEXT;
    const char *fd = is_text ? (const char *)sqlite3_value_text(argv[1]) : 0;
    if (is_text && sqlite3_stricmp(fd, "sunday") == 0) {
      sunday = 1;
    } else if (!is_text || sqlite3_stricmp(fd, "monday") != 0) {
      sqlvalue_error(ctx, "week_start: first_day must be 'monday' or 'sunday', not", argv[1], "");
      return;
    }
  }
  int64_t day;
  if (day_of_arg(ctx, "week_start", argv[0], &day) != 0) return;
  int back = sunday ? (weekday_monday0(day) + 1) % 7 : weekday_monday0(day);
  int64_t y;
  int m, d;
  perfsql_civil_from_days(day - back, &y, &m, &d);
  char buf[16];
  sqlite3_snprintf(sizeof buf, buf, "%04d-%02d-%02d", (int)y, m, d);
  sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

void iso_week_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  int64_t day;
  if (day_of_arg(ctx, "iso_week", argv[0], &day) != 0) return;
  /* The ISO year is the year of this week's Thursday. */
  int64_t thursday = day - weekday_monday0(day) + 3;
  int64_t y;
  int m, d;
  perfsql_civil_from_days(thursday, &y, &m, &d);
  int week = (int)((thursday - perfsql_days_from_civil(y, 1, 1)) / 7 + 1);
  char buf[16];
  sqlite3_snprintf(sizeof buf, buf, "%04d-W%02d", (int)y, week);
  sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}
