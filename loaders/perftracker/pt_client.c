/*
** pt_client.c — the PerfTracker REST client: job list, job download,
** artifact upload. Every request goes through loaders/common/http.h
** (timeouts, retries with backoff on 5xx/timeouts, TLS verified unless the
** caller set insecure explicitly, credentials never printed or stored).
**
**  1. Job list: GET <base>/api/v1.0/<pid>/job/?start=S&length=L
**     &order[0][column]=2&order[0][dir]=desc&draw=N, paging until
**     recordsFiltered rows, an empty page, or max_jobs rows. No search
**     parameter: the server's search matches only title and suite_ver, so
**     product_name is filtered by the pt_comparable_jobs view instead. All
**     pages are loaded as one load (PT_KIND_LIST).
**  2. Job: GET <base>/<pid>/job/<id>?as_json=1 (the HTML route's JSON
**     export: raw floats; the /api/ test list rounds them to "24.0K"),
**     loaded with pt_load_job_text().
**  3. Artifact: multipart POST <base>/api/v1.0/<pid>/artifact/<uuid> with
**     the fields the server reads (file, filename, description, mime,
**     ttl_days, inline, linked_uuids = JSON list with the job uuid — the
**     upstream tool's `links` field is ignored by the server). A 4xx/5xx
**     answer's {"message": ...} is quoted in the error.
**  4. Errors: one line "<redacted url>: <what>"; the database is unchanged
**     by a failed download (the load is one transaction).
*/
#include "perftracker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pt_fetch_listing(sqlite3 *db, const PtServer *s, int page_len, int max_jobs, char **pzErr) {
  if (page_len <= 0 || page_len > 5000) page_len = 500;   /* the server caps length at 5000 */
  char **pages = NULL;
  size_t *lens = NULL;
  int npages = 0, rc = -1;
  long long start = 0, filtered = -1;
  char *list_url = sqlite3_mprintf("%s/api/v1.0/%d/job/", s->base, s->project);
  for (;;) {
    char *url = sqlite3_mprintf("%s?start=%lld&length=%d&order%%5B0%%5D%%5Bcolumn%%5D=2"
                                "&order%%5B0%%5D%%5Bdir%%5D=desc&draw=%d",
                                list_url, start, page_len, npages + 1);
    HttpResponse r;
    int ok = http_get(&s->http, url, &r, pzErr);
    sqlite3_free(url);
    if (ok != 0) {
      http_response_free(&r);
      goto done;
    }
    char **np = sqlite3_realloc64(pages, (sqlite3_uint64)(npages + 1) * sizeof *pages);
    size_t *nl = np ? sqlite3_realloc64(lens, (sqlite3_uint64)(npages + 1) * sizeof *lens) : NULL;
    if (np) pages = np;
    if (nl) lens = nl;
    if (!np || !nl) {
      http_response_free(&r);
      *pzErr = sqlite3_mprintf("out of memory");
      goto done;
    }
    pages[npages] = r.body;
    lens[npages] = r.len;
    npages++;
    char *rows = pt_query_text(db, "SELECT CASE WHEN json_valid(?1) THEN json_array_length(?1, '$.data') END",
                               r.body, r.len);
    char *total = pt_query_text(db, "SELECT CASE WHEN json_valid(?1) THEN ?1 ->> '$.recordsFiltered' END",
                                r.body, r.len);
    long long nrows = rows ? atoll(rows) : 0;
    if (total) filtered = atoll(total);
    sqlite3_free(rows);
    sqlite3_free(total);
    if (!s->quiet) progress_update("job list", (uint64_t)(start + nrows), filtered > 0 ? (uint64_t)filtered : 0);
    start += nrows;
    if (nrows <= 0 || (filtered >= 0 && start >= filtered) || start >= max_jobs) break;
  }
  if (!s->quiet) progress_done();
  {
    char *uri = url_redact(list_url);
    char *server = url_redact(s->base);
    int st = pt_load_listing(db, uri, server, s->project, pages, lens, npages, s->quiet, pzErr);
    sqlite3_free(uri);
    sqlite3_free(server);
    rc = st == LOAD_ERROR ? -1 : 0;
  }
done:
  for (int i = 0; i < npages; i++) sqlite3_free(pages[i]);
  sqlite3_free(pages);
  sqlite3_free(lens);
  sqlite3_free(list_url);
  return rc;
}

