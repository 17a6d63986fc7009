/*
** chart_canvas.c — the drawing surface of every chart: a libgd image (a
** palette image from gdImageCreate), TrueType text (DejaVu Sans through FreeType) and anti-aliased
** lines and discs. The PNG is written by ext/chart_png.c.
**
**  1. Fonts are read from $PERFSQL_FONT_DIR when set, else from the build's
**     PERFSQL_FONT_DIR (Debian: fonts-dejavu-core). A missing font file is an
**     error naming the file, raised before anything is drawn. The faces are
**     opened once per process (again only when the directory changes).
**  2. Glyphs are rendered once per process: a cache keyed by (face, size,
**     code point) keeps each glyph's 8-bit coverage bitmap and advance, so
**     the hinter (FreeType's TrueType interpreter) runs once per glyph and
**     size, not once per label and chart; the bitmaps are painted into the
**     image's palette rows (see paint()). (gdImageStringFT loads and hints every
**     glyph of every call again: measured, see README "Benchmarks".) One
**     mutex guards the faces and the cache (SQLite connections may render
**     on several threads).
**  3. Lines and discs are anti-aliased by exact coverage: every pixel gets
**     clamp(r + 0.5 - d, 0, 1) where d is its distance to the segment (a
**     capsule) or the centre. Coverage is accumulated per shape group with
**     max() so the joints of a polyline are not darkened twice, then
**     painted once (cov_flush), visiting only the pixels touched. libgd's
**     own anti-aliasing (gdAntiAliased) draws only 1 px lines, and only on
**     true-colour images.
**  4. Colours: coverage and text alpha are quantised to 1/16 steps
**     (invisible), and each blend of a colour over a palette entry is
**     looked up in a ramp (colour x palette index x step -> index) filled
**     on first use, so charts stay within 256 colours: a palette PNG, a
**     third of the bytes of RGB before compression, written by
**     ext/chart_png.c in ~0.5 ms (a true-colour PNG goes through libgd and
**     libpng's adaptive filters: ~25 ms for 1200x600). Anti-aliased shades take palette
**     entries up to the last 16 (kept for solid colours drawn later, e.g.
**     markers over the data), then the closest entry (as gdImageStringFT
**     does on palette images); a 257th solid colour turns the image into
**     true colour (gdImagePaletteToTrueColor), and drawing goes on there.
**  5. Text is anchored by the font's ascent/descent (measured on "Ag"), not
**     by the glyphs of each string, so labels of one axis line up.
**  6. Memory: the libgd image, one float of coverage and one int of
**     "touched" list per pixel, the latter two kept after a chart for the
**     next one (one spare set per process); no allocation per drawn shape.
*/
#include "chart.h"
#include <gd.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PERFSQL_FONT_DIR
#define PERFSQL_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#endif

static const char *font_dir(void) {
  const char *d = getenv("PERFSQL_FONT_DIR");
  return d && *d ? d : PERFSQL_FONT_DIR;
}

/* ---- fonts and the glyph cache (process-wide, under font_mu) ------------ */

typedef struct Glyph {
  int face, size, cp;          /* key: face 0/1, size in 1/64 pt, code point; size 0 = empty slot */
  unsigned gi;                 /* FreeType glyph index (kerning) */
  int left, top, w, rows, adv; /* bitmap placement, advance in 1/64 px */
  unsigned char *bm;           /* w*rows coverage, sqlite3_malloc'd */
} Glyph;

static pthread_mutex_t font_mu = PTHREAD_MUTEX_INITIALIZER;
static FT_Library ft_lib;
static FT_Face ft_face[2];
static int ft_size[2];          /* size the face is set to (1/64 pt) */
static char ft_dir[512];        /* directory the faces came from */
static Glyph *gcache;
static int gcache_cap, gcache_n;
static struct { int face, size, ascent, descent; } gmetrics[32];
static int n_gmetrics;

static void glyphs_clear(void) {
  for (int i = 0; i < gcache_cap; i++) sqlite3_free(gcache[i].bm);
  sqlite3_free(gcache);
  gcache = 0;
  gcache_cap = gcache_n = 0;
  n_gmetrics = 0;
}

