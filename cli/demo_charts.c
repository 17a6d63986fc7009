/*
** demo_charts.c — the charts step of `perfsql demo`.
**
**  1. Writes one PNG of every chart kind under out_dir/charts/ (weekly_line
**     with KubeVirt's release markers, trace_line with 200,000 points,
**     compare_bar, sched_heatmap, latency_scatter) and one self-contained
**     HTML page showing all of them, plus a table with a chart per row
**     (out_dir/charts/index.html).
**  2. The charts and their data are the views demo_chart_gallery(markers)
**     and demo_chart_table (views/charts/; data generated there, deterministic,
**     no random()), so the step needs nothing loaded and writes nothing to the
**     database; the markers are data_dir/charts/kubevirt_markers.json (shape.yaml's
**     lineShapes). A missing markers file is an error naming it.
**  3. Returns 0 or an EXIT_ code after printing a one-line error.
*/
#include "cli.h"
#include "sql_stmt.h"
#include "html.h"
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t cap = 4096, n = 0, r;
  char *s = sqlite3_malloc64(cap);
  while (s && (r = fread(s + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (n + 1 >= cap) {
      char *ns = sqlite3_realloc64(s, cap *= 2);
      if (!ns) sqlite3_free(s);
      s = ns;
    }
  }
  fclose(f);
  if (s) s[n] = 0;
  return s;
}

/* Writes every row of demo_chart_gallery(markers) as out/charts/<file> and as
** a section of the page. File names come from the view (constants there). */
static int write_gallery(Cli *cli, const char *markers, const char *dir, HtmlDoc *h) {
  sqlite3_stmt *st = 0;
  if (cli_prepare(cli->db, "SELECT file, heading, about, png FROM demo_chart_gallery(?1)", &st, "demo charts"))
    return EXIT_FAIL;
  sqlite3_bind_text(st, 1, markers, -1, SQLITE_STATIC);
  int rc = EXIT_OK, step;
  while (rc == EXIT_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *file = (const char *)sqlite3_column_text(st, 0);
    if (sqlite3_column_type(st, 3) != SQLITE_BLOB) {
      rc = cli_fail("demo charts: %s: no PNG", file);
      break;
    }
    const void *png = sqlite3_column_blob(st, 3);
    int n = sqlite3_column_bytes(st, 3);
    char *safe = safe_path_component(file);
    char *path = sqlite3_mprintf("%s/%s", dir, safe ? safe : "_");
    sqlite3_free(safe);
    if (write_file_path(path, png, (size_t)n)) rc = EXIT_FAIL;
    else if (!cli->quiet) printf("wrote %s\n", path);
    sqlite3_free(path);
    html_heading(h, 2, (const char *)sqlite3_column_text(st, 1));
    html_paragraph(h, (const char *)sqlite3_column_text(st, 2));
    html_image_png(h, png, (size_t)n, (const char *)sqlite3_column_text(st, 1));
  }
  if (rc == EXIT_OK && step != SQLITE_DONE) rc = cli_fail("demo charts: %s", sqlite3_errmsg(cli->db));
  sqlite3_finalize(st);
  return rc;
}

int demo_charts(Cli *cli, const char *data_dir, const char *out_dir) {
  char *mpath = sqlite3_mprintf("%s/charts/kubevirt_markers.json", data_dir);
  char *markers = slurp(mpath);
  if (!markers) {
    int rc = cli_fail("%s: cannot read the bundled markers", mpath);
    sqlite3_free(mpath);
    return rc;
  }
  sqlite3_free(mpath);
  char *dir = sqlite3_mprintf("%s/charts", out_dir);
  char *index = sqlite3_mprintf("%s/index.html", dir);
  int rc = make_dirs(dir) ? EXIT_FAIL : EXIT_OK;
  HtmlDoc *h = html_open(index, "perfsql charts demo");
  html_paragraph(h, "Every chart below is one SQL aggregate returning a PNG (drawn with libgd, DejaVu Sans text); "
                    "SELECT * FROM demo_chart_gallery(NULL) returns them (views/charts/demo_chart_gallery.sql). "
                    "This page is self-contained: images are inline, there is no script.");
  if (rc == EXIT_OK) rc = write_gallery(cli, markers, dir, h);
  if (rc == EXIT_OK) {
    html_heading(h, 2, "A chart per group, in a table (html_table_from_sql)");
    html_paragraph(h, "SELECT * FROM demo_chart_table: a chart_line per task of demo_sched, "
                      "one row per task (views/charts/demo_chart_table.sql)");
    if (html_table_from_sql(h, cli->db, "SELECT * FROM demo_chart_table", 0))
      rc = cli_fail("demo charts: %s", sqlite3_errmsg(cli->db));
  }
  if (html_close(h) != 0) rc = EXIT_FAIL;
  else if (rc == EXIT_OK && !cli->quiet) printf("wrote %s\n", index);
  sqlite3_free(index);
  sqlite3_free(dir);
  sqlite3_free(markers);
  return rc;
}
