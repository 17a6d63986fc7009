/*
** chart_format.c — colours, palettes, tick values and tick labels for the
** chart renderers. Pure functions, no SQLite or libgd calls.
**
**  1. Colours: "#rgb", "#rrggbb", "rgb(r,g,b)" or a CSS colour name (the
**     names plotly and shape.yaml use: grey, orange, blue, ...). Unknown -> -1.
**  2. Palette: Okabe-Ito (colour-blind safe), ordered so that the first
**     colours contrast most on white; options.colors overrides it.
**  3. Sequential scale: viridis (perceptually uniform, colour-blind safe),
**     linear interpolation between its 11 decile colours.
**  4. Ticks: "nice" 1-2-5 steps; time ticks on calendar units from 1 ms to
**     100 years (weeks start on Monday, months/years on their first day, UTC).
**  5. Labels: SI prefixes (k M G T P E) from 1e4 and (m µ n p) below 1e-3,
**     after a thin space (U+2009): "220.9 M"; one prefix per axis (from its
**     largest value); decimals follow the tick step so that neighbouring
**     labels always differ. Values printed alone (bar tops, cells, hover
**     text) keep 4 significant digits.
*/
#include "chart.h"
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const struct { const char *name; int rgb; } css_colors[] = {
  {"black", 0x000000}, {"white", 0xFFFFFF}, {"grey", 0x808080}, {"gray", 0x808080},
  {"darkgrey", 0xA9A9A9}, {"darkgray", 0xA9A9A9}, {"lightgrey", 0xD3D3D3},
  {"lightgray", 0xD3D3D3}, {"dimgrey", 0x696969}, {"dimgray", 0x696969}, {"silver", 0xC0C0C0},
  {"red", 0xFF0000}, {"darkred", 0x8B0000}, {"crimson", 0xDC143C}, {"tomato", 0xFF6347},
  {"salmon", 0xFA8072}, {"coral", 0xFF7F50}, {"orange", 0xFFA500}, {"darkorange", 0xFF8C00},
  {"gold", 0xFFD700}, {"yellow", 0xFFFF00}, {"olive", 0x808000}, {"lime", 0x00FF00},
  {"green", 0x008000}, {"darkgreen", 0x006400}, {"seagreen", 0x2E8B57}, {"teal", 0x008080},
  {"cyan", 0x00FFFF}, {"aqua", 0x00FFFF}, {"turquoise", 0x40E0D0}, {"skyblue", 0x87CEEB},
  {"steelblue", 0x4682B4}, {"blue", 0x0000FF}, {"darkblue", 0x00008B}, {"navy", 0x000080},
  {"royalblue", 0x4169E1}, {"indigo", 0x4B0082}, {"purple", 0x800080}, {"violet", 0xEE82EE},
  {"magenta", 0xFF00FF}, {"fuchsia", 0xFF00FF}, {"pink", 0xFFC0CB}, {"hotpink", 0xFF69B4},
  {"brown", 0xA52A2A}, {"maroon", 0x800000}, {"chocolate", 0xD2691E}, {"tan", 0xD2B48C},
};

static int hexval(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  ch = tolower(ch);
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  return -1;
}

int chart_parse_color(const char *s, int *rgb) {
  if (!s) return -1;
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) n--;
  if (s[0] == '#' && (n == 4 || n == 7)) {
    int v = 0;
    for (size_t i = 1; i < n; i++) {
      int h = hexval((unsigned char)s[i]);
      if (h < 0) return -1;
      v = v * 16 + h;
      if (n == 4) v = v * 16 + h;          /* #abc = #aabbcc */
    }
    *rgb = v;
    return 0;
  }
  int r, g, b;
  char tail;
  if (sscanf(s, "rgb(%d ,%d ,%d %c", &r, &g, &b, &tail) == 4 && tail == ')' && r >= 0 &&
      r < 256 && g >= 0 && g < 256 && b >= 0 && b < 256) {
    *rgb = (r << 16) | (g << 8) | b;
    return 0;
  }
  for (size_t i = 0; i < sizeof(css_colors) / sizeof(css_colors[0]); i++) {
    if (strlen(css_colors[i].name) == n && strncasecmp(css_colors[i].name, s, n) == 0) {
      *rgb = css_colors[i].rgb;
      return 0;
    }
  }
  return -1;
}

/* Okabe & Ito (2008): blue, orange, bluish green, vermillion, sky blue,
** reddish purple, black, yellow (last: weakest contrast on white). */
static const int okabe_ito[] = {0x0072B2, 0xE69F00, 0x009E73, 0xD55E00,
                                0x56B4E9, 0xCC79A7, 0x000000, 0xF0E442};

int chart_palette(const ChartOptions *o, int i) {
  if (o && o->n_colors > 0) return o->colors[i % o->n_colors];
  return okabe_ito[i % 8];
}

