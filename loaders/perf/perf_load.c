/*
** perf_load.c — loads a perf.data capture and perfwhiz task maps into the
** traces schema (sql/003_traces.sql, sql/009_traces_typed_once.sql).
**
**  1. perf_load_file(): one transaction (loaders/common/load.h) writes one
**     `capture` row and every tracepoint sample ONCE: into its typed table
**     (sched_switch, sched_waking/wakeup[_new], sched_migrate_task,
**     sched_process_fork/exec/exit, sched_stat_*, kvm_exit with the reason
**     decoded from isa, kvm_entry) with the sampled thread, or else into
**     trace_event_other with its fields as JSON; the view trace_event shows
**     all of them with their fields as JSON, as the old table did. Plus
**     trace_thread. Rows are inserted in timestamp order (the reader sorts),
**     so ids follow time. Any reader error rolls the whole load back.
**  1b. Speed (issue 15): the args JSON of a typed sample is built only when the
**     view could not rebuild the same text from the columns (Layout below);
**     strings are bound without copies; the secondary indexes of a table that
**     is empty when the load starts are created after the inserts (load_index_defer).
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

#include "batch.h"
#include "common/load.h"
#include "perf_load.h"
#include "perf_reader.h"
#include "sql_stmt.h"
#include "sched_derive.h"

/* ---- statements ------------------------------------------------------------------ */

