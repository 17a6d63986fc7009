/*
** kv_gauth.c — Google service-account credentials for `load kubevirt-gcs
** --credentials-file FILE` (what perf-report-creator's --credentials-file
** does through the Go client): the OAuth 2.0 JWT bearer flow (RFC 7523).
**
**  1. FILE is a service-account key JSON ("type": "service_account",
**     client_email, private_key (PEM), private_key_id, token_uri), read with
**     SQLite's JSON functions on a private :memory: connection.
**  2. Token: a JWT {"alg":"RS256","typ":"JWT","kid":private_key_id} .
**     {"iss": client_email, "scope": devstorage.read_only, "aud": token_uri,
**     "iat": now, "exp": now + 3600}, signed RSASSA-PKCS1-v1_5 SHA-256 with
**     libcrypto (EVP_DigestSign), POSTed to token_uri as
**     grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT;
**     the answer's access_token is sent as "Authorization: Bearer" on every
**     GCS request.
**  3. Cache: one token per process, kept for its lifetime (expires_in) and
**     fetched again when less than 60 s of it are left (one mutex: the
**     download threads share it). Nothing is written to disk or the database.
**  4. Secrets: the key, the JWT and the token never appear in messages (the
**     http layer redacts Authorization headers); the key is wiped on close.
**  5. Errors: "<file>: <what>" for the key file, "<token_uri>: token request
**     failed: <HTTP status> <error>: <error_description>" for the endpoint.
*/
#include "kubevirt.h"
#include "common/http.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#define KV_GAUTH_SCOPE "https://www.googleapis.com/auth/devstorage.read_only"
#define KV_GAUTH_TOKEN_URI "https://oauth2.googleapis.com/token"
#define KV_GAUTH_MARGIN_S 60

struct KvGauth {
  char *file, *email, *key_id, *token_uri, *pem;
  HttpOptions http;
  sqlite3 *jdb;               /* JSON reading */
  char *token;                /* current access token, NULL when none */
  double expires;             /* unix seconds */
  int requests;               /* token requests made */
  pthread_mutex_t mu;
};

/* One text value of a JSON document (sqlite3_malloc'd, NULL when absent or not text). */
static char *json_text(sqlite3 *db, const char *doc, size_t len, const char *path) {
  sqlite3_stmt *st = 0;
  char *out = 0;
  if (sqlite3_prepare_v2(db, "SELECT CASE WHEN json_type(?1, ?2) = 'text' THEN json_extract(?1, ?2) END", -1, &st,
                         0) != SQLITE_OK)
    return 0;
  sqlite3_bind_text64(st, 1, doc, len, SQLITE_STATIC, SQLITE_UTF8);
  sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
    out = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

static void wipe_free(char *s) {
  if (s) OPENSSL_cleanse(s, strlen(s));
  sqlite3_free(s);
}

void kv_gauth_close(KvGauth *a) {
  if (!a) return;
  char *const plain[] = {a->file, a->email, a->key_id, a->token_uri}, *const secret[] = {a->pem, a->token};
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) sqlite3_free(plain[i]);
  for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) wipe_free(secret[i]);
  if (a->jdb) sqlite3_close(a->jdb);
  pthread_mutex_destroy(&a->mu);
  sqlite3_free(a);
}

