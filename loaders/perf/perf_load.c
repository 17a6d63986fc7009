/*
** perf_load.c — loads a perf.data capture and perfwhiz task maps into the
** traces schema (sql/003_traces.sql).
**
**  1. perf_load_file(): one transaction (loaders/common/load.h) writes one
**     `capture` row, every tracepoint sample into trace_event (fields as
**     JSON, by name) and the typed tables (sched_switch, sched_waking/wakeup[_new],
**     sched_migrate_task, sched_process_fork/exec/exit, sched_stat_*,
**     kvm_exit with the reason decoded from isa, kvm_entry), plus
**     trace_thread. Rows are inserted in timestamp order (the reader sorts),
**     so ids follow time. Any reader error rolls the whole load back.
**  2. Capture names are unique: a name already used by another source is an
**     error unless replace is set, which deletes that earlier capture.
**  3. taskmap_parse()/taskmap_insert(): perfwhiz's CSV
**     `tid,instance,type,uuid,group-type,group-id,task-name` (fields 2, 4, 5
**     may be empty; '#' lines and blank lines skipped). A bad row is an error
**     "<file>:line N: <what>" and nothing is loaded.
**  4. Memory: the reader's bounds plus one entry per thread (trace_thread).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/load.h"
#include "perf_load.h"
#include "perf_reader.h"

/* ---- statements ------------------------------------------------------------------ */

enum {
  ST_EVENT, ST_SWITCH, ST_WAKEUP, ST_MIGRATE, ST_PROCESS, ST_STAT, ST_KVM_EXIT, ST_KVM_ENTRY,
  ST_THREAD, ST_COUNT
};
static const char *const st_sql[ST_COUNT] = {
    ("INSERT INTO trace_event(id,source_id,capture_id,ts,cpu,pid,tid,comm,system,event,args) "
     "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"),
    "INSERT INTO sched_switch VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
    "INSERT INTO sched_wakeup VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    "INSERT INTO sched_migrate VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    "INSERT INTO sched_process VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
    "INSERT INTO sched_stat VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    "INSERT INTO kvm_exit VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    "INSERT INTO kvm_entry VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
    "INSERT INTO trace_thread VALUES(?1,?2,?3,?4,?5,?6,?7)",
};
static const char *const st_table[ST_COUNT] = {"trace_event", "sched_switch", "sched_wakeup",
    "sched_migrate", "sched_process", "sched_stat", "kvm_exit", "kvm_entry", "trace_thread"};

/* Typed kinds of tracepoints. */
enum { K_NONE, K_SWITCH, K_WAKING, K_WAKEUP, K_WAKEUP_NEW, K_MIGRATE, K_FORK, K_EXEC, K_EXIT, K_STAT, K_KVM_EXIT,
       K_KVM_ENTRY };

static int kind_of(const char *sys, const char *name) {
  if (!sys || !name) return K_NONE;
  if (strcmp(sys, "sched") == 0) {
    if (strcmp(name, "sched_switch") == 0) return K_SWITCH;
    if (strcmp(name, "sched_waking") == 0) return K_WAKING;
    if (strcmp(name, "sched_wakeup") == 0) return K_WAKEUP;
    if (strcmp(name, "sched_wakeup_new") == 0) return K_WAKEUP_NEW;
    if (strcmp(name, "sched_migrate_task") == 0) return K_MIGRATE;
    if (strcmp(name, "sched_process_fork") == 0) return K_FORK;
    if (strcmp(name, "sched_process_exec") == 0) return K_EXEC;
    if (strcmp(name, "sched_process_exit") == 0) return K_EXIT;
    if (strncmp(name, "sched_stat_", 11) == 0) return K_STAT;
  } else if (strcmp(sys, "kvm") == 0) {
    if (strcmp(name, "kvm_exit") == 0) return K_KVM_EXIT;
    if (strcmp(name, "kvm_entry") == 0) return K_KVM_ENTRY;
  }
  return K_NONE;
}

