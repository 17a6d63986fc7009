/*
** tvf.c — plan and cursor helpers of the table-valued functions (see tvf.h).
*/
#include "tvf.h"

#include <string.h>

int tvf_best_index(sqlite3_vtab *tab, sqlite3_index_info *info, int first, int nargs, unsigned required,
                   const char *missing) {
  int pos[32];
  if (nargs > 32) nargs = 32;
  for (int k = 0; k < nargs; k++) pos[k] = -1;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    int k = c->iColumn - first;
    if (k < 0 || k >= nargs || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (!c->usable) return SQLITE_CONSTRAINT;
    pos[k] = i;
  }
  unsigned mask = 0;
  int n = 0;
  for (int k = 0; k < nargs; k++) {
    if (pos[k] < 0) continue;
    mask |= 1u << k;
    info->aConstraintUsage[pos[k]].argvIndex = ++n;
    info->aConstraintUsage[pos[k]].omit = 1;
  }
  if ((mask & required) != required) {
    sqlite3_free(tab->zErrMsg);
    tab->zErrMsg = sqlite3_mprintf("%s", missing);
    return SQLITE_ERROR;
  }
  info->idxNum = (int)mask;
  return SQLITE_OK;
}

int tvf_cursor_new(size_t size, sqlite3_vtab_cursor **pp) {
  sqlite3_vtab_cursor *c = sqlite3_malloc64(size);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, size);
  *pp = c;
  return SQLITE_OK;
}
