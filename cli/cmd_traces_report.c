/*
** cmd_traces_report.c — `perfsql traces report`: perfwhiz's perfmap
** dashboards as PNG charts and one self-contained HTML page, from the views
** of views/traces/; and the traces demo step.
**
**  1. `traces report CAPTURE [-f FROM_MS] [-c CAP_MS] [-t TASK [--glob]] [--html FILE] [--out DIR]`
**     - window and task filter are the parameters of the views it selects
**       from: capture_window, task_summary_window, trace_loss and the
**       traces_*_chart reports of views/traces/ (this file holds no report
**       SQL: only `SELECT * FROM view(args)`);
**     - TASK: perfwhiz's form, a regular expression matched at the start of
**       the task name, leading '*' read as '.*', an integer = tid or pid
**       (task_match() in ext/traces_funcs.c); --glob: a GLOB instead;
**     - prints the task table on stdout and the loss ranges on stderr;
**       --out DIR writes the PNGs, --html FILE one page with them inline.
**  2. `traces diff BASE OTHER [--png FILE]`: capture_diff and capture_diff_chart.
**  3. Errors: unknown capture, bad numbers, a bad regular expression, a
**     window past the end: one line, exit 1 (usage errors exit 2).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "html.h"
#include "sql_stmt.h"
#include "perf/perf_load.h"

const char usage_traces[] =
    "usage: perfsql [-d DB] traces report CAPTURE [-f FROM_MS] [-c CAP_MS] [-t TASK [--glob]] [--html FILE] [--out DIR]\n"
    "       perfsql [-d DB] traces diff BASE OTHER [--png FILE]\n"
    "report: the task table of a capture window (run time, % of one core, sched-ins, migrations, and\n"
    "scheduling delays as perf sched latency counts them), events the kernel lost, and with --out/--html\n"
    "perfwhiz's dashboards as PNG charts: CPU use, context switches, core map, run-time heat map, run and\n"
    "wait durations over time (log scale, one series per thread), core locality, KVM exits by reason and\n"
    "their guest/host durations. Threads are keyed by tid (label comm:tid, or the task-map name).\n"
    "  -f FROM_MS   window start, ms after the capture's first event (default 0)\n"
    "  -c CAP_MS    window length in ms (default: to the end)\n"
    "  -t TASK      as perfwhiz: a regular expression matched at the start of the task name ('CPU',\n"
    "               '.*vcpu0'; a leading '*' reads as '.*'), or an integer = that tid or pid\n"
    "  --glob       read -t TASK as a GLOB ('*vcpu*') instead\n"
    "diff: per task (matched by display name) % of one core and switches per second in both captures,\n"
    "their change, and tasks found in one capture only; --png FILE charts the 20 biggest changes.\n"
    "Every table and chart is a view of views/traces/ (task_summary_window, capture_diff, traces_*_chart).\n"
    "example: perfsql traces report baseline -t '*vcpu' -c 1000 --html out/baseline.html --out out/baseline\n"
    "example: perfsql traces diff baseline candidate --png out/diff.png\n";

/* The report's arguments, as SQL literals for the views' parameters. */
typedef struct Args {
  char *capture, *from, *cap, *task;   /* %Q-quoted or NULL */
  int glob;
} Args;

/* The first column of the first row of sql (a PNG); written to dir/file and
** added to the page. No row / NULL: nothing to draw. */
static int emit_chart(Cli *cli, HtmlDoc *h, const char *dir, const char *file, const char *title,
                      const char *note, const char *sql) {
  sqlite3_stmt *st = NULL;
  char *err = NULL;
  int rc = -1;
  if (sql_prepare(cli->db, sql, &st, &err) != SQLITE_OK) {
    cli_fail("%s: %s", file, err);
    sqlite3_free(err);
    return -1;
  }
  int s = sqlite3_step(st);
  if (s != SQLITE_ROW && s != SQLITE_DONE) {
    cli_fail("%s: %s", file, sqlite3_errmsg(cli->db));
    goto done;
  }
  const void *png = s == SQLITE_ROW ? sqlite3_column_blob(st, 0) : NULL;
  int n = s == SQLITE_ROW ? sqlite3_column_bytes(st, 0) : 0;
  if (!png || n == 0) { rc = 0; goto done; }
  if (dir) {
    char *path = sqlite3_mprintf("%s/%s", dir, file);
    int w = write_file_path(path, png, (size_t)n);
    sqlite3_free(path);
    if (w) goto done;
  }
  if (h) {
    html_heading(h, 2, title);
    if (note) html_paragraph(h, note);
    html_image_png(h, png, (size_t)n, title);
  }
  rc = 0;
done:
  sqlite3_finalize(st);
  return rc;
}

