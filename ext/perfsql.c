/*
** perfsql.c — the extension's entry point and its one registration table.
**
**  1. sqlite3_perfsql_init() registers every function in perfsql_functions[]
**     and every module in perfsql_modules[]; nothing else registers anything.
**  2. Flags are chosen per row: PF_PURE (deterministic, innocuous) for pure
**     computations, PF_READS for functions that read tables, PF_IO
**     (DIRECTONLY) for anything that touches files or the network, so a
**     view or trigger in an untrusted database can never call them.
**  3. tests/functions/<domain>.txt list the exact names this adds to
**     pragma_function_list and pragma_module_list; a test checks it.
** Add a family: write ext/<family>.c, declare its callbacks in its section
** below, add its rows in the same section of the tables.
*/
#include "perfsql.h"
SQLITE_EXTENSION_INIT1

/* ---- core: schema -------------------------------------------------------- */
void perfsql_init_func(sqlite3_context *, int, sqlite3_value **);
void perfsql_version_func(sqlite3_context *, int, sqlite3_value **);

/* ---- time (ext/time.c) --------------------------------------------------- */
void week_start_func(sqlite3_context *, int, sqlite3_value **);
void iso_week_func(sqlite3_context *, int, sqlite3_value **);

/* ---- stats (ext/stats.c, ext/sliding_median.c) -------------------------- */
void regress_severity_func(sqlite3_context *, int, sqlite3_value **);
void heatmap_bin_func(sqlite3_context *, int, sqlite3_value **);
void median_step(sqlite3_context *, int, sqlite3_value **);
void median_inverse(sqlite3_context *, int, sqlite3_value **);
void median_value(sqlite3_context *);
void median_final(sqlite3_context *);
void percentile_step(sqlite3_context *, int, sqlite3_value **);
void percentile_inverse(sqlite3_context *, int, sqlite3_value **);
void percentile_value(sqlite3_context *);
void percentile_final(sqlite3_context *);
void sliding_median_step(sqlite3_context *, int, sqlite3_value **);
void sliding_median_inverse(sqlite3_context *, int, sqlite3_value **);
void sliding_median_value(sqlite3_context *);
void sliding_median_final(sqlite3_context *);

/* ---- traces: annotation (ext/annotate.c) -------------------------------- */
void annotate_tid_func(sqlite3_context *, int, sqlite3_value **);
void *annotate_tid_state_new(sqlite3 *);    /* per-connection task_map cache */
void annotate_tid_state_free(void *);

/* ---- charts (ext/chart_*.c) ---------------------------------------------- */
void chart_line_step(sqlite3_context *, int, sqlite3_value **);
void chart_line_final(sqlite3_context *);
void chart_scatter_step(sqlite3_context *, int, sqlite3_value **);
void chart_scatter_final(sqlite3_context *);
void chart_bar_step(sqlite3_context *, int, sqlite3_value **);
void chart_bar_final(sqlite3_context *);
void chart_heatmap_step(sqlite3_context *, int, sqlite3_value **);
void chart_heatmap_final(sqlite3_context *);
void chart_layout_func(sqlite3_context *, int, sqlite3_value **);
void write_file_func(sqlite3_context *, int, sqlite3_value **);

/* ---- traces (ext/traces_funcs.c, ext/perf_events_vtab.c) ---------------- */
void kvm_exit_reason_func(sqlite3_context *, int, sqlite3_value **);
extern const sqlite3_module perf_events_module;

/* ---- perftracker --------------------------------------------------------- */
void pt_tag_part_func(sqlite3_context *, int, sqlite3_value **);
void pt_load_value_func(sqlite3_context *, int, sqlite3_value **);
void pt_window_scan_step(sqlite3_context *, int, sqlite3_value **);
void pt_window_scan_final(sqlite3_context *);
void pt_ttest_p_func(sqlite3_context *, int, sqlite3_value **);
void pt_round_func(sqlite3_context *, int, sqlite3_value **);
void pt_repr_func(sqlite3_context *, int, sqlite3_value **);
void pt_pyjson_func(sqlite3_context *, int, sqlite3_value **);
void pt_last_step(sqlite3_context *, int, sqlite3_value **);
void pt_last_final(sqlite3_context *);

