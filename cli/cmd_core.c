/*
** cmd_core.c — the foundation's commands: init, sql, views, refresh,
** sources, load (dispatch to cli_load_kinds[]), demo, version, help.
*/
#include "cli.h"
#include "sql_stmt.h"
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char usage_init[] =
    "usage: perfsql [-d DB] init\n"
    "Creates the database if needed, applies the schema migrations that are missing\n"
    "(PRAGMA user_version), switches to WAL and re-creates the canned views. Idempotent.\n"
    "example: perfsql -d perf.db init\n";
const char usage_sql[] =
    "usage: perfsql [-d DB] sql [--format table|csv|json|markdown] [SQL]\n"
    "Runs SQL (the argument, or stdin when absent or '-') with every perfsql function\n"
    "available, and prints the rows of each statement.\n"
    "example: perfsql sql --format csv \"SELECT kind, uri, total_rows FROM load_history\"\n";
const char usage_views[] =
    "usage: perfsql [-d DB] views [NAME]\n"
    "Lists the canned views with the question each answers; with NAME prints its full\n"
    "documentation (columns) and its SQL.\n"
    "example: perfsql views load_history\n";
const char usage_refresh[] =
    "usage: perfsql [-d DB] refresh [NAME...]\n"
    "Materializes every canned view (or the ones named) into a plain table report_<name>,\n"
    "so tools without the extension (Python, Grafana, Datasette) can read the results.\n"
    "example: perfsql refresh && sqlite3 perf.db 'SELECT * FROM report_load_history'\n";
const char usage_sources[] =
    "usage: perfsql [-d DB] sources [--format FMT]\n"
    "Lists every load: source id, kind, uri, when, rows (the load_history view).\n"
    "example: perfsql sources\n";
const char usage_load[] =
    "usage: perfsql [-d DB] load KIND [--replace] ARGS...\n"
    "Loads a source in one transaction. The same content loaded twice is a no-op; a new\n"
    "file at an already-loaded path is a new load (nothing is ever deleted unasked);\n"
    "--replace drops the earlier load of that content and path (load perf: of that --name)\n"
    "and loads again. `perfsql help load KIND` (or `perfsql load KIND --help`) shows a\n"
    "kind's arguments and an example.\n"
    "example: perfsql load bench results.json --label main\n";
const char usage_export[] =
    "usage: perfsql [-d DB] export TARGET ARGS...\n"
    "Writes loaded data and reports as files in an upstream tool's layout, so existing\n"
    "workflows keep working. `perfsql help export TARGET` (or `perfsql export TARGET --help`)\n"
    "shows a target's arguments and an example.\n"
    "example: perfsql export kubevirt out/ci-performance-benchmarks\n";
const char usage_demo[] =
    "usage: perfsql [-d DB] demo [--out DIR] [--data DIR]\n"
    "Loads every bundled sample (from DIR, default the source tree's tests/data) into the\n"
    "database and writes every report and chart under --out (default out/).\n"
    "example: perfsql -d out/perf.db demo --out out\n";
const char usage_version[] =
    "usage: perfsql version\n"
    "Prints the versions of perfsql, SQLite, libcurl, libyaml, libtraceevent and libgd.\n"
    "example: perfsql version\n";
const char usage_help[] =
    "usage: perfsql help [COMMAND [SUBCOMMAND | KIND | TARGET]]\n"
    "Lists the commands; with COMMAND prints its usage, flags and an example (the same as\n"
    "`perfsql COMMAND --help`); `perfsql help load KIND` and `perfsql help export TARGET`\n"
    "print a load kind's or export target's.\n"
    "example: perfsql help load perf\n";

int cmd_init(Cli *cli, int argc, char **argv) {
  (void)argv;
  if (argc > 1) return cli_usage("init", "unexpected argument %s", argv[1]);
  if (cli_open(cli)) return EXIT_FAIL;
  sqlite3_stmt *st = 0;
  int version = 0, views = 0;
  if (sql_prepare(cli->db, "SELECT (SELECT user_version FROM pragma_user_version), "
                           "(SELECT count(*) FROM perfsql_view)", &st, 0) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    version = sqlite3_column_int(st, 0);
    views = sqlite3_column_int(st, 1);
  }
  sqlite3_finalize(st);
  if (!cli->quiet) printf("%s: schema version %d, %d views\n", cli->db_path, version, views);
  return EXIT_OK;
}

