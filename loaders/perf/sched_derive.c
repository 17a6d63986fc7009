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
**  4. Cost: O(n) in the capture's switch and wakeup rows plus one sort each;
**     memory: one entry per thread.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sched_derive.h"

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

static void bind_opt(sqlite3_stmt *s, int i, int have, sqlite3_int64 v) {
  if (have) sqlite3_bind_int64(s, i, v);
  else sqlite3_bind_null(s, i);
}

typedef struct Ctx {
  sqlite3 *db;
  sqlite3_stmt *ins_run, *ins_delay;
  sqlite3_int64 source_id, capture_id, nrun, ndelay;
  Losses L;
  char **pzErr;
} Ctx;

static int step_done(Ctx *c, sqlite3_stmt *s) {
  if (sqlite3_step(s) != SQLITE_DONE) {
    *c->pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(c->db));
    sqlite3_reset(s);
    return -1;
  }
  sqlite3_reset(s);
  return 0;
}

/* Writes the pending row of t (its run ended at end_ts, or is open when !has_end). */
static int flush_row(Ctx *c, Task *t, int has_end, sqlite3_int64 end_ts) {
  if (!t->pending) return 0;
  t->pending = 0;
  sqlite3_stmt *s = c->ins_delay;
  int ready = t->p_has_ready && !crosses(&c->L, t->p_ready, t->p_ts, -1);
  int out = t->p_has_out && !crosses(&c->L, t->p_last_out, t->p_ts, -1);
  sqlite3_bind_int64(s, 1, c->source_id);
  sqlite3_bind_int64(s, 2, c->capture_id);
  sqlite3_bind_int(s, 3, t->tid);
  sqlite3_bind_int(s, 4, t->p_cpu);
  sqlite3_bind_int64(s, 5, t->p_ts);
  bind_opt(s, 6, has_end, end_ts);
  bind_opt(s, 7, ready, t->p_ready);
  if (ready) sqlite3_bind_text(s, 8, t->p_cause, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, 8);
  bind_opt(s, 9, ready, t->p_ts - t->p_ready);
  bind_opt(s, 10, out, t->p_last_out);
  if (t->p_has_out) sqlite3_bind_text(s, 11, t->p_last_state, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(s, 11);
  bind_opt(s, 12, out, t->p_ts - t->p_last_out);
  c->ndelay++;
  return step_done(c, s);
}

static int load_losses(Ctx *c, const PerfReader *r, PerfsqlLoad *ld) {
  size_t n;
  const PerfLost *pl = perf_reader_losses(r, &n);
  if (n == 0) return 0;
  c->L.all = sqlite3_malloc64(n * sizeof(Loss));
  c->L.merged = sqlite3_malloc64(n * sizeof(Loss));
  if (!c->L.all || !c->L.merged) { *c->pzErr = sqlite3_mprintf("out of memory"); return -1; }
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(c->db, "INSERT INTO trace_lost VALUES(?1,?2,?3,?4,?5,?6)", -1, &s, NULL) != SQLITE_OK) {
    *c->pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(c->db));
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    sqlite3_bind_int64(s, 1, c->source_id);
    sqlite3_bind_int64(s, 2, c->capture_id);
    bind_opt(s, 3, pl[i].cpu >= 0, pl[i].cpu);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)pl[i].start_ts);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)pl[i].end_ts);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)pl[i].lost);
    if (step_done(c, s)) { sqlite3_finalize(s); return -1; }
    c->L.all[i].lo = (sqlite3_int64)pl[i].start_ts;
    c->L.all[i].hi = (sqlite3_int64)pl[i].end_ts;
    c->L.all[i].cpu = pl[i].cpu;
  }
  sqlite3_finalize(s);
  c->L.n = n;
  qsort(c->L.all, n, sizeof(Loss), loss_cmp);
  for (size_t i = 0; i < n; i++) {
    if (c->L.nm && c->L.all[i].lo <= c->L.merged[c->L.nm - 1].hi) {
      if (c->L.all[i].hi > c->L.merged[c->L.nm - 1].hi) c->L.merged[c->L.nm - 1].hi = c->L.all[i].hi;
    } else {
      c->L.merged[c->L.nm++] = c->L.all[i];
    }
  }
  load_count(ld, "trace_lost", (sqlite3_int64)n);
  return 0;
}

