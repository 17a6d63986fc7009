/*
** cmd_capture.c — `perfsql capture`: perfwhiz's perfcap, recording and
** loading in one step, and `perfsql capture --vm-map`, the annotation CSV of
** the running QEMU guests.
**
**  1. `capture [-s SECONDS] [--events LIST] [--map CSV] [-o FILE] NAME` runs
**     `perf record -a -e EV ... -o FILE -- sleep SECONDS` with the scheduler
**     and KVM tracepoints that this kernel offers (listed under
**     /sys/kernel/tracing/events, or /sys/kernel/debug/tracing/events), then
**     loads FILE as capture NAME (perf_load_file, one transaction).
**  2. Before running anything it checks, each with a message saying what to
**     do: perf on PATH (or $PERF), root or kernel.perf_event_paranoid <= -1,
**     tracefs mounted, at least one requested event present.
**  3. `capture --vm-map [-o FILE]` writes one CSV row per thread of every
**     running QEMU (/proc/<pid>/cmdline argv[0] basename qemu-system-* or
**     qemu-kvm): `tid,instance,type,uuid,,group-id,name` where type is vcpuN
**     for threads named "CPU N/KVM", else emulatorK; instance and name come
**     from -name (guest=...), uuid from -uuid, group-id numbers the VMs 1...
**     — the automatic version of perfwhiz's create-vm-csv.sh.
*/
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "perf/perf_load.h"

const char usage_capture[] =
    "usage: perfsql [-d DB] capture [-s SECONDS] [--events LIST] [--map tmap.csv] [-o FILE] NAME\n"
    "       perfsql capture --vm-map [-o FILE]\n"
    "Records every CPU with `perf record -a` for SECONDS (default 1) with the sched and kvm\n"
    "tracepoints this kernel offers (or --events, comma-separated 'sys:name' or 'sys:*'), writes\n"
    "FILE (default NAME.perf.data) and loads it as capture NAME. Needs root (or\n"
    "kernel.perf_event_paranoid <= -1) and perf.\n"
    "--vm-map writes perfwhiz's task annotation CSV for the running QEMU guests (stdout or -o).\n"
    "example: sudo perfsql capture -s 5 --map tmap.csv baseline\n"
    "example: perfsql capture --vm-map -o tmap.csv\n";

static const char *const default_sched[] = {
    "sched_switch", "sched_wakeup", "sched_wakeup_new", "sched_migrate_task", "sched_process_fork",
    "sched_process_exec", "sched_process_exit", "sched_stat_runtime", "sched_stat_sleep",
    "sched_stat_iowait", "sched_stat_wait", "sched_stat_blocked", NULL};

static const char *tracefs_events(void) {
  static const char *const dirs[] = {"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events", NULL};
  struct stat st;
  for (int i = 0; dirs[i]; i++)
    if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode)) return dirs[i];
  return NULL;
}

/* A fresh boot often has tracefs unmounted; perf mounts it itself when it
** records, and so do we (as root), since the event list is read from it
** before perf runs. */
static const char *tracefs_events_mounting(void) {
  const char *d = tracefs_events();
  if (d || geteuid() != 0) return d;
  if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0) return NULL;
  return tracefs_events();
}

static int event_exists(const char *events_dir, const char *sys, const char *name) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s/%s/format", events_dir, sys, name);
  return access(p, R_OK) == 0;
}

/* Finds perf: $PERF, else PATH. Returns a malloc'd path or NULL. */
static char *find_perf(void) {
  const char *env = getenv("PERF");
  if (env && *env) return access(env, X_OK) == 0 ? sqlite3_mprintf("%s", env) : NULL;
  const char *path = getenv("PATH");
  if (!path) path = "/usr/bin:/bin";
  while (*path) {
    const char *e = strchr(path, ':');
    size_t n = e ? (size_t)(e - path) : strlen(path);
    char *cand = sqlite3_mprintf("%.*s/perf", (int)n, path);
    if (cand && access(cand, X_OK) == 0) return cand;
    sqlite3_free(cand);
    path += n + (e ? 1 : 0);
  }
  return NULL;
}

static int read_int_file(const char *path, long *v) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int ok = fscanf(f, "%ld", v) == 1;
  fclose(f);
  return ok ? 0 : -1;
}

/* ---- --vm-map -------------------------------------------------------------- */

/* Reads a /proc file (NULs kept) into a malloc'd, NUL-terminated buffer.
** (Plain malloc: the extension's buffer helpers need an open database.) */
static char *read_proc(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0, k;
  char *b = malloc(cap + 1);
  while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      char *nb = cap < (1u << 20) ? realloc(b, 2 * cap + 1) : NULL;
      if (!nb) break;
      b = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (!b) return NULL;
  b[n] = 0;
  *len = n;
  return b;
}

