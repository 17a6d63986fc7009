/*
** remote_config.c — the framework's configuration as data: every YAML file of a
** configuration folder (minimal input, <env>-full, tools template, performance template,
** analysis config, the legacy four-file format) becomes one remote_config row holding
** the document as JSON; *-cases.json and other JSON files are stored as they are.
** Views (views/remote/remote_case_matrix.sql, remote_thresholds.sql) read them with
** SQLite's JSON functions.
**
**  1. YAML is read with libyaml's event parser. Mappings become objects (key order
**     kept), sequences arrays. Plain scalars are typed like YAML 1.1: ~/null/empty ->
**     null, true/false/yes/no/on/off -> booleans, decimal integers -> integers (a
**     leading zero keeps it a string), decimal floats -> reals; quoted and block
**     scalars stay strings. Aliases and multi-document files are errors (the framework
**     uses neither); only the first document is read.
**  2. kind: 'minimal' (nodes), 'full' (environments + tools), 'tools' (tools),
**     'performance' (performance_tests), 'analysis' (topics or thresholds), 'cases'
**     (JSON with test_cases), 'legacy' (any other file).
**  3. Errors: "<file>:line N, column M: <libyaml's problem>"; invalid JSON:
**     "<file>: invalid JSON". One transaction for the folder (loaders/common/load.h);
**     the hash covers every file's relative path and bytes.
*/
#include "remote_load.h"
#include "common/load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void json_string(PerfsqlBuf *b, const char *s, size_t n) {
  buf_append(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') { buf_append(b, "\\", 1); buf_append(b, &s[i], 1); }
    else if (c == '\n') buf_append(b, "\\n", 2);
    else if (c == '\t') buf_append(b, "\\t", 2);
    else if (c == '\r') buf_append(b, "\\r", 2);
    else if (c < 0x20) buf_appendf(b, "\\u%04x", c);
    else buf_append(b, &s[i], 1);
  }
  buf_append(b, "\"", 1);
}

