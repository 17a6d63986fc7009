/*
** sql_stmt.c — prepare / bind / step helpers; the contract is in sql_stmt.h.
*/
#include "sql_stmt.h"

static void set_err(sqlite3 *db, char **pzErr) {
  if (pzErr) {
    sqlite3_free(*pzErr);
    *pzErr = sqlite3_mprintf("%s", sqlite3_errmsg(db));
  }
}

int sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char **pzErr) {
  return sql_prepare_tail(db, sql, st, 0, pzErr);
}

int sql_prepare_tail(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char **tail, char **pzErr) {
  *st = 0;
  int rc = sqlite3_prepare_v2(db, sql, -1, st, tail);
  if (rc != SQLITE_OK) {
    set_err(db, pzErr);
    sqlite3_finalize(*st);
    *st = 0;
  }
  return rc;
}

int sql_exec(sqlite3 *db, const char *sql, char **pzErr) {
  char *e = 0;
  int rc = sqlite3_exec(db, sql, 0, 0, &e);
  if (rc != SQLITE_OK && pzErr) {
    sqlite3_free(*pzErr);
    *pzErr = e ? e : sqlite3_mprintf("%s", sqlite3_errmsg(db));
    e = 0;
  }
  sqlite3_free(e);
  return rc;
}

int sql_bind_text(sqlite3_stmt *st, int i, const char *v) {
  return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

int sql_bind_text_n(sqlite3_stmt *st, int i, const char *v, int n) {
  return v ? sqlite3_bind_text(st, i, v, n, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

int sql_bind_opt_double(sqlite3_stmt *st, int i, int have, double v) {
  return have ? sqlite3_bind_double(st, i, v) : sqlite3_bind_null(st, i);
}

int sql_bind_opt_int64(sqlite3_stmt *st, int i, int have, sqlite3_int64 v) {
  return have ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

int sql_step_done(sqlite3_stmt *st, char **pzErr) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
    sqlite3_reset(st);
    return SQLITE_OK;
  }
  /* sqlite3_reset returns the same error; the message is still current. */
  set_err(sqlite3_db_handle(st), pzErr);
  sqlite3_reset(st);
  return rc;
}

int sql_query_int64(sqlite3 *db, const char *sql, sqlite3_int64 dflt, sqlite3_int64 *out, char **pzErr) {
  sqlite3_stmt *st = 0;
  *out = dflt;
  int rc = sql_prepare(db, sql, &st, pzErr);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_type(st, 0) != SQLITE_NULL) *out = sqlite3_column_int64(st, 0);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  } else {
    set_err(db, pzErr);
  }
  sqlite3_finalize(st);
  return rc;
}
