/*
** chart_xy.c — chart_line(x, y, series [, options]) and
** chart_scatter(x, y, series [, options]): aggregates returning a PNG blob.
**
**  1. x: numbers, or times when options.x_type is "time" (ISO-8601 text or
**     unix seconds) or "time_ns" (integer nanoseconds, or ISO text), or any
**     labels with "category" (one slot per distinct x, in order of first
**     appearance; markers and bands do not apply). Without
**     x_type, text x means time and numbers mean numbers. All non-NULL x of
**     one chart must have the same type: a text x after numbers (or the
**     reverse) is the error "chart_line: row N: mixed x types ...", N being
**     the 1-based row given to the aggregate. Unparseable times name the row.
**  2. y: numbers (numeric text accepted). NULL x or y, NaN or 'nan' text,
**     and y <= 0 on a log axis are skipped. Other text y is an error naming
**     the row.
**  3. series: one line (or point set) per distinct value, legend in order
**     of first appearance; NULL = "". At most 256 series.
**  4. Options: see ext/chart_options.c; invalid options, width/height out of
**     range -> error. Missing font -> error naming the font file.
**  5. No usable point -> a valid PNG saying "no data" (with no rows at all
**     the aggregate never sees the options, so the PNG has default size).
**  6. Memory: one 24-byte record per point in one growing buffer, nothing
**     allocated per point; rendering draws at most 4 vertices per pixel
**     column and series (first, min, max, last of the column: spikes stay
**     visible), so time is O(points) + O(pixels). Points of a line series
**     are sorted by x only when they did not arrive sorted.
*/
#include "chart.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 256
#define MAX_XCATS 4096

typedef struct XyPoint { double x, y; int s; } XyPoint;

typedef struct XySeries {
  const char *name;             /* owned by XyAcc.names */
  sqlite3_int64 n;
  int unsorted;
  double last_x;
} XySeries;

typedef struct XyAcc {
  ChartHead h;                  /* options, row count, error state */
  int x_class;                  /* 0 unknown, 1 number, 2 text */
  XyPoint *pts;
  sqlite3_int64 n, cap;
  XySeries series[MAX_SERIES];
  int n_series;
  LabelSet names;               /* series names (owns the strings) */
  LabelSet xcats;               /* x labels with x_type "category" */
} XyAcc;

static const char *xy_name(int kind) { return kind == CHART_SCATTER ? "chart_scatter" : "chart_line"; }

static void xy_error(sqlite3_context *ctx, XyAcc *a, char *msg) { chart_step_error(ctx, &a->h, msg); }

static int xy_series(XyAcc *a, sqlite3_value *v) {
  int s = label_index(&a->names, (const char *)sqlite3_value_text(v), MAX_SERIES);
  if (s >= 0 && s == a->n_series) {       /* a new one */
    XySeries *ns = &a->series[a->n_series++];
    ns->name = a->names.names[s];
    ns->n = 0;
    ns->unsorted = 0;
  }
  return s;
}

