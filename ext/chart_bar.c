/*
** chart_bar.c — chart_bar(category, value, series [, options]) and
** chart_bar(category, value, series, error, options): grouped bars.
**
**  1. category: any value shown as text; categories and series keep the
**     order in which they first appear (ORDER BY the query to choose it).
**  2. value: a number (numeric text accepted); NULL/NaN rows are skipped;
**     other text is an error naming the row. One value per (category,
**     series): a second one is an error naming its row (raised when the
**     chart is drawn, after one sort).
**  3. error (5-argument form): NULL = none; a number e = a +/- e error bar;
**     JSON text '[lo, hi]' = absolute bounds (read with json_extract).
**  4. The y axis always includes 0 (bars start at 0) unless log_y, where
**     bars start at the bottom of the axis. Values are printed above the
**     bars when the bars are wide enough (options.bar_labels, default true).
**  5. Limits: 256 series, 4096 categories, 16384 bars. Memory O(bars);
**     time O(rows + bars log bars).
*/
#include "chart.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAR_MAX_SERIES 256
#define BAR_MAX_CATS 4096

typedef struct BarCell { int cat, s; double v, lo, hi; int has_err; sqlite3_int64 row; } BarCell;

typedef struct BarAcc {
  ChartHead h;                   /* options, row count, error state */
  LabelSet cats, series;
  BarCell *cells; sqlite3_int64 n_cells, cap_cells;
  sqlite3_stmt *json;            /* json_extract of '[lo, hi]' errors */
} BarAcc;

static void bar_error(sqlite3_context *ctx, BarAcc *a, char *msg) { chart_step_error(ctx, &a->h, msg); }

void chart_bar_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const char *fname = "chart_bar";
  BarAcc *a = chart_step_head(ctx, sizeof(BarAcc), CHART_BAR, fname, argc >= 4 ? argv[argc - 1] : 0);
  if (!a) return;
  double v;
  if (chart_step_number(ctx, &a->h, argv[1], "value", &v) <= 0) return;
  if (a->h.o.log_y && v <= 0) return;
  const char *cs = (const char *)sqlite3_value_text(argv[0]);
  const char *ss = (const char *)sqlite3_value_text(argv[2]);
  int ci = label_index(&a->cats, cs, BAR_MAX_CATS);
  int si = ci < 0 ? ci : label_index(&a->series, ss, BAR_MAX_SERIES);
  if (ci < 0 || si < 0) {
    bar_error(ctx, a, ci == -2 || si == -2
                          ? sqlite3_mprintf("%s: row %lld: more than %d %s", fname, a->h.row,
                                            ci == -2 ? BAR_MAX_CATS : BAR_MAX_SERIES,
                                            ci == -2 ? "categories" : "series")
                          : 0);
    return;
  }
  BarCell cell = {ci, si, v, v, v, 0, a->h.row};
  if (argc == 5 && sqlite3_value_type(argv[3]) != SQLITE_NULL) {
    sqlite3_value *e = argv[3];
    int et = sqlite3_value_type(e);
    if (et == SQLITE_INTEGER || et == SQLITE_FLOAT) {
      double d = fabs(sqlite3_value_double(e));
      cell.lo = v - d;
      cell.hi = v + d;
      if (a->h.o.log_y && cell.lo <= 0) cell.lo = v / 10;   /* a log axis cannot show <= 0 */
      cell.has_err = isfinite(cell.lo) && isfinite(cell.hi);
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
        cell.has_err = isfinite(cell.lo) && isfinite(cell.hi);
        if (a->h.o.log_y && (cell.lo <= 0 || cell.hi <= 0)) cell.has_err = 0;
      }
      sqlite3_reset(a->json);
      if (!ok) {
        bar_error(ctx, a, sqlite3_mprintf("%s: row %lld: error must be a number or a JSON array "
                                          "[lo, hi]", fname, a->h.row));
        return;
      }
    }
  }
  /* (a second value for the same category and series is found after sorting,
  ** in bar_render: one pass instead of a scan per row) */
  if (a->n_cells >= BAR_MAX_CATS * 4) {
    bar_error(ctx, a, sqlite3_mprintf("%s: row %lld: more than %d bars", fname, a->h.row,
                                      BAR_MAX_CATS * 4));
    return;
  }
  chart_push(ctx, &a->h, (void **)&a->cells, &a->cap_cells, &a->n_cells, &cell, sizeof cell, 64);
}

static int cmp_cell(const void *pa, const void *pb) {
  const BarCell *a = pa, *b = pb;
  if (a->cat != b->cat) return a->cat < b->cat ? -1 : 1;
  return a->s < b->s ? -1 : a->s > b->s;
}

