/*
** cmd_bench.c — `perfsql load bench`, `perfsql bench compare|check|history|runs`
** and the bench demo step.
**
**  1. load bench FILE --label L [--commit C] [--host H] [--timestamp T]
**     [--replace]: one run per file (loaders/bench/bench_load.c).
**  2. bench compare BASE CUR / bench check --baseline B --current C: BASE and
**     CUR are result files or stored runs (id or label: the latest run with
**     that label). Two files are compared in a private in-memory database
**     (nothing is written); a file compared with a stored run is loaded into
**     the database first (label from --label, default "current"). The rows
**     come from the bench_compare() table-valued function; the overall change
**     is geomean(cost_ratio) - 1.
**  3. check prints a Markdown report meant as a pull-request comment (the
**     seed's "Performance Regression Report" block, then a table) and exits 1
**     when any metric regresses; --ci also fails when a baseline metric is
**     missing from the current run, and appends the report to
**     $GITHUB_STEP_SUMMARY when that is set; --output FILE writes it there too.
**  4. Exit codes: 0 ok, 1 regression / error, 2 usage.
*/
#include "cli.h"
#include "bench.h"
#include "bench/bench_load.h"
#include "html.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const char usage_load_bench[], usage_bench[];

const char usage_load_bench[] =
    "usage: perfsql load bench FILE --label LABEL [--commit SHA] [--host NAME] [--timestamp T] [--replace]\n"
    "  Loads one benchmark result file as one run. The format is detected from the content:\n"
    "  Google Benchmark --benchmark_format=json, the regression_test.py JSON\n"
    "  ({timestamp, metrics, metadata}) or CSV name,value,unit[,repetition].\n"
    "  --label     the run's label (baseline, main, a branch, ...) — required\n"
    "  --commit    git commit measured (default: the file's metadata.git_commit)\n"
    "  --host      machine (default: the file's context.host_name, else this host)\n"
    "  --timestamp when it ran (default: from the file, else the file's modification time)\n"
    "example: perfsql load bench results.json --label main --commit $(git rev-parse HEAD)\n";

const char usage_bench[] =
    "usage: perfsql bench compare BASE CURRENT [--thresholds T.yaml] [--alpha A] [--format F] [--label L]\n"
    "       perfsql bench check --baseline BASE --current CURRENT [--ci] [--thresholds T.yaml] [--alpha A]\n"
    "                           [--output report.md] [--label L]\n"
    "       perfsql bench report --html out.html [--baseline BASE --current CURRENT] [--history LABEL]\n"
    "       perfsql bench history [--label L] [--metric GLOB] [--window N] [--format F]\n"
    "       perfsql bench runs [--format F]\n"
    "  BASE / CURRENT: a result file, or a stored run (its id, or a label = its latest run).\n"
    "  compare   per metric: base, current, change %, threshold, p-value (Mann-Whitney U, >= 2\n"
    "            repetitions a side), verdict (regression/improvement/unchanged/new/missing);\n"
    "            then the overall geometric-mean change\n"
    "  check     the same as a Markdown pull-request comment; exit 1 on any regression\n"
    "            (--ci: also on a metric missing from CURRENT; appends to $GITHUB_STEP_SUMMARY)\n"
    "  report    HTML: summary cards, baseline-vs-current bars, speedup, history charts of LABEL\n"
    "            with change points marked\n"
    "  history   change points of every metric's history (view bench_history)\n"
    "  runs      the stored runs (view bench_runs)\n"
    "examples:\n"
    "  perfsql bench compare baseline.json current.json\n"
    "  perfsql -d perf.db bench check --baseline main --current pr.json --label pr-42 --ci\n";

/* ---- load ------------------------------------------------------------------ */

static int load_one(Cli *cli, const char *path, const BenchRunInfo *info, sqlite3_int64 *run_id, int quiet) {
  PerfsqlLoad ld;
  char *err = 0;
  int st = bench_load_file(cli->db, path, info, &ld, run_id, &err);
  if (st == LOAD_ERROR) {
    cli_fail("%s", err ? err : "load failed");
    sqlite3_free(err);
    load_free(&ld);
    return -1;
  }
  load_report(&ld, st, quiet);
  load_free(&ld);
  return 0;
}

