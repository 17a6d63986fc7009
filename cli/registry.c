/*
** registry.c — every command, load kind and demo step of the CLI, one table
** each, grouped by domain. A domain adds its rows in its own section.
*/
#include "cli.h"

/* ---- core (cli/cmd_core.c) ---------------------------------------------- */
int cmd_init(Cli *, int, char **);
int cmd_sql(Cli *, int, char **);
int cmd_views(Cli *, int, char **);
int cmd_refresh(Cli *, int, char **);
int cmd_sources(Cli *, int, char **);
int cmd_load(Cli *, int, char **);
int cmd_export(Cli *, int, char **);
int cmd_demo(Cli *, int, char **);
int cmd_version(Cli *, int, char **);
int cmd_help(Cli *, int, char **);
extern const char usage_init[], usage_sql[], usage_views[], usage_refresh[], usage_sources[],
    usage_load[], usage_export[], usage_demo[], usage_version[], usage_help[];

/* ---- charts (cli/cmd_charts.c, cli/demo_charts.c) ---------------------- */
int cmd_plot(Cli *, int, char **);
int cmd_report(Cli *, int, char **);
int demo_charts(Cli *, const char *, const char *);
extern const char usage_plot[], usage_report[];

/* ---- traces (cli/cmd_traces.c, cli/cmd_capture.c, cli/cmd_traces_report.c) */
int load_perf(Cli *, int, char **);
int load_taskmap(Cli *, int, char **);
extern const char usage_load_perf[], usage_load_taskmap[];
int cmd_capture(Cli *, int, char **);
int cmd_traces(Cli *, int, char **);
int demo_traces(Cli *, const char *, const char *);
extern const char usage_capture[], usage_traces[];

/* ---- kubevirt (cli/cmd_kubevirt.c, cli/kv_export.c, cli/kv_graph.c) ------- */
int load_kubevirt(Cli *, int, char **);
int load_kubevirt_gcs(Cli *, int, char **);
int export_kubevirt(Cli *, int, char **);
int cmd_kubevirt_graph(Cli *, int, char **);
int demo_kubevirt(Cli *, const char *, const char *);
extern const char usage_load_kubevirt[], usage_load_kubevirt_gcs[], usage_export_kubevirt[], usage_kubevirt_graph[];

/* ---- perftracker (cli/cmd_perftracker.c) -------------------------------- */
int cmd_perftracker(Cli *, int, char **);
int load_perftracker(Cli *, int, char **);
int demo_perftracker(Cli *, const char *, const char *);
extern const char usage_perftracker[], usage_load_perftracker[];

/* ---- bench (cli/cmd_bench.c) --------------------------------------------- */
int cmd_bench(Cli *, int, char **);
int load_bench(Cli *, int, char **);
int demo_bench(Cli *, const char *, const char *);
extern const char usage_bench[], usage_load_bench[];

/* ---- remote (cli/cmd_remote.c) ------------------------------------------- */
int export_remote(Cli *, int, char **);
int export_cases(Cli *, int, char **);
int load_remote(Cli *, int, char **);
int load_remote_config(Cli *, int, char **);
int demo_remote(Cli *, const char *, const char *);
extern const char usage_export_remote[], usage_export_cases[], usage_load_remote[], usage_load_remote_config[];

const CliCommand cli_commands[] = {
  {"init", cmd_init, "create or migrate the database and install the canned views", usage_init},
  {"sql", cmd_sql, "run SQL (argument or stdin) and print the rows", usage_sql},
  {"views", cmd_views, "list the canned views and what each answers", usage_views},
  {"refresh", cmd_refresh, "materialize report views into report_<name> tables", usage_refresh},
  {"sources", cmd_sources, "list what has been loaded (the source table)", usage_sources},
  {"load", cmd_load, "load a source: perfsql load KIND ... (see perfsql help load)", usage_load},
  {"export", cmd_export, "write loaded data as files: perfsql export TARGET ... (see perfsql help export)", usage_export},
  {"demo", cmd_demo, "load every bundled sample into out/perf.db and write every report", usage_demo},
  {"version", cmd_version, "print the versions of perfsql and its libraries", usage_version},
  {"help", cmd_help, "help on a command: perfsql help COMMAND", usage_help},

  /* charts */
  {"plot", cmd_plot, "write the chart a query (or view) returns to a PNG file", usage_plot},
  {"report", cmd_report, "render views as one self-contained HTML page (--html) or as rows", usage_report},

  /* traces */
  {"capture", cmd_capture, "record sched/kvm tracepoints with perf and load them (perfcap); --vm-map", usage_capture},
  {"traces", cmd_traces, "capture dashboards (perfmap): traces report CAPTURE ..., traces diff A B", usage_traces},

  /* kubevirt */
  {"kubevirt-graph", cmd_kubevirt_graph, "KubeVirt weekly and release graphs (PNG per metric, HTML per resource)",
   usage_kubevirt_graph},

  /* perftracker */
  {"perftracker", cmd_perftracker,
   "compare two PerfTracker jobs (or auto-discover them) and write the regression report", usage_perftracker},

  /* bench */
  {"bench", cmd_bench, "benchmark runs: compare, check (CI gate), history (change points), runs", usage_bench},

  {0, 0, 0, 0}
};

const CliLoadKind cli_load_kinds[] = {
  /* traces */
  {"perf", load_perf, "a perf.data capture (sched/kvm tracepoints), natively", usage_load_perf},
  {"taskmap", load_taskmap, "perfwhiz's task annotation CSV for a capture", usage_load_taskmap},

  /* kubevirt */
  {"kubevirt", load_kubevirt, "KubeVirt CI results: results.json trees, audit JSON, build-log.txt, shape.yaml",
   usage_load_kubevirt},
  {"kubevirt-gcs", load_kubevirt_gcs, "KubeVirt CI runs from the Prow GCS bucket over HTTPS", usage_load_kubevirt_gcs},

  /* perftracker */
  {"perftracker", load_perftracker, "PerfTracker job files (?as_json=1 exports or client upload bodies)",
   usage_load_perftracker},

  /* bench */
  {"bench", load_bench, "benchmark results: Google Benchmark JSON, regression_test.py JSON, CSV", usage_load_bench},

  /* remote */
  {"remote", load_remote, "an eBPF perf-test iteration folder (local or sftp://)", usage_load_remote},
  {"remote-config", load_remote_config, "the eBPF perf-test framework's YAML configuration", usage_load_remote_config},

  {0, 0, 0, 0}
};

/* `perfsql export TARGET ...`: files in an upstream layout. */
const CliLoadKind cli_export_targets[] = {
  /* kubevirt */
  {"kubevirt", export_kubevirt, "ci-performance-benchmarks trees: results/<job>/<id>/results.json and weekly/",
   usage_export_kubevirt},

  /* remote */
  {"remote", export_remote, "the eBPF framework's report CSVs, overviews and charts", usage_export_remote},
  {"cases", export_cases, "the eBPF framework's test-case matrix as <env>-cases.json", usage_export_cases},

  {0, 0, 0, 0}
};

/* ---- demo steps ---------------------------------------------------------- */
int demo_core(Cli *, const char *, const char *);

const CliDemoStep cli_demo_steps[] = {
  {"core", demo_core},
  /* charts */
  {"charts", demo_charts},

  /* traces */
  {"traces", demo_traces},

  /* kubevirt */
  {"kubevirt", demo_kubevirt},

  /* perftracker */
  {"perftracker", demo_perftracker},

  /* bench */
  {"bench", demo_bench},

  /* remote */
  {"remote", demo_remote},

  {0, 0}
};
