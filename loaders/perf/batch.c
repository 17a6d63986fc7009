/*
** batch.c — multi-row INSERTs (contract in batch.h). Measured (issue 15): with foreign
** keys on, 32 rows per statement halve the insert cost of a perf.data load.
*/
#include "batch.h"

#include <string.h>

/* "INSERT ... VALUES(?1,...,?n)" -> the same with BATCH_ROWS rows of n anonymous parameters */
static char *multi_row_sql(const char *one, int ncol) {
  const char *v = strstr(one, " VALUES(");
  if (!v) return NULL;
  PerfsqlBuf b = {0};
  buf_append(&b, one, (size_t)(v - one));
  buf_append(&b, " VALUES", 7);
  for (int r = 0; r < BATCH_ROWS; r++) {
    buf_append(&b, r ? ",(" : "(", r ? 2 : 1);
    for (int c = 0; c < ncol; c++) buf_append(&b, c ? ",?" : "?", c ? 2 : 1);
    buf_append(&b, ")", 1);
  }
  buf_append(&b, "", 1);
  if (b.oom) { buf_free(&b); return NULL; }
  return (char *)b.data;
}

int batch_open(sqlite3 *db, Batch *b, const char *sql, char **pzErr) {
  memset(b, 0, sizeof *b);
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &b->one, NULL) != SQLITE_OK) goto err;
  b->ncol = sqlite3_bind_parameter_count(b->one);
  if (b->ncol > BATCH_MAXCOL) { *pzErr = sqlite3_mprintf("internal: too many columns"); return -1; }
  char *many = multi_row_sql(sql, b->ncol);
  if (!many) { *pzErr = sqlite3_mprintf("out of memory"); return -1; }
  int rc = sqlite3_prepare_v3(db, many, -1, SQLITE_PREPARE_PERSISTENT, &b->many, NULL);
  sqlite3_free(many);
  if (rc != SQLITE_OK) goto err;
  return 0;
err:
  *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
  return -1;
}

void batch_close(Batch *b) {
  sqlite3_finalize(b->one);
  sqlite3_finalize(b->many);
  buf_free(&b->text);
  memset(b, 0, sizeof *b);
}

Val *batch_row(Batch *b) {
  Val *r = &b->v[b->nrow * b->ncol];
  memset(r, 0, (size_t)b->ncol * sizeof *r);
  return r - 1;
}

void bv_text(Batch *b, Val *row, int col, const char *s, int n) {
  if (!s) { row[col].type = 0; return; }
  if (n < 0) n = (int)strlen(s);
  row[col].type = 't';
  row[col].off = b->text.len;
  row[col].len = n;
  buf_append(&b->text, s, (size_t)n);
}

/* Binds v[0..nval) to s, skipping the integers and NULLs that bound[] says s holds already
** (sqlite3_bind_* costs ~10% of a load otherwise), then runs s. */
static int bind_step(sqlite3 *db, sqlite3_stmt *s, const Val *v, int nval, const char *text, Val *bound,
                     char **pzErr) {
  for (int i = 0; i < nval; i++) {
    if (v[i].type != 't' && v[i].type == bound[i].type && (v[i].type == 0 || v[i].i == bound[i].i)) continue;
    if (v[i].type == 'i') sqlite3_bind_int64(s, i + 1, v[i].i);
    else if (v[i].type == 't') sqlite3_bind_text(s, i + 1, text + v[i].off, v[i].len, SQLITE_STATIC);
    else sqlite3_bind_null(s, i + 1);
    bound[i] = v[i];
  }
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
    return -1;
  }
  return 0;
}

int batch_flush(sqlite3 *db, Batch *b, int all, char **pzErr) {
  if (b->text.oom) { *pzErr = sqlite3_mprintf("out of memory"); return -1; }
  int rc = 0;
  if (b->nrow == BATCH_ROWS)
    rc = bind_step(db, b->many, b->v, BATCH_ROWS * b->ncol, b->text.data, b->bound_many, pzErr);
  else if (all)
    for (int r = 0; r < b->nrow && !rc; r++)
      rc = bind_step(db, b->one, b->v + r * b->ncol, b->ncol, b->text.data, b->bound_one, pzErr);
  else return 0;
  b->nrow = 0;
  b->text.len = 0;
  return rc;
}

int batch_add(sqlite3 *db, Batch *b, char **pzErr) {
  b->nrow++;
  return b->nrow == BATCH_ROWS ? batch_flush(db, b, 0, pzErr) : 0;
}
