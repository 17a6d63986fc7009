/*
** kv_graph.c — `perfsql kubevirt-graph weekly|release`: perf-report-creator's
** weekly-graph, drawn with the chart aggregates (chart_line) into PNGs and
** one self-contained HTML page per resource.
**
**  1. weekly: for each job (or --job) and resource (or --resource), one PNG
**     per metric at OUT/<job>/<resource>/<metric>/plot.png (upstream's PNG
**     path) titled "Weekly <metric> for <resource>": the runs' values as
**     markers only ("individual metrics", x = run time) and the weekly
**     average as a line ("weekly averages", x = the ISO Monday), weeks from
**     --since on; and OUT/<job>/<resource>/index.html with every chart.
**  2. release: for a loaded shape.yaml (--release VERSION, default the last
**     loaded), the same charts over every job except density and kwok
**     (merged, like release-graph.sh), weeks from its sinceDate on, with its
**     lineShapes as vertical labelled markers; written to
**     OUT/release-<version>/<resource>/<metric>/plot.png and
**     OUT/release-<version>/<resource>/release-index.html.
**  3. Metrics: by default upstream's production lists (graph.sh: 42 for vmi,
**     45 for vm) that have data; --metrics a,b,c picks; --metrics all takes
**     every metric. A metric without points is skipped.
**  4. Errors: SQLite/chart errors and unwritable files, one line; exit 1.
**     Cost: two index range scans per chart (kubevirt_metric_week).
*/
#include "cli.h"
#include "html.h"
#include "kubevirt/kubevirt.h"

#include <stdlib.h>
#include <string.h>

const char usage_kubevirt_graph[] =
    "usage: perfsql [-d DB] kubevirt-graph weekly --out DIR [--job JOB] [--resource R] [--since YYYY-MM-DD]\n"
    "                                      [--metrics a,b,...|all]\n"
    "       perfsql [-d DB] kubevirt-graph release --out DIR [--release VERSION] [--resource R]\n"
    "                                      [--metrics a,b,...|all]\n"
    "weekly: one PNG per metric (runs as points, weekly average as a line, title\n"
    "\"Weekly <metric> for <resource>\") in DIR/<job>/<resource>/<metric>/plot.png and one\n"
    "page DIR/<job>/<resource>/index.html per resource.\n"
    "release: the same over all jobs except density/kwok from a loaded shape.yaml's sinceDate,\n"
    "with its release and k8s-bump lines, in DIR/release-<version>/<resource>/.\n"
    "Metrics default to upstream's graph.sh lists (42 vmi, 45 vm); --metrics all draws every one.\n"
    "example: perfsql kubevirt-graph weekly --out out/kubevirt/weekly --since 2026-01-01\n";

/* graph.sh / release-graph.sh metric lists */
static const char *const kv_common_metrics[] = {
    "vmiCreationToRunningSecondsP50", "vmiCreationToRunningSecondsP95",
    "LIST-virtualmachineinstances-count", "LIST-pods-count", "LIST-nodes-count",
    "LIST-virtualmachineinstancemigrations-count", "LIST-endpoints-count",
    "GET-virtualmachineinstances-count", "GET-pods-count", "GET-nodes-count",
    "GET-virtualmachineinstancemigrations-count", "GET-endpoints-count",
    "CREATE-virtualmachineinstances-count", "CREATE-pods-count", "CREATE-nodes-count",
    "CREATE-virtualmachineinstancemigrations-count", "CREATE-endpoints-count",
    "PATCH-virtualmachineinstances-count", "PATCH-pods-count", "PATCH-nodes-count",
    "PATCH-virtualmachineinstancemigrations-count", "PATCH-endpoints-count",
    "UPDATE-virtualmachineinstances-count", "UPDATE-pods-count", "UPDATE-nodes-count",
    "UPDATE-virtualmachineinstancemigrations-count", "UPDATE-endpoints-count",
    "avgVirtAPIMemoryUsageInMB", "minVirtAPIMemoryUsageInMB", "maxVirtAPIMemoryUsageInMB", "avgVirtAPICPUUsage",
    "avgVirtControllerMemoryUsageInMB", "minVirtControllerMemoryUsageInMB", "maxVirtControllerMemoryUsageInMB",
    "avgVirtControllerCPUUsage",
    "avgVirtHandlerMemoryUsageInMB", "minVirtHandlerMemoryUsageInMB", "maxVirtHandlerMemoryUsageInMB",
    "avgVirtHandlerCPUUsage",
    "virtControllerWorkqueueAddRate", "virtControllerWorkqueueDepth", "virtControllerWorkqueueP99Latency", 0};
