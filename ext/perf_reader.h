/*
** perf_reader.h — a streaming reader of perf.data files (file and pipe mode).
**
** The reader yields the tracepoint samples of a perf.data file one at a time,
** in timestamp order, each with its event name, cpu, pid/tid, the thread's
** comm at that time and the raw tracepoint payload decoded by field name
** through libtraceevent's parsed formats. The same reader serves the loader
** (`perfsql load perf`), the table-valued function perf_events() and the
** fuzz target.
*/
#ifndef PERFSQL_PERF_READER_H
#define PERFSQL_PERF_READER_H

#include <stdint.h>
#include <event-parse.h>

typedef struct PerfReader PerfReader;

/* Field kinds of a decoded tracepoint payload. */
enum { PERF_FIELD_INT = 1, PERF_FIELD_UINT, PERF_FIELD_STRING, PERF_FIELD_ARRAY, PERF_FIELD_BYTES };

/* One decoded field: names/values point into the reader's memory and stay
** valid until the next perf_reader_next(). */
typedef struct PerfField {
  const char *name;
  const char *json_key;      /* "name": already JSON-escaped, with the colon */
  int json_key_len;
  int kind;                  /* PERF_FIELD_* */
  long long i;               /* INT / UINT (UINT stored as two's complement of u64) */
  const char *s;             /* STRING: NUL-terminated copy */
  const unsigned char *p;    /* ARRAY / BYTES: raw bytes */
  int len;                   /* bytes of p; for ARRAY element count */
  int elem_size;             /* ARRAY: element size */
  int elem_signed;
} PerfField;

/* One tracepoint sample. */
typedef struct PerfEvent {
  uint64_t ts;               /* ns, perf clock */
  int cpu;                   /* -1 when the attr does not sample CPU */
  int pid, tid;
  const char *comm;          /* thread comm at ts (from COMM/FORK records), or the
                                payload's common_pid thread; ":<tid>" when unknown */
  const char *system;        /* "sched" */
  const char *name;          /* "sched_switch" */
  struct tep_event *tev;     /* NULL for non-tracepoint samples */
  const unsigned char *raw;  /* tracepoint payload */
  int raw_size;
  int nfield;
  PerfField *fields;         /* the event's own fields (common_* excluded) */
  uint64_t offset;           /* byte offset of the record in the file */
} PerfEvent;

/* Summary counters, valid at any time. */
typedef struct PerfReaderStats {
  uint64_t samples, comm, fork, exit, lost_records, lost_events, other, rounds;
  uint64_t out_of_order;     /* events delivered before an already-delivered later ts */
  int nr_attrs, pipe_mode;
  char hostname[128], osrelease[128], perf_version[64], arch[32];
  int nr_cpus;
} PerfReaderStats;

/* Opens path ("-" is not accepted; pipe-mode files are). Reads the header,
** attrs and the tracing-data section. Returns 0, or -1 with *pzErr set to a
** one-line "<path>: byte offset N: <what>" (sqlite3_malloc'd). */
int perf_reader_open(const char *path, PerfReader **out, char **pzErr);
/* Same, from a memory buffer (fuzzing, tests). The buffer must outlive the reader. */
int perf_reader_open_mem(const char *label, const unsigned char *data, size_t n, PerfReader **out,
                         char **pzErr);
/* Next sample in time order: 1 = *ev filled, 0 = end, -1 = error (*pzErr). */
int perf_reader_next(PerfReader *r, PerfEvent *ev, char **pzErr);
const PerfReaderStats *perf_reader_stats(const PerfReader *r);
/* Progress: bytes consumed and total (0 when unknown). */
void perf_reader_progress(const PerfReader *r, uint64_t *done, uint64_t *total);
void perf_reader_close(PerfReader *r);

/* Field lookup by name in ev->fields (linear; events have < 16 fields). */
const PerfField *perf_event_field(const PerfEvent *ev, const char *name);
/* Appends ev's fields as a JSON object to b. */
struct PerfsqlBuf;
void perf_event_args_json(const PerfEvent *ev, struct PerfsqlBuf *b);

/* KVM exit reason name for kvm_exit's (exit_reason, isa): the kernel's own
** trace names (VMX when isa == 1: exit_reason & 0xffff; SVM when isa == 2).
** Returns NULL when the code is not in the table. */
const char *kvm_exit_reason_name(uint64_t exit_reason, int isa);
/* prev_state of sched_switch as perf prints it ("S", "R+", "D|W", ...). */
void sched_state_text(uint64_t state, char out[32]);

#endif
