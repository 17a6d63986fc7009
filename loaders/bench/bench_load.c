/*
** bench_load.c — benchmark result files -> bench_run + bench_value.
**
**  1. Formats, detected from the content (not the file name):
**     - Google Benchmark --benchmark_format=json: {"context": {...},
**       "benchmarks": [...]}. Every row (run_type iteration or aggregate)
**       gives metrics '<run_name>:real_time', '<run_name>:cpu_time' (unit
**       time_unit) and one '<run_name>:<counter>' per other numeric field
**       (bytes_per_second, items_per_second, user counters). Aggregate rows
**       keep aggregate_name in bench_value.aggregate; repetition_index is the
**       repetition. error_occurred rows store value NULL and error_message.
**       Bare NaN / Infinity / -Infinity tokens (not strict JSON) are rewritten
**       outside strings to null / 1e999 / -1e999 before SQLite's JSON
**       functions read the text; NaN is stored as NULL, infinities as +-Inf.
**     - the seed's regression_test.py JSON: {"timestamp", "metrics": {key:
**       {"name","value","unit"}}, "metadata": {"build_dir","git_commit"}}.
**     - CSV: name,value,unit[,repetition]; an optional header line
**       (name,value,...); blank lines and lines starting with '#' skipped;
**       fields may be double-quoted. Without a repetition column, repeated
**       names get repetitions 0, 1, 2, ...
**     JSON is parsed only with SQLite's JSON functions (json_each, ->>).
**  2. Run identity: label (required), timestamp (--timestamp, else the file's
**     timestamp / context.date, else the file's modification time), commit (--commit, else the seed's
**     metadata.git_commit), host (--host, else context.host_name, else
**     gethostname()). The source uri is '<path>#<label>@<run_at>' and the
**     content hash covers the file bytes and that identity, so the same file
**     loaded twice under the same identity is a no-op, and a file rewritten
**     in place for a new run is a new run, not a replacement.
**  3. Errors: "<path>:line L, column C: <what>" for JSON syntax found by the
**     normalizer and for CSV; "<path>: <json path>: <what>" for wrong types
**     (e.g. benchmarks[3].real_time is not a number); nothing is written.
**  4. Limits: files up to 1 GiB; O(size) time; memory O(size). Progress on
**     stderr (progress_update) for long files when it is a terminal.
*/
#include "sql_stmt.h"
#include "bench_load.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BENCH_MAX_FILE LOAD_MAX_DOCUMENT

/* ---- JSON normalizer ------------------------------------------------------- */

/* A syntax check with positions (SQLite's json_valid() says only yes or no in
** 3.40) that also rewrites NaN / Infinity / -Infinity. It validates; the values
** are read later by SQLite's JSON functions. */
enum { X_VALUE, X_VALUE_OR_CLOSE, X_KEY, X_KEY_OR_CLOSE, X_COLON, X_COMMA_OR_CLOSE, X_END };

static const char *expect_text(int x, char top) {
  switch (x) {
    case X_VALUE: return "a value";
    case X_VALUE_OR_CLOSE: return "a value or ']'";
    case X_KEY: return "a \"key\"";
    case X_KEY_OR_CLOSE: return "a \"key\" or '}'";
    case X_COLON: return "':'";
    case X_COMMA_OR_CLOSE: return top == '{' ? "',' or '}'" : "',' or ']'";
    default: return "the end of the document";
  }
}

/* Length of a JSON number at p (0 when it is not one). */
static size_t json_number_len(const char *p, size_t n) {
  size_t i = 0;
  if (i < n && p[i] == '-') i++;
  if (i >= n || !isdigit((unsigned char)p[i])) return 0;
  if (p[i] == '0') i++;
  else while (i < n && isdigit((unsigned char)p[i])) i++;
  if (i < n && p[i] == '.') {
    i++;
    if (i >= n || !isdigit((unsigned char)p[i])) return 0;
    while (i < n && isdigit((unsigned char)p[i])) i++;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    if (i >= n || !isdigit((unsigned char)p[i])) return 0;
    while (i < n && isdigit((unsigned char)p[i])) i++;
  }
  return i;
}

char *bench_json_normalize(const char *name, const char *text, size_t len, char **pzErr) {
  PerfsqlBuf out = {0};
  long line = 1, col = 1;
  struct { char c; long line, col; } stack[256];   /* open brackets, for messages */
  int depth = 0, x = X_VALUE;
  size_t i = 0;
  if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) {
    i = 3;
  }
