/*
** sched_derive.c — one pass over a loaded capture's scheduler events, in time
** order, writing the derived tables of sql/008_traces_derived.sql.
**
**  1. trace_lost: the reader's PERF_RECORD_LOST ranges.
**  2. sched_run: per-CPU runs (the sched_slice view): a run ends at a
**     sched_switch where the task is prev_pid and starts at the previous
**     switch on that CPU (unknown for the first switch of a CPU). A run that
**     crosses a loss of its CPU's ring buffer is left out.
**  3. sched_delay: one row per sched-in (switch where the task is next_pid),
**     with the scheduling delay exactly as `perf sched latency` (perf 6.1,
**     tools/perf/builtin-sched.c: latency_switch_event/latency_wakeup_event/
**     add_sched_in_event) counts it, per thread:
**       - a switch-out in state R (prev_state 0, preempted while runnable)
**         starts a wait at the switch-out (cause 'preempt'); any other state
**         leaves the task sleeping;
**       - the first sched_wakeup or sched_wakeup_new of a sleeping task (at or
**         after its switch-out) starts a wait at the wakeup (cause 'wakeup');
**         later wakeups, and every wakeup of a task that is not sleeping, are
**         ignored; sched_waking is not used (perf sched latency has no
**         handler for it);
**       - the next sched-in ends the wait: delay = sched-in - start;
**       - a thread first seen at a sched-in counts one delay of 0 (perf adds
**         an initial runnable atom; cause 'first'); first seen at a
**         sched_stat_runtime, it is runnable from there (cause 'first'); first
**         seen at a wakeup, its wait starts there.
**     perf's per-task "Switches" = rows with a delay, "Avg delay" = sum / count
**     (integer ns), "Maximum delay" = max. A delay or a time off CPU whose span
**     crosses any loss is left NULL (its events may be missing).
**  4. Streaming (issue 15): the loader feeds the samples as it reads them
**     (sched_derive_switch/wakeup/runtime), in time order, and the rows go in
**     with the loader's multi-row INSERTs (batch.h); nothing is read back. The
**     losses are known only at the end of the capture, so the rows are written
**     as if there were none, and sched_derive_finish() then deletes the runs
**     and clears the delays that cross one (rarely any rows). If the capture
**     is not in time order (capture.out_of_order), the streamed rows are
**     dropped and the same state machine is fed again from the typed tables in
**     (ts, id) order.
**  5. Cost: O(n) in the capture's switch and wakeup samples; memory: one entry
**     per thread and per CPU.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "sched_derive.h"
#include "sql_stmt.h"

enum { A_SLEEPING = 0, A_WAIT_CPU, A_SCHED_IN, A_IGNORE };

typedef struct Task {
  int tid, used;
  int has_atom, astate;
  sqlite3_int64 a_out, a_wake;
  const char *a_cause;
  int have_out;
  sqlite3_int64 last_out;
  char last_state[16];
  /* the row of the current run, written at its switch-out */
  int pending, p_cpu, p_has_ready, p_has_out;
  sqlite3_int64 p_ts, p_ready, p_last_out;
  const char *p_cause;
  char p_last_state[16];
} Task;

typedef struct Tasks { Task *t; size_t n, cap; } Tasks;

static Task *task_get(Tasks *m, int tid) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t nc = m->cap ? m->cap * 2 : 1024;
    Task *nt = sqlite3_malloc64(nc * sizeof(Task));
    if (!nt) return NULL;
    memset(nt, 0, nc * sizeof(Task));
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->t[i].used) continue;
      size_t h = ((unsigned)m->t[i].tid * 2654435761u) & (nc - 1);
      while (nt[h].used) h = (h + 1) & (nc - 1);
      nt[h] = m->t[i];
    }
    sqlite3_free(m->t);
    m->t = nt;
    m->cap = nc;
  }
  size_t h = ((unsigned)tid * 2654435761u) & (m->cap - 1);
  while (m->t[h].used && m->t[h].tid != tid) h = (h + 1) & (m->cap - 1);
  if (!m->t[h].used) {
    memset(&m->t[h], 0, sizeof(Task));
    m->t[h].used = 1;
    m->t[h].tid = tid;
    m->n++;
  }
  return &m->t[h];
}

