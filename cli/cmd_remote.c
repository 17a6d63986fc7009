/*
** cmd_remote.c — the CLI of the remote domain (the eBPF performance-test framework):
**   perfsql load remote PATH_OR_URL --iteration N [--keep-going] [--key F] [--known-hosts F]
**                                    [--transport auto|sftp|scp] [--timeout S] [--replace]
**   perfsql load remote-config DIR [--replace]
**   perfsql export remote DIR [--iteration N] [--no-charts]
**   perfsql export cases FILE [--source N]
** and the demo step "remote".
**
**  1. Every report is a view (views/remote/); this file only runs them and writes files:
**     the framework's CSVs (Python csv.writer: CRLF lines, minimal quoting; the same
**     headers, verbatim), its per-topic overview Markdown, perfsql's own overview with
**     verdicts over all iterations, the aggregated statistics CSV, and cases.json laid
**     out like json.dump(indent=2).
**  2. Errors: one line "perfsql: <file>: <what>", exit 1; usage errors exit 2.
*/
#include "cli.h"
#include "html.h"
#include "remote/remote_load.h"
#include "sql_stmt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char usage_load_remote[] =
    "usage: perfsql load remote PATH_OR_URL --iteration N [--keep-going] [--replace]\n"
    "                           [--key FILE] [--known-hosts FILE] [--transport auto|sftp|scp]\n"
    "                           [--timeout SECONDS]\n"
    "  Loads one iteration folder of the eBPF performance-test framework (host-server/,\n"
    "  host-client/, vm-server/, vm-client/ with performance-test-results/baseline|ebpf/...),\n"
    "  local or over SFTP (sftp://user@host[:port]/path; key from --key or ssh-agent; the\n"
    "  host key must be in known_hosts, default ~/.ssh/known_hosts).\n"
    "  --iteration N   the iteration number (several iterations live in one database)\n"
    "  --keep-going    load the rest when a file is malformed; list the skipped files\n"
    "  --transport     sftp = libcurl, scp = the system scp client, auto = sftp if libcurl has it\n"
    "example: perfsql load remote results/iteration_001 --iteration 1\n"
    "         perfsql load remote sftp://smartx@10.0.0.5/home/smartx/results/iteration_002 \\\n"
    "               --iteration 2 --key ~/.ssh/id_ed25519\n";

const char usage_load_remote_config[] =
    "usage: perfsql load remote-config DIR [--replace]\n"
    "  Loads the framework's configuration folder: every .yaml/.yml (minimal input,\n"
    "  <env>-full.yaml, tools and performance templates, analysis config, legacy files)\n"
    "  as JSON into remote_config, and *-cases.json as is. The view remote_case_matrix\n"
    "  expands the test-case matrix; remote_thresholds reads the analysis thresholds.\n"
    "example: perfsql load remote-config config/os630-kernel-510-el7-nested\n";

const char usage_export_remote[] =
    "usage: perfsql export remote DIR [--iteration N] [--no-charts]\n"
    "  Writes, for each iteration and topic, the framework's reports\n"
    "  DIR/iteration_NNN/{topic}_{latency,throughput,pps,resources}_iteration_NNN.csv and\n"
    "  {topic}_overview_iteration_NNN.md (same columns, verbatim headers), then\n"
    "  DIR/aggregated/{topic}_stats.csv (mean, stddev, count over iterations from the raw\n"
    "  values, diff and verdict against the thresholds), DIR/overview.md, and charts\n"
    "  (overhead per tool as bars, resource use over time as lines).\n"
    "example: perfsql export remote out/remote\n";

const char usage_export_cases[] =
    "usage: perfsql export cases FILE [--source N]\n"
    "  Writes the test-case matrix of the newest loaded <env>-full.yaml (or of\n"
    "  remote-config source N) as <env>-cases.json, laid out like the framework's bootstrap.\n"
    "example: perfsql export cases out/remote/cases.json\n";

/* ---- load kinds ------------------------------------------------------------- */