static const char *const kv_vm_extra[] = {"WATCH-virtualmachineinstances-count", "WATCH-pods-count",
                                          "WATCH-virtualmachineinstancemigrations-count", 0};

/* JSON array of the metric names to draw for resource, or "null" for all. */
static char *metric_filter(const char *metrics, const char *resource) {
  PerfsqlBuf b = {0, 0, 0, 0};
  if (metrics && !strcmp(metrics, "all")) return sqlite3_mprintf("null");
  buf_append(&b, "[", 1);
  int n = 0;
  if (metrics) {
    const char *p = metrics;
    while (*p) {
      size_t len = strcspn(p, ",");
      if (len) buf_appendf(&b, "%s\"%.*w\"", n++ ? "," : "", (int)len, p);
      p += len;
      if (*p == ',') p++;
    }
  } else {
    for (int i = 0; kv_common_metrics[i]; i++) buf_appendf(&b, "%s\"%s\"", n++ ? "," : "", kv_common_metrics[i]);
    if (!strcmp(resource, "vm"))
      for (int i = 0; kv_vm_extra[i]; i++) buf_appendf(&b, ",\"%s\"", kv_vm_extra[i]);
  }
  buf_append(&b, "]", 1);
  char *s = sqlite3_mprintf("%.*s", (int)b.len, b.data ? b.data : "");
  buf_free(&b);
  return s;
}

/* One chart: ?1 = options JSON. The points/average SQL differ per mode. */
static int draw(sqlite3 *db, const char *sql, const char *opts, const char *bind[], int nbind, const char *png_path,
                HtmlDoc *h, const char *metric, int *drawn) {
  sqlite3_stmt *st = 0;
  *drawn = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) return cli_fail("kubevirt-graph: %s", sqlite3_errmsg(db));
  sqlite3_bind_text(st, 1, opts, -1, SQLITE_STATIC);
  for (int i = 0; i < nbind; i++) sqlite3_bind_text(st, i + 2, bind[i], -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    int r = cli_fail("kubevirt-graph: %s: %s", metric, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return r;
  }
  if (sqlite3_column_type(st, 0) == SQLITE_BLOB) {
    const void *png = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    if (write_file_path(png_path, png, (size_t)n)) { sqlite3_finalize(st); return EXIT_FAIL; }
    html_heading(h, 2, metric);
    html_image_png(h, png, (size_t)n, metric);
    *drawn = 1;
  }
  sqlite3_finalize(st);
  return EXIT_OK;
}

static char *chart_options(sqlite3 *db, const char *metric, const char *resource, const char *markers) {
  sqlite3_stmt *st = 0;
  char *out = 0;
  if (sqlite3_prepare_v2(db,
                         "SELECT json_object('title', 'Weekly ' || ?1 || ' for ' || ?2, 'x_type', 'time',"
                         " 'x_label', 'Start date of week', 'y_label', 'Metric Value', 'y_unit', CASE WHEN ?1 LIKE '%Seconds%' THEN 's' WHEN ?1 LIKE '%count' THEN 'count' ELSE '' END, 'width', 1000, 'height', 500,"
                         " 'series', json_object('individual metrics', json_object('mode', 'markers'),"
                         "                       'weekly averages', json_object('mode', 'lines+markers')),"
                         " 'markers', json(?3))",
                         -1, &st, 0) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, resource, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, markers ? markers : "[]", -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) out = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return out;
}

/* ---- weekly ------------------------------------------------------------------ */

/* ?1 options, ?2 job, ?3 resource, ?4 metric, ?5 since */
static const char weekly_chart_sql[] =
    "SELECT chart_line(x, y, s, ?1) FROM ("
    " SELECT r.run_time AS x, m.value AS y, 'individual metrics' AS s, 0 AS k"
    " FROM kubevirt_series AS se JOIN kubevirt_metric AS m ON m.series_id = se.id"
    " JOIN kubevirt_result AS x ON x.id = m.result_id JOIN kubevirt_run AS r ON r.id = x.run_id"
    " WHERE se.job = ?2 AND se.resource = ?3 AND se.metric = ?4 AND r.week_start >= ?5"
    " UNION ALL"
    " SELECT date(m.week_day * 86400, 'unixepoch'), avg(m.value), 'weekly averages', 1"
    " FROM kubevirt_series AS se JOIN kubevirt_metric AS m ON m.series_id = se.id"
    " WHERE se.job = ?2 AND se.resource = ?3 AND se.metric = ?4 AND date(m.week_day * 86400, 'unixepoch') >= ?5"
    " GROUP BY m.week_day"
    " ORDER BY k, x)";

