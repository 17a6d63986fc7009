/*
** chart_png.c — the PNG of a chart, with the marks of the chart
** (ext/chart_png.h) as one iTXt chunk before IEND; and the readers of that
** chunk.
**
**  1. A palette image (every chart unless it needed a 257th solid colour)
**     is written here from libgd's image (im->red/green/blue, im->pixels):
**     IHDR (8-bit indexes), PLTE, pHYs (96 dpi, as libgd writes it), one
**     IDAT, the marks, IEND; chunk CRCs by zlib's crc32().
**  2. The IDAT is deflated here, not by zlib's deflate(): chart images are
**     long runs of one index (background, bars, grid lines) and rows that
**     repeat the row above. Row 0 has filter None, every other row filter
**     Up (row - previous row: an unchanged pixel is 0). The filtered bytes
**     become literals and runs (repeats of the previous byte, distance 1,
**     found 16 bytes at a time), written as one deflate block with Huffman
**     codes built for the image; the Adler-32 is kept run by run. zlib's
**     deflate() (level 1, or Z_RLE) spent ~2 ms per 1200x600 chart on the
**     same data (its per-byte window, hash and Adler-32 work), this writer
**     ~0.4 ms, and the PNGs are about as large as libgd's level 1 (README
**     "Benchmarks").
**  3. A true-colour image is written by libgd (gdImagePngPtrEx at
**     CHART_PNG_LEVEL), the marks chunk spliced in before its IEND.
**  4. The marks text (~44 KB for 1,000 points) is compressed when longer
**     than 1 KiB the same way, as literals only (no runs to find in it):
**     55% of its size, where zlib's level 1 made 36%, in under half the
**     instructions (1.4 M against 3.0 M for the typical line chart's marks;
**     stored plainly its PNG would grow by 28 KB). Beyond 64 KiB of text
**     (thousands of marks, up to 10,000) zlib's deflate (level 1) does it:
**     there the size counts more (the 200,000-point demo chart: 178 KB
**     instead of 88 KB) and the time is small next to the drawing. zlib is
**     also used for crc32() and adler32().
*/
#include "chart.h"
#include "chart_png.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdint.h>
#include <zlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#ifndef CHART_PNG_LEVEL
#define CHART_PNG_LEVEL 1
#endif
/* The marks text is stored deflated when longer than this (bytes). */
#define CHART_MARKS_COMPRESS_ABOVE 1024
/* ... and by zlib's deflate beyond this (see 4. above). */
#define CHART_MARKS_ZLIB_ABOVE 65536

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

/* ---- IDAT by own deflate: runs and literals, one dynamic-Huffman block ---- */

/* Pass 1 turns the filtered rows into symbols, uint32 each: a literal byte
** v (0..255), or RUN | L for a run of L (3..258) repeats of the previous
** byte (length code + distance 1). Pass 2 writes them with Huffman codes
** made for this image (RFC 1951 3.2.7). */
#define RUN 0x10000u
#define N_LITLEN 286
static const int len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const int len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                  4, 4, 4, 4, 5, 5, 5, 5, 0};
static unsigned char len_index[259];      /* run length -> length code - 257 */
static pthread_once_t len_once = PTHREAD_ONCE_INIT;

static void len_init(void) {
  for (int L = 3; L <= 258; L++) {
    int i = 28;
    while (len_base[i] > L) i--;
    len_index[L] = (unsigned char)i;
  }
}

/* The symbols of the image and their counts. */
typedef struct Syms {
  uint32_t *s; sqlite3_int64 n, cap;
  uint32_t freq[N_LITLEN];
  int oom;
} Syms;

/* First x >= i where row[x] != v (prev NULL: filter None) or
** row[x] - prev[x] != v (filter Up), or n. */
static inline int run_end(const unsigned char *row, const unsigned char *prev, int i, int n, unsigned v) {
#if defined(__SSE2__)
  if (!prev || v == 0) {       /* 16 bytes at a time */
    __m128i pat = _mm_set1_epi8((char)v);
    while (i + 16 <= n) {
      __m128i w = _mm_loadu_si128((const __m128i *)(row + i));
      __m128i p = prev ? _mm_loadu_si128((const __m128i *)(prev + i)) : pat;
      unsigned ne = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w, p)) ^ 0xFFFFu;
      if (ne) return i + __builtin_ctz(ne);
      i += 16;
    }
  }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
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