int load_remote(Cli *cli, int argc, char **argv) {
  RemoteLoadOptions o;
  memset(&o, 0, sizeof o);
  const char *root = 0, *v;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--iteration", &v)) {
      char *e;
      long n = strtol(v, &e, 10);
      if (*e || n < 1 || n > 1000000) return cli_usage("load remote", "--iteration %s: expected a positive number", v);
      o.iteration = (int)n;
    } else if (arg_value(argc, argv, &i, "--key", &v)) o.fetch.key = v;
    else if (arg_value(argc, argv, &i, "--known-hosts", &v)) o.fetch.known_hosts = v;
    else if (arg_value(argc, argv, &i, "--transport", &v)) o.fetch.transport = v;
    else if (arg_value(argc, argv, &i, "--timeout", &v)) o.fetch.timeout_s = atol(v);
    else if (arg_flag(argv, i, "--keep-going")) o.keep_going = 1;
    else if (arg_flag(argv, i, "--replace")) o.replace = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("load remote", "unexpected argument %s", argv[i]);
    else if (!root) root = argv[i];
    else return cli_usage("load remote", "unexpected argument %s", argv[i]);
  }
  if (!root) return cli_usage("load remote", "missing PATH_OR_URL");
  if (!o.iteration) return cli_usage("load remote", "missing --iteration N");
  if (o.fetch.transport && strcmp(o.fetch.transport, "auto") && strcmp(o.fetch.transport, "sftp") &&
      strcmp(o.fetch.transport, "scp"))
    return cli_usage("load remote", "--transport %s: expected auto, sftp or scp", o.fetch.transport);
  o.quiet = cli->quiet;
  o.fetch.quiet = cli->quiet;
  if (cli_open(cli)) return EXIT_FAIL;
  char *err = 0;
  return cli_done(remote_load_tree(cli->db, root, &o, &err), &err, "load failed");
}

int load_remote_config(Cli *cli, int argc, char **argv) {
  const char *dir = 0;
  int replace = 0;
  for (int i = 1; i < argc; i++) {
    if (arg_flag(argv, i, "--replace")) replace = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("load remote-config", "unexpected argument %s", argv[i]);
    else if (!dir) dir = argv[i];
    else return cli_usage("load remote-config", "unexpected argument %s", argv[i]);
  }
  if (!dir) return cli_usage("load remote-config", "missing DIR");
  if (cli_open(cli)) return EXIT_FAIL;
  char *err = 0;
  return cli_done(remote_load_config(cli->db, dir, replace, cli->quiet, &err), &err, "load failed");
}

/* ---- writing helpers ----------------------------------------------------------- */

static void csv_cell(PerfsqlBuf *b, const char *s) {
  if (!s) s = "";
  if (strpbrk(s, ",\"\r\n")) {
    buf_append(b, "\"", 1);
    for (const char *p = s; *p; p++) {
      if (*p == '"') buf_append(b, "\"", 1);
      buf_append(b, p, 1);
    }
    buf_append(b, "\"", 1);
  } else {
    buf_append(b, s, strlen(s));
  }
}


static int write_buf(const char *path, PerfsqlBuf *b) {
  if (b->oom) { buf_free(b); return cli_fail("%s: out of memory", path), -1; }
  int rc = write_file_path(path, b->data ? b->data : "", b->len);
  buf_free(b);
  return rc;
}

