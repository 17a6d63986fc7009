/*
** chart_png.h — the PNG files the chart aggregates return (written by
** ext/chart_png.c, with the marks chunk before IEND) and the reader of
** the marks chunk that the
** HTML writer (cli/html.c) and chart_layout() use. No SQLite calls in the
** reader functions: they work on any buffer, in the CLI or the extension.
**
** Marks chunk: an iTXt chunk with keyword "perfsql:marks" (a zlib stream
** when long) whose text is
**     perfsql-marks 1 <width> <height> <truncated 0|1>\n
**     #axes\t<name of x>\t<name of y>\n
**     <x0> <y0> <x1> <y1>\t<series>\t<x>\t<y>\n      (one line per mark)
** boxes in image pixels, [x0,x1) x [y0,y1); series/x/y as shown on hover
** (tabs and newlines in them were replaced by spaces).
*/
#ifndef PERFSQL_CHART_PNG_H
#define PERFSQL_CHART_PNG_H

#include <stddef.h>

#define CHART_MARKS_KEYWORD "perfsql:marks"

/* The marks text of a PNG (malloc'd, NUL-terminated; free()), or NULL when
** it has none. *is_png = 0 when data is not a PNG at all. */
char *chart_png_marks(const void *data, size_t n, int *is_png);

/* One line of a marks text, split at its tabs (the one parser of the format,
** used by chart_layout() and by cli/html.c's image maps). */
typedef struct ChartMarkLine {
  int is_axes;               /* "#axes\t<x name>\t<y name>": f[1], f[2] are the names */
  int box[4];                /* a mark: x0 y0 x1 y1, pixels, [x0,x1) x [y0,y1) */
  const char *f[4];          /* fields: box, series, x, y (not NUL-terminated) */
  size_t fl[4];              /* their lengths */
} ChartMarkLine;
/* Reads the next axes or mark line after *cursor (start with the marks
** text: its first line, the header, is skipped); malformed lines are
** skipped. Returns 1 with *m filled, 0 at the end. */
int chart_marks_next(const char **cursor, ChartMarkLine *m);
/* Copies the PNG without its marks chunk into out (room for n bytes);
** returns the new length (n when there was no chunk), 0 if not a PNG. */
size_t chart_png_strip_marks(const void *data, size_t n, unsigned char *out);

#endif