#define JFAIL(...)                                                                    \
  do {                                                                               \
    char *what_ = sqlite3_mprintf(__VA_ARGS__);                                      \
    *pzErr = sqlite3_mprintf("%s:line %ld, column %ld: %s", name, line, col, what_); \
    sqlite3_free(what_);                                                             \
    buf_free(&out);                                                                  \
    return 0;                                                                        \
  } while (0)
  while (i < len) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      buf_append(&out, &c, 1);
      if (c == '\n') { line++; col = 1; } else col++;
      i++;
      continue;
    }
    char top = depth ? stack[depth - 1].c : 0;
    if (x == X_END) JFAIL("unexpected '%c' after the end of the document", c);
    int is_value = 0;          /* a complete value was consumed */
    size_t n = 1;              /* bytes consumed */
    if (c == '"') {
      if (x != X_VALUE && x != X_VALUE_OR_CLOSE && x != X_KEY && x != X_KEY_OR_CLOSE)
        JFAIL("expected %s, found a string", expect_text(x, top));
      size_t j = i + 1;
      while (j < len && text[j] != '"') {
        if ((unsigned char)text[j] < 0x20) JFAIL("unterminated string");
        j += text[j] == '\\' ? 2 : 1;
      }
      if (j >= len) JFAIL("unterminated string (truncated file?)");
      n = j + 1 - i;
      buf_append(&out, text + i, n);
      if (x == X_KEY || x == X_KEY_OR_CLOSE) x = X_COLON;
      else is_value = 1;
    } else if (c == '{' || c == '[') {
      if (x != X_VALUE && x != X_VALUE_OR_CLOSE) JFAIL("expected %s, found '%c'", expect_text(x, top), c);
      if (depth == (int)(sizeof(stack) / sizeof(stack[0]))) JFAIL("nesting deeper than 256");
      stack[depth].c = c;
      stack[depth].line = line;
      stack[depth].col = col;
      depth++;
      x = c == '{' ? X_KEY_OR_CLOSE : X_VALUE_OR_CLOSE;
      buf_append(&out, &c, 1);
    } else if (c == '}' || c == ']') {
      char want = c == '}' ? '{' : '[';
      int ok = top == want && (x == X_COMMA_OR_CLOSE || (c == '}' && x == X_KEY_OR_CLOSE) ||
                               (c == ']' && x == X_VALUE_OR_CLOSE));
      if (!ok) JFAIL("expected %s, found '%c'", expect_text(x, top), c);
      depth--;
      buf_append(&out, &c, 1);
      is_value = 1;
    } else if (c == ':') {
      if (x != X_COLON) JFAIL("expected %s, found ':'", expect_text(x, top));
      x = X_VALUE;
      buf_append(&out, &c, 1);
    } else if (c == ',') {
      if (x != X_COMMA_OR_CLOSE) JFAIL("expected %s, found ','", expect_text(x, top));
      x = top == '{' ? X_KEY : X_VALUE;
      buf_append(&out, &c, 1);
    } else {
      /* a number or a bare word */
      if (x != X_VALUE && x != X_VALUE_OR_CLOSE) {
        size_t w = 0;
        while (i + w < len && w < 20 && !strchr(" \t\r\n,:[]{}\"", text[i + w])) w++;
        JFAIL("expected %s, found '%.*s'", expect_text(x, top), (int)(w ? w : 1), text + i);
      }
      const char *p = text + i;
      size_t rest = len - i;
      if ((n = json_number_len(p, rest)) > 0) {
        buf_append(&out, p, n);
      } else if (rest >= 3 && memcmp(p, "NaN", 3) == 0) {
        n = 3;
        buf_append(&out, "null", 4);
      } else if (rest >= 8 && memcmp(p, "Infinity", 8) == 0) {
        n = 8;
        buf_append(&out, "1e999", 5);
      } else if (rest >= 9 && memcmp(p, "-Infinity", 9) == 0) {
        n = 9;
        buf_append(&out, "-1e999", 6);
      } else if (rest >= 4 && (memcmp(p, "true", 4) == 0 || memcmp(p, "null", 4) == 0)) {
        n = 4;
        buf_append(&out, p, 4);
      } else if (rest >= 5 && memcmp(p, "false", 5) == 0) {
        n = 5;
        buf_append(&out, p, 5);
      } else {
        n = 0;
      }
      if (n && i + n < len && (isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '.')) n = 0;
      if (!n) {
        size_t w = 0;
        while (w < rest && w < 20 && !strchr(" \t\r\n,:[]{}\"", p[w])) w++;
        JFAIL("unexpected token '%.*s'", (int)(w ? w : 1), p);
      }
      is_value = 1;
    }
    if (is_value) x = depth == 0 ? X_END : X_COMMA_OR_CLOSE;
    col += (long)n;
    i += n;
  }
  if (depth > 0)
    JFAIL("unexpected end of input: '%c' opened at line %ld, column %ld is not closed", stack[depth - 1].c,
          stack[depth - 1].line, stack[depth - 1].col);
  if (x != X_END) JFAIL("unexpected end of input: expected %s", expect_text(x, 0));