/* Writes the rows of st (ordered by its first `keys` columns) as one CSV per distinct key:
** path_of(key values) names the file; columns from `skip` on are written. */
static int write_csv_grouped(sqlite3_stmt *st, int keys, int skip, const char *header,
                             char *(*path_of)(sqlite3_stmt *st, void *ctx), void *ctx, int *files) {
  PerfsqlBuf b = {0};
  char *path = 0, *cur = 0;
  int nc = sqlite3_column_count(st), rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    PerfsqlBuf k = {0};
    for (int i = 0; i < keys; i++) buf_appendf(&k, "%s\x1f", sqlite3_column_text(st, i));
    buf_append(&k, "", 1);
    if (!cur || strcmp(cur, k.data) != 0) {
      if (path && write_buf(path, &b)) { buf_free(&k); goto fail; }
      if (path) (*files)++;
      sqlite3_free(path);
      sqlite3_free(cur);
      memset(&b, 0, sizeof b);
      cur = k.data;
      path = path_of(st, ctx);
      if (header) {
        buf_append(&b, header, strlen(header));
      } else {
        for (int i = skip; i < nc; i++) {
          if (i > skip) buf_append(&b, ",", 1);
          csv_cell(&b, sqlite3_column_name(st, i));
        }
        buf_append(&b, "\r\n", 2);
      }
    } else {
      buf_free(&k);
    }
    for (int i = skip; i < nc; i++) {
      if (i > skip) buf_append(&b, ",", 1);
      csv_cell(&b, (const char *)sqlite3_column_text(st, i));
    }
    buf_append(&b, "\r\n", 2);
  }
  if (rc != SQLITE_DONE) {
    cli_fail("%s", sqlite3_errmsg(sqlite3_db_handle(st)));
    goto fail;
  }
  if (path) {
    if (write_buf(path, &b)) goto fail;
    (*files)++;
  }
  sqlite3_free(path);
  sqlite3_free(cur);
  return 0;
fail:
  buf_free(&b);
  sqlite3_free(path);
  sqlite3_free(cur);
  return -1;
}

typedef struct ReportPath { const char *dir, *type; } ReportPath;
static char *report_path(sqlite3_stmt *st, void *ctx) {
  const ReportPath *r = ctx;
  int it = sqlite3_column_int(st, 0);
  char *file = sqlite3_mprintf("%s_%s_iteration_%03d.csv", sqlite3_column_text(st, 1), r->type, it);
  char *safe = file ? safe_path_component(file) : 0;
  char *path = safe ? sqlite3_mprintf("%s/iteration_%03d/%s", r->dir, it, safe) : 0;
  sqlite3_free(file);
  sqlite3_free(safe);
  return path;
}
static char *stats_path(sqlite3_stmt *st, void *ctx) {
  char *file = sqlite3_mprintf("%s_stats.csv", sqlite3_column_text(st, 0));
  char *safe = file ? safe_path_component(file) : 0;
  char *path = safe ? sqlite3_mprintf("%s/aggregated/%s", (const char *)ctx, safe) : 0;
  sqlite3_free(file);
  sqlite3_free(safe);
  return path;
}

static const char resources_header[] =
    "Tool Case,Protocol,Direction,PPS Single,,,,PPS Multi,,,,TP Single,,,,TP Multi,,,,Full Cycle,,,"
    "Log Size,\r\n"
    ",,,Time Range,CPU Avg (%),CPU Max (%),Mem Max (KB),Time Range,CPU Avg (%),CPU Max (%),"
    "Mem Max (KB),Time Range,CPU Avg (%),CPU Max (%),Mem Max (KB),Time Range,CPU Avg (%),CPU Max (%),"
    "Mem Max (KB),Max RSS (KB),Max VSZ (KB),Total Samples,Size (Bytes),Size (Human)\r\n";

/* "system_network_performance" -> "System Network Performance" (Python str.title()). */
static void topic_title(const char *topic, char *out, size_t cap) {
  size_t k = 0;
  int start = 1;
  for (const char *p = topic; *p && k + 1 < cap; p++) {
    char c = *p == '_' ? ' ' : *p;
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alpha) {
      if (start && c >= 'a' && c <= 'z') c = (char)(c - 32);
      else if (!start && c >= 'A' && c <= 'Z') c = (char)(c + 32);
    }
    start = !alpha;
    out[k++] = c;
  }
  out[k] = 0;
}

