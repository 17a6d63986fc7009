/*
** fuzz_kubevirt.c — the KubeVirt readers on arbitrary bytes: the input is
** loaded as a results.json document, as an audit file and as a build log
** (each inside a transaction that is rolled back), and scanned by
** kv_json_error_offset. Never crash, never leak; the error locator is at
** least as strict as SQLite (no error found => json_valid() = 1).
*/
#include "unit.h"
#include "kubevirt/kubevirt.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static sqlite3 *db = 0;
  static KvWriter w;
  if (!db) {
    char *err = 0;
    db = unit_open(":memory:");
    if (!db || perfsql_schema_install(db, &err)) abort();
    sqlite3_exec(db, "INSERT INTO source(id, kind, uri, content_hash) VALUES (1, 'fuzz', 'fuzz', 'x')", 0, 0, 0);
  }
  const char *text = (const char *)data;
  long long off = kv_json_error_offset(text, size);
  if (off > (long long)size) abort();
  sqlite3_exec(db, "BEGIN", 0, 0, 0);
  char *err = 0;
  if (kv_writer_open(&w, db, 1, &err)) abort();
  KvDocCtx c;
  memset(&c, 0, sizeof c);
  c.w = &w;
  c.file = "fuzz";
  c.job = "job";
  c.build_id = 1699447419818741760LL;
  c.origin = "results.json";
  int rc = kv_load_doc(&c, text, size, KV_DOC_RESULTS, &err);
  sqlite3_free(err);
  err = 0;
  /* the locator is at least as strict as SQLite: what it finds no error in, SQLite parses */
  if (off < 0 && memchr(text, 0, size) == 0) {
    sqlite3_stmt *st = 0;
    sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1, &st, 0);
    sqlite3_bind_text64(st, 1, text, size, SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1) abort();
    sqlite3_finalize(st);
  }
  (void)rc;
  c.origin = "audit";
  c.resource = "vmi";
  c.build_id = 1699447419818741761LL;
  kv_load_doc(&c, text, size, KV_DOC_RESULT, &err);
  sqlite3_free(err);
  err = 0;
  c.origin = "build-log";
  c.build_id = 1699447419818741762LL;
  kv_load_buildlog(&c, text, size, &err);
  sqlite3_free(err);
  kv_writer_close(&w);
  sqlite3_exec(db, "ROLLBACK", 0, 0, 0);
  return 0;
}
