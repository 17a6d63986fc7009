/*
** kv_graph.c — `perfsql kubevirt-graph weekly|release`: perf-report-creator's
** weekly-graph, drawn with the chart aggregates into PNGs and one
** self-contained HTML page per resource. All report SQL is in views/kubevirt/:
** kubevirt_graph_metrics (which charts, in page order) and
** kubevirt_graph_chart (one PNG); this file writes the files.
**
**  1. weekly: for each job (or --job) and resource (or --resource), one PNG
**     per metric at OUT/<job>/<resource>/<metric>/plot.png (upstream's PNG
**     path) and OUT/<job>/<resource>/index.html with every chart; weeks from
**     the one containing --since on.
**  2. release: for a loaded shape.yaml (--release VERSION, default the last
**     loaded), the same over every job except density and kwok (merged, like
**     release-graph.sh), weeks from the one containing its sinceDate on, with
**     its lineShapes as vertical labelled lines; written to
**     OUT/release-<version>/<resource>/<metric>/plot.png and
**     OUT/release-<version>/<resource>/release-index.html.
**  3. Metrics: upstream's graph.sh lists (kubevirt_graph_metric_list), the
**     45-metric one with the WATCH-* counts on vm pages and density vmi pages;
**     --metrics a,b,c picks; --metrics all takes every metric. A metric
**     without points is skipped; a page without charts is not written.
**  4. Nothing to draw is an error (exit 1) that says why: for a release, from
**     kubevirt_release_scope (no runs / only density-kwok jobs / all runs
**     before sinceDate), before any file is written. SQLite/chart errors and
**     unwritable files: one line, exit 1.
*/
#include "cli.h"
#include "html.h"
#include "kubevirt/kubevirt.h"
#include "sql_stmt.h"

#include <stdlib.h>
#include <string.h>

const char usage_kubevirt_graph[] =
    "usage: perfsql [-d DB] kubevirt-graph weekly --out DIR [--job JOB] [--resource R] [--since YYYY-MM-DD]\n"
    "                                      [--metrics a,b,...|all]\n"
    "       perfsql [-d DB] kubevirt-graph release --out DIR [--release VERSION] [--resource R]\n"
    "                                      [--metrics a,b,...|all]\n"
    "weekly: one PNG per metric (runs as points, weekly average as a line, title\n"
    "\"Weekly <metric> for <resource>\", y axis in the metric's unit) in\n"
    "DIR/<job>/<resource>/<metric>/plot.png and one page DIR/<job>/<resource>/index.html.\n"
    "Weeks from the one containing --since on.\n"
    "release: the same over all jobs except density/kwok from the week containing a loaded\n"
    "shape.yaml's sinceDate, with its release and k8s-bump lines, in DIR/release-<version>/<resource>/.\n"
    "Nothing to draw (e.g. only density/kwok runs loaded) is an error that says why.\n"
    "Metrics default to upstream's graph.sh lists (42; 45 with the WATCH-* counts on vm pages and\n"
    "density vmi pages); --metrics all draws every one.\n"
    "example: perfsql kubevirt-graph weekly --out out/kubevirt/weekly --since 2026-01-01\n";

typedef struct GraphArgs {
  const char *out, *job, *resource, *since, *metrics, *release;
  int quiet;
} GraphArgs;

/* The charts of one page: kubevirt_graph_metrics (views/kubevirt/), then
** one kubevirt_graph_chart row per metric. A page is opened at its first
** chart, so a page without charts is never written. */
typedef struct Page {
  HtmlDoc *h;
  char *job, *resource, *dir;
  int charts;
} Page;

static int page_close(Page *p) {
  int rc = EXIT_OK;
  if (p->h && html_close(p->h) != 0) rc = EXIT_FAIL;
  sqlite3_free(p->job);
  sqlite3_free(p->resource);
  sqlite3_free(p->dir);
  memset(p, 0, sizeof *p);
  return rc;
}