/* The framework's {topic}_overview_{iteration}.md (1fa9db3 layout), one per iteration
** and topic, from the views remote_topic_summary (counts) and remote_topic_cases (rows). */
static int write_topic_overviews(sqlite3 *db, const char *dir, int only_iteration, int *files) {
  sqlite3_stmt *cnt = 0, *rows = 0;
  if (cli_prepare(db, "SELECT * FROM remote_topic_summary WHERE ?1 = 0 OR iteration = ?1 ORDER BY iteration, topic",
              &cnt, NULL))
    return -1;
  if (cli_prepare(db, "SELECT * FROM remote_topic_cases WHERE ?1 = 0 OR iteration = ?1 ORDER BY iteration, topic, case_name",
              &rows, NULL)) {
    sqlite3_finalize(cnt);
    return -1;
  }
  sqlite3_bind_int(cnt, 1, only_iteration);
  sqlite3_bind_int(rows, 1, only_iteration);
  char date[32];
  time_t now = time(0);
  strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", localtime(&now));
  int rc = 0, have_row = sqlite3_step(rows) == SQLITE_ROW;
  while (rc == 0 && sqlite3_step(cnt) == SQLITE_ROW) {
    int it = sqlite3_column_int(cnt, 0);
    const char *topic = (const char *)sqlite3_column_text(cnt, 1);
    char title[512], iter[32];
    topic_title(topic, title, sizeof title);
    snprintf(iter, sizeof iter, "iteration_%03d", it);
    sqlite3_int64 total = sqlite3_column_int64(cnt, 2);
    PerfsqlBuf b = {0};
    buf_appendf(&b, "# %s - Analysis Overview\n\n**Iteration:** %s\n**Date:** %s\n**Total Cases:** %lld\n\n",
                title, iter, date, total);
    buf_appendf(&b, "## Summary Statistics\n\n- Total test cases: %lld\n- Cases with latency data: %lld\n"
                "- Cases with throughput data: %lld\n- Cases with PPS data: %lld\n"
                "- Cases with resource data: %lld\n\n", total, sqlite3_column_int64(cnt, 3),
                sqlite3_column_int64(cnt, 4), sqlite3_column_int64(cnt, 5), sqlite3_column_int64(cnt, 6));
    buf_appendf(&b, "## Performance Summary\n\n"
                "| Tool Case | Protocol | Dir | Latency Diff (%%) | Throughput Diff (%%) | PPS Diff (%%) |\n"
                "|-----------|----------|-----|------------------|---------------------|---------------|\n");
    while (have_row && sqlite3_column_int(rows, 0) == it &&
           strcmp((const char *)sqlite3_column_text(rows, 1), topic) == 0) {
      const char *tc = (const char *)sqlite3_column_text(rows, 2);
      char shown[64];
      if (strlen(tc) > 30) snprintf(shown, sizeof shown, "%.27s...", tc);
      else snprintf(shown, sizeof shown, "%s", tc);
      buf_appendf(&b, "| %s | %s | %s | %s | %s | %s |\n", shown, sqlite3_column_text(rows, 3),
                  sqlite3_column_text(rows, 4), sqlite3_column_text(rows, 5), sqlite3_column_text(rows, 6),
                  sqlite3_column_text(rows, 7));
      have_row = sqlite3_step(rows) == SQLITE_ROW;
    }
    buf_appendf(&b, "\n## Notes\n\n"
                "- Positive diff%% for latency indicates performance degradation (higher latency)\n"
                "- Negative diff%% for throughput/PPS indicates performance degradation\n"
                "- N/A indicates missing data\n\n"
                "## Detailed Reports\n\n"
                "1. **Latency Report**: `%s_latency_%s.csv`\n"
                "2. **Throughput Report**: `%s_throughput_%s.csv`\n"
                "3. **PPS Report**: `%s_pps_%s.csv`\n"
                "4. **Resources Report**: `%s_resources_%s.csv`\n",
                topic, iter, topic, iter, topic, iter, topic, iter);
    char *file = sqlite3_mprintf("%s_overview_%s.md", topic, iter);
    char *safe = file ? safe_path_component(file) : 0;
    char *path = sqlite3_mprintf("%s/%s/%s", dir, iter, safe ? safe : "_");
    sqlite3_free(file);
    sqlite3_free(safe);
    rc = write_buf(path, &b);
    sqlite3_free(path);
    if (rc == 0) (*files)++;
  }
  sqlite3_finalize(cnt);
  sqlite3_finalize(rows);
  return rc;
}