/* Every sample is written once (sql/009_traces_typed_once.sql): into its typed table
** when it has one, else into trace_event_other; the view trace_event shows both.
** Typed statements: ?1..?5 = id, source_id, capture_id, ts, cpu; then the table's own
** columns; then the tail (st_tail[]): sample_pid, sample_tid, sample_comm, args_json. */
enum {
  ST_OTHER, ST_SWITCH, ST_WAKEUP, ST_MIGRATE, ST_PROCESS, ST_STAT, ST_KVM_EXIT, ST_KVM_ENTRY,
  ST_THREAD, ST_COUNT
};
#define TAIL "sample_pid,sample_tid,sample_comm,args_json"
static const char *const st_sql[ST_COUNT] = {
    ("INSERT INTO trace_event_other(id,source_id,capture_id,ts,cpu,pid,tid,comm,name_id,args) "
     "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"),
    ("INSERT INTO sched_switch(id,source_id,capture_id,ts,cpu,prev_comm,prev_pid,prev_prio,prev_state,"
     "next_comm,next_pid,next_prio," TAIL ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)"),
    ("INSERT INTO sched_wakeup(id,source_id,capture_id,ts,cpu,waker_tid,comm,pid,prio,target_cpu,kind," TAIL
     ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"),
    ("INSERT INTO sched_migrate(id,source_id,capture_id,ts,cpu,comm,pid,prio,orig_cpu,dest_cpu," TAIL
     ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"),
    ("INSERT INTO sched_process(id,source_id,capture_id,ts,cpu,kind,pid,comm,parent_pid,parent_comm,filename,"
     "old_pid,prio,group_dead," TAIL ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"),
    ("INSERT INTO sched_stat(id,source_id,capture_id,ts,cpu,kind,comm,pid,value,vruntime," TAIL
     ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"),
    ("INSERT INTO kvm_exit(id,source_id,capture_id,ts,cpu,tid,vcpu_id,exit_reason,isa,reason,guest_rip,info1,"
     "info2,intr_info,error_code,requests," TAIL
     ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)"),
    ("INSERT INTO kvm_entry(id,source_id,capture_id,ts,cpu,tid,vcpu_id,rip,immediate_exit,intr_info,error_code,"
     TAIL ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"),
    "INSERT INTO trace_thread VALUES(?1,?2,?3,?4,?5,?6,?7)",
};
#undef TAIL
/* first parameter of the tail, per statement */
static const int st_tail[ST_COUNT] = {0, 13, 12, 11, 15, 11, 17, 12, 0};
static const char *const st_table[ST_COUNT] = {"trace_event_other", "sched_switch", "sched_wakeup",
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

/* The field layouts that the view trace_event rebuilds from a typed row's columns
** (sql/009_traces_typed_once.sql lists the same names in the same order). Each entry is
** a type letter and the field name: S string, I integer printed signed (any signed
** field, or an unsigned one narrower than 64 bits), U unsigned (printed as u64), P
** prev_state (an integer the view rebuilds from its letters). After the base fields a
** format may carry a prefix of the optional ones (fields newer kernels append). A
** format that matches none keeps its args text in the typed row's args_json. */
typedef struct Layout { const char *base[9]; const char *opt[4]; } Layout;
static const Layout lay_switch = {{"Sprev_comm", "Iprev_pid", "Iprev_prio", "Pprev_state", "Snext_comm",
                                   "Inext_pid", "Inext_prio"}, {0}};
static const Layout lay_wakeup = {{"Scomm", "Ipid", "Iprio", "Itarget_cpu"}, {0}};
static const Layout lay_migrate = {{"Scomm", "Ipid", "Iprio", "Iorig_cpu", "Idest_cpu"}, {0}};
static const Layout lay_fork = {{"Sparent_comm", "Iparent_pid", "Schild_comm", "Ichild_pid"}, {0}};
static const Layout lay_exec = {{"Sfilename", "Ipid", "Iold_pid"}, {0}};
static const Layout lay_exit = {{"Scomm", "Ipid", "Iprio"}, {"Igroup_dead"}};
static const Layout lay_runtime = {{"Scomm", "Ipid", "Uruntime"}, {"Uvruntime"}};
static const Layout lay_delay = {{"Scomm", "Ipid", "Udelay"}, {0}};
static const Layout lay_kvm_exit = {{"Iexit_reason", "Uguest_rip", "Iisa", "Uinfo1", "Uinfo2", "Iintr_info",
                                     "Ierror_code", "Ivcpu_id"}, {"Urequests"}};
static const Layout lay_kvm_entry = {{"Ivcpu_id", "Urip"}, {"Iimmediate_exit", "Iintr_info", "Ierror_code"}};

static const Layout *layout_of(int k, const char *name) {
  switch (k) {
    case K_SWITCH: return &lay_switch;
    case K_WAKING: case K_WAKEUP: case K_WAKEUP_NEW: return &lay_wakeup;
    case K_MIGRATE: return &lay_migrate;
    case K_FORK: return &lay_fork;
    case K_EXEC: return &lay_exec;
    case K_EXIT: return &lay_exit;
    case K_STAT: return strcmp(name, "sched_stat_runtime") == 0 ? &lay_runtime : &lay_delay;
    case K_KVM_EXIT: return &lay_kvm_exit;
    case K_KVM_ENTRY: return &lay_kvm_entry;
    default: return NULL;
  }
}

static int field_fits(const char *spec, const PerfField *f, int size) {
  if (strcmp(spec + 1, f->name) != 0) return 0;
  switch (spec[0]) {
    case 'S': return f->kind == PERF_FIELD_STRING;
    case 'U': return f->kind == PERF_FIELD_UINT;
    default: return f->kind == PERF_FIELD_INT || (f->kind == PERF_FIELD_UINT && size < 8);
  }
}

/* Does ev's format match its kind's layout exactly (see Layout)? */
static int layout_matches(const PerfEvent *ev, const Layout *L) {
  if (!L || !ev->tev) return 0;
  int sizes[64], n = 0;
  for (struct tep_format_field *f = ev->tev->format.fields; f && n < 64; f = f->next) sizes[n++] = f->size;
  if (n != ev->nfield) return 0;
  int i = 0;
  for (int j = 0; j < 9 && L->base[j]; j++, i++)
    if (i >= n || !field_fits(L->base[j], &ev->fields[i], sizes[i])) return 0;
  for (int j = 0; j < 4 && L->opt[j] && i < n; j++, i++)
    if (!field_fits(L->opt[j], &ev->fields[i], sizes[i])) return 0;
  return i == n;
}

/* ---- plans: what each tracepoint's samples become -------------------------------------
** Decided once per tracepoint id, at its first sample: its typed kind, whether the view
** can rebuild its args from the columns (Layout), and for each column of its typed row the
** index of the field that fills it (fields come in the order of the format, the same for
** every sample of a tracepoint): a row is then bound by position, with no name lookup. */
typedef struct Slot { const char *field; char type; unsigned char col; } Slot;  /* S string, I int, P prev_state */
enum { MAX_SLOTS = 9 };
static const Slot slots_switch[] = {{"prev_comm", 'S', 6}, {"prev_pid", 'I', 7}, {"prev_prio", 'I', 8},
    {"prev_state", 'P', 9}, {"next_comm", 'S', 10}, {"next_pid", 'I', 11}, {"next_prio", 'I', 12}, {0}};
static const Slot slots_wakeup[] = {{"comm", 'S', 7}, {"pid", 'I', 8}, {"prio", 'I', 9}, {"target_cpu", 'I', 10}, {0}};
static const Slot slots_migrate[] = {{"comm", 'S', 6}, {"pid", 'I', 7}, {"prio", 'I', 8}, {"orig_cpu", 'I', 9},
    {"dest_cpu", 'I', 10}, {0}};
static const Slot slots_fork[] = {{"child_pid", 'I', 7}, {"child_comm", 'S', 8}, {"parent_pid", 'I', 9},
    {"parent_comm", 'S', 10}, {0}};
static const Slot slots_exec[] = {{"pid", 'I', 7}, {"filename", 'S', 11}, {"old_pid", 'I', 12}, {0}};
static const Slot slots_exit[] = {{"pid", 'I', 7}, {"comm", 'S', 8}, {"prio", 'I', 13}, {"group_dead", 'I', 14}, {0}};
/* runtime: sched_stat_runtime's field; the other sched_stat_* have delay instead (plan_of) */
static const Slot slots_stat[] = {{"pid", 'I', 8}, {"comm", 'S', 7}, {"runtime", 'I', 9}, {"vruntime", 'I', 10}, {0}};
static const Slot slots_kvm_exit[] = {{"exit_reason", 'I', 8}, {"isa", 'I', 9}, {"vcpu_id", 'I', 7},
    {"guest_rip", 'I', 11}, {"info1", 'I', 12}, {"info2", 'I', 13}, {"intr_info", 'I', 14}, {"error_code", 'I', 15},
    {"requests", 'I', 16}};
static const Slot slots_kvm_entry[] = {{"vcpu_id", 'I', 7}, {"rip", 'I', 8}, {"immediate_exit", 'I', 9},
    {"intr_info", 'I', 10}, {"error_code", 'I', 11}, {0}};

static const Slot *slots_of(int k) {
  switch (k) {
    case K_SWITCH: return slots_switch;
    case K_WAKING: case K_WAKEUP: case K_WAKEUP_NEW: return slots_wakeup;
    case K_MIGRATE: return slots_migrate;
    case K_FORK: return slots_fork;
    case K_EXEC: return slots_exec;
    case K_EXIT: return slots_exit;
    case K_STAT: return slots_stat;
    case K_KVM_EXIT: return slots_kvm_exit;
    case K_KVM_ENTRY: return slots_kvm_entry;
    default: return NULL;
  }
}

enum { PLAN_UNSEEN = -1 };
typedef struct Plan {
  sqlite3_int64 name_id;        /* trace_event_name.id of its (system, event); 0 until needed */
  signed char kind, exact;
  signed char fidx[MAX_SLOTS];  /* per slot: the field's index, -1 when missing or of another type */
} Plan;

static int field_index(const PerfEvent *ev, const char *name) {
  for (int i = 0; i < ev->nfield && i < 127; i++)
    if (strcmp(ev->fields[i].name, name) == 0) return i;
  return -1;
}

static void plan_of(Plan *pl, const PerfEvent *ev) {
  pl->name_id = 0;
  pl->kind = (signed char)kind_of(ev->system, ev->name);
  pl->exact = (signed char)layout_matches(ev, layout_of(pl->kind, ev->name));
  const Slot *sl = slots_of(pl->kind);
  memset(pl->fidx, -1, sizeof pl->fidx);
  for (int j = 0; sl && j < MAX_SLOTS && sl[j].field; j++) {
    int i = field_index(ev, sl[j].field);
    if (i < 0 && sl == slots_stat && j == 2) i = field_index(ev, "delay");
    if (i >= 0) {
      int kind = ev->fields[i].kind;
      if (sl[j].type == 'S' ? kind != PERF_FIELD_STRING : kind != PERF_FIELD_INT && kind != PERF_FIELD_UINT) i = -1;
    }
    pl->fidx[j] = (signed char)i;
  }
}

/* the slot's field in ev, or NULL */
static const PerfField *slot_field(const PerfEvent *ev, const Plan *pl, int j) {
  return pl->fidx[j] >= 0 ? &ev->fields[pl->fidx[j]] : NULL;
}
static int slot_int(const PerfEvent *ev, const Plan *pl, int j) {
  const PerfField *f = slot_field(ev, pl, j);
  return f ? (int)f->i : 0;
}

/* Row check for a matching layout: strings the view's json_object() prints as we do
** (printable ASCII; we escape control and non-ASCII bytes as \u00XX, it does not), and
** a prev_state its letters can rebuild. */
static int row_rebuildable(const PerfEvent *ev, const Plan *pl) {
  for (int i = 0; i < ev->nfield; i++) {
    const PerfField *f = &ev->fields[i];
    if (f->kind == PERF_FIELD_STRING && f->s)
      for (const unsigned char *c = (const unsigned char *)f->s; *c; c++)
        if (*c < 0x20 || *c >= 0x7f) return 0;
  }
  if (pl->kind == K_SWITCH) {
    const PerfField *f = slot_field(ev, pl, 3);
    if (!f || f->i < 0 || f->i > 0x1ff) return 0;
  }
  return 1;
}

/* trace_event_name (sql/011_traces_compact.sql): the id of a (system, event), added when
** new. A tracepoint's id is kept in its Plan; other samples (no tracepoint format: system
** "perf" or "unknown") go through a small cache of the names seen. */
typedef struct NameDict {
  sqlite3_stmt *get, *add;
  int n;
  struct { char *system, *event; sqlite3_int64 id; } e[64];
} NameDict;

static sqlite3_int64 name_lookup(sqlite3 *db, NameDict *d, const char *sys, const char *event, char **pzErr) {
  if (!d->get && (sqlite3_prepare_v2(db, "SELECT id FROM trace_event_name WHERE system = ?1 AND event = ?2", -1,
                                     &d->get, NULL) != SQLITE_OK ||
                  sqlite3_prepare_v2(db, "INSERT INTO trace_event_name(system, event) VALUES(?1, ?2)", -1,
                                     &d->add, NULL) != SQLITE_OK))
    goto fail;
  sqlite3_bind_text(d->get, 1, sys, -1, SQLITE_STATIC);
  sqlite3_bind_text(d->get, 2, event, -1, SQLITE_STATIC);
  sqlite3_int64 id = sqlite3_step(d->get) == SQLITE_ROW ? sqlite3_column_int64(d->get, 0) : 0;
  sqlite3_reset(d->get);
  if (id) return id;
  sqlite3_bind_text(d->add, 1, sys, -1, SQLITE_STATIC);
  sqlite3_bind_text(d->add, 2, event, -1, SQLITE_STATIC);
  int rc = sqlite3_step(d->add);
  sqlite3_reset(d->add);
  if (rc == SQLITE_DONE) return sqlite3_last_insert_rowid(db);
fail:
  *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
  return 0;
}

/* the id of the name of a sample without a Plan */
static sqlite3_int64 name_cached(sqlite3 *db, NameDict *d, const char *sys, const char *event, char **pzErr) {
  for (int i = 0; i < d->n; i++)
    if (strcmp(d->e[i].event, event) == 0 && strcmp(d->e[i].system, sys) == 0) return d->e[i].id;
  sqlite3_int64 id = name_lookup(db, d, sys, event, pzErr);
  if (id && d->n < 64) {
    char *a = sqlite3_mprintf("%s", sys), *b = sqlite3_mprintf("%s", event);
    if (a && b) {
      d->e[d->n].system = a;
      d->e[d->n].event = b;
      d->e[d->n++].id = id;
    } else {
      sqlite3_free(a);
      sqlite3_free(b);
    }
  }
  return id;
}

static void name_dict_free(NameDict *d) {
  sqlite3_finalize(d->get);
  sqlite3_finalize(d->add);
  for (int i = 0; i < d->n; i++) {
    sqlite3_free(d->e[i].system);
    sqlite3_free(d->e[i].event);
  }
  memset(d, 0, sizeof *d);
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

static int step(sqlite3 *db, sqlite3_stmt *s, char **pzErr) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
    return -1;
  }
  return 0;
}

static int stmt_of(int k) {
  switch (k) {
    case K_SWITCH: return ST_SWITCH;
    case K_WAKING: case K_WAKEUP: case K_WAKEUP_NEW: return ST_WAKEUP;
    case K_MIGRATE: return ST_MIGRATE;
    case K_FORK: case K_EXEC: case K_EXIT: return ST_PROCESS;
    case K_STAT: return ST_STAT;
    case K_KVM_EXIT: return ST_KVM_EXIT;
    case K_KVM_ENTRY: return ST_KVM_ENTRY;
    default: return ST_OTHER;
  }
}

/* Writes the typed row of ev (plan pl). args: the args JSON text, or NULL when the view
** rebuilds it from the columns. */
static int insert_typed(sqlite3 *db, Batch *batches, const Plan *pl, const PerfEvent *ev, sqlite3_int64 id,
                        sqlite3_int64 src, sqlite3_int64 cap, const PerfsqlBuf *args, uint64_t *counts,
                        char **pzErr) {
  int k = pl->kind, which = stmt_of(k);
  Batch *b = &batches[which];
  Val *s = batch_row(b);
  bv_int(s, 1, id);
  bv_int(s, 2, src);
  bv_int(s, 3, cap);
  bv_int(s, 4, (sqlite3_int64)ev->ts);
  if (ev->cpu >= 0) bv_int(s, 5, ev->cpu);
  const Slot *sl = slots_of(k);
  for (int j = 0; j < MAX_SLOTS && sl[j].field; j++) {
    const PerfField *f = slot_field(ev, pl, j);
    if (!f) continue;
    if (sl[j].type == 'S') {
      bv_text(b, s, sl[j].col, f->s, -1);
    } else if (sl[j].type == 'P') {
      char txt[32];
      sched_state_text((uint64_t)f->i, txt);
      bv_text(b, s, sl[j].col, txt, -1);
    } else {
      bv_int(s, sl[j].col, f->i);
    }
  }
  switch (k) {
    case K_WAKING: case K_WAKEUP: case K_WAKEUP_NEW:
      bv_int(s, 6, ev->tid);
      bv_text(b, s, 11, k == K_WAKING ? "waking" : k == K_WAKEUP ? "wakeup" : "wakeup_new", -1);
      break;
    case K_FORK: case K_EXEC: case K_EXIT:
      bv_text(b, s, 6, k == K_FORK ? "fork" : k == K_EXEC ? "exec" : "exit", -1);
      break;
    case K_STAT:
      bv_text(b, s, 6, ev->name + 11, -1);
      break;
    case K_KVM_EXIT: {
      bv_int(s, 6, ev->tid);
      if (!slot_field(ev, pl, 0)) {
        *pzErr = sqlite3_mprintf("kvm_exit at byte offset %llu has no exit_reason field",
                                 (unsigned long long)ev->offset);
        return -1;
      }
      const char *name = s[9].type ? kvm_exit_reason_name((uint64_t)s[8].i, (int)s[9].i) : NULL;
      char unk[40];
      if (!name) snprintf(unk, sizeof unk, "UNKNOWN_%lld", (long long)s[8].i);
      bv_text(b, s, 10, name ? name : unk, -1);
      break;
    }
    case K_KVM_ENTRY:
      bv_int(s, 6, ev->tid);
      break;
  }
  int t = st_tail[which];
  bv_int(s, t, ev->pid);
  bv_int(s, t + 1, ev->tid);
  bv_text(b, s, t + 2, ev->comm, -1);
  if (args) bv_text(b, s, t + 3, args->data, (int)args->len);
  counts[which]++;
  return batch_add(db, b, pzErr);
}

/* Feeds ev to the derived tables (sched_derive.h) when it is one of their samples. */
static int derive_feed(SchedDerive *d, const Plan *pl, const PerfEvent *ev) {
  sqlite3_int64 ts = (sqlite3_int64)ev->ts;
  switch (pl->kind) {
    case K_SWITCH: {
      const PerfField *comm = slot_field(ev, pl, 0), *prio = slot_field(ev, pl, 2), *st = slot_field(ev, pl, 3);
      char state[32];
      if (st) sched_state_text((uint64_t)st->i, state);
      return sched_derive_switch(d, ts, ev->cpu, slot_int(ev, pl, 1), comm ? comm->s : NULL, prio != NULL,
                                 prio ? prio->i : 0, st ? state : NULL, slot_int(ev, pl, 5));
    }
    case K_WAKEUP: case K_WAKEUP_NEW: return sched_derive_wakeup(d, ts, slot_int(ev, pl, 1));
    case K_STAT:
      return strcmp(ev->name, "sched_stat_runtime") == 0 ? sched_derive_runtime(d, ts, slot_int(ev, pl, 0)) : 0;
    default: return 0;
  }
}

/* ---- bulk-load indexes ---------------------------------------------------------------- */

/* The tables a load fills; those empty at the start get their secondary indexes after the
** inserts (load_index_defer() in loaders/common/bulk.c). */
static const char *const bulk_tables[] = {"trace_event_other", "sched_switch", "sched_wakeup", "sched_migrate",
                                          "sched_process", "sched_stat", "kvm_exit", "kvm_entry"};
enum { N_BULK_TABLES = (int)(sizeof bulk_tables / sizeof *bulk_tables) };
static const char *const derived_tables[] = {"sched_run", "sched_delay"};  /* sched_derive.c writes them */

static sqlite3_int64 max_rowid(sqlite3 *db, const char *table) {
  char *sql = sqlite3_mprintf("SELECT max(rowid) FROM \"%w\"", table);
  sqlite3_int64 v = 0;
  if (sql) sql_query_int64(db, sql, 0, &v, NULL);
  sqlite3_free(sql);
  return v;
}

/* capture_rows (sql/011_traces_compact.sql): the derived tables' rows of this load are
** those above the largest rowid before it (one transaction); the trigger that deletes a
** capture deletes them by that range. */
static int record_rowids(sqlite3 *db, sqlite3_int64 cap, const sqlite3_int64 *before, char **pzErr) {
  for (int i = 0; i < 2; i++) {
    sqlite3_int64 after = max_rowid(db, derived_tables[i]);
    if (after <= before[i]) continue;
    char *sql = sqlite3_mprintf("INSERT INTO capture_rows VALUES(%lld, '%s', %lld, %lld)", cap, derived_tables[i],
                                before[i] + 1, after);
    int rc = sql ? sqlite3_exec(db, sql, 0, 0, pzErr) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
      if (!*pzErr) *pzErr = sqlite3_mprintf("out of memory");
      return -1;
    }
  }
  return 0;
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
  char hash[65], *uri = NULL;
  if (strcmp(path, "-") == 0) perf_stdin_identity(capture, &uri, hash);   /* a pipe: not hashable up front */
  else if (sha256_file(path, hash, pzErr)) { perf_reader_close(r); taskmap_free(&map); return -1; }

  PerfsqlLoad ld;
  memset(&ld, 0, sizeof ld);
  sqlite3_stmt *st[ST_COUNT] = {0};
  ThrMap threads = {0};
  PerfsqlBuf args = {0};
  Plan *plans = NULL;
  Batch *batches = NULL;
  SchedDerive *derive = NULL;
  LoadDeferred deferred = {{0}, 0};
  NameDict names;
  memset(&names, 0, sizeof names);
  uint64_t total_events = 0;
  int rc = -1;
  uint64_t counts[ST_COUNT] = {0};
  /* identity = content + capture name: the same file may be loaded as two captures,
  ** and a new file at the same path is a new capture; --replace drops only the
  ** capture called `capture` (below), never another capture of the same path */
  char ident[65];
  load_identity_hash(hash, capture, ident);
  int status = load_begin(db, "perf", uri ? uri : path, ident, replace ? LOAD_REPLACE_SAME : LOAD_KEEP, &ld, pzErr);
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
    const char *text[] = {capture, path, rs->hostname, rs->osrelease, rs->perf_version, rs->arch};  /* ?2..?7 */
    sqlite3_bind_int64(q, 1, ld.source_id);
    load_bind_texts(q, 2, text, 6);
    sqlite3_bind_int(q, 8, rs->nr_cpus);
    sqlite3_bind_int(q, 9, rs->pipe_mode);
    if (step(db, q, pzErr)) { sqlite3_finalize(q); goto fail; }
    sqlite3_finalize(q);
    cap_id = sqlite3_last_insert_rowid(db);
  }
  /* a bigger page cache for the load's one big transaction (fewer spills to the WAL);
  ** 64 MiB keeps the peak RSS of a load well under 256 MB at any file size */
  sqlite3_exec(db, "PRAGMA cache_size = -65536", 0, 0, 0);
  sqlite3_int64 derived_before[2] = {max_rowid(db, derived_tables[0]), max_rowid(db, derived_tables[1])};
  if (load_index_defer(db, bulk_tables, N_BULK_TABLES, &deferred, pzErr) ||
      load_index_defer(db, derived_tables, 2, &deferred, pzErr) ||
      sched_derive_open(db, &ld, cap_id, &derive, pzErr))
    goto fail;
  batches = sqlite3_malloc64(ST_THREAD * sizeof *batches);
  if (!batches) { *pzErr = sqlite3_mprintf("out of memory"); goto fail; }
  memset(batches, 0, ST_THREAD * sizeof *batches);
  /* sched_wakeup.kind and sched_process.kind have CHECK (kind IN (...)). In a multi-row
  ** INSERT, SQLite (3.40) evaluates that IN list by filling a temporary b-tree again for
  ** every row: ~11k instructions a row, 14% of the CPU of a sched capture's load. The
  ** loader writes only those constants (insert_typed), so the event loop runs with the
  ** CHECKs off. Setting the pragma expires every prepared statement (they recompile at
  ** their next step), so it stays on until the loop's last full batch: only the typed
  ** and derived inserts run meanwhile (sched_run/sched_delay have no CHECK). */
  sqlite3_exec(db, "PRAGMA ignore_check_constraints = ON", 0, 0, 0);
  for (int i = 0; i < ST_THREAD; i++)
    if (batch_open(db, &batches[i], st_sql[i], pzErr)) goto fail;
  if (sqlite3_prepare_v3(db, st_sql[ST_THREAD], -1, 0, &st[ST_THREAD], NULL) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
    goto fail;
  }
  {
    /* ids continue after the largest existing one (of any table behind trace_event), in
    ** time order */
    sqlite3_stmt *q = NULL;
    PerfsqlBuf mx = {0};
    buf_appendf(&mx, "SELECT max(0");
    for (size_t i = 0; i < sizeof bulk_tables / sizeof *bulk_tables; i++)
      buf_appendf(&mx, ", coalesce((SELECT max(id) FROM \"%w\"), 0)", bulk_tables[i]);
    buf_appendf(&mx, ")");
    if (mx.oom || sqlite3_prepare_v2(db, mx.data, -1, &q, NULL) != SQLITE_OK) {
      buf_free(&mx);
      *pzErr = sqlite3_mprintf("database: %s", sqlite3_errmsg(db));
      goto fail;
    }
    buf_free(&mx);
    sqlite3_int64 next_id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) + 1 : 1;
    sqlite3_finalize(q);
    const sqlite3_int64 first_id = next_id;
    /* per tracepoint id (u16 common_type): typed kind, and whether the view can rebuild
    ** its args from the typed columns (PLAN_UNSEEN until the first sample) */
    plans = sqlite3_malloc64(65536 * sizeof *plans);
    if (!plans) { *pzErr = sqlite3_mprintf("out of memory"); goto fail; }
    for (int i = 0; i < 65536; i++) plans[i].kind = PLAN_UNSEEN;
    PerfEvent ev;
    uint64_t n = 0, first_ts = 0, last_ts = 0;
    int more;
    while ((more = perf_reader_next(r, &ev, pzErr)) == 1) {
      sqlite3_int64 id = next_id++;
      if (n == 0) first_ts = ev.ts;
      if (ev.ts > last_ts) last_ts = ev.ts;
      n++;
      const Plan *pl = NULL;
      Plan *tp = NULL;   /* the tracepoint's plan, typed or not */
      if (ev.tev && ev.tev->id >= 0 && ev.tev->id < 65536) {
        tp = &plans[ev.tev->id];
        if (tp->kind == PLAN_UNSEEN) plan_of(tp, &ev);
        if (tp->kind != K_NONE) pl = tp;
      }
      if (pl) {
        const PerfsqlBuf *a = NULL;
        if (!pl->exact || !row_rebuildable(&ev, pl)) {
          args.len = 0;
          perf_event_args_json(&ev, &args);
          if (args.oom) { *pzErr = sqlite3_mprintf("out of memory"); goto fail; }
          a = &args;
        }
        if (insert_typed(db, batches, pl, &ev, id, ld.source_id, cap_id, a, counts, pzErr)) goto fail;
        if (derive_feed(derive, pl, &ev)) goto fail;
      } else {
        Batch *b = &batches[ST_OTHER];
        Val *s = batch_row(b);
        bv_int(s, 1, id);
        bv_int(s, 2, ld.source_id);
        bv_int(s, 3, cap_id);
        bv_int(s, 4, (sqlite3_int64)ev.ts);
        if (ev.cpu >= 0) bv_int(s, 5, ev.cpu);
        bv_int(s, 6, ev.pid);
        bv_int(s, 7, ev.tid);
        bv_text(b, s, 8, ev.comm, -1);
        sqlite3_int64 nid = tp ? tp->name_id : 0;
        if (!nid) {
          nid = tp ? name_lookup(db, &names, ev.system, ev.name, pzErr) : name_cached(db, &names, ev.system, ev.name, pzErr);
          if (!nid) goto fail;
          if (tp) tp->name_id = nid;
        }
        bv_int(s, 9, nid);
        /* the JSON goes straight into the batch's text arena (no intermediate copy) */
        size_t at = b->text.len;
        perf_event_args_json(&ev, &b->text);
        if (b->text.oom) { *pzErr = sqlite3_mprintf("out of memory"); goto fail; }
        s[10].type = 't';
        s[10].off = at;
        s[10].len = (int)(b->text.len - at);
        counts[ST_OTHER]++;
        if (batch_add(db, b, pzErr)) goto fail;
      }
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
    total_events = n;
    sqlite3_exec(db, "PRAGMA ignore_check_constraints = OFF", 0, 0, 0);
    for (int i = 0; i < ST_THREAD && more >= 0; i++)
      if (batch_flush(db, &batches[i], 1, pzErr)) goto fail;
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
    /* first_id..last_id: the ids of its samples, which capture_delete_samples deletes with it */
    char *sql = sqlite3_mprintf("UPDATE capture SET start_ts = %lld, end_ts = %lld, event_count = %lld, "
                                "lost_events = %lld, out_of_order = %lld, first_id = nullif(%lld, 0), "
                                "last_id = nullif(%lld, 0) WHERE id = %lld",
                                n ? (long long)first_ts : 0LL, n ? (long long)last_ts : 0LL, (long long)n,
                                (long long)rs->lost_events, (long long)rs->out_of_order,
                                n ? (long long)first_id : 0LL, n ? (long long)(next_id - 1) : 0LL, cap_id);
    int e = sqlite3_exec(db, sql, 0, 0, pzErr);
    sqlite3_free(sql);
    if (e != SQLITE_OK) goto fail;
    if (sched_derive_finish(derive, r, path, quiet) || record_rowids(db, cap_id, derived_before, pzErr)) goto fail;
  }
  if (load_index_restore(db, &deferred, pzErr)) goto fail;
  load_count(&ld, "capture", 1);
  /* trace_event (the view) counts every sample, as before; the typed tables their own */
  load_count(&ld, "trace_event", (sqlite3_int64)total_events);
  for (int i = ST_SWITCH; i < ST_COUNT; i++)
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
  sqlite3_exec(db, "PRAGMA ignore_check_constraints = OFF", 0, 0, 0);
  load_free(&ld);
  sqlite3_free(plans);
  sched_derive_free(derive);
  name_dict_free(&names);
  load_index_free(&deferred);
  if (batches)
    for (int i = 0; i < ST_THREAD; i++) batch_close(&batches[i]);
  sqlite3_free(batches);
  for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(st[i]);
  sqlite3_free(threads.t);
  buf_free(&args);
  perf_reader_close(r);
  taskmap_free(&map);
  sqlite3_free(uri);
  return rc;
}
