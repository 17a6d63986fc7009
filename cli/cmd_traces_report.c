/*
** cmd_traces_report.c — `perfsql traces report`: perfwhiz's perfmap
** dashboards as PNG charts and one self-contained HTML page, from the views
** of views/traces/; and the traces demo step.
**
**  1. `traces report CAPTURE [-f FROM_MS] [-c CAP_MS] [-t PATTERN] [--html FILE] [--out DIR]`
**     - window: [start + FROM_MS, start + FROM_MS + CAP_MS] of the capture
**       (CAP_MS default: to the end), as perfmap's -f/-c; runs are counted by
**       their end time;
**     - PATTERN: a GLOB on the task's display name ('*vcpu0', 'CPU*');
**       perfmap's leading-'*' regex form reads the same;
**     - prints the task table (run time, % of one core, sched-ins, waits)
**       on stdout; --out DIR writes cpu.png, switches.png, coremap.png,
**       heatmap.png, runs_scatter.png, locality.png and, when the capture has
**       kvm_exit events, kvm_exits.png, kvm_heatmap.png and kvm_scatter.png; --html FILE writes
**       them all with their tables into one page (images inline).
**  2. `traces diff BASE OTHER`: the capture_diff view for two captures.
**  3. Errors: unknown capture, bad numbers, a window past the end: one line,
**     exit 1 (usage errors exit 2).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "html.h"
#include "perf/perf_load.h"

const char usage_traces[] =
    "usage: perfsql [-d DB] traces report CAPTURE [-f FROM_MS] [-c CAP_MS] [-t PATTERN] [--html FILE] [--out DIR]\n"
    "       perfsql [-d DB] traces diff BASE OTHER\n"
    "report: the task table of a capture window (run time, % of one core, sched-ins, waits,\n"
    "migrations), and with --out/--html perfwhiz's dashboards as PNG charts: CPU use, context\n"
    "switches, core map, run-time heat map, run/wait durations over time (log scale), core\n"
    "locality, KVM exits by reason and their guest/host durations.\n"
    "  -f FROM_MS   window start, ms after the capture's first event (default 0)\n"
    "  -c CAP_MS    window length in ms (default: to the end)\n"
    "  -t PATTERN   only tasks whose display name matches this GLOB ('*vcpu0')\n"
    "diff: tasks of two captures matched by display name, with change % and regress_severity.\n"
    "example: perfsql traces report baseline -t '*vcpu*' -c 1000 --html out/baseline.html --out out/baseline\n"
    "example: perfsql traces diff baseline candidate\n";

typedef struct Win {
  long long cap, lo, hi;   /* capture id, window bounds in ns */
  const char *pattern;
} Win;

/* Runs sql (one statement; %-formatted by the caller) whose first column is
** a PNG; writes it to dir/file and adds it to the page. */
static int emit_chart(Cli *cli, HtmlDoc *h, const char *dir, const char *file, const char *title,
                      const char *note, char *sql) {
  sqlite3_stmt *st = NULL;
  int rc = -1;
  if (!sql) return cli_fail("out of memory"), -1;
  if (sqlite3_prepare_v2(cli->db, sql, -1, &st, NULL) != SQLITE_OK) {
    cli_fail("%s: %s", file, sqlite3_errmsg(cli->db));
    goto done;
  }
  int s = sqlite3_step(st);
  if (s != SQLITE_ROW && s != SQLITE_DONE) {
    cli_fail("%s: %s", file, sqlite3_errmsg(cli->db));
    goto done;
  }
  const void *png = s == SQLITE_ROW ? sqlite3_column_blob(st, 0) : NULL;
  int n = s == SQLITE_ROW ? sqlite3_column_bytes(st, 0) : 0;
  if (!png || n == 0) { rc = 0; goto done; }   /* no rows: nothing to draw */
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
  sqlite3_free(sql);
  return rc;
}

/* The filtered slices of the window, as a CTE. */
#define SLICES "WITH " SLICES_BODY " "
#define SLICES_BODY \
  "s AS (SELECT s.*, coalesce(t.name, s.comm) AS name FROM sched_slice AS s " \
  "LEFT JOIN trace_task AS t ON t.capture_id = s.capture_id AND t.tid = s.tid " \
  "WHERE s.capture_id = %lld AND s.tid <> 0 AND s.end_ts BETWEEN %lld AND %lld " \
  "AND coalesce(t.name, s.comm) GLOB %Q)"

