/*
** cmd_perftracker.c — `perfsql perftracker`, `perfsql load perftracker` and
** the demo step: PerfTracker jobs in, curve regressions out, report written
** (and optionally uploaded).
**
**  1. Jobs: with --url, auto-discovery (--product: the server's job list,
**     paged and ordered by end desc, product filtered by pt_comparable_jobs)
**     or two job ids; both are downloaded with ?as_json=1 and loaded. Without
**     --url the two jobs must already be loaded (ids or uuids), or --product
**     picks them among loaded jobs.
**  2. Analysis: one pt_comparison row with the detector configuration (flags
**     override the upstream defaults); every figure comes from the views:
**     pt_result (summary, verdict, title, result_json), the parameterized
**     report pt_regression_chart (regressions in rank order with their
**     charts) and pt_test_diff. The curves are analysed twice per report
**     (pt_result, pt_regression_chart), nothing is stored in between.
**  3. Output in --out DIR: result.json (upstream's result_v2.json byte for
**     byte: pt_result.result_json), report.md (deterministic executive
**     summary; rule in views/perftracker/pt_result.sql), PNG charts of the
**     --charts N worst regressions (default 20; all; none), and the optional
**     LLM narrative (a failure is a warning).
**  4. --upload posts report.md as an artifact linked to the candidate job's
**     uuid and prints its URL.
**  5. Exit: 0, 1 when a critical regression is found or on error, 2 usage.
*/
#include "cli.h"
#include "perftracker/perftracker.h"
#include "sql_stmt.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char usage_perftracker[] =
    "usage: perfsql perftracker [--url URL [--project N]] (--product NAME | BASE_ID CAND_ID) [options]\n"
    "Compares two PerfTracker jobs curve by curve (the AI tool's detector, as SQL views) and writes\n"
    "result.json (upstream's result_v2.json, byte for byte), report.md and PNG charts of the worst\n"
    "regressed curves into --out DIR.\n"
    "  --url URL            PerfTracker server; jobs are downloaded with ?as_json=1 and loaded.\n"
    "                       Without --url, BASE_ID/CAND_ID (job ids or uuids) must be loaded already.\n"
    "  --project N          project id (default 1)\n"
    "  --product NAME       auto-discovery: newest job and the newest earlier job of another version on\n"
    "                       the same hardware (local runs skipped), hardware with the newest candidate\n"
    "  --out DIR            output directory (default perftracker-report)\n"
    "  --charts N|all|none  PNG charts for the N worst regressions (default 20), every one, or none\n"
    "  --upload             upload report.md as an artifact linked to the candidate job (needs --url)\n"
    "  --ttl-days N         artifact lifetime (default 180)\n"
    "  --timeout S          whole-request timeout in seconds (default 60); --retries N (default 3)\n"
    "  --insecure           do not verify TLS certificates (a warning is printed)\n"
    "  --cacert FILE        CA bundle for TLS verification\n"
    "  --page-size N        job-list page size (default 500); --max-jobs N (default 20000)\n"
    "  --replace            reload jobs already loaded\n"
    "  --force              compare even a job without tests, or jobs of two different products\n"
    "  --llm URL --model M  optional narrative from a local Ollama server (failure = warning)\n"
    "  --llm-timeout S      generation timeout (default 600)\n"
    "detector (defaults = upstream perfreg_v2): --min-window 3 --max-window 7 --min-degradation 15\n"
    "  --severe-threshold 50 --critical-threshold 100 --consistency 0.7 --visual-sep 20\n"
    "  --min-baseline 0.01 --min-points 5 --ttest-alpha 0.1\n"
    "  --upstream-direction  never use less_better (upstream: untagged curves are not negated)\n"
    "exit: 0 no critical regression, 1 critical regression found or error, 2 usage\n"
    "example: perfsql perftracker --url http://pt.example:8080 --product GRPM --out reports/grpm\n";

const char usage_load_perftracker[] =
    "usage: perfsql load perftracker FILE... [--replace]\n"
    "Loads PerfTracker jobs from disk: the server's export (GET /<pid>/job/<id>?as_json=1) or a\n"
    "client upload body (perftrackerlib ptSuite JSON). Each file is one transaction.\n"
    "example: perfsql load perftracker job-85817.json job-86303.json\n";

/* ---- small SQL helpers ---------------------------------------------------- */

static char *col_dup(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? sqlite3_mprintf("%s", t) : NULL;
}

/* "60.00" -> "60", "393.03" -> "393.03" */
static char *fmt_pct(double v) {
  char *s = sqlite3_mprintf("%.2f", v);
  char *dot = strchr(s, '.');
  if (dot) {
    char *e = s + strlen(s) - 1;
    while (e > dot && *e == '0') *e-- = 0;
    if (e == dot) *e = 0;
  }
  return s;
}

static int write_text(const char *dir, const char *name, const char *text, size_t n, char **path_out) {
  char *path = sqlite3_mprintf("%s/%s", dir, name);
  int rc = write_file_path(path, text, n);
  if (path_out && rc == 0) *path_out = path;
  else sqlite3_free(path);
  return rc;
}

/* ---- options -------------------------------------------------------------- */

