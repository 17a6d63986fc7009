/*
** chart_png.c — the PNG of a chart: libgd writes the image, the marks of
** the chart (ext/chart_png.h) are spliced in as one iTXt chunk before IEND;
** and the readers of that chunk.
**
**  1. gdImagePngPtrEx at CHART_PNG_LEVEL. libgd writes palette images as
**     8-bit (or fewer bits) indexed PNGs and every row with filter None.
**     Measured on the typical 1200x600 line chart (4 x 250 points, palette):
**     see README "Benchmarks" for the levels compared.
**  2. The marks text is zlib-compressed (level 1) when longer than 1 KiB;
**     the chunk CRC is zlib's crc32. Its deflate stream is kept between
**     charts (reset, not allocated and zeroed again: ~300 KB per chart).
*/
#include "chart.h"
#include "chart_png.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <zlib.h>

#ifndef CHART_PNG_LEVEL
#define CHART_PNG_LEVEL 1
#endif

typedef struct Out { unsigned char *b; size_t len; sqlite3_int64 cap; int oom; } Out;

/* Room for n more bytes. */
static int out_room(Out *o, size_t n) {
  while (!o->oom && (sqlite3_int64)(o->len + n) > o->cap)
    if (chart_grow((void **)&o->b, &o->cap, o->cap, 1, 65536)) o->oom = 1;
  return o->oom ? -1 : 0;
}

static void out_put(Out *o, const void *p, size_t n) {
  if (out_room(o, n)) return;
  memcpy(o->b + o->len, p, n);
  o->len += n;
}

static void be32(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* Deflates all of `in` into o (the stream is finished). */
static int deflate_into(Out *o, z_stream *z, const unsigned char *in, size_t n) {
  z->next_in = (Bytef *)in;
  z->avail_in = (uInt)n;
  for (;;) {
    if (out_room(o, 16384)) return -1;
    z->next_out = o->b + o->len;
    z->avail_out = (uInt)((size_t)o->cap - o->len);
    int rc = deflate(z, Z_FINISH);
    o->len = (size_t)o->cap - z->avail_out;
    if (rc == Z_STREAM_END) return 0;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return -1;
  }
}

/* The deflate stream of the marks text, kept between charts; a thread
** finding it busy makes its own. */
static pthread_mutex_t zmu = PTHREAD_MUTEX_INITIALIZER;
static z_stream zpool;
static int zpool_ready, zpool_busy;

static int zinit(z_stream *z) { return deflateInit2(z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY); }

static int marks_deflate(Out *o, const unsigned char *in, size_t n) {
  z_stream local, *z = 0;
  pthread_mutex_lock(&zmu);
  if (!zpool_busy && (zpool_ready || zinit(&zpool) == Z_OK)) {
    zpool_ready = zpool_busy = 1;
    z = &zpool;
  }
  pthread_mutex_unlock(&zmu);
  if (z) {
    deflateReset(z);
  } else {
    memset(&local, 0, sizeof local);
    if (zinit(&local) != Z_OK) return -1;
    z = &local;
  }
  int rc = deflate_into(o, z, in, n);
  if (z == &local) {
    deflateEnd(z);
  } else {
    pthread_mutex_lock(&zmu);
    zpool_busy = 0;
    pthread_mutex_unlock(&zmu);
  }
  return rc;
}

/* Appends the iTXt chunk of the marks to o. */
static void marks_chunk(Out *o, Canvas *c) {
  ChartMarks *m = &c->marks;
  char head[400];
  for (char *q = m->x_name; *q; q++) if (*q == '\t' || *q == '\n' || *q == '\r') *q = ' ';
  for (char *q = m->y_name; *q; q++) if (*q == '\t' || *q == '\n' || *q == '\r') *q = ' ';
  int hn = snprintf(head, sizeof head, "perfsql-marks 1 %d %d %d\n#axes\t%s\t%s\n", c->w, c->h,
                    m->truncated, m->x_name[0] ? m->x_name : "x", m->y_name[0] ? m->y_name : "y");
  size_t tn = (size_t)hn + m->len;
  unsigned char *text = sqlite3_malloc64(tn + 1);
  if (!text) {
    o->oom = 1;
    return;
  }
  memcpy(text, head, (size_t)hn);
  if (m->len) memcpy(text + hn, m->buf, m->len);
  size_t start = o->len;
  int comp = tn > 1024;
  unsigned char flags[4] = {(unsigned char)comp, 0, 0, 0};      /* method, language, keyword */
  out_put(o, "\0\0\0\0iTXt", 8);
  out_put(o, CHART_MARKS_KEYWORD, sizeof CHART_MARKS_KEYWORD);   /* with its NUL */
  out_put(o, flags, 4);
  if (comp) {
    if (!o->oom && marks_deflate(o, text, tn)) o->oom = 1;
  } else {
    out_put(o, text, tn);
  }
  sqlite3_free(text);
  if (o->oom) return;
  size_t n = o->len - start - 8;
  be32(o->b + start, (unsigned)n);
  unsigned char crc[4];
  be32(crc, (unsigned)crc32(0, o->b + start + 4, (uInt)(n + 4)));
  out_put(o, crc, 4);
}

void *canvas_png(Canvas *c, int *size) {
  int n = 0;
  unsigned char *png = gdImagePngPtrEx(c->im, &n, CHART_PNG_LEVEL);
  /* libgd ends with the 12 bytes of IEND: the marks go right before them */
  if (!png || n < 20 || memcmp(png + n - 8, "IEND", 4) != 0) {
    if (png) gdFree(png);
    return 0;
  }
  Out o = {0, 0, 0, 0};
  if (out_room(&o, (size_t)n + (c->marks.on ? c->marks.len / 2 + 1024 : 0)) == 0) {
    out_put(&o, png, (size_t)n - 12);
    if (c->marks.on && !c->marks.oom) marks_chunk(&o, c);
    out_put(&o, png + n - 12, 12);
  }
  gdFree(png);
  if (o.oom || o.len > 0x7fffffff) {
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
