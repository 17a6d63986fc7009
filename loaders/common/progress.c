/*
** progress.c — progress lines on stderr for long work.
**
**  1. Nothing is printed unless stderr is a terminal and progress_quiet is 0
**     (the CLI sets it from --quiet), so pipes, CI logs and tests stay clean.
**  2. At most ~10 updates a second, each rewriting one line with '\r'.
*/
#include "load.h"
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int progress_quiet = 0;
static int shown = 0;
static double last = 0;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

void progress_update(const char *what, uint64_t done, uint64_t total) {
  if (progress_quiet || !isatty(2)) return;
  double t = now();
  if (shown && t - last < 0.1 && done != total) return;
  last = t;
  shown = 1;
  if (total)
    fprintf(stderr, "\r%s: %llu / %llu (%.0f%%)   ", what, (unsigned long long)done,
            (unsigned long long)total, 100.0 * (double)done / (double)total);
  else
    fprintf(stderr, "\r%s: %llu   ", what, (unsigned long long)done);
}

void progress_done(void) {
  if (shown) fprintf(stderr, "\r\033[K");
  shown = 0;
}