/* ---- charts ---------------------------------------------------------------------- */

/* Runs a query returning (file name, PNG blob[, heading]) rows and writes each under dir;
** with h, each chart also goes into the page under its heading (third column). */
static int write_blobs(sqlite3 *db, const char *dir, const char *sql, HtmlDoc *h, int *count) {
  sqlite3_stmt *st = 0;
  if (cli_prepare(db, sql, &st, NULL)) return -1;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (sqlite3_column_type(st, 1) == SQLITE_NULL) continue;
    const void *png = sqlite3_column_blob(st, 1);
    size_t n = (size_t)sqlite3_column_bytes(st, 1);
    char *safe = safe_path_component((const char *)sqlite3_column_text(st, 0));
    char *path = sqlite3_mprintf("%s/%s", dir, safe ? safe : "_");
    sqlite3_free(safe);
    int w = write_file_path(path, png, n);
    sqlite3_free(path);
    if (w) { sqlite3_finalize(st); return -1; }
    (*count)++;
    if (h) {
      html_heading(h, 3, (const char *)sqlite3_column_text(st, 2));
      html_image_png(h, png, n, (const char *)sqlite3_column_text(st, 2));
    }
  }
  if (rc != SQLITE_DONE) {
    cli_fail("charts: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return -1;
  }
  sqlite3_finalize(st);
  return 0;
}

/* The charts and DIR/report.html, one self-contained page (cli/html.h) with the
** thresholds, the overhead chart of every topic (view remote_overhead_chart: bars of each
** case's change against its baseline, per metric; the same PNGs as
** DIR/charts/overhead_<topic>.png, computed once) and the table of degraded metrics;
** then DIR/charts/resources_<case>.png (view remote_resource_chart: the tool's %CPU per
** iteration). */
static int write_charts_html(sqlite3 *db, const char *dir, int *count) {
  char *cdir = sqlite3_mprintf("%s/charts", dir);
  if (make_dirs(cdir)) { sqlite3_free(cdir); return -1; }
  char *path = sqlite3_mprintf("%s/report.html", dir);
  HtmlDoc *h = html_open(path, "eBPF tool overhead");
  sqlite3_free(path);
  html_paragraph(h, "Each eBPF tool case against its environment's baseline, over all loaded iterations "
                    "(means recomputed from the raw measurements). Latency up and throughput/PPS down "
                    "beyond the threshold are degradations.");
  html_heading(h, 2, "Thresholds");
  html_table_from_sql(h, db, "SELECT metric, percent, origin FROM remote_thresholds", 0);
  html_heading(h, 2, "Overhead per tool");
  int rc = write_blobs(db, cdir,
                       "SELECT 'overhead_' || topic || '.png', chart, topic"
                       " FROM remote_overhead_chart(1400, 560, ': change vs baseline over all iterations')", h, count);
  if (rc) {
    html_abandon(h);
  } else {
    html_heading(h, 2, "Degraded metrics");
    html_table_from_sql(h, db, "SELECT * FROM remote_degraded", 0);
    rc = html_close(h);
  }
  if (rc == 0)
    rc = write_blobs(db, cdir, "SELECT 'resources_' || case_name || '.png', chart FROM remote_resource_chart", 0,
                     count);
  sqlite3_free(cdir);
  return rc;
}

/* ---- perfsql's own overview -------------------------------------------------------- */

