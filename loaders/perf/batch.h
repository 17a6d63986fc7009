/*
** batch.h — multi-row INSERTs for the perf loader's bulk tables (batch.c).
**
** A row is not bound to its statement right away: its values are kept (texts copied into
** one arena per table, reused from batch to batch: no per-row allocation) and every
** BATCH_ROWS rows go in with one multi-row INSERT ... VALUES (...),(...). SQLite's fixed
** cost per statement execution (opening cursors on the table and, with foreign_keys on,
** on the parent table source) is then paid once per BATCH_ROWS rows. A partial batch at
** the end goes row by row.
**
**   Batch b; batch_open(db, &b, "INSERT INTO t(a,b) VALUES(?1,?2)", &err);
**   Val *row = batch_row(&b);            -- 1-based columns, all NULL
**   bv_int(row, 1, 42); bv_text(&b, row, 2, "x", -1);
**   batch_add(db, &b, &err);             -- writes when BATCH_ROWS rows are kept
**   batch_flush(db, &b, 1, &err);        -- at the end: the rest
**   batch_close(&b);
*/
#ifndef PERFSQL_PERF_BATCH_H
#define PERFSQL_PERF_BATCH_H

#include "perfsql.h"

enum { BATCH_ROWS = 32, BATCH_MAXCOL = 20 };
typedef struct Val { sqlite3_int64 i; size_t off; int len; char type; } Val;  /* type: 0 NULL, 'i', 't' */
typedef struct Batch {
  sqlite3_stmt *one, *many;   /* one row; BATCH_ROWS rows */
  int ncol, nrow;
  Val v[BATCH_ROWS * BATCH_MAXCOL];
  PerfsqlBuf text;
  /* what each parameter of many / one holds now (type 'i' or 0 NULL; 't' = rebind):
  ** an integer or NULL equal to it is not bound again (source_id, capture_id, ...) */
  Val bound_many[BATCH_ROWS * BATCH_MAXCOL], bound_one[BATCH_MAXCOL];
} Batch;

/* sql: one "INSERT ... VALUES(?1,...,?n)" with n <= BATCH_MAXCOL. 0, or -1 with *pzErr. */
int batch_open(sqlite3 *db, Batch *b, const char *sql, char **pzErr);
void batch_close(Batch *b);
/* The value slots of the next row, all NULL; index them by 1-based column number. */
Val *batch_row(Batch *b);
static inline void bv_int(Val *row, int col, sqlite3_int64 v) { row[col].type = 'i'; row[col].i = v; }
/* s NULL -> NULL; n < 0 -> strlen(s). The text is copied. */
void bv_text(Batch *b, Val *row, int col, const char *s, int n);
/* The row was filled: count it, and write the batch when it is full. 0, or -1 with *pzErr. */
int batch_add(sqlite3 *db, Batch *b, char **pzErr);
/* Writes the rows kept so far (all = 1: also a partial batch, row by row). */
int batch_flush(sqlite3 *db, Batch *b, int all, char **pzErr);

#endif
