/*
** annotate.c — annotate_tid(tid, comm [, capture]): perfwhiz's annotated
** task name from the task_map table (sql/001_core.sql).
**
** Contract:
**  1. Returns '<task_name>.<group_id as %02d>.<type>' (perfwhiz's
**     '%s.%02d.%s', e.g. 'Firewall.05.vcpu0', 'Router.123.emulator') for the
**     task_map row of that tid; '<task_name>.<type>' when group_id is NULL
**     (a non-integer group_id is printed as stored).
**  2. Which row: the row with capture = the given capture (exact, case-
**     sensitive match) wins over a row with capture NULL, which applies to
**     every capture. Without a capture argument, or with capture NULL, only
**     capture-NULL rows apply.
**  3. No matching row (or tid NULL / not an integer) -> comm, unchanged
**     (whatever its type, NULL included).
**  4. Speed: called once per trace event, so no statement is prepared per
**     call. The whole task_map is cached per connection (the function's
**     pApp, created by ext/perfsql.c at registration and freed by SQLite when
**     the connection closes), sorted by tid: a call is a binary search,
**     O(log m) for m rows. The cache is reloaded (one SELECT over task_map)
**     when sqlite3_total_changes64() of this connection or the main
**     database's SQLITE_FCNTL_DATA_VERSION (commits by any connection)
**     changed since it was read, or when it was read inside a write
**     transaction that has ended since (a ROLLBACK moves neither counter).
**     Not detected: ROLLBACK TO a savepoint inside a write transaction that
**     is still open. A statement that reads no table of main (rows from a
**     virtual table, a temp table, a CTE, or no FROM at all) has no read
**     transaction in which data_version means anything: it re-reads
**     task_map once per run of the statement.
**     total_changes moves at the end of every
**     writing statement of this connection, so call annotate_tid from one
**     INSERT ... SELECT rather than from per-row statements interleaved with
**     writes.
**  5. Errors: task_map missing or unreadable -> "annotate_tid: cannot read
**     task_map: <sqlite message>"; out of memory -> SQLITE_NOMEM.
*/
#include "perfsql.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct TaskMapEntry {
  sqlite3_int64 tid;
  char *capture;   /* NULL: every capture */
  char *name;      /* the annotated name */
} TaskMapEntry;

typedef struct TaskMapCache {
  TaskMapEntry *e;
  int n;
  int loaded;
  sqlite3_int64 total_changes;   /* of the connection when loaded */
  unsigned int data_version;     /* of "main" when loaded */
  int provisional;               /* loaded inside a write transaction */
} TaskMapCache;

static void cache_clear(TaskMapCache *c) {
  for (int i = 0; i < c->n; i++) {
    sqlite3_free(c->e[i].capture);
    sqlite3_free(c->e[i].name);
  }
  sqlite3_free(c->e);
  c->e = 0;
  c->n = 0;
  c->loaded = 0;
}

void *annotate_tid_state_new(sqlite3 *db) {
  (void)db;
  TaskMapCache *c = sqlite3_malloc64(sizeof *c);
  if (c) memset(c, 0, sizeof *c);
  return c;
}

void annotate_tid_state_free(void *p) {
  if (!p) return;
  cache_clear(p);
  sqlite3_free(p);
}

static int entry_cmp(const void *x, const void *y) {
  const TaskMapEntry *a = x, *b = y;
  return (a->tid > b->tid) - (a->tid < b->tid);
}

static char *dup_text(sqlite3_stmt *st, int col) {
  const unsigned char *s = sqlite3_column_text(st, col);
  return s ? sqlite3_mprintf("%s", s) : 0;
}

