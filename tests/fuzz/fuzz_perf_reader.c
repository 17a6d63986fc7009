/*
** fuzz_perf_reader.c — the perf.data reader on arbitrary bytes: never crash,
** never leak, never read outside the input; every failure is one line that
** names a byte offset.
*/
#include "unit.h"
#include "perf_reader.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static sqlite3 *db = 0;
  if (!db) db = unit_open(":memory:");   /* sets up the sqlite3 API table */
  PerfReader *r = NULL;
  char *err = NULL;
  if (perf_reader_open_mem("fuzz.data", data, size, &r, &err) == 0) {
    PerfEvent ev;
    PerfsqlBuf args = {0};
    int rc;
    while ((rc = perf_reader_next(r, &ev, &err)) == 1) {
      args.len = 0;
      perf_event_args_json(&ev, &args);
      if (!ev.name || !ev.comm) abort();
    }
    buf_free(&args);
    perf_reader_close(r);
    if (rc == 0 && err) abort();
  }
  if (err) {
    if (!strstr(err, "byte offset") || strchr(err, '\n')) abort();
    sqlite3_free(err);
  }
  return 0;
}
