/*
** cmd_charts.c — `perfsql plot`, `perfsql report` and the charts demo step.
**
**  1. plot -o OUT.png (SQL | VIEW): runs the query (or SELECT * FROM VIEW
**     when the argument names a table or view) and writes the first PNG
**     blob it returns (first row, first PNG column, or --column NAME).
**     No PNG -> error; more charts than one -> a note on stderr.
**     plot --each DIR writes every chart, named after the row's first text
**     value (made file-name safe; "-2", "-3" appended to repeats).
**  2. report NAME... [--html OUT.html] [--title T] [--max-rows N]: each NAME
**     is a view or table; with --html one self-contained page (cli/html.h):
**     the view's documentation from perfsql_view, then its rows (at most
**     --max-rows, default 1000, 0 = all) with chart cells inlined as images. Without --html the rows are printed
**     (--format table|csv|json|markdown).
**  3. Errors: one line naming the view/query and SQLite's message; exit 1.
**     Usage errors exit 2.
*/
#include "cli.h"
#include "sql_stmt.h"
#include "html.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char usage_plot[] =
    "usage: perfsql [-d DB] plot (-o OUT.png | --each DIR) [--column NAME] (SQL | VIEW)\n"
    "Runs SQL (or SELECT * FROM VIEW) and writes the first PNG chart it returns to OUT.png;\n"
    "with --each DIR, every chart it returns, as DIR/<the row's first text value>.png.\n"
    "The chart functions are chart_line, chart_bar, chart_heatmap and chart_scatter.\n"
    "example: perfsql plot -o load.png \"SELECT chart_line(source_id, total_rows, kind,\n"
    "         '{\\\"title\\\":\\\"rows per load\\\"}') FROM load_history\"\n";

const char usage_report[] =
    "usage: perfsql [-d DB] report NAME... [--html OUT.html] [--title TITLE] [--max-rows N]\n"
    "       [--format table|csv|json|markdown]\n"
    "Renders views (or tables): with --html, one self-contained HTML page (charts inline as\n"
    "PNG data URIs, tables, no scripts, opens offline; at most 1000 rows per view unless\n"
    "--max-rows N, 0 = all); otherwise prints the rows.\n"
    "example: perfsql report load_history --html out/history.html\n";

static int is_identifier(const char *s) {
  if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return 0;
  for (; *s; s++)
    if (!(isalnum((unsigned char)*s) || *s == '_')) return 0;
  return 1;
}