/* Thread table entry (tid -> pid, last comm, first/last ts). */
typedef struct Thr { int tid, pid, used; char comm[32]; uint64_t first, last; } Thr;
typedef struct ThrMap { Thr *t; size_t n, cap; } ThrMap;

static Thr *thr_get(ThrMap *m, int tid) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t oc = m->cap, nc = oc ? oc * 2 : 1024;
    Thr *old = m->t, *nt = sqlite3_malloc64(nc * sizeof(Thr));
    if (!nt) return NULL;
    memset(nt, 0, nc * sizeof(Thr));
    m->t = nt;
    m->cap = nc;
    m->n = 0;
    for (size_t i = 0; i < oc; i++)
      if (old[i].used) *thr_get(m, old[i].tid) = old[i];
    sqlite3_free(old);
  }
  size_t mask = m->cap - 1, h = ((uint32_t)tid * 2654435761u) & mask;
  while (m->t[h].used && m->t[h].tid != tid) h = (h + 1) & mask;
  if (!m->t[h].used) {
    m->t[h].used = 1;
    m->t[h].tid = tid;
    m->n++;
  }
  return &m->t[h];
}

static long long fint(const PerfEvent *ev, const char *name, int *ok) {
  const PerfField *f = perf_event_field(ev, name);
  if (!f || (f->kind != PERF_FIELD_INT && f->kind != PERF_FIELD_UINT)) {
    if (ok) *ok = 0;
    return 0;
  }
  return f->i;
}
static void bind_int(sqlite3_stmt *s, int i, const PerfEvent *ev, const char *name) {
  int ok = 1;
  long long v = fint(ev, name, &ok);
  if (ok) sqlite3_bind_int64(s, i, v);
  else sqlite3_bind_null(s, i);
}
static void bind_str(sqlite3_stmt *s, int i, const PerfEvent *ev, const char *name) {
  const PerfField *f = perf_event_field(ev, name);
  if (f && f->kind == PERF_FIELD_STRING) sqlite3_bind_text(s, i, f->s, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(s, i);
}

static int step(sqlite3 *db, sqlite3_stmt *s, char **pzErr) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
    return -1;
  }
  return 0;
}