/* ?1 release id, ?2 resource, ?3 metric, ?4 since: every job but density/kwok */
static const char release_chart_sql[] =
    "SELECT chart_line(x, y, s, ?1) FROM ("
    " SELECT r.run_time AS x, m.value AS y, 'individual metrics' AS s, 0 AS k"
    " FROM kubevirt_series AS se JOIN kubevirt_metric AS m ON m.series_id = se.id"
    " JOIN kubevirt_result AS x ON x.id = m.result_id JOIN kubevirt_run AS r ON r.id = x.run_id"
    " WHERE se.resource = ?2 AND se.metric = ?3 AND r.week_start >= ?4"
    "   AND se.job NOT LIKE '%density%' AND se.job NOT LIKE '%kwok%'"
    " UNION ALL"
    " SELECT date(m.week_day * 86400, 'unixepoch'), avg(m.value), 'weekly averages', 1"
    " FROM kubevirt_series AS se JOIN kubevirt_metric AS m ON m.series_id = se.id"
    " WHERE se.resource = ?2 AND se.metric = ?3 AND date(m.week_day * 86400, 'unixepoch') >= ?4"
    "   AND se.job NOT LIKE '%density%' AND se.job NOT LIKE '%kwok%'"
    " GROUP BY m.week_day"
    " ORDER BY k, x)";

typedef struct GraphArgs {
  const char *out, *job, *resource, *since, *metrics, *release;
  int quiet;
} GraphArgs;

/* Draws every selected metric of one (job|release, resource) into one page. */
static int graph_group(Cli *cli, const GraphArgs *a, const char *job, const char *resource, const char *dir,
                       const char *page, const char *title, const char *markers, const char *chart_sql,
                       const char *since, int *ncharts) {
  sqlite3 *db = cli->db;
  char *filter = metric_filter(a->metrics, resource);
  sqlite3_stmt *st = 0;
  /* metrics in the upstream list order, else by name */
  const char *list_sql =
      job ? "SELECT DISTINCT se.metric FROM kubevirt_series AS se"
            " LEFT JOIN json_each(?3) AS f ON f.value = se.metric"
            " WHERE se.job = ?1 AND se.resource = ?2 AND (?3 = 'null' OR f.value IS NOT NULL)"
            " AND EXISTS (SELECT 1 FROM kubevirt_metric AS m WHERE m.series_id = se.id)"
            " ORDER BY coalesce(f.key, 0), se.metric"
          : "SELECT DISTINCT se.metric FROM kubevirt_series AS se"
            " LEFT JOIN json_each(?3) AS f ON f.value = se.metric"
            " WHERE se.resource = ?2 AND (?3 = 'null' OR f.value IS NOT NULL)"
            " AND se.job NOT LIKE '%density%' AND se.job NOT LIKE '%kwok%'"
            " AND EXISTS (SELECT 1 FROM kubevirt_metric AS m WHERE m.series_id = se.id)"
            " ORDER BY coalesce(f.key, 0), se.metric";
  if (!filter || sqlite3_prepare_v2(db, list_sql, -1, &st, 0) != SQLITE_OK) {
    sqlite3_free(filter);
    return cli_fail("kubevirt-graph: %s", sqlite3_errmsg(db));
  }
  sqlite3_bind_text(st, 1, job ? job : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, resource, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, filter, -1, SQLITE_STATIC);
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, page);
  HtmlDoc *h = html_open(path, title);
  html_paragraph(h, "Points: one per CI run (its value). Line: the weekly average (x = the ISO week's Monday). "
                    "Runs that did not report a metric are left out, not counted as 0.");
  int rc = EXIT_OK;
  while (rc == EXIT_OK && sqlite3_step(st) == SQLITE_ROW) {
    char *metric = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
    char *opts = chart_options(db, metric, resource, markers);
    char png[4096];
    char *mdir = safe_path_component(metric);
    snprintf(png, sizeof png, "%s/%s/plot.png", dir, mdir ? mdir : "_");
    sqlite3_free(mdir);
    int drawn = 0;
    if (job) {
      const char *b[] = {job, resource, metric, since};
      rc = draw(db, chart_sql, opts, b, 4, png, h, metric, &drawn);
    } else {
      const char *b[] = {resource, metric, since};
      rc = draw(db, chart_sql, opts, b, 3, png, h, metric, &drawn);
    }
    *ncharts += drawn;
    if (drawn && !a->quiet) progress_update("kubevirt-graph", (uint64_t)*ncharts, 0);
    sqlite3_free(opts);
    sqlite3_free(metric);
  }
  sqlite3_finalize(st);
  sqlite3_free(filter);
  if (html_close(h) != 0 && rc == EXIT_OK) rc = EXIT_FAIL;
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
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(cli->db,
                         "SELECT DISTINCT r.job, x.resource FROM kubevirt_run AS r JOIN kubevirt_result AS x"
                         " ON x.run_id = r.id WHERE (?1 IS NULL OR r.job = ?1) AND (?2 IS NULL OR x.resource = ?2)"
                         " ORDER BY 1, 2",
                         -1, &st, 0) != SQLITE_OK)
    return cli_fail("kubevirt-graph: %s", sqlite3_errmsg(cli->db));
  if (a->job) sqlite3_bind_text(st, 1, a->job, -1, SQLITE_STATIC);
  if (a->resource) sqlite3_bind_text(st, 2, a->resource, -1, SQLITE_STATIC);
  int rc = EXIT_OK, groups = 0, charts = 0;
  while (rc == EXIT_OK && sqlite3_step(st) == SQLITE_ROW) {
    char *job = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
    char *res = sqlite3_mprintf("%s", sqlite3_column_text(st, 1));
    char *sjob = safe_path_component(job), *sres = safe_path_component(res);
    char *dir = sqlite3_mprintf("%s/%s/%s", a->out, sjob ? sjob : "_", sres ? sres : "_");
    sqlite3_free(sjob);
    sqlite3_free(sres);
    char *title = sqlite3_mprintf("%s — %s weekly performance", job, res);
    rc = graph_group(cli, a, job, res, dir, "index.html", title, 0, weekly_chart_sql,
                     a->since ? a->since : "0000-01-01", &charts);
    groups++;
    sqlite3_free(job); sqlite3_free(res); sqlite3_free(dir); sqlite3_free(title);
  }
  sqlite3_finalize(st);
  progress_done();
  if (rc == EXIT_OK && groups == 0) return cli_fail("kubevirt-graph: no KubeVirt results loaded%s", a->job ? " for that job" : "");
  if (rc == EXIT_OK && !cli->quiet) printf("%s: %d charts in %d pages\n", a->out, charts, groups);
  return rc;
}