/* Opens the faces of dir (font_mu held). 0, or -1 with *missing = the file. */
static int fonts_load(const char *dir, char *missing, size_t n) {
  if (ft_face[0] && strcmp(dir, ft_dir) == 0) return 0;
  if (!ft_lib && FT_Init_FreeType(&ft_lib) != 0) {
    snprintf(missing, n, "(FreeType did not initialise)");
    return -1;
  }
  static const char *files[2] = {CHART_FONT_FILE, CHART_FONT_BOLD_FILE};
  FT_Face nf[2] = {0, 0};
  for (int i = 0; i < 2; i++) {
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    if (FT_New_Face(ft_lib, path, 0, &nf[i]) != 0) {
      snprintf(missing, n, "%s", path);
      if (nf[0]) FT_Done_Face(nf[0]);
      return -1;
    }
  }
  for (int i = 0; i < 2; i++) {
    if (ft_face[i]) FT_Done_Face(ft_face[i]);
    ft_face[i] = nf[i];
    ft_size[i] = 0;
  }
  snprintf(ft_dir, sizeof ft_dir, "%s", dir);
  glyphs_clear();
  return 0;
}

static unsigned ghash(int face, int size, int cp) {
  return ((unsigned)cp * 2654435761u) ^ ((unsigned)size * 40503u) ^ (unsigned)face;
}

static int gcache_grow(void) {
  int nc = gcache_cap ? gcache_cap * 2 : 1024;
  Glyph *ng = sqlite3_malloc64(sizeof(Glyph) * (sqlite3_uint64)nc);
  if (!ng) return -1;
  memset(ng, 0, sizeof(Glyph) * (size_t)nc);
  for (int i = 0; i < gcache_cap; i++) {
    if (!gcache[i].size) continue;
    unsigned h = ghash(gcache[i].face, gcache[i].size, gcache[i].cp) & (unsigned)(nc - 1);
    while (ng[h].size) h = (h + 1) & (unsigned)(nc - 1);
    ng[h] = gcache[i];
  }
  sqlite3_free(gcache);
  gcache = ng;
  gcache_cap = nc;
  return 0;
}

/* The glyph of code point cp (font_mu held); NULL when it cannot be had. */
static const Glyph *glyph_get(int face, int size, int cp) {
  if (!ft_face[face]) return 0;
  if (gcache_cap == 0 && gcache_grow()) return 0;
  unsigned mask = (unsigned)(gcache_cap - 1), h = ghash(face, size, cp) & mask;
  for (; gcache[h].size; h = (h + 1) & mask)
    if (gcache[h].cp == cp && gcache[h].size == size && gcache[h].face == face) return &gcache[h];
  FT_Face f = ft_face[face];
  if (ft_size[face] != size) {
    if (FT_Set_Char_Size(f, size, 0, 96, 96) != 0) return 0;   /* 96 dpi, as libgd */
    ft_size[face] = size;
  }
  Glyph g;
  memset(&g, 0, sizeof g);
  g.face = face;
  g.size = size;
  g.cp = cp;
  g.gi = FT_Get_Char_Index(f, (FT_ULong)cp);
  if (FT_Load_Glyph(f, g.gi, FT_LOAD_DEFAULT) == 0 &&
      FT_Render_Glyph(f->glyph, FT_RENDER_MODE_NORMAL) == 0) {
    FT_Bitmap *b = &f->glyph->bitmap;
    g.adv = (int)f->glyph->advance.x;
    g.left = f->glyph->bitmap_left;
    g.top = f->glyph->bitmap_top;
    if (b->width > 0 && b->rows > 0 && b->pixel_mode == FT_PIXEL_MODE_GRAY) {
      g.w = (int)b->width;
      g.rows = (int)b->rows;
      g.bm = sqlite3_malloc64((sqlite3_uint64)g.w * g.rows);
      if (!g.bm) return 0;
      for (int y = 0; y < g.rows; y++) memcpy(g.bm + (size_t)y * g.w, b->buffer + (ptrdiff_t)y * b->pitch, (size_t)g.w);
    }
  }
  if ((gcache_n + 1) * 2 > gcache_cap) {
    if (gcache_grow()) {
      sqlite3_free(g.bm);
      return 0;
    }
    mask = (unsigned)(gcache_cap - 1);
    for (h = ghash(face, size, cp) & mask; gcache[h].size; h = (h + 1) & mask) {}
  }
  gcache[h] = g;
  gcache_n++;
  return &gcache[h];
}

