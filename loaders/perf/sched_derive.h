/*
** sched_derive.h — what a perf load derives once from the scheduler samples
** (sched_derive.c): loss ranges (trace_lost), runs (sched_run) and scheduling
** delays as `perf sched latency` counts them (sched_delay). See sql/008_traces_derived.sql.
*/
#ifndef PERFSQL_SCHED_DERIVE_H
#define PERFSQL_SCHED_DERIVE_H

#include "common/load.h"
#include "perf_reader.h"

typedef struct SchedDerive SchedDerive;

/* Inside the load's transaction, once the capture row exists. *out is always set (free it
** with sched_derive_free). Every call below returns 0, or -1 with the pzErr given here set. */
int sched_derive_open(sqlite3 *db, PerfsqlLoad *ld, sqlite3_int64 capture_id, SchedDerive **out,
                      char **pzErr);
/* The capture's samples, as the reader delivers them (time order; if not, finish replays
** from the typed tables, which must then hold them): sched_switch (prev_comm NULL, state
** NULL = field missing; pids missing = 0), sched_wakeup/sched_wakeup_new, sched_stat_runtime. */
int sched_derive_switch(SchedDerive *d, sqlite3_int64 ts, int cpu, int prev, const char *prev_comm, int has_prio,
                        sqlite3_int64 prev_prio, const char *state, int next);
int sched_derive_wakeup(SchedDerive *d, sqlite3_int64 ts, int pid);
int sched_derive_runtime(SchedDerive *d, sqlite3_int64 ts, int pid);
/* After the last sample: writes the open rows and trace_lost from the reader's losses,
** voids what crosses a loss, counts the rows into ld and, unless quiet, prints one line on
** stderr when events were lost. */
int sched_derive_finish(SchedDerive *d, const PerfReader *r, const char *path, int quiet);
void sched_derive_free(SchedDerive *d);

/* For `load perf -`: the identity of a stream that cannot be hashed before it is
** read: uri "stdin:CAPTURE" and a hash unique to this load. */
void perf_stdin_identity(const char *capture, char **uri, char hash[65]);

#endif