/* Prints the loss ranges of a capture (trace_loss) on stderr and into the page. */
static void report_losses(Cli *cli, HtmlDoc *h, const char *capture, long long lost, long long ranges) {
  char *sql = sqlite3_mprintf("SELECT cpu, start_ms, end_ms, lost FROM trace_loss WHERE capture = %Q "
                              "ORDER BY start_ts", capture);
  if (!cli->quiet) {
    fprintf(stderr, "perfsql traces: warning: capture '%s' lost %lld events in %lld ranges in this window; "
            "runs and waits crossing them are left out:\n", capture, lost, ranges);
    format_query(cli->db, sql, FMT_TABLE, stderr);
  }
  if (h) {
    html_heading(h, 2, "Lost events");
    char *t = sqlite3_mprintf("The kernel lost %lld events in %lld ranges of this window (PERF_RECORD_LOST); "
                              "runs and waits crossing a range are left out of every table and chart.",
                              lost, ranges);
    html_paragraph(h, t);
    sqlite3_free(t);
    html_table_from_sql(h, cli->db, sql, 200);
  }
  sqlite3_free(sql);
}

static int report(Cli *cli, const char *capture, const char *from, const char *capms, const char *task,
                  int glob, const char *html, const char *dir, FILE *out) {
  if (cli_open(cli)) return EXIT_FAIL;
  char *e;
  double f = from ? strtod(from, &e) : 0;
  if (from && (*e || f < 0)) return cli_usage("traces", "-f wants milliseconds >= 0, not '%s'", from);
  double c = capms ? strtod(capms, &e) : 0;
  if (capms && (*e || c <= 0)) return cli_usage("traces", "-c wants milliseconds > 0, not '%s'", capms);
  Args a;
  a.capture = sqlite3_mprintf("%Q", capture);
  a.from = from ? sqlite3_mprintf("%.17g", f) : sqlite3_mprintf("NULL");
  a.cap = capms ? sqlite3_mprintf("%.17g", c) : sqlite3_mprintf("NULL");
  a.task = sqlite3_mprintf("%Q", task);
  a.glob = glob;
  char *args = sqlite3_mprintf("%s, %s, %s, %s, %d", a.capture, a.from, a.cap, a.task, a.glob);
  int rc = EXIT_FAIL;
  HtmlDoc *h = NULL;
  char *title = NULL;
  long long kvm = 0, lost = 0, ranges = 0;
  {
    char *sql = sqlite3_mprintf("SELECT start_ts, end_ts, win_lo, win_hi, length_ms, kvm_exits, lost_events, "
                                "lost_ranges FROM capture_window(%s, %s, %s)", a.capture, a.from, a.cap);
    sqlite3_stmt *q = NULL;
    char *err = NULL;
    int ok = sql_prepare(cli->db, sql, &q, &err) == SQLITE_OK;
    sqlite3_free(sql);
    if (!ok) { cli_fail("traces report: %s", err); sqlite3_free(err); goto out; }
    if (sqlite3_step(q) != SQLITE_ROW) {
      sqlite3_finalize(q);
      cli_fail("traces report: no capture named '%s' (perfsql sql \"SELECT name FROM capture\")", capture);
      goto out;
    }
    long long start = sqlite3_column_int64(q, 0), end = sqlite3_column_int64(q, 1);
    long long lo = sqlite3_column_int64(q, 2), hi = sqlite3_column_int64(q, 3);
    double length = sqlite3_column_double(q, 4);
    kvm = sqlite3_column_int64(q, 5);
    lost = sqlite3_column_int64(q, 6);
    ranges = sqlite3_column_int64(q, 7);
    sqlite3_finalize(q);
    if (lo >= end) {
      cli_fail("traces report: -f %s ms is past the end of capture '%s' (%.3f ms long)", from, capture, length);
      goto out;
    }
    title = sqlite3_mprintf("Capture %s: %.0f ms window from %.0f ms%s%s", capture, (hi - lo) / 1e6,
                            (lo - start) / 1e6, task ? ", tasks " : "", task ? task : "");
  }
  if (task && !glob) {  /* a bad regular expression: one line before anything is written */
    char *sql = sqlite3_mprintf("SELECT task_match(%s, 0, '', 0, 0)", a.task);
    sqlite3_stmt *q = NULL;
    char *err = NULL;
    int ok = sql_prepare(cli->db, sql, &q, &err) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW;
    if (!ok && !err) err = sqlite3_mprintf("%s", sqlite3_errmsg(cli->db));
    sqlite3_finalize(q);
    sqlite3_free(sql);
    if (!ok) { cli_usage("traces", "-t: %s", err); sqlite3_free(err); rc = EXIT_USAGE; goto out; }
  }
  if (dir && make_dirs(dir)) goto out;
  h = html ? html_open(html, title) : NULL;
  {
    char *sql = sqlite3_mprintf("SELECT * FROM task_summary_window(%s)", args);
    rc = format_query(cli->db, sql, FMT_TABLE, out) ? EXIT_FAIL : EXIT_OK;
    if (h && rc == EXIT_OK) {
      html_heading(h, 2, "Tasks");
      html_paragraph(h, "Run time from sched_switch (a run is counted in the window of its end); % of one core "
                        "over the window; waits are scheduling delays as perf sched latency counts them "
                        "(from the wakeup, or from a switch-out in state R, to the next sched-in).");
      html_table_from_sql(h, cli->db, sql, 200);
    }
    sqlite3_free(sql);
  }
  if (rc == EXIT_OK && lost) report_losses(cli, h, capture, lost, ranges);
  if (rc == EXIT_OK && (dir || h)) {
    static const struct { const char *file, *title, *note, *view; int kvm_only; } charts[] = {
      {"cpu.png", "CPU use per thread", "Share of one core over the window (perfmap tab 1, bars).",
       "traces_cpu_chart", 0},
      {"switches.png", "Context switches per thread", "Runs ended by a sched_switch (perfmap tab 1).",
       "traces_switch_chart", 0},
      {"coremap.png", "Core map", "Run time per thread and core, % of that core over the window (perfmap CoreMap).",
       "traces_coremap_chart", 0},
      {"heatmap.png", "Run-time heat map",
       "Run time per thread and 10 ms bin, % of one core; a run spanning bins is split between them.",
       "traces_heatmap_chart", 0},
      {"runs_scatter.png", "Run durations over time",
       "Each point a run (at its end), log scale, one series per thread (the 8 busiest).",
       "traces_run_scatter_chart", 0},
      {"waits_scatter.png", "Scheduling delays over time",
       "Each point a wait (at its sched-in), log scale, one series per thread (the 8 busiest).",
       "traces_wait_scatter_chart", 0},
      {"locality.png", "Core locality over time",
       "Start of each run (x) on its core (y), one colour per thread (the 8 busiest).",
       "traces_locality_chart", 0},
      {"kvm_exits.png", "KVM exits by reason", "kvm_exit events per vCPU thread and exit reason (perfmap tab 2).",
       "traces_kvm_exit_chart", 1},
      {"kvm_heatmap.png", "KVM exits over time", "kvm_exit events per vCPU thread and 10 ms bin.",
       "traces_kvm_heatmap_chart", 1},
      {"kvm_scatter.png", "KVM guest and host time per exit",
       "guest = time in the guest before an exit; host = time in the host before the next entry (log scale).",
       "traces_kvm_scatter_chart", 1},
    };
    for (size_t i = 0; rc == EXIT_OK && i < sizeof charts / sizeof charts[0]; i++) {
      if (charts[i].kvm_only && !kvm) continue;
      char *sql = sqlite3_mprintf("SELECT png FROM %s(%s)", charts[i].view, args);
      if (emit_chart(cli, h, dir, charts[i].file, charts[i].title, charts[i].note, sql)) rc = EXIT_FAIL;
      sqlite3_free(sql);
    }
    if (h && kvm && rc == EXIT_OK) {
      html_heading(h, 2, "KVM exit statistics");
      char *k = sqlite3_mprintf("SELECT * FROM kvm_exit_stats_for(%s, %s, %d)", a.capture, a.task, a.glob);
      html_paragraph(h, "Whole capture (not windowed).");
      html_table_from_sql(h, cli->db, k, 200);
      sqlite3_free(k);
    }
  }
  if (h) {
    if (html_close(h)) rc = EXIT_FAIL;
    else if (!cli->quiet && rc == EXIT_OK) fprintf(stderr, "perfsql traces: wrote %s\n", html);
  }
out:
  sqlite3_free(title);
  sqlite3_free(args);
  sqlite3_free(a.capture);
  sqlite3_free(a.from);
  sqlite3_free(a.cap);
  sqlite3_free(a.task);
  return rc;
}

