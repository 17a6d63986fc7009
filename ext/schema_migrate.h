/*
** schema_migrate.h — applying the embedded migrations sql/NNN_<name>.sql.
** Shared by schema.c (perfsql_init) and the build-time generator of the
** baseline schema (schema_baseline_gen.c), so both apply them the same way.
*/
#ifndef PERFSQL_SCHEMA_MIGRATE_H
#define PERFSQL_SCHEMA_MIGRATE_H

#include <sqlite3.h>

/* "sql/001_core.sql" -> 1; any other embedded path -> -1. */
int perfsql_migration_number(const char *path);
/* The highest NNN among the embedded migrations. */
int perfsql_last_migration(void);
/* sql_exec, with `what` (the file or step that failed) in front of SQLite's message. */
int perfsql_schema_exec(sqlite3 *db, const char *sql, const char *what, char **pzErr);
/* Applies, in NNN order, every embedded migration with NNN > version; *last =
** the last one applied (version when none). Stops at the first failure and
** names its file in *pzErr. No transaction and no user_version: the caller's. */
int perfsql_apply_migrations(sqlite3 *db, int version, int *last, char **pzErr);

/* The baseline (generated at build time from sql/ by schema_baseline_gen.c):
** the CREATE statements of the schema that applying every migration to an
** empty database produces, in sqlite_schema rowid order, plus INSERTs of the
** rows the migrations leave in its tables; perfsql_baseline_version = the last
** migration it contains. */
extern const char perfsql_baseline_sql[];
extern const int perfsql_baseline_version;

#endif