/* Loss ranges: sorted by start; merged union for the "any CPU" test. */
typedef struct Loss { sqlite3_int64 lo, hi; int cpu; } Loss;
typedef struct Losses { Loss *all; size_t n; Loss *merged; size_t nm; } Losses;

static int loss_cmp(const void *a, const void *b) {
  const Loss *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Does [lo, hi] overlap a loss (of cpu, or of any CPU when cpu < 0)? */
static int crosses(const Losses *L, sqlite3_int64 lo, sqlite3_int64 hi, int cpu) {
  if (L->nm == 0) return 0;
  size_t a = 0, b = L->nm;  /* first merged interval with hi >= lo */
  while (a < b) {
    size_t m = (a + b) / 2;
    if (L->merged[m].hi < lo) a = m + 1;
    else b = m;
  }
  if (a == L->nm || L->merged[a].lo > hi) return 0;
  if (cpu < 0) return 1;
  for (size_t i = 0; i < L->n && L->all[i].lo <= hi; i++)
    if (L->all[i].hi >= lo && (L->all[i].cpu < 0 || L->all[i].cpu == cpu)) return 1;
  return 0;
}

/* rows that a loss voids (sched_derive_finish) */
typedef struct Fix { sqlite3_int64 rowid; int what; } Fix;
typedef struct Fixes { Fix *f; size_t n, cap; } Fixes;

struct SchedDerive {
  sqlite3 *db;
  PerfsqlLoad *ld;
  char **pzErr;
  sqlite3_int64 source_id, capture_id, nrun, ndelay, last_ts;
  int unordered;               /* a sample earlier than the previous one: replay from the tables */
  Batch run, delay;            /* INSERT INTO sched_run / sched_delay */
  Tasks tasks;
  sqlite3_int64 *cpu_last;     /* per CPU: the previous switch (-1: none yet) */
  int ncpu;
  Losses L;
  Fixes fixes;
};

/* A thread first seen runnable at ts (perf's initial atom): its wait starts there. */
static void first_seen(Task *t, sqlite3_int64 ts) {
  if (t->has_atom) return;
  t->has_atom = 1;
  t->a_out = t->a_wake = ts;
  t->astate = A_WAIT_CPU;
  t->a_cause = "first";
}

static Task *task_of(SchedDerive *d, int tid) {
  Task *t = task_get(&d->tasks, tid);
  if (!t) *d->pzErr = sqlite3_mprintf("out of memory");
  return t;
}

/* In time order? Otherwise stop streaming (sched_derive_finish replays). */
static int in_order(SchedDerive *d, sqlite3_int64 ts) {
  if (d->unordered) return 0;
  if (ts < d->last_ts) {
    d->unordered = 1;
    return 0;
  }
  d->last_ts = ts;
  return 1;
}

/* Writes the pending row of t (its run ended at end_ts, or is open when !has_end); the
** columns that a loss may void are checked in sched_derive_finish(). */
static int flush_row(SchedDerive *d, Task *t, int has_end, sqlite3_int64 end_ts) {
  if (!t->pending) return 0;
  t->pending = 0;
  Batch *b = &d->delay;
  Val *v = batch_row(b);
  bv_int(v, 1, d->source_id);
  bv_int(v, 2, d->capture_id);
  bv_int(v, 3, t->tid);
  bv_int(v, 4, t->p_cpu);
  bv_int(v, 5, t->p_ts);
  if (has_end) bv_int(v, 6, end_ts);
  if (t->p_has_ready) {
    bv_int(v, 7, t->p_ready);
    bv_text(b, v, 8, t->p_cause, -1);
    bv_int(v, 9, t->p_ts - t->p_ready);
  }
  if (t->p_has_out) {
    bv_int(v, 10, t->p_last_out);
    bv_text(b, v, 11, t->p_last_state, -1);
    bv_int(v, 12, t->p_ts - t->p_last_out);
  }
  d->ndelay++;
  return batch_add(d->db, b, d->pzErr);
}

int sched_derive_open(sqlite3 *db, PerfsqlLoad *ld, sqlite3_int64 capture_id, SchedDerive **out,
                      char **pzErr) {
  SchedDerive *d = sqlite3_malloc64(sizeof *d);
  *out = d;
  if (!d) { *pzErr = sqlite3_mprintf("out of memory"); return -1; }
  memset(d, 0, sizeof *d);
  d->db = db;
  d->ld = ld;
  d->pzErr = pzErr;
  d->source_id = ld->source_id;
  d->capture_id = capture_id;
  d->last_ts = INT64_MIN;
  if (batch_open(db, &d->run, "INSERT INTO sched_run VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)", pzErr) ||
      batch_open(db, &d->delay, "INSERT INTO sched_delay VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)", pzErr))
    return -1;
  return 0;
}

int sched_derive_switch(SchedDerive *d, sqlite3_int64 ts, int cpu, int prev, const char *prev_comm, int has_prio,
                        sqlite3_int64 prev_prio, const char *state, int next) {
  if (!in_order(d, ts)) return 0;
  if (!state) state = "";
  /* the run that this switch ends on its CPU */
  if (cpu >= 0 && cpu < 65536) {
    if (cpu >= d->ncpu) {
      int nc = cpu + 16;
      sqlite3_int64 *n = sqlite3_realloc64(d->cpu_last, (uint64_t)nc * sizeof *n);
      if (!n) { *d->pzErr = sqlite3_mprintf("out of memory"); return -1; }
      for (int i = d->ncpu; i < nc; i++) n[i] = -1;
      d->cpu_last = n;
      d->ncpu = nc;
    }
    sqlite3_int64 start = d->cpu_last[cpu];
    d->cpu_last[cpu] = ts;
    Batch *b = &d->run;
    Val *v = batch_row(b);
    bv_int(v, 1, d->source_id);
    bv_int(v, 2, d->capture_id);
    bv_int(v, 3, cpu);
    bv_int(v, 4, prev);
    bv_text(b, v, 5, prev_comm, -1);
    if (start >= 0) bv_int(v, 6, start);
    bv_int(v, 7, ts);
    if (start >= 0) bv_int(v, 8, ts - start);
    bv_text(b, v, 9, state, -1);
    if (has_prio) bv_int(v, 10, prev_prio);
    bv_int(v, 11, next);
    d->nrun++;
    if (batch_add(d->db, b, d->pzErr)) return -1;
  }
  if (prev != 0) {  /* switch-out: perf's add_sched_out_event */
    Task *t = task_of(d, prev);
    if (!t || flush_row(d, t, 1, ts)) return -1;
    t->have_out = 1;
    t->last_out = ts;
    snprintf(t->last_state, sizeof t->last_state, "%s", state);
    t->has_atom = 1;
    t->a_out = ts;
    if (strcmp(state, "R") == 0) {
      t->astate = A_WAIT_CPU;
      t->a_wake = ts;
      t->a_cause = "preempt";
    } else {
      t->astate = A_SLEEPING;
    }
  }
  if (next != 0) {  /* sched-in: perf's add_sched_in_event */
    Task *t = task_of(d, next);
    if (!t || flush_row(d, t, 0, 0)) return -1;
    first_seen(t, ts);
    t->pending = 1;
    t->p_ts = ts;
    t->p_cpu = cpu;
    t->p_has_ready = 0;
    if (t->astate == A_WAIT_CPU) {
      if (ts < t->a_wake) {
        t->astate = A_IGNORE;
      } else {
        t->astate = A_SCHED_IN;
        t->p_has_ready = 1;
        t->p_ready = t->a_wake;
        t->p_cause = t->a_cause;
      }
    }
    t->p_has_out = t->have_out;
    t->p_last_out = t->last_out;
    memcpy(t->p_last_state, t->last_state, sizeof t->p_last_state);
  }
  return 0;
}

int sched_derive_wakeup(SchedDerive *d, sqlite3_int64 ts, int pid) {
  if (!in_order(d, ts) || pid == 0) return 0;
  Task *t = task_of(d, pid);  /* perf's latency_wakeup_event */
  if (!t) return -1;
  if (!t->has_atom) {
    t->has_atom = 1;
    t->a_out = ts;
    t->astate = A_SLEEPING;
  }
  if (t->astate == A_SLEEPING && t->a_out <= ts) {
    t->astate = A_WAIT_CPU;
    t->a_wake = ts;
    t->a_cause = "wakeup";
  }
  return 0;
}

int sched_derive_runtime(SchedDerive *d, sqlite3_int64 ts, int pid) {
  if (!in_order(d, ts) || pid == 0) return 0;
  Task *t = task_of(d, pid);  /* perf's latency_runtime_event */
  if (!t) return -1;
  first_seen(t, ts);
  return 0;
}

static int load_losses(SchedDerive *d, const PerfReader *r) {
  size_t n;
  const PerfLost *pl = perf_reader_losses(r, &n);
  if (n == 0) return 0;
  d->L.all = sqlite3_malloc64(n * sizeof(Loss));
  d->L.merged = sqlite3_malloc64(n * sizeof(Loss));
  if (!d->L.all || !d->L.merged) { *d->pzErr = sqlite3_mprintf("out of memory"); return -1; }
  sqlite3_stmt *s = NULL;
  if (sql_prepare(d->db, "INSERT INTO trace_lost VALUES(?1,?2,?3,?4,?5,?6)", &s, d->pzErr) != SQLITE_OK) return -1;
  for (size_t i = 0; i < n; i++) {
    sqlite3_bind_int64(s, 1, d->source_id);
    sqlite3_bind_int64(s, 2, d->capture_id);
    sql_bind_opt_int64(s, 3, pl[i].cpu >= 0, pl[i].cpu);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)pl[i].start_ts);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)pl[i].end_ts);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)pl[i].lost);
    if (sql_step_done(s, d->pzErr) != SQLITE_OK) { sqlite3_finalize(s); return -1; }
    d->L.all[i].lo = (sqlite3_int64)pl[i].start_ts;
    d->L.all[i].hi = (sqlite3_int64)pl[i].end_ts;
    d->L.all[i].cpu = pl[i].cpu;
  }
  sqlite3_finalize(s);
  d->L.n = n;
  qsort(d->L.all, n, sizeof(Loss), loss_cmp);
  for (size_t i = 0; i < n; i++) {
    if (d->L.nm && d->L.all[i].lo <= d->L.merged[d->L.nm - 1].hi) {
      if (d->L.all[i].hi > d->L.merged[d->L.nm - 1].hi) d->L.merged[d->L.nm - 1].hi = d->L.all[i].hi;
    } else {
      d->L.merged[d->L.nm++] = d->L.all[i];
    }
  }
  load_count(d->ld, "trace_lost", (sqlite3_int64)n);
  return 0;
}

