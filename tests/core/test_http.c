/*
** test_http.c — the shared libcurl client against a loopback server with
** scripted faults (tests/core/fault_server.py, started here): a 500 then
** success is retried, a hang times out, a truncated body is an error, 4xx is
** final, credentials never appear in messages.
*/
#include "unit.h"
#include "common/http.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t server;
static int server_pipe = -1;
static int port;

static void start_server(void) {
  int fd[2];
  if (pipe(fd)) exit(2);
  server = fork();
  if (server == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    execl("/usr/bin/python3", "python3", "core/fault_server.py", (char *)0);
    _exit(127);
  }
  close(fd[1]);
  /* Read up to the newline (the port may arrive in several writes) and keep the
  ** pipe open: closing it would make the server's later writes fail. */
  char buf[32] = {0};
  size_t n = 0;
  while (n < sizeof buf - 1 && !strchr(buf, '\n')) {
    ssize_t r = read(fd[0], buf + n, sizeof buf - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
  }
  server_pipe = fd[0];
  port = atoi(buf);
  if (!port) {
    fprintf(stderr, "fault server did not start\n");
    exit(2);
  }
}

static char *url(const char *path) { return sqlite3_mprintf("http://127.0.0.1:%d%s", port, path); }

static int get(const HttpOptions *o, const char *path, HttpResponse *rs, char **err) {
  char *u = url(path);
  int rc = http_get(o, u, rs, err);
  sqlite3_free(u);
  return rc;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
  sqlite3 *db = unit_open(":memory:");
  start_server();
  /* generous timeouts: the machine may be loaded; only the hang case uses a short one */
  HttpOptions o = {.connect_timeout_s = 20, .timeout_s = 20, .retries = 2, .backoff_ms = 10, .quiet = 1};
  HttpResponse rs;
  char *err = 0;

  err = 0;
  CHECK(get(&o, "/ok", &rs, &err) == 0);
  sqlite3_free(err);
  CHECK(rs.status == 200);
  CHECK_STR(rs.body, "hello");
  http_response_free(&rs);

  /* 500 then success: retried once, the caller sees only the success */
  err = 0;
  CHECK(get(&o, "/flaky/a", &rs, &err) == 0);
  sqlite3_free(err);
  CHECK_STR(rs.body, "recovered");
  http_response_free(&rs);

  /* always 500: 1 + retries attempts, then one error line naming the status */
  CHECK(get(&o, "/always500", &rs, &err) == -1);
  CHECK(strstr(err, "HTTP 500 (after 3 attempts)") != 0);
  sqlite3_free(err);
  http_response_free(&rs);
  err = 0;
  CHECK(get(&o, "/hits/always500", &rs, &err) == 0);
  sqlite3_free(err);
  CHECK_STR(rs.body, "3");
  http_response_free(&rs);

  /* 404 is final: no retry */
  CHECK(get(&o, "/notfound", &rs, &err) == -1);
  CHECK(rs.status == 404);
  CHECK(strstr(err, "HTTP 404") != 0 && strstr(err, "attempts") == 0);
  sqlite3_free(err);
  http_response_free(&rs);

  /* a truncated body is an error, never a short success */
  CHECK(get(&o, "/truncated", &rs, &err) == -1);
  CHECK(err && strstr(err, "/truncated:") != 0);
  sqlite3_free(err);
  http_response_free(&rs);

  /* a hang times out (2 s per attempt, no retry here) */
  HttpOptions once = o;
  once.retries = 0;
  once.timeout_s = 1;
  double t0 = now();
  CHECK(get(&once, "/hang", &rs, &err) == -1);
  CHECK(now() - t0 < 10); /* bounded: the test cannot hang; not a timing assertion of speed */
  CHECK(err && strstr(err, "imed out") != 0);
  sqlite3_free(err);
  http_response_free(&rs);

  /* credentials in the URL never reach messages */
  char *u = sqlite3_mprintf("http://alice:s3cret@127.0.0.1:%d/notfound", port);
  CHECK(http_get(&o, u, &rs, &err) == -1);
  CHECK(strstr(err, "s3cret") == 0 && strstr(err, "alice") == 0);
  sqlite3_free(err);
  sqlite3_free(u);
  http_response_free(&rs);

  /* a closed port: connection refused, retried, then an error */
  HttpOptions fast = o;
  CHECK(http_get(&fast, "http://127.0.0.1:1/", &rs, &err) == -1);
  CHECK(err && strstr(err, "127.0.0.1:1/") != 0);
  sqlite3_free(err);
  http_response_free(&rs);

  kill(server, SIGTERM);
  close(server_pipe);
  waitpid(server, 0, 0);
  sqlite3_close(db);
  return unit_done();
}
