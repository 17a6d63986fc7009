/*
** cmd_kubevirt.c — the KubeVirt commands of the CLI and its demo step.
**
**  1. `load kubevirt [--job J --build-id N] [--created T] [--replace] PATH...`:
**     one load per PATH (kv_load_path); stops at the first failing PATH.
**  2. `load kubevirt-gcs --job J... [--since D] [--bucket B] [--base-url U] [--jobs N]
**     [--timeout S] [--connect-timeout S] [--retries N] [--backoff-ms MS] [--cacert F]
**     [--insecure] [--now T] [--credentials-file KEY]`: kv_load_gcs, one load per job.
**  3. `export kubevirt DIR [--job J] [--iso-weeks]`: kv_export (cli/kv_export.c),
**     a target of the core's `export` dispatcher (cli_export_targets).
**     (`kubevirt-graph` is cli/kv_graph.c.)
**  4. Exit codes and messages as in cli.h: 2 for a bad flag or value (named in
**     the message), 1 for a failed load or export (the loader's one-line
**     "<file>:<position>: <what>"). The argument arrays are calloc'd: the
**     SQLite API table that sqlite3_malloc goes through exists only after
**     cli_open().
**  5. demo_kubevirt loads the bundled sample and writes its reports under
**     out_dir/kubevirt/ (see the function).
*/
#include "cli.h"
#include "html.h"
#include "kv_export.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char usage_load_kubevirt[] =
    "usage: perfsql [-d DB] load kubevirt [--replace] [--job JOB --build-id ID] [--created TIME] PATH...\n"
    "Loads KubeVirt CI performance results. Each PATH is one load and may be:\n"
    "  - a directory: a checkout of ci-performance-benchmarks (results/<job>/<id>/results.json;\n"
    "    weekly/ is skipped) or a copy of the bucket's logs/ tree (<job>/<id>/artifacts/**/\n"
    "    *-audit-results.json, falling back to <job>/<id>/build-log.txt);\n"
    "  - results.json, an audit file (VMI-/VM-/perfscale-audit-results.json) or build-log.txt;\n"
    "  - shape.yaml (release graph configuration: releaseVersion, sinceDate, lineShapes).\n"
    "Job and build id come from the path (.../<job>/<build-id>/...) unless --job/--build-id\n"
    "are given (single files only). --created sets JobDirCreationTime for build logs and\n"
    "audit files (default: the start time decoded from the build id).\n"
    "example: perfsql load kubevirt ~/src/ci-performance-benchmarks\n";

const char usage_load_kubevirt_gcs[] =
    "usage: perfsql [-d DB] load kubevirt-gcs --job JOB [--job JOB...] [--since DURATION]\n"
    "         [--bucket NAME] [--base-url URL] [--jobs N] [--timeout S] [--connect-timeout S]\n"
    "         [--retries N] [--backoff-ms MS] [--cacert FILE] [--insecure] [--now TIME]\n"
    "         [--credentials-file KEY.json]\n"
    "Fetches the runs of each job from Google Cloud Storage over HTTPS (JSON API; anonymous, or\n"
    "with --credentials-file a service-account key for private buckets: OAuth2 JWT bearer flow,\n"
    "one token kept while it is valid, never stored or printed):\n"
    "lists logs/<job>/ (all pages), keeps runs whose build-log.txt was created within --since\n"
    "(default 24h; Go-style 168h, 90m, 1h30m, or 7d), reads each run's audit JSON files under\n"
    "artifacts/ (build-log.txt for runs that have none). Runs already in the database are not\n"
    "downloaded again. --bucket defaults to kubevirt-prow, --base-url to\n"
    "https://storage.googleapis.com; --jobs N downloads N runs at a time (default 4);\n"
    "--timeout S bounds each request (default 60), --retries N retries 5xx/timeouts with\n"
    "backoff (default 3). One load per job; a failed download changes nothing.\n"
    "example: perfsql load kubevirt-gcs --job periodic-kubevirt-e2e-k8s-1.34-sig-performance --since 168h\n";