static char *read_stdin(void) {
  size_t cap = 4096, n = 0, r;
  char *s = malloc(cap);
  while ((r = fread(s + n, 1, cap - n - 1, stdin)) > 0) {
    n += r;
    if (n + 1 >= cap) s = realloc(s, cap *= 2);
  }
  s[n] = 0;
  return s;
}

int cmd_sql(Cli *cli, int argc, char **argv) {
  OutFormat f = FMT_TABLE;
  const char *sql = 0, *v;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--format", &v)) {
      if (format_parse(v, &f)) return cli_usage("sql", "unknown format '%s'", v);
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage("sql", "unknown option %s", argv[i]);
    } else if (sql) {
      return cli_usage("sql", "give the SQL as one argument (quote it)");
    } else {
      sql = argv[i];
    }
  }
  if (cli_open(cli)) return EXIT_FAIL;
  char *owned = 0;
  if (!sql || strcmp(sql, "-") == 0) sql = owned = read_stdin();
  int rc = format_query(cli->db, sql, f, stdout);
  free(owned);
  return rc ? EXIT_FAIL : EXIT_OK;
}

int cmd_views(Cli *cli, int argc, char **argv) {
  if (cli_open(cli)) return EXIT_FAIL;
  sqlite3_stmt *st = 0;
  if (argc > 1) {
    sql_prepare(cli->db, "SELECT doc FROM perfsql_view WHERE name = ?1", &st, 0);
    sql_bind_text(st, 1, argv[1]);
    int found = sqlite3_step(st) == SQLITE_ROW;
    if (found) printf("%s\n", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return found ? EXIT_OK : cli_fail("%s: no such canned view (see `perfsql views`)", argv[1]);
  }
  sql_prepare(cli->db, "SELECT domain AS domain, name AS view, summary FROM perfsql_view ORDER BY domain, name", &st,
              0);
  int rc = format_stmt(st, FMT_TABLE, stdout);
  sqlite3_finalize(st);
  return rc ? EXIT_FAIL : EXIT_OK;
}

int cmd_refresh(Cli *cli, int argc, char **argv) {
  if (cli_open(cli)) return EXIT_FAIL;
  sqlite3 *db = cli->db;
  sqlite3_stmt *st = 0;
  sql_prepare(db, "SELECT name FROM perfsql_view ORDER BY name", &st, 0);
  char **names = 0;
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    int wanted = argc <= 1;
    for (int i = 1; i < argc; i++) wanted |= strcmp(argv[i], name) == 0;
    if (!wanted) continue;
    names = realloc(names, sizeof(char *) * (size_t)(n + 1));
    names[n++] = strdup(name);
  }
  sqlite3_finalize(st);
  for (int i = 1; i < argc; i++) {
    int known = 0;
    for (int k = 0; k < n; k++) known |= strcmp(argv[i], names[k]) == 0;
    if (!known) {
      for (int k = 0; k < n; k++) free(names[k]);
      free(names);
      return cli_fail("%s: no such canned view (see `perfsql views`)", argv[i]);
    }
  }
  int rc = sql_exec(db, "BEGIN IMMEDIATE", 0);
  if (rc != SQLITE_OK) cli_fail("%s: refresh: %s", cli->db_path, sqlite3_errmsg(db));
  for (int k = 0; rc == SQLITE_OK && k < n; k++) {
    char *sql = sqlite3_mprintf("DROP TABLE IF EXISTS \"report_%w\"; "
                                "CREATE TABLE \"report_%w\" AS SELECT * FROM \"%w\";",
                                names[k], names[k], names[k]);
    char *err = 0;
    rc = sql_exec(db, sql, &err);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
      cli_fail("refresh %s: %s", names[k], err);
      sqlite3_free(err);
    } else if (!cli->quiet) {
      char *q = sqlite3_mprintf("SELECT count(*) FROM \"report_%w\"", names[k]);
      sqlite3_stmt *c = 0;
      if (sql_prepare(db, q, &c, 0) == SQLITE_OK && sqlite3_step(c) == SQLITE_ROW)
        printf("report_%s: %lld rows\n", names[k], sqlite3_column_int64(c, 0));
      sqlite3_finalize(c);
      sqlite3_free(q);
    }
  }
  if (rc == SQLITE_OK) {
    rc = sql_exec(db, "COMMIT", 0);
    if (rc != SQLITE_OK) cli_fail("%s: refresh: %s", cli->db_path, sqlite3_errmsg(db));
  }
  if (rc != SQLITE_OK) sql_exec(db, "ROLLBACK", 0);
  for (int k = 0; k < n; k++) free(names[k]);
  free(names);
  return rc == SQLITE_OK ? EXIT_OK : EXIT_FAIL;
}