int pt_fetch_job(sqlite3 *db, const PtServer *s, sqlite3_int64 job_id, int replace, sqlite3_int64 *job_out,
                 char **pzErr) {
  char *url = sqlite3_mprintf("%s/%d/job/%lld?as_json=1", s->base, s->project, job_id);
  HttpResponse r;
  int st = LOAD_ERROR;
  if (http_get(&s->http, url, &r, pzErr) == 0) {
    char *uri = url_redact(url);
    char *server = url_redact(s->base);
    st = pt_load_job_text(db, uri, server, r.body, r.len, replace, s->quiet, job_out, pzErr);
    sqlite3_free(uri);
    sqlite3_free(server);
  }
  http_response_free(&r);
  sqlite3_free(url);
  return st;
}

/* ---- artifact upload ----------------------------------------------------- */

typedef struct UploadForm {
  const char *path, *filename, *description, *mime, *linked_json;
  char ttl[32];
} UploadForm;

static void add_field(curl_mime *m, const char *name, const char *value) {
  curl_mimepart *p = curl_mime_addpart(m);
  curl_mime_name(p, name);
  curl_mime_data(p, value, CURL_ZERO_TERMINATED);
}

static curl_mime *build_upload(CURL *curl, void *ctx) {
  UploadForm *f = ctx;
  curl_mime *m = curl_mime_init(curl);
  curl_mimepart *p = curl_mime_addpart(m);
  curl_mime_name(p, "file");
  curl_mime_filedata(p, f->path);
  curl_mime_filename(p, f->filename);
  curl_mime_type(p, f->mime);
  add_field(m, "filename", f->filename);
  add_field(m, "description", f->description);
  add_field(m, "mime", f->mime);
  add_field(m, "ttl_days", f->ttl);
  add_field(m, "inline", "true");
  add_field(m, "linked_uuids", f->linked_json);
  return m;
}

void pt_uuid4(char out[37]) {
  unsigned char b[16];
  FILE *f = fopen("/dev/urandom", "rb");
  size_t got = f ? fread(b, 1, sizeof b, f) : 0;
  if (f) fclose(f);
  if (got != sizeof b) sqlite3_randomness((int)sizeof b, b);
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
           b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

int pt_upload_artifact(const PtServer *s, const char *artifact_uuid, const char *path, const char *filename,
                       const char *description, const char *mime, int ttl_days, const char *linked_uuid,
                       char **url_out, char **pzErr) {
  *url_out = NULL;
  UploadForm f = {path, filename, description, mime, NULL, {0}};
  snprintf(f.ttl, sizeof f.ttl, "%d", ttl_days);
  char *linked = sqlite3_mprintf("[\"%s\"]", linked_uuid);   /* uuids are [0-9a-f-] only */
  f.linked_json = linked;
  char *url = sqlite3_mprintf("%s/api/v1.0/%d/artifact/%s", s->base, s->project, artifact_uuid);
  HttpRequest rq;
  memset(&rq, 0, sizeof rq);
  rq.url = url;
  rq.method = "POST";
  rq.build_mime = build_upload;
  rq.ctx = &f;
  HttpResponse r;
  char *err = NULL;
  int rc = http_perform(&s->http, &rq, &r, &err);
  if (rc != 0) {
    /* quote the server's {"message": ...} (400: bad field, 501: artifacts not configured) */
    char *msg = NULL;
    if (r.body && r.len) {
      sqlite3 *mem = NULL;
      if (sqlite3_open(":memory:", &mem) == SQLITE_OK)
        msg = pt_query_text(mem, "SELECT CASE WHEN json_valid(?1) THEN ?1 ->> '$.message' END", r.body, r.len);
      sqlite3_close(mem);
    }
    *pzErr = msg ? sqlite3_mprintf("%s: %s", err, msg) : err;
    if (msg) sqlite3_free(err);
    sqlite3_free(msg);
  } else {
    *url_out = sqlite3_mprintf("%s/%d/artifact_content/%s", s->base, s->project, artifact_uuid);
    char *shown = url_redact(*url_out);
    sqlite3_free(*url_out);
    *url_out = shown;
  }
  http_response_free(&r);
  sqlite3_free(url);
  sqlite3_free(linked);
  return rc;
}