/* Adler-32 (RFC 1950) of the filtered bytes, kept as they are encoded:
** a literal v adds v to a and a to b; a run of L bytes v adds L*v to a and
** L*a + v*L*(L+1)/2 to b, without reading the bytes again. Reduced mod
** 65521 once per row (a row of 4097 bytes keeps both below 2^40). */
#define ADLER_MOD 65521u

/* Pass 1 for a filter byte and its row: filter None when prev is NULL,
** else Up (row - prev); *last = the previous byte of the stream (256:
** none). A byte equal to the one before it starts a run: runs of 3..258,
** a remainder < 3 as literals. Room for n + 1 symbols is there. */
static void symbols_row(Syms *sy, uint64_t ad[2], const unsigned char *row, const unsigned char *prev,
                        int n, unsigned *plast) {
  uint32_t *out = sy->s + sy->n, *freq = sy->freq;
  uint64_t a = ad[0], b = ad[1];
  unsigned last = *plast;
  for (int i = -1; i < n;) {
    /* i = -1: the filter byte */
    unsigned d = i < 0 ? (prev ? 2u : 0u) : (unsigned char)(row[i] - (prev ? prev[i] : 0));
    if (d != last) {
      a += d;
      b += a;
      *out++ = d;
      freq[d]++;
      last = d;
      i++;
      continue;
    }
    int j = i < 0 ? 0 : run_end(row, prev, i + 1, n, d), L = j - i;
    b += (uint64_t)L * a + (uint64_t)d * (uint64_t)L * (uint64_t)(L + 1) / 2;
    a += (uint64_t)L * d;
    while (L >= 3) {
      int k = L > 258 ? 258 : L;
      *out++ = RUN | (uint32_t)k;
      freq[257 + len_index[k]]++;
      L -= k;
    }
    while (L-- > 0) {
      *out++ = d;
      freq[d]++;
    }
    i = j;
  }
  sy->n = out - sy->s;
  ad[0] = a % ADLER_MOD;
  ad[1] = b % ADLER_MOD;
  *plast = last;
}

/* Code lengths <= maxbits of a Huffman code for freq[0..n) (0 for unused
** symbols; at least two symbols get a length, so the code is complete).
** Huffman's merge over the sorted leaves (two queues); when the tree is
** too deep, the counts are halved and it is built again. */
typedef struct HNode { uint64_t w; int sym; } HNode;
static int hnode_cmp(const void *a, const void *b) {
  const HNode *x = a, *y = b;
  return x->w < y->w ? -1 : x->w > y->w ? 1 : x->sym - y->sym;
}

