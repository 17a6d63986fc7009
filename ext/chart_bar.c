/*
** chart_bar.c — chart_bar(category, value, series [, options]) and
** chart_bar(category, value, series, error, options): grouped bars.
**
**  1. category: any value shown as text; categories and series keep the
**     order in which they first appear (ORDER BY the query to choose it).
**  2. value: a number (numeric text accepted); NULL/NaN rows are skipped;
**     other text is an error naming the row. One value per (category,
**     series): a second one is an error naming the row.
**  3. error (5-argument form): NULL = none; a number e = a +/- e error bar;
**     JSON text '[lo, hi]' = absolute bounds (read with json_extract).
**  4. The y axis always includes 0 (bars start at 0) unless log_y, where
**     bars start at the bottom of the axis. Values are printed above the
**     bars when the bars are wide enough (options.bar_labels, default true).
**  5. Limits: 256 series, 4096 categories. Memory O(categories x series).
*/
#include "chart.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BAR_MAX_SERIES 256
#define BAR_MAX_CATS 4096

typedef struct BarCell { int cat, s; double v, lo, hi; int has_err; } BarCell;

typedef struct BarAcc {
  int init, failed;
  ChartOptions o;
  sqlite3_int64 row;
  char **cats; int n_cats, cap_cats;
  char *series[BAR_MAX_SERIES]; int n_series;
  BarCell *cells; int n_cells, cap_cells;
  sqlite3_stmt *json;            /* json_extract of '[lo, hi]' errors */
} BarAcc;

static void bar_error(sqlite3_context *ctx, BarAcc *a, char *msg) {
  a->failed = 1;
  sqlite3_result_error(ctx, msg ? msg : "out of memory", -1);
  sqlite3_free(msg);
}

static int find_or_add(char ***arr, int *n, int *cap, int max, const char *s) {
  for (int i = *n - 1; i >= 0; i--)
    if (strcmp((*arr)[i], s) == 0) return i;
  if (*n >= max) return -2;
  if (*n == *cap) {
    int nc = *cap ? *cap * 2 : 16;
    char **na = sqlite3_realloc64(*arr, sizeof(char *) * nc);
    if (!na) return -1;
    *arr = na;
    *cap = nc;
  }
  (*arr)[*n] = sqlite3_mprintf("%s", s);
  if (!(*arr)[*n]) return -1;
  return (*n)++;
}

