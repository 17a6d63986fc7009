/*
** json_strict.c — what SQLite's JSON functions accept silently but a loader must
** not: checked once over a whole document before it is loaded (contract in load.h).
**
**  1. Duplicate keys in one object with different values (SQLite keeps the first
**     for ->>, json_each returns both): error naming the object's JSON path. The
**     same key twice with the same value text is harmless and accepted: iperf3
**     3.12 writes "rcvbuf_actual" twice in "start".
**  2. Embedded NUL: a raw 0 byte anywhere, or "\u0000" in a string (C strings and
**     SQLite's text functions would cut the value there).
**  3. Numbers outside the range of a double (1e999: SQLite reads it as Inf).
**  4. Nesting deeper than 200 levels.
**  Syntax errors are left to the loader's own parser (it reports them with its own
**  positions); this pass then stops silently. O(n log n) time (keys of one object
**  are sorted to find duplicates), memory O(keys of the open objects).
*/
#include "load.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Key { const char *p; size_t n; const char *v; size_t vn; } Key;

typedef struct Js {
  const char *s, *end, *file;
  char *err;        /* first problem found */
  int bad_syntax;   /* stop quietly: the loader reports syntax errors */
  PerfsqlBuf path;  /* "$.a[3].b" of the value being read */
  int depth;
} Js;

static void ws(Js *j) {
  while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r')) j->s++;
}

static void fail(Js *j, const char *what) {
  if (!j->err && !j->bad_syntax)
    j->err = j->file ? sqlite3_mprintf("%s:%s: %s", j->file, j->path.data ? j->path.data : "$", what)
                     : sqlite3_mprintf("%s: %s", j->path.data ? j->path.data : "$", what);
}

/* Scans a string (j->s at the opening quote); sets *p, *n to its raw body. */
static int string(Js *j, const char **p, size_t *n) {
  const char *s = ++j->s;
  while (j->s < j->end && *j->s != '"') {
    if (*j->s == '\\') {
      if (j->s + 1 >= j->end) break;
      if (j->s[1] == 'u' && j->end - j->s >= 6 && memcmp(j->s + 2, "0000", 4) == 0) {
        fail(j, "a string holds a NUL character (\\u0000)");
        return -1;
      }
      j->s += 2;
      continue;
    }
    j->s++;
  }
  if (j->s >= j->end) { j->bad_syntax = 1; return -1; }
  *p = s;
  *n = (size_t)(j->s - s);
  j->s++;
  return 0;
}

static int key_cmp(const void *a, const void *b) {
  const Key *x = a, *y = b;
  size_t n = x->n < y->n ? x->n : y->n;
  int c = memcmp(x->p, y->p, n);
  return c ? c : (x->n > y->n) - (x->n < y->n);
}

static int value(Js *j);

static int object(Js *j) {
  j->s++;
  Key local[16];   /* most objects have a few keys: no allocation, no qsort for them */
  Key *keys = local;
  int nk = 0, cap = 16, rc = 0;
  size_t base = j->path.len;
  ws(j);
  if (j->s < j->end && *j->s == '}') { j->s++; return 0; }
  for (;;) {
    ws(j);
    if (j->s >= j->end || *j->s != '"') { j->bad_syntax = 1; rc = -1; break; }
    const char *kp;
    size_t kn;
    if (string(j, &kp, &kn)) { rc = -1; break; }
    if (nk == cap) {
      cap *= 2;
      Key *g = sqlite3_realloc64(keys == local ? 0 : keys, (sqlite3_uint64)cap * sizeof *g);
      if (!g) { j->err = sqlite3_mprintf("%s: out of memory", j->file); rc = -1; break; }
      if (keys == local) memcpy(g, local, sizeof local);
      keys = g;
    }
    keys[nk].p = kp;
    keys[nk].n = kn;
    nk++;
    buf_append(&j->path, ".", 1);   /* no formatting per value: this pass runs over every load */
    buf_append(&j->path, kp, kn > 200 ? 200 : kn);
    ws(j);
    if (j->s >= j->end || *j->s != ':') { j->bad_syntax = 1; rc = -1; break; }
    j->s++;
    ws(j);
    keys[nk - 1].v = j->s;
    if (value(j)) { rc = -1; break; }
    keys[nk - 1].vn = (size_t)(j->s - keys[nk - 1].v);
    j->path.len = base;
    if (j->path.data) j->path.data[base] = 0;
    ws(j);
    if (j->s < j->end && *j->s == ',') { j->s++; continue; }
    if (j->s < j->end && *j->s == '}') { j->s++; break; }
    j->bad_syntax = 1;
    rc = -1;
    break;
  }
  if (rc == 0 && nk > 1) {
    if (nk > 16) {
      qsort(keys, (size_t)nk, sizeof *keys, key_cmp);
    } else {
      for (int i = 1; i < nk; i++)
        for (int k = i; k > 0 && key_cmp(&keys[k - 1], &keys[k]) > 0; k--) {
          Key t = keys[k];
          keys[k] = keys[k - 1];
          keys[k - 1] = t;
        }
    }
    for (int i = 1; i < nk; i++)
      if (key_cmp(&keys[i - 1], &keys[i]) == 0 &&
          (keys[i - 1].vn != keys[i].vn || memcmp(keys[i - 1].v, keys[i].v, keys[i].vn) != 0)) {
        char *m = sqlite3_mprintf("duplicate key \"%.*s\" in one object", (int)(keys[i].n > 200 ? 200 : keys[i].n),
                                  keys[i].p);
        fail(j, m ? m : "duplicate key");
        sqlite3_free(m);
        rc = -1;
        break;
      }
  }
  if (keys != local) sqlite3_free(keys);
  return rc;
}