typedef struct PtArgs {
  const char *url, *product, *out, *llm, *model, *cacert;
  const char *refs[2];
  int nrefs, project, upload, ttl_days, insecure, replace, page_size, max_jobs, force;
  long timeout, llm_timeout;
  int retries;
  int charts;   /* charts for ranks 1..charts; -1 = all */
  /* detector */
  int min_window, max_window, min_points, honour_less_better;
  double min_deg, severe, critical, consistency, visual_sep, min_baseline, alpha;
} PtArgs;

static void args_defaults(PtArgs *a) {
  memset(a, 0, sizeof *a);
  a->project = 1;
  a->out = "perftracker-report";
  a->model = "qwen2.5-coder:14b";
  a->ttl_days = 180;
  a->page_size = 500;
  a->max_jobs = 20000;
  a->retries = -1;
  a->charts = 20;
  a->llm_timeout = 600;
  a->min_window = 3;
  a->max_window = 7;
  a->min_points = 5;
  a->honour_less_better = 1;
  a->min_deg = 15;
  a->severe = 50;
  a->critical = 100;
  a->consistency = 0.7;
  a->visual_sep = 20;
  a->min_baseline = 0.01;
  a->alpha = 0.1;
}

static int num_arg(const char *name, const char *v, double lo, double hi, double *out) {
  char *end = NULL;
  double d = v ? strtod(v, &end) : 0;
  if (!v || !*v || *end || d < lo || d > hi) {
    cli_usage("perftracker", "%s: expected a number in %g..%g, got '%s'", name, lo, hi, v ? v : "");
    return -1;
  }
  *out = d;
  return 0;
}

static int parse_args(int argc, char **argv, PtArgs *a) {
  const char *v;
  double d;
  for (int i = 1; i < argc; i++) {
#define NUM(flag, lo, hi, dst)                                     \
  if (arg_value(argc, argv, &i, flag, &v)) {                       \
    if (num_arg(flag, v, lo, hi, &d)) return -1;                   \
    dst = d;                                                       \
    continue;                                                      \
  }
    if (arg_value(argc, argv, &i, "--url", &v)) a->url = v;
    else if (arg_value(argc, argv, &i, "--product", &v)) a->product = v;
    else if (arg_value(argc, argv, &i, "--out", &v)) a->out = v;
    else if (arg_value(argc, argv, &i, "--llm", &v)) a->llm = v;
    else if (arg_value(argc, argv, &i, "--model", &v)) a->model = v;
    else if (arg_value(argc, argv, &i, "--cacert", &v)) a->cacert = v;
    else if (arg_flag(argv, i, "--upload")) a->upload = 1;
    else if (arg_flag(argv, i, "--insecure")) a->insecure = 1;
    else if (arg_flag(argv, i, "--replace")) a->replace = 1;
    else if (arg_flag(argv, i, "--force")) a->force = 1;
    else if (arg_flag(argv, i, "--upstream-direction")) a->honour_less_better = 0;
    else if (arg_value(argc, argv, &i, "--charts", &v)) {
      if (strcmp(v, "all") == 0) a->charts = -1;
      else if (strcmp(v, "none") == 0) a->charts = 0;
      else if (num_arg("--charts", v, 0, 1e9, &d)) return -1;
      else a->charts = (int)d;
    }
    else {
      NUM("--project", 0, 1e9, a->project)
      NUM("--ttl-days", 1, 36500, a->ttl_days)
      NUM("--timeout", 1, 86400, a->timeout)
      NUM("--retries", 0, 20, a->retries)
      NUM("--page-size", 1, 5000, a->page_size)
      NUM("--max-jobs", 1, 1e9, a->max_jobs)
      NUM("--llm-timeout", 1, 86400, a->llm_timeout)
      NUM("--min-window", 1, 64, a->min_window)
      NUM("--max-window", 1, 64, a->max_window)
      NUM("--min-points", 1, 1e6, a->min_points)
      NUM("--min-degradation", 0, 1e9, a->min_deg)
      NUM("--severe-threshold", 0, 1e9, a->severe)
      NUM("--critical-threshold", 0, 1e9, a->critical)
      NUM("--consistency", 0, 1, a->consistency)
      NUM("--visual-sep", 0, 1e9, a->visual_sep)
      NUM("--min-baseline", 0, 1e18, a->min_baseline)
      NUM("--ttest-alpha", 0, 1, a->alpha)
      if (argv[i][0] == '-' && argv[i][1]) return cli_usage("perftracker", "unknown option %s", argv[i]), -1;
      if (a->nrefs == 2) return cli_usage("perftracker", "unexpected argument %s", argv[i]), -1;
      a->refs[a->nrefs++] = argv[i];
    }
#undef NUM
  }
  if (!a->product && a->nrefs != 2)
    return cli_usage("perftracker", "give --product NAME or BASE_ID CAND_ID"), -1;
  if (a->product && a->nrefs)
    return cli_usage("perftracker", "give either --product or two job ids, not both"), -1;
  if (a->upload && !a->url) return cli_usage("perftracker", "--upload needs --url"), -1;
  if (a->max_window < a->min_window) return cli_usage("perftracker", "--max-window is below --min-window"), -1;
  return 0;
}

/* ---- job resolution -------------------------------------------------------- */