static int write_overview(sqlite3 *db, const char *path, int charts) {
  PerfsqlBuf b = {0};
  buf_appendf(&b, "# eBPF tool overhead (perfsql)\n\n");
  sqlite3_stmt *st = 0;
  if (cli_prepare(db, "SELECT iterations, n, thresholds FROM remote_overview_header", &st, NULL)) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) {
    buf_appendf(&b, "Iterations: %s (%lld). ", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "none",
                sqlite3_column_int64(st, 1));
    buf_appendf(&b, "Degradation thresholds: %s.\n\n", sqlite3_column_text(st, 2));
  }
  sqlite3_finalize(st);
  buf_appendf(&b, "Each figure is the change of the case's mean over all iterations against the mean of "
              "its environment's baseline, recomputed from the raw measurements (not an average of "
              "per-iteration percentages); ± is the case's standard deviation in percent of its mean. "
              "Latency up and throughput/PPS down are degradations.\n\n");
  buf_appendf(&b, "| Tool Case | Env | n | TCP RR Δ%% | UDP RR Δ%% | TP Single Δ%% | TP Multi Δ%% | "
              "PPS Single Δ%% | PPS Multi Δ%% | CPU avg %% | Verdict |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|\n");
  const char *sql = "SELECT * FROM remote_overview";
  if (cli_prepare(db, sql, &st, NULL)) { buf_free(&b); return -1; }
  int rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    buf_appendf(&b, "|");
    for (int i = 0; i < 11; i++) {
      const char *v = (const char *)sqlite3_column_text(st, i);
      buf_appendf(&b, " %s |", v ? v : "N/A");
    }
    buf_appendf(&b, "\n");
    rows++;
  }
  sqlite3_finalize(st);
  if (!rows) buf_appendf(&b, "| (no eBPF cases loaded) | | | | | | | | | | |\n");
  buf_appendf(&b, "\nPer-iteration reports in the framework's own layout are under `iteration_NNN/`; "
              "the statistics behind this table (mean, stddev, count, baseline) are in "
              "`aggregated/<topic>_stats.csv`.\n");
  if (charts) {
    buf_appendf(&b, "\n## Charts\n\n");
    sqlite3_stmt *q = 0;
    if (sql_prepare(db, "SELECT DISTINCT topic FROM remote_case ORDER BY topic", &q, 0) == SQLITE_OK) {
      while (sqlite3_step(q) == SQLITE_ROW) {
        /* the file name remote_write_charts() gave the chart */
        char *file = sqlite3_mprintf("overhead_%s.png", sqlite3_column_text(q, 0));
        char *safe = file ? safe_path_component(file) : 0;
        buf_appendf(&b, "![overhead of %s](charts/%s)\n\n", sqlite3_column_text(q, 0), safe ? safe : "_");
        sqlite3_free(file);
        sqlite3_free(safe);
      }
    }
    sqlite3_finalize(q);
    buf_appendf(&b, "Resource use over time of each tool: `charts/resources_<case>.png`.\n");
  }
  return write_buf(path, &b);
}

static int write_remote_reports(Cli *cli, const char *dir, int only_iteration, int charts) {
  if (cli_open(cli)) return EXIT_FAIL;
  sqlite3 *db = cli->db;
  if (make_dirs(dir)) return EXIT_FAIL;
  static const struct { const char *view, *type; } reports[] = {
    {"remote_report_latency", "latency"}, {"remote_report_throughput", "throughput"},
    {"remote_report_pps", "pps"}, {"remote_report_resources", "resources"}};
  int files = 0;
  /* one pass per report view; rows are split into files by (iteration, topic) */
  for (size_t r = 0; r < sizeof reports / sizeof reports[0]; r++) {
    char *sql = sqlite3_mprintf("SELECT * FROM %s WHERE ?1 = 0 OR iteration = ?1", reports[r].view);
    sqlite3_stmt *st = 0;
    int prc = cli_prepare(db, sql, &st, NULL);
    sqlite3_free(sql);
    if (prc) return EXIT_FAIL;
    sqlite3_bind_int(st, 1, only_iteration);
    ReportPath rp = {dir, reports[r].type};
    int w = write_csv_grouped(st, 2, 2, strcmp(reports[r].type, "resources") == 0 ? resources_header : 0,
                              report_path, &rp, &files);
    sqlite3_finalize(st);
    if (w) return EXIT_FAIL;
  }
  if (write_topic_overviews(db, dir, only_iteration, &files)) return EXIT_FAIL;
  /* aggregated statistics, one CSV per topic */
  sqlite3_stmt *st = 0;
  if (cli_prepare(db, "SELECT * FROM remote_report_stats", &st, NULL)) return EXIT_FAIL;
  int w = write_csv_grouped(st, 1, 1, 0, stats_path, (void *)dir, &files);
  sqlite3_finalize(st);
  if (w) return EXIT_FAIL;
  int nch = 0;
  if (charts) {
    if (write_charts_html(db, dir, &nch)) return EXIT_FAIL;
    files++;   /* report.html */
  }
  char *ov = sqlite3_mprintf("%s/overview.md", dir);
  w = write_overview(db, ov, charts);
  sqlite3_free(ov);
  if (w) return EXIT_FAIL;
  files++;
  if (!cli->quiet) printf("remote: wrote %d report files and %d charts under %s/\n", files, nch, dir);
  return EXIT_OK;
}

