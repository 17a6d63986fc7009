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

const char usage_load_perf[] =
    "usage: perfsql [-d DB] load perf FILE --name CAPTURE [--map tmap.csv] [--replace]\n"
    "Reads a perf.data file (perf record -e 'sched:*' -e 'kvm:*' ...) natively: every tracepoint\n"
    "sample goes to trace_event (fields as JSON, by name) and the typed tables sched_switch,\n"
    "sched_wakeup, sched_migrate, sched_process, sched_stat, kvm_exit, kvm_entry. --map loads a\n"
    "perfwhiz task map for the capture in the same transaction.\n"
    "example: perfsql load perf perf.data --name baseline --map tmap.csv\n";

const char usage_load_taskmap[] =
    "usage: perfsql [-d DB] load taskmap CSV --capture NAME [--replace]\n"
    "Loads perfwhiz's annotation CSV (tid,instance,type,uuid,group-type,group-id,task-name) into\n"
    "task_map for capture NAME; views name such tasks '<task-name>.<group-id>.<type>'.\n"
    "example: perfsql load taskmap tmap.csv --capture baseline\n";

int load_perf(Cli *cli, int argc, char **argv) {
  const char *file = NULL, *name = NULL, *map = NULL, *v;
  int replace = 0;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--name", &v)) name = v;
    else if (arg_value(argc, argv, &i, "--map", &v)) map = v;
    else if (arg_flag(argv, i, "--replace")) replace = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("load perf", "unknown option %s", argv[i]);
    else if (!file) file = argv[i];
    else return cli_usage("load perf", "unexpected argument %s", argv[i]);
  }
  if (!file) return cli_usage("load perf", "missing FILE");
  if (!name) return cli_usage("load perf", "missing --name CAPTURE");
  if (cli_open(cli)) return EXIT_FAIL;
  char *err = NULL;
  if (perf_load_file(cli->db, file, name, map, replace, cli->quiet, &err)) {
    int rc = cli_fail("%s", err ? err : "load failed");
    sqlite3_free(err);
    return rc;
  }
  return EXIT_OK;
}

int load_taskmap(Cli *cli, int argc, char **argv) {
  const char *file = NULL, *capture = NULL, *v;
  int replace = 0;
  for (int i = 1; i < argc; i++) {
    if (arg_value(argc, argv, &i, "--capture", &v)) capture = v;
    else if (arg_flag(argv, i, "--replace")) replace = 1;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("load taskmap", "unknown option %s", argv[i]);
    else if (!file) file = argv[i];
    else return cli_usage("load taskmap", "unexpected argument %s", argv[i]);
  }
  if (!file) return cli_usage("load taskmap", "missing CSV");
  if (!capture) return cli_usage("load taskmap", "missing --capture NAME");
  if (cli_open(cli)) return EXIT_FAIL;
  char *err = NULL;
  if (taskmap_load(cli->db, file, capture, replace, cli->quiet, &err)) {
    int rc = cli_fail("%s", err ? err : "load failed");
    sqlite3_free(err);
    return rc;
  }
  return EXIT_OK;
}
