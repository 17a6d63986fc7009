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
