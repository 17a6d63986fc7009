/*
** test_stats_errors.c — the stats functions' error paths free what they
** allocated: errors raised in the middle of a window (after the frame's
** heaps exist, with a value held back for a replace), in a plain aggregate,
** for a changing percentile p, and annotate_tid without task_map. Run under
** AddressSanitizer's leak checker, a leak fails this test; each statement's
** exact error message is checked too.
*/
#include "unit.h"

static char *run(sqlite3 *db, const char *sql) {
  char *err = 0;
  sqlite3_exec(db, sql, 0, 0, &err);
  return err;
}

#define SERIES(n) "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < " #n ") SELECT i FROM s)"

int main(void) {
  sqlite3 *db = unit_open(":memory:");
  CHECK(db != 0);
  static const struct {
    const char *sql, *err;
  } cases[] = {
      {"SELECT sliding_median(CASE WHEN i = 500 THEN 1e999 ELSE i END) OVER (ORDER BY i ROWS BETWEEN 20 PRECEDING AND 20 FOLLOWING) FROM " SERIES(1000),
       "sliding_median: input is Inf; infinite values are not allowed"},
      {"SELECT percentile(CASE WHEN i = 700 THEN 'x' ELSE i END, 90) OVER (ORDER BY i ROWS 50 PRECEDING) FROM " SERIES(1000),
       "percentile: input is not a number: 'x'"},
      {"SELECT median(CASE WHEN i = 3000 THEN -1e999 ELSE i END) FROM " SERIES(5000),
       "median: input is -Inf; infinite values are not allowed"},
      {"SELECT percentile(i, CASE WHEN i < 900 THEN 50 ELSE 60 END) OVER (ORDER BY i ROWS UNBOUNDED PRECEDING) FROM " SERIES(1000),
       "percentile: p must be the same for all rows (50.0, then 60.0)"},
      {"SELECT percentile(i, 120) FROM " SERIES(10), "percentile: p must be a number between 0 and 100, not 120"},
      {"SELECT annotate_tid(i, 'x') FROM " SERIES(10), "annotate_tid: cannot read task_map: no such table: task_map"},
      {"SELECT heatmap_bin(i, 0) FROM " SERIES(10), "heatmap_bin: width must be > 0, not 0"},
      {"SELECT week_start('x' || i) FROM " SERIES(10),
       "week_start: cannot parse time 'x1' (want ISO-8601 text or unix seconds)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *err = run(db, cases[i].sql);
    CHECK_STR(err, cases[i].err);
    sqlite3_free(err);
  }
  /* the same connection still works afterwards */
  char *err = run(db, "SELECT sliding_median(i) OVER (ORDER BY i ROWS 3 PRECEDING), median(i) OVER () FROM " SERIES(100));
  CHECK(err == 0);
  sqlite3_free(err);
  sqlite3_close(db);
  return unit_done();
}