KvGauth *kv_gauth_open(const char *path, const HttpOptions *http, char **pzErr) {
  KvGauth *a = sqlite3_malloc64(sizeof *a);
  if (!a) { *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory"); return 0; }
  memset(a, 0, sizeof *a);
  pthread_mutex_init(&a->mu, 0);
  a->http = *http;
  a->file = sqlite3_mprintf("%s", path);
  size_t len = 0;
  char *doc = 0, *err = 0;
  if (read_file_all(path, (size_t)1 << 20, &doc, &len, &err) != 0) {   /* a key file is a few KiB */
    *pzErr = err ? sqlite3_mprintf("%s (cannot read the credentials file)", err)
                 : sqlite3_mprintf("%s: cannot read the credentials file", path);
    sqlite3_free(err);
    kv_gauth_close(a);
    return 0;
  }
  if (sqlite3_open(":memory:", &a->jdb) != SQLITE_OK || !kv_json_is_object(a->jdb, doc, len)) {
    *pzErr = sqlite3_mprintf("%s: not a JSON object (expected a service-account key file)", path);
    wipe_free(doc);
    kv_gauth_close(a);
    return 0;
  }
  char *type = json_text(a->jdb, doc, len, "$.type");
  a->email = json_text(a->jdb, doc, len, "$.client_email");
  a->key_id = json_text(a->jdb, doc, len, "$.private_key_id");
  a->token_uri = json_text(a->jdb, doc, len, "$.token_uri");
  a->pem = json_text(a->jdb, doc, len, "$.private_key");
  wipe_free(doc);
  int bad = 0;
  if (!type || strcmp(type, "service_account")) {
    *pzErr = sqlite3_mprintf("%s: \"type\" is %s%s%s, expected \"service_account\" (a service-account key file)",
                             path, type ? "\"" : "", type ? type : "missing", type ? "\"" : "");
    bad = 1;
  } else if (!a->email || !*a->email) {
    *pzErr = sqlite3_mprintf("%s: \"client_email\" is missing", path);
    bad = 1;
  } else if (!a->pem || !strstr(a->pem, "PRIVATE KEY-----")) {
    *pzErr = sqlite3_mprintf("%s: \"private_key\" is missing or not a PEM private key", path);
    bad = 1;
  }
  sqlite3_free(type);
  if (!bad && !a->token_uri) a->token_uri = sqlite3_mprintf("%s", KV_GAUTH_TOKEN_URI);
  if (bad) { kv_gauth_close(a); return 0; }
  return a;
}

/* base64url without padding (RFC 7515) of n bytes; sqlite3_malloc'd. */
static char *b64url(const unsigned char *p, size_t n) {
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char *out = sqlite3_malloc64(n / 3 * 4 + 5);
  if (!out) return 0;
  size_t o = 0, i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
    out[o++] = tab[v >> 18 & 63]; out[o++] = tab[v >> 12 & 63]; out[o++] = tab[v >> 6 & 63]; out[o++] = tab[v & 63];
  }
  if (n - i == 1) {
    unsigned v = (unsigned)p[i] << 16;
    out[o++] = tab[v >> 18 & 63]; out[o++] = tab[v >> 12 & 63];
  } else if (n - i == 2) {
    unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
    out[o++] = tab[v >> 18 & 63]; out[o++] = tab[v >> 12 & 63]; out[o++] = tab[v >> 6 & 63];
  }
  out[o] = 0;
  return out;
}

/* JSON object text built by SQLite (escaping done right); sqlite3_malloc'd. */
static char *json_build(sqlite3 *db, const char *sql, const char *a1, const char *a2, const char *a3,
                        sqlite3_int64 iat) {
  sqlite3_stmt *st = 0;
  char *out = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) return 0;
  sqlite3_bind_text(st, 1, a1, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, a2, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, a3, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, iat);
  if (sqlite3_step(st) == SQLITE_ROW) out = sqlite3_mprintf("%s", sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

/* The signed JWT assertion (sqlite3_malloc'd) or NULL with *pzErr. */
static char *make_jwt(KvGauth *a, sqlite3_int64 now, char **pzErr) {
  char *hdr = json_build(a->jdb, "SELECT json_object('alg', 'RS256', 'typ', 'JWT', 'kid', ?1)", a->key_id, 0, 0, 0);
  char *claims = json_build(a->jdb,
                            "SELECT json_object('iss', ?1, 'scope', ?2, 'aud', ?3, 'iat', ?4, 'exp', ?4 + 3600)",
                            a->email, KV_GAUTH_SCOPE, a->token_uri, now);
  char *h64 = hdr ? b64url((const unsigned char *)hdr, strlen(hdr)) : 0;
  char *c64 = claims ? b64url((const unsigned char *)claims, strlen(claims)) : 0;
  sqlite3_free(hdr);
  sqlite3_free(claims);
  char *input = h64 && c64 ? sqlite3_mprintf("%s.%s", h64, c64) : 0;
  sqlite3_free(h64);
  sqlite3_free(c64);
  if (!input) { *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory"); return 0; }
  char *jwt = 0;
  BIO *bio = BIO_new_mem_buf(a->pem, -1);
  EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey(bio, 0, 0, 0) : 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned char *sig = 0;
  size_t siglen = 0;
  if (!pkey || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
    *pzErr = sqlite3_mprintf("%s: \"private_key\" is not an RSA private key", a->file);
  } else if (!ctx || EVP_DigestSignInit(ctx, 0, EVP_sha256(), 0, pkey) != 1 ||
             EVP_DigestSign(ctx, 0, &siglen, (const unsigned char *)input, strlen(input)) != 1 ||
             !(sig = sqlite3_malloc64(siglen)) ||
             EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)input, strlen(input)) != 1) {
    *pzErr = sqlite3_mprintf("%s: cannot sign the token request with the key (libcrypto)", a->file);
  } else {
    char *s64 = b64url(sig, siglen);
    jwt = s64 ? sqlite3_mprintf("%s.%s", input, s64) : 0;
    sqlite3_free(s64);
    if (!jwt) *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory");
  }
  sqlite3_free(sig);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  BIO_free(bio);
  sqlite3_free(input);
  return jwt;
}