static char *task_table_sql(const Win *w) {
  return sqlite3_mprintf(
      SLICES
      ", wt AS (SELECT tid, count(*) AS waits, sum(wait) AS wait_ns, max(wait) AS max_wait_ns FROM sched_wait "
      "WHERE capture_id = %lld AND ts BETWEEN %lld AND %lld GROUP BY tid) "
      ", mg AS (SELECT pid AS tid, count(*) AS migrations FROM sched_migrate "
      "WHERE capture_id = %lld AND ts BETWEEN %lld AND %lld GROUP BY pid) "
      "SELECT s.name AS task, s.tid, round(sum(coalesce(dur, 0)) / 1e6, 3) AS run_ms, "
      "round(100.0 * sum(coalesce(dur, 0)) / %lld, 2) AS pct_core, count(*) AS sched_in, "
      "round(min(coalesce(dur, 0)) / 1e6, 3) AS min_run_ms, round(avg(coalesce(dur, 0)) / 1e6, 3) AS avg_run_ms, "
      "round(max(coalesce(dur, 0)) / 1e6, 3) AS max_run_ms, coalesce(mg.migrations, 0) AS migrations, "
      "round(coalesce(wt.wait_ns, 0) / 1e6, 3) AS wait_ms, round(coalesce(wt.max_wait_ns, 0) / 1e6, 3) AS max_wait_ms "
      "FROM s LEFT JOIN wt USING (tid) LEFT JOIN mg USING (tid) "
      "GROUP BY s.tid ORDER BY run_ms DESC, s.tid",
      w->cap, w->lo, w->hi, w->pattern, w->cap, w->lo, w->hi, w->cap, w->lo, w->hi,
      w->hi > w->lo ? w->hi - w->lo : 1LL);
}

