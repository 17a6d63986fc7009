/*
** kv_gcs.c — `perfsql load kubevirt-gcs`: KubeVirt CI runs straight from the
** Prow bucket (gs://kubevirt-prow) over HTTPS, anonymously, with libcurl
** (loaders/common/http.h: timeouts, retries with backoff, TLS verified).
**
**  1. Listing: GET <base>/storage/v1/b/<bucket>/o?prefix=logs/<job>/&delimiter=/
**     following nextPageToken; each prefix logs/<job>/<build-id>/ is a run.
**  2. Per run (in --jobs N worker threads; each has its own :memory: SQLite
**     connection to read JSON): the metadata of build-log.txt
**     (GET .../o/<object>) gives timeCreated = upstream JobDirCreationTime; a
**     run without build-log.txt is still running and is skipped; runs created
**     before now − since are skipped. The audit files are found by listing
**     logs/<job>/<id>/artifacts/ (all pages; matchGlob narrows it on real
**     GCS, the basename is checked here anyway) and fetched with ?alt=media;
**     a run without audit files falls back to build-log.txt (regex era).
**  3. Runs already in the database are not downloaded again. Runs whose start
**     time (decoded from the snowflake build id) is more than since + 48 h
**     before now are not even asked for metadata (no Prow job runs 48 h).
**  4. One load per job (kind 'kubevirt-gcs', uri <base>/<bucket>/logs/<job>/#<first>-<last>
**     build ids): every download happens before the transaction opens, so a
**     failed transfer (timeout, 5xx after the retries, truncated body,
**     malformed JSON) leaves the database exactly as it was.
**  5. Errors: "<url>: <what>" (http.h), "<url>:line L, column C: malformed JSON".
**  6. Anonymous by default; with credentials_file (a service-account key)
**     every request carries an OAuth2 bearer token from kv_gauth.c (JWT
**     bearer flow, one token per process while it is valid). Credentials and
**     tokens are never stored (uri, kubevirt_result.file) or printed.
*/
#include "kubevirt.h"
#include "common/http.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define KV_GCS_DEFAULT_BASE "https://storage.googleapis.com"

typedef struct GcsFile {
  char *resource;      /* NULL for build-log.txt */
  char *url;           /* redacted, for messages and kubevirt_result.file */
  char *body;
  size_t len;
} GcsFile;

typedef struct GcsRun {
  int64_t build_id;
  char *created;       /* timeCreated of build-log.txt */
  int skip;            /* no build log yet, or outside the window */
  GcsFile *files;
  int nfiles;
} GcsRun;

typedef struct GcsJob {
  const KvGcsOptions *o;
  HttpOptions http;
  KvGauth *auth;             /* --credentials-file, NULL = anonymous */
  const char *base, *bucket, *job;
  double cutoff;             /* unix seconds: runs created before are skipped */
  GcsRun *runs;
  int nruns;
  int next;                  /* work queue position */
  int done;
  int failed;
  char *err;
  pthread_mutex_t mu;
} GcsJob;

/* ---- JSON through a private SQLite connection ------------------------------ */

static char *json_malformed(const char *url, const char *body, size_t len) {
  long long off = kv_json_error_offset(body, len);
  if (off < 0) off = 0;
  long line, col;
  kv_line_col(body, (size_t)off, &line, &col);
  return sqlite3_mprintf("%s:line %ld, column %ld: malformed JSON%s", url, line, col,
                         (size_t)off >= len ? " (unexpected end of data)" : "");
}

static int json_check(sqlite3 *db, const char *url, const char *body, size_t len, char **pzErr) {
  if (!kv_json_is_object(db, body, len) || kv_json_error_offset(body, len) >= 0) {
    *pzErr = kv_json_error_offset(body, len) >= 0 ? json_malformed(url, body, len)
                                                  : sqlite3_mprintf("%s: expected a JSON object", url);
    return -1;
  }
  return 0;
}