static void huff_lengths(const uint32_t *freq, int n, int maxbits, unsigned char *len) {
  uint64_t f[N_LITLEN];
  int used = 0;
  for (int i = 0; i < n; i++) f[i] = freq[i], used += freq[i] > 0;
  /* fewer than two symbols: add the first unused ones (count 1) */
  for (int i = 0; i < n && used < 2; i++)
    if (!f[i]) f[i] = 1, used++;
  for (;;) {
    HNode leaf[N_LITLEN];
    uint64_t iw[N_LITLEN];            /* weights of internal nodes, in creation order */
    int parent[2 * N_LITLEN], depth[2 * N_LITLEN];
    int m = 0;
    for (int i = 0; i < n; i++)
      if (f[i]) leaf[m].w = f[i], leaf[m].sym = i, m++;
    qsort(leaf, (size_t)m, sizeof leaf[0], hnode_cmp);
    /* nodes: leaves 0..m-1 (sorted), internal m..2m-2 */
    int li = 0, ii = 0, ni = 0;
    for (int k = 0; k < m - 1; k++) {
      int pick[2];
      for (int t = 0; t < 2; t++) {
        if (li < m && (ii >= ni || leaf[li].w <= iw[ii])) pick[t] = li++;
        else pick[t] = m + ii++;
      }
      uint64_t w = (pick[0] < m ? leaf[pick[0]].w : iw[pick[0] - m]) +
                   (pick[1] < m ? leaf[pick[1]].w : iw[pick[1] - m]);
      parent[pick[0]] = parent[pick[1]] = m + ni;
      iw[ni++] = w;
    }
    int root = m + ni - 1, maxd = 0;
    depth[root] = 0;
    for (int k = root - 1; k >= 0; k--) {
      depth[k] = depth[parent[k]] + 1;
      if (k < m && depth[k] > maxd) maxd = depth[k];
    }
    if (maxd <= maxbits) {
      memset(len, 0, (size_t)n);
      for (int k = 0; k < m; k++) len[leaf[k].sym] = (unsigned char)depth[k];
      return;
    }
    for (int i = 0; i < n; i++)
      if (f[i]) f[i] = (f[i] + 1) / 2;
  }
}

/* Canonical codes (RFC 1951 3.2.2) of lengths len[0..n), bit-reversed for
** LSB-first output. */
static void huff_codes(const unsigned char *len, int n, uint32_t *code) {
  int count[16] = {0};
  uint32_t next[16];
  for (int i = 0; i < n; i++) count[len[i]]++;
  count[0] = 0;
  uint32_t c = 0;
  for (int b = 1; b < 16; b++) {
    c = (c + (uint32_t)count[b - 1]) << 1;
    next[b] = c;
  }
  for (int i = 0; i < n; i++) {
    code[i] = 0;
    if (!len[i]) continue;
    uint32_t v = next[len[i]]++, r = 0;
    for (int k = 0; k < len[i]; k++) r |= ((v >> k) & 1u) << (len[i] - 1 - k);
    code[i] = r;
  }
}

typedef struct Bits { unsigned char *p; uint64_t acc; uint32_t n; } Bits;

/* Appends the n low bits of v (n <= 32). */
static inline void bits_put(Bits *b, uint32_t v, uint32_t n) {
  b->acc |= (uint64_t)v << b->n;
  b->n += n;
  if (b->n >= 32) {
    b->p[0] = (unsigned char)b->acc;
    b->p[1] = (unsigned char)(b->acc >> 8);
    b->p[2] = (unsigned char)(b->acc >> 16);
    b->p[3] = (unsigned char)(b->acc >> 24);
    b->p += 4;
    b->acc >>= 32;
    b->n -= 32;
  }
}