int load_bench(Cli *cli, int argc, char **argv) {
  BenchRunInfo info = {0};
  const char *file = 0, *v;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--label", &v)) info.label = v;
    else if (arg_value(argc, argv, &i, "--commit", &v)) info.commit = v;
    else if (arg_value(argc, argv, &i, "--host", &v)) info.host = v;
    else if (arg_value(argc, argv, &i, "--timestamp", &v)) info.timestamp = v;
    else if (arg_flag(argv, i, "--replace")) info.replace = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("load bench", "unknown flag %s", argv[i]);
    else if (!file) file = argv[i];
    else return cli_usage("load bench", "one file per load (got %s and %s)", file, argv[i]);
  }
  if (!file) return cli_usage("load bench", "missing FILE");
  if (!info.label) return cli_usage("load bench", "missing --label");
  if (cli_open(cli)) return EXIT_FAIL;
  sqlite3_int64 run = 0;
  return load_one(cli, file, &info, &run, cli->quiet) ? EXIT_FAIL : EXIT_OK;
}

/* ---- resolving BASE / CURRENT ---------------------------------------------- */

static int is_file(const char *p) {
  struct stat s;
  return stat(p, &s) == 0 && S_ISREG(s.st_mode);
}

static sqlite3_int64 stored_run(sqlite3 *db, const char *arg) {
  sqlite3_stmt *st = 0;
  sqlite3_int64 id = 0;
  if (sqlite3_prepare_v2(db,
        "SELECT id FROM (SELECT id, 0 AS k, run_unix FROM bench_run WHERE label = ?1"
        " UNION ALL SELECT id, 1, 0 FROM bench_run WHERE ?1 NOT GLOB '*[^0-9]*' AND id = CAST(?1 AS INTEGER))"
        " ORDER BY k, run_unix DESC, id DESC LIMIT 1", -1, &st, 0) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return id;
}

/* Opens the database: in memory when both arguments are files. */
static int open_for(Cli *cli, const char *base, const char *cur) {
  if (is_file(base) && is_file(cur) && !cli->db) cli->db_path = ":memory:";
  return cli_open(cli);
}

/* Yields the run ids, loading the arguments that are files. */
static int resolve_runs(Cli *cli, const char *base, const char *cur, const char *label, sqlite3_int64 *b,
                        sqlite3_int64 *c) {
  int fb = is_file(base), fc = is_file(cur);
  BenchRunInfo ib = {.label = "baseline"}, ic = {.label = label ? label : "current"};
  if (fb) { if (load_one(cli, base, &ib, b, 1)) return -1; }
  else if (!(*b = stored_run(cli->db, base))) return cli_fail("%s: neither a file nor a stored run (id or label)", base), -1;
  if (fc) { if (load_one(cli, cur, &ic, c, 1)) return -1; }
  else if (!(*c = stored_run(cli->db, cur))) return cli_fail("%s: neither a file nor a stored run (id or label)", cur), -1;
  return 0;
}

static int read_thresholds(const char *path, char **yaml) {
  *yaml = 0;
  if (!path) return 0;
  size_t len;
  char *err = 0;
  if (read_file_all(path, 16 << 20, yaml, &len, &err) != 0) {
    cli_fail("%s", err ? err : path);
    sqlite3_free(err);
    return -1;
  }
  /* validate here so the message names the file, with line and column */
  BenchThresholds t;
  if (bench_thresholds_parse(path, *yaml, len, &t, &err) != 0) {
    cli_fail("%s", err);
    sqlite3_free(err);
    sqlite3_free(*yaml);
    *yaml = 0;
    return -1;
  }
  bench_thresholds_free(&t);
  return 0;
}

/* Fills temp table bench_cmp with bench_compare(b, c, yaml, alpha). */
static int run_compare(Cli *cli, sqlite3_int64 b, sqlite3_int64 c, const char *yaml, const char *alpha) {
  sqlite3_exec(cli->db, "DROP TABLE IF EXISTS temp.bench_cmp", 0, 0, 0);
  sqlite3_stmt *st = 0;
  int rc = sqlite3_prepare_v2(cli->db,
      "CREATE TEMP TABLE bench_cmp AS SELECT * FROM bench_compare(?1, ?2, ?3, ?4)", -1, &st, 0);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, b);
    sqlite3_bind_int64(st, 2, c);
    if (yaml) sqlite3_bind_text(st, 3, yaml, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 3);
    if (alpha) sqlite3_bind_double(st, 4, atof(alpha)); else sqlite3_bind_null(st, 4);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  }
  if (rc != SQLITE_OK) cli_fail("bench compare: %s", sqlite3_errmsg(cli->db));
  sqlite3_finalize(st);
  return rc == SQLITE_OK ? 0 : -1;
}

