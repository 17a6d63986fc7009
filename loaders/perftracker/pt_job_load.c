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
#include "sql_stmt.h"

#include <stdio.h>
#include <string.h>

/* Runs one statement with ?1 = text, ?2 = source_id, ?3 = job id, ?4 = server. */
static int run_bound(sqlite3 *db, const char *sql, const char *text, size_t len, sqlite3_int64 source_id,
                     sqlite3_int64 job, const char *server, sqlite3_int64 *changes, char **pzErr) {
  sqlite3_stmt *st = NULL;
  int rc = sql_prepare(db, sql, &st, pzErr);
  if (rc != SQLITE_OK) return rc;
  int n = sqlite3_bind_parameter_count(st);
  if (n >= 1) sqlite3_bind_text64(st, 1, text, len, SQLITE_STATIC, SQLITE_UTF8);   /* documents may pass 2 GB */
  if (n >= 2) sqlite3_bind_int64(st, 2, source_id);
  if (n >= 3) sqlite3_bind_int64(st, 3, job);
  if (n >= 4) sql_bind_text(st, 4, server);
  rc = sql_step_done(st, pzErr);
  if (rc == SQLITE_OK && changes) *changes = sqlite3_changes64(db);
  sqlite3_finalize(st);
  return rc;
}

char *pt_query_text(sqlite3 *db, const char *sql, const char *text, size_t len) {
  sqlite3_stmt *st = NULL;
  char *out = NULL, *err = NULL;
  if (sql_prepare(db, sql, &st, &err) == SQLITE_OK) {
    sqlite3_bind_text64(st, 1, text, len, SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
      out = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_free(err);
  return out;
}

/* ---- one parse of the document per statement ----------------------------
** The document is parsed by SQLite a handful of times in all: json_valid, the
** header (one json_extract with many paths into a small array H), and one
** json_each over tests[] whose rows are cut into small arrays by one
** json_extract per test (pt_stage). Everything after that reads the small
** arrays. (Each `->>` on the whole document would parse it again.) */

/* H: the job's top-level values, by index. */
static const char *SQL_HEADER =
    "SELECT json_type(?1), json_type(?1, '$.tests'),"
    " json_extract(?1, '$.id', '$.uuid', '$.job_title', '$.title', '$.cmdline', '$.author', '$.suite_name',"
    "  '$.suite_ver', '$.product_name', '$.product_ver', '$.begin', '$.end', '$.duration', '$.upload', '$.links',"
    "  '$.tests_total', '$.tests_completed', '$.tests_failed', '$.tests_errors', '$.tests_warnings',"
    "  '$.project.id', '$.env_nodes')";
enum { H_ID, H_UUID, H_JOB_TITLE, H_TITLE, H_CMDLINE, H_AUTHOR, H_SUITE, H_SUITE_VER, H_PRODUCT, H_VER, H_BEGIN,
       H_END, H_DURATION, H_UPLOAD, H_LINKS, H_TOTAL, H_COMPLETED, H_FAILED, H_ERRORS, H_WARNINGS, H_PROJECT,
       H_ENV };

/* Per test: its position, JSON type and a small array of its values (a). */
static const char *SQL_STAGE =
    "INSERT INTO temp.pt_stage(pos, type, a)"
    " SELECT key, type, json_extract(value, '$.id', '$.seq_num', '$.uuid', '$.tag', '$.group', '$.category',"
    "  '$.metrics', '$.less_better', '$.status', '$.errors', '$.warnings', '$.samples', '$.loops', '$.scores',"
    "  '$.deviations', '$.avg_score', '$.min_score', '$.max_score', '$.avg_dev', '$.duration', '$.begin', '$.end',"
    "  '$.duration_sec', '$.score')"
    " FROM json_each(?1, '$.tests')";
/* a's indexes: 0 id, 1 seq_num, 2 uuid, 3 tag, 4 group, 5 category, 6 metrics, 7 less_better, 8 status,
** 9 errors, 10 warnings, 11 samples, 12 loops, 13 scores, 14 deviations, 15 avg_score, 16 min_score,
** 17 max_score, 18 avg_dev, 19 duration, 20 begin, 21 end, 22 duration_sec, 23 score */

static const char *SQL_STAGE_PROBLEM =
    "SELECT '$.tests[' || pos || ']' || CASE"
    "   WHEN type <> 'object' THEN ': test is not an object'"
    "   WHEN json_type(a, '$[3]') IS NOT 'text' THEN '.tag: missing or not text'"
    "   WHEN json_type(a, '$[15]') NOT IN ('integer', 'real', 'null') THEN"
    "     '.avg_score: not a number (' || quote(a ->> 15) || '): use the ?as_json=1 export'"
    "   WHEN json_type(a, '$[13]') NOT IN ('array', 'text', 'null') THEN '.scores: not a list'"
    "   WHEN json_type(a, '$[11]') NOT IN ('integer', 'null') OR (a ->> 11) < 0"
    "     THEN '.samples: not a count (a non-negative integer): ' || quote(a ->> 11)"
    "   WHEN json_type(a, '$[20]') = 'text' AND unixepoch(a ->> 20) IS NULL THEN '.begin: not a time: ' || quote(a ->> 20)"
    "   WHEN json_type(a, '$[21]') = 'text' AND unixepoch(a ->> 21) IS NULL THEN '.end: not a time: ' || quote(a ->> 21)"
    "   END"
    " FROM temp.pt_stage"
    " WHERE type <> 'object' OR json_type(a, '$[3]') IS NOT 'text'"
    "    OR json_type(a, '$[15]') NOT IN ('integer', 'real', 'null')"
    "    OR json_type(a, '$[13]') NOT IN ('array', 'text', 'null')"
    "    OR json_type(a, '$[11]') NOT IN ('integer', 'null') OR (a ->> 11) < 0"
    "    OR (json_type(a, '$[20]') = 'text' AND unixepoch(a ->> 20) IS NULL)"
    "    OR (json_type(a, '$[21]') = 'text' AND unixepoch(a ->> 21) IS NULL)"
    " ORDER BY pos LIMIT 1";

/* The document's problems that make it unloadable, as "<pos>: <what>", or
** NULL; fills *header (H, sqlite3_malloc'd) and temp.pt_stage. */
static char *check_shape(sqlite3 *db, const char *text, size_t len, int *is_client, char **header) {
  *header = NULL;
  sqlite3_stmt *st = NULL;
  char *problem = NULL, *perr = NULL;
  if (sql_prepare(db, SQL_HEADER, &st, &perr) != SQLITE_OK) {
    problem = sqlite3_mprintf(": %s", perr);
    sqlite3_free(perr);
    return problem;
  }
  sqlite3_bind_text64(st, 1, text, len, SQLITE_STATIC, SQLITE_UTF8);
  if (sqlite3_step(st) != SQLITE_ROW) {
    problem = sqlite3_mprintf(": %s", sqlite3_errmsg(db));
  } else {
    const char *top = (const char *)sqlite3_column_text(st, 0);
    const char *tests = (const char *)sqlite3_column_text(st, 1);
    if (top && strcmp(top, "array") == 0)
      problem = sqlite3_mprintf("$: a bare list of tests (pt-suite-uploader input), not a job: expected a job "
                                "object with uuid and tests[]");
    else if (!top || strcmp(top, "object") != 0)
      problem = sqlite3_mprintf("$: not a PerfTracker job: top level is %s", top ? top : "empty");
    else if (!tests || strcmp(tests, "array") != 0)
      problem = sqlite3_mprintf("$.tests: not a PerfTracker job: no tests[] array");
    else
      *header = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 2));
  }
  sqlite3_finalize(st);
  if (problem) return problem;
  char *uuid_ok = pt_query_text(db,
                             "SELECT json_type(?1, '$[1]') = 'text' AND trim(?1 ->> 1) <> '',"
                             " json_type(?1, '$[0]') = 'integer' AND (?1 ->> 2) IS NULL",
                             *header, strlen(*header));
  if (!uuid_ok || strcmp(uuid_ok, "1") != 0) {
    sqlite3_free(uuid_ok);
    return sqlite3_mprintf("$.uuid: job uuid is missing");
  }
  sqlite3_free(uuid_ok);
  /* the job's times must be times: "not a time" is not stored */
  char *bad_time = pt_query_text(db,
                              "SELECT CASE WHEN json_type(?1, '$[10]') = 'text' AND unixepoch(?1 ->> 10) IS NULL"
                              "  THEN '$.begin: not a time: ' || quote(?1 ->> 10)"
                              " WHEN json_type(?1, '$[11]') = 'text' AND unixepoch(?1 ->> 11) IS NULL"
                              "  THEN '$.end: not a time: ' || quote(?1 ->> 11) END",
                              *header, strlen(*header));
  if (bad_time) return bad_time;
  char *as_json = pt_query_text(db, "SELECT json_type(?1, '$[0]') = 'integer' AND (?1 ->> 2) IS NULL",
                             *header, strlen(*header));
  *is_client = !(as_json && strcmp(as_json, "1") == 0);
  sqlite3_free(as_json);
  char *err = NULL;
  if (sqlite3_exec(db,
                   "CREATE TEMP TABLE IF NOT EXISTS pt_stage(pos INTEGER PRIMARY KEY, type TEXT, a TEXT);"
                   "DELETE FROM temp.pt_stage",
                   NULL, NULL, &err) != SQLITE_OK ||
      run_bound(db, SQL_STAGE, text, len, 0, 0, NULL, NULL, &err) != SQLITE_OK) {
    problem = sqlite3_mprintf(": %s", err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    return problem;
  }
  return pt_query_text(db, SQL_STAGE_PROBLEM, "", 0);
}

/* ---- SQL: one statement per table, over H (?1) or pt_stage --------------- */

/* ISO-8601 UTC 'YYYY-MM-DDTHH:MM:SSZ'; text already in that form is kept as is (cheap). */
#define UTC(x)                                                                                    \
  "CASE WHEN " x " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'" \
  " THEN " x " ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', " x "), " x ") END"

static const char *SQL_JOB =
    "INSERT INTO pt_job(source_id, format, server, project_id, job_id, uuid, title, cmdline, author,"
    " suite_name, suite_ver, product_name, product_ver, begin_time, end_time, duration_s, upload_time,"
    " links, tests_total, tests_completed, tests_failed, tests_errors, tests_warnings)"
    " SELECT ?2, CASE WHEN ?3 THEN 'client_upload' ELSE 'as_json' END, ?4, ?1 ->> 20,"
    "  CASE WHEN ?3 THEN NULL ELSE ?1 ->> 0 END, lower(trim(?1 ->> 1)),"
    "  coalesce(?1 ->> 2, ?1 ->> 3), ?1 ->> 4, ?1 ->> 5, ?1 ->> 6, ?1 ->> 7, ?1 ->> 8, ?1 ->> 9,"
    "  " UTC("?1 ->> 10") ", " UTC("?1 ->> 11") ","
    "  CASE WHEN json_type(?1, '$[12]') IN ('integer', 'real') THEN CAST(?1 ->> 12 AS INTEGER)"
    "       ELSE CAST(round((julianday(?1 ->> 11) - julianday(?1 ->> 10)) * 86400) AS INTEGER) END,"
    "  ?1 ->> 13,"
    "  CASE json_type(?1, '$[14]') WHEN 'object' THEN json(?1 -> 14)"
    "    WHEN 'text' THEN CASE WHEN json_valid(?1 ->> 14) THEN json(?1 ->> 14) END END,"
    "  ?1 ->> 15, ?1 ->> 16, ?1 ->> 17, ?1 ->> 18, ?1 ->> 19";

/* Flat list (as_json): node ids and parent ids given by the server. ?1 = env_nodes[]. */
static const char *SQL_ENV_FLAT =
    "WITH RECURSIVE n AS ("
    "  SELECT value AS v, value ->> '$.id' AS node_id, value ->> '$.parent' AS parent_id, key AS pos"
    "  FROM json_each(?1) WHERE type = 'object'),"
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

/* Tree (client body, or a nested export): json_tree ids number the nodes. ?1 = env_nodes[]. */
static const char *SQL_ENV_TREE =
    "WITH t AS (SELECT * FROM json_tree(?1)),"
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

/* A list value of a (index k) as a JSON array: as_json holds str(list) text, a
** client body a list. Python's str() of floats is JSON unless it holds nan/inf:
** then NULL. */
#define JSON_LIST(k)                                                                             \
  "CASE json_type(a, '$[" k "]') WHEN 'array' THEN a -> " k                                    \
  " WHEN 'text' THEN CASE WHEN json_valid(a ->> " k ") THEN json(a ->> " k ") END END"
#define COUNT_OR_LIST(k)                                                                             \
  "CASE json_type(a, '$[" k "]') WHEN 'array' THEN json_array_length(a, '$[" k "]')"               \
  " WHEN 'integer' THEN a ->> " k " WHEN 'real' THEN CAST(a ->> " k " AS INTEGER) ELSE 0 END"

static const char *SQL_TESTS =
    "WITH s AS MATERIALIZED (SELECT pos, a,"
    "   coalesce(" JSON_LIST("13") ","
    "     CASE WHEN json_type(a, '$[23]') IN ('integer', 'real') THEN json_array(a -> 23) END) AS scores,"
    "   " JSON_LIST("14") " AS deviations FROM temp.pt_stage)"
    " INSERT INTO pt_test(source_id, job, pos, test_id, seq_num, uuid, tag, group_tag, category, metrics,"
    "  less_better, status, errors, warnings, samples, loops, scores, deviations, avg_score, min_score,"
    "  max_score, avg_dev, duration_s, begin_time, end_time)"
    " SELECT ?2, ?3, pos, a ->> 0, a ->> 1, a ->> 2, a ->> 3, a ->> 4, coalesce(a ->> 5, ''), a ->> 6,"
    "  CASE WHEN a ->> 7 THEN 1 ELSE 0 END,"
    "  coalesce(upper(a ->> 8), 'SUCCESS'),"
    "  " COUNT_OR_LIST("9") ", " COUNT_OR_LIST("10") ","
    "  coalesce(CAST(a ->> 11 AS INTEGER), json_array_length(scores)),"
    "  coalesce(a ->> 12, CASE WHEN ?4 THEN 0 END), scores,"
    "  coalesce(deviations, CASE WHEN ?4 AND scores IS NOT NULL THEN"
    "    (SELECT json_group_array(0) FROM json_each(scores)) END),"
    "  CASE WHEN ?4 THEN (SELECT avg(value) FROM json_each(scores)) ELSE a ->> 15 END,"
    "  CASE WHEN ?4 THEN (SELECT min(value) FROM json_each(scores)) ELSE a ->> 16 END,"
    "  CASE WHEN ?4 THEN (SELECT max(value) FROM json_each(scores)) ELSE a ->> 17 END,"
    "  CASE WHEN NOT ?4 THEN a ->> 18"
    "       WHEN deviations IS NOT NULL THEN (SELECT avg(value) FROM json_each(deviations))"
    "       ELSE (SELECT sqrt(avg((e.value - m.mean) * (e.value - m.mean))) FROM json_each(scores) AS e,"
    "             (SELECT avg(value) AS mean FROM json_each(scores)) AS m) END,"
    "  CASE WHEN json_type(a, '$[22]') IN ('integer', 'real') THEN a ->> 22"
    "       WHEN json_type(a, '$[19]') IN ('integer', 'real') THEN a ->> 19"
    "       WHEN json_type(a, '$[19]') = 'text' THEN"
    "         CASE WHEN instr(a ->> 19, ' ') > 0"
    "              THEN CAST(a ->> 19 AS INTEGER) * 86400.0 + round((julianday('2000-01-01 ' ||"
    "                   substr(a ->> 19, instr(a ->> 19, ' ') + 1)) - 2451544.5) * 86400, 3)"
    "              ELSE round((julianday('2000-01-01 ' || (a ->> 19)) - 2451544.5) * 86400, 3) END"
    "       ELSE round((julianday(a ->> 21) - julianday(a ->> 20)) * 86400, 3)"
    "  END,"
    "  " UTC("a ->> 20") ", " UTC("a ->> 21") " FROM s ORDER BY pos";

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
  char *err = NULL;
  if (sql_prepare(db, "SELECT max(id) FROM pt_job WHERE source_id = ?1", &st, &err) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, source_id);
    if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_free(err);
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

static void clear_stage(sqlite3 *db) { sqlite3_exec(db, "DELETE FROM temp.pt_stage", NULL, NULL, NULL); }

int pt_load_job_text(sqlite3 *db, const char *uri, const char *server, const char *text, size_t len,
                     int replace, int quiet, sqlite3_int64 *job_out, char **pzErr) {
  *job_out = 0;
  char *valid = pt_query_text(db, "SELECT json_valid(?1)", text, len);
  int ok = valid && strcmp(valid, "1") == 0;
  sqlite3_free(valid);
  if (!ok || memchr(text, 0, len)) {
    *pzErr = json_error(uri, text, len);
    return LOAD_ERROR;
  }
  /* duplicate keys, "\u0000", 1e999 (samples: 1e999 would be clamped) */
  if (json_strict_check(uri, text, len, pzErr)) return LOAD_ERROR;
  int is_client = 0;
  char *header = NULL;
  char *problem = check_shape(db, text, len, &is_client, &header);
  if (problem) {
    *pzErr = sqlite3_mprintf("%s:%s", uri, problem);
    sqlite3_free(problem);
    sqlite3_free(header);
    clear_stage(db);
    return LOAD_ERROR;
  }
  size_t hlen = strlen(header);
  char *env = pt_query_text(db, "SELECT CASE WHEN json_type(?1, '$[21]') = 'array' THEN ?1 -> 21 ELSE '[]' END",
                         header, hlen);
  char *t = pt_query_text(db, "SELECT count(*) FROM json_each(?1) WHERE json_type(value, '$.children') = 'array'",
                       env ? env : "[]", env ? strlen(env) : 2);
  int has_tree = t && strcmp(t, "0") != 0;
  sqlite3_free(t);

  char hash[65];
  hash_text(text, len, hash);
  PerfsqlLoad ld;
  memset(&ld, 0, sizeof ld);
  char *err = NULL;
  int st = load_begin(db, PT_KIND_JOB, uri, hash, replace, &ld, &err);
  if (st != LOAD_NEW) {
    if (st == LOAD_DUPLICATE) {
      *job_out = job_of_source(db, ld.existing_id);
      load_report(&ld, st, quiet);
    } else {
      *pzErr = err;
    }
    load_free(&ld);
    sqlite3_free(header);
    sqlite3_free(env);
    clear_stage(db);
    return st;
  }
  sqlite3_int64 n_jobs = 0, n_nodes = 0, n_tests = 0;
  int rc = run_bound(db, SQL_JOB, header, hlen, ld.source_id, is_client, server, &n_jobs, &err);
  sqlite3_int64 job = rc == SQLITE_OK ? sqlite3_last_insert_rowid(db) : 0;
  if (rc == SQLITE_OK && env)
    rc = run_bound(db, has_tree ? SQL_ENV_TREE : SQL_ENV_FLAT, env, strlen(env), ld.source_id, job, NULL, &n_nodes,
                   &err);
  if (rc == SQLITE_OK) rc = run_bound(db, SQL_HARDWARE, "", 0, ld.source_id, job, NULL, NULL, &err);
  if (rc == SQLITE_OK) {
    /* ?4 = is_client for the tests statement */
    sqlite3_stmt *stt = NULL;
    rc = sql_prepare(db, SQL_TESTS, &stt, &err);
    if (rc == SQLITE_OK) {
      sqlite3_bind_int64(stt, 2, ld.source_id);
      sqlite3_bind_int64(stt, 3, job);
      sqlite3_bind_int(stt, 4, is_client);
      rc = sql_step_done(stt, &err);
      if (rc == SQLITE_OK) n_tests = sqlite3_changes64(db);
    }
    sqlite3_finalize(stt);
  }
  if (rc == SQLITE_OK && is_client)
    rc = run_bound(db, SQL_CLIENT_COUNTS, "", 0, ld.source_id, job, NULL, NULL, &err);
  sqlite3_free(header);
  sqlite3_free(env);
  if (rc != SQLITE_OK) {
    load_free(&ld);
    clear_stage(db);
    *pzErr = sqlite3_mprintf("%s: %s", uri, err ? err : "load failed");
    sqlite3_free(err);
    return LOAD_ERROR;
  }
  load_count(&ld, "pt_job", n_jobs);
  load_count(&ld, "pt_env_node", n_nodes);
  load_count(&ld, "pt_test", n_tests);
  if (load_commit(&ld, &err) != SQLITE_OK) {
    load_free(&ld);
    clear_stage(db);
    *pzErr = sqlite3_mprintf("%s: %s", uri, err ? err : "commit failed");
    sqlite3_free(err);
    return LOAD_ERROR;
  }
  load_report(&ld, LOAD_NEW, quiet);
  load_free(&ld);
  clear_stage(db);
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
    char *valid = pt_query_text(db, "SELECT json_valid(?1) AND json_type(?1, '$.data') = 'array'", pages[i], lens[i]);
    int ok = valid && strcmp(valid, "1") == 0;
    sqlite3_free(valid);
    if (!ok) {
      char *where = sqlite3_mprintf("%s (page %d)", uri, i + 1);
      char *v2 = pt_query_text(db, "SELECT json_valid(?1)", pages[i], lens[i]);
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