/* Pass 2: the block header (BFINAL, dynamic codes, the code lengths) and
** the symbols: sy->s, or (text != NULL) the bytes of text[0] and text[1]
** as literals, sy->freq counting them; o has room for all of it. */
static void write_block(Out *o, const Syms *sy, const unsigned char *const *text, const size_t *text_len) {
  static const unsigned char order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  uint32_t freq[N_LITLEN];
  memcpy(freq, sy->freq, sizeof freq);
  freq[256] = 1;                                         /* end of block */
  unsigned char ll[N_LITLEN + 1];
  uint32_t llc[N_LITLEN];
  huff_lengths(freq, N_LITLEN, 15, ll);
  huff_codes(ll, N_LITLEN, llc);
  int hlit = N_LITLEN;
  while (hlit > 257 && !ll[hlit - 1]) hlit--;
  /* one distance code (0: distance 1) of one bit, "0" */
  ll[hlit] = 1;
  /* the code lengths of both trees, run-length coded (16/17/18) */
  uint32_t cl[N_LITLEN + 1];          /* symbol | extra value << 8 */
  int ncl = 0, total = hlit + 1;
  uint32_t clfreq[19] = {0};
  for (int i = 0; i < total;) {
    int v = ll[i], r = 1;
    while (i + r < total && ll[i + r] == v) r++;
    int left = r;
    if (v == 0) {
      while (left >= 11) { int k = left > 138 ? 138 : left; cl[ncl++] = 18u | (uint32_t)(k - 11) << 8; clfreq[18]++; left -= k; }
      if (left >= 3) { cl[ncl++] = 17u | (uint32_t)(left - 3) << 8; clfreq[17]++; left = 0; }
    } else {
      cl[ncl++] = (uint32_t)v;
      clfreq[v]++;
      left--;
      while (left >= 3) { int k = left > 6 ? 6 : left; cl[ncl++] = 16u | (uint32_t)(k - 3) << 8; clfreq[16]++; left -= k; }
    }
    while (left-- > 0) { cl[ncl++] = (uint32_t)v; clfreq[v]++; }
    i += r;
  }
  unsigned char cll[19];
  uint32_t clc[19];
  huff_lengths(clfreq, 19, 7, cll);
  huff_codes(cll, 19, clc);
  int hclen = 19;
  while (hclen > 4 && !cll[order[hclen - 1]]) hclen--;

  Bits b = {o->b + o->len, 0, 0};
  bits_put(&b, 1 | 2u << 1, 3);                          /* BFINAL = 1, BTYPE = 10 */
  bits_put(&b, (uint32_t)(hlit - 257), 5);
  bits_put(&b, 0, 5);                                    /* HDIST: 1 distance code */
  bits_put(&b, (uint32_t)(hclen - 4), 4);
  for (int i = 0; i < hclen; i++) bits_put(&b, cll[order[i]], 3);
  static const unsigned char cl_extra[19] = {[16] = 2, [17] = 3, [18] = 7};
  for (int i = 0; i < ncl; i++) {
    unsigned s = cl[i] & 255;
    bits_put(&b, clc[s], cll[s]);
    if (cl_extra[s]) bits_put(&b, cl[i] >> 8, cl_extra[s]);
  }
  /* a run: length code, its extra bits, distance code "0" (1 bit) */
  uint32_t runc[259], runn[259];
  for (int L = 3; L <= 258; L++) {
    int k = len_index[L], s = 257 + k;
    runc[L] = llc[s] | (uint32_t)(L - len_base[k]) << ll[s];
    runn[L] = ll[s] + (uint32_t)len_extra[k] + 1;
  }
  unsigned char *p = b.p;
  uint64_t acc = b.acc;
  uint32_t nb = b.n;
#define PUT(v, n)                      \
  do {                                 \
    acc |= (uint64_t)(v) << nb;        \
    nb += (n);                         \
    if (nb >= 32) {                    \
      p[0] = (unsigned char)acc;       \
      p[1] = (unsigned char)(acc >> 8); \
      p[2] = (unsigned char)(acc >> 16); \
      p[3] = (unsigned char)(acc >> 24); \
      p += 4;                          \
      acc >>= 32;                      \
      nb -= 32;                        \
    }                                  \
  } while (0)
  if (text) {
    for (int k = 0; k < 2; k++)
      for (size_t i = 0; i < text_len[k]; i++) PUT(llc[text[k][i]], ll[text[k][i]]);
  } else {
    for (sqlite3_int64 i = 0; i < sy->n; i++) {
      uint32_t s = sy->s[i];
      if (s & RUN) PUT(runc[s & 511], runn[s & 511]);
      else PUT(llc[s], ll[s]);
    }
  }
#undef PUT
  b.p = p;
  b.acc = acc;
  b.n = nb;
  bits_put(&b, llc[256], ll[256]);
  while (b.n > 0) {
    *b.p++ = (unsigned char)b.acc;
    b.acc >>= 8;
    b.n = b.n > 8 ? b.n - 8 : 0;
  }
  o->len = (size_t)(b.p - o->b);
}

/* Room for n more symbols. */
static int syms_room(Syms *sy, sqlite3_int64 n) {
  while (!sy->oom && sy->n + n > sy->cap)
    if (chart_grow((void **)&sy->s, &sy->cap, sy->cap, sizeof(uint32_t), 65536)) sy->oom = 1;
  return sy->oom ? -1 : 0;
}

