/*
** fuzz_chart.c — the chart aggregates on arbitrary input: byte 0 picks the
** kind (line, scatter, bar, heatmap), the first line is the options JSON,
** every further line "x|y|series" is one row (a field that parses fully as
** a number is bound as a REAL, otherwise as TEXT; an empty field is NULL).
** Property: never crash or leak; the result is a PNG or an SQL error.
*/
#include "unit.h"
#include <stdlib.h>

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
    const unsigned char *png = sqlite3_column_blob(st, 0);
    if (sqlite3_column_bytes(st, 0) < 8 || memcmp(png, "\x89PNG", 4) != 0) abort();
  }
  sqlite3_reset(st);
  return 0;
}