static int report(Cli *cli, const char *capture, const char *from, const char *capms, const char *pattern,
                  const char *html, const char *dir, FILE *out) {
  if (cli_open(cli)) return EXIT_FAIL;
  sqlite3_stmt *q = NULL;
  sqlite3_prepare_v2(cli->db, "SELECT id, start_ts, end_ts FROM capture WHERE name = ?1", -1, &q, NULL);
  sqlite3_bind_text(q, 1, capture, -1, SQLITE_STATIC);
  if (sqlite3_step(q) != SQLITE_ROW) {
    sqlite3_finalize(q);
    return cli_fail("traces report: no capture named '%s' (perfsql sql \"SELECT name FROM capture\")", capture);
  }
  Win w;
  w.cap = sqlite3_column_int64(q, 0);
  long long start = sqlite3_column_int64(q, 1), end = sqlite3_column_int64(q, 2);
  sqlite3_finalize(q);
  char *e;
  double f = from ? strtod(from, &e) : 0;
  if (from && (*e || f < 0)) return cli_usage("traces", "-f wants milliseconds >= 0, not '%s'", from);
  double c = capms ? strtod(capms, &e) : 0;
  if (capms && (*e || c <= 0)) return cli_usage("traces", "-c wants milliseconds > 0, not '%s'", capms);
  w.lo = start + (long long)(f * 1e6);
  w.hi = capms ? w.lo + (long long)(c * 1e6) : end;
  if (w.lo >= end)
    return cli_fail("traces report: -f %s ms is past the end of capture '%s' (%.3f ms long)", from, capture,
                    (end - start) / 1e6);
  w.pattern = pattern ? pattern : "*";
  /* perfmap's "*vcpu0" regex means the same as the GLOB */
  if (dir && make_dirs(dir)) return EXIT_FAIL;
  char *title = sqlite3_mprintf("Capture %s: %.0f ms window from %.0f ms%s%s", capture, (w.hi - w.lo) / 1e6,
                                (w.lo - start) / 1e6, pattern ? ", tasks " : "", pattern ? pattern : "");
  HtmlDoc *h = html ? html_open(html, title) : NULL;
  char *sql = task_table_sql(&w);
  int rc = format_query(cli->db, sql, FMT_TABLE, out) ? EXIT_FAIL : EXIT_OK;
  if (h && rc == EXIT_OK) {
    html_heading(h, 2, "Tasks");
    html_paragraph(h, "Run time from sched_switch (a run is counted in the window of its end); % of one core "
                      "over the window; waits are runnable -> running (after a wakeup or a preemption).");
    html_table_from_sql(h, cli->db, sql, 200);
  }
  sqlite3_free(sql);
  int kvm = 0;
  {
    char *k = sqlite3_mprintf("SELECT count(*) FROM kvm_exit WHERE capture_id = %lld AND ts BETWEEN %lld AND %lld",
                              w.cap, w.lo, w.hi);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(cli->db, k, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      kvm = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    sqlite3_free(k);
  }
  if (rc == EXIT_OK && (dir || h)) {
    long long span = w.hi > w.lo ? w.hi - w.lo : 1;
    struct { const char *file, *title, *note; char *sql; int kvm_only; } charts[] = {
      {"cpu.png", "CPU use per task", "Share of one core over the window (perfmap tab 1, bars).",
       sqlite3_mprintf(SLICES "SELECT chart_bar(name, pct, '%% of one core', "
                       "'{\"title\":\"CPU use (%% of one core)\",\"y_label\":\"CPU use\",\"y_unit\":\"%% of one core\",\"height\":600}') "
                       "FROM (SELECT name, round(100.0 * sum(coalesce(dur, 0)) / %lld, 2) AS pct FROM s "
                       "GROUP BY name ORDER BY pct DESC LIMIT 30)", w.cap, w.lo, w.hi, w.pattern, span), 0},
      {"switches.png", "Context switches per task", "Runs ended by a sched_switch (perfmap tab 1, lollipops).",
       sqlite3_mprintf(SLICES "SELECT chart_bar(name, n, 'context switches', "
                       "'{\"title\":\"Context switches\",\"y_label\":\"switches\"}') "
                       "FROM (SELECT name, count(*) AS n FROM s GROUP BY name ORDER BY n DESC LIMIT 30)",
                       w.cap, w.lo, w.hi, w.pattern), 0},
      {"coremap.png", "Core map", "Run time per task and core, % of that core over the window (perfmap CoreMap).",
       sqlite3_mprintf(SLICES "SELECT chart_heatmap('cpu ' || cpu, name, pct, "
                       "'{\"title\":\"Core map (%% of core)\",\"x_type\":\"category\",\"z_label\":\"%% of core\"}') "
                       "FROM (SELECT cpu, name, round(100.0 * sum(coalesce(dur, 0)) / %lld, 2) AS pct FROM s "
                       "WHERE name IN (SELECT name FROM s GROUP BY name ORDER BY sum(coalesce(dur, 0)) DESC LIMIT 30) "
                       "GROUP BY cpu, name ORDER BY cpu)", w.cap, w.lo, w.hi, w.pattern, span), 0},
      {"heatmap.png", "Run-time heat map",
       "Run time per task and 10 ms bin, % of one core; a run spanning bins is split between them (heatmap_bin).",
       sqlite3_mprintf("WITH RECURSIVE " SLICES_BODY
                       ", b(name, bin, ts, end_ts) AS (SELECT name, heatmap_bin(max(ts, %lld), 10000000, %lld), "
                       "max(ts, %lld), end_ts FROM s WHERE ts IS NOT NULL AND name IN (SELECT name FROM s "
                       "GROUP BY name ORDER BY sum(coalesce(dur, 0)) DESC LIMIT 20) "
                       "UNION ALL SELECT name, bin + 1, ts, end_ts FROM b WHERE %lld + (bin + 1) * 10000000 < end_ts) "
                       "SELECT chart_heatmap(bin * 10, name, pct, "
                       "'{\"title\":\"Run time per 10 ms (%% of one core)\",\"x_label\":\"time\",\"x_unit\":\"ms\",\"z_label\":\"%% of core\"}') "
                       "FROM (SELECT bin, name, round(sum(min(end_ts, %lld + (bin + 1) * 10000000) - "
                       "max(ts, %lld + bin * 10000000)) / 1e5, 2) AS pct FROM b GROUP BY 1, 2 ORDER BY 1)",
                       w.cap, w.lo, w.hi, w.pattern, w.lo, w.lo, w.lo, w.lo, w.lo, w.lo), 0},
      {"runs_scatter.png", "Run and wait durations over time",
       "Each point a run (end of run) or a wait (runnable -> running), log scale (perfwhiz 'heatmaps').",
       sqlite3_mprintf("SELECT chart_scatter(r.t_ms - %f, r.dur_us, r.series, "
                       "'{\"title\":\"Durations over time\",\"x_label\":\"time\",\"x_unit\":\"ms\",\"y_label\":\"duration\",\"y_unit\":\"µs\",\"log_y\":true}') "
                       "FROM run_scatter AS r JOIN capture AS c ON c.id = r.capture_id "
                       "WHERE r.capture_id = %lld AND r.series IN ('run', 'wait') AND r.dur_us > 0 "
                       "AND r.t_ms * 1e6 + c.start_ts BETWEEN %lld AND %lld AND coalesce(nullif(r.name, ''), '?') GLOB %Q",
                       (w.lo - start) / 1e6, w.cap, w.lo, w.hi, w.pattern), 0},
      {"locality.png", "Core locality over time", "Start of each run (x) on its core (y), per task (top 8 by run time).",
       sqlite3_mprintf(SLICES "SELECT chart_scatter((ts - %lld) / 1e6, cpu, name, "
                       "'{\"title\":\"Core locality\",\"x_label\":\"time\",\"x_unit\":\"ms\",\"y_label\":\"cpu\"}') FROM s "
                       "WHERE ts IS NOT NULL AND name IN (SELECT name FROM s GROUP BY name "
                       "ORDER BY sum(coalesce(dur, 0)) DESC LIMIT 8)", w.cap, w.lo, w.hi, w.pattern, w.lo), 0},
      {"kvm_exits.png", "KVM exits by reason", "kvm_exit events per vCPU task and exit reason (perfmap tab 2).",
       sqlite3_mprintf("SELECT chart_bar(coalesce(t.name, k.tid), n, k.reason, "
                       "'{\"title\":\"KVM exits by reason\",\"y_label\":\"exits\"}') "
                       "FROM (SELECT tid, reason, count(*) AS n FROM kvm_exit WHERE capture_id = %lld "
                       "AND ts BETWEEN %lld AND %lld GROUP BY 1, 2) AS k "
                       "LEFT JOIN trace_task AS t ON t.capture_id = %lld AND t.tid = k.tid "
                       "WHERE coalesce(t.name, '') GLOB %Q", w.cap, w.lo, w.hi, w.cap, w.pattern), 1},
      {"kvm_heatmap.png", "KVM exits over time", "kvm_exit events per vCPU task and 10 ms bin (heatmap_bin).",
       sqlite3_mprintf("SELECT chart_heatmap(bin * 10, name, n, "
                       "'{\"title\":\"KVM exits per 10 ms\",\"x_label\":\"time\",\"x_unit\":\"ms\",\"z_label\":\"exits\"}') "
                       "FROM (SELECT heatmap_bin(k.ts, 10000000, %lld) AS bin, coalesce(t.name, k.tid) AS name, "
                       "count(*) AS n FROM kvm_exit AS k LEFT JOIN trace_task AS t ON t.capture_id = k.capture_id "
                       "AND t.tid = k.tid WHERE k.capture_id = %lld AND k.ts BETWEEN %lld AND %lld "
                       "AND coalesce(t.name, '') GLOB %Q GROUP BY 1, 2 ORDER BY 1)",
                       w.lo, w.cap, w.lo, w.hi, w.pattern), 1},
      {"kvm_scatter.png", "KVM guest and host time per exit",
       "guest = time in the guest before an exit; host = time in the host before the next entry (log scale).",
       sqlite3_mprintf("SELECT chart_scatter(r.t_ms - %f, r.dur_us, r.series, "
                       "'{\"title\":\"KVM guest/host durations\",\"x_label\":\"time\",\"x_unit\":\"ms\",\"y_label\":\"duration\",\"y_unit\":\"µs\",\"log_y\":true}') "
                       "FROM run_scatter AS r JOIN capture AS c ON c.id = r.capture_id "
                       "WHERE r.capture_id = %lld AND r.series IN ('guest', 'host') AND r.dur_us > 0 "
                       "AND r.t_ms * 1e6 + c.start_ts BETWEEN %lld AND %lld AND coalesce(nullif(r.name, ''), '?') GLOB %Q",
                       (w.lo - start) / 1e6, w.cap, w.lo, w.hi, w.pattern), 1},
    };
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
      if (charts[i].kvm_only && !kvm) { sqlite3_free(charts[i].sql); continue; }
      if (rc == EXIT_OK) {
        if (emit_chart(cli, h, dir, charts[i].file, charts[i].title, charts[i].note, charts[i].sql)) rc = EXIT_FAIL;
      } else {
        sqlite3_free(charts[i].sql);
      }
    }
    if (h && kvm && rc == EXIT_OK) {
      html_heading(h, 2, "KVM exit statistics");
      char *k = sqlite3_mprintf("SELECT name, tid, reason, exits, round(guest_ns / 1e3, 1) AS guest_us, "
                                "round(host_ns / 1e3, 1) AS host_us, round(min_host_ns / 1e3, 2) AS min_host_us, "
                                "round(avg_host_ns / 1e3, 2) AS avg_host_us, round(max_host_ns / 1e3, 2) AS max_host_us "
                                "FROM kvm_exit_stats WHERE capture_id = %lld AND name GLOB %Q ORDER BY exits DESC",
                                w.cap, w.pattern);
      html_paragraph(h, "Whole capture (not windowed).");
      html_table_from_sql(h, cli->db, k, 200);
      sqlite3_free(k);
    }
  }
  if (h) {
    if (html_close(h)) rc = EXIT_FAIL;
    else if (!cli->quiet && rc == EXIT_OK) fprintf(stderr, "perfsql traces: wrote %s\n", html);
  }
  sqlite3_free(title);
  return rc;
}