/* A loaded job by PerfTracker id or uuid: the newest load wins. */
static sqlite3_int64 find_loaded_job(sqlite3 *db, const char *ref) {
  sqlite3_stmt *st = NULL;
  if (cli_prepare(db,
                  "SELECT id FROM pt_job WHERE (?1 GLOB '[0-9]*' AND NOT ?1 GLOB '*[^0-9]*'"
                  " AND job_id = CAST(?1 AS INTEGER)) OR uuid = lower(?1) ORDER BY id DESC LIMIT 1",
                  &st, NULL)) return 0;
  sql_bind_text(st, 1, ref);
  sqlite3_int64 id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return id;
}

static int parse_job_id(const char *ref, sqlite3_int64 *id) {
  char *end = NULL;
  long long v = strtoll(ref, &end, 10);
  if (!*ref || *end || v <= 0) return -1;
  *id = v;
  return 0;
}

/* Picks baseline/candidate with pt_comparable_jobs. server NULL = loaded jobs of any origin. */
static int discover(sqlite3 *db, const char *server, int project, const char *product, sqlite3_int64 ids[2],
                    char *uuids[2], int quiet) {
  sqlite3_stmt *st = NULL;
  if (cli_prepare(db,
                  "SELECT baseline_job_id, candidate_job_id, baseline_uuid, candidate_uuid, hardware,"
                  " baseline_ver, candidate_ver, baseline_end, candidate_end,"
                  " coalesce(baseline_job_id, baseline_uuid), coalesce(candidate_job_id, candidate_uuid)"
                  " FROM pt_comparable_jobs"
                  " WHERE product_name = ?1 AND chosen AND (?2 IS NULL OR (server = ?2 AND project_id = ?3))"
                  " ORDER BY candidate_end DESC LIMIT 1",
                  &st, NULL)) return -1;
  sql_bind_text(st, 1, product);
  sql_bind_text(st, 2, server);
  sqlite3_bind_int(st, 3, project);
  int rc = -1;
  if (sqlite3_step(st) == SQLITE_ROW) {
    ids[0] = sqlite3_column_int64(st, 0);
    ids[1] = sqlite3_column_int64(st, 1);
    uuids[0] = col_dup(st, 2);
    uuids[1] = col_dup(st, 3);
    if (!quiet)
      printf("selected on %s: baseline job %s (%s, %s), candidate job %s (%s, %s)\n", sqlite3_column_text(st, 4),
             sqlite3_column_text(st, 9), sqlite3_column_text(st, 5), sqlite3_column_text(st, 7),
             sqlite3_column_text(st, 10), sqlite3_column_text(st, 6), sqlite3_column_text(st, 8));
    rc = 0;
  } else {
    cli_fail("no two jobs of product '%s' with different versions on the same hardware%s", product,
             server ? " on the server (local runs are skipped)" : " among loaded jobs");
  }
  sqlite3_finalize(st);
  return rc;
}

/* ---- the comparison -------------------------------------------------------- */

