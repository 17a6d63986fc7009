/*
** fuzz_bench_thresholds.c — the thresholds YAML parser on arbitrary bytes:
** never crash or leak; errors are one line "<name>:line L, column C: ..." or
** "<name>: ..."; a parsed file resolves any name to a threshold >= 0.
*/
#include "unit.h"
#include "bench.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static sqlite3 *db = 0;
  if (!db) db = unit_open(":memory:");
  BenchThresholds t;
  char *err = 0;
  if (bench_thresholds_parse("t.yaml", (const char *)data, size, &t, &err) != 0) {
    if (!err || strncmp(err, "t.yaml:", 7) != 0 || strchr(err, '\n')) abort();
    sqlite3_free(err);
    return 0;
  }
  static const char *names[] = {"a", "x_bandwidth", "BM_Sort/8:real_time", "items_per_second", ""};
  for (int i = 0; i < 5; i++) {
    double pct;
    int better;
    bench_thresholds_resolve(&t, names[i], &pct, &better);
    if (!(pct >= 0) || (better != BETTER_LOWER && better != BETTER_HIGHER)) abort();
  }
  bench_thresholds_free(&t);
  return 0;
}