static int diff(Cli *cli, const char *a, const char *b, FILE *out) {
  if (cli_open(cli)) return EXIT_FAIL;
  char *sql = sqlite3_mprintf("SELECT name, round(base_run_ns / 1e6, 3) AS base_ms, round(other_run_ns / 1e6, 3) "
                              "AS other_ms, change_pct, base_switches, other_switches, switches_change_pct, severity "
                              "FROM capture_diff WHERE base = %Q AND other = %Q ORDER BY abs(change_pct) DESC", a, b);
  for (int i = 0; i < 2; i++) {
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(cli->db, "SELECT 1 FROM capture WHERE name = ?1", -1, &q, NULL);
    sqlite3_bind_text(q, 1, i ? b : a, -1, SQLITE_STATIC);
    int found = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    if (!found) {
      sqlite3_free(sql);
      return cli_fail("traces diff: no capture named '%s'", i ? b : a);
    }
  }
  int rc = format_query(cli->db, sql, FMT_TABLE, out) ? EXIT_FAIL : EXIT_OK;
  sqlite3_free(sql);
  return rc;
}

int cmd_traces(Cli *cli, int argc, char **argv) {
  if (argc < 2) return cli_usage("traces", "missing subcommand (report, diff)");
  if (strcmp(argv[1], "diff") == 0) {
    if (argc != 4) return cli_usage("traces", "diff wants BASE OTHER");
    return diff(cli, argv[2], argv[3], stdout);
  }
  if (strcmp(argv[1], "report") != 0) return cli_usage("traces", "unknown subcommand '%s'", argv[1]);
  const char *capture = NULL, *from = NULL, *capms = NULL, *pattern = NULL, *html = NULL, *dir = NULL, *v;
  for (int i = 2; i < argc; i++) {
    if (arg_value(argc, argv, &i, "-f", &v) || arg_value(argc, argv, &i, "--from", &v)) from = v;
    else if (arg_value(argc, argv, &i, "-c", &v) || arg_value(argc, argv, &i, "--cap", &v)) capms = v;
    else if (arg_value(argc, argv, &i, "-t", &v) || arg_value(argc, argv, &i, "--task", &v)) pattern = v;
    else if (arg_value(argc, argv, &i, "--html", &v)) html = v;
    else if (arg_value(argc, argv, &i, "--out", &v)) dir = v;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("traces", "unknown option %s", argv[i]);
    else if (!capture) capture = argv[i];
    else return cli_usage("traces", "unexpected argument %s", argv[i]);
  }
  if (!capture) return cli_usage("traces", "report wants a CAPTURE name");
  return report(cli, capture, from, capms, pattern, html, dir, stdout);
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
    if (rc) {
      int r = cli_fail("%s", err ? err : "load failed");
      sqlite3_free(err);
      return r;
    }
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
      rc = report(cli, "kvm_syn", NULL, NULL, NULL, html, dir, t);
      fclose(t);
    }
  }
  if (rc == EXIT_OK) {
    char *d = sqlite3_mprintf("%s/traces/diff_kvm_a_kvm_b.txt", out_dir);
    FILE *t = fopen(d, "w");
    if (!t) rc = cli_fail("%s: cannot write", d);
    else {
      rc = diff(cli, "kvm_a", "kvm_b", t);
      fclose(t);
    }
    sqlite3_free(d);
  }
  cli->quiet = q;
  if (!q && rc == EXIT_OK) printf("traces: dashboards in %s/ (dashboard.html, *.png, tasks.txt)\n", dir);
  sqlite3_free(table);
  sqlite3_free(dir);
  sqlite3_free(html);
  return rc;
}