/* Next code point of UTF-8 text (invalid bytes read as U+FFFD). */
static int utf8_next(const char **ps) {
  const unsigned char *s = (const unsigned char *)*ps;
  int c = s[0], n = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
  if (n < 0) {
    *ps += 1;
    return 0xFFFD;
  }
  int cp = n == 0 ? c : c & (0x3F >> n);
  for (int i = 1; i <= n; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *ps += i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  *ps += n + 1;
  return cp;
}

static int size_key(double pt) { return (int)lround(pt * 64); }

/* Ascent (above baseline) and descent (below) of the font at this size (font_mu held). */
static void metrics_locked(int face, int size, int *ascent, int *descent) {
  for (int i = 0; i < n_gmetrics; i++) {
    if (gmetrics[i].face == face && gmetrics[i].size == size) {
      *ascent = gmetrics[i].ascent;
      *descent = gmetrics[i].descent;
      return;
    }
  }
  const Glyph *A = glyph_get(face, size, 'A'), *g = glyph_get(face, size, 'g');
  if (!A || !g) {
    *ascent = size / 64;
    *descent = size * 3 / 640;
    return;
  }
  *ascent = A->top > g->top ? A->top : g->top;
  int dA = A->rows - A->top, dg = g->rows - g->top;
  *descent = dA > dg ? dA : dg;
  if (n_gmetrics < 32) {
    gmetrics[n_gmetrics].face = face;
    gmetrics[n_gmetrics].size = size;
    gmetrics[n_gmetrics].ascent = *ascent;
    gmetrics[n_gmetrics].descent = *descent;
    n_gmetrics++;
  }
}

/* Lays s out on a baseline from pen 0 (font_mu held); calls put() for each
** glyph at its pen position (1/64 px); returns the advance in px. */
typedef void (*GlyphFn)(void *arg, const Glyph *g, int pen);
static int layout(int face, int size, const char *s, GlyphFn put, void *arg) {
  int pen = 0;
  unsigned prev = 0;
  int kern = ft_face[face] && FT_HAS_KERNING(ft_face[face]);
  while (s && *s) {
    int cp = utf8_next(&s);
    const Glyph *g = glyph_get(face, size, cp);
    if (!g) continue;
    if (kern && prev && g->gi) {
      FT_Vector k;
      if (ft_size[face] != size && FT_Set_Char_Size(ft_face[face], size, 0, 96, 96) == 0)
        ft_size[face] = size;
      if (FT_Get_Kerning(ft_face[face], prev, g->gi, FT_KERNING_DEFAULT, &k) == 0) pen += (int)k.x;
    }
    if (put) put(arg, g, pen);
    pen += g->adv;
    prev = g->gi;
  }
  return (pen + 32) >> 6;
}


/* ---- colours ---------------------------------------------------------------- */

/* Blending a colour over palette entries, k/16 of it (k = 1..16). */
typedef struct Ramp {
  int fg;                        /* 0xRRGGBB, -1 = unused */
  short idx[256][17];            /* palette index of fg over entry d at k/16; -1 = not yet */
} Ramp;

#define N_RAMPS 6
struct CanvasTabs {
  int keys[1024];                /* 0xRRGGBB -> palette index (open addressing), -1 empty */
  short vals[1024];
  Ramp ramp[N_RAMPS];
  int ramp_next;
};

static void tabs_reset(CanvasTabs *t) {
  memset(t->keys, 0xFF, sizeof t->keys);
  for (int i = 0; i < N_RAMPS; i++) t->ramp[i].fg = -1;
  t->ramp_next = 0;
}

static inline int blend(int dst, int src, double a) {
  int r = (int)(((dst >> 16) & 255) * (1 - a) + ((src >> 16) & 255) * a + 0.5);
  int g = (int)(((dst >> 8) & 255) * (1 - a) + ((src >> 8) & 255) * a + 0.5);
  int b = (int)((dst & 255) * (1 - a) + (src & 255) * a + 0.5);
  return (r << 16) | (g << 8) | b;
}

/* 0xRRGGBB of palette entry i */
static inline int pal_rgb(gdImagePtr im, int i) {
  return (gdImageRed(im, i) << 16) | (gdImageGreen(im, i) << 8) | gdImageBlue(im, i);
}

/* Leaves the palette: the image becomes true colour (all cached indexes
** are void from now on). 0, or -1 when out of memory (drawing then stops
** adding colours: the closest palette entry is used). */
static int to_truecolor(Canvas *c) {
  if (!gdImagePaletteToTrueColor(c->im)) return -1;
  gdImageSaveAlpha(c->im, 0);          /* opaque: written as RGB */
  gdImageAlphaBlending(c->im, 0);      /* gdImageSetPixel replaces */
  return 0;
}

/* The libgd colour of 0xRRGGBB: a palette index (allocated on first use),
** or the true-colour value once the image is true colour. With the palette
** full, a shade (approx: an anti-aliased edge) gets the closest entry, as
** libgd's own anti-aliased text on palette images does; any other colour
** turns the image into true colour. */
#define SOLID_RESERVE 16
static int color_find(Canvas *c, int rgb, int approx) {
  gdImagePtr im = c->im;
  rgb &= 0xFFFFFF;
  if (im->trueColor) return rgb;       /* gdTrueColor(r, g, b) with alpha 0 */
  CanvasTabs *t = c->tabs;
  unsigned h = ((unsigned)rgb * 2654435761u) >> 22;
  while (t->keys[h] != -1) {
    if (t->keys[h] == rgb) return t->vals[h];
    h = (h + 1) & 1023;
  }
  /* shades leave the last SOLID_RESERVE entries to solid colours */
  int i = approx && gdImageColorsTotal(im) >= gdMaxColors - SOLID_RESERVE
              ? -1
              : gdImageColorAllocate(im, rgb >> 16, (rgb >> 8) & 255, rgb & 255);
  if (i < 0) {
    if (!approx && to_truecolor(c) == 0) return rgb;
    return gdImageColorClosest(im, rgb >> 16, (rgb >> 8) & 255, rgb & 255);
  }
  t->keys[h] = rgb;
  t->vals[h] = (short)i;
  return i;
}

static int color_of(Canvas *c, int rgb) { return color_find(c, rgb, 0); }

void canvas_colors(Canvas *c, const int *rgb, int n) {
  for (int i = 0; i < n; i++) color_of(c, rgb[i]);
}

/* The ramp of colour fg (the least recently started one is reused). */
static Ramp *ramp_of(Canvas *c, int fg) {
  CanvasTabs *t = c->tabs;
  fg &= 0xFFFFFF;
  for (int i = 0; i < N_RAMPS; i++)
    if (t->ramp[i].fg == fg) return &t->ramp[i];
  Ramp *r = &t->ramp[t->ramp_next];
  t->ramp_next = (t->ramp_next + 1) % N_RAMPS;
  r->fg = fg;
  memset(r->idx, 0xFF, sizeof r->idx);
  return r;
}

/* Paints pixel (x, y), inside the image, with k/16 (1..16) of the ramp's
** colour over what is there (read with libgd's pixel macros; a palette
** index is stored in libgd's row directly, what gdImageSetPixel does for a
** plain colour inside the image, without its per-call checks). */
static inline void paint(Canvas *c, Ramp *r, int x, int y, int k) {
  gdImagePtr im = c->im;
  if (!im->trueColor) {
    int d = gdImagePalettePixel(im, x, y), v = r->idx[d][k];
    if (v < 0) {
      v = k >= 16 ? color_of(c, r->fg) : color_find(c, blend(pal_rgb(im, d), r->fg, k / 16.0), 1);
      if (!im->trueColor) r->idx[d][k] = (short)v;
    }
    if (!im->trueColor) {
      im->pixels[y][x] = (unsigned char)v;   /* = gdImageSetPixel of an index inside the image */
      return;
    }
  }
  int d = gdImageTrueColorPixel(im, x, y) & 0xFFFFFF;
  gdImageSetPixel(im, x, y, k >= 16 ? r->fg : blend(d, r->fg, k / 16.0));
}

/* 1/16 steps: see 4. at the top */
static inline int steps16(double a) { return a > 0 ? (int)(a * 16 + 0.5) : 0; }

/* ---- opening and closing ------------------------------------------------------ */

static pthread_mutex_t spare_mu = PTHREAD_MUTEX_INITIALIZER;
static Canvas spare;            /* buffers of the last closed canvas (cov all 0) */

static void buffers_free(Canvas *c) {
  sqlite3_free(c->cov);
  sqlite3_free(c->touched);
  sqlite3_free(c->tabs);
  c->cov = 0;
  c->touched = 0;
  c->tabs = 0;
  c->cap = 0;
}

int canvas_open(Canvas *c, int w, int h, const char *fname, char **pzErr) {
  memset(c, 0, sizeof *c);
  char missing[1100];
  pthread_mutex_lock(&font_mu);
  int frc = fonts_load(font_dir(), missing, sizeof missing);
  pthread_mutex_unlock(&font_mu);
  if (frc) {
    *pzErr = sqlite3_mprintf("%s: font file %s not found (install fonts-dejavu-core or set "
                             "PERFSQL_FONT_DIR)", fname, missing);
    return -1;
  }
  size_t need = (size_t)w * h;
  pthread_mutex_lock(&spare_mu);
  if (spare.cov && spare.cap >= need && spare.cap <= need * 4) {
    *c = spare;
    memset(&spare, 0, sizeof spare);
  }
  pthread_mutex_unlock(&spare_mu);
  if (!c->cov) {
    c->cov = sqlite3_malloc64(need * sizeof(float));
    c->touched = sqlite3_malloc64(need * sizeof(int));
    c->tabs = sqlite3_malloc64(sizeof(CanvasTabs));
    c->cap = need;
    if (c->cov) memset(c->cov, 0, need * sizeof(float));
  }
  c->im = gdImageCreate(w, h);
  if (!c->cov || !c->touched || !c->tabs || !c->im) {
    if (c->im) gdImageDestroy(c->im);
    c->im = 0;
    buffers_free(c);
    *pzErr = sqlite3_mprintf("%s: out of memory for a %dx%d image", fname, w, h);
    return -1;
  }
  tabs_reset(c->tabs);
  c->w = w;
  c->h = h;
  c->n_touched = 0;
  memset(&c->marks, 0, sizeof c->marks);
  c->marks.on = 1;
  color_of(c, 0xFFFFFF);      /* palette entry 0: the background of a new palette image */
  return 0;
}

void canvas_close(Canvas *c) {
  if (c->im) gdImageDestroy(c->im);
  c->im = 0;
  if (!c->cov) return;
  /* coverage left by an interrupted group: the spare must be all 0 */
  for (size_t i = 0; i < c->n_touched; i++) c->cov[c->touched[i]] = 0;
  c->n_touched = 0;
  sqlite3_free(c->marks.buf);
  memset(&c->marks, 0, sizeof c->marks);
  pthread_mutex_lock(&spare_mu);
  if (!spare.cov || spare.cap < c->cap) {
    Canvas old = spare;
    spare = *c;
    *c = old;
  }
  pthread_mutex_unlock(&spare_mu);
  buffers_free(c);
}

/* ---- marks ------------------------------------------------------------------ */

/* Room for n more bytes (+ the NUL kept after them): 0, or -1 (oom set). */
static int marks_room(ChartMarks *m, size_t n) {
  if (m->oom) return -1;
  while ((sqlite3_int64)(m->len + n + 1) > m->cap) {
    if (chart_grow((void **)&m->buf, &m->cap, m->cap, 1, 8192)) {
      m->oom = 1;
      return -1;
    }
  }
  return 0;
}

/* Copies a field of n bytes to q: tabs and newlines would break the line
** format, they become spaces. Returns the end. */
static char *marks_field(char *q, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    *q++ = ch == '\t' || ch == '\n' || ch == '\r' ? ' ' : ch;
  }
  return q;
}

