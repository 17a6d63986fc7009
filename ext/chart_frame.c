/*
** chart_frame.c — layout and decoration shared by every chart kind: title,
** axes with ticks and labels, grid, legend, marker lines and shaded bands.
**
**  1. Nothing covers data: the legend goes below the plot (wrapped in rows),
**     marker and band labels go in "lanes" above the plot, stacked so that
**     no two labels overlap (a label that would need more than 6 lanes is
**     dropped rather than drawn over another).
**  2. Tick labels never overlap: the tick count is reduced until every pair
**     of neighbouring labels has a gap (numeric and time axes); category
**     labels turn vertical, then show every k-th, when they do not fit.
**  3. Linear axes widen to whole 1-2-5 steps unless the user fixed an end
**     (y_min/y_max); log axes put ticks at 1, 2, 5 x 10^k or 10^k.
**  4. Mapping: value lo sits on the left/bottom edge of the plot area, hi on
**     the right/top edge (continuous pixel coordinates, see chart.h).
*/
#include "chart.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PAD 12
#define TICK 5
#define PT_TITLE 13.0
#define PT_TICK 9.0
#define PT_AXIS 10.0
#define PT_LEGEND 9.5
#define PT_LANE 8.5
#define C_TEXT 0x222222
#define C_AXIS 0x444444
#define C_GRID 0xE3E3E3
#define C_MUTED 0x666666
#define MAX_LANES 6
#define LANE_FLIPPED 256     /* in marker_lane[]: label on the other side of its line */

const char *chart_cat_name(const char *s) { return s && *s ? s : "(no name)"; }

double frame_xpix(const Frame *f, double x) {
  const Axis *a = &f->x;
  double t = a->log ? (log10(x) - log10(a->lo)) / (log10(a->hi) - log10(a->lo))
                    : (x - a->lo) / (a->hi - a->lo);
  int in = f->x_cats ? 0 : f->inset;       /* category slots have their own margins */
  return f->px0 + in + t * (f->px1 - f->px0 - 2 * in);
}

double frame_ypix(const Frame *f, double y) {
  const Axis *a = &f->y;
  double t = a->log ? (log10(y) - log10(a->lo)) / (log10(a->hi) - log10(a->lo))
                    : (y - a->lo) / (a->hi - a->lo);
  return f->py1 - f->inset - t * (f->py1 - f->py0 - 2 * f->inset);
}

/* snprintf(out, n, "%s %s", <v, 6 significant digits>, unit) or without
** the unit, printf-free (one call per mark). */
static void fmt_with_unit(double v, const char *unit, char *out, size_t n) {
  char b[64];
  chart_fmt_sig(v, 6, b, sizeof b);
  size_t bl = strlen(b), ul = unit && *unit ? strlen(unit) : 0, k = 0;
  if (!n) return;
  size_t take = bl < n - 1 ? bl : n - 1;
  memcpy(out, b, take);
  k = take;
  if (ul && k < n - 1) {
    out[k++] = ' ';
    take = ul < n - 1 - k ? ul : n - 1 - k;
    memcpy(out + k, unit, take);
    k += take;
  }
  out[k] = 0;
}

