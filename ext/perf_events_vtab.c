/*
** perf_events_vtab.c — perf_events('file.data'): the tracepoint samples of a
** perf.data file as a table, read by the same streaming reader as
** `perfsql load perf` (ext/perf_reader.c), without loading it.
**
**  1. Columns: ts (ns), cpu, pid, tid, comm, system, event, args (JSON object
**     of the event's fields by name), offset (byte offset of the record); the
**     hidden column path is the function argument. Rows come in timestamp order.
**  2. The argument is required; NULL or a missing argument is an error
**     ("perf_events: a file path is required"). A bad file is an error with
**     the reader's one-line message ("<path>: byte offset N: <what>").
**  3. The module is eponymous-only and SQLITE_VTAB_DIRECTONLY: it reads files,
**     so it can be used in top-level SQL only, never from a view or trigger of
**     an untrusted database (as PF_IO functions).
**  4. Memory: the reader's bounds (no copy of the file). One pass per scan.
*/
#include <string.h>

#include "perfsql.h"
#include "perf_reader.h"
#include "tvf.h"

typedef struct PeVtab { sqlite3_vtab base; } PeVtab;
typedef struct PeCursor {
  sqlite3_vtab_cursor base;
  PerfReader *r;
  PerfEvent ev;
  int eof;
  sqlite3_int64 rowid;
  char *path;
  PerfsqlBuf args;
} PeCursor;

enum { PE_TS, PE_CPU, PE_PID, PE_TID, PE_COMM, PE_SYSTEM, PE_EVENT, PE_ARGS, PE_OFFSET, PE_PATH };

static int pe_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **ppVtab,
                      char **pzErr) {
  (void)aux; (void)argc; (void)argv; (void)pzErr;
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(ts INTEGER, cpu INTEGER, pid INTEGER, tid INTEGER, "
                                "comm TEXT, system TEXT, event TEXT, args TEXT, offset INTEGER, path HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  PeVtab *v = sqlite3_malloc(sizeof *v);
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof *v);
  *ppVtab = &v->base;
  return SQLITE_OK;
}

static int pe_disconnect(sqlite3_vtab *v) { sqlite3_free(v); return SQLITE_OK; }

/* Plan: idxNum 1 = the path argument is constrained (argv[0]); 0 = it is not,
** which xFilter reports as an error. */
static int pe_best_index(sqlite3_vtab *v, sqlite3_index_info *info) {
  (void)v;
  info->idxNum = 0;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->iColumn != PE_PATH) continue;
    if (!c->usable || c->op != SQLITE_INDEX_CONSTRAINT_EQ) return SQLITE_CONSTRAINT;
    info->aConstraintUsage[i].argvIndex = 1;
    info->aConstraintUsage[i].omit = 1;
    info->idxNum = 1;
  }
  info->estimatedCost = 1e6;
  info->estimatedRows = 1000000;
  return SQLITE_OK;
}

static int pe_open(sqlite3_vtab *v, sqlite3_vtab_cursor **pp) {
  (void)v;
  return tvf_cursor_new(sizeof(PeCursor), pp);
}

static void pe_reset(PeCursor *c) {
  perf_reader_close(c->r);
  c->r = NULL;
  sqlite3_free(c->path);
  c->path = NULL;
}

static int pe_close(sqlite3_vtab_cursor *cur) {
  PeCursor *c = (PeCursor *)cur;
  pe_reset(c);
  buf_free(&c->args);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int pe_next(sqlite3_vtab_cursor *cur) {
  PeCursor *c = (PeCursor *)cur;
  char *err = NULL;
  int rc = perf_reader_next(c->r, &c->ev, &err);
  if (rc < 0) {
    sqlite3_free(cur->pVtab->zErrMsg);
    cur->pVtab->zErrMsg = sqlite3_mprintf("perf_events: %s", err ? err : "read error");
    sqlite3_free(err);
    return SQLITE_ERROR;
  }
  c->eof = rc == 0;
  c->rowid++;
  return SQLITE_OK;
}

static int pe_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv) {
  (void)idxStr;
  PeCursor *c = (PeCursor *)cur;
  pe_reset(c);
  const char *path = idxNum == 1 && argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL;
  if (!path) {
    sqlite3_free(cur->pVtab->zErrMsg);
    cur->pVtab->zErrMsg = sqlite3_mprintf("perf_events: a file path is required: perf_events('perf.data')");
    return SQLITE_ERROR;
  }
  c->path = sqlite3_mprintf("%s", path);
  char *err = NULL;
  if (perf_reader_open(c->path, &c->r, &err)) {
    sqlite3_free(cur->pVtab->zErrMsg);
    cur->pVtab->zErrMsg = sqlite3_mprintf("perf_events: %s", err ? err : "cannot open");
    sqlite3_free(err);
    return SQLITE_ERROR;
  }
  c->rowid = 0;
  return pe_next(cur);
}

static int pe_eof(sqlite3_vtab_cursor *cur) { return ((PeCursor *)cur)->eof; }

static int pe_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
  PeCursor *c = (PeCursor *)cur;
  const PerfEvent *e = &c->ev;
  switch (col) {
    case PE_TS: sqlite3_result_int64(ctx, (sqlite3_int64)e->ts); break;
    case PE_CPU: if (e->cpu >= 0) sqlite3_result_int(ctx, e->cpu); break;
    case PE_PID: sqlite3_result_int(ctx, e->pid); break;
    case PE_TID: sqlite3_result_int(ctx, e->tid); break;
    case PE_COMM: sqlite3_result_text(ctx, e->comm, -1, SQLITE_TRANSIENT); break;
    case PE_SYSTEM: sqlite3_result_text(ctx, e->system, -1, SQLITE_TRANSIENT); break;
    case PE_EVENT: sqlite3_result_text(ctx, e->name, -1, SQLITE_TRANSIENT); break;
    case PE_ARGS:
      c->args.len = 0;
      perf_event_args_json(e, &c->args);
      if (c->args.oom) return SQLITE_NOMEM;
      sqlite3_result_text(ctx, c->args.data, (int)c->args.len, SQLITE_TRANSIENT);
      break;
    case PE_OFFSET: sqlite3_result_int64(ctx, (sqlite3_int64)e->offset); break;
    case PE_PATH: sqlite3_result_text(ctx, c->path, -1, SQLITE_TRANSIENT); break;
  }
  return SQLITE_OK;
}

static int pe_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = ((PeCursor *)cur)->rowid;
  return SQLITE_OK;
}

const sqlite3_module perf_events_module = {
  0,                /* iVersion */
  0,                /* xCreate: eponymous-only */
  pe_connect,       /* xConnect */
  pe_best_index,    /* xBestIndex */
  pe_disconnect,    /* xDisconnect */
  0,                /* xDestroy */
  pe_open,          /* xOpen */
  pe_close,         /* xClose */
  pe_filter,        /* xFilter: opens the file named by the argument */
  pe_next,          /* xNext */
  pe_eof,           /* xEof */
  pe_column,        /* xColumn */
  pe_rowid,         /* xRowid: 1-based sample number in time order */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};