/* Runs an SQL statement with ?1 = the capture id, for each row calls fn (0 or -1). */
static int each_row(SchedDerive *d, const char *sql, int (*fn)(SchedDerive *, sqlite3_stmt *)) {
  sqlite3_stmt *q = NULL;
  if (sql_prepare(d->db, sql, &q, d->pzErr) != SQLITE_OK) return -1;
  sqlite3_bind_int64(q, 1, d->capture_id);
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW)
    if (fn(d, q)) { sqlite3_finalize(q); return -1; }
  if (rc != SQLITE_DONE) *d->pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(d->db));
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Replay (capture not in time order): the typed rows in (ts, id) order. */
static int replay_row(SchedDerive *d, sqlite3_stmt *q) {
  sqlite3_int64 ts = sqlite3_column_int64(q, 0);
  switch (sqlite3_column_int(q, 2)) {
    case 0:
      return sched_derive_switch(d, ts, sqlite3_column_int(q, 3), sqlite3_column_int(q, 4),
                                 (const char *)sqlite3_column_text(q, 5), sqlite3_column_type(q, 6) != SQLITE_NULL,
                                 sqlite3_column_int64(q, 6), (const char *)sqlite3_column_text(q, 7),
                                 sqlite3_column_int(q, 8));
    case 1: return sched_derive_wakeup(d, ts, sqlite3_column_int(q, 4));
    default: return sched_derive_runtime(d, ts, sqlite3_column_int(q, 4));
  }
}

