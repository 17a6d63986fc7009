/*
** kv_values.c — one KubeVirt JSON document into runs, results and metrics.
**
**  1. Inputs: results.json (perf-report-creator step 1: JobDirCreationTime,
**     VMIResult, VMResult — either result may be null) or one result object
**     {"Values": {...}} (audit file, build-log block). Values are read only
**     through SQLite's JSON functions: one json_tree pass over the document
**     (a single parse); the run is written when its first result starts.
**  2. Every key of "Values" is a metric (no list: all 189 upstream names and
**     any new one load). Per metric: "value" (number, required),
**     "thresholdResult" {thresholdValue, thresholdMetric, thresholdRatio,
**     thresholdExceeded} (each optional). Unknown keys elsewhere are ignored.
**     A null result is no result: nothing is stored for it (never zeros).
**  3. Errors: malformed JSON -> "<file>:line L, column C: malformed JSON"
**     (position found by kv_json_error_offset); a value of the wrong type ->
**     "<file>:line L, column C: $.<path>: expected <type>, got <type>" (the
**     value's position found by path_offset); a JSON file that is not a
**     results.json / audit result -> "<file>: not a ...".
**  4. Cost: O(size of the document); memory O(longest key).
*/
#include "kubevirt.h"
#include "sql_stmt.h"

#include <string.h>

/* ---- locating JSON syntax errors ----------------------------------------- */

#define KV_JSON_MAX_DEPTH 1000

static const char *type_noun(const char *t);

