/*
** chart_png.c — the PNG of a chart, with the marks of the chart
** (ext/chart_png.h) as one iTXt chunk before IEND; and the readers of that
** chunk.
**
**  1. A palette image (every chart unless it needed a 257th solid colour)
**     is written here from libgd's image (im->red/green/blue, im->pixels):
**     IHDR (8-bit indexes), PLTE, pHYs (96 dpi, as libgd writes it), one
**     IDAT, the marks, IEND. Chunk CRCs and the Adler-32 are zlib's
**     functions' definitions (crc32() from zlib; Adler-32 kept run by run).
**  2. The IDAT is deflated here, not by zlib's deflate(): chart images are
**     long runs of one index (background, bars, grid lines) and rows that
**     repeat the row above. Row 0 has filter None, every other row filter
**     Up (row - previous row: an unchanged pixel is 0), and the filtered
**     bytes are coded as one fixed-Huffman block of literals and runs (a
**     repeat of the previous byte, distance 1, found 8 bytes at a time).
**     zlib's deflate() spent ~2 ms per 1200x600 image on the same data (its
**     per-byte window, hash and Adler-32 work); this writer ~0.3 ms, for
**     a PNG ~10% larger than libgd's level 1 (numbers: README "Benchmarks").
**  3. A true-colour image is written by libgd (gdImagePngPtrEx at
**     CHART_PNG_LEVEL), the marks chunk spliced in before its IEND.
**  4. The marks text is deflated by zlib (level 1) when longer than 1 KiB;
**     that stream is kept between charts (reset, not allocated and zeroed
**     again: ~300 KB per chart).
*/
#include "chart.h"
#include "chart_png.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdint.h>
#include <zlib.h>

#ifndef CHART_PNG_LEVEL
#define CHART_PNG_LEVEL 1
#endif
/* The marks text is stored deflated when longer than this (bytes). */
#define CHART_MARKS_COMPRESS_ABOVE 1024

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

/* The deflate stream of the marks text (level 1), kept between charts
** (deflateReset instead of allocating and zeroing ~300 KB per chart); a
** thread finding it busy makes its own. */
static pthread_mutex_t zmu = PTHREAD_MUTEX_INITIALIZER;
static z_stream zpool;
static int zpool_ready, zpool_busy;

static int zinit(z_stream *z) {
  memset(z, 0, sizeof *z);
  return deflateInit2(z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY);
}

static z_stream *zget(z_stream *local) {
  z_stream *z = 0;
  pthread_mutex_lock(&zmu);
  if (!zpool_busy && (zpool_ready || zinit(&zpool) == Z_OK)) {
    zpool_ready = zpool_busy = 1;
    z = &zpool;
  }
  pthread_mutex_unlock(&zmu);
  if (z) {
    deflateReset(z);
    return z;
  }
  return zinit(local) == Z_OK ? local : 0;
}

static void zput(z_stream *z) {
  if (z != &zpool) {
    deflateEnd(z);
    return;
  }
  pthread_mutex_lock(&zmu);
  zpool_busy = 0;
  pthread_mutex_unlock(&zmu);
}

/* Deflates n bytes at in into o; flush = Z_FINISH ends the stream. */
static int deflate_into(Out *o, z_stream *z, const unsigned char *in, size_t n, int flush) {
  z->next_in = (Bytef *)in;
  z->avail_in = (uInt)n;
  for (;;) {
    if (out_room(o, 16384)) return -1;
    z->next_out = o->b + o->len;
    z->avail_out = (uInt)((size_t)o->cap - o->len);
    int rc = deflate(z, flush);
    o->len = (size_t)o->cap - z->avail_out;
    if (rc == Z_STREAM_END) return 0;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return -1;
    if (flush != Z_FINISH && z->avail_in == 0 && z->avail_out > 0) return 0;
  }
}

/* Starts a chunk: its length is filled in by chunk_end. */
static size_t chunk_begin(Out *o, const char *type) {
  size_t at = o->len;
  out_put(o, "\0\0\0\0", 4);
  out_put(o, type, 4);
  return at;
}