#undef JFAIL
  buf_append(&out, "", 1);
  if (out.oom) {
    buf_free(&out);
    *pzErr = sqlite3_mprintf("%s: out of memory", name);
    return 0;
  }
  return out.data;
}

const char *bench_detect_format(sqlite3 *db, const char *text, size_t len) {
  size_t i = 0;
  if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) i = 3;
  while (i < len && isspace((unsigned char)text[i])) i++;
  if (i >= len || text[i] != '{') return "csv";
  sqlite3_stmt *st = 0;
  const char *fmt = 0;
  if (sqlite3_prepare_v2(db, "SELECT json_type(?1, '$.benchmarks'), json_type(?1, '$.metrics')", -1, &st, 0) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(st, 1, text, (int)len, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    const char *b = (const char *)sqlite3_column_text(st, 0);
    const char *m = (const char *)sqlite3_column_text(st, 1);
    if (b && strcmp(b, "array") == 0) fmt = "gbench-json";
    else if (m && strcmp(m, "object") == 0) fmt = "seed-json";
  }
  sqlite3_finalize(st);
  return fmt;
}

/* Text from the input quoted in a message: control characters escaped, at most
** 60 bytes, so an error stays on one line. sqlite3_malloc'd. */
static char *shown(const char *t) {
  PerfsqlBuf b = {0};
  for (size_t i = 0; t && t[i] && b.len < 60; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c < 0x20 || c == 0x7f) buf_appendf(&b, "\\x%02x", c);
    else buf_append(&b, &t[i], 1);
  }
  buf_append(&b, "", 1);
  return b.data;
}

/* ---- writing rows ---------------------------------------------------------- */

typedef struct Writer {
  sqlite3 *db;
  sqlite3_stmt *ins;
  sqlite3_int64 run_id, source_id, rows;
} Writer;

static int put_value(Writer *w, const char *metric, int rep, const char *aggregate, int has_value,
                     double value, const char *unit, sqlite3_int64 iterations, const char *error) {
  sqlite3_stmt *s = w->ins;
  sqlite3_bind_int64(s, 1, w->source_id);
  sqlite3_bind_int64(s, 2, w->run_id);
  sql_bind_text(s, 3, metric);
  sqlite3_bind_int(s, 4, rep);
  sql_bind_text(s, 5, aggregate);
  sql_bind_opt_double(s, 6, has_value, value);
  sql_bind_text(s, 7, unit && *unit ? unit : 0);          /* an empty unit is no unit */
  sql_bind_opt_int64(s, 8, iterations >= 0, iterations);
  sql_bind_text(s, 9, error);
  int rc = sql_step_done(s, 0);
  if (rc != SQLITE_OK) return rc;
  w->rows++;
  return SQLITE_OK;
}

static int is_json_number(const char *type) {
  return type && (strcmp(type, "integer") == 0 || strcmp(type, "real") == 0);
}

/* Known Google Benchmark fields that are not counters. */
static int gbench_reserved(const char *k) {
  static const char *const names[] = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit",
    "aggregate_name", "aggregate_unit", "error_occurred", "error_message", "label", "big_o",
    "rms", "complexity_n", 0};
  for (int i = 0; names[i]; i++)
    if (strcmp(k, names[i]) == 0) return 1;
  return 0;
}

static const char *counter_unit(const char *k) {
  if (strcmp(k, "bytes_per_second") == 0) return "B/s";
  if (strcmp(k, "items_per_second") == 0) return "items/s";
  return 0;
}