/* A table, a view, or a catalogued parameterized report (its defaults apply). */
static int relation_exists(sqlite3 *db, const char *name) {
  sqlite3_stmt *st = 0;
  int found = 0;
  if (sql_prepare(db, "SELECT 1 FROM sqlite_schema WHERE type IN ('table','view') AND name = ?1 "
                      "UNION ALL SELECT 1 FROM sqlite_temp_schema WHERE type IN ('table','view') AND name = ?1 "
                      "UNION ALL SELECT 1 FROM perfsql_view WHERE name = ?1", &st, 0) == SQLITE_OK) {
    sql_bind_text(st, 1, name);
    found = sqlite3_step(st) == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return found;
}

/* The paths `plot --each` wrote in this run (a rerun overwrites its files). */
typedef struct Seen { char **paths; int n, cap; } Seen;

static int seen_before(const Seen *s, const char *path) {
  for (int i = 0; i < s->n; i++)
    if (strcmp(s->paths[i], path) == 0) return 1;
  return 0;
}

static int remember(Seen *s, const char *path) {
  if (s->n == s->cap) {
    int nc = s->cap ? s->cap * 2 : 32;
    char **np = sqlite3_realloc64(s->paths, sizeof(char *) * nc);
    if (!np) return cli_fail("out of memory"), -1;
    s->paths = np;
    s->cap = nc;
  }
  if (!(s->paths[s->n] = sqlite3_mprintf("%s", path))) return cli_fail("out of memory"), -1;
  s->n++;
  return 0;
}

/* File name for one chart of `plot --each`: the row's first text value made
** safe (letters, digits, '.', '-', '_'; others become '_'), else "chart-N". */
static char *each_name(sqlite3_stmt *st, int row, int chart_col, int n_in_row) {
  const char *base = 0;
  for (int i = 0; i < sqlite3_column_count(st) && !base; i++)
    if (sqlite3_column_type(st, i) == SQLITE_TEXT) base = (const char *)sqlite3_column_text(st, i);
  char *raw = base && *base ? sqlite3_mprintf("%s", base) : sqlite3_mprintf("chart-%d", row);
  if (raw && n_in_row > 1) {
    char *with_col = sqlite3_mprintf("%s-%s", raw, sqlite3_column_name(st, chart_col));
    sqlite3_free(raw);
    raw = with_col;
  }
  char *name = raw ? safe_path_component(raw) : 0;
  sqlite3_free(raw);
  return name;
}

int cmd_plot(Cli *cli, int argc, char **argv) {
  const char *out = 0, *query = 0, *column = 0, *each = 0, *v;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "-o", &v) || arg_value(argc, argv, &i, "--out", &v)) out = v;
    else if (arg_value(argc, argv, &i, "--each", &v)) each = v;
    else if (arg_value(argc, argv, &i, "--column", &v)) column = v;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("plot", "unknown option %s", argv[i]);
    else if (query) return cli_usage("plot", "give the SQL as one argument (quote it)");
    else query = argv[i];
  }
  if (!out && !each) return cli_usage("plot", "missing -o OUT.png (or --each DIR)");
  if (out && each) return cli_usage("plot", "give -o OUT.png or --each DIR, not both");
  if (!query) return cli_usage("plot", "missing SQL or VIEW");
  if (cli_open(cli)) return EXIT_FAIL;
  char *sql = 0;
  const char *what = query;
  if (is_identifier(query)) {
    if (!relation_exists(cli->db, query)) return cli_fail("%s: no such view or table", query);
    sql = sqlite3_mprintf("SELECT * FROM \"%w\"", query);
  } else {
    sql = sqlite3_mprintf("%s", query);
    what = "query";
  }
  sqlite3_stmt *st = 0;
  const char *tail = 0;
  char *err = 0;
  int prc = sql_prepare_tail(cli->db, sql, &st, &tail, &err);
  if (prc != SQLITE_OK || !st) {
    /* a failed prepare leaves st NULL: SQLite's own message, "empty query" only for no SQL */
    int rc = cli_fail("%s: %s", what, prc != SQLITE_OK ? err : "empty query");
    sqlite3_free(err);
    sqlite3_free(sql);
    return rc;
  }
  int col = -1;
  if (column) {
    for (int i = 0; i < sqlite3_column_count(st); i++)
      if (strcmp(sqlite3_column_name(st, i), column) == 0) col = i;
    if (col < 0) {
      sqlite3_finalize(st);
      sqlite3_free(sql);
      return cli_fail("%s: no column named %s", what, column);
    }
  }
  int rc, written = 0, more = 0, result = EXIT_OK, row = 0;
  Seen seen = {0, 0, 0};
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    row++;
    int charts_in_row = 0;
    for (int i = 0; i < sqlite3_column_count(st); i++) {
      if ((col < 0 || i == col) && sqlite3_column_type(st, i) == SQLITE_BLOB &&
          html_is_png(sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i)))
        charts_in_row++;
    }
    for (int i = 0; i < sqlite3_column_count(st); i++) {
      if (col >= 0 && i != col) continue;
      if (sqlite3_column_type(st, i) != SQLITE_BLOB) continue;
      const void *b = sqlite3_column_blob(st, i);
      int n = sqlite3_column_bytes(st, i);
      if (!html_is_png(b, (size_t)n)) continue;
      if (each) {
        char *name = each_name(st, row, i, charts_in_row);
        char *path = name ? sqlite3_mprintf("%s/%s.png", each, name) : 0;
        /* two charts with the same name in this run: keep both */
        for (int k = 2; path && seen_before(&seen, path) && k < 100000; k++) {
          sqlite3_free(path);
          path = sqlite3_mprintf("%s/%s-%d.png", each, name, k);
        }
        int bad = !path || remember(&seen, path) || write_file_path(path, b, (size_t)n);
        if (!bad && !cli->quiet) printf("wrote %s (%d bytes)\n", path, n);
        sqlite3_free(name);
        sqlite3_free(path);
        if (bad) {
          result = EXIT_FAIL;
          break;
        }
        written++;
        continue;
      }
      if (written) {
        more++;
        continue;
      }
      if (write_file_path(out, b, (size_t)n)) {
        result = EXIT_FAIL;
        break;
      }
      written = 1;
      if (!cli->quiet) printf("wrote %s (%d bytes)\n", out, n);
    }
    if (result) break;
  }
  if (result == EXIT_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    result = cli_fail("%s: %s", what, sqlite3_errmsg(cli->db));
  else if (result == EXIT_OK && !written)
    result = cli_fail("%s: returned no PNG chart (use chart_line, chart_bar, chart_heatmap or "
                      "chart_scatter)", what);
  else if (more)
    fprintf(stderr, "perfsql plot: note: %d more chart(s) returned; wrote the first\n", more);
  sqlite3_finalize(st);
  sqlite3_free(sql);
  for (int i = 0; i < seen.n; i++) sqlite3_free(seen.paths[i]);
  sqlite3_free(seen.paths);
  return result;
}