int cmd_sources(Cli *cli, int argc, char **argv) {
  OutFormat f = FMT_TABLE;
  const char *v;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--format", &v)) {
      if (format_parse(v, &f)) return cli_usage("sources", "unknown format '%s'", v);
    } else {
      return cli_usage("sources", "unexpected argument %s", argv[i]);
    }
  }
  if (cli_open(cli)) return EXIT_FAIL;
  return format_query(cli->db, "SELECT source_id, kind, uri, loaded_at, total_rows, hash FROM load_history",
                      f, stdout) ? EXIT_FAIL : EXIT_OK;
}

static void list_kinds(FILE *out, const CliLoadKind *table, const char *title) {
  fprintf(out, "%s:\n", title);
  for (const CliLoadKind *k = table; k->kind; k++) fprintf(out, "  %-18s %s\n", k->kind, k->summary);
}

/* `perfsql load KIND ...` and `perfsql export TARGET ...`: find the row, pass
** argv from KIND on. */
static int dispatch_kind(Cli *cli, int argc, char **argv, const CliLoadKind *table, const char *usage,
                         const char *title) {
  if (argc < 2) {
    fprintf(stderr, "%s", usage);
    list_kinds(stderr, table, title);
    return EXIT_USAGE;
  }
  for (const CliLoadKind *k = table; k->kind; k++) {
    if (strcmp(k->kind, argv[1]) != 0) continue;
    return k->run(cli, argc - 1, argv + 1);
  }
  fprintf(stderr, "perfsql %s: unknown %s '%s'\n", argv[0], title[0] == 'k' ? "kind" : "target", argv[1]);
  list_kinds(stderr, table, title);
  return EXIT_USAGE;
}

int cmd_load(Cli *cli, int argc, char **argv) {
  return dispatch_kind(cli, argc, argv, cli_load_kinds, usage_load, "kinds");
}

int cmd_export(Cli *cli, int argc, char **argv) {
  return dispatch_kind(cli, argc, argv, cli_export_targets, usage_export, "targets");
}

int cmd_demo(Cli *cli, int argc, char **argv) {
  const char *out = "out", *data = PERFSQL_SOURCE_DIR "/tests/data", *v;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--out", &v)) out = v;
    else if (arg_value(argc, argv, &i, "--data", &v)) data = v;
    else return cli_usage("demo", "unexpected argument %s", argv[i]);
  }
  if (access(data, R_OK) != 0) return cli_fail("%s: bundled sample data not found (give --data DIR)", data);
  if (make_dirs(out) || cli_open(cli)) return EXIT_FAIL;
  /* The core step summarizes what the others loaded, so it runs last. */
  const CliDemoStep *core = 0;
  for (const CliDemoStep *s = cli_demo_steps; s->domain; s++) {
    if (strcmp(s->domain, "core") == 0) {
      core = s;
      continue;
    }
    if (!cli->quiet) printf("== demo: %s\n", s->domain);
    fflush(stdout);
    int rc = s->run(cli, data, out);
    if (rc) return cli_fail("demo step '%s' failed", s->domain), rc;
  }
  if (core && core->run(cli, data, out)) return EXIT_FAIL;
  char *args[] = {"refresh"};
  int q = cli->quiet;
  cli->quiet = 1;
  int rc = cmd_refresh(cli, 1, args);
  cli->quiet = q;
  if (rc) return rc;
  if (!cli->quiet) printf("demo: database %s, reports and charts under %s/\n", cli->db_path, out);
  return EXIT_OK;
}