static int array(Js *j) {
  j->s++;
  size_t base = j->path.len;
  ws(j);
  if (j->s < j->end && *j->s == ']') { j->s++; return 0; }
  for (long i = 0;; i++) {
    char ix[32];
    int n = snprintf(ix, sizeof ix, "[%ld]", i);
    buf_append(&j->path, ix, (size_t)n);
    if (value(j)) return -1;
    j->path.len = base;
    if (j->path.data) j->path.data[base] = 0;
    ws(j);
    if (j->s < j->end && *j->s == ',') { j->s++; continue; }
    if (j->s < j->end && *j->s == ']') { j->s++; return 0; }
    j->bad_syntax = 1;
    return -1;
  }
}

static int value(Js *j) {
  ws(j);
  if (j->s >= j->end) { j->bad_syntax = 1; return -1; }
  if (++j->depth > 200) {
    fail(j, "nested more than 200 levels deep");
    return -1;
  }
  int rc = 0;
  char c = *j->s;
  if (c == '{') rc = object(j);
  else if (c == '[') rc = array(j);
  else if (c == '"') {
    const char *p;
    size_t n;
    rc = string(j, &p, &n);
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    const char *s = j->s;
    int expo = 0;   /* without an exponent, 63 characters cannot leave a double's range */
    for (; j->s < j->end; j->s++) {
      char d = *j->s;
      if (d == 'e' || d == 'E') expo = 1;
      else if (!((d >= '0' && d <= '9') || d == '.' || d == '-' || d == '+')) break;
    }
    char tmp[64];
    size_t n = (size_t)(j->s - s);
    if (n >= sizeof tmp) {
      fail(j, "number with more than 63 characters");
      rc = -1;
    } else if (expo) {
      memcpy(tmp, s, n);
      tmp[n] = 0;
      if (isinf(strtod(tmp, 0))) {
        fail(j, "number out of range (beyond a double: not finite)");
        rc = -1;
      }
    }
  } else {
    /* true, false, null, and the NaN/Infinity words some writers emit: the loader decides */
    while (j->s < j->end && ((*j->s >= 'a' && *j->s <= 'z') || (*j->s >= 'A' && *j->s <= 'Z') || *j->s == '-'))
      j->s++;
  }
  j->depth--;
  return rc;
}

int json_strict_check(const char *file, const char *text, size_t len, char **pzErr) {
  const char *nul = memchr(text, 0, len);
  if (nul) {
    *pzErr = file ? sqlite3_mprintf("%s:byte offset %lld: NUL byte in a text file", file, (long long)(nul - text))
                  : sqlite3_mprintf("byte offset %lld: NUL byte in a text file", (long long)(nul - text));
    return -1;
  }
  Js j;
  memset(&j, 0, sizeof j);
  j.s = text;
  j.end = text + len;
  j.file = file;
  buf_append(&j.path, "$", 1);
  value(&j);
  buf_free(&j.path);
  if (j.err) {
    *pzErr = j.err;
    return -1;
  }
  return 0;
}