/* fmin/fmax (NaN gives the other one), inlined */
static inline double dmin(double a, double b) { return a < b || b != b ? a : b; }
static inline double dmax(double a, double b) { return a > b || b != b ? a : b; }

void canvas_mark(Canvas *c, double x0, double y0, double x1, double y1, const char *series,
                 const char *x, const char *y) {
  ChartMarks *m = &c->marks;
  if (!m->on) return;
  if (m->n >= CHART_MAX_MARKS) {
    m->truncated = 1;
    return;
  }
  int a = clamp_px(dmin(x0, x1), 0, c->w), b = clamp_px(dmin(y0, y1), 0, c->h);
  int d = clamp_px(dmax(x0, x1), 0, c->w), e = clamp_px(dmax(y0, y1), 0, c->h);
  if (d <= a || e <= b) return;          /* outside the image */
  size_t ls = series ? strlen(series) : 0, lx = x ? strlen(x) : 0, ly = y ? strlen(y) : 0;
  /* the box (4 numbers <= 4096 and their separators), 3 fields, 2 tabs, newline */
  if (marks_room(m, 24 + ls + lx + ly + 3)) return;
  char *q = m->buf + m->len;
  int v[4] = {a, b, d, e};
  for (int i = 0; i < 4; i++) {            /* 0 <= v <= 4096: no printf needed */
    char t[12];
    int k = 0;
    do {
      t[k++] = (char)('0' + v[i] % 10);
      v[i] /= 10;
    } while (v[i]);
    while (k) *q++ = t[--k];
    *q++ = i < 3 ? ' ' : '\t';
  }
  q = marks_field(q, series, ls);
  *q++ = '\t';
  q = marks_field(q, x, lx);
  *q++ = '\t';
  q = marks_field(q, y, ly);
  *q++ = '\n';
  *q = 0;
  m->len = (size_t)(q - m->buf);
  m->n++;
}

