/*
** perfsql.h — what every part of perfsql shares: the registration entry
** types, the entry point, schema installation and small utilities.
**
** Build model. Every .c file under ext/ and loaders/ is compiled once, with
** <sqlite3ext.h>, into one object library. That library is linked into
**   - perfsql.so, loaded by `.load ./perfsql` (sqlite3 shell) or
**     Connection.load_extension() (Python); SQLite hands us its API table;
**   - the perfsql CLI, which calls sqlite3_auto_extension(sqlite3_perfsql_init)
**     before opening a database, so SQLite hands the same table to the same
**     code.  All sqlite3_* calls in ext/ and loaders/ therefore go through
**     `sqlite3_api`, which is valid as soon as one connection is open.
** Files other than ext/perfsql.c start with SQLITE_EXTENSION_INIT3 (via this
** header).
*/
#ifndef PERFSQL_H
#define PERFSQL_H

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stddef.h>
#include <stdint.h>

/* PERFSQL_VERSION comes from CMake (project version). */

/* Flags used in the registration table (ext/perfsql.c). */
#define PF_PURE   (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)
#define PF_READS  (SQLITE_UTF8 | SQLITE_INNOCUOUS)   /* reads tables, same args may differ */
#define PF_IO     (SQLITE_UTF8 | SQLITE_DIRECTONLY)  /* touches files or the network */

/* One SQL function, aggregate or window function. */
typedef struct PerfsqlFunction {
  const char *name;
  int n_arg;                 /* -1 = variadic */
  int flags;                 /* PF_* above */
  void (*x_func)(sqlite3_context *, int, sqlite3_value **);
  void (*x_step)(sqlite3_context *, int, sqlite3_value **);
  void (*x_final)(sqlite3_context *);
  void (*x_value)(sqlite3_context *);    /* window functions only */
  void (*x_inverse)(sqlite3_context *, int, sqlite3_value **);
} PerfsqlFunction;

/* One virtual table module (table-valued functions included). */
typedef struct PerfsqlModule {
  const char *name;
  const sqlite3_module *module;
} PerfsqlModule;

/* The one symbol perfsql.so exports: everything else is built with hidden
** visibility (CMakeLists.txt, ext/perfsql.map). */
#ifdef _WIN32
#define PERFSQL_EXPORT __declspec(dllexport)
#else
#define PERFSQL_EXPORT __attribute__((visibility("default")))
#endif
PERFSQL_EXPORT int sqlite3_perfsql_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

/* ---- schema (ext/schema.c) -------------------------------------------- */

/* Files under sql/ and views/, embedded at build time (generated file). */
typedef struct PerfsqlEmbedded {
  const char *path;          /* "sql/001_core.sql", "views/kubevirt/weekly.sql" */
  const char *text;
} PerfsqlEmbedded;
extern const PerfsqlEmbedded perfsql_embedded_files[];
extern const int perfsql_embedded_count;

/* Applies every sql/NNN_*.sql migration whose NNN > PRAGMA user_version (one
** transaction), switches the database to WAL, then drops and re-creates every
** canned view and refreshes the perfsql_view catalogue. Idempotent.
** Returns SQLITE_OK or an error code with *pzErr set (sqlite3_malloc'd). */
int perfsql_schema_install(sqlite3 *db, char **pzErr);

/* ---- parameterized reports (ext/view_function.c) ---------------------- */

/* 1 when a views/ file is a parameterized report ("-- Parameters:" in its
** header): schema.c catalogues it but does not execute it. */
int perfsql_view_is_function(const char *text);
/* Registers every parameterized report as an eponymous table-valued
** function on db. SQLITE_OK, or an error code with *pzErr set. */
int perfsql_view_functions_register(sqlite3 *db, char **pzErr);

/* ---- small shared helpers (buffers: ext/util.c; time parsing: ext/time.c) -- */

/* Growable byte buffer, memory from sqlite3_malloc64. */
typedef struct PerfsqlBuf {
  char *data;
  size_t len, cap;
  int oom;
} PerfsqlBuf;
void buf_append(PerfsqlBuf *b, const void *p, size_t n);
void buf_appendf(PerfsqlBuf *b, const char *fmt, ...);
void buf_free(PerfsqlBuf *b);

/* Parses a timestamp: ISO-8601 text ('YYYY-MM-DD', 'YYYY-MM-DD[T ]hh:mm[:ss[.fff]][Z|±hh[:]mm]')
** or a number of unix seconds. Sets *unix_seconds (UTC). Returns 0 on success,
** -1 when the text cannot be parsed. */
int perfsql_parse_time(const char *text, double *unix_seconds);
/* Same, for an SQL value: NULL -> 1 (and nothing set), parse error -> -1. */
int perfsql_value_time(sqlite3_value *v, double *unix_seconds);

/* Proleptic Gregorian calendar <-> days since 1970-01-01 (H. Hinnant's
** algorithms), for any year an int64 holds. 1970-01-01 was a Thursday. */
int64_t perfsql_days_from_civil(int64_t y, int m, int d);
void perfsql_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

#endif
