/*
** remote_fetch.c — lists and reads the files of a result tree, local or remote.
**
**  1. Local roots: a folder, walked recursively (regular files only; symlinks to files
**     are followed, symlinked folders are not, so a loop cannot hang the walk).
**  2. sftp://[user@]host[:port]/path roots go through libcurl's SFTP (libssh2): one
**     handle for the whole tree so the SSH session is reused; authentication by the
**     --key private key (its .pub beside it when present) or ssh-agent; the server's
**     host key is checked against known_hosts (--known-hosts, default
**     ~/.ssh/known_hosts) and an unknown or different key is refused — never accepted
**     or added. Connect timeout 10 s, transfer timeout timeout_s, 3 retries with
**     backoff on connection failures.
**  3. If libcurl has no SFTP (or transport "scp" is asked for), the tree is copied with
**     the system `scp -r` (BatchMode, StrictHostKeyChecking=yes, the same known_hosts
**     and key) into a private temporary folder, read as a local tree, and removed on
**     close. No shell is involved: arguments go to execvp as they are.
**  4. No password is ever accepted in the URL (an error says so); displayed and stored
**     names carry user@host but no secret.
**  5. Errors: "<root or file>: <what>" (sqlite3_malloc'd *pzErr).
*/
#include "remote_fetch.h"
#include "common/load.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct RemoteTree {
  char *root;            /* local folder, or the URL without trailing '/' */
  char *uri;             /* what is displayed/stored */
  const char *transport; /* "local" | "sftp" | "scp" */
  CURL *curl;
  char *key, *pubkey, *known_hosts;
  long timeout_s;
  int quiet;
  char *tmpdir;          /* scp copy, removed on close */
  char *key_problem;     /* why the sftp host-key check refused the server's key */
};

int remote_curl_has_sftp(void) {
  curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
  for (const char *const *p = v->protocols; p && *p; p++)
    if (strcmp(*p, "sftp") == 0) return 1;
  return 0;
}

/* ---- URL pieces ------------------------------------------------------------ */
typedef struct SftpUrl { char user[128], host[256], port[16], path[2048]; } SftpUrl;

static int sftp_url_parse(const char *url, SftpUrl *u, char **pzErr) {
  memset(u, 0, sizeof *u);
  const char *p = url + 7;     /* after sftp:// */
  const char *slash = strchr(p, '/');
  if (!slash) { *pzErr = sqlite3_mprintf("%s: the URL needs a path (sftp://user@host/path)", url); return -1; }
  const char *at = memchr(p, '@', (size_t)(slash - p));
  const char *hp = p;
  if (at) {
    size_t un = (size_t)(at - p);
    if (memchr(p, ':', un)) {
      *pzErr = sqlite3_mprintf("sftp://…: passwords in URLs are not accepted; use --key or ssh-agent");
      return -1;
    }
    if (un >= sizeof u->user) un = sizeof u->user - 1;
    memcpy(u->user, p, un);
    hp = at + 1;
  }
  const char *colon = memchr(hp, ':', (size_t)(slash - hp));
  size_t hn = (size_t)((colon ? colon : slash) - hp);
  if (hn == 0 || hn >= sizeof u->host) { *pzErr = sqlite3_mprintf("%s: no host in the URL", url); return -1; }
  memcpy(u->host, hp, hn);
  if (colon) {
    size_t pn = (size_t)(slash - colon - 1);
    if (pn == 0 || pn >= sizeof u->port) { *pzErr = sqlite3_mprintf("%s: bad port", url); return -1; }
    memcpy(u->port, colon + 1, pn);
  }
  snprintf(u->path, sizeof u->path, "%s", slash);
  return 0;
}

/* ---- local walk -------------------------------------------------------------- */
typedef struct EntryList { RemoteEntry *e; int n, cap; int oom; } EntryList;

static void entries_add(EntryList *l, const char *path, long long size) {
  if (l->oom) return;
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 256;
    RemoteEntry *g = sqlite3_realloc64(l->e, (sqlite3_uint64)cap * sizeof *g);
    if (!g) { l->oom = 1; return; }
    l->e = g;
    l->cap = cap;
  }
  l->e[l->n].path = sqlite3_mprintf("%s", path);
  if (!l->e[l->n].path) { l->oom = 1; return; }
  l->e[l->n].size = size;
  l->n++;
}

