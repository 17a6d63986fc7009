/*
** kv_files.c — `perfsql load kubevirt PATH...`: local files and trees.
**
**  1. PATH is a file or a directory; each PATH is one load (one source row,
**     kind 'kubevirt', uri = PATH, hash = SHA-256 over every file's relative
**     path and content in sorted order). The kind of a file is told by its
**     name:
**       results.json                        perf-report-creator step 1 output
**       VMI-perf-audit-results.json, VMI-kwok-perf-audit-results.json,
**       VM-perf-audit-results.json, VM-instance-type-preference-perf-audit-results.json,
**       perfscale-audit-results.json (density jobs: the VMI result)   audit files
**       build-log.txt (or any *.txt / *.log given directly)            regex era
**       *.yaml / *.yml given directly                                  shape.yaml
**     In a directory, only files that sit where upstream puts them are read:
**     <job>/<build-id>/results.json, <job>/<build-id>/build-log.txt and audit
**     files anywhere under <job>/<build-id>/artifacts/ (so a checkout of
**     ci-performance-benchmarks — whose weekly/ files are skipped — or a copy
**     of the bucket's logs/ tree imports in one command).
**  2. Job and build id come from those path components, or from --job and
**     --build-id for a single file. A run with audit files ignores its
**     build-log.txt (fallback only, like upstream since 2024-11).
**  3. Runs already loaded by another source are skipped (counted, not
**     duplicated). The same content loaded twice is "already loaded"; a
**     changed tree at the same PATH is a new load holding the new runs (the
**     earlier load stays; --replace drops it first) (load.h).
**  4. Errors: "<file>:<position>: <what>" from the readers; the whole load is
**     rolled back. O(total size) time; one file in memory at a time.
*/
#include "kubevirt.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KV_MAX_FILE LOAD_MAX_DOCUMENT

enum { F_RESULTS = 0, F_AUDIT = 1, F_BUILDLOG = 2 };

typedef struct KvFile {
  char *path;          /* as opened; one allocation that also holds rel and job */
  char *rel;           /* relative to the PATH given (hash input) */
  int kind;
  const char *resource;  /* audit files */
  char *job;
  int64_t build_id;
} KvFile;

typedef struct KvList {
  KvFile *v;
  size_t n, cap;
} KvList;

const char *kv_audit_resource(const char *b) {
  if (!strcmp(b, "VMI-perf-audit-results.json") || !strcmp(b, "VMI-kwok-perf-audit-results.json") ||
      !strcmp(b, "perfscale-audit-results.json"))
    return "vmi";
  if (!strcmp(b, "VM-perf-audit-results.json")) return "vm";
  if (!strcmp(b, "VM-instance-type-preference-perf-audit-results.json")) return "vm-instancetype";
  return 0;
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && !strcmp(s + a - b, suf);
}

static int all_digits(const char *s, size_t n) {
  int64_t v;
  return kv_parse_build_id(s, n, &v) == 0;
}

/* Splits path into components (pointers into a copy). Returns count. */
static int split_path(char *copy, char **comp, int max) {
  int n = 0;
  for (char *tok = strtok(copy, "/"); tok && n < max; tok = strtok(0, "/")) comp[n++] = tok;
  return n;
}

/* Reads job and build id from the path: .../<job>/<id>/<file> or
** .../<job>/<id>/artifacts/.../<file>. 0 ok, -1 when the path does not say. */
static int job_id_from_path(const char *path, int kind, char **job, int64_t *id) {
  char *copy = sqlite3_mprintf("%s", path);
  char *comp[256];
  if (!copy) return -1;
  int n = split_path(copy, comp, 256);
  int at = -1;  /* index of the id component */
  if (kind == F_AUDIT) {
    for (int i = n - 2; i >= 1; i--)
      if (!strcmp(comp[i], "artifacts")) { at = i - 1; break; }
  } else {
    at = n - 2;
  }
  int rc = -1;
  if (at >= 1 && all_digits(comp[at], strlen(comp[at]))) {
    kv_parse_build_id(comp[at], strlen(comp[at]), id);
    *job = sqlite3_mprintf("%s", comp[at - 1]);
    rc = *job ? 0 : -1;
  }
  sqlite3_free(copy);
  return rc;
}