/* ---- bench (ext/bench_stats.c, ext/changepoints.c, ext/bench_compare.c) -- */
void mann_whitney_func(sqlite3_context *, int, sqlite3_value **);
void geomean_step(sqlite3_context *, int, sqlite3_value **);
void geomean_final(sqlite3_context *);
extern const sqlite3_module changepoints_module;
extern const sqlite3_module bench_compare_module;

/* ---- remote (ext/remote_funcs.c) ----------------------------------------- */
void remote_round_func(sqlite3_context *, int, sqlite3_value **);
void remote_pystr_func(sqlite3_context *, int, sqlite3_value **);
void remote_human_bytes_func(sqlite3_context *, int, sqlite3_value **);
void remote_command_clean_func(sqlite3_context *, int, sqlite3_value **);
void remote_epoch_func(sqlite3_context *, int, sqlite3_value **);

static const PerfsqlFunction perfsql_functions[] = {
  /* core */
  {"perfsql_init", 0, PF_IO, perfsql_init_func, 0, 0, 0, 0},
  {"perfsql_version", 0, PF_PURE, perfsql_version_func, 0, 0, 0, 0},

  /* time */
  {"week_start", 1, PF_PURE, week_start_func, 0, 0, 0, 0},
  {"week_start", 2, PF_PURE, week_start_func, 0, 0, 0, 0},
  {"iso_week", 1, PF_PURE, iso_week_func, 0, 0, 0, 0},

  /* stats */
  {"regress_severity", 1, PF_PURE, regress_severity_func, 0, 0, 0, 0},
  {"regress_severity", 4, PF_PURE, regress_severity_func, 0, 0, 0, 0},
  {"heatmap_bin", 2, PF_PURE, heatmap_bin_func, 0, 0, 0, 0},
  {"heatmap_bin", 3, PF_PURE, heatmap_bin_func, 0, 0, 0, 0},
  {"median", 1, PF_PURE, 0, median_step, median_final, median_value, median_inverse},
  {"percentile", 2, PF_PURE, 0, percentile_step, percentile_final, percentile_value, percentile_inverse},
  {"sliding_median", 1, PF_PURE, 0, sliding_median_step, sliding_median_final,
   sliding_median_value, sliding_median_inverse},

  /* traces: annotation */
  {"annotate_tid", 2, PF_READS, annotate_tid_func, 0, 0, 0, 0},
  {"annotate_tid", 3, PF_READS, annotate_tid_func, 0, 0, 0, 0},

  /* charts */
  {"chart_line", 3, PF_PURE, 0, chart_line_step, chart_line_final, 0, 0},
  {"chart_line", 4, PF_PURE, 0, chart_line_step, chart_line_final, 0, 0},
  {"chart_scatter", 3, PF_PURE, 0, chart_scatter_step, chart_scatter_final, 0, 0},
  {"chart_scatter", 4, PF_PURE, 0, chart_scatter_step, chart_scatter_final, 0, 0},
  {"chart_bar", 3, PF_PURE, 0, chart_bar_step, chart_bar_final, 0, 0},
  {"chart_bar", 4, PF_PURE, 0, chart_bar_step, chart_bar_final, 0, 0},
  {"chart_bar", 5, PF_PURE, 0, chart_bar_step, chart_bar_final, 0, 0},
  {"chart_heatmap", 3, PF_PURE, 0, chart_heatmap_step, chart_heatmap_final, 0, 0},
  {"chart_heatmap", 4, PF_PURE, 0, chart_heatmap_step, chart_heatmap_final, 0, 0},
  {"chart_layout", 1, PF_PURE, chart_layout_func, 0, 0, 0, 0},
  {"write_file", 2, PF_IO, write_file_func, 0, 0, 0, 0},

  /* traces */
  {"kvm_exit_reason", 2, PF_PURE, kvm_exit_reason_func, 0, 0, 0, 0},

  /* perftracker */
  {"pt_tag_part", 2, PF_PURE, pt_tag_part_func, 0, 0, 0, 0},
  {"pt_load_value", 1, PF_PURE, pt_load_value_func, 0, 0, 0, 0},
  {"pt_window_scan", 8, PF_PURE, 0, pt_window_scan_step, pt_window_scan_final, 0, 0},
  {"pt_ttest_p", 6, PF_PURE, pt_ttest_p_func, 0, 0, 0, 0},
  {"pt_round", 2, PF_PURE, pt_round_func, 0, 0, 0, 0},
  {"pt_round", 3, PF_PURE, pt_round_func, 0, 0, 0, 0},
  {"pt_repr", 1, PF_PURE, pt_repr_func, 0, 0, 0, 0},
  {"pt_pyjson", 1, PF_PURE, pt_pyjson_func, 0, 0, 0, 0},
  {"pt_last", 2, PF_PURE, 0, pt_last_step, pt_last_final, 0, 0},

  /* bench */
  {"mann_whitney", 2, PF_PURE, mann_whitney_func, 0, 0, 0, 0},
  {"geomean", 1, PF_PURE, 0, geomean_step, geomean_final, 0, 0},

  /* remote */
  {"remote_round", 2, PF_PURE, remote_round_func, 0, 0, 0, 0},
  {"remote_pystr", 1, PF_PURE, remote_pystr_func, 0, 0, 0, 0},
  {"remote_human_bytes", 1, PF_PURE, remote_human_bytes_func, 0, 0, 0, 0},
  {"remote_command_clean", 1, PF_PURE, remote_command_clean_func, 0, 0, 0, 0},
  {"remote_epoch", 3, PF_PURE, remote_epoch_func, 0, 0, 0, 0},
};

