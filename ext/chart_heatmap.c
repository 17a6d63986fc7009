/*
** chart_heatmap.c — chart_heatmap(x_bin, y_label, value [, options]): a grid
** of coloured cells with a colour-scale bar.
**
**  1. x_bin: numbers (bin starts, e.g. from heatmap_bin()) on a continuous
**     axis, every cell as wide as the smallest gap between distinct bins;
**     times with options.x_type "time"/"time_ns"; text (or x_type
**     "category") = one column per distinct value in order of appearance.
**     Mixed text/number x_bin is an error naming the row.
**  2. y_label: one row per distinct value, first seen at the top.
**  3. value: a number; several rows for one cell are summed; NULL/NaN rows
**     are skipped; other text is an error naming the row.
**  4. Colour: viridis (colour-blind safe) from the smallest to the largest
**     cell (log10 with log_z, cells <= 0 then left empty): the hottest cell
**     gets exactly the scale's top colour #FDE725. Empty cells stay blank.
**     The scale has HM_STEPS steps (matplotlib's viridis has 256): the
**     cells, the colour bar and the text stay within the 256 colours of a
**     palette image, written fast and small (a true-colour PNG costs libgd
**     and libpng ~25 ms, with its adaptive row filters, for 1200x600).
**  5. Limits: 2048 rows (y labels). Memory O(rows given); sorting
**     O(n log n).
*/
#include "chart.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HM_MAX_Y 2048
#define HM_MAX_XCATS 4096
#define HM_STEPS 128

/* The colour of t in [0, 1] on the stepped scale (see 4. above). */
static int hm_color(double t) {
  if (!(t > 0)) t = 0;
  return chart_viridis(floor(fmin(t, 1) * (HM_STEPS - 1) + 0.5) / (HM_STEPS - 1));
}

typedef struct HmCell { double x; int xc, y; double v; } HmCell;

typedef struct HmAcc {
  ChartHead h;                 /* options, row count, error state */
  int x_class;                 /* 1 number, 2 text */
  LabelSet ylab, xcat;          /* row labels, x categories */
  HmCell *cells; sqlite3_int64 n, cap;
} HmAcc;

static void hm_error(sqlite3_context *ctx, HmAcc *a, char *msg) { chart_step_error(ctx, &a->h, msg); }

void chart_heatmap_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  const char *fname = "chart_heatmap";
  HmAcc *a = chart_step_head(ctx, sizeof(HmAcc), CHART_HEATMAP, fname, argc > 3 ? argv[3] : 0);
  if (!a) return;
  int tx = sqlite3_value_type(argv[0]);
  if (tx == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL) return;
  double v;
  if (chart_step_number(ctx, &a->h, argv[2], "value", &v) <= 0) return;
  int cls = tx == SQLITE_TEXT ? 2 : tx == SQLITE_BLOB ? 3 : 1;
  if (cls == 3) {
    hm_error(ctx, a, sqlite3_mprintf("%s: row %lld: x_bin is a blob", fname, a->h.row));
    return;
  }
  if (a->x_class == 0) {
    a->x_class = cls;
    if (a->h.o.x_type == XT_AUTO) a->h.o.x_type = cls == 2 ? XT_CATEGORY : XT_NUMBER;
  } else if (a->x_class != cls) {
    hm_error(ctx, a, sqlite3_mprintf("%s: row %lld: mixed x_bin types: x_bin is %s but earlier rows "
                                     "had %s", fname, a->h.row, cls == 2 ? "text" : "a number",
                                     a->x_class == 2 ? "text" : "numbers"));
    return;
  }
  HmCell c = {0, -1, 0, v};
  if (a->h.o.x_type == XT_CATEGORY) {
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    c.xc = label_index(&a->xcat, t, HM_MAX_XCATS);
    if (c.xc < 0) {
      hm_error(ctx, a, c.xc == -2 ? sqlite3_mprintf("%s: row %lld: more than %d x categories", fname,
                                                    a->h.row, HM_MAX_XCATS) : 0);
      return;
    }
    c.x = c.xc;
  } else if (cls == 2) {
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    if (a->h.o.x_type == XT_NUMBER || perfsql_parse_time(t, &c.x) != 0) {
      hm_error(ctx, a, sqlite3_mprintf("%s: row %lld: x_bin '%s' is not %s", fname, a->h.row, t,
                                       a->h.o.x_type == XT_NUMBER ? "a number" : "an ISO-8601 time"));
      return;
    }
  } else {
    c.x = sqlite3_value_double(argv[0]);
    if (a->h.o.x_type == XT_TIME_NS) c.x /= 1e9;
    if (!isfinite(c.x)) return;
  }
  const char *yl = (const char *)sqlite3_value_text(argv[1]);
  c.y = label_index(&a->ylab, yl, HM_MAX_Y);
  if (c.y < 0) {
    hm_error(ctx, a, c.y == -2 ? sqlite3_mprintf("%s: row %lld: more than %d y labels", fname, a->h.row,
                                                 HM_MAX_Y) : 0);
    return;
  }
  chart_push(ctx, &a->h, (void **)&a->cells, &a->cap, &a->n, &c, sizeof c, 1024);
}

