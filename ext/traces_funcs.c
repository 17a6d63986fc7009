/*
** traces_funcs.c — kvm_exit_reason(exit_reason, isa): the name the kernel's
** kvm_exit tracepoint prints for an exit code.
**
**  1. isa 1 (VMX): exit_reason & 0xffff in the VMX table; isa 2 (SVM): the
**     32-bit exit code in the SVM table (ext/kvm_exit_reasons.c).
**  2. A code not in the table (or another isa) -> 'UNKNOWN_<exit_reason>'.
**  3. Any NULL argument -> NULL; a non-integer argument -> error naming it.
**  4. Pure and deterministic; O(table size).
*/
#include <stdio.h>

#include "perfsql.h"
#include "perf_reader.h"

void kvm_exit_reason_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  for (int i = 0; i < 2; i++) {
    int t = sqlite3_value_numeric_type(argv[i]);
    if (t == SQLITE_NULL) return;
    if (t != SQLITE_INTEGER) {
      char *m = sqlite3_mprintf("kvm_exit_reason: %s is not an integer: '%s'", i ? "isa" : "exit_reason",
                                sqlite3_value_text(argv[i]));
      sqlite3_result_error(ctx, m, -1);
      sqlite3_free(m);
      return;
    }
  }
  sqlite3_int64 code = sqlite3_value_int64(argv[0]);
  const char *name = kvm_exit_reason_name((uint64_t)code, (int)sqlite3_value_int64(argv[1]));
  if (name) {
    sqlite3_result_text(ctx, name, -1, SQLITE_STATIC);
  } else {
    char buf[40];
    snprintf(buf, sizeof buf, "UNKNOWN_%lld", (long long)code);
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
  }
}

/*
** task_match(pattern, glob, name, tid, pid): perfwhiz's task filter (`-t`);
** pid is reserved (accepted, unused).
**
**  1. pattern NULL or '' -> 1 (every task).
**  2. glob true -> name GLOB pattern (perfsql's earlier `-t` form).
**  3. pattern all digits -> tid = pattern (perfwhiz: an int selects a "pid",
**     the pid column of its cdict, which is perf's per-thread pid = our tid).
**  4. Otherwise a POSIX extended regular expression (libc regex.h) matched at
**     the START of name, as perfwhiz's pandas str.match: 'CPU' matches
**     'CPU 0/KVM'; a leading '*' is read as '.*' (perfwhiz rewrites it the
**     same way), so '*vcpu0' matches 'Firewall.05.vcpu0'.
**  5. A bad expression is an error "task_match: bad regular expression 'P': why".
**     The compiled expression is cached per statement (sqlite3_set_auxdata).
*/
#include <regex.h>
#include <stdlib.h>
#include <string.h>

static void regex_free(void *p) {
  regfree((regex_t *)p);
  sqlite3_free(p);
}

void task_match_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *pat = (const char *)sqlite3_value_text(argv[0]);
  if (!pat || !*pat) { sqlite3_result_int(ctx, 1); return; }
  const char *name = (const char *)sqlite3_value_text(argv[2]);
  if (sqlite3_value_type(argv[1]) != SQLITE_NULL && sqlite3_value_int(argv[1])) {
    sqlite3_result_int(ctx, name && sqlite3_strglob(pat, name) == 0);
    return;
  }
  size_t n = strlen(pat), k = 0;
  while (k < n && pat[k] >= '0' && pat[k] <= '9') k++;
  if (k == n && n < 10) {
    long long id = atoll(pat);
    sqlite3_result_int(ctx, sqlite3_value_type(argv[3]) != SQLITE_NULL && sqlite3_value_int64(argv[3]) == id);
    return;
  }
  regex_t *re = sqlite3_get_auxdata(ctx, 0);
  if (!re) {
    char *src = pat[0] == '*' ? sqlite3_mprintf(".%s", pat) : sqlite3_mprintf("%s", pat);
    re = sqlite3_malloc(sizeof *re);
    if (!src || !re) {
      sqlite3_free(src);
      sqlite3_free(re);
      sqlite3_result_error_nomem(ctx);
      return;
    }
    int e = regcomp(re, src, REG_EXTENDED);
    sqlite3_free(src);
    if (e) {
      char why[128];
      regerror(e, re, why, sizeof why);
      sqlite3_free(re);
      char *m = sqlite3_mprintf("task_match: bad regular expression '%s': %s", pat, why);
      sqlite3_result_error(ctx, m, -1);
      sqlite3_free(m);
      return;
    }
    sqlite3_set_auxdata(ctx, 0, re, regex_free);
    re = sqlite3_get_auxdata(ctx, 0);
    if (!re) {  /* SQLite dropped it (out of memory): compile once more for this row */
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  regmatch_t m;
  sqlite3_result_int(ctx, name && regexec(re, name, 1, &m, 0) == 0 && m.rm_so == 0);
}