const char usage_export_kubevirt[] =
    "usage: perfsql [-d DB] export kubevirt DIR [--job JOB] [--iso-weeks]\n"
    "Writes the KubeVirt data as the ci-performance-benchmarks trees:\n"
    "DIR/results/<job>/<id>/results.json and\n"
    "DIR/weekly/<job>/<resource>/<metric>/<week>/data/results.json (upstream schema).\n"
    "Week directories use upstream's label (7 days after the ISO Monday in 2025/2026-like\n"
    "years) so they match the existing repository; --iso-weeks uses ISO Mondays. Weekly\n"
    "averages leave out runs that lack the metric (upstream counts them as 0).\n"
    "example: perfsql export kubevirt out/ci-performance-benchmarks\n";

/* Go-style durations: 24h, 168h0m0s, 90m, 1h30m, 45s, plus d for days; a bare number is seconds. */
static int parse_duration(const char *s, double *out) {
  double total = 0;
  const char *p = s;
  if (!*p) return -1;
  char *end;
  double v = strtod(p, &end);
  if (end != p && *end == 0) { *out = v; return v >= 0 ? 0 : -1; }
  while (*p) {
    v = strtod(p, &end);
    if (end == p) return -1;
    p = end;
    double unit;
    if (*p == 'd') unit = 86400, p++;
    else if (*p == 'h') unit = 3600, p++;
    else if (*p == 'm' && p[1] == 's') unit = 0.001, p += 2;
    else if (*p == 'm') unit = 60, p++;
    else if (*p == 's') unit = 1, p++;
    else return -1;
    total += v * unit;
  }
  *out = total;
  return total >= 0 ? 0 : -1;
}

int load_kubevirt(Cli *cli, int argc, char **argv) {
  KvLoadOptions o = {.quiet = cli->quiet};
  const char **paths = calloc((size_t)argc + 1, sizeof *paths);
  int np = 0;
  if (!paths) return cli_fail("out of memory");
  for (int i = 1; i < argc; i++) {
    const char *v;
    if (arg_value(argc, argv, &i, "--job", &v)) o.job = v;
    else if (arg_value(argc, argv, &i, "--build-id", &v)) o.build_id = v;
    else if (arg_value(argc, argv, &i, "--created", &v)) o.created = v;
    else if (arg_flag(argv, i, "--replace")) o.replace = 1;
    else if (argv[i][0] == '-' && argv[i][1]) { free(paths); return cli_usage("load kubevirt", "unknown flag %s", argv[i]); }
    else paths[np++] = argv[i];
  }
  if (np == 0) { free(paths); return cli_usage("load kubevirt", "give at least one PATH"); }
  if ((o.job || o.build_id) && np > 1) {
    free(paths);
    return cli_usage("load kubevirt", "--job/--build-id apply to a single PATH");
  }
  if (cli_open(cli)) { free(paths); return EXIT_FAIL; }
  int rc = EXIT_OK;
  for (int i = 0; i < np && rc == EXIT_OK; i++) {
    char *err = 0;
    rc = cli_done(kv_load_path(cli->db, paths[i], &o, &err), &err, "load failed");
  }
  free(paths);
  return rc;
}

