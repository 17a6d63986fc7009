/*
** unit.h — a tiny harness for C unit tests (tests/<dir>/test_*.c).
**
** The core objects call SQLite through the extension API table (ext/perfsql.h),
** which is valid only once perfsql has been registered on a connection. So a
** test opens its databases with unit_open(), which registers perfsql as an auto
** extension first, through the real (non-macro) SQLite entry points.
**
**   int main(void) { ...; CHECK(x == 1); CHECK_STR(s, "a"); ...; return unit_done(); }
*/
#ifndef PERFSQL_UNIT_H
#define PERFSQL_UNIT_H
#include "perfsql.h"
#include <stdio.h>
#include <string.h>

#undef sqlite3_auto_extension
#undef sqlite3_open_v2
int sqlite3_auto_extension(void (*)(void));
int sqlite3_open_v2(const char *, sqlite3 **, int, const char *);

static int unit_failures = 0, unit_checks = 0;
#define CHECK(cond) do { unit_checks++; if (!(cond)) { unit_failures++; \
  fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); unit_checks++; \
  if (!a_ || !b_ || strcmp(a_, b_) != 0) { unit_failures++; \
  fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)

/* Opens a database with perfsql registered (":memory:" for a scratch one). */
static inline sqlite3 *unit_open(const char *path) {
  static int registered = 0;
  if (!registered) {
    sqlite3_auto_extension((void (*)(void))sqlite3_perfsql_init);
    registered = 1;
  }
  sqlite3 *db = 0;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 0) != SQLITE_OK) {
    fprintf(stderr, "cannot open %s\n", path);
    return 0;
  }
  return db;
}

/* Prints the plain closing line CI reads, returns the exit code. */
static inline int unit_done(void) {
  printf("%d passed, %d failed\n", unit_checks - unit_failures, unit_failures);
  return unit_failures != 0;
}
#endif
