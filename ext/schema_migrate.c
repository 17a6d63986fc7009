/*
** schema_migrate.c — applies the embedded migrations (see schema_migrate.h).
** Compiled into perfsql's core and into the build-time generator
** schema_baseline_gen.c, which links libsqlite3 only: this file therefore
** needs nothing of perfsql but the embedded files and sql_stmt.c.
*/
#include "perfsql.h"
#include "schema_migrate.h"
#include "sql_stmt.h"
#include <stdlib.h>
#include <string.h>

int perfsql_migration_number(const char *path) {
  if (strncmp(path, "sql/", 4) != 0) return -1;
  const char *p = path + 4;
  if (p[0] < '0' || p[0] > '9') return -1;
  return atoi(p);
}

int perfsql_last_migration(void) {
  int last = 0;
  for (int i = 0; i < perfsql_embedded_count; i++) {
    int n = perfsql_migration_number(perfsql_embedded_files[i].path);
    if (n > last) last = n;
  }
  return last;
}

int perfsql_schema_exec(sqlite3 *db, const char *sql, const char *what, char **pzErr) {
  char *e = 0;
  int rc = sql_exec(db, sql, &e);
  if (rc != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("%s: %s", what, e);
    sqlite3_free(e);
  }
  return rc;
}

int perfsql_apply_migrations(sqlite3 *db, int version, int *last, char **pzErr) {
  int rc = SQLITE_OK;
  *last = version;
  /* Embedded files are sorted by path, so migrations come in NNN order. */
  for (int i = 0; rc == SQLITE_OK && i < perfsql_embedded_count; i++) {
    int n = perfsql_migration_number(perfsql_embedded_files[i].path);
    if (n < 0 || n <= version) continue;
    rc = perfsql_schema_exec(db, perfsql_embedded_files[i].text, perfsql_embedded_files[i].path, pzErr);
    if (rc == SQLITE_OK) *last = n;
  }
  return rc;
}