int load_kubevirt_gcs(Cli *cli, int argc, char **argv) {
  KvGcsOptions o = {.quiet = cli->quiet, .retries = -1, .since_s = 86400};
  const char **jobs = calloc((size_t)argc + 1, sizeof *jobs);
  if (!jobs) return cli_fail("out of memory");
  o.jobs = jobs;
  int rc = EXIT_OK;
  for (int i = 1; i < argc && rc == EXIT_OK; i++) {
    const char *v;
    char *end;
    if (arg_value(argc, argv, &i, "--job", &v)) jobs[o.njobs++] = v;
    else if (arg_value(argc, argv, &i, "--since", &v)) {
      if (parse_duration(v, &o.since_s)) rc = cli_usage("load kubevirt-gcs", "--since %s: not a duration (e.g. 24h, 168h, 7d)", v);
    } else if (arg_value(argc, argv, &i, "--bucket", &v)) o.bucket = v;
    else if (arg_value(argc, argv, &i, "--base-url", &v)) o.base_url = v;
    else if (arg_value(argc, argv, &i, "--jobs", &v)) {
      o.concurrency = (int)strtol(v, &end, 10);
      if (*end || o.concurrency < 1 || o.concurrency > 64) rc = cli_usage("load kubevirt-gcs", "--jobs %s: expected 1..64", v);
    } else if (arg_value(argc, argv, &i, "--timeout", &v)) {
      o.timeout_s = strtol(v, &end, 10);
      if (*end || o.timeout_s < 1) rc = cli_usage("load kubevirt-gcs", "--timeout %s: expected seconds >= 1", v);
    } else if (arg_value(argc, argv, &i, "--connect-timeout", &v)) {
      o.connect_timeout_s = strtol(v, &end, 10);
      if (*end || o.connect_timeout_s < 1) rc = cli_usage("load kubevirt-gcs", "--connect-timeout %s: expected seconds >= 1", v);
    } else if (arg_value(argc, argv, &i, "--retries", &v)) {
      o.retries = (int)strtol(v, &end, 10);
      if (*end || o.retries < 0) rc = cli_usage("load kubevirt-gcs", "--retries %s: expected a count >= 0", v);
    } else if (arg_value(argc, argv, &i, "--backoff-ms", &v)) {
      o.backoff_ms = strtol(v, &end, 10);
      if (*end || o.backoff_ms < 1) rc = cli_usage("load kubevirt-gcs", "--backoff-ms %s: expected ms >= 1", v);
    } else if (arg_value(argc, argv, &i, "--cacert", &v)) o.cacert = v;
    else if (arg_value(argc, argv, &i, "--credentials-file", &v)) o.credentials_file = v;
    else if (arg_flag(argv, i, "--insecure")) o.insecure = 1;
    else if (arg_value(argc, argv, &i, "--now", &v)) {
      if (perfsql_parse_time(v, &o.now)) rc = cli_usage("load kubevirt-gcs", "--now %s: not a timestamp", v);
    } else rc = cli_usage("load kubevirt-gcs", "unexpected argument %s", argv[i]);
  }
  if (rc == EXIT_OK && o.njobs == 0) rc = cli_usage("load kubevirt-gcs", "--job JOB is required");
  if (rc == EXIT_OK && o.insecure) fprintf(stderr, "perfsql: warning: --insecure: TLS certificates are not verified\n");
  if (rc == EXIT_OK && cli_open(cli)) rc = EXIT_FAIL;
  if (rc == EXIT_OK) {
    char *err = 0;
    rc = cli_done(kv_load_gcs(cli->db, &o, &err), &err, "load failed");
  }
  free(jobs);
  return rc;
}

/* `perfsql export kubevirt DIR [--job J] [--iso-weeks]` (argv[0] = "kubevirt") */
int export_kubevirt(Cli *cli, int argc, char **argv) {
  KvExportOptions o = {.quiet = cli->quiet};
  const char *dir = 0;
  for (int i = 1; i < argc; i++) {
    const char *v;
    if (arg_value(argc, argv, &i, "--job", &v)) o.job = v;
    else if (arg_flag(argv, i, "--iso-weeks")) o.iso_weeks = 1;
    else if (argv[i][0] == '-' || dir) return cli_usage("export kubevirt", "unexpected argument %s", argv[i]);
    else dir = argv[i];
  }
  if (!dir) return cli_usage("export kubevirt", "give the output DIR");
  if (cli_open(cli) || make_dirs(dir)) return EXIT_FAIL;
  char *err = 0;
  return cli_done(kv_export(cli->db, dir, &o, &err), &err, "export failed");
}

/* ---- demo ------------------------------------------------------------------------ */
int cmd_kubevirt_graph(Cli *cli, int argc, char **argv);