void chart_bar_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const char *fname = "chart_bar";
  BarAcc *a = sqlite3_aggregate_context(ctx, sizeof(BarAcc));
  if (!a) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (a->failed) return;
  a->row++;
  if (!a->init) {
    a->init = 1;
    char *err = 0;
    const char *json = argc >= 4 ? (const char *)sqlite3_value_text(argv[argc - 1]) : 0;
    if (chart_options_parse(sqlite3_context_db_handle(ctx), json, fname, CHART_BAR, &a->o, &err)) {
      bar_error(ctx, a, err);
      return;
    }
  }
  if (sqlite3_value_type(argv[1]) == SQLITE_NULL) return;
  if (sqlite3_value_type(argv[1]) == SQLITE_TEXT) {
    const char *t = (const char *)sqlite3_value_text(argv[1]);
    if (t && strcasecmp(t, "nan") == 0) return;
    int nt = sqlite3_value_numeric_type(argv[1]);
    if (nt != SQLITE_INTEGER && nt != SQLITE_FLOAT) {
      bar_error(ctx, a, sqlite3_mprintf("%s: row %lld: value '%s' is not a number", fname, a->row, t));
      return;
    }
  } else if (sqlite3_value_type(argv[1]) == SQLITE_BLOB) {
    bar_error(ctx, a, sqlite3_mprintf("%s: row %lld: value is a blob", fname, a->row));
    return;
  }
  double v = sqlite3_value_double(argv[1]);
  if (!isfinite(v)) return;
  if (a->o.log_y && v <= 0) return;
  const char *cs = (const char *)sqlite3_value_text(argv[0]);
  const char *ss = (const char *)sqlite3_value_text(argv[2]);
  int ci = find_or_add(&a->cats, &a->n_cats, &a->cap_cats, BAR_MAX_CATS, cs ? cs : "");
  char **sp = a->series;
  int scap = BAR_MAX_SERIES;
  int si = ci < 0 ? ci : find_or_add(&sp, &a->n_series, &scap, BAR_MAX_SERIES, ss ? ss : "");
  if (ci < 0 || si < 0) {
    bar_error(ctx, a, ci == -2 || si == -2
                          ? sqlite3_mprintf("%s: row %lld: more than %d %s", fname, a->row,
                                            ci == -2 ? BAR_MAX_CATS : BAR_MAX_SERIES,
                                            ci == -2 ? "categories" : "series")
                          : 0);
    return;
  }
  BarCell cell = {ci, si, v, v, v, 0};
  if (argc == 5 && sqlite3_value_type(argv[3]) != SQLITE_NULL) {
    sqlite3_value *e = argv[3];
    int et = sqlite3_value_type(e);
    if (et == SQLITE_INTEGER || et == SQLITE_FLOAT) {
      double d = fabs(sqlite3_value_double(e));
      cell.lo = v - d;
      cell.hi = v + d;
      cell.has_err = isfinite(d);
    } else {
      if (!a->json && sqlite3_prepare_v2(sqlite3_context_db_handle(ctx),
                                         "SELECT json_extract(?1,'$[0]'), json_extract(?1,'$[1]'), "
                                         "json_array_length(?1)", -1, &a->json, 0) != SQLITE_OK) {
        bar_error(ctx, a, sqlite3_mprintf("%s: %s", fname, sqlite3_errmsg(sqlite3_context_db_handle(ctx))));
        return;
      }
      sqlite3_reset(a->json);
      sqlite3_bind_value(a->json, 1, e);
      int ok = sqlite3_step(a->json) == SQLITE_ROW && sqlite3_column_int(a->json, 2) == 2 &&
               sqlite3_column_type(a->json, 0) != SQLITE_NULL &&
               sqlite3_column_type(a->json, 1) != SQLITE_NULL &&
               sqlite3_column_type(a->json, 0) != SQLITE_TEXT &&
               sqlite3_column_type(a->json, 1) != SQLITE_TEXT;
      if (ok) {
        cell.lo = sqlite3_column_double(a->json, 0);
        cell.hi = sqlite3_column_double(a->json, 1);
        cell.has_err = 1;
      }
      sqlite3_reset(a->json);
      if (!ok) {
        bar_error(ctx, a, sqlite3_mprintf("%s: row %lld: error must be a number or a JSON array "
                                          "[lo, hi]", fname, a->row));
        return;
      }
    }
  }
  for (int i = 0; i < a->n_cells; i++) {
    if (a->cells[i].cat == ci && a->cells[i].s == si) {
      bar_error(ctx, a, sqlite3_mprintf("%s: row %lld: second value for category '%s' series '%s'",
                                        fname, a->row, a->cats[ci], a->series[si]));
      return;
    }
  }
  if (a->n_cells == a->cap_cells) {
    int nc = a->cap_cells ? a->cap_cells * 2 : 64;
    BarCell *nb = sqlite3_realloc64(a->cells, sizeof(BarCell) * nc);
    if (!nb) {
      bar_error(ctx, a, 0);
      return;
    }
    a->cells = nb;
    a->cap_cells = nc;
  }
  a->cells[a->n_cells++] = cell;
}