static int list_add(KvList *l, const char *path, const char *rel, int kind, const char *resource,
                    const char *job, int64_t id) {
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 64;
    KvFile *nv = sqlite3_realloc64(l->v, nc * sizeof *nv);
    if (!nv) return -1;
    l->v = nv;
    l->cap = nc;
  }
  KvFile *f = &l->v[l->n];
  size_t np = strlen(path) + 1, nr = strlen(rel) + 1, nj = strlen(job) + 1;
  f->path = sqlite3_malloc64(np + nr + nj);
  if (!f->path) return -1;
  f->rel = f->path + np;
  f->job = f->rel + nr;
  memcpy(f->path, path, np);
  memcpy(f->rel, rel, nr);
  memcpy(f->job, job, nj);
  f->kind = kind;
  f->resource = resource;
  f->build_id = id;
  l->n++;
  return 0;
}

static void list_free(KvList *l) {
  for (size_t i = 0; i < l->n; i++) sqlite3_free(l->v[i].path);
  sqlite3_free(l->v);
}

/* A file met while walking a directory: keep it when it sits where upstream puts it. */
static int consider(KvList *l, const char *path, const char *rel) {
  const char *b = base_name(path);
  int kind;
  const char *res = 0;
  if (!strcmp(b, "results.json")) kind = F_RESULTS;
  else if (!strcmp(b, "build-log.txt")) kind = F_BUILDLOG;
  else if ((res = kv_audit_resource(b)) != 0) kind = F_AUDIT;
  else return 0;
  char *job = 0;
  int64_t id = 0;
  if (job_id_from_path(path, kind, &job, &id)) return 0;  /* e.g. weekly/.../data/results.json */
  int rc = list_add(l, path, rel, kind, res, job, id);
  sqlite3_free(job);
  return rc;
}

static int walk(KvList *l, const char *dir, const char *rel, char **pzErr) {
  DIR *d = opendir(dir);
  if (!d) { *pzErr = sqlite3_mprintf("%s: %s", dir, strerror(errno)); return -1; }
  struct dirent *e;
  int rc = 0;
  while (rc == 0 && (e = readdir(d)) != 0) {
    if (e->d_name[0] == '.') continue;  /* ., .., .git */
    char *p = sqlite3_mprintf("%s/%s", dir, e->d_name);
    char *r = *rel ? sqlite3_mprintf("%s/%s", rel, e->d_name) : sqlite3_mprintf("%s", e->d_name);
    if (!p || !r) { rc = -1; *pzErr = sqlite3_mprintf("kubevirt: out of memory"); }
    /* the entry's type from readdir when the file system gives it (no lstat per entry) */
    struct stat sb;
    int known = e->d_type == DT_DIR || e->d_type == DT_REG || e->d_type == DT_LNK;
    if (known) sb.st_mode = e->d_type == DT_DIR ? S_IFDIR : e->d_type == DT_REG ? S_IFREG : S_IFLNK;
    if (rc == 0 && (known || lstat(p, &sb) == 0)) {
      if (S_ISDIR(sb.st_mode)) rc = walk(l, p, r, pzErr);
      else if (S_ISREG(sb.st_mode) && consider(l, p, r)) {
        rc = -1;
        *pzErr = sqlite3_mprintf("kubevirt: out of memory");
      }
    }
    sqlite3_free(p);
    sqlite3_free(r);
  }
  closedir(d);
  return rc;
}

static int cmp_file(const void *a, const void *b) {
  const KvFile *x = a, *y = b;
  int c = strcmp(x->job, y->job);
  if (c) return c;
  if (x->build_id != y->build_id) return x->build_id < y->build_id ? -1 : 1;
  if (x->kind != y->kind) return x->kind - y->kind;
  return strcmp(x->rel, y->rel);
}

