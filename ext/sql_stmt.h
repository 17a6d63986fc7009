/*
** sql_stmt.h — the one set of statement helpers (prepare / bind / step /
** error text) used by ext/, loaders/ and cli/.
**
**  1. Every function returns the SQLite result code (SQLITE_OK on success).
**  2. Where a function takes pzErr, a failure sets *pzErr to SQLite's own
**     message (sqlite3_malloc'd, no prefix); the caller adds the
**     "file:position: " it knows. *pzErr is left alone on success.
**  3. Text binding: a NULL pointer binds SQL NULL; "" binds the empty TEXT
**     (never NULL). Values are copied (SQLITE_TRANSIENT) so callers may free
**     their buffers right after binding.
**  4. Optional numbers: have == 0 binds NULL, whatever the value.
*/
#ifndef PERFSQL_SQL_STMT_H
#define PERFSQL_SQL_STMT_H

#include "perfsql.h"

int sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char **pzErr);
/* The same for the first statement of a script: *tail is set to the text after it
** (for the next call). A script position holding only whitespace or comments
** prepares to *st == NULL with SQLITE_OK. */
int sql_prepare_tail(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char **tail, char **pzErr);
/* Runs one or more statements that return no rows of interest. */
int sql_exec(sqlite3 *db, const char *sql, char **pzErr);

int sql_bind_text(sqlite3_stmt *st, int i, const char *v);
int sql_bind_text_n(sqlite3_stmt *st, int i, const char *v, int n);
int sql_bind_opt_double(sqlite3_stmt *st, int i, int have, double v);
int sql_bind_opt_int64(sqlite3_stmt *st, int i, int have, sqlite3_int64 v);

/* Steps a statement expected to return no row (INSERT/UPDATE/DELETE...):
** SQLITE_DONE (or a row, which is ignored) becomes SQLITE_OK. The statement is reset either way (its
** bindings are kept), so it can be bound and stepped again. */
int sql_step_done(sqlite3_stmt *st, char **pzErr);

/* Runs a query (no parameters) and sets *out to its first row's first column as an
** integer; to dflt when it returns no row or NULL, or fails (then the code is returned). */
int sql_query_int64(sqlite3 *db, const char *sql, sqlite3_int64 dflt, sqlite3_int64 *out, char **pzErr);

#endif