static sqlite3_int64 make_comparison(sqlite3 *db, sqlite3_int64 base, sqlite3_int64 cand, const PtArgs *a) {
  static const char *cols =
      "baseline, candidate, min_window_size, max_window_size, min_degradation_pct, severe_pct, critical_pct,"
      " consistency, min_visual_sep, min_baseline, min_curve_points, honour_less_better, ttest_alpha";
  char *ins = sqlite3_mprintf("INSERT OR IGNORE INTO pt_comparison(%s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                              " ?9, ?10, ?11, ?12, ?13)",
                              cols);
  char *sel = sqlite3_mprintf("SELECT id FROM pt_comparison WHERE (%s) IS (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                              " ?11, ?12, ?13)",
                              cols);
  sqlite3_int64 id = 0;
  for (int pass = 0; pass < 2; pass++) {
    sqlite3_stmt *st = NULL;
    if (cli_prepare(db, pass ? sel : ins, &st, NULL)) break;
    sqlite3_bind_int64(st, 1, base);
    sqlite3_bind_int64(st, 2, cand);
    sqlite3_bind_int(st, 3, a->min_window);
    sqlite3_bind_int(st, 4, a->max_window);
    sqlite3_bind_double(st, 5, a->min_deg);
    sqlite3_bind_double(st, 6, a->severe);
    sqlite3_bind_double(st, 7, a->critical);
    sqlite3_bind_double(st, 8, a->consistency);
    sqlite3_bind_double(st, 9, a->visual_sep);
    sqlite3_bind_double(st, 10, a->min_baseline);
    sqlite3_bind_int(st, 11, a->min_points);
    sqlite3_bind_int(st, 12, a->honour_less_better);
    sqlite3_bind_double(st, 13, a->alpha);
    char *err = NULL;
    if (pass == 0) {
      if (sql_step_done(st, &err) != SQLITE_OK) {
        cli_fail("%s", err);
        sqlite3_free(err);
      }
    } else if (sqlite3_step(st) == SQLITE_ROW) {
      id = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_free(ins);
  sqlite3_free(sel);
  return id;
}

/* ---- what the views say ------------------------------------------------------ */

typedef struct Summary {
  char *decision, *risk, *bver, *cver, *hardware, *buuid, *cuuid, *product, *title, *result;
  long long bid, cid;
  int curves, regressions, critical, severe, moderate, high, medium, low, worse, better;
} Summary;

/* One row of pt_regression_chart; chart = the PNG's file name, NULL when not drawn. */
typedef struct Reg {
  int rank, threads, size, points;
  char *endpoint, *metric, *scenario, *severity, *confidence, *quality, *location, *median, *chart;
  double mean, max, consistency, visual_sep;
} Reg;

static void free_summary(Summary *s) {
  char *p[] = {s->decision, s->risk, s->bver, s->cver, s->hardware, s->buuid, s->cuuid, s->product, s->title,
               s->result};
  for (size_t i = 0; i < sizeof p / sizeof *p; i++) sqlite3_free(p[i]);
}

static void free_regs(Reg *r, int n) {
  for (int i = 0; r && i < n; i++) {
    char *p[] = {r[i].endpoint, r[i].metric, r[i].scenario, r[i].severity, r[i].confidence, r[i].quality,
                 r[i].location, r[i].median, r[i].chart};
    for (size_t k = 0; k < sizeof p / sizeof *p; k++) sqlite3_free(p[k]);
  }
  sqlite3_free(r);
}

/* pt_result: the summary, the title and result_json (analysis + t-test, computed once). */
static int read_result(sqlite3 *db, sqlite3_int64 cmp, Summary *s) {
  memset(s, 0, sizeof *s);
  sqlite3_stmt *st = NULL;
  if (cli_prepare(db,
                  "SELECT decision, risk, baseline_ver, candidate_ver, hardware, baseline_uuid, candidate_uuid,"
                  " candidate_product, title, result_json, baseline_job_id, candidate_job_id, curves_analyzed,"
                  " regressions_detected, critical, severe, moderate, high, medium, low, tests_worse, tests_better"
                  " FROM pt_result WHERE comparison = ?1",
                  &st, "analysis failed")) return -1;
  sqlite3_bind_int64(st, 1, cmp);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    char **texts[] = {&s->decision, &s->risk, &s->bver, &s->cver, &s->hardware, &s->buuid, &s->cuuid,
                      &s->product, &s->title, &s->result};
    for (int i = 0; i < 10; i++) *texts[i] = col_dup(st, i);
    s->bid = sqlite3_column_int64(st, 10);
    s->cid = sqlite3_column_int64(st, 11);
    int *ints[] = {&s->curves, &s->regressions, &s->critical, &s->severe, &s->moderate,
                   &s->high, &s->medium, &s->low, &s->worse, &s->better};
    for (int i = 0; i < 10; i++) *ints[i] = sqlite3_column_int(st, 12 + i);
  } else {
    cli_fail("analysis failed: %s", rc == SQLITE_DONE ? "no such comparison" : sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW && s->result ? 0 : -1;
}

static char *slug(int rank, const char *endpoint, const char *metric, int threads, const char *scenario) {
  char *raw = sqlite3_mprintf("%02d_%s_%s_%dth_%s", rank, endpoint, metric, threads, scenario);
  char *o = raw;
  int last_us = 0;
  for (char *p = raw; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (isalnum(c)) {
      *o++ = (char)tolower(c);
      last_us = 0;
    } else if (!last_us) {
      *o++ = '_';
      last_us = 1;
    }
  }
  while (o > raw && o[-1] == '_') o--;
  *o = 0;
  if (strlen(raw) > 100) raw[100] = 0;
  return raw;
}

/* pt_regression_chart: every regression in rank order, the first `top` with
** their PNG (top < 0: all), written into out. Returns the count or -1. */
static int read_regressions(sqlite3 *db, sqlite3_int64 cmp, int top, const char *out, Reg **regs_out) {
  *regs_out = NULL;
  sqlite3_stmt *st = NULL;
  if (cli_prepare(db,
                  "SELECT rank, endpoint, metric_type, threads, scenario, severity, confidence, data_quality,"
                  " points_analyzed, location, size, median_label, mean_degradation_pct, max_degradation_pct,"
                  " consistency_score, visual_separation, chart FROM pt_regression_chart(?1, ?2) ORDER BY rank",
                  &st, "regressions")) return -1;
  sqlite3_bind_int64(st, 1, cmp);
  if (top >= 0) sqlite3_bind_int(st, 2, top);
  Reg *r = NULL;
  int n = 0, cap = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      Reg *nr = sqlite3_realloc64(r, (sqlite3_uint64)cap * sizeof *r);
      if (!nr) {
        rc = SQLITE_NOMEM;
        break;
      }
      r = nr;
    }
    Reg *g = &r[n++];
    memset(g, 0, sizeof *g);
    g->rank = sqlite3_column_int(st, 0);
    g->endpoint = col_dup(st, 1);
    g->metric = col_dup(st, 2);
    g->threads = sqlite3_column_int(st, 3);
    g->scenario = col_dup(st, 4);
    g->severity = col_dup(st, 5);
    g->confidence = col_dup(st, 6);
    g->quality = col_dup(st, 7);
    g->points = sqlite3_column_int(st, 8);
    g->location = col_dup(st, 9);
    g->size = sqlite3_column_int(st, 10);
    g->median = col_dup(st, 11);
    g->mean = sqlite3_column_double(st, 12);
    g->max = sqlite3_column_double(st, 13);
    g->consistency = sqlite3_column_double(st, 14);
    g->visual_sep = sqlite3_column_double(st, 15);
    if (sqlite3_column_type(st, 16) == SQLITE_BLOB) {
      char *name = slug(g->rank, g->endpoint, g->metric, g->threads, g->scenario);
      char *png = sqlite3_mprintf("%s.png", name);
      char *file = safe_path_component(png);   /* slug() is already safe: a no-op kept for the rule */
      sqlite3_free(name);
      sqlite3_free(png);
      if (write_text(out, file, sqlite3_column_blob(st, 16), (size_t)sqlite3_column_bytes(st, 16), NULL)) {
        sqlite3_free(file);
        rc = SQLITE_ERROR;
        break;
      }
      g->chart = file;
    }
  }
  if (rc != SQLITE_DONE) {
    if (rc != SQLITE_ERROR || sqlite3_errcode(db) != SQLITE_OK) cli_fail("regressions: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    free_regs(r, n);
    return -1;
  }
  sqlite3_finalize(st);
  *regs_out = r;
  return n;
}

/* ---- the Markdown report --------------------------------------------------- */

/* A figure rounded like result.json (numpy's rule), trailing zeros dropped. */
static char *fmt_np2(double v) { return fmt_pct(rint(v * 100.0) / 100.0); }

static void md_issue_list(PerfsqlBuf *b, const Reg *r, int n, const char *severity) {
  int k = 0;
  for (int i = 0; i < n; i++) {
    const Reg *g = &r[i];
    if (strcmp(g->severity, severity) != 0) continue;
    char *mean = fmt_np2(g->mean), *mx = fmt_np2(g->max);
    buf_appendf(b, "### %d. %s — %s, %d th %s\n\n", ++k, g->endpoint, g->metric, g->threads, g->scenario);
    buf_appendf(b, "- **Impact**: Degradation of %s%% during load range %s\n", g->median, g->location);
    buf_appendf(b, "- Worst window: %d points, median %s%%, mean %s%%, max %s%%, consistency %.2f, "
                   "visual separation %.2f\n",
                g->size, g->median, mean, mx, g->consistency, rint(g->visual_sep * 100.0) / 100.0);
    buf_appendf(b, "- Confidence: **%s** (data quality %s, %d points analysed)\n", g->confidence, g->quality,
                g->points);
    if (g->chart) buf_appendf(b, "\n![%s %s](%s)\n", g->endpoint, g->metric, g->chart);
    buf_append(b, "\n", 1);
    sqlite3_free(mean);
    sqlite3_free(mx);
  }
  if (k == 0) buf_appendf(b, "None.\n\n");
}

static char *markdown(sqlite3 *db, sqlite3_int64 cmp, const Summary *s, const Reg *r, int n, const PtArgs *a,
                      const char *narrative, const char *narrative_warning) {
  PerfsqlBuf b = {0};
  buf_appendf(&b, "# Performance regression report: %s\n\n", s->title ? s->title : "");
  buf_appendf(&b, "Baseline: job %lld (%s, uuid %s) — candidate: job %lld (%s, uuid %s) — hardware %s.\n\n",
              s->bid, s->bver ? s->bver : "?", s->buuid, s->cid, s->cver ? s->cver : "?", s->cuuid,
              s->hardware ? s->hardware : "?");
  buf_appendf(&b, "## Executive summary\n\n**Recommendation: %s** (risk %s).\n\n", s->decision, s->risk);
  if (s->regressions == 0)
    buf_appendf(&b, "No curve regressed: %d curves analysed.\n\n", s->curves);
  else
    buf_appendf(&b, "%d of %d curves regressed: %d critical, %d severe, %d moderate "
                    "(confidence: %d high, %d medium, %d low).\n\n",
                s->regressions, s->curves, s->critical, s->severe, s->moderate, s->high, s->medium, s->low);
  buf_appendf(&b, "Rule: BLOCK when any regression is critical, or severe with high confidence; INVESTIGATE "
                  "when otherwise any regression is severe, or moderate with high or medium confidence; "
                  "APPROVE otherwise.\n\n");
  buf_appendf(&b, "| curves analysed | regressions | critical | severe | moderate | high | medium | low |\n"
                  "|---:|---:|---:|---:|---:|---:|---:|---:|\n| %d | %d | %d | %d | %d | %d | %d | %d |\n\n",
              s->curves, s->regressions, s->critical, s->severe, s->moderate, s->high, s->medium, s->low);
  buf_appendf(&b, "## Critical issues\n\n");
  md_issue_list(&b, r, n, "critical");
  buf_appendf(&b, "## Severe issues\n\n");
  md_issue_list(&b, r, n, "severe");
  buf_appendf(&b, "## Moderate regressions\n\n");
  int k = 0;
  for (int i = 0; i < n; i++) {
    const Reg *g = &r[i];
    if (strcmp(g->severity, "moderate") != 0) continue;
    if (k++ == 0)
      buf_appendf(&b, "| curve | load range | median degradation | confidence | chart |\n|---|---|---:|---|---|\n");
    buf_appendf(&b, "| %s — %s, %d th %s | %s | %s%% | %s | %s%s%s |\n", g->endpoint, g->metric, g->threads,
                g->scenario, g->location, g->median, g->confidence, g->chart ? "[png](" : "",
                g->chart ? g->chart : "", g->chart ? ")" : "");
  }
  if (k == 0) buf_appendf(&b, "None.\n");
  buf_append(&b, "\n", 1);
  buf_appendf(&b, "## Risk assessment\n\n- Production impact: **%s**\n- Release recommendation: **%s**\n",
              s->risk, s->decision);
  buf_appendf(&b, "- PerfTracker's own comparison (pooled t-test, p < %g): %d tests significantly worse, "
                  "%d significantly better\n\n",
              a->alpha, s->worse, s->better);
  buf_appendf(&b, "## Action items\n\n");
  k = 0;
  for (int i = 0; i < n; i++) {
    const Reg *g = &r[i];
    if (strcmp(g->severity, "critical") != 0 && strcmp(g->severity, "severe") != 0) continue;
    buf_appendf(&b, "%d. %s: find the cause of the %s regression of %s %s, %d th %s: %s%% worse at load %s; "
                    "profile the candidate at that load against the baseline.\n",
                ++k, strcmp(g->severity, "critical") == 0 ? "Immediately" : "Before release", g->severity,
                g->endpoint, g->metric, g->threads, g->scenario, g->median, g->location);
  }
  if (s->moderate)
    buf_appendf(&b, "%d. Review the %d moderate regression%s and re-run them to confirm.\n", ++k, s->moderate,
                s->moderate == 1 ? "" : "s");
  if (s->low) buf_appendf(&b, "%d. Add samples to low-confidence curves (mean baseline samples < 3).\n", ++k);
  if (k == 0) buf_appendf(&b, "1. None: no regression needs action.\n");
  buf_append(&b, "\n", 1);
  buf_appendf(&b, "## PerfTracker's own comparison (worse tests)\n\n");
  {
    sqlite3_stmt *st = NULL;
    if (cli_prepare(db,
                    "SELECT tag, category, prev_score, cur_score, diff_pct, p_value, cell FROM pt_test_diff"
                    " WHERE comparison = ?1 AND flag = -1 ORDER BY abs(diff_pct) DESC, tag, category LIMIT 20",
                    &st, "pt_test_diff")) {
      buf_free(&b);
      return NULL;
    }
    sqlite3_bind_int64(st, 1, cmp);
    k = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      if (k++ == 0)
        buf_appendf(&b, "| test | category | baseline | candidate | change | p | cell |\n"
                        "|---|---|---:|---:|---:|---:|---|\n");
      buf_appendf(&b, "| %s | %s | %.4g | %.4g | %.1f%% | %.3g | `%s` |\n", sqlite3_column_text(st, 0),
                  sqlite3_column_text(st, 1), sqlite3_column_double(st, 2), sqlite3_column_double(st, 3),
                  sqlite3_column_double(st, 4), sqlite3_column_double(st, 5), sqlite3_column_text(st, 6));
    }
    if (k == 0) buf_appendf(&b, "None.\n");
    buf_append(&b, "\n", 1);
    sqlite3_finalize(st);
  }
  int charted = 0;
  for (int i = 0; i < n; i++) charted += r[i].chart != NULL;
  if (charted < n)
    buf_appendf(&b, "Charts: the %d worst of %d regressions (--charts all draws every one).\n\n", charted, n);
  buf_appendf(&b, "## Method\n\nCurves keyed by the test tag (endpoint, latency|rate, threads, scenario), x = the "
                  "first integer of the category, SUCCESS tests only. Windows of %d..%d points; significant when "
                  ">= %g of the points are worse by > %g%%, |median| >= %g%% and visual separation >= %g. "
                  "Severity: critical >= %g%%, severe >= %g%%. Direction: %s. Views: pt_curve_point, "
                  "pt_curve, pt_regression, pt_result, pt_test_diff (comparison %lld).\n\n",
              a->min_window, a->max_window, a->consistency, a->min_deg, a->min_deg, a->visual_sep, a->critical,
              a->severe,
              a->honour_less_better ? "latency lower is better, rate higher is better, less_better when the tag "
                                      "gives no hint"
                                    : "upstream (latency lower is better, everything else higher)",
              (long long)cmp);
  if (narrative) buf_appendf(&b, "## Narrative (%s)\n\n%s\n", a->model, narrative);
  else if (narrative_warning) buf_appendf(&b, "_The LLM narrative is missing: %s_\n", narrative_warning);
  if (b.oom) {
    buf_free(&b);
    return NULL;
  }
  return b.data;
}

