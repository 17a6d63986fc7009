/*
** chart_canvas.c — the drawing surface of every chart: a libgd true-colour
** image, TrueType text (DejaVu Sans) and anti-aliased lines and discs.
**
**  1. Fonts are read from $PERFSQL_FONT_DIR when set, else from the build's
**     PERFSQL_FONT_DIR (Debian: fonts-dejavu-core). A missing font file is an
**     error naming the file, raised before anything is drawn.
**  2. Lines and discs are anti-aliased by exact coverage: every pixel gets
**     clamp(r + 0.5 - d, 0, 1) where d is its distance to the segment (a
**     capsule) or the centre. Coverage is accumulated per shape group with
**     max() so the joints of a polyline are not darkened twice, then
**     composited once (cov_flush). Cost: O(pixels touched).
**  3. Text is anchored by the font's ascent/descent (measured on "Ag"), not
**     by the glyphs of each string, so labels of one axis line up.
**  4. Memory: the image plus one float per pixel of coverage; no allocation
**     per drawn shape.
*/
#include "chart.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PERFSQL_FONT_DIR
#define PERFSQL_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#endif

static const char *font_dir(void) {
  const char *d = getenv("PERFSQL_FONT_DIR");
  return d && *d ? d : PERFSQL_FONT_DIR;
}

int canvas_open(Canvas *c, int w, int h, const char *fname, char **pzErr) {
  memset(c, 0, sizeof *c);
  snprintf(c->font, sizeof c->font, "%s/%s", font_dir(), CHART_FONT_FILE);
  snprintf(c->font_bold, sizeof c->font_bold, "%s/%s", font_dir(), CHART_FONT_BOLD_FILE);
  const char *missing = access(c->font, R_OK) != 0        ? c->font
                        : access(c->font_bold, R_OK) != 0 ? c->font_bold
                                                          : 0;
  if (missing) {
    *pzErr = sqlite3_mprintf("%s: font file %s not found (install fonts-dejavu-core or set "
                             "PERFSQL_FONT_DIR)", fname, missing);
    return -1;
  }
  c->im = gdImageCreateTrueColor(w, h);
  c->cov = sqlite3_malloc64((sqlite3_uint64)w * h * sizeof(float));
  if (!c->im || !c->cov) {
    canvas_close(c);
    *pzErr = sqlite3_mprintf("%s: out of memory for a %dx%d image", fname, w, h);
    return -1;
  }
  memset(c->cov, 0, (size_t)w * h * sizeof(float));
  c->w = w;
  c->h = h;
  c->bx0 = w; c->by0 = h; c->bx1 = 0; c->by1 = 0;
  gdImageAlphaBlending(c->im, 1);
  fill_rect(c, 0, 0, w, h, 0xFFFFFF);
  return 0;
}

void canvas_close(Canvas *c) {
  if (c->im) gdImageDestroy(c->im);
  sqlite3_free(c->cov);
  c->im = 0;
  c->cov = 0;
}

void *canvas_png(Canvas *c, int *size) {
  return gdImagePngPtrEx(c->im, size, 1);
}

/* ---- text ---------------------------------------------------------------- */

static const char *font_of(Canvas *c, int bold) { return bold ? c->font_bold : c->font; }

/* Ascent (above baseline) and descent (below) of the font at this size. */
static void font_metrics(Canvas *c, double pt, int bold, int *ascent, int *descent) {
  int br[8];
  for (int i = 0; i < c->n_metrics; i++) {
    if (c->metrics[i].pt == (float)pt && c->metrics[i].bold == bold) {
      *ascent = c->metrics[i].ascent;
      *descent = c->metrics[i].descent;
      return;
    }
  }
  char *e = gdImageStringFT(NULL, br, 0, (char *)font_of(c, bold), pt, 0, 0, 0, (char *)"Ag");
  if (e) {
    *ascent = (int)(pt * 1.0);
    *descent = (int)(pt * 0.3);
    return;
  }
  *ascent = -br[5];
  *descent = br[1];
  if (c->n_metrics < 8) {
    c->metrics[c->n_metrics].pt = (float)pt;
    c->metrics[c->n_metrics].bold = bold;
    c->metrics[c->n_metrics].ascent = *ascent;
    c->metrics[c->n_metrics].descent = *descent;
    c->n_metrics++;
  }
}

