/*
** test_chart_geometry.c — decodes the PNGs the chart aggregates return (with
** libgd) and checks where things landed against coordinates computed here
** from the data: a series at y=5 on a 0..10 axis, a marker at a date, the
** hottest heatmap cell, the title, "no data", spikes kept by decimation.
** Also: the error messages of bad input, and the tick/label helpers.
**
** The plot area is found in the image itself: the axes are the longest
** runs of the axis colour (#444444), left and bottom.
*/
#include "unit.h"
#include "chart.h"
#include <gd.h>
#include <math.h>
#include <stdlib.h>

#define AXIS 0x444444

static sqlite3 *db;

/* Runs one query returning one blob; returns a decoded image or NULL (and
** copies the error message into err). */
static gdImagePtr render(const char *sql, char *err, size_t errn) {
  sqlite3_stmt *st = 0;
  gdImagePtr im = 0;
  if (err) err[0] = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) {
    if (err) snprintf(err, errn, "%s", sqlite3_errmsg(db));
    return 0;
  }
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
    im = gdImageCreateFromPngPtr(sqlite3_column_bytes(st, 0), (void *)sqlite3_column_blob(st, 0));
  } else if (err) {
    snprintf(err, errn, "%s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return im;
}

static int px(gdImagePtr im, int x, int y) { return gdImageGetTrueColorPixel(im, x, y) & 0xFFFFFF; }

typedef struct Area { int x0, y0, x1, y1; } Area;   /* plot area [x0,x1) x [y0,y1] */

/* Finds the axes: the left axis is the column with the longest vertical run
** of AXIS, the bottom axis the row with the longest horizontal run. */
static Area find_area(gdImagePtr im) {
  Area a = {0, 0, 0, 0};
  int W = gdImageSX(im), H = gdImageSY(im), best = 0;
  for (int x = 0; x < W / 2; x++) {
    int run = 0;
    for (int y = 0; y < H; y++) {
      run = px(im, x, y) == AXIS ? run + 1 : 0;
      if (run > best) {
        best = run;
        a.x0 = x + 1;
        a.y0 = y - run + 1;
      }
    }
  }
  best = 0;
  for (int y = H / 2; y < H; y++) {
    int run = 0;
    for (int x = 0; x < W; x++) {
      run = px(im, x, y) == AXIS ? run + 1 : 0;
      if (run > best) {
        best = run;
        a.y1 = y;
        a.x1 = x + 1;
      }
    }
  }
  return a;
}

/* Line and scatter charts keep their data range INSET px inside the frame
** (ext/chart_xy.c: point_size + 1 + 2 with the default point_size 3), so
** points at the ends are not cut by the axes: the data area. */
#define INSET 6
static Area data_area(gdImagePtr im) {
  Area a = find_area(im);
  a.x0 += INSET;
  a.x1 -= INSET;
  a.y0 += INSET;
  a.y1 -= INSET;
  return a;
}

/* Centroid row of "blue ink" (the first palette colour) in column x. */
static double ink_row(gdImagePtr im, int x, int y0, int y1) {
  double sw = 0, s = 0;
  for (int y = y0; y <= y1; y++) {
    int c = px(im, x, y), r = (c >> 16) & 255, b = c & 255;
    if (b < r + 30) continue;                 /* not blue: background, grid */
    double a = 1 - r / 255.0;
    sw += a;
    s += a * (y + 0.5);
  }
  return sw > 0 ? s / sw : -1;
}

static void test_horizontal_series(void) {
  char err[512];
  gdImagePtr im = render(
      "SELECT chart_line(x, 5, 's', '{\"y_min\":0,\"y_max\":10,\"legend\":false}') "
      "FROM (SELECT 0 AS x UNION ALL SELECT 50 UNION ALL SELECT 100)", err, sizeof err);
  CHECK(im != 0);
  if (!im) {
    fprintf(stderr, "  %s\n", err);
    return;
  }
  CHECK(gdImageSX(im) == 1200 && gdImageSY(im) == 600);
  Area a = data_area(im);
  CHECK(a.x1 - a.x0 > 800 && a.y1 - a.y0 > 300);
  if (!(a.x1 - a.x0 > 800)) fprintf(stderr, "  area %d %d %d %d\n", a.x0, a.y0, a.x1, a.y1);
  double expected = a.y1 - 0.5 * (a.y1 - a.y0);       /* value 5 of 0..10 */
  for (int i = 1; i <= 3; i++) {
    int x = a.x0 + (a.x1 - a.x0) * i / 4;
    double got = ink_row(im, x, a.y0, a.y1);
    CHECK(fabs(got - expected) <= 1.0);
    if (fabs(got - expected) > 1.0) fprintf(stderr, "  column %d: line at %.2f, expected %.2f\n", x, got, expected);
  }
  gdImageDestroy(im);
  /* and y = 2.5 on the same axis: a quarter of the way up */
  im = render("SELECT chart_line(x, 2.5, 's', '{\"y_min\":0,\"y_max\":10}') "
              "FROM (SELECT 0 AS x UNION ALL SELECT 100)", err, sizeof err);
  CHECK(im != 0);
  if (!im) return;
  a = data_area(im);
  double got = ink_row(im, (a.x0 + a.x1) / 2, a.y0, a.y1);
  CHECK(fabs(got - (a.y1 - 0.25 * (a.y1 - a.y0))) <= 1.0);
  gdImageDestroy(im);
}

static void test_marker_at_date(void) {
  char err[512];
  gdImagePtr im = render(
      "SELECT chart_line(d, v, 's', '{\"markers\":[{\"x\":\"2025-03-25\",\"label\":\"v1.5.0\","
      "\"color\":\"#FF0000\",\"width\":1,\"dash\":\"solid\"}]}') "
      "FROM (SELECT '2025-01-01' AS d, 1 AS v UNION ALL SELECT '2025-12-31', 1)", err, sizeof err);
  CHECK(im != 0);
  if (!im) {
    fprintf(stderr, "  %s\n", err);
    return;
  }
  Area a = data_area(im);
  double t0 = 1735689600.0, t1 = 1767139200.0, tm = 1742860800.0;   /* 2025-01-01, 12-31, 03-25 */
  double expected = a.x0 + (tm - t0) / (t1 - t0) * (a.x1 - a.x0);
  int y = a.y0 + (a.y1 - a.y0) / 4, found = -1;
  for (int x = a.x0; x < a.x1; x++)
    if (px(im, x, y) == 0xFF0000) found = x;
  CHECK(found >= 0 && fabs(found + 0.5 - expected) <= 1.0);
  if (!(found >= 0 && fabs(found + 0.5 - expected) <= 1.0))
    fprintf(stderr, "  marker column %d, expected %.2f\n", found, expected);
  /* its label is drawn (reddish text) above the plot, left of the line */
  int label_px = 0;
  for (int yy = 0; yy < a.y0; yy++)
    for (int x = found - 80; x < found && x >= 0; x++) {
      int c = px(im, x, yy);
      if (((c >> 16) & 255) > ((c >> 8) & 255) + 60) label_px++;
    }
  CHECK(label_px > 20);
  gdImageDestroy(im);
}

/* x_type category: the i-th distinct label sits in the middle of slot i. */
static void test_category_x(void) {
  char err[512];
  gdImagePtr im = render("SELECT chart_scatter(c, 5, 's', '{\"x_type\":\"category\",\"y_min\":0,"
                         "\"y_max\":10,\"legend\":false}') FROM (SELECT 'e1' AS c UNION ALL "
                         "SELECT 'b2' UNION ALL SELECT 'c3' UNION ALL SELECT 'b2' UNION ALL SELECT 'a4')",
                         err, sizeof err);
  CHECK(im != 0);
  if (!im) {
    fprintf(stderr, "  %s\n", err);
    return;
  }
  Area a = find_area(im);
  double slot = (a.x1 - a.x0) / 4.0;      /* 4 distinct labels */
  int y = (int)(a.y1 - 0.5 * (a.y1 - a.y0));
  for (int i = 0; i < 4; i++) {
    int at = (int)(a.x0 + (i + 0.5) * slot), between = (int)(a.x0 + (i + 1.0) * slot);
    CHECK((px(im, at, y) & 255) > ((px(im, at, y) >> 16) & 255) + 60);    /* a blue disc */
    if (i < 3) CHECK(px(im, between, y) == 0xFFFFFF || (px(im, between, y) >> 16 & 255) > 200);
  }
  gdImageDestroy(im);
}

/* Marker labels: none overlaps another, none sits on another marker's line,
** and the 7 KubeVirt release markers of shape.yaml all get a label at 600 px.
** Checked on the layout itself, with the label extents recomputed here. */
static void check_lanes(const char *markers_json, int width, int want_placed) {
  ChartOptions o;
  char *err = 0;
  char *json = sqlite3_mprintf("{\"width\":%d,\"height\":300,\"markers\":%s}", width, markers_json);
  CHECK(chart_options_parse(db, json, "t", CHART_LINE, &o, &err) == 0);
  sqlite3_free(json);
  if (err) {
    fprintf(stderr, "  %s\n", err);
    sqlite3_free(err);
    return;
  }
  Canvas c;
  CHECK(canvas_open(&c, o.width, o.height, "t", &err) == 0);
  Frame f;
  memset(&f, 0, sizeof f);
  int lanes[64];
  f.c = &c;
  f.o = &o;
  f.x.lo = 1735689600;          /* 2025-01-01 .. 2026-04-01 */
  f.x.hi = 1775001600;
  f.x.time = f.x.fix_lo = f.x.fix_hi = 1;
  f.y.lo = 0;
  f.y.hi = 10;
  f.y.nice = 1;
  f.marker_lane = lanes;
  frame_layout(&f);
  double l[64], r[64], line[64];
  int lane[64], placed = 0;
  for (int i = 0; i < o.n_markers; i++) {
    lane[i] = lanes[i] < 0 ? -1 : lanes[i] & 255;
    int flipped = lanes[i] >= 0 && (lanes[i] & 256);
    int w, h;
    text_size(&c, 8.5, 0, o.markers[i].label, &w, &h);
    line[i] = floor(frame_xpix(&f, o.markers[i].x));
    int left = o.markers[i].anchor_left ^ flipped, off = (o.markers[i].width + 1) / 2 + 3;
    l[i] = left ? line[i] + off : line[i] - off - w;
    r[i] = l[i] + w;
    if (lane[i] >= 0) placed++;
  }
  CHECK(placed >= want_placed);
  for (int i = 0; i < o.n_markers; i++) {
    if (lane[i] < 0) continue;
    for (int j = 0; j < o.n_markers; j++) {
      if (j == i || lane[j] < 0) continue;
      if (lane[j] == lane[i] && l[i] < r[j] && r[i] > l[j]) {
        CHECK(!"two marker labels overlap");
        fprintf(stderr, "  %s and %s overlap in lane %d\n", o.markers[i].label, o.markers[j].label, lane[i]);
      }
      if (lane[j] < lane[i] && line[j] >= l[i] && line[j] <= r[i]) {
        CHECK(!"a marker line crosses a label");
        fprintf(stderr, "  the line of %s crosses %s\n", o.markers[j].label, o.markers[i].label);
      }
    }
  }
  canvas_close(&c);
  chart_options_free(&o);
}

static void test_marker_lanes(void) {
  static const char kubevirt[] =
      "[{\"x\":\"2025-03-25\",\"label\":\"v1.5.0\"},{\"x\":\"2025-04-23\",\"label\":\"k8s-1.33\"},"
      "{\"x\":\"2025-07-30\",\"label\":\"v1.6.0\"},{\"x\":\"2025-08-27\",\"label\":\"k8s-1.34\"},"
      "{\"x\":\"2025-11-27\",\"label\":\"v1.7.0\"},{\"x\":\"2025-12-17\",\"label\":\"k8s-1.35\"},"
      "{\"x\":\"2026-03-25\",\"label\":\"v1.8.0\"}]";
  check_lanes(kubevirt, 600, 7);
  check_lanes(kubevirt, 1200, 7);
  /* twelve labels within three weeks: stacked or dropped, never overlapping */
  char crowded[2048] = "[";
  for (int i = 0; i < 12; i++) {
    char one[128];
    snprintf(one, sizeof one, "%s{\"x\":\"2025-06-%02d\",\"label\":\"release-%d.0\"%s}", i ? "," : "",
             1 + 2 * i, i, i % 3 == 0 ? ",\"xanchor\":\"left\"" : "");
    strcat(crowded, one);
  }
  strcat(crowded, "]");
  check_lanes(crowded, 800, 3);
}

static void test_heatmap_hottest(void) {
  char err[512];
  gdImagePtr im = render("WITH t(x, y, v) AS (VALUES (0,'a',1),(1,'a',2),(2,'a',3),(0,'b',4),(1,'b',5),"
                         "(2,'b',100),(0,'c',7),(1,'c',8),(2,'c',2),(2,'b',0)) "
                         "SELECT chart_heatmap(x, y, v) FROM t", err, sizeof err);
  CHECK(im != 0);
  if (!im) {
    fprintf(stderr, "  %s\n", err);
    return;
  }
  Area a = find_area(im);
  double cw = (a.x1 - a.x0) / 3.0, ch = (a.y1 - a.y0) / 3.0;
  /* column x=2, row 'b' (second from the top); sampled off the cell's
  ** centre, where its value is printed */
  int hx = (int)(a.x0 + 2.15 * cw), hy = (int)(a.y0 + 1.15 * ch);
  CHECK(px(im, hx, hy) == 0xFDE725);
  /* the coolest cell (0,'a') = 1 gets the bottom colour */
  CHECK(px(im, (int)(a.x0 + 0.15 * cw), (int)(a.y0 + 0.15 * ch)) == 0x440154);
  CHECK(px(im, (int)(a.x0 + 1.15 * cw), (int)(a.y0 + 2.15 * ch)) != 0xFDE725);
  /* the value "1" is printed in light text in the middle of that dark cell */
  int light = 0;
  for (int y = (int)(a.y0 + 0.4 * ch); y < (int)(a.y0 + 0.6 * ch); y++)
    for (int x = (int)(a.x0 + 0.4 * cw); x < (int)(a.x0 + 0.6 * cw); x++)
      if (((px(im, x, y) >> 8) & 255) > 200) light++;
  CHECK(light > 5);
  gdImageDestroy(im);
}

static int dark_pixels(gdImagePtr im, int x0, int y0, int x1, int y1, int below) {
  int n = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      if (((px(im, x, y) >> 8) & 255) < below) n++;
  return n;
}

static void test_title_and_no_data(void) {
  gdImagePtr with = render("SELECT chart_bar('a', 1, 's', '{\"title\":\"Throughput\"}')", 0, 0);
  gdImagePtr without = render("SELECT chart_bar('a', 1, 's')", 0, 0);
  CHECK(with && without);
  if (with && without) {
    CHECK(dark_pixels(with, 500, 0, 700, 35, 100) > 50);
    CHECK(dark_pixels(without, 500, 0, 700, 35, 100) == 0);
  }
  if (with) gdImageDestroy(with);
  if (without) gdImageDestroy(without);
  /* no rows at all: a valid PNG with "no data" in the middle */
  gdImagePtr empty = render("SELECT chart_line(x, y, s) FROM (SELECT 1 AS x, 2 AS y, 3 AS s) WHERE 0", 0, 0);
  CHECK(empty != 0);
  if (empty) {
    CHECK(gdImageSX(empty) == 1200);
    CHECK(dark_pixels(empty, 500, 270, 700, 330, 160) > 30);
    gdImageDestroy(empty);
  }
  /* rows, but no usable point: the options still apply */
  empty = render("SELECT chart_line(1, NULL, 's', '{\"width\":400,\"height\":300,\"title\":\"T\"}')", 0, 0);
  CHECK(empty && gdImageSX(empty) == 400 && gdImageSY(empty) == 300);
  if (empty) {
    CHECK(dark_pixels(empty, 100, 120, 300, 180, 160) > 30);
    gdImageDestroy(empty);
  }
}

/* The PNG bytes of a query (sqlite3_malloc'd). */
static char *png_of(const char *sql, int *n) {
  sqlite3_stmt *st = 0;
  char *out = 0;
  *n = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
      sqlite3_column_type(st, 0) == SQLITE_BLOB) {
    *n = sqlite3_column_bytes(st, 0);
    out = sqlite3_malloc(*n);
    memcpy(out, sqlite3_column_blob(st, 0), *n);
  }
  sqlite3_finalize(st);
  return out;
}

