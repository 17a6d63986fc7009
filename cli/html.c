/*
** html.c — self-contained HTML reports (see html.h for the API).
**
**  1. Output: one HTML5 file, UTF-8, inline CSS only; images are PNG
**     data: URIs (base64 computed here); no <script>, no external URL, so
**     it renders offline and cannot fetch anything.
**  2. Every text (titles, cells, alt text) is HTML-escaped (& < > " ').
**  3. The page is built in memory (sqlite3_malloc64) and written at
**     html_close() to "<path>.tmp" then renamed: never half a file.
**  4. Out of memory makes every later call a no-op and html_close() fail.
**  5. Values on hover without scripts: a chart PNG carrying marks (see
**     ext/chart_png.h) is written as <img usemap> plus a <map> of
**     <area shape=rect title="series / x: ... / y: ...">, so the browser's
**     own tooltip shows the values under the cursor. Every image goes
**     through image() below: html_image_png() and PNG cells of tables.
*/
#include "html.h"
#include "chart_png.h"
#include "cli.h"
#include "sql_stmt.h"
#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct HtmlDoc {
  char *path;
  PerfsqlBuf b;                 /* the page */
  int n_maps;                   /* image maps written: their names are "chart-map-N" */
};

static void put(HtmlDoc *h, const char *s, size_t n) {
  if (h) buf_append(&h->b, s, n);
}

static void puts_(HtmlDoc *h, const char *s) { put(h, s, strlen(s)); }

static void putf(HtmlDoc *h, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  if (!s) {
    if (h) h->b.oom = 1;
    return;
  }
  puts_(h, s);
  sqlite3_free(s);
}

void html_text(HtmlDoc *h, const char *s) {
  if (!s) return;
  const char *run = s;
  for (; *s; s++) {
    const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                      : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : 0;
    if (rep) {
      put(h, run, (size_t)(s - run));
      puts_(h, rep);
      run = s + 1;
    }
  }
  put(h, run, (size_t)(s - run));
}

void html_raw(HtmlDoc *h, const char *html) { if (html) puts_(h, html); }

static const char css[] =
    "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:24px;color:#222;"
    "background:#fff;max-width:1400px}"
    "h1{font-size:1.6em;border-bottom:2px solid #0072B2;padding-bottom:4px}"
    "h2{font-size:1.3em;margin-top:1.6em}h3{font-size:1.1em}"
    "table{border-collapse:collapse;margin:8px 0 16px 0;font-size:0.9em}"
    "th,td{border:1px solid #ccc;padding:3px 8px;vertical-align:top;text-align:left}"
    "th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td.null{background:#fafafa}tr:nth-child(even) td{background:#fbfbfb}"
    "img{max-width:100%;height:auto;display:block;margin:8px 0}"
    "pre{background:#f6f6f6;padding:8px;overflow-x:auto}p.note{color:#666;font-size:0.85em}"
    "td img{margin:0}p{white-space:pre-wrap}"
    /* an image with a map keeps its size (areas are in image pixels); the
    ** page scrolls sideways instead on a narrow window */
    "div.chart{overflow-x:auto}img[usemap]{max-width:none}";

HtmlDoc *html_open(const char *path, const char *title) {
  HtmlDoc *h = sqlite3_malloc64(sizeof *h);
  if (!h) return 0;
  memset(h, 0, sizeof *h);
  h->path = sqlite3_mprintf("%s", path);
  if (!h->path) h->b.oom = 1;
  puts_(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  html_text(h, title);
  putf(h, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
  html_text(h, title);
  puts_(h, "</h1>\n");
  return h;
}

void html_heading(HtmlDoc *h, int level, const char *text) {
  if (level < 1) level = 1;
  if (level > 6) level = 6;
  putf(h, "<h%d>", level);
  html_text(h, text);
  putf(h, "</h%d>\n", level);
}

void html_heading_id(HtmlDoc *h, int level, const char *id, const char *text) {
  if (level < 1) level = 1;
  if (level > 6) level = 6;
  putf(h, "<h%d id=\"", level);
  html_text(h, id);
  puts_(h, "\">");
  html_text(h, text);
  putf(h, "</h%d>\n", level);
}

void html_toc(HtmlDoc *h, const char *const *ids, const char *const *texts, int n) {
  puts_(h, "<ul class=\"toc\">\n");
  for (int i = 0; i < n; i++) {
    puts_(h, "<li><a href=\"#");
    html_text(h, ids[i]);
    puts_(h, "\">");
    html_text(h, texts[i]);
    puts_(h, "</a></li>\n");
  }
  puts_(h, "</ul>\n");
}

void html_paragraph(HtmlDoc *h, const char *text) {
  puts_(h, "<p>");
  html_text(h, text);
  puts_(h, "</p>\n");
}

void html_preformatted(HtmlDoc *h, const char *text) {
  puts_(h, "<pre>");
  html_text(h, text);
  puts_(h, "</pre>\n");
}

char *html_base64(const void *data, size_t n) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const unsigned char *p = data;
  size_t out_len = (n + 2) / 3 * 4;
  char *out = sqlite3_malloc64(out_len + 1);
  if (!out) return 0;
  size_t o = 0, i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
    out[o++] = tab[v >> 18];
    out[o++] = tab[(v >> 12) & 63];
    out[o++] = tab[(v >> 6) & 63];
    out[o++] = tab[v & 63];
  }
  if (i < n) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
    out[o++] = tab[v >> 18];
    out[o++] = tab[(v >> 12) & 63];
    out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
    out[o++] = '=';
  }
  out[o] = 0;
  return out;
}