/* Classifies a file given directly on the command line. */
static int classify_single(KvList *l, const char *path, const KvLoadOptions *o, char **pzErr) {
  const char *b = base_name(path);
  int kind;
  const char *res = 0;
  if ((res = kv_audit_resource(b)) != 0) kind = F_AUDIT;
  else if (!strcmp(b, "results.json") || ends_with(b, ".json")) kind = F_RESULTS;
  else if (ends_with(b, ".txt") || ends_with(b, ".log")) kind = F_BUILDLOG;
  else {
    *pzErr = sqlite3_mprintf("%s: not a KubeVirt file (expected results.json, an audit JSON file, "
                             "build-log.txt, shape.yaml or a directory)", path);
    return -1;
  }
  char *job = 0;
  int64_t id = 0;
  int have = job_id_from_path(path, kind, &job, &id) == 0;
  if (o->job) { sqlite3_free(job); job = sqlite3_mprintf("%s", o->job); have = have || o->build_id; }
  if (o->build_id) {
    if (kv_parse_build_id(o->build_id, strlen(o->build_id), &id)) {
      sqlite3_free(job);
      *pzErr = sqlite3_mprintf("--build-id %s: not a Prow build id (digits)", o->build_id);
      return -1;
    }
    have = have && job;
  }
  if (!have || !job) {
    sqlite3_free(job);
    *pzErr = sqlite3_mprintf("%s: cannot tell the job and build id from the path "
                             "(expected .../<job>/<build-id>/%s); give --job and --build-id",
                             path, kind == F_AUDIT ? "artifacts/..." : b);
    return -1;
  }
  int rc = list_add(l, path, b, kind, res, job, id);
  sqlite3_free(job);
  if (rc) *pzErr = sqlite3_mprintf("kubevirt: out of memory");
  return rc;
}

static int hash_files(const KvList *l, char hex[65], char **pzErr) {
  Sha256 h;
  sha256_init(&h);
  for (size_t i = 0; i < l->n; i++) {
    char *data = 0;
    size_t len = 0;
    if (read_file_all(l->v[i].path, KV_MAX_FILE, &data, &len, pzErr)) return -1;
    sha256_update(&h, l->v[i].rel, strlen(l->v[i].rel) + 1);
    uint64_t n64 = len;
    sha256_update(&h, &n64, sizeof n64);
    sha256_update(&h, data, len);
    sqlite3_free(data);
    progress_update("kubevirt: hashing", i + 1, l->n);
  }
  sha256_hex(&h, hex);
  return 0;
}

static int load_list(KvWriter *w, KvList *l, const KvLoadOptions *o, char **pzErr) {
  const char *skip_job = 0;
  int64_t skip_id = -1;
  for (size_t i = 0; i < l->n; i++) {
    KvFile *f = &l->v[i];
    progress_update("kubevirt: loading", i + 1, l->n);
    /* results.json and audit files sort before build-log.txt within a run */
    if (f->kind != F_BUILDLOG) { skip_job = f->job; skip_id = f->build_id; }
    else if (skip_job && skip_id == f->build_id && !strcmp(skip_job, f->job)) continue;
    char *data = 0;
    size_t len = 0;
    if (read_file_all(f->path, KV_MAX_FILE, &data, &len, pzErr)) return -1;
    KvDocCtx c;
    memset(&c, 0, sizeof c);
    c.w = w;
    c.file = f->path;
    c.job = f->job;
    c.build_id = f->build_id;
    c.job_dir_created = o->created;
    c.resource = f->resource;
    int rc;
    if (f->kind == F_BUILDLOG) {
      c.origin = "build-log";
      rc = kv_load_buildlog(&c, data, len, pzErr);
    } else if (f->kind == F_AUDIT) {
      c.origin = "audit";
      rc = kv_load_doc(&c, data, len, KV_DOC_RESULT, pzErr);
    } else {
      c.origin = "results.json";
      rc = kv_load_doc(&c, data, len, KV_DOC_RESULTS, pzErr);
    }
    sqlite3_free(data);
    if (rc) return -1;
  }
  progress_done();
  return 0;
}

