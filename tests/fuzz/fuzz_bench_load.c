/*
** fuzz_bench_load.c — the benchmark loader (format detection, the JSON
** normalizer, Google Benchmark / seed JSON / CSV readers) on arbitrary bytes:
** never crash or leak; an error is one line naming the input; a failed load
** leaves no rows; a successful one can be compared with itself.
*/
#include "unit.h"
#include "bench/bench_load.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static sqlite3 *db = 0;
  if (!db) {
    char *err = 0;
    db = unit_open(":memory:");
    if (perfsql_schema_install(db, &err) != SQLITE_OK) abort();
  }
  BenchRunInfo info = {.label = "fuzz", .timestamp = "2026-01-01T00:00:00Z", .host = "h"};
  PerfsqlLoad ld;
  sqlite3_int64 run = 0;
  char *err = 0;
  int st = bench_load_buffer(db, "fuzz", (const char *)data, size, &info, &ld, &run, &err);
  if (st == LOAD_ERROR) {
    if (!err || strncmp(err, "fuzz", 4) != 0 || strchr(err, '\n')) abort();
    sqlite3_stmt *q = 0;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM bench_value", -1, &q, 0);
    if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int(q, 0) != 0) abort();
    sqlite3_finalize(q);
  } else if (st == LOAD_NEW) {
    char *sql = sqlite3_mprintf("SELECT count(*) FROM bench_compare(%lld, %lld)", run, run);
    sqlite3_exec(db, sql, 0, 0, 0);
    sqlite3_free(sql);
  }
  sqlite3_free(err);
  load_free(&ld);
  sqlite3_exec(db, "DELETE FROM source", 0, 0, 0);
  return 0;
}
