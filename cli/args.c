/*
** args.c — argument matching and file writing shared by every command.
*/
#include "cli.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

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
  FILE *f = fopen(path, "wb");
  if (!f) {
    cli_fail("%s: %s", path, strerror(errno));
    return -1;
  }
  size_t w = n ? fwrite(data, 1, n, f) : 0;
  if (fclose(f) != 0 || w != n) {
    cli_fail("%s: write failed: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}