/* Functions whose pApp is per-connection state: for every row of
** perfsql_functions[] whose x_func is listed here, init calls make(db) and
** SQLite calls destroy(pApp) when the function is replaced or the connection
** closes (sqlite3_create_function_v2). */
static const struct {
  void (*x_func)(sqlite3_context *, int, sqlite3_value **);
  void *(*make)(sqlite3 *);
  void (*destroy)(void *);
} perfsql_function_state[] = {
  {annotate_tid_func, annotate_tid_state_new, annotate_tid_state_free},
};

static const PerfsqlModule perfsql_modules[] = {
  /* traces */
  {"perf_events", &perf_events_module},

  /* bench */
  {"changepoints", &changepoints_module},
  {"bench_compare", &bench_compare_module},

  {0, 0}
};

PERFSQL_EXPORT int sqlite3_perfsql_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof(perfsql_functions) / sizeof(perfsql_functions[0]); i++) {
    const PerfsqlFunction *f = &perfsql_functions[i];
    void *app = 0;
    void (*destroy)(void *) = 0;
    for (size_t j = 0; f->x_func && j < sizeof(perfsql_function_state) / sizeof(perfsql_function_state[0]); j++) {
      if (perfsql_function_state[j].x_func != f->x_func) continue;
      if (!(app = perfsql_function_state[j].make(db))) rc = SQLITE_NOMEM;
      destroy = perfsql_function_state[j].destroy;
    }
    if (rc == SQLITE_OK && f->x_value) {
      rc = sqlite3_create_window_function(db, f->name, f->n_arg, f->flags, app, f->x_step,
                                          f->x_final, f->x_value, f->x_inverse, destroy);
    } else if (rc == SQLITE_OK) {
      rc = sqlite3_create_function_v2(db, f->name, f->n_arg, f->flags, app, f->x_func, f->x_step,
                                      f->x_final, destroy);
    }
    if (rc != SQLITE_OK && pzErrMsg) *pzErrMsg = sqlite3_mprintf("perfsql: cannot register %s()", f->name);
  }
  for (const PerfsqlModule *m = perfsql_modules; rc == SQLITE_OK && m->name; m++) {
    rc = sqlite3_create_module(db, m->name, m->module, 0);
    if (rc != SQLITE_OK && pzErrMsg) *pzErrMsg = sqlite3_mprintf("perfsql: cannot register module %s", m->name);
  }
  /* views/ files with a "Parameters:" header (view_function.c) */
  if (rc == SQLITE_OK) {
    char *err = 0;
    rc = perfsql_view_functions_register(db, &err);
    if (rc != SQLITE_OK && pzErrMsg) *pzErrMsg = err;
    else sqlite3_free(err);
  }
  return rc;
}
