/*
** sqlvalue.c — naming an SQL value in an error message (sqlvalue.h).
**
**  1. Text is quoted with single quotes and cut at 80 bytes ('...' appended),
**     so a huge or binary-ish value cannot flood an error line.
**  2. INTEGER prints exactly (%lld); REAL with 15 significant digits, Inf
**     and -Inf as SQLite prints them; BLOB as "a BLOB"; NULL as "NULL".
**  3. Out of memory sets SQLITE_NOMEM on ctx instead.
*/
#include "sqlvalue.h"

#include <math.h>

void sqlvalue_error(sqlite3_context *ctx, const char *prefix, sqlite3_value *v,
                    const char *suffix) {
  char *msg;
  switch (sqlite3_value_type(v)) {
    case SQLITE_TEXT: {
      const char *s = (const char *)sqlite3_value_text(v);
      int n = sqlite3_value_bytes(v);
      if (n > 80) {
        n = 77;
        while (n > 0 && (s[n] & 0xc0) == 0x80) n--;   /* do not cut a UTF-8 character */
        msg = sqlite3_mprintf("%s '%.*s...'%s", prefix, n, s, suffix);
      } else {
        msg = sqlite3_mprintf("%s '%s'%s", prefix, s, suffix);
      }
      break;
    }
    case SQLITE_INTEGER:
      msg = sqlite3_mprintf("%s %lld%s", prefix, sqlite3_value_int64(v), suffix);
      break;
    case SQLITE_FLOAT: {
      double d = sqlite3_value_double(v);
      if (isinf(d)) msg = sqlite3_mprintf("%s %s%s", prefix, d > 0 ? "Inf" : "-Inf", suffix);
      else msg = sqlite3_mprintf("%s %!.15g%s", prefix, d, suffix);
      break;
    }
    case SQLITE_NULL:
      msg = sqlite3_mprintf("%s NULL%s", prefix, suffix);
      break;
    default:
      msg = sqlite3_mprintf("%s a BLOB%s", prefix, suffix);
      break;
  }
  if (!msg) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_error(ctx, msg, -1);
  sqlite3_free(msg);
}
