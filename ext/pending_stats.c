/*
** pending_stats.c — TEMPORARY weak placeholders so the core links before the
** stats family (ext/time.c, ext/stats.c, ext/sliding_median.c, ext/annotate.c)
** lands. Each raises "not available yet". The real, strong definitions
** replace these at link time; the lead deletes this file when they land.
*/
#include "perfsql.h"

#define PENDING_FUNC(name) \
  __attribute__((weak)) void name(sqlite3_context *c, int n, sqlite3_value **v) { \
    (void)n; (void)v; sqlite3_result_error(c, #name ": not available yet", -1); }
#define PENDING_FINAL(name) \
  __attribute__((weak)) void name(sqlite3_context *c) { sqlite3_result_error(c, #name ": not available yet", -1); }

PENDING_FUNC(week_start_func)
PENDING_FUNC(iso_week_func)
PENDING_FUNC(regress_severity_func)
PENDING_FUNC(heatmap_bin_func)
PENDING_FUNC(annotate_tid_func)
PENDING_FUNC(median_step)
PENDING_FUNC(median_inverse)
PENDING_FINAL(median_value)
PENDING_FINAL(median_final)
PENDING_FUNC(percentile_step)
PENDING_FUNC(percentile_inverse)
PENDING_FINAL(percentile_value)
PENDING_FINAL(percentile_final)
PENDING_FUNC(sliding_median_step)
PENDING_FUNC(sliding_median_inverse)
PENDING_FINAL(sliding_median_value)
PENDING_FINAL(sliding_median_final)

__attribute__((weak)) int perfsql_parse_time(const char *t, double *s) { (void)t; (void)s; return -1; }
__attribute__((weak)) int perfsql_value_time(sqlite3_value *v, double *s) { (void)v; (void)s; return -1; }
