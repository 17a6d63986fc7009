/*
** load.c — the load transaction and the source table (contract in load.h).
*/
#include "load.h"
#include "sql_stmt.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static sqlite3_int64 query_id(sqlite3 *db, const char *sql, const char *a, const char *b) {
  sqlite3_stmt *st = 0;
  sqlite3_int64 id = 0;
  if (sql_prepare(db, sql, &st, 0) == SQLITE_OK) {
    sql_bind_text(st, 1, a);
    sql_bind_text(st, 2, b);
    if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return id;
}

sqlite3_int64 load_find_uri(sqlite3 *db, const char *kind, const char *uri) {
  return query_id(db, "SELECT id FROM source WHERE kind = ?1 AND uri = ?2 ORDER BY id DESC LIMIT 1",
                  kind, uri);
}

static int delete_source(sqlite3 *db, sqlite3_int64 id, char **pzErr) {
  char *sql = sqlite3_mprintf("DELETE FROM source WHERE id = %lld", id);
  int rc = sql_exec(db, sql, pzErr);
  sqlite3_free(sql);
  return rc;
}

int load_begin(sqlite3 *db, const char *kind, const char *uri, const char *hash, int replace,
               PerfsqlLoad *ld, char **pzErr) {
  memset(ld, 0, sizeof *ld);
  ld->db = db;
  snprintf(ld->hash, sizeof ld->hash, "%s", hash);
  ld->kind = sqlite3_mprintf("%s", kind);
  ld->uri = sqlite3_mprintf("%s", uri);
  /* Cascading deletes need foreign keys on; the pragma is a no-op inside a
  ** transaction, so it is set before BEGIN. */
  if (sql_exec(db, "PRAGMA foreign_keys=ON", pzErr) != SQLITE_OK) return LOAD_ERROR;
  if (sql_exec(db, "BEGIN IMMEDIATE", pzErr) != SQLITE_OK) return LOAD_ERROR;
  ld->active = 1;
  sqlite3_int64 same = query_id(db, "SELECT id FROM source WHERE kind = ?1 AND content_hash = ?2",
                                kind, hash);
  if (same && !replace) {
    ld->existing_id = same;
    load_rollback(ld);
    return LOAD_DUPLICATE;
  }
  if (same) {
    if (delete_source(db, same, pzErr) != SQLITE_OK) goto fail;
    ld->replaced = 1;
  }
  /* The same uri with other content is a new load beside the earlier one (a new
  ** perf.data at perf's default path is a new capture, not a new version of the
  ** old one); only --replace drops the earlier load of the uri the user named. */
  sqlite3_int64 old;
  while (replace == LOAD_REPLACE && (old = load_find_uri(db, kind, uri)) != 0) {
    if (delete_source(db, old, pzErr) != SQLITE_OK) goto fail;
    ld->replaced = 1;
  }
  sqlite3_stmt *st = 0;
  if (sql_prepare(db, "INSERT INTO source(kind, uri, content_hash) VALUES (?1, ?2, ?3)", &st, pzErr) != SQLITE_OK)
    goto fail;
  sql_bind_text(st, 1, kind);
  sql_bind_text(st, 2, uri);
  sql_bind_text(st, 3, hash);
  int step_rc = sql_step_done(st, pzErr);
  sqlite3_finalize(st);
  if (step_rc != SQLITE_OK) goto fail;
  ld->source_id = sqlite3_last_insert_rowid(db);
  return LOAD_NEW;
fail:
  load_rollback(ld);
  return LOAD_ERROR;
}

int load_bind_texts(sqlite3_stmt *st, int first, const char *const *v, int n) {
  int rc = SQLITE_OK;
  for (int i = 0; i < n; i++) {
    int r = sql_bind_text(st, first + i, v[i]);
    if (rc == SQLITE_OK) rc = r;
  }
  return rc;
}

void load_identity_hash(const char *content_hex, const char *name, char out[65]) {
  Sha256 h;
  sha256_init(&h);
  sha256_update(&h, content_hex, strlen(content_hex) + 1);
  sha256_update(&h, name ? name : "", name ? strlen(name) : 0);
  sha256_hex(&h, out);
}

void load_count(PerfsqlLoad *ld, const char *table, sqlite3_int64 n) {
  buf_appendf(&ld->counts, "%s\"%w\":%lld", ld->counts.len ? "," : "", table, n);
}