/* ---- text ---------------------------------------------------------------- */

void text_size(Canvas *c, double pt, int bold, const char *s, int *w, int *h) {
  (void)c;
  int a, d, size = size_key(pt);
  bold = bold ? 1 : 0;
  pthread_mutex_lock(&font_mu);
  metrics_locked(bold, size, &a, &d);
  *w = s && *s ? layout(bold, size, s, 0, 0) : 0;
  pthread_mutex_unlock(&font_mu);
  *h = a + d;
}


typedef struct Blit { Canvas *c; Ramp *r; int bx, by, rot; } Blit;

static void blit_glyph(void *arg, const Glyph *g, int pen) {
  Blit *b = arg;
  Canvas *c = b->c;
  int ox = (pen + 32) >> 6;
  for (int gy = 0; gy < g->rows; gy++) {
    const unsigned char *row = g->bm + (size_t)gy * g->w;
    for (int gx = 0; gx < g->w; gx++) {
      int k = (row[gx] * 16 + 127) / 255;     /* steps16(v / 255) */
      if (!k) continue;
      int u = ox + g->left + gx, dv = gy - g->top;       /* along, across (down) */
      int x = b->rot ? b->bx + dv : b->bx + u;
      int y = b->rot ? b->by - u : b->by + dv;
      if (x < 0 || y < 0 || x >= c->w || y >= c->h) continue;
      paint(c, b->r, x, y, k);
    }
  }
}