static int load_gbench(Writer *w, const char *path, const char *json, char **pzErr) {
  sqlite3_stmt *b = 0, *f = 0;
  int rc = sqlite3_prepare_v2(w->db,
      "SELECT key, type, value->>'name', value->>'run_name', value->>'run_type', value->>'aggregate_name',"
      " value->>'repetition_index', value->>'iterations', json_type(value, '$.real_time'), value->>'real_time',"
      " json_type(value, '$.cpu_time'), value->>'cpu_time', value->>'time_unit', value->>'error_occurred',"
      " value->>'error_message', value->>'aggregate_unit', value"
      " FROM json_each(?1, '$.benchmarks')", -1, &b, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(w->db, "SELECT key, type, value FROM json_each(?1)", -1, &f, 0);
  if (rc != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(w->db));
    goto done;
  }
  sqlite3_bind_text(b, 1, json, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(b)) == SQLITE_ROW) {
    int idx = sqlite3_column_int(b, 0);
    if ((idx & 1023) == 0) progress_update("benchmarks", (uint64_t)idx, 0);
    const char *type = (const char *)sqlite3_column_text(b, 1);
    if (!type || strcmp(type, "object") != 0) {
      *pzErr = sqlite3_mprintf("%s: benchmarks[%d]: not an object", path, idx);
      rc = SQLITE_MISMATCH;
      goto done;
    }
    const char *name = (const char *)sqlite3_column_text(b, 3);
    if (!name) name = (const char *)sqlite3_column_text(b, 2);
    if (!name || !*name) {
      *pzErr = sqlite3_mprintf("%s: benchmarks[%d]: no name", path, idx);
      rc = SQLITE_MISMATCH;
      goto done;
    }
    char *run_name = sqlite3_mprintf("%s", name);
    const char *run_type = (const char *)sqlite3_column_text(b, 4);
    const char *agg = (const char *)sqlite3_column_text(b, 5);
    char *aggregate = run_type && strcmp(run_type, "aggregate") == 0 ? sqlite3_mprintf("%s", agg ? agg : "aggregate") : 0;
    /* counts are integers in range: 1.2e29 or "5" is an error, not a clamped or cast value */
    for (int c = 6; c <= 7; c++) {
      int t = sqlite3_column_type(b, c);
      if (t != SQLITE_NULL && (t != SQLITE_INTEGER || sqlite3_column_int64(b, c) < 0 ||
                               (c == 6 && sqlite3_column_int64(b, c) > 1000000000))) {
        *pzErr = sqlite3_mprintf("%s:$.benchmarks[%d].%s: not a non-negative integer in range: %s", path, idx,
                                 c == 6 ? "repetition_index" : "iterations", sqlite3_column_text(b, c));
        sqlite3_free(run_name);
        sqlite3_free(aggregate);
        rc = SQLITE_MISMATCH;
        goto done;
      }
    }
    int rep = sqlite3_column_type(b, 6) == SQLITE_NULL ? 0 : sqlite3_column_int(b, 6);
    sqlite3_int64 iters = sqlite3_column_type(b, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64(b, 7);
    int error = sqlite3_column_int(b, 13) != 0;
    char *errmsg = error ? sqlite3_mprintf("%s", sqlite3_column_text(b, 14) ? (const char *)sqlite3_column_text(b, 14) : "error") : 0;
    const char *agg_unit = (const char *)sqlite3_column_text(b, 15);
    char *time_unit = sqlite3_mprintf("%s", sqlite3_column_text(b, 12) ? (const char *)sqlite3_column_text(b, 12) : "ns");
    const char *unit = agg_unit && strcmp(agg_unit, "percentage") == 0 ? "fraction" : time_unit;
    static const char *const fields[2] = {"real_time", "cpu_time"};
    for (int k = 0; k < 2 && rc == SQLITE_ROW; k++) {
      const char *ft = (const char *)sqlite3_column_text(b, 8 + 2 * k);
      if (!ft) continue;                 /* absent */
      if (!is_json_number(ft) && strcmp(ft, "null") != 0) {
        *pzErr = sqlite3_mprintf("%s: benchmarks[%d].%s: not a number", path, idx, fields[k]);
        rc = SQLITE_MISMATCH;
        break;
      }
      char *metric = sqlite3_mprintf("%s:%s", run_name, fields[k]);
      int has = !error && is_json_number(ft);
      int r2 = put_value(w, metric, rep, aggregate, has, sqlite3_column_double(b, 9 + 2 * k), unit, iters, errmsg);
      sqlite3_free(metric);
      if (r2 != SQLITE_OK) { *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(w->db)); rc = r2; }
    }
    /* counters */
    if (rc == SQLITE_ROW) {
      sqlite3_bind_value(f, 1, sqlite3_column_value(b, 16));
      int r3;
      while ((r3 = sqlite3_step(f)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(f, 0);
        const char *ft = (const char *)sqlite3_column_text(f, 1);
        if (!k || gbench_reserved(k)) continue;
        if (!is_json_number(ft) && !(ft && strcmp(ft, "null") == 0)) continue;   /* strings: not counters */
        char *metric = sqlite3_mprintf("%s:%s", run_name, k);
        int has = !error && is_json_number(ft);
        int r2 = put_value(w, metric, rep, aggregate, has, sqlite3_column_double(f, 2),
                           aggregate && agg_unit && strcmp(agg_unit, "percentage") == 0 ? "fraction" : counter_unit(k),
                           iters, errmsg);
        sqlite3_free(metric);
        if (r2 != SQLITE_OK) { *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(w->db)); rc = r2; break; }
      }
      sqlite3_reset(f);
    }
    sqlite3_free(run_name);
    sqlite3_free(aggregate);
    sqlite3_free(errmsg);
    sqlite3_free(time_unit);
    if (rc != SQLITE_ROW) goto done;
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  else *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(w->db));
done:
  sqlite3_finalize(b);
  sqlite3_finalize(f);
  return rc;
}