static int walk_local(const char *base, const char *rel, int (*want_dir)(const char *),
                      EntryList *l, char **pzErr) {
  char *dirpath = rel[0] ? sqlite3_mprintf("%s/%s", base, rel) : sqlite3_mprintf("%s", base);
  DIR *d = opendir(dirpath);
  if (!d) {
    *pzErr = sqlite3_mprintf("%s: %s", dirpath, strerror(errno));
    sqlite3_free(dirpath);
    return -1;
  }
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d)) != 0) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    char *full = sqlite3_mprintf("%s/%s", dirpath, de->d_name);
    char *r2 = rel[0] ? sqlite3_mprintf("%s/%s", rel, de->d_name) : sqlite3_mprintf("%s", de->d_name);
    struct stat st, lst;
    if (lstat(full, &lst) == 0 && stat(full, &st) == 0) {
      if (S_ISDIR(st.st_mode) && !S_ISLNK(lst.st_mode)) {
        if (!want_dir || want_dir(r2)) rc = walk_local(base, r2, want_dir, l, pzErr);
      } else if (S_ISREG(st.st_mode)) {
        entries_add(l, r2, (long long)st.st_size);
      }
    }
    sqlite3_free(full);
    sqlite3_free(r2);
  }
  closedir(d);
  sqlite3_free(dirpath);
  return rc;
}

static int entry_cmp(const void *a, const void *b) {
  return strcmp(((const RemoteEntry *)a)->path, ((const RemoteEntry *)b)->path);
}

/* ---- curl helpers -------------------------------------------------------------- */
/* ---- known_hosts markers (sftp) ------------------------------------------------
** libssh2 matches host and key but knows nothing of OpenSSH's markers. The key
** callback (CURLOPT_SSH_KEYFUNCTION) therefore reads known_hosts itself after a
** match: a key on any "@revoked" line is refused (for every host: a revoked key is
** never trusted), and a key found only on "@cert-authority" lines is refused too (it
** is a CA key, not this host's key, and libssh2 cannot check host certificates:
** --transport scp, i.e. OpenSSH, does). Unknown or different keys are refused as
** before. scp gets the same file and applies the markers itself. */

static int b64_value(int c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64 text (up to its first non-base64 byte) into out; returns the length or -1. */
static long b64_decode(const char *s, size_t n, unsigned char *out, size_t cap) {
  unsigned acc = 0;
  int bits = 0;
  size_t k = 0;
  for (size_t i = 0; i < n && s[i] != '='; i++) {
    int v = b64_value((unsigned char)s[i]);
    if (v < 0) return -1;
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (k >= cap) return -1;
      out[k++] = (unsigned char)(acc >> bits);
    }
  }
  return (long)k;
}

/* Does the raw key blob occur on a known_hosts line with (marker=1) or without
** (marker=0) the given marker? */
static int known_key_line(const char *path, const char *marker, const unsigned char *key, size_t klen) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[16384];
  unsigned char blob[8192];
  int found = 0;
  while (!found && fgets(line, sizeof line, f)) {
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '#' || *p == '\n' || !*p) continue;
    int marked = 0;
    if (*p == '@') {
      size_t m = strcspn(p, " \t");
      marked = marker && strlen(marker) == m && strncmp(p, marker, m) == 0;
      if (!marked) continue;   /* another marker (or one where none is wanted) */
      p += m;
    } else if (marker) {
      continue;
    }
    /* host patterns, key type, base64 blob */
    char *tok[3];
    int nt = 0;
    for (char *save = 0, *t = strtok_r(p, " \t\r\n", &save); t && nt < 3; t = strtok_r(0, " \t\r\n", &save))
      tok[nt++] = t;
    if (nt < 3) continue;
    long n = b64_decode(tok[2], strlen(tok[2]), blob, sizeof blob);
    if (n == (long)klen && memcmp(blob, key, klen) == 0) found = 1;
  }
  fclose(f);
  return found;
}

