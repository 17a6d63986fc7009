/*
** cmd_traces.c — the traces domain of the CLI: `load perf`, `load taskmap`.
**
**  1. `perfsql load perf FILE --name CAPTURE [--map CSV] [--replace]`: one
**     transaction; a bad file is one line "perfsql: FILE: byte offset N: ...",
**     exit 1, database unchanged.
**  2. `perfsql load taskmap CSV --capture NAME [--replace]`: perfwhiz's
**     7-field annotation CSV; a bad row names its line.
*/
#include <string.h>

#include "cli.h"
#include "perf/perf_load.h"
#include "sql_stmt.h"

const char usage_load_perf[] =
    "usage: perfsql [-d DB] load perf FILE|- --name CAPTURE [--map tmap.csv] [--replace]\n"
    "Reads a perf.data file (perf record -e 'sched:*' -e 'kvm:*' ...) natively, or with '-' a perf pipe\n"
    "stream on standard input (perf record -o - ... | perfsql load perf - ...; bounded memory): every\n"
    "sample is written once, to its typed table (sched_switch, sched_wakeup, sched_migrate,\n"
    "sched_process, sched_stat, kvm_exit, kvm_entry) or to trace_event_other; the view trace_event\n"
    "shows all of them (tracepoint fields as JSON, by name; other perf events under perf's own names:\n"
    "cpu-clock, cycles, ...); runs and scheduling delays are derived while reading (sched_slice,\n"
    "sched_wait); events the kernel lost are counted with their time ranges (trace_loss)\n"
    "and reported. --map loads a perfwhiz task map for the capture in the same transaction.\n"
    "example: perfsql load perf perf.data --name baseline --map tmap.csv\n"
    "example: perf record -o - -a -e 'sched:*' -- sleep 1 | perfsql load perf - --name live\n";

const char usage_load_taskmap[] =
    "usage: perfsql [-d DB] load taskmap CSV --capture NAME [--replace]\n"
    "Loads perfwhiz's annotation CSV (tid,instance,type,uuid,group-type,group-id,task-name) into\n"
    "task_map for capture NAME; views name such tasks '<task-name>.<group-id>.<type>'.\n"
    "example: perfsql load taskmap tmap.csv --capture baseline\n";

/* After a task map was loaded for capture: warns (stderr, one line) when none of
** its tids occurs in that capture (task_map_match view), naming map and capture. */
static void warn_unmatched_map(Cli *cli, const char *map, const char *capture) {
  sqlite3_stmt *q = NULL;
  char *err = NULL;
  if (sql_prepare(cli->db, "SELECT loaded, map_rows, matched FROM task_map_match WHERE capture = ?1 "
                           "ORDER BY source_id DESC LIMIT 1", &q, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return;
  }
  sql_bind_text(q, 1, capture);
  if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 2) == 0) {
    if (!sqlite3_column_int(q, 0))
      fprintf(stderr, "perfsql: warning: task map %s is for capture '%s', which is not loaded; "
              "its names apply once it is\n", map, capture);
    else
      fprintf(stderr, "perfsql: warning: task map %s: none of its %d tids occurs in capture '%s' "
              "(a map of another run?); the capture keeps its thread names\n", map, sqlite3_column_int(q, 1),
              capture);
  }
  sqlite3_finalize(q);
}

int load_perf(Cli *cli, int argc, char **argv) {
  const char *file = NULL, *name = NULL, *map = NULL, *v;
  int replace = 0;
  for (int i = 1, rc; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--name", &v)) name = v;
    else if (arg_value(argc, argv, &i, "--map", &v)) map = v;
    else if (arg_flag(argv, i, "--replace")) replace = 1;
    else if ((rc = arg_positional("load perf", argv, i, &file))) return rc;
  }
  if (!file) return cli_usage("load perf", "missing FILE");
  if (!name) return cli_usage("load perf", "missing --name CAPTURE");
  if (cli_open(cli)) return EXIT_FAIL;
  char *err = NULL;
  if (perf_load_file(cli->db, file, name, map, replace, cli->quiet, &err)) return cli_done(1, &err, "load failed");
  if (map) warn_unmatched_map(cli, map, name);
  return EXIT_OK;
}

int load_taskmap(Cli *cli, int argc, char **argv) {
  const char *file = NULL, *capture = NULL, *v;
  int replace = 0;
  for (int i = 1, rc; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--capture", &v)) capture = v;
    else if (arg_flag(argv, i, "--replace")) replace = 1;
    else if ((rc = arg_positional("load taskmap", argv, i, &file))) return rc;
  }
  if (!file) return cli_usage("load taskmap", "missing CSV");
  if (!capture) return cli_usage("load taskmap", "missing --capture NAME");
  if (cli_open(cli)) return EXIT_FAIL;
  char *err = NULL;
  if (taskmap_load(cli->db, file, capture, replace, cli->quiet, &err)) return cli_done(1, &err, "load failed");
  warn_unmatched_map(cli, file, capture);
  return EXIT_OK;
}
