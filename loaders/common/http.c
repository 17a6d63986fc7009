/*
** http.c — the one libcurl client (contract in http.h).
*/
#include "http.h"
#include "load.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct Sink {
  PerfsqlBuf buf;
  size_t max;
  int too_big;
  const HttpRequest *rq;
  int delivered;     /* streaming: bytes were handed to on_data */
  int aborted;       /* on_data asked to stop */
} Sink;

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  Sink *s = ud;
  size_t len = size * n;
  if (s->rq->on_data) {
    s->delivered = 1;
    if (s->rq->on_data(p, len, s->rq->ctx)) {
      s->aborted = 1;
      return 0;
    }
    return len;
  }
  if (s->buf.len + len > s->max) {
    s->too_big = 1;
    return 0;
  }
  buf_append(&s->buf, p, len);
  return s->buf.oom ? 0 : len;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, 0);
}

char *url_redact(const char *url) {
  /* Drop userinfo ("user:pw@") and the values of query parameters whose name
  ** suggests a secret. */
  PerfsqlBuf b = {0};
  const char *scheme = strstr(url, "://");
  const char *p = url;
  if (scheme) {
    const char *host = scheme + 3;
    const char *end = host + strcspn(host, "/?#");
    const char *at = memrchr(host, '@', (size_t)(end - host)); /* the last '@': a password may hold one */
    buf_append(&b, url, (size_t)(host - url));
    p = at ? at + 1 : host;
  }
  const char *q = strchr(p, '?');
  if (!q) {
    buf_append(&b, p, strlen(p));
  } else {
    buf_append(&b, p, (size_t)(q - p) + 1);
    const char *s = q + 1;
    while (*s) {
      size_t n = strcspn(s, "&#");
      const char *eq = memchr(s, '=', n);
      size_t keylen = eq ? (size_t)(eq - s) : n;
      char key[64] = {0};
      snprintf(key, sizeof key, "%.*s", (int)(keylen < 63 ? keylen : 63), s);
      for (char *k = key; *k; k++) *k = (char)(*k | 0x20);
      int secret = strstr(key, "token") || strstr(key, "key") || strstr(key, "secret") ||
                   strstr(key, "pass") || strstr(key, "auth") || strstr(key, "sig");
      if (secret && eq && strcmp(key, "pagetoken") != 0) {
        buf_append(&b, s, keylen + 1);
        buf_append(&b, "...", 3);
      } else {
        buf_append(&b, s, n);
      }
      s += n;
      if (*s) buf_append(&b, s++, 1);
    }
  }
  if (!b.data) buf_append(&b, "", 0);
  return b.data;
}

char *url_escape(const char *s) {
  PerfsqlBuf b = {0};
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~')
      buf_append(&b, s, 1);
    else
      buf_appendf(&b, "%%%02X", c);
  }
  if (!b.data) buf_append(&b, "", 0);
  return b.data;
}

static int retryable_curl(CURLcode c) {
  return c == CURLE_OPERATION_TIMEDOUT || c == CURLE_COULDNT_CONNECT || c == CURLE_PARTIAL_FILE ||
         c == CURLE_RECV_ERROR || c == CURLE_SEND_ERROR || c == CURLE_GOT_NOTHING ||
         c == CURLE_COULDNT_RESOLVE_HOST;
}

int http_perform(const HttpOptions *o, const HttpRequest *rq, HttpResponse *rs, char **pzErr) {
  static const HttpOptions defaults = {0, 0, -1, 0, 0, 0, 0, 0};
  if (!o) o = &defaults;
  long connect_to = o->connect_timeout_s > 0 ? o->connect_timeout_s : 10;
  long total_to = o->timeout_s > 0 ? o->timeout_s : 60;
  int retries = o->retries < 0 ? 3 : o->retries;
  long backoff = o->backoff_ms > 0 ? o->backoff_ms : 500;
  size_t max = o->max_bytes ? o->max_bytes : LOAD_MAX_DOCUMENT;
  memset(rs, 0, sizeof *rs);
  char *shown = url_redact(rq->url);
  static int global_init = 0;
  if (!global_init) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    global_init = 1;
  }
  int result = -1;
  for (int attempt = 0;; attempt++) {
    CURL *c = curl_easy_init();
    if (!c) {
      *pzErr = sqlite3_mprintf("%s: cannot initialise libcurl", shown);
      break;
    }
    Sink sink = {{0}, max, 0, rq, 0, 0};
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_mime *mime = 0;
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_to);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, total_to);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "perfsql/" PERFSQL_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
    if (o->cacert) curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
    if (rq->headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, rq->headers);
    if (rq->build_mime) {
      mime = rq->build_mime(c, rq->ctx);
      curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    } else if (rq->body) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
    }
    if (rq->method) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (mime) curl_mime_free(mime);

    char *why = 0;
    int again = 0;
    if (cc == CURLE_OK && status >= 200 && status < 300) {
      rs->status = status;
      rs->body = sink.buf.data;
      rs->len = sink.buf.len;
      if (!rs->body && !rq->on_data) rs->body = sqlite3_mprintf("");
      result = 0;
      break;
    } else if (sink.too_big) {
      why = sqlite3_mprintf("response larger than %llu bytes", (unsigned long long)max);
    } else if (sink.aborted) {
      why = sqlite3_mprintf("transfer stopped by the reader");
    } else if (cc != CURLE_OK) {
      why = sqlite3_mprintf("%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
      again = retryable_curl(cc);
    } else {
      why = sqlite3_mprintf("HTTP %ld", status);
      again = status >= 500 || status == 429;
    }
    if (sink.delivered) again = 0; /* a stream cannot be replayed */
    if (again && attempt < retries) {
      long wait = backoff << attempt;
      if (!o->quiet)
        fprintf(stderr, "perfsql: %s: %s; retrying in %ld ms (attempt %d of %d)\n", shown, why, wait,
                attempt + 2, retries + 1);
      sqlite3_free(why);
      buf_free(&sink.buf);
      sleep_ms(wait);
      continue;
    }
    rs->status = status;
    rs->body = sink.buf.data;
    rs->len = sink.buf.len;
    *pzErr = attempt ? sqlite3_mprintf("%s: %s (after %d attempts)", shown, why, attempt + 1)
                     : sqlite3_mprintf("%s: %s", shown, why);
    sqlite3_free(why);
    break;
  }
  sqlite3_free(shown);
  return result;
}

int http_get(const HttpOptions *o, const char *url, HttpResponse *rs, char **pzErr) {
  HttpRequest rq = {0};
  rq.url = url;
  return http_perform(o, &rq, rs, pzErr);
}

void http_response_free(HttpResponse *rs) {
  sqlite3_free(rs->body);
  rs->body = 0;
  rs->len = 0;
}