static int graph_release(Cli *cli, const GraphArgs *a) {
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(cli->db,
                         "SELECT id, release_version, since_date, (SELECT json_group_array(json_object("
                         " 'x', x0, 'label', label_text, 'color', line_color, 'width', line_width, 'dash', line_dash,"
                         " 'xanchor', label_xanchor)) FROM (SELECT * FROM kubevirt_release_marker AS k"
                         " WHERE k.release_id = rel.id ORDER BY seq))"
                         " FROM kubevirt_release AS rel WHERE ?1 IS NULL OR release_version = ?1 ORDER BY id DESC LIMIT 1",
                         -1, &st, 0) != SQLITE_OK)
    return cli_fail("kubevirt-graph: %s", sqlite3_errmsg(cli->db));
  if (a->release) sqlite3_bind_text(st, 1, a->release, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return cli_fail("kubevirt-graph: no shape.yaml loaded%s (perfsql load kubevirt shape.yaml)",
                    a->release ? " with that releaseVersion" : "");
  }
  char *ver = sqlite3_mprintf("%s", sqlite3_column_text(st, 1));
  char *since = sqlite3_mprintf("%s", sqlite3_column_text(st, 2));
  char *markers = sqlite3_mprintf("%s", sqlite3_column_text(st, 3));
  sqlite3_finalize(st);
  const char *resources[] = {"vmi", "vm"};
  int rc = EXIT_OK, charts = 0;
  for (int i = 0; i < 2 && rc == EXIT_OK; i++) {
    if (a->resource && strcmp(a->resource, resources[i])) continue;
    char *rel = sqlite3_mprintf("release-%s", ver);
    char *srel = safe_path_component(rel);
    char *dir = sqlite3_mprintf("%s/%s/%s", a->out, srel ? srel : "_", resources[i]);
    sqlite3_free(rel);
    sqlite3_free(srel);
    char *title = sqlite3_mprintf("Release %s — %s performance since %s", ver, resources[i], since);
    rc = graph_group(cli, a, 0, resources[i], dir, "release-index.html", title, markers, release_chart_sql, since,
                     &charts);
    sqlite3_free(dir);
    sqlite3_free(title);
  }
  progress_done();
  if (rc == EXIT_OK && !cli->quiet) printf("%s/release-%s: %d charts\n", a->out, ver, charts);
  sqlite3_free(ver);
  sqlite3_free(since);
  sqlite3_free(markers);
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