/* Loads the bundled KubeVirt sample (the real ci-performance-benchmarks files, the
** regex-era build log, shape.yaml) and writes into out_dir/kubevirt/: the weekly
** report (weekly_report.html, weekly.csv), the weekly graphs of the 1.34 job
** (weekly/), the release graphs (release/) and the upstream export (export/). */
int demo_kubevirt(Cli *cli, const char *data_dir, const char *out_dir) {
  char *tree = sqlite3_mprintf("%s/kubevirt/ci-performance-benchmarks", data_dir);
  char *log = sqlite3_mprintf("%s/kubevirt/build-log.txt", data_dir);
  char *shape = sqlite3_mprintf("%s/kubevirt/shape.yaml", data_dir);
  char *out = sqlite3_mprintf("%s/kubevirt", out_dir);
  char *weekly = sqlite3_mprintf("%s/weekly", out);
  char *release = sqlite3_mprintf("%s/release", out);
  char *exp = sqlite3_mprintf("%s/export", out);
  char *csv = sqlite3_mprintf("%s/weekly.csv", out);
  char *page = sqlite3_mprintf("%s/weekly_report.html", out);
  const char *job = "periodic-kubevirt-e2e-k8s-1.34-sig-performance";
  int rc = make_dirs(out) ? EXIT_FAIL : EXIT_OK;
  if (rc == EXIT_OK) {
    char *a[] = {"kubevirt", tree, shape};
    rc = load_kubevirt(cli, 3, a);
  }
  if (rc == EXIT_OK) {
    char *a[] = {"kubevirt", "--job", "pull-kubevirt-e2e-k8s-1.25-sig-performance", "--build-id",
                 "1635000000000000000", "--created", "2023-03-13T03:30:00Z", log};
    rc = load_kubevirt(cli, 8, a);
  }
  if (rc == EXIT_OK) {
    FILE *f = fopen(csv, "w");
    if (!f) rc = cli_fail("%s: cannot write", csv);
    else {
      if (format_query(cli->db, "SELECT * FROM kubevirt_weekly ORDER BY job, resource, metric, week_start",
                       FMT_CSV, f))
        rc = EXIT_FAIL;
      if (fclose(f)) rc = cli_fail("%s: cannot write", csv);
    }
  }
  if (rc == EXIT_OK) {
    /* plain selections from the views (numbers shown with 6 significant digits) */
    HtmlDoc *h = html_open(page, "KubeVirt CI performance — weekly report");
    html_paragraph(h, "perfsql's kubevirt_weekly view: per job × resource × metric × ISO week, over the runs "
                      "that reported the metric (a missing metric is NULL, never 0). Then the week-over-week "
                      "change of the P95 creation-to-running latency and the audit threshold breaches.");
    html_heading(h, 2, "vmiCreationToRunningSecondsP95, every job and week");
    html_table_from_sql(h, cli->db,
                        "SELECT job, resource, week_start, iso_week, results, runs, mean,"
                        " min, max, median, p95"
                        " FROM kubevirt_weekly WHERE metric = 'vmiCreationToRunningSecondsP95'"
                        " ORDER BY job, resource, week_start", 0);
    html_heading(h, 2, "Week-over-week change (median), vmiCreationToRunningSecondsP95");
    html_table_from_sql(h, cli->db,
                        "SELECT job, resource, week_start, prev_week_start, median,"
                        " prev_median, median_change_pct,"
                        " regress_severity FROM kubevirt_weekly_change"
                        " WHERE metric = 'vmiCreationToRunningSecondsP95' AND prev_median IS NOT NULL"
                        " ORDER BY job, resource, week_start", 0);
    html_heading(h, 2, "Threshold breaches");
    html_table_from_sql(h, cli->db,
                        "SELECT job, build_id, run_time, resource, metric, value,"
                        " threshold_value, threshold_metric, excess_pct"
                        " FROM kubevirt_threshold_breaches ORDER BY run_time DESC", 50);
    if (html_close(h)) rc = EXIT_FAIL;
  }
  if (rc == EXIT_OK) {
    char *a[] = {"kubevirt-graph", "weekly", "--out", weekly, "--job", (char *)job};
    rc = cmd_kubevirt_graph(cli, 6, a);
  }
  if (rc == EXIT_OK) {
    char *a[] = {"kubevirt-graph", "release", "--out", release};
    rc = cmd_kubevirt_graph(cli, 4, a);
  }
  if (rc == EXIT_OK) {
    char *a[] = {"kubevirt", exp};
    rc = export_kubevirt(cli, 2, a);
  }
  sqlite3_free(tree); sqlite3_free(log); sqlite3_free(shape); sqlite3_free(out); sqlite3_free(weekly);
  sqlite3_free(release); sqlite3_free(exp); sqlite3_free(csv); sqlite3_free(page);
  return rc;
}