static int cmp_cell(const void *pa, const void *pb) {
  const HmCell *a = pa, *b = pb;
  if (a->y != b->y) return a->y < b->y ? -1 : 1;
  return a->x < b->x ? -1 : a->x > b->x;
}
static int cmp_double(const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  return a < b ? -1 : a > b;
}

static void *hm_render(void *acc, int *size, char **pzErr) {
  HmAcc *a = acc;
  const char *fname = "chart_heatmap";
  ChartOptions *o = &a->h.o;
  if (a->n == 0) return chart_render_empty(o, fname, size, pzErr);
  /* merge duplicate cells (sum) */
  qsort(a->cells, (size_t)a->n, sizeof(HmCell), cmp_cell);
  sqlite3_int64 m = 0;
  for (sqlite3_int64 i = 0; i < a->n; i++) {
    if (m > 0 && a->cells[m - 1].y == a->cells[i].y && a->cells[m - 1].x == a->cells[i].x)
      a->cells[m - 1].v += a->cells[i].v;
    else
      a->cells[m++] = a->cells[i];
  }
  a->n = m;
  int cat = o->x_type == XT_CATEGORY;
  /* bin width: the smallest gap between distinct x */
  double xlo = INFINITY, xhi = -INFINITY, binw = 0;
  if (!cat) {
    double *xs = sqlite3_malloc64((sqlite3_uint64)a->n * sizeof(double));
    if (!xs) {
      *pzErr = sqlite3_mprintf("%s: out of memory", fname);
      return 0;
    }
    for (sqlite3_int64 i = 0; i < a->n; i++) xs[i] = a->cells[i].x;
    qsort(xs, (size_t)a->n, sizeof(double), cmp_double);
    binw = INFINITY;
    for (sqlite3_int64 i = 1; i < a->n; i++)
      if (xs[i] > xs[i - 1] && xs[i] - xs[i - 1] < binw) binw = xs[i] - xs[i - 1];
    if (!isfinite(binw)) binw = xs[0] != 0 ? fabs(xs[0]) * 0.1 : 1;
    xlo = xs[0];
    xhi = xs[a->n - 1] + binw;
    sqlite3_free(xs);
  }
  double vlo = INFINITY, vhi = -INFINITY;
  for (sqlite3_int64 i = 0; i < a->n; i++) {
    double v = a->cells[i].v;
    if (o->log_z && v <= 0) continue;
    double t = o->log_z ? log10(v) : v;
    if (t < vlo) vlo = t;
    if (t > vhi) vhi = t;
  }
  Canvas cv;
  if (canvas_open(&cv, o->width, o->height, fname, pzErr) != 0) return 0;
  int scale[HM_STEPS];
  for (int i = 0; i < HM_STEPS; i++) scale[i] = hm_color((double)i / (HM_STEPS - 1));
  canvas_colors(&cv, scale, HM_STEPS);
  Frame f;
  memset(&f, 0, sizeof f);
  f.c = &cv;
  f.o = o;
  /* y labels: first seen at the top; the frame counts categories from the bottom */
  const char **yrev = sqlite3_malloc64(sizeof(char *) * (a->ylab.n + 1));
  if (!yrev) {
    canvas_close(&cv);
    *pzErr = sqlite3_mprintf("%s: out of memory", fname);
    return 0;
  }
  for (int i = 0; i < a->ylab.n; i++) yrev[i] = a->ylab.names[a->ylab.n - 1 - i];
  f.y_cats = yrev;
  f.n_y_cats = a->ylab.n;
  if (cat) {
    f.x_cats = (const char **)a->xcat.names;
    f.n_x_cats = a->xcat.n;
  } else {
    f.x.lo = xlo;
    f.x.hi = xhi;
    f.x.time = (o->x_type == XT_TIME || o->x_type == XT_TIME_NS) && chart_time_ok(xlo, xhi);
    f.x.fix_lo = f.x.fix_hi = 1;
  }
  int zlab_w = 0, zlab_h = 0;
  if (o->z_label && *o->z_label) text_size(&cv, 9.5, 0, "Ag", &zlab_w, &zlab_h);
  /* colour bar: 16 px + tick labels */
  Axis z;
  memset(&z, 0, sizeof z);
  z.lo = vlo;
  z.hi = vhi > vlo ? vhi : vlo + (vlo == 0 ? 1 : fabs(vlo) * 0.1);
  if (!(vhi > vlo)) z.lo = vlo - (vlo == 0 ? 1 : fabs(vlo) * 0.1), z.hi = vhi;
  if (!(vhi > vlo)) {
    /* one value (e.g. one cell): one label, at the top where its colour is */
    z.n = 1;
    z.ticks[0] = vlo;
    chart_fmt_value(o->log_z ? pow(10, vlo) : vlo, z.labels[0], 40);
  } else {
    double step;
    z.n = chart_nice_ticks(z.lo, z.hi, 6, z.ticks, AXIS_MAX_TICKS, &step);
    double amax = fmax(fabs(z.lo), fabs(z.hi));
    for (int i = 0; i < z.n; i++) {
      if (o->log_z) {
        double v = pow(10, z.ticks[i]);
        chart_fmt_number(v, v < 1 ? v / 10 : 1, pow(10, amax), z.labels[i], 40);
      } else {
        chart_fmt_number(z.ticks[i], step, amax, z.labels[i], 40);
      }
    }
  }
  int zw = 0;
  for (int i = 0; i < z.n; i++) {
    int w, h;
    text_size(&cv, 9, 0, z.labels[i], &w, &h);
    if (w > zw) zw = w;
  }
  f.right_reserve = 20 + 16 + 6 + zw + (zlab_h ? zlab_h + 8 : 0);
  frame_layout(&f);
  frame_draw(&f);
  frame_marks_names(&f, o->z_label && *o->z_label ? o->z_label : "value");
  /* cells */
  int ph = f.py1 - f.py0;
  double slot_y = (double)ph / a->ylab.n;
  double slot_x = cat ? (double)(f.px1 - f.px0) / a->xcat.n : 0;
  for (sqlite3_int64 i = 0; i < a->n; i++) {
    HmCell *c = &a->cells[i];
    if (o->log_z && c->v <= 0) continue;
    double t = vhi > vlo ? ((o->log_z ? log10(c->v) : c->v) - vlo) / (vhi - vlo) : 1;
    int col = hm_color(t);
    double x0 = cat ? f.px0 + c->xc * slot_x : frame_xpix(&f, c->x);
    double x1 = cat ? x0 + slot_x : frame_xpix(&f, c->x + binw);
    double y0 = f.py0 + c->y * slot_y, y1 = y0 + slot_y;
    int ix0 = clamp_px(x0, f.px0, f.px1), ix1 = clamp_px(x1, f.px0, f.px1);
    int iy0 = clamp_px(y0, f.py0, f.py1), iy1 = clamp_px(y1, f.py0, f.py1);
    if (ix1 - ix0 >= 8) ix1--;          /* a hairline gap between big cells */
    if (iy1 - iy0 >= 8) iy1--;
    if (ix1 <= ix0) ix1 = ix0 + 1;
    if (iy1 <= iy0) iy1 = iy0 + 1;
    fill_rect(&cv, ix0, iy0, ix1, iy1, col);
    if (cv.marks.on) {
      char xs[128], vs[64];
      frame_fmt_x(&f, c->x, xs, sizeof xs);
      chart_fmt_sig(c->v, 6, vs, sizeof vs);
      canvas_mark(&cv, ix0, iy0, ix1, iy1, chart_cat_name(a->ylab.names[c->y]), xs, vs);
    }
    if (o->cell_labels && ix1 - ix0 >= 30 && iy1 - iy0 >= 15) {
      char buf[48];
      chart_fmt_value(c->v, buf, sizeof buf);
      int tw, th;
      text_size(&cv, 8, 0, buf, &tw, &th);
      if (tw + 4 <= ix1 - ix0)       /* light text on the dark half of viridis */
        text_draw(&cv, 8, 0, t < 0.55 ? 0xFFFFFF : 0x222222, 0, (ix0 + ix1) / 2, (iy0 + iy1) / 2,
                  TA_CENTER | TV_MIDDLE, buf);
    }
  }
  frame_finish(&f);
  /* colour bar */
  int bx0 = f.px1 + 20, bx1 = bx0 + 16;
  for (int y = f.py0; y < f.py1; y++) {
    double t = (double)(f.py1 - 1 - y) / (ph > 1 ? ph - 1 : 1);
    fill_rect(&cv, bx0, y, bx1, y + 1, hm_color(t));
  }
  for (int i = 0; i < z.n; i++) {
    double t = (z.ticks[i] - vlo) / (vhi > vlo ? vhi - vlo : 1);
    if (!(vhi > vlo)) t = 1;
    if (t < -1e-9 || t > 1 + 1e-9) continue;
    int y = clamp_px(f.py1 - 1 - t * (ph - 1), f.py0, f.py1 - 1);
    fill_rect(&cv, bx1, y, bx1 + 4, y + 1, 0x444444);
    text_draw(&cv, 9, 0, 0x222222, 0, bx1 + 6, y, TA_LEFT | TV_MIDDLE, z.labels[i]);
  }
  if (zlab_h)
    text_draw(&cv, 9.5, 0, 0x222222, 90, cv.w - 12 - zlab_h, (f.py0 + f.py1) / 2, TA_CENTER | TV_TOP,
              o->z_label);
  sqlite3_free(yrev);
  return canvas_finish_png(&cv, fname, size, pzErr);
}

static void hm_free(void *acc) {
  HmAcc *a = acc;
  label_set_free(&a->ylab);
  label_set_free(&a->xcat);
  sqlite3_free(a->cells);
  a->cells = 0;
}

void chart_heatmap_final(sqlite3_context *ctx) {
  chart_final(ctx, CHART_HEATMAP, "chart_heatmap", hm_render, hm_free);
}