static void xy_step(sqlite3_context *ctx, int argc, sqlite3_value **argv, int kind) {
  const char *fname = xy_name(kind);
  XyAcc *a = chart_step_head(ctx, sizeof(XyAcc), kind, fname, argc > 3 ? argv[3] : 0);
  if (!a) return;
  if (a->h.row == 1 && a->h.o.x_type != XT_AUTO) chart_options_fix_x(&a->h.o, a->h.o.x_type);
  int tx = sqlite3_value_type(argv[0]);
  if (tx == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) return;
  double y;
  if (chart_step_number(ctx, &a->h, argv[1], "y", &y) <= 0) return;
  /* x: one storage class per chart */
  int cls = tx == SQLITE_TEXT ? 2 : tx == SQLITE_BLOB ? 3 : 1;
  if (cls == 3) {
    xy_error(ctx, a, sqlite3_mprintf("%s: row %lld: x is a blob", fname, a->h.row));
    return;
  }
  if (a->x_class == 0) {
    a->x_class = cls;
    if (a->h.o.x_type == XT_AUTO) {
      a->h.o.x_type = cls == 2 ? XT_TIME : XT_NUMBER;
      chart_options_fix_x(&a->h.o, a->h.o.x_type);
    }
  } else if (a->x_class != cls) {
    xy_error(ctx, a, sqlite3_mprintf("%s: row %lld: mixed x types: x is %s but earlier rows had %s",
                                     fname, a->h.row, cls == 2 ? "text" : "a number",
                                     a->x_class == 2 ? "text" : "numbers"));
    return;
  }
  double x;
  if (a->h.o.x_type == XT_CATEGORY) {
    int k = label_index(&a->xcats, (const char *)sqlite3_value_text(argv[0]), MAX_XCATS);
    if (k < 0) {
      xy_error(ctx, a, k == -2 ? sqlite3_mprintf("%s: row %lld: more than %d x categories", fname,
                                                 a->h.row, MAX_XCATS) : 0);
      return;
    }
    x = k;
  } else if (cls == 2) {
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    if (a->h.o.x_type == XT_NUMBER) {
      xy_error(ctx, a, sqlite3_mprintf("%s: row %lld: x '%s' is text but x_type is number", fname,
                                       a->h.row, t));
      return;
    }
    if (perfsql_parse_time(t, &x) != 0) {
      xy_error(ctx, a, sqlite3_mprintf("%s: row %lld: x '%s' is not an ISO-8601 time (x_type "
                                       "\"category\" takes any labels)", fname, a->h.row, t));
      return;
    }
  } else {
    x = sqlite3_value_double(argv[0]);
    if (a->h.o.x_type == XT_TIME_NS) x /= 1e9;
    if (!isfinite(x)) return;
  }
  if (a->h.o.log_y && y <= 0) return;
  int s = xy_series(a, argv[2]);
  if (s < 0) {
    xy_error(ctx, a, s == -2 ? sqlite3_mprintf("%s: row %lld: more than %d series", fname, a->h.row,
                                               MAX_SERIES)
                             : 0);
    return;
  }
  if (chart_grow((void **)&a->pts, &a->cap, a->n, sizeof(XyPoint), 4096)) {
    xy_error(ctx, a, 0);
    return;
  }
  XySeries *se = &a->series[s];
  if (se->n > 0 && x < se->last_x) se->unsorted = 1;
  se->last_x = x;
  se->n++;
  a->pts[a->n++] = (XyPoint){x, y, s};
}

void chart_line_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  xy_step(ctx, argc, argv, CHART_LINE);
}
void chart_scatter_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  xy_step(ctx, argc, argv, CHART_SCATTER);
}

static int cmp_x(const void *pa, const void *pb) {
  double a = ((const XyPoint *)pa)->x, b = ((const XyPoint *)pb)->x;
  return a < b ? -1 : a > b;
}

static const ChartSeriesStyle *style_of(const ChartOptions *o, const char *name) {
  for (int i = 0; i < o->n_series; i++)
    if (strcmp(o->series[i].name, name) == 0) return &o->series[i];
  return 0;
}

/* Streams polyline vertices into anti-aliased segments. */
typedef struct Poly { Canvas *c; int have; double px, py, w; int cx0, cy0, cx1, cy1; } Poly;
static void poly_vertex(Poly *p, double x, double y) {
  if (p->have) cov_segment(p->c, p->px, p->py, x, y, p->w, p->cx0, p->cy0, p->cx1, p->cy1);
  else cov_disc(p->c, x, y, p->w / 2 - 0.5 > 0 ? p->w / 2 - 0.5 : 0.5);   /* a lone point shows */
  p->have = 1;
  p->px = x;
  p->py = y;
}

/* The hover mark of point p drawn at (X, Y): a box of radius r. */
static void mark_point(Frame *f, const char *series, const XyPoint *p, double X, double Y, double r) {
  if (!f->c->marks.on) return;
  char xs[128], ys[96];
  frame_fmt_x(f, p->x, xs, sizeof xs);
  frame_fmt_y(f, p->y, ys, sizeof ys);
  canvas_mark(f->c, X - r, Y - r, X + r + 1, Y + r + 1, series, xs, ys);
}

