/*
** schema.c — creates and migrates perfsql's schema; perfsql_init() and
** perfsql_version() for SQL users.
**
**  1. Migrations are the embedded files sql/NNN_<name>.sql, applied in NNN
**     order when NNN > PRAGMA user_version (schema_migrate.c), all in one
**     write transaction (BEGIN IMMEDIATE; user_version is read again inside
**     it, so concurrent creators of one new database run them once); then
**     user_version = the last NNN. A failing migration rolls everything back
**     and names the file. A new database (user_version 0 and an empty
**     sqlite_schema) is not migrated step by step: it gets the baseline, one
**     script generated at build time from the same migrations
**     (schema_baseline_gen.c) that creates their final schema and rows
**     directly (each ALTER TABLE makes SQLite re-parse the whole schema: the
**     steps cost ~150M instructions, the baseline ~23M). The build checks the
**     baseline against the migrations (same sqlite_schema and rows); the two
**     databases differ only in page layout. A database with anything in it
**     (even a table of the user's own) at user_version 0 takes the
**     step-by-step path.
**  2. Views are code, not data: every run drops every view listed in
**     perfsql_view and re-creates each views/<domain>/<file>.sql, then
**     rewrites perfsql_view from the header comments. The first comment line
**     must be "-- <view_name>: <summary>". A file whose header has a
**     "Parameters:" section is a table-valued function (view_function.c):
**     catalogued here, not created.
**  3. The database is switched to WAL (readers are never blocked by a load).
**     An in-memory database stays in its own journal mode.
**  4. Idempotent: running it twice changes nothing the second time, and an
**     up-to-date database is not written at all (the views' fingerprint is
**     kept in perfsql_meta), so opening it never waits for another writer.
*/
#include "perfsql.h"
#include "schema_migrate.h"
#include "sql_stmt.h"
#include <string.h>

/* Parses the header comment of a view file: name, summary and the whole doc. */
static int view_header(const char *path, const char *text, char **name, char **summary,
                       char **doc, char **pzErr) {
  if (strncmp(text, "-- ", 3) != 0) goto bad;
  const char *colon = strchr(text + 3, ':');
  const char *eol = strchr(text, '\n');
  if (!colon || !eol || colon > eol) goto bad;
  *name = sqlite3_mprintf("%.*s", (int)(colon - text - 3), text + 3);
  const char *s = colon + 1;
  while (*s == ' ') s++;
  *summary = sqlite3_mprintf("%.*s", (int)(eol - s), s);
  PerfsqlBuf d = {0};
  for (const char *l = text; strncmp(l, "--", 2) == 0;) {
    const char *e = strchr(l, '\n');
    size_t n = e ? (size_t)(e - l) : strlen(l);
    const char *body = l + 2;
    if (*body == ' ') body++;
    buf_append(&d, body, n - (size_t)(body - l));
    buf_append(&d, "\n", 1);
    if (!e) break;
    l = e + 1;
  }
  *doc = d.data ? d.data : sqlite3_mprintf("");
  return SQLITE_OK;
bad:
  *pzErr = sqlite3_mprintf("%s:1: a view file must start with \"-- <view_name>: <summary>\"", path);
  return SQLITE_ERROR;
}