static int load_seed(Writer *w, const char *path, const char *json, char **pzErr) {
  sqlite3_stmt *m = 0;
  int rc = sqlite3_prepare_v2(w->db,
      "SELECT key, type, value->>'name', json_type(value, '$.value'), value->>'value', value->>'unit'"
      " FROM json_each(?1, '$.metrics')", -1, &m, 0);
  if (rc != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(w->db));
    return rc;
  }
  sqlite3_bind_text(m, 1, json, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(m)) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(m, 0);
    const char *type = (const char *)sqlite3_column_text(m, 1);
    if (!type || strcmp(type, "object") != 0) {
      char *k = shown(key ? key : "?");
      *pzErr = sqlite3_mprintf("%s: metrics.%s: not an object {name, value, unit}", path, k);
      sqlite3_free(k);
      rc = SQLITE_MISMATCH;
      break;
    }
    const char *name = (const char *)sqlite3_column_text(m, 2);
    const char *vt = (const char *)sqlite3_column_text(m, 3);
    if (!vt || (!is_json_number(vt) && strcmp(vt, "null") != 0)) {
      char *k = shown(key ? key : "?");
      *pzErr = sqlite3_mprintf("%s: metrics.%s.value: %s", path, k, vt ? "not a number" : "missing");
      sqlite3_free(k);
      rc = SQLITE_MISMATCH;
      break;
    }
    rc = put_value(w, name && *name ? name : key, 0, 0, is_json_number(vt), sqlite3_column_double(m, 4),
                   (const char *)sqlite3_column_text(m, 5), -1, 0);
    if (rc != SQLITE_OK) { *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(w->db)); break; }
  }
  sqlite3_finalize(m);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ---- CSV -------------------------------------------------------------------- */

/* Splits one line into at most 8 fields (in place; quotes removed). Returns
** the field count or -1 on an unterminated quote; starts[] = 1-based columns. */
static int csv_split(char *line, char **fields, int *starts, int max) {
  int n = 0;
  char *p = line;
  for (;;) {
    if (n == max) return n + 1;
    starts[n] = (int)(p - line) + 1;
    if (*p == '"') {
      char *o = p, *q = p + 1;
      fields[n] = o;
      for (;;) {
        if (!*q) return -1;
        if (*q == '"') {
          if (q[1] == '"') { *o++ = '"'; q += 2; continue; }
          q++;
          break;
        }
        *o++ = *q++;
      }
      *o = 0;
      while (*q == ' ' || *q == '\t') q++;
      n++;
      if (*q == ',') { p = q + 1; continue; }
      return *q ? -2 : n;
    }
    fields[n++] = p;
    char *c = strchr(p, ',');
    if (!c) return n;
    *c = 0;
    p = c + 1;
  }
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = 0;
  return s;
}

typedef struct NameCount { char *name; int n; } NameCount;