static void *bar_render(BarAcc *a, int *size, char **pzErr) {
  const char *fname = "chart_bar";
  ChartOptions *o = &a->o;
  if (a->n_cells == 0) return chart_render_empty(o, fname, size, pzErr);
  double lo = o->log_y ? INFINITY : 0, hi = o->log_y ? -INFINITY : 0;
  for (int i = 0; i < a->n_cells; i++) {
    BarCell *c = &a->cells[i];
    lo = fmin(lo, fmin(c->v, c->has_err ? c->lo : c->v));
    hi = fmax(hi, fmax(c->v, c->has_err ? c->hi : c->v));
  }
  if (o->log_y && lo <= 0) lo = hi / 1000;
  if (o->has_y_min) lo = o->y_min;
  if (o->has_y_max) hi = o->y_max;
  if (!(hi > lo)) hi = lo + 1;
  Canvas cv;
  if (canvas_open(&cv, o->width, o->height, fname, pzErr) != 0) return 0;
  Frame f;
  memset(&f, 0, sizeof f);
  f.c = &cv;
  f.o = o;
  f.x_cats = (const char **)a->cats;
  f.n_x_cats = a->n_cats;
  f.y.lo = lo;
  f.y.hi = hi;
  f.y.log = o->log_y;
  f.y.nice = 1;
  f.y.fix_lo = o->has_y_min || (!o->log_y && lo == 0);
  f.y.fix_hi = o->has_y_max || (!o->log_y && hi == 0);
  LegendEntry legend[BAR_MAX_SERIES];
  int colors[BAR_MAX_SERIES], named = 0;
  for (int s = 0; s < a->n_series; s++) {
    colors[s] = chart_palette(o, s);
    for (int k = 0; k < o->n_series; k++)
      if (strcmp(o->series[k].name, a->series[s]) == 0 && o->series[k].color >= 0)
        colors[s] = o->series[k].color;
    legend[s] = (LegendEntry){a->series[s], colors[s], -1, 0};
    if (a->series[s][0]) named = 1;
  }
  if (o->legend && (a->n_series > 1 || named)) {
    f.legend = legend;
    f.n_legend = a->n_series;
  }
  frame_layout(&f);
  frame_draw(&f);
  double slot = (double)(f.px1 - f.px0) / a->n_cats;
  double group = slot * 0.8, bw = group / a->n_series;
  double base = f.y.log ? f.py1 : frame_ypix(&f, 0);
  if (base > f.py1) base = f.py1;
  if (base < f.py0) base = f.py0;
  int lw, lh;
  text_size(&cv, 8, 0, "0", &lw, &lh);
  for (int i = 0; i < a->n_cells; i++) {
    BarCell *c = &a->cells[i];
    double x0 = f.px0 + c->cat * slot + (slot - group) / 2 + c->s * bw;
    int ix0 = (int)lround(x0), ix1 = (int)lround(x0 + bw) - (bw >= 4 ? 1 : 0);
    if (ix1 <= ix0) ix1 = ix0 + 1;
    double yv = frame_ypix(&f, c->v);
    if (yv < f.py0) yv = f.py0;
    if (yv > f.py1) yv = f.py1;
    int ya = (int)lround(fmin(yv, base)), yb = (int)lround(fmax(yv, base));
    if (yb == ya) yb = ya + 1;
    fill_rect(&cv, ix0, ya, ix1, yb, colors[c->s]);
    int label_top = ya;
    if (c->has_err) {
      double ylo = frame_ypix(&f, c->lo), yhi = frame_ypix(&f, c->hi);
      int xm = (ix0 + ix1) / 2, cap = (ix1 - ix0) / 8 + 2;
      if (cap > 10) cap = 10;
      int a0 = (int)lround(fmax(fmin(yhi, ylo), f.py0)), a1 = (int)lround(fmin(fmax(yhi, ylo), f.py1));
      fill_rect(&cv, xm, a0, xm + 1, a1 + 1, 0x222222);
      fill_rect(&cv, xm - cap, a0, xm + cap + 1, a0 + 1, 0x222222);
      fill_rect(&cv, xm - cap, a1, xm + cap + 1, a1 + 1, 0x222222);
      if (a0 < label_top) label_top = a0;
    }
    if (o->bar_labels) {
      char buf[48];
      /* integers as they are, others with 3 significant digits */
      double av = fabs(c->v), step = 1;
      if (c->v != floor(c->v) && av > 0) step = pow(10, floor(log10(av)) - 2);
      if (step > 1) step = 1;
      chart_fmt_number(c->v, step, fmax(fabs(f.y.lo), fabs(f.y.hi)), buf, sizeof buf);
      int tw, th;
      text_size(&cv, 8, 0, buf, &tw, &th);
      if (tw + 2 <= ix1 - ix0 + 4 && label_top - th - 2 >= f.py0 - 2) {
        if (c->v >= 0 || f.y.log)
          text_draw(&cv, 8, 0, 0x333333, 0, (ix0 + ix1) / 2, label_top - 2, TA_CENTER | TV_BOTTOM, buf);
        else
          text_draw(&cv, 8, 0, 0x333333, 0, (ix0 + ix1) / 2, yb + 2, TA_CENTER | TV_TOP, buf);
      }
    }
  }
  frame_finish(&f);
  /* the zero line over the bars */
  if (!f.y.log && base > f.py0 && base < f.py1) fill_rect(&cv, f.px0, (int)base, f.px1, (int)base + 1, 0x444444);
  void *png = canvas_png(&cv, size);
  canvas_close(&cv);
  if (!png) *pzErr = sqlite3_mprintf("%s: PNG encoding failed", fname);
  return png;
}

void chart_bar_final(sqlite3_context *ctx) {
  BarAcc *a = sqlite3_aggregate_context(ctx, 0);
  char *err = 0;
  int size = 0;
  void *png = 0;
  if (!a || !a->init) {
    ChartOptions d;
    chart_options_parse(0, 0, "chart_bar", CHART_BAR, &d, &err);
    png = chart_render_empty(&d, "chart_bar", &size, &err);
    chart_options_free(&d);
  } else if (!a->failed) {
    png = bar_render(a, &size, &err);
  }
  if (png) chart_result_png(ctx, png, size);
  else if (err) sqlite3_result_error(ctx, err, -1);
  else if (!a || !a->failed) sqlite3_result_error_nomem(ctx);
  sqlite3_free(err);
  if (a) {
    chart_options_free(&a->o);
    for (int i = 0; i < a->n_cats; i++) sqlite3_free(a->cats[i]);
    sqlite3_free(a->cats);
    for (int i = 0; i < a->n_series; i++) sqlite3_free(a->series[i]);
    sqlite3_free(a->cells);
    sqlite3_finalize(a->json);
    memset(a, 0, sizeof *a);
  }
}