static int replay(SchedDerive *d) {
  char *sql = sqlite3_mprintf("DELETE FROM sched_run WHERE capture_id = %lld; DELETE FROM sched_delay WHERE "
                              "capture_id = %lld", d->capture_id, d->capture_id);
  int rc = sql ? sql_exec(d->db, sql, d->pzErr) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc != SQLITE_OK) return -1;
  d->run.nrow = d->delay.nrow = 0;
  d->run.text.len = d->delay.text.len = 0;
  sqlite3_free(d->tasks.t);
  memset(&d->tasks, 0, sizeof d->tasks);
  for (int i = 0; i < d->ncpu; i++) d->cpu_last[i] = -1;
  d->nrun = d->ndelay = 0;
  d->unordered = 0;
  d->last_ts = INT64_MIN;
  return each_row(d,
      "SELECT ts, id, 0, cpu, prev_pid, prev_comm, prev_prio, prev_state, next_pid FROM sched_switch "
      "WHERE capture_id = ?1 UNION ALL "
      "SELECT ts, id, 1, NULL, pid, NULL, NULL, NULL, NULL FROM sched_wakeup WHERE capture_id = ?1 "
      "AND kind IN ('wakeup', 'wakeup_new') UNION ALL "
      "SELECT ts, id, 2, NULL, pid, NULL, NULL, NULL, NULL FROM sched_stat WHERE capture_id = ?1 "
      "AND kind = 'runtime' ORDER BY 1, 2", replay_row);
}