/* Ends the chunk begun at `at`: length and CRC (zlib's crc32). */
static void chunk_end(Out *o, size_t at) {
  if (o->oom) return;
  size_t n = o->len - at - 8;
  be32(o->b + at, (unsigned)n);
  unsigned char crc[4];
  be32(crc, (unsigned)crc32(0, o->b + at + 4, (uInt)(n + 4)));
  out_put(o, crc, 4);
}

/* Appends the iTXt chunk of the marks to o. */
static void marks_chunk(Out *o, Canvas *c) {
  ChartMarks *m = &c->marks;
  char head[400];
  for (char *q = m->x_name; *q; q++) if (*q == '\t' || *q == '\n' || *q == '\r') *q = ' ';
  for (char *q = m->y_name; *q; q++) if (*q == '\t' || *q == '\n' || *q == '\r') *q = ' ';
  int hn = snprintf(head, sizeof head, "perfsql-marks 1 %d %d %d\n#axes\t%s\t%s\n", c->w, c->h,
                    m->truncated, m->x_name[0] ? m->x_name : "x", m->y_name[0] ? m->y_name : "y");
  if (hn < 0) hn = 0;
  if ((size_t)hn >= sizeof head) hn = (int)sizeof head - 1;
  size_t tn = (size_t)hn + m->len;
  int comp = tn > CHART_MARKS_COMPRESS_ABOVE;
  unsigned char flags[4] = {(unsigned char)comp, 0, 0, 0};      /* method, language, keyword */
  size_t at = chunk_begin(o, "iTXt");
  out_put(o, CHART_MARKS_KEYWORD, sizeof CHART_MARKS_KEYWORD);   /* with its NUL */
  out_put(o, flags, 4);
  if (comp) {
    z_stream local, *z = zget(&local);
    if (!z) o->oom = 1;
    if (!o->oom && deflate_into(o, z, (const unsigned char *)head, (size_t)hn, Z_NO_FLUSH)) o->oom = 1;
    if (!o->oom && deflate_into(o, z, (const unsigned char *)m->buf, m->len, Z_FINISH)) o->oom = 1;
    if (z) zput(z);
  } else {
    out_put(o, head, (size_t)hn);
    if (m->len) out_put(o, m->buf, m->len);
  }
  chunk_end(o, at);
}

/* ---- IDAT by own deflate: one fixed-Huffman block, runs only ------------- */

/* Deflate codes (RFC 1951 3.2.6), bit-reversed for LSB-first output:
** lit[v] for a literal byte; run[L] for a run of L (3..258) repeats of the
** previous byte = length code + its extra bits + distance code 0 (d = 1). */
typedef struct Code { uint32_t bits; uint32_t n; } Code;
static Code lit_code[256], run_code[259], eob_code;
static pthread_once_t codes_once = PTHREAD_ONCE_INIT;

static uint32_t rev(uint32_t v, int n) {
  uint32_t r = 0;
  for (int i = 0; i < n; i++) r |= ((v >> i) & 1u) << (n - 1 - i);
  return r;
}

/* The fixed code of lit/len symbol s. */
static Code fixed_code(int s) {
  Code c;
  if (s < 144) c.n = 8, c.bits = rev(0x30u + (uint32_t)s, 8);
  else if (s < 256) c.n = 9, c.bits = rev(0x190u + (uint32_t)(s - 144), 9);
  else if (s < 280) c.n = 7, c.bits = rev((uint32_t)(s - 256), 7);
  else c.n = 8, c.bits = rev(0xC0u + (uint32_t)(s - 280), 8);
  return c;
}

static void codes_init(void) {
  static const int base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                               67, 83, 99, 115, 131, 163, 195, 227, 258};
  static const int extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                4, 4, 4, 4, 5, 5, 5, 5, 0};
  for (int v = 0; v < 256; v++) lit_code[v] = fixed_code(v);
  eob_code = fixed_code(256);
  for (int L = 3; L <= 258; L++) {
    int i = 28;
    while (base[i] > L) i--;
    Code c = fixed_code(257 + i);
    /* + extra bits (L - base) + distance code 0 in 5 bits (all zero) */
    c.bits |= (uint32_t)(L - base[i]) << c.n;
    c.n += (uint32_t)extra[i] + 5;
    run_code[L] = c;
  }
}

