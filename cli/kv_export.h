/*
** kv_export.h — `perfsql export kubevirt DIR` (cli/kv_export.c): the database
** back out as upstream's ci-performance-benchmarks trees. It writes files, so
** it lives with the CLI; the formats it needs (Go floats, week labels) are the
** loader's (loaders/kubevirt/kv_format.c).
*/
#ifndef PERFSQL_KV_EXPORT_H
#define PERFSQL_KV_EXPORT_H

#include "kubevirt/kubevirt.h"

typedef struct KvExportOptions {
  const char *job;           /* NULL = every job */
  int iso_weeks;             /* label weeks by their ISO Monday instead of upstream's label */
  int quiet;
} KvExportOptions;
/* Returns 0, or -1 with *pzErr set (sqlite3_malloc'd). */
int kv_export(sqlite3 *db, const char *dir, const KvExportOptions *o, char **pzErr);

#endif