/* cases.json like the framework's bootstrap: json.dump(..., indent=2). */
static int write_cases_json(Cli *cli, const char *file, sqlite3_int64 source) {
  if (cli_open(cli)) return EXIT_FAIL;
  sqlite3 *db = cli->db;
  sqlite3_stmt *st = 0;
  if (cli_prepare(db, "SELECT source_id, config_path, environment_name FROM remote_case_matrix"
                  " WHERE ?1 = 0 OR source_id = ?1 ORDER BY source_id DESC, config_path LIMIT 1", &st, NULL))
    return EXIT_FAIL;
  sqlite3_bind_int64(st, 1, source);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return cli_fail("no <env>-full.yaml with tools loaded%s (perfsql load remote-config DIR)",
                    source ? " in that source" : "");
  }
  sqlite3_int64 sid = sqlite3_column_int64(st, 0);
  char *cpath = sqlite3_mprintf("%s", sqlite3_column_text(st, 1));
  char *envname = sqlite3_mprintf("%s", sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
  sqlite3_finalize(st);
  if (cli_prepare(db,
      "SELECT json_quote(m.name), json_quote(m.command), json_quote(m.script), json_quote(m.category),"
      " json_quote(m.environment), m.parameters, m.duration, m.id"
      " FROM remote_case_matrix AS m WHERE m.source_id = ?1 AND m.config_path = ?2 ORDER BY m.id", &st, NULL)) {
    sqlite3_free(cpath);
    sqlite3_free(envname);
    return EXIT_FAIL;
  }
  sqlite3_bind_int64(st, 1, sid);
  sqlite3_bind_text(st, 2, cpath, -1, SQLITE_STATIC);
  sqlite3_stmt *pq = 0;
  if (cli_prepare(db, "SELECT json_quote(key), json_quote(value) FROM json_each(?1) ORDER BY id", &pq, NULL)) {
    sqlite3_finalize(st);
    sqlite3_free(cpath);
    sqlite3_free(envname);
    return EXIT_FAIL;
  }
  PerfsqlBuf body = {0};
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    buf_appendf(&body, "%s    {\n      \"id\": %lld,\n      \"name\": %s,\n      \"command\": %s,\n"
                "      \"script\": %s,\n      \"category\": %s,\n      \"environment\": %s,\n"
                "      \"parameters\": ", n ? ",\n" : "", sqlite3_column_int64(st, 7),
                sqlite3_column_text(st, 0), sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                sqlite3_column_text(st, 3), sqlite3_column_text(st, 4));
    sqlite3_bind_text(pq, 1, (const char *)sqlite3_column_text(st, 5), -1, SQLITE_TRANSIENT);
    int np = 0;
    while (sqlite3_step(pq) == SQLITE_ROW)
      buf_appendf(&body, "%s        %s: %s", np++ ? ",\n" : "{\n", sqlite3_column_text(pq, 0), sqlite3_column_text(pq, 1));
    sqlite3_reset(pq);
    buf_appendf(&body, np ? "\n      },\n" : "{},\n");
    buf_appendf(&body, "      \"duration\": %s\n    }", sqlite3_column_text(st, 6));
    n++;
  }
  sqlite3_finalize(st);
  sqlite3_finalize(pq);
  PerfsqlBuf b = {0};
  sqlite3_stmt *q = 0;
  char *envq = 0;
  if (sql_prepare(db, "SELECT json_quote(?1)", &q, 0) == SQLITE_OK) {
    sql_bind_text(q, 1, envname);
    if (sqlite3_step(q) == SQLITE_ROW) envq = sqlite3_mprintf("%s", sqlite3_column_text(q, 0));
  }
  sqlite3_finalize(q);
  buf_appendf(&b, "{\n  \"metadata\": {\n    \"environment\": %s,\n    \"total_cases\": %d\n  },\n"
              "  \"test_cases\": [%s", envq ? envq : "\"\"", n, n ? "\n" : "");
  if (body.len) buf_append(&b, body.data, body.len);
  buf_appendf(&b, n ? "\n  ]\n}" : "]\n}");
  buf_free(&body);
  sqlite3_free(envq);
  sqlite3_free(cpath);
  sqlite3_free(envname);
  if (write_buf(file, &b)) return EXIT_FAIL;
  if (!cli->quiet) printf("remote: wrote %d cases to %s\n", n, file);
  return EXIT_OK;
}