static int diff(Cli *cli, const char *a, const char *b, const char *png, FILE *out) {
  if (cli_open(cli)) return EXIT_FAIL;
  for (int i = 0; i < 2; i++) {
    sqlite3_stmt *q = NULL;
    if (cli_prepare(cli->db, "SELECT 1 FROM capture WHERE name = ?1", &q, "traces diff")) return EXIT_FAIL;
    sql_bind_text(q, 1, i ? b : a);
    int found = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    if (!found) return cli_fail("traces diff: no capture named '%s'", i ? b : a);
  }
  char *sql = sqlite3_mprintf("SELECT name, status, base_pct_core, other_pct_core, change_pp, change_pct, "
                              "base_switches_s, other_switches_s, switches_change_pct, base_max_wait_ms, "
                              "other_max_wait_ms, severity FROM capture_diff(%Q, %Q)", a, b);
  int rc = format_query(cli->db, sql, FMT_TABLE, out) ? EXIT_FAIL : EXIT_OK;
  sqlite3_free(sql);
  if (rc == EXIT_OK && png) {
    sql = sqlite3_mprintf("SELECT png FROM capture_diff_chart(%Q, %Q)", a, b);
    sqlite3_stmt *q = NULL;
    if (cli_prepare(cli->db, sql, &q, "traces diff")) {
      rc = EXIT_FAIL;
    } else if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 0) > 0) {
      if (write_file_path(png, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0))) rc = EXIT_FAIL;
    } else if (sqlite3_errcode(cli->db) != SQLITE_DONE && sqlite3_errcode(cli->db) != SQLITE_OK &&
               sqlite3_errcode(cli->db) != SQLITE_ROW) {
      rc = cli_fail("traces diff: %s", sqlite3_errmsg(cli->db));
    }
    sqlite3_finalize(q);
    sqlite3_free(sql);
  }
  return rc;
}

