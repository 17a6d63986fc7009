/*
** chart_png.c — PNG encoding of a chart canvas, and the marks chunk.
**
**  1. Charts are flat colours plus anti-aliasing: most have at most 256
**     colours, and are then written as 8-bit palette PNGs (a third of the
**     bytes of RGB before compression); others as 8-bit RGB. Palette rows
**     use filter 0 (None, as the PNG spec advises for palettes), RGB rows
**     filter 1 (Sub: a run of one colour becomes zeros).
**  2. zlib with Z_RLE (matches at distance 1 only: runs of one colour, or of
**     zero Sub differences). Measured on a typical 1200x600 line chart
**     (4 x 250 points, palette): levels 1/3/6/9 with the default strategy
**     took 8.6/9.2/14.7/56 ms per chart for 51/45/37/34 KB; Z_RLE took
**     8.3 ms for 42 KB at any level (the rest of the chart included).
**  3. The marks (ext/chart_png.h) follow the image data in one iTXt chunk,
**     zlib-compressed (level 1) when longer than 1 KiB.
**  5. The deflate streams are pooled (see zget): no 300 KB allocation and
**     zeroing per chart.
**  4. Everything is written into one growing sqlite3_malloc'd buffer.
*/
#include "chart.h"
#include "chart_png.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <zlib.h>

typedef struct Out { unsigned char *b; size_t len, cap; int oom; } Out;

static void out_put(Out *o, const void *p, size_t n) {
  if (o->oom) return;
  if (o->len + n > o->cap) {
    size_t nc = o->cap ? o->cap * 2 : 65536;
    while (nc < o->len + n) nc *= 2;
    unsigned char *nb = sqlite3_realloc64(o->b, nc);
    if (!nb) {
      o->oom = 1;
      return;
    }
    o->b = nb;
    o->cap = nc;
  }
  memcpy(o->b + o->len, p, n);
  o->len += n;
}

