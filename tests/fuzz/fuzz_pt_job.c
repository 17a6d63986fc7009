/*
** fuzz_pt_job.c — the PerfTracker job loader (pt_load_job_text) on arbitrary
** bytes: never crash, never leak; an error leaves the database exactly as it
** was (same source rows, no pt_* rows) and names a byte offset inside the
** input when it is a JSON syntax error.
*/
#include "unit.h"
#include "perftracker/perftracker.h"
#include <stdlib.h>

static sqlite3_int64 count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = 0;
  sqlite3_int64 n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static sqlite3 *db = 0;
  if (!db) {
    db = unit_open(":memory:");
    char *err = 0;
    if (perfsql_schema_install(db, &err) != SQLITE_OK) abort();
    progress_quiet = 1;
  }
  size_t off = pt_json_error_offset((const char *)data, size);
  if (off != (size_t)-1 && off > size) abort();
  sqlite3_int64 job = 0;
  char *err = 0;
  int st = pt_load_job_text(db, "fuzz.json", NULL, (const char *)data, size, 0, 1, &job, &err);
  if (st == LOAD_ERROR) {
    if (!err || strncmp(err, "fuzz.json:", 10) != 0) abort();
    if (count(db, "SELECT (SELECT count(*) FROM source) + (SELECT count(*) FROM pt_job)"
                  " + (SELECT count(*) FROM pt_test) + (SELECT count(*) FROM pt_env_node)") != 0)
      abort();
    sqlite3_free(err);
  } else {
    if (job <= 0 || count(db, "SELECT count(*) FROM pt_job") != 1) abort();
    sqlite3_exec(db, "PRAGMA foreign_keys=ON; DELETE FROM source", 0, 0, 0);
  }
  return 0;
}
