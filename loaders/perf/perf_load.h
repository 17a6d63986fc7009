/*
** perf_load.h — loading perf.data captures and perfwhiz task maps (perf_load.c).
*/
#ifndef PERFSQL_PERF_LOAD_H
#define PERFSQL_PERF_LOAD_H

#include "perfsql.h"

typedef struct TaskMapRow { long tid, line; char *f[7]; } TaskMapRow;
typedef struct TaskMap { TaskMapRow *rows; int n; } TaskMap;

/* Parses a perfwhiz task map CSV. 0, or -1 with *pzErr = "<file>:line N: <what>". */
int taskmap_parse(const char *path, TaskMap *m, char **pzErr);
void taskmap_free(TaskMap *m);
/* Inserts the parsed rows for capture (inside the caller's transaction). */
int taskmap_insert(sqlite3 *db, sqlite3_int64 source_id, const char *capture, const TaskMap *m,
                   const char *path, char **pzErr);
/* `perfsql load taskmap CSV --capture NAME`: its own load (kind 'taskmap'). */
int taskmap_load(sqlite3 *db, const char *path, const char *capture, int replace, int quiet,
                 char **pzErr);
/* `perfsql load perf FILE --name CAPTURE [--map CSV]`: one transaction. */
int perf_load_file(sqlite3 *db, const char *path, const char *capture, const char *map_path,
                   int replace, int quiet, char **pzErr);

#endif