static void test_skipped_points_and_order(void) {
  int n1, n2, n3;
  char *clean = png_of("WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i<99) "
                       "SELECT chart_line(i, i*i, 'q') FROM s", &n1);
  char *dirty = png_of("WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i<99) "
                       "SELECT chart_line(x, y, 'q') FROM (SELECT i AS x, i*i AS y FROM s "
                       "UNION ALL SELECT 5, NULL UNION ALL SELECT NULL, 7 UNION ALL SELECT 9, 'NaN' "
                       "UNION ALL SELECT 11, 0.0/0)", &n2);
  char *shuffled = png_of("WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i<99) "
                          "SELECT chart_line(i, i*i, 'q') FROM (SELECT i FROM s ORDER BY (i*37)%100)", &n3);
  CHECK(clean && dirty && shuffled);
  CHECK(n1 == n2 && clean && dirty && memcmp(clean, dirty, n1) == 0);
  CHECK(n1 == n3 && clean && shuffled && memcmp(clean, shuffled, n1) == 0);
  sqlite3_free(clean);
  sqlite3_free(dirty);
  sqlite3_free(shuffled);
}

/* A marker written as KubeVirt's shape.yaml lineShape (plotly form) draws
** exactly what the compact form draws. */
static void test_shape_yaml_markers(void) {
  int n1, n2;
  char *compact = png_of("SELECT chart_line(d, v, 's', '{\"markers\":[{\"x\":\"2025-03-25\","
                         "\"label\":\"v1.5.0\",\"color\":\"grey\",\"width\":2,\"dash\":\"dot\","
                         "\"xanchor\":\"right\"}]}') FROM (SELECT '2025-01-01' AS d, 1 AS v "
                         "UNION ALL SELECT '2025-06-01', 2)", &n1);
  char *shape = png_of("SELECT chart_line(d, v, 's', '{\"markers\":[{\"type\":\"line\","
                       "\"x0\":\"2025-03-25\",\"x1\":\"2025-03-25\",\"y0\":0,\"y1\":1,"
                       "\"yref\":\"paper\",\"editable\":true,\"line\":{\"color\":\"grey\","
                       "\"width\":2,\"dash\":\"dot\"},\"label\":{\"text\":\"v1.5.0\","
                       "\"xanchor\":\"right\"}}]}') FROM (SELECT '2025-01-01' AS d, 1 AS v "
                       "UNION ALL SELECT '2025-06-01', 2)", &n2);
  CHECK(compact && shape && n1 == n2 && memcmp(compact, shape, n1) == 0);
  /* and a different date moves it: the comparison can fail */
  int n3;
  char *moved = png_of("SELECT chart_line(d, v, 's', '{\"markers\":[{\"x\":\"2025-03-26\","
                       "\"label\":\"v1.5.0\",\"color\":\"grey\",\"width\":2,\"dash\":\"dot\"}]}') "
                       "FROM (SELECT '2025-01-01' AS d, 1 AS v UNION ALL SELECT '2025-06-01', 2)", &n3);
  CHECK(moved && compact && (n3 != n1 || memcmp(moved, compact, n1) != 0));
  sqlite3_free(compact);
  sqlite3_free(shape);
  sqlite3_free(moved);
}