static char *llm_prompt(const Summary *s, const char *result) {
  return sqlite3_mprintf(
      "You are a performance engineer. Write an executive-level Markdown report on a performance regression "
      "analysis of %s: baseline job %lld (%s) vs candidate job %lld (%s) on %s.\n"
      "Method: visual_pattern_recognition_v2 (sliding windows over load curves).\n"
      "Severity counts: Critical (>=100%%): %d, Severe (50-99%%): %d, Moderate (15-49%%): %d. "
      "Confidence: high %d, medium %d, low %d.\n"
      "The deterministic recommendation is %s; do not contradict it.\n"
      "Detection result (JSON):\n%s\n"
      "Sections: Executive Summary, Critical Issues, Severe Issues, Risk Assessment, Action Items, "
      "Technical Deep-Dive (worst 3), Patterns, Recommendations.\n",
      s->title ? s->title : "", s->bid, s->bver, s->cid, s->cver, s->hardware ? s->hardware : "?", s->critical,
      s->severe, s->moderate, s->high, s->medium, s->low, s->decision, result);
}

/* Analyses a comparison and writes the report. Returns EXIT_OK or EXIT_FAIL
** (an error); *critical = number of critical regressions. */
static int report(Cli *cli, sqlite3_int64 base, sqlite3_int64 cand, const PtArgs *a, const PtServer *srv,
                  int *critical) {
  *critical = 0;
  sqlite3 *db = cli->db;
  /* an empty job compares as "APPROVE", two products' jobs compare as anything:
  ** both are errors unless --force */
  if (!a->force) {
    sqlite3_stmt *q = NULL;
    if (cli_prepare(db,
                    "SELECT j.id, coalesce(j.job_id, j.uuid), j.product_name,"
                    " (SELECT count(*) FROM pt_test AS t WHERE t.job = j.id)"
                    " FROM pt_job AS j WHERE j.id IN (?1, ?2) ORDER BY j.id = ?2",
                    &q, "perftracker"))
      return EXIT_FAIL;
    sqlite3_bind_int64(q, 1, base);
    sqlite3_bind_int64(q, 2, cand);
    char *prod[2] = {NULL, NULL}, *name[2] = {NULL, NULL};
    int n = 0, bad = 0;
    while (n < 2 && sqlite3_step(q) == SQLITE_ROW) {
      name[n] = sqlite3_mprintf("%s", sqlite3_column_text(q, 1));
      prod[n] = sqlite3_column_type(q, 2) == SQLITE_NULL ? NULL : sqlite3_mprintf("%s", sqlite3_column_text(q, 2));
      if (!bad && sqlite3_column_int64(q, 3) == 0) {
        bad = cli_fail("perftracker: job %s has no tests: nothing to compare (--force compares it anyway)", name[n]);
      }
      n++;
    }
    sqlite3_finalize(q);
    if (!bad && n == 2 && (prod[0] || prod[1]) && (!prod[0] || !prod[1] || strcmp(prod[0], prod[1])))
      bad = cli_fail("perftracker: job %s is product '%s' but job %s is product '%s': not comparable "
                     "(--force compares them anyway)", name[0], prod[0] ? prod[0] : "", name[1],
                     prod[1] ? prod[1] : "");
    for (int k = 0; k < 2; k++) { sqlite3_free(prod[k]); sqlite3_free(name[k]); }
    if (bad) return EXIT_FAIL;
  }
  sqlite3_int64 cmp = make_comparison(db, base, cand, a);
  if (!cmp) return EXIT_FAIL;
  Summary s;
  if (read_result(db, cmp, &s)) {
    free_summary(&s);
    return EXIT_FAIL;
  }
  int rc = EXIT_FAIL, nregs = 0;
  Reg *regs = NULL;
  char *md = NULL, *narrative = NULL, *warn = NULL, *md_path = NULL;
  if (make_dirs(a->out)) goto done;
  if (write_text(a->out, "result.json", s.result, strlen(s.result), NULL)) goto done;
  nregs = read_regressions(db, cmp, a->charts, a->out, &regs);
  if (nregs < 0) {
    nregs = 0;
    goto done;
  }
  if (a->llm) {
    char *prompt = llm_prompt(&s, s.result), *err = NULL;
    if (pt_ollama_generate(db, a->llm, a->model, prompt, a->llm_timeout, &narrative, &err) != 0) {
      fprintf(stderr, "perfsql: warning: LLM narrative skipped: %s\n", err ? err : "unknown error");
      warn = err;
    }
    sqlite3_free(prompt);
  }
  md = markdown(db, cmp, &s, regs, nregs, a, narrative, warn);
  if (!md || write_text(a->out, "report.md", md, strlen(md), &md_path)) goto done;
  if (!cli->quiet) {
    printf("comparison %lld: job %lld (%s) vs job %lld (%s): %d curves, %d regressions (%d critical, %d severe, "
           "%d moderate): %s\n",
           (long long)cmp, s.bid, s.bver ? s.bver : "?", s.cid, s.cver ? s.cver : "?", s.curves, s.regressions,
           s.critical, s.severe, s.moderate, s.decision);
    printf("report: %s/report.md, %s/result.json\n", a->out, a->out);
  }
  if (a->upload) {
    char uuid[37], *url = NULL, *err = NULL;
    pt_uuid4(uuid);
    char *desc = sqlite3_mprintf("perfsql regression analysis: job %lld vs %lld (%s)", s.bid, s.cid, s.decision);
    int up = pt_upload_artifact(srv, uuid, md_path, "report.md", desc, "text/markdown", a->ttl_days, s.cuuid, &url,
                                &err);
    sqlite3_free(desc);
    if (up != 0) {
      cli_fail("upload: %s", err ? err : "failed");
      sqlite3_free(err);
      goto done;
    }
    printf("artifact: %s\n", url);
    sqlite3_free(url);
  }
  *critical = s.critical;
  rc = EXIT_OK;
done:
  free_regs(regs, nregs);
  sqlite3_free(md);
  sqlite3_free(md_path);
  sqlite3_free(narrative);
  sqlite3_free(warn);
  free_summary(&s);
  return rc;
}

