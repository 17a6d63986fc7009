/*
** demo_charts.c — the charts step of `perfsql demo`.
**
**  1. Writes one PNG of every chart kind under out_dir/charts/ (weekly_line
**     with KubeVirt's release markers, trace_line with 200,000 points,
**     compare_bar, sched_heatmap, latency_scatter) and one self-contained
**     HTML page showing all of them, plus a table with a chart per row
**     (out_dir/charts/index.html).
**  2. Its data is generated in TEMP tables (deterministic, no random()), so
**     the step needs nothing loaded and leaves nothing in the database; the
**     markers are data_dir/charts/kubevirt_markers.json (shape.yaml's
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

typedef struct DemoChart {
  const char *file;      /* under out/charts/ */
  const char *heading;
  const char *about;
  const char *sql;       /* one row, one PNG column; ?1 = markers JSON */
} DemoChart;

static const char setup_sql[] =
    "DROP TABLE IF EXISTS temp.demo_ci;"
    "CREATE TEMP TABLE demo_ci AS "
    "WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 230) "
    "SELECT date('2025-01-02', '+' || (i * 2) || ' days') AS day, "
    "  31.0 + 4 * sin(i / 9.0) + ((i * 7919) % 97) / 16.0 + CASE WHEN i > 120 THEN 6 ELSE 0 END "
    "  AS value FROM d;"
    "DROP TABLE IF EXISTS temp.demo_trace;"
    "CREATE TEMP TABLE demo_trace AS "
    "WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < 199999) "
    "SELECT 1767225600000000000 + i * 50000 AS ts_ns, "
    "  20 + 5 * sin(i / 3000.0) + ((i * 2654435761) % 1000) / 200.0 "
    "  + CASE WHEN i % 37111 = 0 THEN 180 ELSE 0 END AS latency_us FROM t;"
    "DROP TABLE IF EXISTS temp.demo_sched;"
    "CREATE TEMP TABLE demo_sched AS "
    "WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < 999) "
    "SELECT (i % 50) * 20 AS bin_ms, "
    "  CASE i / 50 % 5 WHEN 0 THEN 'vcpu0' WHEN 1 THEN 'vcpu1' WHEN 2 THEN 'emulator' "
    "  WHEN 3 THEN 'vhost-net' ELSE 'kvm-pit' END AS task, "
    "  ((i * 31) % 17) + CASE WHEN i % 50 BETWEEN 20 AND 26 AND i / 50 % 5 = 1 THEN 40 ELSE 0 END "
    "  AS switches FROM t;";

static const DemoChart charts[] = {
  {"weekly_line.png", "Weekly metric with release markers (chart_line)",
   "Raw CI runs as points, weekly averages as a line, KubeVirt releases and k8s bumps as dotted "
   "markers (from shape.yaml), a shaded band over the regression window.",
   "SELECT chart_line(x, y, series, json_object("
   " 'title', 'Weekly vmiCreationToRunningSecondsP95 for vmi', 'x_label', 'date',"
   " 'y_label', 'seconds', 'markers', json(?1),"
   " 'series', json_object('individual metrics', json_object('mode', 'markers')),"
   " 'bands', json_array(json_object('x0', '2025-07-30', 'x1', '2025-09-10', 'label', 'regression')))) "
   "FROM (SELECT day AS x, value AS y, 'individual metrics' AS series FROM demo_ci "
   "      UNION ALL "
   "      SELECT date(day, 'weekday 1', '-7 days') AS x, avg(value), 'weekly averages' "
   "      FROM demo_ci GROUP BY 1 ORDER BY 1)"},
  {"trace_line.png", "200,000-point latency trace (chart_line, decimated per pixel column)",
   "Nanosecond timestamps (x_type time_ns); the rare 200 us spikes survive decimation because "
   "every pixel column keeps its first, last, minimum and maximum point.",
   "SELECT chart_line(ts_ns, latency_us, 'wakeup latency', "
   " '{\"title\":\"Wakeup latency, 200k samples\",\"x_type\":\"time_ns\",\"y_label\":\"us\","
   "\"x_label\":\"time (UTC)\"}') FROM demo_trace"},
  {"compare_bar.png", "Baseline vs candidate (chart_bar with error bars)",
   "Grouped bars with +/- one standard deviation (5-argument form).",
   "WITH v(bench, ops, build, err) AS (VALUES "
   "('seq-read', 182000, 'baseline', 4100), ('seq-read', 179500, 'candidate', 3900),"
   "('rand-read', 96000, 'baseline', 2500), ('rand-read', 71000, 'candidate', 5200),"
   "('seq-write', 121000, 'baseline', 3100), ('seq-write', 124500, 'candidate', 2800),"
   "('rand-write', 45500, 'baseline', 1900), ('rand-write', 46100, 'candidate', 2100)) "
   "SELECT chart_bar(bench, ops, build, err, '{\"title\":\"Throughput by benchmark\","
   "\"y_label\":\"operations / s\"}') FROM v"},
  {"sched_heatmap.png", "Context switches per task and 20 ms bin (chart_heatmap)",
   "Viridis scale: the hottest cell (vcpu1 around 400-520 ms) has the top colour.",
   "SELECT chart_heatmap(bin_ms, task, switches, '{\"title\":\"Context switches per 20 ms\","
   "\"x_label\":\"time since capture start (ms)\",\"z_label\":\"switches\"}') FROM demo_sched"},
  {"latency_scatter.png", "Request size vs latency (chart_scatter)",
   "Two builds as two point sets.",
   "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 599), "
   " r AS (SELECT i, (i * 0.6180339887) - floor(i * 0.6180339887) AS u, "
   "              abs(sin(i * 12.9898) * 43758.5453) - floor(abs(sin(i * 12.9898) * 43758.5453))"
   "              AS v FROM s) "
   "SELECT chart_scatter(size_kb, latency_ms, build, '{\"title\":\"Latency by request size\","
   "\"x_label\":\"request size (KiB)\",\"y_label\":\"latency (ms)\"}') FROM ("
   " SELECT 4 + u * 1020 AS size_kb,"
   "  (0.6 + u * 1020 / 280.0) * (0.85 + 0.3 * v) * CASE i % 2 WHEN 0 THEN 1.0 ELSE 1.3 END"
   "  AS latency_ms,"
   "  CASE i % 2 WHEN 0 THEN 'baseline' ELSE 'candidate' END AS build FROM r)"},
};