int kv_load_path(sqlite3 *db, const char *path, const KvLoadOptions *o, char **pzErr) {
  struct stat sb;
  if (stat(path, &sb)) { *pzErr = sqlite3_mprintf("%s: %s", path, strerror(errno)); return -1; }
  if (o->created) {
    double t;
    if (perfsql_parse_time(o->created, &t)) {
      *pzErr = sqlite3_mprintf("--created %s: not a timestamp", o->created);
      return -1;
    }
  }
  if (!S_ISDIR(sb.st_mode) && (ends_with(path, ".yaml") || ends_with(path, ".yml")))
    return kv_load_shape(db, path, o, pzErr);

  KvList l = {0, 0, 0};
  int rc = 0;
  if (S_ISDIR(sb.st_mode)) {
    if (o->job || o->build_id) {
      *pzErr = sqlite3_mprintf("%s: --job/--build-id apply to a single file, not a directory", path);
      return -1;
    }
    rc = walk(&l, path, "", pzErr);
    if (rc == 0 && l.n == 0) {
      *pzErr = sqlite3_mprintf("%s: no KubeVirt results found (<job>/<build-id>/results.json, "
                               "build-log.txt or artifacts/*audit-results.json)", path);
      rc = -1;
    }
  } else {
    rc = classify_single(&l, path, o, pzErr);
  }
  if (rc) { list_free(&l); return -1; }
  qsort(l.v, l.n, sizeof *l.v, cmp_file);

  char hex[65];
  if (hash_files(&l, hex, pzErr)) { list_free(&l); return -1; }
  PerfsqlLoad ld;
  int st = load_begin(db, "kubevirt", path, hex, o->replace, &ld, pzErr);
  if (st == LOAD_ERROR) { load_free(&ld); list_free(&l); return -1; }
  if (st == LOAD_DUPLICATE) {
    load_report(&ld, st, o->quiet);
    load_free(&ld);
    list_free(&l);
    return 0;
  }
  /* A history is ~1M metric rows in three B-trees: give the load a page cache
  ** that holds them (64 MiB, or more if already set), and put it back after. */
  int old_cache = 0;
  sqlite3_stmt *pc = 0;
  if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &pc, 0) == SQLITE_OK && sqlite3_step(pc) == SQLITE_ROW)
    old_cache = sqlite3_column_int(pc, 0);
  sqlite3_finalize(pc);
  int bigger = old_cache < 0 ? old_cache > -65536 : old_cache < 16384;
  if (bigger) sqlite3_exec(db, "PRAGMA cache_size=-65536", 0, 0, 0);
  /* first load of a history: its indexes are built once, after the inserts */
  static const char *const bulk[] = {"kubevirt_metric", "kubevirt_result", "kubevirt_run"};
  LoadDeferred deferred = {{0}, 0};
  rc = load_index_defer(db, bulk, 3, &deferred, pzErr);
  KvWriter w;
  if (rc == 0) rc = kv_writer_open(&w, db, ld.source_id, pzErr);
  if (rc == 0) {
    rc = load_list(&w, &l, o, pzErr);
    if (rc == 0) rc = kv_writer_flush(&w, pzErr);
    if (rc == 0) kv_writer_count(&w, &ld);
    if (rc == 0 && w.n_skipped && !o->quiet)
      fprintf(stderr, "%s: %lld runs skipped: already loaded by another source\n", path, (long long)w.n_skipped);
    kv_writer_close(&w);
  }
  if (rc == 0) rc = load_index_restore(db, &deferred, pzErr);
  load_index_free(&deferred);
  list_free(&l);
  if (rc == 0 && load_commit(&ld, pzErr) == 0) load_report(&ld, st, o->quiet);
  else rc = -1;
  progress_done();
  load_free(&ld);
  if (bigger) {
    char *restore = sqlite3_mprintf("PRAGMA cache_size=%d", old_cache);
    sqlite3_exec(db, restore, 0, 0, 0);
    sqlite3_free(restore);
  }
  return rc;
}
