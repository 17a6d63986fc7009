/*
** bench_load.h — loads one benchmark result file as one run (bench_run +
** bench_value rows), in one load transaction (loaders/common/load.h).
*/
#ifndef PERFSQL_BENCH_LOAD_H
#define PERFSQL_BENCH_LOAD_H

#include "common/load.h"

typedef struct BenchRunInfo {
  const char *label;       /* required */
  const char *commit;      /* NULL: from the file (seed metadata.git_commit) */
  const char *host;        /* NULL: from the file (context.host_name), else gethostname() */
  const char *timestamp;   /* NULL: from the file, else the load time */
  int replace;             /* --replace */
} BenchRunInfo;

/* Loads path. Returns LOAD_NEW or LOAD_DUPLICATE with *run_id set (the new
** run, or the run already loaded from the same content and identity), or
** LOAD_ERROR with *pzErr = "<path>:<position>: <what>" and the database
** unchanged. ld receives the load (for load_report). */
int bench_load_file(sqlite3 *db, const char *path, const BenchRunInfo *info, PerfsqlLoad *ld,
                    sqlite3_int64 *run_id, char **pzErr);

/* The same for content already in memory; path names it (uri, messages). */
int bench_load_buffer(sqlite3 *db, const char *path, const char *text, size_t len, const BenchRunInfo *info,
                      PerfsqlLoad *ld, sqlite3_int64 *run_id, char **pzErr);

/* Detected format of a buffer: "gbench-json", "seed-json", "csv", or NULL
** (JSON that is neither). Exposed for tests and the fuzz target. */
const char *bench_detect_format(sqlite3 *db, const char *text, size_t len);

/* Rewrites the non-standard JSON tokens Google Benchmark may print (NaN,
** Infinity, -Infinity) outside strings into null / 1e999 / -1e999, and checks
** strings and brackets. Returns a sqlite3_malloc'd NUL-terminated copy, or NULL
** with *pzErr = "<name>:line L, column C: <what>". */
char *bench_json_normalize(const char *name, const char *text, size_t len, char **pzErr);

#endif