/* Runs sql with ?1 = body and returns column 0 of each row as strings via cb. */
static int json_rows(sqlite3 *db, const char *sql, const char *body, size_t len,
                     int (*cb)(const char *v, void *ctx), void *ctx, char **pzErr) {
  sqlite3_stmt *st = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("kubevirt-gcs: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text64(st, 1, body, len, SQLITE_STATIC, SQLITE_UTF8);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *v = (const char *)sqlite3_column_text(st, 0);
    if (v && cb(v, ctx)) { sqlite3_finalize(st); return -1; }
  }
  if (rc != SQLITE_DONE) *pzErr = sqlite3_mprintf("kubevirt-gcs: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

static int take_first(const char *v, void *ctx) {
  char **out = ctx;
  if (!*out) *out = sqlite3_mprintf("%s", v);
  return 0;
}

/* ---- URLs ----------------------------------------------------------------- */

static char *list_url(GcsJob *j, const char *prefix, const char *delimiter, const char *glob, const char *token) {
  char *p = url_escape(prefix);
  char *t = token ? url_escape(token) : 0;
  char *g = glob ? url_escape(glob) : 0;
  char *b = url_escape(j->bucket);
  char *u = sqlite3_mprintf("%s/storage/v1/b/%s/o?prefix=%s%s%s%s%s%s%s", j->base, b, p,
                            delimiter ? "&delimiter=" : "", delimiter ? "%2F" : "",
                            g ? "&matchGlob=" : "", g ? g : "", t ? "&pageToken=" : "", t ? t : "");
  sqlite3_free(p);
  sqlite3_free(t);
  sqlite3_free(g);
  sqlite3_free(b);
  return u;
}

static char *object_url(GcsJob *j, const char *object, int media) {
  char *o = url_escape(object);
  char *b = url_escape(j->bucket);
  char *u = sqlite3_mprintf("%s/storage/v1/b/%s/o/%s%s", j->base, b, o, media ? "?alt=media" : "");
  sqlite3_free(o);
  sqlite3_free(b);
  return u;
}

/* GET with the job's options; *status is the HTTP status (0 if none). */
static int get(GcsJob *j, const char *url, HttpResponse *rs, long *status, char **pzErr) {
  memset(rs, 0, sizeof *rs);
  *status = 0;
  if (!j->auth) {
    int rc = http_get(&j->http, url, rs, pzErr);
    *status = rs->status;
    return rc;
  }
  char *h = 0;
  if (kv_gauth_header(j->auth, &h, pzErr)) return -1;
  struct curl_slist *hs = curl_slist_append(0, h);
  HttpRequest rq;
  memset(&rq, 0, sizeof rq);
  rq.url = url;
  rq.headers = hs;
  int rc = hs ? http_perform(&j->http, &rq, rs, pzErr) : -1;
  if (!hs) *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory");
  curl_slist_free_all(hs);
  sqlite3_free(h);
  *status = rs->status;
  return rc;
}

/* ---- listing ---------------------------------------------------------------- */

typedef struct Names { char **v; int n, cap; } Names;

static int names_add(const char *s, void *ctx) {
  Names *l = ctx;
  if (l->n == l->cap) {
    int nc = l->cap ? l->cap * 2 : 64;
    char **nv = sqlite3_realloc64(l->v, (sqlite3_uint64)nc * sizeof *nv);
    if (!nv) return -1;
    l->v = nv;
    l->cap = nc;
  }
  if (!(l->v[l->n] = sqlite3_mprintf("%s", s))) return -1;
  l->n++;
  return 0;
}

static void names_free(Names *l) {
  for (int i = 0; i < l->n; i++) sqlite3_free(l->v[i]);
  sqlite3_free(l->v);
  memset(l, 0, sizeof *l);
}

/* Lists every page: prefixes (delimiter set) or item names. */
static int list_all(GcsJob *j, sqlite3 *db, const char *prefix, int prefixes, const char *glob, Names *out,
                    char **pzErr) {
  char *token = 0;
  int rc = 0;
  Names seen = {0};    /* every token followed so far: a repeated one means a loop */
  for (int page = 0; rc == 0; page++) {
    char *url = list_url(j, prefix, prefixes ? "/" : 0, glob, token);
    sqlite3_free(token);
    token = 0;
    HttpResponse rs;
    long status;
    if (!url) { *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory"); rc = -1; break; }
    char *shown = url_redact(url);
    if (get(j, url, &rs, &status, pzErr)) {
      rc = -1;
    } else if (json_check(db, shown, rs.body, rs.len, pzErr) ||
               json_rows(db,
                         prefixes ? "SELECT value FROM json_each(?1, '$.prefixes')"
                                  : "SELECT json_extract(value, '$.name') FROM json_each(?1, '$.items')",
                         rs.body, rs.len, names_add, out, pzErr) ||
               json_rows(db, "SELECT json_extract(?1, '$.nextPageToken')", rs.body, rs.len, take_first, &token,
                         pzErr)) {
      rc = -1;
    }
    http_response_free(&rs);
    sqlite3_free(url);
    sqlite3_free(shown);
    if (rc || !token || !*token) break;
    for (int k = 0; k < seen.n; k++)
      if (!strcmp(seen.v[k], token)) {
        *pzErr = sqlite3_mprintf("kubevirt-gcs: listing %s: page %d repeats the nextPageToken of page %d "
                                 "(the server's paging loops; stopped)", prefix, page + 1, k + 1);
        rc = -1;
        break;
      }
    if (rc == 0 && names_add(token, &seen) != 0) {
      *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory");
      rc = -1;
    }
    if (rc == 0 && page > 100000) { *pzErr = sqlite3_mprintf("kubevirt-gcs: listing %s does not end", prefix); rc = -1; }
  }
  sqlite3_free(token);
  names_free(&seen);
  return rc;
}

/* ---- one run (worker side) ----------------------------------------------------- */

static int fetch_run(GcsJob *j, sqlite3 *db, GcsRun *r, char **pzErr) {
  char *prefix = sqlite3_mprintf("logs/%s/%lld/", j->job, (long long)r->build_id);
  char *log_obj = sqlite3_mprintf("%sbuild-log.txt", prefix);
  char *url = object_url(j, log_obj, 0);
  char *shown = url_redact(url);
  HttpResponse rs;
  long status;
  int rc = 0;
  Names items = {0, 0, 0};
  if (get(j, url, &rs, &status, pzErr)) {
    if (status == 404) {           /* still running: no build log yet */
      sqlite3_free(*pzErr);
      *pzErr = 0;
      r->skip = 1;
    } else {
      rc = -1;
    }
    http_response_free(&rs);
    goto done;
  }
  if (json_check(db, shown, rs.body, rs.len, pzErr) ||
      json_rows(db, "SELECT json_extract(?1, '$.timeCreated')", rs.body, rs.len, take_first, &r->created, pzErr)) {
    http_response_free(&rs);
    rc = -1;
    goto done;
  }
  http_response_free(&rs);
  double t;
  if (!r->created || perfsql_parse_time(r->created, &t)) {
    *pzErr = sqlite3_mprintf("%s: timeCreated: expected a timestamp", shown);
    rc = -1;
    goto done;
  }
  if (t < j->cutoff) { r->skip = 1; goto done; }

  /* audit files anywhere under artifacts/ */
  char *aprefix = sqlite3_mprintf("%sartifacts/", prefix);
  rc = list_all(j, db, aprefix, 0, "**/*audit-results.json", &items, pzErr);
  sqlite3_free(aprefix);
  if (rc) goto done;
  r->files = sqlite3_malloc64((sqlite3_uint64)(items.n + 1) * sizeof *r->files);
  if (!r->files) { *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory"); rc = -1; goto done; }
  for (int i = 0; i < items.n && rc == 0; i++) {
    const char *b = strrchr(items.v[i], '/');
    const char *res = kv_audit_resource(b ? b + 1 : items.v[i]);
    if (!res) continue;
    char *u = object_url(j, items.v[i], 1);
    GcsFile *f = &r->files[r->nfiles];
    memset(f, 0, sizeof *f);
    f->resource = sqlite3_mprintf("%s", res);
    f->url = url_redact(u);
    if (get(j, u, &rs, &status, pzErr)) rc = -1;
    else { f->body = rs.body; f->len = rs.len; rs.body = 0; }
    http_response_free(&rs);
    sqlite3_free(u);
    r->nfiles++;
  }
  if (rc == 0 && r->nfiles == 0) {
    /* fallback: the regex era's build-log.txt */
    char *u = object_url(j, log_obj, 1);
    GcsFile *f = &r->files[0];
    memset(f, 0, sizeof *f);
    f->url = url_redact(u);
    r->nfiles = 1;
    if (get(j, u, &rs, &status, pzErr)) rc = -1;
    else { f->body = rs.body; f->len = rs.len; rs.body = 0; }
    http_response_free(&rs);
    sqlite3_free(u);
  }
done:
  names_free(&items);
  sqlite3_free(prefix);
  sqlite3_free(log_obj);
  sqlite3_free(url);
  sqlite3_free(shown);
  return rc;
}

static void *worker(void *arg) {
  GcsJob *j = arg;
  sqlite3 *db = 0;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    pthread_mutex_lock(&j->mu);
    if (!j->failed) { j->failed = 1; j->err = sqlite3_mprintf("kubevirt-gcs: cannot open SQLite"); }
    pthread_mutex_unlock(&j->mu);
    sqlite3_close(db);
    return 0;
  }
  for (;;) {
    pthread_mutex_lock(&j->mu);
    int i = j->failed ? j->nruns : j->next++;
    pthread_mutex_unlock(&j->mu);
    if (i >= j->nruns) break;
    char *err = 0;
    int rc = fetch_run(j, db, &j->runs[i], &err);
    pthread_mutex_lock(&j->mu);
    j->done++;
    if (rc && !j->failed) { j->failed = 1; j->err = err; err = 0; }
    if (!j->o->quiet) progress_update("kubevirt-gcs: runs", (uint64_t)j->done, (uint64_t)j->nruns);
    pthread_mutex_unlock(&j->mu);
    sqlite3_free(err);
  }
  sqlite3_close(db);
  return 0;
}

static void runs_free(GcsJob *j) {
  for (int i = 0; i < j->nruns; i++) {
    GcsRun *r = &j->runs[i];
    for (int k = 0; k < r->nfiles; k++) {
      sqlite3_free(r->files[k].resource);
      sqlite3_free(r->files[k].url);
      sqlite3_free(r->files[k].body);
    }
    sqlite3_free(r->files);
    sqlite3_free(r->created);
  }
  sqlite3_free(j->runs);
  j->runs = 0;
  j->nruns = 0;
}

static int already_loaded(sqlite3 *db, const char *job, int64_t id) {
  sqlite3_stmt *st = 0;
  int found = 0;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM kubevirt_run WHERE job = ?1 AND build_id = ?2", -1, &st, 0) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, job, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    found = sqlite3_step(st) == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return found;
}

/* Writes the fetched runs as one load. */
static int write_runs(sqlite3 *db, GcsJob *j, char **pzErr) {
  Sha256 h;
  sha256_init(&h);
  int64_t lo = 0, hi = 0;
  int n = 0;
  for (int i = 0; i < j->nruns; i++) {
    GcsRun *r = &j->runs[i];
    if (r->skip) continue;
    if (!n || r->build_id < lo) lo = r->build_id;
    if (!n || r->build_id > hi) hi = r->build_id;
    n++;
    sha256_update(&h, &r->build_id, sizeof r->build_id);
    sha256_update(&h, r->created, strlen(r->created) + 1);
    for (int k = 0; k < r->nfiles; k++) {
      sha256_update(&h, r->files[k].url, strlen(r->files[k].url) + 1);
      sha256_update(&h, r->files[k].body ? r->files[k].body : "", r->files[k].len);
    }
  }
  char hex[65];
  sha256_hex(&h, hex);
  if (n == 0) {
    if (!j->o->quiet) printf("kubevirt-gcs: %s: no new runs\n", j->job);
    return 0;
  }
  char *bucket_url = url_redact(j->base);
  char *uri = sqlite3_mprintf("%s/%s/logs/%s/#%lld-%lld", bucket_url, j->bucket, j->job, (long long)lo, (long long)hi);
  sqlite3_free(bucket_url);
  PerfsqlLoad ld;
  int st = load_begin(db, "kubevirt-gcs", uri, hex, 0, &ld, pzErr);
  sqlite3_free(uri);
  if (st == LOAD_ERROR) { load_free(&ld); return -1; }
  if (st == LOAD_DUPLICATE) { load_report(&ld, st, j->o->quiet); load_free(&ld); return 0; }
  KvWriter w;
  int rc = kv_writer_open(&w, db, ld.source_id, pzErr);
  for (int i = 0; rc == 0 && i < j->nruns; i++) {
    GcsRun *r = &j->runs[i];
    if (r->skip) continue;
    for (int k = 0; rc == 0 && k < r->nfiles; k++) {
      GcsFile *f = &r->files[k];
      KvDocCtx c;
      memset(&c, 0, sizeof c);
      c.w = &w;
      c.file = f->url;
      c.job = j->job;
      c.build_id = r->build_id;
      c.job_dir_created = r->created;
      c.resource = f->resource;
      if (f->resource) {
        c.origin = "audit";
        rc = kv_load_doc(&c, f->body ? f->body : "", f->len, KV_DOC_RESULT, pzErr);
      } else {
        c.origin = "build-log";
        rc = kv_load_buildlog(&c, f->body ? f->body : "", f->len, pzErr);
      }
    }
  }
  if (rc == 0) rc = kv_writer_flush(&w, pzErr);
  if (rc == 0) kv_writer_count(&w, &ld);
  kv_writer_close(&w);
  if (rc == 0 && load_commit(&ld, pzErr) == 0) load_report(&ld, st, j->o->quiet);
  else rc = -1;
  load_free(&ld);
  return rc;
}

static void http_options(const KvGcsOptions *o, HttpOptions *h) {
  memset(h, 0, sizeof *h);
  h->connect_timeout_s = o->connect_timeout_s;
  h->timeout_s = o->timeout_s;
  h->retries = o->retries;
  h->backoff_ms = o->backoff_ms;
  h->insecure = o->insecure;
  h->cacert = o->cacert;
  h->quiet = o->quiet;
}

static int load_job(sqlite3 *db, const KvGcsOptions *o, KvGauth *auth, const char *job, char **pzErr) {
  GcsJob j;
  memset(&j, 0, sizeof j);
  j.o = o;
  j.job = job;
  j.auth = auth;
  j.base = o->base_url ? o->base_url : KV_GCS_DEFAULT_BASE;
  j.bucket = o->bucket ? o->bucket : "kubevirt-prow";
  http_options(o, &j.http);
  double now = o->now > 0 ? o->now : (double)time(0);
  double since = o->since_s > 0 ? o->since_s : 86400.0;
  j.cutoff = now - since;
  size_t blen = strlen(j.base);
  char *base = sqlite3_mprintf("%.*s", (int)(blen && j.base[blen - 1] == '/' ? blen - 1 : blen), j.base);
  j.base = base;

  sqlite3 *jdb = 0;
  Names pre = {0, 0, 0};
  int rc = 0;
  if (sqlite3_open(":memory:", &jdb) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("kubevirt-gcs: cannot open SQLite");
    rc = -1;
  }
  char *prefix = sqlite3_mprintf("logs/%s/", job);
  if (rc == 0) rc = list_all(&j, jdb, prefix, 1, 0, &pre, pzErr);
  sqlite3_close(jdb);
  size_t plen = strlen(prefix);
  if (rc == 0) {
    j.runs = sqlite3_malloc64((sqlite3_uint64)(pre.n + 1) * sizeof *j.runs);
    if (!j.runs) { *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory"); rc = -1; }
  }
  int nold = 0, nknown = 0;
  for (int i = 0; rc == 0 && i < pre.n; i++) {
    const char *p = pre.v[i];
    size_t n = strlen(p);
    int64_t id;
    if (n <= plen + 1 || strncmp(p, prefix, plen) || p[n - 1] != '/' ||
        kv_parse_build_id(p + plen, n - plen - 1, &id))
      continue;
    if ((double)kv_snowflake_ms(id) / 1000.0 < j.cutoff - 48 * 3600.0) { nold++; continue; }
    if (already_loaded(db, job, id)) { nknown++; continue; }
    memset(&j.runs[j.nruns], 0, sizeof j.runs[0]);
    j.runs[j.nruns++].build_id = id;
  }
  sqlite3_free(prefix);
  names_free(&pre);

  if (rc == 0 && j.nruns > 0) {
    int nt = o->concurrency > 0 ? o->concurrency : 4;
    if (nt > 64) nt = 64;
    if (nt > j.nruns) nt = j.nruns;
    pthread_mutex_init(&j.mu, 0);
    pthread_t th[64];
    int started = 0;
    for (int i = 0; i < nt; i++)
      if (pthread_create(&th[i], 0, worker, &j) == 0) started++;
    if (started == 0) worker(&j);
    for (int i = 0; i < started; i++) pthread_join(th[i], 0);
    pthread_mutex_destroy(&j.mu);
    if (!o->quiet) progress_done();
    if (j.failed) {
      *pzErr = j.err ? j.err : sqlite3_mprintf("kubevirt-gcs: download failed");
      j.err = 0;
      rc = -1;
    }
  }
  if (rc == 0 && !o->quiet)
    fprintf(stderr, "kubevirt-gcs: %s: %d runs to fetch, %d already loaded, %d older than the window\n", job,
            j.nruns, nknown, nold);
  if (rc == 0) rc = write_runs(db, &j, pzErr);
  runs_free(&j);
  sqlite3_free(j.err);
  sqlite3_free(base);
  return rc;
}

int kv_load_gcs(sqlite3 *db, const KvGcsOptions *o, char **pzErr) {
  if (o->njobs == 0) { *pzErr = sqlite3_mprintf("kubevirt-gcs: --job is required"); return -1; }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = 0;
  KvGauth *auth = 0;
  if (o->credentials_file) {
    HttpOptions h;
    http_options(o, &h);
    if (!(auth = kv_gauth_open(o->credentials_file, &h, pzErr))) rc = -1;
  }
  for (int i = 0; rc == 0 && i < o->njobs; i++) rc = load_job(db, o, auth, o->jobs[i], pzErr);
  if (rc == 0 && auth && !o->quiet)
    fprintf(stderr, "kubevirt-gcs: %d access token%s requested with the credentials file\n",
            kv_gauth_requests(auth), kv_gauth_requests(auth) == 1 ? "" : "s");
  kv_gauth_close(auth);
  curl_global_cleanup();
  return rc;
}