/* Writes the typed row of ev (kind k). */
static int insert_typed(sqlite3 *db, sqlite3_stmt **st, int k, const PerfEvent *ev, sqlite3_int64 id,
                        sqlite3_int64 src, sqlite3_int64 cap, uint64_t *counts, char **pzErr) {
  int which;
  switch (k) {
    case K_SWITCH: which = ST_SWITCH; break;
    case K_WAKING: case K_WAKEUP: case K_WAKEUP_NEW: which = ST_WAKEUP; break;
    case K_MIGRATE: which = ST_MIGRATE; break;
    case K_FORK: case K_EXEC: case K_EXIT: which = ST_PROCESS; break;
    case K_STAT: which = ST_STAT; break;
    case K_KVM_EXIT: which = ST_KVM_EXIT; break;
    case K_KVM_ENTRY: which = ST_KVM_ENTRY; break;
    default: return 0;
  }
  sqlite3_stmt *s = st[which];
  sqlite3_bind_int64(s, 1, id);
  sqlite3_bind_int64(s, 2, src);
  sqlite3_bind_int64(s, 3, cap);
  sqlite3_bind_int64(s, 4, (sqlite3_int64)ev->ts);
  if (ev->cpu >= 0) sqlite3_bind_int(s, 5, ev->cpu);
  else sqlite3_bind_null(s, 5);
  switch (k) {
    case K_SWITCH: {
      bind_str(s, 6, ev, "prev_comm");
      bind_int(s, 7, ev, "prev_pid");
      bind_int(s, 8, ev, "prev_prio");
      int ok = 1;
      long long state = fint(ev, "prev_state", &ok);
      char txt[32];
      sched_state_text((uint64_t)state, txt);
      if (ok) sqlite3_bind_text(s, 9, txt, -1, SQLITE_TRANSIENT);
      else sqlite3_bind_null(s, 9);
      bind_str(s, 10, ev, "next_comm");
      bind_int(s, 11, ev, "next_pid");
      bind_int(s, 12, ev, "next_prio");
      break;
    }
    case K_WAKING: case K_WAKEUP: case K_WAKEUP_NEW:
      sqlite3_bind_int(s, 6, ev->tid);
      bind_str(s, 7, ev, "comm");
      bind_int(s, 8, ev, "pid");
      bind_int(s, 9, ev, "prio");
      bind_int(s, 10, ev, "target_cpu");
      sqlite3_bind_text(s, 11, k == K_WAKING ? "waking" : k == K_WAKEUP ? "wakeup" : "wakeup_new", -1,
                        SQLITE_STATIC);
      break;
    case K_MIGRATE:
      bind_str(s, 6, ev, "comm");
      bind_int(s, 7, ev, "pid");
      bind_int(s, 8, ev, "prio");
      bind_int(s, 9, ev, "orig_cpu");
      bind_int(s, 10, ev, "dest_cpu");
      break;
    case K_FORK: case K_EXEC: case K_EXIT:
      for (int i = 6; i <= 13; i++) sqlite3_bind_null(s, i);
      sqlite3_bind_text(s, 6, k == K_FORK ? "fork" : k == K_EXEC ? "exec" : "exit", -1, SQLITE_STATIC);
      if (k == K_FORK) {
        bind_int(s, 7, ev, "child_pid");
        bind_str(s, 8, ev, "child_comm");
        bind_int(s, 9, ev, "parent_pid");
        bind_str(s, 10, ev, "parent_comm");
      } else if (k == K_EXEC) {
        bind_int(s, 7, ev, "pid");
        bind_str(s, 11, ev, "filename");
        bind_int(s, 12, ev, "old_pid");
      } else {
        bind_int(s, 7, ev, "pid");
        bind_str(s, 8, ev, "comm");
        bind_int(s, 13, ev, "prio");
      }
      break;
    case K_STAT: {
      sqlite3_bind_text(s, 6, ev->name + 11, -1, SQLITE_TRANSIENT);
      bind_str(s, 7, ev, "comm");
      bind_int(s, 8, ev, "pid");
      if (perf_event_field(ev, "runtime")) bind_int(s, 9, ev, "runtime");
      else bind_int(s, 9, ev, "delay");
      bind_int(s, 10, ev, "vruntime");
      break;
    }
    case K_KVM_EXIT: {
      sqlite3_bind_int(s, 6, ev->tid);
      bind_int(s, 7, ev, "vcpu_id");
      int ok = 1, ok_isa = 1;
      long long reason = fint(ev, "exit_reason", &ok);
      long long isa = fint(ev, "isa", &ok_isa);
      if (!ok) {
        *pzErr = sqlite3_mprintf("kvm_exit at byte offset %llu has no exit_reason field",
                                 (unsigned long long)ev->offset);
        return -1;
      }
      sqlite3_bind_int64(s, 8, reason);
      if (ok_isa) sqlite3_bind_int64(s, 9, isa);
      else sqlite3_bind_null(s, 9);
      const char *name = ok_isa ? kvm_exit_reason_name((uint64_t)reason, (int)isa) : NULL;
      if (name) {
        sqlite3_bind_text(s, 10, name, -1, SQLITE_STATIC);
      } else {
        char unk[40];
        snprintf(unk, sizeof unk, "UNKNOWN_%lld", reason);
        sqlite3_bind_text(s, 10, unk, -1, SQLITE_TRANSIENT);
      }
      bind_int(s, 11, ev, "guest_rip");
      bind_int(s, 12, ev, "info1");
      bind_int(s, 13, ev, "info2");
      bind_int(s, 14, ev, "intr_info");
      bind_int(s, 15, ev, "error_code");
      break;
    }
    case K_KVM_ENTRY:
      sqlite3_bind_int(s, 6, ev->tid);
      bind_int(s, 7, ev, "vcpu_id");
      bind_int(s, 8, ev, "rip");
      break;
  }
  counts[which]++;
  return step(db, s, pzErr);
}

