/*
** schema_baseline_gen.c — build-time generator of the baseline schema
** (schema_migrate.h). Not part of perfsql: CMake builds it first, links it
** with libsqlite3 only, and runs it as `schema_baseline_gen OUT.c`.
**
** It applies the embedded migrations to an empty :memory: database with
** perfsql_apply_migrations() — schema.c's own code — and writes OUT.c:
**   perfsql_baseline_sql:     every sqlite_schema row's CREATE statement but
**                             the triggers', in rowid order (creation order,
**                             so an index comes after its table); an INSERT
**                             for every row in the created tables (rowid
**                             order; foreign keys deferred); the triggers;
**   perfsql_baseline_version: the last migration.
** Before writing, it runs that script on a second empty database and fails
** (exit 1, no output) unless both have the same sqlite_schema and rows.
** Limits, checked here (the build fails when a migration needs them): no
** virtual tables, no sqlite_stat tables, no non-default database header
** (application_id, auto_vacuum). sqlite_sequence's rows are copied as rows.
**
** The shared code (schema_migrate.c, sql_stmt.c, util.c) calls SQLite through
** sqlite3_api like every extension file; this file defines that pointer and
** gets the table from libsqlite3 as an auto-extension would.
*/
#define SQLITE_CORE 1 /* this file calls libsqlite3 directly */
#include "perfsql.h"
#include "schema_migrate.h"
#include "sql_stmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const sqlite3_api_routines *sqlite3_api;

static int grab_api(sqlite3 *db, char **pzErr, const sqlite3_api_routines *api) {
  (void)db;
  (void)pzErr;
  sqlite3_api = api;
  return SQLITE_OK;
}

static void die(const char *what, const char *msg) {
  fprintf(stderr, "schema_baseline_gen: %s: %s\n", what, msg ? msg : "failed");
  exit(1);
}

static sqlite3 *open_memory(void) {
  sqlite3 *db = 0;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) die(":memory:", sqlite3_errmsg(db));
  return db;
}

/* Appends s to b; out of memory ends the build step. */
static void put(PerfsqlBuf *b, const char *s) {
  buf_append(b, s, strlen(s));
  if (b->oom) die("memory", "out of memory");
}

/* Appends every row of `sql` (one text column per row) to b, each followed by sep. */
static void put_rows(PerfsqlBuf *b, sqlite3 *db, const char *sql, const char *sep) {
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) die(sql, sqlite3_errmsg(db));
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    put(b, t ? t : "NULL");
    put(b, sep);
  }
  if (rc != SQLITE_DONE) die(sql, sqlite3_errmsg(db));
  sqlite3_finalize(st);
}

static sqlite3_int64 int_query(sqlite3 *db, const char *sql) {
  sqlite3_int64 v = 0;
  char *err = 0;
  if (sql_query_int64(db, sql, 0, &v, &err) != SQLITE_OK) die(sql, err);
  return v;
}

/* INSERTs re-creating every row of table `name`. */
static void put_table_rows(PerfsqlBuf *out, sqlite3 *db, const char *name) {
  char *q = sqlite3_mprintf(
      "SELECT (SELECT count(*) FROM pragma_table_info(%Q) WHERE pk > 0),"
      " (SELECT upper(type) = 'INTEGER' FROM pragma_table_info(%Q) WHERE pk = 1),"
      " NOT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = %Q"
      "             AND sql LIKE '%%WITHOUT%%ROWID%%')",
      name, name, name);
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(db, q, -1, &st, 0) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
    die(name, sqlite3_errmsg(db));
  /* A rowid table whose rowid is not a column (no INTEGER PRIMARY KEY) gets it explicitly. */
  int explicit_rowid = sqlite3_column_int(st, 2) && !(sqlite3_column_int(st, 0) == 1 && sqlite3_column_int(st, 1));
  sqlite3_finalize(st);
  sqlite3_free(q);
  PerfsqlBuf cols = {0}, vals = {0};
  if (explicit_rowid) {
    put(&cols, "rowid");
    put(&vals, "quote(rowid)");
  }
  q = sqlite3_mprintf("SELECT name FROM pragma_table_xinfo(%Q) WHERE hidden = 0 ORDER BY cid", name);
  if (sqlite3_prepare_v2(db, q, -1, &st, 0) != SQLITE_OK) die(name, sqlite3_errmsg(db));
  while (sqlite3_step(st) == SQLITE_ROW) {
    char *c = sqlite3_mprintf("%s\"%w\"", cols.len ? ", " : "", (const char *)sqlite3_column_text(st, 0));
    char *v = sqlite3_mprintf("%squote(\"%w\")", vals.len ? " || ', ' || " : "",
                              (const char *)sqlite3_column_text(st, 0));
    put(&cols, c);
    put(&vals, v);
    sqlite3_free(c);
    sqlite3_free(v);
  }
  sqlite3_finalize(st);
  sqlite3_free(q);
  q = sqlite3_mprintf("SELECT 'INSERT INTO \"%w\"(%q) VALUES(' || %s || ');' FROM \"%w\"%s", name,
                      cols.data, vals.data, name, explicit_rowid ? " ORDER BY rowid" : "");
  put_rows(out, db, q, "\n");
  sqlite3_free(q);
  buf_free(&cols);
  buf_free(&vals);
}

