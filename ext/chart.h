/*
** chart.h — what the chart renderers (ext/chart_*.c) share: options, the
** canvas (a libgd image, cached FreeType glyphs, anti-aliased coverage; PNG
** written by ext/chart_png.c with the marks of the chart for hover), the shared head of the aggregates, axes
** with nice ticks, and the frame every chart kind draws into.
**
** Units. Every x value is a double: plain numbers, or for time axes UTC unix
** seconds (nanosecond inputs are divided by 1e9 at the door). Colours are
** 0xRRGGBB ints. Pixel coordinates are doubles with (0,0) the top-left
** corner of the top-left pixel; pixel (i,j) is centred on (i+0.5, j+0.5).
*/
#ifndef PERFSQL_CHART_H
#define PERFSQL_CHART_H

#include "perfsql.h"
#include <gd.h>

#define CHART_MIN_SIZE 100
#define CHART_MAX_SIZE 4096
#define CHART_FONT_FILE "DejaVuSans.ttf"
#define CHART_FONT_BOLD_FILE "DejaVuSans-Bold.ttf"

enum ChartKind { CHART_LINE, CHART_SCATTER, CHART_BAR, CHART_HEATMAP };
enum ChartXType { XT_AUTO = 0, XT_NUMBER, XT_TIME, XT_TIME_NS, XT_CATEGORY };
enum ChartMode { MODE_DEFAULT = 0, MODE_LINES, MODE_MARKERS, MODE_LINES_MARKERS };
enum ChartDash { DASH_SOLID = 0, DASH_DOT, DASH_DASH, DASH_LONGDASH, DASH_DASHDOT, DASH_LONGDASHDOT };

/* A vertical line at x (KubeVirt's shape.yaml lineShapes: x0, line.color,
** line.width, line.dash, label.text, label.xanchor). */
typedef struct ChartMarker {
  double x;
  int x_is_text;             /* x came as text: parsed as a time */
  char *label;
  int color, width, dash;
  int anchor_left;           /* label starts at the line (xanchor "left"); default ends at it */
} ChartMarker;

/* A shaded x range [x0, x1], e.g. a regression window. */
typedef struct ChartBand {
  double x0, x1;
  int x0_is_text, x1_is_text;
  char *label;
  int color;
  double opacity;
} ChartBand;

/* Per-series style, keyed by the series name given to the aggregate. */
typedef struct ChartSeriesStyle {
  char *name;
  int mode;                  /* enum ChartMode */
  int color;                 /* -1 = palette */
  int width;                 /* 0 = default */
  int dash;
} ChartSeriesStyle;

typedef struct ChartOptions {
  char *title, *x_label, *y_label, *z_label;
  char *x_unit, *y_unit;     /* shown in the axis title "label (unit)" and the hover text */
  int marks;                 /* record the marks for hover (default 1) */
  int width, height;
  int log_y, log_z;
  int y_integer;             /* y ticks at whole numbers only */
  int has_y_min, has_y_max, has_x_min, has_x_max;
  double y_min, y_max, x_min, x_max;
  int x_min_is_text, x_max_is_text;
  int x_type;                /* enum ChartXType */
  int legend;                /* 1 show when useful (default), 0 never */
  int line_width;            /* px, default 2 */
  int point_size;            /* marker radius px, default 3 */
  int bar_labels;            /* print values above bars (default 1 when they fit) */
  int cell_labels;           /* print values in heatmap cells (default 1 when they fit) */
  int *colors; int n_colors; /* palette override */
  ChartMarker *markers; int n_markers;
  ChartBand *bands; int n_bands;
  ChartSeriesStyle *series; int n_series;
} ChartOptions;

/* Parses the options JSON (NULL = defaults) with SQLite's json_each on db.
** kind decides which keys are accepted. Returns 0, or -1 with *pzErr
** (sqlite3_malloc'd, prefixed by fname). */
int chart_options_parse(sqlite3 *db, const char *json, const char *fname, int kind,
                        ChartOptions *o, char **pzErr);
void chart_options_free(ChartOptions *o);
/* Resolves time-typed marker/band positions once the x type is known. */
void chart_options_fix_x(ChartOptions *o, int x_type);

/* ---- distinct labels in order of appearance (ext/chart_labels.c) ------- */
typedef struct LabelSet {
  char **names; int n, cap;  /* names[i]: the i-th distinct label */
  int *slots; int nslots;    /* hash table of indexes into names */
  int last;                  /* last label found (fast path) */
} LabelSet;
/* Index of s (NULL = ""), added if new: >= 0, -2 beyond max labels, -1 OOM. */
int label_index(LabelSet *ls, const char *s, int max);
void label_set_free(LabelSet *ls);

