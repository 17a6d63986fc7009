/*
** fuzz_parse_time.c — perfsql_parse_time() and week_start()/iso_week() on
** arbitrary bytes: never crash, never leak, and they agree — text the parser
** accepts within years 0001-9999 gives a week through SQL, text it rejects
** gives the "cannot parse time" error, and a result is always well formed.
*/
#include "unit.h"
#include <math.h>
#include <stdlib.h>

#undef sqlite3_prepare_v2
#undef sqlite3_bind_text
#undef sqlite3_step
#undef sqlite3_reset
#undef sqlite3_column_text
#undef sqlite3_errmsg
int sqlite3_prepare_v2(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
int sqlite3_bind_text(sqlite3_stmt *, int, const char *, int, void (*)(void *));
int sqlite3_step(sqlite3_stmt *);
int sqlite3_reset(sqlite3_stmt *);
const unsigned char *sqlite3_column_text(sqlite3_stmt *, int);
const char *sqlite3_errmsg(sqlite3 *);

static int well_formed(const unsigned char *s, const char *pattern) {
  /* pattern: 'd' = digit, other characters literal */
  for (; *pattern; pattern++, s++) {
    if (*pattern == 'd' ? !(*s >= '0' && *s <= '9') : *s != (unsigned char)*pattern) return 0;
  }
  return *s == 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static sqlite3 *db = 0;
  static sqlite3_stmt *st = 0;
  if (!db) {
    db = unit_open(":memory:");
    if (sqlite3_prepare_v2(db, "SELECT week_start(?1), iso_week(?1), week_start(?1, 'sunday')", -1, &st, 0))
      abort();
  }
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = 0;
  double t = 0;
  int parsed = perfsql_parse_time(s, &t) == 0;
  if (parsed && !isfinite(t)) abort();
  if (strlen(s) == size) {   /* SQL text stops at a NUL byte: compare only whole strings */
    sqlite3_bind_text(st, 1, s, (int)size, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    /* a second of margin: secs + fraction may round across a range end */
    int in_range = parsed && t >= -62135596799.0 && t < 253402300799.0;
    if (rc == SQLITE_ROW) {
      if (!parsed) abort();
      if (!well_formed(sqlite3_column_text(st, 0), "dddd-dd-dd")) abort();
      if (!well_formed(sqlite3_column_text(st, 1), "dddd-Wdd")) abort();
      if (!well_formed(sqlite3_column_text(st, 2), "dddd-dd-dd")) abort();
    } else {
      const char *msg = sqlite3_errmsg(db);
      if (in_range) abort();   /* accepted by the parser, in range: must give a week */
      if (!parsed && !strstr(msg, "cannot parse time")) abort();
    }
    sqlite3_reset(st);
  }
  free(s);
  return 0;
}
