/*
** util.c — the growable byte buffer every part of perfsql uses.
**
**  1. Memory comes from sqlite3_realloc64; a failed allocation sets b->oom and
**     every later append is a no-op, so callers check oom once at the end.
**  2. data is always NUL-terminated after an append (len excludes the NUL).
*/
#include "perfsql.h"
#include <stdarg.h>
#include <string.h>

static int buf_reserve(PerfsqlBuf *b, size_t extra) {
  if (b->oom) return 0;
  if (b->len + extra + 1 <= b->cap) return 1;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char *p = sqlite3_realloc64(b->data, cap);
  if (!p) {
    b->oom = 1;
    return 0;
  }
  b->data = p;
  b->cap = cap;
  return 1;
}

void buf_append(PerfsqlBuf *b, const void *p, size_t n) {
  if (!buf_reserve(b, n)) return;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}

void buf_appendf(PerfsqlBuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  if (!s) {
    b->oom = 1;
    return;
  }
  buf_append(b, s, strlen(s));
  sqlite3_free(s);
}

void buf_free(PerfsqlBuf *b) {
  sqlite3_free(b->data);
  memset(b, 0, sizeof *b);
}
