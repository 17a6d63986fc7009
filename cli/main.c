/*
** main.c — `perfsql [-d DB] [--quiet] COMMAND [ARGS]`: global flags, opening
** the database, dispatch through cli_commands[] (cli/registry.c).
*/
#include "cli.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int sqlite3_perfsql_init(sqlite3 *, char **, const void *);
extern int progress_quiet;
int perfsql_schema_install(sqlite3 *db, char **pzErr);

int cli_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("perfsql: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "perfsql %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n(see `perfsql help %s`)\n", cmd);
  va_end(ap);
  return EXIT_USAGE;
}

int cli_open(Cli *cli) {
  if (cli->db) return 0;
  /* Parent directory of the database, so `-d out/perf.db` works on a fresh tree. */
  const char *slash = strrchr(cli->db_path, '/');
  if (slash && slash != cli->db_path) {
    char *dir = sqlite3_mprintf("%.*s", (int)(slash - cli->db_path), cli->db_path);
    int rc = make_dirs(dir);
    sqlite3_free(dir);
    if (rc) return -1;
  }
  if (sqlite3_open_v2(cli->db_path, &cli->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 0) != SQLITE_OK) {
    cli_fail("%s: %s", cli->db_path, sqlite3_errmsg(cli->db));
    sqlite3_close(cli->db);
    cli->db = 0;
    return -1;
  }
  sqlite3_busy_timeout(cli->db, 10000);
  char *err = 0;
  sqlite3_exec(cli->db, "PRAGMA foreign_keys=ON", 0, 0, 0);
  if (perfsql_schema_install(cli->db, &err) != SQLITE_OK) {
    cli_fail("%s: %s", cli->db_path, err ? err : sqlite3_errmsg(cli->db));
    sqlite3_free(err);
    return -1;
  }
  return 0;
}

static const CliCommand *find_command(const char *name) {
  for (const CliCommand *c = cli_commands; c->name; c++)
    if (strcmp(c->name, name) == 0) return c;
  return 0;
}

int main(int argc, char **argv) {
  Cli cli = {0};
  cli.db_path = getenv("PERFSQL_DB") ? getenv("PERFSQL_DB") : "perf.db";
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *v;
    if (arg_value(argc, argv, &i, "-d", &v) || arg_value(argc, argv, &i, "--db", &v)) {
      cli.db_path = v;
    } else if (arg_flag(argv, i, "--quiet") || arg_flag(argv, i, "-q")) {
      cli.quiet = 1;
    } else if (arg_flag(argv, i, "--help") || arg_flag(argv, i, "-h")) {
      break;
    } else if (arg_flag(argv, i, "--version")) {
      argv[i] = "version";
      break;
    } else {
      fprintf(stderr, "perfsql: unknown option %s (see `perfsql help`)\n", argv[i]);
      return EXIT_USAGE;
    }
  }
  progress_quiet = cli.quiet;
  sqlite3_auto_extension((void (*)(void))sqlite3_perfsql_init);
  /* The CLI's files may use ext/ helpers (sql_stmt.h), which call SQLite through
  ** the extension's API table: opening one connection sets it (SQLite passes it
  ** to sqlite3_perfsql_init), so it is valid before any command runs. */
  sqlite3 *boot = 0;
  sqlite3_open_v2(":memory:", &boot, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, 0);
  sqlite3_close(boot);
  if (i >= argc || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
    char *help[] = {"help"};
    int rc = find_command("help")->run(&cli, 1, help);
    return i >= argc ? EXIT_USAGE : rc;
  }
  const CliCommand *c = find_command(argv[i]);
  if (!c) {
    fprintf(stderr, "perfsql: unknown command '%s' (see `perfsql help`)\n", argv[i]);
    return EXIT_USAGE;
  }
  /* `--help` or `-h` anywhere after the command: its help, before anything runs. */
  for (int k = i + 1; k < argc; k++)
    if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) return cli_help_for(argc - i, argv + i);
  int rc = c->run(&cli, argc - i, argv + i);
  if (cli.db) {
    if (sqlite3_close(cli.db) != SQLITE_OK) sqlite3_close_v2(cli.db);
  }
  return rc;
}