/* The bit writer's state: bytes out at p, acc holds n pending bits. */
typedef struct Bits { unsigned char *p; uint64_t acc; uint32_t n; } Bits;

/* Adler-32 (RFC 1950) of the filtered bytes, kept as they are encoded:
** a literal v adds v to a and a to b; a run of L bytes v adds L*v to a and
** L*a + v*L*(L+1)/2 to b, without reading the bytes again. Reduced mod
** 65521 once per row (a row of 4097 bytes keeps both below 2^40). */
#define ADLER_MOD 65521u

/* First x >= i where row[x] != v (prev NULL: filter None) or
** row[x] - prev[x] != v (filter Up), or n. */
static inline int run_end(const unsigned char *row, const unsigned char *prev, int i, int n, unsigned v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (!prev || v == 0) {       /* 8 bytes at a time */
    uint64_t pat = prev ? 0 : 0x0101010101010101ull * v;
    while (i + 8 <= n) {
      uint64_t w, p = pat;
      memcpy(&w, row + i, 8);
      if (prev) memcpy(&p, prev + i, 8);
      uint64_t x = w ^ p;
      if (x) return i + (__builtin_ctzll(x) >> 3);     /* the lowest byte comes first */
      i += 8;
    }
  }
#endif
  while (i < n && (unsigned char)(row[i] - (prev ? prev[i] : 0)) == v) i++;
  return i;
}

/* Encodes a filter byte and its row: filter None when prev is NULL, else Up
** (row - prev); *last = the previous byte of the stream (256: none). Each
** byte equal to the one before it starts a run (distance 1): runs of
** 3..258, a remainder < 3 as literals. The state lives in locals here (the
** output is bytes, which the compiler must assume alias everything). */
static void encode_row(Bits *bits, uint64_t ad[2], const unsigned char *row, const unsigned char *prev,
                       int n, unsigned *plast) {
  unsigned char *p = bits->p;
  uint64_t acc = bits->acc, a = ad[0], b = ad[1];
  uint32_t nb = bits->n;
  unsigned last = *plast;
#define PUT(code)                                   \
  do {                                              \
    Code c_ = (code);                               \
    acc |= (uint64_t)c_.bits << nb;                 \
    nb += c_.n;                                     \
    if (nb >= 32) {                                 \
      p[0] = (unsigned char)acc;                    \
      p[1] = (unsigned char)(acc >> 8);             \
      p[2] = (unsigned char)(acc >> 16);            \
      p[3] = (unsigned char)(acc >> 24);            \
      p += 4;                                       \
      acc >>= 32;                                   \
      nb -= 32;                                     \
    }                                               \
  } while (0)
  for (int i = -1; i < n;) {
    /* i = -1: the filter byte */
    unsigned d = i < 0 ? (prev ? 2u : 0u) : (unsigned char)(row[i] - (prev ? prev[i] : 0));
    if (d != last) {
      a += d;
      b += a;
      PUT(lit_code[d]);
      last = d;
      i++;
      continue;
    }
    int j = i < 0 ? 0 : run_end(row, prev, i + 1, n, d), L = j - i;
    b += (uint64_t)L * a + (uint64_t)d * (uint64_t)L * (uint64_t)(L + 1) / 2;
    a += (uint64_t)L * d;
    while (L >= 3) {
      int k = L > 258 ? 258 : L;
      PUT(run_code[k]);
      L -= k;
    }
    while (L-- > 0) PUT(lit_code[d]);
    i = j;
  }
#undef PUT
  bits->p = p;
  bits->acc = acc;
  bits->n = nb;
  ad[0] = a % ADLER_MOD;
  ad[1] = b % ADLER_MOD;
  *plast = last;
}

/* Appends one code to the bit writer (the end of block). */
static void bits_put(Bits *b, Code c) {
  b->acc |= (uint64_t)c.bits << b->n;
  b->n += c.n;
  while (b->n >= 8) {
    *b->p++ = (unsigned char)b->acc;
    b->acc >>= 8;
    b->n -= 8;
  }
}