static void be32(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* A chunk whose data is already at o->b + start + 8 (length and type reserved). */
static void chunk_close(Out *o, size_t start) {
  if (o->oom) return;
  size_t n = o->len - start - 8;
  be32(o->b + start, (unsigned)n);
  unsigned long crc = crc32(0, o->b + start + 4, (uInt)(n + 4));
  unsigned char c[4];
  be32(c, (unsigned)crc);
  out_put(o, c, 4);
}

static size_t chunk_open(Out *o, const char *type) {
  size_t start = o->len;
  unsigned char h[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  memcpy(h + 4, type, 4);
  out_put(o, h, 8);
  return start;
}

static void chunk(Out *o, const char *type, const void *data, size_t n) {
  size_t s = chunk_open(o, type);
  out_put(o, data, n);
  chunk_close(o, s);
}

/* Deflates into the open chunk: feeds `in`, finishing when last. */
static int deflate_into(Out *o, z_stream *z, const unsigned char *in, size_t n, int last) {
  z->next_in = (Bytef *)in;
  z->avail_in = (uInt)n;
  for (;;) {
    if (o->cap - o->len < 16384) {
      size_t nc = o->cap ? o->cap * 2 : 65536;
      while (nc - o->len < 16384) nc *= 2;
      unsigned char *nb = sqlite3_realloc64(o->b, nc);
      if (!nb) {
        o->oom = 1;
        return -1;
      }
      o->b = nb;
      o->cap = nc;
    }
    z->next_out = o->b + o->len;
    z->avail_out = (uInt)(o->cap - o->len);
    int rc = deflate(z, last ? Z_FINISH : Z_NO_FLUSH);
    o->len = o->cap - z->avail_out;
    if (rc == Z_STREAM_END) return 0;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return -1;
    if (!last && z->avail_in == 0 && z->avail_out > 0) return 0;
  }
}

/* Palette of the image into pal; indexes into c->idx. Returns the colour
** count, or 257 when there are more than 256. */
/* Two deflate streams kept between charts (image data: Z_RLE; marks text:
** level 1; a small window made Z_RLE 4x slower: zlib slides it too often),
** reset instead of allocated and zeroed again (~300 KB each) per chart.
** Taken under a mutex; a thread finding one busy makes its own. */
static pthread_mutex_t zmu = PTHREAD_MUTEX_INITIALIZER;
static z_stream zpool[2];
static int zpool_ready[2], zpool_busy[2];

static int zparams(int which, z_stream *z) {
  return which == 0 ? deflateInit2(z, 6, Z_DEFLATED, 15, 8, Z_RLE)
                    : deflateInit2(z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY);
}

/* A ready stream: the pooled one (*pooled = 1) or local. NULL on failure. */
static z_stream *zget(int which, z_stream *local, int *pooled) {
  *pooled = 0;
  pthread_mutex_lock(&zmu);
  if (!zpool_busy[which]) {
    if (zpool_ready[which] || zparams(which, &zpool[which]) == Z_OK) {
      zpool_ready[which] = 1;
      zpool_busy[which] = 1;
      *pooled = 1;
    }
  }
  pthread_mutex_unlock(&zmu);
  if (*pooled) {
    deflateReset(&zpool[which]);
    return &zpool[which];
  }
  memset(local, 0, sizeof *local);
  return zparams(which, local) == Z_OK ? local : 0;
}

static void zput(int which, z_stream *z, int pooled) {
  if (!pooled) {
    deflateEnd(z);
    return;
  }
  pthread_mutex_lock(&zmu);
  zpool_busy[which] = 0;
  pthread_mutex_unlock(&zmu);
}

static int palette(Canvas *c, int *pal) {
  int keys[1024], vals[1024], np = 0;
  memset(keys, 0xFF, sizeof keys);        /* -1: empty (pixels are 24-bit) */
  size_t n = (size_t)c->w * c->h;
  int last = -1, lasti = 0;
  for (size_t i = 0; i < n; i++) {
    int p = c->px[i] & 0xFFFFFF;
    if (p != last) {
      unsigned h = ((unsigned)p * 2654435761u) >> 22;
      while (keys[h] != -1 && keys[h] != p) h = (h + 1) & 1023;
      if (keys[h] == -1) {
        if (np == 256) return 257;
        keys[h] = p;
        vals[h] = np;
        pal[np++] = p;
      }
      last = p;
      lasti = vals[h];
    }
    c->idx[i] = (unsigned char)lasti;
  }
  return np;
}

void *canvas_png(Canvas *c, int *size) {
  Out o = {0, 0, 0, 0};
  int pal[256], np = palette(c, pal);
  int rgb = np > 256;
  out_put(&o, "\x89PNG\r\n\x1a\n", 8);
  unsigned char ihdr[13];
  be32(ihdr, (unsigned)c->w);
  be32(ihdr + 4, (unsigned)c->h);
  ihdr[8] = 8;                        /* bit depth */
  ihdr[9] = rgb ? 2 : 3;              /* colour type: RGB or palette */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  chunk(&o, "IHDR", ihdr, 13);
  if (!rgb) {
    unsigned char plte[768];
    for (int i = 0; i < np; i++) {
      plte[3 * i] = (unsigned char)(pal[i] >> 16);
      plte[3 * i + 1] = (unsigned char)(pal[i] >> 8);
      plte[3 * i + 2] = (unsigned char)pal[i];
    }
    chunk(&o, "PLTE", plte, (size_t)np * 3);
  }
  size_t s = chunk_open(&o, "IDAT");
  z_stream zl, *zs;
  int pooled;
  zs = zget(0, &zl, &pooled);
  int ok = zs != 0;
  unsigned char *row = ok && rgb ? sqlite3_malloc64((sqlite3_uint64)c->w * 3 + 1) : 0;
  if (rgb && !row) ok = 0;
  static const unsigned char none = 0;
  for (int y = 0; ok && y < c->h; y++) {
    if (rgb) {
      const int *p = canvas_row(c, y);
      row[0] = 1;                      /* Sub */
      int prev = 0;
      for (int x = 0; x < c->w; x++) {
        int v = p[x];
        row[1 + 3 * x] = (unsigned char)((v >> 16) - (prev >> 16));
        row[2 + 3 * x] = (unsigned char)(((v >> 8) & 255) - ((prev >> 8) & 255));
        row[3 + 3 * x] = (unsigned char)((v & 255) - (prev & 255));
        prev = v;
      }
      if (deflate_into(&o, zs, row, (size_t)c->w * 3 + 1, y == c->h - 1)) ok = 0;
    } else {
      if (deflate_into(&o, zs, &none, 1, 0) ||
          deflate_into(&o, zs, c->idx + (size_t)y * c->w, (size_t)c->w, y == c->h - 1))
        ok = 0;
    }
  }
  if (zs) zput(0, zs, pooled);
  sqlite3_free(row);
  chunk_close(&o, s);
  /* the marks */
  ChartMarks *m = &c->marks;
  if (ok && m->on && !m->oom) {
    char head[400];
    for (char *q = m->x_name; *q; q++) if (*q == '\t' || *q == '\n' || *q == '\r') *q = ' ';
    for (char *q = m->y_name; *q; q++) if (*q == '\t' || *q == '\n' || *q == '\r') *q = ' ';
    int hn = snprintf(head, sizeof head, "perfsql-marks 1 %d %d %d\n#axes\t%s\t%s\n", c->w, c->h,
                      m->truncated, m->x_name[0] ? m->x_name : "x", m->y_name[0] ? m->y_name : "y");
    size_t tn = (size_t)hn + m->len;
    unsigned char *text = sqlite3_malloc64(tn + 1);
    if (text) {
      memcpy(text, head, (size_t)hn);
      if (m->len) memcpy(text + hn, m->buf, m->len);
      size_t cs = chunk_open(&o, "iTXt");
      int comp = tn > 1024;
      out_put(&o, CHART_MARKS_KEYWORD, sizeof CHART_MARKS_KEYWORD);   /* with its NUL */
      unsigned char flags[4] = {(unsigned char)comp, 0, 0, 0};      /* method, language, keyword */
      out_put(&o, flags, 4);
      if (comp) {
        z_stream ml, *mz = zget(1, &ml, &pooled);
        if (!mz || deflate_into(&o, mz, text, tn, 1)) o.oom = 1;
        if (mz) zput(1, mz, pooled);
      } else {
        out_put(&o, text, tn);
      }
      chunk_close(&o, cs);
      sqlite3_free(text);
    }
  }
  chunk(&o, "IEND", "", 0);
  if (!ok || o.oom || o.len > 0x7fffffff) {
    sqlite3_free(o.b);
    return 0;
  }
  *size = (int)o.len;
  return o.b;
}

/* ---- reading the marks chunk (no SQLite calls) ------------------------------- */

static unsigned rd32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* Finds the marks chunk: offset of its length field, or 0. */
static size_t find_marks(const unsigned char *p, size_t n, int *is_png) {
  *is_png = n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0;
  if (!*is_png) return 0;
  size_t pos = 8;
  while (pos + 12 <= n) {
    size_t len = rd32(p + pos);
    if (len > n - pos - 12) return 0;
    if (memcmp(p + pos + 4, "iTXt", 4) == 0 && len >= sizeof CHART_MARKS_KEYWORD &&
        memcmp(p + pos + 8, CHART_MARKS_KEYWORD, sizeof CHART_MARKS_KEYWORD) == 0)
      return pos;
    if (memcmp(p + pos + 4, "IEND", 4) == 0) return 0;
    pos += 12 + len;
  }
  return 0;
}

char *chart_png_marks(const void *data, size_t n, int *is_png) {
  const unsigned char *p = data;
  int png;
  size_t at = find_marks(p, n, &png);
  if (is_png) *is_png = png;
  if (!at) return 0;
  size_t len = rd32(p + at);
  const unsigned char *d = p + at + 8, *end = d + len;
  d += sizeof CHART_MARKS_KEYWORD;
  if (end - d < 2) return 0;
  int comp = d[0];
  d += 2;
  for (int k = 0; k < 2; k++) {        /* language tag, translated keyword */
    const unsigned char *z = memchr(d, 0, (size_t)(end - d));
    if (!z) return 0;
    d = z + 1;
  }
  size_t tn = (size_t)(end - d);
  if (!comp) {
    char *t = malloc(tn + 1);
    if (!t) return 0;
    memcpy(t, d, tn);
    t[tn] = 0;
    return t;
  }
  /* compressed: inflate, growing the buffer */
  size_t cap = tn * 4 + 1024;
  for (int tries = 0; tries < 8; tries++, cap *= 4) {
    char *t = malloc(cap + 1);
    if (!t) return 0;
    uLongf got = (uLongf)cap;
    int rc = uncompress((Bytef *)t, &got, d, (uLong)tn);
    if (rc == Z_OK) {
      t[got] = 0;
      return t;
    }
    free(t);
    if (rc != Z_BUF_ERROR) return 0;
  }
  return 0;
}

size_t chart_png_strip_marks(const void *data, size_t n, unsigned char *out) {
  const unsigned char *p = data;
  int png;
  size_t at = find_marks(p, n, &png);
  if (!png) return 0;
  if (!at) {
    memcpy(out, p, n);
    return n;
  }
  size_t skip = 12 + rd32(p + at);
  memcpy(out, p, at);
  memcpy(out + at, p + at + skip, n - at - skip);
  return n - skip;
}

/* ---- chart_layout(png): the marks as JSON ------------------------------------ */

static void json_str(sqlite3_str *o, const char *s, size_t n) {
  sqlite3_str_appendchar(o, 1, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') sqlite3_str_appendf(o, "\\%c", ch);
    else if (ch < 0x20) sqlite3_str_appendf(o, "\\u%04x", ch);
    else sqlite3_str_appendchar(o, 1, (char)ch);
  }
  sqlite3_str_appendchar(o, 1, '"');
}

/* chart_layout(png) -> '{"width":W,"height":H,"truncated":false,"x":"<x name>",
** "y":"<y name>","marks":[{"box":[x0,y0,x1,y1],"series":"...","x":"...",
** "y":"..."}, ...]}'; NULL for NULL or a PNG without marks (options
** "marks": false, or not from a chart function); an error for anything
** else than a PNG. */
int chart_marks_next(const char **cursor, ChartMarkLine *m) {
  const char *line = *cursor ? strchr(*cursor, '\n') : 0;
  while (line && line[1]) {
    const char *s = line + 1;
    line = strchr(s, '\n');
    *cursor = line ? line : s + strlen(s);
    size_t len = line ? (size_t)(line - s) : strlen(s);
    int k = 0;
    m->f[0] = s;
    for (size_t i = 0; i < len && k < 3; i++)
      if (s[i] == '\t') {
        m->fl[k] = (size_t)(s + i - m->f[k]);
        m->f[++k] = s + i + 1;
      }
    m->fl[k] = (size_t)(s + len - m->f[k]);
    m->is_axes = k == 2 && m->fl[0] == 5 && memcmp(m->f[0], "#axes", 5) == 0;
    if (m->is_axes) return 1;
    if (k == 3 && sscanf(m->f[0], "%d %d %d %d", &m->box[0], &m->box[1], &m->box[2], &m->box[3]) == 4)
      return 1;
  }
  *cursor = 0;
  return 0;
}

void chart_layout_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  const void *b = sqlite3_value_blob(argv[0]);
  int n = sqlite3_value_bytes(argv[0]), png = 0;
  char *t = chart_png_marks(b, (size_t)(n > 0 ? n : 0), &png);
  if (!png) {
    sqlite3_result_error(ctx, "chart_layout: the argument is not a PNG", -1);
    return;
  }
  if (!t) return;
  int w = 0, h = 0, trunc = 0;
  sscanf(t, "perfsql-marks 1 %d %d %d", &w, &h, &trunc);
  sqlite3_str *o = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  sqlite3_str_appendf(o, "{\"width\":%d,\"height\":%d,\"truncated\":%s", w, h, trunc ? "true" : "false");
  int first = 1;
  ChartMarkLine m;
  for (const char *cur = t; chart_marks_next(&cur, &m);) {
    if (m.is_axes) {
      sqlite3_str_appendall(o, ",\"x\":");
      json_str(o, m.f[1], m.fl[1]);
      sqlite3_str_appendall(o, ",\"y\":");
      json_str(o, m.f[2], m.fl[2]);
      continue;
    }
    sqlite3_str_appendf(o, "%s{\"box\":[%d,%d,%d,%d],\"series\":", first ? ",\"marks\":[" : ",", m.box[0],
                        m.box[1], m.box[2], m.box[3]);
    first = 0;
    json_str(o, m.f[1], m.fl[1]);
    sqlite3_str_appendall(o, ",\"x\":");
    json_str(o, m.f[2], m.fl[2]);
    sqlite3_str_appendall(o, ",\"y\":");
    json_str(o, m.f[3], m.fl[3]);
    sqlite3_str_appendchar(o, 1, '}');
  }
  sqlite3_str_appendall(o, first ? ",\"marks\":[]}" : "]}");
  free(t);
  int len = sqlite3_str_length(o);
  char *r = sqlite3_str_finish(o);
  if (!r) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_text(ctx, r, len, sqlite3_free);
}