void text_size(Canvas *c, double pt, int bold, const char *s, int *w, int *h) {
  int br[8], a, d;
  font_metrics(c, pt, bold, &a, &d);
  *h = a + d;
  if (!s || !*s) {
    *w = 0;
    return;
  }
  /* measuring runs FreeType's hinter on every glyph: remember short labels */
  size_t len = strlen(s);
  if (len < sizeof c->widths[0].s) {
    for (int i = 0; i < c->n_widths; i++) {
      if (c->widths[i].pt == (float)pt && c->widths[i].bold == bold && strcmp(c->widths[i].s, s) == 0) {
        *w = c->widths[i].w;
        return;
      }
    }
  }
  char *e = gdImageStringFT(NULL, br, 0, (char *)font_of(c, bold), pt, 0, 0, 0, (char *)s);
  *w = e ? (int)(len * pt * 0.6) : br[2] - br[0];
  if (len < sizeof c->widths[0].s) {
    int slot = c->n_widths < 128 ? c->n_widths++ : (c->next_width++ & 127);
    memcpy(c->widths[slot].s, s, len + 1);
    c->widths[slot].pt = (float)pt;
    c->widths[slot].bold = bold;
    c->widths[slot].w = *w;
  }
}

void text_draw(Canvas *c, double pt, int bold, int color, double angle, int x, int y, int anchor,
               const char *s) {
  if (!s || !*s) return;
  int w, h, a, d, br[8];
  text_size(c, pt, bold, s, &w, &h);
  font_metrics(c, pt, bold, &a, &d);
  int ha = anchor & 3, va = anchor & 12;
  int along = ha == TA_LEFT ? 0 : ha == TA_CENTER ? w / 2 : w;
  int across = va == TV_TOP        ? a
               : va == TV_MIDDLE   ? (a - d) / 2
               : va == TV_BASELINE ? 0
                                   : -d;
  int bx, by;
  if (angle > 45) {            /* reads bottom to top */
    bx = x + across;
    by = y + along;
  } else {
    bx = x - along;
    by = y + across;
  }
  gdImageStringFT(c->im, br, color, (char *)font_of(c, bold), pt, angle * M_PI / 180.0, bx, by,
                  (char *)s);
}

int text_fit(Canvas *c, double pt, int bold, const char *s, int max_w, char *out, size_t n) {
  int w, h;
  snprintf(out, n, "%s", s ? s : "");
  text_size(c, pt, bold, out, &w, &h);
  if (w <= max_w) return w;
  size_t len = strlen(out);
  while (len > 0) {
    len--;
    while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80) len--;   /* UTF-8 boundary */
    if (len + 4 > n) continue;
    memcpy(out + len, "\xE2\x80\xA6", 4);       /* … */
    text_size(c, pt, bold, out, &w, &h);
    if (w <= max_w) return w;
  }
  out[0] = 0;
  return 0;
}

/* ---- rectangles and straight lines --------------------------------------- */

static inline int blend(int dst, int src, double a) {
  int r = (int)(((dst >> 16) & 255) * (1 - a) + ((src >> 16) & 255) * a + 0.5);
  int g = (int)(((dst >> 8) & 255) * (1 - a) + ((src >> 8) & 255) * a + 0.5);
  int b = (int)((dst & 255) * (1 - a) + (src & 255) * a + 0.5);
  return (r << 16) | (g << 8) | b;
}

void fill_rect(Canvas *c, int x0, int y0, int x1, int y1, int color) {
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > c->w) x1 = c->w;
  if (y1 > c->h) y1 = c->h;
  /* direct writes: gdImageFilledRectangle blends pixel by pixel */
  for (int y = y0; y < y1; y++) {
    int *row = c->im->tpixels[y];
    for (int x = x0; x < x1; x++) row[x] = color;
  }
}

void blend_rect(Canvas *c, int x0, int y0, int x1, int y1, int color, double alpha) {
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > c->w) x1 = c->w;
  if (y1 > c->h) y1 = c->h;
  for (int y = y0; y < y1; y++) {
    int *row = c->im->tpixels[y];
    for (int x = x0; x < x1; x++) row[x] = blend(row[x] & 0xFFFFFF, color, alpha);
  }
}

void hline(Canvas *c, int x0, int x1, int y, int color) { fill_rect(c, x0, y, x1, y + 1, color); }

void vline_dash(Canvas *c, int x, int y0, int y1, int width, int dash, int color) {
  if (width < 1) width = 1;
  int u = width < 3 ? 3 : width;              /* plotly: dash lengths scale with max(width, 3) */
  int pat[4], np;
  switch (dash) {
    case DASH_DOT: pat[0] = u; pat[1] = u; np = 2; break;
    case DASH_DASH: pat[0] = 3 * u; pat[1] = 3 * u; np = 2; break;
    case DASH_LONGDASH: pat[0] = 5 * u; pat[1] = 5 * u; np = 2; break;
    case DASH_DASHDOT: pat[0] = 3 * u; pat[1] = u; pat[2] = u; pat[3] = u; np = 4; break;
    case DASH_LONGDASHDOT: pat[0] = 5 * u; pat[1] = 2 * u; pat[2] = u; pat[3] = 2 * u; np = 4; break;
    default: pat[0] = 1; pat[1] = 0; np = 2;
  }
  int xs = x - (width - 1) / 2;
  int i = 0, left = pat[0];
  for (int y = y1 - 1; y >= y0; y--) {     /* the pattern starts at the bottom axis */
    if ((i & 1) == 0) fill_rect(c, xs, y, xs + width, y + 1, color);
    if (--left <= 0) {
      i = (i + 1) % np;
      left = pat[i];
      while (left <= 0) {
        i = (i + 1) % np;
        left = pat[i];
      }
    }
  }
}

