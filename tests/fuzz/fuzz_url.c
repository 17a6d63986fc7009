/*
** fuzz_url.c — url_redact() and url_escape() on arbitrary bytes: never crash,
** never leak, and the redacted URL's authority never holds userinfo.
*/
#include "unit.h"
#include "common/http.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  static sqlite3 *db = 0;
  if (!db) db = unit_open(":memory:");
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = 0;
  char *r = url_redact(s);
  char *e = url_escape(s);
  /* Property: the authority of the redacted URL holds no userinfo ('@'). */
  const char *scheme = r ? strstr(r, "://") : 0;
  if (scheme && strstr(s, "://")) {
    const char *host = scheme + 3;
    size_t n = strcspn(host, "/?#");
    if (memchr(host, '@', n)) abort();
  }
  sqlite3_free(r);
  sqlite3_free(e);
  free(s);
  return 0;
}