/* ---- colours and formatting (ext/chart_format.c) ---------------------- */
/* "#rgb", "#rrggbb", "rgb(r,g,b)" or a CSS colour name. 0 ok, -1 unknown. */
int chart_parse_color(const char *s, int *rgb);
int chart_palette(const ChartOptions *o, int i);    /* Okabe-Ito unless overridden */
int chart_viridis(double t);                         /* t in [0,1] */
int chart_dash_parse(const char *s, int *dash);

/* Nice tick values for [lo, hi] with about `target` ticks (1-2-5 steps).
** Returns the count written to ticks (at most max), sets *step. */
int chart_nice_ticks(double lo, double hi, int target, double *ticks, int max, double *step);
/* Nice step for a range (1, 2, 5 x 10^k). */
double chart_nice_step(double range, int target);
/* Number label: SI prefixes after a thin space from 1e4 (and below 1e-3):
** "220.9 M"; decimals follow the step. amax = largest |value| on the axis. */
void chart_fmt_number(double v, double step, double amax, char *out, size_t n);
/* A data value printed on its own (bar tops, heatmap cells, hover text):
** 4 significant digits with an SI prefix ("220.9 M"; whole numbers below
** 10,000 as they are), no trailing zeros. */
void chart_fmt_value(double v, char *out, size_t n);
/* The same with sig significant digits (hover text uses 6). */
void chart_fmt_sig(double v, int sig, char *out, size_t n);
/* Date ticks for [lo, hi] (unix seconds): picks the smallest calendar unit
** giving at most max_ticks ticks; writes ticks and labels. Returns count. */
int chart_time_ok(double lo, double hi);      /* within the years a time axis can label */
int chart_time_ticks(double lo, double hi, int max_ticks, double *ticks, char (*labels)[40], int max);
/* The label of the widest format a time axis over [lo,hi] could use with
** max_ticks ticks (used to measure before choosing). */
void chart_fmt_time(double t, int unit_index, char *out, size_t n);

/* ---- canvas (ext/chart_canvas.c) ------------------------------------- */
/* The marks of a chart (points, bars, cells, markers): pixel box and the
** values under it, recorded while drawing and carried in the PNG (see
** ext/chart_png.h) for hover text in HTML reports and chart_layout(). */
#define CHART_MAX_MARKS 10000
typedef struct ChartMarks {
  int on;                    /* options.marks (default 1) */
  char *buf; size_t len; sqlite3_int64 cap;   /* one line per mark: "x0 y0 x1 y1\tseries\tx\ty\n" */
  int n, truncated, oom;
  char x_name[128], y_name[128];   /* what x and y are, for the hover text */
} ChartMarks;

typedef struct CanvasTabs CanvasTabs;   /* colour look-ups (ext/chart_canvas.c) */
typedef struct Canvas {
  gdImagePtr im;             /* libgd palette image (gdImageCreate); true colour once a
                                257th colour is needed */
  int w, h;
  float *cov;                /* w*h coverage for anti-aliased shapes (all 0 between groups) */
  int *touched; size_t n_touched;   /* indexes of the non-zero cov pixels */
  size_t cap;                /* pixels the buffers above can hold (reused between charts) */
  CanvasTabs *tabs;          /* colour -> palette index, blend ramps (reused) */
  ChartMarks marks;
} Canvas;

/* Opens a w x h white canvas (a palette image; the coverage buffers are
** reused from the last chart of this process when large enough); loads the
** fonts on first use. 0 or -1 + *pzErr. */
int canvas_open(Canvas *c, int w, int h, const char *fname, char **pzErr);
void canvas_close(Canvas *c);
/* The PNG of the image (perfsql's writer for a palette image, libgd's for
** true colour) with the marks chunk before IEND; sqlite3_malloc'd, NULL
** when out of memory. */
void *canvas_png(Canvas *c, int *size);
/* Takes palette entries for these solid colours (0xRRGGBB) now, before
** anti-aliased shades can fill the palette (a heatmap's colour scale). */
void canvas_colors(Canvas *c, const int *rgb, int n);
/* Records one mark (box in pixels, inclusive-exclusive); texts may be NULL. */
void canvas_mark(Canvas *c, double x0, double y0, double x1, double y1, const char *series,
                 const char *x, const char *y);