int html_is_png(const void *data, size_t n) {
  return data && n >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0;
}

/* Writes the marks of a chart PNG (ext/chart_png.h) as <area>s of map
** "chart-map-N": each one's title (the browser's tooltip) says
** "series / x name: x / y name: y" on three lines. */
static void image_map(HtmlDoc *h, int id, const char *marks) {
  putf(h, "<map name=\"chart-map-%d\">", id);
  const char *xname = "x", *yname = "y";
  size_t xl = 1, yl = 1;
  ChartMarkLine m;
  for (const char *cur = marks; chart_marks_next(&cur, &m);) {
    if (m.is_axes) {
      xname = m.f[1], xl = m.fl[1], yname = m.f[2], yl = m.fl[2];
      continue;
    }
    const char *const *f = m.f;
    const size_t *fl = m.fl;
    int x0 = m.box[0], y0 = m.box[1], x1 = m.box[2], y1 = m.box[3];
    /* coords of a rect: left, top, right, bottom (inclusive pixels) */
    putf(h, "\n<area shape=\"rect\" coords=\"%d,%d,%d,%d\" title=\"", x0, y0, x1 - 1, y1 - 1);
    char *t = sqlite3_mprintf("%.*s%s%.*s: %.*s%s%.*s%s%.*s", (int)fl[1], f[1], fl[1] ? "\n" : "",
                              (int)xl, xname, (int)fl[2], f[2], fl[3] ? "\n" : "", (int)(fl[3] ? yl : 0), yname,
                              fl[3] ? ": " : "", (int)fl[3], f[3]);
    if (!t) {
      h->b.oom = 1;
      return;
    }
    /* escaped, with newlines as character references (kept in attributes) */
    for (char *p = t, *run = t;; p++) {
      if (*p == '\n' || !*p) {
        char c = *p;
        *p = 0;
        html_text(h, run);
        if (!c) break;
        puts_(h, "&#10;");
        run = p + 1;
      }
    }
    sqlite3_free(t);
    puts_(h, "\" alt=\"\">");
  }
  puts_(h, "\n</map>\n");
}

static void image(HtmlDoc *h, const void *png, size_t len, const char *alt, int in_cell) {
  if (!html_is_png(png, len)) {
    putf(h, "<p class=\"note\">(not a PNG image: %llu bytes)</p>\n", (unsigned long long)len);
    return;
  }
  /* a chart's marks become an image map; the chunk itself is left out of the page */
  char *marks = chart_png_marks(png, len, 0);
  unsigned char *bare = 0;
  if (marks) {
    bare = sqlite3_malloc64(len);
    if (bare) {
      len = chart_png_strip_marks(png, len, bare);
      png = bare;
    }
  }
  char *b64 = html_base64(png, len);
  if (!b64) {
    if (h) h->b.oom = 1;
    sqlite3_free(bare);
    free(marks);
    return;
  }
  int id = h && marks ? ++h->n_maps : 0;
  if (id && !in_cell) puts_(h, "<div class=\"chart\">");
  puts_(h, "<img alt=\"");
  html_text(h, alt ? alt : "chart");
  if (id) putf(h, "\" usemap=\"#chart-map-%d", id);
  puts_(h, "\" src=\"data:image/png;base64,");
  puts_(h, b64);
  puts_(h, "\">");
  if (id) image_map(h, id, marks);
  if (id && !in_cell) puts_(h, "</div>");
  if (!in_cell) puts_(h, "\n");
  sqlite3_free(b64);
  sqlite3_free(bare);
  free(marks);
}