static int load_csv(Writer *w, const char *path, const char *text, size_t len, char **pzErr) {
  char *copy = sqlite3_malloc64(len + 1);
  if (!copy) { *pzErr = sqlite3_mprintf("%s: out of memory", path); return SQLITE_NOMEM; }
  memcpy(copy, text, len);
  copy[len] = 0;
  sqlite3_stmt *count = 0;      /* next repetition per name, for files without the column */
  int rc = sqlite3_prepare_v2(w->db,
      "SELECT count(*) FROM bench_value WHERE run_id = ?1 AND metric = ?2", -1, &count, 0);
  long lineno = 0;
  int seen_data = 0;
  char *p = copy;
  if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) p += 3;
  while (rc == SQLITE_OK && p && *p) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    lineno++;
    if ((lineno & 4095) == 0) progress_update("CSV lines", (uint64_t)lineno, 0);
    char *line = p;
    p = nl ? nl + 1 : 0;
    char *t = trim(line);
    if (!*t || *t == '#') continue;
    char *f[8];
    int col[8];
    int nf = csv_split(line, f, col, 7);
    if (nf < 0) {
      *pzErr = err_at_line(path, lineno, nf == -1 ? "unterminated quoted field" : "text after a quoted field");
      rc = SQLITE_ERROR;
      break;
    }
    for (int i = 0; i < nf && i < 7; i++) f[i] = trim(f[i]);
    if (!seen_data && nf >= 2 && sqlite3_stricmp(f[0], "name") == 0 && sqlite3_stricmp(f[1], "value") == 0) {
      seen_data = 1;
      continue;   /* header */
    }
    seen_data = 1;
    if (nf < 3 || nf > 4) {
      *pzErr = sqlite3_mprintf("%s:line %ld: expected name,value,unit[,repetition], got %d field%s", path, lineno,
                               nf > 7 ? 8 : nf, nf == 1 ? "" : "s");
      rc = SQLITE_ERROR;
      break;
    }
    if (!*f[0]) {
      *pzErr = sqlite3_mprintf("%s:line %ld, column %d: empty metric name", path, lineno, col[0]);
      rc = SQLITE_ERROR;
      break;
    }
    char *end;
    double v = strtod(f[1], &end);
    int has = 1;
    if (!*f[1] || *end) {
      char *v = shown(f[1]);
      *pzErr = sqlite3_mprintf("%s:line %ld, column %d: value '%s' is not a number", path, lineno, col[1], v);
      sqlite3_free(v);
      rc = SQLITE_ERROR;
      break;
    }
    if (v != v) has = 0;   /* nan */
    int rep;
    if (nf == 4) {
      long r = strtol(f[3], &end, 10);
      if (!*f[3] || *end || r < 0 || r > 1000000000L) {
        char *v = shown(f[3]);
        *pzErr = sqlite3_mprintf("%s:line %ld, column %d: repetition '%s' is not an integer >= 0", path, lineno, col[3], v);
        sqlite3_free(v);
        rc = SQLITE_ERROR;
        break;
      }
      rep = (int)r;
    } else {
      sqlite3_bind_int64(count, 1, w->run_id);
      sqlite3_bind_text(count, 2, f[0], -1, SQLITE_STATIC);
      rep = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int(count, 0) : 0;
      sqlite3_reset(count);
    }
    rc = put_value(w, f[0], rep, 0, has, v, f[2], -1, 0);
    if (rc != SQLITE_OK) *pzErr = sqlite3_mprintf("%s:line %ld: %s", path, lineno, sqlite3_errmsg(w->db));
  }
  if (rc == SQLITE_OK && w->rows == 0) {
    *pzErr = sqlite3_mprintf("%s: no benchmark values (expected CSV name,value,unit[,repetition] or JSON)", path);
    rc = SQLITE_ERROR;
  }
  sqlite3_finalize(count);
  sqlite3_free(copy);
  return rc;
}

/* ---- the load ---------------------------------------------------------------- */

/* Run identity read from a JSON file: timestamp, commit, host, context. */
static int json_run_info(sqlite3 *db, const char *json, const char *fmt, char **ts, char **commit, char **host,
                         char **context) {
  sqlite3_stmt *st = 0;
  const char *sql = strcmp(fmt, "gbench-json") == 0
      ? "SELECT ?1->>'$.context.date', NULL, ?1->>'$.context.host_name', json(?1->'$.context')"
      : "SELECT ?1->>'$.timestamp', ?1->>'$.metadata.git_commit', NULL, json(?1->'$.metadata')";
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, 0);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    char **dst[4] = {ts, commit, host, context};
    for (int i = 0; i < 4; i++) {
      const char *v = (const char *)sqlite3_column_text(st, i);
      *dst[i] = v ? sqlite3_mprintf("%s", v) : 0;
    }
  }
  return sqlite3_finalize(st);
}