/* A line series of one point is still visible, where it belongs. */
static void test_single_point(void) {
  gdImagePtr im = render("SELECT chart_line(5, 5, 's', '{\"x_min\":0,\"x_max\":10,\"y_min\":0,"
                         "\"y_max\":10,\"legend\":false}')", 0, 0);
  CHECK(im != 0);
  if (!im) return;
  Area a = data_area(im);
  int cx = (a.x0 + a.x1) / 2;
  double got = ink_row(im, cx, a.y0, a.y1);
  CHECK(fabs(got - (a.y1 - 0.5 * (a.y1 - a.y0))) <= 1.0);
  gdImageDestroy(im);
}

static void test_decimation_keeps_spikes(void) {
  /* 300,000 points at y=1 and a single one at y=100 */
  gdImagePtr im = render("WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i<299999) "
                         "SELECT chart_line(i, CASE i WHEN 123457 THEN 100 ELSE 1 END, 's', "
                         "'{\"y_min\":0,\"y_max\":100}') FROM s", 0, 0);
  CHECK(im != 0);
  if (!im) return;
  Area a = data_area(im);
  double expected_x = a.x0 + 123457.0 / 299999.0 * (a.x1 - a.x0);
  int hit = -1;
  int y = a.y0 + 3;                         /* just below 100 */
  for (int x = a.x0; x < a.x1; x++) {
    int c = px(im, x, y);
    if ((c & 255) > ((c >> 16) & 255) + 60) hit = x;
  }
  CHECK(hit >= 0 && fabs(hit - expected_x) <= 2);
  gdImageDestroy(im);
}

