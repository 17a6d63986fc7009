/*
** kv_buildlog.c — the regex-era reader of build-log.txt (perf-report-creator
** 2023-05 .. 2024-11).
**
**  1. A block starts at the first line that contains `"Values": {` (upstream's
**     regex is unanchored) and ends at the next line that is exactly `}`
**     (`^\}$`; a trailing '\r' is tolerated). The opening brace of the
**     enclosing object is not part of the block: in real logs it is glued to
**     Ginkgo's skip markers (`SSSS…S{`) on the line before, so, like upstream,
**     we put a '{' in front of the block instead of reading that line.
**  2. Blocks are results in spec order (tests/performance/density.go): the
**     first is the VMI result, the second the VM result, the third the
**     instancetype/preference VMs (upstream ignores it; we keep it as
**     resource 'vm-instancetype'); any further block becomes 'block-<n>'.
**  3. Errors: a block that is never closed -> "<file>:line N: "Values" block
**     is not closed by a line '}'"; malformed JSON in a block -> the log's
**     line and column. A log without any block is a run without results.
**  4. O(size of the log), one pass; the JSON of each block is read by
**     kv_load_doc (SQLite's JSON functions).
*/
#include "kubevirt.h"

#include <string.h>

const char *kv_buildlog_resource(int i, char buf[32]) {
  static const char *const names[] = {"vmi", "vm", "vm-instancetype"};
  if (i < 3) return names[i];
  snprintf(buf, 32, "block-%d", i + 1);
  return buf;
}

int kv_buildlog_blocks(const char *file, const char *text, size_t n, KvBlock **out, char **pzErr) {
  static const char start_pat[] = "\"Values\": {";
  const size_t plen = sizeof start_pat - 1;
  KvBlock *v = 0;
  int nv = 0, cap = 0;
  int open = 0;
  KvBlock cur = {0, 0, 0};
  long line = 1;
  size_t i = 0;
  *out = 0;
  while (i < n) {
    const char *nl = memchr(text + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - text) : n;   /* line is [i, end) */
    size_t len = end - i;
    if (len > 0 && text[end - 1] == '\r') len--;
    if (!open) {
      const char *p = len >= plen ? memmem(text + i, len, start_pat, plen) : 0;
      if (p) {
        open = 1;
        cur.start = (size_t)(p - text);
        cur.line = line;
      }
    } else if (len == 1 && text[i] == '}') {
      cur.end = i + 1;
      if (nv == cap) {
        cap = cap ? cap * 2 : 4;
        KvBlock *nvp = sqlite3_realloc64(v, (sqlite3_uint64)cap * sizeof *v);
        if (!nvp) {
          sqlite3_free(v);
          *pzErr = sqlite3_mprintf("kubevirt: out of memory");
          return -1;
        }
        v = nvp;
      }
      v[nv++] = cur;
      open = 0;
    }
    i = nl ? end + 1 : n;
    line++;
  }
  if (open) {
    sqlite3_free(v);
    *pzErr = sqlite3_mprintf("%s:line %ld: \"Values\" block is not closed by a line '}'", file, cur.line);
    return -1;
  }
  *out = v;
  return nv;
}

int kv_load_buildlog(KvDocCtx *c, const char *text, size_t n, char **pzErr) {
  KvBlock *b = 0;
  int nb = kv_buildlog_blocks(c->file, text, n, &b, pzErr);
  if (nb < 0) return -1;
  int rc = 0;
  c->run_id = 0;
  c->skipped = 0;
  if (nb == 0) {
    /* a run without results (the test failed before the audit) — but only if the
    ** file is a text log at all: not empty, no NUL, valid UTF-8 */
    const char *why = n == 0 ? "empty file" : 0;
    size_t at = 0;
    for (size_t k = 0; !why && k < n;) {
      unsigned char ch = (unsigned char)text[k];
      int m = ch < 0x80 ? 1 : ch >= 0xC2 && ch < 0xE0 ? 2 : ch >= 0xE0 && ch < 0xF0 ? 3 : ch >= 0xF0 && ch < 0xF5 ? 4 : 0;
      if (ch == 0) m = 0;
      for (int q = 1; m && q < m; q++)
        if (k + (size_t)q >= n || ((unsigned char)text[k + q] & 0xC0) != 0x80) m = 0;
      if (!m) { why = ch == 0 ? "NUL byte" : "not UTF-8 text"; at = k; break; }
      k += (size_t)m;
    }
    if (why) {
      sqlite3_free(b);
      *pzErr = n == 0 ? sqlite3_mprintf("%s: empty file: not a build log", c->file)
                      : err_at_offset(c->file, (long long)at, "%s: not a build log (and no \"Values\" block)", why);
      return -1;
    }
    rc = kv_run(c->w, c->job, c->build_id, c->job_dir_created, c->origin, &c->run_id, pzErr);
    if (!rc && !c->run_id) c->skipped = 1;
  }
  PerfsqlBuf doc = {0, 0, 0, 0};
  for (int i = 0; i < nb && rc == 0; i++) {
    char name[32];
    doc.len = 0;
    buf_append(&doc, "{", 1);
    buf_append(&doc, text + b[i].start, b[i].end - b[i].start);
    if (doc.oom) { *pzErr = sqlite3_mprintf("kubevirt: out of memory"); rc = -1; break; }
    c->resource = kv_buildlog_resource(i, name);
    c->line_base = b[i].line - 1;
    c->run_id = 0;
    rc = kv_load_doc(c, doc.data, doc.len, KV_DOC_RESULT, pzErr);
    if (c->skipped) break;
  }
  c->line_base = 0;
  buf_free(&doc);
  sqlite3_free(b);
  return rc;
}