static int check_host_key(CURL *easy, const struct curl_khkey *knownkey, const struct curl_khkey *foundkey,
                          enum curl_khmatch match, void *ctx) {
  (void)easy;
  (void)knownkey;
  RemoteTree *t = ctx;
  if (match != CURLKHMATCH_OK) return CURLKHSTAT_REJECT;   /* missing or different: as before */
  unsigned char raw[8192];
  const unsigned char *key = (const unsigned char *)foundkey->key;
  size_t klen = foundkey->len;
  if (klen == 0) {   /* given as base64 text */
    long n = b64_decode(foundkey->key, strlen(foundkey->key), raw, sizeof raw);
    if (n < 0) return CURLKHSTAT_REJECT;
    key = raw;
    klen = (size_t)n;
  }
  if (known_key_line(t->known_hosts, "@revoked", key, klen)) {
    sqlite3_free(t->key_problem);
    t->key_problem = sqlite3_mprintf("host key refused: it is marked @revoked in %s", t->known_hosts);
    return CURLKHSTAT_REJECT;
  }
  if (!known_key_line(t->known_hosts, 0, key, klen)) {
    sqlite3_free(t->key_problem);
    t->key_problem = sqlite3_mprintf("host key refused: %s lists it only as @cert-authority (a CA key, not a "
                                     "host key; host certificates need --transport scp)", t->known_hosts);
    return CURLKHSTAT_REJECT;
  }
  return CURLKHSTAT_FINE;
}

typedef struct Sink { char *p; size_t n, cap, max; int over; } Sink;
static size_t sink_write(char *ptr, size_t size, size_t nmemb, void *ud) {
  Sink *s = ud;
  size_t k = size * nmemb;
  if (s->n + k + 1 > s->max) { s->over = 1; return 0; }
  if (s->n + k + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->n + k + 1) cap *= 2;
    char *g = sqlite3_realloc64(s->p, cap);
    if (!g) return 0;
    s->p = g;
    s->cap = cap;
  }
  memcpy(s->p + s->n, ptr, k);
  s->n += k;
  s->p[s->n] = 0;
  return k;
}

static int curl_fetch(RemoteTree *t, const char *url, size_t max_bytes, char **data, size_t *len,
                      const char *display, char **pzErr) {
  int attempts = 0;
  for (;;) {
    Sink s = {0, 0, 0, max_bytes ? max_bytes : ((size_t)1 << 30), 0};
    curl_easy_setopt(t->curl, CURLOPT_URL, url);
    curl_easy_setopt(t->curl, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(t->curl, CURLOPT_WRITEDATA, &s);
    CURLcode rc = curl_easy_perform(t->curl);
    if (rc == CURLE_OK) {
      if (!s.p) s.p = sqlite3_malloc(1), s.p ? s.p[0] = 0 : 0;
      *data = s.p;
      *len = s.n;
      return 0;
    }
    sqlite3_free(s.p);
    int retry = (rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
                 rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_SSH) && attempts < 3;
    if (s.over) {
      *pzErr = sqlite3_mprintf("%s: larger than %llu bytes", display, (unsigned long long)s.max);
      return -1;
    }
    if (!retry || rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_LOGIN_DENIED ||
        rc == CURLE_REMOTE_FILE_NOT_FOUND) {
      const char *what = curl_easy_strerror(rc);
      if (rc == CURLE_PEER_FAILED_VERIFICATION)
        what = t->key_problem ? t->key_problem : "host key not accepted: it is missing from or different in known_hosts";
      *pzErr = sqlite3_mprintf("%s: %s%s", display, what, attempts ? " (after retries)" : "");
      return -1;
    }
    attempts++;
    if (!t->quiet) fprintf(stderr, "perfsql: %s: %s, retrying\n", display, curl_easy_strerror(rc));
    usleep((useconds_t)(500000u << (attempts - 1)));
  }
}

/* Lists one SFTP folder (long listing) and recurses. */
static int walk_sftp(RemoteTree *t, const char *rel, int (*want_dir)(const char *), EntryList *l,
                     char **pzErr) {
  char *url = rel[0] ? sqlite3_mprintf("%s/%s/", t->root, rel) : sqlite3_mprintf("%s/", t->root);
  char *disp = remote_tree_display(t, rel);
  char *text = 0;
  size_t n = 0;
  int rc = curl_fetch(t, url, 64u << 20, &text, &n, disp, pzErr);
  sqlite3_free(url);
  sqlite3_free(disp);
  if (rc) return -1;
  char *save = 0;
  for (char *line = strtok_r(text, "\n", &save); line && rc == 0; line = strtok_r(0, "\n", &save)) {
    size_t ln = strlen(line);
    if (ln && line[ln - 1] == '\r') line[--ln] = 0;
    if (ln < 10) continue;
    /* "drwxr-xr-x 2 user group 4096 Nov 21 23:00 name": the name follows 8 fields */
    char *p = line;
    long long size = 0;
    int f;
    for (f = 0; f < 8; f++) {
      while (*p == ' ') p++;
      char *s = p;
      while (*p && *p != ' ') p++;
      if (f == 4) size = strtoll(s, 0, 10);
      if (!*p) break;
    }
    if (f < 8) continue;
    while (*p == ' ') p++;
    if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) continue;
    char *r2 = rel[0] ? sqlite3_mprintf("%s/%s", rel, p) : sqlite3_mprintf("%s", p);
    if (line[0] == 'd') {
      if (!want_dir || want_dir(r2)) rc = walk_sftp(t, r2, want_dir, l, pzErr);
    } else if (line[0] == '-') {
      entries_add(l, r2, size);
    }
    sqlite3_free(r2);
  }
  sqlite3_free(text);
  return rc;
}