static int install_views(sqlite3 *db, char **pzErr) {
  int rc = SQLITE_OK;
  sqlite3_stmt *drop = 0, *ins = 0;
  /* Drop every view we created before (the catalogue says which). */
  PerfsqlBuf drops = {0};
  /* Only real views: a parameterized report's name is an eponymous table
  ** that cannot (and need not) be dropped. */
  rc = sql_prepare(db, "SELECT name FROM perfsql_view WHERE name IN "
                       "(SELECT name FROM sqlite_schema WHERE type = 'view')", &drop, pzErr);
  while (rc == SQLITE_OK && sqlite3_step(drop) == SQLITE_ROW)
    buf_appendf(&drops, "DROP VIEW IF EXISTS \"%w\";", (const char *)sqlite3_column_text(drop, 0));
  sqlite3_finalize(drop);
  if (rc == SQLITE_OK && drops.data) rc = perfsql_schema_exec(db, drops.data, "dropping views", pzErr);
  buf_free(&drops);
  if (rc == SQLITE_OK) rc = perfsql_schema_exec(db, "DELETE FROM perfsql_view", "perfsql_view", pzErr);
  if (rc == SQLITE_OK)
    rc = sql_prepare(db, "INSERT INTO perfsql_view(name, domain, summary, doc, path) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)", &ins, pzErr);
  for (int i = 0; rc == SQLITE_OK && i < perfsql_embedded_count; i++) {
    const PerfsqlEmbedded *f = &perfsql_embedded_files[i];
    if (strncmp(f->path, "views/", 6) != 0) continue;
    char *name = 0, *summary = 0, *doc = 0;
    rc = view_header(f->path, f->text, &name, &summary, &doc, pzErr);
    int is_function = perfsql_view_is_function(f->text);
    if (rc == SQLITE_OK && !is_function) {
      char *drop1 = sqlite3_mprintf("DROP VIEW IF EXISTS \"%w\";", name);
      rc = perfsql_schema_exec(db, drop1, f->path, pzErr);
      sqlite3_free(drop1);
    }
    /* A parameterized report is a table-valued function (view_function.c),
    ** registered per connection: catalogued here, not created. */
    if (rc == SQLITE_OK && !is_function) rc = perfsql_schema_exec(db, f->text, f->path, pzErr);
    if (rc == SQLITE_OK) {
      const char *dom = f->path + 6;
      const char *slash = strchr(dom, '/');
      sql_bind_text(ins, 1, name);
      sql_bind_text_n(ins, 2, dom, slash ? (int)(slash - dom) : -1);
      sql_bind_text(ins, 3, summary);
      sql_bind_text(ins, 4, doc);
      sql_bind_text(ins, 5, f->path);
      char *e = 0;
      if ((rc = sql_step_done(ins, &e)) != SQLITE_OK) *pzErr = sqlite3_mprintf("%s: %s", f->path, e);
      sqlite3_free(e);
    }
    sqlite3_free(name);
    sqlite3_free(summary);
    sqlite3_free(doc);
  }
  sqlite3_finalize(ins);
  return rc;
}