/* A run time: unix seconds, or ISO-8601 as SQLite's date functions read it
** ('YYYY-MM-DD[T ]hh:mm[:ss[.fff]]' with optional Z or +-hh:mm; +-hhmm is
** accepted too). Returns 0, or -1 when it is not a time. */
static int parse_when(sqlite3 *db, const char *text, double *unix_s) {
  char *end;
  double v = strtod(text, &end);
  if (*text && !*end) { *unix_s = v; return 0; }
  char buf[64];
  size_t n = strlen(text);
  if (n >= sizeof buf - 2) return -1;
  memcpy(buf, text, n + 1);
  /* '+0000' -> '+00:00' */
  if (n > 5 && (buf[n - 5] == '+' || buf[n - 5] == '-') && isdigit((unsigned char)buf[n - 4]) &&
      isdigit((unsigned char)buf[n - 1]) && buf[n - 3] != ':') {
    memmove(buf + n - 1, buf + n - 2, 3);
    buf[n - 2] = ':';
  }
  sqlite3_stmt *st = 0;
  int rc = -1;
  if (sqlite3_prepare_v2(db, "SELECT round((julianday(?1) - 2440587.5) * 86400000.0) / 1000.0", -1, &st, 0) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, buf, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
      *unix_s = sqlite3_column_double(st, 0);
      rc = 0;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

int bench_load_file(sqlite3 *db, const char *path, const BenchRunInfo *info, PerfsqlLoad *ld,
                    sqlite3_int64 *run_id, char **pzErr) {
  char *text = 0;
  size_t len = 0;
  *run_id = 0;
  memset(ld, 0, sizeof(*ld));
  if (!info->label || !*info->label) {
    *pzErr = sqlite3_mprintf("%s: a run label is required (--label)", path);
    return LOAD_ERROR;
  }
  if (read_file_all(path, BENCH_MAX_FILE, &text, &len, pzErr) != 0) return LOAD_ERROR;
  int st = bench_load_buffer(db, path, text, len, info, ld, run_id, pzErr);
  sqlite3_free(text);
  return st;
}

int bench_load_buffer(sqlite3 *db, const char *path, const char *text, size_t len, const BenchRunInfo *info,
                      PerfsqlLoad *ld, sqlite3_int64 *run_id, char **pzErr) {
  char *json = 0, *ts = 0, *commit = 0, *host = 0, *context = 0, *run_at = 0, *uri = 0;
  int status = LOAD_ERROR;
  sqlite3_stmt *st = 0;
  Writer w = {db, 0, 0, 0, 0};
  *run_id = 0;
  memset(ld, 0, sizeof(*ld));
  if (!info->label || !*info->label) {
    *pzErr = sqlite3_mprintf("%s: a run label is required (--label)", path);
    return LOAD_ERROR;
  }
  if (memchr(text, 0, len)) {
    *pzErr = err_at_offset(path, (long long)((const char *)memchr(text, 0, len) - text),
                           "NUL byte: not a JSON or CSV benchmark result");
    goto done;
  }
  const char *fmt = bench_detect_format(db, text, len);
  if (!fmt || strcmp(fmt, "csv") != 0) {
    /* on the file as written: duplicate keys, \u0000, 1e999 (the documented bare
    ** NaN/Infinity words are left to bench_json_normalize) */
    if (json_strict_check(path, text, len, pzErr)) goto done;
    json = bench_json_normalize(path, text, len, pzErr);
    if (!json) goto done;
    if (sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1, &st, 0) != SQLITE_OK) goto sqlerr;
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    int valid = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = 0;
    if (!valid) {
      *pzErr = sqlite3_mprintf("%s: not valid JSON (SQLite's json_valid() rejects it: an escape sequence?)", path);
      goto done;
    }
    fmt = bench_detect_format(db, json, strlen(json));
    if (!fmt || strcmp(fmt, "csv") == 0) {
      *pzErr = sqlite3_mprintf("%s: JSON without a 'benchmarks' array (Google Benchmark) or a 'metrics' object (seed format)", path);
      goto done;
    }
    if (json_run_info(db, json, fmt, &ts, &commit, &host, &context) != SQLITE_OK) goto sqlerr;
  }

  /* run identity */
  const char *when = info->timestamp ? info->timestamp : ts;
  double unix_s = 0;
  if (when && parse_when(db, when, &unix_s) != 0) {
    if (info->timestamp) {
      *pzErr = sqlite3_mprintf("%s: --timestamp '%s' is not a time", path, info->timestamp);
      goto done;
    }
    /* Google Benchmark 1.5 prints 'YYYY-MM-DD hh:mm:ss' or locale dates; unparsable -> load time */
    when = 0;
  }
  if (!when) {
    /* No time in the file: its modification time, so that loading the same
    ** file again is recognised as the same run. */
    struct stat sb;
    if (stat(path, &sb) == 0) {
      unix_s = (double)sb.st_mtime;
    } else {
      if (sqlite3_prepare_v2(db, "SELECT unixepoch('now')", -1, &st, 0) != SQLITE_OK) goto sqlerr;
      if (sqlite3_step(st) == SQLITE_ROW) unix_s = sqlite3_column_double(st, 0);
      sqlite3_finalize(st);
      st = 0;
    }
  }
  if (sqlite3_prepare_v2(db, "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?1, 'unixepoch')", -1, &st, 0) != SQLITE_OK) goto sqlerr;
  sqlite3_bind_double(st, 1, unix_s);
  if (sqlite3_step(st) == SQLITE_ROW) run_at = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  st = 0;
  char hostbuf[256] = "";
  const char *the_host = info->host ? info->host : host;
  if (!the_host && gethostname(hostbuf, sizeof hostbuf - 1) == 0) the_host = hostbuf;
  const char *the_commit = info->commit ? info->commit : commit;

  Sha256 sh;
  char hash[65];
  sha256_init(&sh);
  sha256_update(&sh, text, len);
  char *identity = sqlite3_mprintf("\n#perfsql-bench label=%s commit=%s host=%s at=%s", info->label,
                                   the_commit ? the_commit : "", the_host ? the_host : "", run_at ? run_at : "");
  if (!identity || !run_at) { *pzErr = sqlite3_mprintf("%s: out of memory", path); sqlite3_free(identity); goto done; }
  sha256_update(&sh, identity, strlen(identity));
  sqlite3_free(identity);
  sha256_hex(&sh, hash);
  uri = sqlite3_mprintf("%s#%s@%s", path, info->label, run_at);

  status = load_begin(db, "bench", uri, hash, info->replace, ld, pzErr);
  if (status == LOAD_DUPLICATE) {
    if (sqlite3_prepare_v2(db, "SELECT id FROM bench_run WHERE source_id = ?1", -1, &st, 0) == SQLITE_OK) {
      sqlite3_bind_int64(st, 1, ld->existing_id);
      if (sqlite3_step(st) == SQLITE_ROW) *run_id = sqlite3_column_int64(st, 0);
    }
    goto done;
  }
  if (status != LOAD_NEW) goto done;
  status = LOAD_ERROR;
  w.source_id = ld->source_id;
  if (sqlite3_prepare_v2(db,
        "INSERT INTO bench_run(source_id, label, run_at, run_unix, git_commit, host, format, context)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &st, 0) != SQLITE_OK) goto sqlerr_rb;
  sqlite3_bind_int64(st, 1, ld->source_id);
  sqlite3_bind_text(st, 2, info->label, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, run_at, -1, SQLITE_STATIC);
  sqlite3_bind_double(st, 4, unix_s);
  if (the_commit) sqlite3_bind_text(st, 5, the_commit, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 5);
  if (the_host) sqlite3_bind_text(st, 6, the_host, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 6);
  sqlite3_bind_text(st, 7, fmt, -1, SQLITE_STATIC);
  if (context) sqlite3_bind_text(st, 8, context, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 8);
  if (sqlite3_step(st) != SQLITE_DONE) goto sqlerr_rb;
  sqlite3_finalize(st);
  st = 0;
  w.run_id = sqlite3_last_insert_rowid(db);
  if (sqlite3_prepare_v2(db,
        "INSERT INTO bench_value(source_id, run_id, metric, repetition, aggregate, value, unit, iterations, error)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1, &w.ins, 0) != SQLITE_OK) goto sqlerr_rb;
  int rc;
  if (strcmp(fmt, "gbench-json") == 0) rc = load_gbench(&w, path, json, pzErr);
  else if (strcmp(fmt, "seed-json") == 0) rc = load_seed(&w, path, json, pzErr);
  else rc = load_csv(&w, path, text, len, pzErr);
  sqlite3_finalize(w.ins);
  w.ins = 0;
  progress_done();
  if (rc != SQLITE_OK) {
    /* A reader that stopped on an SQLite error (e.g. inside json_each) has not
    ** always said why: the error names the file like every other. */
    if (!*pzErr) *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(db));
    load_rollback(ld);
    goto done;
  }
  load_count(ld, "bench_run", 1);
  load_count(ld, "bench_value", w.rows);
  if (load_commit(ld, pzErr) != 0) goto done;
  *run_id = w.run_id;
  status = LOAD_NEW;
  goto done;

sqlerr_rb:
  *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(db));
  load_rollback(ld);
  goto done;
sqlerr:
  *pzErr = sqlite3_mprintf("%s: %s", path, sqlite3_errmsg(db));
done:
  sqlite3_finalize(st);
  sqlite3_finalize(w.ins);
  sqlite3_free(json);
  sqlite3_free(ts);
  sqlite3_free(commit);
  sqlite3_free(host);
  sqlite3_free(context);
  sqlite3_free(run_at);
  sqlite3_free(uri);
  return status;
}