/* Losses: a run whose span crosses a loss of its CPU is deleted; a delay or time off CPU
** whose span crosses any loss is cleared. The rows are found first (rowid, and which
** columns: 1 the wait, 2 the time off CPU), then changed. */
static Fixes *fixes_of(SchedDerive *d) { return &d->fixes; }

static int fix_add(SchedDerive *d, sqlite3_int64 rowid, int what) {
  Fixes *x = fixes_of(d);
  if (x->n == x->cap) {
    size_t nc = x->cap ? 2 * x->cap : 256;
    Fix *nf = sqlite3_realloc64(x->f, nc * sizeof *nf);
    if (!nf) { *d->pzErr = sqlite3_mprintf("out of memory"); return -1; }
    x->f = nf;
    x->cap = nc;
  }
  x->f[x->n].rowid = rowid;
  x->f[x->n++].what = what;
  return 0;
}

static int find_run(SchedDerive *d, sqlite3_stmt *q) {
  if (sqlite3_column_type(q, 1) == SQLITE_NULL ||
      !crosses(&d->L, sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2), sqlite3_column_int(q, 3)))
    return 0;
  return fix_add(d, sqlite3_column_int64(q, 0), 0);
}

static int find_delay(SchedDerive *d, sqlite3_stmt *q) {
  sqlite3_int64 ts = sqlite3_column_int64(q, 1);
  int ready = sqlite3_column_type(q, 2) != SQLITE_NULL && crosses(&d->L, sqlite3_column_int64(q, 2), ts, -1);
  int out = sqlite3_column_type(q, 3) != SQLITE_NULL && crosses(&d->L, sqlite3_column_int64(q, 3), ts, -1);
  return ready || out ? fix_add(d, sqlite3_column_int64(q, 0), ready | out << 1) : 0;
}

static int apply_fixes(SchedDerive *d, const char *sql) {
  Fixes *x = fixes_of(d);
  sqlite3_stmt *s = NULL;
  int rc = sql_prepare(d->db, sql, &s, d->pzErr);
  for (size_t i = 0; i < x->n && rc == SQLITE_OK; i++) {
    sqlite3_bind_int64(s, 1, x->f[i].rowid);
    if (sqlite3_bind_parameter_count(s) > 1) sqlite3_bind_int(s, 2, x->f[i].what);
    rc = sql_step_done(s, d->pzErr);
  }
  sqlite3_finalize(s);
  x->n = 0;
  return rc == SQLITE_OK ? 0 : -1;
}