/* The IDAT chunk of a palette image by own deflate (see the top): the
** zlib stream of the rows, row 0 with filter None, the others Up. */
static void idat_chunk(Out *o, gdImagePtr im) {
  pthread_once(&codes_once, codes_init);
  int w = gdImageSX(im), h = gdImageSY(im);
  size_t at = chunk_begin(o, "IDAT");
  out_put(o, "\x78\x01", 2);     /* zlib header: deflate, 32 KiB window, check bits */
  uint64_t ad[2] = {1, 0};       /* Adler-32 sums a, b */
  Bits b = {0, 3, 3};            /* BFINAL = 1, BTYPE = 01 (fixed codes) */
  unsigned last = 256;           /* no byte yet */
  /* worst case per row: 9 bits per byte, + the bit buffer */
  size_t row_max = ((size_t)w + 1) * 9 / 8 + 16;
  for (int y = 0; y < h && !o->oom; y++) {
    if (out_room(o, row_max)) break;
    b.p = o->b + o->len;
    encode_row(&b, ad, im->pixels[y], y > 0 ? im->pixels[y - 1] : 0, w, &last);
    o->len = (size_t)(b.p - o->b);
  }
  if (!o->oom && out_room(o, 16) == 0) {
    b.p = o->b + o->len;
    bits_put(&b, eob_code);
    if (b.n > 0) *b.p++ = (unsigned char)b.acc;     /* the last bits, padded */
    o->len = (size_t)(b.p - o->b);
    unsigned char adl[4];
    be32(adl, (unsigned)(ad[1] << 16 | ad[0]));
    out_put(o, adl, 4);
  }
  chunk_end(o, at);
}

/* The PNG of a palette image: IHDR, PLTE, pHYs (as libgd writes it), IDAT,
** the marks, IEND. */
static void *png_palette(Canvas *c, int *size) {
  gdImagePtr im = c->im;
  int w = gdImageSX(im), h = gdImageSY(im), nc = gdImageColorsTotal(im);
  Out o = {0, 0, 0, 0};
  out_room(&o, 65536 + (c->marks.on ? c->marks.len + 1024 : 0));
  out_put(&o, "\x89PNG\r\n\x1a\n", 8);
  unsigned char b[13];
  size_t at = chunk_begin(&o, "IHDR");
  be32(b, (unsigned)w);
  be32(b + 4, (unsigned)h);
  b[8] = 8;            /* bit depth */
  b[9] = 3;            /* colour type: palette */
  b[10] = b[11] = b[12] = 0;   /* deflate, adaptive filters, no interlace */
  out_put(&o, b, 13);
  chunk_end(&o, at);
  at = chunk_begin(&o, "PLTE");
  for (int i = 0; i < nc && !o.oom; i++) {
    unsigned char rgb[3] = {(unsigned char)gdImageRed(im, i), (unsigned char)gdImageGreen(im, i),
                            (unsigned char)gdImageBlue(im, i)};
    out_put(&o, rgb, 3);
  }
  chunk_end(&o, at);
  at = chunk_begin(&o, "pHYs");           /* libgd's resolution, dots per metre */
  be32(b, (unsigned)(gdImageResolutionX(im) / 0.0254 + 0.5));
  be32(b + 4, (unsigned)(gdImageResolutionY(im) / 0.0254 + 0.5));
  b[8] = 1;
  out_put(&o, b, 9);
  chunk_end(&o, at);
  idat_chunk(&o, im);
  if (c->marks.on && !c->marks.oom) marks_chunk(&o, c);
  at = chunk_begin(&o, "IEND");
  chunk_end(&o, at);
  if (o.oom || o.len > 0x7fffffff) {
    sqlite3_free(o.b);
    return 0;
  }
  *size = (int)o.len;
  return o.b;
}

void *canvas_png(Canvas *c, int *size) {
  gdImagePtr im = c->im;
  if (!im->trueColor && gdImageColorsTotal(im) > 0 && im->transparent < 0 && !im->interlace)
    return png_palette(c, size);
  int n = 0;
  unsigned char *png = gdImagePngPtrEx(im, &n, CHART_PNG_LEVEL);
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