static int run_chart(Cli *cli, const DemoChart *c, const char *markers, const char *dir,
                     HtmlDoc *h) {
  sqlite3_stmt *st = 0;
  char *err = 0;
  if (sql_prepare(cli->db, c->sql, &st, &err) != SQLITE_OK) {
    int rc = cli_fail("demo charts: %s: %s", c->file, err);
    sqlite3_free(err);
    return rc;
  }
  if (sqlite3_bind_parameter_count(st) >= 1) sqlite3_bind_text(st, 1, markers, -1, SQLITE_STATIC);
  int rc = EXIT_OK;
  if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) != SQLITE_BLOB) {
    rc = cli_fail("demo charts: %s: %s", c->file, sqlite3_errmsg(cli->db));
  } else {
    const void *png = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    char *path = sqlite3_mprintf("%s/%s", dir, c->file);
    if (write_file_path(path, png, (size_t)n)) rc = EXIT_FAIL;
    else if (!cli->quiet) printf("wrote %s\n", path);
    sqlite3_free(path);
    html_heading(h, 2, c->heading);
    html_paragraph(h, c->about);
    html_image_png(h, png, (size_t)n, c->heading);
  }
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
  char *err = 0;
  if (sqlite3_exec(cli->db, setup_sql, 0, 0, &err) != SQLITE_OK) {
    int rc = cli_fail("demo charts: %s", err);
    sqlite3_free(err);
    sqlite3_free(markers);
    return rc;
  }
  char *dir = sqlite3_mprintf("%s/charts", out_dir);
  char *index = sqlite3_mprintf("%s/index.html", dir);
  int rc = make_dirs(dir) ? EXIT_FAIL : EXIT_OK;
  HtmlDoc *h = html_open(index, "perfsql charts demo");
  html_paragraph(h, "Every chart below is one SQL aggregate returning a PNG (drawn with libgd, DejaVu Sans text). "
                    "This page is self-contained: images are inline, there is no script.");
  for (size_t i = 0; rc == EXIT_OK && i < sizeof charts / sizeof charts[0]; i++)
    rc = run_chart(cli, &charts[i], markers, dir, h);
  if (rc == EXIT_OK) {
    html_heading(h, 2, "A chart per group, in a table (html_table_from_sql)");
    html_paragraph(h, "SELECT task, sum(switches), chart_line(bin_ms, switches, task, ...) "
                      "FROM demo_sched GROUP BY task");
    if (html_table_from_sql(h, cli->db,
                            "SELECT task, sum(switches) AS switches, chart_line(bin_ms, switches, "
                            "task, '{\"width\":360,\"height\":140,\"legend\":false}') AS chart "
                            "FROM demo_sched GROUP BY task ORDER BY task", 0))
      rc = cli_fail("demo charts: %s", sqlite3_errmsg(cli->db));
  }
  if (html_close(h) != 0) rc = EXIT_FAIL;
  else if (rc == EXIT_OK && !cli->quiet) printf("wrote %s\n", index);
  sqlite3_exec(cli->db, "DROP TABLE IF EXISTS temp.demo_ci; DROP TABLE IF EXISTS temp.demo_trace;"
                        "DROP TABLE IF EXISTS temp.demo_sched;", 0, 0, 0);
  sqlite3_free(index);
  sqlite3_free(dir);
  sqlite3_free(markers);
  return rc;
}