/* FNV-1a over every embedded view file: changes when any view changes. */
static char *views_fingerprint(void) {
  uint64_t h = 1469598103934665603ULL;
  for (int i = 0; i < perfsql_embedded_count; i++) {
    const PerfsqlEmbedded *f = &perfsql_embedded_files[i];
    if (strncmp(f->path, "views/", 6) != 0) continue;
    for (const char *p = f->path; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (const char *p = f->text; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
  }
  return sqlite3_mprintf("%016llx", (unsigned long long)h);
}

/* 1 when the main database has no schema at all (a new file or :memory:). */
static int schema_empty(sqlite3 *db) {
  sqlite3_int64 empty = 0;
  sql_query_int64(db, "SELECT NOT EXISTS (SELECT 1 FROM main.sqlite_schema)", 0, &empty, 0);
  return empty != 0;
}

/* 1 when the schema and views are current (read-only check). */
static int schema_current(sqlite3 *db, const char *fingerprint) {
  sqlite3_stmt *st = 0;
  int ok = 0;
  if (sql_prepare(db, "SELECT (SELECT user_version FROM pragma_user_version), "
                      "(SELECT value FROM perfsql_meta WHERE key = 'views_fingerprint')", &st, 0) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const char *fp = (const char *)sqlite3_column_text(st, 1);
    ok = sqlite3_column_int(st, 0) == perfsql_last_migration() && fp && strcmp(fp, fingerprint) == 0;
  }
  sqlite3_finalize(st);
  return ok;
}

int perfsql_schema_install(sqlite3 *db, char **pzErr) {
  int rc;
  *pzErr = 0;
  char *fingerprint = views_fingerprint();
  int current = schema_current(db, fingerprint);
  if (current) {
    sqlite3_free(fingerprint);
    return SQLITE_OK;
  }
  /* WAL first: it cannot change inside a transaction. */
  if (sqlite3_db_filename(db, "main") && sqlite3_db_filename(db, "main")[0]) {
    sqlite3_stmt *st = 0;
    rc = sql_prepare(db, "PRAGMA journal_mode=WAL", &st, 0);
    if (rc == SQLITE_OK) sqlite3_step(st);
    sqlite3_finalize(st);
  }
  /* One write transaction, and the version read again inside it: two processes
  ** creating the same new database at once must not both run the migrations (the
  ** second waits for the lock, then finds the schema current). Inside a caller's
  ** transaction a savepoint is used instead. */
  int outer = sqlite3_get_autocommit(db);
  rc = perfsql_schema_exec(db, outer ? "BEGIN IMMEDIATE" : "SAVEPOINT perfsql_install", "schema", pzErr);
  if (rc != SQLITE_OK) {
    sqlite3_free(fingerprint);
    return rc;
  }
  if (schema_current(db, fingerprint)) {
    sqlite3_free(fingerprint);
    return perfsql_schema_exec(db, outer ? "COMMIT" : "RELEASE perfsql_install", "schema", pzErr);
  }
  int version = 0;
  {
    sqlite3_stmt *st = 0;
    rc = sql_prepare(db, "PRAGMA user_version", &st, 0);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) *pzErr = sqlite3_mprintf("%s", sqlite3_errmsg(db));
  }
  int last = version;
  /* A new database gets the final schema in one script (the baseline, made
  ** from the same migrations at build time); any other is migrated step by step. */
  if (rc == SQLITE_OK && version == 0 && perfsql_baseline_version == perfsql_last_migration() &&
      schema_empty(db)) {
    rc = perfsql_schema_exec(db, perfsql_baseline_sql, "baseline schema", pzErr);
    last = perfsql_baseline_version;
  } else if (rc == SQLITE_OK) {
    rc = perfsql_apply_migrations(db, version, &last, pzErr);
  }
  if (rc == SQLITE_OK && last != version) {
    char *sql = sqlite3_mprintf("PRAGMA user_version=%d", last);
    rc = perfsql_schema_exec(db, sql, "schema", pzErr);
    sqlite3_free(sql);
  }
  if (rc == SQLITE_OK) rc = install_views(db, pzErr);
  if (rc == SQLITE_OK) {
    char *sql = sqlite3_mprintf("INSERT OR REPLACE INTO perfsql_meta(key, value) "
                                "VALUES ('views_fingerprint', %Q)", fingerprint);
    rc = perfsql_schema_exec(db, sql, "schema", pzErr);
    sqlite3_free(sql);
  }
  sqlite3_free(fingerprint);
  if (rc == SQLITE_OK) rc = perfsql_schema_exec(db, outer ? "COMMIT" : "RELEASE perfsql_install", "schema", pzErr);
  if (rc == SQLITE_OK) return rc;
  sqlite3_exec(db, outer ? "ROLLBACK" : "ROLLBACK TO perfsql_install; RELEASE perfsql_install", 0, 0, 0);
  return rc;
}

/* perfsql_init(): SQL users' `perfsql init`. Returns the schema version. */
void perfsql_init_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  char *err = 0;
  if (perfsql_schema_install(db, &err) != SQLITE_OK) {
    sqlite3_result_error(ctx, err ? err : "perfsql_init: failed", -1);
    sqlite3_free(err);
    return;
  }
  sqlite3_stmt *st = 0;
  if (sql_prepare(db, "PRAGMA user_version", &st, 0) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    sqlite3_result_int(ctx, sqlite3_column_int(st, 0));
  sqlite3_finalize(st);
}

void perfsql_version_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3_result_text(ctx, PERFSQL_VERSION, -1, SQLITE_STATIC);
}
