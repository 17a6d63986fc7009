/*
** write_file.c — write_file(path, data): writes a blob (or text) to a file
** and returns the number of bytes written. For the perfsql CLI and Python
** (the sqlite3 shell has its own writefile()).
**
**  1. Registered SQLITE_DIRECTONLY: a view or trigger cannot call it.
**  2. path NULL -> NULL. data NULL -> an empty file. Numbers are written as
**     their text.
**  3. The file is written to "<path>.tmp" then renamed, so a reader never
**     sees half a file; errors name the path and the system's reason.
**  4. Parent directories are not created.
*/
#include "perfsql.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

void write_file_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *path = (const char *)sqlite3_value_text(argv[0]);
  if (!path) return;
  if (!*path) {
    sqlite3_result_error(ctx, "write_file: empty path", -1);
    return;
  }
  const void *data;
  int n;
  if (sqlite3_value_type(argv[1]) == SQLITE_BLOB) {
    data = sqlite3_value_blob(argv[1]);
    n = sqlite3_value_bytes(argv[1]);
  } else {
    data = sqlite3_value_text(argv[1]);
    n = sqlite3_value_bytes(argv[1]);
  }
  char *tmp = sqlite3_mprintf("%s.tmp", path);
  if (!tmp) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  FILE *f = fopen(tmp, "wb");
  char *err = 0;
  if (!f) {
    err = sqlite3_mprintf("write_file: %s: %s", path, strerror(errno));
  } else {
    size_t w = n > 0 ? fwrite(data, 1, (size_t)n, f) : 0;
    int e = errno;
    if (fclose(f) != 0 || w != (size_t)(n > 0 ? n : 0)) {
      err = sqlite3_mprintf("write_file: %s: %s", path, strerror(e ? e : EIO));
      remove(tmp);
    } else if (rename(tmp, path) != 0) {
      err = sqlite3_mprintf("write_file: %s: %s", path, strerror(errno));
      remove(tmp);
    }
  }
  sqlite3_free(tmp);
  if (err) {
    sqlite3_result_error(ctx, err, -1);
    sqlite3_free(err);
    return;
  }
  sqlite3_result_int64(ctx, n);
}
