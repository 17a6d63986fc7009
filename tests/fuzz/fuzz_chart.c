/*
** fuzz_chart.c — the chart aggregates on arbitrary input: byte 0 picks the
** kind (line, scatter, bar, heatmap), the first line is the options JSON,
** every further line "x|y|series" is one row (a field that parses fully as
** a number is bound as a REAL, otherwise as TEXT; an empty field is NULL).
** Property: never crash or leak; the result is an SQL error or a PNG whose
** chunks are well formed (lengths, CRCs, IHDR first, IEND last) and whose IDAT
** stream inflates (zlib, an independent decoder of ext/chart_png.c's own
** deflate writer) to exactly the rows IHDR announces, Adler-32 checked.
*/
#include "unit.h"
#include <stdlib.h>
#include <zlib.h>

static unsigned be32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* Aborts unless png is a PNG as described above. */
static void check_png(const unsigned char *png, size_t n) {
  if (n < 8 + 25 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(png + 12, "IHDR", 4) != 0) abort();
  unsigned w = be32(png + 16), h = be32(png + 20), depth = png[24], type = png[25];
  static const unsigned channels[7] = {1, 0, 3, 1, 2, 0, 4};
  if (w == 0 || h == 0 || w > 1u << 16 || h > 1u << 16 || type > 6 || !channels[type]) abort();
  size_t raw_len = (size_t)h * (1 + ((size_t)w * channels[type] * depth + 7) / 8);
  unsigned char *raw = malloc(raw_len + 1);
  if (!raw) abort();
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit(&z) != Z_OK) abort();
  z.next_out = raw;
  z.avail_out = (uInt)raw_len + 1;  /* one byte more: a longer stream is caught */
  int zrc = Z_OK, seen_iend = 0;
  for (size_t pos = 8; pos < n;) {
    if (seen_iend || n - pos < 12) abort();
    size_t len = be32(png + pos);
    if (len > n - pos - 12) abort();
    const unsigned char *type_and_data = png + pos + 4;
    if ((unsigned)crc32(0, type_and_data, (uInt)(4 + len)) != be32(png + pos + 8 + len)) abort();
    if (memcmp(type_and_data, "IDAT", 4) == 0) {
      z.next_in = (unsigned char *)type_and_data + 4;
      z.avail_in = (uInt)len;
      zrc = inflate(&z, Z_NO_FLUSH);
      if (zrc != Z_OK && zrc != Z_STREAM_END) abort();
    }
    seen_iend = memcmp(type_and_data, "IEND", 4) == 0;
    pos += 12 + len;
  }
  if (!seen_iend || zrc != Z_STREAM_END || z.total_out != raw_len) abort();
  inflateEnd(&z);
  free(raw);
}

static sqlite3 *db;
static sqlite3_stmt *ins, *q[4];

static void bind_field(sqlite3_stmt *st, int i, const char *s, size_t n) {
  if (n == 0) {
    sqlite3_bind_null(st, i);
    return;
  }
  char buf[64];
  if (n < sizeof buf) {
    memcpy(buf, s, n);
    buf[n] = 0;
    char *end;
    double v = strtod(buf, &end);
    if (*end == 0) {
      sqlite3_bind_double(st, i, v);
      return;
    }
  }
  sqlite3_bind_text(st, i, s, (int)n, SQLITE_TRANSIENT);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (!db) {
    db = unit_open(":memory:");
    sqlite3_exec(db, "CREATE TABLE p(x, y, s)", 0, 0, 0);
    sqlite3_prepare_v2(db, "INSERT INTO p VALUES (?1, ?2, ?3)", -1, &ins, 0);
    sqlite3_prepare_v2(db, "SELECT chart_line(x, y, s, ?1) FROM p", -1, &q[0], 0);
    sqlite3_prepare_v2(db, "SELECT chart_scatter(x, y, s, ?1) FROM p", -1, &q[1], 0);
    sqlite3_prepare_v2(db, "SELECT chart_bar(x, y, s, ?1) FROM p", -1, &q[2], 0);
    sqlite3_prepare_v2(db, "SELECT chart_heatmap(x, s, y, ?1) FROM p", -1, &q[3], 0);
  }
  if (size < 1 || size > 4096) return 0;
  int kind = data[0] & 3;
  const char *s = (const char *)data + 1, *end = (const char *)data + size;
  const char *nl = memchr(s, '\n', (size_t)(end - s));
  const char *opts_end = nl ? nl : end;
  sqlite3_exec(db, "DELETE FROM p", 0, 0, 0);
  for (const char *line = nl ? nl + 1 : end; line < end;) {
    const char *le = memchr(line, '\n', (size_t)(end - line));
    if (!le) le = end;
    const char *f[3] = {line, line, line};
    size_t n[3] = {0, 0, 0};
    int k = 0;
    for (const char *c = line; c <= le && k < 3; c++) {
      if (c == le || *c == '|') {
        n[k] = (size_t)(c - f[k]);
        if (++k < 3) f[k] = c + 1;
      }
    }
    for (int i = 0; i < 3; i++) bind_field(ins, i + 1, f[i], i < k ? n[i] : 0);
    sqlite3_step(ins);
    sqlite3_reset(ins);
    line = le + 1;
  }
  sqlite3_stmt *st = q[kind];
  sqlite3_bind_text(st, 1, s, (int)(opts_end - s), SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW) {
    if (sqlite3_column_type(st, 0) != SQLITE_BLOB) abort();
    check_png(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
  }
  sqlite3_reset(st);
  return 0;
}
