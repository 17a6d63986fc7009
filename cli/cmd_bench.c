/*
** cmd_bench.c — `perfsql load bench`, `perfsql bench run|compare|check|report|history|runs`
** and the bench demo step. Every report is a view or a parameterized report of
** views/bench/ (bench_comparison, bench_check_table, bench_compare_summary,
** bench_change_points, ...); this file resolves arguments, binds parameters,
** runs executables and writes files.
**
**  1. load bench FILE --label L [--commit C] [--host H] [--timestamp T]
**     [--replace]: one run per file (loaders/bench/bench_load.c).
**  2. bench run EXE [--repetitions N] [--label L] [--commit C] [--output F]
**     [-- ARGS]: runs a Google Benchmark executable with JSON output
**     (--benchmark_out) and N repetitions, then loads the result as one run.
**  3. bench compare BASE CUR / bench check --baseline B --current C: BASE and
**     CUR are result files or stored runs (id or label: the latest run with
**     that label). Two files are compared in a private in-memory database
**     (nothing is written); a file compared with a stored run is loaded into
**     the database first (label from --label, default "current"; --commit,
**     --host, --timestamp as for load). The verdict rule is bench_compare()'s
**     (ext/bench_compare.c): threshold, noise (k x CV), U test when it can
**     reach alpha; only the --time (real|cpu) time of each Google Benchmark
**     benchmark gates, and counters named in the thresholds file.
**  4. check prints a Markdown report meant as a pull-request comment (the
**     seed's "Performance Regression Report" block, then a table) and exits 1
**     when any gated metric regresses; --ci also fails when a gated baseline
**     metric is missing from the current run, and appends the report to
**     $GITHUB_STEP_SUMMARY when that is set; --output FILE writes it there too.
**  5. Exit codes: 0 ok, 1 regression / error, 2 usage.
*/
#include "cli.h"
#include "bench.h"
#include "sql_stmt.h"
#include "bench/bench_load.h"
#include "html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
    "usage: perfsql bench run EXE [--repetitions N] [--label L] [--commit C] [--output F.json] [-- ARGS]\n"
    "       perfsql bench compare BASE CURRENT [GATE OPTIONS] [--format F] [--label L]\n"
    "       perfsql bench check --baseline BASE --current CURRENT [--ci] [GATE OPTIONS] [--output report.md]\n"
    "                           [--label L] [--commit C] [--host H] [--timestamp T]\n"
    "       perfsql bench report --html out.html [--baseline BASE --current CURRENT] [--history LABEL]\n"
    "       perfsql bench history [--label L] [--metric GLOB] [--since T] [--until T] [--last N]\n"
    "                             [--window N] [--pvalue P] [--magnitude M] [--format F]\n"
    "       perfsql bench runs [--format F]\n"
    "  GATE OPTIONS: --thresholds T.yaml  --alpha A (0.05)  --time real|cpu (real)  --noise-k K (3)\n"
    "  BASE / CURRENT: a result file, or a stored run (its id, or a label = its latest run).\n"
    "  run       runs a Google Benchmark executable (JSON output, N repetitions, default 9) and\n"
    "            loads the result (label default: the executable's name)\n"
    "  compare   per metric: means, medians, min, stddev, cv, change %, threshold, noise, p-value\n"
    "            (Mann-Whitney U), judged by (U test / threshold), gated, verdict, note; then the\n"
    "            overall geometric-mean change (compare.py's OVERALL_GEOMEAN for Google Benchmark)\n"
    "            A gated metric regresses when its change exceeds the threshold and K x the\n"
    "            larger CV, and the U test gives p < A where it can reach A at those sizes.\n"
    "            Gated: the --time time of each benchmark, and metrics named in T.yaml.\n"
    "  check     the same as a Markdown pull-request comment; exit 1 on any gated regression\n"
    "            (--ci: also on a gated metric missing from CURRENT; appends to $GITHUB_STEP_SUMMARY)\n"
    "  report    HTML: summary cards, baseline-vs-current bars, speedup, history charts of LABEL\n"
    "            with change points marked\n"
    "  history   change points of each metric's history, Apache Otava's detector and options\n"
    "            (report bench_change_points)\n"
    "  runs      the stored runs (view bench_runs)\n"
    "examples:\n"
    "  perfsql bench run ./my_benchmark --repetitions 9 --label main -- --benchmark_filter=BM_Sort\n"
    "  perfsql bench compare baseline.json current.json\n"
    "  perfsql -d perf.db bench check --baseline main --current pr.json --label pr-42 --ci\n";

/* ---- load ------------------------------------------------------------------ */