static int fix_losses(SchedDerive *d) {
  if (each_row(d, "SELECT rowid, ts, end_ts, cpu FROM sched_run WHERE capture_id = ?1", find_run)) return -1;
  d->nrun -= (sqlite3_int64)fixes_of(d)->n;
  if (apply_fixes(d, "DELETE FROM sched_run WHERE rowid = ?1")) return -1;
  return each_row(d, "SELECT rowid, ts, runnable_ts, last_out FROM sched_delay WHERE capture_id = ?1 "
                  "AND (runnable_ts IS NOT NULL OR last_out IS NOT NULL)", find_delay) ||
         apply_fixes(d, "UPDATE sched_delay SET "
                     "runnable_ts = iif(?2 & 1, NULL, runnable_ts), cause = iif(?2 & 1, NULL, cause), "
                     "wait = iif(?2 & 1, NULL, wait), last_out = iif(?2 & 2, NULL, last_out), "
                     "off_cpu = iif(?2 & 2, NULL, off_cpu) WHERE rowid = ?1") ? -1 : 0;
}

static void warn_losses(const PerfReader *r, const char *path) {
  const PerfReaderStats *st = perf_reader_stats(r);
  if (!st->lost_events && !st->lost_samples) return;
  size_t n;
  const PerfLost *pl = perf_reader_losses(r, &n);
  uint64_t span = 0;
  for (size_t i = 0; i < n; i++) span += pl[i].end_ts - pl[i].start_ts;
  PerfsqlBuf m = {0};
  for (size_t i = 0; i < n && i < 3; i++) {
    char one[96];
    snprintf(one, sizeof one, "%scpu %d %.6f-%.6f s", i ? ", " : "", pl[i].cpu, pl[i].start_ts / 1e9,
             pl[i].end_ts / 1e9);
    buf_append(&m, one, strlen(one));
  }
  buf_append(&m, "", 1);
  fprintf(stderr, "perfsql: %s: warning: the kernel lost %llu events in %zu ranges (%.3f ms in all; %s%s)%s; "
          "runs and waits crossing them are left out (SELECT * FROM trace_loss)\n", path,
          (unsigned long long)st->lost_events, n, span / 1e6, m.data ? m.data : "", n > 3 ? ", ..." : "",
          st->lost_samples ? " plus samples dropped at the source (PERF_RECORD_LOST_SAMPLES)" : "");
  buf_free(&m);
}

int sched_derive_finish(SchedDerive *d, const PerfReader *r, const char *path, int quiet) {
  if (d->unordered && replay(d)) return -1;
  for (size_t i = 0; i < d->tasks.cap; i++)
    if (d->tasks.t[i].used && flush_row(d, &d->tasks.t[i], 0, 0)) return -1;
  if (batch_flush(d->db, &d->run, 1, d->pzErr) || batch_flush(d->db, &d->delay, 1, d->pzErr)) return -1;
  if (load_losses(d, r)) return -1;
  if (d->L.n && fix_losses(d)) return -1;
  if (d->nrun) load_count(d->ld, "sched_run", d->nrun);
  if (d->ndelay) load_count(d->ld, "sched_delay", d->ndelay);
  if (!quiet) warn_losses(r, path);
  return 0;
}

void sched_derive_free(SchedDerive *d) {
  if (!d) return;
  batch_close(&d->run);
  batch_close(&d->delay);
  sqlite3_free(d->L.all);
  sqlite3_free(d->L.merged);
  sqlite3_free(d->tasks.t);
  sqlite3_free(d->cpu_last);
  sqlite3_free(d->fixes.f);
  sqlite3_free(d);
}

void perf_stdin_identity(const char *capture, char **uri, char hash[65]) {
  Sha256 h;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  sha256_init(&h);
  sha256_update(&h, "stdin", 6);
  sha256_update(&h, capture, strlen(capture) + 1);
  sha256_update(&h, &now, sizeof now);
  pid_t pid = getpid();
  sha256_update(&h, &pid, sizeof pid);
  sha256_hex(&h, hash);
  *uri = sqlite3_mprintf("stdin:%s", capture);
}
