/*
** args.c — argument matching and file writing shared by every command.
*/
#include "cli.h"
#include "sql_stmt.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int arg_value(int argc, char **argv, int *i, const char *name, const char **value) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0) return 0;
  if (argv[*i][n] == '=') {
    *value = argv[*i] + n + 1;
    return 1;
  }
  if (argv[*i][n] != 0) return 0;
  if (*i + 1 >= argc) {
    fprintf(stderr, "perfsql: %s needs a value\n", name);
    *value = 0;
    return 0;
  }
  *value = argv[++*i];
  return 1;
}

int arg_flag(char **argv, int i, const char *name) { return strcmp(argv[i], name) == 0; }

int arg_positional(const char *cmd, char **argv, int i, const char **slot) {
  if (argv[i][0] == '-' && argv[i][1]) return cli_usage(cmd, "unknown option %s", argv[i]);
  if (*slot) return cli_usage(cmd, "unexpected argument %s", argv[i]);
  *slot = argv[i];
  return EXIT_OK;
}

int make_dirs(const char *dir) {
  char path[4096];
  if (!dir || !*dir) return 0;
  if (strlen(dir) >= sizeof path) return cli_fail("%s: path too long", dir), -1;
  strcpy(path, dir);
  for (char *p = path + 1;; p++) {
    if (*p == '/' || *p == 0) {
      char c = *p;
      *p = 0;
      if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        cli_fail("%s: %s", path, strerror(errno));
        return -1;
      }
      *p = c;
      if (!c) break;
    }
  }
  return 0;
}

int write_file_path(const char *path, const void *data, size_t n) {
  const char *slash = strrchr(path, '/');
  if (slash && slash != path) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (make_dirs(dir)) return -1;
  }
  /* a temporary file next to it, renamed over it: never a partial file */
  char *tmp = sqlite3_mprintf("%s.tmp%ld", path, (long)getpid());
  if (!tmp) return cli_fail("%s: out of memory", path), -1;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : 0;
  if (!f) {
    int e = errno;
    if (fd >= 0) close(fd);
    cli_fail("%s: %s", path, strerror(e));
    sqlite3_free(tmp);
    return -1;
  }
  size_t w = n ? fwrite(data, 1, n, f) : 0;
  int bad = ferror(f) || w != n;
  if (fclose(f) != 0) bad = 1;
  if (bad || rename(tmp, path) != 0) {
    cli_fail("%s: write failed: %s", path, strerror(errno));
    remove(tmp);
    sqlite3_free(tmp);
    return -1;
  }
  sqlite3_free(tmp);
  return 0;
}

/* ---- safe_path_component ------------------------------------------------------ */

/* Bytes kept as they are: ASCII letters, digits and a few punctuation marks that
** mean nothing to a shell or a file system; valid UTF-8 sequences of 2..4 bytes. */
static int keep_ascii(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '+' || c == '=' || c == ',' || c == '@';
}

/* Length of the valid UTF-8 sequence at s (2..4), or 0. */
static int utf8_len(const unsigned char *s) {
  int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
  if (s[0] >= 0xF5) return 0;
  for (int i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  if (n == 3 && s[0] == 0xE0 && s[1] < 0xA0) return 0;   /* overlong */
  if (n == 3 && s[0] == 0xED && s[1] >= 0xA0) return 0;  /* surrogates */
  if (n == 4 && s[0] == 0xF0 && s[1] < 0x90) return 0;
  if (n == 4 && s[0] == 0xF4 && s[1] >= 0x90) return 0;
  return n;
}

char *safe_path_component(const char *name) {
  if (!name) name = "";
  enum { CAP = 96 };                 /* bytes of the readable part; + suffix, well under NAME_MAX */
  char out[CAP + 32];
  size_t k = 0;
  int changed = 0;
  const unsigned char *s = (const unsigned char *)name;
  while (*s) {
    int n = keep_ascii(*s) ? 1 : *s >= 0x80 ? utf8_len(s) : 0;
    if (k + (n ? (size_t)n : 1) > CAP) { changed = 1; break; }
    if (n) {
      memcpy(out + k, s, (size_t)n);
      k += (size_t)n;
      s += n;
    } else {                         /* '/', '\\', controls, spaces, quotes, invalid UTF-8... */
      out[k++] = '_';
      s++;
      changed = 1;
    }
  }
  if (k == 0) { out[k++] = '_'; changed = 1; }
  if (out[0] == '.') { out[0] = '_'; changed = 1; }   /* ".", "..", hidden files */
  out[k] = 0;
  if (changed) {
    /* a short hash of the original name keeps two names that clean up alike apart;
    ** it goes before a short extension (".png") so that the file keeps its type */
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 1099511628211ULL;
    char *dot = strrchr(out, '.');
    size_t ext = 0;
    if (dot && dot > out && strlen(dot) >= 2 && strlen(dot) <= 6) {
      ext = strlen(dot);
      for (const char *p = dot + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) ext = 0;
    }
    char tail[8] = "";
    if (ext) { memcpy(tail, out + k - ext, ext + 1); k -= ext; }
    snprintf(out + k, sizeof out - k, "-%010llx%s", (unsigned long long)(h & 0xFFFFFFFFFFULL), tail);
  }
  return sqlite3_mprintf("%s", out);
}

/* ---- call endings (cli.h) ---------------------------------------------------- */

int cli_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what) {
  char *err = 0;
  if (sql_prepare(db, sql, st, &err) == SQLITE_OK) return 0;
  if (what) cli_fail("%s: %s", what, err ? err : "prepare failed");
  else cli_fail("%s", err ? err : "prepare failed");
  sqlite3_free(err);
  return -1;
}

int cli_done(int failed, char **err, const char *fallback) {
  int rc = failed ? cli_fail("%s", *err ? *err : fallback) : EXIT_OK;
  sqlite3_free(*err);
  *err = 0;
  return rc;
}