int cmd_traces(Cli *cli, int argc, char **argv) {
  if (argc < 2) return cli_usage("traces", "missing subcommand (report, diff)");
  const char *v;
  if (strcmp(argv[1], "diff") == 0) {
    const char *x = NULL, *y = NULL, *png = NULL;
    for (int i = 2; i < argc; i++) {
      if (arg_value(argc, argv, &i, "--png", &v)) png = v;
      else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("traces", "unknown option %s", argv[i]);
      else if (!x) x = argv[i];
      else if (!y) y = argv[i];
      else return cli_usage("traces", "unexpected argument %s", argv[i]);
    }
    if (!y) return cli_usage("traces", "diff wants BASE OTHER");
    return diff(cli, x, y, png, stdout);
  }
  if (strcmp(argv[1], "report") != 0) return cli_usage("traces", "unknown subcommand '%s'", argv[1]);
  const char *capture = NULL, *from = NULL, *capms = NULL, *pattern = NULL, *html = NULL, *dir = NULL;
  int glob = 0;
  for (int i = 2; i < argc; i++) {
    if (arg_value(argc, argv, &i, "-f", &v) || arg_value(argc, argv, &i, "--from", &v)) from = v;
    else if (arg_value(argc, argv, &i, "-c", &v) || arg_value(argc, argv, &i, "--cap", &v)) capms = v;
    else if (arg_value(argc, argv, &i, "-t", &v) || arg_value(argc, argv, &i, "--task", &v)) pattern = v;
    else if (arg_flag(argv, i, "--glob")) glob = 1;
    else if (arg_value(argc, argv, &i, "--html", &v)) html = v;
    else if (arg_value(argc, argv, &i, "--out", &v)) dir = v;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("traces", "unknown option %s", argv[i]);
    else if (!capture) capture = argv[i];
    else return cli_usage("traces", "unexpected argument %s", argv[i]);
  }
  if (!capture) return cli_usage("traces", "report wants a CAPTURE name");
  if (glob && !pattern) return cli_usage("traces", "--glob wants -t PATTERN");
  return report(cli, capture, from, capms, pattern, glob, html, dir, stdout);
}

