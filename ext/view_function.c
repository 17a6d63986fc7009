/*
** view_function.c — parameterized reports: a views/<domain>/<name>.sql file
** with a "Parameters:" section becomes the table-valued function <name>(...).
**
**  1. A view file is a parameterized report when its header comment holds a
**     line "-- Parameters:" followed by one line per parameter,
**     "--   :param_name  description", in call order. Its body is ONE
**     SELECT (or WITH ... SELECT) statement using those named parameters.
**  2. perfsql_view_functions_register() makes each one an eponymous-only
**     virtual table <name> on the connection. Columns: the SELECT's result
**     columns, then one HIDDEN column per parameter. `name(a, b)` binds
**     :p1 = a, :p2 = b; parameters not given are NULL (the SQL decides what
**     NULL means, usually "no filter"); `WHERE p1 = a` works the same way.
**     A parameter name must differ from every result column name (both are
**     columns of one table): name it for its role (since_ns, only_kind).
**  3. The SELECT is prepared when a statement first names the function on a
**     connection (xConnect), so the tables it reads must exist then
**     (perfsql_init() creates them); the error is SQLite's own message,
**     prefixed with the file. A parameter used in the body but not listed in
**     the header is an error, so the call order is always documented.
**  4. Each cursor prepares its own statement: the function may appear more
**     than once in a query and may be nested. Rows are stepped lazily.
**  5. perfsql_view catalogues these files like views (schema.c); they are
**     not CREATE VIEW objects, so they need the extension loaded.
** Limits: at most 32 parameters; only equality constraints bind parameters.
*/
#include "perfsql.h"
#include "tvf.h"
#include "sql_stmt.h"
#include <ctype.h>
#include <string.h>

#define VF_MAX_PARAMS 32

/* ---- header parsing (also used by schema.c) ----------------------------- */

/* Returns the start of the "-- Parameters:" line in the leading comment
** block of text, or NULL when the file is an ordinary view. */
static const char *params_section(const char *text) {
  for (const char *l = text; l && strncmp(l, "--", 2) == 0;) {
    const char *p = l + 2;
    while (*p == ' ') p++;
    if (strncmp(p, "Parameters:", 11) == 0) return l;
    l = strchr(l, '\n');
    if (l) l++;
  }
  return 0;
}

int perfsql_view_is_function(const char *text) { return params_section(text) != 0; }

/* Parses the parameter names (without ':') into names[]; returns their count
** or -1 when there are more than VF_MAX_PARAMS. */
static int parse_params(const char *text, char names[][64]) {
  const char *l = params_section(text);
  int n = 0;
  if (!l) return 0;
  l = strchr(l, '\n');
  while (l && strncmp(++l, "--", 2) == 0) {
    const char *p = l + 2;
    while (*p == ' ' || *p == '\t') p++;
    if (*p != ':') break;
    p++;
    size_t k = 0;
    while ((isalnum((unsigned char)p[k]) || p[k] == '_') && k < 63) k++;
    if (k == 0) break;
    if (n == VF_MAX_PARAMS) return -1;
    memcpy(names[n], p, k);
    names[n][k] = 0;
    n++;
    l = strchr(l, '\n');
  }
  return n;
}

/* The name of a view file: "-- <name>: <summary>" on its first line. */
static char *file_view_name(const char *text) {
  if (strncmp(text, "-- ", 3) != 0) return 0;
  const char *colon = strchr(text + 3, ':');
  const char *eol = strchr(text, '\n');
  if (!colon || !eol || colon > eol) return 0;
  return sqlite3_mprintf("%.*s", (int)(colon - text - 3), text + 3);
}

/* ---- the virtual table ---------------------------------------------------- */

typedef struct ViewFn {
  sqlite3_vtab base;
  sqlite3 *db;
  const PerfsqlEmbedded *file;
  int n_out;                            /* result columns of the SELECT */
  int n_param;
  int bind_index[VF_MAX_PARAMS];        /* statement index of each parameter */
} ViewFn;

typedef struct ViewFnCursor {
  sqlite3_vtab_cursor base;
  sqlite3_stmt *st;
  sqlite3_value *arg[VF_MAX_PARAMS];    /* the values bound, for the hidden columns */
  sqlite3_int64 rowid;
  int eof;
} ViewFnCursor;