/* Draws every page selected by a (job NULL = the release set). */
static int draw_pages(Cli *cli, const GraphArgs *a, const char *ver, const char *since, int *ncharts,
                      int *npages) {
  sqlite3 *db = cli->db;
  sqlite3_stmt *list = 0, *chart = 0;
  char *err = 0;
  int release = ver != 0;
  if (sql_prepare(db, "SELECT job, resource, metric FROM kubevirt_graph_metrics(?1, ?2, ?3, ?4)", &list, &err) ||
      sql_prepare(db, "SELECT chart FROM kubevirt_graph_chart(?1, ?2, ?3, ?4, ?5)", &chart, &err)) {
    int r = cli_fail("kubevirt-graph: %s", err);
    sqlite3_free(err);
    sqlite3_finalize(list);
    return r;
  }
  sql_bind_text(list, 1, release ? 0 : a->job);
  sql_bind_text(list, 2, a->resource);
  sql_bind_text(list, 3, a->metrics);
  sqlite3_bind_int(list, 4, release);
  Page pg;
  memset(&pg, 0, sizeof pg);
  int rc = EXIT_OK, step;
  while (rc == EXIT_OK && (step = sqlite3_step(list)) == SQLITE_ROW) {
    const char *job = (const char *)sqlite3_column_text(list, 0);
    const char *res = (const char *)sqlite3_column_text(list, 1);
    const char *metric = (const char *)sqlite3_column_text(list, 2);
    sqlite3_reset(chart);
    sql_bind_text(chart, 1, release ? 0 : job);
    sql_bind_text(chart, 2, res);
    sql_bind_text(chart, 3, metric);
    sql_bind_text(chart, 4, since);
    sql_bind_text(chart, 5, ver);
    if (sqlite3_step(chart) != SQLITE_ROW) {
      rc = cli_fail("kubevirt-graph: %s: %s", metric, sqlite3_errmsg(db));
      break;
    }
    if (sqlite3_column_type(chart, 0) != SQLITE_BLOB) continue;   /* no point since --since */
    if (!pg.h || strcmp(pg.job, job) || strcmp(pg.resource, res)) {
      if ((rc = page_close(&pg)) != EXIT_OK) break;
      pg.job = sqlite3_mprintf("%s", job);
      pg.resource = sqlite3_mprintf("%s", res);
      char *title;
      if (release) {
        char *sver = safe_path_component(ver), *sres = safe_path_component(res);
        pg.dir = sqlite3_mprintf("%s/release-%s/%s", a->out, sver ? sver : "_", sres ? sres : "_");
        sqlite3_free(sver);
        sqlite3_free(sres);
        title = sqlite3_mprintf("Release %s — %s performance since %s", ver, res, since);
      } else {
        char *sjob = safe_path_component(job), *sres = safe_path_component(res);
        pg.dir = sqlite3_mprintf("%s/%s/%s", a->out, sjob ? sjob : "_", sres ? sres : "_");
        sqlite3_free(sjob);
        sqlite3_free(sres);
        title = sqlite3_mprintf("%s — %s weekly performance", job, res);
      }
      char *path = sqlite3_mprintf("%s/%s", pg.dir, release ? "release-index.html" : "index.html");
      pg.h = html_open(path, title);
      html_paragraph(pg.h, "Points: one per CI run (its value). Line: the weekly average (x = the ISO week's "
                           "Monday). Runs that did not report a metric are left out, not counted as 0.");
      sqlite3_free(path);
      sqlite3_free(title);
      (*npages)++;
    }
    const void *png = sqlite3_column_blob(chart, 0);
    int n = sqlite3_column_bytes(chart, 0);
    char path[4096];
    char *smetric = safe_path_component(metric);   /* names from loaded data are hostile */
    snprintf(path, sizeof path, "%s/%s/plot.png", pg.dir, smetric ? smetric : "_");
    sqlite3_free(smetric);
    if (write_file_path(path, png, (size_t)n)) { rc = EXIT_FAIL; break; }
    html_heading(pg.h, 2, metric);
    html_image_png(pg.h, png, (size_t)n, metric);
    (*ncharts)++;
    if (!a->quiet) progress_update("kubevirt-graph", (uint64_t)*ncharts, 0);
  }
  if (rc == EXIT_OK && step != SQLITE_DONE) rc = cli_fail("kubevirt-graph: %s", sqlite3_errmsg(db));
  if (page_close(&pg) != EXIT_OK && rc == EXIT_OK) rc = EXIT_FAIL;
  sqlite3_finalize(chart);
  sqlite3_finalize(list);
  return rc;
}