void frame_fmt_x(const Frame *f, double x, char *out, size_t n) {
  const ChartOptions *o = f->o;
  if (f->x_cats) {
    long i = lround(x);
    snprintf(out, n, "%s", i >= 0 && i < f->n_x_cats ? chart_cat_name(f->x_cats[i]) : "");
    return;
  }
  if ((o->x_type == XT_TIME || o->x_type == XT_TIME_NS) && chart_time_ok(x, x)) {
    time_t t = (time_t)floor(x);
    struct tm tm;
    char buf[64];
    if (!gmtime_r(&t, &tm)) memset(&tm, 0, sizeof tm);
    double frac = x - floor(x);
    /* a day (weekly points): the date alone */
    strftime(buf, sizeof buf, tm.tm_hour || tm.tm_min || tm.tm_sec || frac > 5e-7 ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d", &tm);
    if (frac > 5e-7) snprintf(out, n, "%s.%06.0f", buf, floor(frac * 1e6 + 0.5));
    else snprintf(out, n, "%s", buf);
    return;
  }
  fmt_with_unit(x, o->x_unit, out, n);
}

void frame_fmt_y(const Frame *f, double y, char *out, size_t n) { fmt_with_unit(y, f->o->y_unit, out, n); }

void frame_marks_names(Frame *f, const char *y_name) {
  ChartMarks *m = &f->c->marks;
  m->on = f->o->marks;
  snprintf(m->x_name, sizeof m->x_name, "%s", f->o->x_label && *f->o->x_label ? f->o->x_label : "x");
  if (y_name && *y_name) snprintf(m->y_name, sizeof m->y_name, "%s", y_name);
  else snprintf(m->y_name, sizeof m->y_name, "%s", f->o->y_label && *f->o->y_label ? f->o->y_label : "y");
}

void chart_axis_title(const char *label, const char *unit, char *out, size_t n) {
  int hl = label && *label, hu = unit && *unit;
  if (hl && hu) snprintf(out, n, "%s (%s)", label, unit);
  else snprintf(out, n, "%s", hl ? label : hu ? unit : "");
}

int chart_label_cut(const char *const *labels, int n) {
  if (n < 2) return -1;
  size_t p = strlen(labels[0] ? labels[0] : "");
  for (int i = 1; i < n && p > 0; i++) {
    const char *s = labels[i] ? labels[i] : "";
    size_t k = 0;
    while (k < p && s[k] && s[k] == labels[0][k]) k++;
    p = k;
  }
  while (p > 0 && ((unsigned char)labels[0][p] & 0xC0) == 0x80) p--;
  return p > 0 ? (int)p : -1;
}

/* ---- numeric and time ticks ---------------------------------------------- */

static void axis_numeric_ticks(Axis *a, int target, int widen) {
  if (!(a->hi > a->lo)) {
    double c = a->lo, d = c == 0 ? 1 : fabs(c) * 0.1;
    a->lo = c - d;
    a->hi = c + d;
  }
  if (a->log) {
    if (widen && a->nice) {
      if (!a->fix_lo) a->lo = pow(10, floor(log10(a->lo) + 1e-9));
      if (!a->fix_hi) a->hi = pow(10, ceil(log10(a->hi) - 1e-9));
    }
    int k0 = (int)floor(log10(a->lo) + 1e-9), k1 = (int)ceil(log10(a->hi) - 1e-9);
    int decades = k1 - k0;
    static const double m125[] = {1, 2, 5}, m1[] = {1};
    const double *mult = decades <= 2 && target >= 6 ? m125 : m1;
    int nm = mult == m125 ? 3 : 1;
    int every = 1;
    while (decades / every + 1 > target && every < 100) every++;
    a->n = 0;
    for (int k = k0; k <= k1 && a->n < AXIS_MAX_TICKS; k++) {
      if ((k - k0) % every) continue;
      for (int m = 0; m < nm && a->n < AXIS_MAX_TICKS; m++) {
        double v = mult[m] * pow(10, k);
        if (v < a->lo * (1 - 1e-9) || v > a->hi * (1 + 1e-9)) continue;
        a->ticks[a->n++] = v;
      }
    }
    /* each decade label on its own scale, SI from 1000 so that the axis
    ** reads 1, 10, 100, 1 k, 10 k, 100 k, 1 M (not 1000 next to 10 k) */
    for (int i = 0; i < a->n; i++) {
      double v = a->ticks[i];
      chart_fmt_number(v, v, v >= 1000 ? fmax(v, 1e4) : v, a->labels[i], sizeof a->labels[i]);
    }
    a->step = 0;
    return;
  }
  double step = chart_nice_step(a->hi - a->lo, target);
  if (a->integer && step < 1) step = 1;     /* no 0.5 CPU: whole numbers only */
  if (widen && a->nice) {
    if (!a->fix_lo) a->lo = floor(a->lo / step + 1e-9) * step;
    if (!a->fix_hi) a->hi = ceil(a->hi / step - 1e-9) * step;
  }
  /* the ticks use the step the ends were widened to (recomputing it on the
  ** widened range could pick a coarser one and leave an end unlabelled) */
  a->step = step;
  a->n = 0;
  for (double k = ceil(a->lo / step - 1e-9); a->n < AXIS_MAX_TICKS; k++) {
    double v = k * step;
    if (v > a->hi + step * 1e-9) break;
    a->ticks[a->n++] = fabs(v) < step * 1e-9 ? 0 : v;
  }
  double amax = fmax(fabs(a->lo), fabs(a->hi));
  for (int i = 0; i < a->n; i++) chart_fmt_number(a->ticks[i], a->step, amax, a->labels[i], 40);
}

/* Largest label width of an axis. */
static int labels_max_w(Canvas *c, const Axis *a, double pt) {
  int mw = 0;
  for (int i = 0; i < a->n; i++) {
    int w, h;
    text_size(c, pt, 0, a->labels[i], &w, &h);
    if (w > mw) mw = w;
  }
  return mw;
}

/* Ticks of the x axis over plot width pw, with no overlapping labels. */
static void x_axis_ticks(Frame *f, int pw) {
  Axis *a = &f->x;
  Canvas *c = f->c;
  double lo0 = a->lo, hi0 = a->hi;
  int target = pw / 70;
  if (target < 2) target = 2;
  if (target > 20) target = 20;
  for (; target >= 1; target--) {
    a->lo = lo0;
    a->hi = hi0;
    if (a->time) {
      if (!(a->hi > a->lo)) {
        a->lo -= 43200;
        a->hi += 43200;
      }
      a->n = chart_time_ticks(a->lo, a->hi, target, a->ticks, a->labels, AXIS_MAX_TICKS);
    } else {
      axis_numeric_ticks(a, target, 1);
    }
    /* check neighbours for overlap */
    int ok = 1;
    double prev_right = -1e9;
    for (int i = 0; i < a->n && ok; i++) {
      int w, h;
      text_size(c, PT_TICK, 0, a->labels[i], &w, &h);
      double t = a->log ? (log10(a->ticks[i]) - log10(a->lo)) / (log10(a->hi) - log10(a->lo))
                        : (a->ticks[i] - a->lo) / (a->hi - a->lo);
      double cx = t * pw;
      if (cx - w / 2.0 < prev_right + 12) ok = 0;
      prev_right = cx + w / 2.0;
    }
    if (ok) return;
  }
}

/* ---- legend ---------------------------------------------------------------- */

#define SWATCH 22
static int legend_rows(Frame *f, int avail_w, int *row_h) {
  int w, h;
  text_size(f->c, PT_LEGEND, 0, "Ag", &w, &h);
  *row_h = h + 6;
  if (f->n_legend == 0) return 0;
  int rows = 1, x = 0;
  for (int i = 0; i < f->n_legend; i++) {
    char buf[256];
    int tw = text_fit_mid(f->c, PT_LEGEND, 0, f->legend[i].name, f->legend_cut, avail_w * 2 / 5, buf,
                          sizeof buf);
    int ew = SWATCH + 5 + tw;
    if (x > 0 && x + ew > avail_w) {
      rows++;
      x = 0;
    }
    x += ew + 18;
  }
  return rows;
}

/* ---- lanes for marker and band labels -------------------------------------- */

typedef struct LaneLabel { double left, right; int idx; } LaneLabel;

/* Lane 0 is the top one. A marker's dotted line runs from the plot up to
** its own label, so it crosses every lane below its own: a label may not sit
** on such a line, nor may a new line cross a label already placed. */
static void lanes_assign(Frame *f) {
  const ChartOptions *o = f->o;
  int n = o->n_markers + o->n_bands;
  f->n_lanes = 0;
  if (!f->marker_lane || n == 0 || f->x_cats) return;
  /* place in x order so that stacking is predictable */
  int order[256];
  int m = n < 256 ? n : 256;
  double xs[256];
  struct { double l, r, line; int lane; } placed[256];
  int np = 0;
  for (int i = 0; i < n; i++) f->marker_lane[i] = -1;
  for (int i = 0; i < m; i++) {
    order[i] = i;
    xs[i] = i < o->n_markers ? o->markers[i].x : o->bands[i - o->n_markers].x0;
  }
  for (int i = 1; i < m; i++)
    for (int j = i; j > 0 && xs[order[j]] < xs[order[j - 1]]; j--) {
      int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t;
    }
  for (int k = 0; k < m; k++) {
    int i = order[k], is_marker = i < o->n_markers;
    const char *label = is_marker ? o->markers[i].label : o->bands[i - o->n_markers].label;
    double x = xs[i];
    if (!label || !*label) continue;
    if (!(x >= f->x.lo && x <= f->x.hi)) {
      if (is_marker) continue;
      x = f->x.lo;                          /* a band starting left of the axis */
    }
    int w, h;
    text_size(f->c, PT_LANE, 0, label, &w, &h);
    double px = frame_xpix(f, x);
    double line = is_marker ? px : NAN;
    int placed_here = 0;
    /* each lane from the top, the label on its preferred side of the line,
    ** then on the other side (a marker only) */
    for (int attempt = 0; attempt < 2 * MAX_LANES && !placed_here; attempt++) {
      int lane = attempt / 2, flip = attempt & 1;
      if (flip && !is_marker) continue;
      int left_anchor = (!is_marker || o->markers[i].anchor_left) ^ flip;
      double l = left_anchor ? px + 3 : px - 3 - w, r = l + w;
      if (l < PAD) { r += PAD - l; l = PAD; }
      if (r > f->c->w - PAD) { l -= r - (f->c->w - PAD); r = f->c->w - PAD; }
      int ok = 1;
      for (int j = 0; j < np && ok; j++) {
        if (placed[j].lane == lane && l < placed[j].r + 6 && r > placed[j].l - 6) ok = 0;
        /* an earlier marker's line, from a lane above, crossing this label */
        if (placed[j].lane < lane && placed[j].line >= l - 3 && placed[j].line <= r + 3) ok = 0;
        /* this marker's line crossing a label placed in a lane below */
        if (is_marker && placed[j].lane > lane && line >= placed[j].l - 3 && line <= placed[j].r + 3) ok = 0;
      }
      if (!ok) continue;
      placed[np].l = l;
      placed[np].r = r;
      placed[np].line = line;
      placed[np].lane = lane;
      np++;
      f->marker_lane[i] = lane | (flip ? LANE_FLIPPED : 0);
      if (lane + 1 > f->n_lanes) f->n_lanes = lane + 1;
      placed_here = 1;
    }
  }
}

/* ---- layout ----------------------------------------------------------------- */

void frame_layout(Frame *f) {
  Canvas *c = f->c;
  const ChartOptions *o = f->o;
  int W = c->w, H = c->h, w, h;
  chart_axis_title(o->x_label, o->x_unit, f->x_title, sizeof f->x_title);
  chart_axis_title(o->y_label, o->y_unit, f->y_title, sizeof f->y_title);
  f->x_cut = chart_label_cut(f->x_cats, f->n_x_cats);
  f->y_cut = chart_label_cut(f->y_cats, f->n_y_cats);
  {
    const char *names[512];
    int n = f->n_legend < 512 ? f->n_legend : 512;
    for (int i = 0; i < n; i++) names[i] = f->legend[i].name;
    f->legend_cut = chart_label_cut(names, n);
  }
  int tick_h, axis_h, title_h = 0, lane_h;
  text_size(c, PT_TICK, 0, "Ag", &w, &tick_h);
  text_size(c, PT_AXIS, 0, "Ag", &w, &axis_h);
  text_size(c, PT_LANE, 0, "Ag", &w, &lane_h);
  f->lane_h = lane_h + 4;
  if (o->title && *o->title) text_size(c, PT_TITLE, 1, "Ag", &w, &title_h);
  int row_h, rows = legend_rows(f, W - 2 * PAD, &row_h);
  /* at most a quarter of the height for the legend: cut it, say how many are left out */
  if (rows > 1 && rows * row_h > H / 4) {
    int total = f->n_legend;
    while (f->n_legend > 1 && rows * row_h > H / 4) {
      f->n_legend--;
      snprintf(f->legend_more, sizeof f->legend_more, "+%d more series", total - f->n_legend + 1);
      f->legend[f->n_legend - 1] = (LegendEntry){f->legend_more, C_MUTED, -2, 0};
      rows = legend_rows(f, W - 2 * PAD, &row_h);
    }
  }
  int top_fixed = PAD + (title_h ? title_h + 10 : 0);
  int bottom_fixed = PAD + (f->x_title[0] ? axis_h + 8 : 0) + (rows ? rows * row_h + 8 : 0);
  int left_fixed = PAD + (f->y_title[0] ? axis_h + 8 : 0);
  int left = left_fixed + 40, right = PAD + f->right_reserve, xlab_h = tick_h;
  Axis y0 = f->y, x0 = f->x;
  for (int iter = 0; iter < 3; iter++) {
    int top = top_fixed + f->n_lanes * f->lane_h + (f->n_lanes ? 4 : 0);
    int bottom = bottom_fixed + TICK + 4 + xlab_h;
    int ph = H - top - bottom, pw = W - left - right;
    if (ph < 20) ph = 20;
    if (pw < 20) pw = 20;
    f->px0 = left; f->px1 = left + pw; f->py0 = top; f->py1 = top + ph;
    /* y axis */
    int ylab_w;
    if (f->y_cats) {
      int mw = 0;
      for (int i = 0; i < f->n_y_cats; i++) {
        char buf[256];
        int tw = text_fit_mid(c, PT_TICK, 0, chart_cat_name(f->y_cats[i]), f->y_cut, W * 3 / 10, buf, sizeof buf);
        if (tw > mw) mw = tw;
      }
      ylab_w = mw;
      double slot = (double)ph / (f->n_y_cats ? f->n_y_cats : 1);
      f->y_cat_every = (int)ceil((tick_h + 2) / (slot > 0 ? slot : 1));
      if (f->y_cat_every < 1) f->y_cat_every = 1;
    } else {
      f->y = y0;
      int target = ph / 45;
      if (target < 2) target = 2;
      axis_numeric_ticks(&f->y, target, 1);
      ylab_w = labels_max_w(c, &f->y, PT_TICK);
    }
    left = left_fixed + ylab_w + 6 + TICK;
    /* x axis */
    pw = W - left - right;
    if (pw < 20) pw = 20;
    if (f->x_cats) {
      int mw = 0, full = 0;
      for (int i = 0; i < f->n_x_cats; i++) {
        char buf[256];
        int tw = text_fit_mid(c, PT_TICK, 0, chart_cat_name(f->x_cats[i]), f->x_cut, H / 3, buf, sizeof buf), fw, fh;
        if (tw > mw) mw = tw;
        text_size(c, PT_TICK, 0, chart_cat_name(f->x_cats[i]), &fw, &fh);
        if (fw > full) full = fw;
      }
      double slot = (double)pw / (f->n_x_cats ? f->n_x_cats : 1);
      f->x_cat_every = 1;
      /* whole labels side by side, else rotated (cut to a third of the height) */
      f->x_full = full + 8 <= slot;
      if (f->x_full) {
        f->x_rot = 0;
        xlab_h = tick_h;
      } else {
        f->x_rot = 1;
        xlab_h = mw;
        f->x_cat_every = (int)ceil((tick_h + 3) / (slot > 0 ? slot : 1));
        if (f->x_cat_every < 1) f->x_cat_every = 1;
      }
      right = PAD + f->right_reserve;
    } else {
      f->x = x0;
      x_axis_ticks(f, pw);
      xlab_h = tick_h;
      /* room for half of the last label beyond the plot's right edge */
      int lw = 0;
      if (f->x.n > 0) text_size(c, PT_TICK, 0, f->x.labels[f->x.n - 1], &lw, &h);
      double lastx = f->x.n > 0 ? (f->x.ticks[f->x.n - 1] - f->x.lo) / (f->x.hi - f->x.lo) : 0;
      int over = f->x.log ? lw / 2 : (int)(lw / 2.0 - (1 - lastx) * pw);
      right = PAD + f->right_reserve + (over > 0 ? over : 0);
    }
    f->px0 = left; f->px1 = W - right;
    if (f->px1 < f->px0 + 20) f->px1 = f->px0 + 20;
    lanes_assign(f);
  }
  int top = top_fixed + f->n_lanes * f->lane_h + (f->n_lanes ? 4 : 0);
  int bottom = bottom_fixed + TICK + 4 + xlab_h;
  f->py0 = top;
  f->py1 = H - bottom;
  if (f->py1 < f->py0 + 20) f->py1 = f->py0 + 20;
}

/* ---- drawing ---------------------------------------------------------------- */

static void draw_legend(Frame *f) {
  if (f->n_legend == 0) return;
  Canvas *c = f->c;
  int W = c->w, row_h, rows = legend_rows(f, W - 2 * PAD, &row_h);
  int y = c->h - PAD - rows * row_h;
  /* centre each row: measure its entries first */
  int i = 0;
  while (i < f->n_legend) {
    int x = 0, j = i;
    int widths[512];
    for (; j < f->n_legend && j - i < 512; j++) {
      char buf[256];
      int tw = text_fit_mid(c, PT_LEGEND, 0, f->legend[j].name, f->legend_cut, (W - 2 * PAD) * 2 / 5,
                            buf, sizeof buf);
      int ew = SWATCH + 5 + tw;
      if (x > 0 && x + ew > W - 2 * PAD) break;
      widths[j - i] = ew;
      x += ew + 18;
    }
    int row_w = x - 18, cx = (W - row_w) / 2;
    for (int k = i; k < j; k++) {
      LegendEntry *e = &f->legend[k];
      int my = y + row_h / 2;
      if (e->mode == -2) {              /* "+N more": text only */
      } else if (e->mode == MODE_MARKERS) {
        cov_disc(c, cx + SWATCH / 2.0, my + 0.5, 3.5);
      } else if (e->mode == -1) {        /* a filled box (bars) */
        fill_rect(c, cx + 4, my - 6, cx + SWATCH - 4, my + 7, e->color);
      } else {
        cov_segment(c, cx, my + 0.5, cx + SWATCH, my + 0.5, 2.5, 0, 0, W, c->h);
        if (e->mode == MODE_LINES_MARKERS) cov_disc(c, cx + SWATCH / 2.0, my + 0.5, 3.5);
      }
      cov_flush(c, e->color, 1.0);
      char buf[256];
      text_fit_mid(c, PT_LEGEND, 0, e->name, f->legend_cut, (W - 2 * PAD) * 2 / 5, buf, sizeof buf);
      text_draw(c, PT_LEGEND, 0, C_TEXT, 0, cx + SWATCH + 5, my, TA_LEFT | TV_MIDDLE, buf);
      cx += widths[k - i] + 18;
    }
    i = j;
    y += row_h;
  }
}

void frame_draw(Frame *f) {
  Canvas *c = f->c;
  const ChartOptions *o = f->o;
  int W = c->w, w, h;
  /* bands under everything */
  if (!f->x_cats) {
    for (int i = 0; i < o->n_bands; i++) {
      const ChartBand *b = &o->bands[i];
      double a = frame_xpix(f, fmin(b->x0, b->x1)), z = frame_xpix(f, fmax(b->x0, b->x1));
      if (z < f->px0 || a > f->px1) continue;
      int ia = (int)floor(fmax(a, f->px0)), iz = (int)ceil(fmin(z, f->px1));
      if (iz <= ia) iz = ia + 1;
      blend_rect(c, ia, f->py0, iz, f->py1, b->color, b->opacity);
    }
  }
  /* grid and y tick labels */
  if (f->y_cats) {
    double slot = (double)(f->py1 - f->py0) / f->n_y_cats;
    for (int i = 0; i < f->n_y_cats; i += f->y_cat_every) {
      char buf[256];
      text_fit_mid(c, PT_TICK, 0, chart_cat_name(f->y_cats[i]), f->y_cut, W * 3 / 10, buf, sizeof buf);
      int yc = (int)(f->py1 - (i + 0.5) * slot);
      fill_rect(c, f->px0 - TICK, yc, f->px0, yc + 1, C_AXIS);
      text_draw(c, PT_TICK, 0, C_TEXT, 0, f->px0 - TICK - 4, yc, TA_RIGHT | TV_MIDDLE, buf);
    }
  } else {
    for (int i = 0; i < f->y.n; i++) {
      double yp = frame_ypix(f, f->y.ticks[i]);
      int yr = (int)floor(yp);
      if (yr >= f->py1) yr = f->py1;
      if (yr < f->py0) yr = f->py0;
      if (yr < f->py1) hline(c, f->px0, f->px1, yr, C_GRID);
      fill_rect(c, f->px0 - TICK, yr, f->px0, yr + 1, C_AXIS);
      text_draw(c, PT_TICK, 0, C_TEXT, 0, f->px0 - TICK - 4, yr, TA_RIGHT | TV_MIDDLE, f->y.labels[i]);
    }
  }
  /* x ticks */
  if (f->x_cats) {
    double slot = (double)(f->px1 - f->px0) / f->n_x_cats;
    for (int i = 0; i < f->n_x_cats; i += f->x_cat_every) {
      char buf[256];
      text_fit_mid(c, PT_TICK, 0, chart_cat_name(f->x_cats[i]), f->x_cut, f->x_full ? c->w : c->h / 3, buf, sizeof buf);
      int xc = (int)(f->px0 + (i + 0.5) * slot);
      fill_rect(c, xc, f->py1, xc + 1, f->py1 + TICK, C_AXIS);
      if (f->x_rot)
        text_draw(c, PT_TICK, 0, C_TEXT, 90, xc, f->py1 + TICK + 3, TA_RIGHT | TV_MIDDLE, buf);
      else
        text_draw(c, PT_TICK, 0, C_TEXT, 0, xc, f->py1 + TICK + 3, TA_CENTER | TV_TOP, buf);
    }
  } else {
    for (int i = 0; i < f->x.n; i++) {
      int xr = (int)floor(frame_xpix(f, f->x.ticks[i]));
      if (xr < f->px0) xr = f->px0;
      if (xr > f->px1) xr = f->px1;
      if (xr > f->px0 && xr < f->px1)
        fill_rect(c, xr, f->py0, xr + 1, f->py1, 0xF0F0F0);
      fill_rect(c, xr, f->py1, xr + 1, f->py1 + TICK, C_AXIS);
      text_draw(c, PT_TICK, 0, C_TEXT, 0, xr, f->py1 + TICK + 3, TA_CENTER | TV_TOP, f->x.labels[i]);
    }
  }
  /* axis titles */
  int tick_h;
  text_size(c, PT_TICK, 0, "Ag", &w, &tick_h);
  int xlab_bottom;
  if (f->x_cats && f->x_rot) {
    int mw = 0;
    for (int i = 0; i < f->n_x_cats; i += f->x_cat_every) {
      char buf[256];
      int tw = text_fit_mid(c, PT_TICK, 0, chart_cat_name(f->x_cats[i]), f->x_cut, c->h / 3, buf, sizeof buf);
      if (tw > mw) mw = tw;
    }
    xlab_bottom = f->py1 + TICK + 3 + mw;
  } else {
    xlab_bottom = f->py1 + TICK + 3 + tick_h;
  }
  if (f->x_title[0])
    text_draw(c, PT_AXIS, 0, C_TEXT, 0, (f->px0 + f->px1) / 2, xlab_bottom + 6, TA_CENTER | TV_TOP,
              f->x_title);
  if (f->y_title[0]) {
    char buf[512];
    text_fit(c, PT_AXIS, 0, f->y_title, f->py1 - f->py0, buf, sizeof buf);
    text_draw(c, PT_AXIS, 0, C_TEXT, 90, PAD, (f->py0 + f->py1) / 2, TA_CENTER | TV_TOP, buf);
  }
  if (o->title && *o->title) {
    char buf[1024];
    text_fit(c, PT_TITLE, 1, o->title, W - 2 * PAD, buf, sizeof buf);
    text_draw(c, PT_TITLE, 1, 0x000000, 0, W / 2, PAD, TA_CENTER | TV_TOP, buf);
  }
  (void)h;
  draw_legend(f);
}

static int darken_if_light(int rgb) {
  int r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
  double lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  if (lum < 170) return rgb;
  double k = 140.0 / lum;
  return ((int)(r * k) << 16) | ((int)(g * k) << 8) | (int)(b * k);
}

static void draw_axes(Frame *f) {
  /* left and bottom, just outside the plot area, over the data */
  fill_rect(f->c, f->px0 - 1, f->py0, f->px0, f->py1 + 1, C_AXIS);
  fill_rect(f->c, f->px0 - 1, f->py1, f->px1, f->py1 + 1, C_AXIS);
}

void frame_finish(Frame *f) {
  Canvas *c = f->c;
  const ChartOptions *o = f->o;
  draw_axes(f);
  if (f->x_cats) return;
  for (int i = 0; i < o->n_markers + o->n_bands; i++) {
    int is_marker = i < o->n_markers;
    const ChartMarker *m = is_marker ? &o->markers[i] : 0;
    const ChartBand *b = is_marker ? 0 : &o->bands[i - o->n_markers];
    double x = is_marker ? m->x : fmax(b->x0, f->x.lo);
    if (!is_marker && !(fmin(b->x0, b->x1) <= f->x.hi)) continue;
    if (is_marker && !(x >= f->x.lo && x <= f->x.hi)) continue;
    int xr = (int)floor(frame_xpix(f, x));
    if (xr >= f->px1) xr = f->px1 - 1;
    int lane = f->marker_lane ? f->marker_lane[i] : -1, flipped = 0;
    if (lane >= 0) {
      flipped = (lane & LANE_FLIPPED) != 0;
      lane &= LANE_FLIPPED - 1;
    }
    int lane_y = f->py0 - (f->n_lanes - lane) * f->lane_h - 4;   /* top of the lane */
    if (is_marker) {
      int ytop = lane >= 0 ? lane_y + f->lane_h / 2 : f->py0;
      vline_dash(c, xr, ytop, f->py1, m->width, m->dash, m->color);
      char xs[96];
      frame_fmt_x(f, m->x, xs, sizeof xs);
      int half = (m->width + 1) / 2 + 2;
      canvas_mark(c, xr - half, ytop, xr + half + 1, f->py1, m->label && *m->label ? m->label : "marker",
                  xs, 0);
    }
    const char *label = is_marker ? m->label : b->label;
    if (lane < 0 || !label || !*label) continue;
    int w, h;
    text_size(c, PT_LANE, 0, label, &w, &h);
    int left_anchor = (!is_marker || m->anchor_left) ^ flipped;
    int off = is_marker ? (m->width + 1) / 2 + 3 : 3;
    int l = left_anchor ? xr + off : xr - off - w;
    if (l < PAD) l = PAD;
    if (l + w > c->w - PAD) l = c->w - PAD - w;
    int color = darken_if_light(is_marker ? m->color : b->color);
    text_draw(c, PT_LANE, 0, color, 0, l, lane_y + 2, TA_LEFT | TV_TOP, label);
  }
}

/* ---- shared results ------------------------------------------------------------ */

void chart_result_png(sqlite3_context *ctx, void *png, int size) {
  if (!png) {
    sqlite3_result_error(ctx, "chart: PNG encoding failed", -1);
    return;
  }
  sqlite3_result_blob64(ctx, png, (sqlite3_uint64)size, sqlite3_free);
}

void *chart_render_empty(const ChartOptions *o, const char *fname, int *size, char **pzErr) {
  Canvas c;
  if (canvas_open(&c, o->width, o->height, fname, pzErr) != 0) return 0;
  if (o->title && *o->title) {
    char buf[1024];
    text_fit(&c, PT_TITLE, 1, o->title, c.w - 2 * PAD, buf, sizeof buf);
    text_draw(&c, PT_TITLE, 1, 0x000000, 0, c.w / 2, PAD, TA_CENTER | TV_TOP, buf);
  }
  int x0 = PAD * 4, y0 = PAD * 4, x1 = c.w - PAD * 4, y1 = c.h - PAD * 4;
  if (x1 > x0 && y1 > y0) {
    fill_rect(&c, x0, y0, x1, y0 + 1, C_GRID);
    fill_rect(&c, x0, y1 - 1, x1, y1, C_GRID);
    fill_rect(&c, x0, y0, x0 + 1, y1, C_GRID);
    fill_rect(&c, x1 - 1, y0, x1, y1, C_GRID);
  }
  text_draw(&c, 16, 0, C_MUTED, 0, c.w / 2, c.h / 2, TA_CENTER | TV_MIDDLE, "no data");
  return canvas_finish_png(&c, fname, size, pzErr);
}

void *canvas_finish_png(Canvas *c, const char *fname, int *size, char **pzErr) {
  void *png = canvas_png(c, size);
  canvas_close(c);
  if (!png && !*pzErr) *pzErr = sqlite3_mprintf("%s: PNG encoding failed", fname);
  return png;
}

void *chart_no_rows_png(const char *fname, int kind, int *size, char **pzErr) {
  ChartOptions d;
  chart_options_parse(0, 0, fname, kind, &d, pzErr);   /* no JSON: the defaults */
  void *png = chart_render_empty(&d, fname, size, pzErr);
  chart_options_free(&d);
  return png;
}

void chart_deliver(sqlite3_context *ctx, void *png, int size, char *err, int failed) {
  if (png) chart_result_png(ctx, png, size);
  else if (err) sqlite3_result_error(ctx, err, -1);
  else if (!failed) sqlite3_result_error_nomem(ctx);
  sqlite3_free(err);
}

/* ---- the shared head of the aggregates ------------------------------------------ */

int chart_grow(void **arr, sqlite3_int64 *cap, sqlite3_int64 n, size_t elem, sqlite3_int64 first) {
  if (n < *cap) return 0;
  sqlite3_int64 nc = *cap ? *cap * 2 : first;
  void *nb = sqlite3_realloc64(*arr, (sqlite3_uint64)nc * elem);
  if (!nb) return -1;
  *arr = nb;
  *cap = nc;
  return 0;
}

void chart_push(sqlite3_context *ctx, ChartHead *h, void **arr, sqlite3_int64 *cap, sqlite3_int64 *n,
                const void *e, size_t elem, sqlite3_int64 first) {
  if (chart_grow(arr, cap, *n, elem, first)) {
    chart_step_error(ctx, h, 0);
    return;
  }
  memcpy((char *)*arr + elem * (size_t)(*n)++, e, elem);
}

void chart_step_error(sqlite3_context *ctx, ChartHead *h, char *msg) {
  h->failed = 1;
  if (msg) sqlite3_result_error(ctx, msg, -1);
  else sqlite3_result_error_nomem(ctx);
  sqlite3_free(msg);
}

void *chart_step_head(sqlite3_context *ctx, size_t acc_size, int kind, const char *fname,
                      sqlite3_value *options) {
  ChartHead *h = sqlite3_aggregate_context(ctx, (int)acc_size);
  if (!h) {
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  if (h->failed) return 0;
  h->row++;
  if (!h->init) {
    h->init = 1;
    h->kind = kind;
    h->fname = fname;
    char *err = 0;
    const char *json = options ? (const char *)sqlite3_value_text(options) : 0;
    if (chart_options_parse(sqlite3_context_db_handle(ctx), json, fname, kind, &h->o, &err) != 0) {
      chart_step_error(ctx, h, err ? err : sqlite3_mprintf("%s: options: invalid", fname));
      return 0;
    }
  }
  return h;
}

int chart_step_number(sqlite3_context *ctx, ChartHead *h, sqlite3_value *v, const char *what,
                      double *out) {
  int t = sqlite3_value_type(v);
  if (t == SQLITE_NULL) return 0;
  if (t == SQLITE_TEXT) {
    const char *s = (const char *)sqlite3_value_text(v);
    if (s && (sqlite3_stricmp(s, "nan") == 0 || sqlite3_stricmp(s, "-nan") == 0)) return 0;
    int nt = sqlite3_value_numeric_type(v);
    if (nt != SQLITE_INTEGER && nt != SQLITE_FLOAT) {
      chart_step_error(ctx, h, sqlite3_mprintf("%s: row %lld: %s '%s' is not a number", h->fname,
                                               h->row, what, s));
      return -1;
    }
  } else if (t == SQLITE_BLOB) {
    chart_step_error(ctx, h, sqlite3_mprintf("%s: row %lld: %s is a blob, not a number", h->fname,
                                             h->row, what));
    return -1;
  }
  *out = sqlite3_value_double(v);
  return isfinite(*out) ? 1 : 0;
}

void chart_final(sqlite3_context *ctx, int kind, const char *fname,
                 void *(*render)(void *acc, int *size, char **pzErr), void (*free_acc)(void *acc)) {
  ChartHead *h = sqlite3_aggregate_context(ctx, 0);
  char *err = 0;
  int size = 0;
  void *png = 0;
  if (!h || !h->init) png = chart_no_rows_png(fname, kind, &size, &err);
  else if (!h->failed) png = render(h, &size, &err);
  chart_deliver(ctx, png, size, err, h && h->failed);
  if (h) {
    free_acc(h);
    chart_options_free(&h->o);
  }
}