static void skip_ws(const char *s, size_t n, size_t *i) {
  while (*i < n && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r')) (*i)++;
}

static int hexd(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int scan_string(const char *s, size_t n, size_t *i) {
  (*i)++; /* opening quote */
  while (*i < n) {
    unsigned char c = (unsigned char)s[*i];
    if (c == '"') { (*i)++; return 0; }
    if (c < 0x20) return -1;
    if (c == '\\') {
      (*i)++;
      if (*i >= n) return -1;
      char e = s[*i];
      if (e == 'u') {
        for (int k = 1; k <= 4; k++)
          if (*i + k >= n || !hexd(s[*i + k])) { *i += k; return -1; }
        *i += 5;
        continue;
      }
      if (!strchr("\"\\/bfnrt", e) || e == 0) return -1;
    }
    (*i)++;
  }
  return -1;
}

static int digits(const char *s, size_t n, size_t *i) {
  size_t b = *i;
  while (*i < n && s[*i] >= '0' && s[*i] <= '9') (*i)++;
  return *i > b ? 0 : -1;
}

static int scan_number(const char *s, size_t n, size_t *i) {
  if (s[*i] == '-') (*i)++;
  if (*i < n && s[*i] == '0') (*i)++;
  else if (digits(s, n, i)) return -1;
  if (*i < n && s[*i] == '.') { (*i)++; if (digits(s, n, i)) return -1; }
  if (*i < n && (s[*i] == 'e' || s[*i] == 'E')) {
    (*i)++;
    if (*i < n && (s[*i] == '+' || s[*i] == '-')) (*i)++;
    if (digits(s, n, i)) return -1;
  }
  return 0;
}

static int scan_value(const char *s, size_t n, size_t *i, int depth) {
  skip_ws(s, n, i);
  if (*i >= n) return -1;
  char c = s[*i];
  if (c == '{' || c == '[') {
    if (depth >= KV_JSON_MAX_DEPTH) return -1;
    char close = c == '{' ? '}' : ']';
    (*i)++;
    skip_ws(s, n, i);
    if (*i < n && s[*i] == close) { (*i)++; return 0; }
    for (;;) {
      if (c == '{') {
        skip_ws(s, n, i);
        if (*i >= n || s[*i] != '"') return -1;
        if (scan_string(s, n, i)) return -1;
        skip_ws(s, n, i);
        if (*i >= n || s[*i] != ':') return -1;
        (*i)++;
      }
      if (scan_value(s, n, i, depth + 1)) return -1;
      skip_ws(s, n, i);
      if (*i >= n) return -1;
      if (s[*i] == ',') { (*i)++; continue; }
      if (s[*i] == close) { (*i)++; return 0; }
      return -1;
    }
  }
  if (c == '"') return scan_string(s, n, i);
  if (c == '-' || (c >= '0' && c <= '9')) return scan_number(s, n, i);
  static const char *const lits[] = {"true", "false", "null"};
  for (int k = 0; k < 3; k++) {
    size_t L = strlen(lits[k]);
    if (c == lits[k][0]) {
      for (size_t j = 0; j < L; j++, (*i)++)
        if (*i >= n || s[*i] != lits[k][j]) return -1;
      return 0;
    }
  }
  return -1;
}

long long kv_json_error_offset(const char *s, size_t n) {
  size_t i = 0;
  if (scan_value(s, n, &i, 0)) return (long long)(i > n ? n : i);
  skip_ws(s, n, &i);
  return i < n ? (long long)i : -1;
}

int kv_json_is_object(sqlite3 *db, const char *doc, size_t len) {
  sqlite3_stmt *st = 0;
  int ok = 0;
  if (sql_prepare(db, "SELECT json_valid(?1) AND json_type(?1) = 'object'", &st, 0) == SQLITE_OK) {
    sqlite3_bind_text64(st, 1, doc, len, SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(st) == SQLITE_ROW) ok = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  return ok;
}

void kv_line_col(const char *s, size_t off, long *line, long *col) {
  long l = 1, c = 1;
  for (size_t i = 0; i < off; i++) {
    if (s[i] == '\n') { l++; c = 1; } else c++;
  }
  *line = l;
  *col = c;
}

/* Byte offset of the value at the object-member path keys[0..nk) ("." already
** split), or -1. Used only to give a position to "wrong type" errors. Keys are
** compared with the raw (unescaped) member names. */
static long long path_offset(const char *s, size_t n, char **keys, int nk) {
  size_t i = 0;
  for (int k = 0; k < nk; k++) {
    skip_ws(s, n, &i);
    if (i >= n || s[i] != '{') return -1;
    i++;
    int found = 0;
    while (!found) {
      skip_ws(s, n, &i);
      if (i >= n || s[i] != '"') return -1;
      size_t ks = i + 1;
      if (scan_string(s, n, &i)) return -1;
      size_t klen = i - 1 - ks;
      skip_ws(s, n, &i);
      if (i >= n || s[i] != ':') return -1;
      i++;
      skip_ws(s, n, &i);
      if (klen == strlen(keys[k]) && memcmp(s + ks, keys[k], klen) == 0) { found = 1; break; }
      if (scan_value(s, n, &i, 1)) return -1;
      skip_ws(s, n, &i);
      if (i >= n || s[i] != ',') return -1;
      i++;
    }
  }
  skip_ws(s, n, &i);
  return (long long)i;
}

/* ---- the walk ------------------------------------------------------------ */

enum { R_ROOT, R_RESULT, R_VALUES, R_METRIC, R_THR };

/* A frame is a container we entered. json_tree's id column is not read (one column less
** per row): a container's id is learned from its first child's parent column. */
#define KV_ID_PENDING (-1)

typedef struct Frame {
  sqlite3_int64 id;
  int role;
} Frame;

typedef struct Walk {
  KvDocCtx *c;
  const char *resource;        /* of the current R_RESULT */
  char *resource_key;          /* "VMIResult" etc. for messages */
  sqlite3_int64 result_id;
  KvMetric m;
  char *metric_name, *threshold_metric;  /* NULL, or name_buf.data / tmetric_buf.data */
  PerfsqlBuf name_buf, tmetric_buf;      /* reused for every metric: no allocation per row */
  int have_metric, have_value;
  int pending;                 /* the top frame's id is not known yet (on_row) */
  char *created;               /* JobDirCreationTime, once seen */
  int created_seen;
  int saw_result, saw_values;  /* a VMIResult/VMResult key; a "Values" key */
  const char *json; size_t n;  /* the document (for a late JobDirCreationTime) */
} Walk;

static char *malformed(KvDocCtx *c, const char *json, size_t n);

static int take_created(Walk *wk, const char *type, const char *v, char **pzErr) {
  double t;
  wk->created_seen = 1;
  if (!strcmp(type, "null")) return 0;
  if (strcmp(type, "text") || perfsql_parse_time(v, &t)) {
    *pzErr = sqlite3_mprintf("%s: $.JobDirCreationTime: expected a timestamp, got %s", wk->c->file,
                             strcmp(type, "text") ? type_noun(type) : v);
    return -1;
  }
  sqlite3_free(wk->created);
  wk->created = sqlite3_mprintf("%s", v);
  return 0;
}

/* Creates (or finds) the run the first time a result needs it. results.json
** written by Go has JobDirCreationTime first; if a file has it later, it is
** read with one json_extract before the run is written. */
static int ensure_run(Walk *wk, char **pzErr) {
  KvDocCtx *c = wk->c;
  if (c->run_id || c->skipped) return 0;
  if (c->kind == KV_DOC_RESULTS && !wk->created_seen) {
    sqlite3_stmt *st = 0;
    int rc = sqlite3_prepare_v2(c->w->db, "SELECT json_type(?1, '$.JobDirCreationTime'),"
                                          " json_extract(?1, '$.JobDirCreationTime')", -1, &st, 0);
    if (rc == SQLITE_OK) {
      sqlite3_bind_text64(st, 1, wk->json, wk->n, SQLITE_STATIC, SQLITE_UTF8);
      rc = sqlite3_step(st);
    }
    if (rc == SQLITE_ROW) {
      const char *ty = (const char *)sqlite3_column_text(st, 0);
      rc = ty ? take_created(wk, ty, (const char *)sqlite3_column_text(st, 1), pzErr) : 0;
    } else {
      *pzErr = sqlite3_mprintf("%s: %s", c->file, sqlite3_errmsg(c->w->db));
      rc = -1;
    }
    sqlite3_finalize(st);
    wk->created_seen = 1;
    if (rc) return -1;
  }
  if (kv_run(c->w, c->job, c->build_id, wk->created ? wk->created : c->job_dir_created, c->origin, &c->run_id, pzErr))
    return -1;
  if (!c->run_id) c->skipped = 1;
  return 0;
}

static char *malformed(KvDocCtx *c, const char *json, size_t n) {
  long long off = kv_json_error_offset(json, n);
  if (off < 0) off = 0;
  long line, col;
  kv_line_col(json, (size_t)off, &line, &col);
  if (c->line_base && line == 1) col--;  /* build-log block: we prepended '{' */
  return sqlite3_mprintf("%s:line %ld, column %ld: malformed JSON%s", c->file, line + c->line_base, col,
                         (size_t)off >= n ? " (unexpected end of data)" : "");
}

static const char *type_noun(const char *t) {
  if (!t) return "nothing";
  if (!strcmp(t, "integer") || !strcmp(t, "real")) return "a number";
  if (!strcmp(t, "text")) return "a string";
  if (!strcmp(t, "true") || !strcmp(t, "false")) return "a boolean";
  if (!strcmp(t, "null")) return "null";
  if (!strcmp(t, "object")) return "an object";
  if (!strcmp(t, "array")) return "an array";
  return t;
}

static char *wrong_type(Walk *wk, const char *where, const char *want, const char *got) {
  const char *rk = wk->resource_key ? wk->resource_key : "";
  char *path = sqlite3_mprintf("%s%s%s%s", rk, *rk && (wk->metric_name || *where) ? "." : "",
                               wk->metric_name ? "Values." : "", where[0] == '.' ? where + 1 : where);
  if (!path) return sqlite3_mprintf("kubevirt: out of memory");
  /* the position of the offending value, from the path */
  char *copy = sqlite3_mprintf("%s", path);
  char *keys[16];
  int nk = 0;
  for (char *tok = copy ? strtok(copy, ".") : 0; tok && nk < 16; tok = strtok(0, ".")) keys[nk++] = tok;
  long long off = copy ? path_offset(wk->json, wk->n, keys, nk) : -1;
  sqlite3_free(copy);
  char *msg;
  if (off >= 0) {
    long line, col;
    kv_line_col(wk->json, (size_t)off, &line, &col);
    if (wk->c->line_base && line == 1) col--;
    msg = sqlite3_mprintf("%s:line %ld, column %ld: $.%s: expected %s, got %s", wk->c->file, line + wk->c->line_base,
                          col, path, want, type_noun(got));
  } else {
    msg = sqlite3_mprintf("%s: $.%s: expected %s, got %s", wk->c->file, path, want, type_noun(got));
  }
  sqlite3_free(path);
  return msg;
}

static int is_num(const char *t) { return t && (!strcmp(t, "integer") || !strcmp(t, "real")); }

/* Copies n bytes of s into b (emptied first); b's text, or NULL when out of memory. */
static char *keep(PerfsqlBuf *b, const char *s, int n) {
  b->len = 0;
  buf_append(b, s ? s : "", s ? (size_t)n : 0);
  return b->oom ? 0 : b->data;
}

static int flush_metric(Walk *wk, char **pzErr) {
  int rc = 0;
  if (wk->have_metric) {
    if (!wk->have_value) {
      *pzErr = wrong_type(wk, wk->metric_name, "an object with \"value\"", "no \"value\"");
      rc = -1;
    } else if (wk->result_id) {
      wk->m.name = wk->metric_name;
      wk->m.threshold_metric = wk->threshold_metric;
      rc = kv_metric(wk->c->w, wk->result_id, wk->c->job, wk->resource, &wk->m, pzErr);
    }
  }
  wk->metric_name = wk->threshold_metric = 0;
  wk->have_metric = wk->have_value = 0;
  memset(&wk->m, 0, sizeof wk->m);
  return rc;
}

static int begin_values(Walk *wk, char **pzErr) {
  KvDocCtx *c = wk->c;
  return kv_result(c->w, c->run_id, wk->resource, c->file, &wk->result_id, pzErr);
}

/* One json_tree row. */
static int on_row(Walk *wk, Frame *st, int *depth, sqlite3_stmt *t, char **pzErr) {
  int k;
  sqlite3_int64 parent = sqlite3_column_int64(t, 3);   /* only the root (kv_load_doc) has none */
  if (wk->pending) {
    /* The row after a container we entered: its first child, unless the container is
    ** empty and this row's parent is one of its ancestors (all on the stack). */
    wk->pending = 0;
    for (k = *depth - 2; k >= 0 && st[k].id != parent; k--) {}
    if (k < 0) st[*depth - 1].id = parent;
  }
  for (k = *depth - 1; k >= 0 && st[k].id != parent; k--) {}
  if (k < 0) return 0;  /* inside a subtree we ignore */
  while (*depth > k + 1) {
    (*depth)--;
    if (st[*depth].role == R_METRIC && flush_metric(wk, pzErr)) return -1;
  }
  /* The key as a blob: its bytes as json_tree returned them. sqlite3_column_text would
  ** first reallocate each key to add a terminator (json_tree's keys have none). Keys hold
  ** no NUL (json_strict_check), so length + memcmp compares as strcmp did. */
  const char *key = (const char *)sqlite3_column_blob(t, 0);
  int klen = sqlite3_column_bytes(t, 0);
  const char *type = (const char *)sqlite3_column_text(t, 1);
  if (!key) key = "";
#define KEY_IS(lit) (klen == (int)sizeof(lit) - 1 && memcmp(key, lit, sizeof(lit) - 1) == 0)
  int prole = st[k].role;
  switch (prole) {
    case R_ROOT: {
      if (KEY_IS("JobDirCreationTime")) return take_created(wk, type, (const char *)sqlite3_column_text(t, 2), pzErr);
      const char *res = KEY_IS("VMIResult") ? "vmi" : KEY_IS("VMResult") ? "vm" : 0;
      if (!res) return 0;
      wk->saw_result = 1;
      if (!strcmp(type, "null")) return 0;
      if (ensure_run(wk, pzErr)) return -1;
      if (wk->c->skipped) return 1;
      sqlite3_free(wk->resource_key);
      wk->resource_key = sqlite3_mprintf("%.*s", klen, key);
      if (strcmp(type, "object")) { *pzErr = wrong_type(wk, "", "an object or null", type); return -1; }
      wk->resource = res;
      wk->result_id = 0;
      st[(*depth)++] = (Frame){KV_ID_PENDING, R_RESULT};
      wk->pending = 1;
      return 0;
    }
    case R_RESULT:
      if (!KEY_IS("Values")) return 0;
      wk->saw_values = 1;
      if (!strcmp(type, "null")) return begin_values(wk, pzErr);
      if (strcmp(type, "object")) { *pzErr = wrong_type(wk, ".Values", "an object", type); return -1; }
      if (begin_values(wk, pzErr)) return -1;
      st[(*depth)++] = (Frame){KV_ID_PENDING, R_VALUES};
      wk->pending = 1;
      return 0;
    case R_VALUES:
      wk->metric_name = keep(&wk->name_buf, key, klen);
      if (!wk->metric_name) { *pzErr = sqlite3_mprintf("kubevirt: out of memory"); return -1; }
      if (strcmp(type, "object")) {
        *pzErr = wrong_type(wk, wk->metric_name, "an object", type);
        wk->metric_name = 0;
        return -1;
      }
      wk->have_metric = 1;
      st[(*depth)++] = (Frame){KV_ID_PENDING, R_METRIC};
      wk->pending = 1;
      return 0;
    case R_METRIC:
      if (KEY_IS("value")) {
        if (!is_num(type)) {
          char *w = sqlite3_mprintf("%s.value", wk->metric_name);
          *pzErr = wrong_type(wk, w, "a number", type);
          sqlite3_free(w);
          return -1;
        }
        wk->m.value = sqlite3_column_double(t, 2);
        wk->have_value = 1;
      } else if (KEY_IS("thresholdResult")) {
        if (!strcmp(type, "null")) return 0;
        if (strcmp(type, "object")) {
          char *w = sqlite3_mprintf("%s.thresholdResult", wk->metric_name);
          *pzErr = wrong_type(wk, w, "an object", type);
          sqlite3_free(w);
          return -1;
        }
        wk->m.has_threshold = 1;
        st[(*depth)++] = (Frame){KV_ID_PENDING, R_THR};
        wk->pending = 1;
      }
      return 0;
    case R_THR: {
      const char *want = 0;
      if (KEY_IS("thresholdValue")) {
        if (is_num(type)) { wk->m.threshold_value = sqlite3_column_double(t, 2); wk->m.has_tvalue = 1; }
        else if (strcmp(type, "null")) want = "a number";
      } else if (KEY_IS("thresholdRatio")) {
        if (is_num(type)) { wk->m.threshold_ratio = sqlite3_column_double(t, 2); wk->m.has_tratio = 1; }
        else if (strcmp(type, "null")) want = "a number";
      } else if (KEY_IS("thresholdExceeded")) {
        if (!strcmp(type, "true") || !strcmp(type, "false")) {
          wk->m.threshold_exceeded = type[0] == 't';
          wk->m.has_texceeded = 1;
        } else if (strcmp(type, "null")) want = "a boolean";
      } else if (KEY_IS("thresholdMetric")) {
        if (!strcmp(type, "text")) {
          const char *tm = (const char *)sqlite3_column_blob(t, 2);   /* keep() adds the NUL */
          wk->threshold_metric = keep(&wk->tmetric_buf, tm, sqlite3_column_bytes(t, 2));
          if (!wk->threshold_metric) { *pzErr = sqlite3_mprintf("kubevirt: out of memory"); return -1; }
        } else if (strcmp(type, "null")) want = "a string";
      }
      if (want) {
        char *w = sqlite3_mprintf("%s.thresholdResult.%.*s", wk->metric_name, klen, key);
        *pzErr = wrong_type(wk, w, want, type);
        sqlite3_free(w);
        return -1;
      }
      return 0;
    }
  }
  return 0;
#undef KEY_IS
}

int kv_load_doc(KvDocCtx *c, const char *json, size_t n, int kind, char **pzErr) {
  KvWriter *w = c->w;
  c->skipped = 0;
  c->run_id = 0;
  c->kind = kind;
  /* duplicate keys, NUL, 1e999: refused before anything is written */
  if (json_strict_check(c->file, json, n, pzErr)) return -1;
  if (!w->tree &&
      sqlite3_prepare_v3(w->db, "SELECT key, type, atom, parent FROM json_tree(?1)", -1,
                         SQLITE_PREPARE_PERSISTENT, &w->tree, 0) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("kubevirt: %s", sqlite3_errmsg(w->db));
    return -1;
  }
  Walk wk;
  memset(&wk, 0, sizeof wk);
  wk.c = c;
  wk.json = json;
  wk.n = n;
  if (kind == KV_DOC_RESULT) wk.resource = c->resource;
  Frame st[8];
  int depth = 0, rc, err = 0;
  sqlite3_stmt *t = w->tree;
  /* one parse: json_tree walks the whole document in document order */
  sqlite3_bind_text64(t, 1, json, n, SQLITE_STATIC, SQLITE_UTF8);
  while ((rc = sqlite3_step(t)) == SQLITE_ROW) {
    if (depth == 0) {
      const char *type = (const char *)sqlite3_column_text(t, 1);
      if (!type || strcmp(type, "object")) {
        *pzErr = sqlite3_mprintf("%s: $: expected an object, got %s", c->file, type_noun(type));
        err = 1;
        break;
      }
      st[0].id = KV_ID_PENDING;
      wk.pending = 1;
      st[0].role = kind == KV_DOC_RESULTS ? R_ROOT : R_RESULT;
      depth = 1;
      if (kind == KV_DOC_RESULT) {
        if (ensure_run(&wk, pzErr)) { err = 1; break; }
        if (c->skipped) break;
      }
      continue;
    }
    int r = on_row(&wk, st, &depth, t, pzErr);
    if (r < 0) { err = 1; break; }
    if (r > 0) break;   /* the run was loaded by another source: skip it */
  }
  if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    *pzErr = kv_json_error_offset(json, n) >= 0 ? malformed(c, json, n)
                                               : sqlite3_mprintf("%s: %s", c->file, sqlite3_errmsg(w->db));
    err = 1;
  }
  if (!err && !c->skipped && flush_metric(&wk, pzErr)) err = 1;
  if (!err && !c->skipped && depth > 0 && kind == KV_DOC_RESULTS && !wk.saw_result) {
    *pzErr = sqlite3_mprintf("%s: not a perf-report-creator results.json (no VMIResult or VMResult)", c->file);
    err = 1;
  }
  if (!err && !c->skipped && depth > 0 && kind == KV_DOC_RESULT && !wk.saw_values) {
    *pzErr = sqlite3_mprintf("%s: not a perfscale audit result (no \"Values\")", c->file);
    err = 1;
  }
  /* a results.json whose results are both null is still a run */
  if (!err && !c->skipped && ensure_run(&wk, pzErr)) err = 1;
  buf_free(&wk.name_buf);
  buf_free(&wk.tmetric_buf);
  sqlite3_free(wk.resource_key);
  sqlite3_free(wk.created);
  sqlite3_reset(t);
  sqlite3_clear_bindings(t);
  return err ? -1 : 0;
}