/* Demo: the bundled captures (two real, one with synthetic KVM exits), a task
** map, every dashboard of the KVM one and the diff of the two real ones. */
int demo_traces(Cli *cli, const char *data_dir, const char *out_dir) {
  static const struct { const char *file, *name; } caps[] = {
      {"kvm_a.data", "kvm_a"}, {"kvm_b.data", "kvm_b"}, {"kvm_syn.data", "kvm_syn"}};
  char *err = NULL;
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    char *path = sqlite3_mprintf("%s/traces/%s", data_dir, caps[i].file);
    char *map = sqlite3_mprintf("%s/traces/tmap.csv", data_dir);
    int rc = perf_load_file(cli->db, path, caps[i].name, i == 2 ? map : NULL, 0, 1, &err);
    sqlite3_free(path);
    sqlite3_free(map);
    if (rc) return cli_done(1, &err, "load failed");
  }
  char *dir = sqlite3_mprintf("%s/traces", out_dir);
  char *html = sqlite3_mprintf("%s/traces/dashboard.html", out_dir);
  int q = cli->quiet;
  cli->quiet = 1;
  char *table = sqlite3_mprintf("%s/traces/tasks.txt", out_dir);
  int rc = make_dirs(dir) ? EXIT_FAIL : EXIT_OK;
  if (rc == EXIT_OK) {
    FILE *t = fopen(table, "w");
    if (!t) rc = cli_fail("%s: cannot write", table);
    else {
      rc = report(cli, "kvm_syn", NULL, NULL, NULL, 0, html, dir, t);
      fclose(t);
    }
  }
  if (rc == EXIT_OK) {
    char *d = sqlite3_mprintf("%s/traces/diff_kvm_a_kvm_b.txt", out_dir);
    char *p = sqlite3_mprintf("%s/traces/diff_kvm_a_kvm_b.png", out_dir);
    FILE *t = fopen(d, "w");
    if (!t) rc = cli_fail("%s: cannot write", d);
    else {
      rc = diff(cli, "kvm_a", "kvm_b", p, t);
      fclose(t);
    }
    sqlite3_free(d);
    sqlite3_free(p);
  }
  cli->quiet = q;
  if (!q && rc == EXIT_OK) printf("traces: dashboards in %s/ (dashboard.html, *.png, tasks.txt)\n", dir);
  sqlite3_free(table);
  sqlite3_free(dir);
  sqlite3_free(html);
  return rc;
}