int sched_derive(sqlite3 *db, PerfsqlLoad *ld, const PerfReader *r, sqlite3_int64 capture_id,
                 const char *path, int quiet, char **pzErr) {
  Ctx c;
  memset(&c, 0, sizeof c);
  c.db = db;
  c.source_id = ld->source_id;
  c.capture_id = capture_id;
  c.pzErr = pzErr;
  Tasks tasks = {0};
  sqlite3_int64 *cpu_last = NULL;
  int ncpu = 0, rc = -1;
  sqlite3_stmt *sw = NULL, *wk = NULL, *rt = NULL;
  if (load_losses(&c, r, ld)) goto done;
  if (sqlite3_prepare_v2(db, "INSERT INTO sched_run VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)", -1,
                         &c.ins_run, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "INSERT INTO sched_delay VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)", -1,
                         &c.ins_delay, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT ts, id, cpu, prev_pid, prev_comm, prev_prio, prev_state, next_pid "
                         "FROM sched_switch WHERE capture_id = ?1 ORDER BY ts, id", -1, &sw, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT ts, id, pid FROM sched_wakeup WHERE capture_id = ?1 "
                         "AND kind IN ('wakeup', 'wakeup_new') ORDER BY ts, id", -1, &wk, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT ts, id, pid FROM sched_stat WHERE capture_id = ?1 AND kind = 'runtime' "
                         "ORDER BY ts, id", -1, &rt, NULL) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
    goto done;
  }
  sqlite3_bind_int64(sw, 1, capture_id);
  sqlite3_bind_int64(wk, 1, capture_id);
  sqlite3_bind_int64(rt, 1, capture_id);
  int hs = sqlite3_step(sw), hw = sqlite3_step(wk), hr = sqlite3_step(rt);
  while (hs == SQLITE_ROW || hw == SQLITE_ROW || hr == SQLITE_ROW) {
    /* the earliest (ts, id) of the three streams: 0 switch, 1 wakeup, 2 runtime */
    sqlite3_stmt *cur[3] = {hs == SQLITE_ROW ? sw : NULL, hw == SQLITE_ROW ? wk : NULL, hr == SQLITE_ROW ? rt : NULL};
    int which = -1;
    for (int i = 0; i < 3; i++) {
      if (!cur[i]) continue;
      if (which < 0) { which = i; continue; }
      sqlite3_int64 a = sqlite3_column_int64(cur[i], 0), b = sqlite3_column_int64(cur[which], 0);
      if (a < b || (a == b && sqlite3_column_int64(cur[i], 1) < sqlite3_column_int64(cur[which], 1))) which = i;
    }
    if (which == 2) {  /* sched_stat_runtime: perf's latency_runtime_event */
      int pid = sqlite3_column_int(rt, 2);
      if (pid != 0) {
        Task *t = task_get(&tasks, pid);
        if (!t) { *pzErr = sqlite3_mprintf("out of memory"); goto done; }
        if (!t->has_atom) {
          t->has_atom = 1;
          t->a_out = t->a_wake = sqlite3_column_int64(rt, 0);
          t->astate = A_WAIT_CPU;
          t->a_cause = "first";
        }
      }
      hr = sqlite3_step(rt);
    } else if (which == 0) {
      sqlite3_int64 ts = sqlite3_column_int64(sw, 0);
      int cpu = sqlite3_column_int(sw, 2), prev = sqlite3_column_int(sw, 3), next = sqlite3_column_int(sw, 7);
      const char *state = (const char *)sqlite3_column_text(sw, 6);
      if (!state) state = "";
      /* the run that this switch ends on its CPU */
      if (cpu >= 0 && cpu < 65536) {
        if (cpu >= ncpu) {
          int nc = cpu + 16;
          sqlite3_int64 *n = sqlite3_realloc64(cpu_last, (uint64_t)nc * sizeof *n);
          if (!n) { *pzErr = sqlite3_mprintf("out of memory"); goto done; }
          for (int i = ncpu; i < nc; i++) n[i] = -1;
          cpu_last = n;
          ncpu = nc;
        }
        sqlite3_int64 start = cpu_last[cpu];
        cpu_last[cpu] = ts;
        if (start < 0 || !crosses(&c.L, start, ts, cpu)) {
          sqlite3_stmt *s = c.ins_run;
          sqlite3_bind_int64(s, 1, c.source_id);
          sqlite3_bind_int64(s, 2, capture_id);
          sqlite3_bind_int(s, 3, cpu);
          sqlite3_bind_int(s, 4, prev);
          sqlite3_bind_value(s, 5, sqlite3_column_value(sw, 4));
          bind_opt(s, 6, start >= 0, start);
          sqlite3_bind_int64(s, 7, ts);
          bind_opt(s, 8, start >= 0, ts - start);
          sqlite3_bind_text(s, 9, state, -1, SQLITE_TRANSIENT);
          sqlite3_bind_value(s, 10, sqlite3_column_value(sw, 5));
          sqlite3_bind_int(s, 11, next);
          c.nrun++;
          if (step_done(&c, s)) goto done;
        }
      }
      if (prev != 0) {  /* switch-out: perf's add_sched_out_event */
        Task *t = task_get(&tasks, prev);
        if (!t) { *pzErr = sqlite3_mprintf("out of memory"); goto done; }
        if (flush_row(&c, t, 1, ts)) goto done;
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
        Task *t = task_get(&tasks, next);
        if (!t) { *pzErr = sqlite3_mprintf("out of memory"); goto done; }
        if (flush_row(&c, t, 0, 0)) goto done;
        if (!t->has_atom) {
          t->has_atom = 1;
          t->a_out = t->a_wake = ts;
          t->astate = A_WAIT_CPU;
          t->a_cause = "first";
        }
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
      hs = sqlite3_step(sw);
    } else {  /* wakeup: perf's latency_wakeup_event */
      sqlite3_int64 ts = sqlite3_column_int64(wk, 0);
      int pid = sqlite3_column_int(wk, 2);
      if (pid != 0) {
        Task *t = task_get(&tasks, pid);
        if (!t) { *pzErr = sqlite3_mprintf("out of memory"); goto done; }
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
      }
      hw = sqlite3_step(wk);
    }
  }
  if (hs != SQLITE_DONE || hw != SQLITE_DONE || hr != SQLITE_DONE) {
    *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
    goto done;
  }
  for (size_t i = 0; i < tasks.cap; i++)
    if (tasks.t[i].used && flush_row(&c, &tasks.t[i], 0, 0)) goto done;
  if (c.nrun) load_count(ld, "sched_run", c.nrun);
  if (c.ndelay) load_count(ld, "sched_delay", c.ndelay);
  if (!quiet) {
    const PerfReaderStats *st = perf_reader_stats(r);
    if (st->lost_events || st->lost_samples) {
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
  }
  rc = 0;
done:
  sqlite3_finalize(sw);
  sqlite3_finalize(wk);
  sqlite3_finalize(rt);
  sqlite3_finalize(c.ins_run);
  sqlite3_finalize(c.ins_delay);
  sqlite3_free(c.L.all);
  sqlite3_free(c.L.merged);
  sqlite3_free(tasks.t);
  sqlite3_free(cpu_last);
  return rc;
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
