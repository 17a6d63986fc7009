/*
** http.h — one libcurl client for every network loader.
**
**  1. Timeouts: connect_timeout_s (default 10) and timeout_s for the whole
**     transfer (default 60), plus a low-speed abort (1 byte/s for timeout_s).
**  2. Retries: up to `retries` more attempts (default 3) on HTTP 5xx/429,
**     timeouts, connection failures and truncated bodies, sleeping
**     backoff_ms * 2^attempt (default 500 ms) between attempts. 4xx is final.
**  3. TLS: peer and host verification always on, unless insecure=1 (the CLI
**     prints a warning when it is set); cacert names a CA bundle.
**  4. Credentials: userinfo in URLs and Authorization headers never reach
**     messages; url_redact() gives the printable/storable form of a URL.
**  5. Bodies are capped at max_bytes (default 1 GiB) — larger is an error.
** Errors: "<redacted url>: <what>" (HTTP status, curl's message, attempts).
*/
#ifndef PERFSQL_HTTP_H
#define PERFSQL_HTTP_H

#include <stddef.h>
#include <curl/curl.h>

typedef struct HttpOptions {
  long connect_timeout_s;   /* 0 -> 10 */
  long timeout_s;           /* 0 -> 60 */
  int retries;              /* -1 -> 3; 0 = no retry */
  long backoff_ms;          /* 0 -> 500 */
  int insecure;             /* disable TLS verification (explicit flag only) */
  const char *cacert;       /* CA bundle path or NULL */
  size_t max_bytes;         /* 0 -> 1 GiB */
  int quiet;                /* do not print retry notices on stderr */
} HttpOptions;

typedef struct HttpRequest {
  const char *method;                /* NULL -> GET (or POST when body/mime set) */
  const char *url;
  struct curl_slist *headers;        /* extra headers, may be NULL */
  const char *body; size_t body_len; /* request body, may be NULL */
  /* Called on every attempt to attach a multipart form (curl_mime owned by caller of
  ** the callback: it is freed after the attempt). May be NULL. */
  curl_mime *(*build_mime)(CURL *curl, void *ctx);
  void *ctx;
  /* Streaming: when set, called with each received chunk instead of buffering.
  ** Return nonzero to abort. Retries are not attempted once data was delivered. */
  int (*on_data)(const char *p, size_t n, void *ctx);
} HttpRequest;

typedef struct HttpResponse {
  long status;
  char *body;      /* NUL-terminated, sqlite3_malloc'd (NULL when streamed) */
  size_t len;
} HttpResponse;

/* Performs the request with retries. Returns 0 for a 2xx response; otherwise -1
** with *pzErr set (the response, if any, is still in *rs for 4xx bodies). */
int http_perform(const HttpOptions *o, const HttpRequest *rq, HttpResponse *rs, char **pzErr);
int http_get(const HttpOptions *o, const char *url, HttpResponse *rs, char **pzErr);
void http_response_free(HttpResponse *rs);

/* "https://user:pw@host/p?token=x" -> "https://host/p?token=..." (sqlite3_malloc'd). */
char *url_redact(const char *url);
/* Percent-encodes s for use in a query string (sqlite3_malloc'd). */
char *url_escape(const char *s);

#endif