/* Exchanges a fresh JWT for an access token; a->mu held. */
static int fetch_token(KvGauth *a, double now, char **pzErr) {
  char *jwt = make_jwt(a, (sqlite3_int64)now, pzErr);
  if (!jwt) return -1;
  char *body = sqlite3_mprintf("grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Ajwt-bearer&assertion=%s",
                               jwt);
  wipe_free(jwt);
  struct curl_slist *hs = curl_slist_append(0, "Content-Type: application/x-www-form-urlencoded");
  HttpRequest rq;
  memset(&rq, 0, sizeof rq);
  rq.method = "POST";
  rq.url = a->token_uri;
  rq.headers = hs;
  rq.body = body;
  rq.body_len = body ? strlen(body) : 0;
  HttpResponse rs;
  memset(&rs, 0, sizeof rs);
  char *err = 0;
  a->requests++;
  int rc = body ? http_perform(&a->http, &rq, &rs, &err) : -1;
  curl_slist_free_all(hs);
  wipe_free(body);
  char *red = url_redact(a->token_uri);
  if (rc != 0) {
    char *e = rs.body ? json_text(a->jdb, rs.body, rs.len, "$.error") : 0;
    char *d = rs.body ? json_text(a->jdb, rs.body, rs.len, "$.error_description") : 0;
    if (rs.status)
      *pzErr = sqlite3_mprintf("%s: token request failed: HTTP %ld%s%s%s%s", red, rs.status, e ? " " : "", e ? e : "",
                               d ? ": " : "", d ? d : "");
    else
      *pzErr = sqlite3_mprintf("token request failed: %s", err ? err : "no answer");
    sqlite3_free(e);
    sqlite3_free(d);
    sqlite3_free(err);
    sqlite3_free(red);
    http_response_free(&rs);
    return -1;
  }
  sqlite3_free(err);
  char *tok = kv_json_is_object(a->jdb, rs.body, rs.len) ? json_text(a->jdb, rs.body, rs.len, "$.access_token") : 0;
  double ttl = 0;
  sqlite3_stmt *st = 0;
  if (tok && sqlite3_prepare_v2(a->jdb, "SELECT json_extract(?1, '$.expires_in')", -1, &st, 0) == SQLITE_OK) {
    sqlite3_bind_text64(st, 1, rs.body, rs.len, SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) ttl = sqlite3_column_double(st, 0);
  }
  sqlite3_finalize(st);
  if (rs.body) OPENSSL_cleanse(rs.body, rs.len);
  http_response_free(&rs);
  if (!tok || !*tok) {
    *pzErr = sqlite3_mprintf("%s: token response without access_token", red);
    sqlite3_free(red);
    wipe_free(tok);
    return -1;
  }
  sqlite3_free(red);
  wipe_free(a->token);
  a->token = tok;
  a->expires = now + (ttl > 0 ? ttl : 3600);
  return 0;
}

int kv_gauth_header(KvGauth *a, char **header, char **pzErr) {
  double now = (double)time(0);
  pthread_mutex_lock(&a->mu);
  int rc = 0;
  if (!a->token || a->expires - now < KV_GAUTH_MARGIN_S) rc = fetch_token(a, now, pzErr);
  if (rc == 0) {
    *header = sqlite3_mprintf("Authorization: Bearer %s", a->token);
    if (!*header) { *pzErr = sqlite3_mprintf("kubevirt-gcs: out of memory"); rc = -1; }
  }
  pthread_mutex_unlock(&a->mu);
  return rc;
}

int kv_gauth_requests(KvGauth *a) { return a ? a->requests : 0; }