static int parse_graph_args(int argc, char **argv, GraphArgs *a, int release) {
  const char *cmd = release ? "kubevirt-graph release" : "kubevirt-graph weekly";
  for (int i = 2; i < argc; i++) {
    const char *v;
    if (arg_value(argc, argv, &i, "--out", &v)) a->out = v;
    else if (!release && arg_value(argc, argv, &i, "--job", &v)) a->job = v;
    else if (arg_value(argc, argv, &i, "--resource", &v)) a->resource = v;
    else if (!release && arg_value(argc, argv, &i, "--since", &v)) {
      int y, m, d;
      char extra;
      if (sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return cli_usage(cmd, "--since %s: expected YYYY-MM-DD", v);
      a->since = v;
    } else if (arg_value(argc, argv, &i, "--metrics", &v)) a->metrics = v;
    else if (release && arg_value(argc, argv, &i, "--release", &v)) a->release = v;
    else return cli_usage(cmd, "unexpected argument %s", argv[i]);
  }
  if (!a->out) return cli_usage(cmd, "--out DIR is required");
  return EXIT_OK;
}

static int graph_weekly(Cli *cli, const GraphArgs *a) {
  int charts = 0, pages = 0;
  int rc = draw_pages(cli, a, 0, a->since, &charts, &pages);
  progress_done();
  if (rc != EXIT_OK) return rc;
  if (pages == 0)
    return cli_fail("kubevirt-graph: nothing to draw: no KubeVirt values%s%s%s%s", a->job ? " for job " : "",
                    a->job ? a->job : "", a->since ? " in weeks ending on or after " : " loaded",
                    a->since ? a->since : "");
  if (!cli->quiet) printf("%s: %d charts in %d pages\n", a->out, charts, pages);
  return EXIT_OK;
}

/* A release graph with nothing to draw fails (exit 1) with the reason from
** kubevirt_release_scope, before any file is written. */
static int graph_release(Cli *cli, const GraphArgs *a) {
  sqlite3_stmt *st = 0;
  char *err = 0;
  if (sql_prepare(cli->db,
                  "SELECT release_version, since_date, runs_drawn, runs_excluded, excluded_jobs, runs_before,"
                  " last_run_before FROM kubevirt_release_scope WHERE ?1 IS NULL OR release_version = ?1"
                  " ORDER BY release_id DESC LIMIT 1",
                  &st, &err)) {
    int r = cli_fail("kubevirt-graph: %s", err);
    sqlite3_free(err);
    return r;
  }
  sql_bind_text(st, 1, a->release);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return cli_fail("kubevirt-graph: no shape.yaml loaded%s (perfsql load kubevirt shape.yaml)",
                    a->release ? " with that releaseVersion" : "");
  }
  char *ver = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
  char *since = sqlite3_mprintf("%s", sqlite3_column_text(st, 1));
  sqlite3_int64 drawn = sqlite3_column_int64(st, 2), excluded = sqlite3_column_int64(st, 3),
                before = sqlite3_column_int64(st, 5);
  int rc = EXIT_OK;
  if (drawn == 0) {
    const char *jobs = (const char *)sqlite3_column_text(st, 4);
    const char *last = (const char *)sqlite3_column_text(st, 6);
    if (!excluded && !before)
      rc = cli_fail("kubevirt-graph: release %s: nothing to draw: no KubeVirt runs loaded (perfsql load kubevirt ...)",
                    ver);
    else if (!before)
      rc = cli_fail("kubevirt-graph: release %s: nothing to draw: the %lld loaded runs are all of density/kwok jobs "
                    "(%s), which release graphs leave out as upstream's release-graph.sh does; draw them with "
                    "kubevirt-graph weekly --job JOB",
                    ver, (long long)excluded, jobs ? jobs : "");
    else
      rc = cli_fail("kubevirt-graph: release %s: nothing to draw: no run in the weeks from sinceDate %s on "
                    "(%lld runs end on %s%s)",
                    ver, since, (long long)before, last ? last : "?",
                    excluded ? "; density/kwok runs are left out" : "");
  }
  sqlite3_finalize(st);
  int charts = 0, pages = 0;
  if (rc == EXIT_OK) rc = draw_pages(cli, a, ver, since, &charts, &pages);
  progress_done();
  if (rc == EXIT_OK && !cli->quiet) printf("%s/release-%s: %d charts\n", a->out, ver, charts);
  sqlite3_free(ver);
  sqlite3_free(since);
  return rc;
}

int cmd_kubevirt_graph(Cli *cli, int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "weekly") && strcmp(argv[1], "release")))
    return cli_usage("kubevirt-graph", "expected weekly or release");
  int release = !strcmp(argv[1], "release");
  GraphArgs a;
  memset(&a, 0, sizeof a);
  a.quiet = cli->quiet;
  int rc = parse_graph_args(argc, argv, &a, release);
  if (rc != EXIT_OK) return rc;
  if (cli_open(cli) || make_dirs(a.out)) return EXIT_FAIL;
  return release ? graph_release(cli, &a) : graph_weekly(cli, &a);
}
