/*
** pt_job_load.c — a PerfTracker job document into pt_job, pt_env_node and
** pt_test; a job-list page into pt_listed_job.
**
**  1. Input: the text of one job, either the server's export
**     (GET /<pid>/job/<id>?as_json=1: integer "id", flat env_nodes[] with
**     parent ids, scores/deviations as JSON *strings*, avg_score computed by
**     the server) or a client upload body (perftrackerlib ptSuite: job_title,
**     env_nodes[] as a tree with children[], scores as arrays, falsy fields
**     omitted). The shape is detected from the document, not the file name.
**     Everything is read with SQLite's JSON functions (json_each, json_tree,
**     ->>); nothing is parsed in C.
**  2. Client bodies get what the server would compute: avg/min/max of scores,
**     samples = len(scores), deviations default [0,...], avg_dev =
**     mean(deviations) or population std(scores) when none were given,
**     errors given as a list counted, status default SUCCESS, the job's
**     tests_* counters.
**  3. Errors, each one line, database unchanged (one transaction):
**     invalid JSON -> "<uri>:byte offset N: invalid JSON"; a bare test list
**     (pt-suite-uploader input) or a non-object; no tests[] array; no uuid;
**     a test without a text tag; an avg_score that is not a number (the
**     /api/ test list's rounded "24.0K" strings) -> "<uri>:$.tests[N].<key>:
**     <what>".
**  4. The same content twice is reported as a duplicate (source table);
**     *job_out then names the job of the earlier load.
**  5. Cost: one pass of SQLite's JSON parser per statement plus a small parse
**     per test field; ~10,000 tests load in well under a second.
*/
#include "perftracker.h"

#include <stdio.h>
#include <string.h>