/* ---- scp fallback ---------------------------------------------------------------- */
/* The line of scp/ssh's stderr that says why it failed: a revoked key first, then a
** host-key failure, a denied login, else the last non-empty line (for a one-line error). */
static char *why_line(const char *err) {
  static const char *const keys[] = {"revoked", "host key verification failed", "permission denied", 0};
  const char *best = 0;
  size_t best_n = 0;
  for (int k = 0; keys[k] && !best; k++) {
    for (const char *l = err; *l && !best;) {
      const char *e = strchr(l, '\n');
      size_t n = e ? (size_t)(e - l) : strlen(l);
      for (size_t i = 0; i + strlen(keys[k]) <= n; i++)
        if (sqlite3_strnicmp(l + i, keys[k], (int)strlen(keys[k])) == 0) { best = l; best_n = n; break; }
      l = e ? e + 1 : l + n;
    }
  }
  if (!best)
    for (const char *l = err; *l;) {
      const char *e = strchr(l, '\n');
      size_t n = e ? (size_t)(e - l) : strlen(l);
      if (n) { best = l; best_n = n; }
      l = e ? e + 1 : l + n;
    }
  while (best && best_n && (*best == '@' || *best == ' ')) best++, best_n--;
  while (best && best_n && (best[best_n - 1] == '@' || best[best_n - 1] == ' ' || best[best_n - 1] == '\r')) best_n--;
  return best && best_n ? sqlite3_mprintf("%.*s", (int)best_n, best) : 0;
}