/* ---- task map CSV ------------------------------------------------------------------- */

void taskmap_free(TaskMap *m) {
  if (!m) return;
  for (int i = 0; i < m->n; i++)
    for (int k = 0; k < 7; k++) sqlite3_free(m->rows[i].f[k]);
  sqlite3_free(m->rows);
  memset(m, 0, sizeof *m);
}

/* Splits one CSV line (no quoting in perfwhiz's files; fields may not contain commas). */
int taskmap_parse(const char *path, TaskMap *m, char **pzErr) {
  memset(m, 0, sizeof *m);
  char *text = NULL;
  size_t len = 0;
  if (read_file_all(path, 64u << 20, &text, &len, pzErr)) return -1;
  const char *nul = memchr(text, 0, len);
  if (nul) {   /* a C string would end there: the rest of the file would be ignored */
    *pzErr = err_at_offset(path, (long long)(nul - text), "NUL byte: not a task-map CSV");
    sqlite3_free(text);
    return -1;
  }
  char *line = text;
  long lineno = 0;
  int rc = 0;
  while (line && *line && rc == 0) {
    lineno++;
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    size_t ll = strlen(line);
    if (ll && line[ll - 1] == '\r') line[--ll] = 0;
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == 0 || *p == '#') { line = nl ? nl + 1 : NULL; continue; }
    char *f[8];
    int nf = 0;
    char *s = line;
    for (;;) {
      if (nf < 8) f[nf] = s;
      nf++;
      char *c = strchr(s, ',');
      if (!c) break;
      *c = 0;
      s = c + 1;
    }
    if (nf != 7) {
      *pzErr = err_at_line(path, lineno, "expected 7 comma-separated fields "
                           "(tid,instance,type,uuid,group-type,group-id,task-name), found %d", nf);
      rc = -1;
      break;
    }
    char *end;
    errno = 0;
    long tid = strtol(f[0], &end, 10);
    if (!*f[0] || *end || errno || tid < 0 || tid > 0x7fffffff) {
      *pzErr = err_at_line(path, lineno, "tid '%s' is not a thread id", f[0]);
      rc = -1;
      break;
    }
    if (!*f[2]) { *pzErr = err_at_line(path, lineno, "task type (field 3) is empty"); rc = -1; break; }
    if (!*f[6]) { *pzErr = err_at_line(path, lineno, "task name (field 7) is empty"); rc = -1; break; }
    if (*f[5]) {
      strtol(f[5], &end, 10);
      if (*end) { *pzErr = err_at_line(path, lineno, "group id '%s' is not an integer", f[5]); rc = -1; break; }
    }
    for (int i = 0; i < m->n; i++)
      if (m->rows[i].tid == tid) {
        *pzErr = err_at_line(path, lineno, "tid %ld is already mapped on line %ld", tid, m->rows[i].line);
        rc = -1;
        break;
      }
    if (rc) break;
    if (m->n % 64 == 0) {
      TaskMapRow *nr = sqlite3_realloc64(m->rows, (uint64_t)(m->n + 64) * sizeof(TaskMapRow));
      if (!nr) { *pzErr = sqlite3_mprintf("out of memory"); rc = -1; break; }
      m->rows = nr;
    }
    TaskMapRow *row = &m->rows[m->n++];
    row->tid = tid;
    row->line = lineno;
    for (int k = 0; k < 7; k++) row->f[k] = sqlite3_mprintf("%s", f[k]);
    line = nl ? nl + 1 : NULL;
  }
  sqlite3_free(text);
  if (rc) taskmap_free(m);
  return rc;
}

