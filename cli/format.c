/*
** format.c — prints query results as table, csv, json or markdown.
**
**  1. table: columns aligned (widths from all rows, so rows are buffered),
**     NULL shown empty; csv: RFC 4180 with a header row; json: an array of
**     objects, numbers as numbers, NULL as null; markdown: a pipe table with
**     '|' escaped. Every format prints a header even when there are no rows.
**  2. BLOB cells print as "<blob N bytes>" (use `perfsql plot` or
**     write_file() to save images).
**  3. A multi-statement script prints each statement's rows in turn; an error
**     names the statement's first line.
*/
#include "cli.h"
#include "sql_stmt.h"
#include <stdlib.h>
#include <string.h>

int format_parse(const char *name, OutFormat *f) {
  static const struct { const char *n; OutFormat f; } t[] = {
      {"table", FMT_TABLE}, {"csv", FMT_CSV}, {"json", FMT_JSON}, {"markdown", FMT_MARKDOWN}, {"md", FMT_MARKDOWN}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcmp(name, t[i].n) == 0) return *f = t[i].f, 0;
  return -1;
}

static char *cell_text(sqlite3_stmt *st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: return sqlite3_mprintf("");
    case SQLITE_BLOB: return sqlite3_mprintf("<blob %d bytes>", sqlite3_column_bytes(st, i));
    case SQLITE_FLOAT: return sqlite3_mprintf("%!.15g", sqlite3_column_double(st, i));
    default: return sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, i));
  }
}

static void csv_cell(FILE *out, const char *s) {
  if (strpbrk(s, ",\"\r\n") == 0) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"') fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
    else if (*p == '\n') fputs("\\n", out);
    else if (*p == '\t') fputs("\\t", out);
    else if (*p == '\r') fputs("\\r", out);
    else if (*p < 0x20) fprintf(out, "\\u%04x", *p);
    else fputc(*p, out);
  }
  fputc('"', out);
}

static void md_cell(FILE *out, const char *s) {
  for (; *s; s++) {
    if (*s == '|') fputs("\\|", out);
    else if (*s == '\n') fputs("<br>", out);
    else fputc(*s, out);
  }
}

/* UTF-8 aware display width (counts code points). */
static int width(const char *s) {
  int w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) w++;
  return w;
}

int format_stmt(sqlite3_stmt *st, OutFormat f, FILE *out) {
  int nc = sqlite3_column_count(st);
  if (nc == 0) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    return rc == SQLITE_DONE ? 0 : -1;
  }
  int rc;
  if (f == FMT_TABLE) {
    size_t nrow = 0, cap = 64;
    char **cells = malloc(sizeof(char *) * cap * (size_t)nc);
    int *w = calloc((size_t)nc, sizeof(int));
    for (int i = 0; i < nc; i++) w[i] = width(sqlite3_column_name(st, i));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (nrow == cap) cells = realloc(cells, sizeof(char *) * (cap *= 2) * (size_t)nc);
      for (int i = 0; i < nc; i++) {
        char *c = cell_text(st, i);
        cells[nrow * (size_t)nc + (size_t)i] = c;
        if (width(c) > w[i]) w[i] = width(c);
      }
      nrow++;
    }
    for (int i = 0; i < nc; i++) {
      const char *h = sqlite3_column_name(st, i);
      fprintf(out, "%s%s%*s", i ? "  " : "", h, i < nc - 1 ? w[i] - width(h) : 0, "");
    }
    fputc('\n', out);
    for (int i = 0; i < nc; i++) {
      fprintf(out, "%s", i ? "  " : "");
      for (int k = 0; k < w[i]; k++) fputc('-', out);
    }
    fputc('\n', out);
    for (size_t r = 0; r < nrow; r++) {
      for (int i = 0; i < nc; i++) {
        char *c = cells[r * (size_t)nc + (size_t)i];
        char *end = 0;
        int numeric = c[0] && (strtod(c, &end), *end == 0);
        if (numeric)
          fprintf(out, "%s%*s%s", i ? "  " : "", w[i] - width(c), "", c);
        else
          fprintf(out, "%s%s%*s", i ? "  " : "", c, i < nc - 1 ? w[i] - width(c) : 0, "");
        sqlite3_free(c);
      }
      fputc('\n', out);
    }
    free(cells);
    free(w);
    return rc == SQLITE_DONE ? 0 : -1;
  }
  if (f == FMT_CSV || f == FMT_MARKDOWN) {
    for (int i = 0; i < nc; i++) {
      if (f == FMT_CSV) {
        if (i) fputc(',', out);
        csv_cell(out, sqlite3_column_name(st, i));
      } else {
        fputs("| ", out);
        md_cell(out, sqlite3_column_name(st, i));
        fputc(' ', out);
      }
    }
    fputs(f == FMT_CSV ? "\n" : "|\n", out);
    if (f == FMT_MARKDOWN) {
      for (int i = 0; i < nc; i++) fputs("|---", out);
      fputs("|\n", out);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      for (int i = 0; i < nc; i++) {
        char *c = cell_text(st, i);
        if (f == FMT_CSV) {
          if (i) fputc(',', out);
          csv_cell(out, c);
        } else {
          fputs("| ", out);
          md_cell(out, c);
          fputc(' ', out);
        }
        sqlite3_free(c);
      }
      fputs(f == FMT_CSV ? "\n" : "|\n", out);
    }
    return rc == SQLITE_DONE ? 0 : -1;
  }
  /* JSON */
  fputc('[', out);
  int n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    fputs(n++ ? ",\n{" : "\n{", out);
    for (int i = 0; i < nc; i++) {
      if (i) fputc(',', out);
      json_string(out, sqlite3_column_name(st, i));
      fputc(':', out);
      int t = sqlite3_column_type(st, i);
      if (t == SQLITE_NULL) fputs("null", out);
      else if (t == SQLITE_INTEGER) fprintf(out, "%lld", sqlite3_column_int64(st, i));
      else if (t == SQLITE_FLOAT) {
        double d = sqlite3_column_double(st, i);
        if (d != d || d - d != 0) fputs("null", out);
        else {
          char *s = sqlite3_mprintf("%!.17g", d);
          fputs(s, out);
          sqlite3_free(s);
        }
      } else {
        char *c = cell_text(st, i);
        json_string(out, c);
        sqlite3_free(c);
      }
    }
    fputc('}', out);
  }
  fputs(n ? "\n]\n" : "]\n", out);
  return rc == SQLITE_DONE ? 0 : -1;
}

int format_query(sqlite3 *db, const char *sql, OutFormat f, FILE *out) {
  const char *tail = sql;
  while (tail && *tail) {
    sqlite3_stmt *st = 0;
    const char *start = tail;
    while (*start == ' ' || *start == '\n' || *start == '\t' || *start == '\r') start++;
    char *err = 0;
    if (sql_prepare_tail(db, tail, &st, &tail, &err) != SQLITE_OK) {
      int line = 1;
      for (const char *p = sql; p < start; p++) line += *p == '\n';
      cli_fail("SQL statement at line %d: %s", line, err);
      sqlite3_free(err);
      return -1;
    }
    if (!st) continue; /* whitespace or comment */
    int rc = format_stmt(st, f, out);
    if (rc) {
      int line = 1;
      for (const char *p = sql; p < start; p++) line += *p == '\n';
      cli_fail("SQL statement at line %d: %s", line, sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    if (rc) return -1;
  }
  return 0;
}