/* Draws one x-sorted series as a line decimated per pixel column; the
** vertices drawn are the marks (so at most 4 per pixel column). */
static void draw_line(Frame *f, const XyPoint *p, sqlite3_int64 n, double width, const char *series,
                      double mark_r) {
  Poly poly = {f->c, 0, 0, 0, width, f->px0 - 2, f->py0 - (int)width - 1, f->px1 + 2,
               f->py1 + (int)width + 1};
  const Axis *ax = &f->x, *ay = &f->y;
  int inx = f->x_cats ? 0 : f->inset, iny = f->inset;     /* as frame_xpix/frame_ypix */
  double xs = (f->px1 - f->px0 - 2 * inx) / (ax->log ? log10(ax->hi) - log10(ax->lo) : ax->hi - ax->lo);
  double ys = (f->py1 - f->py0 - 2 * iny) / (ay->log ? log10(ay->hi) - log10(ay->lo) : ay->hi - ay->lo);
  double xl = ax->log ? log10(ax->lo) : ax->lo, yl = ay->log ? log10(ay->lo) : ay->lo;
  long col = 0;
  int open = 0;
  double fx = 0, fy = 0, mnx = 0, mny = 0, mxx = 0, mxy = 0, lx = 0, ly = 0;
  sqlite3_int64 fi = 0, mni = 0, mxi = 0, li = 0;
  for (sqlite3_int64 i = 0; i <= n; i++) {
    double X = 0, Y = 0;
    long c = 0;
    if (i < n) {
      X = f->px0 + inx + ((ax->log ? log10(p[i].x) : p[i].x) - xl) * xs;
      Y = f->py1 - iny - ((ay->log ? log10(p[i].y) : p[i].y) - yl) * ys;
      /* far outside a user-fixed range: clamp so the conversions stay defined */
      if (!(X > -1e7)) X = -1e7;
      if (!(X < 1e7)) X = 1e7;
      if (!(Y > -1e7)) Y = -1e7;
      if (!(Y < 1e7)) Y = 1e7;
      c = (long)floor(X);
    }
    if (open && (i == n || c != col)) {
      /* emit the column: first, min and max in the order they came, last */
      poly_vertex(&poly, fx, fy);
      mark_point(f, series, &p[fi], fx, fy, mark_r);
      sqlite3_int64 a = mni < mxi ? mni : mxi, b = mni < mxi ? mxi : mni;
      if (a != fi && a != li) {
        poly_vertex(&poly, a == mni ? mnx : mxx, a == mni ? mny : mxy);
        mark_point(f, series, &p[a], a == mni ? mnx : mxx, a == mni ? mny : mxy, mark_r);
      }
      if (b != fi && b != li && b != a) {
        poly_vertex(&poly, b == mni ? mnx : mxx, b == mni ? mny : mxy);
        mark_point(f, series, &p[b], b == mni ? mnx : mxx, b == mni ? mny : mxy, mark_r);
      }
      if (li != fi) {
        poly_vertex(&poly, lx, ly);
        mark_point(f, series, &p[li], lx, ly, mark_r);
      }
      open = 0;
    }
    if (i == n) break;
    if (!open) {
      open = 1;
      col = c;
      fx = mnx = mxx = lx = X;
      fy = mny = mxy = ly = Y;
      fi = mni = mxi = li = i;
    } else {
      if (Y < mny) { mny = Y; mnx = X; mni = i; }
      if (Y > mxy) { mxy = Y; mxx = X; mxi = i; }
      lx = X; ly = Y; li = i;
    }
  }
}

/* Draws points as discs, one per distinct pixel (seen = plot-sized bitmap). */
static void draw_points(Frame *f, const XyPoint *p, sqlite3_int64 n, double r, unsigned char *seen,
                        const char *series, int mark) {
  int pw = f->px1 - f->px0 + 1, ph = f->py1 - f->py0 + 1;
  memset(seen, 0, ((size_t)pw * ph + 7) / 8);
  for (sqlite3_int64 i = 0; i < n; i++) {
    double X = frame_xpix(f, p[i].x), Y = frame_ypix(f, p[i].y);
    if (!(fabs(X) < 1e7 && fabs(Y) < 1e7)) continue;       /* far outside a fixed range */
    long ix = (long)floor(X) - f->px0, iy = (long)floor(Y) - f->py0;
    if (ix < -2 || iy < -2 || ix > pw + 1 || iy > ph + 1) continue;
    if (ix >= 0 && iy >= 0 && ix < pw && iy < ph) {
      size_t bit = (size_t)iy * pw + ix;
      if (seen[bit >> 3] & (1 << (bit & 7))) continue;
      seen[bit >> 3] |= (unsigned char)(1 << (bit & 7));
    }
    cov_disc(f->c, X, Y, r);
    if (mark) mark_point(f, series, &p[i], X, Y, r < 3 ? 3 : r);
  }
}