int taskmap_insert(sqlite3 *db, sqlite3_int64 source_id, const char *capture, const TaskMap *m,
                   const char *path, char **pzErr) {
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(db,
          "INSERT INTO task_map(source_id,capture,tid,instance,type,uuid,group_type,group_id,task_name)"
          " VALUES(?1,?2,?3,nullif(?4,''),?5,nullif(?6,''),nullif(?7,''),"
          " CASE WHEN ?8 = '' THEN NULL ELSE CAST(?8 AS INTEGER) END,?9)", -1, &s, NULL) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
    return -1;
  }
  for (int i = 0; i < m->n; i++) {
    const TaskMapRow *r = &m->rows[i];
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_text(s, 2, capture, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, r->tid);
    for (int k = 1; k < 7; k++) sqlite3_bind_text(s, k + 3, r->f[k], -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
      if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
        *pzErr = err_at_line(path, r->line, "tid %ld is already mapped for capture '%s' by an earlier "
                             "task map (reload that one with --replace)", r->tid, capture);
      else
        *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
      sqlite3_finalize(s);
      return -1;
    }
  }
  sqlite3_finalize(s);
  return 0;
}

int taskmap_load(sqlite3 *db, const char *path, const char *capture, int replace, int quiet,
                 char **pzErr) {
  TaskMap m;
  if (taskmap_parse(path, &m, pzErr)) return -1;
  if (m.n == 0) {   /* an empty (or comments-only) file is not a task map */
    taskmap_free(&m);
    *pzErr = sqlite3_mprintf("%s: no task rows (empty file, or only comments): not a task map", path);
    return -1;
  }
  char hash[65];
  /* the capture name is part of the identity: the same CSV may annotate several captures */
  Sha256 h;
  char *text = NULL;
  size_t len = 0;
  if (read_file_all(path, 64u << 20, &text, &len, pzErr)) { taskmap_free(&m); return -1; }
  sha256_init(&h);
  sha256_update(&h, capture, strlen(capture) + 1);
  sha256_update(&h, text, len);
  sha256_hex(&h, hash);
  sqlite3_free(text);
  char *uri = sqlite3_mprintf("%s#capture=%s", path, capture);
  PerfsqlLoad ld;
  int st = load_begin(db, "taskmap", uri, hash, replace, &ld, pzErr);
  sqlite3_free(uri);
  int rc = -1;
  if (st == LOAD_DUPLICATE) {
    load_report(&ld, st, quiet);
    rc = 0;
  } else if (st == LOAD_NEW) {
    if (taskmap_insert(db, ld.source_id, capture, &m, path, pzErr)) {
      load_rollback(&ld);
    } else {
      load_count(&ld, "task_map", m.n);
      if (load_commit(&ld, pzErr) == SQLITE_OK) {
        load_report(&ld, st, quiet);
        rc = 0;
      }
    }
  }
  load_free(&ld);
  taskmap_free(&m);
  return rc;
}

/* ---- perf.data ------------------------------------------------------------------------ */

