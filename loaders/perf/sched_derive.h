/*
** sched_derive.h — what a perf load derives once from the typed scheduler tables
** (sched_derive.c): loss ranges (trace_lost), runs (sched_run) and scheduling
** delays as `perf sched latency` counts them (sched_delay). See sql/008_traces_derived.sql.
*/
#ifndef PERFSQL_SCHED_DERIVE_H
#define PERFSQL_SCHED_DERIVE_H

#include "common/load.h"
#include "perf_reader.h"

/* Inside the load's transaction, after the capture's typed rows are written:
** writes trace_lost from the reader's losses, then sched_run and sched_delay
** from sched_switch / sched_wakeup, counts them into ld and, unless quiet,
** prints one line on stderr when events were lost. 0, or -1 with *pzErr. */
int sched_derive(sqlite3 *db, PerfsqlLoad *ld, const PerfReader *r, sqlite3_int64 capture_id,
                 const char *path, int quiet, char **pzErr);

/* For `load perf -`: the identity of a stream that cannot be hashed before it is
** read: uri "stdin:CAPTURE" and a hash unique to this load. */
void perf_stdin_identity(const char *capture, char **uri, char hash[65]);

#endif