static int is_qemu(const char *argv0) {
  const char *base = strrchr(argv0, '/');
  base = base ? base + 1 : argv0;
  return strncmp(base, "qemu-system-", 12) == 0 || strcmp(base, "qemu-kvm") == 0;
}

static int vm_map(const char *out_path) {
  FILE *out = stdout;
  if (out_path && !(out = fopen(out_path, "w"))) return cli_fail("%s: %s", out_path, strerror(errno));
  DIR *proc = opendir("/proc");
  if (!proc) return cli_fail("/proc: %s", strerror(errno));
  int vms = 0, rows = 0;
  struct dirent *de;
  while ((de = readdir(proc))) {
    if (!isdigit((unsigned char)de->d_name[0])) continue;
    char path[512];
    snprintf(path, sizeof path, "/proc/%s/cmdline", de->d_name);
    size_t len = 0;
    char *cmd = read_proc(path, &len);
    if (!cmd) continue;
    if (!len || !is_qemu(cmd)) { free(cmd); continue; }
    char name[256] = "", uuid[64] = "";
    for (char *a = cmd; a < cmd + len; a += strlen(a) + 1) {
      char *next = a + strlen(a) + 1;
      if (next >= cmd + len) break;
      if (strcmp(a, "-name") == 0) {
        const char *v = next, *g = strstr(v, "guest=");
        if (g) v = g + 6;
        snprintf(name, sizeof name, "%.*s", (int)strcspn(v, ","), v);
      } else if (strcmp(a, "-uuid") == 0) {
        snprintf(uuid, sizeof uuid, "%s", next);
      }
    }
    free(cmd);
    if (!name[0]) snprintf(name, sizeof name, "qemu-%.32s", de->d_name);
    vms++;
    snprintf(path, sizeof path, "/proc/%s/task", de->d_name);
    DIR *tasks = opendir(path);
    if (!tasks) continue;
    int emulators = 0;
    struct dirent *te;
    /* sorted tids give stable emulator numbering */
    long tids[4096];
    int nt = 0;
    while ((te = readdir(tasks)) && nt < 4096)
      if (isdigit((unsigned char)te->d_name[0])) tids[nt++] = atol(te->d_name);
    closedir(tasks);
    for (int i = 1; i < nt; i++)
      for (int j = i; j > 0 && tids[j - 1] > tids[j]; j--) { long t = tids[j]; tids[j] = tids[j - 1]; tids[j - 1] = t; }
    for (int i = 0; i < nt; i++) {
      snprintf(path, sizeof path, "/proc/%s/task/%ld/comm", de->d_name, tids[i]);
      size_t cl = 0;
      char *comm = read_proc(path, &cl);
      if (!comm) continue;
      comm[strcspn(comm, "\n")] = 0;
      char type[64];
      int vcpu;
      if (sscanf(comm, "CPU %d/KVM", &vcpu) == 1) snprintf(type, sizeof type, "vcpu%d", vcpu);
      else snprintf(type, sizeof type, "emulator%d", emulators++);
      free(comm);
      /* commas would break the CSV: QEMU names may not contain them after guest= */
      fprintf(out, "%ld,%s,%s,%s,,%d,%s\n", tids[i], name, type, uuid, vms, name);
      rows++;
    }
  }
  closedir(proc);
  if (out != stdout) fclose(out);
  fprintf(stderr, "perfsql capture: %d QEMU guest%s, %d thread%s%s%s\n", vms, vms == 1 ? "" : "s", rows,
          rows == 1 ? "" : "s", out_path ? " written to " : "", out_path ? out_path : "");
  return EXIT_OK;
}

/* ---- capture ------------------------------------------------------------------ */