void text_draw(Canvas *c, double pt, int bold, int color, double angle, int x, int y, int anchor,
               const char *s) {
  if (!s || !*s) return;
  int size = size_key(pt), a, d;
  bold = bold ? 1 : 0;
  pthread_mutex_lock(&font_mu);
  metrics_locked(bold, size, &a, &d);
  int w = layout(bold, size, s, 0, 0);
  int ha = anchor & 3, va = anchor & 12;
  int along = ha == TA_LEFT ? 0 : ha == TA_CENTER ? w / 2 : w;
  int across = va == TV_TOP        ? a
               : va == TV_MIDDLE   ? (a - d) / 2
               : va == TV_BASELINE ? 0
                                   : -d;
  Blit b = {c, ramp_of(c, color), 0, 0, angle > 45};
  if (b.rot) {                 /* reads bottom to top */
    b.bx = x + across;
    b.by = y + along;
  } else {
    b.bx = x - along;
    b.by = y + across;
  }
  layout(bold, size, s, blit_glyph, &b);
  pthread_mutex_unlock(&font_mu);
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

static int is_cont(const char *s, size_t i) { return ((unsigned char)s[i] & 0xC0) == 0x80; }

int text_fit_mid(Canvas *c, double pt, int bold, const char *s, int at, int max_w, char *out,
                 size_t n) {
  int w, h;
  if (!s) s = "";
  size_t len = strlen(s);
  snprintf(out, n, "%s", s);
  text_size(c, pt, bold, out, &w, &h);
  if (w <= max_w && len < n) return w;
  /* at >= 0 (the end of a start all labels share, which tells them not
  ** apart): the hole grows to the left first, down to the first character,
  ** then to the right; otherwise it grows alternately to the right and to
  ** the left of the middle */
  int shared = at >= 0 && (size_t)at <= len;
  size_t a = shared ? (size_t)at : len / 2;
  while (a > 0 && is_cont(s, a)) a--;
  size_t b = a, head = 0;
  if (shared && len > 0) {
    head++;
    while (head < len && is_cont(s, head)) head++;
  }
  for (int turn = 0; a > 0 || b < len; turn++) {
    int left = shared ? a > head || b >= len : (turn & 1) ? a > 0 : b >= len;
    if (left) {
      a--;
      while (a > 0 && is_cont(s, a)) a--;
    } else {
      b++;
      while (b < len && is_cont(s, b)) b++;
    }
    if (a + 3 + (len - b) + 1 > n) continue;
    memcpy(out, s, a);
    memcpy(out + a, "\xE2\x80\xA6", 3);
    memcpy(out + a + 3, s + b, len - b);
    out[a + 3 + len - b] = 0;
    text_size(c, pt, bold, out, &w, &h);
    if (w <= max_w) return w;
  }
  out[0] = 0;
  return 0;
}


/* ---- rectangles and straight lines (libgd) ------------------------------- */

void fill_rect(Canvas *c, int x0, int y0, int x1, int y1, int color) {
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > c->w) x1 = c->w;
  if (y1 > c->h) y1 = c->h;
  if (x1 <= x0 || y1 <= y0) return;
  gdImageFilledRectangle(c->im, x0, y0, x1 - 1, y1 - 1, color_of(c, color));
}