static const int viridis_stops[11] = {0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C,
                                      0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725};

int chart_viridis(double t) {
  if (!(t > 0)) t = 0;                      /* NaN too */
  if (t >= 1) return viridis_stops[10];
  double p = t * 10;
  int i = (int)p;
  double f = p - i;
  int a = viridis_stops[i], b = viridis_stops[i + 1];
  int r = (int)lround(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
  int g = (int)lround(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
  int bl = (int)lround((a & 255) * (1 - f) + (b & 255) * f);
  return (r << 16) | (g << 8) | bl;
}

int chart_dash_parse(const char *s, int *dash) {
  static const char *names[] = {"solid", "dot", "dash", "longdash", "dashdot", "longdashdot"};
  for (int i = 0; i < 6; i++) {
    if (strcasecmp(s, names[i]) == 0) {
      *dash = i;
      return 0;
    }
  }
  return -1;
}

/* ---- ticks --------------------------------------------------------------- */

double chart_nice_step(double range, int target) {
  if (target < 1) target = 1;
  if (!(range > 0) || !isfinite(range)) return 1;
  double rough = range / target;
  double mag = pow(10, floor(log10(rough)));
  double norm = rough / mag;
  double step = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return step * mag;
}

int chart_nice_ticks(double lo, double hi, int target, double *ticks, int max, double *step) {
  double s = chart_nice_step(hi - lo, target);
  *step = s;
  int n = 0;
  double k0 = ceil(lo / s - 1e-9);
  for (double k = k0; n < max; k++) {
    double v = k * s;
    if (v > hi + s * 1e-9) break;
    if (fabs(v) < s * 1e-9) v = 0;          /* no "-0" */
    ticks[n++] = v;
  }
  return n;
}

/* Powers of ten, 10^-40 .. 10^40, computed once with pow() itself: the
** labels come out exactly as with pow() (hover texts format thousands of
** numbers per chart, pow() was a good part of that). */
#define P10_MIN (-40)
#define P10_MAX 40
static double p10_tab[P10_MAX - P10_MIN + 1], p1000_tab[7];
static pthread_once_t p10_once = PTHREAD_ONCE_INIT;

static void p10_init(void) {
  for (int i = P10_MIN; i <= P10_MAX; i++) p10_tab[i - P10_MIN] = pow(10, i);
  for (int k = 0; k < 7; k++) p1000_tab[k] = pow(1000, k);
}

/* pow(10, e) for a whole number e */
static double p10(double e) {
  if (e >= P10_MIN && e <= P10_MAX) {
    pthread_once(&p10_once, p10_init);
    return p10_tab[(int)e - P10_MIN];
  }
  return pow(10, e);
}

/* pow(1000, k), k = 0..6 */
static double p1000(int k) {
  pthread_once(&p10_once, p10_init);
  return p1000_tab[k];
}

static int decimals_for(double step) {
  if (!(step > 0)) return 0;
  int d = (int)ceil(-log10(step) - 1e-9);
  if (d < 0) d = 0;
  if (d > 9) d = 9;
  /* a step like 2.5 needs one more digit than log10 says */
  double scaled = step * p10(d);
  if (fabs(scaled - round(scaled)) > 1e-6 && d < 9) d++;
  return d;
}

#define THIN_SPACE "\xE2\x80\x89"    /* U+2009 between a number and its SI prefix */

/* snprintf(out, n, "%.*f%s", d, v, suffix), without printf's cost for the
** usual magnitudes (hover texts format thousands of numbers per chart);
** ties round away from zero. */
static void fmt_fixed(char *out, size_t n, double v, int d, const char *suffix) {
  static const double f10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  size_t sl = strlen(suffix);
  double sc = d >= 0 && d <= 9 ? v * f10[d] : INFINITY;
  if (!(fabs(sc) < 1e15) || n < 40 + sl) {
    snprintf(out, n, "%.*f%s", d, v, suffix);
    return;
  }
  long long q = llround(sc);
  unsigned long long u = q < 0 ? (unsigned long long)(-q) : (unsigned long long)q;
  char tmp[32];
  int k = 0;
  do {
    tmp[k++] = (char)('0' + u % 10);
    u /= 10;
  } while (u || k <= d);
  size_t o = 0;
  if (q < 0) out[o++] = '-';
  for (int i = k - 1; i >= 0; i--) {
    out[o++] = tmp[i];
    if (i == d && d > 0) out[o++] = '.';
  }
  memcpy(out + o, suffix, sl + 1);
}

/* "0" into out (n >= 1) */
static void put_zero(char *out, size_t n) {
  if (n > 1) out[0] = '0', out[1] = 0;
  else if (n) out[0] = 0;
}

/* chart_fmt_number with lg = log10(amax) already computed (amax >= 1e4). */
static void fmt_big(double v, double step, double lg, char *out, size_t n) {
  static const char *big[] = {"", "k", "M", "G", "T", "P", "E"};
  int k = (int)floor(lg / 3 + 1e-12);
  if (k > 6) k = 6;
  double div = p1000(k);
  char suf[16] = THIN_SPACE;
  memcpy(suf + 3, big[k], strlen(big[k]) + 1);
  if (v == 0) put_zero(out, n);
  else fmt_fixed(out, n, v / div, decimals_for(step / div), suf);
}

void chart_fmt_number(double v, double step, double amax, char *out, size_t n) {
  if (!isfinite(v)) {
    snprintf(out, n, "%g", v);
    return;
  }
  if (fabs(v) < step * 1e-9) v = 0;
  if (amax >= 1e4) {
    fmt_big(v, step, log10(amax), out, n);
    return;
  }
  if (amax > 0 && amax < 1e-3) {
    if (v == 0) {
      put_zero(out, n);
      return;
    }
    static const char *small[] = {"m", "\xC2\xB5", "n", "p"};
    int k = (int)ceil(-log10(amax) / 3);     /* 1 = milli, 2 = micro ... */
    if (k > 4) k = 4;
    double mul = p1000(k);
    char suf[16] = THIN_SPACE;
    memcpy(suf + 3, small[k - 1], strlen(small[k - 1]) + 1);
    fmt_fixed(out, n, v * mul, decimals_for(step * mul), suf);
    return;
  }
  fmt_fixed(out, n, v, decimals_for(step), "");
}

void chart_fmt_value(double v, char *out, size_t n) { chart_fmt_sig(v, 4, out, n); }

void chart_fmt_sig(double v, int sig, char *out, size_t n) {
  double av = fabs(v), step = 1, lg = 0;
  /* sig significant digits; whole numbers below 10,000 as they are */
  if (av > 0 && (v != floor(v) || av >= 1e4)) {
    lg = log10(av);
    step = p10(floor(lg) - (sig - 1));
  }
  if (step > 1 && av < 1e4) step = 1;
  if (isfinite(v) && av >= 1e4) {     /* = chart_fmt_number(v, step, av), log10(av) known */
    if (fabs(v) < step * 1e-9) v = 0;
    fmt_big(v, step, lg, out, n);
  } else {
    chart_fmt_number(v, step, av, out, n);
  }
  /* "0.500" -> "0.5", "2.50 M" -> "2.5 M", "3.00" -> "3" */
  char *dot = strchr(out, '.');
  if (!dot) return;
  char *end = dot + 1;
  while (*end >= '0' && *end <= '9') end++;
  char *last = end;
  while (last > dot + 1 && last[-1] == '0') last--;
  if (last == dot + 1) last = dot;
  memmove(last, end, strlen(end) + 1);
}

/* ---- time ticks ---------------------------------------------------------- */

enum { U_SUBSEC, U_SEC, U_MIN, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_YEAR };
static const struct { int unit; double count; double approx; } time_steps[] = {
  {U_SUBSEC, 0.001, 0.001}, {U_SUBSEC, 0.002, 0.002}, {U_SUBSEC, 0.005, 0.005},
  {U_SUBSEC, 0.01, 0.01}, {U_SUBSEC, 0.02, 0.02}, {U_SUBSEC, 0.05, 0.05},
  {U_SUBSEC, 0.1, 0.1}, {U_SUBSEC, 0.2, 0.2}, {U_SUBSEC, 0.5, 0.5},
  {U_SEC, 1, 1}, {U_SEC, 2, 2}, {U_SEC, 5, 5}, {U_SEC, 10, 10}, {U_SEC, 15, 15}, {U_SEC, 30, 30},
  {U_MIN, 1, 60}, {U_MIN, 2, 120}, {U_MIN, 5, 300}, {U_MIN, 10, 600}, {U_MIN, 15, 900},
  {U_MIN, 30, 1800}, {U_HOUR, 1, 3600}, {U_HOUR, 2, 7200}, {U_HOUR, 3, 10800},
  {U_HOUR, 6, 21600}, {U_HOUR, 12, 43200}, {U_DAY, 1, 86400}, {U_DAY, 2, 172800},
  {U_WEEK, 1, 604800}, {U_WEEK, 2, 1209600}, {U_MONTH, 1, 2629746}, {U_MONTH, 2, 5259492},
  {U_MONTH, 3, 7889238}, {U_MONTH, 6, 15778476}, {U_YEAR, 1, 31556952}, {U_YEAR, 2, 63113904},
  {U_YEAR, 5, 157784760}, {U_YEAR, 10, 315569520}, {U_YEAR, 20, 631139040},
  {U_YEAR, 50, 1577847600}, {U_YEAR, 100, 3155695200.0},
};
#define N_TIME_STEPS ((int)(sizeof(time_steps) / sizeof(time_steps[0])))

/* Times beyond +/- 1e11 s (year ~5000) are clamped: callers check
** chart_time_ok() first; this only keeps the conversion defined. */
static void utc(double t, struct tm *tm) {
  if (!(t > -1e11)) t = -1e11;
  if (!(t < 1e11)) t = 1e11;
  time_t s = (time_t)floor(t);
  if (!gmtime_r(&s, tm)) memset(tm, 0, sizeof *tm);
}

int chart_time_ok(double lo, double hi) { return lo > -1e11 && hi < 1e11 && hi >= lo; }

void chart_fmt_time(double t, int si, char *out, size_t n) {
  struct tm tm;
  utc(t, &tm);
  int unit = time_steps[si].unit;
  switch (unit) {
    case U_YEAR: strftime(out, n, "%Y", &tm); break;
    case U_MONTH: strftime(out, n, "%Y-%m", &tm); break;
    case U_DAY: case U_WEEK: strftime(out, n, "%Y-%m-%d", &tm); break;
    case U_HOUR: case U_MIN: strftime(out, n, "%m-%d %H:%M", &tm); break;
    case U_SEC: strftime(out, n, "%H:%M:%S", &tm); break;
    default: {
      char hms[32];
      strftime(hms, sizeof hms, "%H:%M:%S", &tm);
      int ms = (int)lround((t - floor(t)) * 1000);
      if (ms >= 1000) ms = 999;
      snprintf(out, n, "%s.%03d", hms, ms);
    }
  }
}

/* First tick >= lo for step si, aligned on the calendar. */
static double time_first(double lo, int si) {
  int unit = time_steps[si].unit;
  double cnt = time_steps[si].count;
  if (unit <= U_DAY) {
    double s = unit == U_SUBSEC || unit == U_SEC ? cnt
               : unit == U_MIN                   ? cnt * 60
               : unit == U_HOUR                  ? cnt * 3600
                                                 : cnt * 86400;
    return ceil(lo / s - 1e-9) * s;
  }
  struct tm tm;
  utc(lo, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  if (unit == U_WEEK) {
    int back = (tm.tm_wday + 6) % 7;        /* days since Monday */
    tm.tm_mday -= back;
  } else if (unit == U_MONTH) {
    tm.tm_mday = 1;
    tm.tm_mon -= tm.tm_mon % (int)cnt;
  } else {
    tm.tm_mday = 1;
    tm.tm_mon = 0;
    int y = tm.tm_year + 1900;
    y -= ((y % (int)cnt) + (int)cnt) % (int)cnt;
    tm.tm_year = y - 1900;
  }
  double t = (double)timegm(&tm);
  for (int guard = 0; t < lo - 1e-6 && guard < 1000; guard++) {
    struct tm a;
    utc(t, &a);
    if (unit == U_WEEK) a.tm_mday += 7 * (int)cnt;
    else if (unit == U_MONTH) a.tm_mon += (int)cnt;
    else a.tm_year += (int)cnt;
    t = (double)timegm(&a);
  }
  return t;
}

static double time_next(double t, int si) {
  int unit = time_steps[si].unit;
  double cnt = time_steps[si].count;
  if (unit <= U_DAY) return t + time_steps[si].approx;
  struct tm a;
  utc(t, &a);
  if (unit == U_WEEK) a.tm_mday += 7 * (int)cnt;
  else if (unit == U_MONTH) a.tm_mon += (int)cnt;
  else a.tm_year += (int)cnt;
  return (double)timegm(&a);
}

int chart_time_ticks(double lo, double hi, int max_ticks, double *ticks, char (*labels)[40], int max) {
  if (max_ticks < 2) max_ticks = 2;
  if (max_ticks > max) max_ticks = max;
  int si = 0;
  for (; si < N_TIME_STEPS - 1; si++) {
    if (floor((hi - lo) / time_steps[si].approx) + 1 <= max_ticks) break;
  }
  int n = 0;
  if (!chart_time_ok(lo, hi)) return 0;
  for (double t = time_first(lo, si); t <= hi + 1e-6 && n < max; t = time_next(t, si)) {
    ticks[n] = t;
    chart_fmt_time(t, si, labels[n], 40);
    n++;
  }
  /* Hours and minutes: the date only on the first tick and where the day
  ** changes ("03-25 22:00", "23:00", "03-26 00:00", "01:00"). */
  if (time_steps[si].unit == U_HOUR || time_steps[si].unit == U_MIN) {
    int prev_yday = -1;
    for (int i = 0; i < n; i++) {
      struct tm tm;
      utc(ticks[i], &tm);
      if (tm.tm_yday == prev_yday) strftime(labels[i], 40, "%H:%M", &tm);
      prev_yday = tm.tm_yday;
    }
  }
  return n;
}