static void *xy_render(void *acc, int *size, char **pzErr) {
  XyAcc *a = acc;
  const char *fname = xy_name(a->h.kind);
  ChartOptions *o = &a->h.o;
  if (a->n == 0) return chart_render_empty(o, fname, size, pzErr);
  /* group the points by series (counting sort), then sort each line by x */
  XyPoint *pts = a->pts;
  XyPoint *grouped = 0;
  sqlite3_int64 start[MAX_SERIES + 1];
  start[0] = 0;
  for (int s = 0; s < a->n_series; s++) start[s + 1] = start[s] + a->series[s].n;
  if (a->n_series > 1) {
    grouped = sqlite3_malloc64((sqlite3_uint64)a->n * sizeof(XyPoint));
    if (!grouped) {
      *pzErr = sqlite3_mprintf("%s: out of memory", fname);
      return 0;
    }
    sqlite3_int64 at[MAX_SERIES];
    memcpy(at, start, sizeof(sqlite3_int64) * a->n_series);
    for (sqlite3_int64 i = 0; i < a->n; i++) grouped[at[a->pts[i].s]++] = a->pts[i];
    pts = grouped;
    sqlite3_free(a->pts);   /* the grouped copy replaces it: peak is 2x, briefly */
    a->pts = 0;
  }
  /* ranges */
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (sqlite3_int64 i = 0; i < a->n; i++) {
    if (pts[i].x < xlo) xlo = pts[i].x;
    if (pts[i].x > xhi) xhi = pts[i].x;
    if (pts[i].y < ylo) ylo = pts[i].y;
    if (pts[i].y > yhi) yhi = pts[i].y;
  }
  for (int i = 0; i < o->n_markers; i++) {
    xlo = fmin(xlo, o->markers[i].x);
    xhi = fmax(xhi, o->markers[i].x);
  }
  for (int i = 0; i < o->n_bands; i++) {
    xlo = fmin(xlo, fmin(o->bands[i].x0, o->bands[i].x1));
    xhi = fmax(xhi, fmax(o->bands[i].x0, o->bands[i].x1));
  }
  int cat = o->x_type == XT_CATEGORY;
  if (cat) {                     /* category i sits in the middle of slot i */
    xlo = -0.5;
    xhi = a->xcats.n - 0.5;
  } else if (a->h.kind == CHART_SCATTER && xhi > xlo) {
    double pad = (xhi - xlo) * 0.03;
    xlo -= pad;
    xhi += pad;
  }
  if (o->has_x_min && !cat) xlo = o->x_min;
  if (o->has_x_max && !cat) xhi = o->x_max;
  if (!(xhi > xlo)) {
    double d = o->x_type == XT_TIME || o->x_type == XT_TIME_NS ? 43200 : xlo == 0 ? 1 : fabs(xlo) * 0.05;
    xlo -= d;
    xhi += d;
  }
  if (!o->log_y && !o->has_y_min && ylo > 0 && ylo < yhi * 0.5) ylo = 0;   /* show the zero */
  if (o->has_y_min) ylo = o->y_min;
  if (o->has_y_max) yhi = o->y_max;
  if (!(yhi > ylo)) {
    double d = o->log_y ? ylo * 0.5 : ylo == 0 ? 1 : fabs(ylo) * 0.1;
    ylo -= d;
    yhi += d;
    if (o->log_y && ylo <= 0) ylo = yhi / 100;
  }
  Canvas c;
  if (canvas_open(&c, o->width, o->height, fname, pzErr) != 0) {
    sqlite3_free(grouped);
    return 0;
  }
  Frame f;
  memset(&f, 0, sizeof f);
  f.c = &c;
  f.o = o;
  f.x.lo = xlo;
  f.x.hi = xhi;
  f.x.time = (o->x_type == XT_TIME || o->x_type == XT_TIME_NS) && chart_time_ok(xlo, xhi);
  f.x.fix_lo = f.x.fix_hi = 1;
  f.x.nice = 0;
  if (cat) {
    f.x_cats = (const char **)a->xcats.names;
    f.n_x_cats = a->xcats.n;
  }
  f.y.lo = ylo;
  f.y.hi = yhi;
  f.y.log = o->log_y;
  f.y.integer = o->y_integer;
  f.y.nice = 1;
  f.y.fix_lo = o->has_y_min;
  f.y.fix_hi = o->has_y_max;
  LegendEntry legend[MAX_SERIES];
  int colors[MAX_SERIES], modes[MAX_SERIES], widths[MAX_SERIES];
  int named = 0;
  for (int s = 0; s < a->n_series; s++) {
    const ChartSeriesStyle *st = style_of(o, a->series[s].name);
    colors[s] = st && st->color >= 0 ? st->color : chart_palette(o, s);
    modes[s] = st && st->mode ? st->mode : a->h.kind == CHART_SCATTER ? MODE_MARKERS : MODE_LINES;
    widths[s] = st && st->width ? st->width : o->line_width;
    legend[s] = (LegendEntry){a->series[s].name, colors[s], modes[s], st ? st->dash : 0};
    if (a->series[s].name[0]) named = 1;
  }
  if (o->legend && (a->n_series > 1 || named)) {
    f.legend = legend;
    f.n_legend = a->n_series;
  }
  /* points at the ends of the ranges stay clear of the frame */
  f.inset = (int)ceil(fmax(o->point_size + 1.0, o->line_width / 2.0 + 1)) + 2;
  int lanes[512];
  int nl = o->n_markers + o->n_bands;
  f.marker_lane = nl <= 512 ? lanes : 0;
  frame_layout(&f);
  frame_draw(&f);
  frame_marks_names(&f, 0);
  unsigned char *seen = 0;
  for (int s = 0; s < a->n_series; s++) {
    XyPoint *sp = pts + start[s];
    sqlite3_int64 n = start[s + 1] - start[s];
    if (modes[s] != MODE_MARKERS) {
      if (a->series[s].unsorted) qsort(sp, (size_t)n, sizeof(XyPoint), cmp_x);
      draw_line(&f, sp, n, widths[s], a->series[s].name, o->point_size < 3 ? 3 : o->point_size);
      /* a line of one point would be invisible: show the point */
      if (n == 1 && modes[s] == MODE_LINES)
        cov_disc(&c, frame_xpix(&f, sp[0].x), frame_ypix(&f, sp[0].y), o->point_size);
    }
    if (modes[s] == MODE_MARKERS || modes[s] == MODE_LINES_MARKERS) {
      if (!seen) {
        size_t pw = f.px1 - f.px0 + 1, ph = f.py1 - f.py0 + 1;
        seen = sqlite3_malloc64((pw * ph + 7) / 8);
        if (!seen) break;
      }
      /* clip discs to the plot area (plus their radius) */
      draw_points(&f, sp, n, o->point_size, seen, a->series[s].name, modes[s] == MODE_MARKERS);
    }
    cov_flush(&c, colors[s], modes[s] == MODE_MARKERS && a->n > 5000 ? 0.6 : 1.0);
  }
  sqlite3_free(seen);
  frame_finish(&f);
  sqlite3_free(grouped);
  return canvas_finish_png(&c, fname, size, pzErr);
}

static void xy_free(void *acc) {
  XyAcc *a = acc;
  label_set_free(&a->names);
  label_set_free(&a->xcats);
  sqlite3_free(a->pts);
  a->pts = 0;
  a->n_series = 0;
}

void chart_line_final(sqlite3_context *ctx) {
  chart_final(ctx, CHART_LINE, "chart_line", xy_render, xy_free);
}
void chart_scatter_final(sqlite3_context *ctx) {
  chart_final(ctx, CHART_SCATTER, "chart_scatter", xy_render, xy_free);
}