int cmd_capture(Cli *cli, int argc, char **argv) {
  const char *secs = "1", *events = NULL, *map = NULL, *out = NULL, *name = NULL, *v;
  int vmmap = 0;
  for (int i = 1, rc; i < argc; i++) {
    if (arg_value(argc, argv, &i, "-s", &v) || arg_value(argc, argv, &i, "--sleep", &v)) secs = v;
    else if (arg_value(argc, argv, &i, "--events", &v)) events = v;
    else if (arg_value(argc, argv, &i, "--map", &v)) map = v;
    else if (arg_value(argc, argv, &i, "-o", &v) || arg_value(argc, argv, &i, "--output", &v)) out = v;
    else if (arg_flag(argv, i, "--vm-map")) vmmap = 1;
    else if ((rc = arg_positional("capture", argv, i, &name))) return rc;
  }
  if (vmmap) return vm_map(out);
  if (!name) return cli_usage("capture", "missing capture NAME");
  char *end;
  double seconds = strtod(secs, &end);
  if (*end || !(seconds > 0) || seconds > 86400) return cli_usage("capture", "-s wants seconds > 0, not '%s'", secs);
  char *perf = find_perf();
  if (!perf)
    return cli_fail("capture: perf not found on PATH: install it (Debian: apt-get install linux-perf) "
                    "or set PERF=/path/to/perf");
  long paranoid = 2;
  read_int_file("/proc/sys/kernel/perf_event_paranoid", &paranoid);
  if (geteuid() != 0 && paranoid > -1) {
    sqlite3_free(perf);
    return cli_fail("capture: recording tracepoints on every CPU needs root, or "
                    "kernel.perf_event_paranoid <= -1 (it is %ld): run with sudo, or "
                    "`sudo sysctl kernel.perf_event_paranoid=-1`", paranoid);
  }
  const char *evdir = tracefs_events_mounting();
  if (!evdir) {
    sqlite3_free(perf);
    return cli_fail("capture: tracefs is not mounted (no /sys/kernel/tracing/events): "
                    "`mount -t tracefs nodev /sys/kernel/tracing`");
  }
  /* the event list */
  char **args = sqlite3_malloc64(sizeof(char *) * 1024);
  int na = 0, nev = 0;
  if (!args) { sqlite3_free(perf); return cli_fail("out of memory"); }
  args[na++] = perf;
  args[na++] = "record";
  args[na++] = "-a";
  args[na++] = "-q";
  char *evcopy = NULL;
  if (events) {
    evcopy = sqlite3_mprintf("%s", events);
    for (char *tok = strtok(evcopy, ","); tok && na < 1000; tok = strtok(NULL, ",")) {
      char sys[128], nm[128];
      if (sscanf(tok, "%127[^:]:%127s", sys, nm) != 2) {
        sqlite3_free(evcopy); sqlite3_free(args); sqlite3_free(perf);
        return cli_usage("capture", "event '%s' is not 'system:name'", tok);
      }
      if (strcmp(nm, "*") != 0 && !event_exists(evdir, sys, nm)) {
        fprintf(stderr, "perfsql capture: %s is not offered by this kernel (no %s/%s/%s); skipped\n", tok,
                evdir, sys, nm);
        continue;
      }
      args[na++] = "-e";
      args[na++] = tok;
      nev++;
    }
  } else {
    for (int i = 0; default_sched[i]; i++)
      if (event_exists(evdir, "sched", default_sched[i])) {
        args[na++] = "-e";
        args[na++] = sqlite3_mprintf("sched:%s", default_sched[i]);
        nev++;
      }
    char kvmdir[512];
    snprintf(kvmdir, sizeof kvmdir, "%s/kvm", evdir);
    struct stat st;
    if (stat(kvmdir, &st) == 0) {
      args[na++] = "-e";
      args[na++] = "kvm:*";
      nev++;
    }
  }
  int rc = EXIT_FAIL;
  char *outfile = out ? sqlite3_mprintf("%s", out) : sqlite3_mprintf("%s.perf.data", name);
  char *sleep_s = sqlite3_mprintf("%g", seconds);
  if (nev == 0) {
    cli_fail("capture: none of the requested tracepoints exists under %s", evdir);
    goto done;
  }
  args[na++] = "-o";
  args[na++] = outfile;
  args[na++] = "--";
  args[na++] = "sleep";
  args[na++] = sleep_s;
  args[na] = NULL;
  if (!cli->quiet) fprintf(stderr, "perfsql capture: recording %d event groups for %s s into %s\n", nev, sleep_s, outfile);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) { cli_fail("capture: fork: %s", strerror(errno)); goto done; }
  if (pid == 0) {
    execv(perf, args);
    fprintf(stderr, "perfsql capture: %s: %s\n", perf, strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    cli_fail("capture: perf record failed (%s %d); see its messages above",
             WIFEXITED(status) ? "exit status" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    goto done;
  }
  if (cli_open(cli)) goto done;
  char *err = NULL;
  if (perf_load_file(cli->db, outfile, name, map, 0, cli->quiet, &err)) {
    cli_done(1, &err, "load failed");
    goto done;
  }
  rc = EXIT_OK;
done:
  if (!events)
    for (int i = 0; i < na; i++)
      if (args[i] && strncmp(args[i], "sched:", 6) == 0) sqlite3_free(args[i]);
  sqlite3_free(evcopy);
  sqlite3_free(outfile);
  sqlite3_free(sleep_s);
  sqlite3_free(args);
  sqlite3_free(perf);
  return rc;
}