/* The script that re-creates db's schema and rows on an empty database. */
static char *baseline_script(sqlite3 *db) {
  PerfsqlBuf out = {0};
  put(&out, "");
  put_rows(&out, db, "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                     "AND type != 'trigger' ORDER BY rowid", ";\n");
  /* Rows in table order, their foreign keys checked at the end of the load. */
  put(&out, "PRAGMA defer_foreign_keys = ON;\n");
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                             "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid", -1, &st, 0) != SQLITE_OK)
    die("tables", sqlite3_errmsg(db));
  while (sqlite3_step(st) == SQLITE_ROW) put_table_rows(&out, db, (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  if (int_query(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'")) {
    put(&out, "DELETE FROM sqlite_sequence;\n");
    put_rows(&out, db, "SELECT 'INSERT INTO sqlite_sequence(name, seq) VALUES(' || quote(name) || ', ' || quote(seq) || ');' "
                       "FROM sqlite_sequence ORDER BY rowid", "\n");
  }
  put(&out, "PRAGMA defer_foreign_keys = OFF;\n");
  /* Triggers last: the migrations' rows were written before them (or were
  ** their effect, and are copied already). */
  put_rows(&out, db, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY rowid", ";\n");
  return out.data;
}

/* Everything the two paths must agree on: sqlite_schema, then every table's rows. */
static char *fingerprint(sqlite3 *db) {
  PerfsqlBuf out = {0};
  put(&out, "");
  put_rows(&out, db, "SELECT quote(type) || ' ' || quote(name) || ' ' || quote(tbl_name) || ' ' || quote(sql) "
                     "FROM sqlite_schema ORDER BY name", "\n");
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1, &st, 0) != SQLITE_OK)
    die("tables", sqlite3_errmsg(db));
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    put(&out, name);
    put(&out, ":\n");
    put_table_rows(&out, db, name);
  }
  sqlite3_finalize(st);
  return out.data;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: schema_baseline_gen OUT.c\n");
    return 2;
  }
  sqlite3_auto_extension((void (*)(void))grab_api);
  sqlite3 *db = open_memory();
  if (!sqlite3_api) die("sqlite3_auto_extension", "no API table");
  char *err = 0;
  int last = 0;
  /* As schema.c does: one transaction, every migration after version 0. */
  if (perfsql_schema_exec(db, "BEGIN IMMEDIATE", "schema", &err) != SQLITE_OK ||
      perfsql_apply_migrations(db, 0, &last, &err) != SQLITE_OK ||
      perfsql_schema_exec(db, "COMMIT", "schema", &err) != SQLITE_OK)
    die("migrations", err);
  if (last != perfsql_last_migration()) die("migrations", "not all applied");
  if (int_query(db, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE 'CREATE VIRTUAL%' OR name LIKE 'sqlite_stat%'"))
    die("migrations", "a virtual table or sqlite_stat table: not supported by the baseline");
  if (int_query(db, "PRAGMA application_id") || int_query(db, "PRAGMA auto_vacuum"))
    die("migrations", "application_id or auto_vacuum set: not supported by the baseline");
  char *script = baseline_script(db);

  /* Self-check: the script on an empty database gives the same schema and rows. */
  sqlite3 *copy = open_memory();
  if (perfsql_schema_exec(copy, script, "baseline", &err) != SQLITE_OK) die("baseline script", err);
  char *a = fingerprint(db), *b = fingerprint(copy);
  if (strcmp(a, b) != 0) die("baseline script", "its schema or rows differ from the migrations'");
  sqlite3_free(a);
  sqlite3_free(b);
  sqlite3_close(copy);
  sqlite3_close(db);

  FILE *f = fopen(argv[1], "w");
  if (!f) die(argv[1], "cannot write");
  fprintf(f, "/* generated by ext/schema_baseline_gen.c from sql/ — do not edit */\n"
             "#include \"perfsql.h\"\n#include \"schema_migrate.h\"\n"
             "const int perfsql_baseline_version = %d;\n"
             "/* the script, as bytes (no string-length limits) */\n"
             "const char perfsql_baseline_sql[] = {",
          last);
  for (size_t i = 0; script[i]; i++) fprintf(f, "%s%d,", i % 24 ? "" : "\n", (unsigned char)script[i]);
  fprintf(f, "0};\n");
  sqlite3_free(script);
  if (fclose(f) != 0) die(argv[1], "cannot write");
  return 0;
}