/* ---- anti-aliased coverage ----------------------------------------------- */

static inline void cov_put(Canvas *c, int x, int y, float v) {
  float *p = &c->cov[(size_t)y * c->w + x];
  if (v > *p) *p = v;
}

static inline void cov_touch(Canvas *c, int x0, int y0, int x1, int y1) {
  if (x0 < c->bx0) c->bx0 = x0;
  if (y0 < c->by0) c->by0 = y0;
  if (x1 > c->bx1) c->bx1 = x1;
  if (y1 > c->by1) c->by1 = y1;
}

void cov_segment(Canvas *c, double x0, double y0, double x1, double y1, double width,
                 int cx0, int cy0, int cx1, int cy1) {
  if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1)) return;
  double r = width / 2, R = r + 1;
  if (cx0 < 0) cx0 = 0;
  if (cy0 < 0) cy0 = 0;
  if (cx1 > c->w) cx1 = c->w;
  if (cy1 > c->h) cy1 = c->h;
  /* Far outside the clip box: clamp the segment to a box around the clip
  ** area so that a huge coordinate cannot loop for long. */
  double minx = fmin(x0, x1) - R, maxx = fmax(x0, x1) + R;
  double miny = fmin(y0, y1) - R, maxy = fmax(y0, y1) + R;
  int ya = (int)floor(fmax(miny, cy0)), yb = (int)ceil(fmin(maxy, cy1));
  if (ya >= yb || maxx < cx0 || minx > cx1) return;
  double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy, len = sqrt(len2);
  int tx0 = cx1, tx1 = cx0;
  for (int y = ya; y < yb; y++) {
    double yc = y + 0.5;
    double xa = minx, xb = maxx;
    if (fabs(dy) > 1e-12) {
      double base = x0 + (yc - y0) * dx / dy, half = R * len / fabs(dy);
      if (base - half > xa) xa = base - half;
      if (base + half < xb) xb = base + half;
    }
    int ia = (int)floor(fmax(xa, cx0)), ib = (int)ceil(fmin(xb, cx1));
    for (int x = ia; x < ib; x++) {
      double px = x + 0.5 - x0, py = yc - y0;
      double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
      if (t < 0) t = 0;
      if (t > 1) t = 1;
      double ex = px - t * dx, ey = py - t * dy;
      double d = sqrt(ex * ex + ey * ey);
      double v = r + 0.5 - d;
      if (v <= 0) continue;
      cov_put(c, x, y, v >= 1 ? 1.0f : (float)v);
      if (x < tx0) tx0 = x;
      if (x + 1 > tx1) tx1 = x + 1;
    }
  }
  if (tx0 < tx1) cov_touch(c, tx0, ya, tx1, yb);
}

void cov_disc(Canvas *c, double cx, double cy, double r) {
  if (!isfinite(cx) || !isfinite(cy)) return;
  int xa = (int)floor(cx - r - 1), xb = (int)ceil(cx + r + 1);
  int ya = (int)floor(cy - r - 1), yb = (int)ceil(cy + r + 1);
  if (xa < 0) xa = 0;
  if (ya < 0) ya = 0;
  if (xb > c->w) xb = c->w;
  if (yb > c->h) yb = c->h;
  if (xa >= xb || ya >= yb) return;
  for (int y = ya; y < yb; y++) {
    for (int x = xa; x < xb; x++) {
      double ex = x + 0.5 - cx, ey = y + 0.5 - cy;
      double v = r + 0.5 - sqrt(ex * ex + ey * ey);
      if (v > 0) cov_put(c, x, y, v >= 1 ? 1.0f : (float)v);
    }
  }
  cov_touch(c, xa, ya, xb, yb);
}

void cov_flush(Canvas *c, int color, double alpha) {
  for (int y = c->by0; y < c->by1; y++) {
    float *cv = &c->cov[(size_t)y * c->w];
    int *row = c->im->tpixels[y];
    for (int x = c->bx0; x < c->bx1; x++) {
      if (cv[x] > 0) {
        row[x] = blend(row[x] & 0xFFFFFF, color, cv[x] * alpha);
        cv[x] = 0;
      }
    }
  }
  c->bx0 = c->w; c->by0 = c->h; c->bx1 = 0; c->by1 = 0;
}