void html_image_png(HtmlDoc *h, const void *png, size_t len, const char *alt) {
  image(h, png, len, alt, 0);
}

int html_table_from_stmt(HtmlDoc *h, sqlite3_stmt *st, int max_rows) {
  int nc = sqlite3_column_count(st);
  if (nc == 0) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    return rc == SQLITE_DONE ? 0 : -1;
  }
  puts_(h, "<table>\n<thead><tr>");
  for (int i = 0; i < nc; i++) {
    puts_(h, "<th>");
    html_text(h, sqlite3_column_name(st, i));
    puts_(h, "</th>");
  }
  puts_(h, "</tr></thead>\n<tbody>\n");
  int rc, rows = 0, more = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (max_rows > 0 && rows >= max_rows) {
      more++;
      continue;
    }
    rows++;
    puts_(h, "<tr>");
    for (int i = 0; i < nc; i++) {
      switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL: puts_(h, "<td class=\"null\"></td>"); break;
        case SQLITE_INTEGER:
          putf(h, "<td class=\"num\">%lld</td>", sqlite3_column_int64(st, i));
          break;
        case SQLITE_FLOAT: {
          char buf[64];
          snprintf(buf, sizeof buf, "%.6g", sqlite3_column_double(st, i));
          putf(h, "<td class=\"num\">%s</td>", buf);
          break;
        }
        case SQLITE_BLOB: {
          const void *b = sqlite3_column_blob(st, i);
          int n = sqlite3_column_bytes(st, i);
          if (html_is_png(b, (size_t)n)) {
            puts_(h, "<td>");
            image(h, b, (size_t)n, sqlite3_column_name(st, i), 1);
            puts_(h, "</td>");
          } else {
            putf(h, "<td>(%d bytes)</td>", n);
          }
          break;
        }
        default:
          puts_(h, "<td>");
          html_text(h, (const char *)sqlite3_column_text(st, i));
          puts_(h, "</td>");
      }
    }
    puts_(h, "</tr>\n");
  }
  puts_(h, "</tbody>\n</table>\n");
  if (more) putf(h, "<p class=\"note\">%d more rows not shown.</p>\n", more);
  if (rc != SQLITE_DONE) {
    puts_(h, "<p class=\"note\">error: ");
    html_text(h, sqlite3_errmsg(sqlite3_db_handle(st)));
    puts_(h, "</p>\n");
    return -1;
  }
  if (rows == 0) puts_(h, "<p class=\"note\">(no rows)</p>\n");
  return 0;
}

int html_table_from_sql(HtmlDoc *h, sqlite3 *db, const char *sql, int max_rows) {
  const char *tail = sql;
  while (tail && *tail) {
    sqlite3_stmt *st = 0;
    char *err = 0;
    if (sql_prepare_tail(db, tail, &st, &tail, &err) != SQLITE_OK) {
      puts_(h, "<p class=\"note\">error: ");
      html_text(h, err);
      puts_(h, "</p>\n");
      sqlite3_free(err);
      return -1;
    }
    if (!st) continue;          /* whitespace or a comment */
    int rc = html_table_from_stmt(h, st, max_rows);
    sqlite3_finalize(st);
    if (rc) return -1;
  }
  return 0;
}

int html_close(HtmlDoc *h) {
  if (!h) return cli_fail("out of memory building an HTML report"), -1;
  puts_(h, "</body>\n</html>\n");
  int rc = 0;
  if (h->b.oom) {
    rc = -1;
    cli_fail("%s: out of memory building the HTML report", h->path ? h->path : "?");
  } else {
    char *tmp = sqlite3_mprintf("%s.tmp", h->path);
    rc = tmp ? write_file_path(tmp, h->b.data, h->b.len) : -1;
    if (rc == 0 && rename(tmp, h->path) != 0) {
      cli_fail("%s: %s", h->path, strerror(errno));
      remove(tmp);
      rc = -1;
    }
    sqlite3_free(tmp);
  }
  buf_free(&h->b);
  sqlite3_free(h->path);
  sqlite3_free(h);
  return rc;
}

void html_abandon(HtmlDoc *h) {
  if (!h) return;
  buf_free(&h->b);
  sqlite3_free(h->path);
  sqlite3_free(h);
}
