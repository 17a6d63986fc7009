/*
** tvf.h — the shared parts of perfsql's table-valued functions (eponymous virtual
** tables whose arguments are hidden columns): bench_compare, changepoints and the
** parameterized reports of view_function.c.
**
**  1. Plan encoding: the arguments are the hidden columns first .. first+nargs-1; each
**     usable equality constraint on one becomes an argument of xFilter (argvIndex in
**     column order, omitted from the checks SQLite makes), and idxNum has bit k set
**     when argument k is given. An equality on an argument that is not usable in this
**     plan makes the plan impossible (SQLITE_CONSTRAINT), so SQLite orders the joins to
**     supply it. Other operators on arguments are left to SQLite.
**  2. required: the bit mask of arguments that must be given; when one is missing the
**     table's error is `missing` and the result SQLITE_ERROR.
**  3. The caller sets estimatedCost/estimatedRows after a successful call.
*/
#ifndef PERFSQL_TVF_H
#define PERFSQL_TVF_H

#include "perfsql.h"

int tvf_best_index(sqlite3_vtab *tab, sqlite3_index_info *info, int first, int nargs, unsigned required,
                   const char *missing);
/* xOpen: a zeroed cursor of `size` bytes whose first member is the sqlite3_vtab_cursor. */
int tvf_cursor_new(size_t size, sqlite3_vtab_cursor **pp);

#endif