void blend_rect(Canvas *c, int x0, int y0, int x1, int y1, int color, double alpha) {
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > c->w) x1 = c->w;
  if (y1 > c->h) y1 = c->h;
  short map[256];                  /* palette entry -> blended entry, -1 = not yet */
  memset(map, 0xFF, sizeof map);
  gdImagePtr im = c->im;
  for (int y = y0; y < y1; y++) {
    for (int x = x0; x < x1; x++) {
      int d = gdImageGetPixel(im, x, y);
      if (!im->trueColor) {
        if (map[d] < 0) {
          int v = color_of(c, blend(pal_rgb(im, d), color, alpha));
          if (!im->trueColor) map[d] = (short)v;
          else d = gdImageGetPixel(im, x, y);
        }
        if (!im->trueColor) {
          gdImageSetPixel(im, x, y, map[d]);
          continue;
        }
      }
      gdImageSetPixel(im, x, y, blend(d & 0xFFFFFF, color, alpha));
    }
  }
}

void hline(Canvas *c, int x0, int x1, int y, int color) {
  if (x1 > x0) gdImageLine(c->im, x0, y, x1 - 1, y, color_of(c, color));
}

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
    default: fill_rect(c, x - (width - 1) / 2, y0, x - (width - 1) / 2 + width, y1, color); return;
  }
  int xs = x - (width - 1) / 2;
  /* the pattern starts at the bottom axis: dash i covers [y - len, y) */
  for (int y = y1, i = 0; y > y0; y -= pat[i], i = (i + 1) % np)
    if ((i & 1) == 0) fill_rect(c, xs, y - pat[i] > y0 ? y - pat[i] : y0, xs + width, y, color);
}

/* ---- anti-aliased coverage ----------------------------------------------- */

static inline void cov_put(Canvas *c, int x, int y, float v) {
  size_t i = (size_t)y * c->w + x;
  float *p = &c->cov[i];
  if (v > *p) {
    if (*p == 0) c->touched[c->n_touched++] = (int)i;    /* at most w*h: each pixel once */
    *p = v;
  }
}