/* `perfsql export remote DIR [--iteration N] [--no-charts]` (argv[0] = "remote") */
int export_remote(Cli *cli, int argc, char **argv) {
  if (argc < 2) return cli_usage("export", "expected: export remote DIR");
  const char *target = argv[1], *v;
  int it = 0, charts = 1;
  for (int i = 2; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--iteration", &v)) it = atoi(v);
    else if (arg_flag(argv, i, "--no-charts")) charts = 0;
    else return cli_usage("export", "unexpected argument %s", argv[i]);
  }
  return write_remote_reports(cli, target, it, charts);
}

/* `perfsql export cases FILE [--source ID]` (argv[0] = "cases") */
int export_cases(Cli *cli, int argc, char **argv) {
  if (argc < 2) return cli_usage("export", "expected: export cases FILE");
  const char *target = argv[1], *v;
  sqlite3_int64 src = 0;
  for (int i = 2; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--source", &v)) src = atoll(v);
    else return cli_usage("export", "unexpected argument %s", argv[i]);
  }
  return write_cases_json(cli, target, src);
}

/* ---- demo ---------------------------------------------------------------------- */

int demo_remote(Cli *cli, const char *data_dir, const char *out_dir) {
  char *cfg = sqlite3_mprintf("%s/remote/config", data_dir);
  char *err = 0;
  int q = cli->quiet;
  if (cli_open(cli)) { sqlite3_free(cfg); return EXIT_FAIL; }
  int rc = remote_load_config(cli->db, cfg, 0, q, &err);
  sqlite3_free(cfg);
  if (rc) { cli_fail("%s", err); sqlite3_free(err); return EXIT_FAIL; }
  for (int it = 1; it <= 3; it++) {
    char *root = sqlite3_mprintf("%s/remote/sample_tree/iteration_%03d", data_dir, it);
    RemoteLoadOptions o;
    memset(&o, 0, sizeof o);
    o.iteration = it;
    o.quiet = q;
    o.fetch.quiet = q;
    rc = remote_load_tree(cli->db, root, &o, &err);
    sqlite3_free(root);
    if (rc) { cli_fail("%s", err); sqlite3_free(err); return EXIT_FAIL; }
  }
  char *dir = sqlite3_mprintf("%s/remote", out_dir);
  rc = write_remote_reports(cli, dir, 0, 1);
  if (rc == EXIT_OK) {
    char *cases = sqlite3_mprintf("%s/cases.json", dir);
    rc = write_cases_json(cli, cases, 0);
    sqlite3_free(cases);
  }
  sqlite3_free(dir);
  return rc;
}