int load_commit(PerfsqlLoad *ld, char **pzErr) {
  sqlite3_stmt *st = 0;
  int rc = SQLITE_NOMEM;
  if (!ld->counts.oom) {
    /* Several load_count() calls for one table add up. */
    char *obj = sqlite3_mprintf("{%s}", ld->counts.data ? ld->counts.data : "");
    rc = sql_prepare(ld->db,
        "UPDATE source SET row_counts = (SELECT coalesce(json_group_object(key, total), '{}') FROM "
        "(SELECT key, sum(value) AS total FROM json_each(?1) GROUP BY key ORDER BY key)) "
        "WHERE id = ?2", &st, 0);
    if (rc == SQLITE_OK) {
      sql_bind_text(st, 1, obj);
      sqlite3_bind_int64(st, 2, ld->source_id);
      rc = sql_step_done(st, 0);
    }
    sqlite3_free(obj);
  }
  if (rc != SQLITE_OK) *pzErr = sqlite3_mprintf("recording the load: %s", sqlite3_errmsg(ld->db));
  sqlite3_finalize(st);
  if (rc == SQLITE_OK) rc = sql_exec(ld->db, "COMMIT", pzErr);
  if (rc != SQLITE_OK) {
    load_rollback(ld);
    return rc;
  }
  ld->active = 0;
  return SQLITE_OK;
}

void load_rollback(PerfsqlLoad *ld) {
  if (ld->active) sqlite3_exec(ld->db, "ROLLBACK", 0, 0, 0);
  ld->active = 0;
}

void load_report(const PerfsqlLoad *ld, int status, int quiet) {
  if (quiet) return;
  if (status == LOAD_DUPLICATE) {
    printf("%s: already loaded as source %lld (use --replace to reload)\n", ld->uri, ld->existing_id);
    return;
  }
  printf("%s: loaded as source %lld%s:", ld->uri, ld->source_id, ld->replaced ? " (replacing the earlier load)" : "");
  sqlite3_stmt *st = 0;
  if (sql_prepare(ld->db, "SELECT key, value FROM source, json_each(source.row_counts) WHERE source.id = ?1", &st,
                  0) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, ld->source_id);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
      printf("%s %s=%lld", n++ ? "," : "", sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
    if (!n) printf(" no rows");
  }
  sqlite3_finalize(st);
  printf("\n");
}

void load_free(PerfsqlLoad *ld) {
  load_rollback(ld);
  sqlite3_free(ld->kind);
  sqlite3_free(ld->uri);
  buf_free(&ld->counts);
  ld->kind = ld->uri = 0;
}

/* "<file>:<where>: <what>"; frees where. */
static char *err_at(const char *file, char *where, const char *fmt, va_list ap) {
  char *what = sqlite3_vmprintf(fmt, ap);
  char *m = sqlite3_mprintf("%s:%s: %s", file, where, what);
  sqlite3_free(what);
  sqlite3_free(where);
  return m;
}

char *err_at_line(const char *file, long line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *m = err_at(file, sqlite3_mprintf("line %ld", line), fmt, ap);
  va_end(ap);
  return m;
}

char *err_at_offset(const char *file, long long offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *m = err_at(file, sqlite3_mprintf("byte offset %lld", offset), fmt, ap);
  va_end(ap);
  return m;
}

int read_file_all(const char *path, size_t max_bytes, char **out, size_t *len, char **pzErr) {
  *out = 0;
  if (len) *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    *pzErr = sqlite3_mprintf("%s: %s", path, strerror(errno));
    return -1;
  }
  struct stat stt;
  int have_stat = fstat(fileno(f), &stt) == 0;
  if (have_stat && S_ISDIR(stt.st_mode)) {
    fclose(f);
    *pzErr = sqlite3_mprintf("%s: is a directory", path);
    return -1;
  }
  /* The limit is checked before anything is allocated (a 2 GB file costs no
  ** memory), and a regular file's buffer is allocated once at its size, so the
  ** peak is the file's size, never twice the limit. */
  if (have_stat && S_ISREG(stt.st_mode) && (unsigned long long)stt.st_size > (unsigned long long)max_bytes) {
    fclose(f);
    *pzErr = sqlite3_mprintf("%s: %lld bytes, larger than the %llu-byte limit for this kind of file", path,
                             (long long)stt.st_size, (unsigned long long)max_bytes);
    return -1;
  }
  PerfsqlBuf b = {0};
  if (have_stat && S_ISREG(stt.st_mode) && stt.st_size > 0) {
    b.data = sqlite3_malloc64((sqlite3_uint64)stt.st_size + 1);
    if (b.data) b.cap = (size_t)stt.st_size + 1;
  }
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.len + n > max_bytes) {
      fclose(f);
      buf_free(&b);
      *pzErr = sqlite3_mprintf("%s: larger than the %llu-byte limit for this kind of file", path,
                               (unsigned long long)max_bytes);
      return -1;
    }
    buf_append(&b, chunk, n);
  }
  int bad = ferror(f);
  fclose(f);
  if (bad || b.oom) {
    buf_free(&b);
    *pzErr = sqlite3_mprintf("%s: %s", path, bad ? "read error" : "out of memory");
    return -1;
  }
  if (!b.data) buf_append(&b, "", 0);
  *out = b.data;
  if (len) *len = b.len;
  return 0;
}