static void expect_error(const char *sql, const char *part) {
  char err[512];
  gdImagePtr im = render(sql, err, sizeof err);
  CHECK(im == 0);
  if (im) gdImageDestroy(im);
  CHECK(strstr(err, part) != 0);
  if (!strstr(err, part)) fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, part);
}

static void test_errors(void) {
  expect_error("SELECT chart_line(x, 1, 's') FROM (SELECT 1 AS x UNION ALL SELECT 2 "
               "UNION ALL SELECT '2025-01-01')",
               "chart_line: row 3: mixed x types: x is text but earlier rows had numbers");
  expect_error("SELECT chart_line(1, 1, 's', '{\"width\":50}')",
               "chart_line: options: width: 50 out of range 100..4096");
  expect_error("SELECT chart_bar('a', 1, 's', '{\"height\":100000}')",
               "chart_bar: options: height: 100000 out of range 100..4096");
  expect_error("SELECT chart_line(1, 1, 's', '{\"colour\":\"red\"}')",
               "chart_line: options: colour: unknown option");
  expect_error("SELECT chart_line(1, 1, 's', '{\"markers\":[{\"x\":1,\"color\":\"nocolor\"}]}')",
               "chart_line: options: markers[0].color: unknown colour 'nocolor'");
  expect_error("SELECT chart_line(1, 1, 's', '{not json')", "chart_line: options: malformed JSON");
  expect_error("SELECT chart_line(1, 1, 's', '{\"markers\":[{\"type\":\"rect\",\"x0\":1}]}')",
               "chart_line: options: markers[0].type: only shapes of type \"line\" are markers");
  expect_error("SELECT chart_line(1, 1, 's', '{\"markers\":[{\"label\":\"no x\"}]}')",
               "chart_line: options: markers[0]: x is required");
  expect_error("SELECT chart_line(1, 1, 's', '{\"markers\":[{\"x\":\"soon\"}]}')",
               "chart_line: options: markers[0].x: 'soon' is not a number or an ISO-8601 time");
  expect_error("SELECT chart_line('2025-13-45', 1, 's')", "chart_line: row 1: x '2025-13-45' is not an ISO-8601 time");
  expect_error("SELECT chart_scatter(1, 'abc', 's')", "chart_scatter: row 1: y 'abc' is not a number");
  expect_error("SELECT chart_heatmap(x, 'a', 1) FROM (SELECT 1 AS x UNION ALL SELECT 'b')",
               "chart_heatmap: row 2: mixed x_bin types");
  expect_error("SELECT chart_bar('a', 1, 's') FROM (SELECT 1 UNION ALL SELECT 2)",
               "chart_bar: row 2: second value for category 'a' series 's'");
  setenv("PERFSQL_FONT_DIR", "/nonexistent-fonts", 1);
  expect_error("SELECT chart_line(1, 1, 's')",
               "chart_line: font file /nonexistent-fonts/DejaVuSans.ttf not found");
  unsetenv("PERFSQL_FONT_DIR");
}