enum { TA_LEFT = 0, TA_CENTER = 1, TA_RIGHT = 2 };     /* horizontal anchor */
enum { TV_TOP = 0, TV_MIDDLE = 4, TV_BASELINE = 8, TV_BOTTOM = 12 };
/* Size of a text in px (angle in degrees: 0 or 90). */
void text_size(Canvas *c, double pt, int bold, const char *s, int *w, int *h);
/* Draws a text anchored at (x, y); angle 0 (horizontal) or 90 (bottom-to-top). */
void text_draw(Canvas *c, double pt, int bold, int color, double angle, int x, int y, int anchor,
               const char *s);
/* s shortened with "…" at its end to fit max_w px into out; returns the width used. */
int text_fit(Canvas *c, double pt, int bold, const char *s, int max_w, char *out, size_t n);
/* The same, cut inside: the "…" replaces characters left of byte offset
** `at` (the end of the start that all labels of the axis share, see
** chart_label_cut) down to the first character, then right of it; at < 0 =
** around the middle. The part that tells labels apart stays longest:
** "B…1024:cpu_time" / "B…1024:real_time" / "B…2048:cpu_time". */
int text_fit_mid(Canvas *c, double pt, int bold, const char *s, int at, int max_w, char *out,
                 size_t n);

void fill_rect(Canvas *c, int x0, int y0, int x1, int y1, int color);      /* [x0,x1) x [y0,y1) */
void blend_rect(Canvas *c, int x0, int y0, int x1, int y1, int color, double alpha);
void hline(Canvas *c, int x0, int x1, int y, int color);
void vline_dash(Canvas *c, int x, int y0, int y1, int width, int dash, int color);

/* Anti-aliased drawing: accumulate coverage (max per pixel), then composite. */
void cov_segment(Canvas *c, double x0, double y0, double x1, double y1, double width,
                 int clip_x0, int clip_y0, int clip_x1, int clip_y1);
void cov_disc(Canvas *c, double cx, double cy, double r);
void cov_flush(Canvas *c, int color, double alpha);

/* ---- axes and frame (ext/chart_frame.c) ------------------------------- */
#define AXIS_MAX_TICKS 64
typedef struct Axis {
  double lo, hi;             /* the axis range after padding/nice rounding */
  int log;                   /* log10 scale */
  int time;                  /* ticks are dates */
  int nice;                  /* widen lo/hi to whole tick steps ... */
  int integer;               /* ticks at whole numbers only (CPU numbers, counts) */
  int fix_lo, fix_hi;        /* ... except ends the user fixed */
  double step;               /* tick step (linear numeric axes) */
  int n;                     /* tick count */
  double ticks[AXIS_MAX_TICKS];
  char labels[AXIS_MAX_TICKS][40];
} Axis;

/* The frame of an x/y chart: margins, plot area, axes, legend entries. */
typedef struct LegendEntry { const char *name; int color; int mode; int dash; } LegendEntry;

typedef struct Frame {
  Canvas *c;
  const ChartOptions *o;
  int px0, py0, px1, py1;    /* plot area [px0,px1) x [py0,py1) */
  Axis x, y;
  /* categories instead of numeric x (bar, heatmap) */
  const char **x_cats; int n_x_cats;
  const char **y_cats; int n_y_cats;
  int x_rot;                 /* category labels rotated 90 degrees */
  int x_full;                /* category labels whole and horizontal */
  int x_cat_every;           /* label every k-th category */
  int y_cat_every;
  LegendEntry *legend; int n_legend;   /* mode -1 = box (bars), -2 = text only */
  char legend_more[48];      /* "+N more series" when the legend is cut */
  int right_reserve;         /* px kept free on the right (heatmap colour bar) */
  int inset;                 /* px between the frame and the data range (numeric axes) */
  int x_cut, y_cut, legend_cut;   /* where long labels are cut (text_fit_mid), -1 = middle */
  char x_title[256], y_title[256];   /* axis titles with their units */
  int lane_h, n_lanes;       /* marker label lanes above the plot */
  int *marker_lane;          /* lane of each marker label (-1 = not shown) */
} Frame;