/* ---- commands -------------------------------------------------------------- */

int cmd_perftracker(Cli *cli, int argc, char **argv) {
  PtArgs a;
  args_defaults(&a);
  for (int i = 1; i < argc; i++)
    if (arg_flag(argv, i, "--help") || arg_flag(argv, i, "-h")) return printf("%s", usage_perftracker), EXIT_OK;
  if (parse_args(argc, argv, &a)) return EXIT_USAGE;
  if (a.insecure) fprintf(stderr, "perfsql: warning: --insecure: TLS certificates are NOT verified\n");
  if (cli_open(cli)) return EXIT_FAIL;
  progress_quiet = cli->quiet;
  sqlite3 *db = cli->db;
  PtServer srv;
  memset(&srv, 0, sizeof srv);
  char *base = NULL, *server = NULL, *uuids[2] = {NULL, NULL};
  sqlite3_int64 ids[2] = {0, 0}, jobs[2] = {0, 0};
  int rc = EXIT_FAIL;
  if (a.url) {
    base = sqlite3_mprintf("%s", a.url);
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/') base[--n] = 0;
    srv.base = base;
    srv.project = a.project;
    srv.http.timeout_s = a.timeout;
    srv.http.retries = a.retries;
    srv.http.insecure = a.insecure;
    srv.http.cacert = a.cacert;
    srv.quiet = cli->quiet;
    server = url_redact(base);
    char *err = NULL;
    if (a.product) {
      if (pt_fetch_listing(db, &srv, a.page_size, a.max_jobs, &err)) {
        cli_fail("%s", err);
        sqlite3_free(err);
        goto done;
      }
      if (discover(db, server, a.project, a.product, ids, uuids, cli->quiet)) goto done;
    } else {
      for (int i = 0; i < 2; i++)
        if (parse_job_id(a.refs[i], &ids[i])) {
          rc = cli_usage("perftracker", "'%s': a job id is a positive integer", a.refs[i]);
          goto done;
        }
    }
    for (int i = 0; i < 2; i++) {
      if (pt_fetch_job(db, &srv, ids[i], a.replace, &jobs[i], &err) == LOAD_ERROR) {
        cli_fail("%s", err);
        sqlite3_free(err);
        goto done;
      }
    }
  } else if (a.product) {
    if (discover(db, NULL, a.project, a.product, ids, uuids, cli->quiet)) goto done;
    for (int i = 0; i < 2; i++) {
      char num[32];
      snprintf(num, sizeof num, "%lld", (long long)ids[i]);
      jobs[i] = uuids[i] ? find_loaded_job(db, uuids[i]) : find_loaded_job(db, num);
    }
  } else {
    for (int i = 0; i < 2; i++) {
      jobs[i] = find_loaded_job(db, a.refs[i]);
      if (!jobs[i]) {
        cli_fail("%s: no such PerfTracker job loaded (give a job id or uuid, or --url to download it)", a.refs[i]);
        goto done;
      }
    }
  }
  if (!jobs[0] || !jobs[1]) {
    cli_fail("the selected jobs are not loaded");
    goto done;
  }
  int critical = 0;
  rc = report(cli, jobs[0], jobs[1], &a, &srv, &critical);
  if (rc == EXIT_OK && critical > 0) {
    if (!cli->quiet) printf("critical regression found: exit status 1\n");
    rc = EXIT_FAIL;
  }
done:
  sqlite3_free(base);
  sqlite3_free(server);
  sqlite3_free(uuids[0]);
  sqlite3_free(uuids[1]);
  return rc;
}