/* Cut labels keep what tells them apart (the BM_Sort example). */
static void test_label_cut(void) {
  Canvas c;
  char *err = 0;
  CHECK(canvas_open(&c, 200, 100, "test", &err) == 0);
  if (err) {
    fprintf(stderr, "  %s\n", err);
    sqlite3_free(err);
    return;
  }
  const char *labels[] = {"BM_Sort/1024:cpu_time", "BM_Sort/1024:real_time", "BM_Sort/2048:cpu_time",
                          "BM_Sort/2048:real_time"};
  int cut = chart_label_cut(labels, 4);
  CHECK(cut == 8);                                   /* "BM_Sort/" */
  char out[4][64];
  for (int i = 0; i < 4; i++) {
    int w = text_fit_mid(&c, 9, 0, labels[i], cut, 95, out[i], sizeof out[i]), fw, fh;
    text_size(&c, 9, 0, out[i], &fw, &fh);
    CHECK(w > 0 && w <= 95 && fw == w);
    CHECK(strstr(out[i], "\xE2\x80\xA6") != 0);   /* it was cut */
    CHECK(out[i][0] == 'B');                          /* the start stays */
  }
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++) CHECK(strcmp(out[i], out[j]) != 0);
  CHECK(strstr(out[0], "cpu_time") && strstr(out[1], "real_time"));
  /* no shared start: cut in the middle, both ends stay */
  text_fit_mid(&c, 9, 0, "alpha-beta-gamma-delta-epsilon", -1, 80, out[0], sizeof out[0]);
  CHECK(strncmp(out[0], "alp", 3) == 0 && strlen(out[0]) > 5 &&
        strcmp(out[0] + strlen(out[0]) - 3, "lon") == 0);
  /* what fits is left alone */
  CHECK(text_fit_mid(&c, 9, 0, "short", 4, 95, out[0], sizeof out[0]) > 0 && strcmp(out[0], "short") == 0);
  canvas_close(&c);
}