int perf_load_file(sqlite3 *db, const char *path, const char *capture, const char *map_path,
                   int replace, int quiet, char **pzErr) {
  TaskMap map;
  memset(&map, 0, sizeof map);
  if (map_path && taskmap_parse(map_path, &map, pzErr)) return -1;
  /* the header first: a file that is not a capture fails at once, not after hashing it all */
  PerfReader *r = NULL;
  if (perf_reader_open(path, &r, pzErr)) { taskmap_free(&map); return -1; }
  char hash[65];
  if (sha256_file(path, hash, pzErr)) { perf_reader_close(r); taskmap_free(&map); return -1; }

  PerfsqlLoad ld;
  memset(&ld, 0, sizeof ld);
  sqlite3_stmt *st[ST_COUNT] = {0};
  ThrMap threads = {0};
  PerfsqlBuf args = {0};
  signed char *kinds = NULL;
  int rc = -1;
  uint64_t counts[ST_COUNT] = {0};
  /* identity = content + capture name: the same file may be loaded as two captures,
  ** and a new file at the same path is a new capture; --replace drops only the
  ** capture called `capture` (below), never another capture of the same path */
  char ident[65];
  load_identity_hash(hash, capture, ident);
  int status = load_begin(db, "perf", path, ident, replace ? LOAD_REPLACE_SAME : LOAD_KEEP, &ld, pzErr);
  if (status == LOAD_ERROR) goto done_noload;
  if (status == LOAD_DUPLICATE) {
    load_report(&ld, status, quiet);
    rc = 0;
    goto done_noload;
  }
  /* the capture name: unique across sources */
  {
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT source_id FROM capture WHERE name = ?1", -1, &q, NULL);
    sqlite3_bind_text(q, 1, capture, -1, SQLITE_STATIC);
    sqlite3_int64 other = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    if (other && !replace) {
      *pzErr = sqlite3_mprintf("%s: capture name '%s' is already used by source %lld "
                               "(choose another --name, or --replace)", path, capture, other);
      goto fail;
    }
    if (other) {
      ld.replaced = 1;
      char *sql = sqlite3_mprintf("DELETE FROM source WHERE id = %lld", other);
      int e = sqlite3_exec(db, sql, 0, 0, pzErr);
      sqlite3_free(sql);
      if (e != SQLITE_OK) goto fail;
    }
  }
  const PerfReaderStats *rs = perf_reader_stats(r);
  sqlite3_int64 cap_id;
  {
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO capture(source_id,name,path,hostname,os_release,perf_version,"
                           "arch,nr_cpus,pipe_mode) VALUES(?1,?2,?3,nullif(?4,''),nullif(?5,''),"
                           "nullif(?6,''),nullif(?7,''),nullif(?8,0),?9)", -1, &q, NULL) != SQLITE_OK) {
      *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
      goto fail;
    }
    sqlite3_bind_int64(q, 1, ld.source_id);
    sqlite3_bind_text(q, 2, capture, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, rs->hostname, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, rs->osrelease, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, rs->perf_version, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 7, rs->arch, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 8, rs->nr_cpus);
    sqlite3_bind_int(q, 9, rs->pipe_mode);
    if (step(db, q, pzErr)) { sqlite3_finalize(q); goto fail; }
    sqlite3_finalize(q);
    cap_id = sqlite3_last_insert_rowid(db);
  }
  /* a bigger page cache for the load's one big transaction (fewer spills to the WAL) */
  sqlite3_exec(db, "PRAGMA cache_size = -65536", 0, 0, 0);
  for (int i = 0; i < ST_COUNT; i++)
    if (sqlite3_prepare_v3(db, st_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st[i], NULL) != SQLITE_OK) {
      *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
      goto fail;
    }
  {
    /* ids continue after the largest existing one, in time order */
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM trace_event", -1, &q, NULL);
    sqlite3_int64 next_id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) + 1 : 1;
    sqlite3_finalize(q);
    /* typed kind per tracepoint id (ids are u16 common_type values) */
    kinds = sqlite3_malloc64(65536);
    if (!kinds) { *pzErr = sqlite3_mprintf("out of memory"); goto fail; }
    memset(kinds, -1, 65536);
    PerfEvent ev;
    uint64_t n = 0, first_ts = 0, last_ts = 0;
    int more;
    while ((more = perf_reader_next(r, &ev, pzErr)) == 1) {
      sqlite3_int64 id = next_id++;
      if (n == 0) first_ts = ev.ts;
      if (ev.ts > last_ts) last_ts = ev.ts;
      n++;
      sqlite3_stmt *s = st[ST_EVENT];
      sqlite3_bind_int64(s, 1, id);
      sqlite3_bind_int64(s, 2, ld.source_id);
      sqlite3_bind_int64(s, 3, cap_id);
      sqlite3_bind_int64(s, 4, (sqlite3_int64)ev.ts);
      if (ev.cpu >= 0) sqlite3_bind_int(s, 5, ev.cpu);
      else sqlite3_bind_null(s, 5);
      sqlite3_bind_int(s, 6, ev.pid);
      sqlite3_bind_int(s, 7, ev.tid);
      sqlite3_bind_text(s, 8, ev.comm, -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 9, ev.system, -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 10, ev.name, -1, SQLITE_STATIC);
      args.len = 0;
      perf_event_args_json(&ev, &args);
      if (args.oom) { *pzErr = sqlite3_mprintf("out of memory"); goto fail; }
      sqlite3_bind_text(s, 11, args.data, (int)args.len, SQLITE_STATIC);
      counts[ST_EVENT]++;
      if (step(db, s, pzErr)) goto fail;
      int k = K_NONE;
      if (ev.tev && ev.tev->id >= 0 && ev.tev->id < 65536) {
        if (kinds[ev.tev->id] < 0) kinds[ev.tev->id] = (signed char)kind_of(ev.system, ev.name);
        k = kinds[ev.tev->id];
      }
      if (k != K_NONE && insert_typed(db, st, k, &ev, id, ld.source_id, cap_id, counts, pzErr)) goto fail;
      if (ev.tid >= 0) {
        Thr *t = thr_get(&threads, ev.tid);
        if (!t) { *pzErr = sqlite3_mprintf("out of memory"); goto fail; }
        if (!t->first) t->first = ev.ts ? ev.ts : 1;
        t->last = ev.ts;
        t->pid = ev.pid;
        if (strncmp(t->comm, ev.comm, sizeof t->comm) != 0) snprintf(t->comm, sizeof t->comm, "%s", ev.comm);
      }
      if (!quiet && (n & 0xffff) == 0) {
        uint64_t done, total;
        perf_reader_progress(r, &done, &total);
        progress_update("perf.data", done, total);
      }
    }
    if (!quiet) progress_done();
    if (more < 0) goto fail;
    for (size_t i = 0; i < threads.cap; i++) {
      Thr *t = &threads.t[i];
      if (!t->used) continue;
      sqlite3_stmt *s = st[ST_THREAD];
      sqlite3_bind_int64(s, 1, ld.source_id);
      sqlite3_bind_int64(s, 2, cap_id);
      sqlite3_bind_int(s, 3, t->tid);
      sqlite3_bind_int(s, 4, t->pid);
      sqlite3_bind_text(s, 5, t->comm, -1, SQLITE_STATIC);
      sqlite3_bind_int64(s, 6, (sqlite3_int64)t->first);
      sqlite3_bind_int64(s, 7, (sqlite3_int64)t->last);
      counts[ST_THREAD]++;
      if (step(db, s, pzErr)) goto fail;
    }
    char *sql = sqlite3_mprintf("UPDATE capture SET start_ts = %lld, end_ts = %lld, event_count = %lld, "
                                "lost_events = %lld, out_of_order = %lld WHERE id = %lld",
                                n ? (long long)first_ts : 0LL, n ? (long long)last_ts : 0LL, (long long)n,
                                (long long)rs->lost_events, (long long)rs->out_of_order, cap_id);
    int e = sqlite3_exec(db, sql, 0, 0, pzErr);
    sqlite3_free(sql);
    if (e != SQLITE_OK) goto fail;
  }
  load_count(&ld, "capture", 1);
  for (int i = 0; i < ST_COUNT; i++)
    if (counts[i]) load_count(&ld, st_table[i], (sqlite3_int64)counts[i]);
  if (map_path) {
    if (taskmap_insert(db, ld.source_id, capture, &map, map_path, pzErr)) goto fail;
    load_count(&ld, "task_map", map.n);
  }
  for (int i = 0; i < ST_COUNT; i++) { sqlite3_finalize(st[i]); st[i] = NULL; }
  if (load_commit(&ld, pzErr)) goto done_noload;
  load_report(&ld, status, quiet);
  rc = 0;
  goto done_noload;
fail:
  for (int i = 0; i < ST_COUNT; i++) { sqlite3_finalize(st[i]); st[i] = NULL; }
  load_rollback(&ld);
done_noload:
  load_free(&ld);
  sqlite3_free(kinds);
  for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(st[i]);
  sqlite3_free(threads.t);
  buf_free(&args);
  perf_reader_close(r);
  taskmap_free(&map);
  return rc;
}
