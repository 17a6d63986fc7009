/*
** cli.h — the perfsql command line: commands, load kinds and demo steps are
** each one table (cli/registry.c), one row per entry, grouped by domain.
**
** Conventions every command follows:
**   - exit codes: 0 ok, 1 failure (or a regression found by a check),
**     2 usage error (unknown flag, missing argument);
**   - errors: one line on stderr, "perfsql: <file or value>:<position>: <what>";
**   - results on stdout; progress on stderr only when it is a terminal and
**     --quiet was not given (see progress_update()).
*/
#ifndef PERFSQL_CLI_H
#define PERFSQL_CLI_H

#include <sqlite3.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct Cli {
  const char *db_path;    /* -d DB, default "perf.db" (or $PERFSQL_DB) */
  sqlite3 *db;            /* opened (extension registered, schema installed) lazily */
  int quiet;              /* --quiet */
  int created;            /* cli_open() created the database file (removed again if the command fails) */
  int schema_objects;     /* sqlite_schema rows right after the schema was installed */
} Cli;

/* How long a command waits for another connection's write lock: 10 s, or
** $PERFSQL_BUSY_TIMEOUT milliseconds (cli_busy_timeout_ms()). */
#define CLI_BUSY_TIMEOUT_MS 10000
int cli_busy_timeout_ms(void);

/* Opens cli->db if not yet open: registers the extension, enables foreign
** keys, installs/migrates the schema. Returns 0 or prints the error and returns -1. */
int cli_open(Cli *cli);

/* Prints "perfsql: <msg>" on stderr, and returns EXIT_FAIL. */
int cli_fail(const char *fmt, ...);
/* sql_prepare() for the CLI: on failure prints "perfsql: <what>: <SQLite's message>" (just the
** message when what is NULL) and returns -1; else 0. */
int cli_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what);
/* The end of a call that reports failure as a sqlite3_malloc'd message (loaders, exports):
** failed == 0 -> EXIT_OK; else prints *err (or fallback when NULL) like cli_fail and returns
** EXIT_FAIL. Frees *err either way. err is a pointer so that the call can be the first
** argument: cli_done(load(..., &err), &err, "load failed"). */
int cli_done(int failed, char **err, const char *fallback);
/* Prints "perfsql <cmd>: <msg>\nusage: ..." on stderr and returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...);

typedef struct CliCommand {
  const char *name;        /* "init", "load", "bench", ... */
  int (*run)(Cli *cli, int argc, char **argv);   /* argv[0] is the command name */
  const char *summary;     /* one line for `perfsql help` */
  const char *usage;       /* full text for `perfsql help NAME` (usage line, flags, example) */
} CliCommand;

typedef struct CliLoadKind {
  const char *kind;        /* `perfsql load KIND ...` */
  int (*run)(Cli *cli, int argc, char **argv);   /* argv[0] is KIND */
  const char *summary;
  const char *usage;
} CliLoadKind;

/* One step of `perfsql demo`: loads its bundled samples from data_dir
** (tests/data of the source tree unless --data) into cli->db and writes its
** reports and charts under out_dir/<domain>/. Returns 0 or an EXIT_ code. */
typedef struct CliDemoStep {
  const char *domain;
  int (*run)(Cli *cli, const char *data_dir, const char *out_dir);
} CliDemoStep;

extern const CliCommand cli_commands[];
extern const CliLoadKind cli_load_kinds[];
/* `perfsql export TARGET ...` uses the same shape: kind = the target's name. */
extern const CliLoadKind cli_export_targets[];
extern const CliDemoStep cli_demo_steps[];

/* `perfsql CMD ... --help` (any position, any subcommand): prints what
** `perfsql help CMD` prints (for load/export: `perfsql help load KIND`).
** argv[0] is the command. Never opens the database. */
int cli_help_for(int argc, char **argv);

/* ---- output (cli/format.c) --------------------------------------------- */
typedef enum { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_MARKDOWN } OutFormat;
int format_parse(const char *name, OutFormat *f);       /* 0 ok, -1 unknown */
/* Runs every statement in sql and prints the rows of each to out. Returns 0 or
** prints the error (with the statement's position) and returns -1. */
int format_query(sqlite3 *db, const char *sql, OutFormat f, FILE *out);
/* Prints the rows of one prepared statement (stepping it to the end). */
int format_stmt(sqlite3_stmt *st, OutFormat f, FILE *out);

/* ---- small argument helpers (cli/args.c) -------------------------------- */
/* Matches "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i. */
int arg_value(int argc, char **argv, int *i, const char *name, const char **value);
int arg_flag(char **argv, int i, const char *name);
/* The last case of an option loop for a command with one positional argument: an unknown
** option ("-x"; "-" alone is an argument) or a second argument is a usage error of cmd
** (returns EXIT_USAGE); the first argument goes to *slot (returns EXIT_OK). */
int arg_positional(const char *cmd, char **argv, int i, const char **slot);

/* Writes a file (creating parent directories) atomically: a temporary file in the
** same directory renamed over path, so a failure never leaves a partial file.
** 0 ok, -1 with message printed. */
int write_file_path(const char *path, const void *data, size_t n);
int make_dirs(const char *dir);

/* A safe single path component (file or directory name) made from any name taken
** from loaded data (job, metric, topic, capture...): never empty, no '/', no
** leading '.', no control characters or shell specials (each becomes '_'), valid
** UTF-8 kept, at most 96 bytes + suffix. A name that is already safe comes back
** unchanged; any other gets "-<10 hex digits of a hash of the original>" (before
** a short extension such as ".png"), so two names that clean up alike stay
** distinct and the result is the same on every run. sqlite3_malloc'd (NULL only
** when out of memory). Every command that builds a path from data uses it. */
char *safe_path_component(const char *name);

#endif