static int vf_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **out, char **pzErr) {
  (void)argc;
  (void)argv;
  const PerfsqlEmbedded *f = aux;
  char names[VF_MAX_PARAMS][64];
  int n_param = parse_params(f->text, names);
  if (n_param < 0) {
    *pzErr = sqlite3_mprintf("%s: more than %d parameters", f->path, VF_MAX_PARAMS);
    return SQLITE_ERROR;
  }
  sqlite3_stmt *st = 0;
  char *err = 0;
  if (sql_prepare(db, f->text, &st, &err) != SQLITE_OK) {
    *pzErr = sqlite3_mprintf("%s: %s", f->path, err);
    sqlite3_free(err);
    return SQLITE_ERROR;
  }
  ViewFn *v = sqlite3_malloc64(sizeof *v);
  if (!v) {
    sqlite3_finalize(st);
    return SQLITE_NOMEM;
  }
  memset(v, 0, sizeof *v);
  v->db = db;
  v->file = f;
  v->n_out = sqlite3_column_count(st);
  v->n_param = n_param;
  int rc = SQLITE_OK;
  for (int i = 0; i < n_param; i++) {
    char colon_name[70];
    sqlite3_snprintf((int)sizeof colon_name, colon_name, ":%s", names[i]);
    v->bind_index[i] = sqlite3_bind_parameter_index(st, colon_name);
  }
  /* Every parameter of the body must be documented in the header. */
  for (int j = 1; rc == SQLITE_OK && j <= sqlite3_bind_parameter_count(st); j++) {
    int listed = 0;
    for (int i = 0; i < n_param; i++) listed |= v->bind_index[i] == j;
    if (!listed) {
      const char *pn = sqlite3_bind_parameter_name(st, j);
      *pzErr = sqlite3_mprintf("%s: parameter %s is not listed under Parameters:", f->path,
                               pn ? pn : "?");
      rc = SQLITE_ERROR;
    }
  }
  PerfsqlBuf decl = {0};
  buf_appendf(&decl, "CREATE TABLE x(");
  for (int i = 0; i < v->n_out; i++)
    buf_appendf(&decl, "%s\"%w\"", i ? ", " : "", sqlite3_column_name(st, i));
  for (int i = 0; i < n_param; i++)
    buf_appendf(&decl, "%s\"%w\" HIDDEN", (v->n_out || i) ? ", " : "", names[i]);
  buf_appendf(&decl, ")");
  sqlite3_finalize(st);
  if (rc == SQLITE_OK && decl.oom) rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK) {
    rc = sqlite3_declare_vtab(db, decl.data);
    if (rc != SQLITE_OK)
      *pzErr = sqlite3_mprintf("%s: cannot declare columns: %s", f->path, sqlite3_errmsg(db));
  }
  buf_free(&decl);
  if (rc != SQLITE_OK) {
    sqlite3_free(v);
    return rc;
  }
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
  *out = &v->base;
  return SQLITE_OK;
}

static int vf_disconnect(sqlite3_vtab *vt) {
  sqlite3_free(vt);
  return SQLITE_OK;
}

/* Plan encoding: bit i of idxNum set = parameter i is bound by an equality
** constraint; argv of xFilter holds the bound values in parameter order.
** An equality on a parameter that is not usable in this plan makes the plan
** impossible (SQLITE_CONSTRAINT), so SQLite orders the joins to supply it. */
static int vf_best_index(sqlite3_vtab *vt, sqlite3_index_info *info) {
  ViewFn *v = (ViewFn *)vt;
  int rc = tvf_best_index(vt, info, v->n_out, v->n_param, 0, "");
  info->estimatedCost = 1000.0;
  info->estimatedRows = 1000;
  return rc;
}