/* The core's demo step, run after all the others: out/load_history.md lists
** every source the demo loaded, with its row counts. */
int demo_core(Cli *cli, const char *data_dir, const char *out_dir) {
  (void)data_dir;
  char *path = sqlite3_mprintf("%s/load_history.md", out_dir);
  FILE *f = fopen(path, "w");
  if (!f) {
    sqlite3_free(path);
    return cli_fail("%s: cannot write", out_dir);
  }
  fprintf(f, "# Sources loaded by the demo\n\n");
  format_query(cli->db, "SELECT source_id, kind, uri, total_rows, row_counts FROM load_history", FMT_MARKDOWN, f);
  fclose(f);
  sqlite3_free(path);
  return EXIT_OK;
}

int cmd_version(Cli *cli, int argc, char **argv) {
  (void)cli;
  (void)argc;
  (void)argv;
  printf("perfsql %s\nsqlite %s\n%s\n%s\n", PERFSQL_VERSION, sqlite3_libversion(), curl_version(),
         PERFSQL_BUILD_DEPS);
  return EXIT_OK;
}

/* The help of `words` (words[0] = a command; for load/export words[1] may
** name a kind or target): the command's usage, plus its kinds or targets, or
** the kind's own usage. Subcommands (`bench compare`) are documented in their
** command's usage, so they print it too. */
static int print_help_for(int nwords, char **words, int strict) {
  const CliCommand *c = cli_commands;
  while (c->name && strcmp(c->name, words[0]) != 0) c++;
  if (!c->name) {
    fprintf(stderr, "perfsql help: unknown command '%s' (see `perfsql help`)\n", words[0]);
    return EXIT_USAGE;
  }
  const CliLoadKind *table = strcmp(c->name, "load") == 0     ? cli_load_kinds
                             : strcmp(c->name, "export") == 0 ? cli_export_targets
                                                              : 0;
  const char *title = table == cli_load_kinds ? "kinds" : "targets";
  /* the first word that is not a flag */
  const char *sub = 0;
  for (int i = 1; i < nwords && !sub; i++)
    if (words[i][0] != '-') sub = words[i];
  if (table && sub) {
    for (const CliLoadKind *k = table; k->kind; k++)
      if (strcmp(k->kind, sub) == 0) return printf("%s", k->usage), EXIT_OK;
    fprintf(stderr, "perfsql help %s: unknown %s '%s'\n", c->name, table == cli_load_kinds ? "kind" : "target",
            sub);
    list_kinds(stderr, table, title);
    return EXIT_USAGE;
  }
  if (strict && sub && !table) {
    /* `perfsql help CMD SUB`: SUB must be one of the subcommands the usage shows. */
    char *a = sqlite3_mprintf("perfsql %s %s ", c->name, sub);
    char *b = sqlite3_mprintf("perfsql [-d DB] %s %s ", c->name, sub);
    int known = a && b && (strstr(c->usage, a) || strstr(c->usage, b));
    sqlite3_free(a);
    sqlite3_free(b);
    if (!known) {
      fprintf(stderr, "perfsql help %s: unknown subcommand '%s' (see `perfsql help %s`)\n", c->name, sub,
              c->name);
      return EXIT_USAGE;
    }
  }
  printf("%s", c->usage);
  if (table) list_kinds(stdout, table, title);
  return EXIT_OK;
}

/* `perfsql CMD ... --help` (cli/main.c): what `perfsql help CMD [KIND]` prints. */
int cli_help_for(int argc, char **argv) { return print_help_for(argc, argv, 0); }

int cmd_help(Cli *cli, int argc, char **argv) {
  (void)cli;
  if (argc > 1) return print_help_for(argc - 1, argv + 1, 1);
  printf("perfsql %s — performance analytics in one SQLite database\n\n"
         "usage: perfsql [-d DB] [--quiet] COMMAND [ARGS]\n"
         "  -d DB      the database (default perf.db, or $PERFSQL_DB)\n"
         "  --quiet    no progress or informational output\n\ncommands:\n", PERFSQL_VERSION);
  for (const CliCommand *c = cli_commands; c->name; c++) printf("  %-14s %s\n", c->name, c->summary);
  printf("\n`perfsql help COMMAND` (or `perfsql COMMAND --help`) shows a command's arguments and an\n"
         "example; `perfsql help load KIND` and `perfsql help export TARGET` those of a kind or target.\n");
  return EXIT_OK;
}