/* One view (or table) as a section of an HTML page. */
static int report_section(Cli *cli, HtmlDoc *h, const char *name, int level, int max_rows) {
  sqlite3_stmt *st = 0;
  html_heading_id(h, level, name, name);
  if (sql_prepare(cli->db, "SELECT summary, doc FROM perfsql_view WHERE name = ?1", &st, 0) == SQLITE_OK) {
    sql_bind_text(st, 1, name);
    if (sqlite3_step(st) == SQLITE_ROW) {
      const char *doc = (const char *)sqlite3_column_text(st, 1);
      /* the doc is the header comment: drop the leading "-- " of each line */
      char *clean = sqlite3_mprintf("%s", doc ? doc : "");
      if (clean) {
        char *w = clean;
        for (const char *r = clean; *r;) {
          if ((r == clean || r[-1] == '\n') && r[0] == '-' && r[1] == '-') {
            r += 2;
            if (*r == ' ') r++;
            continue;
          }
          *w++ = *r++;
        }
        *w = 0;
        html_preformatted(h, clean);
        sqlite3_free(clean);
      }
    }
  }
  sqlite3_finalize(st);
  char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
  int rc = html_table_from_sql(h, cli->db, sql, max_rows);
  sqlite3_free(sql);
  if (rc) cli_fail("%s: %s", name, sqlite3_errmsg(cli->db));
  return rc;
}

int cmd_report(Cli *cli, int argc, char **argv) {
  const char *html = 0, *title = 0, *v;
  const char *names[64];
  int n = 0, max_rows = 1000;   /* a page, not a dump: --max-rows 0 for every row */
  OutFormat fmt = FMT_TABLE;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--html", &v)) html = v;
    else if (arg_value(argc, argv, &i, "--title", &v)) title = v;
    else if (arg_value(argc, argv, &i, "--max-rows", &v)) {
      char *end;
      long m = strtol(v, &end, 10);
      if (*end || m < 0) return cli_usage("report", "--max-rows: '%s' is not a count", v);
      max_rows = (int)m;
    } else if (arg_value(argc, argv, &i, "--format", &v)) {
      if (format_parse(v, &fmt)) return cli_usage("report", "unknown format '%s'", v);
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage("report", "unknown option %s", argv[i]);
    } else if (n < 64) {
      names[n++] = argv[i];
    } else {
      return cli_usage("report", "at most 64 names");
    }
  }
  if (n == 0) return cli_usage("report", "missing the view NAME");
  if (cli_open(cli)) return EXIT_FAIL;
  for (int i = 0; i < n; i++) {
    if (!is_identifier(names[i]) || !relation_exists(cli->db, names[i]))
      return cli_fail("%s: no such view or table (see `perfsql views`)", names[i]);
  }
  if (!html) {
    for (int i = 0; i < n; i++) {
      char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", names[i]);
      if (n > 1) printf("%s== %s\n", i ? "\n" : "", names[i]);
      int rc = format_query(cli->db, sql, fmt, stdout);
      sqlite3_free(sql);
      if (rc) return EXIT_FAIL;
    }
    return EXIT_OK;
  }
  char *def_title = sqlite3_mprintf("perfsql report: %s%s", names[0], n > 1 ? ", ..." : "");
  HtmlDoc *h = html_open(html, title ? title : def_title);
  sqlite3_free(def_title);
  int failed = 0;
  if (n > 1) html_toc(h, names, names, n);
  for (int i = 0; i < n; i++) failed |= report_section(cli, h, names[i], 2, max_rows) != 0;
  html_paragraph(h, "Generated by perfsql.");
  if (failed) {        /* nothing written: no partial page (an earlier file stays as it was) */
    html_abandon(h);
    return EXIT_FAIL;
  }
  if (html_close(h) != 0) return EXIT_FAIL;
  if (!cli->quiet) printf("wrote %s\n", html);
  return EXIT_OK;
}