static void test_format_helpers(void) {
  char b[64];
  chart_fmt_number(12500, 2500, 20000, b, sizeof b);
  CHECK_STR(b, "12.5\xE2\x80\x89k");
  chart_fmt_number(2500000, 500000, 5000000, b, sizeof b);
  CHECK_STR(b, "2.5\xE2\x80\x89M");
  chart_fmt_number(3e9, 1e9, 4e9, b, sizeof b);
  CHECK_STR(b, "3\xE2\x80\x89G");
  chart_fmt_number(0.25, 0.05, 1, b, sizeof b);
  CHECK_STR(b, "0.25");
  chart_fmt_number(0.0002, 0.0001, 0.0005, b, sizeof b);
  CHECK_STR(b, "200\xE2\x80\x89\xC2\xB5");
  chart_fmt_number(0, 0.0001, 0.0005, b, sizeof b);
  CHECK_STR(b, "0");
  chart_fmt_number(-1500, 500, 2000, b, sizeof b);
  CHECK_STR(b, "-1500");
  chart_fmt_number(-15000, 5000, 20000, b, sizeof b);
  CHECK_STR(b, "-15\xE2\x80\x89k");
  chart_fmt_value(0.5, b, sizeof b);
  CHECK_STR(b, "0.5");
  chart_fmt_value(48.53, b, sizeof b);
  CHECK_STR(b, "48.53");
  chart_fmt_value(120000, b, sizeof b);
  CHECK_STR(b, "120\xE2\x80\x89k");
  /* the examples: at most 4 significant digits */
  chart_fmt_value(220889300, b, sizeof b);
  CHECK_STR(b, "220.9\xE2\x80\x89M");
  chart_fmt_value(115152553, b, sizeof b);
  CHECK_STR(b, "115.2\xE2\x80\x89M");
  chart_fmt_value(1234.5678, b, sizeof b);
  CHECK_STR(b, "1235");
  chart_fmt_value(0.000123456, b, sizeof b);
  CHECK_STR(b, "123.5\xE2\x80\x89\xC2\xB5");
  chart_fmt_value(2500000, b, sizeof b);
  CHECK_STR(b, "2.5\xE2\x80\x89M");
  chart_fmt_value(3.0001, b, sizeof b);
  CHECK_STR(b, "3");
  double t[32], step;
  int n = chart_nice_ticks(0, 10, 5, t, 32, &step);
  CHECK(n == 6 && step == 2 && t[0] == 0 && t[5] == 10);
  n = chart_nice_ticks(0.13, 0.87, 4, t, 32, &step);
  CHECK(step == 0.2 && n == 4 && fabs(t[0] - 0.2) < 1e-12);
  char labels[32][40];
  /* a year: monthly ticks on the 1st */
  n = chart_time_ticks(1735689600, 1767139200, 13, t, labels, 32);
  CHECK(n == 12);
  CHECK_STR(labels[0], "2025-01");
  CHECK_STR(labels[2], "2025-03");
  /* a minute: 10-second ticks */
  n = chart_time_ticks(1735689600, 1735689660, 8, t, labels, 32);
  CHECK(n == 7);
  CHECK_STR(labels[1], "00:00:10");
  /* five hours across midnight: 30-minute ticks, the date where the day changes */
  n = chart_time_ticks(1742940000, 1742958000, 11, t, labels, 32);
  CHECK(n == 11);
  CHECK_STR(labels[0], "03-25 22:00");
  CHECK_STR(labels[1], "22:30");
  CHECK_STR(labels[4], "03-26 00:00");
  CHECK_STR(labels[5], "00:30");
  /* ten years: yearly or 2-yearly */
  n = chart_time_ticks(1420070400, 1735689600, 6, t, labels, 32);
  CHECK(n >= 3 && n <= 6 && strcmp(labels[0], "2016") == 0);
  int rgb;
  CHECK(chart_parse_color("grey", &rgb) == 0 && rgb == 0x808080);
  CHECK(chart_parse_color("#abc", &rgb) == 0 && rgb == 0xAABBCC);
  CHECK(chart_parse_color("rgb(1, 2, 3)", &rgb) == 0 && rgb == 0x010203);
  CHECK(chart_parse_color("nocolor", &rgb) == -1);
  CHECK(chart_viridis(1.0) == 0xFDE725 && chart_viridis(0) == 0x440154);
}

int main(void) {
  db = unit_open(":memory:");
  CHECK(db != 0);
  if (!db) return unit_done();
  test_format_helpers();
  test_label_cut();
  test_horizontal_series();
  test_marker_at_date();
  test_heatmap_hottest();
  test_category_x();
  test_marker_lanes();
  test_title_and_no_data();
  test_skipped_points_and_order();
  test_shape_yaml_markers();
  test_single_point();
  test_decimation_keeps_spikes();
  test_errors();
  sqlite3_close(db);
  return unit_done();
}