static int run_argv(char *const argv[], char **pzErr, const char *display) {
  int fd[2];
  if (pipe(fd) != 0) { *pzErr = sqlite3_mprintf("%s: pipe: %s", display, strerror(errno)); return -1; }
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    *pzErr = sqlite3_mprintf("%s: fork: %s", display, strerror(errno));
    return -1;
  }
  if (pid == 0) {
    dup2(fd[1], 2);   /* ssh's messages are read, and one of them becomes the one-line error */
    close(fd[0]);
    close(fd[1]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fd[1]);
  PerfsqlBuf err = {0, 0, 0, 0};
  char chunk[4096];
  ssize_t n;
  while ((n = read(fd[0], chunk, sizeof chunk)) != 0) {
    if (n < 0) { if (errno == EINTR) continue; break; }
    if (err.len < 65536) buf_append(&err, chunk, (size_t)n);
  }
  close(fd[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    char *why = err.data ? why_line(err.data) : 0;
    *pzErr = sqlite3_mprintf("%s: %s failed (exit %d): host key refused, authentication failed or "
                             "path missing%s%s", display, argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                             why ? ": " : "", why ? why : "");
    sqlite3_free(why);
    buf_free(&err);
    return -1;
  }
  buf_free(&err);
  return 0;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb; (void)flag; (void)ftw;
  return remove(p);
}

static int scp_copy(RemoteTree *t, const SftpUrl *u, char **pzErr) {
  char tmpl[] = "/tmp/perfsql-scp-XXXXXX";
  if (!mkdtemp(tmpl)) { *pzErr = sqlite3_mprintf("mkdtemp: %s", strerror(errno)); return -1; }
  t->tmpdir = sqlite3_mprintf("%s", tmpl);
  const char *path = u->path;
  if (strncmp(path, "/~/", 3) == 0) path += 3;
  char *src = u->user[0] ? sqlite3_mprintf("%s@%s:%s", u->user, u->host, path)
                         : sqlite3_mprintf("%s:%s", u->host, path);
  char *dst = sqlite3_mprintf("%s/tree", t->tmpdir);
  char *kh = sqlite3_mprintf("UserKnownHostsFile=%s", t->known_hosts);
  char *to = sqlite3_mprintf("ConnectTimeout=%ld", 10L);
  const char *argv[24];
  int a = 0;
  argv[a++] = "scp";
  argv[a++] = "-r";
  argv[a++] = "-o"; argv[a++] = "LogLevel=ERROR";   /* not -q: ssh's reason becomes the error line */
  argv[a++] = "-o"; argv[a++] = "BatchMode=yes";
  argv[a++] = "-o"; argv[a++] = "StrictHostKeyChecking=yes";
  argv[a++] = "-o"; argv[a++] = kh;
  argv[a++] = "-o"; argv[a++] = to;
  if (u->port[0]) { argv[a++] = "-P"; argv[a++] = u->port; }
  if (t->key) { argv[a++] = "-i"; argv[a++] = t->key; }
  argv[a++] = "--";
  argv[a++] = src;
  argv[a++] = dst;
  argv[a] = 0;
  int rc = run_argv((char *const *)argv, pzErr, t->uri);
  sqlite3_free(src);
  sqlite3_free(kh);
  sqlite3_free(to);
  sqlite3_free(t->root);
  t->root = dst;
  return rc;
}

/* ---- public API ---------------------------------------------------------------- */
int remote_tree_open(const char *root, const RemoteFetchOptions *o, RemoteTree **out, char **pzErr) {
  *out = 0;
  RemoteTree *t = sqlite3_malloc(sizeof *t);
  if (!t) { *pzErr = sqlite3_mprintf("out of memory"); return -1; }
  memset(t, 0, sizeof *t);
  t->timeout_s = o->timeout_s > 0 ? o->timeout_s : 60;
  t->quiet = o->quiet;
  size_t n = strlen(root);
  while (n > 1 && root[n - 1] == '/') n--;
  if (strncmp(root, "sftp://", 7) == 0) {
    SftpUrl u;
    if (sftp_url_parse(root, &u, pzErr)) { sqlite3_free(t); return -1; }
    t->root = sqlite3_mprintf("%.*s", (int)n, root);
    t->uri = sqlite3_mprintf("%s", t->root);
    if (o->key) {
      t->key = sqlite3_mprintf("%s", o->key);
      char *pub = sqlite3_mprintf("%s.pub", o->key);
      if (access(pub, R_OK) == 0) t->pubkey = pub; else sqlite3_free(pub);
    }
    if (o->known_hosts) {
      t->known_hosts = sqlite3_mprintf("%s", o->known_hosts);
    } else {
      const char *home = getenv("HOME");
      t->known_hosts = sqlite3_mprintf("%s/.ssh/known_hosts", home ? home : "");
    }
    const char *want = o->transport && strcmp(o->transport, "auto") ? o->transport : 0;
    int use_scp = want ? strcmp(want, "scp") == 0 : !remote_curl_has_sftp();
    if (want && strcmp(want, "scp") && strcmp(want, "sftp")) {
      *pzErr = sqlite3_mprintf("--transport %s: expected sftp or scp", want);
      remote_tree_close(t);
      return -1;
    }
    if (!use_scp && !remote_curl_has_sftp()) {
      *pzErr = sqlite3_mprintf("%s: this libcurl was built without SFTP; use --transport scp", t->uri);
      remote_tree_close(t);
      return -1;
    }
    if (use_scp) {
      if (!want && !o->quiet)
        fprintf(stderr, "perfsql: libcurl has no SFTP support; copying %s with the system scp\n", t->uri);
      t->transport = "scp";
      if (scp_copy(t, &u, pzErr)) { remote_tree_close(t); return -1; }
      *out = t;
      return 0;
    }
    t->transport = "sftp";
    t->curl = curl_easy_init();
    if (!t->curl) { *pzErr = sqlite3_mprintf("curl_easy_init failed"); remote_tree_close(t); return -1; }
    curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(t->curl, CURLOPT_TIMEOUT, t->timeout_s);
    curl_easy_setopt(t->curl, CURLOPT_SSH_KNOWNHOSTS, t->known_hosts);
    curl_easy_setopt(t->curl, CURLOPT_SSH_KEYFUNCTION, check_host_key);
    curl_easy_setopt(t->curl, CURLOPT_SSH_KEYDATA, t);
    curl_easy_setopt(t->curl, CURLOPT_SSH_AUTH_TYPES,
                     (long)(CURLSSH_AUTH_PUBLICKEY | CURLSSH_AUTH_AGENT));
    if (t->key) {
      curl_easy_setopt(t->curl, CURLOPT_SSH_PRIVATE_KEYFILE, t->key);
      curl_easy_setopt(t->curl, CURLOPT_SSH_PUBLIC_KEYFILE, t->pubkey ? t->pubkey : "");
    }
    *out = t;
    return 0;
  }
  t->root = sqlite3_mprintf("%.*s", (int)n, root);
  t->uri = sqlite3_mprintf("%s", t->root);
  t->transport = "local";
  struct stat st;
  if (stat(t->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
    *pzErr = sqlite3_mprintf("%s: %s", t->root, stat(t->root, &st) ? strerror(errno) : "not a folder");
    remote_tree_close(t);
    return -1;
  }
  *out = t;
  return 0;
}

int remote_tree_list(RemoteTree *t, int (*want_dir)(const char *), RemoteEntry **files, int *n,
                     char **pzErr) {
  EntryList l = {0, 0, 0, 0};
  int rc = t->curl ? walk_sftp(t, "", want_dir, &l, pzErr) : walk_local(t->root, "", want_dir, &l, pzErr);
  if (rc == 0 && l.oom) { *pzErr = sqlite3_mprintf("out of memory"); rc = -1; }
  if (rc) { remote_entries_free(l.e, l.n); return -1; }
  if (l.n) qsort(l.e, (size_t)l.n, sizeof *l.e, entry_cmp);
  *files = l.e;
  *n = l.n;
  return 0;
}

int remote_tree_read(RemoteTree *t, const char *relpath, size_t max_bytes, char **data, size_t *len,
                     char **pzErr) {
  if (t->curl) {
    char *url = sqlite3_mprintf("%s/%s", t->root, relpath);
    char *disp = remote_tree_display(t, relpath);
    int rc = curl_fetch(t, url, max_bytes, data, len, disp, pzErr);
    sqlite3_free(url);
    sqlite3_free(disp);
    return rc;
  }
  char *full = sqlite3_mprintf("%s/%s", t->root, relpath);
  int rc = read_file_all(full, max_bytes, data, len, pzErr);
  sqlite3_free(full);
  return rc;
}

char *remote_tree_display(RemoteTree *t, const char *relpath) {
  if (!relpath || !relpath[0]) return sqlite3_mprintf("%s", t->uri);
  return sqlite3_mprintf("%s/%s", t->uri, relpath);
}

const char *remote_tree_uri(RemoteTree *t) { return t->uri; }
const char *remote_tree_transport(RemoteTree *t) { return t->transport; }

void remote_tree_close(RemoteTree *t) {
  if (!t) return;
  if (t->curl) curl_easy_cleanup(t->curl);
  if (t->tmpdir) {
    nftw(t->tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    sqlite3_free(t->tmpdir);
  }
  sqlite3_free(t->root);
  sqlite3_free(t->uri);
  sqlite3_free(t->key);
  sqlite3_free(t->pubkey);
  sqlite3_free(t->known_hosts);
  sqlite3_free(t->key_problem);
  sqlite3_free(t);
}

void remote_entries_free(RemoteEntry *e, int n) {
  for (int i = 0; i < n; i++) sqlite3_free(e[i].path);
  sqlite3_free(e);
}