/* Reads task_map into c. SQLITE_OK, or an error code with *pzErr set. */
static int cache_load(sqlite3 *db, TaskMapCache *c, char **pzErr) {
  cache_clear(c);
  sqlite3_stmt *st = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT tid, capture, type, group_id, task_name FROM task_map", -1,
                              &st, 0);
  int cap = 0;
  while (rc == SQLITE_OK) {
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) break;
    rc = SQLITE_OK;
    if (c->n == cap) {
      int ncap = cap ? 2 * cap : 64;
      TaskMapEntry *p = sqlite3_realloc64(c->e, (sqlite3_uint64)ncap * sizeof *p);
      if (!p) {
        rc = SQLITE_NOMEM;
        break;
      }
      c->e = p;
      cap = ncap;
    }
    TaskMapEntry *e = &c->e[c->n];
    e->tid = sqlite3_column_int64(st, 0);
    e->capture = 0;
    e->name = 0;
    c->n++;
    if (sqlite3_column_type(st, 1) != SQLITE_NULL && !(e->capture = dup_text(st, 1))) {
      rc = SQLITE_NOMEM;
      break;
    }
    const char *type = (const char *)sqlite3_column_text(st, 2);
    const char *task = (const char *)sqlite3_column_text(st, 4);
    switch (sqlite3_column_type(st, 3)) {
      case SQLITE_NULL:
        e->name = sqlite3_mprintf("%s.%s", task ? task : "", type ? type : "");
        break;
      case SQLITE_INTEGER:
        e->name = sqlite3_mprintf("%s.%02lld.%s", task ? task : "", sqlite3_column_int64(st, 3),
                                  type ? type : "");
        break;
      default: {
        char *g = dup_text(st, 3);
        e->name = g ? sqlite3_mprintf("%s.%s.%s", task ? task : "", g, type ? type : "") : 0;
        sqlite3_free(g);
        break;
      }
    }
    if (!e->name) {
      rc = SQLITE_NOMEM;
      break;
    }
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  if (rc != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("annotate_tid: cannot read task_map: %s",
                             rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    cache_clear(c);
    return rc;
  }
  sqlite3_finalize(st);
  if (c->n > 1) qsort(c->e, (size_t)c->n, sizeof *c->e, entry_cmp);
  c->loaded = 1;
  return SQLITE_OK;
}

/* The version stamps the cache is checked against (contract 4). */
static void stamps(sqlite3 *db, sqlite3_int64 *changes, unsigned int *version) {
  *changes = sqlite3_total_changes64(db);
  *version = 0;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, version);
}

static int integral(double d) {
  return d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
}

void annotate_tid_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  TaskMapCache *c = sqlite3_user_data(ctx);
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_int64 changes;
  unsigned int version;
  stamps(db, &changes, &version);
  int in_write = sqlite3_txn_state(db, 0) == SQLITE_TXN_WRITE;
  int stale = !c->loaded || changes != c->total_changes || version != c->data_version ||
              (c->provisional && !in_write);
  /* Without a transaction open on main (the calling statement reads no table
  ** of it) the pager has not looked for other connections' commits, so
  ** data_version proves nothing: read task_map once per run of the calling
  ** statement. Aux data with a negative index lives exactly that long (it
  ** is dropped by sqlite3_reset); should it ever not be kept, every call
  ** re-reads: slower, still right. */
  int no_txn = sqlite3_txn_state(db, "main") == SQLITE_TXN_NONE;
  if (no_txn && sqlite3_get_auxdata(ctx, -1) != (void *)c) stale = 1;
  if (stale) {
    char *err = 0;
    int rc = cache_load(db, c, &err);
    if (rc != SQLITE_OK) {
      if (rc == SQLITE_NOMEM) sqlite3_result_error_nomem(ctx);
      else sqlite3_result_error(ctx, err ? err : "annotate_tid: cannot read task_map", -1);
      sqlite3_free(err);
      return;
    }
    /* stamps after the load: without a transaction on main, the load's own
    ** read is what brought data_version up to date */
    stamps(db, &c->total_changes, &c->data_version);
    c->provisional = in_write;
    if (no_txn) sqlite3_set_auxdata(ctx, -1, c, 0);
  }

  sqlite3_int64 tid;
  int tt = sqlite3_value_numeric_type(argv[0]);
  if (tt == SQLITE_INTEGER) {
    tid = sqlite3_value_int64(argv[0]);
  } else if (tt == SQLITE_FLOAT && integral(sqlite3_value_double(argv[0]))) {
    tid = (sqlite3_int64)sqlite3_value_double(argv[0]);
  } else {
    sqlite3_result_value(ctx, argv[1]);
    return;
  }
  const char *capture = argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : 0;

  /* lower bound of tid */
  int lo = 0, hi = c->n;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (c->e[mid].tid < tid) lo = mid + 1;
    else hi = mid;
  }
  const char *any = 0;
  for (int i = lo; i < c->n && c->e[i].tid == tid; i++) {
    if (!c->e[i].capture) {
      any = c->e[i].name;
    } else if (capture && strcmp(capture, c->e[i].capture) == 0) {
      sqlite3_result_text(ctx, c->e[i].name, -1, SQLITE_TRANSIENT);
      return;
    }
  }
  if (any) sqlite3_result_text(ctx, any, -1, SQLITE_TRANSIENT);
  else sqlite3_result_value(ctx, argv[1]);
}
