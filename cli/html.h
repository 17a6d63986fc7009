/*
** html.h — a tiny writer of self-contained HTML reports: one file, inline
** CSS, PNG images embedded as data: URIs, no script, no external font or
** stylesheet, so the page opens offline and can be mailed or archived.
**
** Usage (every call HTML-escapes its text):
**     HtmlDoc *h = html_open("out/report.html", "Weekly performance");
**     html_heading(h, 2, "vmiCreationToRunningSecondsP95");
**     html_paragraph(h, "Points: one per CI run; line: weekly average.");
**     html_image_png(h, png, png_len, "weekly chart");
**     html_table_from_sql(h, db, "SELECT * FROM kubevirt_weekly");
**     if (html_close(h) != 0) return EXIT_FAIL;       // writes the file
** The document is built in memory and written (via "<path>.tmp" + rename)
** by html_close(); every function tolerates h == NULL (out of memory) and
** html_close() then reports the failure. html_open() puts the title in an
** <h1>; use level 2..4 for sections.
*/
#ifndef PERFSQL_HTML_H
#define PERFSQL_HTML_H

#include <sqlite3.h>
#include <stddef.h>

typedef struct HtmlDoc HtmlDoc;

HtmlDoc *html_open(const char *path, const char *title);
void html_heading(HtmlDoc *h, int level, const char *text);      /* level 1..6 */
/* The same with an id, for links within the page (href="#id"). */
void html_heading_id(HtmlDoc *h, int level, const char *id, const char *text);
/* A list of links to headings of this page: ids[i] labelled texts[i]. */
void html_toc(HtmlDoc *h, const char *const *ids, const char *const *texts, int n);
void html_paragraph(HtmlDoc *h, const char *text);              /* newlines kept */
void html_preformatted(HtmlDoc *h, const char *text);            /* <pre> block */
/* An <img> with the PNG inline (base64 data: URI). Non-PNG data is shown as
** a note instead of a broken image. A chart PNG (chart_line/bar/heatmap/
** scatter) also gets an image map: hovering a point, bar, cell or marker
** shows its series and values in the browser's tooltip (no script). */
void html_image_png(HtmlDoc *h, const void *png, size_t len, const char *alt);
/* Steps st to its end and renders its rows as a table: column names as the
** header, NULL as an empty grey cell, numbers right-aligned, BLOB cells that
** are PNGs as inline images, other blobs as "(N bytes)". Returns 0, or -1
** with the SQLite error also written into the page. max_rows > 0 stops after
** that many rows (a note says how many were left out); 0 = all. */
int html_table_from_stmt(HtmlDoc *h, sqlite3_stmt *st, int max_rows);
/* Prepares, renders and finalizes every statement of sql. 0 or -1. */
int html_table_from_sql(HtmlDoc *h, sqlite3 *db, const char *sql, int max_rows);
/* Raw, already valid HTML (for what the helpers above do not cover). */
void html_raw(HtmlDoc *h, const char *html);
/* Appends text HTML-escaped, with no markup around it. */
void html_text(HtmlDoc *h, const char *text);
/* Writes the file and frees h. 0, or -1 with the error printed
** ("perfsql: <path>: <reason>"). */
int html_close(HtmlDoc *h);
/* Frees the page without writing anything (the command failed: no partial file). */
void html_abandon(HtmlDoc *h);

/* Helpers, exposed for tests: base64 of n bytes into a malloc'd string. */
char *html_base64(const void *data, size_t n);
int html_is_png(const void *data, size_t n);

#endif