/* Runs one statement with ?1 = text, ?2 = source_id, ?3 = job id, ?4 = server. */
static int run_bound(sqlite3 *db, const char *sql, const char *text, size_t len, sqlite3_int64 source_id,
                     sqlite3_int64 job, const char *server, sqlite3_int64 *changes, char **pzErr) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK) {
    int n = sqlite3_bind_parameter_count(st);
    if (n >= 1) sqlite3_bind_text64(st, 1, text, len, SQLITE_STATIC, SQLITE_UTF8);
    if (n >= 2) sqlite3_bind_int64(st, 2, source_id);
    if (n >= 3) sqlite3_bind_int64(st, 3, job);
    if (n >= 4) {
      if (server) sqlite3_bind_text(st, 4, server, -1, SQLITE_STATIC);
      else sqlite3_bind_null(st, 4);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  if (rc != SQLITE_OK) *pzErr = sqlite3_mprintf("%s", sqlite3_errmsg(db));
  else if (changes) *changes = sqlite3_changes64(db);
  sqlite3_finalize(st);
  return rc;
}

/* Returns the first column of a one-row query over ?1 = text as a malloc'd
** string (NULL when NULL or no row). */
static char *query_text(sqlite3 *db, const char *sql, const char *text, size_t len) {
  sqlite3_stmt *st = NULL;
  char *out = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text64(st, 1, text, len, SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
      out = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return out;
}

/* The document's problems that make it unloadable, as "<pos>: <what>", or NULL. */
static char *check_shape(sqlite3 *db, const char *text, size_t len, int *is_client) {
  static const char *sql =
      "SELECT CASE"
      " WHEN json_type(?1) = 'array' THEN '$: a bare list of tests (pt-suite-uploader input), not a job: "
      "expected a job object with uuid and tests[]'"
      " WHEN json_type(?1) <> 'object' THEN '$: not a PerfTracker job: top level is ' || json_type(?1)"
      " WHEN json_type(?1, '$.tests') IS NOT 'array' THEN '$.tests: not a PerfTracker job: no tests[] array'"
      " WHEN json_type(?1, '$.uuid') IS NOT 'text' OR trim(?1 ->> '$.uuid') = '' THEN '$.uuid: job uuid is missing'"
      " ELSE (SELECT '$.tests[' || key || ']' || CASE"
      "        WHEN type <> 'object' THEN ': test is not an object'"
      "        WHEN json_type(value, '$.tag') IS NOT 'text' THEN '.tag: missing or not text'"
      "        WHEN json_type(value, '$.avg_score') NOT IN ('integer', 'real', 'null') THEN"
      "          '.avg_score: not a number (' || quote(value ->> '$.avg_score') || '): use the ?as_json=1 export'"
      "        WHEN json_type(value, '$.scores') NOT IN ('array', 'text', 'null') THEN '.scores: not a list'"
      "        WHEN json_type(value, '$.samples') NOT IN ('integer', 'real', 'null') THEN '.samples: not a number'"
      "        END"
      "       FROM json_each(?1, '$.tests')"
      "       WHERE type <> 'object' OR json_type(value, '$.tag') IS NOT 'text'"
      "          OR json_type(value, '$.avg_score') NOT IN ('integer', 'real', 'null')"
      "          OR json_type(value, '$.scores') NOT IN ('array', 'text', 'null')"
      "          OR json_type(value, '$.samples') NOT IN ('integer', 'real', 'null')"
      "       ORDER BY key LIMIT 1)"
      " END";
  char *problem = query_text(db, sql, text, len);
  if (problem) return problem;
  char *kind = query_text(db,
                          "SELECT CASE WHEN json_type(?1, '$.id') = 'integer'"
                          " AND json_type(?1, '$.job_title') IS NULL THEN 'as_json' ELSE 'client_upload' END",
                          text, len);
  *is_client = kind && strcmp(kind, "client_upload") == 0;
  sqlite3_free(kind);
  return NULL;
}

/* ---- SQL: one statement per table ----------------------------------------- */

#define UTC(x) "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', " x "), " x ")"

static const char *SQL_JOB =
    "INSERT INTO pt_job(source_id, format, server, project_id, job_id, uuid, title, cmdline, author,"
    " suite_name, suite_ver, product_name, product_ver, begin_time, end_time, duration_s, upload_time,"
    " links, tests_total, tests_completed, tests_failed, tests_errors, tests_warnings)"
    " SELECT ?2, CASE WHEN ?3 THEN 'client_upload' ELSE 'as_json' END, ?4,"
    "  CASE WHEN json_type(?1, '$.project') = 'object' THEN ?1 ->> '$.project.id' END,"
    "  CASE WHEN ?3 THEN NULL ELSE ?1 ->> '$.id' END,"
    "  lower(trim(?1 ->> '$.uuid')),"
    "  coalesce(?1 ->> '$.job_title', ?1 ->> '$.title'), ?1 ->> '$.cmdline', ?1 ->> '$.author',"
    "  ?1 ->> '$.suite_name', ?1 ->> '$.suite_ver', ?1 ->> '$.product_name', ?1 ->> '$.product_ver',"
    "  " UTC("?1 ->> '$.begin'") ", " UTC("?1 ->> '$.end'") ","
    "  CASE WHEN json_type(?1, '$.duration') IN ('integer', 'real') THEN CAST(?1 ->> '$.duration' AS INTEGER)"
    "       ELSE CAST(round((julianday(?1 ->> '$.end') - julianday(?1 ->> '$.begin')) * 86400) AS INTEGER) END,"
    "  ?1 ->> '$.upload',"
    "  CASE json_type(?1, '$.links') WHEN 'object' THEN json(?1 -> '$.links')"
    "    WHEN 'text' THEN CASE WHEN json_valid(?1 ->> '$.links') THEN json(?1 ->> '$.links') END END,"
    "  ?1 ->> '$.tests_total', ?1 ->> '$.tests_completed', ?1 ->> '$.tests_failed',"
    "  ?1 ->> '$.tests_errors', ?1 ->> '$.tests_warnings'";

/* Flat list (as_json): node ids and parent ids given by the server. */
static const char *SQL_ENV_FLAT =
    "WITH RECURSIVE n AS ("
    "  SELECT value AS v, value ->> '$.id' AS node_id, value ->> '$.parent' AS parent_id, key AS pos"
    "  FROM json_each(?1, '$.env_nodes') WHERE type = 'object'),"
    " d(node_id, depth) AS ("
    "  SELECT node_id, 0 FROM n WHERE parent_id IS NULL"
    "  UNION SELECT n.node_id, d.depth + 1 FROM n JOIN d ON n.parent_id = d.node_id WHERE d.depth < 64)"
    " INSERT INTO pt_env_node(source_id, job, node_id, parent_id, depth, name, uuid, node_type, version, ip,"
    "  hostname, cpus, ram_mb, disk_gb)"
    " SELECT ?2, ?3, n.node_id, n.parent_id, coalesce((SELECT min(depth) FROM d WHERE d.node_id = n.node_id), 0),"
    "  v ->> '$.name', v ->> '$.uuid',"
    "  CASE WHEN json_type(v, '$.node_type') = 'object' THEN v ->> '$.node_type.name' ELSE v ->> '$.node_type' END,"
    "  v ->> '$.version', v ->> '$.ip', v ->> '$.hostname', v ->> '$.cpus', v ->> '$.ram_mb', v ->> '$.disk_gb'"
    " FROM n ORDER BY n.pos";

/* Tree (client body, or a nested export): json_tree ids number the nodes. */
static const char *SQL_ENV_TREE =
    "WITH t AS (SELECT * FROM json_tree(?1, '$.env_nodes')),"
    " root AS (SELECT id FROM t WHERE parent IS NULL),"
    " n AS (SELECT t.id, t.value AS v, t.path,"
    "   CASE WHEN t.parent = (SELECT id FROM root) THEN NULL"
    "        ELSE (SELECT a.parent FROM t AS a WHERE a.id = t.parent) END AS parent_id"
    "   FROM t WHERE t.type = 'object' AND (t.parent = (SELECT id FROM root)"
    "     OR (SELECT a.key FROM t AS a WHERE a.id = t.parent) = 'children'))"
    " INSERT INTO pt_env_node(source_id, job, node_id, parent_id, depth, name, uuid, node_type, version, ip,"
    "  hostname, cpus, ram_mb, disk_gb)"
    " SELECT ?2, ?3, coalesce(v ->> '$.id', n.id),"
    "  CASE WHEN parent_id IS NULL THEN NULL"
    "       ELSE coalesce((SELECT p.value ->> '$.id' FROM t AS p WHERE p.id = n.parent_id), n.parent_id) END,"
    "  (length(path) - length(replace(path, 'children', ''))) / 8,"
    "  v ->> '$.name', v ->> '$.uuid',"
    "  CASE WHEN json_type(v, '$.node_type') = 'object' THEN v ->> '$.node_type.name' ELSE v ->> '$.node_type' END,"
    "  v ->> '$.version', v ->> '$.ip', v ->> '$.hostname', v ->> '$.cpus', v ->> '$.ram_mb', v ->> '$.disk_gb'"
    " FROM n ORDER BY n.id";

static const char *SQL_HARDWARE =
    "UPDATE pt_job SET hardware = (SELECT name FROM pt_env_node WHERE job = ?3 AND parent_id IS NULL"
    " ORDER BY rowid LIMIT 1) WHERE id = ?3 AND ?2 IS NOT NULL";

/* Scores as a JSON array: as_json holds str(list) text, a client body a list
** (or a single "score"). Python's str() of a list of floats is JSON unless it
** holds nan/inf: then NULL. */
#define JSON_LIST(key)                                                                          \
  "CASE json_type(v, '$." key "') WHEN 'array' THEN json(v -> '$." key "')"                   \
  " WHEN 'text' THEN CASE WHEN json_valid(v ->> '$." key "') AND json_type(v ->> '$." key "') = 'array'" \
  " THEN json(v ->> '$." key "') END END"

static const char *SQL_TESTS =
    "WITH t AS (SELECT key AS pos, value AS v FROM json_each(?1, '$.tests')),"
    " s AS (SELECT pos, v,"
    "   coalesce(" JSON_LIST("scores") ","
    "     CASE WHEN json_type(v, '$.score') IN ('integer', 'real') THEN json_array(v -> '$.score') END) AS scores,"
    "   " JSON_LIST("deviations") " AS deviations FROM t)"
    " INSERT INTO pt_test(source_id, job, pos, test_id, seq_num, uuid, tag, group_tag, category, metrics,"
    "  less_better, status, errors, warnings, samples, loops, scores, deviations, avg_score, min_score,"
    "  max_score, avg_dev, duration_s, begin_time, end_time)"
    " SELECT ?2, ?3, pos, v ->> '$.id', v ->> '$.seq_num', v ->> '$.uuid', v ->> '$.tag', v ->> '$.group',"
    "  coalesce(v ->> '$.category', ''), v ->> '$.metrics',"
    "  CASE WHEN v ->> '$.less_better' THEN 1 ELSE 0 END,"
    "  coalesce(upper(v ->> '$.status'), 'SUCCESS'),"
    "  CASE json_type(v, '$.errors') WHEN 'array' THEN json_array_length(v, '$.errors')"
    "    WHEN 'integer' THEN v ->> '$.errors' WHEN 'real' THEN CAST(v ->> '$.errors' AS INTEGER) ELSE 0 END,"
    "  CASE json_type(v, '$.warnings') WHEN 'array' THEN json_array_length(v, '$.warnings')"
    "    WHEN 'integer' THEN v ->> '$.warnings' WHEN 'real' THEN CAST(v ->> '$.warnings' AS INTEGER) ELSE 0 END,"
    "  coalesce(CAST(v ->> '$.samples' AS INTEGER), json_array_length(scores)),"
    "  coalesce(v ->> '$.loops', CASE WHEN ?4 THEN 0 END), scores,"
    "  coalesce(deviations, CASE WHEN ?4 AND scores IS NOT NULL THEN"
    "    (SELECT json_group_array(0) FROM json_each(scores)) END),"
    "  CASE WHEN ?4 THEN (SELECT avg(value) FROM json_each(scores)) ELSE v ->> '$.avg_score' END,"
    "  CASE WHEN ?4 THEN (SELECT min(value) FROM json_each(scores)) ELSE v ->> '$.min_score' END,"
    "  CASE WHEN ?4 THEN (SELECT max(value) FROM json_each(scores)) ELSE v ->> '$.max_score' END,"
    "  CASE WHEN NOT ?4 THEN v ->> '$.avg_dev'"
    "       WHEN deviations IS NOT NULL THEN (SELECT avg(value) FROM json_each(deviations))"
    "       ELSE (SELECT sqrt(avg((e.value - m.mean) * (e.value - m.mean))) FROM json_each(scores) AS e,"
    "             (SELECT avg(value) AS mean FROM json_each(scores)) AS m) END,"
    "  CASE WHEN json_type(v, '$.duration_sec') IN ('integer', 'real') THEN v ->> '$.duration_sec'"
    "       WHEN json_type(v, '$.duration') IN ('integer', 'real') THEN v ->> '$.duration'"
    "       WHEN json_type(v, '$.duration') = 'text' THEN"
    "         CASE WHEN instr(v ->> '$.duration', ' ') > 0"
    "              THEN CAST(v ->> '$.duration' AS INTEGER) * 86400.0 + round((julianday('2000-01-01 ' ||"
    "                   substr(v ->> '$.duration', instr(v ->> '$.duration', ' ') + 1)) - 2451544.5) * 86400, 3)"
    "              ELSE round((julianday('2000-01-01 ' || (v ->> '$.duration')) - 2451544.5) * 86400, 3) END"
    "       ELSE round((julianday(v ->> '$.end') - julianday(v ->> '$.begin')) * 86400, 3)"
    "  END,"
    "  " UTC("v ->> '$.begin'") ", " UTC("v ->> '$.end'") " FROM s ORDER BY pos";

static const char *SQL_CLIENT_COUNTS =
    "UPDATE pt_job SET"
    " tests_total = (SELECT count(*) FROM pt_test WHERE job = ?3),"
    " tests_completed = (SELECT count(*) FROM pt_test WHERE job = ?3 AND status IN ('SUCCESS', 'FAILED')),"
    " tests_failed = (SELECT count(*) FROM pt_test WHERE job = ?3 AND status = 'FAILED'),"
    " tests_errors = (SELECT count(*) FROM pt_test WHERE job = ?3 AND (status = 'FAILED' OR errors > 0)),"
    " tests_warnings = (SELECT count(*) FROM pt_test WHERE job = ?3 AND warnings > 0)"
    " WHERE id = ?3 AND ?2 IS NOT NULL";

static sqlite3_int64 job_of_source(sqlite3 *db, sqlite3_int64 source_id) {
  sqlite3_stmt *st = NULL;
  sqlite3_int64 id = 0;
  if (sqlite3_prepare_v2(db, "SELECT max(id) FROM pt_job WHERE source_id = ?1", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, source_id);
    if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return id;
}

static void hash_text(const char *text, size_t len, char out[65]) {
  Sha256 h;
  sha256_init(&h);
  sha256_update(&h, text, len);
  sha256_hex(&h, out);
}

/* "invalid JSON" message with the byte offset of the first bad byte. */
static char *json_error(const char *uri, const char *text, size_t len) {
  size_t off = pt_json_error_offset(text, len);
  if (off == (size_t)-1) return err_at_offset(uri, 0, "invalid JSON (rejected by SQLite's json_valid)");
  if (off >= len) return err_at_offset(uri, (long long)len, "invalid JSON: the document ends early (truncated?)");
  unsigned char c = (unsigned char)text[off];
  if (c >= 0x20 && c < 0x7f) return err_at_offset(uri, (long long)off, "invalid JSON: unexpected '%c'", c);
  return err_at_offset(uri, (long long)off, "invalid JSON: unexpected byte 0x%02x", c);
}

int pt_load_job_text(sqlite3 *db, const char *uri, const char *server, const char *text, size_t len,
                     int replace, int quiet, sqlite3_int64 *job_out, char **pzErr) {
  *job_out = 0;
  char *valid = query_text(db, "SELECT json_valid(?1)", text, len);
  int ok = valid && strcmp(valid, "1") == 0;
  sqlite3_free(valid);
  if (!ok || memchr(text, 0, len)) {
    *pzErr = json_error(uri, text, len);
    return LOAD_ERROR;
  }
  int is_client = 0;
  char *problem = check_shape(db, text, len, &is_client);
  if (problem) {
    *pzErr = sqlite3_mprintf("%s:%s", uri, problem);
    sqlite3_free(problem);
    return LOAD_ERROR;
  }
  char hash[65];
  hash_text(text, len, hash);
  PerfsqlLoad ld;
  memset(&ld, 0, sizeof ld);
  char *err = NULL;
  int st = load_begin(db, PT_KIND_JOB, uri, hash, replace, &ld, &err);
  if (st == LOAD_ERROR) {
    load_free(&ld);
    *pzErr = err;
    return LOAD_ERROR;
  }
  if (st == LOAD_DUPLICATE) {
    *job_out = job_of_source(db, ld.existing_id);
    load_report(&ld, st, quiet);
    load_free(&ld);
    return LOAD_DUPLICATE;
  }
  sqlite3_int64 n_jobs = 0, n_nodes = 0, n_tests = 0;
  int has_tree = 0;
  {
    char *t = query_text(db,
                         "SELECT count(*) FROM json_each(?1, '$.env_nodes')"
                         " WHERE json_type(value, '$.children') = 'array'",
                         text, len);
    has_tree = t && strcmp(t, "0") != 0;
    sqlite3_free(t);
  }
  int rc = run_bound(db, SQL_JOB, text, len, ld.source_id, is_client, server, &n_jobs, &err);
  sqlite3_int64 job = rc == SQLITE_OK ? sqlite3_last_insert_rowid(db) : 0;
  if (rc == SQLITE_OK)
    rc = run_bound(db, has_tree ? SQL_ENV_TREE : SQL_ENV_FLAT, text, len, ld.source_id, job, NULL, &n_nodes,
                   &err);
  if (rc == SQLITE_OK) rc = run_bound(db, SQL_HARDWARE, text, len, ld.source_id, job, NULL, NULL, &err);
  if (rc == SQLITE_OK) {
    /* ?4 = is_client for the tests statement */
    sqlite3_stmt *stt = NULL;
    rc = sqlite3_prepare_v2(db, SQL_TESTS, -1, &stt, NULL);
    if (rc == SQLITE_OK) {
      sqlite3_bind_text64(stt, 1, text, len, SQLITE_STATIC, SQLITE_UTF8);
      sqlite3_bind_int64(stt, 2, ld.source_id);
      sqlite3_bind_int64(stt, 3, job);
      sqlite3_bind_int(stt, 4, is_client);
      rc = sqlite3_step(stt);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
      if (rc == SQLITE_OK) n_tests = sqlite3_changes64(db);
    }
    if (rc != SQLITE_OK) err = sqlite3_mprintf("%s", sqlite3_errmsg(db));
    sqlite3_finalize(stt);
  }
  if (rc == SQLITE_OK && is_client)
    rc = run_bound(db, SQL_CLIENT_COUNTS, text, len, ld.source_id, job, NULL, NULL, &err);
  if (rc != SQLITE_OK) {
    load_free(&ld);
    *pzErr = sqlite3_mprintf("%s: %s", uri, err ? err : "load failed");
    sqlite3_free(err);
    return LOAD_ERROR;
  }
  load_count(&ld, "pt_job", n_jobs);
  load_count(&ld, "pt_env_node", n_nodes);
  load_count(&ld, "pt_test", n_tests);
  if (load_commit(&ld, &err) != SQLITE_OK) {
    load_free(&ld);
    *pzErr = sqlite3_mprintf("%s: %s", uri, err ? err : "commit failed");
    sqlite3_free(err);
    return LOAD_ERROR;
  }
  load_report(&ld, LOAD_NEW, quiet);
  load_free(&ld);
  *job_out = job;
  return LOAD_NEW;
}

/* ---- job list ------------------------------------------------------------ */

static const char *SQL_LISTING =
    "INSERT INTO pt_listed_job(source_id, server, project_id, job_id, title, suite_name, suite_ver,"
    " product_name, product_ver, env_name, hardware, end_time, tests_total, tests_errors, tests_failed)"
    " SELECT ?2, ?4, ?3, value ->> '$.id', value ->> '$.title', value ->> '$.suite_name',"
    "  value ->> '$.suite_ver', value ->> '$.product_name', value ->> '$.product_ver',"
    "  value ->> '$.env_node[0].name',"
    "  coalesce(nullif(value ->> '$.env_node[0].display_name', ''), value ->> '$.env_node[0].name'),"
    "  value ->> '$.end', value ->> '$.tests_total', value ->> '$.tests_errors', value ->> '$.tests_failed'"
    " FROM json_each(?1, '$.data') WHERE json_type(value, '$.id') = 'integer' ORDER BY key";

int pt_load_listing(sqlite3 *db, const char *uri, const char *server, int project_id,
                    char *const *pages, const size_t *lens, int npages, int quiet, char **pzErr) {
  Sha256 h;
  sha256_init(&h);
  for (int i = 0; i < npages; i++) {
    char *valid = query_text(db, "SELECT json_valid(?1) AND json_type(?1, '$.data') = 'array'", pages[i], lens[i]);
    int ok = valid && strcmp(valid, "1") == 0;
    sqlite3_free(valid);
    if (!ok) {
      char *where = sqlite3_mprintf("%s (page %d)", uri, i + 1);
      char *v2 = query_text(db, "SELECT json_valid(?1)", pages[i], lens[i]);
      if (v2 && strcmp(v2, "1") == 0) *pzErr = sqlite3_mprintf("%s:$.data: not a job list (no data[] array)", where);
      else *pzErr = json_error(where, pages[i], lens[i]);
      sqlite3_free(v2);
      sqlite3_free(where);
      return LOAD_ERROR;
    }
    sha256_update(&h, pages[i], lens[i]);
  }
  char hash[65];
  sha256_hex(&h, hash);
  PerfsqlLoad ld;
  memset(&ld, 0, sizeof ld);
  char *err = NULL;
  int st = load_begin(db, PT_KIND_LIST, uri, hash, 0, &ld, &err);
  if (st == LOAD_ERROR) {
    load_free(&ld);
    *pzErr = err;
    return LOAD_ERROR;
  }
  if (st == LOAD_DUPLICATE) {
    load_report(&ld, st, quiet);
    load_free(&ld);
    return LOAD_DUPLICATE;
  }
  sqlite3_int64 total = 0;
  for (int i = 0; i < npages; i++) {
    sqlite3_int64 n = 0;
    if (run_bound(db, SQL_LISTING, pages[i], lens[i], ld.source_id, project_id, server, &n, &err) != SQLITE_OK) {
      load_free(&ld);
      *pzErr = sqlite3_mprintf("%s: %s", uri, err);
      sqlite3_free(err);
      return LOAD_ERROR;
    }
    total += n;
  }
  load_count(&ld, "pt_listed_job", total);
  if (load_commit(&ld, &err) != SQLITE_OK) {
    load_free(&ld);
    *pzErr = sqlite3_mprintf("%s: %s", uri, err ? err : "commit failed");
    sqlite3_free(err);
    return LOAD_ERROR;
  }
  load_report(&ld, LOAD_NEW, quiet);
  load_free(&ld);
  return LOAD_NEW;
}