int load_perftracker(Cli *cli, int argc, char **argv) {
  int replace = 0, nfiles = 0;
  for (int i = 1; i < argc; i++) {
    if (arg_flag(argv, i, "--replace")) replace = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("load perftracker", "unknown option %s", argv[i]);
    else nfiles++;
  }
  if (!nfiles) return cli_usage("load perftracker", "give at least one FILE");
  if (cli_open(cli)) return EXIT_FAIL;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1]) continue;
    char *text = NULL, *err = NULL;
    size_t len = 0;
    if (read_file_all(argv[i], LOAD_MAX_DOCUMENT, &text, &len, &err)) return cli_done(1, &err, "read failed");
    sqlite3_int64 job = 0;
    int st = pt_load_job_text(cli->db, argv[i], NULL, text, len, replace, cli->quiet, &job, &err);
    sqlite3_free(text);
    if (st == LOAD_ERROR) return cli_done(1, &err, "load failed");
  }
  return EXIT_OK;
}

/* Demo: the bundled baseline/candidate exports, compared into out/perftracker/. */
int demo_perftracker(Cli *cli, const char *data_dir, const char *out_dir) {
  const char *names[2] = {"html_job_as_json_baseline.json", "html_job_as_json_candidate.json"};
  sqlite3_int64 jobs[2];
  for (int i = 0; i < 2; i++) {
    char *path = sqlite3_mprintf("%s/perftracker/%s", data_dir, names[i]);
    char *text = NULL, *err = NULL;
    size_t len = 0;
    int st = LOAD_ERROR;
    if (read_file_all(path, LOAD_MAX_DOCUMENT, &text, &len, &err) == 0)
      st = pt_load_job_text(cli->db, path, NULL, text, len, 0, cli->quiet, &jobs[i], &err);
    sqlite3_free(text);
    sqlite3_free(path);
    if (st == LOAD_ERROR) return cli_done(1, &err, "load failed");
  }
  PtArgs a;
  args_defaults(&a);
  char *out = sqlite3_mprintf("%s/perftracker", out_dir);
  a.out = out;
  PtServer none;
  memset(&none, 0, sizeof none);
  int critical = 0;   /* a critical regression is a finding, not a demo failure */
  int rc = report(cli, jobs[0], jobs[1], &a, &none, &critical);
  sqlite3_free(out);
  return rc;
}