static int vf_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out) {
  ViewFn *v = (ViewFn *)vt;
  ViewFnCursor *c = sqlite3_malloc64(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  char *err = 0;
  if (sql_prepare(v->db, v->file->text, &c->st, &err) != SQLITE_OK) {
    sqlite3_free(vt->zErrMsg);
    vt->zErrMsg = sqlite3_mprintf("%s: %s", v->file->path, err);
    sqlite3_free(err);
    sqlite3_free(c);
    return SQLITE_ERROR;
  }
  *out = &c->base;
  return SQLITE_OK;
}

static void cursor_clear_args(ViewFnCursor *c) {
  for (int i = 0; i < VF_MAX_PARAMS; i++) {
    sqlite3_value_free(c->arg[i]);
    c->arg[i] = 0;
  }
}

static int vf_close(sqlite3_vtab_cursor *cur) {
  ViewFnCursor *c = (ViewFnCursor *)cur;
  cursor_clear_args(c);
  sqlite3_finalize(c->st);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int vf_step(ViewFnCursor *c) {
  int rc = sqlite3_step(c->st);
  if (rc == SQLITE_ROW) {
    c->rowid++;
    return SQLITE_OK;
  }
  c->eof = 1;
  if (rc == SQLITE_DONE) return SQLITE_OK;
  ViewFn *v = (ViewFn *)c->base.pVtab;
  sqlite3_free(v->base.zErrMsg);
  v->base.zErrMsg = sqlite3_mprintf("%s: %s", v->file->path, sqlite3_errmsg(v->db));
  return rc;
}

static int vf_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc,
                     sqlite3_value **argv) {
  (void)idxStr;
  ViewFnCursor *c = (ViewFnCursor *)cur;
  ViewFn *v = (ViewFn *)cur->pVtab;
  sqlite3_reset(c->st);
  sqlite3_clear_bindings(c->st);
  cursor_clear_args(c);
  int a = 0;
  for (int i = 0; i < v->n_param && a < argc; i++) {
    if (!((unsigned)idxNum & (1u << i))) continue;
    if (!(c->arg[i] = sqlite3_value_dup(argv[a]))) return SQLITE_NOMEM;
    if (v->bind_index[i] > 0) sqlite3_bind_value(c->st, v->bind_index[i], argv[a]);
    a++;
  }
  c->rowid = 0;
  c->eof = 0;
  return vf_step(c);
}

static int vf_next(sqlite3_vtab_cursor *cur) { return vf_step((ViewFnCursor *)cur); }

static int vf_eof(sqlite3_vtab_cursor *cur) { return ((ViewFnCursor *)cur)->eof; }

static int vf_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i) {
  ViewFnCursor *c = (ViewFnCursor *)cur;
  ViewFn *v = (ViewFn *)cur->pVtab;
  if (i < v->n_out) {
    sqlite3_result_value(ctx, sqlite3_column_value(c->st, i));
  } else if (c->arg[i - v->n_out]) {
    sqlite3_result_value(ctx, c->arg[i - v->n_out]);
  }
  return SQLITE_OK;
}

static int vf_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid) {
  *rowid = ((ViewFnCursor *)cur)->rowid;
  return SQLITE_OK;
}

static const sqlite3_module view_function_module = {
  0,              /* iVersion */
  0,              /* xCreate: eponymous only, no CREATE VIRTUAL TABLE */
  vf_connect,     /* xConnect: prepares the SELECT to learn its columns */
  vf_best_index,  /* xBestIndex: equality constraints on parameters */
  vf_disconnect,  /* xDisconnect */
  0,              /* xDestroy */
  vf_open,        /* xOpen: one statement per cursor */
  vf_close,       /* xClose */
  vf_filter,      /* xFilter: binds the parameters, steps the first row */
  vf_next,        /* xNext */
  vf_eof,         /* xEof */
  vf_column,      /* xColumn: result columns, then the parameters */
  vf_rowid,       /* xRowid: 1, 2, ... per call */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0  /* read-only: no xUpdate, transactions, rename */
};

int perfsql_view_functions_register(sqlite3 *db, char **pzErr) {
  int rc = SQLITE_OK;
  for (int i = 0; rc == SQLITE_OK && i < perfsql_embedded_count; i++) {
    const PerfsqlEmbedded *f = &perfsql_embedded_files[i];
    if (strncmp(f->path, "views/", 6) != 0 || !perfsql_view_is_function(f->text)) continue;
    char *name = file_view_name(f->text);
    if (!name) {
      *pzErr = sqlite3_mprintf("%s:1: a view file must start with \"-- <view_name>: <summary>\"",
                               f->path);
      return SQLITE_ERROR;
    }
    rc = sqlite3_create_module(db, name, &view_function_module, (void *)f);
    if (rc != SQLITE_OK) *pzErr = sqlite3_mprintf("perfsql: cannot register %s (%s)", name, f->path);
    sqlite3_free(name);
  }
  return rc;
}
