/*
** pt_ollama.c — the optional narrative from a local Ollama server.
**
**  1. POST <base>/api/generate, Content-Type: application/json, body
**     {"model", "prompt", "stream": true, "options": {"temperature": 0.2,
**     "top_p": 0.9, "num_predict": 4000}} built with SQLite's json_object().
**  2. The answer is NDJSON: bytes are appended to a line buffer and split on
**     '\n' (a line may span callbacks, a callback may hold several lines);
**     each complete line is read with SQLite's JSON functions: "response" is
**     appended, "done": true ends the stream, {"error": ...} (which Ollama
**     sends mid-stream with HTTP 200) stops it with that message.
**  3. Errors (-1, *pzErr one line, nothing written): HTTP error status with
**     its {"error"} body quoted (404 "model 'x' not found"), connection
**     failure, an error line, an invalid line, a stream that ends without
**     "done". The caller turns them into a warning: the report never depends
**     on the LLM.
**  4. Timeout: timeout_s for the whole generation (models take minutes).
*/
#include "perftracker.h"
#include "sql_stmt.h"

#include <string.h>

typedef struct Stream {
  sqlite3 *db;
  sqlite3_stmt *line_st;
  PerfsqlBuf line, text;
  char *error;
  int done;
} Stream;

/* Handles one complete NDJSON line. Returns nonzero to stop the transfer. */
static int on_line(Stream *s, const char *p, size_t n) {
  while (n && (p[n - 1] == '\r' || p[n - 1] == ' ')) n--;
  if (n == 0) return 0;
  if (s->done) return 0;   /* ignore anything after done */
  sqlite3_stmt *st = s->line_st;
  sqlite3_reset(st);
  sqlite3_bind_text64(st, 1, p, n, SQLITE_TRANSIENT, SQLITE_UTF8);
  if (sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_int(st, 0)) {
    s->error = sqlite3_mprintf("invalid NDJSON line: %.80s", p);
    return 1;
  }
  if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
    s->error = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 1));
    return 1;
  }
  const unsigned char *resp = sqlite3_column_text(st, 2);
  if (resp) buf_append(&s->text, resp, (size_t)sqlite3_column_bytes(st, 2));
  if (sqlite3_column_int(st, 3)) s->done = 1;
  return 0;
}

static int on_data(const char *p, size_t n, void *ctx) {
  Stream *s = ctx;
  for (size_t i = 0; i < n; i++) {
    if (p[i] != '\n') continue;
    int stop;
    if (s->line.len) {
      buf_append(&s->line, p, i);
      stop = on_line(s, s->line.data, s->line.len);
      s->line.len = 0;
    } else {
      stop = on_line(s, p, i);
    }
    if (stop) return 1;
    p += i + 1;
    n -= i + 1;
    i = (size_t)-1;
  }
  if (n) buf_append(&s->line, p, n);
  return s->line.oom || s->text.oom;
}

int pt_ollama_generate(sqlite3 *db, const char *base, const char *model, const char *prompt, long timeout_s,
                       char **text_out, char **pzErr) {
  *text_out = NULL;
  Stream s;
  memset(&s, 0, sizeof s);
  s.db = db;
  int rc = -1;
  char *body = NULL, *url = NULL, *err = NULL;
  sqlite3_stmt *mk = NULL;
  if (sql_prepare(db,
                  "SELECT json_object('model', ?1, 'prompt', ?2, 'stream', json('true'),"
                  " 'options', json_object('temperature', 0.2, 'top_p', 0.9, 'num_predict', 4000))",
                  &mk, &err) != SQLITE_OK ||
      sql_prepare(db,
                  "SELECT json_valid(?1), ?1 ->> '$.error', ?1 ->> '$.response',"
                  " coalesce(?1 ->> '$.done', 0)",
                  &s.line_st, &err) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("ollama: %s", err);
    sqlite3_free(err);
    err = NULL;
    goto done;
  }
  sql_bind_text(mk, 1, model);
  sql_bind_text(mk, 2, prompt);
  if (sqlite3_step(mk) != SQLITE_ROW) {
    *pzErr = sqlite3_mprintf("ollama: %s", sqlite3_errmsg(db));
    goto done;
  }
  body = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(mk, 0));
  url = sqlite3_mprintf("%s/api/generate", base);
  HttpOptions o;
  memset(&o, 0, sizeof o);
  o.timeout_s = timeout_s > 0 ? timeout_s : 600;
  o.connect_timeout_s = 5;
  o.retries = 0;   /* a generation is not replayed */
  o.quiet = 1;
  HttpRequest rq;
  memset(&rq, 0, sizeof rq);
  rq.url = url;
  rq.method = "POST";
  rq.body = body;
  rq.body_len = strlen(body);
  rq.headers = curl_slist_append(NULL, "Content-Type: application/json");
  rq.on_data = on_data;
  rq.ctx = &s;
  HttpResponse r;
  int hr = http_perform(&o, &rq, &r, &err);
  curl_slist_free_all(rq.headers);
  http_response_free(&r);
  /* a last line without '\n' (also a 4xx {"error": ...} body) */
  if (!s.error && s.line.len && !s.done) {
    if (hr != 0) {
      sqlite3_reset(s.line_st);
      sqlite3_bind_text64(s.line_st, 1, s.line.data, s.line.len, SQLITE_TRANSIENT, SQLITE_UTF8);
      if (sqlite3_step(s.line_st) == SQLITE_ROW && sqlite3_column_type(s.line_st, 1) != SQLITE_NULL)
        s.error = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(s.line_st, 1));
    } else {
      on_line(&s, s.line.data, s.line.len);
    }
  }
  char *shown = url_redact(url);
  if (s.error) {
    *pzErr = r.status >= 400 ? sqlite3_mprintf("%s: HTTP %ld: %s", shown, r.status, s.error)
                             : sqlite3_mprintf("%s: %s", shown, s.error);
  } else if (hr != 0) {
    *pzErr = err;
    err = NULL;
  } else if (!s.done) {
    *pzErr = sqlite3_mprintf("%s: the stream ended before \"done\": true", shown);
  } else if (s.text.oom) {
    *pzErr = sqlite3_mprintf("%s: out of memory", shown);
  } else {
    buf_append(&s.text, "", 0);
    *text_out = s.text.data ? s.text.data : sqlite3_mprintf("");
    s.text.data = NULL;
    rc = 0;
  }
  sqlite3_free(shown);
done:
  sqlite3_finalize(mk);
  sqlite3_finalize(s.line_st);
  buf_free(&s.line);
  buf_free(&s.text);
  sqlite3_free(s.error);
  sqlite3_free(body);
  sqlite3_free(url);
  sqlite3_free(err);
  return rc;
}
