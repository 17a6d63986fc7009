/*
** main.c — `perfsql [-d DB] [--quiet] COMMAND [ARGS]`: global flags, opening
** the database, dispatch through cli_commands[] (cli/registry.c).
*/
#include "cli.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sqlite3_perfsql_init(sqlite3 *, char **, const void *);
extern int progress_quiet;
int perfsql_schema_install(sqlite3 *db, char **pzErr);

/* The database and command of this run, named by every lock/busy message. */
static const char *g_db_path, *g_command;

/* Writes msg on one line: control characters (a newline in a file name...) are
** escaped as \n, \r, \t or \xNN so that an error stays one line. */
static void put_one_line(const char *msg, FILE *f) {
  for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
    if (*p == '\n') fputs("\\n", f);
    else if (*p == '\r') fputs("\\r", f);
    else if (*p == '\t') fputs("\\t", f);
    else if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\x%02x", *p);
    else fputc(*p, f);
  }
}

/* $PERFSQL_BUSY_TIMEOUT (milliseconds) overrides CLI_BUSY_TIMEOUT_MS. */
int cli_busy_timeout_ms(void) {
  const char *e = getenv("PERFSQL_BUSY_TIMEOUT");
  char *end;
  long v = e && *e ? strtol(e, &end, 10) : -1;
  return e && *e && !*end && v >= 0 && v <= 86400000L ? (int)v : CLI_BUSY_TIMEOUT_MS;
}

/* SQLITE_BUSY/SQLITE_LOCKED texts: the message then says which database and
** which command waited, and for how long. */
static int is_lock_message(const char *m) {
  return strstr(m, "database is locked") || strstr(m, "database table is locked") ||
         strstr(m, "database schema is locked") || strstr(m, "database is busy");
}

int cli_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  fputs("perfsql: ", stderr);
  put_one_line(msg ? msg : "out of memory", stderr);
  if (msg && is_lock_message(msg))
    fprintf(stderr, " (database %s, command `perfsql %s`: another connection held the lock for more than "
                    "the %d ms busy timeout; retry when it is done)",
            g_db_path ? g_db_path : "?", g_command ? g_command : "?", cli_busy_timeout_ms());
  fputc('\n', stderr);
  sqlite3_free(msg);
  return EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  fprintf(stderr, "perfsql %s: ", cmd);
  put_one_line(msg ? msg : "out of memory", stderr);
  fprintf(stderr, "\n(see `perfsql help %s`)\n", cmd);
  sqlite3_free(msg);
  return EXIT_USAGE;
}

/* Number of schema objects (tables, views, indexes, triggers) in the database. */
static int count_objects(sqlite3 *db) {
  sqlite3_stmt *st = 0;
  int n = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, 0) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return n;
}

int cli_open(Cli *cli) {
  if (cli->db) return 0;
  /* The database's directory must exist: a typo in -d must not create a tree. */
  struct stat sb;
  const char *slash = strrchr(cli->db_path, '/');
  if (slash && slash != cli->db_path) {
    char *dir = sqlite3_mprintf("%.*s", (int)(slash - cli->db_path), cli->db_path);
    int bad = stat(dir, &sb) != 0 ? errno : !S_ISDIR(sb.st_mode) ? ENOTDIR : 0;
    if (bad) {
      cli_fail("%s: cannot create the database: directory %s: %s", cli->db_path, dir, strerror(bad));
      sqlite3_free(dir);
      return -1;
    }
    sqlite3_free(dir);
  }
  /* NOMUTEX: the CLI uses its connection from one thread (loader worker threads open their
  ** own); skipping the connection mutex on every bind/step saves ~5% of a bulk load. */
  /* created = this process made the file (O_EXCL: not a concurrent creator's) */
  int plain = cli->db_path[0] && strcmp(cli->db_path, ":memory:") && strncmp(cli->db_path, "file:", 5);
  int fd = plain ? open(cli->db_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
  if (fd >= 0) close(fd);
  if (sqlite3_open_v2(cli->db_path, &cli->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      0) != SQLITE_OK) {
    cli_fail("%s: %s", cli->db_path, sqlite3_errmsg(cli->db));
    sqlite3_close(cli->db);
    cli->db = 0;
    if (fd >= 0) unlink(cli->db_path);
    return -1;
  }
  cli->created = fd >= 0;
  sqlite3_busy_timeout(cli->db, cli_busy_timeout_ms());
  /* Closing never checkpoints: the last connection's checkpoint-on-close takes an
  ** exclusive lock, and a plain `sqlite3` reader (no busy timeout) would then get
  ** "database is locked". Commits checkpoint PASSIVEly (wal_autocheckpoint), which
  ** never blocks a reader; journal_size_limit keeps the WAL file from staying big. */
  sqlite3_db_config(cli->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
  char *err = 0;
  sqlite3_exec(cli->db, "PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=67108864", 0, 0, 0);
  if (perfsql_schema_install(cli->db, &err) != SQLITE_OK) {
    cli_fail("%s: %s", cli->db_path, err ? err : sqlite3_errmsg(cli->db));
    sqlite3_free(err);
    return -1;
  }
  cli->schema_objects = count_objects(cli->db);
  return 0;
}

/* A command that failed on a database it created itself: remove the database
** again, unless something was stored in it or another process has it open (the
** lock SQLite's own last-close logic uses: an exclusive lock on the "DMS" byte of
** the -shm file and on the database's shared-lock range). */
static void remove_new_database(Cli *cli) {
  sqlite3_stmt *st = 0;
  int loads = 1;
  if (sqlite3_prepare_v2(cli->db, "SELECT count(*) FROM source", -1, &st, 0) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    loads = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  int objects = count_objects(cli->db);
  if (sqlite3_close(cli->db) != SQLITE_OK) sqlite3_close_v2(cli->db);
  cli->db = 0;
  if (loads != 0 || objects != cli->schema_objects) return;
  char *shm = sqlite3_mprintf("%s-shm", cli->db_path), *wal = sqlite3_mprintf("%s-wal", cli->db_path);
  int fdb = open(cli->db_path, O_RDWR | O_CLOEXEC), fshm = shm ? open(shm, O_RDWR | O_CLOEXEC) : -1;
  struct flock dms = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};
  struct flock shared = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0x40000002, .l_len = 510};
  int unused = fdb >= 0 && fcntl(fdb, F_SETLK, &shared) == 0 && (fshm < 0 || fcntl(fshm, F_SETLK, &dms) == 0);
  if (unused && wal && shm) {
    unlink(wal);
    unlink(shm);
    unlink(cli->db_path);
  }
  if (fshm >= 0) close(fshm);
  if (fdb >= 0) close(fdb);
  sqlite3_free(shm);
  sqlite3_free(wal);
}

static const CliCommand *find_command(const char *name) {
  for (const CliCommand *c = cli_commands; c->name; c++)
    if (strcmp(c->name, name) == 0) return c;
  return 0;
}

int main(int argc, char **argv) {
  /* No memory statistics (nothing reads them): SQLite then takes no global mutex on each
  ** of its allocations. Must come before SQLite initializes. */
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
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
  g_db_path = cli.db_path;
  g_command = argv[i];
  int rc = c->run(&cli, argc - i, argv + i);
  /* a failed first load leaves no new empty database behind */
  if (cli.db && rc != EXIT_OK && cli.created) remove_new_database(&cli);
  if (cli.db) {
    if (sqlite3_close(cli.db) != SQLITE_OK) sqlite3_close_v2(cli.db);
  }
  return rc;
}