/* Lays out the frame (margins, ticks that never overlap, legend below the
** plot, marker label lanes above it) for data ranges already in f->x/f->y
** (lo/hi, log, time) or categories. */
void frame_layout(Frame *f);
/* Draws background grid, bands, ticks, tick labels, titles and legend (not
** the data). frame_finish() then draws, over the data, the axis lines and
** the markers with their labels. */
void frame_draw(Frame *f);
void frame_finish(Frame *f);
double frame_xpix(const Frame *f, double x);       /* data -> pixel (continuous) */
/* Hover texts of a data x / y: the category, the UTC time, or the number
** (6 significant digits), followed by the axis unit when there is one. */
void frame_fmt_x(const Frame *f, double x, char *out, size_t n);
void frame_fmt_y(const Frame *f, double y, char *out, size_t n);
/* Sets the names of x and y in the marks (axis titles, else "x"/"y"). */
void frame_marks_names(Frame *f, const char *y_name);
/* What a category (or heatmap row) is called on the chart and in the hover
** text: itself, or "(no name)" for an empty one (a task without a name). */
const char *chart_cat_name(const char *s);
/* "label (unit)", "label", "unit" or "" into out. */
void chart_axis_title(const char *label, const char *unit, char *out, size_t n);
/* Where to cut labels that share a start: the byte length of the start all
** of them share (at a UTF-8 boundary), or -1 when none or only one label. */
int chart_label_cut(const char *const *labels, int n);
double frame_ypix(const Frame *f, double y);
/* A chart with no data: frame, title and "no data" in the middle. */
void *chart_render_empty(const ChartOptions *o, const char *fname, int *size, char **pzErr);

/* A pixel coordinate clamped to [lo, hi] (NaN -> lo): keeps double -> int
** conversions defined whatever the data. */
static inline int clamp_px(double v, int lo, int hi) {
  if (!(v >= lo)) return lo;
  if (!(v <= hi)) return hi;
  return (int)(v + 0.5);
}

/* ---- the head every chart aggregate shares (ext/chart_frame.c) ---------- */
/* First member of every accumulator: set-up state and the error path. */
typedef struct ChartHead {
  int init, failed, kind;
  const char *fname;         /* "chart_line", ... */
  ChartOptions o;
  sqlite3_int64 row;         /* 1-based row given to the aggregate */
} ChartHead;
/* Start of xStep: the accumulator (acc_size bytes, a ChartHead first) with
** the options parsed on the first row and the row counted; NULL when this
** row is to be ignored (an earlier error, or out of memory: error set). */
void *chart_step_head(sqlite3_context *ctx, size_t acc_size, int kind, const char *fname,
                      sqlite3_value *options);
/* Room for one more element in the growing array *arr (n used, *cap
** allocated, elem bytes each; the capacity doubles, from `first`): 0, or -1
** when out of memory (the array is left as it was). */
int chart_grow(void **arr, sqlite3_int64 *cap, sqlite3_int64 n, size_t elem, sqlite3_int64 first);
/* Appends the elem bytes at e to such an array (*n used); out of memory
** fails the aggregate (chart_step_error). */
void chart_push(sqlite3_context *ctx, ChartHead *h, void **arr, sqlite3_int64 *cap, sqlite3_int64 *n,
                const void *e, size_t elem, sqlite3_int64 first);
/* Fails the aggregate with msg (consumed; NULL = out of memory). */
void chart_step_error(sqlite3_context *ctx, ChartHead *h, char *msg);
/* A numeric argument: 1 with *out set, 0 to skip the row (NULL, NaN), -1
** after an error naming the row ("<what> 'text' is not a number"). */
int chart_step_number(sqlite3_context *ctx, ChartHead *h, sqlite3_value *v, const char *what,
                      double *out);
/* xFinal of every chart: render(acc) when rows came (else the "no data"
** PNG), deliver, then free_acc(acc) and the options. */
void chart_final(sqlite3_context *ctx, int kind, const char *fname,
                 void *(*render)(void *acc, int *size, char **pzErr), void (*free_acc)(void *acc));

/* Shared by the aggregates. */
void chart_result_png(sqlite3_context *ctx, void *png, int size);
/* Encodes and closes the canvas: the PNG, or NULL with *pzErr set. */
void *canvas_finish_png(Canvas *c, const char *fname, int *size, char **pzErr);
/* The "no data" PNG of kind's default options, for an aggregate that saw no row. */
void *chart_no_rows_png(const char *fname, int kind, int *size, char **pzErr);
/* The end of every chart aggregate's xFinal: the PNG as the result, else err
** (consumed) as the error, else (nothing rendered, no error) out of memory —
** unless a step already failed and set its own error (failed = 1). */
void chart_deliver(sqlite3_context *ctx, void *png, int size, char *err, int failed);

#endif