static void *bar_render(void *acc, int *size, char **pzErr) {
  BarAcc *a = acc;
  const char *fname = "chart_bar";
  ChartOptions *o = &a->h.o;
  if (a->n_cells == 0) return chart_render_empty(o, fname, size, pzErr);
  double lo = o->log_y ? INFINITY : 0, hi = o->log_y ? -INFINITY : 0;
  for (int i = 0; i < a->n_cells; i++) {
    BarCell *c = &a->cells[i];
    lo = fmin(lo, fmin(c->v, c->has_err ? c->lo : c->v));
    hi = fmax(hi, fmax(c->v, c->has_err ? c->hi : c->v));
  }
  if (o->log_y && lo <= 0) lo = hi / 1000;
  /* room above the tallest bar for its value label */
  if (o->bar_labels && !o->has_y_max && !o->log_y && hi > 0) hi += (hi - lo) * 0.06;
  if (o->bar_labels && !o->has_y_max && o->log_y) hi *= 1.5;
  if (o->has_y_min) lo = o->y_min;
  if (o->has_y_max) hi = o->y_max;
  if (!(hi > lo)) hi = lo + 1;
  Canvas cv;
  if (canvas_open(&cv, o->width, o->height, fname, pzErr) != 0) return 0;
  Frame f;
  memset(&f, 0, sizeof f);
  f.c = &cv;
  f.o = o;
  f.x_cats = (const char **)a->cats.names;
  f.n_x_cats = a->cats.n;
  f.y.lo = lo;
  f.y.hi = hi;
  f.y.log = o->log_y;
  f.y.integer = o->y_integer;
  f.y.nice = 1;
  f.y.fix_lo = o->has_y_min || (!o->log_y && lo == 0);
  f.y.fix_hi = o->has_y_max || (!o->log_y && hi == 0);
  LegendEntry legend[BAR_MAX_SERIES];
  int colors[BAR_MAX_SERIES], named = 0;
  for (int s = 0; s < a->series.n; s++) {
    colors[s] = chart_palette(o, s);
    for (int k = 0; k < o->n_series; k++)
      if (strcmp(o->series[k].name, a->series.names[s]) == 0 && o->series[k].color >= 0)
        colors[s] = o->series[k].color;
    legend[s] = (LegendEntry){a->series.names[s], colors[s], -1, 0};
    if (a->series.names[s][0]) named = 1;
  }
  if (o->legend && (a->series.n > 1 || named)) {
    f.legend = legend;
    f.n_legend = a->series.n;
  }
  frame_layout(&f);
  frame_draw(&f);
  frame_marks_names(&f, 0);
  /* Each category shows only the series it has, in series order, centred:
  ** dense data keeps one position per series, sparse data has no holes. */
  int *rank = sqlite3_malloc64(sizeof(int) * (a->n_cells + 1));
  int *count = sqlite3_malloc64(sizeof(int) * (a->cats.n + 1));
  if (!rank || !count) {
    sqlite3_free(rank);
    sqlite3_free(count);
    canvas_close(&cv);
    *pzErr = sqlite3_mprintf("%s: out of memory", fname);
    return 0;
  }
  memset(count, 0, sizeof(int) * a->cats.n);
  int per_cat = 1;
  /* rank of a cell = how many cells of its category have a lower series
  ** index: sort (category, series) once, O(n log n) */
  qsort(a->cells, (size_t)a->n_cells, sizeof(BarCell), cmp_cell);
  for (int i = 1; i < a->n_cells; i++) {
    BarCell *p = &a->cells[i - 1], *c = &a->cells[i];
    if (p->cat == c->cat && p->s == c->s) {
      *pzErr = sqlite3_mprintf("%s: row %lld: second value for category '%s' series '%s'", fname,
                               p->row > c->row ? p->row : c->row, a->cats.names[c->cat], a->series.names[c->s]);
      sqlite3_free(rank);
      sqlite3_free(count);
      canvas_close(&cv);
      return 0;
    }
  }
  for (int i = 0; i < a->n_cells; i++) {
    rank[i] = count[a->cells[i].cat]++;
    if (count[a->cells[i].cat] > per_cat) per_cat = count[a->cells[i].cat];
  }
  double slot = (double)(f.px1 - f.px0) / a->cats.n;
  double group = slot * 0.8, bw = group / per_cat;
  if (bw > slot * 0.45 && per_cat == 1) bw = slot * 0.45;   /* no fat lone bars */
  double base = f.y.log ? f.py1 : frame_ypix(&f, 0);
  if (base > f.py1) base = f.py1;
  if (base < f.py0) base = f.py0;
  int lw, lh;
  text_size(&cv, 8, 0, "0", &lw, &lh);
  /* value labels on every bar or on none (a chart with some labelled bars
  ** reads as if the others were missing): all must fit their room */
  double room = per_cat == 1 ? slot - 6 : bw - 2;   /* a lone bar may use its whole slot */
  int labels = o->bar_labels && a->n_cells <= 80;
  for (int i = 0; labels && i < a->n_cells; i++) {
    char buf[48];
    int tw, th;
    chart_fmt_value(a->cells[i].v, buf, sizeof buf);
    text_size(&cv, 8, 0, buf, &tw, &th);
    if (tw + 2 > room) labels = 0;
  }
  for (int i = 0; i < a->n_cells; i++) {
    BarCell *c = &a->cells[i];
    double x0 = f.px0 + c->cat * slot + (slot - count[c->cat] * bw) / 2 + rank[i] * bw;
    int ix0 = (int)lround(x0), ix1 = (int)lround(x0 + bw) - (bw >= 4 ? 1 : 0);
    if (ix1 <= ix0) ix1 = ix0 + 1;
    double yv = frame_ypix(&f, c->v);
    if (yv < f.py0) yv = f.py0;
    if (yv > f.py1) yv = f.py1;
    int ya = clamp_px(fmin(yv, base), f.py0, f.py1), yb = clamp_px(fmax(yv, base), f.py0, f.py1);
    if (yb == ya) yb = ya + 1;
    fill_rect(&cv, ix0, ya, ix1, yb, colors[c->s]);
    if (cv.marks.on) {
      char ys[256], v[96];
      frame_fmt_y(&f, c->v, v, sizeof v);
      if (c->has_err) {
        char lo[48], hi[48];
        chart_fmt_sig(c->lo, 6, lo, sizeof lo);
        chart_fmt_sig(c->hi, 6, hi, sizeof hi);
        snprintf(ys, sizeof ys, "%s [%s, %s]", v, lo, hi);
      } else {
        snprintf(ys, sizeof ys, "%s", v);
      }
      /* a bar too short to point at gets a box of 6 px */
      int ma = yb - ya < 6 ? (c->v >= 0 || f.y.log ? yb - 6 : ya) : ya;
      canvas_mark(&cv, ix0, ma, ix1 > ix0 + 2 ? ix1 : ix0 + 3, ma + (yb - ya < 6 ? 6 : yb - ya),
                  a->series.names[c->s], chart_cat_name(a->cats.names[c->cat]), ys);
    }
    int label_top = ya;
    if (c->has_err) {
      double ylo = frame_ypix(&f, c->lo), yhi = frame_ypix(&f, c->hi);
      int xm = (ix0 + ix1) / 2, cap = (ix1 - ix0) / 8 + 2;
      if (cap > 10) cap = 10;
      int a0 = clamp_px(fmin(yhi, ylo), f.py0, f.py1), a1 = clamp_px(fmax(yhi, ylo), f.py0, f.py1);
      fill_rect(&cv, xm, a0, xm + 1, a1 + 1, 0x222222);
      fill_rect(&cv, xm - cap, a0, xm + cap + 1, a0 + 1, 0x222222);
      fill_rect(&cv, xm - cap, a1, xm + cap + 1, a1 + 1, 0x222222);
      if (a0 < label_top) label_top = a0;
    }
    if (labels) {
      char buf[48];
      chart_fmt_value(c->v, buf, sizeof buf);
      int tw, th;
      text_size(&cv, 8, 0, buf, &tw, &th);
      if (label_top - th - 2 >= f.py0 - 2) {
        if (c->v >= 0 || f.y.log)
          text_draw(&cv, 8, 0, 0x333333, 0, (ix0 + ix1) / 2, label_top - 2, TA_CENTER | TV_BOTTOM, buf);
        else
          text_draw(&cv, 8, 0, 0x333333, 0, (ix0 + ix1) / 2, yb + 2, TA_CENTER | TV_TOP, buf);
      }
    }
  }
  sqlite3_free(rank);
  sqlite3_free(count);
  frame_finish(&f);
  /* the zero line over the bars */
  if (!f.y.log && base > f.py0 && base < f.py1) fill_rect(&cv, f.px0, (int)base, f.px1, (int)base + 1, 0x444444);
  return canvas_finish_png(&cv, fname, size, pzErr);
}

static void bar_free(void *acc) {
  BarAcc *a = acc;
  label_set_free(&a->cats);
  label_set_free(&a->series);
  sqlite3_free(a->cells);
  a->cells = 0;
  sqlite3_finalize(a->json);
  a->json = 0;
}

void chart_bar_final(sqlite3_context *ctx) { chart_final(ctx, CHART_BAR, "chart_bar", bar_render, bar_free); }
