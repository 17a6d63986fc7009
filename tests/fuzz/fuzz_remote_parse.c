/*
** fuzz_remote_parse.c — the eBPF framework's raw text parsers (netperf output, timing
** logs, pidstat and log-size monitors, ebpf_start logs, case folder names) on arbitrary
** bytes: never crash, never read outside the input, never leak; an error always comes
** with a message. The first byte picks the parser, the rest is the file.
*/
#include "unit.h"
#include "remote/remote_parse.h"
#include <stdlib.h>

static int count_row(void *ctx, const PidstatRow *r) { (void)r; (*(int *)ctx)++; return 0; }
static int count_size(void *ctx, const LogsizeRow *r) { (void)r; (*(int *)ctx)++; return 0; }

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static sqlite3 *db = 0;
  if (!db) db = unit_open(":memory:");
  if (size < 1) return 0;
  /* an exact-size copy: the parsers must not read past n (ASan catches it) */
  size_t n = size - 1;
  char *text = malloc(n + 1);
  memcpy(text, data + 1, n);
  text[n] = 0;
  long line = 0;
  char *msg = 0;
  int rc = 0, rows = 0;
  switch (data[0] % 6) {
    case 0: { NetperfResult r; rc = remote_parse_netperf(text, n, &r, &line, &msg); break; }
    case 1: { TimingResult r; rc = remote_parse_timing(text, n, &r, &line, &msg); break; }
    case 2: { PidstatHeader h; rc = remote_parse_pidstat(text, n, &h, count_row, &rows, &line, &msg); break; }
    case 3: { char w[256]; rc = remote_parse_logsize(text, n, w, sizeof w, count_size, &rows, &line, &msg); break; }
    case 4: {
      const char *c, *s;
      size_t cl, sl;
      rc = remote_parse_ebpf_start(text, n, &c, &cl, &s, &sl, &line, &msg);
      if (rc == 0 && (c < text || c + cl > text + n)) abort();
      break;
    }
    case 5: { CaseName c; remote_parse_case_name(text, &c); break; }
  }
  if (rc != 0 && !msg) abort();   /* every error explains itself */
  sqlite3_free(msg);
  free(text);
  return 0;
}
