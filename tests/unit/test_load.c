/*
** test_load.c — unit tests of loaders/common: SHA-256 against the FIPS 180-4
** vectors, the load transaction (new / duplicate / replace / rollback), URL
** redaction.
*/
#include "unit.h"
#include "common/http.h"
#include "common/load.h"
#include <stdlib.h>

static void hex_of(const char *s, size_t n, size_t repeat, char out[65]) {
  Sha256 h;
  sha256_init(&h);
  for (size_t i = 0; i < repeat; i++) sha256_update(&h, s, n);
  sha256_hex(&h, out);
}

static void test_sha256(void) {
  char out[65];
  hex_of("", 0, 1, out);
  CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  hex_of("abc", 3, 1, out);
  CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  hex_of(two, strlen(two), 1, out);
  CHECK_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  hex_of("a", 1, 1000000, out); /* one million 'a', fed byte by byte */
  CHECK_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static long long count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  long long n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static void test_load_transaction(void) {
  sqlite3 *db = unit_open(":memory:");
  char *err = 0;
  CHECK(db != 0);
  CHECK(perfsql_schema_install(db, &err) == SQLITE_OK);
  PerfsqlLoad ld;
  /* a new load, with rows in task_map */
  CHECK(load_begin(db, "test", "a.csv", "h1", 0, &ld, &err) == LOAD_NEW);
  char *ins = sqlite3_mprintf("INSERT INTO task_map(source_id, tid, type, task_name) VALUES (%lld, 1, 'vcpu0', 'X')",
                              ld.source_id);
  CHECK(sqlite3_exec(db, ins, 0, 0, 0) == SQLITE_OK);
  sqlite3_free(ins);
  load_count(&ld, "task_map", 1);
  load_count(&ld, "task_map", 2);
  CHECK(load_commit(&ld, &err) == SQLITE_OK);
  CHECK(count(db, "SELECT row_counts->>'task_map' FROM source") == 3);
  /* the report line names the rows per table */
  {
    char *text = 0;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    FILE *saved = stdout;
    stdout = mem;
    load_report(&ld, LOAD_NEW, 0);
    fflush(mem);
    stdout = saved;
    fclose(mem);
    CHECK_STR(text, "a.csv: loaded as source 1: task_map=3\n");
    free(text);
  }
  load_free(&ld);
  /* the same content again: a no-op */
  CHECK(load_begin(db, "test", "elsewhere.csv", "h1", 0, &ld, &err) == LOAD_DUPLICATE);
  CHECK(ld.existing_id == 1);
  load_free(&ld);
  CHECK(count(db, "SELECT count(*) FROM source") == 1);
  /* --replace: the old rows go (cascade), a new source row comes */
  CHECK(load_begin(db, "test", "a.csv", "h1", 1, &ld, &err) == LOAD_NEW);
  CHECK(ld.replaced);
  CHECK(count(db, "SELECT count(*) FROM task_map") == 0);
  CHECK(load_commit(&ld, &err) == SQLITE_OK);
  load_free(&ld);
  /* the same uri with other content is a new load beside it: nothing is deleted */
  CHECK(load_begin(db, "test", "a.csv", "h2", 0, &ld, &err) == LOAD_NEW);
  CHECK(!ld.replaced);
  CHECK(count(db, "SELECT count(*) FROM source WHERE content_hash = 'h1'") == 1);
  load_rollback(&ld); /* ... and a failed load changes nothing */
  load_free(&ld);
  CHECK(count(db, "SELECT count(*) FROM source WHERE content_hash = 'h1'") == 1);
  CHECK(count(db, "SELECT count(*) FROM source") == 1);
  CHECK(load_begin(db, "test", "a.csv", "h2", LOAD_KEEP, &ld, &err) == LOAD_NEW);
  CHECK(load_commit(&ld, &err) == SQLITE_OK);
  load_free(&ld);
  CHECK(count(db, "SELECT count(*) FROM source") == 2);
  /* LOAD_REPLACE_SAME drops the same identity only, not the other load of the uri */
  CHECK(load_begin(db, "test", "a.csv", "h2", LOAD_REPLACE_SAME, &ld, &err) == LOAD_NEW);
  CHECK(ld.replaced);
  CHECK(count(db, "SELECT count(*) FROM source WHERE content_hash = 'h1'") == 1);
  load_rollback(&ld);
  load_free(&ld);
  /* LOAD_REPLACE (--replace on the path the user named) drops both */
  CHECK(load_begin(db, "test", "a.csv", "h3", LOAD_REPLACE, &ld, &err) == LOAD_NEW);
  CHECK(ld.replaced);
  CHECK(count(db, "SELECT count(*) FROM source") == 1);
  load_rollback(&ld);
  load_free(&ld);
  CHECK(count(db, "SELECT count(*) FROM source") == 2);
  sqlite3_close(db);
}

static void test_redact(void) {
  char *r = url_redact("https://user:secret@example.org/p?a=1&access_token=xyz&pageToken=abc");
  CHECK_STR(r, "https://example.org/p?a=1&access_token=...&pageToken=abc");
  sqlite3_free(r);
  r = url_redact("http://127.0.0.1:8080/x");
  CHECK_STR(r, "http://127.0.0.1:8080/x");
  sqlite3_free(r);
  r = url_escape("logs/a b/");
  CHECK_STR(r, "logs%2Fa%20b%2F");
  sqlite3_free(r);
}

int main(void) {
  sqlite3 *boot = unit_open(":memory:"); /* sets sqlite3_api for the core objects */
  test_sha256();
  test_load_transaction();
  test_redact();
  sqlite3_close(boot);
  return unit_done();
}