static int load_report_one(int st, PerfsqlLoad *ld, char *err, int quiet) {
  if (st == LOAD_ERROR) {
    cli_fail("%s", err ? err : "load failed");
    sqlite3_free(err);
    load_free(ld);
    return -1;
  }
  load_report(ld, st, quiet);
  load_free(ld);
  return 0;
}

static int load_one(Cli *cli, const char *path, const BenchRunInfo *info, sqlite3_int64 *run_id, int quiet) {
  PerfsqlLoad ld;
  char *err = 0;
  int st = bench_load_file(cli->db, path, info, &ld, run_id, &err);
  return load_report_one(st, &ld, err, quiet);
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

/* ---- statements ---------------------------------------------------------------- */


/* Prints the rows of a prepared statement, then finalizes it. */
static int print_stmt(sqlite3 *db, sqlite3_stmt *st, OutFormat fmt, FILE *out) {
  int rc = format_stmt(st, fmt, out);
  if (rc) cli_fail("bench: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc ? -1 : 0;
}

/* ---- resolving BASE / CURRENT ---------------------------------------------- */

static int is_file(const char *p) {
  struct stat s;
  return stat(p, &s) == 0 && S_ISREG(s.st_mode);
}

/* The run a label or id names (report bench_run_find), 0 when none. */
static sqlite3_int64 stored_run(sqlite3 *db, const char *arg) {
  sqlite3_stmt *st = 0;
  sqlite3_int64 id = 0;
  if (cli_prepare(db, "SELECT run_id FROM bench_run_find(?1)", &st, "bench")) return 0;
  sql_bind_text(st, 1, arg);
  if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return id;
}

typedef struct CmpArgs {
  const char *base, *cur, *thresholds, *label, *output, *commit, *host, *timestamp;
  const char *time;        /* "real" (default) or "cpu" */
  double alpha, noise_k;
  int has_alpha, has_noise_k;
  OutFormat fmt;
  int ci;
  char *yaml;              /* thresholds text, read by prepare_compare() */
  sqlite3_int64 b, c;      /* resolved runs */
} CmpArgs;

/* Opens the database: in memory when both arguments are files. */
static int open_for(Cli *cli, const char *base, const char *cur) {
  if (is_file(base) && is_file(cur) && !cli->db) cli->db_path = ":memory:";
  return cli_open(cli);
}

/* Yields the run ids, loading the arguments that are files. */
static int resolve_runs(Cli *cli, CmpArgs *a) {
  int fb = is_file(a->base), fc = is_file(a->cur);
  BenchRunInfo ib = {.label = "baseline"};
  BenchRunInfo ic = {.label = a->label ? a->label : "current", .commit = a->commit, .host = a->host,
                     .timestamp = a->timestamp};
  if (fb) { if (load_one(cli, a->base, &ib, &a->b, 1)) return -1; }
  else if (!(a->b = stored_run(cli->db, a->base)))
    return cli_fail("%s: neither a file nor a stored run (id or label)", a->base), -1;
  if (fc) { if (load_one(cli, a->cur, &ic, &a->c, 1)) return -1; }
  else if (!(a->c = stored_run(cli->db, a->cur)))
    return cli_fail("%s: neither a file nor a stored run (id or label)", a->cur), -1;
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

/* Opens, reads the thresholds, resolves (and loads) both runs. */
static int prepare_compare(Cli *cli, CmpArgs *a) {
  if (open_for(cli, a->base, a->cur) || read_thresholds(a->thresholds, &a->yaml)) return -1;
  return resolve_runs(cli, a);
}

/* Binds the six comparison parameters at ?1..?6: base, current, thresholds,
** alpha, time, noise_k (the order of every bench comparison report). */
static void bind_cmp(sqlite3_stmt *st, const CmpArgs *a) {
  sqlite3_bind_int64(st, 1, a->b);
  sqlite3_bind_int64(st, 2, a->c);
  sql_bind_text(st, 3, a->yaml);
  sql_bind_opt_double(st, 4, a->has_alpha, a->alpha);
  sql_bind_text(st, 5, a->time);
  sql_bind_opt_double(st, 6, a->has_noise_k, a->noise_k);
}

/* Prepares "<select> FROM <report>(?1..?6)<tail>" and binds the comparison. */
static sqlite3_stmt *cmp_stmt(sqlite3 *db, const CmpArgs *a, const char *select, const char *report,
                              const char *tail) {
  char *sql = sqlite3_mprintf("%s FROM %s(?1, ?2, ?3, ?4, ?5, ?6)%s", select, report, tail);
  sqlite3_stmt *st = 0;
  int bad = !sql || cli_prepare(db, sql, &st, "bench");
  sqlite3_free(sql);
  if (bad) return 0;
  bind_cmp(st, a);
  return st;
}

typedef struct CmpSummary {
  int metrics, gated, regressions, improvements, added, missing, few_reps, threshold_only;
  double overall_pct;
  int has_overall;
  char *method;
  char *time;              /* the gated time of Google Benchmark runs, else NULL */
} CmpSummary;

/* One row of report bench_compare_summary. Returns 0 or -1 (error printed). */
static int summarize(sqlite3 *db, const CmpArgs *a, CmpSummary *s) {
  memset(s, 0, sizeof(*s));
  sqlite3_stmt *st = cmp_stmt(db, a, "SELECT *", "bench_compare_summary", "");
  if (!st) return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    s->metrics = sqlite3_column_int(st, 0);
    s->gated = sqlite3_column_int(st, 1);
    s->regressions = sqlite3_column_int(st, 2);
    s->improvements = sqlite3_column_int(st, 3);
    s->added = sqlite3_column_int(st, 4);
    s->missing = sqlite3_column_int(st, 5);
    s->few_reps = sqlite3_column_int(st, 6);
    s->threshold_only = sqlite3_column_int(st, 7);
    s->has_overall = sqlite3_column_type(st, 8) != SQLITE_NULL;
    s->overall_pct = sqlite3_column_double(st, 8);
    s->method = sqlite3_mprintf("%s", sqlite3_column_text(st, 9));
    if (sqlite3_column_type(st, 10) != SQLITE_NULL) s->time = sqlite3_mprintf("%s", sqlite3_column_text(st, 10));
  } else {
    cli_fail("bench compare: %s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 0 : -1;
}

static void summary_free(CmpSummary *s) {
  sqlite3_free(s->method);
  sqlite3_free(s->time);
}

static const char *plural(int n) { return n == 1 ? "" : "s"; }

/* The lines under a comparison: counts, overall change, and how verdicts were reached. */
static void write_summary_lines(FILE *out, const CmpArgs *a, const CmpSummary *s, int markdown) {
  fprintf(out, "%d metrics, %d gated%s%s%s%s: %d regression%s, %d improvement%s, %d new, %d missing",
          s->metrics, s->gated, s->time ? " (" : "", s->time ? s->time : "", s->time ? " time" : "",
          s->time ? (a->thresholds ? " and the metrics named in the thresholds)" : ")") : "",
          s->regressions, plural(s->regressions), s->improvements, plural(s->improvements), s->added, s->missing);
  if (s->has_overall && markdown)
    fprintf(out, ". Overall change (%s, positive = worse): **%+.2f%%**", s->method, s->overall_pct);
  else if (s->has_overall)
    fprintf(out, "; overall %+.2f%% (%s, positive = worse)", s->overall_pct, s->method);
  fprintf(out, "\n");
  if (s->threshold_only)
    fprintf(out, "%s%d gated metric%s judged on the threshold alone: the U test cannot reach p<alpha at their"
                 " repetitions (see the note of each).\n", markdown ? "\n> ℹ️ " : "NOTE: ", s->threshold_only,
            plural(s->threshold_only));
  if (s->few_reps)
    fprintf(out, "%s%d gated metric%s compared with fewer than 9 repetitions: 9+ repetitions recommended.\n",
            markdown ? "\n> ⚠️ " : "WARNING: ", s->few_reps, plural(s->few_reps));
}

static int bench_compare_cmd(Cli *cli, CmpArgs *a) {
  if (prepare_compare(cli, a)) return EXIT_FAIL;
  if (a->fmt == FMT_JSON || a->fmt == FMT_CSV) {
    sqlite3_stmt *st = cmp_stmt(cli->db, a, "SELECT *", "bench_compare", " ORDER BY metric");
    return st && print_stmt(cli->db, st, a->fmt, stdout) == 0 ? EXIT_OK : EXIT_FAIL;
  }
  sqlite3_stmt *st = cmp_stmt(cli->db, a, "SELECT *", "bench_comparison", "");
  if (!st || print_stmt(cli->db, st, a->fmt, stdout)) return EXIT_FAIL;
  CmpSummary s;
  if (summarize(cli->db, a, &s)) return EXIT_FAIL;
  printf("\n");
  write_summary_lines(stdout, a, &s, 0);
  summary_free(&s);
  return EXIT_OK;
}

/* The run line of the report (view bench_run_line). */
static char *run_line(sqlite3 *db, sqlite3_int64 id) {
  sqlite3_stmt *st = 0;
  char *s = 0;
  if (cli_prepare(db, "SELECT line FROM bench_run_line WHERE run_id = ?1", &st, "bench") == 0) {
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) s = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return s ? s : sqlite3_mprintf("run %lld", id);
}

/* Writes the Markdown report of the comparison. */
static int write_report(sqlite3 *db, FILE *out, const CmpArgs *a, const CmpSummary *s) {
  char *lb = run_line(db, a->b), *lc = run_line(db, a->c);
  fprintf(out, "## Performance Regression Test Results\n\n```\n");
  fprintf(out, "================================================\n");
  fprintf(out, "Performance Regression Report\n");
  fprintf(out, "================================================\n");
  fprintf(out, "Baseline: %s\nCurrent:  %s\n\n", lb, lc);
  sqlite3_free(lb);
  sqlite3_free(lc);
  int failed = s->regressions > 0 || (a->ci && s->missing > 0);
  if (!failed) {
    fprintf(out, "✅ No regressions detected!\n\nAll metrics within acceptable thresholds.\n");
  } else {
    fprintf(out, "❌ %d regression%s detected!\n", s->regressions, plural(s->regressions));
    if (a->ci && s->missing) fprintf(out, "❌ %d metric%s missing from the current run.\n", s->missing, plural(s->missing));
    sqlite3_stmt *st = cmp_stmt(db, a, "SELECT metric, change, threshold, p_value, note", "bench_comparison",
                                " WHERE gated = 'yes' AND verdict = 'regression'");
    if (!st) return -1;
    fprintf(out, "\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *p = (const char *)sqlite3_column_text(st, 3), *note = (const char *)sqlite3_column_text(st, 4);
      fprintf(out, "  %s: %s (threshold %s%s%s%s%s)\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
              sqlite3_column_text(st, 2), p ? ", p=" : "", p ? p : "", note ? "; " : "", note ? note : "");
    }
    sqlite3_finalize(st);
  }
  fprintf(out, "================================================\n```\n\n");
  write_summary_lines(out, a, s, 1);
  fprintf(out, "\n");
  sqlite3_stmt *st = cmp_stmt(db, a, "SELECT *", "bench_check_table", "");
  return st ? print_stmt(db, st, FMT_MARKDOWN, out) : -1;
}

static int bench_check_cmd(Cli *cli, CmpArgs *a) {
  if (!a->base || !a->cur) return cli_usage("bench", "check needs --baseline and --current");
  if (prepare_compare(cli, a)) return EXIT_FAIL;
  CmpSummary s;
  if (summarize(cli->db, a, &s)) return EXIT_FAIL;
  int rc = write_report(cli->db, stdout, a, &s) ? EXIT_FAIL : EXIT_OK;
  const char *paths[2] = {a->output, a->ci ? getenv("GITHUB_STEP_SUMMARY") : 0};
  for (int i = 0; i < 2 && rc == EXIT_OK; i++) {
    if (!paths[i] || !*paths[i]) continue;
    FILE *f = fopen(paths[i], i == 0 ? "w" : "a");
    if (!f) { rc = cli_fail("%s: cannot write", paths[i]); break; }
    if (write_report(cli->db, f, a, &s)) rc = EXIT_FAIL;
    if (fclose(f) != 0) rc = cli_fail("%s: cannot write", paths[i]);
  }
  summary_free(&s);
  if (rc != EXIT_OK) return rc;
  return s.regressions > 0 || (a->ci && s.missing > 0) ? EXIT_FAIL : EXIT_OK;
}

/* ---- history --------------------------------------------------------------------- */

typedef struct HistArgs {
  const char *label, *metric, *since, *until;
  int window, last, has_window, has_last;
  double pvalue, magnitude;
  int has_pvalue, has_magnitude;
  OutFormat fmt;
} HistArgs;

static int bench_history_cmd(Cli *cli, const HistArgs *h) {
  if (cli_open(cli)) return EXIT_FAIL;
  sqlite3_stmt *st = 0;
  if (cli_prepare(cli->db, "SELECT * FROM bench_change_points(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st, "bench")) return EXIT_FAIL;
  sql_bind_text(st, 1, h->label);
  sql_bind_text(st, 2, h->metric);
  sql_bind_opt_int64(st, 3, h->has_window, h->window);
  sql_bind_opt_double(st, 4, h->has_pvalue, h->pvalue);
  sql_bind_opt_double(st, 5, h->has_magnitude, h->magnitude);
  sql_bind_text(st, 6, h->since);
  sql_bind_text(st, 7, h->until);
  sql_bind_opt_int64(st, 8, h->has_last, h->last);
  return print_stmt(cli->db, st, h->fmt, stdout) ? EXIT_FAIL : EXIT_OK;
}

/* ---- run --------------------------------------------------------------------- */

/* Runs exe with the Google Benchmark JSON flags, its console output on
** stderr, the JSON into json_path. Returns 0, or -1 with the error printed. */
static int run_executable(const char *exe, int reps, const char *json_path, int nargs, char **args) {
  char **av = calloc((size_t)nargs + 6, sizeof(char *));
  if (!av) return cli_fail("out of memory"), -1;
  char *out = sqlite3_mprintf("--benchmark_out=%s", json_path);
  char *rep = sqlite3_mprintf("--benchmark_repetitions=%d", reps);
  int n = 0;
  av[n++] = (char *)exe;
  av[n++] = out;
  av[n++] = (char *)"--benchmark_out_format=json";
  av[n++] = rep;
  for (int i = 0; i < nargs; i++) av[n++] = args[i];
  av[n] = 0;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  int rc = -1;
  if (pid == 0) {
    dup2(2, 1);   /* the console table goes to stderr; stdout stays ours */
    execvp(exe, av);
    fprintf(stderr, "perfsql: %s: cannot run: %s\n", exe, strerror(errno));
    _exit(127);
  } else if (pid < 0) {
    cli_fail("%s: cannot run: %s", exe, strerror(errno));
  } else {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) rc = 0;
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) rc = -1;   /* message printed by the child */
    else if (WIFEXITED(status)) cli_fail("%s: exited with status %d", exe, WEXITSTATUS(status));
    else cli_fail("%s: killed by signal %d", exe, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  sqlite3_free(out);
  sqlite3_free(rep);
  free(av);
  return rc;
}

static int bench_run_cmd(Cli *cli, int argc, char **argv) {
  const char *exe = 0, *v, *output = 0;
  BenchRunInfo info = {0};
  int reps = 9, nargs = 0;
  char **args = 0;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { args = argv + i + 1; nargs = argc - i - 1; break; }
    if (arg_value(argc, argv, &i, "--repetitions", &v)) {
      char *end;
      long n = strtol(v, &end, 10);
      if (*end || n < 1 || n > 1000) return cli_usage("bench", "--repetitions must be an integer in 1..1000");
      reps = (int)n;
    } else if (arg_value(argc, argv, &i, "--label", &v)) info.label = v;
    else if (arg_value(argc, argv, &i, "--commit", &v)) info.commit = v;
    else if (arg_value(argc, argv, &i, "--host", &v)) info.host = v;
    else if (arg_value(argc, argv, &i, "--output", &v)) output = v;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("bench", "unknown flag %s (arguments for the benchmark go after --)", argv[i]);
    else if (!exe) exe = argv[i];
    else return cli_usage("bench", "run takes one executable (got %s and %s); its arguments go after --", exe, argv[i]);
  }
  if (!exe) return cli_usage("bench", "run needs an executable");
  if (!info.label) {
    const char *slash = strrchr(exe, '/');
    info.label = slash ? slash + 1 : exe;
  }
  if (cli_open(cli)) return EXIT_FAIL;
  char *tmp = 0;
  const char *json = output;
  if (!json) {
    const char *dir = getenv("TMPDIR");
    tmp = sqlite3_mprintf("%s/perfsql-bench-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = tmp ? mkstemp(tmp) : -1;
    if (fd < 0) { sqlite3_free(tmp); return cli_fail("cannot create a temporary file: %s", strerror(errno)); }
    close(fd);
    json = tmp;
  }
  int rc = EXIT_FAIL;
  if (run_executable(exe, reps, json, nargs, args) == 0) {
    char *text = 0, *err = 0;
    size_t len = 0;
    if (read_file_all(json, 256 << 20, &text, &len, &err) != 0) {
      cli_fail("%s", err ? err : json);
      sqlite3_free(err);
    } else {
      PerfsqlLoad ld;
      sqlite3_int64 run = 0;
      /* the run is named after the executable; a kept --output file names itself */
      int st = bench_load_buffer(cli->db, output ? output : exe, text, len, &info, &ld, &run, &err);
      if (load_report_one(st, &ld, err, cli->quiet) == 0) {
        if (!cli->quiet) printf("run %lld (label %s): %d repetition%s of %s\n", run, info.label, reps, plural(reps), exe);
        rc = EXIT_OK;
      }
      sqlite3_free(text);
    }
  }
  if (tmp) { unlink(tmp); sqlite3_free(tmp); }
  return rc;
}

/* ---- the command ------------------------------------------------------------------ */

int bench_report_cmd(Cli *cli, CmpArgs *a, const char *html, const char *history_label);

static int parse_double(const char *flag, const char *v, double lo, double hi, int open_lo, double *out) {
  char *end;
  double x = strtod(v, &end);
  if (*v == 0 || *end || x > hi || x < lo || (open_lo && x == lo)) {
    return cli_usage("bench", "%s must be a number in %s%g, %g]", flag, open_lo ? "(" : "[", lo, hi);
  }
  *out = x;
  return 0;
}

static int parse_int(const char *flag, const char *v, int lo, int hi, int *out) {
  char *end;
  long x = strtol(v, &end, 10);
  if (*v == 0 || *end || x < lo || x > hi) return cli_usage("bench", "%s must be an integer in %d..%d", flag, lo, hi);
  *out = (int)x;
  return 0;
}

int cmd_bench(Cli *cli, int argc, char **argv) {
  static const char subs[] = "run, compare, check, report, history, runs";
  if (argc < 2) return cli_usage("bench", "missing subcommand (%s)", subs);
  const char *sub = argv[1], *v, *html = 0, *history = 0;
  if (strcmp(sub, "run") == 0) return bench_run_cmd(cli, argc, argv);
  CmpArgs a = {0};
  HistArgs h = {0};
  a.fmt = FMT_TABLE;
  a.time = "real";
  const char *pos[2] = {0, 0};
  int npos = 0;
  for (int i = 2; i < argc; i++) {
    int bad = 0;
    if (arg_value(argc, argv, &i, "--thresholds", &v)) a.thresholds = v;
    else if (arg_value(argc, argv, &i, "--alpha", &v)) {
      bad = parse_double("--alpha", v, 0, 0.999999, 1, &a.alpha);
      a.has_alpha = 1;
    } else if (arg_value(argc, argv, &i, "--noise-k", &v)) {
      bad = parse_double("--noise-k", v, 0, 100, 0, &a.noise_k);
      a.has_noise_k = 1;
    } else if (arg_value(argc, argv, &i, "--time", &v)) {
      if (strcmp(v, "real") && strcmp(v, "cpu")) return cli_usage("bench", "--time must be real or cpu");
      a.time = v;
    } else if (arg_value(argc, argv, &i, "--format", &v)) {
      if (format_parse(v, &a.fmt)) return cli_usage("bench", "unknown format %s", v);
    } else if (arg_value(argc, argv, &i, "--baseline", &v)) a.base = v;
    else if (arg_value(argc, argv, &i, "--current", &v)) a.cur = v;
    else if (arg_value(argc, argv, &i, "--label", &v)) a.label = v;
    else if (arg_value(argc, argv, &i, "--commit", &v)) a.commit = v;
    else if (arg_value(argc, argv, &i, "--host", &v)) a.host = v;
    else if (arg_value(argc, argv, &i, "--timestamp", &v)) a.timestamp = v;
    else if (arg_value(argc, argv, &i, "--output", &v)) a.output = v;
    else if (arg_value(argc, argv, &i, "--metric", &v)) h.metric = v;
    else if (arg_value(argc, argv, &i, "--since", &v)) h.since = v;
    else if (arg_value(argc, argv, &i, "--until", &v)) h.until = v;
    else if (arg_value(argc, argv, &i, "--window", &v)) { bad = parse_int("--window", v, 2, 1000, &h.window); h.has_window = 1; }
    else if (arg_value(argc, argv, &i, "--last", &v)) { bad = parse_int("--last", v, 1, 1000000000, &h.last); h.has_last = 1; }
    else if (arg_value(argc, argv, &i, "--pvalue", &v)) { bad = parse_double("--pvalue", v, 0, 1, 1, &h.pvalue); h.has_pvalue = 1; }
    else if (arg_value(argc, argv, &i, "--magnitude", &v)) {
      bad = parse_double("--magnitude", v, 0, 1e9, 0, &h.magnitude);
      h.has_magnitude = 1;
    } else if (arg_value(argc, argv, &i, "--html", &v)) html = v;
    else if (arg_value(argc, argv, &i, "--history", &v)) history = v;
    else if (arg_flag(argv, i, "--ci")) a.ci = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("bench", "unknown flag %s", argv[i]);
    else if (npos < 2) pos[npos++] = argv[i];
    else return cli_usage("bench", "unexpected argument %s", argv[i]);
    if (bad) return bad;
  }
  int rc;
  if (strcmp(sub, "compare") == 0) {
    if (npos != 2) return cli_usage("bench", "compare needs BASE and CURRENT");
    a.base = pos[0];
    a.cur = pos[1];
    rc = bench_compare_cmd(cli, &a);
  } else if (strcmp(sub, "check") == 0) {
    if (npos) return cli_usage("bench", "check takes --baseline and --current, not %s", pos[0]);
    rc = bench_check_cmd(cli, &a);
  } else if (strcmp(sub, "report") == 0) {
    if (npos) return cli_usage("bench", "report takes --baseline/--current/--history, not %s", pos[0]);
    rc = bench_report_cmd(cli, &a, html, history);
  } else if (strcmp(sub, "history") == 0) {
    if (npos) return cli_usage("bench", "history takes flags only, not %s", pos[0]);
    h.label = a.label;
    h.fmt = a.fmt;
    rc = bench_history_cmd(cli, &h);
  } else if (strcmp(sub, "runs") == 0) {
    sqlite3_stmt *st = 0;
    rc = cli_open(cli) || cli_prepare(cli->db, "SELECT * FROM bench_runs", &st, "bench") || print_stmt(cli->db, st, a.fmt, stdout)
             ? EXIT_FAIL : EXIT_OK;
  } else {
    return cli_usage("bench", "unknown subcommand '%s' (%s)", sub, subs);
  }
  if (a.yaml) sqlite3_free(a.yaml);   /* sqlite3_* need the opened library (extension API) */
  return rc;
}

/* ---- charts and the HTML report --------------------------------------------- */

/* Steps a prepared one-value statement returning a PNG blob; finalizes it.
** Returns the blob (sqlite3_malloc'd) in *png and *n, or -1 with the error printed. */
static int stmt_png(sqlite3 *db, sqlite3_stmt *st, void **png, int *n) {
  *png = 0;
  *n = 0;
  if (!st) return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
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

/* Writes out_dir/history_<metric>.png for every metric of label with at least
** 3 runs (at most max_charts); with h, also embeds them. Returns the count or -1. */
static int history_charts(Cli *cli, const char *label, const char *out_dir, HtmlDoc *h, int max_charts) {
  sqlite3_stmt *st = 0;
  int n = 0;
  if (cli_prepare(cli->db, "SELECT metric FROM bench_series_summary WHERE label = ?1 AND runs >= 3 ORDER BY metric", &st, "bench"))
    return -1;
  sql_bind_text(st, 1, label);
  while (sqlite3_step(st) == SQLITE_ROW && n < max_charts) {
    char *metric = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
    sqlite3_stmt *chart = 0;
    void *png = 0;
    int len = 0, rc = cli_prepare(cli->db, "SELECT png FROM bench_history_chart(?1, ?2)", &chart, "bench");
    if (rc == 0) {
      sql_bind_text(chart, 1, label);
      sql_bind_text(chart, 2, metric);
      rc = stmt_png(cli->db, chart, &png, &len);
    }
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

/* The HTML report of the comparison (when compared) and of label's history. */
static int write_html_report(Cli *cli, const char *path, int compared, const CmpArgs *a, const char *label) {
  HtmlDoc *h = html_open(path, "Benchmark report");
  int bad = 0;
  if (compared) {
    CmpSummary s;
    if (summarize(cli->db, a, &s)) { html_close(h); return -1; }
    char *lb = run_line(cli->db, a->b), *lc = run_line(cli->db, a->c);
    char *cards = sqlite3_mprintf(
        "<div style='display:flex;gap:12px;flex-wrap:wrap'>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px'><b>%d / %d</b><br>gated / metrics</div>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px;color:%s'><b>%d</b><br>regressions</div>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px;color:#2ca02c'><b>%d</b><br>improvements</div>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px'><b>%d / %d</b><br>new / missing</div>"
        "<div style='border:1px solid #ccc;border-radius:6px;padding:10px 16px'><b>%s%.2f%%</b><br>overall (%s, + = worse)</div>"
        "</div>", s.gated, s.metrics, s.regressions ? "#d62728" : "#2ca02c", s.regressions, s.improvements, s.added,
        s.missing, s.overall_pct >= 0 ? "+" : "", s.has_overall ? s.overall_pct : 0.0, s.method);
    html_heading(h, 2, "Summary");
    char *runs = sqlite3_mprintf("Baseline: %s\nCurrent:  %s", lb, lc);
    html_paragraph(h, runs);
    html_raw(h, cards);
    sqlite3_free(runs);
    sqlite3_free(cards);
    sqlite3_free(lb);
    sqlite3_free(lc);
    summary_free(&s);
    html_heading(h, 2, s.regressions ? "❌ Regressions detected" : "✅ No regressions detected");
    sqlite3_stmt *st = cmp_stmt(cli->db, a, "SELECT metric, unit, base, current, change, median_change, threshold, noise,"
                                " reps, p_value, judged_by, gated, verdict, note", "bench_comparison", "");
    if (!st) bad = 1;
    else { html_table_from_stmt(h, st, 0); sqlite3_finalize(st); }
    /* grouped bars per unit: baseline vs current */
    st = cmp_stmt(cli->db, a, "SELECT DISTINCT coalesce(unit, '')", "bench_comparison",
                  " WHERE base IS NOT NULL AND current IS NOT NULL ORDER BY 1");
    if (st) {
      html_heading(h, 2, "Baseline vs current");
      while (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_stmt *chart = 0;
        void *png;
        int len;
        if (cli_prepare(cli->db, "SELECT png FROM bench_compare_bars(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &chart, "bench")) { bad = 1; break; }
        bind_cmp(chart, a);
        sql_bind_text(chart, 7, (const char *)sqlite3_column_text(st, 0));
        if (stmt_png(cli->db, chart, &png, &len) == 0 && png) html_image_png(h, png, (size_t)len, "baseline vs current");
        sqlite3_free(png);
      }
      sqlite3_finalize(st);
    } else {
      bad = 1;
    }
    void *png;
    int len;
    html_heading(h, 2, "Speedup (baseline cost / current cost; > 1 = faster or better)");
    if (stmt_png(cli->db, cmp_stmt(cli->db, a, "SELECT png", "bench_compare_speedup", ""), &png, &len) == 0 && png)
      html_image_png(h, png, (size_t)len, "speedup");
    sqlite3_free(png);
  }
  if (label && !bad) {
    char *t = sqlite3_mprintf("History of '%s' (change points: Apache Otava's detector)", label);
    html_heading(h, 2, t);
    sqlite3_free(t);
    sqlite3_stmt *st = 0;
    if (cli_prepare(cli->db, "SELECT metric, pos AS run, run_at, git_commit, mean_before, mean_after, change_pct, pvalue"
                      " FROM bench_change_points(?1)", &st, "bench") == 0) {
      sql_bind_text(st, 1, label);
      html_table_from_stmt(h, st, 0);
      sqlite3_finalize(st);
    }
    if (history_charts(cli, label, 0, h, 50) < 0) bad = 1;
  }
  int rc = html_close(h);
  return bad ? -1 : rc;
}

int bench_report_cmd(Cli *cli, CmpArgs *a, const char *html, const char *history_label) {
  if (!html) return cli_usage("bench", "report needs --html FILE");
  if (!!a->base != !!a->cur) return cli_usage("bench", "report needs both --baseline and --current, or neither");
  if (!a->base && !history_label) return cli_usage("bench", "report needs --baseline/--current and/or --history LABEL");
  if (a->base) {
    if (prepare_compare(cli, a)) return EXIT_FAIL;
  } else if (cli_open(cli)) {
    return EXIT_FAIL;
  }
  if (write_html_report(cli, html, a->base != 0, a, history_label)) return EXIT_FAIL;
  if (!cli->quiet) printf("wrote %s\n", html);
  return EXIT_OK;
}

/* ---- demo ---------------------------------------------------------------------- */

int demo_bench(Cli *cli, const char *data_dir, const char *out_dir) {
  char *dir = sqlite3_mprintf("%s/bench", out_dir);
  char *bdir = sqlite3_mprintf("%s/bench", data_dir);
  int rc = EXIT_FAIL;
  if (make_dirs(dir)) goto done;
  CmpArgs a = {0};
  a.time = "real";
  a.ci = 1;
  sqlite3_int64 run;
  BenchRunInfo ib = {.label = "demo-O2", .commit = "o2"}, ic = {.label = "demo-O0", .commit = "o0"};
  char *p1 = sqlite3_mprintf("%s/gbench_o2.json", bdir), *p2 = sqlite3_mprintf("%s/gbench_o0.json", bdir);
  int bad = load_one(cli, p1, &ib, &a.b, cli->quiet) || load_one(cli, p2, &ic, &a.c, cli->quiet);
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
  /* the gate report (Markdown), as `bench check --ci` prints it */
  CmpSummary s;
  if (summarize(cli->db, &a, &s)) goto done;
  char *md = sqlite3_mprintf("%s/gate_report.md", dir);
  FILE *f = fopen(md, "w");
  if (!f) { cli_fail("%s: cannot write", md); sqlite3_free(md); summary_free(&s); goto done; }
  bad = write_report(cli->db, f, &a, &s);
  fclose(f);
  sqlite3_free(md);
  summary_free(&s);
  if (bad) goto done;
  /* history charts with change points, and the HTML report */
  if (history_charts(cli, "nightly", dir, 0, 20) < 0) goto done;
  char *html = sqlite3_mprintf("%s/report.html", dir);
  int hr = write_html_report(cli, html, 1, &a, "nightly");
  sqlite3_free(html);
  if (hr) goto done;
  char *hist = sqlite3_mprintf("%s/history.md", dir);
  f = fopen(hist, "w");
  if (f) {
    sqlite3_stmt *st = 0;
    fprintf(f, "# Change points in the nightly history (bench_change_points('nightly'))\n\n");
    if (cli_prepare(cli->db, "SELECT * FROM bench_change_points(?1)", &st, "bench") == 0) {
      sql_bind_text(st, 1, "nightly");
      print_stmt(cli->db, st, FMT_MARKDOWN, f);
    }
    fclose(f);
  }
  sqlite3_free(hist);
  rc = EXIT_OK;
done:
  sqlite3_free(dir);
  sqlite3_free(bdir);
  return rc;
}
