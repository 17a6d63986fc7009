/*
** perftracker.h — PerfTracker loaders and client (loaders/perftracker/).
**
** Readers of the two JSON shapes a PerfTracker job comes in (the server's
** `?as_json=1` export and a client upload body), the job-list reader used by
** auto-discovery, the REST client (list, download, artifact upload) and the
** Ollama client used for the optional narrative. JSON is read only through
** SQLite's JSON functions; see each .c file for its contract.
*/
#ifndef PERFSQL_PERFTRACKER_H
#define PERFSQL_PERFTRACKER_H

#include "common/http.h"
#include "common/load.h"

/* Source kinds written by these loaders. */
#define PT_KIND_JOB "perftracker-job"
#define PT_KIND_LIST "perftracker-list"

/* ---- pt_job_load.c ------------------------------------------------------ */

/* Loads one job document (as_json export or client upload body) as one load
** transaction. uri names it in messages and in `source`; server is the base
** URL it came from (NULL for a file). On success *job_out = pt_job.id (also
** for a duplicate: the job of the earlier load) and returns LOAD_NEW or
** LOAD_DUPLICATE; on error returns LOAD_ERROR with *pzErr = one line
** "<uri>:<position>: <what>" and the database unchanged. */
int pt_load_job_text(sqlite3 *db, const char *uri, const char *server, const char *text, size_t len,
                     int replace, int quiet, sqlite3_int64 *job_out, char **pzErr);

/* Loads job-list pages (GET /api/v1.0/<pid>/job/ bodies) into pt_listed_job
** as one load of kind PT_KIND_LIST. Same error contract. */
int pt_load_listing(sqlite3 *db, const char *uri, const char *server, int project_id,
                    char *const *pages, const size_t *lens, int npages, int quiet, char **pzErr);

/* ---- pt_json_where.c ---------------------------------------------------- */

/* Byte offset of the first JSON syntax error in text (len if the text ends too
** early), or (size_t)-1 when the text is syntactically valid JSON. */
size_t pt_json_error_offset(const char *text, size_t len);

/* ---- pt_client.c -------------------------------------------------------- */

typedef struct PtServer {
  const char *base;          /* "http://host:port" without trailing slash */
  int project;               /* project id (default 1) */
  HttpOptions http;
  int quiet;
} PtServer;

/* Pages through GET /api/v1.0/<pid>/job/ (ordered by end desc, `length` per
** page, at most max_jobs rows) and loads every page into pt_listed_job.
** Returns 0, or -1 with *pzErr. */
int pt_fetch_listing(sqlite3 *db, const PtServer *s, int page_len, int max_jobs, char **pzErr);
/* Downloads GET /<pid>/job/<id>?as_json=1 and loads it. Returns LOAD_NEW /
** LOAD_DUPLICATE with *job_out, or LOAD_ERROR with *pzErr. */
int pt_fetch_job(sqlite3 *db, const PtServer *s, sqlite3_int64 job_id, int replace,
                 sqlite3_int64 *job_out, char **pzErr);
/* Multipart POST /api/v1.0/<pid>/artifact/<uuid> (fields: file, filename,
** description, mime, ttl_days, inline, linked_uuids = [linked_uuid]). On
** success *url_out = "<base>/<pid>/artifact_content/<uuid>" (sqlite3_malloc'd). */
int pt_upload_artifact(const PtServer *s, const char *artifact_uuid, const char *path,
                       const char *filename, const char *description, const char *mime,
                       int ttl_days, const char *linked_uuid, char **url_out, char **pzErr);
/* A random RFC 4122 version-4 uuid, lowercase canonical form. */
void pt_uuid4(char out[37]);

/* ---- pt_ollama.c -------------------------------------------------------- */

/* POST <base>/api/generate with stream:true; concatenates every NDJSON line's
** "response" until "done":true. Returns 0 with *text_out (sqlite3_malloc'd),
** or -1 with *pzErr (HTTP error body, an {"error":...} line, a stream that
** ends without done, a bad line). db is any open connection (used only to
** read JSON with SQLite's functions). */
int pt_ollama_generate(sqlite3 *db, const char *base, const char *model, const char *prompt,
                       long timeout_s, char **text_out, char **pzErr);

/* The first column of a one-row query with ?1 bound to text (a JSON document,
** read with SQLite's JSON functions), as an sqlite3_malloc'd string; NULL when
** the value is NULL, there is no row or the query fails. */
char *pt_query_text(sqlite3 *db, const char *sql, const char *text, size_t len);

#endif