typedef struct CmpSummary {
  int metrics, regressions, improvements, added, missing, few_reps;
  double geomean_pct;
  int has_geomean;
} CmpSummary;

static void summarize(sqlite3 *db, CmpSummary *s) {
  memset(s, 0, sizeof(*s));
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(db,
        "SELECT count(*), sum(verdict = 'regression'), sum(verdict = 'improvement'), sum(verdict = 'new'),"
        " sum(verdict = 'missing'), sum(p_value IS NOT NULL AND (base_n < 9 OR current_n < 9)),"
        " 100 * (geomean(cost_ratio) - 1) FROM temp.bench_cmp", -1, &st, 0) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    s->metrics = sqlite3_column_int(st, 0);
    s->regressions = sqlite3_column_int(st, 1);
    s->improvements = sqlite3_column_int(st, 2);
    s->added = sqlite3_column_int(st, 3);
    s->missing = sqlite3_column_int(st, 4);
    s->few_reps = sqlite3_column_int(st, 5);
    s->has_geomean = sqlite3_column_type(st, 6) != SQLITE_NULL;
    s->geomean_pct = sqlite3_column_double(st, 6);
  }
  sqlite3_finalize(st);
}

typedef struct CmpArgs {
  const char *base, *cur, *thresholds, *alpha, *label, *output;
  OutFormat fmt;
  int ci;
} CmpArgs;

static const char cmp_columns[] =
    "SELECT metric, unit, iif(base IS NULL, NULL, printf('%.6g', base)) AS base,"
    " iif(current IS NULL, NULL, printf('%.6g', current)) AS current,"
    " iif(change_pct IS NULL, NULL, printf('%+.2f%%', change_pct)) AS change, printf('%g%%', threshold_pct) AS threshold, better,"
    " base_n || '/' || current_n AS reps, iif(p_value IS NULL, NULL, printf('%.4g', p_value)) AS p_value, test, verdict, note"
    " FROM temp.bench_cmp ORDER BY verdict <> 'regression', metric";

static int bench_compare_cmd(Cli *cli, const CmpArgs *a) {
  char *yaml = 0;
  sqlite3_int64 b, c;
  if (open_for(cli, a->base, a->cur) || read_thresholds(a->thresholds, &yaml)) return EXIT_FAIL;
  if (resolve_runs(cli, a->base, a->cur, a->label, &b, &c) || run_compare(cli, b, c, yaml, a->alpha)) {
    sqlite3_free(yaml);
    return EXIT_FAIL;
  }
  sqlite3_free(yaml);
  if (a->fmt == FMT_TABLE || a->fmt == FMT_MARKDOWN) {
    if (format_query(cli->db, cmp_columns, a->fmt, stdout)) return EXIT_FAIL;
  } else {
    if (format_query(cli->db, "SELECT * FROM temp.bench_cmp ORDER BY metric", a->fmt, stdout)) return EXIT_FAIL;
    return EXIT_OK;
  }
  CmpSummary s;
  summarize(cli->db, &s);
  printf("\n%d metrics: %d regression%s, %d improvement%s, %d new, %d missing", s.metrics, s.regressions,
         s.regressions == 1 ? "" : "s", s.improvements, s.improvements == 1 ? "" : "s", s.added, s.missing);
  if (s.has_geomean) printf("; overall (geometric mean) %+.2f%% (positive = worse)", s.geomean_pct);
  printf("\n");
  if (s.few_reps)
    printf("WARNING: %d metric%s compared with fewer than 9 repetitions: results unreliable, 9+ repetitions recommended\n",
           s.few_reps, s.few_reps == 1 ? "" : "s");
  return EXIT_OK;
}

/* The run line of the report: "2026-01-28T10:00:00Z (label main, commit abc, host h)". */
static char *run_line(sqlite3 *db, sqlite3_int64 id) {
  sqlite3_stmt *st = 0;
  char *s = 0;
  if (sqlite3_prepare_v2(db,
        "SELECT run_at || ' (label ' || label || coalesce(', commit ' || substr(git_commit, 1, 12), '')"
        " || coalesce(', host ' || host, '') || ')' FROM bench_run WHERE id = ?1", -1, &st, 0) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) s = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return s ? s : sqlite3_mprintf("run %lld", id);
}