/* A zlib stream (RFC 1950) of the symbols: header, one deflate block,
** the Adler-32 of the bytes they stand for. */
static void zlib_stream(Out *o, const Syms *sy, const unsigned char *const *text, const size_t *text_len,
                        uint32_t adler) {
  out_put(o, "\x78\x01", 2);     /* deflate, 32 KiB window, no dictionary, check bits */
  /* at most 15 + 5 + 1 bits per symbol, + the header (< 400 bytes) */
  if (o->oom || out_room(o, (size_t)sy->n * 21 / 8 + 1024)) return;
  write_block(o, sy, text, text_len);
  unsigned char adl[4];
  be32(adl, adler);
  out_put(o, adl, 4);
}

/* The IDAT chunk of a palette image by own deflate (see the top): the
** zlib stream of the rows, row 0 with filter None, the others Up. */
static void idat_chunk(Out *o, gdImagePtr im) {
  pthread_once(&len_once, len_init);
  int w = gdImageSX(im), h = gdImageSY(im);
  Syms sy;
  memset(&sy, 0, sizeof sy);
  uint64_t ad[2] = {1, 0};       /* Adler-32 sums a, b */
  unsigned last = 256;           /* no byte yet */
  for (int y = 0; y < h && syms_room(&sy, w + 1) == 0; y++)
    symbols_row(&sy, ad, im->pixels[y], y > 0 ? im->pixels[y - 1] : 0, w, &last);
  if (sy.oom) o->oom = 1;
  size_t at = chunk_begin(o, "IDAT");
  zlib_stream(o, &sy, 0, 0, (uint32_t)(ad[1] << 16 | ad[0]));
  sqlite3_free(sy.s);
  chunk_end(o, at);
}

/* Appends the iTXt chunk of the marks to o: the text compressed when longer
** than CHART_MARKS_COMPRESS_ABOVE, as literals only with Huffman codes made
** for it (a third of zlib's level-1 deflate's time, see the top). */
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
  const unsigned char *parts[2] = {(const unsigned char *)head, (const unsigned char *)m->buf};
  size_t lens[2] = {(size_t)hn, m->len};
  if (comp && tn > CHART_MARKS_ZLIB_ABOVE) {
    /* thousands of marks: zlib's deflate finds the repeated pieces of the
    ** lines (36% of the size instead of 55%); its ~0.4 ms per 40 KB is
    ** small next to drawing that many points */
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      o->oom = 1;
    } else {
      for (int k = 0; k < 2 && !o->oom; k++) {
        z.next_in = (Bytef *)parts[k];
        z.avail_in = (uInt)lens[k];
        int rc;
        do {
          if (out_room(o, 65536)) break;
          z.next_out = o->b + o->len;
          z.avail_out = (uInt)((size_t)o->cap - o->len);
          rc = deflate(&z, k == 1 ? Z_FINISH : Z_NO_FLUSH);
          o->len = (size_t)o->cap - z.avail_out;
          if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) o->oom = 1;
        } while (!o->oom && (k == 1 ? rc != Z_STREAM_END : z.avail_in > 0 || z.avail_out == 0));
      }
      deflateEnd(&z);
    }
  } else if (comp) {
    Syms sy;                       /* counts only: the text is its own symbol list */
    memset(&sy, 0, sizeof sy);
    for (int k = 0; k < 2; k++)
      for (size_t i = 0; i < lens[k]; i++) sy.freq[parts[k][i]]++;
    sy.n = (sqlite3_int64)tn;
    uLong adler = adler32(0, 0, 0);
    for (int k = 0; k < 2; k++)
      if (lens[k]) adler = adler32(adler, parts[k], (uInt)lens[k]);   /* a NULL buffer would reset it */
    zlib_stream(o, &sy, parts, lens, (uint32_t)adler);
  } else {
    out_put(o, head, (size_t)hn);
    if (m->len) out_put(o, m->buf, m->len);
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