static int ieq(const char *a, size_t n, const char *b) {
  return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

static void json_scalar(PerfsqlBuf *b, const yaml_event_t *ev) {
  const char *s = (const char *)ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) { json_string(b, s, n); return; }
  if (n == 0 || ieq(s, n, "null") || ieq(s, n, "~")) { buf_append(b, "null", 4); return; }
  if (ieq(s, n, "true") || ieq(s, n, "yes") || ieq(s, n, "on")) { buf_append(b, "true", 4); return; }
  if (ieq(s, n, "false") || ieq(s, n, "no") || ieq(s, n, "off")) { buf_append(b, "false", 5); return; }
  /* integer: [-+]?[0-9]+ without a leading zero (except "0") */
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  size_t d = i;
  while (d < n && s[d] >= '0' && s[d] <= '9') d++;
  if (d == n && d > i && !(s[i] == '0' && n - i > 1) && n - i <= 18) {
    if (s[0] == '+') buf_append(b, s + 1, n - 1); else buf_append(b, s, n);
    return;
  }
  /* float */
  char tmp[64];
  if (n < sizeof tmp) {
    memcpy(tmp, s, n);
    tmp[n] = 0;
    int digits = 0, ok = 1;
    for (size_t k = 0; k < n; k++) {
      char c = tmp[k];
      if (c >= '0' && c <= '9') digits++;
      else if (!(c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) ok = 0;
    }
    char *e;
    double v = ok && digits ? strtod(tmp, &e) : 0;
    if (ok && digits && *e == 0 && isfinite(v) && strchr(tmp, '.')) {
      char out[40];
      snprintf(out, sizeof out, "%.17g", v);
      /* shortest form that reads back the same */
      for (int p = 1; p <= 17; p++) {
        snprintf(out, sizeof out, "%.*g", p, v);
        if (strtod(out, 0) == v) break;
      }
      if (!strpbrk(out, ".eEn")) strcat(out, ".0");
      buf_append(b, out, strlen(out));
      return;
    }
  }
  json_string(b, s, n);
}

int remote_yaml_to_json(const char *text, size_t n, char **json, long *err_line, char **err_msg) {
  *json = 0;
  *err_line = 0;
  *err_msg = 0;
  yaml_parser_t p;
  yaml_event_t ev;
  if (!yaml_parser_initialize(&p)) { *err_msg = sqlite3_mprintf("libyaml: cannot initialize"); return -1; }
  yaml_parser_set_input_string(&p, (const unsigned char *)text, n);
  PerfsqlBuf b = {0, 0, 0, 0};
  /* stack: for each open container, 'm' or 's' and whether an item was written; in a
  ** mapping, whether the next scalar is a key */
  char kind[256];
  int count[256], expect_key[256];
  int depth = 0, docs = 0, rc = 0, done = 0;
  while (!done) {
    if (!yaml_parser_parse(&p, &ev)) {
      *err_line = (long)p.problem_mark.line + 1;
      *err_msg = sqlite3_mprintf("column %ld: %s", (long)p.problem_mark.column + 1,
                                 p.problem ? p.problem : "YAML syntax error");
      rc = -1;
      break;
    }
    long line = (long)ev.start_mark.line + 1;
    int is_value_start = ev.type == YAML_SCALAR_EVENT || ev.type == YAML_MAPPING_START_EVENT ||
                         ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_ALIAS_EVENT;
    if (is_value_start && depth > 0) {
      if (kind[depth - 1] == 's') {
        if (count[depth - 1]++) buf_append(&b, ",", 1);
      } else if (expect_key[depth - 1]) {
        if (ev.type != YAML_SCALAR_EVENT) {
          *err_line = line;
          *err_msg = sqlite3_mprintf("mapping keys must be scalars");
          rc = -1;
          yaml_event_delete(&ev);
          break;
        }
        if (count[depth - 1]++) buf_append(&b, ",", 1);
        json_string(&b, (const char *)ev.data.scalar.value, ev.data.scalar.length);
        buf_append(&b, ":", 1);
        expect_key[depth - 1] = 0;
        yaml_event_delete(&ev);
        continue;
      } else {
        expect_key[depth - 1] = 1;
      }
    }
    switch (ev.type) {
      case YAML_STREAM_END_EVENT: done = 1; break;
      case YAML_DOCUMENT_START_EVENT:
        if (++docs > 1) {
          *err_line = line;
          *err_msg = sqlite3_mprintf("more than one YAML document");
          rc = -1;
          done = 1;
        }
        break;
      case YAML_ALIAS_EVENT:
        *err_line = line;
        *err_msg = sqlite3_mprintf("YAML aliases are not supported");
        rc = -1;
        done = 1;
        break;
      case YAML_SCALAR_EVENT: json_scalar(&b, &ev); break;
      case YAML_MAPPING_START_EVENT:
      case YAML_SEQUENCE_START_EVENT:
        if (depth >= 255) {
          *err_line = line;
          *err_msg = sqlite3_mprintf("nesting deeper than 255");
          rc = -1;
          done = 1;
          break;
        }
        kind[depth] = ev.type == YAML_MAPPING_START_EVENT ? 'm' : 's';
        count[depth] = 0;
        expect_key[depth] = 1;
        depth++;
        buf_append(&b, ev.type == YAML_MAPPING_START_EVENT ? "{" : "[", 1);
        break;
      case YAML_MAPPING_END_EVENT:
      case YAML_SEQUENCE_END_EVENT:
        depth--;
        buf_append(&b, ev.type == YAML_MAPPING_END_EVENT ? "}" : "]", 1);
        break;
      default: break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  if (rc == 0 && b.len == 0) buf_append(&b, "null", 4);
  if (rc == 0 && b.oom) { *err_msg = sqlite3_mprintf("out of memory"); rc = -1; }
  if (rc) { buf_free(&b); return -1; }
  buf_append(&b, "", 1);   /* NUL */
  *json = b.data;
  return 0;
}

/* ---- the folder load ---------------------------------------------------------- */

static int is_config_file(const char *p) {
  size_t n = strlen(p);
  return (n > 5 && strcmp(p + n - 5, ".yaml") == 0) || (n > 4 && strcmp(p + n - 4, ".yml") == 0) ||
         (n > 5 && strcmp(p + n - 5, ".json") == 0);
}

static const char *kind_sql =
  "SELECT CASE"
  " WHEN json_type(?1) <> 'object' THEN 'legacy'"
  " WHEN json_type(?1, '$.test_cases') = 'array' THEN 'cases'"
  " WHEN json_type(?1, '$.nodes') = 'object' THEN 'minimal'"
  " WHEN json_type(?1, '$.environments') = 'object' AND json_type(?1, '$.tools') = 'object' THEN 'full'"
  " WHEN json_type(?1, '$.tools') = 'object' THEN 'tools'"
  " WHEN json_type(?1, '$.performance_tests') = 'object' THEN 'performance'"
  " WHEN json_type(?1, '$.topics') IS NOT NULL OR json_type(?1, '$.thresholds') IS NOT NULL THEN 'analysis'"
  " ELSE 'legacy' END, json_valid(?1)";

int remote_load_config(sqlite3 *db, const char *dir, int replace, int quiet, char **pzErr) {
  *pzErr = 0;
  RemoteFetchOptions fo;
  memset(&fo, 0, sizeof fo);
  RemoteTree *t = 0;
  RemoteEntry *files = 0;
  int nfiles = 0, rc = -1;
  char **docs = 0;
  sqlite3_stmt *kq = 0, *ins = 0;
  PerfsqlLoad ld;
  memset(&ld, 0, sizeof ld);
  if (strncmp(dir, "sftp://", 7) == 0) { *pzErr = sqlite3_mprintf("%s: remote-config reads a local folder", dir); return -1; }
  if (remote_tree_open(dir, &fo, &t, pzErr)) return -1;
  if (remote_tree_list(t, 0, &files, &nfiles, pzErr)) goto out;
  docs = sqlite3_malloc64(sizeof *docs * (size_t)(nfiles + 1));
  if (!docs) goto out;
  memset(docs, 0, sizeof *docs * (size_t)(nfiles + 1));
  Sha256 sh;
  sha256_init(&sh);
  int nconf = 0;
  for (int i = 0; i < nfiles; i++) {
    if (!is_config_file(files[i].path)) continue;
    char *text = 0;
    size_t n = 0;
    if (remote_tree_read(t, files[i].path, (size_t)64 << 20, &text, &n, pzErr)) goto out;
    sha256_update(&sh, files[i].path, strlen(files[i].path) + 1);
    sha256_update(&sh, text, n);
    size_t pl = strlen(files[i].path);
    if (pl > 5 && strcmp(files[i].path + pl - 5, ".json") == 0) {
      docs[i] = text;
    } else {
      long line;
      char *msg;
      if (remote_yaml_to_json(text, n, &docs[i], &line, &msg)) {
        char *disp = remote_tree_display(t, files[i].path);
        *pzErr = line > 0 ? err_at_line(disp, line, "%s", msg) : sqlite3_mprintf("%s: %s", disp, msg);
        sqlite3_free(disp);
        sqlite3_free(msg);
        sqlite3_free(text);
        goto out;
      }
      sqlite3_free(text);
    }
    /* duplicate keys (YAML or JSON), \u0000, 1e999: refused, named by JSON path */
    char *strict = 0;
    if (json_strict_check(NULL, docs[i], strlen(docs[i]), &strict)) {
      char *disp = remote_tree_display(t, files[i].path);
      *pzErr = sqlite3_mprintf("%s:%s", disp, strict);
      sqlite3_free(disp);
      sqlite3_free(strict);
      goto out;
    }
    nconf++;
  }
  if (!nconf) { *pzErr = sqlite3_mprintf("%s: no .yaml, .yml or .json files", dir); goto out; }
  char hash[65];
  sha256_hex(&sh, hash);
  int st = load_begin(db, "remote-config", remote_tree_uri(t), hash, replace, &ld, pzErr);
  if (st == LOAD_ERROR) goto out;
  if (st == LOAD_DUPLICATE) { load_report(&ld, st, quiet); rc = 0; goto out; }
  if (sqlite3_prepare_v2(db, kind_sql, -1, &kq, 0) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "INSERT INTO remote_config(source_id,path,kind,doc) VALUES(?1,?2,?3,json(?4))",
                         -1, &ins, 0) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("remote-config: %s", sqlite3_errmsg(db));
    goto out;
  }
  sqlite3_int64 nrows = 0;
  for (int i = 0; i < nfiles; i++) {
    if (!docs[i]) continue;
    sqlite3_bind_text(kq, 1, docs[i], -1, SQLITE_STATIC);
    if (sqlite3_step(kq) != SQLITE_ROW || !sqlite3_column_int(kq, 1)) {
      char *disp = remote_tree_display(t, files[i].path);
      *pzErr = sqlite3_mprintf("%s: invalid JSON", disp);
      sqlite3_free(disp);
      goto out;
    }
    sqlite3_bind_int64(ins, 1, ld.source_id);
    sqlite3_bind_text(ins, 2, files[i].path, -1, SQLITE_STATIC);
    sqlite3_bind_value(ins, 3, sqlite3_column_value(kq, 0));
    sqlite3_bind_text(ins, 4, docs[i], -1, SQLITE_STATIC);
    int r2 = sqlite3_step(ins);
    sqlite3_reset(ins);
    sqlite3_reset(kq);
    if (r2 != SQLITE_DONE) { *pzErr = sqlite3_mprintf("remote-config: %s", sqlite3_errmsg(db)); goto out; }
    nrows++;
  }
  load_count(&ld, "remote_config", nrows);
  sqlite3_finalize(kq);
  sqlite3_finalize(ins);
  kq = ins = 0;
  if (load_commit(&ld, pzErr)) goto out;
  load_report(&ld, LOAD_NEW, quiet);
  rc = 0;
out:
  sqlite3_finalize(kq);
  sqlite3_finalize(ins);
  load_free(&ld);
  if (docs) for (int i = 0; i < nfiles; i++) sqlite3_free(docs[i]);
  sqlite3_free(docs);
  remote_entries_free(files, nfiles);
  remote_tree_close(t);
  return rc;
}