/* Writes the Markdown report of temp.bench_cmp. */
static void write_report(sqlite3 *db, FILE *out, sqlite3_int64 b, sqlite3_int64 c, const CmpSummary *s, int ci) {
  char *lb = run_line(db, b), *lc = run_line(db, c);
  fprintf(out, "## Performance Regression Test Results\n\n```\n");
  fprintf(out, "================================================\n");
  fprintf(out, "Performance Regression Report\n");
  fprintf(out, "================================================\n");
  fprintf(out, "Baseline: %s\nCurrent:  %s\n\n", lb, lc);
  int failed = s->regressions > 0 || (ci && s->missing > 0);
  if (!failed) {
    fprintf(out, "✅ No regressions detected!\n\nAll metrics within acceptable thresholds.\n");
  } else {
    fprintf(out, "❌ %d regression%s detected!\n", s->regressions, s->regressions == 1 ? "" : "s");
    if (ci && s->missing) fprintf(out, "❌ %d metric%s missing from the current run.\n", s->missing, s->missing == 1 ? "" : "s");
    sqlite3_stmt *st = 0;
    if (sqlite3_prepare_v2(db,
          "SELECT metric, printf('%+.2f%%', change_pct), printf('%g%%', threshold_pct),"
          " iif(p_value IS NULL, '', printf(', p=%.3g', p_value)) FROM temp.bench_cmp WHERE verdict = 'regression' ORDER BY metric",
          -1, &st, 0) == SQLITE_OK) {
      fprintf(out, "\n");
      while (sqlite3_step(st) == SQLITE_ROW)
        fprintf(out, "  %s: %s (threshold %s%s)\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                sqlite3_column_text(st, 2), sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
  }
  fprintf(out, "================================================\n```\n\n");
  fprintf(out, "%d metrics: %d regressions, %d improvements, %d new, %d missing", s->metrics, s->regressions,
          s->improvements, s->added, s->missing);
  if (s->has_geomean) fprintf(out, ". Overall change (geometric mean, positive = worse): **%+.2f%%**", s->geomean_pct);
  fprintf(out, "\n\n");
  if (s->few_reps)
    fprintf(out, "> ⚠️ %d metric%s compared with fewer than 9 repetitions: results unreliable, 9+ repetitions recommended.\n\n",
            s->few_reps, s->few_reps == 1 ? "" : "s");
  format_query(db,
      "SELECT metric AS Metric, iif(base IS NULL, '', printf('%.6g', base) || coalesce(' ' || unit, '')) AS Baseline,"
      " iif(current IS NULL, '', printf('%.6g', current) || coalesce(' ' || unit, '')) AS Current,"
      " iif(change_pct IS NULL, '', printf('%+.2f%%', change_pct)) AS Change,"
      " printf('%g%% (%s)', threshold_pct, better) AS Threshold,"
      " iif(p_value IS NULL, '', printf('%.3g', p_value)) AS \"p (U test)\","
      " CASE verdict WHEN 'regression' THEN '❌ regression' WHEN 'improvement' THEN '🚀 improvement'"
      "  WHEN 'unchanged' THEN '✅ unchanged' WHEN 'new' THEN '🆕 new' ELSE '⚠️ missing' END AS Verdict"
      " FROM temp.bench_cmp ORDER BY verdict <> 'regression', metric", FMT_MARKDOWN, out);
  sqlite3_free(lb);
  sqlite3_free(lc);
}

static int bench_check_cmd(Cli *cli, const CmpArgs *a) {
  char *yaml = 0;
  sqlite3_int64 b, c;
  if (!a->base || !a->cur) return cli_usage("bench", "check needs --baseline and --current");
  if (open_for(cli, a->base, a->cur) || read_thresholds(a->thresholds, &yaml)) return EXIT_FAIL;
  if (resolve_runs(cli, a->base, a->cur, a->label, &b, &c) || run_compare(cli, b, c, yaml, a->alpha)) {
    sqlite3_free(yaml);
    return EXIT_FAIL;
  }
  sqlite3_free(yaml);
  CmpSummary s;
  summarize(cli->db, &s);
  write_report(cli->db, stdout, b, c, &s, a->ci);
  const char *paths[2] = {a->output, a->ci ? getenv("GITHUB_STEP_SUMMARY") : 0};
  for (int i = 0; i < 2; i++) {
    if (!paths[i] || !*paths[i]) continue;
    FILE *f = fopen(paths[i], i == 0 ? "w" : "a");
    if (!f) return cli_fail("%s: cannot write", paths[i]);
    write_report(cli->db, f, b, c, &s, a->ci);
    fclose(f);
  }
  return s.regressions > 0 || (a->ci && s.missing > 0) ? EXIT_FAIL : EXIT_OK;
}

static int bench_history_cmd(Cli *cli, const char *label, const char *metric, const char *window, OutFormat fmt) {
  if (cli_open(cli)) return EXIT_FAIL;
  char *sql;
  if (window) {
    int w = atoi(window);
    if (w < 2 || w > 1000) return cli_usage("bench", "--window must be between 2 and 1000");
    sql = sqlite3_mprintf(
        "WITH series AS (SELECT label, metric, json_group_array(json_array(pos, value)) AS points FROM bench_series"
        " WHERE (%Q IS NULL OR label = %Q) AND (%Q IS NULL OR metric GLOB %Q) GROUP BY label, metric)"
        " SELECT s.label, s.metric, b.pos, b.run_id, b.run_at, b.git_commit, cp.mean_before, cp.mean_after,"
        " cp.change_pct, cp.pvalue FROM series AS s JOIN changepoints(s.points, %d) AS cp"
        " JOIN bench_series AS b ON b.label = s.label AND b.metric = s.metric AND b.pos = cp.key"
        " ORDER BY s.label, s.metric, b.pos", label, label, metric, metric, w);
  } else {
    sql = sqlite3_mprintf("SELECT * FROM bench_history WHERE (%Q IS NULL OR label = %Q) AND (%Q IS NULL OR metric GLOB %Q)",
                          label, label, metric, metric);
  }
  int rc = format_query(cli->db, sql, fmt, stdout);
  sqlite3_free(sql);
  return rc ? EXIT_FAIL : EXIT_OK;
}

int bench_report_cmd(Cli *cli, const CmpArgs *a, const char *html, const char *history_label);

int cmd_bench(Cli *cli, int argc, char **argv) {
  if (argc < 2) return cli_usage("bench", "missing subcommand (compare, check, report, history, runs)");
  const char *sub = argv[1], *v, *window = 0, *metric = 0, *html = 0, *history = 0;
  CmpArgs a = {0};
  a.fmt = FMT_TABLE;
  const char *pos[2] = {0, 0};
  int npos = 0;
  for (int i = 2; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--thresholds", &v)) a.thresholds = v;
    else if (arg_value(argc, argv, &i, "--alpha", &v)) {
      char *end;
      double x = strtod(v, &end);
      if (*end || !(x > 0 && x < 1)) return cli_usage("bench", "--alpha must be a number in (0, 1)");
      a.alpha = v;
    } else if (arg_value(argc, argv, &i, "--format", &v)) {
      if (format_parse(v, &a.fmt)) return cli_usage("bench", "unknown format %s", v);
    } else if (arg_value(argc, argv, &i, "--baseline", &v)) a.base = v;
    else if (arg_value(argc, argv, &i, "--current", &v)) a.cur = v;
    else if (arg_value(argc, argv, &i, "--label", &v)) a.label = v;
    else if (arg_value(argc, argv, &i, "--output", &v)) a.output = v;
    else if (arg_value(argc, argv, &i, "--metric", &v)) metric = v;
    else if (arg_value(argc, argv, &i, "--window", &v)) window = v;
    else if (arg_value(argc, argv, &i, "--html", &v)) html = v;
    else if (arg_value(argc, argv, &i, "--history", &v)) history = v;
    else if (arg_flag(argv, i, "--ci")) a.ci = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("bench", "unknown flag %s", argv[i]);
    else if (npos < 2) pos[npos++] = argv[i];
    else return cli_usage("bench", "unexpected argument %s", argv[i]);
  }
  if (strcmp(sub, "compare") == 0) {
    if (npos != 2) return cli_usage("bench", "compare needs BASE and CURRENT");
    a.base = pos[0];
    a.cur = pos[1];
    return bench_compare_cmd(cli, &a);
  }
  if (strcmp(sub, "check") == 0) {
    if (npos) return cli_usage("bench", "check takes --baseline and --current, not %s", pos[0]);
    return bench_check_cmd(cli, &a);
  }
  if (strcmp(sub, "report") == 0) {
    if (npos) return cli_usage("bench", "report takes --baseline/--current/--history, not %s", pos[0]);
    return bench_report_cmd(cli, &a, html, history);
  }
  if (strcmp(sub, "history") == 0) return bench_history_cmd(cli, a.label, metric, window, a.fmt);
  if (strcmp(sub, "runs") == 0) {
    if (cli_open(cli)) return EXIT_FAIL;
    return format_query(cli->db, "SELECT * FROM bench_runs", a.fmt, stdout) ? EXIT_FAIL : EXIT_OK;
  }
  return cli_usage("bench", "unknown subcommand '%s' (compare, check, report, history, runs)", sub);
}

/* ---- charts and the HTML report --------------------------------------------- */

/* Runs a one-value query returning a PNG blob; writes it to path when given.
** Returns the blob (sqlite3_malloc'd) in *png and *n, or -1 with the error printed. */
static int query_png(sqlite3 *db, const char *sql, void **png, int *n) {
  sqlite3_stmt *st = 0;
  *png = 0;
  *n = 0;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, 0);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    *n = sqlite3_column_bytes(st, 0);
    if (*n > 0) {
      *png = sqlite3_malloc64((sqlite3_uint64)*n);
      if (*png) memcpy(*png, sqlite3_column_blob(st, 0), (size_t)*n);
    }
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  if (rc != SQLITE_OK) cli_fail("bench chart: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_OK ? 0 : -1;
}

/* The history chart of one (label, metric): the series as a line, its change
** points as vertical markers labelled with the change. */
static char *history_chart_sql(const char *label, const char *metric) {
  return sqlite3_mprintf(
      "SELECT chart_line(pos, value, metric, json_object('title', %Q, 'x_label', 'run (' || %Q || ')',"
      "  'y_label', coalesce((SELECT max(unit) FROM bench_series WHERE label = %Q AND metric = %Q), ''),"
      "  'width', 900, 'height', 360,"
      "  'markers', (SELECT json_group_array(json_object('x', pos, 'label', printf('%%+.1f%%%%', change_pct),"
      "                'color', '#d62728', 'dash', 'dash'))"
      "              FROM bench_history WHERE label = %Q AND metric = %Q)))"
      " FROM (SELECT pos, value, metric, unit FROM bench_series WHERE label = %Q AND metric = %Q ORDER BY pos)",
      metric, label, label, metric, label, metric, label, metric);
}

/* Writes out_dir/history_<n>.png for every metric of label with at least 3 runs
** (at most max_charts); with h, also embeds them. Returns the count or -1. */
static int history_charts(Cli *cli, const char *label, const char *out_dir, HtmlDoc *h, int max_charts) {
  sqlite3_stmt *st = 0;
  int n = 0;
  if (sqlite3_prepare_v2(cli->db,
        "SELECT metric FROM bench_series WHERE label = ?1 GROUP BY metric HAVING count(*) >= 3 ORDER BY metric",
        -1, &st, 0) != SQLITE_OK)
    return cli_fail("bench: %s", sqlite3_errmsg(cli->db)), -1;
  sqlite3_bind_text(st, 1, label, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW && n < max_charts) {
    char *metric = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
    char *sql = history_chart_sql(label, metric);
    void *png;
    int len, rc = query_png(cli->db, sql, &png, &len);
    sqlite3_free(sql);
    if (rc == 0 && png) {
      if (out_dir) {
        char *file = sqlite3_mprintf("history_%s.png", metric);
        char *safe = file ? safe_path_component(file) : 0;
        char *path = sqlite3_mprintf("%s/%s", out_dir, safe ? safe : "_");
        sqlite3_free(file);
        sqlite3_free(safe);
        rc = write_file_path(path, png, (size_t)len);
        sqlite3_free(path);
      }
      if (h) {
        html_heading(h, 3, metric);
        html_image_png(h, png, (size_t)len, metric);
      }
      n++;
    }
    sqlite3_free(png);
    sqlite3_free(metric);
    if (rc) { sqlite3_finalize(st); return -1; }
  }
  sqlite3_finalize(st);
  return n;
}

/* The HTML report of temp.bench_cmp (when compared) and of label's history. */
static int write_html_report(Cli *cli, const char *path, int compared, sqlite3_int64 b, sqlite3_int64 c,
                             const char *label) {
  HtmlDoc *h = html_open(path, "Benchmark report");
  if (compared) {
    CmpSummary s;
    summarize(cli->db, &s);
    char *lb = run_line(cli->db, b), *lc = run_line(cli->db, c);
    char *cards = sqlite3_mprintf(
        "<div style='display:flex;gap:12px;flex-wrap:wrap'>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px'><b>%d</b><br>metrics</div>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px;color:%s'><b>%d</b><br>regressions</div>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px;color:#2ca02c'><b>%d</b><br>improvements</div>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px'><b>%d / %d</b><br>new / missing</div>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px'><b>%s%.2f%%</b><br>overall (geomean, + = worse)</div>"
        "</div>", s.metrics, s.regressions ? "#d62728" : "#2ca02c", s.regressions, s.improvements, s.added,
        s.missing, s.geomean_pct >= 0 ? "+" : "", s.has_geomean ? s.geomean_pct : 0.0);
    html_heading(h, 2, "Summary");
    char *runs = sqlite3_mprintf("Baseline: %s\nCurrent:  %s", lb, lc);
    html_paragraph(h, runs);
    html_raw(h, cards);
    sqlite3_free(runs);
    sqlite3_free(cards);
    sqlite3_free(lb);
    sqlite3_free(lc);
    html_heading(h, 2, s.regressions ? "❌ Regressions detected" : "✅ No regressions detected");
    html_table_from_sql(h, cli->db,
        "SELECT metric, unit, printf('%.6g', base) AS baseline, printf('%.6g', current) AS current,"
        " printf('%+.2f%%', change_pct) AS change, printf('%g%% (%s)', threshold_pct, better) AS threshold,"
        " printf('%.3g', p_value) AS p_value, verdict, note FROM temp.bench_cmp"
        " ORDER BY verdict <> 'regression', metric", 0);
    /* grouped bars per unit: baseline vs current */
    sqlite3_stmt *st = 0;
    if (sqlite3_prepare_v2(cli->db, "SELECT DISTINCT coalesce(unit, '') FROM temp.bench_cmp"
                           " WHERE base IS NOT NULL AND current IS NOT NULL ORDER BY 1", -1, &st, 0) == SQLITE_OK) {
      html_heading(h, 2, "Baseline vs current");
      while (sqlite3_step(st) == SQLITE_ROW) {
        const char *unit = (const char *)sqlite3_column_text(st, 0);
        char *sql = sqlite3_mprintf(
            "SELECT chart_bar(metric, value, series, json_object('title', 'Baseline vs current (' || iif(%Q = '', 'no unit', %Q) || ')',"
            " 'y_label', %Q, 'width', 900, 'height', 380)) FROM ("
            " SELECT metric, 'baseline' AS series, base AS value, 0 AS k FROM temp.bench_cmp WHERE coalesce(unit, '') = %Q"
            "  AND base IS NOT NULL AND current IS NOT NULL UNION ALL"
            " SELECT metric, 'current', current, 1 FROM temp.bench_cmp WHERE coalesce(unit, '') = %Q"
            "  AND base IS NOT NULL AND current IS NOT NULL ORDER BY metric, k LIMIT 80)",
            unit, unit, unit, unit, unit);
        void *png;
        int len;
        if (query_png(cli->db, sql, &png, &len) == 0 && png) html_image_png(h, png, (size_t)len, "baseline vs current");
        sqlite3_free(png);
        sqlite3_free(sql);
      }
      sqlite3_finalize(st);
    }
    void *png;
    int len;
    html_heading(h, 2, "Speedup (baseline cost / current cost; > 1 = faster or better)");
    if (query_png(cli->db,
          "SELECT chart_bar(metric, 1.0 / cost_ratio, 'speedup', json_object('title', 'Speedup per metric',"
          " 'y_label', 'x', 'width', 900, 'height', 380, 'log_y', json('true'))) FROM (SELECT metric, cost_ratio"
          " FROM temp.bench_cmp WHERE cost_ratio IS NOT NULL ORDER BY metric LIMIT 80)", &png, &len) == 0 && png)
      html_image_png(h, png, (size_t)len, "speedup");
    sqlite3_free(png);
  }
  if (label) {
    char *t = sqlite3_mprintf("History of '%s' (change points: Apache Otava's detector)", label);
    html_heading(h, 2, t);
    sqlite3_free(t);
    char *sql = sqlite3_mprintf("SELECT metric, pos AS run, run_at, git_commit, printf('%%.6g', mean_before) AS before,"
                                " printf('%%.6g', mean_after) AS after, printf('%%+.2f%%%%', change_pct) AS change,"
                                " printf('%%.3g', pvalue) AS p_value FROM bench_history WHERE label = %Q", label);
    html_table_from_sql(h, cli->db, sql, 0);
    sqlite3_free(sql);
    if (history_charts(cli, label, 0, h, 50) < 0) { html_close(h); return -1; }
  }
  return html_close(h);
}

int bench_report_cmd(Cli *cli, const CmpArgs *a, const char *html, const char *history_label) {
  if (!html) return cli_usage("bench", "report needs --html FILE");
  if (!!a->base != !!a->cur) return cli_usage("bench", "report needs both --baseline and --current, or neither");
  if (!a->base && !history_label) return cli_usage("bench", "report needs --baseline/--current and/or --history LABEL");
  sqlite3_int64 b = 0, c = 0;
  if (a->base) {
    char *yaml = 0;
    if (open_for(cli, a->base, a->cur) || read_thresholds(a->thresholds, &yaml)) return EXIT_FAIL;
    int rc = resolve_runs(cli, a->base, a->cur, a->label, &b, &c) || run_compare(cli, b, c, yaml, a->alpha);
    sqlite3_free(yaml);
    if (rc) return EXIT_FAIL;
  } else if (cli_open(cli)) {
    return EXIT_FAIL;
  }
  if (write_html_report(cli, html, a->base != 0, b, c, history_label)) return EXIT_FAIL;
  if (!cli->quiet) printf("wrote %s\n", html);
  return EXIT_OK;
}

/* ---- demo ---------------------------------------------------------------------- */

int demo_bench(Cli *cli, const char *data_dir, const char *out_dir) {
  char *dir = sqlite3_mprintf("%s/bench", out_dir);
  char *bdir = sqlite3_mprintf("%s/bench", data_dir);
  int rc = EXIT_FAIL;
  if (make_dirs(dir)) goto done;
  sqlite3_int64 base, cur, run;
  BenchRunInfo ib = {.label = "demo-O2", .commit = "o2"}, ic = {.label = "demo-O0", .commit = "o0"};
  char *p1 = sqlite3_mprintf("%s/gbench_o2.json", bdir), *p2 = sqlite3_mprintf("%s/gbench_o0.json", bdir);
  int bad = load_one(cli, p1, &ib, &base, cli->quiet) || load_one(cli, p2, &ic, &cur, cli->quiet);
  sqlite3_free(p1);
  sqlite3_free(p2);
  if (bad) goto done;
  /* 30 nightly runs: the history samples */
  for (int i = 1; i <= 30; i++) {
    char *p = sqlite3_mprintf("%s/history/run_%02d.csv", bdir, i);
    char *ts = sqlite3_mprintf("2026-01-%02dT02:00:00Z", i);
    char *commit = sqlite3_mprintf("nightly-%02d", i);
    BenchRunInfo ih = {.label = "nightly", .timestamp = ts, .commit = commit};
    bad = load_one(cli, p, &ih, &run, 1);
    sqlite3_free(p);
    sqlite3_free(ts);
    sqlite3_free(commit);
    if (bad) goto done;
  }
  /* the gate report (Markdown), as `bench check` prints it */
  if (run_compare(cli, base, cur, 0, 0)) goto done;
  CmpSummary s;
  summarize(cli->db, &s);
  char *md = sqlite3_mprintf("%s/gate_report.md", dir);
  FILE *f = fopen(md, "w");
  if (!f) { cli_fail("%s: cannot write", md); sqlite3_free(md); goto done; }
  write_report(cli->db, f, base, cur, &s, 1);
  fclose(f);
  sqlite3_free(md);
  /* history charts with change points, and the HTML report */
  if (history_charts(cli, "nightly", dir, 0, 20) < 0) goto done;
  char *html = sqlite3_mprintf("%s/report.html", dir);
  int hr = write_html_report(cli, html, 1, base, cur, "nightly");
  sqlite3_free(html);
  if (hr) goto done;
  char *hist = sqlite3_mprintf("%s/history.md", dir);
  f = fopen(hist, "w");
  if (f) {
    fprintf(f, "# Change points in the nightly history (bench_history)\n\n");
    format_query(cli->db, "SELECT metric, pos, git_commit, printf('%.4g', mean_before) AS before,"
                          " printf('%.4g', mean_after) AS after, printf('%+.2f%%', change_pct) AS change,"
                          " printf('%.3g', pvalue) AS p_value FROM bench_history WHERE label = 'nightly'",
                 FMT_MARKDOWN, f);
    fclose(f);
  }
  sqlite3_free(hist);
  rc = EXIT_OK;
done:
  sqlite3_free(dir);
  sqlite3_free(bdir);
  return rc;
}