void cov_segment(Canvas *c, double x0, double y0, double x1, double y1, double width,
                 int cx0, int cy0, int cx1, int cy1) {
  if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1)) return;
  /* a pixel centre at distance d gets r + 0.5 - d: only centres closer
  ** than R = r + 0.5 are visited (rows, and per row the span of the band
  ** around the line) */
  double r = width / 2, R = r + 0.5;
  if (cx0 < 0) cx0 = 0;
  if (cy0 < 0) cy0 = 0;
  if (cx1 > c->w) cx1 = c->w;
  if (cy1 > c->h) cy1 = c->h;
  /* Far outside the clip box: clamp the segment to a box around the clip
  ** area so that a huge coordinate cannot loop for long. */
  double minx = fmin(x0, x1) - R, maxx = fmax(x0, x1) + R;
  double miny = fmin(y0, y1) - R, maxy = fmax(y0, y1) + R;
  int ya = (int)floor(fmin(fmax(miny, cy0), cy1)), yb = (int)ceil(fmax(fmin(maxy, cy1), cy0));
  if (ya >= yb || maxx < cx0 || minx > cx1) return;
  double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy, len = sqrt(len2);
  double inv = len2 > 0 ? 1 / len2 : 0, r5 = R, lim2 = r5 * r5;
  /* centres this close are covered fully (r5 - d >= 1) without a sqrt */
  double full2 = r5 >= 1 ? (r5 - 1) * (r5 - 1) : -1;
  for (int y = ya; y < yb; y++) {
    double yc = y + 0.5;
    double xa = minx, xb = maxx;
    if (fabs(dy) > 1e-12) {
      double base = x0 + (yc - y0) * dx / dy, half = R * len / fabs(dy);
      if (base - half > xa) xa = base - half;
      if (base + half < xb) xb = base + half;
    }
    int ia = (int)floor(fmin(fmax(xa, cx0), cx1)), ib = (int)ceil(fmax(fmin(xb, cx1), cx0));
    double py = yc - y0;
    for (int x = ia; x < ib; x++) {
      double px = x + 0.5 - x0;
      double t = (px * dx + py * dy) * inv;
      if (t < 0) t = 0;
      if (t > 1) t = 1;
      double ex = px - t * dx, ey = py - t * dy, d2 = ex * ex + ey * ey;
      if (d2 >= lim2) continue;
      if (d2 <= full2) {
        cov_put(c, x, y, 1.0f);
        continue;
      }
      double v = r5 - sqrt(d2);
      cov_put(c, x, y, v >= 1 ? 1.0f : (float)v);
    }
  }
}

void cov_disc(Canvas *c, double cx, double cy, double r) {
  if (!isfinite(cx) || !isfinite(cy) || fabs(cx) > 1e7 || fabs(cy) > 1e7) return;
  int xa = (int)floor(cx - r - 1), xb = (int)ceil(cx + r + 1);
  int ya = (int)floor(cy - r - 1), yb = (int)ceil(cy + r + 1);
  if (xa < 0) xa = 0;
  if (ya < 0) ya = 0;
  if (xb > c->w) xb = c->w;
  if (yb > c->h) yb = c->h;
  if (xa >= xb || ya >= yb) return;
  /* coverage r + 0.5 - d: none from d >= r + 0.5, full up to d <= r - 0.5
  ** (both without a sqrt) */
  double out2 = (r + 0.5) * (r + 0.5), full2 = r >= 0.5 ? (r - 0.5) * (r - 0.5) : -1;
  for (int y = ya; y < yb; y++) {
    double ey = y + 0.5 - cy, ey2 = ey * ey;
    for (int x = xa; x < xb; x++) {
      double ex = x + 0.5 - cx, d2 = ex * ex + ey2;
      if (d2 >= out2) continue;
      if (d2 <= full2) {
        cov_put(c, x, y, 1.0f);
        continue;
      }
      double v = r + 0.5 - sqrt(d2);
      if (v > 0) cov_put(c, x, y, v >= 1 ? 1.0f : (float)v);
    }
  }
}

void cov_flush(Canvas *c, int color, double alpha) {
  Ramp *r = ramp_of(c, color);
  for (size_t k = 0; k < c->n_touched; k++) {
    int i = c->touched[k], s = steps16(c->cov[i] * alpha);
    if (s > 0) {
      int y = i / c->w;
      paint(c, r, i - y * c->w, y, s > 16 ? 16 : s);
    }
    c->cov[i] = 0;
  }
  c->n_touched = 0;
}
